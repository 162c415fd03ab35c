"""The Excel report for the council: summary, allocation, rules in force and checks.

Written with XlsxWriter, in memory. The file is byte-for-byte the same for the same input: the
document date is fixed and XlsxWriter gives every zip entry the same timestamp. Amounts are written
as exact ``Decimal`` euros, never as binary floats; text from the input is neutralised and always
written with ``write_string``, so no cell ever becomes a formula, number or link.

Every sheet prints landscape on A4, one page wide, with its header row on every page. Wrapped cells
get a row height for their number of lines: not every spreadsheet program sizes rows on opening.
"""

from __future__ import annotations

import datetime
import functools
import gc
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from budgetcalc import __version__
from budgetcalc.allocation import Allocation
from budgetcalc.errors import OutputError
from budgetcalc.explain import AreaExplainer
from budgetcalc.labels import Lang, label
from budgetcalc.money import cents_to_decimal, format_number
from budgetcalc.report.formulas import Column, ParameterRow, in_formulas, input_sheet, reperformance
from budgetcalc.report.provenance_sheet import provenance_rows
from budgetcalc.report.readback import MeantReport, MeantSheet, meant_report, read_back
from budgetcalc.report.rule_rows import rule_rows
from budgetcalc.report.sanitize import area_text_error, neutralise
from budgetcalc.report.sheet_rows import MAX_TEXT, fits_in_cell, text_length
from budgetcalc.ruleset.model import RuleSet

EURO_FORMAT = '"€" #,##0.00_ ;-"€" #,##0.00_ '
"""Euros, with the width of a space kept free on the right, so an amount never touches the text of the
column next to it."""
RATE_FORMAT = '"€" #,##0.00####_ ;-"€" #,##0.00####_ '
COUNT_FORMAT = "#,##0"
DATE_FORMATS: dict[str, str] = {"nl": "dd-mm-yyyy", "en": "yyyy-mm-dd"}
FIXED_TIME = datetime.datetime(2000, 1, 1)
HIDDEN = "–"
"""Shown for the components of an area whose total an exception sets: they were not computed."""

WORKBOOK_OPTIONS: dict[str, Any] = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
DEFAULT_FONT = {"font_name": "Arial", "font_size": 10}
"""Arial 10 (Liberation Sans in LibreOffice) is the same width everywhere, so row heights fit."""
LINE_HEIGHT = 12.75
"""Points per line of Arial 10."""
A4 = 9
MAX_ROWS = 1_048_576
"""Excel's rows per sheet."""
MAX_COLUMNS = 16_384
"""Excel's columns per sheet."""
_SUMMARY_ROWS = 16
"""Rows of the summary sheet besides one per amount column: title, blank, at most 14 lines."""
ALARMING_NOTICES = {"negative_amounts": "check_negative"}
ROUTINE_NOTICES = frozenset({"rows_not_selected", "rows_other_municipality", "rows_skipped", "areas_summed"})
"""Notices of what happens every year, by choice (rows outside the selection, the national or totals row,
suppressed rows left out with --skip-suppressed, buurten summed into areas): for information, apart
from what deserves a look."""
"""Notices shown in red on the checks sheet, with the label of their check."""
_TITLES = {"nl": "Verdeling", "en": "Allocation"}
_FOOTERS = {"nl": "&L&A&RPagina &P van &N", "en": "&L&A&RPage &P of &N"}


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Pause the cycle collector: XlsxWriter makes objects per cell, none of them cyclic garbage,
    and collecting while a national report is built costs a fifth of the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def render_xlsx(allocation: Allocation, lang: Lang = "nl") -> bytes:
    """The report as .xlsx bytes."""
    with _without_cycle_collection():
        return _render(allocation, lang)


def check_sheet_size(sheet: str, rows: int, columns: int) -> None:
    """Refuse a sheet larger than Excel opens: it would be cut off, or the file refused."""
    for count, limit, what in ((rows, MAX_ROWS, "rows"), (columns, MAX_COLUMNS, "columns")):
        if count > limit:
            raise OutputError(
                f"the report's sheet '{sheet}' would have {count:,} {what}, and Excel holds at most "
                f"{limit:,}; use --format csv or json, which have no such limit"
            )


