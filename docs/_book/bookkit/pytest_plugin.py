"""Page tests: ``pytest docs/chapters/09-xor-from-scratch.md`` runs a page as the build does.

``docs/conftest.py`` imports ``pytest_collect_file`` from here. Each page is
one test: it runs with ``bookkit.execute.PageRun``, the same code the build
uses, and fails with every problem the build would report (a block that
raises, a printed value that differs from the text, a claim that does not
hold, a warning that escapes a block, a ``{{ }}`` value that fails), each with
its page and line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .execute import PageRun
from .stats import split_front_matter


def _docs_dir(path: Path) -> Path:
    for parent in path.parents:
        if parent.name == "docs":
            return parent
    return path.parent


class PageItem(pytest.Item):
    """One page of the book, run top to bottom."""

    def runtest(self) -> None:
        path = Path(self.path)
        meta, body, offset = split_front_matter(path.read_text(encoding="utf-8"))
        page = path.relative_to(_docs_dir(path)).as_posix()
        self.run = PageRun(page, body, path, offset=offset).run()
        if self.run.problems:
            raise PageProblems(self.run.problems)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, PageProblems):
            problems = excinfo.value.args[0]
            return f"{len(problems)} problem(s):\n\n" + "\n\n".join(map(str, problems))
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, 0, f"page {self.name}"


class PageProblems(Exception):
    """The problems a page run found."""


class PageFile(pytest.File):
    def collect(self):
        yield PageItem.from_parent(self, name=self.path.name)


def pytest_collect_file(file_path: Path, parent):
    """Collect Markdown pages of ``docs/`` (not the machinery's own folder)."""
    if file_path.suffix != ".md":
        return None
    parts = file_path.relative_to(_docs_dir(file_path)).parts
    if parts[0].startswith(("_", ".")) or parts[0] == "overrides":
        return None
    return PageFile.from_parent(parent, path=file_path)
