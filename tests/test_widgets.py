"""The explorable figures' Python side (docs/_book/bookkit.py): specs and data.

The browser side (docs/javascripts/nn-widgets.js) is driven by
scripts/check_site.py in headless Chromium.
"""

from __future__ import annotations

import base64
import html
import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "docs" / "_book"))

import bookkit  # noqa: E402
import bookkit.widgets  # noqa: E402

from nnscratch import SGD, mlp  # noqa: E402
from nnscratch.datasets import xor  # noqa: E402
from nnscratch.experiments import lr_sweep, training_snapshots  # noqa: E402


def spec_of(page_html: str) -> dict:
    found = re.search(r"data-nn-spec='([^']*)'", page_html)
    assert found, "no JSON spec in the widget"
    return json.loads(html.unescape(found[1]))


@pytest.fixture(scope="module")
def lr_data():
    return lr_sweep()


@pytest.fixture(scope="module")
def snaps():
    X, y = xor()
    return training_snapshots(
        lambda: mlp([2, 4, 1], "sigmoid", "sigmoid", seed=0),
        X, y, "mse", SGD(lr=2.0), epochs=5000, n_snapshots=50,
    )  # fmt: skip


def test_lr_explorer_spec(lr_data):
    out = bookkit.lr_explorer("t-lr", lr_data, alt="Three panels", caption="Move it")
    assert len(out.encode()) < bookkit.widgets.WIDGET_MAX_BYTES
    assert out.startswith('<figure class="nn-widget" id="widget-t-lr" data-nn-widget="t-lr" hidden')
    assert '<label for="widget-t-lr-slider">Learning rate</label>' in out
    spec = spec_of(out)
    n = len(spec["values"])
    assert n == 20 and len(spec["status"]) == n and len(spec["valueLabels"]) == n
    assert [p["type"] for p in spec["panels"]] == ["path", "path", "curves"]
    assert all(len(p["frames"]) == n for p in spec["panels"][:2])
    assert len(spec["panels"][2]["series"][0]["frames"]) == n
    assert all(len(curve) <= 100 for curve in spec["panels"][2]["series"][0]["frames"])
    assert spec["status"][-1].startswith("learning rate 100: ")
    assert "diverged" in spec["status"][-1]
    assert spec["values"][spec["start"]] == pytest.approx(0.3, rel=0.1)


def test_training_scrubber_spec(snaps):
    out = bookkit.training_scrubber("t-xor", snaps, alt="Three panels", caption="Play it")
    assert len(out.encode()) < bookkit.widgets.WIDGET_MAX_BYTES
    assert '<button type="button" class="nn-widget__play"' in out and ">Play</button>" in out
    assert 'aria-live="polite"' in out
    spec = spec_of(out)
    heat, bars, curves = spec["panels"]
    assert (heat["type"], bars["type"], curves["type"]) == ("heatmap", "bars", "curves")
    assert len(heat["frames"]) == 50
    first = np.frombuffer(base64.b64decode(heat["frames"][-1]), dtype=np.uint8)
    assert first.size == heat["nx"] * heat["ny"] == 32 * 32
    assert np.array(bars["frames"]).shape == (50, 4, 4)
    assert len(curves["marker"]) == 50 and len(curves["series"][0]["x"]) <= 200
    assert spec["status"][0] == "epoch 0: loss 0.26 (before training)"


def test_scrubber_checks_its_input():
    panel = {"type": "bars", "groups": ["a"], "series": ["h"], "colors": ["#000"],
             "ylim": [0, 1], "frames": [[[0.5]]]}  # fmt: skip
    with pytest.raises(ValueError, match="one per frame"):
        bookkit.scrubber("x", "epoch", [0, 1], [panel], "c", "alt")
    with pytest.raises(ValueError, match="alt text is required"):
        bookkit.scrubber("x", "epoch", [0, 1], [], "c", " ")
    with pytest.raises(ValueError, match="panel type"):
        bookkit.scrubber("x", "epoch", [0, 1], [{"type": "pie"}], "c", "alt")
    big = {"type": "heatmap", "frames": ["A" * 100_000, "A" * 100_000]}
    with pytest.raises(ValueError, match="over the 150 KB limit"):
        bookkit.scrubber("x", "epoch", [0, 1], [big], "c", "alt")


def test_scrubber_escapes_text_and_quotes():
    panel = {"type": "curves", "title": "it's </figure> & <b>", "series": []}
    out = bookkit.scrubber("x", "a <b>", [0, 1], [panel], "cap & co", 'say "hi"')
    assert "<script" not in out  # instant navigation would run it (see scrubber)
    assert "</figure>" not in out.split("data-nn-spec=")[1].split("'>")[0]
    assert spec_of(out)["panels"][0]["title"] == "it's </figure> & <b>"
    assert 'aria-label="say &quot;hi&quot;"' in out and "cap &amp; co" in out
    assert '<label for="widget-x-slider">A &lt;b&gt;</label>' in out
