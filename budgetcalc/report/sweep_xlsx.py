"""The sweep workbook: one row per scenario (the values tried, the total, the smallest and largest amount,
how many areas lose against the rule file and by how much at most) and a native Excel chart of the total
against the varied value (with two varied values, a line per value of the second).

Written with XlsxWriter, reproducibly (fixed document date); amounts are exact ``Decimal`` euros.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import pandas as pd
import xlsxwriter

from budgetcalc import __version__
from budgetcalc.labels import Lang, label
from budgetcalc.report.sanitize import neutralise
from budgetcalc.report.xlsx_report import (
    EURO_FORMAT,
    FIXED_TIME,
    WORKBOOK_OPTIONS,
    check_sheet_size,
)

MOST_LINES = 50
"""With two varied values, the chart draws a line for at most this many values of the second."""

_AMOUNTS = ("total", "smallest", "largest", "largest_loss")
_HEADER_ROWS = 6
_CHART_ROWS = 26


def render_sweep_xlsx(
    rows: pd.DataFrame,
    paths: Sequence[str],
    base_values: Mapping[str, Decimal],
    title: str,
    note: str | None = None,
    lang: Lang = "nl",
    page_header: str = "",
) -> bytes:
    """The rows of :func:`budgetcalc.scenarios.sweep` as .xlsx bytes: what was varied and the table, then
    the chart on a sheet of its own."""
    check_sheet_size(label("sheet_sweep", lang), len(rows) + _HEADER_ROWS + 1, len(rows.columns))
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        output, {**WORKBOOK_OPTIONS, "default_format_properties": {"font_name": "Arial", "font_size": 10}}
    )
    workbook.set_properties({"title": title, "author": f"budgetcalc {__version__}", "created": FIXED_TIME})
    bold = workbook.add_format({"bold": True})
    wrapped = workbook.add_format({"text_wrap": True, "valign": "top"})
    header = workbook.add_format(
        {"bold": True, "text_wrap": True, "bottom": 1, "bg_color": "#DDEBF7", "valign": "top"}
    )
    euro = workbook.add_format({"num_format": EURO_FORMAT})
    plain = workbook.add_format({"num_format": "General"})
    count = workbook.add_format({"num_format": "#,##0"})
    table = workbook.add_worksheet(label("sheet_sweep", lang))
    table.set_landscape()
    table.set_paper(9)
    table.fit_to_pages(1, 0)
    table.write_string(0, 0, neutralise(title), bold)
    if note:
        paragraphs = note.split("\n\n")
        # a scenario's note opens with "Scenario: NAME", then its rationale: show both
        opening = "\n".join(paragraphs[: 2 if paragraphs[0].startswith("Scenario: ") else 1])[:2000]
        table.merge_range(1, 0, 1, 6, neutralise(opening), wrapped)
        lines = sum(max(1, -(-len(line) // 120)) for line in opening.splitlines())
        table.set_row(1, 13 * lines)
    for offset, path in enumerate(paths):
        table.write_string(2 + offset, 0, f"{label('varied', lang)} {offset + 1}")
        table.write_string(2 + offset, 1, f"{path} ({label('value_in_rules', lang)}: {base_values[path]})")
    table.write_string(4, 0, label("scenario_count", lang))
    table.write_number(4, 1, len(rows), count)
    table.write_string(5, 0, label("losing_against", lang))
    columns = [
        (
            column,
            column if column in paths else label(column, lang),
            _value_format(workbook, rows[column]) if column in paths else _format(column, euro, count, plain),
        )
        for column in rows.columns
    ]
    top = _HEADER_ROWS
    for position, (_, heading, _) in enumerate(columns):
        table.write_string(top, position, neutralise(heading), header)
        table.set_column(position, position, 30 if columns[position][0] in paths else 16)
    table.set_row(top, 30)
    table.repeat_rows(top)
    table.freeze_panes(top + 1, len(paths))
    for row, record in enumerate(rows.itertuples(index=False), start=top + 1):
        for position, value in enumerate(record):
            _write(table, row, position, value, columns[position][2])
    _chart(workbook, table.name, rows, paths, top, lang)
    for worksheet in workbook.worksheets():  # every printed page names the regeling and year
        worksheet.set_header(page_header)
    workbook.close()
    return output.getvalue()


def _value_format(workbook: Any, values: pd.Series) -> Any:
    """A number format showing every varied value with as many decimals as the most precise one needs."""
    decimals = max((max(0, -Decimal(value).normalize().as_tuple().exponent) for value in values), default=0)  # type: ignore[operator]
    return workbook.add_format({"num_format": "#,##0" + ("." + "0" * decimals if decimals else "")})


def _short(path: str) -> str:
    """The last two parts of a path (``brackets[5].fixed``), enough to tell lines apart in a legend."""
    return ".".join(path.split(".")[-2:])


def _format(column: str, euro: Any, count: Any, plain: Any) -> Any:
    if column in _AMOUNTS:
        return euro
    if column == "areas_losing":
        return count
    return plain


def _write(sheet: Any, row: int, column: int, value: object, cell_format: Any) -> None:
    if value is None or value == "" or (isinstance(value, float) and value != value):
        sheet.write_blank(row, column, None)
    elif isinstance(value, Decimal | int):
        sheet.write_number(row, column, value, cell_format)
    else:
        sheet.write_string(row, column, neutralise(str(value)))


def _chart(workbook: Any, sheet: str, rows: pd.DataFrame, paths: Sequence[str], top: int, lang: Lang) -> None:
    """The total against the first varied value: read from the table with one varied value; with two, from
    a block on the chart sheet with a column per value of the second (at most ``MOST_LINES``)."""
    charts = workbook.add_worksheet(label("sheet_charts", lang))
    charts.set_landscape()
    charts.set_paper(9)
    charts.fit_to_pages(1, 1)
    chart = workbook.add_chart({"type": "scatter", "subtype": "straight_with_markers"})
    good = rows[rows["error"] == ""] if "error" in rows else rows
    if len(paths) == 1:
        position = list(rows.columns).index("total")
        last = top + len(rows)
        chart.add_series(
            {
                "name": label("total", lang),
                "categories": [sheet, top + 1, 0, last, 0],
                "values": [sheet, top + 1, position, last, position],
                "marker": {"type": "circle", "size": 4},
            }
        )
        chart.set_legend({"none": True})
    else:
        first, second = paths
        xs = sorted(set(good[first]))
        seconds = sorted(set(good[second]))
        shown = seconds[:MOST_LINES]
        block = _CHART_ROWS  # the chart's figures below the chart
        charts.write_string(block, 0, _short(first))
        totals = {(x, y): total for x, y, total in zip(good[first], good[second], good["total"], strict=True)}
        euro = workbook.add_format({"num_format": EURO_FORMAT})
        charts.set_column(1, len(shown), 24)
        for row, x in enumerate(xs, start=block + 1):
            charts.write_number(row, 0, x)
        for column, y in enumerate(shown, start=1):
            charts.write_string(block, column, f"{_short(second)} = {y}")
            for row, x in enumerate(xs, start=block + 1):
                if (x, y) in totals:
                    charts.write_number(row, column, totals[(x, y)], euro)
            chart.add_series(
                {
                    "name": [charts.name, block, column],
                    "categories": [charts.name, block + 1, 0, block + len(xs), 0],
                    "values": [charts.name, block + 1, column, block + len(xs), column],
                    "marker": {"type": "circle", "size": 4},
                }
            )
        if len(seconds) > len(shown):
            charts.write_string(
                block + len(xs) + 2,
                0,
                f"{label('chart_first_values', lang).format(count=len(shown))} {second}",
            )
        chart.set_legend({"position": "right"})
    chart.set_title({"name": label("sweep_chart", lang)})
    chart.set_x_axis({"name": paths[0], "major_gridlines": {"visible": True}})
    chart.set_y_axis({"name": label("total", lang), "num_format": EURO_FORMAT})
    chart.set_size({"width": 900, "height": 480})
    charts.set_column(0, 0, 24)
    charts.insert_chart(0, 0, chart)
