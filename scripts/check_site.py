"""Open every page of the built site in headless Chromium and check it.

Usage: python scripts/check_site.py [SITE_DIR]   (default: site/)

The site is served from 127.0.0.1 on a free port. Every page is opened in the
light and the dark palette (the palette follows the system preference, which
is emulated), and the check fails on:

- a console error, an uncaught exception, a failed request or an HTTP error;
- any request to a host other than the site's own (blocked and recorded);
- the palette not applied (data-md-color-scheme not the expected scheme);
- raw TeX left in the text, or maths the build did not convert;
- a figure (svg[role=img], img) without alt text, or an SVG figure > 150 KB;
- an internal link or anchor that does not resolve;
- a serious or critical axe-core violation;
- an explorable figure (``[data-nn-widget]``, docs/javascripts/nn-widgets.js)
  that stays hidden, or whose drawing does not change when its slider is moved
  with the keyboard (ArrowRight, End) or when its play button is pressed, or
  whose value, status or button name does not follow.

Full-page screenshots go to build/screenshots/<page>-<palette>.png, and each
widget's, before and after moving its slider, to
build/screenshots/widget-<name>-<before|after>-<palette>.png.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
PALETTES = {"light": "default", "dark": "slate"}  # emulated scheme -> Material's
MAX_SVG_BYTES = 150 * 1024
RAW_TEX = re.compile(
    r"\$\$|\\\(|\\\)|\\\[|\\\]|\\(?:frac|sum|partial|mathbf|hat|begin|end|sigma|eta)\b"
)

PAGE_FACTS = """() => {
  const main = document.querySelector("article") || document.body;
  const text = main.cloneNode(true);
  text.querySelectorAll("pre, code, script, style, math").forEach(e => e.remove());
  const figures = [...document.querySelectorAll("svg[role=img], img")];
  return {
    scheme: document.body.getAttribute("data-md-color-scheme"),
    text: text.innerText,
    unconverted: document.querySelectorAll(".arithmatex").length,
    unlabelled: figures.filter(e => !(e.tagName === "IMG" ? e.alt
        : e.getAttribute("aria-label") || e.querySelector("title")?.textContent)
      ).map(e => e.outerHTML.slice(0, 80)),
    big_svgs: [...document.querySelectorAll("svg[role=img]")]
      .filter(e => e.outerHTML.length > MAX_SVG_BYTES).map(e => e.getAttribute("aria-label")),
    links: [...document.querySelectorAll("a[href]")].map(a => a.href),
    ids: [...document.querySelectorAll("[id], a[name]")].map(e => e.id || e.name),
  };
}""".replace("MAX_SVG_BYTES", str(MAX_SVG_BYTES))


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value or "")


@functools.cache
def ids_of(path: Path) -> frozenset[str]:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8"))
    return frozenset(parser.ids)


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def target_file(site: Path, path: str) -> Path | None:
    """The file a URL path of the site serves, or None."""
    candidate = site / unquote(path).lstrip("/")
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def check_links(site: Path, base: str, page_path: str, facts: dict) -> list[str]:
    problems = []
    for href in sorted(set(facts["links"])):
        url, fragment = urldefrag(href)
        if not url.startswith(base):
            continue  # another site: a plain link, never requested by the page
        path = urlparse(url).path
        target = target_file(site, path)
        if target is None:
            problems.append(f"broken link: {href}")
        elif fragment and path == page_path:
            if unquote(fragment) not in facts["ids"]:
                problems.append(f"broken anchor: {href}")
        elif fragment and unquote(fragment) not in ids_of(target):
            problems.append(f"broken anchor: {href}")
    return problems


# What a widget has drawn: its SVGs' markup and its canvases' pixels.
DRAWING = """root => [...root.querySelectorAll("svg")].map(s => s.innerHTML).join("")
  + [...root.querySelectorAll("canvas")].map(c => c.toDataURL()).join("")"""
WIDGET_STATE = """root => ({
  value: root.querySelector("input[type=range]").value,
  max: root.querySelector("input[type=range]").max,
  output: root.querySelector("output").textContent,
  status: root.querySelector(".nn-widget__status").textContent,
  button: root.querySelector(".nn-widget__play")?.textContent ?? null,
})"""


def check_widgets(page, palette: str, shots: Path) -> list[str]:
    """Drive every explorable figure of the page with the keyboard; return problems."""
    problems = []
    widgets = page.locator("[data-nn-widget]")
    for i in range(widgets.count()):
        root = widgets.nth(i)
        name = root.get_attribute("data-nn-widget")
        where = f"widget {name}"
        if not root.is_visible():
            problems.append(f"{where}: still hidden (did nn-widgets.js run?)")
            continue
        root.scroll_into_view_if_needed()
        drawing = functools.partial(root.evaluate, DRAWING)
        state = functools.partial(root.evaluate, WIDGET_STATE)
        root.screenshot(path=str(shots / f"widget-{name}-before-{palette}.png"))
        first, before = state(), drawing()
        slider = root.locator("input[type=range]")
        slider.focus()
        page.keyboard.press("ArrowRight")
        moved = state()
        if moved["value"] == first["value"] or drawing() == before:
            problems.append(f"{where}: ArrowRight on the slider did not change the drawing "
                            f"(value {first['value']} -> {moved['value']})")  # fmt: skip
        page.keyboard.press("End")
        end = state()
        if end["value"] != end["max"]:
            problems.append(f"{where}: End did not move the slider to its last frame")
        if end["output"] == first["output"] or end["status"] == first["status"]:
            problems.append(f"{where}: value or status not updated ({end['status']!r})")
        root.screenshot(path=str(shots / f"widget-{name}-after-{palette}.png"))
        if first["button"] is None:
            continue
        page.keyboard.press("Home")
        start, before = state(), drawing()
        button = root.locator(".nn-widget__play")
        button.focus()
        page.keyboard.press("Space")
        if state()["button"] != "Pause":
            problems.append(f"{where}: the play button did not change its name to Pause")
        page.wait_for_timeout(700)
        page.keyboard.press("Space")  # pause
        played = state()
        if int(played["value"]) <= int(start["value"]) or drawing() == before:
            problems.append(f"{where}: play did not advance the frames "
                            f"({start['value']} -> {played['value']})")  # fmt: skip
        if played["button"] != "Play":
            problems.append(f"{where}: pausing did not give the button back its name Play")
    return problems


def check_page(page, axe: Axe, site: Path, base: str, rel: str, palette: str,
               shots: Path) -> list[str]:  # fmt: skip
    events: list[str] = []
    page.on("console", lambda m: m.type == "error" and events.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: events.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: base in r.url and events.append(
        f"request failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and events.append(
        f"HTTP {r.status}: {r.url}"))
    url = base + rel
    page.goto(url, wait_until="networkidle")
    facts = page.evaluate(PAGE_FACTS)
    problems = list(events)
    if facts["scheme"] != PALETTES[palette]:
        problems.append(f"palette not applied: scheme is {facts['scheme']!r}")
    if facts["unconverted"]:
        problems.append(f"{facts['unconverted']} maths elements left unconverted")
    for match in sorted(set(RAW_TEX.findall(facts["text"]))):
        problems.append(f"raw TeX visible in the text: {match!r}")
    problems += [f"figure without alt text: {html}" for html in facts["unlabelled"]]
    problems += [f"SVG figure over 150 KB: {label}" for label in facts["big_svgs"]]
    problems += check_links(site, base, urlparse(url).path, facts)
    results = axe.run(page)
    for violation in results.response["violations"]:
        if violation["impact"] in {"serious", "critical"}:
            nodes = "; ".join(n["target"][0] if isinstance(n["target"][0], str)
                              else str(n["target"]) for n in violation["nodes"][:3])
            problems.append(f"axe {violation['impact']}: {violation['id']} "
                            f"({violation['help']}) at {nodes}")  # fmt: skip
    name = rel.strip("/").replace("/", "-") or "index"
    page.screenshot(path=str(shots / f"{name}-{palette}.png"), full_page=True)
    seen = len(events)
    problems += check_widgets(page, palette, shots)
    problems += events[seen:]  # console errors while the widgets were driven
    return problems


def check_palette(site: Path, pages: list[str], palette: str, shots: Path) -> dict:
    """Open every page in one palette; return {where: [problems]}."""
    server, base = serve(site)
    axe = Axe()
    foreign: list[str] = []
    failures: dict[str, list[str]] = {}

    def route(r):
        if r.request.url.startswith((base, "data:")):
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort()

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(color_scheme=palette,
                                          viewport={"width": 1280, "height": 900})
            context.route("**/*", route)
            for rel in pages:
                page = context.new_page()
                problems = check_page(page, axe, site, base, rel, palette, shots)
                page.close()
                if problems:
                    failures[f"/{rel} ({palette})"] = problems
                print(f"  {'FAIL' if problems else 'ok  '} /{rel} ({palette})", flush=True)
            browser.close()
    finally:
        server.shutdown()
    if foreign:
        failures[f"requests to other hosts ({palette})"] = sorted(set(foreign))
    return failures


def main() -> int:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "site").resolve()
    if not (site / "index.html").is_file():
        print(f"check-site: no built site in {site}; run scripts/build first")
        return 2
    pages = sorted(
        p.relative_to(site).parent.as_posix() + "/"
        for p in site.rglob("index.html")
    )
    pages = ["" if p == "./" else p for p in pages]
    shots = ROOT / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    failures: dict[str, list[str]] = {}
    # One process per palette: the machine has two cores.
    with ProcessPoolExecutor(len(PALETTES)) as pool:
        jobs = [pool.submit(check_palette, site, pages, p, shots) for p in PALETTES]
        for job in jobs:
            failures.update(job.result())
    for where, problems in failures.items():
        print(f"\n{where}:")
        for problem in problems:
            print(f"  - {problem}")
    views = len(pages) * len(PALETTES)
    failed = sum(1 for where in failures if where.startswith("/"))
    print(f"\ncheck-site: {len(pages)} pages x {len(PALETTES)} palettes; screenshots in "
          f"{os.path.relpath(shots)}")  # fmt: skip
    if any(not where.startswith("/") for where in failures):
        print("check-site: pages made requests to other hosts (listed above)")
    print(f"check-site: {views - failed} passed, {failed} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
