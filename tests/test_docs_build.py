"""The strict build fails on broken pages, and two clean builds are identical."""

from __future__ import annotations

import filecmp
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HOOKS = ROOT / "docs" / "_book" / "hooks.py"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

CONFIG = f"""
site_name: probe
site_url: http://127.0.0.1/
theme: {{name: mkdocs}}
hooks: ["{HOOKS.as_posix()}"]
plugins:
  - markdown-exec: {{languages: [python]}}
markdown_extensions:
  - admonition
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.arithmatex: {{generic: true}}
"""

GOOD = """
    # Good

    Inline $\\frac{1}{2}$ and display maths:

    $$
    \\sigma(z) = \\frac{1}{1 + e^{-z}}
    $$

    ```python exec="on" session="page"
    x = 2
    ```

    ```pycon exec="on" session="page"
    >>> x + 1
    3
    ```

    ??? success "Solution"

        ```pycon exec="on" session="page"
        >>> print("ran inside details")
        ran inside details
        ```
"""

BROKEN = {
    "raising block": ('```python exec="on" session="page"\n'
                      'raise ValueError("broken block")\n```', "ValueError"),
    "wrong output": ('```pycon exec="on" session="page"\n>>> 1 + 1\n3\n```',
                     "pycon output differs"),
    "unexpected exception": ('```pycon exec="on" session="page"\n>>> 1 / 0\n```',
                             "ZeroDivisionError"),
    "wrong session": ('```python exec="on" session="other"\nx = 1\n```',
                      "must use session='page'"),
    "broken link": ("[nowhere](missing.md)", "missing.md"),
}  # fmt: skip


def build(site: Path, *, cwd: Path = ROOT, config: Path | None = None):
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)]
    if config is not None:
        command += ["-f", str(config)]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=ENV,
                          timeout=300)  # fmt: skip


def probe_site(tmp_path: Path, page: str) -> subprocess.CompletedProcess:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text(textwrap.dedent(page), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    return build(tmp_path / "site", cwd=tmp_path, config=tmp_path / "mkdocs.yml")


def test_a_good_page_builds_with_maths_and_real_output(tmp_path):
    result = probe_site(tmp_path, GOOD)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "page" / "index.html").read_text(encoding="utf-8")
    assert html.count("<math") == 2 and "arithmatex" not in html
    assert "ran inside details" in html


@pytest.mark.parametrize("case", BROKEN)
def test_strict_build_fails_on(tmp_path, case):
    block, message = BROKEN[case]
    result = probe_site(tmp_path, f"# Page\n\n{block}\n")
    assert result.returncode != 0, f"{case}: the strict build passed"
    assert message in result.stderr, result.stderr


def test_two_clean_builds_are_identical(tmp_path):
    """Build the book twice (or once, next to scripts/test's build) and compare."""
    reference = os.environ.get("BOOK_REFERENCE_SITE")
    sites = [Path(reference)] if reference else []
    while len(sites) < 2:
        site = tmp_path / f"site{len(sites)}"
        result = build(site)
        assert result.returncode == 0, result.stderr
        sites.append(site)
    a, b = sites
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    compared = [f for f in files_a if f.name not in {"sitemap.xml", "sitemap.xml.gz"}]
    differ = [f for f in compared if not same_but_timings(a / f, b / f)]
    assert differ == [], f"pages differ between two clean builds: {differ}"


VOLATILE = re.compile(rb'<span class="nn-volatile">.*?</span>', re.S)


def same_but_timings(a: Path, b: Path) -> bool:
    """Equal bytes, apart from measured times wrapped in ``nn-volatile`` spans."""
    if filecmp.cmp(a, b, shallow=False):
        return True
    return VOLATILE.sub(b"", a.read_bytes()) == VOLATILE.sub(b"", b.read_bytes())


def test_measured_times_are_shown_but_not_indexed_for_search(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text(
        '# Timed\n\nIt took <span class="nn-volatile">1.23 s</span> to train.\n', encoding="utf-8"
    )
    config = CONFIG.replace("plugins:\n", "plugins:\n  - search\n")
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = build(tmp_path / "site", cwd=tmp_path, config=tmp_path / "mkdocs.yml")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "page" / "index.html").read_text(encoding="utf-8")
    assert '<span class="nn-volatile">1.23 s</span>' in html
    index = (tmp_path / "site" / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "took" in index and "1.23" not in index


def test_timings_are_masked_but_nothing_else(tmp_path):
    one, two = tmp_path / "one.html", tmp_path / "two.html"
    one.write_bytes(b'<p>took <span class="nn-volatile">0.31 s</span>; accuracy 98%</p>')
    two.write_bytes(b'<p>took <span class="nn-volatile">0.29 s</span>; accuracy 98%</p>')
    assert same_but_timings(one, two)
    two.write_bytes(b'<p>took <span class="nn-volatile">0.29 s</span>; accuracy 97%</p>')
    assert not same_but_timings(one, two)
