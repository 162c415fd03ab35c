"""Excel workbooks read with calamine, once ``workbook_safety`` has found them safe to open.

Merged cells are filled down for text; an error value or uncomputed formula behind an empty cell
is named in the message.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Sequence
from pathlib import Path

from budgetcalc.columns import WHOLE_COUNT_COLUMNS, canonical_name, normalise_header
from budgetcalc.errors import InputError
from budgetcalc.reading.csv_source import Grid
from budgetcalc.reading.workbook_safety import (
    check_sheet,
    check_workbook_file,
    column_letters,
    damaged,
    damaged_or_unreadable,
    sheet_part,
)

COUNT_FIELDS = WHOLE_COUNT_COLUMNS
TEXT_FIELDS = frozenset({"code", "name", "kind", "municipality", "municipality_code"})
MAX_CELL_CHARACTERS = 32_767
"""Excel's own limit on the text of a cell; a longer one was not made in Excel, nor fits a report."""
_UNDECODED_ESCAPE = re.compile("_x((?!00)[0-9A-Fa-f]{4})_")
"""An ``_xHHHH_`` escape past U+00FF as calamine leaves it. Excel shows the character (``_x200B_``: an
invisible zero-width space); calamine decodes only ``_x0000_`` to ``_x00FF_``, and its ``_x005F_`` (a
typed "_") makes a typed ``_x200B_`` read the same. Escapes up to U+00FF that remain were typed."""


MergedRange = tuple[tuple[int, int], tuple[int, int]]
"""((top row, left column), (bottom row, right column)), 0-based, inclusive."""


def read_excel_grid(path: Path, sheet: str | None) -> tuple[Grid, str, list[MergedRange]]:
    """Every row of one sheet with its Excel row number, and its merged ranges.

    The sheet is ``sheet`` (hidden or not), by default the first visible worksheet: a hidden sheet
    (often last year's figures, kept out of sight) is never read unless asked for by name.
    """
    grids, name = _read_sheets(path, [sheet] if sheet is not None else None)
    grid, merged = grids[name]
    return grid, name, merged


def read_excel_grids(path: Path, sheets: Sequence[str]) -> dict[str, Grid]:
    """Several sheets by name, each read as :func:`read_excel_grid` reads one; the workbook is checked
    and opened once."""
    grids, _ = _read_sheets(path, list(sheets))
    return {name: grid for name, (grid, _) in grids.items()}


def _read_sheets(
    path: Path, sheets: list[str] | None
) -> tuple[dict[str, tuple[Grid, list[MergedRange]]], str]:
    """The sheets named (None: the first visible one), and the name of the last read."""
    extents = check_workbook_file(path)
    from python_calamine import CalamineWorkbook

    grids: dict[str, tuple[Grid, list[MergedRange]]] = {}
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
        for sheet in sheets or []:
            if sheet not in names:
                raise InputError(f"no sheet '{sheet}' (sheets: {', '.join(names)})", file=path)
        name = ""
        for name in sheets if sheets is not None else [_first_visible(workbook, names)]:
            check_sheet(path, name, extents)
            worksheet = workbook.get_sheet_by_name(name)
            cells: list[list[object]] = [list(row) for row in worksheet.to_python(skip_empty_area=False)]
            _check_text_cells(cells, path, name)
            merged = worksheet.merged_cell_ranges or []
            grids[name] = ([(number, row) for number, row in enumerate(cells, start=1)], list(merged))
    except InputError:
        raise
    except OSError as error:
        raise damaged_or_unreadable(error, path) from None
    except Exception as error:  # calamine raises its own error types for damaged files
        raise damaged(error, path) from None
    return grids, name


def workbook_sheets(path: Path) -> list[str]:
    """The names of a workbook's sheets, after the checks every workbook passes before it is read."""
    from python_calamine import CalamineWorkbook

    check_workbook_file(path)
    try:
        return list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception as error:  # calamine raises its own error types for damaged files
        raise damaged(error, path) from None


def _check_text_cells(cells: list[list[object]], path: Path, sheet: str) -> None:
    """Refuse text longer than Excel allows, and an ``_xHHHH_`` escape calamine left undecoded."""
    for number, row in enumerate(cells, start=1):
        for index, value in enumerate(row):
            if type(value) is not str:
                continue
            if len(value) > MAX_CELL_CHARACTERS:
                raise InputError(
                    f"cell {column_letters(index + 1)}{number} holds {len(value):,} characters; "
                    f"Excel allows at most {MAX_CELL_CHARACTERS:,} in a cell",
                    file=path,
                    sheet=sheet,
                    row=number,
                )
            escape = _UNDECODED_ESCAPE.search(value) if "_x" in value else None
            if escape is not None:
                character = chr(int(escape.group(1), 16))
                what = f"U+{ord(character):04X} {unicodedata.name(character, '')}".strip()
                raise InputError(
                    f"cell {column_letters(index + 1)}{number} holds {escape.group()}, the workbook's way of "
                    f"writing the character {what}, or that text typed as such: budgetcalc cannot tell "
                    "which Excel shows; retype the cell in Excel and save the file again",
                    file=path,
                    sheet=sheet,
                    row=number,
                )


