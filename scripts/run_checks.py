"""Everything the book promises, checked, with the machine's cores kept busy.

Run by ``scripts/test``. Each check is a command; a check starts as soon as
the checks it needs have passed, side by side with the others (the operating
system shares the cores between them, so no core waits while a check could
run), and its output goes to ``build/test-logs/<check>.log``. At the end a
table says how long each check took, on the clock and in CPU time (a check
that shares the cores takes longer on the clock), how busy the cores were,
and what failed;
the log of a failed check is printed. A check that cannot run on the machine
(the browser checks without Chromium) says why, and the run fails: a skipped
check has not passed.

    scripts/test                  every check
    scripts/test --only unit,lint these checks (and what they need)
    scripts/test --list           the checks and what each needs
"""

from __future__ import annotations

import argparse
import ctypes
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "build" / "test-logs"
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]


@dataclass
class Check:
    name: str
    command: list[str]
    what: str
    needs: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    # filled in while running
    status: str = "waiting"
    seconds: float = 0.0
    cpu: float = 0.0  # CPU-seconds of its processes, on every core


def checks() -> list[Check]:
    site = ROOT / "site"
    pytest_n2 = [*PYTEST, "-n", "2"]
    return [
        Check(
            "lint",
            ["sh", "-c", "ruff check . && ruff format --check ."],
            "ruff's lint and format checks over the repository",
        ),
        Check("build", ["scripts/build"], "the strict build, every page run cold, into site/"),
        Check(
            "unit",
            [
                *PYTEST,
                "src",
                "docs/_book/bookkit",
                "tests",
                "--ignore=tests/test_docs_build.py",
                "--ignore=tests/test_downloads.py",
            ],
            "unit, gradient, property and docstring tests of nnscratch and bookkit",
        ),  # fmt: skip
        Check(
            "build-tests",
            [*PYTEST, "tests/test_docs_build.py"],
            "small probe books: broken pages fail the strict build and say where",
        ),  # fmt: skip
        Check(
            "downloads",
            [*pytest_n2, "tests/test_downloads.py"],
            "every chapter's notebook in a Jupyter kernel, and its script",
            needs=("build",),
            env={"BOOK_REFERENCE_SITE": str(site)},
        ),  # fmt: skip
        Check(
            "pdf",
            ["scripts/build-pdf", "--no-build", "--check"],
            "the whole book as one PDF, printed by Chromium into site/; its print page checked "
            "as every page is, with every chapter and figure; the PDF's text has them in order",
            # (one load of the longest page of the site, for all of it)
            needs=("build",),
        ),  # fmt: skip
        Check(
            "site",
            ["scripts/check-site", "--no-build", "--pages"],
            "every other page in headless Chromium, light and dark (the home page links the PDF)",
            needs=("pdf",),
        ),
        Check(
            "offline",
            ["scripts/check-offline"],
            "the offline copy, built from the same runs and opened from disk",
            needs=("build", "pdf"),
        ),  # fmt: skip
    ]


