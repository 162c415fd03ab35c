"""CSV reports: the stable contract other tools read, and the same table for Dutch Excel.

The contract: UTF-8, comma-separated, one row per area: ``code,name,kind,inhabitants``, one column
per component, ``total_adjustment`` when the rule set has total rules, then ``total``. Amounts are
plain decimals with a dot and two decimals (``7682.52``). Components of an area whose total an
exception sets are empty.

For Excel (``excel=True``): what Dutch Excel opens by a double-click and writes itself: ``;``
separated, UTF-8 with a byte-order mark, CRLF line ends, headers in the report language, amounts with
a decimal comma and no thousands separator (``7682,52``), counts as plain integers. No ``sep=;`` line:
Excel then ignores the byte-order mark and reads the names as Windows-1252.

One area is one row whichever separator a reader splits on (the file's own, or ``,``, ``;``, tab):
text with a line break is refused, and text is neutralised after every such separator too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from budgetcalc.allocation import LAST_YEAR_COLUMNS, Allocation
from budgetcalc.errors import OutputError
from budgetcalc.labels import Lang, label, table_column_label
from budgetcalc.money import format_plain
from budgetcalc.report.sanitize import (
    EXCEL_SPLITS,
    LINE_BREAKS,
    MACHINE_SPLITS,
    area_text_error,
    neutralise_separated,
)
from budgetcalc.terminal import visible

if TYPE_CHECKING:
    import pandas as pd

_LINE_BREAK_PROBLEM = (
    "the text has a line break, which a spreadsheet opening a CSV file takes for a new row; "
    "remove it from the population file, or use --format xlsx or json"
)


@dataclass(frozen=True)
class CsvStyle:
    """How a CSV file is written: for other programs (the contract) or for Dutch Excel."""

    separator: str
    line_end: str
    byte_order_mark: bool
    decimal_comma: bool
    splits: str
    """What other readers may split the file on: text is neutralised after each of these."""

    def text(self, text: str) -> str:
        """Text from a file or a rule, neutralised against formulas for every reader."""
        return neutralise_separated(text, self.splits)

    def number(self, value: Decimal | int) -> str:
        """A number as this style writes it: ``7682.52``, or ``7682,52`` for Excel (never grouped)."""
        if not self.decimal_comma:
            return str(value)
        return f"{value:f}".replace(".", ",") if isinstance(value, Decimal) else str(int(value))

    def amount(self, cents: int) -> str:
        """Euros with two decimals: ``7682.52``, or ``7682,52`` for Excel."""
        plain = format_plain(cents)
        return plain.replace(".", ",") if self.decimal_comma else plain


MACHINE = CsvStyle(",", "\n", byte_order_mark=False, decimal_comma=False, splits=MACHINE_SPLITS)
EXCEL = CsvStyle(";", "\r\n", byte_order_mark=True, decimal_comma=True, splits=EXCEL_SPLITS)


def csv_bytes(rows: Iterable[Sequence[str]], style: CsvStyle) -> bytes:
    """The rows as a CSV file in ``style``; fields with the separator, a quote or a line end quoted
    (quotes doubled)."""
    buffer = io.StringIO()
    if style.byte_order_mark:
        buffer.write("\ufeff")
    csv.writer(buffer, delimiter=style.separator, lineterminator=style.line_end).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def render_csv(allocation: Allocation, lang: Lang = "nl", *, excel: bool = False) -> bytes:
    """The CSV report as bytes: the contract (LF line ends, no byte-order mark, English keys as
    headers), or with ``excel`` the file for Dutch Excel with headers in ``lang``."""
    style = EXCEL if excel else MACHINE
    columns = allocation.amount_columns
    last_year = list(LAST_YEAR_COLUMNS) if allocation.transition is not None else []
    if excel:
        titles = [label(key, lang) for key in ("code", "name", "kind", "inhabitants")]
        titles += [allocation.column_title(column, lang) for column in columns]
        titles += [label(column, lang) for column in last_year]
        header = [_title(title) for title in titles]
    else:
        header = ["code", "name", "kind", "inhabitants", *columns, *last_year]
    words = lang if excel else None  # the Excel file words the status and the rule that acted
    rows = [*_area_rows(allocation, style, words), *_gone_rows(allocation, style, words)]
    return csv_bytes([header, *rows], style)


def _last_year_cells(
    values: dict[str, str | int | None], style: CsvStyle, words: Lang | None = None
) -> list[str]:
    """The cells of the columns on last year: amounts in the style's form; the status and the rule that
    acted as keys (``new``, ``max_increase``), or with ``words`` in that language."""
    cells = []
    for column in LAST_YEAR_COLUMNS:
        value = values[column]
        if value is None:
            cells.append("")
        elif isinstance(value, str):
            key = f"status_{value}" if column == "status" and value else value
            cells.append(style.text(label(key, words) if words and value else value))
        else:
            cells.append(str(value) if column == "carried_years" else style.amount(value))
    return cells


def _gone_rows(allocation: Allocation, style: CsvStyle, words: Lang | None) -> Iterable[list[str]]:
    """The areas of last year not in this year's population, after the areas: status ``gone``, last
    year's amount, this year 0."""
    parts = len(allocation.amount_columns) - 1
    for code, name, previous, _ in allocation.gone_areas():
        values: dict[str, str | int | None] = {
            "status": "gone",
            "previous": previous,
            "change": -previous,
            "transition_rule": "",
            "carried_over": 0,
            "available": 0,
            "carried_years": 0,
        }
        cells = [style.text(code), style.text(name), "", "", *([""] * parts), style.amount(0)]
        yield cells + _last_year_cells(values, style, words)


