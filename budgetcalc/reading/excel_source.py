"""Excel workbooks read with calamine, after checks that refuse hostile or disguised files.

A workbook is a zip of XML parts. Before any parser sees it, the zip is checked for sizes that
betray a zip bomb and for XML document type or entity declarations (entity expansion, external
entities), and an encrypted (password-protected) workbook is recognised by its OLE container.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from budgetcalc.errors import InputError
from budgetcalc.reading.csv_source import Grid

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
MAX_PART_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200
MAX_PARTS = 10_000
XML_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")


def check_workbook_file(path: Path) -> None:
    """Refuse what is not a safe .xlsx/.xlsm workbook, with a message that says what it is instead."""
    with path.open("rb") as stream:
        start = stream.read(8)
    if not start:
        raise InputError("the file is empty", file=path)
    if start == OLE_MAGIC:
        if ENCRYPTION_INFO in path.read_bytes()[: 16 * 1024 * 1024]:
            raise InputError(
                "the workbook is password-protected; remove the password in Excel and try again", file=path
            )
        raise InputError(
            "this is an old Excel 97-2003 (.xls) file with an .xlsx name; save it as .xlsx", file=path
        )
    if not zipfile.is_zipfile(path):
        raise InputError("this is not an Excel workbook (no .xlsx zip archive; a renamed file?)", file=path)
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
        names = {part.filename for part in parts}
        if "xl/workbook.xml" not in names:
            raise InputError(
                "this zip archive is not an Excel workbook (it has no xl/workbook.xml)", file=path
            )
        _check_sizes(parts, path)
        for part in parts:
            if part.filename.endswith((".xml", ".rels", ".vml")):
                with archive.open(part) as member:
                    head = member.read(4096)
                if any(declaration in head for declaration in XML_DECLARATIONS):
                    raise InputError(
                        f"the workbook part {part.filename} declares an XML document type or entities, "
                        "which Excel never writes (an XML attack?); refused",
                        file=path,
                    )


def _check_sizes(parts: list[zipfile.ZipInfo], path: Path) -> None:
    if len(parts) > MAX_PARTS:
        raise InputError(f"the workbook has {len(parts):,} parts; refused as unsafe", file=path)
    total = 0
    for part in parts:
        total += part.file_size
        ratio = part.file_size / max(part.compress_size, 1)
        if (
            part.file_size > MAX_PART_BYTES
            or total > MAX_TOTAL_BYTES
            or (part.file_size > 1024 * 1024 and ratio > MAX_RATIO)
        ):
            raise InputError(
                f"the workbook part {part.filename} unpacks to {part.file_size:,} bytes "
                f"({ratio:,.0f} times its packed size): refused as a possible zip bomb",
                file=path,
            )


MergedRange = tuple[tuple[int, int], tuple[int, int]]
"""((top row, left column), (bottom row, right column)), 0-based, inclusive."""


def read_excel_grid(path: Path, sheet: str | None) -> tuple[Grid, str, list[MergedRange]]:
    """Every row of one sheet (the first by default) with its Excel row number, and its merged ranges."""
    check_workbook_file(path)
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
        if sheet is not None and sheet not in names:
            raise InputError(f"no sheet '{sheet}' (sheets: {', '.join(names)})", file=path)
        name = sheet if sheet is not None else names[0]
        worksheet = workbook.get_sheet_by_name(name)
        cells: list[list[object]] = [list(row) for row in worksheet.to_python(skip_empty_area=False)]
        merged = worksheet.merged_cell_ranges or []
    except InputError:
        raise
    except Exception as error:  # calamine raises its own error types for damaged files
        raise InputError(
            f"the workbook cannot be read: it is damaged ({error.__class__.__name__})", file=path
        ) from None
    return [(number, row) for number, row in enumerate(cells, start=1)], name, list(merged)


def fill_merged(grid: Grid, merged: list[MergedRange], below_row: int) -> None:
    """Give every cell of a merged range below ``below_row`` (1-based) the value of its top-left cell."""
    rows = {number: cells for number, cells in grid}
    for (top, left), (bottom, right) in merged:
        if top + 1 <= below_row or top + 1 not in rows or left >= len(rows[top + 1]):
            continue
        value = rows[top + 1][left]
        for number in range(top + 1, bottom + 2):
            cells = rows.get(number)
            for column in range(left, right + 1):
                if cells is not None and column < len(cells):
                    cells[column] = value
