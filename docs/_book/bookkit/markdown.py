"""The Python-Markdown extension that runs a page's code and renders the results.

Listed in ``mkdocs.yml`` with the two custom fences it renders::

    markdown_extensions:
      - pymdownx.superfences:
          custom_fences:
            - {name: python, class: python, validator: !!python/name:bookkit.markdown.validator,
               format: !!python/name:bookkit.markdown.formatter}
            - {name: pycon, class: pycon, validator: ..., format: ...}
      - bookkit.markdown

1. A preprocessor (before SuperFences) runs the whole page in page order with
   ``bookkit.execute.PageRun``: every executed block, nested ones included,
   and every ``{{ }}`` value of the prose. It numbers each executed fence
   (``nnid="k"``) and reports the page's problems as warnings, so
   ``mkdocs build --strict`` fails on them.
2. A ``pycon`` block becomes its transcript (the prompts with the real
   output), a plain fence that SuperFences highlights. For each numbered
   ``python`` fence, wherever it sits (an admonition, a tab), SuperFences
   calls ``formatter``, which renders the stored result with markdown-exec's
   public ``base_format``: the source if asked for, the output as Markdown,
   or as HTML with ``html="1"``. A block that registered claims gets the
   anchor the claims page links to.
3. A postprocessor turns the page's maths into MathML (``bookkit.maths``).

Nothing here needs MkDocs: any Python-Markdown build with these extensions
runs the book's code. With the MkDocs plugin (``bookkit.plugin``), the page
is named, the execution cache is used while serving, and the results feed the
claims page, the provenance footers and the downloads.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import markdown_exec
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markupsafe import Markup

from . import maths
from .execute import PageRun
from .fences import executed_fences

log = logging.getLogger("mkdocs.plugins.bookkit")


@dataclass
class PageSource:
    """The page about to be converted, as the plugin knows it."""

    page: str
    path: Path | None = None
    offset: int = 0  # lines of front matter before the Markdown


@dataclass
class Book:
    """What one build shares between the plugin and the extension.

    Attributes:
        current: The page being converted (set by the plugin before each page).
        cache: The execution cache, while serving; ``None`` for a cold build.
        runs: Every page's run, by page.
    """

    current: PageSource | None = None
    cache: object = None
    runs: dict[str, PageRun] = field(default_factory=dict)


class RunPage(Preprocessor):
    """Run the page's code in page order (see the module docstring)."""

    def __init__(self, md, extension: BookExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        book: Book | None = self.extension.getConfig("book") or None
        source = book.current if book is not None else None
        if source is not None:
            book.current = None  # the page's own conversion; others (docstrings) are not the page
        elif not executed_fences(text) and "{{" not in text:
            return lines  # nothing to run
        else:
            source = PageSource(_guess_page(text))
        run = PageRun(source.page, text, source.path, offset=source.offset)
        run.run(cache=book.cache if book is not None else None)
        self.extension.page_run = run
        if book is not None:
            book.runs[source.page] = run
        for problem in run.problems:
            log.warning("%s", problem)
        return _with_transcripts(run)


def _with_transcripts(run: PageRun) -> list[str]:
    """The page for the renderer: each pycon block becomes its transcript, as plain code.

    The transcript (the prompts with the real output) is highlighted like any
    ``pycon`` fence; only python blocks go through the custom fence.
    """
    lines = run.markdown.split("\n")
    for block in reversed(run.blocks):
        fence = block.fence
        if fence.lang != "pycon":
            continue
        opening = lines[fence.line - 1]
        ticks = re.match(r"\s*(`{3,}|~{3,})", opening)[1]
        ticks = ticks[0] * max(len(ticks), _longest_run(block.output, ticks[0]) + 1)
        body = [fence.indent + line if line else "" for line in block.output.split("\n")]
        anchor = [fence.indent + f'<span id="{block.anchor}"></span>', ""] if block.anchor else []
        lines[fence.line - 1 : fence.end] = [
            *anchor,
            fence.indent + ticks + "pycon",
            *body,
            fence.indent + ticks,
        ]
    return lines


def _longest_run(text: str, char: str) -> int:
    runs = re.findall(re.escape(char) + "+", text)
    return max((len(r) for r in runs), default=0)


def _guess_page(text: str) -> str:
    """A page's name without MkDocs: its blocks' session, or ``<page>``."""
    for fence in executed_fences(text):
        if fence.attrs.get("session"):
            return fence.attrs["session"] + ".md"
    return "<page>.md"


class MathML(Postprocessor):
    """Convert the page's maths to MathML (``bookkit.maths``)."""

    def __init__(self, md, extension: BookExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, text: str) -> str:
        out, problems = maths.to_mathml(text)
        run = self.extension.page_run
        for problem in problems:
            log.warning("%s: %s", run.page if run else "<page>", problem)
        return out


class BookExtension(Extension):
    """Run the book's code blocks and render their results (see the module)."""

    def __init__(self, **kwargs):
        # (a default of None would make Python-Markdown turn the value into a bool)
        self.config = {"book": ["", "the build's Book, set by the MkDocs plugin"]}
        super().__init__(**kwargs)
        self.page_run: PageRun | None = None
        self._page_md = None

    def extendMarkdown(self, md) -> None:  # noqa: N802 - Python-Markdown's name
        if self._page_md is not None:
            # markdown-exec renders a block's output with a new Markdown that
            # reuses this instance: that inner conversion runs nothing
            return
        self._page_md = md
        md.registerExtension(self)
        md.bookkit = self  # the fence formatter finds the page's run here
        # after pymdownx.snippets (32) and whitespace normalisation (30), before
        # SuperFences (25) takes the fences out of the text
        md.preprocessors.register(RunPage(md, self), "bookkit_run", 28)
        md.postprocessors.register(MathML(md, self), "bookkit_maths", 1)

    def reset(self) -> None:
        self.page_run = None


def makeExtension(**kwargs) -> BookExtension:  # noqa: N802 - Python-Markdown's name
    return BookExtension(**kwargs)


# --- the custom fences (``custom_fences`` of pymdownx.superfences) ----------------


def validator(language, inputs, options, attrs, md) -> bool:
    """Accept the fences the book executes: markdown-exec's options plus ``nnid``."""
    if not markdown_exec.validator(language, inputs, options, attrs, md):
        return False
    options["nnid"] = options["extra"].pop("nnid", None)
    options["extra"].pop("session", None)
    return True


def formatter(source, language, css_class, options, md, **kwargs) -> str:
    """Render a numbered fence from the page's run."""
    extension = getattr(md, "bookkit", None)
    run = extension.page_run if extension is not None else None
    nnid = options.get("nnid")
    if run is None or nnid is None or int(nnid) >= len(run.blocks):
        log.warning(
            "%s: a %s block with exec was not run by the book's machinery (is "
            "bookkit.markdown listed in markdown_extensions?)",
            run.page if run else "<page>", language,
        )  # fmt: skip
        return markdown_exec.MarkdownConverter(md).convert(
            markdown_exec.code_block(language, source)
        )
    block = run.blocks[int(nnid)]
    anchor = f'<span id="{block.anchor}"></span>' if block.anchor else ""
    if block.failed:
        shown = markdown_exec.code_block("python", source) if options.get("source") else ""
        body = markdown_exec.MarkdownConverter(md).convert(
            shown + "\n\n" + markdown_exec.code_block("pytb", block.output)
        )
    else:
        kept = {k: v for k, v in options.items() if k not in {"nnid", "session", "workdir"}}
        body = markdown_exec.base_format(
            language=language, run=lambda code, **_: block.output, code=source, md=md, **kept
        )
    return Markup(anchor) + body if anchor else body
