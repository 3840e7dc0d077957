"""scripts/check_portable.py's matrix: which floating-point environments it builds in."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def portable(monkeypatch):
    spec = importlib.util.spec_from_file_location(
        "check_portable", ROOT / "scripts" / "check_portable.py"
    )
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "check_portable", module)  # dataclasses look it up
    spec.loader.exec_module(module)
    monkeypatch.setattr(module.platform, "machine", lambda: "x86_64")
    monkeypatch.setattr(
        module, "_simd_found", lambda python: ["SSE42", "AVX2", "FMA3", "AVX512F", "AVX512_SKX"]
    )
    return module


def names(envs) -> list[str]:
    return [env.name for env in envs]


@pytest.mark.parametrize(
    ("native", "flags", "forced"),
    [
        ("Haswell", set(), ["openblas-Prescott"]),
        ("Zen", set(), ["openblas-Haswell", "openblas-Prescott"]),
        ("SkylakeX", {"avx512f"}, ["openblas-Haswell", "openblas-Prescott"]),
        ("Haswell", {"avx512f"}, ["openblas-SkylakeX", "openblas-Prescott"]),
    ],
)
def test_the_kernel_this_cpu_gets_anyway_is_left_out(portable, monkeypatch, native, flags, forced):
    monkeypatch.setattr(portable, "_native_openblas_kernel", lambda: native)
    monkeypatch.setattr(portable, "_cpu_flags", lambda: flags)
    envs, left_out = portable.environments(with_newest=True)
    simd = "numpy-no-avx512" if flags else "numpy-no-avx2"
    assert names(envs) == ["native", *forced, simd, "oldest", "newest"]
    kernels = {"openblas-Haswell", "openblas-Prescott"} | (
        {"openblas-SkylakeX"} if flags else set()
    )
    assert set(left_out) == kernels - set(forced)
    assert all("anyway" in why for why in left_out.values())
    envs, _ = portable.environments(with_newest=False, with_native=False)
    assert names(envs) == [*forced, simd, "oldest"]


def test_without_openblas_no_kernel_is_forced(portable, monkeypatch):
    monkeypatch.setattr(portable, "_native_openblas_kernel", lambda: None)
    monkeypatch.setattr(portable, "_cpu_flags", set)
    envs, left_out = portable.environments(with_newest=False)
    assert names(envs) == ["native", "numpy-no-avx2", "oldest"] and left_out == {}


def test_the_native_kernel_is_found_whatever_the_caller_forces(portable, monkeypatch):
    monkeypatch.delenv("OPENBLAS_CORETYPE", raising=False)
    native = portable._native_openblas_kernel()
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Prescott")  # a machine-wide setting
    assert portable._native_openblas_kernel() == native


def test_only_names_a_left_out_environment_with_the_reason(portable, monkeypatch, capsys):
    monkeypatch.setattr(portable, "_native_openblas_kernel", lambda: "Haswell")
    monkeypatch.setattr(portable, "_cpu_flags", set)
    monkeypatch.setattr(sys, "argv", ["check_portable.py", "--only", "openblas-Haswell"])
    with pytest.raises(SystemExit):
        portable.main()
    assert "openblas-Haswell is left out on this machine: the kernel this CPU gets" in (
        capsys.readouterr().err
    )


def on_avx512_skylake(portable, monkeypatch, forced: dict[str, str]) -> None:
    """An AVX-512 CPU whose OpenBLAS kernel is SkylakeX, called with ``forced`` set."""
    monkeypatch.setattr(portable, "_native_openblas_kernel", lambda: "SkylakeX")
    monkeypatch.setattr(portable, "_cpu_flags", lambda: {"avx512f"})
    for name in ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES"):
        monkeypatch.delenv(name, raising=False)
    for name, value in forced.items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize(
    ("forced", "left_out_as_tested"),
    [
        ({}, ["native"]),  # the caller forces nothing: its environment is the first
        ({"OPENBLAS_CORETYPE": "Haswell"}, ["openblas-Haswell"]),  # a machine-wide kernel
        ({"OPENBLAS_CORETYPE": "skylakex"}, ["native"]),  # the kernel the CPU gets anyway
        # every environment runs with the caller's variables, its own on top: with
        # the caller's SIMD level, the unforced one is the caller's too
        ({"NPY_DISABLE_CPU_FEATURES": "AVX512F,AVX512_SKX"}, ["native", "numpy-no-avx512"]),
        ({"OPENBLAS_CORETYPE": "Prescott", "NPY_DISABLE_CPU_FEATURES": "AVX2"},
         ["openblas-Prescott"]),
        ({"NPY_DISABLE_CPU_FEATURES": "AVX2"}, ["native"]),
    ],
)  # fmt: skip
def test_the_environment_the_caller_has_tested_is_left_out(
    portable, monkeypatch, forced, left_out_as_tested
):
    on_avx512_skylake(portable, monkeypatch, forced)
    every, _ = portable.environments(with_newest=True)
    envs, left_out = portable.environments(with_newest=True, tested_here=True)
    tested = [name for name, why in left_out.items() if "caller" in why]
    assert tested == left_out_as_tested
    assert names(envs) == [name for name in names(every) if name not in tested]
    assert {"oldest", "newest"} <= set(names(envs))  # other releases: never the caller's


def test_without_openblas_a_forced_kernel_changes_nothing(portable, monkeypatch):
    monkeypatch.setattr(portable, "_native_openblas_kernel", lambda: None)
    monkeypatch.setattr(portable, "_cpu_flags", set)
    monkeypatch.delenv("NPY_DISABLE_CPU_FEATURES", raising=False)
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Prescott")
    envs, left_out = portable.environments(with_newest=False, tested_here=True)
    assert names(envs) == ["numpy-no-avx2", "oldest"] and list(left_out) == ["native"]


@pytest.mark.parametrize(
    ("forced", "compared", "left_out_as_same"),
    [
        ({}, "native", []),
        ({"OPENBLAS_CORETYPE": "Haswell"}, "openblas-Haswell", []),
        # two environments compute as the caller's: the first is compared, the other left out
        ({"NPY_DISABLE_CPU_FEATURES": "AVX512F,AVX512_SKX"}, "native", ["numpy-no-avx512"]),
        ({"OPENBLAS_CORETYPE": "Zen"}, "as-called", []),  # no environment of the matrix
    ],
)
def test_compare_builds_the_callers_environment_once(
    portable, monkeypatch, forced, compared, left_out_as_same
):
    on_avx512_skylake(portable, monkeypatch, forced)
    envs, left_out = portable.environments(with_newest=True, compare=True)
    assert [env.name for env in envs if env.compare] == [compared]
    assert [name for name, why in left_out.items() if "compared" in why] == left_out_as_same
    (env,) = [env for env in envs if env.compare]
    assert portable.is_callers(env, "SkylakeX")
    if compared == "as-called":
        assert env.set == forced


def test_the_compared_build_runs_its_pages_one_after_another(portable, monkeypatch, tmp_path):
    seen = {}

    def run(command, env, **kwargs):
        seen.update(env)
        return portable.subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.delenv("BOOK_JOBS", raising=False)
    monkeypatch.setattr(portable, "OUT", tmp_path)
    monkeypatch.setattr(portable.subprocess, "run", run)
    portable.build(portable.Environment("native"), [])
    assert "BOOK_JOBS" not in seen
    portable.build(portable.Environment("native", compare=True), [])
    assert seen["BOOK_JOBS"] == "1"


def site(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


PAGE = b'<p>took <span class="nn-volatile">0.31 s</span>; accuracy 98%</p>'


def test_two_builds_differ_only_in_measured_times_the_pdf_and_the_sitemap(portable, tmp_path):
    a = site(tmp_path / "a", {"index.html": PAGE, "sitemap.xml": b"2026-12-04",
                              "neural-networks-from-scratch.pdf": b"%PDF"})  # fmt: skip
    b = site(tmp_path / "b", {"index.html": PAGE.replace(b"0.31", b"0.29"),
                              "sitemap.xml": b"2026-12-05"})  # fmt: skip
    assert portable.differences(a, b) == []
    # in a notebook's JSON the attribute's quotes are escaped
    (a / "ch.ipynb").write_bytes(b'"took <span class=\\"nn-volatile\\">1 s</span>"')
    (b / "ch.ipynb").write_bytes(b'"took <span class=\\"nn-volatile\\">2 s</span>"')
    assert portable.differences(a, b) == []


def test_a_page_that_changes_between_builds_is_found(portable, tmp_path):
    a = site(tmp_path / "a", {"index.html": PAGE, "ch/index.html": b"x", "only-a.js": b""})
    b = site(tmp_path / "b", {"index.html": PAGE.replace(b"98%", b"97%"), "ch/index.html": b"x",
                              "only-b.js": b""})  # fmt: skip
    assert portable.differences(a, b) == [
        f"only in {a}: only-a.js",
        f"only in {b}: only-b.js",
        "differs: index.html",
    ]
    # a measured time hides nothing outside its span
    (b / "index.html").write_bytes(PAGE.replace(b"0.31 s</span>; accuracy 98%", b"0.31 s"))
    assert portable.differences(a, b)[-1] == "differs: index.html"


def test_compare_needs_a_built_site(portable, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(sys, "argv", ["check_portable.py", "--compare", str(tmp_path)])
    with pytest.raises(SystemExit):
        portable.main()
    assert f"--compare: no built site in {tmp_path}" in capsys.readouterr().err
