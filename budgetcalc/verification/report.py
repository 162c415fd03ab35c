"""Verifying a budgetcalc report: re-perform the allocation from what the report recorded (the rule files'
text, the ``--set`` values and options, the population as read), check the recorded fingerprints, and
compare every amount with what the file holds now, so that a changed amount, input row or rule is found
and named.

A report is a plain file anyone can edit; what this finds is every edit that leaves the file inconsistent:
an amount changed (it no longer follows from the recorded inputs), an input row changed (the amounts
recomputed from it differ from those stored), a rule text changed (its SHA-256 no longer matches). A
forger who changes a rule text, its fingerprint and every amount consistently is found by giving the
real rule file with ``--rules``: its SHA-256 differs from the one recorded.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from budgetcalc.errors import BudgetcalcError, InputError
from budgetcalc.files import POPULATION_FILE, read_regular_file
from budgetcalc.money import decimal_to_cents
from budgetcalc.notices import Notice
from budgetcalc.provenance import Provenance, RuleSource, previous_from_record, previous_record
from budgetcalc.verification.table import Discrepancy

REPORT_FORMAT = "budgetcalc-report"


@dataclass(frozen=True)
class ReportCheck:
    """What verifying a report found: problems with its record (fingerprints, structure) and every amount
    that differs from the re-performed allocation."""

    file: str
    areas: int
    recomputed: bool
    problems: tuple[str, ...]
    discrepancies: tuple[Discrepancy, ...]

    @property
    def holds(self) -> bool:
        return not self.problems and not self.discrepancies

    def lines(self) -> list[str]:
        return [*self.problems, *(item.line() for item in self.discrepancies)]

    def summary(self) -> str:
        how = "re-performed from the recorded rules and population" if self.recomputed else "sums only"
        found = len(self.problems) + len(self.discrepancies)
        verdict = "all figures hold" if not found else f"{found} finding{'s' if found != 1 else ''}"
        return f"{self.file}: {verdict} ({self.areas} areas; {how})"


def verify_json_report(
    path: str | Path,
    rules: str | Path | None = None,
    previous: str | Path | None = None,
    previous_sheet: str | None = None,
) -> ReportCheck:
    """Verify a budgetcalc JSON report; with ``rules``, against that rule file (its SHA-256 and its
    amounts) instead of the text the report recorded; with ``previous``, against that file of last year's
    allocation instead of the rows the report recorded."""
    path = Path(path)
    document = read_json_report(path)
    areas = document["areas"]
    problems: list[str] = []
    found: list[Discrepancy] = []
    stated_total = report_cents(document.get("total"), path, "total")
    summed = 0
    for area in areas:
        amounts = dict(area.get("amounts") or {})
        total = report_cents(amounts.get("total"), path, f"areas: {area.get('code')}: total")
        summed += total
        parts = [
            report_cents(value, path, f"areas: {area.get('code')}: {column}")
            for column, value in amounts.items()
            if column != "total" and value is not None
        ]
        found += _parts_against_total(None, _who(area), parts, total)
    if summed != stated_total:
        found.append(Discrepancy(None, "grand total", "the sum of the areas' totals", summed, stated_total))
    record = document.get("provenance")
    if record is None:
        problems.append(
            "the report records no provenance (made from Python, not from files): sums checked only"
        )
        return ReportCheck(str(path), len(areas), False, tuple(problems), tuple(found))
    try:
        provenance = Provenance.from_json(record)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise InputError("the report's provenance is damaged: it cannot be read back", file=path) from None
    problems += provenance.text_problems()
    sources = list(provenance.rules)
    if rules is not None:
        problems += _against_given(rules, sources)
    if previous is not None:
        provenance = _previous_against_given(previous, previous_sheet, provenance, problems)
    try:
        allocation = _reperform(document, provenance, sources, path)
    except BudgetcalcError as error:
        problems.append(f"the recorded inputs cannot be re-performed: {error}")
        return ReportCheck(str(path), len(areas), False, tuple(problems), tuple(found))
    found += _compare(areas, allocation, path)
    from budgetcalc.report.json_report import allocation_document

    language = document.get("language")
    if language in ("nl", "en"):
        remade = json.loads(json.dumps(allocation_document(allocation, language), ensure_ascii=False))
        differences = [
            f"{where}: the report says {ours}, re-performed {theirs}"
            for where, ours, theirs in _differences(document, remade)
        ]
        problems += _at_most(differences)
    return ReportCheck(str(path), len(areas), True, tuple(problems), tuple(found))


def _at_most(lines: list[str]) -> list[str]:
    """The first ``MOST_SHOWN`` lines, and how many more there are."""
    more = len(lines) - MOST_SHOWN
    return lines[:MOST_SHOWN] + ([f"... and {more} more differences"] if more > 0 else [])


MOST_SHOWN = 40
"""Differences listed before the rest is counted."""


def _differences(found: Any, meant: Any, where: str = "") -> list[tuple[str, str, str]]:
    """Where two JSON documents differ: ``(path, value in the file, value re-performed)``, depth first."""
    if isinstance(found, dict) and isinstance(meant, dict):
        keys = [*meant, *(key for key in found if key not in meant)]
        return [
            item for key in keys for item in _differences(found.get(key), meant.get(key), f"{where}.{key}")
        ]
    if isinstance(found, list) and isinstance(meant, list) and len(found) == len(meant):
        return [
            item
            for index, pair in enumerate(zip(found, meant, strict=True))
            for item in _differences(*pair, f"{where}[{index}]")
        ]
    if found != meant:
        return [(where.lstrip("."), _short(found), _short(meant))]
    return []


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def read_json_report(path: Path) -> dict[str, Any]:
    """A budgetcalc JSON report as a dict, with its list of ``areas``; an InputError where the file is not
    one (refused like every input file: a FIFO, a device, too large)."""
    document = _read_json(path)
    if document.get("format") != REPORT_FORMAT or not isinstance(document.get("areas"), list):
        raise InputError(
            "not a budgetcalc report (no 'format': 'budgetcalc-report' with its areas)", file=path
        )
    return document


def _read_json(path: Path) -> dict[str, Any]:
    data = read_regular_file(path, POPULATION_FILE)
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"not a JSON report: {error}", file=path) from None
    except RecursionError:
        raise InputError("not a JSON report: nested too deeply", file=path) from None
    if not isinstance(document, dict):
        raise InputError("not a budgetcalc report (a JSON object was expected)", file=path)
    return document


def _parts_against_total(row: int | None, who: str, parts: list[int], total: int) -> list[Discrepancy]:
    """An area's parts as the report holds them against its total (none for an area without parts)."""
    if parts and sum(parts) != total:
        return [Discrepancy(row, who, "the parts do not add up to the total", sum(parts), total)]
    return []


