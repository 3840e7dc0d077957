"""Figures: a matplotlib figure as inline SVG, legible in both palettes."""

from __future__ import annotations

import html


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
