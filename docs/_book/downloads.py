"""Turn a chapter's Markdown source into a Jupyter notebook and a plain script.

Prose becomes Markdown cells (comments in the script); every executed block
becomes a code cell, hidden assertions included, so a reader who downloads a
chapter runs exactly what the build ran. ``pycon`` blocks lose their prompts
and expected output; in the script each ``>>>`` expression is printed the way
the prompt would show it.
"""

from __future__ import annotations

import json
import re
import textwrap

import bookkit

PRELUDE = '''\
# The book's pages import two small helpers from its build machinery; these
# stand-ins behave the same way outside the book.
def claim(text, *, measured, holds):
    """Fail unless the claim of the prose holds; show what was measured."""
    assert holds, f"claim does not hold: {text} (measured: {measured})"
    print(f"claim holds: {text} (measured: {measured})")


def figure(fig_or_ax, name, alt, caption=None):
    """Show a figure in a notebook, or save it as NAME.png from a script."""
    fig = getattr(fig_or_ax, "figure", fig_or_ax)
    try:
        from IPython.display import display

        display(fig)
    except ImportError:
        fig.savefig(f"{name}.png", dpi=110)
    return ""
'''

SHOW = '''\
def show(value):
    """Print a value as the Python prompt would."""
    if value is not None:
        print(repr(value))
'''

IMPORT_BOOKKIT = re.compile(r"^\s*from bookkit import [^\n]*\n?", re.M)
WEB_ONLY = (
    "*The web version of this chapter shows an explorable figure here: a slider "
    "over data the book computes when it is built. It needs the book's own page "
    "machinery, so this download leaves it out.*"
)


def _needs_the_site(code: str) -> bool:
    """Whether a block uses ``bookkit`` helpers beyond ``claim`` and ``figure``."""
    names = re.findall(r"^\s*from bookkit import ([^\n]*)", code, re.M)
    used = {n.strip() for group in names for n in group.split(",")}
    return bool(used - {"claim", "figure"})


def pycon_to_code(body: str, script: bool) -> str:
    """The statements of a ``pycon`` block, without prompts or expected output."""
    import doctest

    lines = []
    for example in doctest.DocTestParser().get_examples(body):
        source = example.source.rstrip("\n")
        if script and _is_expression(source):
            source = f"show({source}\n)"  # the newline keeps a trailing comment inside
        if example.exc_msg is not None:  # the page shows an expected error
            source = "try:\n" + textwrap.indent(source, "    ") + "\nexcept Exception as error:\n"
            source += "    print(type(error).__name__ + ':', error)"
        lines.append(source)
    return "\n".join(lines)


def _is_expression(source: str) -> bool:
    try:
        compile(source, "<pycon>", "eval")
    except SyntaxError:
        return False
    return True


def cells(markdown: str, script: bool = False) -> list[tuple[str, str]]:
    """Split a page into ``(kind, text)`` cells, kind ``"markdown"`` or ``"code"``."""
    out: list[tuple[str, str]] = []
    lines = markdown.split("\n")
    start = 0  # first line of prose not yet in a cell
    for fence in bookkit.iter_fences(markdown):
        if not (fence.lang in {"python", "pycon"} and bookkit.executes(fence.attrs)):
            continue  # an illustration: it stays in the prose
        _add_prose(out, "\n".join(lines[start : fence.line - 1]))
        start = fence.end  # the line after the closing fence (0-based)
        code = fence.body if fence.lang == "python" else pycon_to_code(fence.body, script)
        if _needs_the_site(code):
            _add_prose(out, WEB_ONLY)
            continue
        code = IMPORT_BOOKKIT.sub("", code).strip("\n")
        if code:
            out.append(("code", code))
    _add_prose(out, "\n".join(lines[start:]))
    return out


AUTOREF = re.compile(r"\[([^\]]+)\]\[[\w.]+\]")  # [Dense][nnscratch.layers.Dense]


def _add_prose(out: list, text: str) -> None:
    """Append prose as a Markdown cell, merged with a Markdown cell before it."""
    text = AUTOREF.sub(r"\1", text)  # API links point into the site
    text = re.sub(r"<!--.*?-->\n?", "", text, flags=re.S).strip("\n")  # notes to writers
    if not text.strip():
        return
    if out and out[-1][0] == "markdown":
        out[-1] = ("markdown", out[-1][1] + "\n\n" + text)
    else:
        out.append(("markdown", text))


def notebook(markdown: str) -> str:
    """A Jupyter notebook (nbformat 4) of the page, as deterministic JSON."""
    parts = [("code", PRELUDE)] + cells(markdown)

    def cell(kind: str, text: str) -> dict:
        source = text.splitlines(keepends=True)
        if kind == "markdown":
            return {"cell_type": "markdown", "metadata": {}, "source": source}
        return {"cell_type": "code", "execution_count": None, "metadata": {},
                "outputs": [], "source": source}  # fmt: skip

    book = {
        "cells": [cell(kind, text) for kind, text in parts],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(book, indent=1, ensure_ascii=False) + "\n"


def script(markdown: str, title: str) -> str:
    """A plain Python script of the page: prose as comments, code as code."""
    header = f'"""{title}\n\nA chapter of Neural Networks from Scratch, as one script."""'
    out = [header, PRELUDE.rstrip("\n"), SHOW.rstrip("\n")]
    for kind, text in cells(markdown, script=True):
        if kind == "markdown":
            out.append("\n".join(("# " + line).rstrip() for line in text.split("\n")))
        else:
            out.append(text)
    return "\n\n".join(out) + "\n"


def code_of_notebook(text: str) -> str:
    """All code cells of a notebook (JSON text), joined in order."""
    book = json.loads(text)
    return "\n\n".join("".join(c["source"]) for c in book["cells"] if c["cell_type"] == "code")
