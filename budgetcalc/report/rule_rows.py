"""The rules in force as table rows (component, rule, value, source) for the report."""

from __future__ import annotations

from decimal import Decimal

from budgetcalc.explain import describe_rounding
from budgetcalc.labels import Lang, format_date, label, per_unit_label, unit_label
from budgetcalc.money import format_number
from budgetcalc.ruleset.amount import Amount
from budgetcalc.ruleset.model import Component, Pot, PotKind, RateBase, RuleSet, ShareBy
from budgetcalc.wording import bracket_text, condition_text

Row = tuple[str, str, str | Decimal, str]


def _name(key: str, lang: Lang) -> str:
    return label(f"rule_{key}", lang)


def _source(amount: Amount | None, fallback: str | None = None) -> str:
    parts = [text for text in (amount.source if amount else None, amount.note if amount else None) if text]
    return "; ".join(parts) or (fallback or "")


def _component_rows(name: str, rule: Component, lang: Lang) -> list[Row]:
    title = rule.label or name
    rows: list[Row] = []
    if rule.applies_to is not None:
        rows.append(
            (
                title,
                _name("applies_to", lang),
                condition_text(rule.applies_to, lang),
                rule.applies_to.note or "",
            )
        )
    if rule.fixed is not None:
        rows.append((title, _name("fixed", lang), rule.fixed.value, _source(rule.fixed)))
    if rule.rate is not None:
        what = f"{_name('rate', lang)} {per_unit_label(rule.per, lang)}"
        rows.append((title, what, rule.rate.value, _source(rule.rate)))
    if rule.staffel is not None:
        for bracket in rule.staffel.brackets:
            where = f"{label('staffel', lang)} {bracket_text(bracket, rule.staffel.per, lang)}"
            if bracket.applies_to is not None:
                where += f" ({label('only_for', lang)} {condition_text(bracket.applies_to, lang)})"
            source = bracket.source or rule.staffel.source or ""
            if bracket.fixed is not None:
                rows.append(
                    (
                        title,
                        f"{where}: {_name('fixed', lang)}",
                        bracket.fixed.value,
                        _source(bracket.fixed, source),
                    )
                )
            if bracket.rate is not None:
                what = f"{where}: {_name('rate', lang)} {per_unit_label(rule.staffel.per, lang)}"
                if bracket.rate_applies_to is RateBase.PART_ABOVE_LOWER_BOUND:
                    what += f" {_name('marginal', lang)} {bracket.lower}"
                rows.append((title, what, bracket.rate.value, _source(bracket.rate, source)))
    for area, amount in (rule.per_area or {}).items():
        rows.append((title, f"{_name('per_area', lang)} {area}", amount.value, _source(amount)))
    for key in ("minimum", "maximum"):
        bound: Amount | None = getattr(rule, key)
        if bound is not None:
            rows.append((title, _name(key, lang), bound.value, _source(bound)))
    if rule.rounding is not None:
        rows.append(
            (title, _name("rounding", lang), describe_rounding(rule.rounding, lang), rule.rounding.note or "")
        )
    if rule.note or rule.source:
        rows.append((title, _name("note", lang), rule.note or "", rule.source or ""))
    return rows


def _pot_rows(name: str, pot: Pot, ruleset: RuleSet, lang: Lang) -> list[Row]:
    """A pot: its amount, what it pays first, how it is shared, its step and bounds."""
    title = pot.label or name
    rows: list[Row] = [(title, label("pot", lang), pot.amount.value, _source(pot.amount, pot.source))]
    if pot.minus:
        paid = ", ".join(_component_title(ruleset, key) for key in pot.minus)
        rows.append((title, f"{label('pot', lang)} − {paid}", "", ""))
    if pot.applies_to is not None:
        condition = condition_text(pot.applies_to, lang)
        rows.append((title, _name("applies_to", lang), condition, pot.applies_to.note or ""))
    if pot.kind is not PotKind.SHARE:
        on = ", ".join(_component_title(ruleset, key) for key in pot.on)
        rows.append((title, label(pot.kind.value, lang), on, ""))
    elif pot.share_by is ShareBy.EQUAL:
        rows.append((title, label("equal_share", lang), "", ""))
    else:
        for share_key in pot.keys:
            by = f"{label('by_keys', lang)} {unit_label(share_key.per, lang)} ({label('weight', lang)})"
            rows.append((title, by, share_key.weight, ""))
    rows.append((title, label("rounded_down_to_step", lang), pot.step.value, ""))
    if pot.kind is PotKind.SHARE:
        rows.append((title, label("leftover", lang), label(pot.leftover.value, lang), ""))
    for key in ("minimum", "maximum"):
        bound: Amount | None = getattr(pot, key)
        if bound is not None:
            rows.append((title, _name(key, lang), bound.value, _source(bound)))
    if pot.note:
        rows.append((title, _name("note", lang), pot.note, pot.source or ""))
    return rows


