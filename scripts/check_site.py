"""Open every page of the built site in headless Chromium and check it.

Usage: python scripts/check_site.py [SITE_DIR] [--only chapters/10,chapters/11]
(default: site/; --only checks only the pages whose path starts so, without the PDF;
--pages checks every page but the print page and leaves the whole book out,
--book checks only the whole book: its print page and its PDF)

The site is served from 127.0.0.1 on a free port. Every page is opened in the
light and the dark palette (the palette follows the system preference, which
is emulated), and the check fails on:

- a console error, an uncaught exception, a failed request or an HTTP error;
- any request to a host other than the site's own (blocked and recorded);
- the palette not applied (data-md-color-scheme not the expected scheme);
- raw TeX left in the text, or maths the build did not convert;
- a figure (svg[role=img], img) without alt text, or an SVG figure > 150 KB;
- an internal link or anchor that does not resolve;
- on the home page, a search (typed into the search box) that lists no result;
- a serious or critical axe-core violation;
- an explorable figure (``[data-nn-widget]``, docs/javascripts/nn-widgets.js)
  that stays hidden, or whose drawing does not change when its slider is moved
  with the keyboard (ArrowRight, End) or when its play button is pressed, or
  whose value, status or button name does not follow;
- a link preview that would be wrong: an OpenGraph or Twitter meta tag missing
  or empty, a description other than the page's own (a chapter's front
  matter), a preview image or favicon that is not in the site.

Then the book as one PDF (scripts/build-pdf), once: the print page (print/)
has every chapter and every figure of the chapters, each drawn with a size
when printed; neural-networks-from-scratch.pdf is in the site, and its text
(poppler's pdftotext) has every chapter's title, in order, and every figure's
caption and most of its drawn labels. Without pdftotext (Debian/Ubuntu:
poppler-utils) that part is skipped with a notice, or is an error in CI.

Each page is opened once and checked in both palettes (the palette follows the
emulated system preference, so it switches without a reload). The palette
changes colours only, so axe-core's full audit runs in the light palette and
its colour rules (contrast, links told apart from text) in the dark one. In
highlighted code, whose thousands of token spans share a dozen looks, the
contrast rule measures one span of each look (``CONTRAST_TWINS``).
Screenshots of each page's first screen go to
build/screenshots/<page>-<palette>.jpg (with --full-pages, of the whole page,
for reading the figures; the print page always gets its first screen), and
each widget's, before and after moving its slider, to
build/screenshots/widget-<name>-<before|after>-<palette>.png.
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import threading
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from browser import CHROMIUM_ARGS, find_chromium

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = find_chromium() or "chromium"  # (not found: launching says so)
PALETTES = {"light": "default", "dark": "slate"}  # emulated scheme -> Material's
WORKERS = 2  # browsers side by side
# The print page (the whole book) takes about 8 s to load in Chromium on a core
# of its own, and several times that while scripts/test's other checks share
# the cores: longer than Playwright's default 30 s could allow.
LOAD_TIMEOUT_MS = 120_000
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
    meta: Object.fromEntries([...document.querySelectorAll(
        "meta[property^='og:'], meta[name^='twitter:'], meta[name=description]")]
      .map(m => [m.getAttribute("property") || m.getAttribute("name"), m.content])),
    canonical: document.querySelector("link[rel=canonical]")?.href ?? null,
    icon: document.querySelector("link[rel=icon]")?.href ?? null,
  };
}""".replace("MAX_SVG_BYTES", str(MAX_SVG_BYTES))
PREVIEW_TAGS = ["og:type", "og:site_name", "og:title", "og:description", "og:url", "og:image",
                "og:image:alt", "twitter:card", "twitter:title", "twitter:description",
                "twitter:image"]  # fmt: skip
PDF_NAME = "neural-networks-from-scratch.pdf"


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


