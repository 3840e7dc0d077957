"""Small helpers that the book's pages import from their executed blocks.

The build (``docs/_book/hooks.py``) and the page tests (``docs/conftest.py``)
both put this folder on ``sys.path``, so a page's hidden block can do::

    from bookkit import claim, figure

and the same code runs at build time and under pytest.
"""

from __future__ import annotations

import hashlib
import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path

DOCS_DIR = Path(__file__).resolve().parents[2]
"""The ``docs/`` folder."""

current_page: str | None = None
"""The page being executed (path under ``docs/``), set by the build and the tests."""


@dataclass(frozen=True)
class Claim:
    """One claim the prose makes, with the number that backs it."""

    page: str | None
    text: str
    measured: str
    holds: bool
    anchor: str | None = None


def anchor_id(source: str) -> str:
    """The id the build puts before the code block with this source.

    Named after the block's code, not its position, so it does not matter in
    which order markdown-exec runs blocks nested in tabs or admonitions.
    """
    lines = [line.rstrip() for line in source.strip("\n").split("\n")]
    return "claim-" + hashlib.sha1("\n".join(lines).encode()).hexdigest()[:10]


def _running_block() -> str | None:
    """Source of the markdown-exec block being executed, found from its code name."""
    try:
        from markdown_exec._internal.formatters.python import _code_blocks
    except ImportError:  # pragma: no cover - another markdown-exec layout
        return None
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename in _code_blocks:
            return "\n".join(_code_blocks[frame.f_code.co_filename])
        frame = frame.f_back
    return None


CLAIMS: list[Claim] = []
"""Every claim registered since the build (or test session) started."""


def claim(text: str, *, measured: object, holds: object) -> Claim:
    """Register a claim of the prose and fail unless it holds.

    Args:
        text: The claim, in the words of the page.
        measured: What the experiment measured, as the reader should see it
            (for example ``"0 of 100 seeds"``).
        holds: A boolean (NumPy booleans work) computed from the experiment.

    Returns:
        The recorded claim.

    Raises:
        AssertionError: If ``holds`` is false; the message quotes the claim.

    Examples:
        >>> claim("two plus two is four", measured=2 + 2, holds=2 + 2 == 4).holds
        True
    """
    source = _running_block()
    anchor = None if source is None else anchor_id(source)
    record = Claim(current_page, str(text), str(measured), bool(holds), anchor)
    CLAIMS.append(record)
    if not record.holds:
        where = f" on {current_page}" if current_page else ""
        raise AssertionError(
            f"claim does not hold{where}: {text!r} (measured: {measured})"
        )
    return record


def figure(fig_or_ax, name: str, alt: str, caption: str | None = None) -> str:
    """Render a matplotlib figure as an inline SVG ``<figure>`` for a page.

    Print the result from a block with ``html="1"``. The SVG comes from
    ``nnscratch.plotting.to_svg`` (alt text as its ``aria-label``, ids salted
    with ``name``).

    Args:
        fig_or_ax: A matplotlib Figure or Axes.
        name: A name unique on the site (salts the SVG's ids).
        alt: What the figure shows, for readers who cannot see it.
        caption: Optional caption shown under the figure (plain text).

    Returns:
        HTML: ``<figure class="book-figure">`` with the SVG and caption.
    """
    from nnscratch.plotting import to_svg

    if not alt or not alt.strip():
        raise ValueError(f"figure {name!r}: alt text is required")
    svg = to_svg(fig_or_ax, name, alt)
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f'<figure class="book-figure" id="fig-{name}">\n{svg}\n{cap}</figure>'


# --- fences: shared by the build hook and the statistics on how-built.md ---

FENCE_RE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<lang>[\w-]+)(?P<attrs>[^\n]*)$"
)
ATTR_RE = re.compile(r"""([\w-]+)=(?:"([^"]*)"|'([^']*)'|(\S+))""")


def parse_attrs(text: str) -> dict[str, str]:
    """Parse ``key="value"`` pairs of a fence's info line."""
    return {m[1]: m[2] or m[3] or m[4] or "" for m in ATTR_RE.finditer(text)}


