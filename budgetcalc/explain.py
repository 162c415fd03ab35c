"""Step-by-step explanations of how each amount came about, in Dutch or English, written from the
typed derivation of :mod:`budgetcalc.derivation`.

Reports explain every area, so the texts that are the same for every area (bracket phrases, the rule's
rates) are formatted once per component and language; the area's own numbers per area.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
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
from budgetcalc.ruleset.model import Bracket, Condition, PotKind, Rounding, ShareBy
from budgetcalc.wording import bracket_text, condition_text

if TYPE_CHECKING:
    from budgetcalc.allocation import Allocation

TERMS = (FixedTerm, RateTerm, BracketTerm, PerAreaTerm)
"""The steps that are terms of a component's sum."""


def describe_rounding(rounding: Rounding, lang: Lang) -> str:
    """E.g. ``afgerond naar boven op een veelvoud van € 100,00``."""
    step = format_euro(decimal_to_cents(rounding.step.value), lang)
    return (
        f"{label('rounded', lang)} {label(rounding.mode.value, lang)} {label('to_multiple_of', lang)} {step}"
    )


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
        """One component's or pot's steps as one line, read as arithmetic: the terms (products before
        sums), then ``= exact sum``, then rounding and bounds."""
        first = steps[0]
        if not isinstance(first, TERMS):
            return self.step_text(part, first)
        lang = self.lang
        terms: list[str] = []
        text = ""
        for step in steps:
            if isinstance(step, TERMS):
                terms.append(self._term(part, step))
            elif isinstance(step, ExactSum):
                text = " + ".join(terms)
                if "×" in text or len(terms) > 1:
                    text += f" = {format_euro(step.amount, lang)}"
            else:
                text += f"; {self.step_text(part, step)}"
        return text

    def _term(self, part: str, step: Step) -> str:
        """A term as it stands in a sum: ``vast bedrag € 6.567,00``, ``€ 1,68 × 664 inwoners``."""
        lang = self.lang
        if isinstance(step, FixedTerm):
            return f"{label('fixed', lang)} {format_euro(step.amount, lang)}"
        if isinstance(step, RateTerm):
            return self._rate(part, step) + format_number(step.count, lang) + f" {unit_label(step.per, lang)}"
        if isinstance(step, BracketTerm):
            return self._bracket(part, step)
        assert isinstance(step, PerAreaTerm)
        return f"{label('per_area', lang)} {format_euro(step.amount, lang)}"

    def step_text(self, part: str, step: Step) -> str:
        """One step in words, whole: a term with what it comes to, a bracket with why the area falls
        in it, a rounding, bound, exception, pot share or levy with its outcome."""
        lang = self.lang
        if isinstance(step, RateTerm):
            return f"{self._term(part, step)} = {format_euro(step.rate * step.count, lang)}"
        if isinstance(step, BracketTerm):
            return self._bracket_step(part, step)
        if isinstance(step, TERMS):
            return self._term(part, step)
        if isinstance(step, ExactSum):
            return f"{label('exact_sum', lang)} {format_euro(step.amount, lang)}"
        if isinstance(step, Rounded):
            return f"{self._rounding(step)}: {format_euro(step.cents, lang)}"
        if isinstance(step, Bounded):
            key = "raised_to_minimum" if step.raised else "lowered_to_maximum"
            return f"{label(key, lang)} {format_euro(step.cents, lang)}"
        if isinstance(step, Excepted):
            return f"{label('exception', lang)}: {format_euro(step.cents, lang)} ({'; '.join(step.reasons)})"
        if isinstance(step, NotApplicable | TakesNoPart):
            key = "not_applicable" if isinstance(step, NotApplicable) else "takes_no_part"
            condition = self._condition_of(step.part)
            only = f" ({label('only_for', lang)} {condition_text(condition, lang)})" if condition else ""
            return label(key, lang) + only
        if isinstance(step, PotShare):
            return self._pot_share(step)
        if isinstance(step, ScaledDown):
            return self._scaled_down(step)
        assert isinstance(step, TotalSum)
        return f"{label('sum_components', lang)} {format_euro(step.cents, lang)}"

    def _bracket_step(self, part: str, step: BracketTerm) -> str:
        """``2.050 inwoners valt in staffel [1000, 5000): € 6.000,00 + € 1,25 × 2.050 inwoners = ...``."""
        lang = self.lang
        text = self._bracket(part, step)
        if step.count is not None:
            count = f"{format_number(step.count, lang)} {unit_label(step.per, lang)}"
            text = f"{count} {label('falls_in', lang)} {text}"
        condition = self._bracket_rule(part, step).applies_to
        if condition is not None:
            text += f" ({label('only_for', lang)} {condition_text(condition, lang)})"
        if step.rate is not None and step.base is not None:
            amount = (step.fixed or Decimal(0)) + step.rate * step.base
            text += f" = {format_euro(amount, lang)}"
        return text

    def _condition_of(self, part: str) -> Condition | None:
        """The condition that decides whether an area takes part in a component or pot."""
        rule = self.ruleset.components.get(part) or self.ruleset.pots.get(part)
        return rule.applies_to if rule is not None else None

    def _bracket_rule(self, part: str, step: BracketTerm) -> Bracket:
        staffel = self.ruleset.components[part].staffel
        assert staffel is not None
        return staffel.brackets[step.bracket]

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
            text = f"{label('staffel', lang)} {bracket_text(bracket, staffel.per, lang)}"
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
        texts = [self.step_text("total", step) for step in steps]
        return f"{label('total', lang)}: " + "; ".join(texts)


def explain_area(allocation: Allocation, position: int, lang: Lang = "nl") -> list[str]:
    """Every step for one area; to explain many areas, make one :class:`AreaExplainer` and reuse it."""
    return AreaExplainer(allocation, lang).explain(position)


