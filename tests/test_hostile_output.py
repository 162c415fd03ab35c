"""Reports of hostile or mistaken input: one area is one report row whichever separator a reader
uses, every sum is exact or refused, spreadsheet limits are refused rather than cut off, and
negative budgets are loud.

The rule used throughout pays €1,000 + €1 per inhabitant, so an area of ``n`` inhabitants gets
``1000 + n`` euros.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import zipfile
from decimal import Decimal

import numpy as np
import openpyxl
import pandas as pd
import pytest
from helpers import rules
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetcalc import Allocation, allocate
from budgetcalc.cli_summary import summary_lines
from budgetcalc.errors import AllocationError, OutputError
from budgetcalc.exact import INT64_LIMIT, checked_sum
from budgetcalc.population import Population
from budgetcalc.report import ReportFormat, render_report, xlsx_report
from budgetcalc.report.sanitize import neutralise

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PER_AREA = """
    [components.dorpsbudget]
    fixed = 1000
    rate = 1
"""
FORMULA_STARTS = ("=", "+", "-", "@")
EXCEL_MAX_TEXT = 32_767


def population(rows: list[tuple[str, str, int]], kind: str = "dorp") -> Population:
    """A validated population whose codes and names are then set to ``rows``' text as it is.

    Reading already normalises or refuses line breaks, control characters and overlong text
    (tests/test_hostile_text.py); the reports must hold on their own too, for any population a
    program builds, so these tests put the hostile text straight into the validated table.
    """
    placeholders = [(f"P{number}", f"p{number}", count) for number, (_, _, count) in enumerate(rows)]
    frame = pd.DataFrame(placeholders, columns=["code", "name", "inhabitants"], dtype=object)
    validated = Population.from_frame(frame, kind=kind, source="gebieden.csv")
    validated.frame["code"] = [code.strip() for code, _, _ in rows]
    validated.frame["name"] = [name.strip() for _, name, _ in rows]
    return validated


def allocation_of(rows: list[tuple[str, str, int]], components: str = PER_AREA) -> Allocation:
    return allocate(population(rows), rules(components))


def expected_csv_text(text: str) -> str:
    """What the CSV holds for input text: a ``'`` before a formula start at the beginning, and after
    every ``;`` or tab before a formula start, a quote or the end of the text."""
    text = re.sub(r"([;\t])(?=[=+\-@\"]|$)", r"\1'", text)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


# --- 1. one area, one report row -------------------------------------------------------------------

# Letters, separators of every kind of reader, quotes, formula starts, spaces; no line breaks (refused
# in CSV, see below) and nothing XML cannot hold.
HOSTILE_TEXT = st.text(alphabet="ab;,\t\"'=+-@ (é", min_size=1, max_size=12).filter(lambda t: t.strip())
AREAS = st.lists(
    st.tuples(HOSTILE_TEXT, HOSTILE_TEXT), min_size=1, max_size=4, unique_by=lambda area: area[0].strip()
)


def with_counts(texts: list[tuple[str, str]]) -> list[tuple[str, str, int]]:
    return [(code, name, 10 * number) for number, (code, name) in enumerate(texts, start=1)]


def read_back(data: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=delimiter))


def assert_one_row_per_area(data: bytes, rows: list[tuple[str, str, int]]) -> None:
    by_comma = read_back(data, ",")
    assert len(by_comma) == len(rows) + 1
    for cells, (code, name, count) in zip(by_comma[1:], rows, strict=True):
        total = f"{1000 + count}.00"
        assert cells == [
            expected_csv_text(code.strip()),
            expected_csv_text(name.strip()),
            "dorp",
            str(count),
            total,
            total,
        ]
    for delimiter in (";", "\t"):
        split = read_back(data, delimiter)
        assert len(split) == len(rows) + 1, f"{delimiter!r} reader: {split}"
        for cells, (_code, _name, count) in zip(split[1:], rows, strict=True):
            assert cells[-1].endswith(f",{1000 + count}.00,{1000 + count}.00"), cells
            for cell in cells:
                assert not cell.startswith(FORMULA_STARTS), f"{delimiter!r} reader gives a formula: {cells}"


@PROPERTY
@given(AREAS)
def test_csv_gives_one_row_per_area_read_with_comma_semicolon_or_tab(texts: list[tuple[str, str]]) -> None:
    rows = with_counts(texts)
    assert_one_row_per_area(render_report(allocation_of(rows), ReportFormat.CSV), rows)


def test_csv_hides_no_formula_after_a_semicolon_tab_or_quote() -> None:
    rows = [
        ("D01", 'Adorp;=HYPERLINK("http://x","y")', 10),
        ("D02", "x\t=1+1", 20),
        ("D03", "a,b;", 30),
        ('D04;"', 'Wier;"=1+1', 40),
        ("D05", "Wetsens, Noord", 50),
    ]
    data = render_report(allocation_of(rows), ReportFormat.CSV)
    assert_one_row_per_area(data, rows)
    assert read_back(data, ",")[1][1] == 'Adorp;\'=HYPERLINK("http://x","y")'
    assert read_back(data, ",")[5][1] == "Wetsens, Noord"


@pytest.mark.parametrize("line_break", ["\n", "\r", "\r\n", "\u2028", "\x0c"])
def test_csv_refuses_a_line_break_in_a_text_field(line_break: str) -> None:
    allocation = allocation_of([("D01", "Adorp", 10), ("D02", f"Wetsens{line_break}Noord", 20)])
    with pytest.raises(OutputError) as refused:
        render_report(allocation, ReportFormat.CSV)
    message = str(refused.value)
    assert message.startswith("gebieden.csv, row 2, column 'name': area 'D02': the text has a line break")
    assert "--format xlsx" in message


@PROPERTY
@given(AREAS, st.sampled_from(["", "\n", "\r\n"]))
def test_xlsx_and_json_keep_each_area_on_its_row(texts: list[tuple[str, str]], line_break: str) -> None:
    rows = [(code, name + line_break + name, count) for code, name, count in with_counts(texts)]
    allocation = allocation_of(rows)
    sheet = openpyxl.load_workbook(io.BytesIO(render_report(allocation, ReportFormat.XLSX)))["Verdeling"]
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == len(rows) + 2  # header, areas, total row
    for cells, (code, name, count) in zip(values[1:-1], rows, strict=True):
        assert cells[0] == neutralise(code.strip())
        assert cells[1].replace("_x000D_", "\r") == neutralise(name.strip())  # Excel's escape for CR
        assert Decimal(str(cells[5])) == 1000 + count
    document = json.loads(render_report(allocation, ReportFormat.JSON))
    assert [(area["code"], area["name"]) for area in document["areas"]] == [
        (code.strip(), name.strip()) for code, name, _count in rows
    ]


# --- 2. every sum is exact or refused ----------------------------------------------------------------

OPPOSITE_RATES = """
    [components.plus]
    rate = 100000000
    [components.minus]
    rate = -100000000
