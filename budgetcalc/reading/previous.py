"""Last year's allocation (``--previous FILE``) read into a :class:`~budgetcalc.previous.PreviousYear`.

The file is a budgetcalc report (its ``.xlsx`` *Verdeling* sheet, its ``.json``, its ``.csv`` in either
form) or any table with an area column (code and/or name) and an amount column, perhaps with what each
area left unspent and for how many years it has carried money over. Tables are read like a population
file and amounts like a table to check (:mod:`budgetcalc.verification.table`): hostile files are refused
the same way, ``€ 3.900`` and ``1.234,50`` are read the Dutch way, exactly, in whole cents.

A row without a code or name (or named ``Totaal``) is the grand total: skipped, after checking that it is
the sum. A row without inhabitants and without an amount is an area gone since that report's previous
year (budgetcalc lists those below the areas): not an area of that year.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from budgetcalc.columns import canonical_name, normalise_header
from budgetcalc.errors import InputError
from budgetcalc.labels import label
from budgetcalc.money import format_euro
from budgetcalc.numbers import NumberError, parse_number
from budgetcalc.population import TextError, checked_text
from budgetcalc.previous import PreviousYear
from budgetcalc.provenance import sha256_of_file
from budgetcalc.reading.selection import totals_row_reason
from budgetcalc.reading.table import CSV_SUFFIXES, EXCEL_SUFFIXES, RawTable, read_table
from budgetcalc.reading.workbook_safety import column_letters
from budgetcalc.report.sanitize import FORMULA_STARTS
from budgetcalc.terminal import visible
from budgetcalc.verification.table import TOTAL_HEADERS, amount_column

AMOUNT_HEADERS = TOTAL_HEADERS
"""Headers of last year's amount of each area (normalised): ``Totaal``, ``Bedrag``, ``Budget``, ``Amount``;
where several columns have one, the last (a report's ``Totaal`` comes after its components)."""
UNSPENT_HEADERS = frozenset(
    {
        "niet besteed",
        "niet bestede middelen",
        "niet besteed bedrag",
        "onbesteed",
        "onbesteed bedrag",
        "restant",
        "restant budget",
        "unspent",
        "unspent amount",
        "left unspent",
    }
)
"""Headers of what each area left unspent of last year's money."""
CARRIED_HEADERS = frozenset(
    {
        "jaren overgedragen",
        "aantal jaren overgedragen",
        "overgedragen jaren",
        "carried years",
        "years carried",
        "years carried over",
    }
)
"""Headers of how many years in a row an area's unspent money has already been carried over."""
REPORT_HEADERS = {
    normalise_header(label(field, lang)): field
    for field in ("code", "name", "kind", "inhabitants")
    for lang in ("nl", "en")
}
"""A report's own area headers (``Gebiedscode``, ``Area code``, ...), from the label table."""
ALLOCATION_SHEETS = (label("sheet_allocation", "nl"), label("sheet_allocation", "en"))
"""The sheet of a budgetcalc workbook with every area's amounts."""
_EXPECTED = "such as 'code' or 'naam' (the areas) and 'Totaal', 'Bedrag' or 'Budget' (last year's amounts)"
_NONZERO_DIGIT = re.compile(r"[1-9]")


@dataclass(frozen=True)
class _Entry:
    """One area as read, with where it is for messages (a row, or a place in a JSON report)."""

    code: str
    name: str
    amount: int
    unspent: int | None
    carried: int | None
    where: dict[str, Any]
    """Where the area is, as InputError takes it (``file``, ``sheet``, ``row`` or ``key``)."""

    @property
    def who(self) -> str:
        return visible(" ".join(part for part in (self.code, self.name) if part))[:80]

    @property
    def key(self) -> tuple[str, str]:
        """What makes two rows the same area: the code where there is one, else the name."""
        return ("code", self.code.casefold()) if self.code else ("name", self.name.casefold())


def read_previous(path: str | Path, sheet: str | None = None) -> PreviousYear:
    """Last year's amount of every area in ``path`` (a budgetcalc report or a table), exactly, with its
    unspent money and years carried where the table has those columns; an InputError naming the file,
    sheet, row and column of anything else."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".json", *EXCEL_SUFFIXES, *CSV_SUFFIXES):
        raise InputError(
            f"unsupported file type '{path.suffix}' for last year's allocation; expected a budgetcalc "
            "report (.xlsx, .json, .csv) or a table (.xlsx, .xlsm, .csv)",
            file=path,
        )
    if sheet is not None and suffix not in EXCEL_SUFFIXES:
        raise InputError("--previous-sheet applies to Excel workbooks only", file=path)
    entries, has_unspent, has_carried = _from_json(path) if suffix == ".json" else _from_table(path, sheet)
    if not entries:
        raise InputError("no areas with last year's amount", file=path)
    _refuse_duplicates(entries, path)
    return PreviousYear(
        codes=tuple(entry.code for entry in entries),
        names=tuple(entry.name for entry in entries),
        amount_cents=np.array([entry.amount for entry in entries], dtype=np.int64),
        unspent_cents=(
            np.array([entry.unspent or 0 for entry in entries], dtype=np.int64) if has_unspent else None
        ),
        carried_years=(
            np.array([entry.carried or 0 for entry in entries], dtype=np.int64) if has_carried else None
        ),
        file=str(path),
        sha256=sha256_of_file(path),
    )


def _from_table(path: Path, sheet: str | None) -> tuple[list[_Entry], bool, bool]:
    known = AMOUNT_HEADERS | UNSPENT_HEADERS | CARRIED_HEADERS | set(REPORT_HEADERS)
    chosen = sheet if sheet is not None or path.suffix.lower() not in EXCEL_SUFFIXES else _sheet_of(path)
    table = read_table(path, sheet=chosen, also_known=known, expected=_EXPECTED)
    fields = [_field(header) for header in table.header]
    code_at, name_at = _one(table, fields, "code"), _one(table, fields, "name")
    if code_at is None and name_at is None:
        raise _no_column(
            table, "no column names the areas (a header such as 'code', 'naam', 'dorp' or 'wijk')"
        )
    amounts_at = [position for position, field in enumerate(fields) if field == "amount"]
    if not amounts_at:
        raise _no_column(
            table,
            "no column with last year's amount of each area "
            "(a header such as 'Totaal', 'Bedrag', 'Budget' or 'Amount')",
        )
    amount_at, unspent_at = amounts_at[-1], _one(table, fields, "unspent")
    carried_at, inhabitants_at = _one(table, fields, "carried_years"), _one(table, fields, "inhabitants")
    amounts = amount_column(table, amount_at)
    unspent = amount_column(table, unspent_at) if unspent_at is not None else None
    entries: list[_Entry] = []
    grand: tuple[int, int | None] | None = None  # (row, amount)
    for index, (cells, number) in enumerate(zip(table.rows, table.row_numbers, strict=True)):
        code = _text(table, cells, code_at, number)
        name = _text(table, cells, name_at, number)
        amount = amounts[index]
        if totals_row_reason(code, name) is not None:
            if grand is not None:
                raise InputError(
                    f"two grand-total rows ({grand[0]} and {number}); keep one",
                    file=table.file,
                    sheet=table.sheet,
                    row=number,
                )
            grand = (number, amount)
            continue
        if (
            inhabitants_at is not None
            and not _NONZERO_DIGIT.search(str(cells[inhabitants_at] or ""))
            and not amount
        ):
            continue  # an area gone since the report's previous year: no inhabitants, no amount
        where: dict[str, Any] = {"file": table.file, "sheet": table.sheet, "row": number}
        entries.append(
            _Entry(
                code,
                name,
                _amount(amount, "last year's amount", where, _column(table, amount_at)),
                None
                if unspent is None or unspent_at is None
                else _amount(unspent[index] or 0, "unspent amount", where, _column(table, unspent_at)),
                None if carried_at is None else _years(cells[carried_at], where, _column(table, carried_at)),
                where,
            )
        )
    if grand is not None and grand[1] is not None:
        summed = sum(entry.amount for entry in entries)
        if grand[1] != summed:
            raise InputError(
                f"the grand total {format_euro(grand[1], 'en')} is not the sum of the areas' amounts "
                f"({format_euro(summed, 'en')}); correct the table, or remove the row",
                file=table.file,
                sheet=table.sheet,
                row=grand[0],
                column=_column(table, amount_at),
            )
    return entries, unspent_at is not None, carried_at is not None


def _sheet_of(path: Path) -> str | None:
    """The sheet to read of a workbook: its *Verdeling* (a budgetcalc report), else its only sheet."""
    from budgetcalc.reading.excel_source import workbook_sheets

    names = workbook_sheets(path)
    found = next((name for name in names if name in ALLOCATION_SHEETS), None)
    if found is not None or len(names) == 1:
        return found
    shown = ", ".join(f"'{visible(name)}'" for name in names[:10]) + (", ..." if len(names) > 10 else "")
    raise InputError(
        f"the workbook has several sheets ({shown}) and none is called 'Verdeling'; "
        "say which holds last year's amounts with --previous-sheet NAME",
        file=path,
    )


def _field(header: str) -> str:
    """What a column holds: ``amount``, ``unspent``, ``carried_years``, or an area field."""
    normal = normalise_header(header)
    if normal in AMOUNT_HEADERS:
        return "amount"
    if normal in UNSPENT_HEADERS:
        return "unspent"
    if normal in CARRIED_HEADERS:
        return "carried_years"
    return REPORT_HEADERS.get(normal) or canonical_name(header)


def _one(table: RawTable, fields: list[str], field: str) -> int | None:
    """The one column holding ``field`` (None if none); two such columns are an error naming both."""
    found = [position for position, name in enumerate(fields) if name == field]
    if len(found) > 1:
        raise InputError(
            f"two columns hold the {field.replace('_', ' ')}: {_column(table, found[0])} and "
            f"{_column(table, found[1])}; keep one",
            file=table.file,
            sheet=table.sheet,
            row=table.header_row,
        )
    return found[0] if found else None


def _no_column(table: RawTable, problem: str) -> InputError:
    headers = [f"'{visible(header)[:40]}'" for header in table.header if header]
    shown = ", ".join(headers[:20]) + (f" and {len(headers) - 20} more" if len(headers) > 20 else "")
    return InputError(
        f"{problem}; the headers are {shown or '(none)'}",
        file=table.file,
        sheet=table.sheet,
        row=table.header_row,
    )


def _column(table: RawTable, position: int) -> str:
    return f"{column_letters(position + 1)} ({visible(table.header[position])[:40]})"


def _text(table: RawTable, cells: list[object], position: int | None, row: int) -> str:
    """A code or name as every reader takes it (invisible characters gone, control characters refused),
    without the quote a report puts before text a spreadsheet would take for a formula."""
    if position is None:
        return ""
    try:
        text = checked_text(cells[position])
    except TextError as problem:
        raise InputError(
            str(problem), file=table.file, sheet=table.sheet, row=row, column=_column(table, position)
        ) from None
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _amount(cents: int | None, what: str, where: dict[str, Any], column: str | None = None) -> int:
    """An amount read, or an error for a missing or negative one."""
    if cents is None:
        raise InputError(f"no {what}; every area needs one", column=column, **where)
    if cents < 0:
        raise InputError(
            f"{what} is negative ({format_euro(cents, 'en')}); expected 0 or more", column=column, **where
        )
    return cents


def _years(cell: object, where: dict[str, Any], column: str) -> int:
    """Years carried over: a whole number from 0 to 100 (an empty cell: 0)."""
    if cell is None or not re.search(r"\d", str(cell)):
        return 0
    try:
        years = parse_number(cell, whole=True)
    except NumberError as error:
        raise InputError(f"expected a number of years: {error}", column=column, **where) from None
    if years != years.to_integral_value() or not 0 <= years <= 100:
        raise InputError(
            f"expected a whole number of years from 0 to 100, found {visible(str(cell))[:20]}",
            column=column,
            **where,
        )
    return int(years)


def _from_json(path: Path) -> tuple[list[_Entry], bool, bool]:
    """Each area of a budgetcalc JSON report with its total (a gone area, with no inhabitants and no total,
    left out)."""
    from budgetcalc.verification.report import read_json_report, report_cents

    entries = []
    for index, area in enumerate(read_json_report(path)["areas"]):
        key = f"areas[{index}]"
        if not isinstance(area, dict) or not isinstance(area.get("amounts"), dict):
            raise InputError("expected an area with its amounts", file=path, key=key)
        texts = []
        for field in ("code", "name"):
            value = area.get(field)
            if not isinstance(value, str | None):
                raise InputError(
                    f"expected text, found {visible(str(value))[:20]}", file=path, key=f"{key}.{field}"
                )
            try:
                texts.append(checked_text(value))
            except TextError as problem:
                raise InputError(str(problem), file=path, key=f"{key}.{field}") from None
        total = area["amounts"].get("total")
        if not _NONZERO_DIGIT.search(str(area.get("inhabitants") or "")) and not _NONZERO_DIGIT.search(
            str(total or "")
        ):
            continue  # an area gone since the report's previous year
        if not any(texts):
            raise InputError("expected an area with a code or a name", file=path, key=key)
        where: dict[str, Any] = {"file": path, "key": key}
        cents = _amount(report_cents(total, path, f"{key}: total"), "last year's amount", where)
        entries.append(_Entry(texts[0], texts[1], cents, None, None, where))
    return entries, False, False


def _refuse_duplicates(entries: Sequence[_Entry], path: Path) -> None:
    """Two rows of one area: an error naming both."""
    seen: dict[tuple[str, str], _Entry] = {}
    for entry in entries:
        first = seen.setdefault(entry.key, entry)
        if first is entry:
            continue
        place = "row" if "row" in entry.where else "place"
        before = first.where.get("row", first.where.get("key"))
        raise InputError(
            f"the {entry.key[0]} '{entry.who}' is there twice, also on {place} {before}; "
            "each area may have one amount",
            **entry.where,
        )
