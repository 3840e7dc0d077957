"""The MkDocs plugin that wires the machinery to the build (``plugins: [bookkit]``).

The code runs in the Markdown extension (``bookkit.markdown``); this plugin
does what only MkDocs can:

- names each page for the extension, and gives it the execution cache:
  read and written while serving, only written by a build, which is always
  cold (``bookkit.cache`` says when the offline copy may read it);
- runs the pages' code side by side, one process per page and per core,
  before MkDocs renders them (``bookkit.parallel``);
- expands ``chapters/*.md`` in the nav to the chapters that exist (and, with
  ``BOOK_ONLY=03,04``, to only those while drafting);
- under each chapter's (and guide's) title, links its notebook and script (generated from
  the page and its run, ``bookkit.downloads``) and, with ``REPO_URL`` set, an
  "Open in Colab" link; at its foot, the provenance footer;
- fills ``<div class="claims-ledger"></div>`` with every claim of the book;
- keeps measured times (``<span class="nn-volatile">``) out of the search
  index, so that two clean builds differ only inside those spans, and the
  figures' SVG and the widgets' data too (nothing a reader searches for);
- builds the offline copy's search with the iframe-worker shim;
- mends the links of the whole book's print page (``bookkit.printpage``).
"""

from __future__ import annotations

import html
import logging
import os
import re
import shutil
import sys
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from . import downloads, parallel, printpage, provenance
from .cache import ROOT, ExecutionCache
from .markdown import Book, PageSource

log = logging.getLogger("mkdocs.plugins.bookkit")

EXTENSION = "bookkit.markdown"
LEDGER = '<div class="claims-ledger"></div>'
SHIM = "assets/javascripts/iframe-worker-shim.js"
VOLATILE = re.compile(r'(<span class="nn-volatile">)(.*?)(</span>)', re.S)
# what the search plugin does not see: drawings and widget data (put back after it ran)
UNSEARCHED = re.compile(r"<svg\b.*?</svg>|(?<=data-nn-spec=')[^']*", re.S)


class BookConfig(Config):
    offline = c.Type(bool, default=False)
    """Build the copy that works from a folder on disk (``scripts/build --offline``)."""
    iframe_worker = c.Type(str, default="")
    """The iframe-worker shim (``shim/index.js``) that lets search run from disk."""
    only = c.Type(str, default="")
    """Chapters to build while drafting, by number prefix: ``"03,04"`` (default: ``$BOOK_ONLY``)."""
    cache = c.Type(bool, default=True)
    """Keep the execution cache (read only when serving; see ``bookkit.cache``)."""
    cache_dir = c.Type(str, default=".cache/book")
    """Where the cache lives, relative to the repository."""
    colab_branch = c.Type(str, default="notebooks")
    """The branch of ``repo_url`` that holds the generated notebooks, for Colab."""


