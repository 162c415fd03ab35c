"""The comparison workbook for a meeting: the table of amounts and differences, and native Excel charts of
the difference per area (sorted bars) and the staffel curve (amount against inhabitants, base and scenario
as two lines through the areas, sorted by inhabitants, with each area a point). An overview sheet comes first:
per scenario its name and rationale, the totals, who gains and who loses.

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
from budgetcalc.scenarios import Scenario, Threshold

PERCENT_FORMAT = '0.0"%"'
_CURVE_COLUMN = 16
"""The charts sheet's column where the curve's figures (sorted by inhabitants) start, right of the charts."""


def render_comparison_xlsx(
    frame: pd.DataFrame,
    inhabitants: Sequence[int],
    scenarios: Sequence[Scenario],
    title: str,
    lang: Lang = "nl",
    threshold: Decimal | Threshold = Decimal(0),
    page_header: str = "",
) -> bytes:
    """The comparison of ``compare_areas`` as .xlsx bytes: an overview, a sheet with the table, one with
    charts per scenario. ``threshold``: list the areas losing more than this many euros."""
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
    _overview(workbook, frame, scenarios, title, threshold, lang)
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
    brackets = "base_bracket" in frame.columns
    if brackets:
        columns.append(("base_bracket", f"{label('base', lang)}: {label('bracket', lang)}", None))
    for scenario in scenarios:
        columns += [
            (scenario.name, scenario.name, euro),
            (f"{scenario.name}: difference", f"{scenario.name}: {label('difference', lang)}", euro),
            (f"{scenario.name}: percent", f"{scenario.name}: %", percent),
        ]
        if brackets:
            columns.append((f"{scenario.name}: bracket", f"{scenario.name}: {label('bracket', lang)}", None))
    data = frame.assign(inhabitants=list(inhabitants))
    for position, (_, title_text, _) in enumerate(columns):
        table.write_string(0, position, neutralise(title_text), header)
        wide = 28 if position == 1 or title_text.endswith(label("bracket", lang)) else 14
        table.set_column(position, position, wide)
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
        _charts(workbook, data, scenario, number, last, lang)
    for worksheet in workbook.worksheets():  # every printed page names the regeling and year
        worksheet.set_header(page_header)
    workbook.close()
    return output.getvalue()


def _charts(
    workbook: Any, data: pd.DataFrame, scenario: Scenario, number: int, last: int, lang: Lang
) -> None:
    """A sheet per scenario: the differences sorted (bars) and the amounts against inhabitants (points)."""
    charts = workbook.add_worksheet(f"{label('sheet_charts', lang)} {number + 1}"[:31])
    charts.set_landscape()
    charts.set_paper(9)
    charts.fit_to_pages(1, 1)
    charts.set_column(0, 0, 28)
    charts.set_column(1, 1, 12)
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
    curve = workbook.add_chart({"type": "scatter", "subtype": "straight_with_markers"})
    by_inhabitants = sorted(range(last), key=lambda index: (data["inhabitants"].iloc[index], index))
    left = _CURVE_COLUMN
    for offset, key in enumerate(("inhabitants", "base", scenario.name)):
        charts.write_string(0, left + offset, label(key, lang) if offset < 2 else neutralise(key))
        charts.set_column(left + offset, left + offset, 14)
        for row, index in enumerate(by_inhabitants, start=1):
            charts.write_number(row, left + offset, data[key].iloc[index], euro if offset else None)
    series = (
        (label("base", lang), left + 1, "#A5A5A5", "circle", 7),
        (scenario.name, left + 2, "#ED7D31", "diamond", 6),
    )
    for name, column, color, shape, size in series:
        curve.add_series(
            {
                "name": name,
                "categories": [charts.name, 1, left, last, left],
                "values": [charts.name, 1, column, last, column],
                "line": {"color": color, "width": 1.5},
                "marker": {"type": shape, "size": size, "fill": {"color": color}, "border": {"color": color}},
            }
        )
    curve.set_legend({"position": "bottom"})
    curve.set_title({"name": label("staffel_curve", lang)})
    curve.set_x_axis({"name": label("inhabitants", lang), "num_format": "#,##0"})
    curve.set_y_axis({"name": label("amount", lang), "num_format": EURO_FORMAT})
    curve.set_size({"width": 720, "height": 400})
    charts.insert_chart(max(22, last + 3), 3, curve)


def _overview(
    workbook: Any,
    frame: pd.DataFrame,
    scenarios: Sequence[Scenario],
    title: str,
    threshold: Decimal | Threshold,
    lang: Lang,
) -> None:
    """Per scenario: its name and rationale, the totals, who gains and who loses (in all and per kind) and
    the areas losing more than ``threshold``."""
    from budgetcalc.scenarios import summary

    sheet = workbook.add_worksheet(label("sheet_overview", lang))
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 70)
    bold = workbook.add_format({"bold": True, "valign": "top"})
    top = workbook.add_format({"valign": "top"})
    wrapped = workbook.add_format({"text_wrap": True, "valign": "top", "align": "left"})
    euro = workbook.add_format({"num_format": EURO_FORMAT, "align": "left"})
    count = workbook.add_format({"num_format": "#,##0", "align": "left"})
    sheet.write_string(0, 0, neutralise(title), bold)
    row = 2
    limit = threshold if isinstance(threshold, Threshold) else Threshold(Decimal(threshold))
    for scenario, found in zip(scenarios, summary(frame, scenarios, limit), strict=True):
        per_kind = "; ".join(
            f"{kind or '-'}: {gain} / {lose}"
            for kind, (gain, lose) in dict(found["per_kind"]).items()  # type: ignore[call-overload]
        )
        losing = list(found["losing_more_than_threshold"])  # type: ignore[call-overload]
        lines: list[tuple[str, object, Any]] = [
            (label("scenario", lang), scenario.name, bold),
            (label("rationale", lang), scenario.rationale or "", wrapped),
            (label("base_total", lang), found["base_total"], euro),
            (label("scenario_total", lang), found["total"], euro),
            (label("difference", lang).capitalize(), found["total"] - found["base_total"], euro),  # type: ignore[operator]
            (label("areas_gaining", lang), found["gain"], count),
            (label("areas_losing", lang), found["lose"], count),
            (label("per_kind", lang), per_kind, wrapped),
            (
                f"{label('losing_more_than', lang)} {limit.describe(lang)}",
                ", ".join(losing) or label("none", lang),
                wrapped,
            ),
        ]
        for name, value, cell_format in lines:
            sheet.write_string(row, 0, name, top)
            if isinstance(value, Decimal | int):
                sheet.write_number(row, 1, value, cell_format)
            else:
                text = neutralise(str(value))
                sheet.write_string(row, 1, text, cell_format)
                wrapped_lines = sum(max(1, -(-len(part) // 75)) for part in text.splitlines() or [""])
                if wrapped_lines > 1:
                    sheet.set_row(row, 13 * wrapped_lines)
            row += 1
        row += 1
