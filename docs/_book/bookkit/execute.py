"""Run a page: every executed block, in page order, in one namespace per page.

``PageRun(page, source).run()`` is all the build, the page tests and the
downloads need to know about execution:

- ``python`` blocks run as a module's code; what they print is their output;
- ``pycon`` blocks run line by line like the Python prompt, and the real
  output is compared with the output written in the page (``bookkit.pycon``);
- ``{{ expression }}`` in the prose (outside code) is replaced by the value of
  the expression at that point of the page, formatted like an f-string field
  (``{{ rate:.1% }}``), so a number the prose quotes is the one this build
  measured;
- ``claim(...)`` and ``rate(...)`` calls are recorded with the block that made
  them (``bookkit.claims``);
- an exception, an output that differs from the text, a failing claim, a
  warning that escapes a block, or a block that draws from NumPy's global
  random state (``np.random.rand``) is a *problem*: the strict build fails on
  it, and so does the page test.

Tracebacks name the page's file and its own line numbers.

Examples:
    >>> page = (
    ...     "# P\\n\\n"
    ...     '```python exec="on"\\nx = 6 * 7\\n```\\n\\n'
    ...     "The answer is {{ x }}.\\n\\n"
    ...     '```pycon exec="on"\\n>>> x + 1\\n43\\n```\\n'
    ... )
    >>> run = PageRun("p.md", page).run()
    >>> run.problems, [b.output for b in run.blocks]
    ([], ['', '>>> x + 1\\n43'])
    >>> "The answer is 42." in run.markdown
    True
"""

from __future__ import annotations

import contextlib
import dataclasses
import doctest
import hashlib
import io
import os
import re
import sys
import time
import traceback
import types
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from threadpoolctl import threadpool_limits

from . import claims, pycon
from .fences import Fence, iter_fences, pieces

# a {{ value }} in the prose; inline code and HTML comments are passed over
INLINE_RE = re.compile(r"(?P<code>`+)(?:.+?)(?P=code)|<!--.*?-->|\{\{(?P<expr>[^\n]+?)\}\}", re.S)


def anchor_id(source: str) -> str:
    """The id of the anchor before a block that registers claims.

    Named after the block's code, not its position, so links from the claims
    page survive edits elsewhere on the page.

    Examples:
        >>> anchor_id("x = 1") == anchor_id("x = 1\\n")
        True
    """
    lines = [line.rstrip() for line in source.strip("\n").split("\n")]
    return "claim-" + hashlib.sha1("\n".join(lines).encode()).hexdigest()[:10]


@dataclass(frozen=True)
class Problem:
    """Something wrong with a page: where, and what."""

    page: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.message}"


@dataclass
class BlockRun:
    """One executed block and what it gave.

    Attributes:
        fence: The block.
        output: What a python block printed; a pycon block's transcript (its
            prompts with the real output).
        failed: The block raised (``output`` is then the traceback).
        seconds: How long it ran.
        claims: How many claims it registered.
    """

    fence: Fence
    output: str = ""
    failed: bool = False
    seconds: float = 0.0
    claims: int = 0

    @property
    def anchor(self) -> str | None:
        """The anchor id the page puts before this block, if it registered claims."""
        return anchor_id(self.fence.body) if self.claims else None


def events(source: str) -> list[tuple]:
    """What the page computes, in order: executed blocks and inline expressions.

    Two pages with the same events compute the same things (the execution
    cache's key); prose around them does not matter.
    """
    out: list[tuple] = []
    for piece in pieces(source):
        if piece[0] == "fence":
            fence = piece[1]
            if fence.executes:
                out.append(("block", fence.lang, fence.body))
            continue
        prose = "\n".join(piece[2])
        out += [("inline", m["expr"]) for m in INLINE_RE.finditer(prose) if m["expr"]]
    return out


