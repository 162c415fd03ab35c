"""Staffel lookup: the one bracket each area falls in, and that bracket's terms."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from budgetcalc.engine.areas import AreaIndex
from budgetcalc.engine.conditions import condition_mask
from budgetcalc.errors import AllocationError
from budgetcalc.exact import BoolArray, Fixed, Int64Array
from budgetcalc.population import Population
from budgetcalc.ruleset.model import Bracket, RateBase, Staffel

NO_BRACKET = -1


@dataclass(frozen=True)
class StaffelTerms:
    """Per area: the bracket index (or -1), its fixed amount, and its rate times the counted base."""

    bracket: Int64Array
    fixed: Fixed
    rate: Fixed
    base: Fixed


def _in_bracket(count: Fixed, bracket: Bracket) -> BoolArray:
    size = len(count)
    above_lower = count.compare(Fixed.constant(bracket.lower, size))
    inside = above_lower >= 0 if bracket.lower_inclusive else above_lower > 0
    upper = bracket.upper
    if upper is not None:
        below_upper = count.compare(Fixed.constant(upper, size))
        inside &= below_upper <= 0 if bracket.upper_inclusive else below_upper < 0
    return np.asarray(inside, dtype=np.bool_)


def apply_staffel(
    staffel: Staffel, population: Population, areas: AreaIndex, applies: BoolArray, used_in: str
) -> StaffelTerms:
    """Find each applicable area's bracket; an area in no bracket or in two is an error."""
    size = len(population)
    count = population.count(staffel.per)
    bracket = np.full(size, NO_BRACKET, dtype=np.int64)
    hits = np.zeros(size, dtype=np.int64)
    fixed = Fixed.zeros(size)
    rate = Fixed.zeros(size)
    base = Fixed.zeros(size)
    for index, rule in enumerate(staffel.brackets):
        inside = (
            applies
            & _in_bracket(count, rule)
            & condition_mask(rule.applies_to, population, areas, f"{used_in}, bracket {index + 1}")
        )
        hits += inside
        bracket[inside] = index
        if rule.fixed is not None:
            fixed = Fixed.constant(rule.fixed.value, size).where(inside, fixed)
        if rule.rate is not None:
            counted = count
            if rule.rate_applies_to is RateBase.PART_ABOVE_LOWER_BOUND:
                counted = count - Fixed.constant(rule.lower, size)
            base = counted.where(inside, base)
            rate = (Fixed.constant(rule.rate.value, size) * counted).where(inside, rate)
    _check_one_bracket(applies, hits, count, population, staffel, used_in)
    return StaffelTerms(bracket, fixed, rate, base)


def _check_one_bracket(
    applies: BoolArray, hits: Int64Array, count: Fixed, population: Population, staffel: Staffel, used_in: str
) -> None:
    for problem, wrong in (("falls in no bracket", hits == 0), ("falls in more than one bracket", hits > 1)):
        positions = np.flatnonzero(applies & wrong)
        if positions.size:
            position = int(positions[0])
            name = population.frame["name"].iloc[position] or population.frame["code"].iloc[position]
            raise AllocationError(
                f"{used_in}: area '{name}' with {count.decimal_at(position)} {staffel.per} {problem} "
                f"(brackets: {', '.join(b.describe() for b in staffel.brackets)})",
                file=population.source,
                row=population.row_of(position),
            )
