"""Provenance: what computed a page, arithmetic included.

The last bits of a floating-point result depend on the BLAS library and the
kernel it picked for this CPU, and on which SIMD loops NumPy dispatched to.
The book's claims are written to hold in any such environment; the footer of
every chapter still says which one computed it.
"""

from __future__ import annotations

import functools
import html
import sys


def simd_level() -> str:
    """The widest SIMD target NumPy dispatches to on this machine (e.g. ``AVX512_ICL``).

    Read from ``numpy.show_config(mode="dicts")``; the baseline is given when
    no wider target was found (or all were disabled with
    ``NPY_DISABLE_CPU_FEATURES``).
    """
    import numpy as np

    simd = np.show_config(mode="dicts").get("SIMD Extensions", {})
    found = list(simd.get("found", []))
    baseline = list(simd.get("baseline", []))
    if found:
        return found[-1]
    return (baseline[-1] + " (baseline)") if baseline else "unknown"


def blas() -> str:
    """NumPy's BLAS library and the kernel it chose, e.g. ``OpenBLAS 0.3.31 (Haswell kernel)``.

    threadpoolctl reports every BLAS loaded in the process (SciPy brings its
    own); NumPy's is the one inside NumPy's own folders. Where threadpoolctl
    cannot see it (Apple's Accelerate), NumPy's build information names it.
    """
    from pathlib import Path

    import numpy as np
    from threadpoolctl import threadpool_info

    home = Path(np.__file__).resolve().parent

    def numpys(info: dict) -> bool:  # numpy/.libs, numpy.libs or numpy/.dylibs
        path = Path(info.get("filepath", "")).resolve()
        return path.is_relative_to(home.parent) and "numpy" in path.parent.as_posix()

    mine = [i for i in threadpool_info() if i.get("user_api") == "blas" and numpys(i)]
    if not mine:
        built = np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
        return f"{built.get('name', 'unknown BLAS')} {built.get('version', '')}".strip()
    info = mine[0]
    names = {"openblas": "OpenBLAS", "mkl": "MKL", "blis": "BLIS"}
    name = names.get(info.get("internal_api", ""), info.get("internal_api", "BLAS"))
    version = ".".join(str(info.get("version") or "").split(".")[:3])
    kernel = info.get("architecture")
    return f"{name} {version}".strip() + (f" ({kernel} kernel)" if kernel else "")


@functools.cache  # one process, one arithmetic
def arithmetic() -> dict[str, str]:
    """NumPy's version and SIMD level, and the BLAS library and kernel."""
    import numpy as np

    return {"numpy": np.__version__, "simd": simd_level(), "blas": blas()}


def footer(blocks: int, prompts: int, claims: int, seconds: float) -> str:
    """The provenance footer of a chapter (HTML)."""
    import nnscratch

    env = arithmetic()
    return (
        '<aside class="nn-provenance" aria-label="How this page was made"><p>'
        f"This page was computed when the site was built: {blocks} code blocks ran "
        f"({prompts} printed results and {claims} claims checked) in "
        f'<span class="nn-volatile">{seconds:.1f} s</span>, with nnscratch '
        f"{html.escape(nnscratch.__version__)}, NumPy {html.escape(env['numpy'])} "
        f"(SIMD {html.escape(env['simd'])}), {html.escape(env['blas'])} and Python "
        f"{sys.version.split()[0]}.</p></aside>"
    )
