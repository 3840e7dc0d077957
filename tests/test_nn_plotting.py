"""Figures: deterministic, accessible, theme-following SVG."""

import re

import numpy as np
import pytest

from nnscratch import plotting
from nnscratch.activations import tanh, tanh_prime
from nnscratch.datasets import spiral


def figure():
    fig, axes = plotting.subplots(1, 2)
    plotting.plot_function(tanh, tanh_prime, ax=axes[0], label="tanh")
    X, y = spiral(40, 2, seed=0)
    plotting.plot_decision_boundary(lambda P: 1 / (1 + np.exp(-P[:, :1] * 3)), X, y, ax=axes[1])
    return fig


def test_same_figure_gives_same_bytes():
    assert plotting.to_svg(figure(), "fig-a", "alt") == plotting.to_svg(figure(), "fig-a", "alt")


def test_ids_differ_between_names():
    ids_a = set(re.findall(r'id="([^"]+)"', plotting.to_svg(figure(), "fig-a", "alt")))
    ids_b = set(re.findall(r'id="([^"]+)"', plotting.to_svg(figure(), "fig-b", "alt")))
    assert ids_a and not ids_a & ids_b


def test_svg_is_accessible_themable_dateless_and_small():
    svg = plotting.to_svg(figure(), "fig-c", 'Two panels: "tanh" & a boundary')
    root = svg[: svg.index(">") + 1]
    assert root.startswith("<svg") and 'role="img"' in root
    assert 'aria-label="Two panels: &quot;tanh&quot; &amp; a boundary"' in root
    assert "<title>" in svg and "<?xml" not in svg and "<metadata" not in svg
    assert plotting.FG not in svg and "currentColor" in svg
    assert "<image" in svg  # the shaded mesh is rasterized
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", svg)
    assert len(svg.encode()) < 150_000


def test_alt_text_is_required():
    with pytest.raises(ValueError, match="alt"):
        plotting.to_svg(figure(), "fig-d", "  ")


def test_seed_fan_loss_and_landscape_plots_draw():
    curves = np.exp(-np.linspace(0, 5, 10_000))[:, None] * np.linspace(1, 2, 100)
    ax = plotting.plot_seed_fan(curves)
    assert len(ax.lines) == 101  # every seed, thinned, plus the median
    assert max(len(line.get_xdata()) for line in ax.lines) <= 250
    ax = plotting.plot_loss(curves[:, 0], log=True)
    assert ax.get_yscale() == "log"
    ax = plotting.plot_loss_landscape(lambda w: (w - 1) ** 2, (-1, 3), path=[3, 2, 1.5])
    assert len(ax.lines) == 2
    ax = plotting.plot_loss_landscape(
        lambda a, b: a**2 + 5 * b**2, (-2, 2), (-1, 1), path=[[2, 1], [1, 0.2]]
    )
    assert len(ax.lines) == 1 and ax.collections
    assert len(plotting.to_svg(ax, "fan", "a seed fan").encode()) < 150_000


def test_text_keeps_its_decimals_and_late_text_follows_the_theme():
    fig, ax = plotting.subplots()
    ax.plot([0, 1], [0, 1])
    ax.text(0.5, 0.5, "slope -0.1036")  # added after subplots(): default black text
    ax.legend(["line"], frameon=True)  # a framed legend, white by default
    svg = plotting.to_svg(fig, "late-text", "a line with a label")
    assert "slope -0.1036" in svg.replace("\u2212", "-")  # not cut to -0.10
    assert "#000000" not in svg and "#ffffff" not in svg.lower()  # no hard black or white


def test_the_style_sticks_to_figures_made_by_subplots():
    import matplotlib as mpl

    before = dict(mpl.rcParams)
    fig, axes = plotting.subplots(1, 2)
    (line,) = axes[1].plot([0, 1], [1, 0])  # all drawn after subplots() returned
    text = axes[1].text(0.5, 0.5, "late")
    legend = axes[1].legend(["a line"])
    title = fig.suptitle("a figure")
    extra = fig.add_subplot(2, 2, 4)
    assert line.get_linewidth() == 2.0 and line.get_color() == plotting.COLORS[0]
    assert text.get_color() == title.get_color() == plotting.FG
    assert not legend.get_frame_on() and legend.get_texts()[0].get_color() == plotting.FG
    assert isinstance(extra, plotting.BookAxes) and extra.get_facecolor()[3] == 0  # no fill
    assert dict(mpl.rcParams) == before  # nothing global changed
    assert plotting.slug("ch 3: fig/a") == "ch-3-fig-a"
    with pytest.raises(ValueError, match="letters or digits"):
        plotting.slug(" :: ")