def _check_sizes(allocation: Allocation, lang: Lang) -> None:
    """Every sheet within Excel's limits and every area's text whole in a cell, before any of the
    report is made."""
    amounts = len(allocation.amount_columns)
    sizes = {
        "sheet_summary": (_SUMMARY_ROWS + amounts, 3),
        "sheet_allocation": (len(allocation) + 2, 6 + amounts),
        "sheet_rules": (1 + len(rule_rows(allocation.ruleset, lang)), 4),
        "sheet_checks": (1 + len(allocation.checks()) + len(allocation.notices), 3),
        "sheet_input": (len(allocation) + 1, 4 + len(allocation.ruleset.columns())),
    }
    for key, (rows, columns) in sizes.items():
        check_sheet_size(label(key, lang), rows, columns)
    short = MAX_TEXT // 2 - 1  # surely fits, even neutralised: most text, checked by its length alone
    for position, (code, name, kind, _) in enumerate(allocation.areas):
        if len(code) >= short or len(name) >= short or len(kind) >= short:
            for field, text in (("code", code), ("name", name), ("kind", kind)):
                _area_text(allocation, position, field, neutralise(text))


def _render(allocation: Allocation, lang: Lang) -> bytes:
    _check_sizes(allocation, lang)
    output = io.BytesIO()
    # fresh option dicts every time: XlsxWriter adds keys to the default format's dict
    options = {**WORKBOOK_OPTIONS, "default_format_properties": dict(DEFAULT_FONT), "default_row_height": 17}
    workbook = xlsxwriter.Workbook(output, options)
    workbook.set_properties(
        {
            "title": allocation.ruleset.name,
            "author": f"budgetcalc {__version__}",
            "created": FIXED_TIME,
        }
    )
    styles = _Styles(workbook, lang)
    styles.page_header = page_header(allocation.ruleset, lang)
    meant = meant_report(allocation, lang, HIDDEN)  # what the file must read back as
    for key, write in (
        ("sheet_summary", _summary_sheet),
        ("sheet_allocation", _allocation_sheet),
        ("sheet_rules", _rules_sheet),
        ("sheet_checks", functools.partial(_checks_sheet, meant=meant)),
    ):
        worksheet = workbook.add_worksheet(label(key, lang))
        _print_setup(worksheet, lang, styles.page_header)
        write(worksheet, styles, allocation, lang)
    input_sheet_name, input_keys = _reperformance_sheets(workbook, styles, allocation, lang)
    if allocation.provenance is not None:
        provenance = workbook.add_worksheet(label("sheet_provenance", lang))
        _provenance_sheet(provenance, styles, allocation, (input_sheet_name, input_keys), lang)
    workbook.close()
    data = output.getvalue()
    read_back(data, meant)  # an OutputError, and no report, unless every meant cell reads back
    return data


class _Styles:
    """The cell formats of the report, made once per workbook."""

    def __init__(self, workbook: Any, lang: Lang) -> None:
        def style(**properties: object) -> Any:
            return workbook.add_format({"valign": "top", **properties})

        self.title = style(bold=True, font_size=14)
        self.bold = style(bold=True)
        header = {"bold": True, "text_wrap": True, "bottom": 1, "bg_color": "#DDEBF7", "indent": 1}
        self.header = style(**header)
        self.header_number = style(**header, align="right")
        self.text = style()
        self.wrap = style(text_wrap=True)
        self.wrap_indented = style(text_wrap=True, indent=1)
        self.euro = style(num_format=EURO_FORMAT)
        self.percent = style(num_format="0.0%")
        self.euro_bold = style(num_format=EURO_FORMAT, bold=True, top=1)
        self.rate = style(num_format=RATE_FORMAT)
        self.count = style(num_format=COUNT_FORMAT)
        self.number = style(num_format="#,##0.######")
        self.exact = style(num_format="#,##0.00########")
        self.count_bold = style(num_format=COUNT_FORMAT, bold=True, top=1)
        self.total = style(bold=True, top=1)
        self.hidden = style(align="right")
        self.alarm = style(bold=True, font_color="#C00000")
        self.attention = style(bold=True)
        # the summary: values left-aligned under each other
        self.value_text = style(text_wrap=True, align="left")
        self.value_euro = style(num_format=EURO_FORMAT, align="left")
        self.value_count = style(num_format=COUNT_FORMAT, align="left")
        self.value_date = style(num_format=DATE_FORMATS[lang], align="left")
        self.value_year = style(num_format="0", align="left")
        self.bold_wrap = style(bold=True, text_wrap=True)
        self.page_header = ""
        """The page header of every sheet (the regeling, municipality and budget year)."""


