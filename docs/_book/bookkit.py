"""Small helpers that the book's pages import from their executed blocks.

The build (``docs/_book/hooks.py``) and the page tests (``docs/conftest.py``)
both put this folder on ``sys.path``, so a page's hidden block can do::

    from bookkit import claim, figure

and the same code runs at build time and under pytest.
"""

from __future__ import annotations

import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path

DOCS_DIR = Path(__file__).resolve().parent.parent
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


def anchor_id(block: int) -> str:
    """The id the build puts before the ``block``-th executed python block of a page."""
    return f"claim-block-{block}"


def _running_block() -> int | None:
    """Number of the markdown-exec block being executed, read from its code name."""
    frame = sys._getframe(1)
    while frame is not None:
        found = re.match(r"<code block: session [^;]+; n(\d+)", frame.f_code.co_filename)
        if found:
            return int(found[1])
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
    block = _running_block()
    anchor = None if block is None else anchor_id(block)
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
    line: int


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
        yield Fence(m["lang"], parse_attrs(m["attrs"]), "\n".join(body), i + 1)
        i = j + 1


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
                stats["examples"] += sum(
                    line.lstrip().startswith(">>>") for line in fence.body.split("\n")
                )
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
