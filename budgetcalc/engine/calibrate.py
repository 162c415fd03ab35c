"""A calibrated value: the largest value at one path (a rate, a staffel amount) whose allocation spends
no more than a given amount, to the precision the rule names.

The search evaluates many candidate values at once on one compiled plan (a scenario per candidate):
first powers of two to bracket the answer, then rounds of evenly spaced candidates, each round
narrowing the interval about 32 times. It assumes that more of the value never spends less, which
holds for rates and amounts on counts of 0 or more; the answer is checked: the next step up spends more.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from budgetcalc.engine.evaluate import evaluate
from budgetcalc.engine.parameters import calibration_problem
from budgetcalc.engine.plan import Plan
from budgetcalc.errors import AllocationError, RuleError
from budgetcalc.exact import decimal_to_units
from budgetcalc.ruleset.amount import MAX_EUROS
from budgetcalc.ruleset.model import Calibration

CANDIDATES = 33
"""Values tried at once in each round."""
TOO_HIGH = ("too large to compute exactly", "more than the pot holds")
"""Errors that mean the value is past what can be spent (an overflow, a pot overspent by what it pays
first): the search treats them as over the budget."""


@dataclass(frozen=True)
class Calibrated:
    """The value found, what it spends, and what one step more would spend."""

    path: str
    value: Decimal
    spends: int
    """Cents the allocation with ``value`` spends."""
    next_spends: int | None
    """Cents with one step more (None where that cannot be computed: an overflow)."""
    budget: int


def calibrate(plan: Plan, calibration: Calibration) -> Calibrated:
    """The largest multiple of the precision (from ``lowest``) that spends at most the budget."""
    problem = calibration_problem(plan.parameters, calibration.value)
    if problem:
        raise RuleError(f"{calibration.value}: {problem}")
    precision = calibration.precision.value
    budget = decimal_to_units(calibration.spend.value, 2)
    low = int(calibration.lowest / precision)  # ``lowest`` is validated as a multiple of the precision

    def spends(steps: list[int]) -> list[int | None]:
        values = [str(Decimal(step) * precision) for step in steps]
        result = evaluate(plan, {calibration.value: values})
        for number, error in result.errors.items():
            if not any(marker in str(error) for marker in TOO_HIGH):
                raise AllocationError(
                    f"calibrating {calibration.value}: the value {values[number]} gives: {error.message}"
                ) from None
        return result.grand_totals()

    first = spends([low])[0]
    if first is None or first > budget:
        raise AllocationError(
            f"calibrating {calibration.value}: even {Decimal(low) * precision} spends more than "
            f"{calibration.spend.value} (lower 'lowest', or raise 'spend')"
        )
    # bracket: the first power of two above which the budget is passed (up to the largest value allowed)
    most = int(MAX_EUROS / precision) - low
    offsets = [0, *(2**power for power in range(62) if 2**power <= most)]
    found = spends([low + offset for offset in offsets])
    above = next(
        (index for index, cents in enumerate(found) if cents is None or cents > budget), len(offsets)
    )
    if above == len(offsets):
        raise AllocationError(f"calibrating {calibration.value}: no value spends more than the budget")
    good, bad = low + offsets[above - 1], low + offsets[above]
    while bad - good > 1:
        spaced = {good + (bad - good) * index // (CANDIDATES - 1) for index in range(CANDIDATES)}
        steps = sorted(spaced - {good, bad})
        totals = spends(steps)
        for step, cents in zip(steps, totals, strict=True):
            if cents is not None and cents <= budget:
                good = max(good, step)
            else:
                bad = min(bad, step)
                break
    value_spends, next_spends = spends([good, good + 1])
    assert value_spends is not None
    return Calibrated(calibration.value, Decimal(good) * precision, value_spends, next_spends, budget)
