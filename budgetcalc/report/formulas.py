"""The allocation as live Excel formulas: an input sheet, a parameter sheet and a calculation sheet.

Built apart from any workbook: sheets of cells, each a value or a formula with its cached result (the
engine's own figure), so that the report shows the amounts without recalculation and a spreadsheet
that recalculates must arrive at the same cents. Every rule value is a cell on the parameter sheet
with a defined name (``dorpsbudget_rate``); no rate, amount, bound, step or pot is a constant in a
formula. Which areas a condition selects is written as a formula on the input's kind, code, name and
attribute columns; which exception or per-area amount belongs to which area is the row it stands on.

Money in formulas is in euros; every rounding first takes the amount to nine decimals of its step
(``ROUND(x/step, 9)``), which removes the noise of binary floating point without touching a real
difference, and every amount ends in whole cents (``ROUND(x, 2)``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import numpy as np
from xlsxwriter.utility import xl_col_to_name

from budgetcalc.allocation import Allocation
from budgetcalc.engine.areas import AreaIndex
from budgetcalc.engine.component import ComponentResult
from budgetcalc.engine.parameters import Parameter, rule_parameters
from budgetcalc.engine.pots import AT_MAXIMUM, AT_MINIMUM, PotResult
from budgetcalc.labels import Lang, label
from budgetcalc.money import RoundingMode, cents_to_decimal
from budgetcalc.population import cell_text
from budgetcalc.ruleset.model import Component, Condition, Leftover, PotKind, Rounding, ShareBy, Transition

Value = str | Decimal | int | None
"""A cell's value: text, an exact number, or nothing."""


@dataclass(frozen=True)
class Cell:
    """A value, or a formula (without ``=``) and the value it computes."""

    value: Value
    formula: str | None = None


@dataclass
class Column:
    """One column of a sheet: a title, what its numbers are (``euro``, ``count``, ``number``, ``text``,
    ``steps``) and a cell per area."""

    title: str
    kind: str
    cells: list[Cell] = field(default_factory=list)
    amount: str | None = None
    """The allocation's amount column this column reproduces (a component, pot, ``total``)."""


@dataclass(frozen=True)
class ParameterRow:
    """A line of the parameter sheet: a rule value (or a value derived from them) and its name."""

    path: str
    name: str
    cell: Cell
    kind: str
    note: str


@dataclass
class Reperformance:
    """The three sheets: the input as read, the parameters, the calculation."""

    input_columns: list[Column]
    parameters: list[ParameterRow]
    calculation: list[Column]
    input_keys: list[str] = field(default_factory=list)
    """The population column each input column holds (``code``, ``inhabitants``, ``aanvraag``...)."""


@dataclass(frozen=True)
class _Bounded:
    """A shared pot's water filling on the calculation sheet: the column of the bound each area is fixed
    at, the defined name of the keys' total at no bound, and each area's share in steps."""

    state_letter: str
    free_total_name: str
    exact_shares: list[Fraction]
    share_cells: list[Cell]


def _name(path: str, taken: set[str]) -> str:
    """A defined name for a dotted path: readable, valid in Excel and LibreOffice, unique."""
    short = re.sub(r"^components\.", "", path)
    short = re.sub(r"^pots\.", "pot_", short)
    short = re.sub(r"\.staffel\.brackets\[(\d+)\]", r"_b\1", short)
    short = re.sub(r"^exceptions\[(\d+)\]\.amount$", r"exception_\1", short)
    short = re.sub(r"\[(\d+)\]", r"\1", short)
    name = re.sub(r"[^A-Za-z0-9_]", "_", short).strip("_") or "value"
    if not re.match(r"[A-Za-z_]", name):
        name = f"v_{name}"
    candidate, number = name, 2
    while candidate.lower() in taken:
        candidate, number = f"{name}_{number}", number + 1
    taken.add(candidate.lower())
    return candidate


