"""A chapter as a Jupyter notebook and as a plain Python script.

Both are made from the page's source and its run (``bookkit.execute``), so
the prose quotes the numbers this build measured:

- prose becomes Markdown cells (comments in the script): admonitions and tabs
  as Markdown a notebook renders, links pointing at the hosted book, API
  references linked to their reference page;
- every executed block the reader sees becomes a code cell; a ``pycon`` block
  becomes one cell per prompt, so every value shows;
- what the page does not show the reader stays out: the book's checks
  (``claim``, ``rate``: a hidden block that only checks is left out, and
  check calls are taken out of the others) and the explorable figures, which
  need the site (a note says so);
- a figure is displayed inline in a notebook and saved as PNG by the script,
  into a folder of its own next to it;
- the notebook starts with a cell that installs ``nnscratch`` where the
  kernel lacks it (a fresh Colab), from the book's repository.

The notebook is nbformat 4.5 with cell ids, validated by ``nbformat``.
"""

from __future__ import annotations

import ast
import posixpath
import re
import textwrap

import nbformat

from .execute import PageRun
from .fences import Fence, pieces
from .stats import split_front_matter

CHECKS = {"claim", "rate"}
PAGE_HELPERS = CHECKS | {
    "figure",
    "equals",
    "near",
    "above",
    "below",
    "at_least",
    "at_most",
    "between",
    "is_true",
}
IMPORT_BOOKKIT = re.compile(r"^[ \t]*from bookkit import ([^\n]*)\n?", re.M)
WEB_ONLY = (
    "*The book's page shows an explorable figure here: a slider over data computed "
    "when the book is built. It needs the page's own machinery, so this download leaves it out.*"
)

NOTEBOOK_FIGURE = '''\
def figure(fig, name, alt, caption=None):
    """Show a figure of the book in this notebook (the book's pages inline it as SVG)."""
    import io

    from IPython.display import Image, display

    fig = getattr(fig, "figure", fig)  # an Axes or its Figure
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=110, bbox_inches="tight", facecolor="white",
                transparent=False)
    display(Image(png.getvalue()))
    return ""'''

SCRIPT_FIGURE = '''\
FIGURES = Path(__file__).resolve().with_name(Path(__file__).stem + "-figures")


def figure(fig, name, alt, caption=None):
    """Save a figure of the book as FIGURES/NAME.png (the book's pages inline it as SVG)."""
    fig = getattr(fig, "figure", fig)  # an Axes or its Figure
    FIGURES.mkdir(exist_ok=True)
    path = FIGURES / f"{name}.png"
    fig.savefig(path, dpi=110, bbox_inches="tight", facecolor="white", transparent=False)
    print(f"figure saved: {path}")
    return ""


def show(value):
    """Print a value the way the Python prompt shows it."""
    if value is not None:
        print(repr(value))'''

ADMONITION = re.compile(
    r'^(?P<indent>[ \t]*)(?P<mark>!!!|\?\?\?\+?)\s+(?P<type>[\w-]+)(?:\s+"(?P<title>[^"]*)")?\s*$'
)
TAB = re.compile(r'^(?P<indent>[ \t]*)===\+?\s+"(?P<title>[^"]*)"\s*$')
ATTR_LINE = re.compile(r"^[ \t]*\{:[^}]*\}[ \t]*$")
LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]+)\]\((?P<target>[^)\s]+)\)")
AUTOREF = re.compile(r"\[(?P<text>[^\]]+)\]\[(?P<ref>nnscratch(?:\.\w+)*)\]")


# --- prose --------------------------------------------------------------------------


def _absolute(target: str, page: str, site_url: str) -> str:
    """A link of the page as an address on the hosted book."""
    if re.match(r"^[a-z]+:|^#|^/", target):
        return target
    path, _, anchor = target.partition("#")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if resolved.endswith(".md"):
        resolved = resolved[:-3]
        resolved = "" if resolved == "index" else resolved.removesuffix("/index") + "/"
    return site_url.rstrip("/") + "/" + resolved + (f"#{anchor}" if anchor else "")


def _api_link(ref: str, site_url: str) -> str:
    """Where ``nnscratch.module.name`` is documented (one reference page per module)."""
    parts = ref.split(".")
    module = parts[1] if len(parts) > 1 else "index"
    anchor = f"#{ref}" if len(parts) > 2 else ""
    return f"{site_url.rstrip('/')}/api/{module}/{anchor}"