def _print_setup(worksheet: Any, lang: Lang, header: str = "") -> None:
    """Landscape A4, one page wide, the first row on every page; the regeling, municipality and budget
    year above, sheet name and page number below."""
    worksheet.set_landscape()
    worksheet.set_paper(A4)
    worksheet.fit_to_pages(1, 0)
    worksheet.repeat_rows(0)
    worksheet.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.6)
    if header:
        worksheet.set_header(header)
    worksheet.set_footer(_FOOTERS[lang])


def page_header(ruleset: RuleSet, lang: Lang) -> str:
    """``Regeling — Gemeente`` left, ``Begrotingsjaar 2024`` right, as an Excel page header (``&`` doubled,
    within Excel's 255 characters)."""
    year = f"{label('budget_year', lang)} {ruleset.year()}"
    where = f" — {ruleset.municipality}" if ruleset.municipality else ""
    left = f"{ruleset.name}{where}".replace("&", "&&")[: 255 - len(year) - 10]
    return f"&L{left}&R{year}"


def _lines(text: str, width: int) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide.

    A width counts digits; Arial text averages a little narrower, and lines break between words.
    Checked against Arial's glyph widths at 96 dpi with word wrapping: for the explanations of the
    national CBS file it never gives a line too few (LibreOffice sets text a little narrower still).
    """
    per_line = max(1, int(width * 1.1) - 3)
    if "\n" not in text:
        return -(-len(text) // per_line) or 1
    return sum(-(-len(part) // per_line) or 1 for part in text.split("\n"))


def _prose(text: str) -> str:
    """Text from a rule file as it reads in a cell: lines joined, paragraphs (blank lines) kept."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n".join(" ".join(paragraph.split()) for paragraph in paragraphs)


def _row_height(lines: int) -> float | None:
    """Points for a row of ``lines`` wrapped lines; None keeps the default height."""
    return lines * LINE_HEIGHT + 2 if lines > 1 else None


def _fit_row(worksheet: Any, row: int, lines: int) -> None:
    height = _row_height(lines)
    if height:
        worksheet.set_row(row, height)


def _whole(worksheet: Any, row: int, column: int, text: str) -> str:
    """``text``, if a cell holds it whole; else an OutputError naming the sheet and cell."""
    if fits_in_cell(text):
        return text
    raise OutputError(
        f"cell {xl_rowcol_to_cell(row, column)}: the text is {text_length(text):,} characters, more than "
        f"the {MAX_TEXT:,} an Excel cell holds; shorten it in the rule file, or use --format json",
        sheet=worksheet.name,
    )


def _text(worksheet: Any, row: int, column: int, text: str, cell_format: Any, *, own: bool = False) -> None:
    """Text as a literal string, whole, never parsed as a formula or number; neutralised unless it is
    the program's ``own`` text (a negative amount such as ``-3981.00`` keeps its sign)."""
    if text:
        shown = text if own else neutralise(text)
        worksheet.write_string(row, column, _whole(worksheet, row, column, shown), cell_format)
    else:
        worksheet.write_blank(row, column, None, cell_format)


def _table(
    worksheet: Any, styles: _Styles, titles: list[str], widths: list[int], numbers: tuple[int, ...] = ()
) -> None:
    """Column widths, and the bold header row that stays in view and is printed on every page."""
    for column, (title, width) in enumerate(zip(titles, widths, strict=True)):
        header = styles.header_number if column in numbers else styles.header
        worksheet.write_string(0, column, _whole(worksheet, 0, column, title), header)
        worksheet.set_column(column, column, width)
    _fit_row(worksheet, 0, max(_lines(title, width) for title, width in zip(titles, widths, strict=True)))
    worksheet.freeze_panes(1, 0)


def _fitting(texts: list[str], title: str, least: int, most: int) -> int:
    """A column width that shows the longest text (or title), within ``least`` and ``most``."""
    longest = max((len(text) for text in texts), default=0)
    return max(least, min(most, max(longest, len(title)) + 2))


def _file_and_digest(allocation: Allocation) -> str:
    """The input's file name and SHA-256: the same bytes give the same report wherever they lie."""
    population = allocation.population
    name = Path(population.source).name if population.source else ""
    if population.sheet:
        name += f" ({population.sheet})"
    return f"{name}\nSHA-256 {population.digest}" if population.digest else name


