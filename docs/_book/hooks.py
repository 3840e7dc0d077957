"""MkDocs hooks of the book (``hooks:`` in mkdocs.yml).

- puts ``docs/_book`` on ``sys.path`` so pages can ``import bookkit``;
- starts every build afresh: markdown-exec sessions cleared and the
  ``nnscratch`` modules reloaded, so ``mkdocs serve`` picks up edits to ``src/``;
- executes ``pycon`` blocks like doctest and shows the real output; a result
  that differs from the text written in the page is a warning (fails --strict);
- checks that every executed block uses the page's session (the file's stem);
- expands ``chapters/*.md`` in the nav to the chapters that exist;
- converts arithmatex maths to MathML at build time (no JavaScript, no CDN);
- fills ``<div class="claims-ledger"></div>`` with every claim registered.
"""

from __future__ import annotations

import doctest
import html
import io
import logging
import os
import re
import sys
import time
import traceback
from contextlib import redirect_stdout
from pathlib import Path

from latex2mathml.converter import convert as latex_to_mathml
from markdown_exec import MarkdownConverter, code_block
from markdown_exec import validator as exec_validator
from mkdocs.plugins import event_priority

BOOK_DIR = Path(__file__).resolve().parent
if str(BOOK_DIR) not in sys.path:
    sys.path.insert(0, str(BOOK_DIR))

import bookkit  # noqa: E402
import downloads  # noqa: E402

log = logging.getLogger("mkdocs.plugins.book")

DOCTEST_FLAGS = (
    doctest.ELLIPSIS
    | doctest.NORMALIZE_WHITESPACE
    | doctest.register_optionflag("NUMBER")
)


def _output_checker() -> doctest.OutputChecker:
    try:  # the same checker as the page tests (it implements NUMBER)
        from sybil.evaluators.doctest import OutputChecker
    except ImportError:  # pragma: no cover - docs extra without sybil
        return doctest.OutputChecker()
    return OutputChecker()


def _sessions() -> dict:
    """markdown-exec's Python sessions (a private dict: the page's namespace)."""
    try:
        from markdown_exec._internal.formatters import python as exec_python
    except ImportError:  # markdown-exec < 1.11
        from markdown_exec.formatters import python as exec_python
    return exec_python._sessions_globals


# --- build lifecycle --------------------------------------------------------


def on_config(config, **kwargs):
    os.environ.setdefault("MPLBACKEND", "Agg")
    fences = config.mdx_configs.setdefault("pymdownx.superfences", {})
    fences.setdefault("custom_fences", []).append(
        {"name": "pycon", "class": "pycon", "validator": exec_validator,
         "format": pycon_formatter}
    )
    config.nav = _expand_nav(config.nav, Path(config.docs_dir))
    if _offline():
        # Instant navigation fetches pages, which browsers refuse for file:// URLs.
        features = config.theme["features"]
        config.theme["features"] = [f for f in features if not f.startswith("navigation.instant")]
        # Search runs in a web worker, which needs the iframe-worker shim from
        # disk; Material's offline plugin would otherwise load it from a CDN.
        polyfills = [p for p in config.extra.get("polyfills", []) if "iframe-worker" not in p]
        config.extra["polyfills"] = [*polyfills, SHIM]
    _name_pages_in_exec_warnings()
    return config


SHIM = "assets/javascripts/iframe-worker-shim.js"


def _offline() -> bool:
    return os.environ.get("BOOK_OFFLINE", "").lower() == "true"


def on_post_build(config, **kwargs):
    """Put the iframe-worker shim into the offline copy (scripts/build --offline)."""
    if not _offline():
        return
    source = Path(os.environ.get("BOOK_IFRAME_WORKER", "-"))
    if not source.is_file():
        log.warning("offline build: BOOK_IFRAME_WORKER must name iframe-worker's shim/index.js "
                    "(scripts/build --offline fetches it with npm); search will not work")
        return
    target = Path(config.site_dir) / SHIM
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(source.read_bytes())


