"""scripts/test's runner (scripts/run_checks.py): what it reports, and its exit code.

The checks here are tiny shell commands standing in for the real ones, so what
is tested is the runner's verdict: a failed check fails the run, and so does a
check that could not run (one that printed SKIPPED), with the reason shown.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def runner(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("run_checks", ROOT / "scripts" / "run_checks.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "run_checks", module)  # dataclasses look it up
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "LOGS", tmp_path / "logs")
    monkeypatch.setattr(module, "ROOT", tmp_path)

    def run(*commands: str) -> int:
        made = [
            module.Check(f"c{i}", ["sh", "-c", c], f"check {i}") for i, c in enumerate(commands)
        ]
        monkeypatch.setattr(module, "checks", lambda: made)
        monkeypatch.setattr(sys, "argv", ["run_checks"])
        return module.main()

    return run


def test_every_check_passing_passes(runner, capsys):
    assert runner("true", "echo fine") == 0
    assert "test: all checks passed" in capsys.readouterr().out


def test_a_failed_check_fails_the_run_and_shows_its_log(runner, capsys):
    assert runner("true", "echo the reason; exit 3") == 1
    out = capsys.readouterr().out
    assert "test: FAILED: c1" in out
    assert "the reason" in out


def test_a_skipped_check_fails_the_run_and_says_why(runner, capsys):
    skipped = "echo 'c1: SKIPPED: needs Chromium'; echo 'c1: install it with apt-get'"
    assert runner("true", skipped) == 1
    out = capsys.readouterr().out
    assert "skipped  c1" in out
    assert "c1: SKIPPED: needs Chromium" in out
    assert "c1: install it with apt-get" in out
    assert "test: NOT COMPLETE: c1 could not run here" in out
    assert "all checks passed" not in out


def test_checks_that_need_nothing_run_at_the_same_time(runner, tmp_path, capsys):
    # each stand-in waits (up to 20 s) until all five have started: the run passes
    # only if none of them waits for a free core while another runs
    together = (
        "touch started-{i}; for _ in $(seq 200); do "
        '[ "$(ls started-* | wc -l)" -ge 5 ] && exit 0; sleep 0.1; done; exit 1'
    )
    assert runner(*(together.format(i=i) for i in range(5))) == 0
    out = capsys.readouterr().out
    assert "test: all checks passed" in out
    assert "the cores were busy for" in out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_an_orphaned_process_is_counted_in_its_checks_cpu_time(runner, capsys):
    # the subshell starts a process that burns 1.5 CPU-seconds and exits at once,
    # so nobody in the check waits for that process: only the runner can count it
    burn = (
        "import time; t = time.process_time()\n"
        "while time.process_time() - t < 1.5: pass\n"
        "open('done', 'w').close()"
    )
    orphan = f'( {sys.executable} -c "{burn}" & ); until [ -f done ]; do sleep 0.05; done'
    assert runner(orphan) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "check 0" in line)
    assert float(row.split("CPU-s")[0].split()[-1]) >= 1


def test_an_orphan_without_the_checks_mark_counts_for_its_parents_check(runner, capsys):
    # like Chromium's renderers, whose titles overwrite their environment: the
    # process burning 1.5 CPU-seconds starts with an empty environment (env -i),
    # under a shell that lives on for a second and then leaves it an orphan
    burn = (
        "import time; t = time.process_time()\n"
        "while time.process_time() - t < 1.5: pass\n"
        "open('done', 'w').close()"
    )
    orphan = (f'( env -i {sys.executable} -c "{burn}" & sleep 1 ); '
              "until [ -f done ]; do sleep 0.05; done")  # fmt: skip
    assert runner(orphan) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "check 0" in line)
    assert float(row.split("CPU-s")[0].split()[-1]) >= 1