def front_matter_description(rel: str) -> str | None:
    """The description in the front matter of the page's source, if it has one."""
    source = ROOT / "docs" / (rel.rstrip("/") + ".md" if rel else "index.md")
    if not source.is_file():
        return None
    found = re.match(r"---\n(.*?)\n---\n", source.read_text(encoding="utf-8"), re.S)
    line = re.search(r"^description:\s*(.+)$", found[1], re.M) if found else None
    if line is None:
        return None
    value = line[1].strip()
    if value[:1] in "\"'" and value[-1:] == value[:1]:
        value = value[1:-1].replace('\\"', '"') if value[0] == '"' else value[1:-1]
    return value


def check_meta(site: Path, base: str, rel: str, facts: dict) -> list[str]:
    """Link previews (OpenGraph, Twitter) and the favicon."""
    meta = facts["meta"]
    problems = [f"meta tag {tag} missing or empty" for tag in PREVIEW_TAGS if not meta.get(tag)]
    if meta.get("og:description") != meta.get("description"):
        problems.append("og:description is not the page's description")
    own = front_matter_description(rel)
    if own is not None and meta.get("og:description") != own:
        problems.append(f"og:description {meta.get('og:description')!r} is not the front "
                        f"matter's {own!r}")  # fmt: skip
    if facts["canonical"] and meta.get("og:url") != facts["canonical"]:
        problems.append(f"og:url {meta.get('og:url')!r} is not the canonical URL")
    image = meta.get("og:image") or ""
    if not image.startswith(("http://", "https://")):
        problems.append(f"og:image must be an absolute URL: {image!r}")
    elif target_file(site, urlparse(image).path) is None:
        problems.append(f"og:image not in the site: {image}")
    if not facts["icon"] or not facts["icon"].startswith(base):
        problems.append(f"no favicon of the site's own: {facts['icon']!r}")
    elif target_file(site, urlparse(facts["icon"]).path) is None:
        problems.append(f"favicon not in the site: {facts['icon']}")
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
        slider = root.locator("input[type=range]")
        slider.focus()
        page.keyboard.press("Home")  # from the first frame, whatever a palette before left
        root.screenshot(path=str(shots / f"widget-{name}-before-{palette}.png"))
        first, before = state(), drawing()
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


# Figures (svg[role=img]) and maths (MathML) are drawn in the page's text colour
# by construction (currentColor), which axe checks on the text around them; it
# cannot judge an SVG's text against its lines, and they double its time.
AXE_CONTEXT = {"exclude": [["svg[role=img]"], ["math"]]}
AXE_RUN = "([context, options]) => axe.run(context, options)"
# What a change of palette can change: colours. The dark palette re-runs these.
AXE_COLOUR_RULES = ["color-contrast", "link-in-text-block"]
# Highlighted code is made of token spans, thousands per page in a dozen or so
# looks: four in five of the elements whose contrast axe measures, and most of
# this check's time; the cells of a table, and what is in them, are most of the
# rest (the claims page has two thousand). The contrast ratio of a span or a
# cell follows from its colour, font size, weight, shadow and stroke, and the
# colours, images, opacity and blending of every element it is drawn on, up to
# the root (nothing else lies under it: tokens and cells do not overlap); those
# alike in all of these have the same ratio. So in each palette the contrast
# rule measures one of each look (a visible one, inside its block's or table's
# scroll box, where there is one) and passes over the others, marked
# data-contrast-twin. Every other rule sees every element.
# (tests/test_check_site.py: a low-contrast token or cell is found.)
CONTRAST_TWINS = """() => {
  document.querySelectorAll("[data-contrast-twin]")
    .forEach(e => e.removeAttribute("data-contrast-twin"));
  const chosen = new Map();  // look -> [span, shown]
  const drawnOn = new Map();  // element -> how it and its ancestors are painted
  const painted = e => {  // (the spans of a block share their ancestors: each is read once)
    if (!e) return "";
    let key = drawnOn.get(e);
    if (key === undefined) {
      const t = getComputedStyle(e);
      key = [t.backgroundColor, t.backgroundImage, t.opacity, t.mixBlendMode,
             painted(e.parentElement)].join("|");
      drawnOn.set(e, key);
    }
    return key;
  };
  for (const el of document.querySelectorAll(".highlight code *, td, td *, th, th *")) {
    const s = getComputedStyle(el);
    const key = [s.color, s.fontSize, s.fontWeight, s.textShadow, s.webkitTextStrokeWidth,
                 s.webkitTextStrokeColor, painted(el)].join("|");
    const box = el.getBoundingClientRect();
    const scroll = (el.closest(".highlight code") || el.closest(".md-typeset__scrollwrap")
                    || el.closest("table")).getBoundingClientRect();
    const shown = el.checkVisibility({visibilityProperty: true}) && box.width > 0
      && box.left >= scroll.left && box.right <= scroll.right;
    const kept = chosen.get(key);
    if (!kept || (shown && !kept[1])) {
      kept?.[0].setAttribute("data-contrast-twin", "");
      chosen.set(key, [el, shown]);
    } else el.setAttribute("data-contrast-twin", "");
  }
  return chosen.size;
}"""
AXE_SETUP = """() => axe.configure({rules: [
  {id: "color-contrast", selector: "*:not([data-contrast-twin])"}]})"""


