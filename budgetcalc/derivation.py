"""How each area's amounts came about, as typed data: one step per term, rounding, bound, exception and
pot share, each with the dotted path of the rule-file value it used, that value and its line.

Explanations (:mod:`budgetcalc.explain`) are written from these steps, and the JSON report carries them,
so an auditor can trace every euro to a value and a line of the rule file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from budgetcalc.engine.component import LOWERED_TO_MAXIMUM, RAISED_TO_MINIMUM, ComponentResult
from budgetcalc.engine.pots import PROPORTIONAL, PotResult
from budgetcalc.engine.staffel import NO_BRACKET
from budgetcalc.exact import Fixed
from budgetcalc.money import decimal_to_cents
from budgetcalc.ruleset.model import AreaException, Bracket, PotKind, RateBase, RuleSet, ShareBy
from budgetcalc.text import normal_text

if TYPE_CHECKING:
    from budgetcalc.allocation import Allocation


EUROS: dict[str, Any] = {"unit": "euros"}
"""Field metadata: exact euros (a ``Decimal``). Every money field says its unit, ``euros`` or ``cents``
(whole cents, an ``int``); the JSON documents (:mod:`budgetcalc.report.json_report`) give every amount
in euros by it. A count of a population column (inhabitants, hectares) says ``count``."""
CENTS: dict[str, Any] = {"unit": "cents"}
RESULT_CENTS: dict[str, Any] = {"unit": "cents", "json": "result"}
"""The amount a step comes to, in cents; named ``result`` in JSON, where every amount is in euros."""
COUNT: dict[str, Any] = {"unit": "count"}


@dataclass(frozen=True)
class Step:
    """One step of an area's derivation: the part (component, pot or ``total``) it belongs to, and the
    path and rule-file line of the value it used (None where it used none)."""

    part: str
    path: str | None = field(default=None, kw_only=True)
    line: int | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class NotApplicable(Step):
    """The component does not apply to the area: its ``applies_to`` (described in ``condition``) leaves
    it out."""

    condition: str = ""


@dataclass(frozen=True)
class Excepted(Step):
    """A decided exception set the amount (of a component, or the whole total)."""

    cents: int = field(metadata=RESULT_CENTS)
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class FixedTerm(Step):
    amount: Decimal = field(metadata=EUROS)


@dataclass(frozen=True)
class RateTerm(Step):
    """``rate`` euro times ``count`` of the ``per`` column."""

    rate: Decimal = field(metadata=EUROS)
    count: Decimal = field(metadata=COUNT)
    per: str


@dataclass(frozen=True)
class BracketTerm(Step):
    """The staffel bracket the area falls in (its index from 0, its ``bounds`` such as ``[500, 5000)``)
    because its ``count`` of the ``per`` column lies within them; the bracket's fixed amount and its
    rate times the counted ``base`` (the whole count, or for a marginal rate the part above the lower
    bound)."""

    bracket: int
    fixed: Decimal | None = field(metadata=EUROS)
    rate: Decimal | None = field(metadata=EUROS)
    base: Decimal | None = field(metadata=COUNT)
    per: str
    count: Decimal | None = field(default=None, kw_only=True, metadata=COUNT)
    bounds: str = field(default="", kw_only=True)


@dataclass(frozen=True)
class PerAreaTerm(Step):
    amount: Decimal = field(metadata=EUROS)


@dataclass(frozen=True)
class ExactSum(Step):
    """The exact sum of the terms, before any rounding."""

    amount: Decimal = field(metadata=EUROS)
    terms: int
    """How many terms it adds up."""


@dataclass(frozen=True)
class Rounded(Step):
    step: Decimal = field(metadata=EUROS)
    mode: str
    cents: int = field(metadata=RESULT_CENTS)


@dataclass(frozen=True)
class Bounded(Step):
    """Raised to the minimum (``raised``) or lowered to the maximum."""

    raised: bool
    cents: int = field(metadata=RESULT_CENTS)


@dataclass(frozen=True)
class TakesNoPart(Step):
    """The area does not take part in the pot: its condition (``applies_to``) leaves it out, or an
    exception sets its total."""

    condition: str


@dataclass(frozen=True)
class PotShare(Step):
    """The area's share of a pot: the pot less what it paid first is the pool; of the ``free_pool``
    steps shared in proportion, the area's exact share is ``free_pool x numerator / key_total`` steps,
    rounded down to ``floor_cents``, with one step more where ``by_remainder``; or a minimum or maximum
    fixed it (``bound``: -1, 1)."""

    amount: int = field(metadata=CENTS)
    paid_first: int = field(metadata=CENTS)
    paid_by: tuple[str, ...]
    pool: int = field(metadata=CENTS)
    step: int = field(metadata=CENTS)
    free_pool: int = field(metadata={"unit": "steps"})
    numerator: int
    key_total: int
    keys: tuple[KeyPart, ...]
    share_by: str
    bound: int
    floor_cents: int = field(metadata={**CENTS, "json": "floor"})
    exact: bool
    """The share is a whole number of steps: nothing was rounded."""
    bounded_areas: int
    """Areas a minimum or maximum fixed (their shares are not in proportion)."""
    by_remainder: bool
    cents: int = field(metadata=RESULT_CENTS)


@dataclass(frozen=True)
class KeyPart:
    """One key of a pot for one area: its column, weight, the area's count and the total of the areas
    that take part."""

    per: str
    weight: Decimal
    count: Decimal = field(metadata=COUNT)
    total: Decimal = field(metadata=COUNT)


@dataclass(frozen=True)
class ScaledDown(Step):
    """A ceiling or levy: of ``base`` cents (the components it works on), the area gives up ``given_up``;
    ``reached`` is False for a ceiling the total did not pass."""

    kind: str
    amount: int = field(metadata=CENTS)
    base: int = field(metadata=CENTS)
    total: int = field(metadata=CENTS)
    reached: bool
    by_remainder: bool
    step: int = field(metadata=CENTS)
    given_up: int = field(metadata=CENTS)
    split: tuple[tuple[str, int], ...] = field(default=(), metadata={"unit": "cents by part"})
    """A levy split over its components: what each pays, in cents."""


@dataclass(frozen=True)
class TotalSum(Step):
    """The sum of the area's components and pot shares, before the ``[total]`` rules."""

    cents: int = field(metadata=RESULT_CENTS)


