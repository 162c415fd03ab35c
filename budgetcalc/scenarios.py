"""Scenarios for policy advisers: a small file that extends a rule set and changes a few of its values,
and the comparison of a rule set with its scenarios, area by area.

A scenario file::

    extends = "leeuwarden-2015.toml"          # the base rule file, relative to this file
    name = "Kleine wijken € 500 meer"
    rationale = "Voorstel fractie X, raad 12 maart"

    [set]
    "components.wijk_dorpsbudget.staffel.brackets[1].fixed" = 1500

The comparison evaluates the base and every scenario on one compiled plan (the scenarios change values,
not structure), so it costs one evaluation, not one allocation per scenario.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError

from budgetcalc.engine.parameters import path_in_force
from budgetcalc.errors import AllocationError, RuleError
from budgetcalc.labels import Lang
from budgetcalc.population import Population
from budgetcalc.provenance import RuleSource
from budgetcalc.ruleset.amount import Number
from budgetcalc.ruleset.load import plain_messages, read_rule_source, read_rule_text
from budgetcalc.ruleset.model import Calibration, RuleSet, Strict
from budgetcalc.ruleset.text import LongText, ShortText
from budgetcalc.ruleset.timeline import DATED_SEPARATOR, When


class ScenarioFile(Strict):
    """What a scenario file says: the rule file it extends, its name and rationale, the values it sets."""

    extends: str = Field(min_length=1)
    name: ShortText = Field(min_length=1)
    rationale: LongText | None = None
    set: dict[str, Number] = Field(min_length=1)


@dataclass(frozen=True)
class Scenario:
    """A named set of values for a base rule set."""

    name: str
    values: dict[str, Decimal]
    rationale: str | None = None


def load_scenario(path: str | Path) -> tuple[Path, Scenario]:
    """The base rule file a scenario file extends (resolved next to it) and the scenario."""
    path = Path(path)
    text = read_rule_text(path)
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise RuleError(f"not valid TOML: {error}", file=path) from None
    except RecursionError:
        raise RuleError("not valid TOML: arrays or tables nested too deeply", file=path) from None
    return _scenario_of(path, data)


def _scenario_of(path: Path, data: dict[str, object]) -> tuple[Path, Scenario]:
    try:
        found = ScenarioFile.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise RuleError(str(problem["msg"]).removeprefix("Value error, "), file=path, key=where) from None
    return (path.parent / found.extends), Scenario(found.name, dict(found.set), found.rationale)


def compare_areas(
    population: Population | pd.DataFrame, base: RuleSet, scenarios: Sequence[Scenario], lang: str = "nl"
) -> pd.DataFrame:
    """Per area: the base total and, per scenario, its total, the difference in euros and in percent,
    and the staffel bracket before and after. Amounts are exact ``Decimal`` euros.

    Every scenario's values are checked like the rule file (a bracket edge that opens a gap is an error
    naming the path), then all are evaluated at once on the base rule set's plan.
    """
    from budgetcalc.engine.evaluate import evaluate_block
    from budgetcalc.engine.parameters import Scenarios, with_values
    from budgetcalc.engine.plan import compile_plan
    from budgetcalc.scope import require_scope

    if isinstance(population, pd.DataFrame):
        population = Population.from_frame(population)
    require_scope(population, base, allow_other_municipality=True)
    scenarios = [  # a value per date as the matrix takes it: the entry in force (PATH@DATE is PATH)
        Scenario(
            scenario.name,
            {path_in_force(base, path): value for path, value in scenario.values.items()},
            scenario.rationale,
        )
        for scenario in scenarios
    ]
    names = [scenario.name for scenario in scenarios]
    for name in names:
        if names.count(name) > 1 or name == "base":
            raise RuleError(f"two scenarios are named '{name}'; give each scenario its own name")
    for scenario in scenarios:
        with_values(base, scenario.values)  # validated like the rule file; raises naming the path
    plan = compile_plan(base, population)
    paths = sorted({path for scenario in scenarios for path in scenario.values})
    columns = {
        path: [
            plan.parameters[path].value,
            *(s.values.get(path, plan.parameters[path].value) for s in scenarios),
        ]
        for path in paths
    }
    values = Scenarios.of(plan.parameters, columns or None)
    if not columns:
        values = Scenarios(len(scenarios) + 1, {}, plan.parameters)
    try:
        evaluation = evaluate_block(plan, values)
    except AllocationError as error:
        raise AllocationError(f"in a scenario: {error.message}", file=error.file, row=error.row) from None
    totals = evaluation.total.cents
    rulesets = [base, *(with_values(base, scenario.values) for scenario in scenarios)]
    brackets = _brackets(evaluation, rulesets, "en" if lang == "en" else "nl")
    frame = population.frame[["code", "name", "kind"]].copy()
    frame["base"] = _euros(totals[0], frame.index)
    if brackets:
        frame["base_bracket"] = brackets[0]
    for number, scenario in enumerate(scenarios, start=1):
        amounts = _euros(totals[number], frame.index)
        frame[scenario.name] = amounts
        frame[f"{scenario.name}: difference"] = _euros(totals[number] - totals[0], frame.index)
        frame[f"{scenario.name}: percent"] = pd.Series(
            [
                None if old == 0 else ((new - old) * 100 / old).quantize(Decimal("0.1"))
                for new, old in zip(amounts, frame["base"], strict=True)
            ],
            index=frame.index,
            dtype=object,
        )
        if brackets:
            frame[f"{scenario.name}: bracket"] = brackets[number]
    return frame


def _euros(cents: np.ndarray, index: pd.Index) -> pd.Series:
    """Cents as exact Decimal euros, a column of a frame."""
    from budgetcalc.money import cents_to_decimal

    return pd.Series([cents_to_decimal(int(value)) for value in cents], index=index, dtype=object)


def _brackets(evaluation: object, rulesets: Sequence[RuleSet], lang: Lang) -> list[list[str]]:
    """Per scenario and area, the staffel brackets used, in words with the component's label
    (``Basisbedrag: 500 tot 5.000 inwoners``, the bracket's own label where it has one), as each
    scenario's own values set their bounds; empty where none."""
    from budgetcalc.wording import bracket_text

    components = [c for c in evaluation.components if c.rule.staffel is not None]  # type: ignore[attr-defined]
    if not components:
        return []
    found = []
    for row, ruleset in enumerate(rulesets):
        words = {}
        for component in components:
            staffel = ruleset.components[component.name].staffel
            assert staffel is not None
            title = component.rule.label or component.name
            words[component.name] = [
                f"{title}: {bracket_text(b, staffel.per, lang)}" for b in staffel.brackets
            ]
        indexes = {c.name: np.asarray(c.bracket)[row].tolist() for c in components}
        found.append(
            [
                "; ".join(
                    words[c.name][indexes[c.name][position]]
                    for c in components
                    if indexes[c.name][position] >= 0
                )
                for position in range(len(indexes[components[0].name]))
            ]
        )
    return found


@dataclass(frozen=True)
class Threshold:
    """How much an area may lose before it is listed: euros, or (``percent``) a percentage of its base."""

    amount: Decimal = Decimal(0)
    percent: bool = False

    def describe(self, lang: str = "nl") -> str:
        from budgetcalc.money import decimal_to_cents, format_euro, format_number

        if self.percent:
            return f"{format_number(self.amount, lang)}%"
        return format_euro(decimal_to_cents(self.amount), lang)


def parse_threshold(text: str) -> Threshold:
    """``--threshold 3000`` (euros) or ``--threshold 12%`` (percent of the area's base amount)."""
    from decimal import InvalidOperation

    value = text.strip()
    percent = value.endswith("%")
    try:
        amount = Decimal(value.removesuffix("%").strip().replace(",", "."))
    except InvalidOperation:
        raise RuleError(
            f"--threshold: expected an amount in euros or a percentage (12%), got '{text}'"
        ) from None
    if not amount.is_finite() or amount < 0:
        raise RuleError(f"--threshold: expected 0 or more, got '{text}'")
    return Threshold(amount, percent)


def summary(
    frame: pd.DataFrame, scenarios: Sequence[Scenario], threshold: Decimal | Threshold = Decimal(0)
) -> list[dict[str, object]]:
    """Per scenario: its total against the base, how many areas gain and lose (in all and per kind), and
    the areas losing more than ``threshold`` (euros, or a percentage of their base amount)."""
    limit = threshold if isinstance(threshold, Threshold) else Threshold(Decimal(threshold))
    found = []
    for scenario in scenarios:
        difference = frame[f"{scenario.name}: difference"]
        per_kind = {
            kind: (int((part > 0).sum()), int((part < 0).sum()))
            for kind, part in difference.groupby(frame["kind"], sort=True)
        }
        if limit.percent:
            percents = frame[f"{scenario.name}: percent"]
            past = pd.Series([p is not None and p < -limit.amount for p in percents], index=frame.index)
        else:
            past = difference < -limit.amount
        losing = frame.loc[past, ["code", "name"]]
        found.append(
            {
                "scenario": scenario.name,
                "base_total": sum(frame["base"], Decimal(0)),
                "total": sum(frame[scenario.name], Decimal(0)),
                "gain": int((difference > 0).sum()),
                "lose": int((difference < 0).sum()),
                "per_kind": per_kind,
                "losing_more_than_threshold": [
                    f"{c} {n}" for c, n in zip(losing["code"], losing["name"], strict=True)
                ],
            }
        )
    return found


def table_csv(frame: pd.DataFrame, lang: str = "nl", *, excel: bool = False) -> bytes:
    """A comparison or sweep as CSV (UTF-8, comma): amounts as plain decimals, text neutralised as in
    reports; with ``excel`` the CSV for Dutch Excel (``;``, decimal commas, headers in ``lang``)."""
    from budgetcalc.report.csv_report import render_table_csv

    return render_table_csv(frame, "en" if lang == "en" else "nl", excel=excel)


def parse_range(option: str) -> tuple[str, list[Decimal]]:
    """``PATH=START:STOP:STEP`` as the path and its values: START, START + STEP, ... up to STOP (STOP
    included where the steps reach it); an error naming the option otherwise."""
    path, separator, spec = option.partition("=")
    parts = spec.split(":")
    if not separator or not path.strip() or len(parts) != 3:
        raise RuleError(
            f"--vary expects PATH=START:STOP:STEP, e.g. components.x.rate=1.00:2.00:0.05; got '{option}'"
        )
    try:
        # written out in full: 1e2 is 100, not 1E+2, in every row and report
        start, stop, step = (Decimal(format(Decimal(part.strip()), "f")) for part in parts)
    except ArithmeticError:
        raise RuleError(
            f"--vary {path.strip()}: START, STOP and STEP must be numbers; got '{spec}'"
        ) from None
    if not all(value.is_finite() for value in (start, stop, step)) or step <= 0 or stop < start:
        raise RuleError(f"--vary {path.strip()}: expected START <= STOP and a STEP above 0; got '{spec}'")
    count = int((stop - start) / step) + 1
    if count > 1_000_000:
        raise RuleError(f"--vary {path.strip()}: {count:,} values; at most 1,000,000")
    return path.strip(), [start + step * index for index in range(count)]


def sweep(
    population: Population | pd.DataFrame,
    base: RuleSet,
    grid: Sequence[tuple[str, list[Decimal]]],
    *,
    per_area: bool = False,
    progress: Callable[[int], None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Every combination of the values in ``grid`` (one or two paths), evaluated at once on one plan.

    One row per scenario: the values, the total, the smallest and largest amount, how many areas lose
    against the base rule set and the largest loss (exact ``Decimal`` euros; a failed scenario has its
    error instead). With ``per_area`` also the areas x scenarios matrix in cents (a column per scenario).
    ``progress`` is told how many scenarios are done after each block (for a progress bar).
    """
    import itertools

    from budgetcalc.engine.evaluate import evaluate_block, evaluate_blocks
    from budgetcalc.engine.parameters import Scenarios
    from budgetcalc.engine.plan import compile_plan

    grid = [(path_in_force(base, path), values) for path, values in grid]
    from budgetcalc.exact import checked_sum
    from budgetcalc.money import cents_to_decimal

    if isinstance(population, pd.DataFrame):
        population = Population.from_frame(population)
    plan = compile_plan(base, population)
    combinations = list(itertools.product(*(values for _, values in grid)))
    columns = {
        path: [combination[index] for combination in combinations] for index, (path, _) in enumerate(grid)
    }
    invalid = _invalid_combinations(base, grid, combinations)
    base_totals = evaluate_block(plan, Scenarios.of(plan.parameters)).total.cents[0]
    rows: list[dict[str, object]] = []
    matrix: dict[str, object] | None = {"code": population.codes} if per_area else None
    for block in evaluate_blocks(plan, Scenarios.of(plan.parameters, columns)):  # memory: one block at a time
        for offset in range(block.size):
            number = block.start + offset
            row: dict[str, object] = {
                path: value for (path, _), value in zip(grid, combinations[number], strict=True)
            }
            failed = invalid.get(number) or (block.errors[number].message if number in block.errors else None)
            if failed is not None:
                row.update(total=None, smallest=None, largest=None, areas_losing=None, largest_loss=None)
                row["error"] = failed
                if matrix is not None:
                    matrix[f"scenario {number + 1}"] = [None] * len(population.codes)
            else:
                totals = block.total[offset]
                losses = base_totals - totals
                row.update(
                    total=cents_to_decimal(checked_sum(totals, "a scenario's total")),
                    smallest=cents_to_decimal(int(totals.min()) if totals.size else 0),
                    largest=cents_to_decimal(int(totals.max()) if totals.size else 0),
                    areas_losing=int((losses > 0).sum()),
                    largest_loss=cents_to_decimal(int(max(int(losses.max(initial=0)), 0))),
                    error="",
                )
                if matrix is not None:
                    matrix[f"scenario {number + 1}"] = totals.copy()
            rows.append(row)
        if progress is not None:
            progress(block.start + block.size)
    frame = pd.DataFrame(rows, dtype=object)  # a failed row keeps its empty cells empty, not NaN
    return frame, None if matrix is None else pd.DataFrame(matrix, dtype=object)


_SHAPE_KEYS = ("from", "above", "below", "through", "minimum", "maximum")
"""Values whose change can make a rule set invalid (a gap, an overlap, a minimum above the maximum)."""


def _invalid_combinations(
    base: RuleSet, grid: Sequence[tuple[str, list[Decimal]]], combinations: list[tuple[Decimal, ...]]
) -> dict[int, str]:
    """Scenarios whose values the rule file itself would refuse, with the message naming the path: only
    where a varied value is a bracket bound, a minimum or a maximum (a rate can never be refused so)."""
    from budgetcalc.engine.parameters import with_values

    if not any(path.rsplit(".", 1)[-1] in _SHAPE_KEYS for path, _ in grid):
        return {}
    found: dict[int, str] = {}
    for number, values in enumerate(combinations):
        try:
            with_values(base, {path: value for (path, _), value in zip(grid, values, strict=True)})
        except RuleError as error:
            found[number] = error.message
    return found


def calibrate(
    population: Population | pd.DataFrame,
    base: RuleSet,
    path: str,
    envelope: Decimal | int | str,
    precision: Decimal | str = "0.01",
) -> pd.DataFrame:
    """The value at ``path`` whose total comes closest to ``envelope`` without passing it, as a one-row
    DataFrame: ``path``, ``value``, ``total``, ``left``, ``next_total`` (one step more) in exact euros."""
    from budgetcalc.engine.calibrate import calibrate as find_value
    from budgetcalc.engine.plan import compile_plan
    from budgetcalc.money import cents_to_decimal

    if isinstance(population, pd.DataFrame):
        population = Population.from_frame(population)
    calibration = calibration_of(path_in_force(base, path), envelope, precision)
    found = find_value(compile_plan(base, population), calibration)
    following = None if found.next_spends is None else cents_to_decimal(found.next_spends)
    return pd.DataFrame(
        [
            {
                "path": found.path,
                "value": found.value,
                "total": cents_to_decimal(found.spends),
                "left": cents_to_decimal(found.budget - found.spends),
                "next_total": following,
            }
        ]
    )


def load_rules(path: str | Path, when: When | None = None) -> RuleSet:
    """A rule file, or a scenario file as the rule set it makes: its base with the values it sets, named
    after the scenario, its rationale first in the note, so every report says which scenario it shows.
    A rule file over time is taken as in force ``when`` (a budget year or a date; None: its own year)."""
    return load_rules_with_sources(path, when)[0]


def load_rules_with_sources(
    path: str | Path, when: When | None = None, dated: Mapping[str, Decimal] | None = None
) -> tuple[RuleSet, tuple[RuleSource, ...]]:
    """As :func:`load_rules`, with the files read (the file given, then the rule file a scenario extends),
    each with its text and SHA-256 from the one read that was parsed. ``dated`` sets values per date
    (``PATH@DATE``) before the rule file is taken in force."""
    return rules_from_source(read_rule_source(path), read_rule_source, when, dated)


def rules_from_source(
    source: RuleSource,
    read_base: Callable[[Path], RuleSource],
    when: When | None = None,
    dated: Mapping[str, Decimal] | None = None,
) -> tuple[RuleSet, tuple[RuleSource, ...]]:
    """The rule set a rule or scenario file's text makes; ``read_base`` gives the rule file a scenario
    extends (read from disk, or, when a report is verified, the text the report recorded)."""
    from budgetcalc.engine.parameters import with_values
    from budgetcalc.ruleset import parse_ruleset

    path = Path(source.path)
    text = source.text
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except (tomllib.TOMLDecodeError, RecursionError):
        return parse_ruleset(text, source=path), (source,)  # the rule parser words the error
    if "extends" not in data:
        return parse_ruleset(text, source=path, when=when, dated=dated), (source,)
    base_path, scenario = _scenario_of(path, data)
    base_source = read_base(base_path)
    per_date, in_force = split_dated(scenario.values)
    base = parse_ruleset(base_source.text, source=base_path, when=when, dated=dated)
    try:
        if per_date:  # the scenario's values per date, written into the base before it is taken in force
            dated_too = {**(dated or {}), **per_date}
            base = parse_ruleset(base_source.text, source=base_path, when=when, dated=dated_too)
        changed = with_values(base, in_force)
    except RuleError as error:
        raise RuleError(error.message, file=path) from None
    note = "\n\n".join(
        text
        for text in (f"Scenario: {scenario.name}", scenario.rationale, f"Basis: {base.name}", base.note)
        if text
    )
    description = "\n\n".join(
        text for text in (f"Scenario: {scenario.name}", scenario.rationale, base.description) if text
    )
    document = {
        **changed.document(),
        "name": scenario.name,
        "note": note[:20_000],
        "description": description[:20_000],
    }
    return RuleSet.model_validate(document).with_lines(base._lines), (source, base_source)


def split_dated(values: Mapping[str, Decimal]) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Values for entries of values per date (``PATH@DATE``), and values for the rule set in force."""
    per_date = {path: value for path, value in values.items() if DATED_SEPARATOR in path}
    return per_date, {path: value for path, value in values.items() if path not in per_date}


def calibration_of(
    path: str, envelope: Decimal | int | str, precision: Decimal | str = "0.01"
) -> Calibration:
    """A calibration asked for outside a rule file (the command line, a notebook), checked as a rule
    file's ``[calibrate]`` is."""
    try:
        return Calibration.model_validate(
            {"value": path, "spend": str(envelope), "precision": str(precision)}
        )
    except ValidationError as error:
        raise RuleError(f"envelope or precision: {plain_messages(error)}") from None