def executes(attrs: dict[str, str]) -> bool:
    """Whether markdown-exec executes a fence with these attributes."""
    value = attrs.get("exec", "no").lower()
    return value not in {"", "no", "off", "false", "0"}


@dataclass(frozen=True)
class Fence:
    """A fenced code block of a Markdown page."""

    lang: str
    attrs: dict
    body: str
    line: int  # 1-based line of the opening fence
    indent: str = ""  # the whitespace before the opening fence
    end: int = 0  # 1-based line of the closing fence


def iter_fences(text: str):
    """Yield the top-level fenced blocks of ``text`` (nested fences are body)."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = FENCE_RE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence = m["indent"], m["fence"]
        body = []
        j = i + 1
        while j < len(lines):
            stripped = lines[j].strip()
            if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                break
            body.append(lines[j][len(indent) :])
            j += 1
        yield Fence(m["lang"], parse_attrs(m["attrs"]), "\n".join(body), i + 1, indent, j + 1)
        i = j + 1


def prompts(fence: Fence) -> int:
    """How many ``>>>`` examples a ``pycon`` block checks (0 for other blocks)."""
    if fence.lang != "pycon":
        return 0
    return sum(line.lstrip().startswith(">>>") for line in fence.body.split("\n"))


def page_files(docs_dir: Path = DOCS_DIR) -> list[Path]:
    """The Markdown pages of the site, in a stable order."""
    return sorted(
        p
        for p in docs_dir.rglob("*.md")
        if not p.relative_to(docs_dir).parts[0].startswith(("_", "."))
        and p.relative_to(docs_dir).parts[0] != "overrides"
    )


def book_stats(docs_dir: Path = DOCS_DIR) -> dict[str, int]:
    """Count what the tests check, by scanning the pages' Markdown source."""
    stats = dict.fromkeys(
        ["pages", "chapters", "executed", "pycon", "examples", "claims", "figures"], 0
    )
    for path in page_files(docs_dir):
        stats["pages"] += 1
        stats["chapters"] += path.parent.name == "chapters"
        for fence in iter_fences(path.read_text(encoding="utf-8")):
            if fence.lang not in {"python", "pycon"} or not executes(fence.attrs):
                continue
            stats["executed"] += 1
            if fence.lang == "pycon":
                stats["pycon"] += 1
                stats["examples"] += prompts(fence)
            else:
                stats["claims"] += len(re.findall(r"\bclaim\(", fence.body))
                stats["figures"] += len(re.findall(r"\bfigure\(", fence.body))
    return stats


# --- the chapters the book plans (DESIGN.md), for the map on the home page ---

CHAPTERS = [
    ("From rules to patterns",
     "rules versus data; a house-price line learned by guess, measure, correct, repeat"),
    ("The neuron", "inputs, weights, bias, weighted sum, activation"),
    ("The perceptron and XOR",
     "the perceptron rule learns AND and OR, and provably never XOR"),
    ("Non-linearity", "stacked linear layers collapse into one; bends and curved boundaries"),
    ("Activation functions",
     "sigmoid, tanh, ReLU and friends; vanishing gradients; dying ReLU"),
    ("Loss functions", "MSE, MAE, binary and categorical cross-entropy; stable forms"),
    ("Gradients and backpropagation",
     "sensitivity, finite differences, the chain rule, gradient checking"),
    ("Gradient descent and the learning rate",
     "one update by hand; too small, too large, about right"),
    ("XOR from scratch",
     "the full training loop, loss curve, predictions and decision boundary"),
    ("Breaking it", "bad learning rates and too few neurons, each over many seeds"),
    ("Deep vs shallow", "what depth buys, and which popular claims about depth are false"),
    ("Optimizers", "mini-batches, SGD, momentum, Adam"),
    ("Regularization", "overfitting, L2, dropout, early stopping"),
    ("Real data", "handwritten digits, against scikit-learn's MLPClassifier"),
    ("Scaling up", "the same loop from 17 parameters to billions"),
]  # fmt: skip


