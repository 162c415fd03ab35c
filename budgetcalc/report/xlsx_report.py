"""The Excel report for the council: summary, allocation, rules in force and checks.

Written with XlsxWriter, in memory. The file is byte-for-byte the same for the same input: the
document date is fixed and XlsxWriter gives every zip entry the same timestamp. Amounts are written
as exact ``Decimal`` euros, never as binary floats; text from the input is neutralised and always
written as a string, so no cell ever becomes a formula, number or link.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import xlsxwriter

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
DATE_FORMATS: dict[str, str] = {"nl": "dd-mm-yyyy", "en": "yyyy-mm-dd"}
FIXED_TIME = datetime.datetime(2000, 1, 1)
HIDDEN = "–"
"""Shown for the components of an area whose total an exception sets: they were not computed."""

WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
A4 = 9
_TITLES = {"nl": "Verdeling", "en": "Allocation"}
_FOOTERS = {"nl": "&L&A&RPagina &P van &N", "en": "&L&A&RPage &P of &N"}


def render_xlsx(allocation: Allocation, lang: Lang = "nl") -> bytes:
    """The report as .xlsx bytes."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, WORKBOOK_OPTIONS)
    workbook.set_properties(
        {
            "title": allocation.ruleset.name,
            "author": f"budgetcalc {__version__}",
            "created": FIXED_TIME,
        }
    )
    styles = _Styles(workbook, lang)
    for key, write in (
        ("sheet_summary", _summary_sheet),
        ("sheet_allocation", _allocation_sheet),
        ("sheet_rules", _rules_sheet),
        ("sheet_checks", _checks_sheet),
    ):
        worksheet = workbook.add_worksheet(label(key, lang))
        _print_setup(worksheet, lang)
        write(worksheet, styles, allocation, lang)
    workbook.close()
    return output.getvalue()


class _Styles:
    """The cell formats of the report, made once per workbook."""

    def __init__(self, workbook: Any, lang: Lang) -> None:
        def style(**properties: object) -> Any:
            return workbook.add_format({"valign": "top", **properties})

        self.title = style(bold=True, font_size=14)
        self.bold = style(bold=True)
        self.header = style(bold=True, text_wrap=True, bottom=1, bg_color="#DDEBF7")
        self.text = style()
        self.wrap = style(text_wrap=True)
        self.euro = style(num_format=EURO_FORMAT)
        self.euro_bold = style(num_format=EURO_FORMAT, bold=True, top=1)
        self.rate = style(num_format=RATE_FORMAT)
        self.count = style(num_format=COUNT_FORMAT)
        self.count_bold = style(num_format=COUNT_FORMAT, bold=True, top=1)
        self.total = style(bold=True, top=1)
        self.hidden = style(align="right")
        self.alarm = style(bold=True, font_color="#C00000")
        # the summary: values left-aligned under each other
        self.value_text = style(text_wrap=True, align="left")
        self.value_euro = style(num_format=EURO_FORMAT, align="left")
        self.value_count = style(num_format=COUNT_FORMAT, align="left")
        self.value_date = style(num_format=DATE_FORMATS[lang], align="left")


def _print_setup(worksheet: Any, lang: Lang) -> None:
    """Landscape A4, one page wide, the first row on every page, sheet name and page number below."""
    worksheet.set_landscape()
    worksheet.set_paper(A4)
    worksheet.fit_to_pages(1, 0)
    worksheet.repeat_rows(0)
    worksheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    worksheet.set_footer(_FOOTERS[lang])


def _text(worksheet: Any, row: int, column: int, text: str, cell_format: Any) -> None:
    """Input text as a literal string: neutralised, and never parsed as a formula or number."""
    worksheet.write_string(row, column, neutralise(text), cell_format)


def _header(worksheet: Any, styles: _Styles, titles: list[str]) -> None:
    for column, title in enumerate(titles):
        worksheet.write_string(0, column, title, styles.header)
    worksheet.freeze_panes(1, 0)


def _widths(worksheet: Any, widths: list[int]) -> None:
    """Column widths in characters."""
    for column, width in enumerate(widths):
        worksheet.set_column(column, column, width)


def _fitting(texts: list[str], title: str, least: int, most: int) -> int:
    """A column width that shows the longest text (or title), within ``least`` and ``most``."""
    longest = max((len(text) for text in texts), default=0)
    return max(least, min(most, max(longest, len(title)) + 2))


