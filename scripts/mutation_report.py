"""The mutation score per module, from mutmut's results (run by ``scripts/mutation``).

A mutant is *killed* when a test fails (or times out) with it in place. A
surviving mutant is a change to the code no test notices; it either shows a
missing test or is *equivalent*: it behaves exactly like the original (say,
``x[0:n]`` for ``x[:n]``). Equivalent mutants are listed, each with its reason,
in the file given as the second argument. "killed %" is killed / mutants;
"score" leaves the equivalent ones out: killed / (mutants - equivalent).

Usage: ``python scripts/mutation_report.py build/mutation scripts/mutation-equivalent.txt``
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

# Every module is held to the goal except these: the datasets' loaders and the
# figures' styling, which the book's pages exercise rather than the unit tests.
NOT_CORE = {"__init__", "datasets", "plotting"}
GOAL = 0.90
KILLED = {1, 3, 36, 24, -24, 152, 255}  # a failing test, or a timeout (an endless loop)


def read_equivalent(path: Path) -> dict[str, str]:
    """``mutant name -> reason`` from lines ``name  # reason``."""
    listed = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, reason = line.partition("#")
        if not reason.strip():
            sys.exit(f"{path}:{number}: {name.strip()} needs a reason after '#'")
        listed[name.strip()] = reason.strip()
    return listed


def main(work: Path, equivalent_file: Path) -> int:
    metas = sorted((work / "mutants" / "src" / "nnscratch").glob("*.py.meta"))
    if not metas:
        sys.exit(f"no mutmut results in {work}/mutants: run scripts/mutation first")
    equivalent = read_equivalent(equivalent_file)
    seen, survivors, stale, ok = set(), [], [], True
    print(
        f"{'module':12} {'mutants':>7} {'killed':>6} {'equiv.':>6} {'survived':>8} "
        f"{'killed %':>8} {'score':>6}"
    )
    for meta in metas:
        module = meta.name.removesuffix(".py.meta")
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        count = Counter()
        for name, code in codes.items():
            seen.add(name)
            if code in KILLED:
                count["killed"] += 1
                if name in equivalent:
                    stale.append(f"listed as equivalent but killed (the code changed?): {name}")
            elif name in equivalent:
                count["equivalent"] += 1
            else:
                count["survived"] += 1
                survivors.append((name, code))
        scored = len(codes) - count["equivalent"]
        score = count["killed"] / scored if scored else 1.0
        raw = count["killed"] / len(codes) if codes else 1.0
        core = module not in NOT_CORE
        flag = "" if not core else ("" if raw >= GOAL else "  below 90%")
        ok &= not flag
        print(
            f"{module:12} {len(codes):7} {count['killed']:6} {count['equivalent']:6} "
            f"{count['survived']:8} {raw:8.1%} {score:6.1%}{'' if core else '  (not core)'}{flag}"
        )
    gone = sorted(set(equivalent) - seen)
    stale += [f"listed as equivalent but no such mutant: {name}" for name in gone]
    for line in stale:
        print(line)
    core_survivors = [s for s in survivors if s[0].split(".")[1] not in NOT_CORE]
    for name, code in core_survivors:  # the others (datasets, plotting) only get a count
        print(f"survived ({'no tests' if code == 33 else code}): {name}")
    print(
        f"{len(core_survivors)} surviving mutants in core modules that are not listed as "
        f"equivalent; goal: >= {GOAL:.0%} killed in every core module: {'met' if ok else 'MISSED'}"
    )
    return 0 if ok and not stale and not core_survivors else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
