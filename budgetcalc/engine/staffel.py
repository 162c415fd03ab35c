"""Staffel lookup: the one bracket each area falls in, in every scenario, and that bracket's terms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from budgetcalc.errors import AllocationError
from budgetcalc.exact import BoolArray, Fixed, Int64Array

if TYPE_CHECKING:
    from budgetcalc.engine.parameters import Scenarios
    from budgetcalc.engine.plan import BracketPlan, Plan, StaffelPlan

NO_BRACKET = -1


@dataclass(frozen=True)
class StaffelTerms:
    """Per scenario and area: the bracket index (or -1), its fixed amount, and its rate times the
    counted base."""

    bracket: Int64Array
    fixed: Fixed
    rate: Fixed
    base: Fixed


def _in_bracket(count: Fixed, bracket: BracketPlan, values: Scenarios) -> BoolArray:
    above_lower = count.compare(values.value(bracket.lower))
    inside = above_lower >= 0 if bracket.rule.lower_inclusive else above_lower > 0
    if bracket.upper is not None:
        below_upper = count.compare(values.value(bracket.upper))
        inside = inside & (below_upper <= 0 if bracket.rule.upper_inclusive else below_upper < 0)
    return np.asarray(inside, dtype=np.bool_)


def apply_staffel(
    staffel: StaffelPlan, plan: Plan, applies: BoolArray, values: Scenarios, used_in: str
) -> StaffelTerms:
    """Find each applicable area's bracket; an area in no bracket or in two is an error."""
    shape = (values.size, plan.size)
    count = staffel.count
    bracket = np.full(shape, NO_BRACKET, dtype=np.int64)
    hits = np.zeros(shape, dtype=np.int64)
    zero = Fixed(np.zeros(shape, dtype=np.int64), 0)
    fixed = rate = base = zero
    for index, rule in enumerate(staffel.brackets):
        inside = np.broadcast_to(applies & rule.admits & _in_bracket(count, rule, values), shape)
        hits += inside
        bracket[inside] = index
        if rule.fixed is not None:
            fixed = values.value(rule.fixed).where(inside, fixed)
        if rule.rate is not None:
            counted = count - values.value(rule.lower) if rule.marginal else count
            base = counted.where(inside, base)
            rate = (values.value(rule.rate) * counted).where(inside, rate)
    _check_one_bracket(applies, hits, count, plan, staffel, values, used_in)
    return StaffelTerms(bracket, fixed, rate, base)


def _check_one_bracket(
    applies: BoolArray,
    hits: Int64Array,
    count: Fixed,
    plan: Plan,
    staffel: StaffelPlan,
    values: Scenarios,
    used_in: str,
) -> None:
    for problem, wrong in (("falls in no bracket", hits == 0), ("falls in more than one bracket", hits > 1)):
        found = np.argwhere(applies & wrong)
        if found.size:
            scenario, position = (int(index) for index in found[0])
            frame = plan.population.frame
            name = frame["name"].iloc[position] or frame["code"].iloc[position]
            bounds = ", ".join(_describe(bracket, values, scenario) for bracket in staffel.brackets)
            raise AllocationError(
                f"{used_in}: area '{name}' with {count.decimal_at(position)} {staffel.rule.per} {problem} "
                f"(brackets: {bounds})",
                file=plan.population.source,
                row=plan.population.row_of(position),
            )


def _describe(bracket: BracketPlan, values: Scenarios, scenario: int) -> str:
    """Interval notation with the bounds of this scenario: ``[500, 5000)``."""

    def at(path: str) -> str:
        column = values.value(path)
        return str(column.decimal_at((min(scenario, column.units.shape[0] - 1), 0)))

    left = "[" if bracket.rule.lower_inclusive else "("
    right = "]" if bracket.rule.upper_inclusive else ")"
    upper = "∞" if bracket.upper is None else at(bracket.upper)
    return f"{left}{at(bracket.lower)}, {upper}{right}"