def report_cents(value: object, path: Path, where: str) -> int:
    """An amount as a JSON report writes it (``"7682.52"``) in cents; an InputError naming ``where``."""
    from decimal import Decimal, InvalidOperation

    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InputError(f"{where}: expected an amount, found {str(value)[:40]!r}", file=path) from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise InputError(f"{where}: expected an amount in cents, found {str(value)[:40]!r}", file=path)
    return decimal_to_cents(amount)


def _who(area: Mapping[str, Any]) -> str:
    return " ".join(str(part) for part in (area.get("code"), area.get("name")) if part)


def _reperform(
    document: Mapping[str, Any], provenance: Provenance, sources: list[RuleSource], path: Path
) -> Any:
    """The allocation re-performed from what a JSON report recorded."""
    table = document.get("population_as_read") or {}
    columns = list(table.get("columns") or [])
    rows = list(table.get("rows") or [])
    if not columns or any(not isinstance(row, list) or len(row) != len(columns) + 1 for row in rows):
        raise InputError("the report's population as read is missing or damaged", file=path)
    frame = pd.DataFrame([row[1:] for row in rows], columns=columns, dtype=object)
    return _reperform_from(provenance, sources, frame, [int(row[0]) for row in rows], path)


def _reperform_from(
    provenance: Provenance, sources: list[RuleSource], frame: pd.DataFrame, rows: list[int], path: Path
) -> Any:
    """The allocation re-performed from rule texts, ``--set`` values, options and the population as read."""
    from budgetcalc.engine.allocate import allocate
    from budgetcalc.inputs import apply_overrides, parse_overrides
    from budgetcalc.population import Population
    from budgetcalc.ruleset.timeline import parse_when
    from budgetcalc.scenarios import rules_from_source, split_dated

    def recorded_base(_: Path) -> RuleSource:
        if len(sources) < 2:
            raise InputError("the report records a scenario but not the rule file it extends", file=path)
        return sources[1]

    year = provenance.options.get("year")
    when = parse_when(str(year)) if year else None
    overrides = parse_overrides([f"{key}={value}" for key, value in provenance.overrides.items()])
    per_date, in_force = split_dated(overrides)
    ruleset, _ = rules_from_source(sources[0], recorded_base, when, per_date)
    ruleset = apply_overrides(ruleset, in_force, dated=per_date)
    if "kind" in frame and not any(str(kind or "") for kind in frame["kind"]):
        frame = frame.drop(columns="kind")  # the file had no kinds; the rules needed none
    reading = provenance.reading
    population = Population.from_frame(
        frame,
        source=provenance.population_file,
        sheet=reading.get("sheet"),
        rows=[int(row) for row in reading.get("rows", rows)] if "rows" in reading else rows,
        headers={str(key): str(value) for key, value in dict(reading.get("headers") or {}).items()} or None,
        rows_read=reading.get("rows_read"),
        digest=provenance.population_sha256,
    )
    if "notices" in reading:  # exactly what reading found, not found again
        recorded = [Notice(str(notice["key"]), dict(notice["values"])) for notice in reading["notices"]]
        population = dataclasses.replace(population, warnings=tuple(recorded))
    allowed = bool(provenance.options.get("allow_other_municipality", False))
    previous = None
    if provenance.previous is not None:
        try:
            previous = previous_from_record(provenance.previous)
        except ValueError as error:
            raise InputError(
                f"the report's record of last year's allocation is damaged: {error}", file=path
            ) from None
    found = allocate(population, ruleset, allow_other_municipality=allowed, previous=previous)
    return dataclasses.replace(found, provenance=dataclasses.replace(provenance, rules=tuple(sources)))