def chapter_map(docs_dir: Path = DOCS_DIR, base: str = "") -> str:
    """A Markdown table of the planned chapters, linking those that exist.

    Args:
        docs_dir: The ``docs/`` folder.
        base: Prefix of the links, relative to the page that prints the table.
    """
    rows = ["| No. | Chapter | What it covers |", "|--:|---|---|"]
    for number, (title, summary) in enumerate(CHAPTERS, start=1):
        found = sorted((docs_dir / "chapters").glob(f"{number:02d}-*.md"))
        if found:
            # Output of executed blocks is not link-checked by MkDocs: use the URL.
            name = f"[{title}]({base}chapters/{found[0].stem}/)"
        else:
            name = f"{title} *(being written)*"
        rows.append(f"| {number} | {name} | {summary} |")
    return "\n".join(rows)


# --- explorable figures: a slider (and play button) over precomputed frames ---
#
# The page embeds every frame's data as JSON; docs/javascripts/nn-widgets.js
# draws it. Without JavaScript the widget stays hidden and the page's ordinary
# static figure is what the reader sees. WRITING.md ("Explorable figures")
# shows how a chapter uses these.

WIDGET_MAX_BYTES = 150 * 1024
"""Largest HTML a widget may add to a page (the browser check's figure limit)."""


def _round(values, digits: int = 4):
    """Nested lists of floats with ``digits`` significant digits; non-finite -> None."""
    import numpy as np

    array = np.asarray(values, dtype=float)
    if array.ndim == 0:
        value = float(array)
        return float(f"{value:.{digits}g}") if np.isfinite(value) else None
    return [_round(v, digits) for v in array]


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")
    if not slug:
        raise ValueError(f"name must contain letters or digits, got {name!r}")
    return slug


PANEL_TYPES = ("curves", "path", "heatmap", "bars")


def _check_panel(panel: dict, n_frames: int) -> None:
    kind = panel.get("type")
    if kind not in PANEL_TYPES:
        raise ValueError(f"panel type must be one of {PANEL_TYPES}, got {kind!r}")
    per_frame = [s["frames"] for s in panel.get("series", []) if "frames" in s]
    if kind != "curves" and "frames" in panel:
        per_frame.append(panel["frames"])
    if "marker" in panel:
        per_frame.append(panel["marker"])
    for frames in per_frame:
        if len(frames) != n_frames:
            raise ValueError(
                f"{kind} panel {panel.get('title', '')!r}: per-frame data must have "
                f"{n_frames} entries (one per frame), got {len(frames)}"
            )


