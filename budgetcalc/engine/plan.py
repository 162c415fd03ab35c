"""A rule set compiled for one population: its structure, worked out once, apart from its values.

The structure is everything that does not change when an amount, rate, bound or step does: which areas
each component and bracket applies to, the counts it reads, which areas the exceptions and per-area
amounts name. The values stay at their dotted paths (:mod:`budgetcalc.engine.parameters`), so that
many sets of them can be evaluated against one plan.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from budgetcalc.engine.areas import AreaIndex
from budgetcalc.engine.conditions import condition_mask
from budgetcalc.engine.exceptions import resolve_exceptions
from budgetcalc.engine.parameters import Parameter, rule_parameters
from budgetcalc.engine.transition import TransitionPlan, transition_plan
from budgetcalc.errors import AllocationError
from budgetcalc.exact import BoolArray, Fixed, Int64Array
from budgetcalc.population import Population
from budgetcalc.previous import PreviousYear
from budgetcalc.ruleset.locate import dotted
from budgetcalc.ruleset.model import (
    AreaException,
    Bracket,
    Component,
    Pot,
    PotKind,
    RateBase,
    RuleSet,
    ShareBy,
    Staffel,
)


@dataclass(frozen=True)
class Override:
    """An amount set for one area: an exception or a per-area amount, and the path of its value."""

    position: int
    path: str
    exception: AreaException | None = None


@dataclass(frozen=True)
class BracketPlan:
    """One bracket: the areas its condition admits, and the paths of its bounds and terms."""

    rule: Bracket
    admits: BoolArray
    lower: str
    upper: str | None
    fixed: str | None
    rate: str | None
    marginal: bool
    """The rate applies to the part of the count above the lower bound."""


@dataclass(frozen=True)
class StaffelPlan:
    rule: Staffel
    count: Fixed
    brackets: tuple[BracketPlan, ...]


@dataclass(frozen=True)
class ComponentPlan:
    """One component: the areas it applies to and where each of its values stands."""

    name: str
    rule: Component
    path: str
    selected: BoolArray
    """Areas its ``applies_to`` selects (before exceptions on the total take some out)."""
    applies: BoolArray
    """Areas whose amount the rule computes: selected, without an exception on it or on the total."""
    exceptions: tuple[Override, ...]
    exception: BoolArray
    rate_count: Fixed | None
    staffel: StaffelPlan | None
    per_area: tuple[Override, ...]

    def value_path(self, key: str) -> str:
        return f"{self.path}.{key}"


@dataclass(frozen=True)
class PotPlan:
    """One pot: the areas that take part, the keys it is shared by, and where its values stand."""

    name: str
    rule: Pot
    path: str
    eligible: BoolArray
    keys: tuple[Fixed, ...]
    weight_paths: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """A rule set compiled for one population."""

    ruleset: RuleSet
    population: Population
    areas: AreaIndex
    parameters: dict[str, Parameter]
    components: tuple[ComponentPlan, ...]
    pots: tuple[PotPlan, ...]
    total_exceptions: tuple[Override, ...]
    total_exception: BoolArray
    receives: BoolArray
    """Areas that receive at least one component (or an exception on one) or take part in a pot: the
    total rules apply there."""
    code_order: Int64Array
    """Area positions in the order of their codes: ties in a pot's remainders go by code."""
    transition: TransitionPlan | None = None
    """Last year's amounts matched to the areas (None: no previous year given)."""

    @property
    def size(self) -> int:
        return len(self.population)

    @property
    def part_names(self) -> list[str]:
        """The components, then the pots: the amount columns before the total."""
        return [component.name for component in self.components] + [pot.name for pot in self.pots]


def compile_plan(ruleset: RuleSet, population: Population, previous: PreviousYear | None = None) -> Plan:
    """Work out the rule set's structure for this population; problems of structure (an unknown area,
    a missing column, a missing per-area amount, a previous year that does not match) are errors here,
    before any value is used."""
    missing = sorted(column for column in ruleset.columns() if column not in population.frame.columns)
    if missing:
        raise AllocationError(
            f"the rule set '{ruleset.name}' needs the column(s) {', '.join(missing)}, "
            f"which the population lacks (it has: {', '.join(population.frame.columns)})",
            file=population.source,
        )
    areas = population.derived("area_index", AreaIndex)
    resolved = resolve_exceptions(ruleset, areas)
    index_of = {id(entry): index for index, entry in enumerate(ruleset.exceptions)}
    total_exception = np.zeros(len(population), dtype=np.bool_)
    total_exception[list(resolved.total)] = True
    components = tuple(
        _component_plan(
            name,
            rule,
            population,
            areas,
            tuple(
                Override(position, dotted(("exceptions", index_of[id(entry)], "amount")), entry)
                for position, entry in sorted(resolved.components.get(name, {}).items())
            ),
            total_exception,
        )
        for name, rule in ruleset.components.items()
    )
    pots = tuple(
        _pot_plan(name, pot, population, areas, total_exception) for name, pot in ruleset.pots.items()
    )
    receives = np.logical_or.reduce(
        [c.applies | c.exception for c in components] + [pot.eligible for pot in pots]
    )
    total_overrides = tuple(
        Override(position, dotted(("exceptions", index_of[id(entry)], "amount")), entry)
        for position, entry in sorted(resolved.total.items())
    )
    return Plan(
        ruleset,
        population,
        areas,
        rule_parameters(ruleset),
        components,
        pots,
        total_overrides,
        total_exception,
        np.asarray(receives, dtype=np.bool_),
        np.argsort(np.array(population.codes, dtype=object), kind="stable").astype(np.int64),
        None if previous is None else transition_plan(ruleset, population, previous, total_exception),
    )


