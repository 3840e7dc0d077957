"""The book's claims, checks and transcripts (docs/_book/bookkit), unit by unit."""

from __future__ import annotations

import numpy as np
import pytest
from bookkit import claims, fences, provenance, pycon
from bookkit.claims import above, at_least, at_most, below, between, claim, equals, near, rate
from bookkit.execute import PageRun
from scipy.stats import binomtest


@pytest.mark.parametrize("k, n", [(0, 100), (5, 100), (50, 100), (93, 100), (20, 20), (1, 7)])
def test_wilson_interval_matches_scipy(k, n):
    reference = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    low, high = claims.wilson(k, n)
    assert low == pytest.approx(reference.low, abs=1e-9)
    assert high == pytest.approx(reference.high, abs=1e-9)


def test_wilson_rejects_impossible_counts():
    with pytest.raises(ValueError, match="trials must be a positive integer, got 0"):
        claims.wilson(0, 0)
    with pytest.raises(ValueError, match=r"successes must be between 0 and trials \(10\), got 11"):
        claims.wilson(11, 10)


@pytest.mark.parametrize(
    "check, value, holds, text",
    [
        (equals(89), 89, True, "= 89"),
        (equals(89), 88, False, "= 89"),
        (equals(True), np.bool_(True), True, "is true"),
        (above(0.9), 0.9, False, "> 0.9"),
        (above(0.9), 0.91, True, "> 0.9"),
        (below(0.1), 0.1, False, "< 0.1"),
        (at_least(3), 3, True, "≥ 3"),
        (at_most(3), 3.5, False, "≤ 3"),
        (between(1, 2), 2, True, "between 1 and 2"),
        (between(1, 2), 2.01, False, "between 1 and 2"),
        (near(0.5, 0.001), 0.5009, True, "within 0.001 of 0.5"),
        (near(0.5, 0.001), 0.5011, False, "within 0.001 of 0.5"),
    ],
)
def test_checks_test_what_they_say(check, value, holds, text):
    assert check(value) is holds
    assert str(check) == text


def test_a_claim_that_holds_is_recorded_and_one_that_fails_raises():
    record = claim("no seed diverged", np.int64(0), equals(0))
    assert (record.kind, record.check, record.measured, record.holds) == ("exact", "= 0", "0", True)
    with pytest.raises(AssertionError, match=r"claim does not hold: 'one is two' \(checked = 2"):
        claim("one is two", 1, equals(2))


def test_a_claim_needs_a_check_and_a_known_kind():
    with pytest.raises(ValueError, match="check must be a condition such as equals"):
        claim("bare", 1, 1)
    with pytest.raises(ValueError, match="kind must be one of"):
        claim("odd", 1, equals(1), kind="anecdotal")
    with pytest.raises(TypeError, match="measured"):  # the first form is gone
        claim("old form", measured=1, holds=True)


def test_a_rate_is_statistical_with_its_interval_and_checks_the_proportion():
    record = rate("almost no seed learns", 5, 100, below(0.1))
    assert record.kind == "statistical" and record.check == "rate < 0.1"
    assert record.measured == "5 of 100 (5.0%; 95% interval 2.2% to 11%)"
    with pytest.raises(AssertionError):
        rate("almost no seed learns", 10, 100, below(0.1))  # 0.1 is not below 0.1


def test_a_statistical_claim_shows_its_spread():
    record = claim("the median is small", 0.012, below(0.05), kind="statistical",
                   interval=(0.004, 0.03))  # fmt: skip
    assert record.measured == "0.012 (10th to 90th percentile of seeds: 0.004 to 0.03)"


@pytest.mark.parametrize(
    "want, got, same",
    [
        ("0.693\n", "0.6931471805599453\n", True),
        ("0.693\n", "0.6925\n", True),  # rounds to 0.693 (half up)
        ("0.693\n", "0.6924\n", False),
        ("0.2505\n", "0.2504\n", False),  # the digits printed are the digits meant
        ("1.5e-03\n", "0.0015\n", True),
        ("[1.0, 2.0]\n", "[1.0, 2.0]\n", True),
        ("100 of 100\n", "99 of 100\n", False),
        ("3 items\n", "3 items\n", True),
    ],
)
def test_pycon_numbers_match_what_they_round_to(want, got, same):
    assert pycon.matches(want, got) is same


def test_fences_nested_and_indented_are_found_with_their_lines():
    page = (
        '# P\n\n??? success "Solution"\n\n'
        '    ```pycon exec="on"\n    >>> 1 + 1\n    2\n    ```\n\n'
        '````markdown\n```python exec="on"\nnot run: inside another fence\n```\n````\n'
    )
    found = list(fences.iter_fences(page))
    assert [(f.lang, f.line, f.end, f.indent, f.executes) for f in found] == [
        ("pycon", 5, 8, "    ", True),
        ("markdown", 10, 14, "", False),
    ]
    assert found[0].body == ">>> 1 + 1\n2" and found[0].prompts == 1


def test_provenance_names_the_blas_kernel_and_the_simd_level():
    arithmetic = provenance.arithmetic()
    assert arithmetic["numpy"] == np.__version__
    assert arithmetic["blas"] != "unknown" and arithmetic["simd"]
    footer = provenance.footer(3, 4, 5, 1.25)
    assert arithmetic["blas"] in footer and f"SIMD {arithmetic['simd']}" in footer
    assert '<span class="nn-volatile">1.2 s</span>' in footer


@pytest.mark.parametrize(
    "draw",
    [
        "np.random.rand(3)",
        "np.random.bytes(4 * 624)",  # 624 draws: the position comes back round, the key does not
    ],
)
def test_a_block_that_draws_from_a_global_random_state_is_a_problem(draw):
    page = (
        '# P\n\n```python exec="on"\nimport numpy as np\n\nx = 1\n```\n\n'
        f'```python exec="on"\n{draw}\n```\n'
    )
    problems = PageRun("p.md", page).run().problems
    assert [p.line for p in problems] == [9]  # the fence of the block that drew
    assert "NumPy's global random state" in problems[0].message
    assert "np.random.default_rng(seed)" in problems[0].message


def test_a_block_that_draws_from_a_seeded_generator_of_its_own_is_not():
    draw = "import numpy as np\n\nx = np.random.default_rng(0).random(3)"
    page = f'# P\n\n```python exec="on"\n{draw}\n```\n'
    assert PageRun("p.md", page).run().problems == []