def scrubber(
    name: str,
    frames_label: str,
    frame_values,
    panels: list[dict],
    caption: str,
    alt: str,
    *,
    status=None,
    value_labels=None,
    start: int = 0,
    play: bool = False,
    interval: int = 120,
) -> str:
    """HTML of an explorable figure: panels redrawn by a slider over frames.

    Print the result from a block with ``html="1"``. The container is hidden
    until ``nn-widgets.js`` runs, so readers without JavaScript see only the
    page's static figure. Everything is drawn in the browser from the JSON
    embedded here: no request leaves the page.

    Args:
        name: Unique on the site; the widget's id is ``widget-<name>``.
        frames_label: What the slider picks, e.g. ``"learning rate"`` or ``"epoch"``.
        frame_values: One number per frame (the slider's steps).
        panels: Panel specs (dicts with ``"type"``): ``"curves"``, ``"path"``,
            ``"heatmap"`` or ``"bars"``; see ``docs/javascripts/nn-widgets.js``
            for their fields. ``lr_explorer`` and ``training_scrubber`` build them.
        caption: Shown under the widget (plain text).
        alt: What the panels show, for readers who cannot see them.
        status: One sentence per frame, announced politely when the frame
            changes (e.g. ``"learning rate 0.3: final loss 0.0021"``); by
            default ``"<frames_label> <value>"``.
        value_labels: Text of each frame's value shown next to the slider.
        start: Frame shown first.
        play: Add a play/pause button that steps through the frames.
        interval: Milliseconds per frame while playing.

    Returns:
        HTML: ``<figure class="nn-widget" hidden data-nn-spec='{JSON}'>`` with
        the controls.
    """
    import json

    slug = _slug(name)
    values = [float(v) for v in frame_values]
    n = len(values)
    if n < 2:
        raise ValueError(f"scrubber {name!r}: frame_values must have at least 2 frames, got {n}")
    if not alt or not alt.strip():
        raise ValueError(f"scrubber {name!r}: alt text is required")
    if not 0 <= start < n:
        raise ValueError(f"scrubber {name!r}: start must be in [0, {n - 1}], got {start}")
    labels = [f"{v:g}" for v in values] if value_labels is None else [str(v) for v in value_labels]
    status = [f"{frames_label} {v}" for v in labels] if status is None else [str(s) for s in status]
    if len(labels) != n or len(status) != n:
        raise ValueError(f"scrubber {name!r}: value_labels and status need {n} entries each")
    for panel in panels:
        _check_panel(panel, n)
    spec = {
        "name": slug, "label": frames_label, "values": values, "valueLabels": labels,
        "status": status, "start": start, "interval": int(interval), "panels": panels,
    }  # fmt: skip
    data = json.dumps(spec, separators=(",", ":"), allow_nan=False)
    # The spec rides in an attribute, not in <script type="application/json">:
    # Material's instant navigation re-creates every inline <script> of the new
    # page without its type, and would run the JSON as JavaScript.
    data = html.escape(data, quote=False).replace("'", "&#39;")
    esc = html.escape
    sid = f"widget-{slug}-slider"
    button = (
        '<button type="button" class="nn-widget__play" '
        f'aria-controls="{sid}">Play</button>' if play else ""
    )
    out = (
        f'<figure class="nn-widget" id="widget-{slug}" data-nn-widget="{slug}" hidden '
        f"data-nn-spec='{data}'>\n"
        f'<div class="nn-widget__panels" role="group" aria-label="{esc(alt.strip())}"></div>\n'
        f'<div class="nn-widget__controls">{button}'
        f'<label for="{sid}">{esc(frames_label[:1].upper() + frames_label[1:])}</label>'
        f'<input type="range" id="{sid}" min="0" max="{n - 1}" step="1" value="{start}" '
        f'aria-valuetext="{esc(labels[start])}">'
        f'<output for="{sid}">{esc(labels[start])}</output></div>\n'
        f'<p class="nn-widget__status" aria-live="polite">{esc(status[start])}</p>\n'
        f"<figcaption>{esc(caption)}</figcaption>\n</figure>"
    )
    if len(out.encode()) > WIDGET_MAX_BYTES:
        raise ValueError(
            f"scrubber {name!r}: {len(out.encode()) // 1024} KB of HTML, over the "
            f"{WIDGET_MAX_BYTES // 1024} KB limit; use fewer frames or a coarser grid"
        )
    return out