@dataclass(frozen=True)
class LastYear(Step):
    """With a previous year: the area's amount last year (None: a new area) and the rule's amount this
    year (``target``), before the transition rules; ``excepted`` where an exception sets the total (no
    transition rule acts on it)."""

    previous: int | None = field(metadata=CENTS)
    target: int = field(metadata=CENTS)
    excepted: bool = False


@dataclass(frozen=True)
class Transition(Step):
    """A transition rule that changed the amount: ``rule`` is its key in ``[transition]``; ``limit`` the
    allowed change it worked out (a cap), the floor, or for a phase the step taken this year of
    ``years`` (year ``year``); ``cents`` what the amount is after it."""

    rule: str
    previous: int = field(metadata=CENTS)
    target: int = field(metadata=CENTS)
    limit: int = field(metadata=CENTS)
    cents: int = field(metadata=RESULT_CENTS)
    year: int = 0
    years: int = 0


@dataclass(frozen=True)
class CarriedOver(Step):
    """Last year's unspent money: what the area keeps (``carried``) for ``years`` years in a row now;
    ``limit`` says what stopped the rest (``maximum``, ``max_years``, ``not_kept``, or empty), and
    ``returned_to`` where the rest goes (a pot, or empty: the municipality)."""

    unspent: int = field(metadata=CENTS)
    carried: int = field(metadata=RESULT_CENTS)
    years: int
    years_before: int
    """How many years in a row it had been carried before this year."""
    limit: str
    returned_to: str


@dataclass(frozen=True)
class InputValue:
    """A value of the area's row that the rules read: the column (``inhabitants``), its header in the
    file (``aantal inwoners``) and the value read (an exact count, or text for a condition)."""

    column: str
    header: str
    value: Decimal | str


@dataclass(frozen=True)
class AreaInput:
    """Where the area's values were read: the file as given, its sheet, the row, and the values."""

    file: str | None
    sheet: str | None
    row: int
    values: tuple[InputValue, ...]


def derivation(allocation: Allocation, position: int) -> list[Step]:
    """Every step for the area at ``position``, in the order they were taken."""
    return Deriver(allocation).steps(position)