def on_pre_build(config, **kwargs):
    """Forget everything the previous build executed (``mkdocs serve``)."""
    _sessions().clear()
    for name in list(sys.modules):
        if name.split(".")[0] == "nnscratch" or name.startswith("_code_block_"):
            del sys.modules[name]
    bookkit.CLAIMS.clear()


def on_page_markdown(markdown, page, config, **kwargs):
    bookkit.current_page = page.file.src_uri
    session = Path(page.file.src_uri).stem
    _sessions().pop(session, None)
    executed = []
    for fence in bookkit.iter_fences(markdown):
        if fence.lang in {"python", "pycon"} and bookkit.executes(fence.attrs):
            executed.append(fence)
            if fence.attrs.get("session") != session:
                log.warning(
                    "%s:%d: executed block must use session=%r (one session per "
                    "page, named after the file), found %r",
                    page.file.src_uri, fence.line, session, fence.attrs.get("session"),
                )
    # every page's claims are listed on claims.md, which links to these anchors
    markdown = _anchor_claim_blocks(markdown, executed)
    if _is_chapter(page.file.src_uri):
        markdown = _add_downloads(markdown, session) + "\n\n" + PROVENANCE + "\n"
        _state.setdefault("started", {})[page.file.src_uri] = time.perf_counter()
        _state.setdefault("executed", {})[page.file.src_uri] = executed
    return markdown


def on_page_content(html_text, page, **kwargs):
    html_text = html_text.replace("<p></p>", "")  # left by blocks that print nothing
    if PROVENANCE in html_text:
        html_text = html_text.replace(PROVENANCE, _provenance_html(page.file.src_uri))
    return _render_maths(html_text, page.file.src_uri)


# --- what a chapter adds: downloads, anchors for its claims, provenance -----


PROVENANCE = '<div class="nn-provenance"></div>'


def _is_chapter(src_uri: str) -> bool:
    return src_uri.startswith("chapters/") and src_uri.endswith(".md")


def _anchor_claim_blocks(markdown: str, executed: list) -> str:
    """Put an anchor before each python block that registers a claim.

    The id comes from the block's source (``bookkit.anchor_id``); the claims
    ledger links each claim to the anchor of the block that registered it.
    """
    lines = markdown.split("\n")
    claiming = [f for f in executed if f.lang == "python" and "claim(" in f.body]
    for fence in sorted(claiming, key=lambda f: f.line, reverse=True):
        indent = fence.indent
        anchor = f'{indent}<span id="{bookkit.anchor_id(fence.body)}"></span>'
        lines[fence.line - 1 : fence.line - 1] = [anchor, indent.rstrip()]
    return "\n".join(lines)


def _add_downloads(markdown: str, stem: str) -> str:
    """Link the chapter's notebook and script under its title."""
    notebook, script = f"{stem}.ipynb", f"{stem}.py"
    line = (
        f'Run this chapter yourself: [notebook](../downloads/{notebook}){{ download="{notebook}" }}'
        f' · [Python script](../downloads/{script}){{ download="{script}" }}\n'
        "{: .nn-downloads }"
    )
    title = re.search(r"^# .*$", markdown, re.M)
    if title is None:
        return line + "\n\n" + markdown
    return markdown[: title.end()] + "\n\n" + line + "\n" + markdown[title.end() :]


def _provenance_html(src_uri: str) -> str:
    import numpy

    import nnscratch

    executed = _state.get("executed", {}).get(src_uri, [])
    checked = sum(bookkit.prompts(fence) for fence in executed)
    claims = sum(c.page == src_uri for c in bookkit.CLAIMS)
    seconds = time.perf_counter() - _state.get("started", {}).get(src_uri, time.perf_counter())
    return (
        '<aside class="nn-provenance" aria-label="How this page was made"><p>'
        f"This page was computed when the site was built: {len(executed)} code blocks ran "
        f"({checked} printed results and {claims} claims checked) in "
        f'<span class="nn-volatile">{seconds:.1f} s</span>, with nnscratch '
        f"{nnscratch.__version__}, NumPy {numpy.__version__} and Python "
        f"{sys.version.split()[0]}.</p></aside>"
    )


