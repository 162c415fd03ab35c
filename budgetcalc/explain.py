"""Step-by-step explanations of how each amount came about, in Dutch or English.

Reports explain every area, so the texts that are the same for every area (labels, the rule's own
amounts, rounding and bound phrases) are formatted once per component and language; only the
area's own numbers are formatted per area.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from budgetcalc.engine.component import LOWERED_TO_MAXIMUM, RAISED_TO_MINIMUM, ComponentResult
from budgetcalc.engine.pots import AT_MAXIMUM, AT_MINIMUM, PROPORTIONAL, PotResult
from budgetcalc.engine.staffel import NO_BRACKET
from budgetcalc.exact import Fixed
from budgetcalc.labels import Lang, label, unit_label
from budgetcalc.money import decimal_to_cents, format_euro, format_number
from budgetcalc.population import Population
from budgetcalc.ruleset.amount import Amount
from budgetcalc.ruleset.model import PotKind, RateBase, Rounding, ShareBy
from budgetcalc.text import normal_text

if TYPE_CHECKING:
    from budgetcalc.allocation import Allocation


def describe_rounding(rounding: Rounding, lang: Lang) -> str:
    """E.g. ``afgerond naar boven op een veelvoud van € 100,00``."""
    step = format_euro(decimal_to_cents(rounding.step.value), lang)
    return (
        f"{label('rounded', lang)} {label(rounding.mode.value, lang)} {label('to_multiple_of', lang)} {step}"
    )


def _euro_at(values: Fixed, position: int, lang: Lang) -> str:
    """``format_euro(values.decimal_at(position), lang)``: whole cents fast, finer amounts exactly."""
    units = int(values.units[position])
    if values.scale <= 2:
        return format_euro(units * 10 ** (2 - values.scale), lang)
    cents, rest = divmod(units, 10 ** (values.scale - 2))
    if rest == 0:
        return format_euro(cents, lang)
    return format_euro(values.decimal_at(position), lang)


def _number_at(values: Fixed, position: int, lang: Lang) -> str:
    """``format_number(values.decimal_at(position), lang)``; whole counts without Decimal."""
    if values.scale == 0:
        return format_number(int(values.units[position]), lang)
    return format_number(values.decimal_at(position), lang)


def _bound_texts(minimum: Amount | None, maximum: Amount | None, lang: Lang) -> dict[int, str]:
    """What follows an amount that was raised to the minimum or lowered to the maximum."""
    texts = {}
    if minimum is not None:
        texts[RAISED_TO_MINIMUM] = (
            f"; {label('raised_to_minimum', lang)} {format_euro(decimal_to_cents(minimum.value), lang)}"
        )
    if maximum is not None:
        texts[LOWERED_TO_MAXIMUM] = (
            f"; {label('lowered_to_maximum', lang)} {format_euro(decimal_to_cents(maximum.value), lang)}"
        )
    return texts


def _bound_text(bound: int, minimum: Amount | None, maximum: Amount | None, lang: Lang) -> str:
    return _bound_texts(minimum, maximum, lang).get(bound, "")


class _ComponentExplainer:
    """The texts of one component that are the same for every area, formatted once."""

    def __init__(self, result: ComponentResult, population: Population, lang: Lang) -> None:
        rule = result.rule
        self.result = result
        self.lang = lang
        self.exception = f"{label('exception', lang)}: "
        self.not_applicable = label("not_applicable", lang)
        self.fixed = f"{label('fixed', lang)} " if rule.fixed is not None else None
        self.counts: Fixed | None = None
        if rule.rate is not None:
            self.counts = population.count(rule.per)
            self.rate = f"{format_euro(rule.rate.value, lang)} × "
            self.rate_unit = f" {unit_label(rule.per, lang)}"
        self.brackets: list[tuple[str, str | None, str]] = []
        if rule.staffel is not None:
            for bracket in rule.staffel.brackets:
                text = f"{label('staffel', lang)} {bracket.describe()}"
                if bracket.label:
                    text += f" ({bracket.label})"
                if bracket.fixed is not None:
                    text += f": {format_euro(bracket.fixed.value, lang)}"
                rate = None
                unit = unit_label(rule.staffel.per, lang)
                if bracket.rate is not None:
                    if bracket.rate_applies_to is RateBase.PART_ABOVE_LOWER_BOUND:
                        above = format_number(bracket.lower, lang)
                        unit = f"{unit} ({label('part_above', lang)} {above})"
                    joiner = " +" if bracket.fixed is not None else ":"
                    rate = f"{joiner} {format_euro(bracket.rate.value, lang)} × "
                self.brackets.append((text, rate, f" {unit}"))
        self.per_area = f"{label('per_area', lang)} " if rule.per_area else None
        self.rounding = None
        if rule.rounding is not None:
            self.rounding = f"; {describe_rounding(rule.rounding, lang)}: "
        self.bounds = _bound_texts(rule.minimum, rule.maximum, lang)

    def explain(self, position: int) -> str:
        """One line: the terms of the component for one area and what happened to their sum."""
        result, lang = self.result, self.lang
        if result.exception[position]:
            return self.exception + format_euro(int(result.cents[position]), lang)
        if not result.applies[position]:
            return self.not_applicable
        terms: list[str] = []  # read as arithmetic: products before sums, then "= exact sum"
        if self.fixed is not None:
            terms.append(self.fixed + _euro_at(result.fixed, position, lang))
        if self.counts is not None:
            terms.append(self.rate + _number_at(self.counts, position, lang) + self.rate_unit)
        bracket_index = int(result.bracket[position])
        if self.brackets and bracket_index != NO_BRACKET:
            text, rate, unit = self.brackets[bracket_index]
            if rate is not None:
                text += rate + _number_at(result.staffel_base, position, lang) + unit
            terms.append(text)
        if self.per_area is not None:
            terms.append(self.per_area + _euro_at(result.per_area, position, lang))
        text = " + ".join(terms)
        if "×" in text or len(terms) > 1:
            text += f" = {_euro_at(result.exact, position, lang)}"
        if self.rounding is not None:
            text += self.rounding + format_euro(int(result.rounded[position]), lang)
        return text + self.bounds.get(int(result.bound[position]), "")


class _PotExplainer:
    """The texts of one pot that are the same for every area, formatted once."""

    def __init__(self, result: PotResult, allocation: Allocation, lang: Lang) -> None:
        rule = result.rule
        self.result = result
        self.lang = lang
        step = int(result.step[0])
        self.step = format_euro(step, lang)
        head = f"{label('pot', lang)} {format_euro(int(result.amount[0]), lang)}"
        if rule.minus:
            labels = ", ".join(allocation.ruleset.components[name].label or name for name in rule.minus)
            head += f" − {labels} {format_euro(int(result.paid_first[0]), lang)}"
        self.head = f"{head} = {format_euro(int(result.pool[0]), lang)} {label('to_share', lang)}; "
        self.free_pool = format_euro(int(result.free_pool[0]) * step, lang)
        self.key_total = int(result.key_total[0])
        self.counts: Fixed | None = None
        if rule.share_by is ShareBy.KEYS and len(rule.keys) == 1:
            self.counts = allocation.population.count(rule.keys[0].per)
            self.unit = unit_label(rule.keys[0].per, lang)
        self.keys = " + ".join(unit_label(key.per, lang) for key in rule.keys)
        self.bounds = {
            AT_MINIMUM: f"{label('share_minimum', lang)} " if rule.minimum is not None else "",
            AT_MAXIMUM: f"{label('share_maximum', lang)} " if rule.maximum is not None else "",
        }

    def explain(self, position: int) -> str:
        result, lang = self.result, self.lang
        if not result.eligible[position]:
            return label("takes_no_part", lang)
        if result.rule.kind is not PotKind.SHARE:
            return self._ceiling_or_levy(position)
        cents = int(result.cents[position])
        state = int(result.state[position])
        if state != PROPORTIONAL:
            return self.head + self.bounds[state] + format_euro(cents, lang)
        bonus = bool(result.by_remainder[position])
        floor = cents - (int(result.step[0]) if bonus else 0)
        if result.rule.share_by is ShareBy.EQUAL:
            share = (
                f"{label('equal_share', lang)} 1 {label('of', lang)} {format_number(self.key_total, lang)}"
            )
        elif self.counts is not None:
            count = _number_at(self.counts, position, lang)
            total = format_number(self.key_total, lang) if self.counts.scale == 0 else "…"
            share = f"{self.free_pool} × {count} / {total} {self.unit}"
        else:
            share = f"{self.free_pool} {label('by_keys', lang)} {self.keys}"
        text = f"{self.head}{share} = {format_euro(floor, lang)} ({label('rounded', lang)} "
        text += f"{label('rounded_down_to_step', lang)} {self.step})"
        if bonus:
            text += f" + {self.step} {label('largest_remainder', lang)} = {format_euro(cents, lang)}"
        return text

    def _ceiling_or_levy(self, position: int) -> str:
        """``plafond € 8.147,00; totaal € 9.500,00: € 8.147,00 × 1.000,00 / 9.500,00 = ...; − € 142,43``."""
        result, lang = self.result, self.lang
        base = int(result.numerators[position])
        total = int(result.key_total[0])
        amount = format_euro(int(result.amount[0]), lang)
        given_up = -int(result.cents[position])
        if result.rule.kind is PotKind.CEILING:
            head = f"{label('ceiling', lang)} {amount}, {label('total', lang).lower()} "
            head += format_euro(total, lang)
            if int(result.free_pool[0]) == 0 and given_up == 0:
                return f"{head}: {label('not_reached', lang)}"
            kept = base - given_up
            return (
                f"{head}: {amount} × {format_euro(base, lang)} / {format_euro(total, lang)} = "
                f"{format_euro(kept, lang)}{self._remainder(position)}; −{format_euro(given_up, lang)}"
            )
        return (
            f"{label('levy', lang)} {amount} × {format_euro(base, lang)} / {format_euro(total, lang)} = "
            f"{format_euro(given_up, lang)}{self._remainder(position)}; −{format_euro(given_up, lang)}"
        )

    def _remainder(self, position: int) -> str:
        if not self.result.by_remainder[position]:
            return ""
        return f" ({label('including', self.lang)} {self.step} {label('largest_remainder', self.lang)})"


class AreaExplainer:
    """Explains any area of one allocation; the texts shared by all areas are formatted once."""

    def __init__(self, allocation: Allocation, lang: Lang = "nl") -> None:
        self.frame = allocation.population.frame
        self.ruleset = allocation.ruleset
        self.total = allocation.total
        self.lang = lang
        self.components = [
            (
                f"{result.rule.label or result.name}: ",
                _ComponentExplainer(result, allocation.population, lang),
            )
            for result in allocation.components
        ]
        self.pots = [
            (f"{result.rule.label or result.name}: ", _PotExplainer(result, allocation, lang))
            for result in allocation.pots
        ]
        rule = allocation.ruleset.total
        self.total_prefix = f"{label('total', lang)}: {label('sum_components', lang)} "
        self.total_rounding = None
        self.total_bounds: dict[int, str] = {}
        if rule is not None:
            if rule.rounding is not None:
                self.total_rounding = f"; {describe_rounding(rule.rounding, lang)}: "
            self.total_bounds = _bound_texts(rule.minimum, rule.maximum, lang)

    def _reasons(self, position: int, component: str | None) -> str:
        code, name = self.frame["code"].iloc[position], self.frame["name"].iloc[position]
        exceptions = self.ruleset.exceptions
        return "; ".join(
            e.reason for e in exceptions if e.component == component and normal_text(e.area) in (code, name)
        )

    def explain(self, position: int) -> list[str]:
        """Every step for one area: each component, then the total rules or exception."""
        total, lang = self.total, self.lang
        if total.exception[position]:
            amount = format_euro(int(total.cents[position]), lang)
            reasons = self._reasons(position, None)
            return [f"{label('total', lang)}: {label('exception', lang)} {amount} ({reasons})"]
        lines = []
        for title, component in self.components:
            line = title + component.explain(position)
            if component.result.exception[position]:
                line += f" ({self._reasons(position, component.result.name)})"
            lines.append(line)
        lines.extend(title + pot.explain(position) for title, pot in self.pots)
        if self.ruleset.total is not None:
            text = self.total_prefix + format_euro(int(total.component_sum[position]), lang)
            if self.total_rounding is not None:
                text += self.total_rounding + format_euro(int(total.rounded[position]), lang)
            lines.append(text + self.total_bounds.get(int(total.bound[position]), ""))
        return lines


def explain_area(allocation: Allocation, position: int, lang: Lang = "nl") -> list[str]:
    """Every step for one area; to explain many areas, make one :class:`AreaExplainer` and reuse it."""
    return AreaExplainer(allocation, lang).explain(position)
