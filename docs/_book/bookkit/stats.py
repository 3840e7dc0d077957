"""The book's pages, read from their source: the chapter map and the counts.

A chapter is ``docs/chapters/NN-slug.md``; its title is its first heading
(``# 9. XOR from scratch``) and its summary the ``description`` of its front
matter, which also becomes the page's ``<meta name="description">``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .fences import executed_fences

DOCS_DIR = Path(__file__).resolve().parents[2]
"""The ``docs/`` folder of the repository."""


def split_front_matter(text: str) -> tuple[dict, str, int]:
    """``(meta, body, offset)``: a page's YAML front matter, the rest, and the
    number of lines the front matter took (so line numbers can be mapped back).

    Examples:
        >>> split_front_matter("---\\ndescription: d\\n---\\n# T\\n")
        ({'description': 'd'}, '# T\\n', 3)
        >>> split_front_matter("# T\\n")
        ({}, '# T\\n', 0)
    """
    if not text.startswith("---\n"):
        return {}, text, 0
    end = text.find("\n---\n", 3)
    if end < 0:
        return {}, text, 0
    meta = yaml.safe_load(text[4:end]) or {}
    if not isinstance(meta, dict):
        return {}, text, 0
    head = text[: end + 5]
    return meta, text[end + 5 :], head.count("\n")


def page_files(docs_dir: Path = DOCS_DIR) -> list[Path]:
    """The Markdown pages of the site, in a stable order (not ``_book/`` or ``overrides/``)."""
    return sorted(
        p
        for p in docs_dir.rglob("*.md")
        if not p.relative_to(docs_dir).parts[0].startswith(("_", "."))
        and p.relative_to(docs_dir).parts[0] != "overrides"
    )


@dataclass(frozen=True)
class Chapter:
    number: int
    title: str
    description: str
    path: Path


TITLE_RE = re.compile(r"^# (?:(\d+)\.\s+)?(.+)$", re.M)


def chapters(docs_dir: Path = DOCS_DIR) -> list[Chapter]:
    """The chapters, in order, with the title and summary each page gives itself."""
    out = []
    for path in sorted((docs_dir / "chapters").glob("[0-9][0-9]-*.md")):
        meta, body, _ = split_front_matter(path.read_text(encoding="utf-8"))
        heading = TITLE_RE.search(body)
        if heading is None:
            raise ValueError(f"{path.name}: a chapter starts with a '# N. Title' heading")
        title = heading[2].strip()
        out.append(Chapter(int(path.name[:2]), title, str(meta.get("description", "")), path))
    return out


def chapter_map(docs_dir: Path = DOCS_DIR, base: str = "") -> str:
    """A Markdown table of the chapters: number, linked title, what it covers.

    Args:
        docs_dir: The ``docs/`` folder.
        base: Prefix of the links, relative to the page that prints the table.
    """
    rows = ["| No. | Chapter | What it covers |", "|--:|---|---|"]
    for chapter in chapters(docs_dir):
        # the output of an executed block is not link-checked by MkDocs: use the URL
        link = f"[{chapter.title}]({base}chapters/{chapter.path.stem}/)"
        rows.append(f"| {chapter.number} | {link} | {chapter.description} |")
    return "\n".join(rows)


def book_stats(docs_dir: Path = DOCS_DIR) -> dict[str, int]:
    """Count what the build checks, by reading the pages' Markdown source."""
    stats = dict.fromkeys(
        ["pages", "chapters", "executed", "pycon", "examples", "claims", "figures"], 0
    )
    for path in page_files(docs_dir):
        stats["pages"] += 1
        stats["chapters"] += path.parent.name == "chapters"
        for fence in executed_fences(split_front_matter(path.read_text(encoding="utf-8"))[1]):
            stats["executed"] += 1
            if fence.lang == "pycon":
                stats["pycon"] += 1
                stats["examples"] += fence.prompts
            else:
                stats["claims"] += len(re.findall(r"\b(?:claim|rate)\(", fence.body))
                stats["figures"] += len(re.findall(r"\bfigure\(", fence.body))
    return stats