"""
"""Each area gets +€5e15 and -€5e15 (5e17 cents each: fits); 20 areas add up to 1e19 cents per column."""
HUGE_AREAS = [(f"D{number:02d}", f"Dorp {number}", 50_000_000) for number in range(20)]


def test_checked_sum_is_exact_or_refuses() -> None:
    assert checked_sum(np.array([2**62, 2**62 - 1, -(2**62)], dtype=np.int64)) == 2**62 - 1
    assert checked_sum(np.array([], dtype=np.int64)) == 0
    assert checked_sum(np.full(1000, 7, dtype=np.int64)) == 7000
    with pytest.raises(AllocationError, match="too large"):
        checked_sum(np.array([2**62, 2**62], dtype=np.int64))  # numpy gives -2**63
    with pytest.raises(AllocationError, match="too large"):
        checked_sum(np.full(3, -(2**62), dtype=np.int64))


def test_allocate_refuses_a_column_total_that_does_not_fit() -> None:
    with pytest.raises(AllocationError, match=r"column 'plus'.*too large"):
        allocate(population(HUGE_AREAS), rules(OPPOSITE_RATES))


def huge_allocation() -> Allocation:
    """An allocation whose totals each fit but whose grand total (2**63 cents) does not."""
    small = allocation_of([("D01", "Adorp", 10), ("D02", "Baflo", 20)])
    huge = np.array([2**62, 2**62], dtype=np.int64)
    component = dataclasses.replace(small.components[0], cents=huge)
    total = dataclasses.replace(small.total, cents=huge, component_sum=huge)
    return dataclasses.replace(small, components=(component,), total=total)


@pytest.mark.parametrize("report_format", [ReportFormat.XLSX, ReportFormat.JSON])
def test_reports_refuse_a_sum_that_would_wrap(report_format: ReportFormat) -> None:
    assert INT64_LIMIT < 2**63
    with pytest.raises(AllocationError, match="too large"):
        render_report(huge_allocation(), report_format)


def test_summary_and_checks_refuse_a_sum_that_would_wrap() -> None:
    allocation = huge_allocation()
    with pytest.raises(AllocationError, match="too large"):
        summary_lines(allocation)
    with pytest.raises(AllocationError, match="too large"):
        allocation.checks()


# --- 3. spreadsheet limits ----------------------------------------------------------------------------


def test_sheet_size_check_follows_excels_limits() -> None:
    xlsx_report.check_sheet_size("Verdeling", 1_048_576, 16_384)
    with pytest.raises(OutputError, match=r"'Verdeling'.*1,048,577 rows.*1,048,576.*--format csv"):
        xlsx_report.check_sheet_size("Verdeling", 1_048_577, 10)
    with pytest.raises(OutputError, match=r"16,385 columns.*16,384.*--format csv"):
        xlsx_report.check_sheet_size("Verdeling", 10, 16_385)


def test_an_allocation_sheet_beyond_the_row_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [(f"D{number:02d}", f"Dorp {number}", number) for number in range(30)]  # + header, total
    allocation = allocation_of(rows)
    monkeypatch.setattr(xlsx_report, "MAX_ROWS", 32)
    assert render_report(allocation, ReportFormat.XLSX)
    monkeypatch.setattr(xlsx_report, "MAX_ROWS", 31)
    with pytest.raises(OutputError, match=r"'Verdeling' would have 32 rows.*at most 31.*--format csv"):
        render_report(allocation, ReportFormat.XLSX)


def test_an_allocation_sheet_beyond_the_column_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    allocation = allocation_of([("D01", "Adorp", 10)])  # 4 + dorpsbudget, total + bracket, explanation
    monkeypatch.setattr(xlsx_report, "MAX_COLUMNS", 7)
    with pytest.raises(OutputError, match=r"8 columns.*--format csv"):
        render_report(allocation, ReportFormat.XLSX)


def test_text_longer_than_a_cell_holds_is_refused_not_cut_off() -> None:
    fits = "a" * EXCEL_MAX_TEXT
    allocation = allocation_of([("D01", fits, 10)])
    sheet = openpyxl.load_workbook(io.BytesIO(render_report(allocation, ReportFormat.XLSX)))["Verdeling"]
    assert sheet.cell(row=2, column=2).value == fits
    for name in ("a" * (EXCEL_MAX_TEXT + 1), "=" + "a" * (EXCEL_MAX_TEXT - 1)):  # the second gains a '
        allocation = allocation_of([("D01", "Adorp", 10), ("D02", name, 20)])
        with pytest.raises(OutputError) as refused:
            render_report(allocation, ReportFormat.XLSX)
        assert str(refused.value).startswith(
            "gebieden.csv, row 2, column 'name': area 'D02': the name is 32,768 characters, more than the "
            "32,767 an Excel cell holds"
        )


def test_a_long_rule_note_is_refused_not_cut_off() -> None:
    ruleset = rules(PER_AREA).model_copy(update={"description": "x" * 35_000})
    allocation = allocate(population([("D01", "Adorp", 10)]), ruleset)
    with pytest.raises(OutputError, match=r"'Samenvatting'.*35,000 characters.*32,767.*--format json"):
        render_report(allocation, ReportFormat.XLSX)


# --- 4. negative budgets ------------------------------------------------------------------------------

SIGN_TYPO = """
    [components.basis]
    fixed = -2500
    [components.per_inwoner]
    rate = 1
