"""Build the book strictly under a matrix of floating-point environments.

A number that changes when the last bits of the arithmetic change is not a
fact about the experiment. This script builds the whole book (or, with
``--pages``, runs only some pages) in each environment below and fails if
any of them has a warning: a printed value that differs from the text, a
claim that does not hold, a block that raises.

- ``native``: the BLAS kernel and the NumPy SIMD loops this CPU gets
  (``OPENBLAS_CORETYPE`` unset, whatever the caller's environment says);
- ``openblas-<Kernel>``: OpenBLAS forced to another kernel (x86: Haswell,
  SkylakeX where the CPU has AVX-512, and the generic Prescott; arm64: the
  generic ARMV8), where NumPy uses OpenBLAS. A kernel that OpenBLAS picks on
  this CPU anyway (Haswell on many x86 CPUs) is left out, with a line that
  says so: forcing it gives the native environment's arithmetic, bit for bit;
- ``numpy-no-<simd>``: NumPy with its widest SIMD dispatch disabled
  (``NPY_DISABLE_CPU_FEATURES``: AVX-512 where the CPU has it, else AVX2);
- ``oldest``: the oldest NumPy and matplotlib that ``pyproject.toml`` allows,
  everything else as locked, in an environment set up here;
- ``newest``: the newest release of every package the constraints allow
  (needs PyPI; ``--no-newest`` leaves it out).

The environment that computes as the caller's own does, bit for bit, is
``native`` when the caller forces nothing, or ``openblas-Haswell`` on a
machine that sets ``OPENBLAS_CORETYPE=Haswell`` for everyone (``native``
then still runs). Two options treat it apart:

- ``--compare SITE`` builds it one page after another in one process
  (``BOOK_JOBS=1``) and compares every file of the build with ``SITE``, a
  clean build made there with the pages side by side, byte for byte (measured
  times, in ``nn-volatile`` spans, and the sitemap's dates aside): two clean
  builds give identical pages, whichever way their pages ran. Its package
  tests are left out. ``.ci/run`` passes ``--compare site``, the build
  ``scripts/test`` has just made and tested, so that the matrix adds only what
  it alone checks. (Where no environment of the matrix computes as the
  caller's, one that does, ``as-called``, is added.)
- ``--tested-here`` leaves it out.

``--no-native`` leaves out the first environment whatever the caller's.

It prints one line per environment with its time and what broke, and writes
each build's log to ``build/portable/<environment>/build.log``. After each
build it runs the package's tests and docstring examples there too (they
compute numbers as the pages do; ``--no-tests`` leaves them out), with their
log in ``tests.log``.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import platform
import re
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "portable"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"


@dataclass
class Environment:
    name: str
    set: dict[str, str] = field(default_factory=dict)
    python: Path = VENV_PYTHON
    setup: str | None = None  # "oldest" or "newest": an environment built here
    note: str = ""
    compare: bool = False  # built one page after another, then compared with --compare's site


def _probe(python: Path, code: str, env: dict[str, str] | None = None) -> str:
    """What ``code`` prints, run by ``python`` in ``env`` (default: this environment)."""
    result = subprocess.run(
        [str(python), "-c", code],
        capture_output=True,
        text=True,
        env=os.environ if env is None else env,
        check=True,
    )
    return result.stdout.strip()


def _cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    found = re.search(r"^flags\s*:(.*)$", text, re.M)
    return set(found[1].split()) if found else set()


def _native_openblas_kernel() -> str | None:
    """The OpenBLAS kernel NumPy picks on this CPU (e.g. ``Haswell``), or None without OpenBLAS."""
    code = (
        "import numpy, threadpoolctl\n"
        "print(next((i.get('architecture') or '?' for i in threadpoolctl.threadpool_info()\n"
        "            if i.get('internal_api') == 'openblas'), ''))"
    )
    return _probe(VENV_PYTHON, code, _run_env(Environment("native"))) or None


def _simd_found(python: Path) -> list[str]:
    code = (
        "import numpy\nprint(' '.join(numpy.show_config(mode='dicts')['SIMD Extensions']['found']))"
    )
    return _probe(python, code).split()


def _disable_widest(found: list[str], avx512: bool) -> tuple[str, list[str]]:
    """The NumPy dispatch targets to disable: those that need AVX-512 (or AVX2)."""
    if avx512:
        widest = [t for t in found if "AVX512" in t or t in {"X86_V4"}]
        return "avx512", widest
    widest = [t for t in found if "AVX512" in t or t in {"X86_V4", "X86_V3", "AVX2", "FMA3"}]
    return "avx2", widest


def environments(
    with_newest: bool, with_native: bool = True, tested_here: bool = False, compare: bool = False
) -> tuple[list[Environment], dict[str, str]]:
    """The matrix for this machine, and the environments left out of it with why.

    A kernel of the matrix that OpenBLAS picks on this CPU anyway gives the
    native environment's arithmetic, bit for bit, so it is not built twice.
    With ``tested_here``, neither is the environment the caller's own is
    (``is_callers``): the caller has just built and tested in it. With
    ``compare``, the first such environment is kept and marked ``compare``
    (one is added where the matrix has none), and the others are left out.
    """
    machine = platform.machine().lower()
    envs = [Environment("native", note="this CPU's own kernels")] if with_native else []
    left_out = {}
    native_kernel = _native_openblas_kernel()
    if native_kernel is not None:
        if machine in {"x86_64", "amd64"}:
            kernels = ["Haswell"]
            if "avx512f" in _cpu_flags():
                kernels.append("SkylakeX")
            kernels.append("Prescott")
        else:
            kernels = ["ARMV8"]
        for kernel in kernels:
            if kernel.lower() == native_kernel.lower():
                left_out[f"openblas-{kernel}"] = "the kernel this CPU gets anyway (native)"
            else:
                envs.append(Environment(f"openblas-{kernel}", {"OPENBLAS_CORETYPE": kernel}))
    found = _simd_found(VENV_PYTHON)
    label, widest = _disable_widest(found, "avx512f" in _cpu_flags())
    if widest:
        envs.append(
            Environment(f"numpy-no-{label}", {"NPY_DISABLE_CPU_FEATURES": ",".join(widest)})
        )
    elif found:  # arm64 and others: the widest target found
        envs.append(
            Environment(f"numpy-no-{found[-1].lower()}", {"NPY_DISABLE_CPU_FEATURES": found[-1]})
        )
    envs.append(Environment("oldest", setup="oldest", note="oldest NumPy and matplotlib allowed"))
    if with_newest:
        envs.append(Environment("newest", setup="newest", note="newest releases allowed"))
    if tested_here or compare:
        callers = [e for e in envs if is_callers(e, native_kernel)]
        if compare:
            if callers:
                kept = callers.pop(0)
            else:  # the caller forces what the matrix does not: build as it does
                arithmetic = ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES")
                kept = Environment("as-called", {k: os.environ[k] for k in arithmetic
                                                 if os.environ.get(k)},
                                   note="the caller's own variables")  # fmt: skip
                envs.append(kept)
            kept.compare = True
        for env in callers:
            envs.remove(env)
            left_out[env.name] = (
                f"computes as {kept.name}, which is compared with the caller's build"
                if compare
                else "the caller's own environment, which scripts/test has just tested"
            )
    return envs, left_out


def is_callers(env: Environment, native_kernel: str | None) -> bool:
    """Whether ``env`` computes as this process's own environment does, bit for bit.

    It compares the variables that set the arithmetic in the environment a
    build runs in (``_run_env``) with the caller's. An unforced kernel is the
    one OpenBLAS picks on this CPU (``native_kernel``), so forcing that one
    changes nothing. The environments set up here have other NumPy and
    matplotlib releases: never the caller's.
    """
    if env.setup:
        return False

    def kernel(forced: str | None) -> str:  # (without OpenBLAS the variable does nothing)
        return "" if native_kernel is None else (forced or native_kernel).lower()

    runs, npy = _run_env(env), "NPY_DISABLE_CPU_FEATURES"
    return kernel(runs.get("OPENBLAS_CORETYPE")) == kernel(
        os.environ.get("OPENBLAS_CORETYPE")
    ) and runs.get(npy, "") == os.environ.get(npy, "")


# --- the environments set up here ------------------------------------------------


def _uv() -> str:
    return str(ROOT / ".venv" / "bin" / "uv")


def _lowest_direct() -> list[str]:
    """``numpy==...`` and ``matplotlib==...``: the oldest releases pyproject.toml allows."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [d for d in project["dependencies"] if re.match(r"(numpy|matplotlib)\b", d)]
    result = subprocess.run(
        [
            _uv(),
            "pip",
            "compile",
            "-",
            "--resolution",
            "lowest-direct",
            "--quiet",
            "--python",
            str(VENV_PYTHON),
            "--no-header",
            "--no-annotate",
        ],
        input="\n".join(wanted),
        capture_output=True,
        text=True,
        check=True,
    )
    return [
        line.strip()
        for line in result.stdout.splitlines()
        if re.match(r"(numpy|matplotlib)==", line.strip())
    ]