def _text_literal(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _number(value: Fraction | Decimal | int) -> Decimal:
    """A cached number: exact where it can be, else to 15 significant digits (what a sheet holds)."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return Decimal(value.numerator)
        return Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value)


class _Builder:
    """Builds the sheets for one allocation."""

    def __init__(self, allocation: Allocation, lang: Lang, sheets: dict[str, str]) -> None:
        self.allocation = allocation
        self.lang = lang
        self.population = allocation.population
        self.ruleset = allocation.ruleset
        self.size = len(allocation)
        self.input_ref = "'" + sheets["input"].replace("'", "''") + "'!"
        self.calc_ref = "'" + sheets["calculation"].replace("'", "''") + "'!"
        self.param_ref = "'" + sheets["parameters"].replace("'", "''") + "'!"
        self.areas = self.population.derived("area_index", AreaIndex)
        self.parameters: dict[str, Parameter] = rule_parameters(self.ruleset)
        self.names: dict[str, str] = {}
        taken: set[str] = set()
        for path in self.parameters:
            self.names[path] = _name(path, taken)
        self.taken = taken
        self.derived: list[ParameterRow] = []
        self.columns: list[Column] = []
        self.input_columns: list[Column] = []
        self.input_letter: dict[str, str] = {}

    # --- input ------------------------------------------------------------------------------------

    def build_input(self) -> None:
        frame = self.population.frame
        titles = {key: label(key, self.lang) for key in ("code", "name", "kind", "inhabitants")}
        for key in ("code", "name", "kind"):
            self._input(key, titles[key], "text", [Cell(text) for text in frame[key].astype(str).tolist()])
        self._input(
            "inhabitants",
            titles["inhabitants"],
            "count",
            [Cell(int(n)) for n in frame["inhabitants"].tolist()],
        )
        counted = self._counted_columns()
        for column in sorted(self.ruleset.columns() - {"inhabitants"}):
            if column in counted:
                count = self.population.count(column)
                cells = [Cell(count.decimal_at(i)) for i in range(self.size)]
                self._input(column, column, "number", cells)
            else:
                texts = [cell_text(value) for value in frame[column].to_numpy(dtype=object)]
                self._input(column, column, "text", [Cell(text) for text in texts])

    def _counted_columns(self) -> set[str]:
        counted: set[str] = set()
        for component in self.ruleset.components.values():
            if component.rate is not None:
                counted.add(component.per)
            if component.staffel is not None:
                counted.add(component.staffel.per)
        for pot in self.ruleset.pots.values():
            if pot.kind is PotKind.SHARE and pot.share_by is ShareBy.KEYS:
                counted |= {key.per for key in pot.keys}
        return counted

    def _input(self, key: str, title: str, kind: str, cells: list[Cell]) -> None:
        self.input_letter[key] = xl_col_to_name(len(self.input_columns))
        self.input_columns.append(Column(title, kind, cells))

    def value_of(self, key: str, row: int) -> str:
        """A reference to an input cell of area ``row`` (from 0)."""
        return f"{self.input_ref}${self.input_letter[key]}{row + 2}"

    # --- calculation ------------------------------------------------------------------------------

    def add(self, column: Column) -> str:
        """Add a calculation column; its letter."""
        self.columns.append(column)
        return str(xl_col_to_name(len(self.columns) - 1))

    def column_range(self, letter: str) -> str:
        return f"{self.calc_ref}${letter}$2:${letter}${self.size + 1}"

    def build_calculation(self) -> None:
        frame = self.population.frame
        codes = frame["code"].astype(str).tolist()
        self.add(
            Column(
                label("code", self.lang),
                "text",
                [Cell(code, f"{self.input_ref}$A{row + 2}") for row, code in enumerate(codes)],
            )
        )
        exceptions = self._exceptions()
        parts: dict[str, str] = {}
        cents_of: dict[str, np.ndarray] = {}
        for result in self.allocation.components:
            letter = self._component(result, exceptions)
            parts[result.name] = letter
            cents_of[result.name] = np.asarray(result.cents)
        order = self._code_order() if self.allocation.pots else None
        for pot in self.allocation.pots:
            parts[pot.name] = self._pot(pot, parts, cents_of, order)
            cents_of[pot.name] = np.asarray(pot.cents)
        self._total(parts, exceptions)

    def _exceptions(self) -> dict[tuple[int, str | None], tuple[str, str]]:
        """(area, component or None) -> (defined name of the amount, reason)."""
        found: dict[tuple[int, str | None], tuple[str, str]] = {}
        for index, exception in enumerate(self.ruleset.exceptions):
            position = self.areas.require(exception.area, "an exception")
            name = self.names[f"exceptions[{index + 1}].amount"]
            found[(position, exception.component)] = (name, exception.reason)
        return found

    def _condition(self, condition: Condition, row: int) -> str:
        parts: list[str] = []
        if condition.kind is not None:
            parts.append(self._any_of("kind", condition.kind, row))
        for key, by, include in (
            ("codes", "code", True),
            ("names", "name", True),
            ("exclude_codes", "code", False),
            ("exclude_names", "name", False),
        ):
            references = getattr(condition, key)
            if references is None:
                continue
            codes = []
            for reference in references:
                position = self.areas.require(reference, "a condition", by)  # type: ignore[arg-type]
                codes.append(str(self.population.frame["code"].iloc[position]))
            test = self._any_of("code", codes, row)
            parts.append(test if include else f"NOT({test})")
        for column, values in (condition.attribute or {}).items():
            parts.append(self._any_of(column, values, row))
        return parts[0] if len(parts) == 1 else f"AND({','.join(parts)})"

    def _any_of(self, key: str, texts: Sequence[str], row: int) -> str:
        cell = self.value_of(key, row)
        tests = [f"{cell}={_text_literal(text)}" for text in texts]
        return tests[0] if len(tests) == 1 else f"OR({','.join(tests)})"

    def _component(
        self, result: ComponentResult, exceptions: dict[tuple[int, str | None], tuple[str, str]]
    ) -> str:
        rule = result.rule
        name = result.name
        base = f"components.{name}"
        title = rule.label or name
        applies = np.asarray(result.applies)
        selected = np.asarray(result.selected)
        applies_letter = None
        if rule.applies_to is not None:
            column = Column(f"{title}: {label('applies', self.lang)}", "flag")
            for row in range(self.size):
                formula = f"IF({self._condition(rule.applies_to, row)},1,0)"
                column.cells.append(Cell(int(selected[row]), formula))
            applies_letter = self.add(column)
        bracket_letter = None
        brackets = np.asarray(result.bracket)
        if rule.staffel is not None:
            column = Column(f"{title}: {label('bracket_number', self.lang)}", "number")
            for row in range(self.size):
                if not applies[row]:
                    column.cells.append(Cell("", '""'))
                    continue
                column.cells.append(Cell(int(brackets[row]) + 1, self._bracket_formula(rule, base, row)))
            bracket_letter = self.add(column)
        exact = Column(f"{title}: {label('exact', self.lang)}", "exact")
        amount = Column(title, "euro", amount=name)
        cents = np.asarray(result.cents)
        exact_letter = xl_col_to_name(len(self.columns))
        for row in range(self.size):
            overridden = exceptions.get((row, name))
            if not applies[row] or overridden is not None:
                exact.cells.append(Cell(0, "0"))
                continue
            terms = self._terms(rule, base, row, bracket_letter)
            formula = "+".join(terms) if terms else "0"
            exact.cells.append(Cell(result.exact.decimal_at(row), formula))
        self.add(exact)
        for row in range(self.size):
            overridden = exceptions.get((row, name))
            value = cents_to_decimal(int(cents[row]))
            if overridden is not None:
                amount.cells.append(Cell(value, overridden[0]))
            elif not applies[row]:
                amount.cells.append(Cell(value, "0"))
            else:
                formula = self._rounded(rule.rounding, f"{base}.rounding.step", f"{exact_letter}{row + 2}")
                formula = self._bounded(formula, rule, base)
                if applies_letter is not None:
                    formula = f"IF({applies_letter}{row + 2}=1,{formula},0)"
                amount.cells.append(Cell(value, formula))
        return self.add(amount)

    def _bracket_formula(self, rule: Component, base: str, row: int) -> str:
        assert rule.staffel is not None
        count = self.value_of(rule.staffel.per, row)
        formula = '""'
        for index in reversed(range(len(rule.staffel.brackets))):
            bracket = rule.staffel.brackets[index]
            at = f"{base}.staffel.brackets[{index + 1}]"
            tests = [
                f"{count}>={self.names[at + '.from']}"
                if bracket.lower_inclusive
                else f"{count}>{self.names[at + '.above']}"
            ]
            if bracket.upper is not None:
                tests.append(
                    f"{count}<={self.names[at + '.through']}"
                    if bracket.upper_inclusive
                    else f"{count}<{self.names[at + '.below']}"
                )
            if bracket.applies_to is not None:
                tests.append(self._condition(bracket.applies_to, row))
            test = tests[0] if len(tests) == 1 else f"AND({','.join(tests)})"
            formula = f"IF({test},{index + 1},{formula})"
        return formula

    def _terms(self, rule: Component, base: str, row: int, bracket_letter: str | None) -> list[str]:
        terms: list[str] = []
        if rule.fixed is not None:
            terms.append(self.names[f"{base}.fixed"])
        if rule.rate is not None:
            terms.append(f"{self.names[base + '.rate']}*{self.value_of(rule.per, row)}")
        if rule.staffel is not None and bracket_letter is not None:
            bracket_cell = f"{bracket_letter}{row + 2}"
            count = self.value_of(rule.staffel.per, row)
            fixed, rates = [], []
            for index, bracket in enumerate(rule.staffel.brackets):
                at = f"{base}.staffel.brackets[{index + 1}]"
                fixed.append(self.names[at + ".fixed"] if bracket.fixed is not None else "0")
                if bracket.rate is None:
                    rates.append("0")
                elif bracket.rate_applies_to is not None and bracket.rate_applies_to.value != "all":
                    lower = self.names[at + (".from" if bracket.lower_inclusive else ".above")]
                    rates.append(f"({count}-{lower})*{self.names[at + '.rate']}")
                else:
                    rates.append(f"{count}*{self.names[at + '.rate']}")
            if any(term != "0" for term in fixed):
                terms.append(f"CHOOSE({bracket_cell},{','.join(fixed)})")
            if any(term != "0" for term in rates):
                terms.append(f"CHOOSE({bracket_cell},{','.join(rates)})")
        if rule.per_area:
            for reference in rule.per_area:
                if self.areas.require(reference, "per_area") == row:
                    terms.append(self.names[f"{base}.per_area.{reference}"])
        return terms

    def _rounded(self, rounding: Rounding | None, step_path: str, cell: str) -> str:
        """``cell`` rounded as the rule says, in euros, ending in whole cents."""
        if rounding is None:
            return f"ROUND({cell},2)"
        step = self.names[step_path]
        q = f"ROUND({cell}/{step},9)"
        if rounding.mode is RoundingMode.DOWN:
            steps = f"INT({q})"
        elif rounding.mode is RoundingMode.UP:
            steps = f"-INT(-{q})"
        elif rounding.mode is RoundingMode.HALF_UP:
            steps = f"ROUND({q},0)"  # Excel's ROUND takes a half away from zero, as half_up does
        else:  # half even: a half goes to the even neighbour
            steps = f"IF(MOD({q},2)=0.5,INT({q}),IF(MOD({q},2)=1.5,INT({q})+1,ROUND({q},0)))"
        return f"ROUND({steps}*{step},2)"

    def _bounded(self, formula: str, rule: Component | object, base: str) -> str:
        if getattr(rule, "minimum", None) is not None:
            formula = f"MAX({formula},{self.names[base + '.minimum']})"
        if getattr(rule, "maximum", None) is not None:
            formula = f"MIN({formula},{self.names[base + '.maximum']})"
        return formula

    # --- pots -------------------------------------------------------------------------------------

    def _code_order(self) -> tuple[str, list[int]]:
        """A column with each area's place in the order of the codes: ties in a remainder go by it."""
        codes = self.population.frame["code"].astype(str).tolist()
        places = np.empty(self.size, dtype=np.int64)
        places[np.argsort(np.array(codes, dtype=object), kind="stable")] = np.arange(1, self.size + 1)
        column = Column(label("code_order", self.lang), "number", [Cell(int(place)) for place in places])
        return self.add(column), [int(place) for place in places]

    def _derive(self, path: str, formula: str, value: Value, kind: str, note: str) -> str:
        name = _name(path, self.taken)
        self.derived.append(ParameterRow(path, name, Cell(value, formula), kind, note))
        return name

    def _pot(
        self,
        pot: PotResult,
        parts: dict[str, str],
        cents_of: dict[str, np.ndarray],
        order: tuple[str, list[int]] | None,
    ) -> str:
        rule = pot.rule
        base = f"pots.{pot.name}"
        title = rule.label or pot.name
        eligible = np.asarray(pot.eligible)
        amount_name = self.names[f"{base}.amount"]
        step_name = self.names[f"{base}.step"]
        step_cents = int(pot.step[0])
        derived_note = label("derived_formula", self.lang)
        # the key: what each area's share is in proportion to (components for a ceiling or levy)
        keys: list[Fraction] = []
        key = Column(f"{title}: {label('key', self.lang)}", "number")
        if rule.kind is not PotKind.SHARE:
            on = [parts[name] for name in rule.on]
            for row in range(self.size):
                base_cents = sum((int(cents_of[name][row]) for name in rule.on), 0) if eligible[row] else 0
                keys.append(Fraction(base_cents, 100))
                formula = "+".join(f"{letter}{row + 2}" for letter in on) if eligible[row] else "0"
                key.cells.append(Cell(cents_to_decimal(base_cents), formula))
        elif rule.share_by is ShareBy.EQUAL:
            for row in range(self.size):
                keys.append(Fraction(int(eligible[row])))
                key.cells.append(Cell(int(eligible[row]), "1" if eligible[row] else "0"))
        else:
            totals = [
                sum(
                    (
                        Fraction(str(self.population.count(k.per).decimal_at(i)))
                        for i in range(self.size)
                        if eligible[i]
                    ),
                    Fraction(0),
                )
                for k in rule.keys
            ]
            total_names = []
            if len(rule.keys) > 1:
                flag = Column(f"{title}: {label('takes_part', self.lang)}", "flag")
                for row in range(self.size):
                    if rule.applies_to is not None and eligible[row]:
                        formula = f"IF({self._condition(rule.applies_to, row)},1,0)"
                    else:
                        formula = "1" if eligible[row] else "0"
                    flag.cells.append(Cell(int(eligible[row]), formula))
                flags = self.column_range(self.add(flag))
                for index, share_key in enumerate(rule.keys):
                    letter = self.input_letter[share_key.per]
                    counts = f"{self.input_ref}${letter}$2:${letter}${self.size + 1}"
                    total_names.append(
                        self._derive(
                            f"{base}.keys[{index + 1}].total",
                            f"SUMPRODUCT({flags},{counts})",
                            _number(totals[index]),
                            "number",
                            derived_note,
                        )
                    )
            for row in range(self.size):
                if not eligible[row]:
                    keys.append(Fraction(0))
                    key.cells.append(Cell(0, "0"))
                    continue
                value = Fraction(0)
                terms = []
                for index, share_key in enumerate(rule.keys):
                    count = Fraction(str(self.population.count(share_key.per).decimal_at(row)))
                    if len(rule.keys) == 1:
                        value += count
                        terms.append(self.value_of(share_key.per, row))
                    else:
                        weight = self.names[f"{base}.keys[{index + 1}].weight"]
                        value += Fraction(str(share_key.weight)) * count / totals[index]
                        terms.append(f"{weight}*{self.value_of(share_key.per, row)}/{total_names[index]}")
                keys.append(value)
                key.cells.append(Cell(_number(value), "+".join(terms)))
        key_letter = self.add(key)
        key_total = sum(keys, Fraction(0))
        # what is shared, in steps
        if rule.kind is PotKind.SHARE:
            paid = sum((int(cents_of[name].sum()) for name in rule.minus), 0)
            pool_cents = int(pot.amount[0]) - paid
            paid_formula = "".join(f"-SUM({self.column_range(parts[name])})" for name in rule.minus)
            pool_formula = f"{amount_name}{paid_formula}"
        else:
            pool_cents = int(pot.amount[0])
            pool_formula = amount_name
        steps = pool_cents // step_cents
        steps_name = self._derive(
            f"{base}.steps",
            f"INT(ROUND(({pool_formula})/{step_name},9))",
            steps,
            "number",
            label("derived_steps", self.lang),
        )
        total_name = self._derive(
            f"{base}.key_total",
            f"SUM({self.column_range(key_letter)})",
            _number(key_total),
            "number",
            derived_note,
        )
        reached_name = None
        reached = bool(pot.reached[0])
        if rule.kind is PotKind.CEILING:
            reached_name = self._derive(
                f"{base}.reached",
                f"IF(ROUND({total_name},2)>{amount_name},1,0)",
                int(reached),
                "number",
                label("derived_reached", self.lang),
            )
        share = Column(f"{title}: {label('share_steps', self.lang)}", "exact")
        remainder = Column(f"{title}: {label('remainder', self.lang)}", "exact")
        bounds = self._water_filling(pot, key_letter, keys, steps_name, total_name)
        if bounds is None:
            exact_shares = [Fraction(steps) * key / key_total if key_total else Fraction(0) for key in keys]
            for row in range(self.size):
                share.cells.append(
                    Cell(
                        _number(exact_shares[row]),
                        f"IF({total_name}=0,0,{steps_name}*{key_letter}{row + 2}/{total_name})",
                    )
                )
        else:
            exact_shares = bounds.exact_shares
            share.cells.extend(bounds.share_cells)
        floors = [value.numerator // value.denominator for value in exact_shares]
        rests = [round(float(value - floor), 6) for value, floor in zip(exact_shares, floors, strict=True)]
        share_letter = self.add(share)
        for row in range(self.size):
            s = f"{share_letter}{row + 2}"
            remainder.cells.append(Cell(Decimal(repr(rests[row])), f"ROUND({s}-INT(ROUND({s},6)),6)"))
        rest_letter = self.add(remainder)
        left = steps - sum(floors)
        left_name = self._derive(
            f"{base}.left",
            f"{steps_name}-SUMPRODUCT(INT(ROUND({self.column_range(share_letter)},6)))",
            left,
            "number",
            label("derived_left", self.lang),
        )
        by_remainder = rule.kind is not PotKind.SHARE or rule.leftover is Leftover.BY_REMAINDER
        rank_letter = None
        if by_remainder:
            assert order is not None
            rank = Column(f"{title}: {label('rank', self.lang)}", "number")
            order_letter, places = order
            ranked = sorted(range(self.size), key=lambda i: (-rests[i], places[i]))
            ranks = {area: number + 1 for number, area in enumerate(ranked)}
            rests_range = self.column_range(rest_letter)
            order_range = self.column_range(order_letter)
            for row in range(self.size):
                r = f"{rest_letter}{row + 2}"
                formula = (
                    f'COUNTIF({rests_range},">"&{r})'
                    f'+COUNTIFS({rests_range},{r},{order_range},"<"&{order_letter}{row + 2})+1'
                )
                rank.cells.append(Cell(ranks[row], formula))
            rank_letter = self.add(rank)
        amount = Column(title, "euro", amount=pot.name)
        cents = np.asarray(pot.cents)
        for row in range(self.size):
            s = f"{share_letter}{row + 2}"
            bonus = ""
            if rank_letter and bounds is not None:  # only an area at no bound takes a step more
                takes = f'{bounds.state_letter}{row + 2}="",{bounds.free_total_name}>0'
                bonus = f"+IF(AND({takes},{rank_letter}{row + 2}<={left_name}),1,0)"
            elif rank_letter:
                bonus = f"+IF({rank_letter}{row + 2}<={left_name},1,0)"
            shared = f"ROUND((INT(ROUND({s},6)){bonus})*{step_name},2)"
            if rule.kind is PotKind.SHARE:
                formula = shared
            elif rule.kind is PotKind.LEVY:
                formula = f"-{shared}"
            else:
                formula = f"IF({reached_name}=1,{shared}-{key_letter}{row + 2},0)"
            amount.cells.append(Cell(cents_to_decimal(int(cents[row])), formula))
        return self.add(amount)

    def _water_filling(
        self, pot: PotResult, key_letter: str, keys: list[Fraction], steps_name: str, total_name: str
    ) -> _Bounded | None:
        """For a shared pot with a ``minimum`` or ``maximum``: the column of the bound the engine's water
        filling fixed each area at (the one result written as a value), and each area's share in steps
        as a formula: the bound's steps where it is fixed, else its part of the steps left by its key
        among the keys of the areas at no bound. None for a pot without bounds."""
        rule = pot.rule
        if rule.kind is not PotKind.SHARE or (rule.minimum is None and rule.maximum is None):
            return None
        base = f"pots.{pot.name}"
        title = rule.label or pot.name
        state_of = np.asarray(pot.state).reshape(-1)[: self.size]
        words = {AT_MINIMUM: label("share_minimum", self.lang), AT_MAXIMUM: label("share_maximum", self.lang)}
        bounded = Column(f"{title}: {label('bounded', self.lang)}", "text")
        bounded.cells.extend(Cell(words.get(int(state), "")) for state in state_of)
        state_letter = self.add(bounded)
        states = self.column_range(state_letter)
        step_name = self.names[f"{base}.step"]
        step_cents = int(pot.step[0])
        fixed_steps: dict[int, tuple[str, int]] = {}  # state -> the bound in whole steps: formula, value
        fixed_terms: list[str] = []
        for state, bound, value in (
            (AT_MINIMUM, "minimum", rule.minimum),
            (AT_MAXIMUM, "maximum", rule.maximum),
        ):
            if value is None:
                continue
            cents = int(self.parameters[f"{base}.{bound}"].value * 100)
            formula = f"INT(ROUND({self.names[f'{base}.{bound}']}/{step_name},9))"
            fixed_steps[state] = (formula, cents // step_cents)
            note = label("derived_at_bound", self.lang).format(bound=words[state], column=bounded.title)
            count = self._derive(
                f"{base}.at_{bound}",
                f"COUNTIF({states},{_text_literal(words[state])})",
                int((state_of == state).sum()),
                "number",
                note,
            )
            fixed_terms.append(f"-{count}*{formula}")
        free_pool = int(np.asarray(pot.free_pool).reshape(-1)[0])
        free_steps = self._derive(
            f"{base}.free_steps",
            f"{steps_name}{''.join(fixed_terms)}",
            free_pool,
            "number",
            label("derived_free_steps", self.lang),
        )
        keys_range = self.column_range(key_letter)
        free = [bool(pot.eligible[row]) and int(state_of[row]) == 0 for row in range(self.size)]
        free_total = sum((keys[row] for row in range(self.size) if free[row]), Fraction(0))
        sumifs = "".join(
            f"-SUMIF({states},{_text_literal(words[state])},{keys_range})" for state in fixed_steps
        )
        free_total_name = self._derive(
            f"{base}.free_key_total",
            f"{total_name}{sumifs}",
            _number(free_total),
            "number",
            label("derived_free_key_total", self.lang),
        )
        exact_shares: list[Fraction] = []
        cells: list[Cell] = []
        for row in range(self.size):
            state = int(state_of[row])
            if state != 0:
                exact_shares.append(Fraction(fixed_steps[state][1]))
            elif free_total:
                exact_shares.append(Fraction(free_pool) * keys[row] / free_total)
            else:
                exact_shares.append(Fraction(0))
            formula = f"IF({free_total_name}=0,0,{free_steps}*{key_letter}{row + 2}/{free_total_name})"
            for fixed_state, (steps, _) in fixed_steps.items():
                test = f"{state_letter}{row + 2}={_text_literal(words[fixed_state])}"
                formula = f"IF({test},{steps},{formula})"
            cells.append(Cell(_number(exact_shares[row]), formula))
        return _Bounded(state_letter, free_total_name, exact_shares, cells)

    # --- total ------------------------------------------------------------------------------------

    def _total(
        self, parts: dict[str, str], exceptions: dict[tuple[int, str | None], tuple[str, str]]
    ) -> None:
        allocation = self.allocation
        rule = self.ruleset.total
        receives = np.zeros(self.size, dtype=np.bool_)
        for component in allocation.components:
            receives |= np.asarray(component.applies) | np.asarray(component.exception)
        for pot in allocation.pots:
            receives |= np.asarray(pot.eligible)
        letters = list(parts.values())
        transition = allocation.transition
        total_cents = np.asarray(allocation.total.cents if transition is None else transition.target)
        sum_column = Column(label("sum_components", self.lang), "euro")
        for row in range(self.size):
            part_cents = sum((int(allocation.cents(name)[row]) for name in parts), 0)
            formula = "+".join(f"{letter}{row + 2}" for letter in letters) or "0"
            sum_column.cells.append(Cell(cents_to_decimal(part_cents), f"ROUND({formula},2)"))
        sum_letter = self.add(sum_column)
        total = Column(label("total", self.lang), "euro", amount="total")
        adjustment = Column(label("total_adjustment", self.lang), "euro", amount="total_adjustment")
        reasons = Column(label("exception", self.lang), "text")
        total_letter = xl_col_to_name(len(self.columns) + (1 if rule is not None else 0))
        for row in range(self.size):
            cell = f"{sum_letter}{row + 2}"
            overridden = exceptions.get((row, None))
            value = cents_to_decimal(int(total_cents[row]))
            if overridden is not None:
                formula = overridden[0]
            elif rule is not None and receives[row]:
                formula = self._bounded(
                    self._rounded(rule.rounding, "total.rounding.step", cell), rule, "total"
                )
            else:
                formula = cell
            total.cells.append(Cell(value, formula))
            adjust = np.asarray(allocation.total.adjustment)
            adjustment.cells.append(
                Cell(
                    cents_to_decimal(int(adjust[row])),
                    "0" if overridden is not None else f"ROUND({total_letter}{row + 2}-{cell},2)",
                )
            )
            reason = overridden or next(
                (exceptions[key] for key in exceptions if key[0] == row and key[1] is not None), None
            )
            reasons.cells.append(Cell(reason[1] if reason else ""))
        if rule is not None:
            self.add(adjustment)
        if allocation.has_transition:  # the rules' amount; the total comes after the transition
            total.title, total.amount = label("rule_amount", self.lang).capitalize(), None
        target_letter = self.add(total)
        if exceptions:
            self.add(reasons)
        if allocation.has_transition:
            self._transition(target_letter)

    # --- the transition rules on last year's amounts --------------------------------------------------

    def _transition(self, target_letter: str) -> None:
        """Last year's amount beside the rules' amount, the amount after the transition rules in the order
        the engine applies them (phase, caps, hold harmless, floor), and what they changed."""
        allocation = self.allocation
        transition = allocation.transition
        rule = self.ruleset.transition
        assert transition is not None and rule is not None
        plan = transition.plan
        previous = Column(label("previous", self.lang), "euro")
        for row in range(self.size):
            cents = int(plan.previous_cents[row])
            previous.cells.append(Cell(cents_to_decimal(cents) if plan.has_previous[row] else None))
        previous_letter = self.add(previous)
        final = Column(label("total", self.lang), "euro", amount="total")
        change = Column(label("transition", self.lang), "euro", amount="transition")
        final_cents, change_cents = allocation.cents("total"), allocation.cents("transition")
        for row in range(self.size):
            target = f"{target_letter}{row + 2}"
            formula = target
            if plan.applies[row]:
                formula = f"ROUND({self._transition_rules(rule, target, f'{previous_letter}{row + 2}')},2)"
            final.cells.append(Cell(cents_to_decimal(int(final_cents[row])), formula))
        final_letter = self.add(final)
        for row in range(self.size):
            formula = f"ROUND({final_letter}{row + 2}-{target_letter}{row + 2},2)"
            change.cells.append(Cell(cents_to_decimal(int(change_cents[row])), formula))
        self.add(change)

    def _transition_rules(self, rule: Transition, target: str, previous: str) -> str:
        """The amount after the transition rules as one formula on the rules' amount and last year's."""
        amount = target
        phase = rule.phase
        k = self.ruleset.year() - phase.first_year + 1 if phase is not None else 0
        if phase is not None and k >= 1:
            years = self.names["transition.phase.years"]
            left = f"({years}-{k}+1)"
            step = self._rounded(
                phase.rounding, "transition.phase.rounding.step", f"({target}-{previous})/{left}"
            )
            amount = f"IF({left}>1,ROUND({previous}+{step},2),{target})"
        for key, limit in (
            ("max_increase_percent", "MIN"),
            ("max_increase", "MIN"),
            ("max_decrease_percent", "MAX"),
            ("max_decrease", "MAX"),
        ):
            if getattr(rule, key) is None:
                continue
            name = self.names[f"transition.{key}"]
            allowed = f"ROUNDDOWN(ROUND({previous}*{name}/100,9),2)" if "percent" in key else name
            sign = "+" if limit == "MIN" else "-"
            amount = f"{limit}({amount},{previous}{sign}{allowed})"
        if rule.hold_harmless:
            amount = f"MAX({amount},{previous})"
        if rule.floor is not None:
            amount = f"MAX({amount},{self.names['transition.floor']},{previous})"
        return amount

    # --- parameters -------------------------------------------------------------------------------

    def parameter_rows(self) -> list[ParameterRow]:
        rows = []
        for path, parameter in self.parameters.items():
            rows.append(
                ParameterRow(
                    path, self.names[path], Cell(parameter.value), parameter.kind.value, self._source(path)
                )
            )
        return rows + self.derived

    def _source(self, path: str) -> str:
        from budgetcalc.engine.parameters import model_at

        key = self.parameters[path].key
        try:
            found = model_at(self.ruleset, key)
        except (KeyError, IndexError, AttributeError):
            return ""
        texts = [getattr(found, "source", None), getattr(found, "note", None)]
        return "; ".join(text for text in texts if text)


def in_formulas(allocation: Allocation) -> bool:
    """Whether the calculation sheet can re-perform the allocation: not where unspent money of last year
    was shared again through a pot (the pot's amount is then more than its parameter)."""
    transition = allocation.transition
    carry = allocation.ruleset.carry_over
    if transition is None or carry is None or carry.return_to_pot is None:
        return True
    return not bool(np.asarray(transition.carry.returned).any())


def reperformance(allocation: Allocation, lang: Lang, sheets: dict[str, str]) -> Reperformance:
    """The input, parameter and calculation sheets of ``allocation``; ``sheets`` names them
    (keys ``input``, ``parameters``, ``calculation``)."""
    builder = _Builder(allocation, lang, sheets)
    builder.build_input()
    builder.build_calculation()
    return Reperformance(
        builder.input_columns, builder.parameter_rows(), builder.columns, list(builder.input_letter)
    )


def input_sheet(allocation: Allocation, lang: Lang, sheets: dict[str, str]) -> Reperformance:
    """Only the input sheet (the population as read), for a report too large for formulas."""
    builder = _Builder(allocation, lang, sheets)
    builder.build_input()
    return Reperformance(builder.input_columns, [], [], list(builder.input_letter))
