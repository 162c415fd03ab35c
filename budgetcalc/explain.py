"""Step-by-step explanations of how each amount came about, in Dutch or English, written from the
typed derivation of :mod:`budgetcalc.derivation`.

Reports explain every area, so the texts that are the same for every area (bracket phrases, the rule's
rates) are formatted once per component and language; the area's own numbers per area.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from budgetcalc.derivation import (
    Bounded,
    BracketTerm,
    Deriver,
    ExactSum,
    Excepted,
    FixedTerm,
    NotApplicable,
    PerAreaTerm,
    PotShare,
    RateTerm,
    Rounded,
    ScaledDown,
    Step,
    TakesNoPart,
    TotalSum,
    marginal,
)
from budgetcalc.labels import Lang, label, unit_label
from budgetcalc.money import RoundingMode, decimal_to_cents, format_euro, format_number
from budgetcalc.ruleset.amount import Amount
from budgetcalc.ruleset.model import PotKind, Rounding, ShareBy

if TYPE_CHECKING:
    from budgetcalc.allocation import Allocation


def describe_rounding(rounding: Rounding, lang: Lang) -> str:
    """E.g. ``afgerond naar boven op een veelvoud van € 100,00``."""
    step = format_euro(decimal_to_cents(rounding.step.value), lang)
    return (
        f"{label('rounded', lang)} {label(rounding.mode.value, lang)} {label('to_multiple_of', lang)} {step}"
    )


def _bound_text(raised: bool, cents: int, lang: Lang) -> str:
    """What follows an amount that was raised to the minimum or lowered to the maximum."""
    key = "raised_to_minimum" if raised else "lowered_to_maximum"
    return f"; {label(key, lang)} {format_euro(cents, lang)}"


class AreaExplainer:
    """Explains any area of one allocation in words, written from its derivation (the typed steps of
    :mod:`budgetcalc.derivation`); texts that are the same for every area are formatted once."""

    def __init__(self, allocation: Allocation, lang: Lang = "nl") -> None:
        self.deriver = Deriver(allocation)
        self.ruleset = allocation.ruleset
        self.lang = lang
        self.titles = {
            name: f"{allocation.column_title(name, lang)}: "
            for name in (*allocation.ruleset.components, *allocation.ruleset.pots)
        }
        self.brackets: dict[tuple[str, int], tuple[str, str | None, str]] = {}
        self.rates: dict[str, str] = {}
        self.roundings: dict[tuple[Decimal, str], str] = {}

    def explain(self, position: int) -> list[str]:
        """Every step for one area: each component, each pot, then the total rules or exception."""
        return self.render(self.deriver.steps(position))

    def render(self, steps: list[Step]) -> list[str]:
        """One line per component and pot, and one for the total rules, from the area's steps."""
        lines: list[str] = []
        parts: dict[str, list[Step]] = {}
        for step in steps:
            parts.setdefault(step.part, []).append(step)
        for part, own in parts.items():
            lines.append(self._total(own) if part == "total" else self.titles[part] + self._part(part, own))
        return lines

    def _part(self, part: str, steps: list[Step]) -> str:
        lang = self.lang
        first = steps[0]
        if isinstance(first, Excepted):
            return (
                f"{label('exception', lang)}: {format_euro(first.cents, lang)} ({'; '.join(first.reasons)})"
            )
        if isinstance(first, NotApplicable):
            return label("not_applicable", lang)
        if isinstance(first, TakesNoPart):
            only = f" ({label('only_for', lang)} {first.condition})" if first.condition else ""
            return label("takes_no_part", lang) + only
        if isinstance(first, PotShare):
            return self._pot_share(first)
        if isinstance(first, ScaledDown):
            return self._scaled_down(first)
        terms: list[str] = []  # read as arithmetic: products before sums, then "= exact sum"
        text = ""
        for step in steps:
            if isinstance(step, FixedTerm):
                terms.append(f"{label('fixed', lang)} {format_euro(step.amount, lang)}")
            elif isinstance(step, RateTerm):
                terms.append(
                    self._rate(part, step)
                    + format_number(step.count, lang)
                    + f" {unit_label(step.per, lang)}"
                )
            elif isinstance(step, BracketTerm):
                terms.append(self._bracket(part, step))
            elif isinstance(step, PerAreaTerm):
                terms.append(f"{label('per_area', lang)} {format_euro(step.amount, lang)}")
            elif isinstance(step, ExactSum):
                text = " + ".join(terms)
                if "×" in text or len(terms) > 1:
                    text += f" = {format_euro(step.amount, lang)}"
            elif isinstance(step, Rounded):
                text += f"; {self._rounding(step)}: {format_euro(step.cents, lang)}"
            elif isinstance(step, Bounded):
                text += _bound_text(step.raised, step.cents, lang)
        return text

    def _rate(self, part: str, step: RateTerm) -> str:
        if part not in self.rates:
            self.rates[part] = f"{format_euro(step.rate, self.lang)} × "
        return self.rates[part]

    def _rounding(self, step: Rounded) -> str:
        key = (step.step, step.mode)
        if key not in self.roundings:  # the same few roundings for every area: worded once
            rounding = Rounding(step=Amount(value=step.step), mode=RoundingMode(step.mode))
            self.roundings[key] = describe_rounding(rounding, self.lang)
        return self.roundings[key]

    def _bracket(self, part: str, step: BracketTerm) -> str:
        lang = self.lang
        key = (part, step.bracket)
        if key not in self.brackets:
            staffel = self.ruleset.components[part].staffel
            assert staffel is not None
            bracket = staffel.brackets[step.bracket]
            text = f"{label('staffel', lang)} {bracket.describe()}"
            if bracket.label:
                text += f" ({bracket.label})"
            if bracket.fixed is not None:
                text += f": {format_euro(bracket.fixed.value, lang)}"
            rate = None
            unit = unit_label(staffel.per, lang)
            if bracket.rate is not None:
                lower = marginal(self.ruleset, part, step.bracket)
                if lower is not None:
                    unit = f"{unit} ({label('part_above', lang)} {format_number(lower, lang)})"
                joiner = " +" if bracket.fixed is not None else ":"
                rate = f"{joiner} {format_euro(bracket.rate.value, lang)} × "
            self.brackets[key] = (text, rate, f" {unit}")
        text, rate, unit = self.brackets[key]
        if rate is not None and step.base is not None:
            text += rate + format_number(step.base, lang) + unit
        return text

    def _pot_head(self, step: PotShare) -> str:
        lang = self.lang
        head = f"{label('pot', lang)} {format_euro(step.amount, lang)}"
        if step.paid_by:
            names = ", ".join(self.ruleset.components[name].label or name for name in step.paid_by)
            head += f" − {names} {format_euro(step.paid_first, lang)}"
        return f"{head} = {format_euro(step.pool, lang)} {label('to_share', lang)}; "

    def _pot_share(self, step: PotShare) -> str:
        lang = self.lang
        head = self._pot_head(step)
        if step.bound:
            key = "share_minimum" if step.bound < 0 else "share_maximum"
            return f"{head}{label(key, lang)} {format_euro(step.cents, lang)}"
        free_pool = format_euro(step.free_pool * step.step, lang)
        if step.share_by == ShareBy.EQUAL.value:
            share = (
                f"{label('equal_share', lang)} 1 {label('of', lang)} {format_number(step.key_total, lang)}"
            )
        elif len(step.keys) == 1:
            only = step.keys[0]
            count, total = format_number(only.count, lang), format_number(only.total, lang)
            share = f"{free_pool} × {count} / {total} {unit_label(only.per, lang)}"
        elif step.bounded_areas:  # several keys and fixed shares: the exact fraction of the free pool
            share = (
                f"{free_pool} × {format_number(step.numerator, lang)} / {format_number(step.key_total, lang)}"
            )
        else:  # the pool's part: the weighted mean of the areas' parts of each key
            weights = sum((part.weight for part in step.keys), Decimal(0))
            parts = " + ".join(
                f"{format_number(part.weight, lang)} × {format_number(part.count, lang)} / "
                f"{format_number(part.total, lang)} {unit_label(part.per, lang)}"
                for part in step.keys
            )
            share = f"{free_pool} × ({parts}) / {format_number(weights, lang)}"
        euro_step = format_euro(step.step, lang)
        text = f"{head}{share} = {format_euro(step.floor_cents, lang)}"
        if not step.exact:
            text += f" ({label('rounded', lang)} {label('rounded_down_to_step', lang)} {euro_step})"
        if step.by_remainder:
            text += f" + {euro_step} {label('largest_remainder', lang)} = {format_euro(step.cents, lang)}"
        return text

    def _scaled_down(self, step: ScaledDown) -> str:
        """``plafond € 8.147,00, totaal € 9.500,00: € 8.147,00 × € 1.000,00 / € 9.500,00 = ...``."""
        lang = self.lang
        amount = format_euro(step.amount, lang)
        fraction = f"{amount} × {format_euro(step.base, lang)} / {format_euro(step.total, lang)} = "
        remainder = ""
        if step.by_remainder:
            euro_step = format_euro(step.step, lang)
            remainder = f" ({label('including', lang)} {euro_step} {label('largest_remainder', lang)})"
        given_up = format_euro(step.given_up, lang)
        if step.kind == PotKind.CEILING.value:
            total = format_euro(step.total, lang)
            head = f"{label('ceiling', lang)} {amount}, {label('total', lang).lower()} {total}"
            if not step.reached:
                return f"{head}: {label('not_reached', lang)}"
            kept = format_euro(step.base - step.given_up, lang)
            return f"{head}: {fraction}{kept}{remainder}" + (f"; −{given_up}" if step.given_up else "")
        split = ""
        if step.split:
            paid = ", ".join(
                f"{self.titles[part][:-2]} {format_euro(cents, lang)}" for part, cents in step.split
            )
            split = f" ({label('of_which', lang)} {paid})"
        levied = f"{label('levy', lang)} {fraction}{given_up}{remainder}{split}"
        return levied + (f"; −{given_up}" if step.given_up else "")

    def _total(self, steps: list[Step]) -> str:
        lang = self.lang
        first = steps[0]
        if isinstance(first, Excepted):
            amount = format_euro(first.cents, lang)
            return f"{label('total', lang)}: {label('exception', lang)} {amount} ({'; '.join(first.reasons)})"
        text = ""
        for step in steps:
            if isinstance(step, TotalSum):
                text = (
                    f"{label('total', lang)}: {label('sum_components', lang)} {format_euro(step.cents, lang)}"
                )
            elif isinstance(step, Rounded):
                text += f"; {self._rounding(step)}: {format_euro(step.cents, lang)}"
            elif isinstance(step, Bounded):
                text += _bound_text(step.raised, step.cents, lang)
        return text


def explain_area(allocation: Allocation, position: int, lang: Lang = "nl") -> list[str]:
    """Every step for one area; to explain many areas, make one :class:`AreaExplainer` and reuse it."""
    return AreaExplainer(allocation, lang).explain(position)