def rule_rows(ruleset: RuleSet, lang: Lang = "nl") -> list[Row]:
    """Every rule in force, one row per value, with its source where the rule file gives one."""
    rows: list[Row] = []
    for name, component in ruleset.components.items():
        rows.extend(_component_rows(name, component, lang))
    for name, pot in ruleset.pots.items():
        rows.extend(_pot_rows(name, pot, ruleset, lang))
    total = ruleset.total
    if total is not None:
        title = label("total", lang)
        for key in ("minimum", "maximum"):
            bound: Amount | None = getattr(total, key)
            if bound is not None:
                rows.append((title, _name(key, lang), bound.value, _source(bound, total.source)))
        if total.rounding is not None:
            rows.append(
                (title, _name("rounding", lang), describe_rounding(total.rounding, lang), total.source or "")
            )
    for exception in ruleset.exceptions:
        what = f"{_name('exception', lang)} {exception.area}"
        if exception.component:
            what += f" ({_component_title(ruleset, exception.component)})"
        source = "; ".join(text for text in (exception.reason, exception.source) if text)
        rows.append((_name("exception", lang), what, exception.amount.value, source))
    rows.extend(_dated_rows(ruleset, lang))
    for expected in ruleset.expected:
        if not ruleset.holds_in_year(expected):
            continue
        what = f"{_name('expected', lang)} {expected.area or label('all_areas', lang)}"
        if expected.component:
            what += f" ({_component_title(ruleset, expected.component)})"
        rows.append((_name("expected", lang), what, expected.amount.value, expected.source or ""))
    return rows


def _component_title(ruleset: RuleSet, key: str) -> str:
    """A component's or pot's label, as the report's columns show it; its key only if it has none."""
    rule = ruleset.components.get(key) or ruleset.pots.get(key)
    return (rule.label if rule is not None else None) or key


def _dated_rows(ruleset: RuleSet, lang: Lang) -> list[Row]:
    """Each value the rule file gives per date: the value in force, the date it applies from, and every
    date with its value (and an indexation's percentage)."""
    rows: list[Row] = []
    for value in ruleset.in_force.values if ruleset.in_force else ():
        what = f"{_value_title(ruleset, value.path, lang)}, {label('from_date', lang)} "
        what += format_date(value.since, lang)
        history = "; ".join(
            f"{format_date(entry.since, lang)}: "
            + ("" if entry.value is None else format_number(entry.value, lang))
            for entry in value.entries
        )
        if value.index_percent is not None and value.indexed_from is not None:
            history += (
                f" ({label('indexed', lang)} {format_number(value.index_percent, lang)} % "
                f"{label('from_date', lang)} {format_number(value.indexed_from, lang)})"
            )
        source = "; ".join(text for text in (history, value.source, value.note) if text)
        shown: str | Decimal = value.value if value.value is not None else ""
        rows.append((label("values_over_time", lang), what, shown, source))
    return rows


def _value_title(ruleset: RuleSet, path: str, lang: Lang) -> str:
    """A value's path in the report's words: ``Organisatiegeld: vast bedrag``; the path itself where the
    report has no words for it."""
    parts = path.split(".")
    if len(parts) == 3 and parts[0] in ("components", "pots"):
        key = parts[2]
        word = label(f"rule_{key}", lang)
        if word != f"rule_{key}":
            return f"{_component_title(ruleset, parts[1])}: {word.lower()}"
    return path
