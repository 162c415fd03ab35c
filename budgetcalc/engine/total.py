"""Each area's total: the sum of its components, then the rule set's total rules and exceptions,
in every scenario."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from budgetcalc.engine.component import clamp
from budgetcalc.engine.parameters import Scenarios
from budgetcalc.engine.plan import Plan
from budgetcalc.exact import BoolArray, Fixed, Int64Array
from budgetcalc.money import round_to_cents_step


@dataclass(frozen=True)
class TotalResult:
    """Per scenario and area: sum of components, the total rules' adjustment, the total; exception
    flags per area. :meth:`row` gives one scenario's arrays per area."""

    component_sum: Int64Array
    rounded: Int64Array
    bound: Int64Array
    adjustment: Int64Array
    exception: BoolArray
    cents: Int64Array

    def row(self, scenario: int) -> TotalResult:
        return replace(
            self,
            component_sum=self.component_sum[scenario],
            rounded=self.rounded[scenario],
            bound=self.bound[scenario],
            adjustment=self.adjustment[scenario],
            cents=self.cents[scenario],
        )


def apply_total(plan: Plan, component_sum: Int64Array, values: Scenarios) -> TotalResult:
    """Round and bound the sum of components where the rule set says, then set exceptions.

    Only areas that receive a component are rounded and bounded: an area no component applies to
    stays at zero rather than being raised to the total minimum.
    """
    rule = plan.ruleset.total
    receives = plan.receives
    rounded = component_sum
    if rule is not None and rule.rounding is not None:
        step = values.cents("total.rounding.step")
        rounded = round_to_cents_step(Fixed(component_sum, 2), step, rule.rounding.mode)
        rounded = np.where(receives, rounded, component_sum).astype(np.int64, copy=False)
    minimum = values.cents("total.minimum") if rule is not None and rule.minimum is not None else None
    maximum = values.cents("total.maximum") if rule is not None and rule.maximum is not None else None
    cents, bound = clamp(rounded, receives, minimum, maximum)
    exception = plan.total_exception
    if plan.total_exceptions:  # fresh arrays: the ones above may be a component's own
        cents, rounded, bound = (np.array(array, dtype=np.int64) for array in (cents, rounded, bound))
        for override in plan.total_exceptions:
            cents[:, override.position] = values.cents(override.path)[:, 0]
        rounded[:, exception] = 0
        bound[:, exception] = 0
    if cents is component_sum:
        adjustment = np.broadcast_to(np.int64(0), cents.shape)
    else:
        adjustment = np.where(exception, 0, cents - component_sum).astype(np.int64, copy=False)
    return TotalResult(component_sum, rounded, bound, adjustment, exception, cents)
