"""Every chapter's notebook runs in a real Jupyter kernel, and its script runs on its own.

The notebooks are the ones the build published (``$BOOK_REFERENCE_SITE``, set
by ``scripts/test``), or, without a build, made here from the page and its
run the same way.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from bookkit import downloads
from bookkit.execute import PageRun
from bookkit.stats import split_front_matter
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "docs" / "chapters").glob("*.md")) + sorted(
    (ROOT / "docs" / "guides").glob("*.md")
)
SITE = os.environ.get("BOOK_REFERENCE_SITE")
SITE_URL = "https://book.example/"


def run_of(path: Path) -> PageRun:
    _, body, offset = split_front_matter(path.read_text(encoding="utf-8"))
    page = path.relative_to(ROOT / "docs").as_posix()
    return PageRun(page, body, path, offset=offset).run()


def published(path: Path, ext: str) -> str:
    """The chapter's download as the build published it, or made here the same way."""
    built = Path(SITE or "-") / "downloads" / f"{path.stem}.{ext}"
    if built.is_file():
        return built.read_text(encoding="utf-8")
    source, run = path.read_text(encoding="utf-8"), run_of(path)
    if ext == "ipynb":
        return downloads.notebook(source, run, page_url=SITE_URL, site_url=SITE_URL)
    return downloads.script(source, run, title=path.stem, page_url=SITE_URL, site_url=SITE_URL)


def execute(nb, cwd: Path) -> None:
    """Run a notebook top to bottom in a fresh IPython kernel (local sockets, not TCP)."""
    km = KernelManager(kernel_name="python3", transport="ipc")
    km.connection_file = str(cwd / "kernel.json")
    env = {**os.environ, "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    client = NotebookClient(nb, km=km, timeout=600, resources={"metadata": {"path": str(cwd)}})
    # given a kernel manager, nbclient leaves the kernel running and its sockets
    # open unless told to clean up (cleanup_kc)
    client.execute(env=env, cleanup_kc=True)


def shows_an_image(cell) -> bool:
    return any("image/png" in out.get("data", {}) for out in cell.get("outputs", []))


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_notebook_runs_in_a_kernel_and_shows_its_figures(chapter, tmp_path):
    nb = nbformat.reads(published(chapter, "ipynb"), as_version=4)
    nbformat.validate(nb)  # nbformat 4.5: every cell has an id
    assert (nb.nbformat, nb.nbformat_minor) == (4, 5)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert 'find_spec("nnscratch")' in code[0].source  # the install cell comes first
    text = "\n".join(c.source for c in nb.cells)
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "claim(" not in text and "from bookkit" not in text, "checks stay out"
    assert 'exec="on"' not in prose and not re.search(r"^\s*(!!!|\?\?\?)", prose, re.M)
    assert not re.search(r"\]\((?!https?://|#)[^)]*\.md", text), "links point at the book"
    execute(nb, tmp_path)
    figure_cells = [c for c in code[2:] if re.search(r"\bfigure\(", c.source)]
    assert figure_cells or chapter.parent.name == "guides", "every chapter has figures"
    assert all(shows_an_image(c) for c in figure_cells), "a figure cell shows no image"
    assert list(tmp_path.glob("*.png")) == [], "a notebook saves no files"


class _Unshow(ast.NodeTransformer):
    """Read the script's ``show(x)`` as the prompt's ``x``."""

    def visit_Call(self, node):  # noqa: N802 - the ast module's name
        self.generic_visit(node)
        if getattr(node.func, "id", None) == "show" and len(node.args) == 1:
            return node.args[0]
        return node


def statements(code: str) -> list[str]:
    """The statements of code, with the script's show(x) read as x."""
    return [ast.dump(_Unshow().visit(node)) for node in ast.parse(code).body]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_script_has_the_notebooks_code(chapter):
    nb = nbformat.reads(published(chapter, "ipynb"), as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code"][2:]  # after install, figure
    script = published(chapter, "py")
    body = script.split("        print(repr(value))\n", 1)[1]  # after the script's prelude
    assert statements(body) == statements("\n\n".join(cells))


@pytest.mark.parametrize("name", ["sample", "02-the-neuron"])
def test_a_script_prints_the_values_and_saves_figures_in_a_folder_of_its_own(name, tmp_path):
    page = ROOT / "docs" / (f"chapters/{name}.md" if name[0].isdigit() else f"{name}.md")
    script = tmp_path / f"{name}.py"
    script.write_text(published(page, "py"), encoding="utf-8")
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": ""}
    result = subprocess.run([sys.executable, str(script)], cwd=work, capture_output=True,
                            text=True, env=env, timeout=600)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    figures = sorted((tmp_path / f"{name}-figures").glob("*.png"))
    assert figures and f"figure saved: {figures[0]}" in result.stdout
    assert list(work.iterdir()) == [], "the script writes nothing where it is run"
    if name == "sample":
        assert "array([0.119, 0.5  , 0.881])" in result.stdout  # the prompt's repr


PAGE = """\
---
description: a page
---

# 1. A page

See [chapter 2](02-two.md#part) and [Dense][nnscratch.layers.Dense].
{: .lead }

```python exec="on" source="above"
import numpy as np
x = np.arange(3)
```

```python exec="on"
from bookkit import claim, equals
hidden_only = int(x.sum())
claim("the sum is three", hidden_only, equals(3))
```

```python exec="on"
from bookkit import claim, equals
needed_later = 7
claim("seven is seven", needed_later, equals(7))
```

```python exec="on"
from bookkit import claim, equals
table = {}
```

```python exec="on"
from bookkit import claim, equals
table["filled"] = 1   # changes a name later code reads
claim("the table has one entry", len(table), equals(1))
```

!!! note "A note"

    The sum is {{ x.sum() }}.

=== "One tab"

    ```pycon exec="on"
    >>> y = x + 1
    >>> y.tolist()
    [1, 2, 3]
    >>> needed_later
    7
    >>> table["filled"]
    1
    ```
"""


def test_conversion_of_prose_checks_and_prompts():
    run = PageRun("chapters/01-a.md", split_front_matter(PAGE)[1]).run()
    assert run.problems == []
    cells = downloads.cells(PAGE, run, site_url=SITE_URL)
    kinds = [kind for kind, _ in cells]
    code = [text for kind, text in cells if kind == "code"]
    prose = "\n".join(text for kind, text in cells if kind == "markdown")
    assert "[chapter 2](https://book.example/chapters/02-two/#part)" in prose
    assert "[Dense](https://book.example/api/layers/#nnscratch.layers.Dense)" in prose
    assert "{: .lead }" not in prose and "> **A note**" in prose and "> The sum is 3." in prose
    assert "**One tab**" in prose and "===" not in prose
    assert "hidden_only" not in "\n".join(code), "a block that only checks is left out"
    assert "needed_later = 7" in code[1] and "claim(" not in code[1], "kept, without its check"
    assert code[2:4] == ["table = {}", 'table["filled"] = 1   # changes a name later code reads']
    assert code[4:] == ["y = x + 1\ny.tolist()", "needed_later", 'table["filled"]']
    assert kinds[0] == "markdown"


def test_a_widget_block_becomes_a_note():
    page = textwrap.dedent("""\
        # W

        ```python exec="on" html="1"
        from bookkit import scrubber
        ```
        """)
    run = PageRun("w.md", page).run()
    cells = downloads.cells(page, run)
    assert cells == [("markdown", "# W\n\n" + downloads.WEB_ONLY)]