def _summed_from(allocation: Allocation, position: int, lang: Lang) -> list[str]:
    """For an area summed from CBS buurten (``--areas``), the line naming them with their inhabitants."""
    frame = allocation.population.frame
    if "summed_from" not in frame.columns:
        return []
    return [f"{label('summed_from', lang)}: {frame['summed_from'].iloc[position]}"]


def explanation_lines(
    allocation: Allocation, position: int, lang: Lang = "nl", rule_file: str | None = None
) -> list[str]:
    """``budgetcalc explain``: one area's derivation step by step. First the area, the values read
    (file, sheet, row) and the rule set with its source (``rule_file``: the file as given, with its
    SHA-256); then per component and pot each step with the rule-file value it used (path and line)
    and what the part comes to; then the total."""
    explainer = AreaExplainer(allocation, lang)
    deriver = explainer.deriver
    ruleset = allocation.ruleset
    code, name, kind, _ = allocation.areas[position]
    found = deriver.inputs(position)
    where = ", ".join(
        text
        for text in (
            found.file,
            f"{label('sheet', lang)} '{found.sheet}'" if found.sheet else None,
            f"{label('row', lang)} {found.row}",
        )
        if text
    )
    values = "; ".join(
        f"{unit_label(value.column, lang)}"
        + (f" ('{value.header}')" if value.header != value.column else "")
        + f" {format_number(value.value, lang) if isinstance(value.value, Decimal) else value.value}"
        for value in found.values
    )
    municipality = ruleset.municipality + (
        f" ({ruleset.municipality_code})" if ruleset.municipality_code else ""
    )
    lines = [
        f"{label('area', lang)}: {code} {name}" + (f" ({kind})" if kind else ""),
        f"{label('input', lang)}: {where}: {values}",
        *_summed_from(allocation, position, lang),
        f"{label('ruleset', lang)}: {ruleset.name}",
        f"{label('municipality', lang)}: {municipality}",
        f"{label('decision', lang)}: {ruleset.decision}",
        f"{label('valid_from', lang)}: {ruleset.valid_from.isoformat()}",
    ]
    if ruleset.in_force is not None:
        chosen = label(f"chosen_{ruleset.in_force.chosen_by.value}", lang)
        lines.append(
            f"{label('values_on', lang)}: {ruleset.in_force.on.isoformat()} "
            f"({label('budget_year', lang).lower()} {ruleset.year()}; {chosen})"
        )
    if ruleset.source:
        lines.append(f"{label('source', lang)}: {ruleset.source}")
    if rule_file is not None:
        lines.append(f"{label('rule_file', lang)}: {rule_file}")
    steps = deriver.steps(position)
    excepted = bool(allocation.total.exception[position])
    for part in allocation.part_names if not excepted else ():
        lines.append(explainer.titles[part].rstrip())
        for step in steps:
            if step.part == part and not (isinstance(step, ExactSum) and step.terms <= 1):
                lines.append(f"  {explainer.step_text(part, step)}{_used(step, lang)}")
        lines.append(f"  = {format_euro(int(allocation.cents(part)[position]), lang)}")
    total = format_euro(int(allocation.total.cents[position]), lang)
    own = [step for step in steps if step.part == "total"]
    if excepted or own:
        lines.append(f"{label('total', lang)}:")
        lines.extend(f"  {explainer.step_text('total', step)}{_used(step, lang)}" for step in own)
        lines.append(f"  = {total}")
    else:
        parts = " + ".join(
            format_euro(int(allocation.cents(part)[position]), lang) for part in allocation.part_names
        )
        lines.append(f"{label('total', lang)}: {parts} = {total}")
    return lines


def _used(step: Step, lang: Lang) -> str:
    """``  [components.dorpsbudget.rate, regel 13]``: the rule-file value a step used, if any."""
    if step.path is None:
        return ""
    line = f", {label('line', lang)} {step.line}" if step.line is not None else ""
    return f"  [{step.path}{line}]"


def area_position(allocation: Allocation, reference: str) -> int:
    """The area ``--area`` names, by code or name. A name that several areas bear, or a reference that
    matches none, is an AllocationError; for none it suggests areas whose code or name is close."""
    from budgetcalc.engine.areas import AreaIndex
    from budgetcalc.errors import AllocationError

    index = allocation.population.derived("area_index", AreaIndex)
    position = index.find(reference, used_in="--area")
    if position is not None:
        return position
    source = allocation.population.source
    where = f" in {Path(source).name}" if source else ""
    close = close_areas(allocation, reference)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise AllocationError(f"--area '{reference}' is not the code or name of any area{where}{hint}")


def close_areas(allocation: Allocation, reference: str, limit: int = 3) -> list[str]:
    """Areas whose code or name looks like ``reference`` (case aside, a part of it, or a near spelling),
    as ``'Name' (CODE)``, closest first."""
    import difflib

    wanted = " ".join(reference.split()).casefold()
    areas = allocation.areas
    keys: dict[str, int] = {}
    for position, (code, name, _, _) in enumerate(areas):
        keys.setdefault(code.casefold(), position)
        keys.setdefault(name.casefold(), position)
    found: list[int] = []
    same = [keys[key] for key in keys if key == wanted]
    within = [keys[key] for key in keys if wanted and key and (wanted in key or key in wanted)]
    near = [keys[key] for key in difflib.get_close_matches(wanted, list(keys), n=limit, cutoff=0.6)]
    for position in (*same, *near, *within):
        if position not in found:
            found.append(position)
    return [f"'{areas[position][1]}' ({areas[position][0]})" for position in found[:limit]]
