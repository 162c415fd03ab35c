"""Last year's amounts: matching them to this year's areas, the transition rules on the change from
last year (``[transition]``), and the money carried over (``[carry_over]``), in every scenario.

The rules act after the total rules (``docs/rules.md``, "Order of operations"), on the rule's amount
(the target) of every area that had an amount last year and no exception on its total:

1. phase: in year k of a phase of N years, ``P + round((T - P) / (N - k + 1))``; the last year ``T``;
2. caps: the change is at most the percentage of ``P`` (rounded down to the cent) and/or the amount;
3. hold harmless: at least ``P``; floor: at least the floor, and at least ``P``.

Each rule is a bit of :attr:`TransitionResult.acted` where it changed the amount; the last rule that
acted is the highest bit set. Carry-over is worked out before the pots: what is not kept goes into a
shared pot (``return_to_pot``) before it is shared.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from budgetcalc.engine.parameters import Scenarios
from budgetcalc.errors import AllocationError
from budgetcalc.exact import BoolArray, Fixed, Int64Array, check_fits, max_abs
from budgetcalc.money import round_quotient
from budgetcalc.population import Population
from budgetcalc.previous import PreviousYear
from budgetcalc.ruleset.model import Phase, RuleSet
from budgetcalc.text import normal_text

NO_MATCH = -1

PHASE = 1
INCREASE_PERCENT = 2
INCREASE_AMOUNT = 4
DECREASE_PERCENT = 8
DECREASE_AMOUNT = 16
HOLD_HARMLESS = 32
FLOOR = 64

RULES: dict[int, str] = {
    PHASE: "phase",
    INCREASE_PERCENT: "max_increase_percent",
    INCREASE_AMOUNT: "max_increase",
    DECREASE_PERCENT: "max_decrease_percent",
    DECREASE_AMOUNT: "max_decrease",
    HOLD_HARMLESS: "hold_harmless",
    FLOOR: "floor",
}
"""Each rule's bit and its key in ``[transition]``, in the order the rules act."""


def last_rule(acted: int) -> str | None:
    """The key of the last rule that changed the amount (the highest bit of ``acted``), or None."""
    return RULES[1 << (acted.bit_length() - 1)] if acted else None


@dataclass(frozen=True)
class TransitionPlan:
    """Last year's rows matched to this year's areas: worked out once, apart from the values."""

    previous: PreviousYear
    match: Int64Array
    """Per area: the row of the previous year it matches, or NO_MATCH (a new area)."""
    gone: Int64Array
    """The rows of the previous year that match no area this year."""
    previous_cents: Int64Array
    """Per area: last year's amount (0 for a new area)."""
    applies: BoolArray
    """Areas the transition rules act on: with a last-year amount and no exception on their total."""
    year: int
    """The budget year."""

    @property
    def has_previous(self) -> BoolArray:
        return np.asarray(self.match != NO_MATCH)


def _code_key(code: str) -> str:
    return normal_text(code).upper()


def _name_key(name: str) -> str:
    return normal_text(name).casefold()


def match_previous(previous: PreviousYear, population: Population) -> tuple[Int64Array, Int64Array]:
    """Per area the previous row that matches it (or NO_MATCH), and the previous rows no area matches.

    A row with a code matches the area with that code (stripped, upper case); a row without one the
    area with its name (case and runs of spaces aside). Two rows for one area, or a name that several
    areas bear, is an error naming both."""
    frame = population.frame
    by_code = {_code_key(str(code)): at for at, code in enumerate(frame["code"])}
    by_name: dict[str, list[int]] = {}
    for at, name in enumerate(frame["name"]):
        by_name.setdefault(_name_key(str(name)), []).append(at)
    match = np.full(len(population), NO_MATCH, dtype=np.int64)
    gone: list[int] = []
    where = f" ({previous.file})" if previous.file else ""
    for row, (code, name) in enumerate(zip(previous.codes, previous.names, strict=True)):
        position: int | None
        if _code_key(code):
            position = by_code.get(_code_key(code))
        else:
            found = by_name.get(_name_key(name), [])
            if len(found) > 1:
                codes = ", ".join(str(frame["code"].iloc[p]) for p in found)
                raise AllocationError(
                    f"the previous year's area '{name}'{where} has no code, and {len(found)} areas bear "
                    f"that name ({codes}); give the previous year's codes"
                )
            position = found[0] if found else None
        if position is None:
            gone.append(row)
            continue
        if match[position] != NO_MATCH:
            first = _row_text(previous, int(match[position]))
            raise AllocationError(
                f"the previous year{where} has two rows for area '{frame['name'].iloc[position]}' "
                f"({frame['code'].iloc[position]}): {first} and {_row_text(previous, row)}; keep one"
            )
        match[position] = row
    return match, np.array(gone, dtype=np.int64)


