"""Step-by-step explanations of how each amount came about, in Dutch or English."""

from __future__ import annotations

from typing import TYPE_CHECKING

from budgetcalc.engine.component import LOWERED_TO_MAXIMUM, RAISED_TO_MINIMUM, ComponentResult
from budgetcalc.engine.staffel import NO_BRACKET
from budgetcalc.labels import Lang, label, unit_label
from budgetcalc.money import decimal_to_cents, format_euro, format_number
from budgetcalc.population import Population
from budgetcalc.ruleset.amount import Amount
from budgetcalc.ruleset.model import RateBase, Rounding

if TYPE_CHECKING:
    from budgetcalc.allocation import Allocation


def describe_rounding(rounding: Rounding, lang: Lang) -> str:
    """E.g. ``afgerond naar boven op een veelvoud van € 100,00``."""
    step = format_euro(decimal_to_cents(rounding.step.value), lang)
    return (
        f"{label('rounded', lang)} {label(rounding.mode.value, lang)} {label('to_multiple_of', lang)} {step}"
    )


def _bound_text(bound: int, minimum: Amount | None, maximum: Amount | None, lang: Lang) -> str:
    if bound == RAISED_TO_MINIMUM and minimum is not None:
        return f"; {label('raised_to_minimum', lang)} {format_euro(decimal_to_cents(minimum.value), lang)}"
    if bound == LOWERED_TO_MAXIMUM and maximum is not None:
        return f"; {label('lowered_to_maximum', lang)} {format_euro(decimal_to_cents(maximum.value), lang)}"
    return ""


def explain_component(
    result: ComponentResult, position: int, population: Population, lang: Lang = "nl"
) -> str:
    """One line: the terms of one component for one area and what happened to their sum."""
    rule = result.rule
    if result.exception[position]:
        return f"{label('exception', lang)}: {format_euro(int(result.cents[position]), lang)}"
    if not result.applies[position]:
        return label("not_applicable", lang)
    terms: list[str] = []  # read as arithmetic: products before sums, then "= exact sum"
    if rule.fixed is not None:
        terms.append(f"{label('fixed', lang)} {format_euro(result.fixed.decimal_at(position), lang)}")
    if rule.rate is not None:
        count = population.count(rule.per).decimal_at(position)
        unit = unit_label(rule.per, lang)
        terms.append(f"{format_euro(rule.rate.value, lang)} × {format_number(count, lang)} {unit}")
    bracket_index = int(result.bracket[position])
    if rule.staffel is not None and bracket_index != NO_BRACKET:
        bracket = rule.staffel.brackets[bracket_index]
        text = f"{label('staffel', lang)} {bracket.describe()}"
        if bracket.label:
            text += f" ({bracket.label})"
        if bracket.fixed is not None:
            text += f": {format_euro(bracket.fixed.value, lang)}"
        if bracket.rate is not None:
            base = result.staffel_base.decimal_at(position)
            unit = unit_label(rule.staffel.per, lang)
            if bracket.rate_applies_to is RateBase.PART_ABOVE_LOWER_BOUND:
                unit = f"{unit} ({label('part_above', lang)} {format_number(bracket.lower, lang)})"
            joiner = " +" if bracket.fixed is not None else ":"
            text += f"{joiner} {format_euro(bracket.rate.value, lang)} × {format_number(base, lang)} {unit}"
        terms.append(text)
    if rule.per_area:
        terms.append(f"{label('per_area', lang)} {format_euro(result.per_area.decimal_at(position), lang)}")
    text = " + ".join(terms)
    if "×" in text or len(terms) > 1:
        text += f" = {format_euro(result.exact.decimal_at(position), lang)}"
    if rule.rounding is not None:
        text += (
            f"; {describe_rounding(rule.rounding, lang)}: {format_euro(int(result.rounded[position]), lang)}"
        )
    return text + _bound_text(int(result.bound[position]), rule.minimum, rule.maximum, lang)


def explain_area(allocation: Allocation, position: int, lang: Lang = "nl") -> list[str]:
    """Every step for one area: each component, then the total rules or exception."""
    frame = allocation.population.frame
    total = allocation.total
    ruleset = allocation.ruleset
    if total.exception[position]:
        code, name = frame["code"].iloc[position], frame["name"].iloc[position]
        reasons = [e.reason for e in ruleset.exceptions if e.component is None and e.area in (code, name)]
        amount = format_euro(int(total.cents[position]), lang)
        return [f"{label('total', lang)}: {label('exception', lang)} {amount} ({'; '.join(reasons)})"]
    lines = []
    for result in allocation.components:
        title = result.rule.label or result.name
        line = f"{title}: {explain_component(result, position, allocation.population, lang)}"
        if result.exception[position]:
            code, name = frame["code"].iloc[position], frame["name"].iloc[position]
            reasons = [
                e.reason for e in ruleset.exceptions if e.component == result.name and e.area in (code, name)
            ]
            line += f" ({'; '.join(reasons)})"
        lines.append(line)
    rule = ruleset.total
    if rule is not None:
        text = f"{label('total', lang)}: {label('sum_components', lang)} "
        text += format_euro(int(total.component_sum[position]), lang)
        if rule.rounding is not None:
            rounded = format_euro(int(total.rounded[position]), lang)
            text += f"; {describe_rounding(rule.rounding, lang)}: {rounded}"
        lines.append(text + _bound_text(int(total.bound[position]), rule.minimum, rule.maximum, lang))
    return lines
