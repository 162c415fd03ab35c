"""What every command reads: a rule file (with any ``--set PATH=VALUE`` overrides) and a population file
with its column mappings and selection, checked against each other."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from budgetcalc.errors import InputError, RuleError
from budgetcalc.notices import Notice
from budgetcalc.population import Population
from budgetcalc.provenance import Provenance, overrides_as_typed, reading_record
from budgetcalc.ruleset.model import RuleSet

if TYPE_CHECKING:
    from budgetcalc.allocation import Allocation


@dataclass(frozen=True)
class PopulationOptions:
    """How to read the population file: the options ``allocate`` and the scenario commands share."""

    sheet: str | None = None
    kind: str | None = None
    level: str | None = None
    municipality: str | None = None
    column_options: Sequence[str] = ()
    columns_file: Path | None = None
    skip_suppressed: bool = False
    allow_other_municipality: bool = False
    areas: Path | None = None
    """A mapping file from CBS buurt codes to the municipality's own areas: the buurten are summed
    into those areas before the allocation (see :mod:`budgetcalc.reading.areas`)."""
    year: str | None = None
    """``--year``: the budget year (``2023``) or date (``2023-06-18``) whose values of a rule file over
    time apply; the population is checked against the reference date that follows from it."""
    population_date: str | None = None
    """``--population-date``: the date the population's counts are for (``2024-01-01``), checked against
    the rules' reference date; without it, a year in the file's name is."""

    def as_record(self) -> dict[str, object]:
        """The options that were given (not their defaults), as text and flags for a report."""
        given: dict[str, object] = {}
        for name, value in vars(self).items():
            if value in (None, False, ()):
                continue
            given[name] = (
                list(value)
                if isinstance(value, tuple | list)
                else str(value)
                if isinstance(value, Path)
                else value
            )
        return given


def parse_overrides(options: Sequence[str]) -> dict[str, Decimal]:
    """``--set PATH=VALUE`` options as ``{path: Decimal}``; a malformed one is an error naming it."""
    found: dict[str, Decimal] = {}
    for option in options:
        path, separator, value = option.partition("=")
        path, value = path.strip(), value.strip()
        if not separator or not path or not value:
            raise RuleError(
                f"--set expects PATH=VALUE, e.g. components.dorpsbudget.rate=1.75; got '{option}'"
            )
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise RuleError(f"--set {path}: expected a number, got '{value}'") from None
        if not number.is_finite():
            raise RuleError(f"--set {path}: expected a finite number, got '{value}'")
        found[path] = number
    return found


def apply_overrides(
    ruleset: RuleSet, overrides: dict[str, Decimal], dated: Mapping[str, Decimal] | None = None
) -> RuleSet:
    """The rule set with the overridden values, validated like the rule file itself; its name says which
    values were changed (``dated``: those already written into values per date), so every report shows
    it is a scenario."""
    if not overrides and not dated:
        return ruleset
    from budgetcalc.engine.parameters import rule_parameters, unknown_path, with_values

    parameters = rule_parameters(ruleset)
    unknown = [path for path in overrides if path not in parameters]
    if unknown:
        raise RuleError(unknown_path(unknown[0], parameters))
    changed = with_values(ruleset, overrides) if overrides else ruleset
    shown = ", ".join(f"{path} = {value}" for path, value in {**(dated or {}), **overrides}.items())
    name = f"{changed.name} [scenario: {shown}]"
    return RuleSet.model_validate({**changed.document(), "name": name[:500]}).with_lines(ruleset._lines)


def read_inputs(
    population_file: Path, rules_file: Path, options: PopulationOptions, overrides: Sequence[str] = ()
) -> tuple[RuleSet, Population, Provenance]:
    """The rule set (with overrides), the population read for it, and the record of both, as the
    commands do."""
    from budgetcalc import __version__
    from budgetcalc.reading import load_column_file, parse_column_options, read_population
    from budgetcalc.reading.mapping import check_fields
    from budgetcalc.ruleset.timeline import parse_when
    from budgetcalc.scenarios import load_rules_with_sources, split_dated

    per_date, in_force = split_dated(parse_overrides(overrides))
    when = parse_when(options.year) if options.year else None
    stated = _population_date(options.population_date) if options.population_date else None
    loaded, sources = load_rules_with_sources(rules_file, when, per_date)
    ruleset = apply_overrides(loaded, in_force, dated=per_date)
    from_file = load_column_file(options.columns_file) if options.columns_file else {}
    from_options = parse_column_options(options.column_options)
    check_fields(from_file, ruleset.columns(), file=options.columns_file)
    check_fields(from_options, ruleset.columns())
    people = read_population(
        population_file,
        sheet=options.sheet,
        kind=options.kind,
        level=options.level,
        municipality=options.municipality,
        columns={**from_file, **from_options},
        skip_suppressed=options.skip_suppressed,
        ruleset=None if options.allow_other_municipality else ruleset,
    )
    recorded = options.as_record()
    mismatch = population_year_notice(population_file, ruleset, stated)
    if mismatch is not None:
        people = dataclasses.replace(people, warnings=(*people.warnings, mismatch))
    if options.areas is not None:
        people, recorded["areas_sha256"] = summed_into_areas(people, options.areas, ruleset, options.kind)
    record = Provenance(
        population_file=str(population_file),
        population_sha256=people.digest,
        rules=sources,
        version=__version__,
        overrides=overrides_as_typed(overrides),
        options=recorded,
        reading=reading_record(people.sheet, people.rows_read, people.headers, people.warnings),
    )
    return ruleset, people, record


def population_year_notice(
    population_file: Path, ruleset: RuleSet, stated: date | None = None
) -> Notice | None:
    """A warning where the population is of another date than the rules count inhabitants on: the date
    the user ``stated`` (``--population-date``), else the one year the file's name gives
    (``cbs-kwb-2024-…``: inhabitants on 1 January 2024); None where they agree or it cannot tell."""
    if stated is not None:
        if stated == ruleset.reference_date:
            return None
        values: dict[str, str | int] = {
            "date": stated.isoformat(),
            "reference_date": ruleset.reference_date.isoformat(),
            "budget_year": ruleset.year(),
        }
        return Notice("population_date", values)
    years = {int(year) for year in _YEAR_IN_NAME.findall(population_file.stem)}
    if len(years) != 1 or ruleset.reference_date.year in years:
        return None
    values = {
        "file": population_file.name,
        "year": years.pop(),
        "reference_date": ruleset.reference_date.isoformat(),
        "budget_year": ruleset.year(),
    }
    return Notice("population_year", values)


def _population_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise RuleError(f"--population-date expects a date such as 2024-01-01, got '{text}'") from None


_YEAR_IN_NAME = re.compile(r"(?<![0-9])(19[0-9]{2}|2[0-9]{3})(?![0-9])")


def summed_into_areas(
    people: Population, mapping_file: Path, ruleset: RuleSet, kind: str | None = None
) -> tuple[Population, str]:
    """The population summed into the areas of a mapping file (``--areas``), and the file's SHA-256.

    The columns the rules read as counts are summed; those a condition reads must agree per area."""
    from budgetcalc.reading.areas import read_area_mapping, sum_into_areas

    mapping = read_area_mapping(mapping_file)
    counts = count_columns(ruleset)
    summed = sum_into_areas(
        people,
        mapping,
        count_columns=counts,
        condition_columns=ruleset.columns() - counts,
        kind=kind,
    )
    return summed, mapping.digest


def count_columns(ruleset: RuleSet) -> set[str]:
    """The columns the rule set reads as counts: a rate's, a staffel's or a key's ``per``."""
    found = {"inhabitants"}
    for component in ruleset.components.values():
        if component.rate is not None:
            found.add(component.per)
        if component.staffel is not None:
            found.add(component.staffel.per)
    for pot in ruleset.pots.values():
        found |= {key.per for key in pot.keys}
    return found


