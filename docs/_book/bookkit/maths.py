"""Maths: TeX converted to MathML when the page is built (no JavaScript, no CDN).

``pymdownx.arithmatex`` (generic mode) marks maths with
``<span class="arithmatex">`` and ``<div class="arithmatex">``; ``to_mathml``
replaces each by MathML, which browsers draw with the system's fonts.

Examples:
    >>> html, problems = to_mathml('<span class="arithmatex">\\\\(x^2\\\\)</span>')
    >>> html.startswith("<math"), problems
    (True, [])
"""

from __future__ import annotations

import html
import re

from latex2mathml.converter import convert

MATH_RE = re.compile(r'<(?P<tag>span|div) class="arithmatex">(?P<tex>.*?)</(?P=tag)>', re.DOTALL)
DELIMS = (("\\(", "\\)"), ("\\[", "\\]"), ("$$", "$$"), ("$", "$"))


def to_mathml(text: str) -> tuple[str, list[str]]:
    """The HTML with every arithmatex span converted, and the TeX that would not convert."""
    problems: list[str] = []

    def replace(match: re.Match) -> str:
        tex = html.unescape(match["tex"]).strip()
        for left, right in DELIMS:
            if tex.startswith(left) and tex.endswith(right):
                tex = tex[len(left) : -len(right)].strip()
                break
        display = "block" if match["tag"] == "div" else "inline"
        try:
            mathml = convert(tex, display=display)
        except Exception as error:  # noqa: BLE001 - any failure is a problem of the page
            problems.append(f"cannot convert maths {tex!r} to MathML: {error}")
            return match[0]
        # one element per line: MathML ignores whitespace between elements, and
        # tools that scan the HTML line by line (the print page's) stay linear
        mathml = mathml.replace("><", ">\n<")
        return f'<div class="math-display">{mathml}</div>' if display == "block" else mathml

    return MATH_RE.sub(replace, text), problems