def _pot_plan(name: str, pot: Pot, population: Population, areas: AreaIndex, excluded: BoolArray) -> PotPlan:
    """The areas that take part (not those whose total an exception sets) and the keys' counts."""
    path = dotted(("pots", name))
    eligible = condition_mask(pot.applies_to, population, areas, f"pot '{name}'") & ~excluded
    by_keys = pot.kind is PotKind.SHARE and pot.share_by is ShareBy.KEYS
    return PotPlan(
        name=name,
        rule=pot,
        path=path,
        eligible=eligible,
        keys=tuple(population.count(key.per) for key in pot.keys) if by_keys else (),
        weight_paths=tuple(f"{path}.keys[{index + 1}].weight" for index in range(len(pot.keys)))
        if by_keys
        else (),
    )


def _component_plan(
    name: str,
    rule: Component,
    population: Population,
    areas: AreaIndex,
    exceptions: tuple[Override, ...],
    excluded: BoolArray,
) -> ComponentPlan:
    size = len(population)
    path = dotted(("components", name))
    used_in = f"component '{name}'"
    selected = condition_mask(rule.applies_to, population, areas, used_in)
    exception = np.zeros(size, dtype=np.bool_)
    exception[[override.position for override in exceptions]] = True
    applies = selected & ~excluded & ~exception
    staffel = None
    if rule.staffel is not None:
        staffel = _staffel_plan(rule.staffel, population, areas, f"{path}.staffel", used_in)
    return ComponentPlan(
        name=name,
        rule=rule,
        path=path,
        selected=selected,
        applies=applies,
        exceptions=exceptions,
        exception=exception,
        rate_count=population.count(rule.per) if rule.rate is not None else None,
        staffel=staffel,
        per_area=_per_area(rule, population, areas, applies, path, used_in),
    )


def _staffel_plan(
    staffel: Staffel, population: Population, areas: AreaIndex, path: str, used_in: str
) -> StaffelPlan:
    brackets = []
    for index, bracket in enumerate(staffel.brackets):
        at = f"{path}.brackets[{index + 1}]"
        brackets.append(
            BracketPlan(
                rule=bracket,
                admits=condition_mask(
                    bracket.applies_to, population, areas, f"{used_in}, bracket {index + 1}"
                ),
                lower=f"{at}.from" if bracket.lower_inclusive else f"{at}.above",
                upper=None
                if bracket.upper is None
                else (f"{at}.through" if bracket.upper_inclusive else f"{at}.below"),
                fixed=f"{at}.fixed" if bracket.fixed is not None else None,
                rate=f"{at}.rate" if bracket.rate is not None else None,
                marginal=bracket.rate_applies_to is RateBase.PART_ABOVE_LOWER_BOUND,
            )
        )
    return StaffelPlan(staffel, population.count(staffel.per), tuple(brackets))


def _per_area(
    rule: Component, population: Population, areas: AreaIndex, applies: BoolArray, path: str, used_in: str
) -> tuple[Override, ...]:
    """Each listed area's amount path; every area the component applies to must be listed."""
    if not rule.per_area:
        return ()
    listed: dict[int, str] = {}
    for reference in rule.per_area:
        position = areas.require(reference, f"{used_in}, per_area")
        if position in listed:
            raise AllocationError(
                f"{used_in}: per_area lists area '{population.frame['name'].iloc[position]}' twice "
                f"('{listed[position]}' and '{reference}'); keep one amount"
            )
        listed[position] = reference
    missing = [position for position in np.flatnonzero(applies).tolist() if position not in listed]
    if missing:
        position = missing[0]
        raise AllocationError(
            f"{used_in} has no per_area amount for area '{population.frame['name'].iloc[position]}' "
            f"({population.frame['code'].iloc[position]}); list it, or limit the component with applies_to",
            file=population.source,
            row=population.row_of(position),
        )
    return tuple(
        Override(position, f"{path}.per_area.{reference}") for position, reference in sorted(listed.items())
    )
