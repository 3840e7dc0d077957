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
    _name_pages_in_exec_warnings()
    return config


def on_pre_build(config, **kwargs):
    """Forget everything the previous build executed (``mkdocs serve``)."""
    _sessions().clear()
    for name in list(sys.modules):
        if name.split(".")[0] == "nnscratch" or name.startswith("_code_block_"):
            del sys.modules[name]
    bookkit.CLAIMS.clear()


def on_page_markdown(markdown, page, **kwargs):
    bookkit.current_page = page.file.src_uri
    session = Path(page.file.src_uri).stem
    _sessions().pop(session, None)
    for fence in bookkit.iter_fences(markdown):
        if fence.lang in {"python", "pycon"} and bookkit.executes(fence.attrs):
            if fence.attrs.get("session") != session:
                log.warning(
                    "%s:%d: executed block must use session=%r (one session per "
                    "page, named after the file), found %r",
                    page.file.src_uri, fence.line, session, fence.attrs.get("session"),
                )
    return markdown


def on_page_content(html_text, page, **kwargs):
    html_text = html_text.replace("<p></p>", "")  # left by blocks that print nothing
    return _render_maths(html_text, page.file.src_uri)


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


def on_files(files, **kwargs):
    for file in list(files):
        if _drafting_excludes(file.src_uri):
            files.remove(file)
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
        href = get_relative_url(file.url, page.url)
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
