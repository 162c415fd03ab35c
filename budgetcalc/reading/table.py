"""A spreadsheet file to a header and rows: finds the header row below any title block."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from budgetcalc.columns import ALIASES, canonical_name, normalise_header
from budgetcalc.errors import InputError
from budgetcalc.files import POPULATION_FILE, check_regular_file
from budgetcalc.notices import Notice
from budgetcalc.reading.csv_source import Grid, cannot_read, read_csv_grid
from budgetcalc.reading.excel_source import column_fields, fill_merged, read_excel_grid

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")
HEADER_SEARCH_ROWS = 50
KNOWN_FIELDS = frozenset(ALIASES)


@dataclass(frozen=True)
class RawTable:
    """Cells as read, before any validation; ``row_numbers`` are 1-based rows in the file."""

    header: list[str]
    rows: list[list[object]]
    row_numbers: list[int]
    file: str
    sheet: str | None = None
    header_row: int = 1
    notices: tuple[Notice, ...] = ()
    """What reading the file found that deserves a look (how it was decoded)."""


def read_table(
    path: str | Path,
    *,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    also_known: Collection[str] = (),
    expected: str | None = None,
) -> RawTable:
    """Read a ``.csv``, ``.xlsx`` or ``.xlsm`` file; the header is the first row that names known columns.

    ``columns`` maps fields to the file's own headers (``{"inhabitants": "Aantal personen"}``); such
    headers count as known when the header row is looked for, as do the (normalised) ``also_known``;
    ``expected`` says what the header row should name when none is found (default: a population's).
    Merged cells below the header are filled down, except where that would copy a count (see
    :func:`fill_merged`).
    """
    path = Path(path)
    try:
        check_regular_file(path, POPULATION_FILE)  # a FIFO, a device, a directory: refused unopened
        suffix = path.suffix.lower()
        merged: list[tuple[tuple[int, int], tuple[int, int]]] = []
        notices: tuple[Notice, ...] = ()
        if suffix in EXCEL_SUFFIXES:
            grid, sheet_name, merged = read_excel_grid(path, sheet)
        elif suffix in CSV_SUFFIXES:
            if sheet is not None:
                raise InputError("--sheet applies to Excel workbooks only", file=path)
            (grid, notices), sheet_name = read_csv_grid(path), None
        else:
            raise InputError(
                f"unsupported file type '{path.suffix}'; expected .xlsx, .xlsm or .csv", file=path
            )
    except OSError as error:  # no permission, an I/O error: the file system's reason, no traceback
        raise cannot_read(error, path) from None
    rows = [(number, cells) for number, cells in grid if not _is_empty(cells)]
    if not rows:
        raise InputError(
            "the sheet is empty" if sheet_name else "the file is empty", file=path, sheet=sheet_name
        )
    header_index = _find_header(rows, columns or {}, path, sheet_name, also_known, expected)
    header_row, header_cells = rows[header_index]
    if merged and sheet_name is not None:
        mapped = {normalise_header(header): field for field, header in (columns or {}).items()}
        header_texts = ["" if cell is None else str(cell).strip() for cell in header_cells]
        fields = column_fields(header_cells, mapped)
        fill_merged(grid, merged, header_row, fields, header_texts, path=path, sheet=sheet_name)
    table = _table(header_row, header_cells, rows[header_index + 1 :], path, sheet_name)
    return dataclasses.replace(table, notices=notices)


def _is_empty(cells: list[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _score(cells: list[object], mapped: set[str]) -> int:
    """How many cells of a row are headers budgetcalc knows (aliases, or headers the user mapped)."""
    fields = set()
    for cell in cells:
        if not isinstance(cell, str) or not cell.strip():
            continue
        if normalise_header(cell) in mapped:
            fields.add(normalise_header(cell))
        elif canonical_name(cell) in KNOWN_FIELDS:
            fields.add(canonical_name(cell))
    return len(fields)


def _find_header(
    rows: Grid,
    columns: Mapping[str, str],
    path: Path,
    sheet: str | None,
    also_known: Collection[str] = (),
    expected: str | None = None,
) -> int:
    mapped = {normalise_header(header) for header in columns.values()} | set(also_known)
    scores = [_score(cells, mapped) for _, cells in rows[:HEADER_SEARCH_ROWS]]
    best = max(scores)
    if best < 2:
        raise InputError(
            f"no header row found in the first {HEADER_SEARCH_ROWS} rows: expected a row with column names "
            + (
                expected
                or "such as 'gebiedscode' or 'code', 'naam' or 'name', 'inwoners' or 'inhabitants' "
                "(or map your headers with --column)"
            ),
            file=path,
            sheet=sheet,
        )
    return scores.index(best)


def _table(header_row: int, header: list[object], body: Grid, path: Path, sheet: str | None) -> RawTable:
    width = len(header)
    while width and (header[width - 1] is None or not str(header[width - 1]).strip()):
        width -= 1
    names = ["" if cell is None else str(cell).strip() for cell in header[:width]]
    if not body:
        raise InputError(
            "the file has a header but no areas below it", file=path, sheet=sheet, row=header_row
        )
    rows, numbers = [], []
    for number, cells in body:
        if len(cells) > width and not _is_empty(cells[width:]):
            raise InputError(
                f"row has values beyond the last header column ({width} columns)",
                file=path,
                sheet=sheet,
                row=number,
            )
        rows.append(list(cells[:width]) + [None] * max(0, width - len(cells)))
        numbers.append(number)
    return RawTable(names, rows, numbers, str(path), sheet, header_row)