def _summary_sheet(worksheet: Any, styles: _Styles, allocation: Allocation, lang: Lang) -> None:
    ruleset = allocation.ruleset
    totals = allocation.cents("total")
    frame = allocation.population.frame
    _text(worksheet, 0, 0, f"{_TITLES[lang]}: {ruleset.name}", styles.title)
    worksheet.set_row(0, 24)
    rows: list[tuple[str, object, Any, str]] = [
        ("ruleset", ruleset.name, styles.value_text, ""),
        ("municipality", ruleset.municipality, styles.value_text, ""),
        ("budget_year", ruleset.year(), styles.value_year, ""),
        ("decision", ruleset.decision, styles.value_text, ""),
        ("source", ruleset.source or "", styles.value_text, ""),
        ("valid_from", ruleset.valid_from, styles.value_date, ""),
        *((("valid_until", ruleset.valid_until, styles.value_date, ""),) if ruleset.valid_until else ()),
        *(
            (("values_on", ruleset.in_force.on, styles.value_date, label(f"chosen_{chosen}", lang)),)
            if ruleset.in_force and (chosen := ruleset.in_force.chosen_by.value)
            else ()
        ),
        ("reference_date", ruleset.reference_date, styles.value_date, ""),
        ("population_file", _file_and_digest(allocation), styles.value_text, ""),
        ("areas", len(allocation), styles.value_count, ""),
        ("total_inhabitants", allocation.total_inhabitants, styles.value_count, ""),
        ("grand_total", cents_to_decimal(allocation.grand_total_cents), styles.value_euro, ""),
    ]
    for column in allocation.amount_columns[:-1]:
        name = allocation.column_title(column, lang)
        rows.append(
            (
                f"{label('total', lang)} {name}",
                cents_to_decimal(allocation.column_total(column)),
                styles.value_euro,
                "",
            )
        )
    if allocation.transition is not None:
        for key, cents in allocation.last_year_totals().items():
            if key == "total":
                continue  # the grand total stands above
            title = LAST_YEAR_TOTALS[key]
            rows.append((label(title, lang), cents_to_decimal(cents), styles.value_euro, ""))
    if len(allocation):
        for key, position in (("smallest", int(totals.argmin())), ("largest", int(totals.argmax()))):
            area = str(frame["name"].iloc[position])
            rows.append((key, cents_to_decimal(int(totals[position])), styles.value_euro, area))
    if ruleset.description:  # text for the reader; the authors' note stays with the rule text
        rows.append(("note", _prose(ruleset.description), styles.value_text, ""))
    if len(allocation) > REPERFORM_MAX_AREAS:
        omitted = label("reperform_omitted", lang).format(limit=f"{REPERFORM_MAX_AREAS:,}".replace(",", "."))
        rows.append(("sheet_calculation", omitted, styles.value_text, ""))
    rows.append(("generated_by", f"budgetcalc {__version__}", styles.value_text, ""))
    names = [label(key, lang) for key, _, _, _ in rows]
    widths = [_fitting(names, "", 24, 44), 80, 30]
    for position, width in enumerate(widths):
        worksheet.set_column(position, position, width)
    for row, ((_, value, cell_format, remark), name) in enumerate(zip(rows, names, strict=True), start=2):
        worksheet.write_string(row, 0, name, styles.bold_wrap)
        lines = _lines(name, widths[0])
        if isinstance(value, str):
            _text(worksheet, row, 1, value, cell_format)
            lines = max(lines, _lines(value, widths[1]))
        elif isinstance(value, datetime.date):
            worksheet.write_datetime(row, 1, value, cell_format)
        else:
            worksheet.write_number(row, 1, value, cell_format)
        if remark:  # an area's name, which may hold a line break
            _text(worksheet, row, 2, remark, styles.wrap)
            lines = max(lines, _lines(remark, widths[2]))
        _fit_row(worksheet, row, lines)


LAST_YEAR_TOTALS = {
    "previous": "total_previous",
    "change": "total_change",
    "transition_cost": "transition_cost",
    "carried_over": "carried_total",
    "returned": "returned_total",
}
"""The summary's lines on last year (with a previous year): their labels."""
LAST_YEAR_SHOWN = (
    "previous",
    "change",
    "change_percent",
    "transition_rule",
    "status",
    "carried_over",
    "available",
    "carried_years",
)
"""The allocation sheet's columns on last year, after the amounts; the years carried, so that next year's
run with this report as ``--previous`` knows how long each area has carried money over."""


