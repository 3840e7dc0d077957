"""The page tests (docs/conftest.py, bookkit.pytest_plugin) run what the build runs, and fail.

These tests run pytest on small pages, with the book's own conftest, and
check that broken blocks, wrong outputs and false claims fail, each named by
its page and line, and that fences the build does not run are not run.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"

PAGES = {
    "good.md": """
        # Good

        ```python exec="on" session="good"
        x = 1 + 1
        ```

        ```pycon exec="on" session="good"
        >>> x
        2
        >>> print("same namespace, in page order")
        same namespace, in page order
        ```
    """,
    "broken.md": """
        # Broken

        Some prose.

        ```python exec="on" session="broken" html="1"
        raise ValueError("this block is broken")
        ```
    """,
    "wrong.md": """
        # Wrong

        ```pycon exec="on" session="wrong"
        >>> 1 + 1
        3
        ```
    """,
    "ignored.md": """
        # Shown, not executed

        ```python
        raise ValueError("not executed: no exec attribute")
        ```

        ```python exec="off" session="ignored"
        raise ValueError("not executed: exec is off")
        ```
    """,
    "solution.md": """
        # Exercise

        1. Do it.

            ??? success "Solution"

                ```python exec="on" session="solution"
                assert 2 + 2 == 5, "solution inside a collapsible block ran"
                ```
    """,
    "claim.md": """
        # Claim

        ```python exec="on" session="claim"
        from bookkit import claim
        from bookkit import equals
        claim("the moon is made of cheese", 0, equals(3))
        ```
    """,
}


def run_pytest(tmp_path: Path) -> str:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DOCS / "conftest.py", docs / "conftest.py")
    for name, text in PAGES.items():
        (docs / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "docs", "-p", "no:cacheprovider",
         "-p", "no:xdist", "-p", "no:randomly", "-rfE", "-q"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return result.stdout + result.stderr


def test_collector_runs_executed_blocks_and_fails_broken_ones(tmp_path):
    out = run_pytest(tmp_path)
    summary = out.strip().splitlines()[-1]
    assert "4 failed, 2 passed" in summary, out
    # A raising block fails with its page and line.
    assert "FAILED docs/broken.md" in out, out
    assert "broken.md:5: python block raised ValueError" in out, out
    assert "this block is broken" in out, out
    # A wrong pycon expectation fails, showing both outputs.
    assert "wrong.md:4: pycon output differs from the text" in out, out
    assert "Expected:\n    3\nGot:\n    2" in out, out
    # Blocks inside a collapsible solution run.
    assert "FAILED docs/solution.md" in out, out
    assert "solution inside a collapsible block ran" in out, out
    # A claim that does not hold fails with its text.
    assert "claim does not hold: 'the moon is made of cheese'" in out, out
    # Fences without exec="on" are not run.
    assert "FAILED docs/ignored.md" not in out, out
