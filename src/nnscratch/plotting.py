"""The book's figures: one style, and SVG that follows the page's palette.

Text, axes and grid are drawn in a placeholder colour that ``to_svg`` turns
into ``currentColor``, so an inline figure takes the page's text colour in the
light and the dark palette alike. Data colours (``COLORS``) are mid-tones that
read on both backgrounds. ``subplots`` makes figures whose every method draws
in the book's style (``STYLE``), so nothing needs ``rc_context``; no global
pyplot state is touched.

Examples:
    >>> from nnscratch.activations import sigmoid, sigmoid_prime
    >>> ax = plot_function(sigmoid, sigmoid_prime, label="sigmoid")
    >>> svg = to_svg(ax, "sigmoid-demo", "The sigmoid and its derivative")
    >>> svg.startswith("<svg") and 'aria-label="The sigmoid and its derivative"' in svg
    True
"""

from __future__ import annotations

import functools
import html
import inspect
import io
import re

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text

FG = "#010203"  # placeholder for the page's text colour, see to_svg
COLORS = ["#3b82c4", "#e69f00", "#2ca58d", "#d1495b", "#9b6bd3", "#8a8a8a"]
STYLE = {
    "font.family": "sans-serif",
    "font.size": 10,
    "text.color": FG,
    "axes.edgecolor": FG,
    "axes.labelcolor": FG,
    "axes.facecolor": "none",
    "axes.prop_cycle": mpl.cycler(color=COLORS),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": FG,
    "grid.alpha": 0.12,
    "xtick.color": FG,
    "ytick.color": FG,
    "legend.frameon": False,
    "figure.facecolor": "none",
    "lines.linewidth": 2,
    "svg.fonttype": "none",  # keep text as text: small, searchable, themable
    "savefig.transparent": True,
}


_styling = False  # True while a styled method runs: nested calls need no second rc_context


def _in_book_style(method):
    """``method``, run with the book's ``STYLE`` as matplotlib's defaults."""

    @functools.wraps(method)
    def styled(*args, **kwargs):
        global _styling
        if _styling:
            return method(*args, **kwargs)
        _styling = True
        try:
            with mpl.rc_context(STYLE):
                return method(*args, **kwargs)
        finally:
            _styling = False

    return styled


class BookAxes(Axes):
    """Axes whose methods all draw in the book's style, however late they are called.

    matplotlib reads its defaults (line width, text colour, ...) when an
    artist is made; these axes make every artist with ``STYLE`` in force.
    """


class BookFigure(Figure):
    """A figure whose methods draw in the book's style, and whose new axes are ``BookAxes``."""

    def add_subplot(self, *args, **kwargs):
        if "projection" not in kwargs and "polar" not in kwargs:
            kwargs.setdefault("axes_class", BookAxes)
        return super().add_subplot(*args, **kwargs)

    def add_axes(self, *args, **kwargs):
        if "projection" not in kwargs and "polar" not in kwargs:
            kwargs.setdefault("axes_class", BookAxes)
        return super().add_axes(*args, **kwargs)


for _cls in (BookAxes, BookFigure):  # wrap every public method (not properties)
    for _name in dir(_cls):
        if not _name.startswith("_") and inspect.isfunction(inspect.getattr_static(_cls, _name)):
            setattr(_cls, _name, _in_book_style(getattr(_cls, _name)))
BookFigure.__init__ = _in_book_style(BookFigure.__init__)


def subplots(nrows: int = 1, ncols: int = 1, figsize=None, **kwargs):
    """A book-styled ``(Figure, axes)`` pair, like ``pyplot.subplots`` but stateless.

    Everything later drawn on the figure or its axes gets the book's style.

    Examples:
        >>> fig, axes = subplots(1, 2)
        >>> axes.shape, axes[0].plot([0, 1])[0].get_linewidth()
        ((2,), 2.0)
    """
    figsize = figsize or (4.2 * ncols + 0.4, 3.2 * nrows)
    fig = BookFigure(figsize=figsize, layout="constrained")
    return fig, fig.subplots(nrows, ncols, squeeze=True, **kwargs)


def _axes(ax):
    return subplots()[1] if ax is None else ax


