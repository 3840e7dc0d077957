"""The machinery that builds the book *Neural Networks from Scratch* and checks it.

What a page imports from its executed blocks::

    from bookkit import claim, rate, equals, below, figure

- ``claims``: ``claim`` and ``rate`` and their checks (``equals``, ``near``,
  ``above``, ``below``, ``at_least``, ``at_most``, ``between``, ``is_true``);
- ``figures``: ``figure``, a matplotlib figure as inline SVG;
- ``widgets``: explorable figures (``scrubber``, ``lr_explorer``,
  ``training_scrubber``);
- ``stats``: the chapter map and the book's counts.

The rest is the build, one module per concern: ``fences`` (the one parser of
code blocks), ``execute`` (running a page), ``pycon`` (checked transcripts),
``cache`` (the writer's execution cache), ``markdown`` (the Python-Markdown
extension that runs and renders blocks and converts maths with ``maths``),
``downloads`` (notebook and script of a chapter), ``provenance`` (what
computed a page) and ``plugin`` (the MkDocs plugin that wires them to the
build). ``docs/how-built.md`` explains how they fit together.
"""

from __future__ import annotations

from .claims import (
    Claim,
    above,
    at_least,
    at_most,
    below,
    between,
    claim,
    equals,
    is_true,
    near,
    rate,
    wilson,
)
from .figures import figure
from .stats import book_stats, chapter_map
from .widgets import contour_lines, lr_explorer, scrubber, training_scrubber

__all__ = [
    "Claim",
    "above",
    "at_least",
    "at_most",
    "below",
    "between",
    "book_stats",
    "chapter_map",
    "claim",
    "contour_lines",
    "equals",
    "figure",
    "is_true",
    "lr_explorer",
    "near",
    "rate",
    "scrubber",
    "training_scrubber",
    "wilson",
]
