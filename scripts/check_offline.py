"""Open the offline copy of the book from disk (file://) and check that it works.

Usage: python scripts/check_offline.py [OFFLINE_SITE_DIR]   (default: build/offline-site/)

Fails on any request that is not for a file of the copy, on console errors, on
pages that do not load, on links between pages that do not work from disk, and
on a search that finds nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from check_site import CHROMIUM, CHROMIUM_ARGS, search_results

ROOT = Path(__file__).resolve().parent.parent
# the same browser, with the same flags, as the site check; file access on top
ARGS = [*CHROMIUM_ARGS, "--allow-file-access-from-files"]


def main() -> int:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build" / "offline-site").resolve()
    if not (site / "index.html").is_file():
        print(
            f"check-offline: no offline copy in {site}; run scripts/build --offline",
            file=sys.stderr,
        )
        return 1
    problems, outside = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on(
            "requestfailed",
            lambda r: (
                "ERR_ABORTED" not in (r.failure or "")  # a navigation moved on
                and problems.append(f"failed: {r.url} ({r.failure})")
            ),
        )

        def route(r):
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        # 404.html is for a web server (absolute URLs by design), not for the copy
        pages = sorted(p for p in site.rglob("*.html") if p.name != "404.html")
        for html in pages:
            page.goto(html.as_uri())
            if not page.title():
                problems.append(f"{html.relative_to(site)}: no title")
        # links between pages work from disk: follow the first chapter link on the home page
        page.goto((site / "index.html").as_uri())
        link = page.locator("nav.md-nav--primary a.md-nav__link[href$='.html']").nth(2)
        target = link.get_attribute("href")
        link.click()
        page.wait_for_load_state()
        if not page.url.endswith(target.split("/")[-1]):
            problems.append(f"following {target} from the home page landed on {page.url}")
        # search works offline
        page.goto((site / "index.html").as_uri())
        try:
            found = search_results(page, "sigmoid", timeout_ms=10_000)
        except Exception:  # noqa: BLE001 - any failure means search is broken
            found = 0
        if not found:
            problems.append("search for 'sigmoid' found nothing")
        browser.close()
    problems += [f"request outside the copy: {url}" for url in outside]
    for problem in problems:
        print(f"  FAIL {problem}")
    print(f"check-offline: {len(pages)} pages opened from disk, search found {found} results; "
          f"{len(problems)} problems")  # fmt: skip
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
