"""The strict build fails on broken pages and says where.

(That two clean builds are identical is checked by ``scripts/check-portable
--compare``: tests/test_check_portable.py.)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

CONFIG = """
site_name: probe
site_url: http://127.0.0.1/
theme: {name: mkdocs}
plugins:
  - bookkit
markdown_extensions:
  - admonition
  - pymdownx.details
  - pymdownx.superfences:
      custom_fences:
        - name: python
          class: python
          validator: !!python/name:bookkit.markdown.validator
          format: !!python/name:bookkit.markdown.formatter
        - name: pycon
          class: pycon
          validator: !!python/name:bookkit.markdown.validator
          format: !!python/name:bookkit.markdown.formatter
  - pymdownx.arithmatex: {generic: true}
  - bookkit.markdown
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

    The value of x is {{ x }}, and {{ x / 3:.2f }} as a fraction.

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
    "raising block": ('```python exec="on"\nraise ValueError("broken block")\n```',
                      "python block raised ValueError"),
    "wrong output": ('```pycon exec="on"\n>>> 1 + 1\n3\n```', "pycon output differs"),
    "unexpected exception": ('```pycon exec="on"\n>>> 1 / 0\n```', "ZeroDivisionError"),
    "wrong session": ('```python exec="on" session="other"\nx = 1\n```',
                      "session='other': a page has one session"),
    "broken link": ("[nowhere](missing.md)", "missing.md"),
    "failing claim": ('```python exec="on"\nfrom bookkit import claim, equals\n'
                      'claim("one is two", 1, equals(2))\n```',
                      "claim does not hold: 'one is two'"),
    "failing value in prose": ("The answer is {{ undefined_name }}.",
                               "{{ undefined_name }} failed: NameError"),
    "value in prose that is not Python": ("The answer is {{ 1 +* 2 }}.",
                                          "{{ 1 +* 2 }} failed: SyntaxError"),
    "warning in a block": ('```python exec="on"\nimport numpy as np\nnp.log(0.0)\n```',
                           "RuntimeWarning: divide by zero"),
    "digits behind an ellipsis": ('```pycon exec="on"\n>>> 1 / 3\n0.33...\n```',
                                  "hides digits behind '...'"),
}  # fmt: skip


def build(site: Path, *, cwd: Path = ROOT, config: Path | None = None, env=None):
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)]
    if config is not None:
        command += ["-f", str(config)]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                          env=env or ENV, timeout=300)  # fmt: skip


def probe_site(tmp_path: Path, page: str, config: str = CONFIG) -> subprocess.CompletedProcess:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "page.md").write_text(textwrap.dedent(page), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    return build(tmp_path / "site", cwd=tmp_path, config=tmp_path / "mkdocs.yml")


def test_a_good_page_builds_with_maths_values_and_real_output(tmp_path):
    result = probe_site(tmp_path, GOOD)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "page" / "index.html").read_text(encoding="utf-8")
    assert html.count("<math") == 2 and "arithmatex" not in html
    assert "ran inside details" in html
    assert "The value of x is 2, and 0.67 as a fraction." in html


@pytest.mark.parametrize("case", BROKEN)
def test_strict_build_fails_on(tmp_path, case):
    block, message = BROKEN[case]
    result = probe_site(tmp_path, f"# Page\n\n{block}\n")
    assert result.returncode != 0, f"{case}: the strict build passed"
    assert message in result.stderr, result.stderr


def test_problems_name_the_page_and_its_line(tmp_path):
    page = '# Page\n\nProse.\n\n```python exec="on"\nx = 1\nraise KeyError("k")\n```\n'
    result = probe_site(tmp_path, page)
    assert "page.md:5: python block raised KeyError" in result.stderr
    assert 'File "' in result.stderr and 'page.md", line 7' in result.stderr  # the raising line


def test_blocks_run_in_page_order_even_when_nested(tmp_path):
    """A block inside a collapsible admonition runs where it stands, not after the rest."""
    page = """
        # Order

        ```python exec="on"
        seen = ["first"]
        ```

        ??? note "Nested"

            ```python exec="on"
            seen.append("nested")
            ```

        ```pycon exec="on"
        >>> seen
        ['first', 'nested']
        ```
    """
    result = probe_site(tmp_path, page)
    assert result.returncode == 0, result.stderr


def test_the_claims_page_lists_kind_check_and_measured_value(tmp_path):
    page = """
        # Page

        ```python exec="on"
        from bookkit import below, claim, equals, rate
        claim("two and two make four", 2 + 2, equals(4))
        rate("most coins land heads", 60, 100, below(0.9))
        ```
    """
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "claims.md").write_text('# Claims\n\n<div class="claims-ledger"></div>\n')
    result = probe_site(tmp_path, page)
    assert result.returncode == 0, result.stderr
    ledger = (tmp_path / "site" / "claims" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr class="claim-(\w+)">(.*?)</tr>', ledger, re.S)
    assert [kind for kind, _ in rows] == ["exact", "statistical"]
    exact, stat = (re.sub(r"<[^>]+>", "|", row) for _, row in rows)
    assert "two and two make four" in exact and "= 4" in exact and "|4|" in exact
    assert "rate &lt; 0.9" in stat and "60 of 100 (60%; 95% interval 50% to 69%)" in stat
    anchor = re.search(r'href="\.\./page/#(claim-[0-9a-f]+)"', rows[0][1])[1]
    html = (tmp_path / "site" / "page" / "index.html").read_text(encoding="utf-8")
    assert f'id="{anchor}"' in html  # the link lands on the block


def test_measured_times_are_shown_but_not_indexed_for_search(tmp_path):
    page = '# Timed\n\nIt took <span class="nn-volatile">1.23 s</span> to train.\n'
    result = probe_site(tmp_path, page, CONFIG.replace("plugins:\n", "plugins:\n  - search\n"))
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "page" / "index.html").read_text(encoding="utf-8")
    assert '<span class="nn-volatile">1.23 s</span>' in html
    index = (tmp_path / "site" / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "took" in index and "1.23" not in index