class Deriver:
    """Derives the steps of any area of one allocation; what all areas share is looked up once."""

    def __init__(self, allocation: Allocation) -> None:
        self.allocation = allocation
        self.ruleset = allocation.ruleset
        self.frame = allocation.population.frame
        self.counts = {
            result.name: allocation.population.count(result.rule.per)
            for result in allocation.components
            if result.rule.rate is not None
        }
        self.staffel_counts = {
            result.name: allocation.population.count(result.rule.staffel.per)
            for result in allocation.components
            if result.rule.staffel is not None
        }
        self.lines: dict[str, int | None] = {}
        self.arrays: dict[str, dict[str, list[Any]]] = {}
        self.bounds: dict[int, str] = {}
        counted = {"inhabitants"}
        for component in self.ruleset.components.values():
            counted |= {component.per} if component.rate is not None else set()
            counted |= {component.staffel.per} if component.staffel is not None else set()
        for pot in self.ruleset.pots.values():
            counted |= {key.per for key in pot.keys} if pot.kind is PotKind.SHARE else set()
        self.input_columns = [
            (column, column in counted)
            for column in ("inhabitants", *sorted((counted | self.ruleset.columns()) - {"inhabitants"}))
            if column in self.frame.columns
        ]
        self.per_area_paths = {
            result.name: self._per_area_paths(result)
            for result in allocation.components
            if result.rule.per_area
        }

    def inputs(self, position: int) -> AreaInput:
        """The values of the area's row that the rules read, and where that row is."""
        population = self.allocation.population
        values = tuple(
            InputValue(
                column,
                population.headers.get(column, column),
                population.count(column).decimal_at(position)
                if counted
                else str(self.frame[column].iloc[position]),
            )
            for column, counted in self.input_columns
        )
        return AreaInput(population.source, population.sheet, population.row_of(position), values)

    def _lists(self, result: ComponentResult) -> dict[str, list[Any]]:
        """A component's per-area arrays as Python lists, made once: reading numpy one element at a
        time for every area costs more than the derivation itself."""
        found = self.arrays.get(result.name)
        if found is None:
            found = {
                key: np.asarray(getattr(result, key)).tolist()
                for key in ("exception", "applies", "bracket", "rounded", "bound", "cents")
            }
            self.arrays[result.name] = found
        return found

    def _bounds(self, bracket: Bracket) -> str:
        """A bracket's bounds in interval notation, written once per bracket."""
        key = id(bracket)
        if key not in self.bounds:
            self.bounds[key] = bracket.describe()
        return self.bounds[key]

    def _line(self, path: str | None) -> int | None:
        if path is None:
            return None
        if path not in self.lines:  # the same few paths for every area: looked up once
            self.lines[path] = self.ruleset.line_of(path)
        return self.lines[path]

    def _per_area_paths(self, result: ComponentResult) -> dict[int, str]:
        from budgetcalc.engine.areas import AreaIndex

        index = self.allocation.population.derived("area_index", AreaIndex)
        return {
            index.require(reference, "per_area"): f"components.{result.name}.per_area.{reference}"
            for reference in result.rule.per_area or {}
        }

    def _exceptions(self, position: int, component: str | None) -> list[tuple[int, AreaException]]:
        code, name = self.frame["code"].iloc[position], self.frame["name"].iloc[position]
        return [
            (index, entry)
            for index, entry in enumerate(self.ruleset.exceptions)
            if entry.component == component and normal_text(entry.area) in (code, name)
        ]

    def _excepted(self, part: str, position: int, component: str | None, cents: int) -> Excepted:
        found = self._exceptions(position, component)
        path = f"exceptions[{found[0][0] + 1}].amount" if found else None
        reasons = tuple(entry.reason for _, entry in found)
        return Excepted(part, cents, reasons, path=path, line=self._line(path))

    def steps(self, position: int) -> list[Step]:
        """The area's steps, derived once per allocation: the checks and the explanations share them."""
        known = self.allocation.derived_steps
        if position not in known:
            known[position] = tuple(self._derive(position))
        return list(known[position])

    def _derive(self, position: int) -> list[Step]:
        return [*self._before_transition(position), *self._transition(position)]

    def _transition(self, position: int) -> list[Step]:
        """With a previous year: last year's amount, each transition rule that changed the amount, and
        the carry-over."""
        from budgetcalc.engine.transition import FLOOR, HOLD_HARMLESS, PHASE, RULES

        result = self.allocation.transition
        if result is None:
            return []
        has = bool(result.plan.has_previous[position])
        previous = int(result.plan.previous_cents[position])
        target = int(result.target[position])
        excepted = bool(self.allocation.total.exception[position])
        found: list[Step] = [LastYear("transition", previous if has else None, target, excepted)]
        acted = int(result.acted[position])
        rule = self.ruleset.transition
        for bit, key in RULES.items():
            if not acted & bit or rule is None:
                continue
            cents = int(result.cents[position])  # hold harmless and floor act last
            limit = previous
            if bit == PHASE:
                cents = int(result.phased[position])
                limit = cents - previous
            elif bit == FLOOR and rule.floor is not None:
                limit = max(decimal_to_cents(rule.floor.value), previous)
            elif bit != HOLD_HARMLESS:  # a cap: the allowed change
                cents = int(result.capped[position])
                limit = abs(cents - previous)
            path = f"transition.{key}" if bit != PHASE else "transition.phase.years"
            years = rule.phase.years if rule.phase is not None else 0
            found.append(
                Transition(
                    "transition",
                    key,
                    previous,
                    target,
                    limit,
                    cents,
                    int(result.phase_year) if bit == PHASE else 0,
                    years if bit == PHASE else 0,
                    path=path,
                    line=self._line(path),
                )
            )
        carry = self.ruleset.carry_over
        unspent = int(result.carry.unspent[position])
        if carry is not None and unspent:
            limited = int(result.carry.limited[position])
            stopped = "not_kept" if not carry.keep else ("", "maximum", "max_years")[limited]
            path = f"carry_over.{stopped}" if stopped in ("maximum", "max_years") else "carry_over.keep"
            found.append(
                CarriedOver(
                    "carry_over",
                    unspent,
                    int(result.carry.carried[position]),
                    int(result.carry.carried_years[position]),
                    int(result.carry.years_before[position]),
                    stopped,
                    carry.return_to_pot or "",
                    path=path,
                    line=self._line(path),
                )
            )
        return found

    def _before_transition(self, position: int) -> list[Step]:
        total = self.allocation.total
        if total.exception[position]:
            return [self._excepted("total", position, None, int(total.cents[position]))]
        found: list[Step] = []
        for result in self.allocation.components:
            found.extend(self._component(result, position))
        for pot in self.allocation.pots:
            found.append(self._pot(pot, position))
        rule = self.ruleset.total
        if rule is not None:
            found.append(TotalSum("total", int(total.component_sum[position])))
            if rule.rounding is not None:
                path = "total.rounding.step"
                step = rule.rounding.step.value
                found.append(
                    Rounded(
                        "total",
                        step,
                        rule.rounding.mode.value,
                        int(total.rounded[position]),
                        path=path,
                        line=self._line(path),
                    )
                )
            bound = int(total.bound[position])
            if bound:
                path = "total.minimum" if bound == RAISED_TO_MINIMUM else "total.maximum"
                cents = int(total.cents[position])
                found.append(
                    Bounded("total", bound == RAISED_TO_MINIMUM, cents, path=path, line=self._line(path))
                )
        return found

    def _component(self, result: ComponentResult, position: int) -> list[Step]:
        name, rule = result.name, result.rule
        base = f"components.{name}"
        arrays = self._lists(result)
        if arrays["exception"][position]:
            return [self._excepted(name, position, name, arrays["cents"][position])]
        if not arrays["applies"][position]:
            where = f"{base}.applies_to"
            condition = rule.applies_to.describe() if rule.applies_to is not None else ""
            return [NotApplicable(name, condition, path=where, line=self._line(where))]
        terms: list[Step] = []
        if rule.fixed is not None:
            path = f"{base}.fixed"
            terms.append(FixedTerm(name, _at(result.fixed, position), path=path, line=self._line(path)))
        if rule.rate is not None:
            path = f"{base}.rate"
            count = _at(self.counts[name], position)
            terms.append(RateTerm(name, rule.rate.value, count, rule.per, path=path, line=self._line(path)))
        bracket_index = arrays["bracket"][position]
        if rule.staffel is not None and bracket_index != NO_BRACKET:
            bracket = rule.staffel.brackets[bracket_index]
            path = f"{base}.staffel.brackets[{bracket_index + 1}]"
            terms.append(
                BracketTerm(
                    name,
                    bracket_index,
                    bracket.fixed.value if bracket.fixed is not None else None,
                    bracket.rate.value if bracket.rate is not None else None,
                    _at(result.staffel_base, position) if bracket.rate is not None else None,
                    rule.staffel.per,
                    count=_at(self.staffel_counts[name], position),
                    bounds=self._bounds(bracket),
                    path=path,
                    line=self._line(path),
                )
            )
        if rule.per_area:
            listed = self.per_area_paths[name].get(position)
            terms.append(
                PerAreaTerm(name, _at(result.per_area, position), path=listed, line=self._line(listed))
            )
        found = [*terms, ExactSum(name, _at(result.exact, position), len(terms))]
        if rule.rounding is not None:
            path = f"{base}.rounding.step"
            found.append(
                Rounded(
                    name,
                    rule.rounding.step.value,
                    rule.rounding.mode.value,
                    arrays["rounded"][position],
                    path=path,
                    line=self._line(path),
                )
            )
        bound = arrays["bound"][position]
        if bound in (RAISED_TO_MINIMUM, LOWERED_TO_MAXIMUM):
            path = f"{base}.minimum" if bound == RAISED_TO_MINIMUM else f"{base}.maximum"
            raised = bound == RAISED_TO_MINIMUM
            found.append(Bounded(name, raised, arrays["cents"][position], path=path, line=self._line(path)))
        return found

    def _pot(self, pot: PotResult, position: int) -> Step:
        name, rule = pot.name, pot.rule
        path = f"pots.{name}.amount"
        line = self._line(path)
        if not pot.eligible[position]:
            where = f"pots.{name}.applies_to"
            condition = rule.applies_to.describe() if rule.applies_to is not None else ""
            return TakesNoPart(name, condition, path=where, line=self._line(where))
        step = int(pot.step[0])
        by_remainder = bool(pot.by_remainder[position])
        cents = int(pot.cents[position])
        if rule.kind is not PotKind.SHARE:
            return ScaledDown(
                name,
                rule.kind.value,
                int(pot.amount[0]),
                int(pot.numerators[position]),
                int(pot.key_total[0]),
                bool(pot.reached[0]),
                by_remainder,
                step,
                -cents,
                tuple((part, int(paid[position])) for part, paid in pot.split.items()),
                path=path,
                line=line,
            )
        state = int(pot.state[position])
        if state != PROPORTIONAL:  # a minimum or maximum fixed the share: that is the value it used
            path = f"pots.{name}.minimum" if state < 0 else f"pots.{name}.maximum"
            line = self._line(path)
        numerator, key_total, free_pool = (
            int(pot.numerators[position]),
            int(pot.key_total[0]),
            int(pot.free_pool[0]),
        )
        return PotShare(
            name,
            int(pot.amount[0]),
            int(pot.paid_first[0]),
            tuple(rule.minus),
            int(pot.pool[0]),
            step,
            free_pool,
            numerator,
            key_total,
            self._key_parts(pot, position),
            rule.share_by.value,
            state if state != PROPORTIONAL else 0,
            cents - (step if by_remainder else 0),
            key_total == 0 or free_pool * numerator % key_total == 0,
            int((pot.eligible & (pot.state != PROPORTIONAL)).sum()),
            by_remainder,
            cents,
            path=path,
            line=line,
        )

    def _key_parts(self, pot: PotResult, position: int) -> tuple[KeyPart, ...]:
        """Each key's count for the area and its total over the areas the pot shares by the keys (not
        those a minimum or maximum fixed): the share is the pool's part in that proportion."""
        if pot.rule.share_by is not ShareBy.KEYS:
            return ()
        shared = pot.eligible & (pot.state == PROPORTIONAL)
        parts = []
        for key in pot.rule.keys:
            counts = self.allocation.population.count(key.per)
            total = Fixed(np.array([int(counts.units[shared].sum())]), counts.scale).decimal_at(0)
            parts.append(KeyPart(key.per, key.weight, _at(counts, position), total))
        return tuple(parts)


def _at(values: Fixed, position: int) -> Decimal:
    return values.decimal_at(position)


def marginal(ruleset: RuleSet, part: str, bracket: int) -> Decimal | None:
    """The lower bound a marginal bracket's rate counts from (None for a rate on the whole count)."""
    staffel = ruleset.components[part].staffel
    assert staffel is not None
    rule = staffel.brackets[bracket]
    return rule.lower if rule.rate_applies_to is RateBase.PART_ABOVE_LOWER_BOUND else None
