"""The writer's execution cache: what invalidates a page, and where it is never used."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from bookkit.cache import ExecutionCache
from bookkit.execute import PageRun
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parent.parent

PAGE_A = """\
# A

```python exec="on"
from nnscratch.activations import sigmoid
answer = 6 * 7
```

The answer is {{ answer }}.

```pycon exec="on"
>>> answer
42
```
"""
PAGE_B = '# B\n\n```python exec="on"\nimport nnscratch\nprint("ran")\n```\n'


def repo(tmp_path: Path) -> Path:
    """A copy of what the cache's key reads: the package's source and the lock."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "src" / "nnscratch", root / "src" / "nnscratch",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    shutil.copy(ROOT / "uv.lock", root / "uv.lock")
    return root


def run(page: str, source: str, cache: ExecutionCache) -> PageRun:
    return PageRun(page, source).run(cache=cache)


def test_a_page_runs_again_only_when_its_code_changes(tmp_path):
    root = repo(tmp_path)
    cache = ExecutionCache(tmp_path / "cache", root=root)
    first = run("a.md", PAGE_A, cache)
    assert not first.cached and first.problems == []
    again = run("a.md", PAGE_A, ExecutionCache(tmp_path / "cache", root=root))
    assert again.cached and again.markdown == first.markdown
    assert [b.output for b in again.blocks] == [b.output for b in first.blocks]
    prose = PAGE_A.replace("# A", "# A\n\nA new paragraph of prose.")
    edited = run("a.md", prose, ExecutionCache(tmp_path / "cache", root=root))
    assert edited.cached and "The answer is 42." in edited.markdown
    code = PAGE_A.replace("6 * 7", "6 * 7 + 0")
    assert not run("a.md", code, ExecutionCache(tmp_path / "cache", root=root)).cached


def test_editing_the_package_invalidates_every_page_that_uses_it(tmp_path):
    root = repo(tmp_path)
    pages = {"a.md": PAGE_A, "b.md": PAGE_B}
    for page, source in pages.items():
        run(page, source, ExecutionCache(tmp_path / "cache", root=root))
    cache = ExecutionCache(tmp_path / "cache", root=root)
    assert all(run(page, source, cache).cached for page, source in pages.items())
    module = root / "src" / "nnscratch" / "activations.py"
    module.write_text(module.read_text() + "\n# an edit\n")
    cache = ExecutionCache(tmp_path / "cache", root=root)
    assert not any(run(page, source, cache).cached for page, source in pages.items())


def test_a_cached_page_keeps_its_problems_at_their_lines(tmp_path):
    root = repo(tmp_path)
    wrong = PAGE_A.replace(">>> answer\n42", ">>> answer\n41")
    first = run("a.md", wrong, ExecutionCache(tmp_path / "cache", root=root))
    moved = run("a.md", "Prose above.\n\n" + wrong, ExecutionCache(tmp_path / "cache", root=root))
    assert moved.cached and len(moved.problems) == len(first.problems) == 1
    assert moved.problems[0].line == first.problems[0].line + 2


def probe_config(tmp_path: Path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Probe\n")
    (tmp_path / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: probe
        plugins: [bookkit]
        markdown_extensions: [bookkit.markdown]
        """))  # fmt: skip
    return load_config(str(tmp_path / "mkdocs.yml"))


def test_the_build_never_reads_the_cache_and_serving_does(tmp_path, monkeypatch):
    monkeypatch.delenv("BOOK_REUSE_RUNS", raising=False)
    config = probe_config(tmp_path)
    plugin = config.plugins["bookkit"]
    plugin.on_startup(command="build", dirty=False)
    plugin.on_config(config)
    assert plugin.book.cache.read is False
    plugin.on_startup(command="serve", dirty=False)
    plugin.on_config(config)
    assert plugin.book.cache.read is True


def test_a_cache_that_may_not_be_read_makes_the_page_run(tmp_path):
    root = repo(tmp_path)
    run("a.md", PAGE_A, ExecutionCache(tmp_path / "cache", root=root))
    cold = ExecutionCache(tmp_path / "cache", root=root, read=False)
    assert not run("a.md", PAGE_A, cold).cached


def test_page_code_is_plain_python_not_under_the_machinerys_future_imports():
    # bookkit's modules use `from __future__ import annotations`; a page's code
    # must not inherit it, or its annotations become strings
    page = (
        "# P\n\n"
        '```python exec="on"\n'
        "import inspect\n\n"
        "def f(x: int) -> float:\n    return x\n\n"
        "kind = inspect.signature(f).parameters['x'].annotation\n"
        "```\n\n"
        '```pycon exec="on"\n>>> kind is int\nTrue\n```\n'
    )
    run = PageRun("p.md", page).run()
    assert run.problems == []
