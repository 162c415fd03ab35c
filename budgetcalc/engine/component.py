"""One component for every area and scenario: terms, rounding, minimum/maximum and exceptions, kept
step by step. Arrays are (scenarios, areas); the masks of the plan are per area."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from budgetcalc.engine.parameters import Scenarios
from budgetcalc.engine.plan import ComponentPlan, Plan
from budgetcalc.engine.staffel import NO_BRACKET, apply_staffel
from budgetcalc.errors import AllocationError
from budgetcalc.exact import BoolArray, Fixed, Int64Array
from budgetcalc.money import round_to_cents_step
from budgetcalc.ruleset.model import Component

RAISED_TO_MINIMUM = -1
LOWERED_TO_MAXIMUM = 1


@dataclass(frozen=True)
class ComponentResult:
    """How one component came about for every area: arrays of shape (scenarios, areas), or (areas,)
    for one allocation (see :meth:`row`); masks are per area."""

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

    def row(self, scenario: int) -> ComponentResult:
        """The result of one scenario, with arrays per area."""

        shape = self.cents.shape

        def at(value: Fixed) -> Fixed:  # terms given once for all scenarios or areas are spread out
            return Fixed(np.broadcast_to(value.units, shape)[scenario], value.scale)

        return replace(
            self,
            fixed=at(self.fixed),
            rate=at(self.rate),
            bracket=self.bracket[scenario],
            staffel_fixed=at(self.staffel_fixed),
            staffel_rate=at(self.staffel_rate),
            staffel_base=at(self.staffel_base),
            per_area=at(self.per_area),
            exact=at(self.exact),
            rounded=self.rounded[scenario],
            bound=self.bound[scenario],
            cents=self.cents[scenario],
        )


def evaluate_component(component: ComponentPlan, plan: Plan, values: Scenarios) -> ComponentResult:
    """Apply one component's rule to every area in every scenario; exact until its single rounding.

    Areas whose total an exception sets get nothing from the component. Areas with an exception on
    this component get its amount; the rule is not applied to them at all, so an area outside every
    bracket or missing from ``per_area`` can be settled by an exception.
    """
    rule = component.rule
    shape = (values.size, plan.size)
    applies = component.applies
    zero = Fixed(np.broadcast_to(np.int64(0), shape), 0, 0)  # a view: no memory, never written
    fixed = values.value(component.value_path("fixed")) if rule.fixed else zero
    rate = zero
    if component.rate_count is not None:
        rate = values.value(component.value_path("rate")) * component.rate_count
    exact = fixed + rate
    staffel = None
    if component.staffel is not None:
        staffel = apply_staffel(component.staffel, plan, applies, values, f"component '{component.name}'")
        exact = exact + staffel.fixed + staffel.rate
    per_area = _per_area(component, values, shape)
    exact = (exact + per_area).where(applies, zero)  # the terms above hold for applying areas only
    rounded = _round(component, exact, plan, values)
    bounded, bound = clamp(
        rounded,
        applies,
        values.cents(component.value_path("minimum")) if rule.minimum is not None else None,
        values.cents(component.value_path("maximum")) if rule.maximum is not None else None,
    )
    # Outside the applying areas the amount is 0 (rounding and bounds keep it so); exceptions set theirs.
    cents = np.array(bounded, dtype=np.int64) if component.exceptions else bounded
    for override in component.exceptions:
        cents[:, override.position] = values.cents(override.path)[:, 0]
    return ComponentResult(
        name=component.name,
        rule=rule,
        selected=component.selected,
        applies=applies,
        fixed=fixed,
        rate=rate,
        bracket=staffel.bracket if staffel else np.broadcast_to(np.int64(NO_BRACKET), shape),
        staffel_fixed=staffel.fixed if staffel else zero,
        staffel_rate=staffel.rate if staffel else zero,
        staffel_base=staffel.base if staffel else zero,
        per_area=per_area,
        exact=exact,
        rounded=rounded,
        bound=bound,
        exception=component.exception,
        cents=np.asarray(cents, dtype=np.int64),
    )


def _per_area(component: ComponentPlan, values: Scenarios, shape: tuple[int, int]) -> Fixed:
    """Each listed area's own amount (whole cents), in every scenario."""
    if not component.per_area:
        return Fixed(np.broadcast_to(np.int64(0), shape), 0, 0)
    cents = np.zeros(shape, dtype=np.int64)
    for override in component.per_area:
        cents[:, override.position] = values.cents(override.path)[:, 0]
    return Fixed(cents, 2)


def _round(component: ComponentPlan, exact: Fixed, plan: Plan, values: Scenarios) -> Int64Array:
    rule = component.rule
    if rule.rounding is not None:
        return round_to_cents_step(
            exact, values.cents(component.value_path("rounding.step")), rule.rounding.mode
        )
    if exact.scale <= 2:
        return exact.to_cents()
    broken = np.argwhere(component.applies & ~exact.is_whole_cents())
    if broken.size:
        scenario, position = (int(index) for index in broken[0])
        population = plan.population
        raise AllocationError(
            f"component '{component.name}' gives {exact.decimal_at((scenario, position))} euro for area "
            f"'{population.frame['name'].iloc[position]}', which is not a whole number of cents; "
            "add a rounding rule (step and mode) to the component",
            file=population.source,
            row=population.row_of(position),
        )
    return exact.to_cents()


def clamp(
    cents: Int64Array, applies: BoolArray, minimum: Int64Array | None, maximum: Int64Array | None
) -> tuple[Int64Array, Int64Array]:
    """Raise to ``minimum`` and lower to ``maximum`` (cents, per scenario) where ``applies``; also
    which bound acted, per area and scenario."""
    if minimum is None and maximum is None:
        return cents, np.broadcast_to(np.int64(0), cents.shape)
    bounded = cents
    bound = np.zeros(cents.shape, dtype=np.int64)
    if minimum is not None:
        raise_mask = applies & (bounded < minimum)
        bounded = np.where(raise_mask, minimum, bounded)
        bound[raise_mask] = RAISED_TO_MINIMUM
    if maximum is not None:
        lower_mask = applies & (bounded > maximum)
        bounded = np.where(lower_mask, maximum, bounded)
        bound[lower_mask] = LOWERED_TO_MAXIMUM
    return np.asarray(bounded, dtype=np.int64), bound