def _last_year_sheet_columns(
    worksheet: Any, styles: _Styles, allocation: Allocation, lang: Lang, first: int
) -> None:
    """With a previous year: per area last year's amount, the change in euros and percent, the
    transition rule that acted, new or gone, carried over and available; gone areas in a block below
    the total row, with last year's amount and this year 0."""
    if allocation.transition is None:
        return
    found = allocation.last_year_columns()
    for row in range(len(allocation)):
        previous, change = found["previous"][row], found["change"][row]
        cells: dict[str, object] = {
            "previous": previous,
            "change": change,
            "change_percent": None
            if not previous or change is None
            else Decimal(int(change)) / Decimal(int(previous)),
            "transition_rule": label(str(found["transition_rule"][row]), lang)
            if found["transition_rule"][row]
            else "",
            "status": label("status_new", lang) if found["status"][row] == "new" else "",
            "carried_over": found["carried_over"][row],
            "available": found["available"][row],
            "carried_years": found["carried_years"][row],
        }
        _last_year_row(worksheet, styles, row + 1, first, cells)
    gone = allocation.gone_areas()
    if not gone:
        return
    start = len(allocation) + 3
    worksheet.write_string(start, 0, label("gone_areas", lang), styles.total)
    for offset, (code, name, previous, _) in enumerate(gone, start=start + 1):
        if code:
            worksheet.write_string(offset, 0, neutralise(code), styles.text)
        if name:
            worksheet.write_string(offset, 1, neutralise(name), styles.text)
        cells = {
            "previous": previous,
            "change": -previous,
            "change_percent": Decimal(-1) if previous else None,
        }
        cells["status"] = label("status_gone", lang)
        _last_year_row(worksheet, styles, offset, first, cells)


def _last_year_row(worksheet: Any, styles: _Styles, row: int, first: int, cells: dict[str, object]) -> None:
    for offset, column in enumerate(LAST_YEAR_SHOWN):
        value = cells.get(column)
        if value is None or value == "":
            continue
        if isinstance(value, str):
            worksheet.write_string(row, first + offset, value, styles.text)
        elif column == "change_percent":
            assert isinstance(value, Decimal)
            worksheet.write_number(row, first + offset, value, styles.percent)
        elif column == "carried_years":
            worksheet.write_number(row, first + offset, value, styles.count)
        else:
            assert isinstance(value, int)
            worksheet.write_number(row, first + offset, cents_to_decimal(value), styles.euro)


def _area_text(allocation: Allocation, position: int, field: str | None, text: str) -> str:
    """An area's text, if a cell holds it whole; else an OutputError naming the area."""
    if fits_in_cell(text):
        return text
    raise area_text_error(
        allocation.population,
        position,
        field,
        f"the {field or 'explanation'} is {text_length(text):,} characters, more than the {MAX_TEXT:,} "
        "an Excel cell holds; shorten it, or use --format csv or json",
    )


