"""Print the whole book to one PDF with headless Chromium.

Usage: python scripts/build_pdf.py [SITE_DIR] [--check]   (default: site/)

The build makes ``print/``, every page of the book on one page
(mkdocs-print-site-plugin, see mkdocs.yml). This serves SITE_DIR on
127.0.0.1, opens that page in Chromium (the same browser and flags as the
site check) with print media and the light palette, opens every folded block
(exercise solutions are printed), waits for the explorable figures to draw,
points links that would lead back to the local server at the published
site (``site_url``) instead, and prints it to
``build/neural-networks-from-scratch.pdf`` (A4, with an outline of the
chapters and their sections, tagged for screen readers, page numbers from the
print page's CSS), then copies it into SITE_DIR, where the home page links it.
Links between pages of the book are links inside the PDF. Nothing is
requested from any other host; a console error, a failed request or a request
to another host fails it.

With ``--check`` it checks the book as ``scripts/check-site --book`` does,
from the one load of the print page (the longest page of the site): on
screen first, as every page of the site is checked (``check_site.check_page``,
with a screenshot in build/screenshots/), then as printed
(``check_site.check_book_pdf``): every chapter and figure is on the print
page, each drawn with a size, and the PDF's text has every chapter's title,
in order, and every figure's caption and labels.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from check_site import (
    CHROMIUM,
    CHROMIUM_ARGS,
    as_printed,
    check_book_pdf,
    check_page,
    empty_search_index,
    print_figures,
    serve,
    serve_empty_search_index,
)

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "build" / "screenshots"
PDF_NAME = "neural-networks-from-scratch.pdf"
PRINT_PAGE = "print/"
# Folded blocks open (nn-print.js does it too), and links to the local server
# (downloads, the source of a figure) pointed at the published site instead.
PREPARE = r"""base => {
  document.querySelectorAll("details").forEach(d => { d.open = true; });
  const canonical = document.querySelector("link[rel=canonical]")?.href ?? "";
  const site = canonical.replace(/print\/$/, "");
  for (const a of document.querySelectorAll("a[href]")) {
    if (site && a.href.startsWith(base)) a.href = site + a.href.slice(base.length);
  }
  return {
    pages: document.querySelectorAll("section.print-page[id]:not(.md-section)").length,
    site: site,
  };
}"""


def build_pdf(site: Path, out: Path, check: bool = False) -> dict:
    """Print SITE's print page to OUT; return what was printed.

    With ``check``, the page is first checked on screen as the site check
    checks every page (``check_page``: its problems in ``"screen"``), then
    printed from the same load.
    """
    if not (site / PRINT_PAGE / "index.html").is_file():
        raise SystemExit(f"build-pdf: no print page in {site / PRINT_PAGE}; build the book first")
    server, base = serve(site)
    problems: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(
                color_scheme="light", viewport={"width": 1100, "height": 1400}
            )

            def route(r):
                if r.request.url.startswith((base, "data:")):
                    r.continue_()
                else:
                    problems.append(f"request to another host: {r.request.url}")
                    r.abort()

            context.route("**/*", route)
            page = context.new_page()
            page.on("console", lambda m: m.type == "error" and problems.append(m.text))
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
            empty_index = empty_search_index(site)  # (a printed book has no search box)
            if empty_index:
                serve_empty_search_index(page, base, empty_index)
            screen = []
            if check:  # on screen first, as every page of the site is checked
                SHOTS.mkdir(parents=True, exist_ok=True)
                screen = check_page(page, None, site, base, PRINT_PAGE, SHOTS)["light"]
            as_printed(page, base, loaded=check)  # (the light palette: the context's)
            drawn = print_figures(page)  # (before PREPARE opens the folded blocks)
            facts = page.evaluate(PREPARE, base) | {"drawn": drawn, "screen": screen}
            page.wait_for_timeout(200)  # let opened blocks and widgets lay out
            out.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(
                path=str(out),
                format="A4",
                print_background=True,
                outline=True,
                tagged=True,
                prefer_css_page_size=True,
            )
            browser.close()
    finally:
        server.shutdown()
    if problems:
        raise SystemExit("build-pdf: printing the book failed:\n  - " + "\n  - ".join(problems))
    shutil.copyfile(out, site / PDF_NAME)
    # The print page links the PDF, which a fresh build has only now, just copied:
    # that link is not broken
    facts["screen"] = [p for p in facts["screen"] if p != f"broken link: {base}{PDF_NAME}"]
    return facts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", nargs="?", default=str(ROOT / "site"))
    parser.add_argument("--check", action="store_true", help="then check the print page and PDF")
    args = parser.parse_args()
    site = Path(args.site).resolve()
    out = ROOT / "build" / PDF_NAME
    start = time.perf_counter()
    facts = build_pdf(site, out, check=args.check)
    seconds = time.perf_counter() - start
    size = out.stat().st_size / 1e6
    print(
        f"build-pdf: {facts['pages']} pages of the site printed to {out.relative_to(ROOT)} "
        f"({size:.1f} MB) in {seconds:.1f} s, copied to {site / PDF_NAME}"
    )
    if not args.check:
        return 0
    failures, summary = check_book_pdf(site, facts["drawn"])
    if facts["screen"]:
        failures = {f"/{PRINT_PAGE} (light)": facts["screen"], **failures}
    for where, problems in failures.items():
        print(f"\n{where}:")
        for problem in problems:
            print(f"  - {problem}")
    if summary:
        print(f"build-pdf: {summary}")
    print(f"build-pdf: the print page and the PDF: {'FAILED' if failures else 'passed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
