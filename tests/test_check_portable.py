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
    monkeypatch.setattr(portable, "_native_openblas_kernel", lambda: "SkylakeX")
    monkeypatch.setattr(portable, "_cpu_flags", lambda: {"avx512f"})
    for name in ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES"):
        monkeypatch.delenv(name, raising=False)
    for name, value in forced.items():
        monkeypatch.setenv(name, value)
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