@dataclass
class PageRun:
    """One run of one page (see the module docstring).

    Args:
        page: The page's path under ``docs/`` (``chapters/09-xor-from-scratch.md``).
        source: The page's Markdown.
        path: The file, for tracebacks (default: ``page``).
        offset: Lines of the file before ``source`` (front matter), so that
            problems and tracebacks give the file's line numbers.

    Attributes:
        blocks: One ``BlockRun`` per executed block, in page order.
        inline: The text of each ``{{ }}`` value, in page order.
        claims: Every claim registered.
        problems: Every problem found (empty when the page is right).
        markdown: The source with the ``{{ }}`` values put in and each
            executed fence numbered (``nnid="k"``) for the renderer.
        seconds: Time spent running the page.
        cached: Whether the results came from the execution cache.
    """

    page: str
    source: str
    path: Path | None = None
    offset: int = 0
    blocks: list[BlockRun] = field(default_factory=list)
    inline: list[str] = field(default_factory=list)
    claims: list[claims.Claim] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    markdown: str = ""
    seconds: float = 0.0
    cached: bool = False

    @property
    def stem(self) -> str:
        return Path(self.page).stem

    @property
    def filename(self) -> str:
        return str(self.path or self.page)

    @property
    def prompts(self) -> int:
        """How many ``>>>`` lines the page checks."""
        return sum(block.fence.prompts for block in self.blocks)

    # --- running -----------------------------------------------------------

    def run(self, cache=None) -> PageRun:
        """Execute the page (or take its results from ``cache``); returns ``self``."""
        key = None
        if cache is not None:
            key = cache.key(self.page, events(self.source))
            stored = cache.load(self.page, key)
            if stored is not None:
                self._restore(stored)
                values = iter(self.inline)
                self.markdown = self._rewrite(lambda expr, line: next(values))
                return self
        self._execute()
        if cache is not None:
            cache.save(self.page, key, self._record())
        return self

    def _execute(self) -> None:
        os.environ.setdefault("MPLBACKEND", "Agg")  # figures are drawn to files, never shown
        module = types.ModuleType(f"bookpage_{re.sub(r'[^0-9a-zA-Z]+', '_', self.stem)}")
        sys.modules[module.__name__] = module  # dataclasses and pickle look the module up
        self._namespace = module.__dict__
        started = time.perf_counter()
        # One BLAS thread: pages run side by side, one process per core, and
        # OpenBLAS's extra threads would then fight the other pages for the
        # cores (a matrix product could wait on a thread that is not running,
        # which makes the pages' timings meaningless). NumPy is loaded first, so
        # that the limit reaches its BLAS.
        import numpy  # noqa: F401

        try:
            with threadpool_limits(limits=1, user_api="blas"):
                self.markdown = self._rewrite(self._evaluate, run_blocks=True)
        finally:
            self.seconds = time.perf_counter() - started
            sys.modules.pop(module.__name__, None)

    def _rewrite(self, value_of, run_blocks: bool = False) -> str:
        """The page with inline values put in and executed fences numbered."""
        lines = self.source.split("\n")
        out: list[str] = []
        k = 0
        for piece in pieces(self.source):
            if piece[0] == "prose":
                _, first, prose = piece
                out += self._inline("\n".join(prose), first + 1, value_of).split("\n")
                continue
            fence = piece[1]
            opening, rest = lines[fence.line - 1], lines[fence.line : fence.end]
            if fence.executes:
                if run_blocks:
                    self.blocks.append(self._run_block(fence))
                opening += f' nnid="{k}"'
                k += 1
            out += [opening, *rest]
        return "\n".join(out)

    @staticmethod
    def _inline(prose: str, first_line: int, value_of) -> str:
        def put(match: re.Match) -> str:
            if not match["expr"]:
                return match[0]  # inline code and comments stay as they are
            number = first_line + prose.count("\n", 0, match.start())
            return value_of(match["expr"].strip(), number)

        return INLINE_RE.sub(put, prose)

    def _evaluate(self, expr: str, line: int) -> str:
        """The text of ``{{ expr }}``: the f-string field ``{expr}`` in the page's namespace."""
        try:
            field_ = compile("f" + repr("{" + expr + "}"), self.filename, "eval", dont_inherit=True)
            with self._capture(line):
                value = eval(field_, self._namespace)  # noqa: S307
        except Exception as error:  # noqa: BLE001 - reported as a problem of the page
            self._problem(line, f"{{{{ {expr} }}}} failed: {type(error).__name__}: {error}")
            value = f"{{{{ {expr} }}}}"
        self.inline.append(value)
        return value

    def _run_block(self, fence: Fence) -> BlockRun:
        block = BlockRun(fence)
        session = fence.attrs.get("session")
        if session is not None and session != self.stem:
            self._problem(
                fence.line,
                f"session={session!r}: a page has one session, named "
                f"after its file ({self.stem!r}); drop the option or rename it",
            )
        started = time.perf_counter()
        token = claims.recording(lambda c: self._record_claim(c, block))
        before = _global_random_state()
        try:
            if fence.lang == "python":
                self._run_python(block)
            else:
                self._run_pycon(block)
        finally:
            claims.stop_recording(token)
            block.seconds = time.perf_counter() - started
        if _global_random_state() != before:
            self._problem(
                fence.line,
                "the block drew from NumPy's global random state (np.random.rand, "
                "np.random.normal and the like), so its numbers depend on what ran "
                "before it; draw from a generator of its own: np.random.default_rng(seed)",
            )
        return block

    def _record_claim(self, record: claims.Claim, block: BlockRun) -> claims.Claim:
        block.claims += 1
        record = dataclasses.replace(record, page=self.page, anchor=anchor_id(block.fence.body))
        self.claims.append(record)
        return record

    @contextlib.contextmanager
    def _capture(self, line: int):
        """Capture stdout; report every warning that escapes as a problem at ``line``.

        A deprecation inside a library, which Python itself would not show, is
        reported only when it points at the page's code or at ``nnscratch``.
        """
        buffer = io.StringIO()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with contextlib.redirect_stdout(buffer):
                yield buffer
        for w in caught:
            if issubclass(w.category, DeprecationWarning | PendingDeprecationWarning) and not (
                w.filename == self.filename or "nnscratch" in Path(w.filename).parts
            ):
                continue
            where = f"{Path(w.filename).name}:{w.lineno}"
            self._problem(line, f"{w.category.__name__}: {w.message} ({where})")

    def _compile(self, code: str, first_line: int, mode: str):
        # padding with newlines makes tracebacks show the page's own line numbers;
        # dont_inherit: the page's code is plain Python, not under this module's
        # `from __future__ import annotations` (annotations stay objects)
        padded = "\n" * (first_line - 1 + self.offset) + code
        return compile(padded, self.filename, mode, dont_inherit=True)

    def _run_python(self, block: BlockRun) -> None:
        fence = block.fence
        with self._capture(fence.line) as out:
            try:
                exec(self._compile(fence.body, fence.line + 1, "exec"), self._namespace)  # noqa: S102
            except Exception as error:  # noqa: BLE001 - reported as a problem of the page
                block.failed = True
                print(self._traceback(error), end="")
                self._problem(
                    fence.line,
                    f"python block raised {type(error).__name__}:\n"
                    + _indent(self._traceback(error)),
                )
        block.output = out.getvalue()

    def _run_pycon(self, block: BlockRun) -> None:
        fence = block.fence
        transcript = []
        for example in pycon.examples(fence.body, self.filename):
            source = example.source.rstrip("\n").split("\n")
            transcript += [">>> " + source[0]] + ["... " + line for line in source[1:]]
            line = fence.line + 1 + example.lineno
            want = example.want
            if pycon.ellipsis_over_number(want):
                self._problem(
                    line,
                    f"the expected output hides digits behind '...': {want!r}; "
                    "write the number (round it) instead",
                )
            if example.options.get(doctest.SKIP):
                transcript.append(want.rstrip("\n"))
                continue
            with self._capture(line) as out:
                error = None
                try:
                    exec(self._compile(example.source, line, "single"), self._namespace)  # noqa: S102
                except Exception as exc:  # noqa: BLE001 - compared or reported
                    error = exc
            got = out.getvalue()
            if error is None:
                ok, shown, expected = pycon.matches(want, got), got, want
            else:
                exc_line = traceback.format_exception_only(type(error), error)[-1]
                expected = want + (example.exc_msg or "")
                if example.exc_msg is not None:
                    shown = got + "Traceback (most recent call last):\n  ...\n" + exc_line
                    ok = pycon.matches(example.exc_msg, exc_line)
                else:
                    shown, ok = got + self._traceback(error), False
            if not ok:
                block.failed = block.failed or error is not None
                self._problem(
                    line,
                    f"pycon output differs from the text\n  >>> {source[0]}\n"
                    f"Expected:\n{_indent(expected)}\nGot:\n{_indent(shown)}",
                )
            if shown.strip():
                transcript.append(shown.rstrip("\n"))
        block.output = "\n".join(transcript)

    def _traceback(self, error: BaseException) -> str:
        """The traceback from the page's own frames on (the executor's are left out)."""
        tb = error.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != self.filename:
            tb = tb.tb_next
        return "".join(traceback.format_exception(type(error), error, tb or error.__traceback__))

    def _problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.page, line + self.offset, message))

    # --- the cache's record ------------------------------------------------

    def _record(self) -> dict:
        fences = [block.fence.line + self.offset for block in self.blocks]
        return {
            "blocks": [
                {"output": b.output, "failed": b.failed, "seconds": b.seconds, "claims": b.claims}
                for b in self.blocks
            ],
            "inline": self.inline,
            "claims": [dataclasses.asdict(c) for c in self.claims],
            # a problem's line is kept relative to the block before it, so it
            # moves with the block when prose above it is edited
            "problems": [_relative(p, fences) for p in self.problems],
            "seconds": self.seconds,
        }

    def _restore(self, stored: dict) -> None:
        fences = [f for f in iter_fences(self.source) if f.executes]
        self.blocks = [BlockRun(f, **b) for f, b in zip(fences, stored["blocks"], strict=True)]
        self.inline = list(stored["inline"])
        self.claims = [claims.Claim(**c) for c in stored["claims"]]
        lines = [f.line + self.offset for f in fences]
        self.problems = [
            Problem(self.page, (lines[i] if i >= 0 else 0) + offset, message)
            for i, offset, message in stored["problems"]
        ]
        self.seconds = stored["seconds"]
        # (a run made ahead in this build, by bookkit.parallel, is not a cached one)
        self.cached = stored.get("cached", True)


def _global_random_state() -> tuple:
    """Where NumPy's global generator (behind ``np.random.rand`` and the like) stands:
    its key, its position in it and its cached normal; any draw changes one of them.

    (Python's ``random`` is not watched: libraries draw from it for their own
    identifiers, as rich does when it is imported.)
    """
    import numpy as np

    state = np.random.get_state(legacy=False)  # noqa: NPY002 - read, not drawn from
    return state["state"]["key"].tobytes(), state["state"]["pos"], state["gauss"]


def _relative(problem: Problem, fences: list[int]) -> tuple[int, int, str]:
    before = [i for i, line in enumerate(fences) if line <= problem.line]
    i = before[-1] if before else -1
    return i, problem.line - (fences[i] if i >= 0 else 0), problem.message


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in (text.rstrip("\n") or "<nothing>").split("\n"))
