"""[calibrate]: the largest rate (to a precision) whose allocation spends at most a budget.

The expected rate is found here independently: the totals of candidate rates are worked out with
``decimal`` (rounding half up per area, as the rule says) around the rate the budget gives by division.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest
from helpers import rules
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetcalc import AllocationError, RuleError, allocate

RULE = """
[components.dorpsbudget]
fixed = {fixed}
rate = 1
rounding = {{ step = 0.01, mode = "half_up" }}

[calibrate]
value = "components.dorpsbudget.rate"
spend = {spend}
precision = {precision}
"""


def total(fixed: Decimal, rate: Decimal, counts: list[int]) -> Decimal:
    return sum(
        ((fixed + rate * n).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) for n in counts), Decimal(0)
    )


def best_rate(fixed: Decimal, spend: Decimal, precision: Decimal, counts: list[int]) -> Decimal:
    """The largest multiple of ``precision`` whose total is within ``spend``, searched around the
    rate that division gives."""
    guess = ((spend - fixed * len(counts)) / sum(counts) / precision).to_integral_value() * precision
    rate = max(guess - 50 * precision, Decimal(0))
    while total(fixed, rate + precision, counts) <= spend:
        rate += precision
    while rate > 0 and total(fixed, rate, counts) > spend:
        rate -= precision
    return rate


def frame(counts: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"code": [f"D{n}" for n in range(len(counts))], "naam": "x", "inwoners": counts})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(1, 20_000), min_size=1, max_size=8),
    st.integers(0, 5_000),
    st.integers(1, 5_000_000),
    st.sampled_from(["0.01", "0.001", "0.0001"]),
)
def test_the_calibrated_rate_is_the_largest_within_the_budget(
    counts: list[int], fixed: int, extra: int, precision: str
) -> None:
    spend = Decimal(fixed * len(counts) + extra)
    allocation = allocate(frame(counts), rules(RULE.format(fixed=fixed, spend=spend, precision=precision)))
    expected = best_rate(Decimal(fixed), spend, Decimal(precision), counts)
    assert allocation.ruleset.components["dorpsbudget"].rate.value == expected  # type: ignore[union-attr]
    assert Decimal(allocation.grand_total_cents) / 100 == total(Decimal(fixed), expected, counts) <= spend
    line = next(check for check in allocation.checks() if check.key == "check_calibration")
    assert line.ok is True


def test_the_explanation_shows_the_calibrated_rate() -> None:
    allocation = allocate(frame([664, 2760]), rules(RULE.format(fixed=1000, spend=10000, precision="0.01")))
    rate = allocation.ruleset.components["dorpsbudget"].rate.value  # type: ignore[union-attr]
    assert rate == best_rate(Decimal(1000), Decimal(10000), Decimal("0.01"), [664, 2760])
    assert f"€ {str(rate).replace('.', ',')} × 664" in " ".join(allocation.explain("D0"))


def test_a_budget_below_the_fixed_parts_is_an_error() -> None:
    with pytest.raises(AllocationError, match=r"even 0\.00 spends more than 100"):
        allocate(frame([10, 20]), rules(RULE.format(fixed=1000, spend=100, precision="0.01")))


def test_calibrating_a_value_the_rule_set_does_not_have_names_the_ones_it_has() -> None:
    text = RULE.format(fixed=1000, spend=100, precision="0.01").replace(
        'dorpsbudget.rate"', 'dorpsbudget.rat"'
    )
    with pytest.raises(
        RuleError, match=r"calibrate\.value.*not a rate or amount.*components\.dorpsbudget\.rate"
    ):
        rules(text)


def test_calibrating_what_a_pot_pays_first_stops_where_the_pot_is_overspent() -> None:
    """A residual pool spends its amount whatever the fixed part is, until the fixed parts alone pass it:
    the largest fixed amount that spends at most 1,000 for 4 areas is 250."""
    text = """
    [components.vast]
    fixed = 10

    [pots.p]
    amount = 1000
    minus = "vast"

    [calibrate]
    value = "components.vast.fixed"
    spend = 1000
    """
    allocation = allocate(frame([100, 200, 300, 0]), rules(text))
    assert allocation.ruleset.components["vast"].fixed.value == Decimal(250)  # type: ignore[union-attr]
    assert allocation.grand_total_cents == 100_000


def test_a_pot_bound_from_a_scenario_is_checked_like_the_rule_file() -> None:
    from budgetcalc.engine.evaluate import evaluate
    from budgetcalc.engine.plan import compile_plan
    from budgetcalc.population import Population

    ruleset = rules("[pots.p]\namount = 1000\nminimum = 100\n")
    result = evaluate(
        compile_plan(ruleset, Population.from_frame(frame([1, 2, 3, 0]))), {"pots.p.step": ["0.01", "30"]}
    )
    assert 0 not in result.errors
    assert "multiple of the rounding step" in str(result.errors[1])
