"""Excel workbooks read with calamine, after checks that refuse hostile or disguised files.

A workbook is a zip of XML parts. Before any parser sees it, the zip is checked for sizes that
betray a zip bomb and for XML document type or entity declarations (entity expansion, external
entities), and an encrypted (password-protected) workbook is recognised by its OLE container.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

from budgetcalc.errors import InputError
from budgetcalc.reading.csv_source import Grid

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
MAX_PART_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200
MAX_PARTS = 10_000
XML_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")
CHUNK = 1024 * 1024
OVERLAP = 64
ROW_NUMBER = re.compile(rb'<row r="([0-9]{1,7})"')
WIDE_OR_FAR_CELL = re.compile(rb'<c r="([A-Z]{2,3}[0-9]{1,7}|[A-Z][0-9]{6,7})"')
"""Cells past column Z or below row 99,999: rare in a population table, so few matches to read."""
NARROW_BEYOND = [re.compile(rb'<c r="([' + bytes([65 + known]) + rb"-Z])[0-9]") for known in range(26)]
"""For each column count known so far, the single-letter cells further right."""
MAX_CELLS = 5_000_000
"""A sheet whose used range holds more cells than this is refused: reading it would need gigabytes."""
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def check_workbook_file(path: Path) -> dict[str, tuple[int, int]]:
    """Refuse what is not a safe .xlsx/.xlsm workbook, with a message that says what it is instead.

    Returns each worksheet part's extent (highest row, highest column) as found in its cells.
    """
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
        if start.startswith(b"PK\x03\x04"):
            raise InputError(
                "the workbook cannot be read: it is damaged or incomplete (cut short?)", file=path
            )
        raise InputError("this is not an Excel workbook (no .xlsx zip archive; a renamed file?)", file=path)
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if "xl/workbook.xml" not in {part.filename for part in parts}:
                raise InputError(
                    "this zip archive is not an Excel workbook (it has no xl/workbook.xml)", file=path
                )
            _check_sizes(parts, path)
            return {part.filename: _scan_part(archive, part, path) for part in parts if _is_xml(part)}
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise InputError(
            f"the workbook cannot be read: it is damaged ({error.__class__.__name__})", file=path
        ) from None


def _is_xml(part: zipfile.ZipInfo) -> bool:
    return part.filename.endswith((".xml", ".rels", ".vml"))


def _scan_part(archive: zipfile.ZipFile, part: zipfile.ZipInfo, path: Path) -> tuple[int, int]:
    """Read a whole XML part in chunks: refuse declarations, and measure the cells it fills."""
    rows = columns = 0
    tail = b""
    with archive.open(part) as member:
        while chunk := member.read(CHUNK):
            window = tail + chunk
            if any(declaration in window for declaration in XML_DECLARATIONS):
                raise InputError(
                    f"the workbook part {part.filename} declares an XML document type or entities, "
                    "which Excel never writes (an XML attack?); refused",
                    file=path,
                )
            rows = max([rows, *map(int, ROW_NUMBER.findall(window))])
            for reference in WIDE_OR_FAR_CELL.findall(window):
                letters = reference.rstrip(b"0123456789")
                rows = max(rows, int(reference[len(letters) :]))
                columns = max(columns, _column_number(letters))
            if columns < 26:
                beyond = NARROW_BEYOND[columns].findall(window)
                columns = max([columns, *(letter[0] - 64 for letter in beyond)])
            tail = window[-OVERLAP:]
    return rows, columns


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _sheet_part(path: Path, name: str) -> str | None:
    """The zip part of the worksheet called ``name`` (the workbook's XML is checked safe by now)."""
    with zipfile.ZipFile(path) as archive:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in relations}
    for sheet in workbook.iter(f"{{{MAIN_NS}}}sheet"):
        if sheet.get("name") == name:
            target = targets.get(sheet.get(f"{{{REL_NS}}}id"), "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


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


def _check_extent(path: Path, name: str, extents: dict[str, tuple[int, int]]) -> None:
    part = _sheet_part(path, name)
    rows, columns = extents.get(part or "", (0, 0))
    if rows * columns > MAX_CELLS:
        corner = f"{_column_letters(columns)}{rows}"
        raise InputError(
            f"the sheet's used range reaches cell {corner} ({rows:,} rows x {columns:,} columns); "
            "delete what stands far below or right of the table and save again",
            file=path,
            sheet=name,
        )


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


MergedRange = tuple[tuple[int, int], tuple[int, int]]
"""((top row, left column), (bottom row, right column)), 0-based, inclusive."""


def read_excel_grid(path: Path, sheet: str | None) -> tuple[Grid, str, list[MergedRange]]:
    """Every row of one sheet (the first by default) with its Excel row number, and its merged ranges."""
    extents = check_workbook_file(path)
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
        if sheet is not None and sheet not in names:
            raise InputError(f"no sheet '{sheet}' (sheets: {', '.join(names)})", file=path)
        name = sheet if sheet is not None else names[0]
        _check_extent(path, name, extents)
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


def describe_empty_cell(path: Path, sheet: str, row: int, column: int) -> str | None:
    """What an apparently empty cell really holds when calamine shows it as empty: an error value
    such as ``#REF!``, or a formula whose result the file does not store. ``column`` is 0-based."""
    part = _sheet_part(path, sheet)
    if part is None:
        return None
    reference = f"{_column_letters(column + 1)}{row}"
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(part).decode("utf-8", errors="replace")
    cell = re.search(rf'<c r="{reference}"([^>]*?)(?:/>|>(.*?)</c>)', xml, flags=re.DOTALL)
    if cell is None:
        return None
    attributes, content = cell.group(1), cell.group(2) or ""
    value = re.search(r"<v>(.*?)</v>", content, flags=re.DOTALL)
    formula = re.search(r"<f[^>]*>(.*?)</f>", content, flags=re.DOTALL)
    if 't="e"' in attributes and value:
        return f"the cell holds the Excel error {value.group(1)}"
    if formula and not value:
        return (
            f"the cell holds the formula ={formula.group(1)} but no computed value; "
            "open the file in Excel and save it, or type the number"
        )
    return None
