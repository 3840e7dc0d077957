"""Pages run side by side: each page's code in a process of its own, on every core.

Most of a cold build is spent running the pages' code, and a page's run
depends on nothing but the page (each has its own namespace, and nothing one
page computes is seen by another). So before MkDocs renders the first page,
the plugin hands every page that has code to a pool of worker processes, one
per core (``BOOK_JOBS`` sets another number; ``BOOK_JOBS=1`` runs the pages in
the build's own process, one after the other, as Python-Markdown alone does).
When MkDocs reaches a page, its run is taken from its worker, waiting for it
if it is not done yet, instead of being computed then.

Nothing is reused from an earlier build: each page still runs once per build,
cold, only in a process of its own. Each worker is forked from a server
process that has imported NumPy and matplotlib once (the ``forkserver``
start method), so a page does not pay for those imports, and no page sees
what another page left behind. The package (``nnscratch``) is imported by
each page's process itself, so a serving writer's edits to it are seen.

Where the operating system has no ``forkserver`` (Windows), or when only one
page needs to run (a writer's code edit, with the others in the execution
cache), the pages run in the build's process, one after the other.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from mkdocs.utils.meta import get_data

from .execute import PageRun, events

PRELOAD = ["numpy", "matplotlib", "matplotlib.pyplot"]
"""What the worker processes' server imports once (never ``nnscratch``: it may be edited)."""


def page_markdown(raw: str) -> tuple[str, int]:
    """A page's Markdown as MkDocs gives it to the extensions, and the lines before it.

    MkDocs takes the YAML front matter off (``mkdocs.utils.meta.get_data``);
    the offset maps the Markdown's line numbers back to the file's.

    Examples:
        >>> page_markdown("---\\ntitle: T\\n---\\n\\n# T\\n")
        ('# T\\n', 4)
        >>> page_markdown("# T\\n")
        ('# T\\n', 0)
    """
    markdown, _ = get_data(raw)
    return markdown, lines_before(raw, markdown)


def lines_before(raw: str, markdown: str) -> int:
    """How many lines of the file ``raw`` come before ``markdown``, its end (the front matter)."""
    return raw[: len(raw) - len(markdown)].count("\n") if raw.endswith(markdown) else 0


def jobs() -> int:
    """How many pages run at once: ``$BOOK_JOBS``, or one per core."""
    given = os.environ.get("BOOK_JOBS", "")
    if given:
        try:
            value = int(given)
        except ValueError:
            message = f"BOOK_JOBS must be a whole number of processes, got {given!r}"
            raise ValueError(message) from None
        if value < 1:
            raise ValueError(f"BOOK_JOBS must be at least 1, got {value}")
        return value
    return os.cpu_count() or 1


def _run_page(page: str, path: str, markdown: str, offset: int) -> dict:
    """In a worker: run one page, cold; return its record (what the cache would store)."""
    run = PageRun(page, markdown, Path(path), offset=offset).run()
    return run._record()


class RunsAhead:
    """Pages started in worker processes, and the cache the build reads through.

    Passed to ``PageRun.run`` as its ``cache``: a page that was started ahead
    is restored from its worker's record when the code MkDocs gives the page
    is the code the worker ran (the same events, in order); any other page is
    looked up in the execution cache, if there is one, or runs then. Every
    run a worker makes is written to the execution cache, as a build writes
    every run it makes.

    Args:
        cache: The execution cache (``bookkit.cache.ExecutionCache``) or ``None``.
    """

    def __init__(self, cache=None):
        self.cache = cache
        self.pool = None
        self.started: dict[str, tuple[list, object]] = {}  # page -> (its events, the job)

    def start(self, pages: list[tuple[str, Path, Path]], processes: int) -> None:
        """Start the pages ``(page, file, path for tracebacks)`` that must run, in this order."""
        todo = []
        for page, file, shown in pages:
            markdown, offset = page_markdown(file.read_text(encoding="utf-8"))
            page_events = events(markdown)
            if not page_events:
                continue
            if self.cache is not None and self.cache.load(page, self._key(page, page_events)):
                continue  # served from the cache (only ever while serving)
            todo.append((page, str(shown), markdown, offset, page_events))
        # one page alone runs faster in the build's process than in a new one
        if len(todo) < 2 or processes < 2:
            return
        if "forkserver" not in multiprocessing.get_all_start_methods():
            return
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        # one page per process: nothing a page leaves behind reaches the next
        self.pool = context.Pool(min(processes, len(todo)), maxtasksperchild=1)
        # in the order MkDocs renders them, so the rendering follows the workers closely
        for page, shown, markdown, offset, page_events in todo:
            job = self.pool.apply_async(_run_page, (page, shown, markdown, offset))
            self.started[page] = (page_events, job)

    def close(self) -> None:
        """Stop the workers (after the build, or when it fails)."""
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
        self.pool = None
        self.started.clear()

    # --- what PageRun.run asks of its cache ---------------------------------

    def _key(self, page: str, page_events: list):
        return self.cache.key(page, page_events) if self.cache is not None else None

    def key(self, page: str, page_events: list) -> tuple:
        return page_events, self._key(page, page_events)

    def load(self, page: str, key: tuple) -> dict | None:
        page_events, cache_key = key
        started_events, job = self.started.pop(page, (None, None))
        if job is not None and started_events == page_events:
            record = job.get()  # a worker's failure is the build's (it is raised here)
            if self.cache is not None:
                self.cache.save(page, cache_key, record)
            return {**record, "cached": False}
        if self.cache is None:
            return None
        return self.cache.load(page, cache_key)

    def save(self, page: str, key: tuple, result: dict) -> None:
        if self.cache is not None:
            self.cache.save(page, key[1], result)
