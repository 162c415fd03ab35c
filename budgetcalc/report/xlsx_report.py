"""The Excel report for the council: summary, allocation, rules in force and checks.

The file is byte-for-byte the same for the same input: fixed document dates and zip timestamps.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal
from typing import Any

from budgetcalc import __version__
from budgetcalc.allocation import Allocation
from budgetcalc.explain import explain_area
from budgetcalc.labels import Lang, label
from budgetcalc.money import cents_to_decimal
from budgetcalc.report.rule_rows import rule_rows
from budgetcalc.report.sanitize import neutralise

EURO_FORMAT = '"€" #,##0.00;-"€" #,##0.00'
RATE_FORMAT = '"€" #,##0.00####;-"€" #,##0.00####'
COUNT_FORMAT = "#,##0"
FIXED_TIME = datetime.datetime(2000, 1, 1)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def render_xlsx(allocation: Allocation, lang: Lang = "nl") -> bytes:
    """The report as .xlsx bytes."""
    from openpyxl import Workbook

    workbook = Workbook()
    summary = workbook.active
    summary.title = label("sheet_summary", lang)
    _summary_sheet(summary, allocation, lang)
    _allocation_sheet(workbook.create_sheet(label("sheet_allocation", lang)), allocation, lang)
    _rules_sheet(workbook.create_sheet(label("sheet_rules", lang)), allocation, lang)
    _checks_sheet(workbook.create_sheet(label("sheet_checks", lang)), allocation, lang)
    workbook.properties.creator = f"budgetcalc {__version__}"
    workbook.properties.title = allocation.ruleset.name
    return _deterministic_bytes(workbook)


def _deterministic_bytes(workbook: Any) -> bytes:
    from openpyxl.writer.excel import ExcelWriter

    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return fixed.getvalue()


def _text_cell(worksheet: Any, row: int, column: int, text: str) -> None:
    """Write input text as a literal string, never as a formula."""
    cell = worksheet.cell(row=row, column=column)
    cell.value = neutralise(text)
    cell.data_type = "s"


def _header(worksheet: Any, titles: list[str]) -> None:
    from openpyxl.styles import Font

    for column, title in enumerate(titles, start=1):
        cell = worksheet.cell(row=1, column=column, value=title)
        cell.font = Font(bold=True)
    worksheet.freeze_panes = "A2"


def _widths(worksheet: Any, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for column, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(column)].width = width


def _euro(worksheet: Any, row: int, column: int, cents: int | None) -> None:
    cell = worksheet.cell(row=row, column=column)
    if cents is None:
        cell.value = "–"
        return
    cell.value = cents_to_decimal(cents)
    cell.number_format = EURO_FORMAT


def _summary_sheet(worksheet: Any, allocation: Allocation, lang: Lang) -> None:
    ruleset = allocation.ruleset
    totals = allocation.total.cents
    frame = allocation.population.frame
    lowest = int(totals.argmin()) if len(allocation) else None
    highest = int(totals.argmax()) if len(allocation) else None
    rows: list[tuple[str, object, str | None, str]] = [
        ("ruleset", ruleset.name, None, ""),
        ("municipality", ruleset.municipality, None, ""),
        ("decision", ruleset.decision, None, ""),
        ("source", ruleset.source or "", None, ""),
        ("valid_from", ruleset.valid_from, "yyyy-mm-dd", ""),
        ("reference_date", ruleset.reference_date, "yyyy-mm-dd", ""),
        ("population_file", allocation.population.source or "", None, ""),
        ("areas", len(allocation), COUNT_FORMAT, ""),
        ("total_inhabitants", int(frame["inhabitants"].sum()), COUNT_FORMAT, ""),
        ("grand_total", cents_to_decimal(allocation.grand_total_cents), EURO_FORMAT, ""),
    ]
    components = ruleset.components
    for column in allocation.amount_columns[:-1]:
        title = components[column].label or column if column in components else label(column, lang)
        rows.append(
            (
                f"{label('total', lang)} {title}",
                cents_to_decimal(int(allocation.cents(column).sum())),
                EURO_FORMAT,
                "",
            )
        )
    for key, position in (("smallest", lowest), ("largest", highest)):
        if position is not None:
            name = str(frame["name"].iloc[position])
            rows.append((key, cents_to_decimal(int(totals[position])), EURO_FORMAT, name))
    rows.append(("generated_by", f"budgetcalc {__version__}", None, ""))
    from openpyxl.styles import Font

    for number, (key, value, number_format, remark) in enumerate(rows, start=1):
        worksheet.cell(row=number, column=1, value=label(key, lang)).font = Font(bold=True)
        if isinstance(value, str):
            _text_cell(worksheet, number, 2, value)
        else:
            cell = worksheet.cell(row=number, column=2, value=value)
            if number_format:
                cell.number_format = number_format
        if remark:
            _text_cell(worksheet, number, 3, remark)
    _widths(worksheet, [28, 60, 30])


def _allocation_sheet(worksheet: Any, allocation: Allocation, lang: Lang) -> None:
    from openpyxl.styles import Font

    columns = allocation.amount_columns
    rules = allocation.ruleset.components
    titles = [label(key, lang) for key in ("code", "name", "kind", "inhabitants")]
    titles += [rules[c].label or c if c in rules else label(c, lang) for c in columns]
    titles += [label("bracket", lang), label("explanation", lang)]
    _header(worksheet, titles)
    frame = allocation.population.frame
    overridden = allocation.total.exception.tolist()
    brackets = allocation.brackets()
    amounts = {column: allocation.cents(column).tolist() for column in columns}
    for position, (code, name, kind, inhabitants) in enumerate(allocation.areas):
        row = position + 2
        _text_cell(worksheet, row, 1, code)
        _text_cell(worksheet, row, 2, name)
        _text_cell(worksheet, row, 3, kind)
        count = worksheet.cell(row=row, column=4, value=inhabitants)
        count.number_format = COUNT_FORMAT
        for offset, column in enumerate(columns, start=5):
            hidden = overridden[position] and column != "total"
            _euro(worksheet, row, offset, None if hidden else amounts[column][position])
        _text_cell(worksheet, row, 5 + len(columns), brackets[position])
        _text_cell(worksheet, row, 6 + len(columns), " | ".join(explain_area(allocation, position, lang)))
    last = len(allocation) + 1
    from openpyxl.utils import get_column_letter

    worksheet.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{last}"
    total_row = last + 1
    worksheet.cell(row=total_row, column=1, value=label("total", lang)).font = Font(bold=True)
    worksheet.cell(
        row=total_row, column=4, value=int(frame["inhabitants"].sum())
    ).number_format = COUNT_FORMAT
    for offset, column in enumerate(columns, start=5):
        _euro(worksheet, total_row, offset, sum(amounts[column]))
        worksheet.cell(row=total_row, column=offset).font = Font(bold=True)
    _widths(worksheet, [14, 30, 10, 12, *[16] * len(columns), 28, 100])


def _rules_sheet(worksheet: Any, allocation: Allocation, lang: Lang) -> None:
    _header(worksheet, [label(key, lang) for key in ("component", "rule", "value", "source")])
    for number, cells in enumerate(rule_rows(allocation.ruleset, lang), start=2):
        for column, value in enumerate(cells, start=1):
            if isinstance(value, Decimal):
                cell = worksheet.cell(row=number, column=column, value=value)
                cell.number_format = RATE_FORMAT
            else:
                _text_cell(worksheet, number, column, value)
    _widths(worksheet, [24, 40, 40, 80])


def _checks_sheet(worksheet: Any, allocation: Allocation, lang: Lang) -> None:
    _header(worksheet, [label(key, lang) for key in ("check", "result", "detail")])
    row = 2
    expectations = iter(allocation.expectations)
    for check in allocation.checks():
        detail = check.detail
        name = label(check.key, lang)
        if check.key == "check_expected":
            result = next(expectations)
            expected = result.expectation
            what = (expected.area or label("all_areas", lang)) + (
                f" / {expected.component}" if expected.component else ""
            )
            name = f"{name}: {what}"
            actual = "–" if result.actual_cents is None else str(cents_to_decimal(result.actual_cents))
            detail = (
                f"{label(result.status.value, lang)}: {cents_to_decimal(result.expected_cents)}"
                f" / {actual}" + (f" ({expected.source})" if expected.source else "")
            )
        _text_cell(worksheet, row, 1, name)
        verdict = {True: "ok", False: "not_ok", None: "not_compared"}[check.ok]
        _text_cell(worksheet, row, 2, label(verdict, lang))
        _text_cell(worksheet, row, 3, detail)
        row += 1
    for warning in allocation.warnings:
        _text_cell(worksheet, row, 1, label("input_warning", lang))
        _text_cell(worksheet, row, 2, label("warning", lang))
        _text_cell(worksheet, row, 3, warning)
        row += 1
    _widths(worksheet, [60, 14, 90])
