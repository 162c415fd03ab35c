"""Rule-file conditions and staffel brackets in words a council member reads, in Dutch or English:
``alleen voor soort dorp of wijk``, ``500 tot 5.000 inwoners``; never ``kind = dorp, wijk`` or
``[500, 5000)``. Error messages and the rule sheet's keys keep the rule file's own notation; reports use
these words.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from budgetcalc.labels import Lang, label, unit_label
from budgetcalc.money import format_number
from budgetcalc.ruleset.model import Bracket, Condition

_SHOWN = 12
"""Codes or names listed in a condition before the rest is counted (``en 30 andere``)."""


def listing(values: Sequence[str], lang: Lang) -> str:
    """``A``, ``A of B``, ``A, B of C``; past a dozen, ``A, B, ... en 30 andere``."""
    joiner = label("or", lang)
    if len(values) > _SHOWN:
        rest = len(values) - _SHOWN
        return f"{', '.join(values[:_SHOWN])} {label('and', lang)} {rest} {label('others', lang)}"
    if len(values) <= 1:
        return "".join(values)
    return f"{', '.join(values[:-1])} {joiner} {values[-1]}"


def condition_text(condition: Condition, lang: Lang) -> str:
    """Which areas a condition selects, e.g. ``soort dorp of wijk; niet Emmeloord``."""
    parts = []
    if condition.kind is not None:
        parts.append(f"{label('word_kind', lang)} {listing(condition.kind, lang)}")
    if condition.codes is not None:
        parts.append(f"{label('word_areas', lang)} {listing(condition.codes, lang)}")
    if condition.names is not None:
        parts.append(listing(condition.names, lang))
    for column, values in (condition.attribute or {}).items():
        parts.append(f"{label('word_where', lang)} {column} {label('word_is', lang)} {listing(values, lang)}")
    excluded = [*(condition.exclude_codes or []), *(condition.exclude_names or [])]
    if excluded:
        parts.append(f"{label('word_not', lang)} {listing(excluded, lang)}")
    return "; ".join(parts)


def bracket_text(bracket: Bracket, per: str, lang: Lang) -> str:
    """The bracket's own label when the rule file gives one (``Tot 500 inwoners``); else its bounds in
    words: ``tot 500 inwoners``, ``500 tot 5.000 inwoners``, ``meer dan 225.000 inwoners``,
    ``vanaf 5.000 inwoners``, ``1.000 tot en met 2.000 inwoners``."""
    if bracket.label:
        return bracket.label
    unit = unit_label(per, lang)
    lower, upper = bracket.lower, bracket.upper
    if upper is None:
        start = "word_from" if bracket.lower_inclusive else "word_more_than"
        return f"{label(start, lang)} {_number(lower, lang)} {unit}"
    end = "word_through" if bracket.upper_inclusive else "word_below"
    if lower == 0 and bracket.lower_inclusive:
        return f"{label(end, lang)} {_number(upper, lang)} {unit}"
    start = "" if bracket.lower_inclusive else f"{label('word_more_than', lang)} "
    between = label(f"{end}_between", lang)
    return f"{start}{_number(lower, lang)} {between} {_number(upper, lang)} {unit}"


def _number(value: Decimal, lang: Lang) -> str:
    return format_number(value, lang)