def load_axe(page, axe: Axe) -> None:
    """Put axe-core into the page (it stays loaded when the palette changes)."""
    page.evaluate(axe.axe_script)
    page.evaluate(AXE_SETUP)


def axe_problems(page, colours_only: bool = False) -> list[str]:
    """axe-core's serious and critical violations on the page, as it looks now."""
    page.evaluate(CONTRAST_TWINS)  # in the palette shown: the looks are its colours
    options = {"resultTypes": ["violations"]}
    if colours_only:
        options["runOnly"] = {"type": "rule", "values": AXE_COLOUR_RULES}
    results = page.evaluate(AXE_RUN, [AXE_CONTEXT, options])
    problems = []
    for violation in results["violations"]:
        if violation["impact"] in {"serious", "critical"}:
            nodes = "; ".join(
                n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                for n in violation["nodes"][:3]
            )
            problems.append(f"axe {violation['impact']}: {violation['id']} "
                            f"({violation['help']}) at {nodes}")  # fmt: skip
    return problems


SCHEME = "scheme => document.body.getAttribute('data-md-color-scheme') === scheme"


def check_page(
    page, axe: Axe, site: Path, base: str, rel: str, shots: Path, full_pages: bool = False
) -> dict:
    """Open one page once and check it in every palette: {palette: [problems]}.

    The palette follows the emulated system preference, so switching it needs no
    reload. The print page (the whole book) is made of the pages checked one by
    one: it gets no second accessibility audit, and its links, figures and PDF
    are checked by ``check_book_pdf``.
    """
    events: list[str] = []
    page.on("console", lambda m: m.type == "error" and events.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: events.append(f"page error: {e}"))
    # (a request still under way when the check closes the page is aborted: not a failure)
    page.on(
        "requestfailed",
        lambda r: (
            base in r.url
            and "ERR_ABORTED" not in (r.failure or "")
            and events.append(f"request failed: {r.url} ({r.failure})")
        ),
    )
    page.on("response", lambda r: r.status >= 400 and events.append(
        f"HTTP {r.status}: {r.url}"))  # fmt: skip
    url = base + rel
    whole_book = rel == "print/"
    page.emulate_media(color_scheme="light")
    page.goto(url, wait_until="load", timeout=LOAD_TIMEOUT_MS)
    if page.locator("[data-nn-widget]").count():
        page.wait_for_function(WIDGETS_READY, timeout=15_000)
    if not whole_book:
        load_axe(page, axe)  # once: it stays loaded when the palette changes
    out: dict[str, list[str]] = {}
    # the print page is for printing: light only, as the PDF is
    palettes = {"light": PALETTES["light"]} if whole_book else PALETTES
    for palette, scheme in palettes.items():
        problems = list(events) if palette == "light" else []
        seen = len(events)
        page.emulate_media(color_scheme=palette)
        try:  # (on the print page, one frame can take seconds while the cores are shared)
            page.wait_for_function(SCHEME, arg=scheme, timeout=LOAD_TIMEOUT_MS)
        except PlaywrightTimeout:
            problems.append(f"palette not applied: scheme is not {scheme!r}")
        facts = page.evaluate(PAGE_FACTS)
        if facts["unconverted"]:
            problems.append(f"{facts['unconverted']} maths elements left unconverted")
        for match in sorted(set(RAW_TEX.findall(facts["text"]))):
            problems.append(f"raw TeX visible in the text: {match!r}")
        if palette == "light":  # what does not depend on the palette, once
            problems += [f"figure without alt text: {html}" for html in facts["unlabelled"]]
            problems += [f"SVG figure over 150 KB: {label}" for label in facts["big_svgs"]]
            problems += check_links(site, base, urlparse(url).path, facts)
            problems += check_meta(site, base, rel, facts)
        if not whole_book:
            problems += axe_problems(page, colours_only=palette != "light")
        name = rel.strip("/").replace("/", "-") or "index"
        page.evaluate("window.scrollTo(0, 0)")  # the header and sidebars where they belong
        # the print page is too long for one picture: its first screen
        full = full_pages and not whole_book
        page.screenshot(path=str(shots / f"{name}-{palette}.jpg"), full_page=full,
                        type="jpeg", quality=85)  # fmt: skip
        if not whole_book:
            problems += check_widgets(page, palette, shots)
        problems += events[seen:]  # console errors while switching and driving widgets
        out[palette] = problems
    return out


