"""``budgetcalc check``: a rule file validated, and its examples and population assertions run by the engine.

An example (``[[examples]]``) brings its own areas: they become a small population, allocated as any
other. An assertion is an ``[[expected]]`` entry that names its ``population`` file: that file is read
and allocated. Either way the amounts are compared as ``[[expected]]`` always is
(:mod:`budgetcalc.engine.expectations`); nothing is computed a second way here.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from budgetcalc.engine.expectations import ExpectationResult, ExpectationStatus
from budgetcalc.errors import BudgetcalcError, RuleError
from budgetcalc.money import format_plain
from budgetcalc.population import Population
from budgetcalc.ruleset.load import parse_ruleset, read_rule_text
from budgetcalc.ruleset.model import Example, Expectation, PopulationFile, RuleSet


@dataclass(frozen=True)
class Failure:
    """An expected amount the rules do not give: where it stands in the rule file, and what came out."""

    file: str
    line: int | None
    entry: str
    """The entry and what it is: ``examples[1] (published)``, ``expected[3] (derived) on FILE``."""
    area: str | None
    """The area's name or code; None for a total over all areas."""
    column: str
    expected_cents: int
    found: str

    def __str__(self) -> str:
        where = BudgetcalcError("", file=self.file, line=self.line).location
        area = f"area '{self.area}'" if self.area is not None else "all areas"
        return (
            f"{where}, {self.entry}, {area}, {self.column}: "
            f"expected {format_plain(self.expected_cents)}, found {self.found}"
        )


def check_files(paths: Iterable[str | Path]) -> Iterator[Failure | BudgetcalcError]:
    """For each file, its failures, or the one error that makes it unreadable or invalid."""
    for path in paths:
        try:
            yield from check_file(path)
        except BudgetcalcError as error:
            yield error


def check_file(path: str | Path) -> list[Failure]:
    """Validate a rule file and run its examples and assertions. A scenario file is validated (its base
    with the values it sets); its base's examples are the base's, checked with the base file."""
    path = Path(path)
    text = read_rule_text(path)
    try:
        is_scenario = "extends" in tomllib.loads(text, parse_float=Decimal)
    except (tomllib.TOMLDecodeError, RecursionError):
        is_scenario = False  # the rule parser words the error
    if is_scenario:
        from budgetcalc.scenarios import load_rules

        load_rules(path)
        return []
    return [
        failure
        for ruleset, skip_year in yearly_runs(text, path)
        for failure in [*run_examples(ruleset, path, skip_year), *run_assertions(ruleset, path, skip_year)]
    ]


def yearly_runs(text: str, path: str | Path) -> list[tuple[RuleSet, int | None]]:
    """The rule set of the file's own year, then one for each other year an example or expectation names
    (with the own year, whose entries without a year that run leaves out: they ran already)."""
    ruleset = parse_ruleset(text, source=path)
    own_year = ruleset.year()
    entries: list[Example | Expectation] = [*ruleset.examples, *ruleset.expected]
    years = {entry.year for entry in entries if entry.year is not None and entry.year != own_year}
    others = [(parse_ruleset(text, source=path, when=year), own_year) for year in sorted(years)]
    return [(ruleset, None), *others]


def _runs(ruleset: RuleSet, entry: Example | Expectation, skip_year: int | None) -> bool:
    """Whether an entry is checked on this run: it is for the rule set's year, and an entry without a year
    (one for every year) is checked on the run of the rule file's own year only."""
    return ruleset.holds_in_year(entry) and not (entry.year is None and skip_year is not None)