def thin(n: int, max_points: int = 400) -> np.ndarray:
    """At most ``max_points`` indices into ``range(n)``, denser at the start.

    A curve over many epochs changes fastest early: log-spaced indices keep
    its shape with far fewer points (smaller figures, same picture).

    Examples:
        >>> thin(5).tolist()
        [0, 1, 2, 3, 4]
        >>> idx = thin(10_000, 100)
        >>> bool(idx[0] == 0 and idx[-1] == 9_999 and len(idx) <= 100)
        True
    """
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.geomspace(1, n, max_points).astype(int) - 1)


def plot_function(f, fprime=None, x=None, ax=None, label: str = "f"):
    """Plot ``f`` (solid) and optionally its derivative ``fprime`` (dashed)."""
    ax = _axes(ax)
    x = np.linspace(-5, 5, 401) if x is None else np.asarray(x)
    (line,) = ax.plot(x, f(x), label=label)
    if fprime is not None:
        ax.plot(x, fprime(x), "--", color=line.get_color(), label=f"{label}'")
    ax.axhline(0, color=FG, lw=0.8, alpha=0.4)
    ax.axvline(0, color=FG, lw=0.8, alpha=0.4)
    ax.set_xlabel("z")
    ax.legend()
    return ax


def plot_loss(loss, ax=None, log: bool = False, label: str = "training", val_loss=None):
    """Plot a loss curve (an array, or a ``History``) against the epoch."""
    ax = _axes(ax)
    if hasattr(loss, "val_loss"):
        loss, val_loss = loss.loss, (loss.val_loss if len(loss.val_loss) else val_loss)
    for values, name in ((loss, label), (val_loss, "validation")):
        if values is not None:
            values = np.asarray(values)
            idx = thin(len(values))
            ax.plot(idx + 1, values[idx], label=name)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if val_loss is not None:
        ax.legend()
    return ax


def plot_decision_boundary(
    predict, X, y, ax=None, resolution: int = 200, padding: float = 0.3, interpolation="nearest"
):
    """Shade what ``predict`` says over the plane, with the data points on top.

    Args:
        predict: ``predict(points (k, 2)) -> (k, 1)`` probabilities or ``(k, c)`` scores.
        X: Points ``(n, 2)``.
        interpolation: How the shaded grid is drawn (``"nearest"`` keeps the SVG small).
        y: Their classes, ``(n,)`` or ``(n, 1)``.
    """
    ax = _axes(ax)
    X, y = np.asarray(X), np.asarray(y).reshape(len(X), -1)
    labels = y[:, 0] if y.shape[1] == 1 else y.argmax(axis=1)
    lo, hi = X.min(axis=0) - padding, X.max(axis=0) + padding
    gx, gy = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    )
    out = np.asarray(predict(np.column_stack([gx.ravel(), gy.ravel()])))
    rgb = np.array([mpl.colors.to_rgb(c) for c in COLORS])
    if out.shape[1] == 1:  # blend two class colours by probability
        p = np.clip(out[:, :1], 0, 1)
        shade = (1 - p) * rgb[0] + p * rgb[1]
    else:
        shade = rgb[out.argmax(axis=1) % len(COLORS)]
    image = np.concatenate([shade, np.full((len(shade), 1), 0.45)], axis=1)
    ax.imshow(
        image.reshape(resolution, resolution, 4),
        origin="lower",
        extent=(lo[0], hi[0], lo[1], hi[1]),
        aspect="auto",
        interpolation=interpolation,
        rasterized=True,
    )
    if out.shape[1] == 1:
        ax.contour(gx, gy, out[:, 0].reshape(gx.shape), levels=[0.5], colors=FG, linewidths=1.2)
    for k in np.unique(labels).astype(int):
        pts = X[labels == k]
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            s=28,
            color=COLORS[k % len(COLORS)],
            edgecolors=FG,
            linewidths=0.6,
            label=f"class {k}",
            zorder=3,
        )
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.grid(False)
    return ax


def plot_seed_fan(curves, ax=None, log: bool = True, color=None, label: str | None = None):
    """Every seed's curve, thin and faint, with the median over seeds in bold.

    Args:
        curves: Loss per epoch and seed, shape ``(epochs, m)``.
    """
    ax = _axes(ax)
    curves = np.asarray(curves, dtype=float)
    idx = thin(len(curves), 250)
    color = color or COLORS[0]
    ax.plot(idx + 1, curves[idx], color=color, lw=0.6, alpha=0.18, rasterized=True)
    median = np.nanmedian(curves[idx], axis=1)
    ax.plot(idx + 1, median, color=color, lw=2.2, label=label or f"median of {curves.shape[1]}")
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.legend()
    return ax