"""
VILLAGES = [("D01", "Adorp", 664), ("D02", "Baflo", 2760), ("D03", "Den Andel", 95)]


def negative_notices(allocation: Allocation) -> list[str]:
    return [notice.text("en") for notice in allocation.notices if notice.key == "negative_amounts"]


def test_a_negative_amount_is_a_loud_warning() -> None:
    allocation = allocation_of(VILLAGES, SIGN_TYPO)
    # basis is -2,500 everywhere; totals -1,836, 260 and -2,405
    assert negative_notices(allocation) == [
        "3 area(s) with a negative amount (in basis, total): Adorp, Baflo, Den Andel; is the minus "
        "sign right? If it was decided so, set allow_negative_amounts = true in the rule file"
    ]
    dutch = summary_lines(allocation, "nl")
    assert (
        "let op: 3 gebied(en) met een negatief bedrag (in basis, total): Adorp, Baflo, Den Andel; klopt "
        "het minteken? Is het zo besloten, zet dan allow_negative_amounts = true in het regelbestand"
    ) in dutch
    assert "Laagste bedrag: -€ 2.405,00 (Den Andel)" in dutch
    assert "Hoogste bedrag: € 260,00 (Baflo)" in dutch
    english = summary_lines(allocation, "en")
    assert "Smallest amount: -€2,405.00 (Den Andel)" in english
    assert any(line.startswith("warning: 3 area(s) with a negative amount") for line in english)


def test_a_negative_amount_is_red_on_the_checks_sheet_and_keeps_its_sign_everywhere() -> None:
    allocation = allocation_of(VILLAGES, SIGN_TYPO)
    book = openpyxl.load_workbook(io.BytesIO(render_report(allocation, ReportFormat.XLSX)))
    checks = [row for row in book["Controles"].iter_rows(min_row=2) if "negatief" in str(row[2].value)]
    assert len(checks) == 1
    verdict = checks[0][1]
    assert verdict.font.bold and verdict.font.color.rgb.endswith("C00000")
    adorp = next(row for row in book["Verdeling"].iter_rows(min_row=2) if row[0].value == "D01")
    assert Decimal(str(adorp[4].value)) == Decimal("-2500")
    assert Decimal(str(adorp[6].value)) == Decimal("-1836")
    assert '-"€"' in adorp[6].number_format
    rows = read_back(render_report(allocation, ReportFormat.CSV), ",")
    assert rows[1] == ["D01", "Adorp", "dorp", "664", "-2500.00", "664.00", "-1836.00"]
    document = json.loads(render_report(allocation, ReportFormat.JSON))
    assert document["areas"][0]["amounts"]["total"] == "-1836.00"
    assert any(
        "negative amount" in warning
        for warning in json.loads(render_report(allocation, ReportFormat.JSON, "en"))["warnings"]
    )


def test_negative_amounts_the_rule_file_allows_give_no_warning() -> None:
    ruleset = rules(SIGN_TYPO).model_copy(update={"allow_negative_amounts": True})
    assert negative_notices(allocate(population(VILLAGES), ruleset)) == []
    assert rules("allow_negative_amounts = true\n" + SIGN_TYPO).allow_negative_amounts is True


def test_a_negative_exception_is_warned_about_too() -> None:
    snippet = PER_AREA + '\n[[exceptions]]\narea = "Baflo"\namount = -500\nreason = "besluit"\n'
    assert negative_notices(allocation_of(VILLAGES, snippet)) == [
        "1 area(s) with a negative amount (in total): Baflo; is the minus sign right? If it was decided "
        "so, set allow_negative_amounts = true in the rule file"
    ]


def test_xlsx_keeps_control_characters_and_carriage_returns_instead_of_dropping_them() -> None:
    """XML cannot hold most control characters: Excel's ``_xHHHH_`` escape keeps them (as XlsxWriter
    writes them on the other sheets); text that looks like such an escape gets its ``_`` escaped."""
    allocation = allocation_of([("D01", "A\x01b\rc", 10), ("D02", "x_x0041_y", 20)])
    with zipfile.ZipFile(io.BytesIO(render_report(allocation, ReportFormat.XLSX))) as archive:
        strings = archive.read("xl/sharedStrings.xml").decode("utf-8")
    assert "<t>A_x0001_b_x000D_c</t>" in strings  # Excel's own escape for a carriage return
    assert "<t>x_x005F_x0041_y</t>" in strings


def test_the_terminal_summary_keeps_each_line_on_one_line_whatever_the_names() -> None:
    allocation = allocation_of([("D01", "Wetsens\nNoord", 10), ("D02", "\x1b[31mRood\u202e", 20)], SIGN_TYPO)
    lines = summary_lines(allocation, "en")
    assert all(line.isprintable() for line in lines), lines
    assert "Smallest amount: -€2,490.00 (Wetsens\\nNoord)" in lines
    assert "Largest amount: -€2,480.00 (\\x1b[31mRood\\u202e)" in lines


def test_the_checks_sheet_shows_a_negative_grand_total_with_its_sign() -> None:
    book = openpyxl.load_workbook(
        io.BytesIO(render_report(allocation_of(VILLAGES, SIGN_TYPO), ReportFormat.XLSX))
    )
    details = {row[0].value: row[2].value for row in book["Controles"].iter_rows(min_row=2)}
    grand_total = details["Eindtotaal is de som van de kolomtotalen"]
    assert grand_total.endswith("eindtotaal in de totaalregel: -€\u00a03.981,00")  # -7,500 + 3,519
    summary = book["Samenvatting"]
    largest = next(row for row in summary.iter_rows() if row[0].value == "Hoogste bedrag")
    assert largest[2].value == "Baflo"