def _compare(areas: list[Any], allocation: Any, path: Path) -> list[Discrepancy]:
    """Every amount of the JSON report's areas against the re-performed one."""
    stored = {
        str(area.get("code")): (
            _who(area),
            {
                column: None
                if value is None
                else report_cents(value, path, f"areas: {area.get('code')}: {column}")
                for column, value in dict(area.get("amounts") or {}).items()
            },
        )
        for area in areas
    }
    return compare_amounts(stored, allocation)


def compare_amounts(
    stored: Mapping[str, tuple[str, Mapping[str, int | None]]], allocation: Any
) -> list[Discrepancy]:
    """Amounts as a report holds them (per area code: who it is, and cents per amount column, None where
    the report shows none) against the re-performed allocation; areas on one side only are named too."""
    found: list[Discrepancy] = []
    codes = [area[0] for area in allocation.areas]
    for code in sorted(set(stored) ^ set(codes)):
        where = "in the report but not in its population" if code in stored else "missing from the report"
        found.append(Discrepancy(None, code, f"area {where}", 0, 0))
    for position, code in enumerate(codes):
        if code not in stored:
            continue
        who, amounts = stored[code]
        for column in allocation.amount_columns:
            stated = amounts.get(column)
            if stated is None:
                continue
            expected = int(allocation.cents(column)[position])
            if expected != stated:
                found.append(Discrepancy(None, who, f"{column} re-performed", expected, stated))
    return found


