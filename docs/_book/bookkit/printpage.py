"""Mend the links of the print page of the whole book (``print/``).

mkdocs-print-site-plugin (mkdocs.yml) joins the pages of the book into one
and turns every link between pages into a link inside that page:
``../06-loss-functions/#the-mean`` becomes ``#chapters-06-loss-functions-the-mean``.
Two kinds of target are then missing, and ``mend`` (called by the bookkit plugin
after print-site has written the page) points them somewhere real:

- a page left out of the print page (the claims page, the API reference, whose
  symbols the chapters link to through autorefs): the link goes to that page
  of the site, relative to the print page (scripts/build-pdf makes it absolute
  in the PDF);
- an element whose id the plugin did not prefix (it prefixes only headings and
  list items: figures and claim anchors keep theirs): the link goes to it.

And the plugin prefixes the id of every ``<input>`` (for tabbed blocks), but
not the references to it: an explorable figure's play button and its output
name the slider by its old id, which is mended too (``aria-controls``,
``for``, ``aria-labelledby``, ``aria-describedby``).

A link whose target is found nowhere is left alone, and the site check
(scripts/check_site.py) reports it, as on any page.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from mkdocs.utils import get_relative_url

HREF = re.compile(r"""href=(["'])#(.*?)\1""")
REFERENCE = re.compile(r"""\s(aria-controls|aria-labelledby|aria-describedby|for)=(["'])(.*?)\2""")
ID = re.compile(r"""\s(?:id|name)=(["'])(.*?)\1""")


def _key(url: str) -> str:
    """The plugin's name for a page's section (mkdocs_print_site_plugin.urls.get_page_key)."""
    key = url.lower().strip().rstrip("/").replace(".html", "").replace("/", "-").lstrip("-")
    return key or "index"


def _ids(text: str) -> set[str]:
    return {html.unescape(found) for _, found in ID.findall(text)}


def mend(config, files) -> None:
    """Mend the print page that print-site wrote (call after its ``on_post_build``)."""
    plugin = config.plugins.get("print-site")
    if plugin is None or not plugin.config.get("enabled"):
        return
    target = Path(plugin.print_page.file.abs_dest_path)
    if not target.is_file():
        return
    text = target.read_text(encoding="utf-8")
    here = plugin.print_page.file.url
    ids = _ids(text)
    pages = [f.page for f in files.documentation_pages() if f.page is not None]
    left_out = {}  # key -> page, for pages the print page does not contain
    elsewhere = {}  # id -> page, for the ids of those pages
    for page in pages:
        key = _key(page.url)
        if key in ids:
            continue
        left_out[key] = page
        built = Path(page.file.abs_dest_path)
        if built.is_file():
            for found in sorted(_ids(built.read_text(encoding="utf-8"))):
                elsewhere.setdefault(found, page)
    keys = sorted(left_out, key=len, reverse=True) + sorted(
        (_key(p.url) for p in pages if _key(p.url) in ids), key=len, reverse=True
    )

    def link(page, anchor: str = "") -> str:
        url = get_relative_url(page.url or ".", here)
        return f'href="{html.escape(url)}{"#" + html.escape(anchor) if anchor else ""}"'

    def mend(match: re.Match) -> str:
        fragment = html.unescape(match[2])
        if fragment in ids or not fragment:
            return match[0]
        for key in keys:
            if fragment != key and not fragment.startswith(key + "-"):
                continue
            rest = fragment[len(key) + 1 :]
            if key in left_out:
                return link(left_out[key], rest)
            if rest in ids:  # an id the plugin kept as it was
                return f'href="#{html.escape(rest)}"'
            break
        if fragment in elsewhere:  # a symbol of the API reference (autorefs)
            return link(elsewhere[fragment], fragment)
        return match[0]

    # ids the plugin prefixed with a page's key, by their old name (where unique)
    renamed: dict[str, str | None] = {}
    for key in keys:
        for found in ids:
            if found.startswith(key + "-"):
                old = found[len(key) + 1 :]
                renamed[old] = None if old in renamed and renamed[old] != found else found

    def mend_reference(match: re.Match) -> str:
        names = html.unescape(match[3]).split()
        new = [n if n in ids or not renamed.get(n) else renamed[n] for n in names]
        if new == names:
            return match[0]
        return f" {match[1]}={match[2]}{html.escape(' '.join(new))}{match[2]}"

    mended = REFERENCE.sub(mend_reference, HREF.sub(mend, text))
    if mended != text:
        target.write_text(mended, encoding="utf-8")