# Measured wall-clock times differ from build to build. Pages wrap them in
# <span class="nn-volatile">; they are kept out of the search index (emptied
# before the search plugin reads the page, put back once the page is rendered)
# so that the reproducibility test can ignore exactly these spans.
VOLATILE = re.compile(r'(<span class="nn-volatile">)(.*?)(</span>)', re.S)


@event_priority(100)  # before the search plugin indexes the page
def on_page_context(context, page, **kwargs):
    if LEDGER in page.content:
        page.content = page.content.replace(LEDGER, _ledger_html(page))
    _state.setdefault("volatile", {})[page.file.src_uri] = VOLATILE.findall(page.content)
    page.content = VOLATILE.sub(r"\1\3", page.content)
    return context


def on_post_page(output, page, **kwargs):
    spans = iter(_state.get("volatile", {}).pop(page.file.src_uri, []))
    return VOLATILE.sub(lambda m: "".join(next(spans, (m[1], m[2], m[3]))), output)


# --- nav ---------------------------------------------------------------------


def _expand_nav(nav, docs_dir: Path):
    """Replace ``Section: dir/*.md`` by the files that exist, in name order."""
    if isinstance(nav, list):
        out = []
        for item in nav:
            item = _expand_nav(item, docs_dir)
            if item not in ([], {}):
                out.append(item)
        return out
    if isinstance(nav, dict):
        out = {}
        for key, value in nav.items():
            value = _expand_nav(value, docs_dir)
            if value != []:
                out[key] = value
        return out
    if isinstance(nav, str) and "*" in nav:
        found = (p.relative_to(docs_dir).as_posix() for p in docs_dir.glob(nav))
        return sorted(uri for uri in found if not _drafting_excludes(uri))
    return nav


# --- pycon blocks: run like doctest, show the real output, compare ---------


def pycon_formatter(src, language, css_class, options, md, **kwargs):
    session = options.get("session") or None
    namespace = _sessions()[session] if session else {}
    namespace.pop("print", None)  # markdown-exec's python blocks capture print
    page = bookkit.current_page or "<page>"
    transcript = []
    checker = _output_checker()
    for example in doctest.DocTestParser().get_examples(src, page):
        lines = example.source.rstrip("\n").split("\n")
        transcript += [">>> " + lines[0]] + ["... " + line for line in lines[1:]]
        if example.options.get(doctest.SKIP):
            transcript.append(example.want.rstrip("\n"))
            continue
        got, error = _run_example(example.source, namespace, page)
        if error is None:
            ok = checker.check_output(example.want, got, DOCTEST_FLAGS)
            shown, expected = got, example.want
        else:
            exc_line = traceback.format_exception_only(type(error), error)[-1]
            shown = got + "Traceback (most recent call last):\n  ...\n" + exc_line
            expected = example.want + (example.exc_msg or "")
            ok = example.exc_msg is not None and checker.check_output(
                example.exc_msg, exc_line, DOCTEST_FLAGS
            )
            if example.exc_msg is None:
                shown = got + "".join(traceback.format_exception(error))
        if not ok:
            log.warning(
                "%s: pycon output differs from the text\n  >>> %s\nExpected:\n%s\nGot:\n%s",
                page, lines[0], _indent(expected), _indent(shown),
            )
        if shown.strip():
            transcript.append(shown.rstrip("\n"))
    return MarkdownConverter(md).convert(code_block("pycon", "\n".join(transcript)))


def _run_example(source: str, namespace: dict, page: str):
    buffer = io.StringIO()
    error = None
    with redirect_stdout(buffer):
        try:
            exec(compile(source, f"<{page}>", "single"), namespace)  # noqa: S102
        except Exception as exc:  # noqa: BLE001 - reported or compared
            error = exc
    return buffer.getvalue(), error


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in (text.rstrip("\n") or "<nothing>").split("\n"))