def cpu_busy() -> float:
    """Seconds the machine's cores have been busy since it started (Linux), or -1."""
    try:
        with open("/proc/stat") as stat:
            ticks = [int(t) for t in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return -1.0
    idle = ticks[3] + ticks[4]  # idle, and waiting for the disk
    return (sum(ticks[:8]) - idle - ticks[7]) / os.sysconf("SC_CLK_TCK")  # less stolen time


class CpuTime:
    """Every check's CPU time, all its processes' included.

    A process's CPU time goes to whoever waits for it when it ends, added to
    its own. Most of a check's processes are waited for by another of its
    processes, but not all: a process pool's server, or a browser whose driver
    ended first, are orphans. On Linux the runner asks to be given the orphans
    (it becomes a child subreaper); each check starts with its name in the
    variable RUN_CHECKS_CHECK, which every process it starts inherits, and five
    times a second the runner reads from /proc which check each new process
    belongs to, and waits for those of the checks' processes that have become
    its own. A process whose environment no longer shows the variable
    (Chromium's zygote, renderers and GPU process write their titles over it)
    belongs to its parent's check. (A process that lives less than a fifth of
    a second may go uncounted.) Elsewhere
    a check's time is what its first process and those it waited for used.
    """

    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}
        self.exits: dict[int, int] = {}  # pid -> wait status
        self.owner: dict[int, str] = {}  # pid -> its check
        self.seen: set[tuple[int, int]] = set()  # (pid, start time) of every process looked at
        self.cond, self.stop = threading.Condition(), threading.Event()
        self.libc, self.linux = None, False
        try:
            self.libc = ctypes.CDLL(None, use_errno=True)
            self.linux = Path("/proc/self/stat").exists() and self._subreaper(1)
        except (OSError, AttributeError):
            pass
        if self.linux:
            threading.Thread(target=self._watch, daemon=True).start()

    def _subreaper(self, on: int) -> bool:
        return self.libc.prctl(36, on, 0, 0, 0) == 0  # 36: PR_SET_CHILD_SUBREAPER

    def started(self, pid: int, check: str) -> None:
        with self.cond:
            self.owner[pid] = check

    def wait(self, pid: int, check: str) -> int:
        """Wait for the check's first process to end; return its wait status."""
        if not self.linux:
            _, status, usage = os.wait4(pid, 0)
            self.cpu[check] = usage.ru_utime + usage.ru_stime
            return status
        with self.cond:
            self.cond.wait_for(lambda: pid in self.exits)
            return self.exits.pop(pid)

    def close(self) -> None:
        """Stop watching, and be given no more orphans."""
        if self.linux:
            self.stop.set()
            self._subreaper(0)

    def _watch(self) -> None:
        while not self.stop.wait(0.2):
            found = {int(e.name): _stat(int(e.name)) for e in os.scandir("/proc")
                     if e.name.isdigit()}  # fmt: skip
            with self.cond:
                # oldest first, so that a parent is known before its children
                for pid, (start, parent) in sorted(found.items(), key=lambda p: (p[1][0], p[0])):
                    if (pid, start) not in self.seen:
                        self.seen.add((pid, start))
                        check = _check_of(pid) or self.owner.get(parent, "")
                        if check and pid not in self.owner:
                            self.owner[pid] = check
                for pid, check in list(self.owner.items()):
                    try:
                        ended, status, usage = os.wait4(pid, os.WNOHANG)
                    except ChildProcessError:  # another process's child: its parent waits
                        if pid not in found:
                            del self.owner[pid]
                        continue
                    if ended:
                        self.cpu[check] = self.cpu.get(check, 0.0) + usage.ru_utime + usage.ru_stime
                        self.exits[pid] = status
                        del self.owner[pid]
                self.cond.notify_all()