def _allocation_sheet(worksheet: Any, styles: _Styles, allocation: Allocation, lang: Lang) -> None:
    """Header, widths, one row per area, filter and total row, all through XlsxWriter's interface."""
    columns = allocation.amount_columns
    titles = [label(key, lang) for key in ("code", "name", "kind", "inhabitants")]
    titles += [allocation.column_title(column, lang) for column in columns]
    last_year = list(LAST_YEAR_SHOWN) if allocation.transition is not None else []
    titles += [label(column, lang) for column in last_year]
    titles += [label("bracket", lang), label("explanation", lang)]
    areas = allocation.areas
    brackets = allocation.brackets(lang)
    bracket_column = 4 + len(columns) + len(last_year)
    widths = [
        _fitting([area[0] for area in areas], titles[0], 10, 16),
        _fitting([area[1] for area in areas], titles[1], 14, 36),
        _fitting([area[2] for area in areas], titles[2], 8, 14),
        12,
        *[max(14, min(20, len(title) + 2)) for title in titles[4:bracket_column]],
        _fitting(brackets, titles[bracket_column], 10, 30),
        80,
    ]
    _table(worksheet, styles, titles, widths, numbers=tuple(range(3, bracket_column)))
    # Column formats: a cell written without its own format takes its column's, so the many
    # area cells need no format object each (and XlsxWriter writes them faster).
    for index, column_format in (
        (0, styles.text),
        (1, styles.wrap),
        (2, styles.text),
        (3, styles.count),
        (bracket_column, styles.wrap_indented),
        (bracket_column + 1, styles.wrap_indented),
    ):
        worksheet.set_column(index, index, widths[index], column_format)
    for offset in range(len(columns)):
        worksheet.set_column(4 + offset, 4 + offset, widths[4 + offset], styles.euro)
    name_width, bracket_width, explanation_width = widths[1], widths[bracket_column], widths[-1]
    overridden = allocation.total.exception.tolist()
    amounts = [[cents_to_decimal(cents) for cents in allocation.cents(c).tolist()] for c in columns]
    parts = len(columns) - 1  # every amount column but the total is hidden for an exception area
    explainer = AreaExplainer(allocation, lang)
    write_string, write_number, hidden = worksheet.write_string, worksheet.write_number, styles.hidden
    for row, (code, name, kind, inhabitants) in enumerate(areas, start=1):
        position = row - 1
        for place, text in ((0, code), (1, name), (2, kind)):
            if text:
                write_string(row, place, neutralise(text))
        write_number(row, 3, inhabitants)
        excepted = overridden[position]
        for offset, column_amounts in enumerate(amounts):
            if excepted and offset < parts:
                write_string(row, 4 + offset, HIDDEN, hidden)
            else:
                write_number(row, 4 + offset, column_amounts[position])
        bracket = brackets[position]
        if bracket:
            write_string(row, bracket_column, _area_text(allocation, position, None, neutralise(bracket)))
        explanation = " | ".join(explainer.explain(position))
        write_string(row, bracket_column + 1, _area_text(allocation, position, None, neutralise(explanation)))
        lines = max(
            _lines(explanation, explanation_width), _lines(bracket, bracket_width), _lines(name, name_width)
        )
        _fit_row(worksheet, row, lines)
    last = len(areas)
    worksheet.autofilter(0, 0, last, len(titles) - 1)
    total_row = last + 1
    worksheet.write_string(total_row, 0, label("total", lang), styles.total)
    for blank in (1, 2):
        worksheet.write_blank(total_row, blank, None, styles.total)
    worksheet.write_number(total_row, 3, allocation.total_inhabitants, styles.count_bold)
    for offset, column in enumerate(columns):
        total = cents_to_decimal(allocation.column_total(column))
        worksheet.write_number(total_row, 4 + offset, total, styles.euro_bold)
    for blank in (*range(4 + len(columns), bracket_column), bracket_column, bracket_column + 1):
        worksheet.write_blank(total_row, blank, None, styles.total)
    _last_year_sheet_columns(worksheet, styles, allocation, lang, 4 + len(columns))


def _rules_sheet(worksheet: Any, styles: _Styles, allocation: Allocation, lang: Lang) -> None:
    widths = [22, 36, 50, 70]
    titles = [label(key, lang) for key in ("component", "rule", "value", "source")]
    _table(worksheet, styles, titles, widths)
    for row, cells in enumerate(rule_rows(allocation.ruleset, lang), start=1):
        lines = 1
        for column, value in enumerate(cells):
            if isinstance(value, Decimal):
                worksheet.write_number(row, column, value, styles.rate)
            else:
                value = _prose(value)
                _text(worksheet, row, column, value, styles.wrap)
                lines = max(lines, _lines(value, widths[column]))
        _fit_row(worksheet, row, lines)