def set_up(env: Environment) -> str:
    """Create (or reuse) the environment's virtualenv; returns what it pins."""
    folder = OUT / env.name / "venv"
    python = folder / "bin" / "python"
    stamp = folder / ".installed"
    lock = (ROOT / "uv.lock").read_bytes()
    pins = _lowest_direct() if env.setup == "oldest" else []
    marker = lock + "\n".join(pins).encode() + env.setup.encode()
    if env.setup == "newest" or not stamp.exists() or stamp.read_bytes() != marker:
        if not python.exists():
            subprocess.run(
                [_uv(), "venv", "--quiet", "--python", str(VENV_PYTHON.resolve()), str(folder)],
                check=True,
            )
        requirements = OUT / env.name / "requirements.txt"
        exported = subprocess.run(
            [
                _uv(),
                "export",
                "--frozen",
                "--all-groups",
                "--all-extras",
                "--no-hashes",
                "--no-emit-workspace",
                "--quiet",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        if env.setup == "newest":  # the same packages, unpinned, with their markers
            exported = "\n".join(
                re.sub(r"==[^\s;]+", "", line)
                for line in exported.splitlines()
                if line and not line.startswith(("#", " ", "-"))
            )
        requirements.write_text(exported)
        overrides = OUT / env.name / "overrides.txt"
        overrides.write_text("\n".join(pins) + "\n")
        command = [
            _uv(),
            "pip",
            "install",
            "--quiet",
            "--compile-bytecode",
            "--python",
            str(python),
            "-r",
            str(requirements),
            "--overrides",
            str(overrides),
            "-e",
            str(ROOT),
            "-e",
            str(ROOT / "docs" / "_book"),
        ]
        if env.setup == "newest":
            command += ["--upgrade", "--resolution", "highest"]
        subprocess.run(command, check=True, env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"})
        stamp.write_bytes(marker)
    env.python = python
    code = (
        "import numpy, matplotlib\n"
        "print(f'NumPy {numpy.__version__}, matplotlib {matplotlib.__version__}')"
    )
    return _probe(python, code)


# --- building --------------------------------------------------------------------


PROBLEM = re.compile(
    r"^(?:WARNING\s+-\s+|\s+)(?P<page>[\w./-]+\.md):(?P<line>\d+): (?P<message>.*)$", re.M
)


def summary(log: str) -> str:
    """What broke, in a line: printed values that differ, claims that fail, the rest."""
    problems = PROBLEM.findall(log)
    if not problems:
        return ""
    differ = sorted({f"{page}:{line}" for page, line, m in problems if "pycon output differs" in m})
    claims = re.findall(r"claim does not hold: '([^']*)'", log)
    other = [
        m
        for _, _, m in problems
        if "pycon output differs" not in m
        and not m.startswith("python block raised AssertionError")
    ]
    parts = []
    if differ:
        parts.append(f"{len(differ)} printed value(s) differ at {', '.join(differ)}")
    if claims:
        parts.append(f"{len(claims)} claim(s) fail: " + "; ".join(f"'{c}'" for c in claims))
    if other:
        parts.append(f"{len(other)} other: {other[0][:120]}")
    return "; ".join(parts)


# A build's pages, in a page and in a notebook's JSON (where the attribute's quotes
# are escaped): measured times are wrapped in nn-volatile spans (bookkit.plugin).
VOLATILE = re.compile(rb'<span class=\\?"nn-volatile\\?">.*?</span>', re.S)
NOT_COMPARED = {
    "neural-networks-from-scratch.pdf",  # not made by the build: scripts/build-pdf adds it
    "sitemap.xml",  # the date of the build
    "sitemap.xml.gz",
}


def same_but_timings(a: Path, b: Path) -> bool:
    """Equal bytes, apart from measured times wrapped in ``nn-volatile`` spans."""
    if filecmp.cmp(a, b, shallow=False):
        return True
    return VOLATILE.sub(b"", a.read_bytes()) == VOLATILE.sub(b"", b.read_bytes())


def differences(a: Path, b: Path) -> list[str]:
    """How two builds of the book differ: files only one has, and files not the same."""

    def built(site: Path) -> set[str]:
        return {p.relative_to(site).as_posix() for p in site.rglob("*")
                if p.is_file() and p.name not in NOT_COMPARED}  # fmt: skip

    in_a, in_b = built(a), built(b)
    found = [f"only in {a}: {f}" for f in sorted(in_a - in_b)]
    found += [f"only in {b}: {f}" for f in sorted(in_b - in_a)]
    found += [f"differs: {f}" for f in sorted(in_a & in_b) if not same_but_timings(a / f, b / f)]
    return found


PACKAGE_TESTS = [
    "src/nnscratch",
    *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").glob("test_nn_*.py")),
]
"""The package's own tests and docstring examples, which compute numbers too."""


def _run_env(env: Environment) -> dict[str, str]:
    run_env = {**os.environ, **env.set, "NO_MKDOCS_2_WARNING": "1", "MPLBACKEND": "Agg"}
    if "OPENBLAS_CORETYPE" not in env.set:
        run_env.pop("OPENBLAS_CORETYPE", None)  # the native run ignores a machine-wide setting
    bindir = str(env.python.parent)
    run_env["PATH"] = bindir + os.pathsep + run_env.get("PATH", "")
    return run_env


def package_tests(env: Environment) -> tuple[bool, float, str]:
    """The package's tests in the environment: (passed, seconds, what failed)."""
    folder = OUT / env.name
    folder.mkdir(parents=True, exist_ok=True)
    command = [str(env.python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *PACKAGE_TESTS]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=_run_env(env), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    log = result.stdout + result.stderr
    (folder / "tests.log").write_text(log)
    if result.returncode == 0:
        return True, seconds, ""
    # pytest's short summary: FAILED for a test that failed, ERROR for one (or a
    # whole file) that could not run
    broken = re.findall(r"^(?:FAILED|ERROR) (\S+)(?: - (.*))?$", log, re.M)
    if not broken:
        last = log.strip().splitlines()[-1:] or [f"pytest exited with {result.returncode}"]
        return False, seconds, f"package tests: {last[0][:160]}"
    why = f" ({broken[0][1][:100]})" if broken[0][1] else ""
    names = ", ".join(dict.fromkeys(name for name, _ in broken))
    return False, seconds, f"{len(broken)} package test(s) fail or error: {names[:200]}{why}"


def build(env: Environment, pages: list[str]) -> tuple[bool, float, str]:
    folder = OUT / env.name
    folder.mkdir(parents=True, exist_ok=True)
    run_env = _run_env(env)
    if env.compare:  # (the site it is compared with ran its pages side by side)
        run_env["BOOK_JOBS"] = "1"
    if pages:
        command = [str(env.python), "-m", "bookkit", "run", *pages]
    else:
        site = folder / "site"
        command = [str(env.python), "-m", "mkdocs", "build", "--strict", "--clean", "-d", str(site)]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=run_env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    log = result.stdout + result.stderr
    (folder / "build.log").write_text(log)
    broke = summary(log)
    if result.returncode and not broke:
        broke = log.strip().splitlines()[-1] if log.strip() else f"exit {result.returncode}"
    return result.returncode == 0 and not broke, seconds, broke


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--pages",
        default="",
        help="run only these pages (chapter numbers or paths, comma-separated) "
        "with `python -m bookkit run`, not the whole strict build",
    )
    parser.add_argument("--only", default="", help="only these environments (comma-separated)")
    parser.add_argument("--no-newest", action="store_true", help="leave out the newest releases")
    parser.add_argument(
        "--no-native",
        action="store_true",
        help="leave out this CPU's own kernels, whatever the caller's environment",
    )
    parser.add_argument(
        "--tested-here",
        action="store_true",
        help="leave out the environment that computes as the caller's own does "
        "(scripts/test has just built and tested in it)",
    )
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="SITE",
        help="build the environment that computes as the caller's own does one page after "
        "another, and compare it with SITE, a clean build made there (scripts/test's site/)",
    )
    parser.add_argument(
        "--no-tests", action="store_true", help="leave out the package tests run after each build"
    )
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()

    pages = []
    for part in filter(None, (p.strip() for p in args.pages.split(","))):
        if part.isdigit():
            found = sorted((ROOT / "docs" / "chapters").glob(f"{int(part):02d}-*.md"))
            if not found:
                parser.error(f"--pages: no chapter numbered {part}")
            pages.append(str(found[0].relative_to(ROOT)))
        else:
            pages.append(part)
    if args.compare:
        if pages:
            parser.error("--compare compares whole builds; --pages runs only some pages")
        if args.tested_here:
            parser.error("--compare builds the caller's environment; --tested-here leaves it out")
        if not (args.compare / "index.html").is_file():
            parser.error(f"--compare: no built site in {args.compare} (scripts/build makes one)")
    envs, left_out = environments(
        with_newest=not args.no_newest,
        with_native=not args.no_native,
        tested_here=args.tested_here,
        compare=bool(args.compare),
    )
    if args.only:
        chosen = {name.strip() for name in args.only.split(",")}
        for name in sorted(chosen & set(left_out)):
            parser.error(f"--only: {name} is left out on this machine: {left_out[name]}")
        unknown = chosen - {e.name for e in envs}
        if unknown:
            parser.error(
                f"--only: unknown environment(s) {sorted(unknown)}; "
                f"this machine has {[e.name for e in envs]}"
            )
        envs = [e for e in envs if e.name in chosen]

    print(
        f"check-portable: {len(envs)} environments on {platform.machine()}, "
        f"{'pages ' + ', '.join(pages) if pages else 'strict build of the whole book'}"
    )
    for name, why in left_out.items():
        print(f"  left out {name}: {why}")
    versions = {}
    for env in envs:
        if env.setup:
            started = time.perf_counter()
            versions[env.name] = set_up(env)
            print(
                f"  set up {env.name}: {versions[env.name]} "
                f"({time.perf_counter() - started:.0f} s)",
                flush=True,
            )

    def one(env: Environment):
        ok, seconds, broke = build(env, pages)
        if env.compare:  # (the caller has run the package's tests in this environment)
            differ = differences(args.compare, OUT / env.name / "site") if ok else []
            if differ:
                (OUT / env.name / "differences.txt").write_text("\n".join(differ) + "\n")
                broke = (f"{len(differ)} file(s) differ from {args.compare}, e.g. {differ[0]} "
                         f"(all in differences.txt)")  # fmt: skip
            return env, ok and not differ, seconds, broke
        if args.no_tests:
            return env, ok, seconds, broke
        tests_ok, tests_seconds, tests_broke = package_tests(env)
        return (
            env,
            ok and tests_ok,
            seconds + tests_seconds,
            "; ".join(b for b in (broke, tests_broke) if b),
        )

    failed = 0
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for env, ok, seconds, broke in pool.map(one, envs):
            what = "; ".join(f"{k}={v}" for k, v in env.set.items()) or versions.get(
                env.name, env.note
            )
            if env.compare and ok:
                what += f"; the same pages as {args.compare}, byte for byte"
            status = "ok" if ok else f"BROKE: {broke}"
            print(f"  {env.name:<22} {seconds:6.1f} s  {status}   [{what}]", flush=True)
            failed += not ok
    print(
        f"check-portable: {len(envs) - failed} of {len(envs)} environments passed "
        f"in {time.perf_counter() - started:.0f} s; logs in {OUT.relative_to(ROOT)}/"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