def verify_xlsx_report(
    path: str | Path,
    rules: str | Path | None = None,
    previous: str | Path | None = None,
    previous_sheet: str | None = None,
) -> ReportCheck:
    """Verify a budgetcalc workbook: re-perform it from its provenance sheet (rule texts, ``--set`` values,
    options, last year's rows) and input sheet (the population as read), and compare the allocation
    sheet's cells as they are now; with ``rules`` or ``previous``, against that file."""
    from budgetcalc.labels import label
    from budgetcalc.reading.excel_source import read_excel_grid, read_excel_grids, workbook_sheets
    from budgetcalc.report.provenance_sheet import read_provenance_sheet

    path = Path(path)
    names = workbook_sheets(path)
    sheet = next((name for name in names if name in PROVENANCE_SHEETS), None)
    if sheet is None:
        raise InputError("not a budgetcalc report: it has no provenance sheet (Herkomst)", file=path)
    grid, _, _ = read_excel_grid(path, sheet)
    try:
        record = read_provenance_sheet([row for _, row in grid])
    except ValueError as error:
        raise InputError(f"the provenance sheet is damaged: {error}", file=path, sheet=sheet) from None
    lang = record.lang
    problems = list(record.provenance.text_problems())
    sources = list(record.provenance.rules)
    if rules is not None:
        problems += _against_given(rules, sources)
    provenance = record.provenance
    if previous is not None:
        provenance = _previous_against_given(previous, previous_sheet, provenance, problems)
    allocation_sheet, input_name = label("sheet_allocation", lang), record.input_sheet
    for needed in (allocation_sheet, input_name):
        if needed not in names:
            raise InputError(f"the report has no sheet '{needed}' to verify", file=path)
    grids = read_excel_grids(path, sorted({allocation_sheet, input_name}))  # one check, one opening
    rows = [row for _, row in grids[allocation_sheet]]
    inputs = [row for _, row in grids[input_name]][1:]
    if input_name == allocation_sheet:  # the areas end at the total row (gone areas may follow it)
        total_label = label("total", lang)
        ends = [index for index, row in enumerate(inputs) if row and _plain(row[0]) == total_label]
        inputs = inputs[: ends[0]] if ends else inputs[:-1]
    try:
        frame = pd.DataFrame(
            [[_plain(value) for value in row[: len(record.input_columns)]] for row in inputs],
            columns=list(record.input_columns),
            dtype=object,
        )
        for column, values in record.municipalities.items():
            if column not in frame.columns and len(values) == len(frame):
                frame[column] = values
        allocation = _reperform_from(provenance, sources, frame, list(range(2, len(inputs) + 2)), path)
    except BudgetcalcError as error:
        problems.append(f"the recorded inputs cannot be re-performed: {error}")
        return ReportCheck(str(path), len(inputs), False, tuple(problems), ())
    columns = allocation.amount_columns
    stored: dict[str, tuple[str, dict[str, int | None]]] = {}
    found: list[Discrepancy] = []
    body = rows[1 : len(allocation) + 1]
    for number, row in enumerate(body, start=2):
        code = str(_plain(row[0]))
        amounts = {
            column: _cell_cents(row[4 + offset], path, allocation_sheet, number)
            for offset, column in enumerate(columns)
        }
        stored[code] = (f"{code} {row[1]}".strip(), amounts)
        parts = [amount for column in columns[:-1] if (amount := amounts[column]) is not None]
        total = amounts["total"]
        if total is not None:
            found += _parts_against_total(number, stored[code][0], parts, total)
    found += compare_amounts(stored, allocation)
    totals_row = rows[len(allocation) + 1] if len(rows) > len(allocation) + 1 else []
    for offset, column in enumerate(columns):
        stated = (
            _cell_cents(totals_row[4 + offset], path, allocation_sheet, len(allocation) + 2)
            if len(totals_row) > 4 + offset
            else None
        )
        expected = int(allocation.column_total(column))
        if stated is not None and stated != expected:
            found.append(
                Discrepancy(
                    len(allocation) + 2, label("total", lang), f"{column} re-performed", expected, stated
                )
            )
    from budgetcalc.report.xlsx_report import render_xlsx

    problems += _at_most(workbook_differences(path, render_xlsx(allocation, lang)))
    return ReportCheck(str(path), len(allocation), True, tuple(problems), tuple(found))


PROVENANCE_SHEETS = ("Herkomst", "Provenance")


