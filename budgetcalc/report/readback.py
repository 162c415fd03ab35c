"""Read a rendered .xlsx report back and compare it, cell by cell, with what was meant to be written.

What was meant comes from the allocation, not from the code that writes the cells: the allocation
sheet's codes, names, kinds, counts and amounts (and its total row), the summary's figures by their
labels, and the checks sheet's lines as the checks made them. The bytes are read with calamine, the
reader of every population workbook, from memory. A difference is an :class:`OutputError` before
anything is written: no report then.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from budgetcalc.allocation import Allocation
from budgetcalc.errors import OutputError
from budgetcalc.labels import Lang, label
from budgetcalc.reading.workbook_safety import column_letters
from budgetcalc.report.sanitize import neutralise

Meant = str | int | float
"""A cell as meant: text (``""``: empty), or a number as the spreadsheet stores it (an amount in whole
cents as the float nearest to it: ``cents / 100`` is that float, correctly rounded)."""


@dataclass
class MeantSheet:
    """What one sheet should hold: rows of cells from column A (by row number from 0), and cells found
    by the text of column A (``{"Eindtotaal": value of column B}``)."""

    rows: dict[int, list[Meant]] = field(default_factory=dict)
    labelled: dict[str, Meant] = field(default_factory=dict)

    @property
    def cells(self) -> int:
        return sum(len(cells) for cells in self.rows.values()) + 2 * len(self.labelled)


@dataclass
class MeantReport:
    """What every sheet read back should hold, by sheet name (in the order they are written)."""

    sheets: dict[str, MeantSheet] = field(default_factory=dict)

    @property
    def cells(self) -> int:
        return sum(sheet.cells for sheet in self.sheets.values())


def meant_report(allocation: Allocation, lang: Lang, hidden: str) -> MeantReport:
    """The allocation and summary sheets as meant (the checks sheet adds its own lines as it writes
    them). ``hidden`` is what an amount that was not computed shows."""
    report = MeantReport()
    report.sheets[label("sheet_summary", lang)] = _summary(allocation, lang)
    report.sheets[label("sheet_allocation", lang)] = _allocation(allocation, lang, hidden)
    return report


def _summary(allocation: Allocation, lang: Lang) -> MeantSheet:
    labelled: dict[str, Meant] = {
        label("areas", lang): len(allocation),
        label("total_inhabitants", lang): allocation.total_inhabitants,
        label("grand_total", lang): allocation.grand_total_cents / 100,
    }
    for column in allocation.amount_columns[:-1]:
        title = f"{label('total', lang)} {allocation.column_title(column, lang)}"
        labelled[title] = allocation.column_total(column) / 100
    return MeantSheet(labelled=labelled)


def _allocation(allocation: Allocation, lang: Lang, hidden: str) -> MeantSheet:
    """Header, one row per area (code, name, kind, inhabitants, every amount) and the total row."""
    columns = allocation.amount_columns
    header: list[Meant] = [label(key, lang) for key in ("code", "name", "kind", "inhabitants")]
    header += [allocation.column_title(column, lang) for column in columns]
    rows: dict[int, list[Meant]] = {0: header}
    excepted = allocation.total.exception.tolist()
    amounts = [[cents / 100 for cents in allocation.cents(column).tolist()] for column in columns]
    parts = len(columns) - 1
    for position, (code, name, kind, inhabitants) in enumerate(allocation.areas):
        cells: list[Meant] = [neutralise(code), neutralise(name), neutralise(kind), inhabitants]
        for offset, column_amounts in enumerate(amounts):
            cells.append(hidden if excepted[position] and offset < parts else column_amounts[position])
        rows[position + 1] = cells
    total_row: list[Meant] = [label("total", lang), "", "", allocation.total_inhabitants]
    total_row += [allocation.column_total(column) / 100 for column in columns]
    rows[len(allocation) + 1] = total_row
    return MeantSheet(rows=rows)


def read_back(data: bytes, meant: MeantReport) -> None:
    """Read the report ``data`` back and compare every meant cell; an OutputError naming the first
    cell that differs (or why the file cannot be read), else nothing."""
    grids = _read_sheets(data, list(meant.sheets))
    for sheet, cells in meant.sheets.items():
        _compare(sheet, grids[sheet], cells)


def _read_sheets(data: bytes, sheets: list[str]) -> dict[str, dict[int, list[object]]]:
    """The sheets of the workbook ``data`` as calamine, the reader of every population workbook, reads
    them: rows by their number. The bytes are the program's own, so the checks a file from elsewhere
    passes first (XML attacks, sizes) are not repeated, and nothing touches the disk."""
    import io

    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        grids: dict[str, dict[int, list[object]]] = {}
        for sheet in sheets:
            rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            grids[sheet] = {number: list(row) for number, row in enumerate(rows, start=1)}
        return grids
    except Exception as error:  # calamine raises its own error types
        raise OutputError(f"the report does not read back ({error}); it was not written") from None


def _compare(sheet: str, grid: dict[int, list[object]], meant: MeantSheet) -> None:
    for row, cells in meant.rows.items():
        found = grid.get(row + 1, [])
        if found[: len(cells)] == cells and all(type(value) is not bool for value in found):
            continue  # the common case, compared at once; else cell by cell, to name the cell
        for column, value in enumerate(cells):
            read = found[column] if column < len(found) else None
            if not _same(value, read):
                _differs(sheet, f"{column_letters(column + 1)}{row + 1}", value, read)
    by_label = {str(found[0]): (number, found) for number, found in grid.items() if found and found[0]}
    for text, value in meant.labelled.items():
        number, found = by_label.get(text, (0, []))
        read = found[1] if len(found) > 1 else None
        if not number or not _same(value, read):
            _differs(sheet, f"B{number}" if number else f"the row '{text}'", value, read)


def _same(meant: Meant, read: object) -> bool:
    """A meant cell and the cell read: the same text, the same number as stored, or both empty."""
    if isinstance(meant, str):
        return read == meant or (meant == "" and read is None)
    if isinstance(read, bool) or not isinstance(read, int | float):
        return False
    return float(meant) == float(read)


def _differs(sheet: str, cell: str, meant: Meant, read: object) -> None:
    shown = "empty" if read is None or read == "" else repr(read)
    meant = "empty" if meant == "" else meant
    raise OutputError(
        f"the report as written does not read back as meant: cell {cell} should hold {meant!s}, the file "
        f"holds {shown}; the report was not written",
        sheet=sheet,
    )