# --- the book as one PDF ---------------------------------------------------------------


class _Chapter(HTMLParser):
    """A chapter page's title (its h1) and its figures: id, caption, drawn labels."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.figures: list[dict] = []
        self._in: list[str] = []  # what the parser is inside of: h1, figure, caption, text, math

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h1" and not self.title:
            self._in.append("h1")
        elif tag == "a" and "h1" in self._in:
            self._in.append("a")
        elif tag == "figure" and "book-figure" in (attrs.get("class") or "").split():
            self.figures.append({"id": attrs.get("id"), "caption": [""], "labels": []})
            self._in.append("figure")
        elif self.figures and self._in[-1:] == ["figure"] and tag in ("figcaption", "text"):
            self._in.append(tag)
            if tag == "text":
                self.figures[-1]["labels"].append("")
        elif tag == "math" and self._in[-1:] == ["figcaption"]:
            self._in.append("math")
            self.figures[-1]["caption"].append("")  # text on each side of the maths

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        where = self._in[-1:]
        if where == ["h1"]:
            self.title += data
        elif where == ["figcaption"]:
            self.figures[-1]["caption"][-1] += data
        elif where == ["text"]:
            self.figures[-1]["labels"][-1] += data


def chapters_of(site: Path) -> list[tuple[str, _Chapter]]:
    chapters = []
    for page in sorted((site / "chapters").glob("*/index.html")):
        parser = _Chapter()
        parser.feed(page.read_text(encoding="utf-8"))
        chapters.append((page.parent.name, parser))
    return chapters


def letters(text: str) -> str:
    """Text reduced to its letters and digits: how PDF text and page text are compared
    (lines, spaces, ligatures and the minus sign of the figures set aside)."""
    text = unicodedata.normalize("NFKC", html.unescape(text)).replace("\u2212", "-")
    return "".join(c for c in text.casefold() if c.isalnum())


PRINT_FIGURES = """() => [
  ...document.querySelectorAll("#print-site-page figure.book-figure")].map(f => {
  const drawing = f.querySelector("svg, img");
  const box = drawing ? drawing.getBoundingClientRect() : {width: 0, height: 0};
  return {id: f.id, width: box.width, height: box.height};
}).concat([...document.querySelectorAll("#print-site-page [data-nn-widget]")].map(w => ({
  id: w.id, width: w.hidden ? 0 : w.getBoundingClientRect().width,
  height: w.hidden ? 0 : w.getBoundingClientRect().height})))"""


WIDGETS_READY = """() => [...document.querySelectorAll("[data-nn-widget]")]
  .every(w => w.dataset.nnReady === "true")"""


def as_printed(page, base: str, loaded: bool = False) -> None:
    """Show the print page in print media (opening it, unless ``loaded``), and wait
    until the network is idle and its explorable figures have drawn."""
    page.emulate_media(media="print")
    if not loaded:
        # "load" first: the page is long, and can be still parsing when the
        # network has been idle for networkidle's half second
        page.goto(base + "print/", wait_until="load", timeout=LOAD_TIMEOUT_MS)
    page.wait_for_load_state("networkidle")
    page.wait_for_function(WIDGETS_READY, timeout=15_000)


def print_figures(page) -> dict[str, dict]:
    """The figures of the print page loaded in ``page``, as printed: {id: its box}."""
    return {f["id"]: f for f in page.evaluate(PRINT_FIGURES)}


def check_print_page(site: Path, chapters, drawn: dict[str, dict] | None = None) -> list[str]:
    """The print page has every chapter and figure, each drawn with a size in print.

    ``drawn`` is ``print_figures`` of the page as the PDF printed it
    (``build_pdf.py --check``); without it the page is loaded here, in print media.
    """
    problems = []
    text = (site / "print" / "index.html").read_text(encoding="utf-8")
    for name, chapter in chapters:
        if f'id="chapters-{name}"' not in text:
            problems.append(f"print page: chapter {chapter.title!r} missing")
    if drawn is None:
        server, base = serve(site)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page()
                as_printed(page, base)
                drawn = print_figures(page)
                browser.close()
        finally:
            server.shutdown()
    for name, chapter in chapters:
        for figure in chapter.figures:
            box = drawn.get(figure["id"])
            if box is None:
                problems.append(f"print page: figure {figure['id']} of {name} missing")
            elif box["width"] < 50 or box["height"] < 50:
                problems.append(f"print page: figure {figure['id']} printed at "
                                f"{box['width']:.0f} x {box['height']:.0f} px")  # fmt: skip
    problems += [f"print page: explorable figure {i} hidden or without a size"
                 for i, box in drawn.items() if i and i.startswith("widget-")
                 and (box["width"] < 50 or box["height"] < 50)]  # fmt: skip
    return problems


def pdf_tools() -> bool:
    return all(shutil.which(tool) for tool in ("pdftotext", "pdfinfo"))


def check_pdf(site: Path, chapters) -> tuple[list[str], str]:
    """The PDF in the site: every chapter title in order, every figure's caption and
    most of its labels in its text. Returns the problems and a line saying what it has."""
    pdf = site / PDF_NAME
    if not pdf.is_file():
        return [f"{PDF_NAME} is not in the site (make it with scripts/build-pdf)"], ""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)[1])
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    text = letters(raw)
    problems, at, figures = [], 0, 0
    for _, chapter in chapters:
        title = letters(chapter.title)
        found = text.find(title, at)
        if not title or found < 0:
            where = "out of order" if title and title in text else "missing"
            problems.append(f"PDF: chapter title {chapter.title.strip()!r} {where}")
            continue
        at = found + len(title)
        for figure in chapter.figures:
            figures += 1
            for part in figure["caption"]:
                if len(letters(part)) >= 12 and letters(part) not in text:
                    quoted = part.strip()[:60]
                    problems.append(f"PDF: caption of {figure['id']} missing ({quoted!r})")
            labels = {letters(label) for label in figure["labels"]}
            labels = {label for label in labels if sum(c.isalpha() for c in label) >= 3}
            drawn = [label for label in labels if label in text]
            if labels and len(drawn) * 2 < len(labels):
                problems.append(f"PDF: figure {figure['id']} not drawn: {len(drawn)} of its "
                                f"{len(labels)} labels in the text")  # fmt: skip
    size = pdf.stat().st_size / 1e6
    summary = (f"{PDF_NAME}: {pages} pages, {size:.1f} MB, {len(chapters)} chapters, "
               f"{figures} figures")  # fmt: skip
    if pages < 2 * len(chapters):
        problems.append(f"PDF: only {pages} pages for {len(chapters)} chapters")
    return problems, summary


def check_book_pdf(site: Path, drawn: dict[str, dict] | None = None) -> tuple[dict, str]:
    """The print page and the PDF; returns {where: problems} and what was checked.

    ``drawn``: the print page's figures as the PDF printed them (``print_figures``).
    """
    chapters = chapters_of(site)
    if not (site / "print" / "index.html").is_file():
        return {"the whole book": ["no print page (print/): is print-site in mkdocs.yml?"]}, ""
    failures = {}
    problems = check_print_page(site, chapters, drawn)
    if problems:
        failures["the print page (print/)"] = problems
    if not pdf_tools():
        if os.environ.get("CI") == "true":
            failures[PDF_NAME] = ["pdftotext/pdfinfo (poppler-utils) not found, and CI=true"]
            return failures, ""
        return failures, (f"{PDF_NAME}: SKIPPED, the PDF check needs pdftotext and pdfinfo "
                          "(Debian/Ubuntu: sudo apt-get install poppler-utils)")  # fmt: skip
    problems, summary = check_pdf(site, chapters)
    if problems:
        failures[PDF_NAME] = problems
    return failures, summary


# Material's search builds its index from the whole site's text in a web worker,
# on every page that is loaded anew: about a second of a core per page, the
# same work for every page. The home page gets the site's index and a search;
# every other page gets the same index with no documents, which its worker
# builds at once, and is otherwise served as it is.
SEARCH_INDEX = "search/search_index.json"
SEARCH_QUERY = "backpropagation"


def empty_search_index(site: Path) -> str | None:
    """The site's search index with no documents (None for a site without an index,
    which is then served as it is: each page reports the 404)."""
    index = site / SEARCH_INDEX
    if not index.is_file():
        return None
    return json.dumps({**json.loads(index.read_text("utf-8")), "docs": []})


def serve_empty_search_index(page, base: str, empty_index: str) -> None:
    """Give ``page`` the index of no documents (a page's route comes before its context's)."""
    page.route(base + SEARCH_INDEX, lambda r: r.fulfill(
        status=200, content_type="application/json", body=empty_index))  # fmt: skip


def search_results(page, query: str, timeout_ms: int) -> int:
    """Type ``query`` into the page's search box; how many results it lists (0: none
    within ``timeout_ms``)."""
    page.locator(".md-search__input").click()
    page.keyboard.type(query, delay=30)  # search listens to key presses
    try:
        page.wait_for_selector(".md-search-result__item", timeout=timeout_ms)
    except PlaywrightTimeout:
        return 0
    return page.locator(".md-search-result__item").count()


def check_pages(site: Path, pages, shots: Path, full_pages: bool = False) -> dict:
    """Open each page (once, in both palettes); return {where: [problems]}.

    ``pages`` is a queue shared with the other browsers: each takes the next
    page when it is done with one, so that they finish together, and stops at
    ``None``. Only the home page gets the search index's documents
    (``SEARCH_INDEX``).
    """
    server, base = serve(site)
    axe = Axe()
    foreign: list[str] = []
    failures: dict[str, list[str]] = {}

    empty_index = empty_search_index(site)

    def route(r):
        if r.request.url.startswith((base, "data:")):
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort()

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.route("**/*", route)
            for rel in iter(pages.get, None):
                home = rel == ""
                page = context.new_page()
                if empty_index and not home:
                    serve_empty_search_index(page, base, empty_index)
                results = check_page(page, axe, site, base, rel, shots, full_pages)
                if home and not search_results(page, SEARCH_QUERY, LOAD_TIMEOUT_MS):
                    results["light"].append(f"search for {SEARCH_QUERY!r} listed no result")
                page.close()
                for palette, problems in results.items():
                    if problems:
                        failures[f"/{rel} ({palette})"] = problems
                    print(f"  {'FAIL' if problems else 'ok  '} /{rel} ({palette})", flush=True)
            browser.close()
    finally:
        server.shutdown()
    if foreign:
        failures["requests to other hosts"] = sorted(set(foreign))
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", nargs="?", default=str(ROOT / "site"))
    parser.add_argument(
        "--only", default="",
        help="only the pages whose path starts with one of these (e.g. chapters/10,chapters/11)",
    )  # fmt: skip
    parser.add_argument(
        "--full-pages", action="store_true",
        help="screenshots of whole pages (for looking at every figure), not first screens",
    )  # fmt: skip
    part = parser.add_mutually_exclusive_group()
    part.add_argument("--pages", action="store_true", help="the pages, not the whole book")
    part.add_argument("--book", action="store_true", help="only the whole book: print page, PDF")
    args = parser.parse_args()
    site = Path(args.site).resolve()
    if not (site / "index.html").is_file():
        print(f"check-site: no built site in {site}; run scripts/build first")
        return 2
    pages = sorted(p.relative_to(site).parent.as_posix() + "/" for p in site.rglob("index.html"))
    pages = ["" if p == "./" else p for p in pages]
    only = tuple(part.strip().strip("/") for part in args.only.split(",") if part.strip())
    if only:
        pages = [p for p in pages if p.startswith(only)]
        if not pages:
            parser.error(f"--only: no page of {site} starts with any of {list(only)}")
    shots = ROOT / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    failures: dict[str, list[str]] = {}
    if args.book:
        if only:
            parser.error("--only chooses pages; --book checks only the whole book")
        pages = [p for p in pages if p == "print/"]
    elif args.pages:  # (the print page is the whole book's: --book, or build-pdf --check)
        pages = [p for p in pages if p != "print/"]
    whole_book = not (only or args.pages)  # its print page and its PDF
    # The pages shared between two browsers, one per core, each taking the next
    # page from one queue (then None: stop); the print page (the longest) first.
    pages.sort(key=lambda rel: rel != "print/")
    if pages:
        with multiprocessing.Manager() as manager, ProcessPoolExecutor(WORKERS) as pool:
            todo, browsers = manager.Queue(), min(WORKERS, len(pages))
            for rel in [*pages, *[None] * browsers]:
                todo.put(rel)
            jobs = [pool.submit(check_pages, site, todo, shots, args.full_pages)
                    for _ in range(browsers)]  # fmt: skip
            for job in jobs:
                failures.update(job.result())
    book, book_summary = check_book_pdf(site) if whole_book else ({}, "")
    failures.update(book)
    for where, problems in failures.items():
        print(f"\n{where}:")
        for problem in problems:
            print(f"  - {problem}")
    views = len(pages) * len(PALETTES) - ("print/" in pages)  # the print page: light only
    failed = sum(1 for where in failures if where.startswith("/"))
    if pages:
        print(f"\ncheck-site: {len(pages)} pages x {len(PALETTES)} palettes; screenshots in "
              f"{os.path.relpath(shots)}")  # fmt: skip
    if any(not where.startswith("/") for where in failures):
        print("check-site: pages made requests to other hosts (listed above)")
    if book_summary:
        print(f"check-site: {book_summary}")
    failed += len(book)
    views += whole_book
    print(f"check-site: {views - failed} passed, {failed} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