def run_examples(ruleset: RuleSet, path: str | Path, skip_year: int | None = None) -> list[Failure]:
    """Every ``[[examples]]`` entry for the rule set's year: its areas allocated under the rule set, each
    ``gets`` compared. With ``skip_year`` (a run for another year than the file's own) only the entries
    that name this year."""
    failures = []
    for index, example in enumerate(ruleset.examples, start=1):
        if not _runs(ruleset, example, skip_year):
            continue
        key = f"examples[{index}]"
        try:
            population = example_population(example)
            expected = [
                Expectation(area=str(area.figures()["code"]), component=_component(column), amount=amount)
                for area in example.areas
                for column, amount in (area.gets or {}).items()
            ]
            results = outcomes(ruleset, population, expected)
        except BudgetcalcError as error:
            raise RuleError(
                f"example {index} cannot be computed: {error}",
                file=path,
                line=ruleset.line_of(f"{key}.areas"),
                key=f"{key}.areas",
            ) from None
        positions = [
            (position, column)
            for position, area in enumerate(example.areas, start=1)
            for column in area.gets or {}
        ]
        for (position, column), result in zip(positions, results, strict=True):
            if result.status is not ExpectationStatus.MATCHES:
                area = example.areas[position - 1]
                line = ruleset.line_of(f"{key}.areas[{position}].gets.{column}")
                entry = f"{key} ({example.evidence.value})"
                failures.append(_failure(path, line, entry, area.label, column, result))
    return failures


def run_assertions(ruleset: RuleSet, path: str | Path, skip_year: int | None = None) -> list[Failure]:
    """Every ``[[expected]]`` entry with a ``population`` for the rule set's year (as
    :func:`run_examples` chooses them): that file (relative to the rule file) allocated under the rule
    set, and the entry compared as on every run."""
    groups: dict[PopulationFile, list[int]] = {}
    for index, expectation in enumerate(ruleset.expected, start=1):
        if expectation.population is not None and _runs(ruleset, expectation, skip_year):
            groups.setdefault(expectation.population, []).append(index)
    failures = []
    for where, indexes in groups.items():
        entries = [ruleset.expected[index - 1] for index in indexes]
        try:
            population = read_population_file(Path(path).parent / where.file, where, ruleset)
            results = outcomes(ruleset, population, entries)
        except BudgetcalcError as error:
            key = f"expected[{indexes[0]}].population"
            raise RuleError(
                f"population {where.file}: {error}", file=path, line=ruleset.line_of(key), key=key
            ) from None
        for index, entry, result in zip(indexes, entries, results, strict=True):
            if result.status is not ExpectationStatus.MATCHES:
                key = f"expected[{index}]"
                evidence = f" ({entry.evidence.value})" if entry.evidence else ""
                line = ruleset.line_of(f"{key}.amount")
                column = entry.component or "total"
                failures.append(
                    _failure(path, line, f"{key}{evidence} on {where.file}", entry.area, column, result)
                )
    return failures


def example_population(example: Example) -> Population:
    """An example's areas as a population, validated as any population table is."""
    rows = [area.figures() for area in example.areas]
    columns = list(dict.fromkeys(column for row in rows for column in row))
    frame = pd.DataFrame(
        [[row.get(column) for column in columns] for row in rows], columns=columns, dtype=object
    )
    return Population.from_frame(frame)


def read_population_file(file: Path, where: PopulationFile, ruleset: RuleSet) -> Population:
    """The population an assertion names, read as ``allocate`` reads it for this rule set."""
    from budgetcalc.reading import read_population

    return read_population(file, level=where.level, sheet=where.sheet, ruleset=ruleset)


def outcomes(
    ruleset: RuleSet, population: Population, expected: Sequence[Expectation]
) -> tuple[ExpectationResult, ...]:
    """``expected`` compared with the allocation of ``population``, in their order, by ``allocate`` itself."""
    from budgetcalc.engine.allocate import allocate

    only_these = ruleset.model_copy(update={"expected": list(expected)})
    return allocate(population, only_these).expectations


def _component(column: str) -> str | None:
    return None if column == "total" else column


def _failure(
    path: str | Path, line: int | None, entry: str, area: str | None, column: str, result: ExpectationResult
) -> Failure:
    if result.status is ExpectationStatus.AREA_MISSING:
        found = "no such area"
    elif result.status is ExpectationStatus.OTHER_COUNT:
        found = f"{result.actual_inhabitants} inhabitants, not {result.expectation.inhabitants}"
    else:
        assert result.actual_cents is not None
        found = format_plain(result.actual_cents)
    return Failure(str(path), line, entry, area, column, result.expected_cents, found)