def _area_rows(allocation: Allocation, style: CsvStyle, words: Lang | None) -> Iterable[list[str]]:
    columns = allocation.amount_columns
    amounts = {column: allocation.cents(column).tolist() for column in columns}
    overridden = allocation.total.exception.tolist()
    last_year = allocation.last_year_columns() if allocation.transition is not None else None
    for position, (code, name, kind, inhabitants) in enumerate(allocation.areas):
        texts = zip(("code", "name", "kind"), (code, name, kind), strict=True)
        cells = [_text(allocation, position, field, text, style) for field, text in texts]
        cells.append(str(inhabitants))
        for column in columns:
            hidden = overridden[position] and column != "total"
            cells.append("" if hidden else style.amount(amounts[column][position]))
        if last_year is not None:
            cells += _last_year_cells(
                {column: values[position] for column, values in last_year.items()}, style, words
            )
        yield cells


def _text(allocation: Allocation, position: int, field: str, text: str, style: CsvStyle) -> str:
    """A text cell of the CSV: neutralised, or refused when it holds a line break."""
    if LINE_BREAKS.search(text):
        raise area_text_error(allocation.population, position, field, _LINE_BREAK_PROBLEM)
    return style.text(text)


def _title(title: str) -> str:
    """A header of the CSV for Excel (a rule file's label among them): neutralised, one line."""
    if LINE_BREAKS.search(title):
        raise OutputError(
            f"the column title '{visible(title)[:60]}' has a line break, which a spreadsheet opening a "
            "CSV file takes for a new row; remove it from the label in the rule file, or use --format xlsx"
        )
    return EXCEL.text(title)


def render_table_csv(frame: pd.DataFrame, lang: Lang = "nl", *, excel: bool = False) -> bytes:
    """A comparison or sweep table as CSV: as the contract (amounts as plain decimals, text
    neutralised), or with ``excel`` for Dutch Excel, headers in ``lang``."""
    style = EXCEL if excel else MACHINE
    header = [table_column_label(str(column), lang) if excel else str(column) for column in frame.columns]
    rows = (_table_row(row, style) for row in frame.itertuples(index=False))
    return csv_bytes([[_table_text(title, style) for title in header], *rows], style)


def _table_row(row: Iterable[object], style: CsvStyle) -> list[str]:
    """One row of a comparison or sweep: text, exact euros (``Decimal``), counts and cents."""
    import pandas as pd

    cells = []
    for value in row:
        if value is None:
            cells.append("")
        elif isinstance(value, str):
            cells.append(_table_text(value, style))
        elif not style.decimal_comma:
            cells.append(str(value))
        elif isinstance(value, Decimal | int):
            cells.append(style.number(value))
        elif pd.isna(value):  # type: ignore[call-overload]  # a missing number in a column of numbers
            cells.append("")
        else:  # a numpy number: cents, or a float pandas made of a column with gaps
            cells.append(style.number(Decimal(str(value))))
    return cells


def _table_text(text: str, style: CsvStyle) -> str:
    """Text in a comparison or sweep table: neutralised; for Excel, refused with a line break."""
    if style is EXCEL and LINE_BREAKS.search(text):
        raise OutputError(
            f"the text '{visible(text)[:60]}' has a line break, which a spreadsheet opening a CSV file "
            "takes for a new row; write the table as .xlsx"
        )
    return style.text(text)
