"""Each area's total: the sum of its components, then the rule set's total rules and exceptions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from budgetcalc.engine.component import clamp
from budgetcalc.exact import BoolArray, Fixed, Int64Array
from budgetcalc.money import decimal_to_cents, round_to_step
from budgetcalc.ruleset.model import AreaException, RuleSet


@dataclass(frozen=True)
class TotalResult:
    """Per area: sum of components, the total rules' adjustment, the total, and exception flags."""

    component_sum: Int64Array
    rounded: Int64Array
    bound: Int64Array
    adjustment: Int64Array
    exception: BoolArray
    cents: Int64Array


def apply_total(
    ruleset: RuleSet, component_sum: Int64Array, receives: BoolArray, exceptions: dict[int, AreaException]
) -> TotalResult:
    """Round and bound the sum of components where the rule set says, then set exceptions.

    Only areas that ``receive`` a component are rounded and bounded: an area no component applies
    to stays at zero rather than being raised to the total minimum.
    """
    rule = ruleset.total
    rounded = component_sum.copy()
    if rule is not None and rule.rounding is not None:
        rounded = round_to_step(Fixed.from_cents(component_sum), rule.rounding.step.value, rule.rounding.mode)
        rounded = np.where(receives, rounded, component_sum).astype(np.int64)
    cents, bound = clamp(rounded, receives, rule.minimum if rule else None, rule.maximum if rule else None)
    exception = np.zeros(component_sum.size, dtype=np.bool_)
    for position, entry in exceptions.items():
        cents[position] = decimal_to_cents(entry.amount.value)
        exception[position] = True
    rounded[exception] = 0
    bound[exception] = 0
    adjustment = np.where(exception, 0, cents - component_sum).astype(np.int64)
    return TotalResult(component_sum, rounded, bound, adjustment, exception, cents.astype(np.int64))