def _first_visible(workbook: object, names: list[str]) -> str:
    """The first visible worksheet (not hidden, not a chart sheet); the first sheet if none is."""
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    for metadata in getattr(workbook, "sheets_metadata", []):
        if metadata.visible == SheetVisibleEnum.Visible and metadata.typ == SheetTypeEnum.WorkSheet:
            return str(metadata.name)
    return names[0]


def fill_merged(
    grid: Grid,
    merged: list[MergedRange],
    below_row: int,
    fields: Sequence[str],
    header: Sequence[str],
    *,
    path: Path,
    sheet: str,
) -> None:
    """Give every cell of a merged range below ``below_row`` (1-based) the value of its top-left cell,
    unless that would copy a count.

    ``fields`` says which field each column means (``inhabitants``; ``""`` for none) and ``header``
    is the file's own header of each column, for the message. Merging is how a sheet shows that
    several rows share a municipality, a kind or a remark, so text is filled down. A count is never
    copied: one number merged over two areas is their joint count, and giving it to both counts those
    inhabitants twice. A cell of a merged range other than its top-left one is refused where its
    column holds counts:

    - columns meaning inhabitants, households or dwellings (by alias or ``--column`` mapping);
    - any other column with a header, other than the text fields (code, name, kind, municipality and
      its code), where the merged value is a number (``int``/``float``), such as a land area.

    The text fields are filled even where the value is a number (a municipality code such as 80).
    Columns without a header are filled (they are not read). Only cells the sheet has are visited:
    a range merged over the whole sheet (``A1:XFD1048576``) costs no more than the table.
    """
    rows = {number: cells for number, cells in grid}
    last_row = max(rows, default=0)
    width = max(map(len, rows.values()), default=0)
    _refuse_overlaps(merged, last_row, width, path, sheet)
    for (top, left), (bottom, right) in merged:
        if top + 1 <= below_row or top + 1 not in rows or left >= len(rows[top + 1]):
            continue
        value = rows[top + 1][left]
        number_value = isinstance(value, int | float) and not isinstance(value, bool)
        for column in range(left, min(right + 1, width)):  # further right: no field, no cell
            field = fields[column] if column < len(fields) else ""
            counts = field in COUNT_FIELDS or (field not in TEXT_FIELDS and field != "" and number_value)
            spans_column = bottom > top or column > left  # the range has cells of this column to fill
            if counts and spans_column:
                cells = f"{column_letters(left + 1)}{top + 1}:{column_letters(right + 1)}{bottom + 1}"
                own = "each area needs its own count" if bottom > top else "each column needs its own count"
                raise InputError(
                    f"cells {cells} are merged: {own}; unmerge them and give every cell its number",
                    file=path,
                    sheet=sheet,
                    row=top + 1,
                    column=header[column] if column < len(header) else None,
                )
        for number in range(top + 1, min(bottom + 1, last_row) + 1):  # the cells that exist
            cells_of_row = rows.get(number)
            if cells_of_row is not None and left < len(cells_of_row):
                stop = min(right + 1, len(cells_of_row))
                cells_of_row[left:stop] = [value] * (stop - left)


def _refuse_overlaps(merged: list[MergedRange], last_row: int, width: int, path: Path, sheet: str) -> None:
    """Merged ranges never overlap in a sound workbook, so together they cover at most the grid; more
    means overlapping ranges (Excel calls the file damaged), each of which would be filled again."""
    covered = sum(
        max(0, min(bottom + 1, last_row) - top) * max(0, min(right + 1, width) - left)
        for (top, left), (bottom, right) in merged
    )
    if covered > last_row * width:
        raise InputError(
            "the sheet's merged ranges overlap (Excel refuses such a file as damaged); "
            "open it in Excel, unmerge the cells and save it again",
            file=path,
            sheet=sheet,
        )


def column_fields(header: Sequence[object], mapped: dict[str, str]) -> list[str]:
    """The field each header cell means: a mapped header's field, else its alias's (``""`` if none).

    ``mapped`` maps normalised headers to fields (``{"aantal personen": "inhabitants"}``).
    """
    fields = []
    for cell in header:
        text = "" if cell is None else str(cell).strip()
        fields.append(mapped.get(normalise_header(text), canonical_name(text)) if text else "")
    return fields


def describe_empty_cell(path: Path, sheet: str, row: int, column: int) -> str | None:
    """What an apparently empty cell really holds when calamine shows it as empty: an error value
    such as ``#REF!``, or a formula whose result the file does not store. ``column`` is 0-based."""
    part = sheet_part(path, sheet)
    if part is None:
        return None
    reference = f"{column_letters(column + 1)}{row}"
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
