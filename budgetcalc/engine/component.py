"""One component for every area: terms, rounding, minimum/maximum and exceptions, kept step by step."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from budgetcalc.engine.areas import AreaIndex
from budgetcalc.engine.conditions import condition_mask
from budgetcalc.engine.staffel import NO_BRACKET, apply_staffel
from budgetcalc.errors import AllocationError
from budgetcalc.exact import BoolArray, Fixed, Int64Array
from budgetcalc.money import decimal_to_cents, round_to_step
from budgetcalc.population import Population
from budgetcalc.ruleset.amount import Amount
from budgetcalc.ruleset.model import AreaException, Component

RAISED_TO_MINIMUM = -1
LOWERED_TO_MAXIMUM = 1


@dataclass(frozen=True)
class ComponentResult:
    """How one component came about for every area (arrays aligned with the population)."""

    name: str
    rule: Component
    selected: BoolArray
    """Areas the component's ``applies_to`` selects (before exceptions on the total take some out)."""
    applies: BoolArray
    fixed: Fixed
    rate: Fixed
    bracket: Int64Array
    staffel_fixed: Fixed
    staffel_rate: Fixed
    staffel_base: Fixed
    per_area: Fixed
    exact: Fixed
    rounded: Int64Array
    bound: Int64Array
    exception: BoolArray
    cents: Int64Array


def evaluate_component(
    name: str,
    rule: Component,
    population: Population,
    areas: AreaIndex,
    exceptions: dict[int, AreaException],
    excluded: BoolArray,
) -> ComponentResult:
    """Apply one component's rule to every area; exact until its single rounding.

    ``excluded`` areas (whose total an exception sets) get nothing from the component. Areas with an
    exception on this component get its amount; the rule is not applied to them at all, so an area
    outside every bracket or missing from ``per_area`` can be settled by an exception.
    """
    size = len(population)
    used_in = f"component '{name}'"
    selected = condition_mask(rule.applies_to, population, areas, used_in)
    exception = np.zeros(size, dtype=np.bool_)
    exception[list(exceptions)] = True
    applies = selected & ~excluded & ~exception
    zero = Fixed.zeros(size)
    fixed = Fixed.constant(rule.fixed.value, size).where(applies, zero) if rule.fixed else zero
    rate = zero
    if rule.rate is not None:
        rate = (Fixed.constant(rule.rate.value, size) * population.count(rule.per)).where(applies, zero)
    if rule.staffel is not None:
        staffel = apply_staffel(rule.staffel, population, areas, applies, used_in)
    else:
        staffel = None
    per_area = _per_area(rule, population, areas, applies, used_in)
    exact = fixed + rate + per_area
    if staffel is not None:
        exact = exact + staffel.fixed + staffel.rate
    rounded = _round(rule, exact, population, applies, used_in)
    bounded, bound = clamp(rounded, applies, rule.minimum, rule.maximum)
    for position, entry in exceptions.items():
        bounded[position] = decimal_to_cents(entry.amount.value)
    cents = np.where(applies | exception, bounded, 0).astype(np.int64)
    return ComponentResult(
        name=name,
        rule=rule,
        selected=selected,
        applies=applies,
        fixed=fixed,
        rate=rate,
        bracket=staffel.bracket if staffel else np.full(size, NO_BRACKET, dtype=np.int64),
        staffel_fixed=staffel.fixed if staffel else zero,
        staffel_rate=staffel.rate if staffel else zero,
        staffel_base=staffel.base if staffel else zero,
        per_area=per_area,
        exact=exact,
        rounded=rounded,
        bound=bound,
        exception=exception,
        cents=cents,
    )


def _per_area(
    rule: Component, population: Population, areas: AreaIndex, applies: BoolArray, used_in: str
) -> Fixed:
    size = len(population)
    if not rule.per_area:
        return Fixed.zeros(size)
    listed = np.zeros(size, dtype=np.bool_)
    result = Fixed.zeros(size)
    keys: dict[int, str] = {}
    for reference, amount in rule.per_area.items():
        position = areas.require(reference, f"{used_in}, per_area")
        if position in keys:
            raise AllocationError(
                f"{used_in}: per_area lists area '{population.frame['name'].iloc[position]}' twice "
                f"('{keys[position]}' and '{reference}'); keep one amount"
            )
        keys[position] = reference
        mask = np.zeros(size, dtype=np.bool_)
        mask[position] = True
        listed |= mask
        result = Fixed.constant(amount.value, size).where(mask, result)
    missing = np.flatnonzero(applies & ~listed)
    if missing.size:
        position = int(missing[0])
        raise AllocationError(
            f"{used_in} has no per_area amount for area '{population.frame['name'].iloc[position]}' "
            f"({population.frame['code'].iloc[position]}); list it, or limit the component with applies_to",
            file=population.source,
            row=population.row_of(position),
        )
    return result


def _round(
    rule: Component, exact: Fixed, population: Population, applies: BoolArray, used_in: str
) -> Int64Array:
    if rule.rounding is not None:
        return round_to_step(exact, rule.rounding.step.value, rule.rounding.mode)
    broken = np.flatnonzero(applies & ~exact.is_whole_cents())
    if broken.size:
        position = int(broken[0])
        raise AllocationError(
            f"{used_in} gives {exact.decimal_at(position)} euro for area "
            f"'{population.frame['name'].iloc[position]}', which is not a whole number of cents; "
            "add a rounding rule (step and mode) to the component",
            file=population.source,
            row=population.row_of(position),
        )
    return exact.to_cents()


def clamp(
    cents: Int64Array, applies: BoolArray, minimum: Amount | None, maximum: Amount | None
) -> tuple[Int64Array, Int64Array]:
    """Raise to ``minimum`` and lower to ``maximum`` where ``applies``; also which bound acted, per area."""
    bounded = cents.copy()
    bound = np.zeros(cents.size, dtype=np.int64)
    if minimum is not None:
        low = decimal_to_cents(minimum.value)
        raise_mask = applies & (bounded < low)
        bounded[raise_mask] = low
        bound[raise_mask] = RAISED_TO_MINIMUM
    if maximum is not None:
        high = decimal_to_cents(maximum.value)
        lower_mask = applies & (bounded > high)
        bounded[lower_mask] = high
        bound[lower_mask] = LOWERED_TO_MAXIMUM
    return bounded, bound
