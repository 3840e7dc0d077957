"""The one fence parser: which blocks of a page exist, and which of them run.

The build (``bookkit.markdown``), the downloads (``bookkit.downloads``), the
page tests (``bookkit.pytest_plugin``) and the statistics on the how-built
page all read a page through ``iter_fences`` and ``executes``; nothing else
decides which code runs.

A fence opens with three or more backticks (or tildes), a language and
attributes, at any indentation (inside an admonition, a tab or a list item),
and closes with a line of the same character, at least as long. Fences inside
a fence are part of its body.

Examples:
    >>> page = 'Text\\n\\n```python exec="on" session="p"\\nx = 1\\n```\\n'
    >>> [(f.lang, f.attrs, f.body, f.line, f.end) for f in iter_fences(page)]
    [('python', {'exec': 'on', 'session': 'p'}, 'x = 1', 3, 5)]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

FENCE_RE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w-]+)(?P<attrs>[^\n]*)$"
)
ATTR_RE = re.compile(r"""([\w-]+)=(?:"([^"]*)"|'([^']*)'|(\S+))""")
LANGUAGES = ("python", "pycon")
"""The languages the book executes."""


def parse_attrs(text: str) -> dict[str, str]:
    """The ``key="value"`` pairs of a fence's info line.

    Examples:
        >>> parse_attrs(' exec="on" html=1 source=\\'above\\'')
        {'exec': 'on', 'html': '1', 'source': 'above'}
    """
    return {m[1]: m[2] or m[3] or m[4] or "" for m in ATTR_RE.finditer(text)}


def truthy(value: str | None) -> bool:
    """How markdown-exec reads an on/off option (``exec``, ``html``)."""
    return (value or "").lower() not in {"", "no", "off", "false", "0"}


@dataclass(frozen=True)
class Fence:
    """A fenced code block of a Markdown page.

    Attributes:
        lang: The language after the opening fence (``python``, ``pycon``, ...).
        attrs: The ``key="value"`` options after it.
        body: The code, without the fences and without the fence's indent.
        line: 1-based line of the opening fence.
        end: 1-based line of the closing fence (the last line of the page if
            the fence is never closed).
        indent: The whitespace before the opening fence.
    """

    lang: str
    attrs: dict = field(hash=False)
    body: str
    line: int
    end: int
    indent: str = ""

    @property
    def executes(self) -> bool:
        """Whether the build runs this block (``exec="on"`` on python or pycon)."""
        return self.lang in LANGUAGES and truthy(self.attrs.get("exec"))

    @property
    def shows_source(self) -> bool:
        """Whether the reader sees the code (a pycon block always shows it)."""
        return self.lang == "pycon" or bool(self.attrs.get("source"))

    @property
    def prompts(self) -> int:
        """How many ``>>>`` examples a pycon block checks (0 for other blocks)."""
        if self.lang != "pycon":
            return 0
        return sum(line.lstrip().startswith(">>>") for line in self.body.split("\n"))


def iter_fences(text: str) -> Iterator[Fence]:
    """Yield the fenced blocks of ``text`` in page order (nested fences are body)."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = FENCE_RE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence = m["indent"], m["fence"]
        body = []
        j = i + 1
        while j < len(lines):
            stripped = lines[j].strip()
            if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                break
            # a body line keeps whatever it has beyond the fence's own indent
            line = lines[j]
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            j += 1
        yield Fence(
            m["lang"],
            parse_attrs(m["attrs"]),
            "\n".join(body),
            i + 1,
            min(j, len(lines) - 1) + 1,
            indent,
        )
        i = j + 1


def executed_fences(text: str) -> list[Fence]:
    """The blocks the build runs, in page order."""
    return [fence for fence in iter_fences(text) if fence.executes]


def pieces(text: str) -> Iterator[tuple]:
    """The page in order, as ``("prose", first_index, lines)`` and ``("fence", Fence)``.

    ``first_index`` is the 0-based index of the prose's first line; together
    the pieces hold every line of ``text`` exactly once.

    Examples:
        >>> [p[0] for p in pieces("a\\n~~~python\\nx\\n~~~\\nb")]
        ['prose', 'fence', 'prose']
    """
    lines = text.split("\n")
    start = 0
    for fence in iter_fences(text):
        if start < fence.line - 1:
            yield "prose", start, lines[start : fence.line - 1]
        yield "fence", fence
        start = fence.end
    if start < len(lines):
        yield "prose", start, lines[start:]
