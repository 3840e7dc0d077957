"""Every chapter's downloadable notebook and script run top to bottom on their own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_book"))

import downloads  # noqa: E402

CHAPTERS = sorted((ROOT / "docs" / "chapters").glob("*.md"))
SITE = os.environ.get("BOOK_REFERENCE_SITE")


def notebook_of(chapter: Path) -> str:
    """The notebook the build published, or (without a build) the same conversion."""
    built = Path(SITE or "-") / "downloads" / f"{chapter.stem}.ipynb"
    if built.is_file():
        return built.read_text(encoding="utf-8")
    return downloads.notebook(chapter.read_text(encoding="utf-8"))


def run_fresh(code: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run code in a new interpreter: a fresh namespace, nothing of the book imported."""
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": ""}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True,
                          text=True, env=env, timeout=600)  # fmt: skip


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_notebook_runs_top_to_bottom(chapter, tmp_path):
    book = json.loads(notebook_of(chapter))
    assert book["nbformat"] == 4
    assert any(c["cell_type"] == "markdown" for c in book["cells"])
    result = run_fresh(downloads.code_of_notebook(json.dumps(book)), tmp_path)
    assert result.returncode == 0, f"{chapter.name}:\n{result.stderr[-3000:]}"
    assert "claim does not hold" not in result.stdout


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_script_compiles(chapter):
    text = downloads.script(chapter.read_text(encoding="utf-8"), chapter.stem)
    compile(text, f"{chapter.stem}.py", "exec")


def test_conversion_keeps_prose_code_and_hidden_checks(tmp_path):
    page = (ROOT / "docs" / "sample.md").read_text(encoding="utf-8")
    cells = downloads.cells(page)
    code = "\n".join(text for kind, text in cells if kind == "code")
    prose = "\n".join(text for kind, text in cells if kind == "markdown")
    assert "claim(" in code and "from bookkit" not in code  # hidden checks kept
    assert ">>>" not in code and "sigmoid(z).round(3)" in code  # prompts stripped
    assert "## A checked result" in prose and '```python exec="on"' not in prose
    assert "[nnscratch." not in prose  # API links become plain text
    script = downloads.script(page, "Sample page")
    result = run_fresh(script, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "array([0.119, 0.5  , 0.881])" in result.stdout  # the prompt's repr
    assert "claim holds: a single perceptron never learns XOR" in result.stdout


def test_a_failing_claim_fails_the_notebook(tmp_path):
    block = 'claim("one is two", measured=1, holds=1 == 2)'
    page = f'# T\n\n```python exec="on" session="t"\n{block}\n```\n'
    result = run_fresh(downloads.code_of_notebook(downloads.notebook(page)), tmp_path)
    assert result.returncode != 0 and "claim does not hold: one is two" in result.stderr
