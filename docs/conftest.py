"""Collect every executed block of every page under docs/ as a test.

A fence runs only if markdown-exec runs it (``exec="on"``). ``python`` blocks
run as code and ``pycon`` blocks as doctests (the output written in the page
is compared with the real one), in page order, in one namespace per page,
like the build. A failing block names the page and the line.
"""

from __future__ import annotations

import doctest
import os
import re
import sys
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).resolve().parent / "_book"))

import bookkit  # noqa: E402
from sybil import Sybil  # noqa: E402
from sybil.evaluators.doctest import NUMBER, DocTestEvaluator  # noqa: E402
from sybil.evaluators.python import PythonEvaluator  # noqa: E402
from sybil.parsers.abstract.doctest import DocTestStringParser  # noqa: E402
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer  # noqa: E402

# The info line of a fence: a language, then markdown-exec's attributes.
INFO = re.compile(
    r"(?P<language>python|pycon)(?P<attributes>[ \t][^\n]*)?$\n", re.MULTILINE
)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | NUMBER


class ExecutedBlockParser:
    """Sybil parser for the fences that markdown-exec executes."""

    def __init__(self) -> None:
        self.lexer = RawFencedCodeBlockLexer(info_pattern=INFO)
        self.doctests = DocTestStringParser(DocTestEvaluator(FLAGS))
        self.python = PythonEvaluator()

    def __call__(self, document):
        path = Path(document.path).resolve()
        page = path.relative_to(bookkit.DOCS_DIR) if path.is_relative_to(
            bookkit.DOCS_DIR) else path
        document.namespace["__page__"] = page.as_posix()
        for region in self.lexer(document):
            attributes = bookkit.parse_attrs(region.lexemes["attributes"] or "")
            if not bookkit.executes(attributes):
                continue
            source = region.lexemes["source"]
            if region.lexemes["language"] == "pycon":
                for example in self.doctests(source, document.path):
                    example.adjust(region, source)
                    yield example
            else:
                region.parsed = source
                region.evaluator = self.python
                yield region


def _setup(namespace: dict) -> None:
    bookkit.current_page = namespace.get("__page__")


pytest_collect_file = Sybil(
    parsers=[ExecutedBlockParser()],
    patterns=["*.md"],
    excludes=["_book/*", "overrides/*"],
    setup=_setup,
).pytest()