def _summary_sheet(worksheet: Any, styles: _Styles, allocation: Allocation, lang: Lang) -> None:
    ruleset = allocation.ruleset
    totals = allocation.total.cents
    frame = allocation.population.frame
    title = f"{_TITLES[lang]}: {ruleset.name}"
    worksheet.write_string(0, 0, neutralise(title), styles.title)
    worksheet.set_row(0, 22)
    rows: list[tuple[str, object, Any, str]] = [
        ("ruleset", ruleset.name, styles.value_text, ""),
        ("municipality", ruleset.municipality, styles.value_text, ""),
        ("decision", ruleset.decision, styles.value_text, ""),
        ("source", ruleset.source or "", styles.value_text, ""),
        ("valid_from", ruleset.valid_from, styles.value_date, ""),
        ("reference_date", ruleset.reference_date, styles.value_date, ""),
        ("population_file", allocation.population.source or "", styles.value_text, ""),
        ("areas", len(allocation), styles.value_count, ""),
        ("total_inhabitants", int(frame["inhabitants"].sum()), styles.value_count, ""),
        ("grand_total", cents_to_decimal(allocation.grand_total_cents), styles.value_euro, ""),
    ]
    components = ruleset.components
    for column in allocation.amount_columns[:-1]:
        name = components[column].label or column if column in components else label(column, lang)
        rows.append(
            (
                f"{label('total', lang)} {name}",
                cents_to_decimal(int(allocation.cents(column).sum())),
                styles.value_euro,
                "",
            )
        )
    if len(allocation):
        for key, position in (("smallest", int(totals.argmin())), ("largest", int(totals.argmax()))):
            area = str(frame["name"].iloc[position])
            rows.append((key, cents_to_decimal(int(totals[position])), styles.value_euro, area))
    if ruleset.note:
        rows.append(("note", " ".join(ruleset.note.split()), styles.value_text, ""))
    rows.append(("generated_by", f"budgetcalc {__version__}", styles.value_text, ""))
    for row, (key, value, cell_format, remark) in enumerate(rows, start=2):
        worksheet.write_string(row, 0, label(key, lang), styles.bold)
        if isinstance(value, str):
            _text(worksheet, row, 1, value, cell_format)
        elif isinstance(value, datetime.date):
            worksheet.write_datetime(row, 1, value, cell_format)
        else:
            worksheet.write_number(row, 1, value, cell_format)
        if remark:
            _text(worksheet, row, 2, remark, styles.text)
    _widths(worksheet, [28, 80, 30])


def _allocation_sheet(worksheet: Any, styles: _Styles, allocation: Allocation, lang: Lang) -> None:
    columns = allocation.amount_columns
    rules = allocation.ruleset.components
    titles = [label(key, lang) for key in ("code", "name", "kind", "inhabitants")]
    titles += [rules[c].label or c if c in rules else label(c, lang) for c in columns]
    titles += [label("bracket", lang), label("explanation", lang)]
    _header(worksheet, styles, titles)
    areas = allocation.areas
    overridden = allocation.total.exception.tolist()
    brackets = allocation.brackets()
    amounts = [[cents_to_decimal(cents) for cents in allocation.cents(c).tolist()] for c in columns]
    parts = len(columns) - 1  # every amount column but the total is hidden for an exception area
    bracket_column = 4 + len(columns)
    write_string = worksheet.write_string
    write_number = worksheet.write_number
    text, euro, count, hidden, wrap = styles.text, styles.euro, styles.count, styles.hidden, styles.wrap
    for position, (code, name, kind, inhabitants) in enumerate(areas):
        row = position + 1
        write_string(row, 0, neutralise(code), text)
        write_string(row, 1, neutralise(name), text)
        write_string(row, 2, neutralise(kind), text)
        write_number(row, 3, inhabitants, count)
        excepted = overridden[position]
        for offset, column_amounts in enumerate(amounts):
            if excepted and offset < parts:
                write_string(row, 4 + offset, HIDDEN, hidden)
            else:
                write_number(row, 4 + offset, column_amounts[position], euro)
        write_string(row, bracket_column, neutralise(brackets[position]), wrap)
        explanation = " | ".join(explain_area(allocation, position, lang))
        write_string(row, bracket_column + 1, neutralise(explanation), wrap)
    last = len(areas)
    worksheet.autofilter(0, 0, last, len(titles) - 1)
    total_row = last + 1
    worksheet.write_string(total_row, 0, label("total", lang), styles.total)
    for column in (1, 2):
        worksheet.write_blank(total_row, column, None, styles.total)
    worksheet.write_number(total_row, 3, sum(area[3] for area in areas), styles.count_bold)
    for offset, column in enumerate(columns):
        total = cents_to_decimal(int(allocation.cents(column).sum()))
        worksheet.write_number(total_row, 4 + offset, total, styles.euro_bold)
    for column in (bracket_column, bracket_column + 1):
        worksheet.write_blank(total_row, column, None, styles.total)
    widths = [
        _fitting([area[0] for area in areas], titles[0], 10, 16),
        _fitting([area[1] for area in areas], titles[1], 14, 36),
        _fitting([area[2] for area in areas], titles[2], 8, 14),
        12,
        *[max(14, min(22, len(title) + 2)) for title in titles[4:bracket_column]],
        _fitting(brackets, titles[bracket_column], 10, 30),
        70,
    ]
    _widths(worksheet, widths)


def _rules_sheet(worksheet: Any, styles: _Styles, allocation: Allocation, lang: Lang) -> None:
    _header(worksheet, styles, [label(key, lang) for key in ("component", "rule", "value", "source")])
    for row, cells in enumerate(rule_rows(allocation.ruleset, lang), start=1):
        for column, value in enumerate(cells):
            if isinstance(value, Decimal):
                worksheet.write_number(row, column, value, styles.rate)
            else:
                _text(worksheet, row, column, value, styles.wrap)
    _widths(worksheet, [24, 40, 36, 80])


def _checks_sheet(worksheet: Any, styles: _Styles, allocation: Allocation, lang: Lang) -> None:
    _header(worksheet, styles, [label(key, lang) for key in ("check", "result", "detail")])
    row = 1
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
        _text(worksheet, row, 0, name, styles.wrap)
        verdict = {True: "ok", False: "not_ok", None: "not_compared"}[check.ok]
        _text(worksheet, row, 1, label(verdict, lang), styles.alarm if check.ok is False else styles.text)
        _text(worksheet, row, 2, detail, styles.wrap)
        row += 1
    for warning in allocation.warnings:
        _text(worksheet, row, 0, label("input_warning", lang), styles.wrap)
        _text(worksheet, row, 1, label("warning", lang), styles.alarm)
        _text(worksheet, row, 2, warning, styles.wrap)
        row += 1
    _widths(worksheet, [60, 16, 90])