def _stat(pid: int) -> tuple[int, int]:
    """When a process started (in clock ticks) and its parent (/proc/PID/stat); (-1, -1)
    once it has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[19]), int(fields[1])
    except (OSError, IndexError, ValueError):
        return -1, -1


def _check_of(pid: int) -> str:
    """The check a process belongs to: RUN_CHECKS_CHECK in the environment it started with."""
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:  # gone, or another user's
        return ""
    mark = b"RUN_CHECKS_CHECK="
    return next((v[len(mark) :].decode() for v in environ if v.startswith(mark)), "")


def run(check: Check, lock: threading.Lock, cpu: CpuTime) -> None:
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{check.name}.log"
    started = time.perf_counter()
    env = {**os.environ, **check.env, "RUN_CHECKS_CHECK": check.name}
    with log.open("w") as out, cpu.cond:  # (held until the watcher may know its process)
        proc = subprocess.Popen(check.command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                env=env)  # fmt: skip
        cpu.started(proc.pid, check.name)
    # (the runner has waited for it: Popen must not wait again)
    proc.returncode = os.waitstatus_to_exitcode(cpu.wait(proc.pid, check.name))
    check.seconds = time.perf_counter() - started
    skipped = "SKIPPED" in log.read_text(errors="replace")
    check.status = ("skipped" if skipped else "passed") if proc.returncode == 0 else "FAILED"
    with lock:
        print(f"  {check.status:<8} {check.name:<12} {check.seconds:6.1f} s", flush=True)


def schedule(todo: list[Check], all_checks: dict[str, Check], cpu: CpuTime) -> None:
    """Start each check as soon as the checks it needs have passed; return when all ended."""
    lock, running = threading.Lock(), {}  # (the lock: one check prints at a time)
    while any(c.status == "waiting" for c in todo) or running:
        for name, thread in list(running.items()):
            if not thread.is_alive():  # run() has set the check's status
                del running[name]
        for c in todo:
            if c.status != "waiting":
                continue
            needs = [all_checks[n] for n in c.needs]
            if any(n.status in {"FAILED", "not run"} for n in needs):
                c.status = "not run"
                continue
            if all(n.status in {"passed", "skipped"} for n in needs):
                c.status = "running"
                running[c.name] = threading.Thread(target=run, args=(c, lock, cpu), daemon=True)
                running[c.name].start()
        time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="comma-separated checks (with what they need)")
    parser.add_argument("--list", action="store_true", help="list the checks")
    args = parser.parse_args()
    all_checks = {c.name: c for c in checks()}
    if args.list:
        for c in all_checks.values():
            needs = f" (after {', '.join(c.needs)})" if c.needs else ""
            print(f"{c.name:<12} {c.what}{needs}")
        return 0
    chosen = set(all_checks)
    if args.only:
        chosen = {n.strip() for n in args.only.split(",") if n.strip()}
        unknown = chosen - set(all_checks)
        if unknown:
            parser.error(f"--only: unknown check(s) {sorted(unknown)}; see --list")
        grow = True
        while grow:
            more = {need for n in chosen for need in all_checks[n].needs} - chosen
            chosen |= more
            grow = bool(more)
    todo = [c for c in all_checks.values() if c.name in chosen]
    shutil.rmtree(LOGS, ignore_errors=True)
    # the cores this process may use (a container may allow fewer than the machine has)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"test: {len(todo)} checks on {cores} cores; logs in {LOGS.relative_to(ROOT)}/")

    started, busy_before = time.perf_counter(), cpu_busy()
    cpu = CpuTime()
    try:
        schedule(todo, all_checks, cpu)
        total, busy = time.perf_counter() - started, cpu_busy()
        time.sleep(0.5)  # for the last orphans (a pool's server ends just after its pool)
    finally:
        cpu.close()
    for c in todo:
        c.cpu = cpu.cpu.get(c.name, 0.0)
    busy = busy - busy_before if busy_before >= 0 else -1.0

    print(f"\ntest: where the time went ({total:.0f} s in all, on {cores} cores)")
    print(f"  {'check':<12} {'status':<8} {'clock':>8} {'CPU':>9}")
    for c in todo:
        print(f"  {c.name:<12} {c.status:<8} {c.seconds:6.1f} s {c.cpu:5.0f} CPU-s  {c.what}")
    print(f"  the checks took {sum(c.cpu for c in todo):.0f} CPU-seconds in all", end="")
    if busy >= 0:
        print(
            f"; the cores were busy for {busy:.0f} of the {total * cores:.0f} core-seconds "
            f"({busy / (total * cores):.0%}), the other programs on the machine included"
        )
    else:
        print()
    failed = [c for c in todo if c.status in {"FAILED", "not run"}]
    for c in failed:
        log = LOGS / f"{c.name}.log"
        if log.exists():
            print(f"\n===== {c.name} (build/test-logs/{c.name}.log), last lines =====")
            print("\n".join(log.read_text(errors="replace").splitlines()[-60:]))
    if failed:
        print(f"\ntest: FAILED: {', '.join(c.name for c in failed)}")
        return 1
    skipped = [c for c in todo if c.status == "skipped"]
    if skipped:  # a check that could not run has not passed: say why, and fail
        print()
        for c in skipped:
            lines = (LOGS / f"{c.name}.log").read_text(errors="replace").splitlines()
            print("\n".join(line for line in lines if "SKIPPED" in line or "install" in line))
        print(f"\ntest: NOT COMPLETE: {', '.join(c.name for c in skipped)} could not run here")
        return 1
    print("\ntest: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
