"""Claims: what the prose says about an experiment, measured and checked.

A page registers each claim from a block it runs::

    from bookkit import at_most, claim, rate

    claim("the first step lifts the median loss to 0.500",
          np.median(fast.loss[1]), near(0.5, 0.001))
    rate("at learning rate 100 almost no seed learns XOR: fewer than 1 in 10",
         fast.success.sum(), 100, below(0.1))

There are two kinds, and the claims page shows which is which:

- **exact** (``claim``): a deterministic, well-conditioned value, the same in
  every floating-point environment: a hand-computed example, a count that
  does not move, a single run far from any tipping point.
- **statistical** (``rate``, or ``claim(..., kind="statistical")``): a rate or
  a spread over seeds. It is reported with its interval (a 95% Wilson
  interval for a rate) and checked against a bound with a margin, never
  against the count one machine happened to measure.

A check is one of the small condition objects below (``equals(89)``,
``above(0.9)``, ...): each knows how to test a value and how to say, in the
ledger, what it tested.

Examples:
    >>> claim("two plus two is four", 2 + 2, equals(4)).check
    '= 4'
    >>> r = rate("most coins land", 93, 100, above(0.8))
    >>> r.measured
    '93 of 100 (93%; 95% interval 86% to 97%)'
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

import numpy as np

from nnscratch.experiments import wilson  # the rate's interval: the package's, as pages use it

# --- checks ------------------------------------------------------------------


def _number(value: object) -> object:
    """A NumPy scalar as a plain Python number (for comparisons and display)."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def show(value: object) -> str:
    """A value as the claims page prints it (4 significant digits for floats).

    Examples:
        >>> show(0.123456), show(np.int64(89)), show(True), show(2.0)
        ('0.1235', '89', 'true', '2')
    """
    value = _number(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.4g}"
    return str(value)


class Check:
    """A condition on a measured value: ``check(value) -> bool`` and ``str(check)``."""

    def __init__(self, test, text: str):
        self._test, self.text = test, text

    def __call__(self, value: object) -> bool:
        return bool(self._test(_number(value)))

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__


def equals(expected: object) -> Check:
    """The value equals ``expected`` exactly (a count, a boolean, a string)."""
    if isinstance(expected, bool):
        return Check(lambda v: v is expected or v == expected, "is " + show(expected))
    return Check(lambda v: v == expected, "= " + show(expected))


is_true = equals(True)
"""The value is true (a condition computed on the page, e.g. ``(diff < 0).all()``)."""


def near(target: float, tol: float) -> Check:
    """``|value - target| <= tol``."""
    return Check(lambda v: abs(v - target) <= tol, f"within {show(tol)} of {show(target)}")


def above(bound: float) -> Check:
    """``value > bound``."""
    return Check(lambda v: v > bound, "> " + show(bound))


def below(bound: float) -> Check:
    """``value < bound``."""
    return Check(lambda v: v < bound, "< " + show(bound))


def at_least(bound: float) -> Check:
    """``value >= bound``."""
    return Check(lambda v: v >= bound, "≥ " + show(bound))


def at_most(bound: float) -> Check:
    """``value <= bound``."""
    return Check(lambda v: v <= bound, "≤ " + show(bound))


def between(low: float, high: float) -> Check:
    """``low <= value <= high``."""
    return Check(lambda v: low <= v <= high, f"between {show(low)} and {show(high)}")


def _percent(x: float) -> str:
    """A proportion as a percentage: one decimal below 10%, none above."""
    return f"{100 * x:.1f}%" if 0 < x < 0.1 else f"{100 * x:.0f}%"


# --- the record ----------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """One claim of the prose, as the claims page lists it.

    Attributes:
        text: The claim in the page's words.
        kind: ``"exact"`` or ``"statistical"``.
        check: What was tested, e.g. ``"= 89"`` or ``"< 0.1"``.
        measured: The measured value as the reader sees it, with its interval
            for a statistical claim.
        holds: Whether the check passed.
        page: The page's path under ``docs/`` (``None`` outside a build).
        anchor: The id of the block that registered it (``None`` outside a build).
    """

    text: str
    kind: str
    check: str
    measured: str
    holds: bool
    page: str | None = None
    anchor: str | None = None


KINDS = ("exact", "statistical")

_recorder: contextvars.ContextVar = contextvars.ContextVar("bookkit_claims", default=None)


def recording(recorder):
    """Send the claims registered while a block runs to ``recorder(claim)``.

    The executor (``bookkit.execute``) sets it around every block; it returns
    a token for ``stop_recording``.
    """
    return _recorder.set(recorder)


def stop_recording(token) -> None:
    _recorder.reset(token)


def _register(record: Claim) -> Claim:
    recorder = _recorder.get()
    if recorder is not None:
        record = recorder(record)
    if not record.holds:
        raise AssertionError(
            f"claim does not hold: {record.text!r} (checked {record.check}, "
            f"measured {record.measured})"
        )
    return record


def claim(
    text: str,
    value: object = None,
    check: Check | None = None,
    *,
    kind: str = "exact",
    shown: str | None = None,
    interval: tuple[float, float] | None = None,
    interval_name: str = "10th to 90th percentile of seeds",
) -> Claim:
    """Register a claim of the prose and fail unless ``check(value)`` holds.

    Args:
        text: The claim, in the words of the page.
        value: What the experiment measured (a number, a count, a boolean).
        check: The condition, e.g. ``equals(0)``, ``above(0.9)``, ``near(0.5, 1e-3)``.
        kind: ``"exact"`` (default) or ``"statistical"`` (a spread over seeds:
            give its ``interval``).
        shown: How to show the value, if not as the number itself
            (e.g. ``"173 wrong, 171 of them pinned"``).
        interval: For a statistical claim, the range the value comes with.
        interval_name: What the interval is.

    Returns:
        The recorded ``Claim``.

    Raises:
        AssertionError: If the check fails; the message quotes the claim.
        ValueError: If ``kind`` or ``check`` is not one the ledger knows.

    Examples:
        >>> claim("no seed diverged", 0, equals(0)).measured
        '0'
        >>> claim("the loss is small", 0.0021, below(0.01)).holds
        True
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if not isinstance(check, Check):
        raise ValueError(
            f"check must be a condition such as equals(4) or above(0.9), got {check!r}"
        )
    measured = show(value) if shown is None else str(shown)
    if interval is not None:
        low, high = interval
        measured += f" ({interval_name}: {show(low)} to {show(high)})"
    return _register(Claim(str(text), kind, str(check), measured, check(value)))


def rate(text: str, successes: int, trials: int, check: Check) -> Claim:
    """Register a statistical claim about a rate: ``successes`` of ``trials``.

    The check applies to the observed proportion ``successes / trials``; the
    claims page shows it with its 95% Wilson interval. State the prose in
    words the interval supports ("about one seed in four", "almost none"),
    and choose a bound with a margin: the count moves with the last bits of
    the arithmetic on another machine, the lesson must not.

    Examples:
        >>> rate("almost no seed learns", 2, 100, below(0.1)).check
        'rate < 0.1'
    """
    successes, trials = int(_number(successes)), int(_number(trials))
    low, high = wilson(successes, trials)
    p = successes / trials
    measured = (
        f"{successes} of {trials} ({_percent(p)}; 95% interval {_percent(low)} to {_percent(high)})"
    )
    return _register(Claim(str(text), "statistical", f"rate {check}", measured, check(p)))
