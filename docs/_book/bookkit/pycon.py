"""``pycon`` transcripts: run each ``>>>`` line like the Python prompt, compare.

The page shows the real output; where it differs from the output written in
the page's source, that is a problem of the page (the strict build fails).
The comparison is doctest's, with ``NORMALIZE_WHITESPACE``, ``ELLIPSIS`` (for
tracebacks and object addresses, never over a number) and ``NUMBER``: a
number written with *k* decimals matches any real value that rounds to it,
so ``0.693`` matches ``0.6931471805599453``.

Examples:
    >>> matches("0.693\\n", "0.6931471805599453\\n")
    True
    >>> matches("0.694\\n", "0.6931471805599453\\n")
    False
"""

from __future__ import annotations

import doctest
import re

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
NUMBER_RE = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
# digits, or an exponent, on either side: 0.07..., ...5, ...e-16, 1.3e-...
ELLIPSIS_OVER_NUMBER = re.compile(r"\d\.\.\.|\.\.\.\d|\.\.\.[eE][+-]?\d|[eE][+-]?\.\.\.")


def _precision(text: str) -> int | None:
    """Decimals written in a number (``None`` for an integer)."""
    mantissa = re.split("[eE]", text)[0]
    if "." not in mantissa:
        return None
    return len(mantissa.split(".")[1])


def _exponent(text: str) -> int:
    parts = re.split("[eE]", text)
    return int(parts[1]) if len(parts) == 2 else 0


def _align_numbers(want: str, got: str) -> str:
    """``got`` with each number replaced by ``want``'s where it rounds to it."""
    wants, gots = NUMBER_RE.findall(want), list(NUMBER_RE.finditer(got))
    if len(wants) != len(gots):
        return got
    out, last = [], 0
    for w, g in zip(wants, gots, strict=True):
        out.append(got[last : g.start()])
        decimals = _precision(w)
        keep = g[0]
        if decimals is not None:
            tolerance = 0.5 * 10.0 ** (_exponent(w) - decimals)
            if abs(float(w) - float(g[0])) <= tolerance * (1 + 1e-9):
                keep = w
        out.append(keep)
        last = g.end()
    out.append(got[last:])
    return "".join(out)


def matches(want: str, got: str) -> bool:
    """Whether ``got`` is what the page's text ``want`` says (see the module)."""
    checker = doctest.OutputChecker()
    if checker.check_output(want, got, FLAGS):
        return True
    return checker.check_output(want, _align_numbers(want, got), FLAGS)


def ellipsis_over_number(want: str) -> bool:
    """Whether the text hides digits behind ``...`` (not allowed: say the number).

    Examples:
        >>> ellipsis_over_number("0.07..."), ellipsis_over_number("Traceback ...")
        (True, False)
        >>> ellipsis_over_number("gap ...e-16"), ellipsis_over_number("gap 2.7e-...")
        (True, True)
    """
    return bool(ELLIPSIS_OVER_NUMBER.search(want))


def examples(body: str, name: str = "<pycon>") -> list[doctest.Example]:
    """The ``>>>`` examples of a pycon block, with their expected output."""
    return doctest.DocTestParser().get_examples(body, name)
