"""Read a spreadsheet file into a header and rows of cell values, keeping the file's row numbers."""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

from budgetcalc.errors import InputError

CSV_SEPARATORS = (";", ",", "\t")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class RawTable:
    """Cells as read, before any validation; ``row_numbers`` are 1-based rows in the file."""

    header: list[str]
    rows: list[list[object]]
    row_numbers: list[int]
    file: str
    sheet: str | None = None


def read_table(path: str | Path, *, sheet: str | None = None) -> RawTable:
    """Read a ``.csv``, ``.xlsx`` or ``.xlsm`` file; the first non-empty row is the header."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=path)
    if path.is_dir():
        raise InputError("expected a spreadsheet file, got a directory", file=path)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, sheet)
    if suffix in (".csv", ".txt"):
        if sheet is not None:
            raise InputError("--sheet applies to Excel workbooks only", file=path)
        return _read_csv(path)
    raise InputError(f"unsupported file type '{path.suffix}'; expected .xlsx, .xlsm or .csv", file=path)


def _decode(data: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("the file is not text in UTF-8 or Windows-1252", file=path)


def _read_csv(path: Path) -> RawTable:
    data = path.read_bytes()
    if not data.strip():
        raise InputError("the file is empty", file=path)
    if b"\0" in data[:4096]:
        raise InputError("this is not a CSV text file (it contains binary data)", file=path)
    text = _decode(data, path)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    separator = max(CSV_SEPARATORS, key=first_line.count)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        rows: list[tuple[int, list[object]]] = [(records.line_num, list(row)) for row in records]
    except csv.Error as error:
        raise InputError(f"not a valid CSV file: {error}", file=path, row=records.line_num) from None
    return _table(rows, path, None)


# What a damaged or disguised workbook raises inside openpyxl, zipfile and the XML parser.
_BROKEN_WORKBOOK = (zipfile.BadZipFile, zlib.error, KeyError, OSError, ValueError, EOFError, ParseError)


def _read_excel(path: Path, sheet: str | None) -> RawTable:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except _BROKEN_WORKBOOK as error:
        raise InputError(f"not a readable Excel workbook ({error.__class__.__name__})", file=path) from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise InputError(f"no sheet '{sheet}' (sheets: {', '.join(workbook.sheetnames)})", file=path)
        # Some programs write a wrong sheet size; read-only mode would trust it and drop rows.
        worksheet.reset_dimensions()
        try:
            rows: list[tuple[int, list[object]]] = [
                (number, list(values)) for number, values in enumerate(worksheet.values, start=1)
            ]
        except _BROKEN_WORKBOOK as error:
            raise InputError(
                f"the sheet cannot be read: the workbook is damaged ({error.__class__.__name__})",
                file=path,
                sheet=worksheet.title,
            ) from None
        return _table(rows, path, worksheet.title)
    finally:
        workbook.close()


def _is_empty(row: list[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def _table(rows: list[tuple[int, list[object]]], path: Path, sheet: str | None) -> RawTable:
    numbered = [(number, row) for number, row in rows if not _is_empty(row)]
    if not numbered:
        raise InputError("no header row found: the sheet is empty", file=path, sheet=sheet)
    header_row, header = numbered[0]
    if len(numbered) == 1:
        raise InputError(
            "the file has a header but no areas below it", file=path, sheet=sheet, row=header_row
        )
    width = len(header)
    while width and (header[width - 1] is None or not str(header[width - 1]).strip()):
        width -= 1
    names = ["" if cell is None else str(cell).strip() for cell in header[:width]]
    body = []
    for number, row in numbered[1:]:
        cells = list(row[:width]) + [None] * max(0, width - len(row))
        if len(row) > width and not _is_empty(list(row[width:])):
            raise InputError(
                f"row has values beyond the last header column ({width} columns)",
                file=path,
                sheet=sheet,
                row=number,
            )
        body.append((number, cells))
    return RawTable(names, [cells for _, cells in body], [number for number, _ in body], str(path), sheet)