def _checks_sheet(
    worksheet: Any, styles: _Styles, allocation: Allocation, lang: Lang, *, meant: MeantReport
) -> None:
    """Each check (what was compared with what, both figures), the read-back of the report, then the
    warnings; its lines join ``meant``, so the read-back compares them too."""
    widths = [60, 16, 90]
    titles = [label(key, lang) for key in ("check", "result", "detail")]
    _table(worksheet, styles, titles, widths)
    lines: list[tuple[str, str, Any, str]] = []
    checks = allocation.checks()
    for check in checks:
        about = check.about(lang)
        name = label(check.key, lang) + (f": {about}" if about else "")
        verdict = {True: "ok", False: "not_ok", None: "not_compared"}[check.ok]
        style = styles.alarm if check.ok is False else styles.text
        lines.append((name, label(verdict, lang), style, check.text(lang)))
    # what deserves a look first, then what happens every year (rows outside the selection, the
    # national row left out), marked for information only
    ordered = sorted(allocation.notices, key=lambda notice: notice.key in ROUTINE_NOTICES)
    notices = [
        (
            (label(ALARMING_NOTICES[notice.key], lang), styles.alarm, "warning")
            if notice.key in ALARMING_NOTICES
            else (label("input_routine", lang), styles.text, "for_information")
            if notice.key in ROUTINE_NOTICES
            else (label("input_warning", lang), styles.attention, "warning"),
            notice.text(lang),
        )
        for notice in ordered
    ]
    sheet = meant.sheets.setdefault(worksheet.name, MeantSheet())
    cells = meant.cells + 3 * (len(lines) + len(notices) + 2)  # and the header and read-back lines
    sheets = ", ".join(meant.sheets)
    readback = label("detail_readback", lang).format(cells=format_number(cells, lang), sheets=sheets)
    lines.append((label("check_readback", lang), label("ok", lang), styles.text, readback))
    lines += [(name, label(verdict, lang), style, text) for (name, style, verdict), text in notices]
    sheet.rows[0] = list(titles)
    for row, (name, verdict, verdict_style, detail) in enumerate(lines, start=1):
        _text(worksheet, row, 0, name, styles.wrap)
        _text(worksheet, row, 1, verdict, verdict_style)
        _text(worksheet, row, 2, detail, styles.wrap)
        _fit_row(worksheet, row, max(_lines(name, widths[0]), _lines(detail, widths[2])))
        sheet.rows[row] = [neutralise(name), verdict, neutralise(detail)]


REPERFORM_MAX_AREAS = 2_000
"""Areas up to which the report re-performs the allocation in formulas. XlsxWriter runs some thirty
regular expressions over every formula it is given (80 microseconds each): 14,574 areas in about six
formulas each would add seven seconds to the national report. Above this the sheets are left out and
the summary says so."""

REPERFORMANCE_SHEETS = {
    "calculation": "sheet_calculation",
    "input": "sheet_input",
    "parameters": "sheet_parameters",
}
"""The sheets that re-perform the allocation in formulas, after the others (in this order)."""


def _reperformance_sheets(
    workbook: Any, styles: _Styles, allocation: Allocation, lang: Lang
) -> tuple[str, list[str]]:
    """The calculation sheet in live formulas, the input sheet it reads and the parameter sheet; the
    sheet holding the population as read, and its columns. Above ``REPERFORM_MAX_AREAS`` areas the input
    sheet only, and not even that when the rules read no more than the allocation sheet shows (code,
    name, kind, inhabitants): that sheet then holds the population as read."""
    names = {key: label(sheet, lang) for key, sheet in REPERFORMANCE_SHEETS.items()}
    large = len(allocation) > REPERFORM_MAX_AREAS or not in_formulas(allocation)
    sheets = input_sheet(allocation, lang, names) if large else reperformance(allocation, lang, names)
    if large and sheets.input_keys == list(ALLOCATION_INPUT):
        return label("sheet_allocation", lang), sheets.input_keys
    for key in ("input",) if large else REPERFORMANCE_SHEETS:
        worksheet = workbook.add_worksheet(names[key])
        _print_setup(worksheet, lang, styles.page_header)
        if key == "parameters":
            _parameter_sheet(workbook, worksheet, styles, sheets.parameters, names[key], lang)
        else:
            columns = sheets.calculation if key == "calculation" else sheets.input_columns
            check_sheet_size(names[key], len(allocation) + 1, len(columns))
            _column_sheet(worksheet, styles, columns)
    return names["input"], sheets.input_keys


ALLOCATION_INPUT = ("code", "name", "kind", "inhabitants")
"""The population columns the allocation sheet shows first, in this order."""


def _column_format(styles: _Styles, kind: str) -> Any:
    return {
        "euro": styles.euro,
        "count": styles.count,
        "number": styles.number,
        "exact": styles.exact,
        "flag": styles.number,
        "text": styles.wrap,
    }[kind]


def _column_width(column: Column) -> int:
    """Numbers fit their title; text fits its longest cell, a long text (a reason) wraps at 60."""
    if column.kind != "text":
        return max(12, min(24, len(column.title) + 2))
    texts = [cell.value for cell in column.cells if isinstance(cell.value, str)]
    return _fitting(texts, column.title, 12, 60)