class _Prose:
    """Rewrites the page's prose line by line into Markdown a notebook renders."""

    def __init__(self, page: str, site_url: str):
        self.page, self.site_url = page, site_url
        self.blocks: list[int] = []  # content indents of the open admonitions and tabs
        self.quoted: list[bool] = []  # whether each is shown as a quote

    def line(self, text: str, verbatim: bool = False) -> str | None:
        if verbatim:  # a line of an illustration's fence: only the indent changes
            text = (
                text[self.blocks[-1] :]
                if self.blocks and text[: self.blocks[-1]].isspace()
                else text
            )
            return self._prefix() + text
        if not text.strip():
            return self._prefix() if self.blocks else ""
        indent = len(text) - len(text.lstrip())
        while self.blocks and indent < self.blocks[-1]:
            self.blocks.pop()
            self.quoted.pop()
        for pattern, quoted in ((ADMONITION, True), (TAB, False)):
            m = pattern.match(text)
            if m:
                title = m["title"] if m["title"] is not None else ""
                if pattern is ADMONITION and not title:
                    title = m["type"].capitalize()
                self.blocks.append(len(m["indent"]) + 4)
                self.quoted.append(quoted)
                return self._prefix() + f"**{title}**"
        if ATTR_LINE.match(text):
            return None
        text = text[self.blocks[-1] :] if self.blocks else text
        text = AUTOREF.sub(lambda m: f"[{m['text']}]({_api_link(m['ref'], self.site_url)})", text)
        text = LINK.sub(
            lambda m: f"[{m['text']}]({_absolute(m['target'], self.page, self.site_url)})", text
        )
        text = re.sub(r"\)\{[^}]*\}", ")", text)  # attr_list after a link
        return self._prefix() + text

    def _prefix(self) -> str:
        return "> " * sum(self.quoted)


def _strip_comments(text: str) -> str:
    return re.sub(r"<!--.*?-->\n?", "", text, flags=re.S)


# --- code ---------------------------------------------------------------------------


def _bookkit_names(code: str) -> set[str]:
    return {n.strip() for group in IMPORT_BOOKKIT.findall(code) for n in group.split(",")}


def _without_checks(code: str) -> str:
    """The code without its ``claim(...)``/``rate(...)`` statements and bookkit imports."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    drop: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id in CHECKS
        ):
            drop.update(range(node.lineno, node.end_lineno + 1))
    lines = [line for i, line in enumerate(code.split("\n"), start=1) if i not in drop]
    return IMPORT_BOOKKIT.sub("", "\n".join(lines)).strip("\n")


def _is_check_block(fence: Fence, run_block) -> bool:
    """A hidden block that only checks claims: it registered some and shows nothing."""
    return not fence.shows_source and run_block.claims > 0 and not run_block.output.strip()


def _pycon_cells(body: str, script: bool) -> list[str]:
    """The prompts of a pycon block as cells, without prompts or expected output.

    A cell ends after each prompt that shows something, so that in a notebook
    (which displays only a cell's last value) every value the page shows is shown.
    """
    from .pycon import examples

    cells: list[str] = []
    current: list[str] = []
    for example in examples(body):
        source = example.source.rstrip("\n")
        if script and _is_expression(source):
            source = f"show(({source}\n))"  # a tuple stays one value; a comment stays inside
        if example.exc_msg is not None:  # the page shows an expected error
            source = "try:\n" + textwrap.indent(source, "    ") + "\nexcept Exception as error:\n"
            source += "    print(type(error).__name__ + ':', error)"
        current.append(source)
        if example.want or example.exc_msg is not None:
            cells.append("\n".join(current))
            current = []
    if current:
        cells.append("\n".join(current))
    return ["\n".join(cells)] if script else cells


def _is_expression(source: str) -> bool:
    try:
        compile(source, "<pycon>", "eval")
    except SyntaxError:
        return False
    return True


def cells(
    source: str, run: PageRun, *, page_url: str = "", site_url: str = "", script: bool = False
):
    """The page as ``(kind, text)`` cells, kind ``"markdown"`` or ``"code"``.

    Args:
        source: The page's Markdown, front matter included.
        run: The page's run (its ``{{ }}`` values and what each block did).
        page_url: The page's address on the hosted book.
        site_url: The hosted book's address (links are made absolute).
        script: Cells for the script: pycon expressions are printed.
    """
    _, body, _ = split_front_matter(source)
    if run.markdown:
        body = run.markdown  # the same lines, with this build's {{ }} values
    prose = _Prose(run.page, site_url)
    out: list[tuple[str, str]] = []
    buffer: list[str] = []

    def flush():
        text = _strip_comments("\n".join(buffer)).strip("\n")
        buffer.clear()
        if text.strip():
            out.append(("markdown", re.sub(r"\n{3,}", "\n\n", text)))

    blocks = iter(run.blocks)
    all_lines = body.split("\n")
    for piece in pieces(body):
        if piece[0] == "prose":
            for line in piece[2]:
                converted = prose.line(line)
                if converted is not None:
                    buffer.append(converted)
            continue
        if not piece[1].executes:  # an illustration: it stays in the prose as it is
            fence = piece[1]
            buffer += [
                prose.line(line, verbatim=True) for line in all_lines[fence.line - 1 : fence.end]
            ]
            continue
        fence, block = piece[1], next(blocks)
        if fence.lang == "pycon":
            flush()
            out += [("code", code) for code in _pycon_cells(fence.body, script)]
            continue
        if _bookkit_names(fence.body) - PAGE_HELPERS:
            buffer.append(WEB_ONLY)
            continue
        code = _without_checks(fence.body)
        if code.strip():
            flush()
            out.append(("check" if _is_check_block(fence, block) else "code", code))
    flush()
    return _drop_checks(out)


def _names(code: str) -> tuple[set[str], set[str]]:
    """The names a piece of code binds and the names it reads."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set(), set()
    bound, read = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store) else read).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.ctx, ast.Store):
            bound.add(_base(node))  # x[k] = ... or x.a = ... changes x
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            if isinstance(node.value.func, ast.Attribute):  # x.append(...) may change x
                bound.add(_base(node.value.func))
    bound.discard(None)
    return bound, read