def contour_lines(f, xlim, ylim, levels, n: int = 80, digits: int = 3) -> list[list[float]]:
    """Contour polylines of ``f(x, y)`` (vectorised) as flat ``[x0, y0, x1, y1, ...]`` lists."""
    import contourpy
    import numpy as np

    gx, gy = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    gen = contourpy.contour_generator(gx, gy, f(gx, gy))
    lines = []
    for level in levels:
        for line in gen.lines(level):
            line = np.asarray(line)
            keep = np.unique(np.r_[np.arange(0, len(line), max(1, len(line) // 60)), len(line) - 1])
            lines.append(_round(line[keep].ravel(), digits))  # about 60 points, ends kept
    return lines


def lr_explorer_data(
    lrs=None,
    *,
    steps: int = 30,
    epochs: int = 2000,
    seed: int = 0,
    valley=(0.1, 3.0, -1.0),
    surface=(0.02, 0.2, (-4.0, 2.5)),
) -> dict:
    """Gradient descent at many learning rates, on three problems, with nnscratch.

    - the valley ``L(w) = c/2 (w - w*)^2``, from ``w0``, for ``steps`` steps;
    - the ill-conditioned surface ``L(w1, w2) = (a w1^2 + b w2^2) / 2``, from
      ``start``, for ``steps`` steps;
    - an XOR network ``[2, 4, 1]`` of sigmoids, trained full batch on MSE with
      ``SGD`` for ``epochs`` epochs from the same initial weights (``seed``),
      every learning rate side by side (``nnscratch.stacked``), one ``SGD`` each.

    Plain gradient descent on a quadratic of curvature ``c`` multiplies the
    distance to the minimum by ``1 - lr * c`` at every step, so it diverges
    once ``lr > 2 / c``.

    Args:
        lrs: Learning rates; by default 20 log-spaced from 0.01 to 100.
        valley: ``(c, w_star, w0)``.
        surface: ``(a, b, (w1_0, w2_0))``.

    Returns:
        A dict of arrays: ``lrs (k,)``, ``valley_w (k, steps + 1)``,
        ``valley_loss``, ``surface_w (k, steps + 1, 2)``, ``surface_loss``,
        ``net_loss (epochs, k)``, and the problems' parameters.

    Examples:
        >>> data = lr_explorer_data([0.1, 30.0], steps=10, epochs=10)
        >>> data["valley_w"].shape, data["net_loss"].shape
        ((2, 11), (10, 2))
    """
    import warnings

    import numpy as np

    from nnscratch.datasets import xor
    from nnscratch.network import mlp
    from nnscratch.optimizers import SGD
    from nnscratch.stacked import fit, stack

    lrs = np.geomspace(0.01, 100, 20) if lrs is None else np.asarray(lrs, dtype=float)
    c, w_star, w0 = valley
    a, b, start = surface
    curv = np.array([a, b])
    valley_w = np.empty((len(lrs), steps + 1))
    surface_w = np.empty((len(lrs), steps + 1, 2))
    with np.errstate(over="ignore", invalid="ignore"):
        for k, lr in enumerate(lrs):
            opt1, opt2 = SGD(lr=lr), SGD(lr=lr)
            w, v = np.array([w0], dtype=float), np.array(start, dtype=float)
            valley_w[k, 0], surface_w[k, 0] = w[0], v
            for t in range(1, steps + 1):
                opt1.step([(w, c * (w - w_star))])  # dL/dw = c (w - w*)
                opt2.step([(v, curv * v)])  # dL/dv = (a w1, b w2)
                valley_w[k, t], surface_w[k, t] = w[0], v
        valley_loss = c / 2 * (valley_w - w_star) ** 2
        surface_loss = (surface_w**2 @ curv) / 2
    X, y = xor()
    net = stack(mlp([2, 4, 1], "sigmoid", "sigmoid", seed=seed) for _ in lrs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # diverging rates are the point
        # one optimizer per stacked model: a learning rate each
        history = fit(net, X, y, "mse", [SGD(lr=lr) for lr in lrs], epochs=epochs)
    return {
        "lrs": lrs, "valley_w": valley_w, "valley_loss": valley_loss,
        "surface_w": surface_w, "surface_loss": surface_loss,
        "net_loss": history.loss,
        "valley": (c, w_star, w0), "surface": (a, b, tuple(start)),
        "steps": steps, "epochs": epochs,
    }  # fmt: skip


def _loss_text(value: float, limit: float = 1e6) -> str:
    import numpy as np

    if not np.isfinite(value) or value > limit:
        return "diverged"
    return f"{value:.2g}"


def lr_explorer(name: str, data: dict, alt: str, caption: str, start: float = 0.3) -> str:
    """The learning-rate explorer: one slider over ``data["lrs"]`` redraws three panels.

    Args:
        name: Unique on the site.
        data: From ``lr_explorer_data``.
        alt: What the panels show.
        caption: Shown under the widget.
        start: Learning rate shown first (the nearest of ``data["lrs"]``).
    """
    import numpy as np

    from nnscratch.plotting import COLORS, _thin

    lrs = np.asarray(data["lrs"])
    c, w_star, w0 = data["valley"]
    a, b, w_start = data["surface"]
    big = 1e4  # coordinates far outside the view are clipped anyway; keep JSON finite
    span = max(abs(w0 - w_star), 1.0) * 1.5
    wlim = (w_star - span, w_star + span)
    valley_line = np.linspace(*wlim, 121)
    vw = np.clip(np.nan_to_num(data["valley_w"], nan=big), -big, big)
    valley_paths = [
        _round(np.column_stack([row, np.minimum(c / 2 * (row - w_star) ** 2, big)]).ravel(), 4)
        for row in vw
    ]
    r1, r2 = abs(w_start[0]) * 1.25, abs(w_start[1]) * 1.6
    surf = np.clip(np.nan_to_num(data["surface_w"], nan=big), -big, big)
    level0 = (a * w_start[0] ** 2 + b * w_start[1] ** 2) / 2
    levels = level0 * np.geomspace(1 / 128, 2, 9)
    contours = contour_lines(lambda x, y: (a * x**2 + b * y**2) / 2, (-r1, r1), (-r2, r2), levels)
    net_loss = np.asarray(data["net_loss"])
    idx = _thin(len(net_loss), 100)
    epochs = idx + 1
    curves = np.clip(np.nan_to_num(net_loss[idx].T, nan=big, posinf=big), 1e-12, big)
    final = net_loss[-1]
    status = [
        f"learning rate {lr:.3g}: network loss {_loss_text(final[k])} after "
        f"{len(net_loss):,} epochs; valley loss {_loss_text(data['valley_loss'][k, -1])} "
        f"and surface loss {_loss_text(data['surface_loss'][k, -1])} after "
        f"{data['steps']} steps"
        for k, lr in enumerate(lrs)
    ]
    panels = [
        {"type": "path", "title": f"Valley L(w) = {c:g}/2·(w − {w_star:g})²",
         "xlabel": "w", "ylabel": "loss", "xlim": _round(wlim),
         "ylim": [0, _round(c / 2 * span**2 * 1.05)],
         "lines": [_round(np.column_stack([valley_line, c / 2 * (valley_line - w_star) ** 2])
                          .ravel())],
         "frames": valley_paths, "color": COLORS[1]},
        {"type": "path", "title": f"Surface ({a:g}·w₁² + {b:g}·w₂²)/2",
         "xlabel": "w₁", "ylabel": "w₂", "xlim": _round((-r1, r1)), "ylim": _round((-r2, r2)),
         "lines": contours, "frames": [_round(p.ravel()) for p in surf], "color": COLORS[3]},
        {"type": "curves", "title": "XOR network [2, 4, 1]", "xlabel": "epoch",
         "ylabel": "loss (MSE)", "ylog": True,
         "series": [{"x": epochs.tolist(), "frames": [_round(row, 3) for row in curves],
                     "color": COLORS[0], "ghosts": True}]},
    ]  # fmt: skip
    return scrubber(
        name, "learning rate", lrs, panels, caption, alt, status=status,
        value_labels=[f"{lr:.3g}" for lr in lrs],
        start=int(np.argmin(np.abs(np.log(lrs / start)))),
    )  # fmt: skip


def _snapshot_epochs(epochs: int, n: int, spacing: str) -> list[int]:
    """``n`` distinct epochs from 0 (before training) to ``epochs``."""
    import numpy as np

    n = min(n, epochs + 1)
    if spacing == "log":
        # from epoch epochs/500: frames one epoch apart at the very start show little
        raw = np.concatenate([[0], np.geomspace(max(1, epochs / 500), epochs, n - 1)])
    elif spacing == "linear":
        raw = np.linspace(0, epochs, n)
    else:
        raise ValueError(f"spacing must be 'log' or 'linear', got {spacing!r}")
    out = [0]
    for value in np.rint(raw[1:]).astype(int):  # strictly increasing, ends at epochs
        out.append(max(int(value), out[-1] + 1))
    shift = out[-1] - epochs
    if shift > 0:  # pushed past the end: pull the tail back
        out = [min(e, epochs - (len(out) - 1 - i)) for i, e in enumerate(out)]
    return out


def training_snapshots(
    net_builder,
    X,
    y,
    loss,
    optimizer,
    epochs: int,
    n_snapshots: int = 50,
    grid: int = 32,
    *,
    spacing: str = "log",
    layer: int = 0,
    inputs=None,
    padding: float = 0.5,
) -> dict:
    """Train a network once and keep ``n_snapshots`` snapshots of it.

    Args:
        net_builder: A function returning a fresh network (or the network).
        X: Inputs ``(n, 2)`` (two features: the boundary is drawn in the plane).
        y: Targets ``(n, 1)`` or integer labels ``(n,)``.
        loss: A loss or its name, as for ``Sequential.fit``.
        optimizer: An optimizer (it keeps its state across the snapshots).
        epochs: Epochs in all.
        n_snapshots: Snapshots, including the untrained network (epoch 0).
        grid: Cells per side of the decision grid.
        spacing: ``"log"`` (many snapshots early, where things change fast)
            or ``"linear"``.
        layer: Which hidden ``Dense`` layer's activations to record.
        inputs: Inputs whose hidden activations are recorded (default ``X``
            when it has at most 8 rows, else its first 4).
        padding: Margin around the data in the decision grid.

    Returns:
        A dict: ``epochs`` (list), ``loss (epochs,)`` per epoch, ``grid
        (snapshots, grid, grid)`` of class-1 probabilities (or class indices
        for several outputs; row 0 is the top, largest ``x2``), ``xlim``,
        ``ylim``, ``hidden (snapshots, len(inputs), units)``, ``inputs``,
        ``X``, ``labels``, ``n_out``, and ``net``, the trained network (for
        the page's static figure).

    Examples:
        >>> from nnscratch import SGD, mlp
        >>> from nnscratch.datasets import xor
        >>> X, y = xor()
        >>> snaps = training_snapshots(lambda: mlp([2, 4, 1], "sigmoid", "sigmoid", seed=0),
        ...                            X, y, "mse", SGD(lr=2.0), epochs=100, n_snapshots=5)
        >>> snaps["epochs"], snaps["grid"].shape, snaps["hidden"].shape
        ([0, 1, 5, 22, 100], (5, 32, 32), (5, 4, 4))
    """
    import numpy as np

    from nnscratch.layers import Dense

    net = net_builder() if callable(net_builder) else net_builder
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    labels = y.ravel().astype(int) if y.ndim == 1 or y.shape[1] == 1 else y.argmax(axis=1)
    if inputs is None:
        inputs = X if len(X) <= 8 else X[:4]
    inputs = np.asarray(inputs, dtype=float)
    lo, hi = X.min(axis=0) - padding, X.max(axis=0) + padding
    xs = lo[0] + (np.arange(grid) + 0.5) * (hi[0] - lo[0]) / grid  # cell centres
    ys = hi[1] - (np.arange(grid) + 0.5) * (hi[1] - lo[1]) / grid  # top row first
    gx, gy = np.meshgrid(xs, ys)
    cells = np.column_stack([gx.ravel(), gy.ravel()])
    dense = [i for i, lay in enumerate(net.layers) if isinstance(lay, Dense)]
    if not 0 <= layer < len(dense) - 1:
        raise ValueError(f"layer must name a hidden Dense layer (0..{len(dense) - 2}), got {layer}")
    upto = dense[layer] + 1

    def hidden_of(points):
        out = points
        for lay in net.layers[:upto]:
            out = lay.forward(out, training=False)
        return out

    def snapshot():
        out = net.predict(cells)
        frame = out[:, 0] if out.shape[1] == 1 else out.argmax(axis=1).astype(float)
        grids.append(frame.reshape(grid, grid))
        hidden.append(hidden_of(inputs).copy())

    marks = _snapshot_epochs(int(epochs), n_snapshots, spacing)
    grids, hidden = [], []
    snapshot()  # epoch 0, before training

    def at_marks(net, history):  # a callback: fit calls it after every epoch
        if len(history.loss) in marks:
            snapshot()

    history = net.fit(X, y, loss, optimizer, epochs=int(epochs), callbacks=[at_marks])
    if history.diverged:
        raise ValueError(f"training diverged at epoch {len(history.loss)}")
    return {
        "epochs": marks, "loss": np.asarray(history.loss, dtype=float), "grid": np.array(grids),
        "xlim": (float(lo[0]), float(hi[0])), "ylim": (float(lo[1]), float(hi[1])),
        "hidden": np.array(hidden), "inputs": inputs, "X": X, "labels": labels,
        "n_out": int(net.predict(X[:1]).shape[1]), "net": net,
    }  # fmt: skip


def _encode_grid(values, n_classes: int | None = None) -> str:
    """One frame of a heatmap as base64 bytes: probabilities in [0, 1] -> 0..255."""
    import base64

    import numpy as np

    values = np.asarray(values, dtype=float)
    if n_classes is None:
        data = np.rint(np.clip(values, 0, 1) * 255)
    else:
        data = np.clip(values, 0, n_classes - 1)
    return base64.b64encode(data.astype(np.uint8).tobytes()).decode("ascii")


def training_scrubber(
    name: str,
    snaps: dict,
    alt: str,
    caption: str,
    *,
    input_labels=None,
    unit_label: str = "h",
    play: bool = True,
) -> str:
    """The training scrubber: decision boundary, hidden activations and loss per snapshot.

    Args:
        name: Unique on the site.
        snaps: From ``training_snapshots``.
        alt: What the panels show.
        caption: Shown under the widget.
        input_labels: Names of the recorded inputs (default: their coordinates).
        unit_label: Prefix of the hidden units' names (``h1``, ``h2``, ...).
        play: Add the play/pause button.
    """
    import numpy as np

    from nnscratch.plotting import COLORS, _thin

    loss = np.asarray(snaps["loss"])
    marks = snaps["epochs"]
    grids = np.asarray(snaps["grid"])
    hidden = np.asarray(snaps["hidden"])
    n_out = snaps["n_out"]
    classes = None if n_out == 1 else n_out
    inputs = np.asarray(snaps["inputs"])
    if input_labels is None:
        input_labels = ["(" + ", ".join(f"{v:g}" for v in row) + ")" for row in inputs]
    units = [f"{unit_label}{j + 1}" for j in range(hidden.shape[2])]
    idx = _thin(len(loss), 200)
    # loss after epoch e is loss[e - 1]; before training, the first epoch's loss
    at = [float(loss[max(e, 1) - 1]) for e in marks]
    status = [
        f"epoch {e:,}: loss {v:.3g}" + (" (before training)" if e == 0 else "")
        for e, v in zip(marks, at, strict=True)
    ]
    low, high = float(min(0.0, hidden.min())), float(max(1.0, hidden.max()))
    X = np.asarray(snaps["X"])
    panels = [
        {"type": "heatmap", "title": "Decision boundary", "xlabel": "x₁", "ylabel": "x₂",
         "xlim": _round(snaps["xlim"]), "ylim": _round(snaps["ylim"]),
         "nx": grids.shape[2], "ny": grids.shape[1], "classes": classes,
         "colors": COLORS[: max(2, n_out)],
         "frames": [_encode_grid(g, classes) for g in grids],
         "points": [[*_round(p, 3), int(k)] for p, k in zip(X, snaps["labels"], strict=True)]},
        {"type": "bars", "title": "Hidden activations", "ylabel": "activation",
         "groups": list(input_labels), "series": units, "colors": COLORS,
         "ylim": _round((low, high)), "frames": [_round(h, 3) for h in hidden]},
        {"type": "curves", "title": "Loss", "xlabel": "epoch", "ylabel": "loss", "ylog": True,
         "series": [
             {"x": (idx + 1).tolist(), "y": _round(loss[idx], 3), "color": COLORS[0],
              "faint": True},
             {"x": (idx + 1).tolist(), "y": _round(loss[idx], 3), "color": COLORS[0],
              "reveal": True}],
         "marker": [max(e, 1) for e in marks]},
    ]  # fmt: skip
    return scrubber(
        name, "epoch", marks, panels, caption, alt, status=status,
        value_labels=[f"{e:,}" for e in marks], play=play,
    )  # fmt: skip