def plot_loss_landscape(f, x_range, y_range=None, path=None, ax=None, levels: int = 20):
    """A 1-D loss curve, or 2-D contours, with an optional descent path on top.

    Args:
        f: ``f(x)`` for 1-D, or ``f(x, y)`` for 2-D; must accept arrays.
        x_range: ``(low, high)`` of the horizontal axis.
        y_range: ``(low, high)`` of the vertical axis; none means a 1-D plot.
        path: Points visited, shape ``(steps,)`` for 1-D or ``(steps, 2)`` for 2-D.
    """
    ax = _axes(ax)
    xs = np.linspace(*x_range, 300)
    if y_range is None:
        ax.plot(xs, f(xs), color=FG, alpha=0.7, lw=1.5)
        if path is not None:
            path = np.asarray(path, dtype=float)
            ax.plot(path, f(path), "o-", color=COLORS[1], ms=4, lw=1)
        ax.set_xlabel("w")
        ax.set_ylabel("loss")
    else:
        xs = np.linspace(*x_range, 150)  # enough for smooth contours, small SVG
        gx, gy = np.meshgrid(xs, np.linspace(*y_range, 150))
        ax.contour(gx, gy, f(gx, gy), levels=levels, colors=FG, alpha=0.35, linewidths=0.8)
        if path is not None:
            path = np.asarray(path, dtype=float)
            ax.plot(path[:, 0], path[:, 1], "o-", color=COLORS[1], ms=3, lw=1)
        ax.set_xlabel("$w_1$")
        ax.set_ylabel("$w_2$")
        ax.grid(False)
    return ax


def _adopt_book_colours(fig) -> None:
    """Give text and legends added outside the book style the page's colours.

    ``subplots`` styles what exists when the figure is made; a label or legend
    added later gets matplotlib's black text and white box, which would vanish
    or glare in the dark palette.
    """
    for text in fig.findobj(Text):
        if mpl.colors.same_color(text.get_color(), "black"):
            text.set_color(FG)
    for legend in fig.findobj(Legend):
        frame = legend.get_frame()
        frame.set_facecolor("none")
        frame.set_edgecolor(FG if frame.get_visible() else "none")
        frame.set_alpha(0.25)


def slug(name: str) -> str:
    """``name`` made safe for an HTML id: runs of other characters become one ``-``.

    Examples:
        >>> slug("Figure 3: loss (log)")
        'Figure-3-loss-log'
    """
    text = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")
    if not text:
        raise ValueError(f"name must contain letters or digits, got {name!r}")
    return text


def to_svg(fig, name: str, alt: str) -> str:
    """Render a figure (or an Axes' figure) as inline SVG for a page.

    The same figure gives the same bytes on every build: ids are salted with
    ``name`` (so two figures on a page must have different names) and no date
    is written. The root element gets ``role="img"``, ``aria-label`` and a
    ``<title>`` from ``alt``; the placeholder text colour becomes ``currentColor``.
    """
    if not alt or not alt.strip():
        raise ValueError("alt must describe the figure for readers who cannot see it")
    fig = getattr(fig, "figure", fig)
    _adopt_book_colours(fig)
    buffer = io.StringIO()
    with mpl.rc_context(STYLE | {"svg.hashsalt": name}):
        fig.savefig(buffer, format="svg", dpi=110, metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = svg.replace(FG, "currentColor")
    # matplotlib names elements figure_1, axes_1, ...: prefix them so that two
    # figures on one page never share an id
    svg = re.sub(r'(id="|url\(#|href="#)', rf"\g<1>{slug(name)}-", svg)
    # 0.01 pt is plenty for coordinates (it halves the size); text is left alone
    svg = re.sub(r'="[^"]*"', lambda m: re.sub(r"(\d\.\d\d)\d+", r"\1", m[0]), svg)
    svg = svg.replace("*{stroke-linejoin", ".nn-figure *{stroke-linejoin")  # scope to figures
    label = html.escape(alt.strip(), quote=True)
    svg = svg.replace(
        "<svg ",
        f'<svg role="img" aria-label="{label}" class="nn-figure" '
        'style="max-width:100%;height:auto" ',
        1,
    )
    return re.sub(r"(<svg[^>]*>)", rf"\1<title>{label}</title>", svg, count=1)
