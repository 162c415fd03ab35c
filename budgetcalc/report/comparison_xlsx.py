"""The comparison workbook for a meeting: the table of amounts and differences, and native Excel charts of
the difference per area (sorted bars) and the staffel curve (amount against inhabitants, base and scenario
as two series of points, one per area).

Written with XlsxWriter, reproducibly (fixed document date); amounts are exact ``Decimal`` euros, text
from the input is neutralised and written as text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pandas as pd
import xlsxwriter

from budgetcalc import __version__
from budgetcalc.labels import Lang, label
from budgetcalc.report.sanitize import neutralise
from budgetcalc.report.xlsx_report import EURO_FORMAT, FIXED_TIME, WORKBOOK_OPTIONS
from budgetcalc.scenarios import Scenario

PERCENT_FORMAT = '0.0"%"'


def render_comparison_xlsx(
    frame: pd.DataFrame,
    inhabitants: Sequence[int],
    scenarios: Sequence[Scenario],
    title: str,
    lang: Lang = "nl",
) -> bytes:
    """The comparison of ``compare_areas`` as .xlsx bytes: a sheet with the table, one with charts per
    scenario."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        output, {**WORKBOOK_OPTIONS, "default_format_properties": {"font_name": "Arial", "font_size": 10}}
    )
    workbook.set_properties({"title": title, "author": f"budgetcalc {__version__}", "created": FIXED_TIME})
    header = workbook.add_format(
        {"bold": True, "text_wrap": True, "bottom": 1, "bg_color": "#DDEBF7", "valign": "top"}
    )
    euro = workbook.add_format({"num_format": EURO_FORMAT})
    percent = workbook.add_format({"num_format": PERCENT_FORMAT})
    count = workbook.add_format({"num_format": "#,##0"})
    table = workbook.add_worksheet(label("sheet_comparison", lang))
    table.set_landscape()
    table.set_paper(9)
    table.fit_to_pages(1, 0)
    table.repeat_rows(0)
    columns: list[tuple[str, str, Any]] = [
        ("code", label("code", lang), None),
        ("name", label("name", lang), None),
        ("kind", label("kind", lang), None),
        ("inhabitants", label("inhabitants", lang), count),
        ("base", label("base", lang), euro),
    ]
    for scenario in scenarios:
        columns += [
            (scenario.name, scenario.name, euro),
            (f"{scenario.name}: difference", f"{scenario.name}: {label('difference', lang)}", euro),
            (f"{scenario.name}: percent", f"{scenario.name}: %", percent),
        ]
    data = frame.assign(inhabitants=list(inhabitants))
    for position, (_, title_text, _) in enumerate(columns):
        table.write_string(0, position, neutralise(title_text), header)
        table.set_column(position, position, 14 if position != 1 else 28)
    table.set_row(0, 45)
    table.freeze_panes(1, 2)
    for row, record in enumerate(data.itertuples(index=False), start=1):
        values = dict(zip(data.columns, record, strict=True))
        for position, (key, _, cell_format) in enumerate(columns):
            value = values[key]
            if value is None or (isinstance(value, float) and value != value):
                table.write_blank(row, position, None)
            elif isinstance(value, Decimal | int):
                table.write_number(row, position, value, cell_format)
            else:
                table.write_string(row, position, neutralise(str(value)))
    last = len(data)
    table.autofilter(0, 0, last, len(columns) - 1)
    for number, scenario in enumerate(scenarios):
        _charts(workbook, table.name, data, scenario, number, last, lang)
    workbook.close()
    return output.getvalue()


def _charts(
    workbook: Any, sheet: str, data: pd.DataFrame, scenario: Scenario, number: int, last: int, lang: Lang
) -> None:
    """A sheet per scenario: the differences sorted (bars) and the amounts against inhabitants (points)."""
    charts = workbook.add_worksheet(f"{label('sheet_charts', lang)} {number + 1}"[:31])
    charts.set_landscape()
    charts.set_paper(9)
    charts.fit_to_pages(1, 1)
    charts.set_column(0, 0, 28)
    charts.set_column(1, 1, 12)
    amount_column = 5 + 3 * number  # table columns: code, name, kind, inhabitants, base, then 3 per scenario
    euro = workbook.add_format({"num_format": EURO_FORMAT})
    order = sorted(range(last), key=lambda index: data[f"{scenario.name}: difference"].iloc[index])
    charts.write_string(0, 0, label("name", lang))
    charts.write_string(0, 1, label("difference", lang))
    for row, index in enumerate(order, start=1):
        charts.write_string(row, 0, neutralise(str(data["name"].iloc[index])))
        charts.write_number(row, 1, data[f"{scenario.name}: difference"].iloc[index], euro)
    bars = workbook.add_chart({"type": "bar"})
    bars.add_series(
        {
            "name": f"{scenario.name}: {label('difference', lang)}",
            "categories": [charts.name, 1, 0, last, 0],
            "values": [charts.name, 1, 1, last, 1],
            "invert_if_negative": False,
            "fill": {"color": "#4472C4"},
        }
    )
    # In a bar chart XlsxWriter's x axis is the value axis and its y axis holds the categories.
    bars.set_x_axis({"num_format": EURO_FORMAT, "major_gridlines": {"visible": True}})
    bars.set_y_axis({"label_position": "low", "interval_unit": 1, "num_font": {"size": 8}})
    bars.set_title(
        {"name": f"{scenario.name}: {label('difference', lang)} ({label('per_area_chart', lang)})"}
    )
    bars.set_legend({"none": True})
    bars.set_size({"width": 720, "height": max(300, 16 * last + 80)})
    charts.insert_chart(0, 3, bars)
    curve = workbook.add_chart({"type": "scatter"})
    series = (
        (label("base", lang), 4, "#A5A5A5", "circle", 7),
        (scenario.name, amount_column, "#ED7D31", "diamond", 6),
    )
    for name, column, color, shape, size in series:
        curve.add_series(
            {
                "name": name,
                "categories": [sheet, 1, 3, last, 3],
                "values": [sheet, 1, column, last, column],
                "marker": {"type": shape, "size": size, "fill": {"color": color}, "border": {"color": color}},
            }
        )
    curve.set_legend({"position": "bottom"})
    curve.set_title({"name": label("staffel_curve", lang)})
    curve.set_x_axis({"name": label("inhabitants", lang), "num_format": "#,##0"})
    curve.set_y_axis({"name": label("amount", lang), "num_format": EURO_FORMAT})
    curve.set_size({"width": 720, "height": 400})
    charts.insert_chart(max(22, last + 3), 3, curve)
