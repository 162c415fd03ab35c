"""Published outcomes in the rule file, compared with what the rules give."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from budgetcalc.engine.areas import AreaIndex
from budgetcalc.engine.total import TotalResult
from budgetcalc.exact import Int64Array
from budgetcalc.money import decimal_to_cents
from budgetcalc.population import Population
from budgetcalc.ruleset.model import Expectation, RuleSet


class ExpectationStatus(StrEnum):
    MATCHES = "matches"
    DIFFERS = "differs"
    AREA_MISSING = "area_missing"
    OTHER_COUNT = "other_count"
    """The area's inhabitants differ from the published count, so the amounts are not comparable."""


@dataclass(frozen=True)
class ExpectationResult:
    """One published figure and what this allocation gives for it."""

    expectation: Expectation
    status: ExpectationStatus
    actual_cents: int | None = None
    actual_inhabitants: int | None = None

    @property
    def expected_cents(self) -> int:
        return decimal_to_cents(self.expectation.amount.value)


def check_expectations(
    ruleset: RuleSet,
    population: Population,
    areas: AreaIndex,
    parts: Mapping[str, Int64Array],
    total: TotalResult,
) -> tuple[ExpectationResult, ...]:
    """Compare every ``[[expected]]`` entry with the allocation; ``parts`` are the cents of every
    component and pot by name."""
    results = []
    for expectation in ruleset.expected:
        if not ruleset.holds_in_year(expectation):
            continue
        cents = total.cents if expectation.component is None else parts[expectation.component]
        if expectation.area is None:
            inhabitants = int(population.frame["inhabitants"].sum())
            actual = int(cents.sum())
        else:
            position = areas.find(expectation.area, used_in="an [[expected]] entry")
            if position is None:
                results.append(ExpectationResult(expectation, ExpectationStatus.AREA_MISSING))
                continue
            inhabitants = int(population.frame["inhabitants"].iloc[position])
            actual = int(cents[position])
        if expectation.inhabitants is not None and expectation.inhabitants != inhabitants:
            status = ExpectationStatus.OTHER_COUNT
        elif actual == decimal_to_cents(expectation.amount.value):
            status = ExpectationStatus.MATCHES
        else:
            status = ExpectationStatus.DIFFERS
        results.append(ExpectationResult(expectation, status, actual, inhabitants))
    return tuple(results)