def allocation_of(
    population_file: Path,
    rules_file: Path,
    options: PopulationOptions,
    overrides: Sequence[str] = (),
    previous: Path | None = None,
    previous_sheet: str | None = None,
) -> Allocation:
    """Read the inputs as every command does and allocate them, recording what the allocation was made
    from (its provenance), as ``allocate`` and ``explain`` do; ``previous`` is last year's allocation
    (``--previous``, read from ``previous_sheet`` of a workbook), recorded row by row."""
    from budgetcalc.engine.allocate import allocate
    from budgetcalc.provenance import previous_record
    from budgetcalc.reading.previous import read_previous

    if previous is None and previous_sheet is not None:
        raise InputError("--previous-sheet names a sheet of the --previous file; give that file too")
    ruleset, people, record = read_inputs(population_file, rules_file, options, overrides)
    allowed = options.allow_other_municipality
    last_year = read_previous(previous, previous_sheet) if previous is not None else None
    if last_year is not None:
        record = dataclasses.replace(record, previous=previous_record(last_year))
    result = allocate(people, ruleset, allow_other_municipality=allowed, previous=last_year)
    return dataclasses.replace(result, provenance=record)


def parameter_lines(ruleset: RuleSet) -> list[str]:
    """``PATH = VALUE  # note`` for every value of the rule set, in rule-file order."""
    from budgetcalc.engine.parameters import rule_parameters
    from budgetcalc.ruleset.amount import Amount
    from budgetcalc.ruleset.timeline import DATED_SEPARATOR

    dated = {value.path: value for value in ruleset.in_force.values} if ruleset.in_force else {}
    lines = []
    for path, parameter in rule_parameters(ruleset).items():
        found = _amount_at(ruleset, parameter.key)
        over_time = dated.get(path)
        since = f"in force from {over_time.since.isoformat()}" if over_time else ""
        note = " ".join(
            text
            for text in (since, *((found.source, found.note) if isinstance(found, Amount) else ()))
            if text
        )
        comment = f"  # {' '.join(note.split())}" if note else ""
        lines.append(f"{path} = {parameter.value}{comment}")
        for entry in over_time.entries if over_time else ():
            lines.append(f"{path}{DATED_SEPARATOR}{entry.since.isoformat()} = {entry.value}")
    return lines


def _amount_at(ruleset: RuleSet, key: tuple[str | int, ...]) -> object:
    from budgetcalc.engine.parameters import model_at

    try:
        return model_at(ruleset, key)
    except (AttributeError, KeyError, IndexError):
        return None