def _base(node) -> str | None:
    """The name at the root of ``a.b[c].d``."""
    while isinstance(node, (ast.Subscript, ast.Attribute, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _drop_checks(out: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Leave out each hidden check block, unless later code reads a name it binds."""
    kept: list[tuple[str, str]] = []
    needed: set[str] = set()
    for kind, text in reversed(out):
        if kind == "markdown":
            kept.append((kind, text))
            continue
        bound, read = _names(text)
        if kind == "check" and not bound & needed:
            continue
        kept.append(("code", text))
        needed = (needed - bound) | read
    merged: list[tuple[str, str]] = []
    for kind, text in reversed(kept):
        if merged and kind == "markdown" and merged[-1][0] == "markdown":
            merged[-1] = ("markdown", merged[-1][1] + "\n\n" + text)
        else:
            merged.append((kind, text))
    return merged


# --- the two files --------------------------------------------------------------------


def _install_cell(repo_url: str | None) -> str:
    if repo_url:
        where = f'"nnscratch[datasets] @ git+{repo_url.rstrip("/")}"'
        action = (
            f'    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", {where}],\n'
            "                   check=True)"
        )
    else:
        action = (
            '    raise ModuleNotFoundError("install nnscratch first: in a clone of the book, "\n'
            '                              "pip install -e .[datasets]")'
        )
    return (
        "# The book's package, nnscratch, installed where this kernel lacks it (a fresh Colab).\n"
        "import importlib.util\nimport subprocess\nimport sys\n\n"
        'if importlib.util.find_spec("nnscratch") is None:\n' + action
    )


def notebook(
    source: str,
    run: PageRun,
    *,
    page_url: str = "",
    site_url: str = "",
    repo_url: str | None = None,
) -> str:
    """The chapter as a Jupyter notebook (nbformat 4.5 JSON, deterministic)."""
    title = run.page
    heading = re.search(r"^# (.+)$", split_front_matter(source)[1], re.M)
    if heading:
        title = heading[1]
    intro = (
        f"*{title}*, a chapter of [Neural Networks from Scratch]({site_url or '.'}) "
        f"as a notebook. The [page]({page_url}) shows the same code with the output this "
        "build computed; run the cells in order."
    )
    parts = [("markdown", intro), ("code", _install_cell(repo_url)), ("code", NOTEBOOK_FIGURE)]
    parts += cells(source, run, page_url=page_url, site_url=site_url)
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for i, (kind, text) in enumerate(parts):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        nb.cells.append(make(text, id=f"cell-{i:03d}"))  # stable ids: two builds, same bytes
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def script(source: str, run: PageRun, *, title: str, page_url: str = "", site_url: str = "") -> str:
    """The chapter as one Python script: prose as comments, code as code."""
    header = (
        f'"""{title}\n\nA chapter of Neural Networks from Scratch as one script: {page_url}\n'
        'Figures are saved next to it, in a folder named after it."""\n\n'
        "from pathlib import Path"
    )
    out = [header, SCRIPT_FIGURE]
    for kind, text in cells(source, run, page_url=page_url, site_url=site_url, script=True):
        if kind == "markdown":
            out.append("\n".join(("# " + line).rstrip() for line in text.split("\n")))
        else:
            out.append(text)
    return "\n\n".join(out) + "\n"


def code_of_notebook(text: str) -> str:
    """All code cells of a notebook (JSON text), joined in order."""
    book = nbformat.reads(text, as_version=4)
    return "\n\n".join(c.source for c in book.cells if c.cell_type == "code")