class BookPlugin(BasePlugin[BookConfig]):
    """See the module docstring."""

    def __init__(self):
        self.serving = self.dirty = False
        self.served_with = None  # what the last serve rebuild computed with
        self.book = Book()
        self.downloads: dict[str, tuple[File, File]] = {}
        self.in_nav: set[str] = set()
        self.volatile: dict[str, list] = {}
        self.unsearched: dict[str, list] = {}
        self.files = None
        self.disk_cache: ExecutionCache | None = None
        self.ahead: parallel.RunsAhead | None = None

    # --- set-up ----------------------------------------------------------------

    def on_startup(self, *, command, dirty) -> None:
        self.serving, self.dirty = command == "serve", dirty

    def on_config(self, config):
        os.environ.setdefault("MPLBACKEND", "Agg")
        if EXTENSION not in config.markdown_extensions:
            raise PluginError(f"the bookkit plugin needs '{EXTENSION}' in markdown_extensions")
        self.book = Book()
        if self.config.cache:
            # serving reads and writes it; a build only writes it (it runs every
            # page cold), except the offline copy made right after one (cache.py)
            reuse = os.environ.get("BOOK_REUSE_RUNS") == "1"
            self.disk_cache = ExecutionCache(
                ROOT / self.config.cache_dir, read=self.serving or reuse
            )
        self.book.cache = self.disk_cache
        config.mdx_configs.setdefault(EXTENSION, {})["book"] = self.book
        config.nav = self._expand_nav(config.nav, Path(config.docs_dir))
        if self.config.offline:
            # instant navigation fetches pages, which browsers refuse for file:// URLs
            features = config.theme["features"]
            config.theme["features"] = [
                f for f in features if not f.startswith("navigation.instant")
            ]
            # search runs in a web worker, which needs the iframe-worker shim from
            # disk; Material's offline plugin would otherwise load it from a CDN
            polyfills = [p for p in config.extra.get("polyfills", []) if "iframe-worker" not in p]
            config.extra["polyfills"] = [*polyfills, SHIM]
        return config

    def on_pre_build(self, config) -> None:
        """While serving, forget the imported package: the next run sees its edits.

        ``scripts/serve`` serves with ``--dirty``: only pages whose file changed
        are rendered again. An edit to the package, the lock or the machinery
        changes every page, so then the whole site is rendered again.
        """
        if self.serving:
            for name in list(sys.modules):
                if name.split(".")[0] == "nnscratch":
                    del sys.modules[name]
            base = self.disk_cache.base if self.disk_cache is not None else None
            if self.dirty and self.served_with not in (None, base):
                log.info("bookkit: the package, the lock or the machinery changed: every page")
                for child in Path(config.site_dir).iterdir():
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
            self.served_with = base
        self.book.runs.clear()

    # --- files and nav -------------------------------------------------------------

    def _excluded(self, src_uri: str) -> bool:
        chosen = self.config.only or os.environ.get("BOOK_ONLY", "")
        only = [part.strip() for part in chosen.split(",") if part.strip()]
        name = Path(src_uri).name
        return bool(only) and _is_chapter(src_uri) and not name.startswith(tuple(only))

    def _expand_nav(self, nav, docs_dir: Path):
        """Replace ``Section: dir/*.md`` by the files that exist, in name order."""
        if isinstance(nav, list):
            items = (self._expand_nav(item, docs_dir) for item in nav)
            return [item for item in items if item not in ([], {})]
        if isinstance(nav, dict):
            items = {key: self._expand_nav(value, docs_dir) for key, value in nav.items()}
            return {key: value for key, value in items.items() if value != []}
        if isinstance(nav, str) and "*" in nav:
            found = (p.relative_to(docs_dir).as_posix() for p in docs_dir.glob(nav))
            return sorted(uri for uri in found if not self._excluded(uri))
        return nav

    def on_files(self, files, config):
        self.files = files
        self.downloads.clear()
        for file in list(files):
            if self._excluded(file.src_uri):
                files.remove(file)
            elif _has_downloads(file.src_uri):
                # written once the page has run (on_page_content), copied after all pages ran
                stem = Path(file.src_uri).stem
                pair = tuple(
                    File.generated(config, f"downloads/{stem}.{ext}", content="")
                    for ext in ("ipynb", "py")
                )
                for generated in pair:
                    files.append(generated)
                self.downloads[file.src_uri] = pair
        self._run_ahead(files)
        return files

    def _run_ahead(self, files) -> None:
        """Start every page's code in the worker processes (``bookkit.parallel``)."""
        self._stop_workers()
        self.ahead = parallel.RunsAhead(self.disk_cache)
        self.book.cache = self.ahead
        pages = [
            (f.src_uri, Path(f.abs_src_path), Path(os.path.relpath(f.abs_src_path, ROOT)))
            for f in files.documentation_pages()
        ]
        try:
            processes = parallel.jobs()
        except ValueError as error:
            raise PluginError(str(error)) from None
        self.ahead.start(pages, processes)

    def _stop_workers(self) -> None:
        if self.ahead is not None:
            self.ahead.close()
        self.ahead = None
        self.book.cache = self.disk_cache

    def on_build_error(self, *, error) -> None:
        self._stop_workers()

    def on_nav(self, nav, config, files):
        self.in_nav = {page.file.src_uri for page in nav.pages}
        return nav

    # --- pages ---------------------------------------------------------------------

    def on_page_markdown(self, markdown, page, config, files):
        raw = Path(page.file.abs_src_path).read_text(encoding="utf-8")
        # MkDocs took the front matter off: the extension maps lines back to the file
        offset = parallel.lines_before(raw, markdown)
        path = Path(os.path.relpath(page.file.abs_src_path, ROOT))
        self.book.current = PageSource(page.file.src_uri, path, offset)
        return markdown

    def on_page_content(self, content, page, config, files):
        self.book.current = None
        content = content.replace("<p></p>", "")  # left by blocks that print nothing
        run = self.book.runs.get(page.file.src_uri)
        if run is None or page.file.src_uri not in self.downloads:
            return content
        notebook, script = self.downloads[page.file.src_uri]
        source = Path(page.file.abs_src_path).read_text(encoding="utf-8")
        site = config.site_url or ""
        notebook.content_string = downloads.notebook(
            source, run, page_url=site + page.url, site_url=site, repo_url=config.repo_url
        )
        script.content_string = downloads.script(
            source, run, title=page.title or page.file.name, page_url=site + page.url, site_url=site
        )
        links = _download_links(page, notebook, script, config.repo_url, self.config.colab_branch)
        content = re.sub(r"(</h1>)", r"\1\n" + links.replace("\\", r"\\"), content, count=1)
        footer = provenance.footer(len(run.blocks), run.prompts, len(run.claims), run.seconds)
        return content + "\n" + footer

    @event_priority(100)  # before the search plugin indexes the page
    def on_page_context(self, context, page, config, nav):
        if LEDGER in page.content:
            page.content = page.content.replace(LEDGER, self._ledger(page, config))
        self.volatile[page.file.src_uri] = VOLATILE.findall(page.content)
        page.content = VOLATILE.sub(r"\1\3", page.content)
        hidden = self.unsearched[page.file.src_uri] = UNSEARCHED.findall(page.content)
        counter = iter(range(len(hidden)))
        page.content = UNSEARCHED.sub(lambda m: f"nn-unsearched-{next(counter)}", page.content)
        return context

    def on_post_page(self, output, page, config):
        hidden = self.unsearched.pop(page.file.src_uri, [])
        output = re.sub(r"nn-unsearched-(\d+)", lambda m: hidden[int(m[1])], output)
        spans = iter(self.volatile.pop(page.file.src_uri, []))
        return VOLATILE.sub(lambda m: "".join(next(spans, (m[1], m[2], m[3]))), output)

    @event_priority(-100)  # after print-site has written the print page
    def on_post_build(self, config) -> None:
        self._stop_workers()
        printpage.mend(config, self.files)
        if not self.config.offline:
            return
        source = Path(self.config.iframe_worker or "-")
        if not source.is_file():
            log.warning(
                "offline build: iframe_worker must name iframe-worker's shim/index.js "
                "(scripts/build --offline fetches it with npm); search would not work"
            )
            return
        target = Path(config.site_dir) / SHIM
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())

    # --- the claims page -------------------------------------------------------------

    def _ledger(self, page, config) -> str:
        rows = []
        runs = sorted(self.book.runs.items(), key=lambda item: _reading_order(item[0]))
        for src_uri, run in runs:
            if src_uri not in self.in_nav:
                continue  # a writers' page (the sample page): not the book's claims
            target = self.files.get_file_from_path(src_uri)
            for claim in run.claims:
                title = target.page.title if target is not None and target.page else src_uri
                href = get_relative_url(target.url, page.url) if target else ""
                href += f"#{claim.anchor}" if claim.anchor else ""
                rows.append(
                    f'<tr class="claim-{claim.kind}"><td><a href="{html.escape(href)}">'
                    f"{html.escape(title)}</a></td><td>{html.escape(claim.text)}</td>"
                    f"<td>{claim.kind}</td><td><code>{html.escape(claim.check)}</code></td>"
                    f"<td>{html.escape(claim.measured)}</td></tr>"
                )
        if not rows:
            return "<p>No page registers a claim yet.</p>"
        head = "".join(f"<th>{h}</th>" for h in ("Page", "Claim", "Kind", "Checked", "Measured"))
        return (
            f'<table class="claims"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(rows)
            + "</tbody></table>"
        )


def _is_chapter(src_uri: str) -> bool:
    return src_uri.startswith("chapters/") and src_uri.endswith(".md")


def _has_downloads(src_uri: str) -> bool:
    """Chapters and guides come as a notebook and a script too."""
    return src_uri.startswith(("chapters/", "guides/")) and src_uri.endswith(".md")


def _reading_order(src_uri: str) -> tuple:
    return (not _is_chapter(src_uri), src_uri)


def _download_links(page, notebook: File, script: File, repo_url: str | None, branch: str) -> str:
    nb = get_relative_url(notebook.url, page.url)
    py = get_relative_url(script.url, page.url)
    parts = [
        f'<a href="{nb}" download="{Path(notebook.dest_uri).name}">notebook</a>',
        f'<a href="{py}" download="{Path(script.dest_uri).name}">Python script</a>',
    ]
    if repo_url:
        repo = re.sub(r"^https?://github\.com/", "", repo_url.rstrip("/"))
        colab = f"https://colab.research.google.com/github/{repo}/blob/{branch}/{Path(notebook.dest_uri).name}"
        parts.append(f'<a href="{html.escape(colab)}">open in Colab</a>')
    return f'<p class="nn-downloads">Run this chapter yourself: {" · ".join(parts)}</p>'