def _column_sheet(worksheet: Any, styles: _Styles, columns: list[Column]) -> None:
    """A sheet of one row per area, column by column: values, or formulas with their results."""
    titles = [column.title for column in columns]
    widths = [_column_width(column) for column in columns]
    _table(
        worksheet, styles, titles, widths, numbers=tuple(i for i, c in enumerate(columns) if c.kind != "text")
    )
    for index, column in enumerate(columns):
        worksheet.set_column(index, index, widths[index], _column_format(styles, column.kind))
    rows = len(columns[0].cells) if columns else 0
    write_formula, write_number, write_string = (
        worksheet.write_formula,
        worksheet.write_number,
        worksheet.write_string,
    )
    for index, column in enumerate(columns):
        for row, cell in enumerate(column.cells, start=1):
            if cell.formula is not None:
                write_formula(row, index, "=" + cell.formula, None, cell.value)
            elif isinstance(cell.value, str):
                if cell.value:
                    write_string(row, index, neutralise(cell.value))
            elif cell.value is not None:
                write_number(row, index, cell.value)
    texts = [(index, column) for index, column in enumerate(columns) if column.kind == "text"]
    for row in range(1, rows + 1):  # a wrapped text (a reason) gets the lines it needs
        values = [(column.cells[row - 1].value, widths[index]) for index, column in texts]
        _fit_row(worksheet, row, max((_lines(v, w) for v, w in values if isinstance(v, str)), default=1))
    if rows:
        worksheet.autofilter(0, 0, rows, len(columns) - 1)


def _parameter_sheet(
    workbook: Any, worksheet: Any, styles: _Styles, rows: list[ParameterRow], sheet: str, lang: Lang
) -> None:
    """Every rule value on its own row, labelled with its path and source, with a defined name."""
    widths = [46, _fitting([row.name for row in rows], label("defined_name", lang), 20, 44), 16, 80]
    titles = [label(key, lang) for key in ("path", "defined_name", "value", "source")]
    _table(worksheet, styles, titles, widths, numbers=(2,))
    quoted = "'" + sheet.replace("'", "''") + "'"
    for row, parameter in enumerate(rows, start=1):
        worksheet.write_string(row, 0, parameter.path, styles.wrap)
        worksheet.write_string(row, 1, parameter.name, styles.text)
        value_format = styles.rate if parameter.kind in ("money", "rate", "pot", "step") else styles.exact
        if parameter.kind in ("bound", "weight", "number"):
            value_format = styles.exact
        if parameter.cell.formula is not None:
            worksheet.write_formula(row, 2, "=" + parameter.cell.formula, value_format, parameter.cell.value)
        else:
            worksheet.write_number(row, 2, parameter.cell.value, value_format)
        _text(worksheet, row, 3, parameter.note, styles.wrap)
        _fit_row(worksheet, row, max(_lines(parameter.note, widths[3]), _lines(parameter.path, widths[0])))
        workbook.define_name(parameter.name, f"={quoted}!$C${row + 1}")
    note_row = len(rows) + 2
    note = label("parameter_note", lang)
    _text(worksheet, note_row, 0, note, styles.wrap, own=True)
    worksheet.merge_range(note_row, 0, note_row, 3, note, styles.wrap)
    _fit_row(worksheet, note_row, _lines(note, sum(widths)))


def _provenance_sheet(
    worksheet: Any, styles: _Styles, allocation: Allocation, population: tuple[str, list[str]], lang: Lang
) -> None:
    """What the report was made from, the rule files' full text included (read back by ``verify``)."""
    assert allocation.provenance is not None
    _print_setup(worksheet, lang, styles.page_header)
    worksheet.set_column(0, 0, 34)
    worksheet.set_column(1, 1, 100)
    worksheet.set_column(2, 2, 66)
    frame = allocation.population.frame
    municipalities = {
        column: [str(value) for value in frame[column].tolist()]
        for column in ("municipality_code", "municipality")
        if column in frame.columns
    }
    for row, cells in enumerate(provenance_rows(allocation.provenance, lang, *population, municipalities)):
        for column, value in enumerate(cells):
            if isinstance(value, int):
                worksheet.write_number(row, column, value, styles.text)
            elif value:
                # literal text, exactly as in the file: a string cell, never read as a formula
                worksheet.write_string(row, column, value, styles.bold if column == 0 else styles.text)