def _row_text(previous: PreviousYear, row: int) -> str:
    code, name = previous.codes[row], previous.names[row]
    return " ".join(part for part in (code, f"'{name}'" if name else "") if part) or f"row {row + 1}"


def transition_plan(
    ruleset: RuleSet, population: Population, previous: PreviousYear, total_exception: BoolArray
) -> TransitionPlan:
    """Match ``previous`` to the areas; last year's amounts below 0 are an error."""
    if (previous.amount_cents < 0).any():
        row = int(np.flatnonzero(previous.amount_cents < 0)[0])
        raise AllocationError(f"the previous year's amount of {_row_text(previous, row)} is below 0")
    for column in (previous.unspent_cents, previous.carried_years):
        if column is not None and (column < 0).any():
            row = int(np.flatnonzero(column < 0)[0])
            raise AllocationError(
                f"the previous year's unspent money or years of {_row_text(previous, row)} is below 0"
            )
    match, gone = match_previous(previous, population)
    has = match != NO_MATCH
    cents = np.where(has, previous.amount_cents[np.where(has, match, 0)] if len(previous) else 0, 0)
    return TransitionPlan(
        previous,
        match,
        gone,
        np.asarray(cents, dtype=np.int64),
        np.asarray(has & ~total_exception, dtype=np.bool_),
        ruleset.year(),
    )


@dataclass(frozen=True)
class CarryOverResult:
    """Per scenario and area: what is carried over and for how many years in a row now; per scenario:
    what is not kept (to the pot ``return_to_pot``, or back to the municipality)."""

    unspent: Int64Array
    """Per area: last year's unspent money (0 for a new area)."""
    years_before: Int64Array
    """Per area: the years in a row its money had been carried before this year."""
    carried: Int64Array
    carried_years: Int64Array
    returned: Int64Array
    """Per scenario: unspent money not kept, gone areas' included."""
    limited: Int64Array
    """Per scenario and area: 1 where the maximum cut what is kept, 2 where max_years stopped it."""


def carry_over(plan: TransitionPlan, ruleset: RuleSet, values: Scenarios) -> CarryOverResult:
    """What each area keeps of its unspent money, in every scenario."""
    previous = plan.previous
    rows = values.size
    size = len(plan.match)
    unspent = (
        previous.unspent_cents if previous.unspent_cents is not None else np.zeros(len(previous), np.int64)
    )
    years = (
        previous.carried_years if previous.carried_years is not None else np.zeros(len(previous), np.int64)
    )
    has = plan.match != NO_MATCH
    at = np.where(has, plan.match, 0)
    area_unspent = np.where(has, unspent[at] if len(previous) else 0, 0).astype(np.int64)
    area_years = np.where(has, years[at] if len(previous) else 0, 0).astype(np.int64)
    rule = ruleset.carry_over
    carried = np.zeros((rows, size), dtype=np.int64)
    limited = np.zeros((rows, size), dtype=np.int64)
    if rule is not None and rule.keep:
        kept = np.broadcast_to(area_unspent, (rows, size))
        if rule.maximum is not None:
            maximum = values.cents("carry_over.maximum")
            limited = np.where(kept > maximum, 1, 0)
            kept = np.minimum(kept, maximum)
        if rule.max_years is not None:
            stopped = area_years >= _whole(values, "carry_over.max_years")
            limited = np.where(stopped & (area_unspent > 0), 2, limited)
            kept = np.where(stopped, 0, kept)
        carried = np.asarray(kept, dtype=np.int64).copy()
    check_fits(max_abs(unspent) * max(len(previous), 1), "the previous year's unspent money")
    returned = np.asarray(int(unspent.sum()) - carried.sum(axis=1), dtype=np.int64)
    carried_years = np.where(carried > 0, area_years + 1, 0).astype(np.int64)
    return CarryOverResult(
        area_unspent, area_years, carried, carried_years, returned, np.asarray(limited, dtype=np.int64)
    )