def _against_given(rules: str | Path, sources: list[RuleSource]) -> list[str]:
    """The rule file given on the command line in place of the recorded one; a line if it differs."""
    from budgetcalc.ruleset.load import read_rule_source

    given = read_rule_source(rules)
    # the recorded file of the same name (a scenario's base, say), else the file the report was made with
    place = next((index for index, rule in enumerate(sources) if Path(rule.path).name == Path(rules).name), 0)
    problems = []
    if given.sha256 != sources[place].sha256:
        problems.append(
            f"the rule file {rules} is not the one the report was made with "
            f"(SHA-256 {given.sha256[:12]}..., recorded {sources[place].sha256[:12]}...)"
        )
    sources[place] = given
    return problems


def _previous_against_given(
    previous: str | Path, sheet: str | None, provenance: Provenance, problems: list[str]
) -> Provenance:
    """The record with last year's file given on the command line in place of the rows it recorded; a
    line in ``problems`` where that file is not the one the report was made with."""
    from budgetcalc.reading.previous import read_previous

    given = read_previous(previous, sheet)
    recorded = provenance.previous
    if recorded is None:
        problems.append(f"the report was made without last year's allocation, not with {previous}")
        return provenance
    if given.sha256 != recorded.get("sha256"):
        problems.append(
            f"the file of last year's allocation {previous} is not the one the report was made with "
            f"(SHA-256 {str(given.sha256)[:12]}..., recorded {str(recorded.get('sha256'))[:12]}...)"
        )
    return dataclasses.replace(provenance, previous={**previous_record(given), "path": recorded["path"]})


def _plain(value: object) -> object:
    """A cell as the population reader takes it: a whole float as an int, text as is."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _cell_cents(value: object, path: Path, sheet: str, row: int) -> int | None:
    """An amount cell in cents; None for a cell that shows no amount (``–``, empty)."""
    from decimal import Decimal

    from budgetcalc.report.xlsx_report import HIDDEN

    if value is None or value == "" or value == HIDDEN:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"expected an amount, found {str(value)[:40]!r}", file=path, sheet=sheet, row=row)
    cents = Decimal(repr(float(value))) * 100
    if cents != cents.to_integral_value():
        raise InputError(f"{value!r} has fractions of a cent", file=path, sheet=sheet, row=row)
    return int(cents)


def workbook_differences(path: Path, remade: bytes) -> list[str]:
    """Every cell of the workbook in ``path`` that differs from the same report re-performed (``remade``),
    sheet by sheet, and every sheet whose formulas differ: what any change made after the fact leaves."""
    import io
    import re
    import zipfile

    from python_calamine import CalamineWorkbook

    from budgetcalc.reading.workbook_safety import column_letters

    found: list[str] = []
    ours, meant = CalamineWorkbook.from_path(str(path)), CalamineWorkbook.from_filelike(io.BytesIO(remade))
    names = list(meant.sheet_names)
    for name in names:
        if name not in ours.sheet_names:
            found.append(f"sheet '{name}' is missing")
            continue
        rows: list[list[Any]] = ours.get_sheet_by_name(name).to_python(skip_empty_area=False)
        wanted: list[list[Any]] = meant.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for number in range(max(len(rows), len(wanted))):
            row = rows[number] if number < len(rows) else []
            target = wanted[number] if number < len(wanted) else []
            for column in range(max(len(row), len(target))):
                value = row[column] if column < len(row) else ""
                expected = target[column] if column < len(target) else ""
                if value != expected:
                    cell = f"{column_letters(column + 1)}{number + 1}"
                    found.append(
                        f"sheet '{name}', cell {cell}: the report says {_short(value)}, "
                        f"re-performed {_short(expected)}"
                    )
    formula = re.compile(rb"<f[^>]*>(.*?)</f>", re.S)
    with zipfile.ZipFile(path) as archive, zipfile.ZipFile(io.BytesIO(remade)) as again:
        for number, name in enumerate(names, start=1):
            part = f"xl/worksheets/sheet{number}.xml"
            present = part in archive.namelist() and part in again.namelist()
            if present and formula.findall(archive.read(part)) != formula.findall(again.read(part)):
                found.append(f"sheet '{name}': its formulas differ from the re-performed report's")
    return found
