"""Provenance: what computed a page, arithmetic included.

The last bits of a floating-point result depend on the BLAS library and the
kernel it picked for this CPU, and on which SIMD loops NumPy dispatched to.
The book's claims are written to hold in any such environment; the footer of
every chapter still says which one computed it.
"""

from __future__ import annotations

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
    """The BLAS library NumPy uses and the kernel it chose, e.g. ``OpenBLAS 0.3.31 (Haswell)``."""
    import numpy  # noqa: F401 - threadpoolctl only sees libraries already loaded
    from threadpoolctl import threadpool_info

    found = [info for info in threadpool_info() if info.get("user_api") == "blas"]
    if not found:
        return "unknown"
    info = found[0]
    name = {"openblas": "OpenBLAS", "mkl": "MKL", "blis": "BLIS"}.get(
        info.get("internal_api", ""), info.get("internal_api", "BLAS")
    )
    version = str(info.get("version") or "").split(".dev")[0]
    kernel = info.get("architecture")
    return f"{name} {version}".strip() + (f" ({kernel} kernel)" if kernel else "")


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