def _whole(values: Scenarios, path: str) -> Int64Array:
    """A whole-number value (years) per scenario, shape (S, 1) or (1, 1)."""
    found = values.value(path)
    return np.asarray(found.units // 10**found.scale, dtype=np.int64)


@dataclass(frozen=True)
class TransitionResult:
    """Per scenario and area: the rule's amount (target), after the phase, after the caps, the final
    amount, and which rules changed it (bits of :data:`RULES`); the carry-over beside it."""

    plan: TransitionPlan
    target: Int64Array
    phased: Int64Array
    capped: Int64Array
    cents: Int64Array
    acted: Int64Array
    phase_year: Int64Array
    """Per scenario: the year of the phase this budget year is (1 .. years), 0 outside the phase."""
    carry: CarryOverResult

    @property
    def adjustment(self) -> Int64Array:
        """What the transition rules changed: final less target."""
        return np.asarray(self.cents - self.target, dtype=np.int64)

    def row(self, scenario: int) -> TransitionResult:
        carry = self.carry
        return replace(
            self,
            target=self.target[scenario],
            phased=self.phased[scenario],
            capped=self.capped[scenario],
            cents=self.cents[scenario],
            acted=self.acted[scenario],
            phase_year=self.phase_year[min(scenario, len(self.phase_year) - 1)],
            carry=replace(
                carry,
                carried=carry.carried[scenario],
                carried_years=carry.carried_years[scenario],
                returned=carry.returned[scenario : scenario + 1],
                limited=carry.limited[min(scenario, len(carry.limited) - 1)],
            ),
        )


def apply_transition(
    plan: TransitionPlan, ruleset: RuleSet, target: Int64Array, values: Scenarios, carry: CarryOverResult
) -> TransitionResult:
    """The transition rules on every scenario's targets (shape (S, areas))."""
    rows, size = target.shape
    previous = np.broadcast_to(plan.previous_cents, (rows, size))
    applies = np.broadcast_to(plan.applies, (rows, size))
    acted = np.zeros((rows, size), dtype=np.int64)
    rule = ruleset.transition
    phase_year = np.zeros(rows, dtype=np.int64)
    phased = capped = final = target
    if rule is not None:
        check_fits(max(max_abs(target), max_abs(plan.previous_cents)) * 2, "a change from last year")
        if rule.phase is not None:
            phased, phase_year = _phase(plan, rule.phase, target, values)
            phased = np.where(applies, phased, target)
            acted |= np.where(phased != target, PHASE, 0)
        capped = phased
        for bit, key, sign in (
            (INCREASE_PERCENT, "max_increase_percent", 1),
            (INCREASE_AMOUNT, "max_increase", 1),
            (DECREASE_PERCENT, "max_decrease_percent", -1),
            (DECREASE_AMOUNT, "max_decrease", -1),
        ):
            if getattr(rule, key) is None:
                continue
            path = f"transition.{key}"
            limit = (
                _percent_of(plan.previous_cents, values.value(path))
                if "percent" in key
                else values.cents(path)
            )
            bound = previous + sign * limit
            passes = applies & ((capped > bound) if sign > 0 else (capped < bound))
            capped = np.where(passes, bound, capped)
            acted |= np.where(passes, bit, 0)
        final = capped
        if rule.hold_harmless:
            below = applies & (final < previous)
            final = np.where(below, previous, final)
            acted |= np.where(below, HOLD_HARMLESS, 0)
        if rule.floor is not None:
            least = np.maximum(values.cents("transition.floor"), previous)
            below = applies & (final < least)
            final = np.where(below, least, final)
            acted |= np.where(below, FLOOR, 0)
    return TransitionResult(
        plan,
        target,
        np.asarray(phased, dtype=np.int64),
        np.asarray(capped, dtype=np.int64),
        np.asarray(final, dtype=np.int64),
        acted,
        phase_year,
        carry,
    )


def _percent_of(previous: Int64Array, percent: Fixed) -> Int64Array:
    """``previous x percent / 100`` rounded down to the cent, per scenario (shape (S, areas))."""
    check_fits(max_abs(previous) * max(max_abs(percent.units), 1), "a percentage of last year's amount")
    return np.asarray((previous * percent.units) // (100 * 10**percent.scale), dtype=np.int64)


def _phase(
    plan: TransitionPlan, phase: Phase, target: Int64Array, values: Scenarios
) -> tuple[Int64Array, Int64Array]:
    """Year k of N: ``P + round((T - P) / (N - k + 1))`` to the step; the last year and outside the
    phase ``T``. Returns the amounts and, per scenario, k (0 outside the phase)."""
    rows = target.shape[0]
    years = np.broadcast_to(_whole(values, "transition.phase.years")[:, 0], (rows,))
    k = plan.year - phase.first_year + 1
    inside = (k >= 1) & (k <= years)
    left = np.where(inside, years - k + 1, 1)[:, None]
    step = values.cents("transition.phase.rounding.step")
    previous = plan.previous_cents[None, :]
    change = target - previous
    moved = previous + round_quotient(change, left * step, phase.rounding.mode) * step
    phased = np.where(left > 1, moved, target)
    return np.asarray(phased, dtype=np.int64), np.where(inside, k, 0).astype(np.int64)
