"""The browser check's accessibility audit (scripts/check_site.py), in headless Chromium.

Its contrast rule measures one token span of each look in highlighted code,
and one table cell (or element in one) of each look (``CONTRAST_TWINS``);
these pages show that a token or a cell of too little contrast is still found
wherever it is visible. Without Chromium these tests are skipped
outside CI and fail in CI, as the browser check itself does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from playwright.sync_api import sync_playwright  # noqa: E402

import browser  # noqa: E402
import check_site  # noqa: E402

CHROMIUM = browser.find_chromium()
if not CHROMIUM and os.environ.get("CI") != "true":
    pytest.skip("the browser check's tests need Chromium", allow_module_level=True)

STYLE = """
body { background: #fff; color: #222; font: 16px sans-serif }
.highlight code { display: block; overflow: auto; width: 20em; white-space: pre;
                  background: #f5f5f5; font: 14px monospace }
.n { color: #222 } .k { color: #0033b3 } .faint { color: #c0c0c0 }
.hll { background: #10245a }
td { padding: 2px } .shaded { background: #1d1d1d }
"""
ORDINARY = " ".join(['<span class="k">def</span> <span class="n">f</span>'] * 40)


def code(*lines: str) -> str:
    lines = "\n".join(lines)
    return f'<div class="highlight"><pre><code tabindex="0">{lines}</code></pre></div>'


def page_of(*blocks: str) -> str:
    body = "\n".join(blocks)
    return (f'<!doctype html><html lang="en"><head><title>t</title><style>{STYLE}</style>'
            f"</head><body><main><h1>A page</h1>{body}</main></body></html>")  # fmt: skip


@pytest.fixture(scope="module")
def page():
    assert CHROMIUM, "Chromium not found, and CI=true: the browser check's tests must run"
    with sync_playwright() as pw:
        chrome = pw.chromium.launch(executable_path=CHROMIUM, args=browser.CHROMIUM_ARGS)
        yield chrome.new_page(viewport={"width": 1280, "height": 900})
        chrome.close()


def audit(page, html: str) -> list[str]:
    page.set_content(html)
    check_site.load_axe(page, check_site.Axe())
    return check_site.axe_problems(page)


def contrast(problems: list[str]) -> list[str]:
    return [p for p in problems if "color-contrast" in p]


def test_ordinary_code_passes_and_is_measured_once_per_look(page):
    assert audit(page, page_of(code(ORDINARY, ORDINARY))) == []
    spans = page.locator(".highlight code span").count()
    twins = page.locator("[data-contrast-twin]").count()
    assert spans == 160 and twins == spans - 2  # two looks: .k and .n
    options = {"runOnly": {"type": "rule", "values": ["color-contrast"]}}
    measured = page.evaluate(check_site.AXE_RUN, [check_site.AXE_CONTEXT, options])["passes"]
    assert sorted(n["target"][0] for n in measured[0]["nodes"]) == [
        ".k:nth-child(1)", ".n:nth-child(2)", "h1"]  # fmt: skip


def test_a_faint_token_is_found(page):
    found = contrast(audit(page, page_of(code(ORDINARY, '<span class="faint">faint</span>'))))
    assert len(found) == 1 and ".faint" in found[0]


def test_a_faint_token_is_found_when_its_first_twin_is_collapsed(page):
    collapsed = code('<span class="faint">faint</span>')
    shown = code(ORDINARY, '<span class="faint" id="seen">faint</span>')
    found = contrast(audit(page, page_of(
        f"<details><summary>more</summary>{collapsed}</details>",
        f"<details open><summary>more</summary>{shown}</details>",
    )))  # fmt: skip
    assert len(found) == 1 and "#seen" in found[0]


def test_a_faint_token_is_found_when_its_first_twin_is_scrolled_out_of_sight(page):
    far = ORDINARY + ' <span class="faint">far</span>'  # beyond the code block's box
    found = contrast(audit(page, page_of(code(far, '<span class="faint" id="near">faint</span>'))))
    assert len(found) == 1 and "#near" in found[0]


def test_the_same_token_on_a_highlighted_line_is_measured_on_its_own(page):
    dark_line = '<span class="hll"><span class="k" id="marked">def</span></span>'
    found = contrast(audit(page, page_of(code(ORDINARY, dark_line))))
    assert len(found) == 1 and "#marked" in found[0]


def table(*rows: str) -> str:
    cells = "".join(f"<tr><td>{i}</td><td><a href='#'>row {i}</a></td></tr>" for i in range(200))
    return f"<table><tbody>{cells}{''.join(rows)}</tbody></table>"


def test_ordinary_cells_pass_and_are_measured_once_per_look(page):
    assert audit(page, page_of(table())) == []
    cells = page.locator("td, td *").count()
    assert cells == 600 and page.locator("[data-contrast-twin]").count() == cells - 2  # td, a


def test_a_faint_cell_is_found_among_ordinary_ones(page):
    faint = '<tr><td class="faint" id="faint-cell">faint</td><td>x</td></tr>'
    found = contrast(audit(page, page_of(table(faint))))
    assert len(found) == 1 and "#faint-cell" in found[0]


def test_an_ordinary_cell_on_a_dark_row_is_measured_on_its_own(page):
    dark = '<tr class="shaded"><td id="on-dark">200</td><td>x</td></tr>'
    found = contrast(audit(page, page_of(table(dark))))
    assert any("#on-dark" in problem for problem in found)


def test_the_browser_named_in_chromium_is_the_one_driven(monkeypatch):
    monkeypatch.setenv("CHROMIUM", "/opt/some/chrome")
    assert browser.find_chromium() == "/opt/some/chrome"
    # the shell scripts (check-site, build-pdf, check-offline) ask the same lookup
    asked = subprocess.run([sys.executable, browser.__file__], capture_output=True, text=True)
    assert asked.stdout.strip() == "/opt/some/chrome"
    monkeypatch.delenv("CHROMIUM")
    found = browser.find_chromium()  # else one that is installed, or none
    assert found is None or os.access(found, os.X_OK)


def test_the_print_page_is_checked_from_the_figures_the_pdf_printed(tmp_path):
    """build_pdf.py --check gives check_print_page the figures it printed: no second load."""
    chapter = tmp_path / "chapters" / "01-one"
    chapter.mkdir(parents=True)
    (chapter / "index.html").write_text(
        '<h1>1. One</h1><figure class="book-figure" id="fig-a"><svg></svg>'
        "<figcaption>A caption</figcaption></figure>"
    )
    (tmp_path / "print").mkdir()
    (tmp_path / "print" / "index.html").write_text('<section id="chapters-01-one"></section>')
    chapters = check_site.chapters_of(tmp_path)
    big = {"id": "fig-a", "width": 600, "height": 400}
    assert check_site.check_print_page(tmp_path, chapters, {"fig-a": big}) == []
    small = {"fig-a": {**big, "height": 12}}
    assert check_site.check_print_page(tmp_path, chapters, small) == [
        "print page: figure fig-a printed at 600 x 12 px"
    ]
    assert check_site.check_print_page(tmp_path, chapters, {}) == [
        "print page: figure fig-a of 01-one missing"
    ]
    (tmp_path / "print" / "index.html").write_text("<section></section>")
    assert "print page: chapter '1. One' missing" in check_site.check_print_page(
        tmp_path, chapters, {"fig-a": big}
    )
