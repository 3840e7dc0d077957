"""The reader conventions of the site, on a small probe site with the book's theme.

- "Edit this page" and "view source" link to the page's Markdown on the
  repository's main branch exactly when ``repo_url`` is set
  (docs/overrides/partials/actions.html), and a build without it stays strict;
- every page has link-preview meta tags with its own description and the
  book's favicon (docs/overrides/main.html);
- the print page of the whole book (mkdocs-print-site-plugin) has its links
  mended by the bookkit plugin (bookkit/printpage.py): to a page it leaves out, to a
  figure whose id the plugin keeps, to a heading of another page, and the
  references to an input the plugin renames.
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
OVERRIDES = ROOT / "docs" / "overrides"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
REPO = "https://github.com/example/probe-book"

CONFIG = f"""
site_name: Probe book
site_url: https://example.org/probe/
site_description: The probe's own description.
repo_url: !ENV [REPO_URL, null]
edit_uri: ""
nav: [index.md, one.md, two.md, left-out.md]
theme:
  name: material
  custom_dir: {OVERRIDES.as_posix()}
  font: false
  favicon: assets/favicon.svg
  features: [content.action.edit, content.action.view]
extra:
  repo_branch: main
  repo_docs: docs
plugins:
  - bookkit
  - print-site:
      print_page_basename: print
      add_cover_page: true
      cover_page_template: {(OVERRIDES / "partials" / "print-cover.html").as_posix()}
      enumerate_headings: false
      enumerate_figures: false
      exclude: [left-out.md]
markdown_extensions: [attr_list, md_in_html, bookkit.markdown]
"""

PAGES = {
    "index.md": "# Home\n\nThe start.\n",
    "one.md": """\
        ---
        description: "Page one's own description."
        ---

        # One

        See [the figure](#fig-one), [page two's section](two.md#later) and
        [the page left out](left-out.md#kept).

        <figure class="book-figure" id="fig-one" markdown>
        <svg role="img" aria-label="a box" width="80" height="80"><rect width="80"/></svg>
        <figcaption>A box.</figcaption>
        </figure>

        <div class="probe-widget"><button type="button" aria-controls="probe-slider">Play</button>
        <input type="range" id="probe-slider"><output for="probe-slider">0</output></div>
        """,
    "two.md": "# Two\n\n## Later\n\nText.\n",
    "left-out.md": "# Left out\n\n## Kept\n\nNot in the print page.\n",
}


def build(tmp_path: Path, repo_url: str | None) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "assets").mkdir(exist_ok=True)
    (docs / "assets" / "favicon.svg").write_bytes((ROOT / "docs/assets/favicon.svg").read_bytes())
    for name, text in PAGES.items():
        (docs / name).write_text(textwrap.dedent(text), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    site = tmp_path / ("site-repo" if repo_url else "site")
    env = {k: v for k, v in ENV.items() if k != "REPO_URL"}
    if repo_url:
        env["REPO_URL"] = repo_url
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("probe")
    return build(tmp, None), build(tmp, REPO)


def page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text(encoding="utf-8")


def test_edit_and_view_links_only_with_a_repository(sites):
    plain, with_repo = sites
    assert 'rel="edit"' not in page(plain, "one")
    html = page(with_repo, "one")
    assert f'href="{REPO}/edit/main/docs/one.md"' in html
    assert f'href="{REPO}/raw/main/docs/one.md"' in html
    assert "/edit/" not in page(with_repo, "print")  # a generated page has no source


def test_link_previews_carry_the_page_description(sites):
    html = page(sites[0], "one")
    tags = re.findall(r'<meta (?:property|name)="((?:og|twitter):[^"]+)" content="([^"]*)"', html)
    meta = dict(tags)
    own = "Page one&#39;s own description."
    assert meta["og:title"] == meta["twitter:title"] == "One"
    assert meta["og:description"] == meta["twitter:description"] == own
    assert meta["og:url"] == "https://example.org/probe/one/"
    assert meta["og:image"] == "https://example.org/probe/assets/social-card.png"
    assert meta["twitter:card"] == "summary_large_image"
    home = page(sites[0], "")
    assert '<meta property="og:description" content="The probe&#39;s own description.">' in home
    assert '<link rel="icon" href="../assets/favicon.svg">' in html


def test_print_page_links_are_mended(sites):
    html = page(sites[0], "print")
    assert 'href="#fig-one"' in html  # the figure's id, which print-site keeps
    assert 'href="#two-later"' in html  # a heading of another page, renamed by print-site
    assert 'href="../left-out/#kept"' in html  # a page the print page leaves out
    assert 'id="left-out"' not in html
    # print-site renames every input (for tabbed blocks); what names the slider follows
    assert 'id="one-probe-slider"' in html
    assert 'aria-controls="one-probe-slider"' in html and 'for="one-probe-slider"' in html
    assert "Probe book" in html and "nn-cover" in html  # the book's cover