def _name_pages_in_exec_warnings() -> None:
    """Prefix markdown-exec's warnings with the page being built."""
    logger = logging.getLogger("mkdocs.plugins.markdown_exec._internal.formatters.base")

    def add_page(record):
        if not str(record.msg).startswith("[page "):
            record.msg = f"[page {bookkit.current_page}] {record.msg}"
        return True

    add_page.book = True
    logger.filters = [f for f in logger.filters if not getattr(f, "book", False)]
    logger.addFilter(add_page)


# --- maths -------------------------------------------------------------------

MATH_RE = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">(?P<tex>.*?)</(?P=tag)>', re.DOTALL
)
DELIMS = (("\\(", "\\)"), ("\\[", "\\]"), ("$$", "$$"), ("$", "$"))


def _render_maths(text: str, page: str) -> str:
    def convert(match: re.Match) -> str:
        tex = html.unescape(match["tex"]).strip()
        for left, right in DELIMS:
            if tex.startswith(left) and tex.endswith(right):
                tex = tex[len(left) : -len(right)].strip()
                break
        display = "block" if match["tag"] == "div" else "inline"
        try:
            mathml = latex_to_mathml(tex, display=display)
        except Exception as exc:  # noqa: BLE001 - any failure is a page error
            log.warning("%s: cannot convert maths %r to MathML: %s", page, tex, exc)
            return match[0]
        if display == "block":
            return f'<div class="math-display">{mathml}</div>'
        return mathml

    return MATH_RE.sub(convert, text)


# --- claims ledger -------------------------------------------------------------

LEDGER = '<div class="claims-ledger"></div>'


def _drafting_excludes(src_uri: str) -> bool:
    """True for a chapter left out by ``BOOK_ONLY`` (e.g. ``BOOK_ONLY=03,04``).

    While drafting, a writer can build only their own chapters; the full build
    (without ``BOOK_ONLY``) is the one that counts.
    """
    only = [part.strip() for part in os.environ.get("BOOK_ONLY", "").split(",") if part.strip()]
    name = Path(src_uri).name
    return bool(only) and src_uri.startswith("chapters/") and not any(
        name.startswith(prefix) for prefix in only
    )


def on_files(files, config, **kwargs):
    from mkdocs.structure.files import File

    for file in list(files):
        if _drafting_excludes(file.src_uri):
            files.remove(file)
        elif _is_chapter(file.src_uri):  # its notebook and script, made from the source
            source = Path(file.abs_src_path).read_text(encoding="utf-8")
            title = re.search(r"^# (.*)$", source, re.M)
            stem = Path(file.src_uri).stem
            script = downloads.script(source, title[1] if title else stem)
            notebook = downloads.notebook(source)
            files.append(File.generated(config, f"downloads/{stem}.ipynb", content=notebook))
            files.append(File.generated(config, f"downloads/{stem}.py", content=script))
    _state["files"] = files
    return files


_state: dict = {}


def _ledger_html(page) -> str:
    from mkdocs.utils import get_relative_url

    if not bookkit.CLAIMS:
        return "<p>No page registers a claim yet.</p>"
    rows = []
    for claim in bookkit.CLAIMS:
        file = _state["files"].get_file_from_path(claim.page or "")
        if file is None or file.page is None:
            log.warning("claim registered outside a page: %r", claim.text)
            continue
        href = get_relative_url(file.url, page.url) + (f"#{claim.anchor}" if claim.anchor else "")
        rows.append(
            f'<tr><td><a href="{href}">{html.escape(file.page.title or file.name)}</a>'
            f"</td><td>{html.escape(claim.text)}</td>"
            f"<td>{html.escape(claim.measured)}</td></tr>"
        )
    return (
        '<table class="claims"><thead><tr><th>Page</th><th>Claim</th>'
        "<th>Measured at build time</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
