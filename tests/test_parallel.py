"""Pages run side by side in worker processes give what a run in the build's process gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from bookkit.cache import ExecutionCache
from bookkit.execute import PageRun
from bookkit.parallel import RunsAhead, jobs, page_markdown

PAGE = """\
---
description: a page with front matter
---

# P{n}

```python exec="on"
import os
pid = os.getpid()
total = sum(range({n}))
print(f"total {{total}}")
```

The total is {{{{ total }}}}.

```pycon exec="on"
>>> total * 2
{double}
```
"""


def pages(tmp_path: Path, count: int = 3, text: str | None = None) -> list[tuple[str, Path, Path]]:
    """``count`` pages: PAGE with its numbers filled in, or ``text`` as it is."""
    out = []
    for n in range(4, 4 + count):
        path = tmp_path / f"p{n}.md"
        page = PAGE.format(n=n, double=2 * sum(range(n))) if text is None else text
        path.write_text(page, encoding="utf-8")
        out.append((f"p{n}.md", path, path))
    return out


def build_like(runs: RunsAhead | None, page: str, path: Path) -> PageRun:
    """What the build's Markdown extension does with a page."""
    markdown, offset = page_markdown(path.read_text(encoding="utf-8"))
    return PageRun(page, markdown, path, offset=offset).run(cache=runs)


def test_pages_run_in_other_processes_give_the_same_runs(tmp_path):
    listed = pages(tmp_path)
    ahead = RunsAhead()
    try:
        ahead.start(listed, processes=2)
        assert sorted(ahead.started) == [page for page, _, _ in listed]
        for page, path, _ in listed:
            ran_ahead = build_like(ahead, page, path)
            here = build_like(None, page, path)
            assert ran_ahead.problems == here.problems == []
            assert not ran_ahead.cached  # run in this build, not taken from a cache
            assert [b.output for b in ran_ahead.blocks] == [b.output for b in here.blocks]
            assert ran_ahead.inline == here.inline and ran_ahead.markdown == here.markdown
    finally:
        ahead.close()


def test_each_page_runs_in_a_process_of_its_own(tmp_path):
    listed = pages(tmp_path, count=4)
    for _, path, _ in listed:  # show the process id in the page
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("The total is", "Ran in {{ pid }}; the total is"))
    ahead = RunsAhead()
    try:
        ahead.start(listed, processes=2)
        pids = [int(build_like(ahead, page, path).inline[0]) for page, path, _ in listed]
    finally:
        ahead.close()
    assert os.getpid() not in pids
    assert len(set(pids)) == len(listed)  # one process per page, however many workers


def test_a_page_whose_code_changed_since_it_was_started_runs_again(tmp_path):
    listed = pages(tmp_path, count=2)
    page, path, _ = listed[0]
    ahead = RunsAhead()
    try:
        ahead.start(listed, processes=2)
        assert page in ahead.started
        path.write_text(path.read_text().replace("sum(range(4))", "sum(range(5))"))
        path.write_text(path.read_text().replace(">>> total * 2\n12", ">>> total * 2\n20"))
        run = build_like(ahead, page, path)
    finally:
        ahead.close()
    assert run.problems == [] and run.inline == ["10"]


def test_a_problem_found_in_a_worker_names_the_files_line(tmp_path):
    listed = pages(tmp_path, count=2)
    page, path, _ = listed[0]
    path.write_text(path.read_text().replace(">>> total * 2\n12", ">>> total * 2\n13"))
    ahead = RunsAhead()
    try:
        ahead.start(listed, processes=2)
        assert page in ahead.started
        run = build_like(ahead, page, path)
    finally:
        ahead.close()
    line = path.read_text().split("\n").index(">>> total * 2") + 1
    assert [p.line for p in run.problems] == [line]
    assert "differs from the text" in run.problems[0].message


def test_runs_made_ahead_are_written_to_the_cache_and_cached_pages_are_not_run(tmp_path):
    listed = pages(tmp_path, count=2)
    root = tmp_path / "repo"
    (root / "src" / "nnscratch").mkdir(parents=True)
    (root / "src" / "nnscratch" / "__init__.py").write_text("")
    cache = ExecutionCache(tmp_path / "cache", root=root)
    ahead = RunsAhead(cache)
    try:
        ahead.start(listed, processes=2)
        first = [build_like(ahead, page, path) for page, path, _ in listed]
    finally:
        ahead.close()
    again = RunsAhead(cache)
    try:
        again.start(listed, processes=2)
        assert again.started == {}  # every page is in the cache: nothing to start
        second = [build_like(again, page, path) for page, path, _ in listed]
    finally:
        again.close()
    assert all(run.cached for run in second)
    assert [r.inline for r in first] == [r.inline for r in second]


@pytest.mark.parametrize(
    ("count", "processes"),
    [(2, 1), (1, 2)],  # one process asked for; one page to run (a writer's code edit)
    ids=["one-process", "one-page"],
)
def test_the_pages_run_in_the_build_when_a_pool_cannot_help(tmp_path, count, processes):
    listed = pages(tmp_path, count=count)
    ahead = RunsAhead()
    ahead.start(listed, processes=processes)
    assert ahead.pool is None and ahead.started == {}
    run = build_like(ahead, *listed[0][:2])
    assert run.problems == [] and not run.cached


def test_the_number_of_processes_is_checked(monkeypatch):
    monkeypatch.setenv("BOOK_JOBS", "3")
    assert jobs() == 3
    monkeypatch.delenv("BOOK_JOBS")
    assert jobs() == (os.cpu_count() or 1)
    for bad, message in [("two", "whole number of processes, got 'two'"), ("0", "at least 1")]:
        monkeypatch.setenv("BOOK_JOBS", bad)
        with pytest.raises(ValueError, match=message):
            jobs()


BLAS_PAGE = """\
# Threads

```python exec="on"
import numpy as np
from threadpoolctl import threadpool_info
threads = sorted({i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"})
```

BLAS threads: {{ threads }}.
"""


@pytest.mark.parametrize("processes", [2, 1], ids=["in workers", "in the build's process"])
def test_pages_run_with_one_blas_thread(tmp_path, processes):
    from threadpoolctl import threadpool_info, threadpool_limits

    listed = pages(tmp_path, count=2, text=BLAS_PAGE)
    ahead = RunsAhead()
    # this process's BLAS has two threads or more, so that the test can fail
    with threadpool_limits(limits=2, user_api="blas"):
        assert all(i["num_threads"] >= 2 for i in threadpool_info() if i["user_api"] == "blas")
        try:
            ahead.start(listed, processes=processes)
            shown = [build_like(ahead, page, path).inline[0] for page, path, _ in listed]
        finally:
            ahead.close()
    assert shown == ["[1]", "[1]"]
