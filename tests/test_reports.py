"""Reports: the CSV contract, JSON strings, the xlsx layout, byte-identical output, formula
injection and the atomic writer.

Expected amounts are computed here from what the rule says, never copied from the program:
Het Hogeland pays €6,567 + €1.68 per inhabitant; the Leeuwarden test staffel pays €1,000 below
1,000 inhabitants, else €6,000 + €2.95 per inhabitant, rounded half up to whole euros and kept
between €1,000 and €43,000.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import time
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from budgetcalc import Allocation, allocate, load_ruleset
from budgetcalc.errors import OutputError
from budgetcalc.population import Population
from budgetcalc.reading import read_population
from budgetcalc.report import ReportFormat, render_report, write_atomically, write_report

DATA = Path(__file__).parent / "data"
HET_HOGELAND = DATA / "io-het-hogeland.toml"
STAFFEL = DATA / "io-leeuwarden-staffel.toml"

CENT = Decimal("0.01")
DORPEN = [("D01", "Adorp", 664), ("D02", "Súdwest", 2760), ("D03", "Wetsens, Noord", 95), ("D04", "Leeg", 0)]
WIJKEN = [
    ("WK01", "Middelsee", 140),
    ("WK02", "Binnenstad", 6710),
    ("WK03", "Oud-Oost", 12410),
    ("WK04", "Groot", 14000),
]
INJECTIONS = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)"]


def hogeland(inhabitants: int) -> Decimal:
    return (Decimal("6567") + Decimal("1.68") * inhabitants).quantize(CENT)


def staffel(inhabitants: int) -> Decimal:
    raw = Decimal("1000") if inhabitants < 1000 else Decimal("6000") + Decimal("2.95") * inhabitants
    whole = raw.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return min(max(whole, Decimal("1000")), Decimal("43000")).quantize(CENT)


def population(rows: list[tuple[str, str, int]], kind: str = "dorp") -> Population:
    frame = pd.DataFrame(rows, columns=["code", "name", "inhabitants"], dtype=object)
    return Population.from_frame(frame, kind=kind, source="gebieden.csv")


def dorpen() -> Allocation:
    return allocate(population(DORPEN), load_ruleset(HET_HOGELAND))


def wijken() -> Allocation:
    return allocate(population(WIJKEN, kind="wijk"), load_ruleset(STAFFEL))


def injected() -> Allocation:
    rows = [(f"D0{number}", name, 100 * number) for number, name in enumerate(INJECTIONS, start=1)]
    rows.append(("=1+1", "Gewoon = dorp", 500))
    return allocate(population(rows), load_ruleset(HET_HOGELAND))


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def euros(value: object) -> Decimal:
    """An amount cell read back from xlsx as exact euros."""
    assert isinstance(value, int | float | Decimal), value
    return Decimal(str(value)).quantize(CENT)


# --- CSV contract --------------------------------------------------------------------------------


def test_csv_contract_exactly() -> None:
    data = render_report(dorpen(), ReportFormat.CSV)
    adorp = Decimal("6567") + Decimal("1.68") * 664
    assert adorp == Decimal("7682.52")
    expected = (
        "code,name,kind,inhabitants,dorpsbudget,total\n"
        f"D01,Adorp,dorp,664,{adorp},{adorp}\n"
        f"D02,Súdwest,dorp,2760,{hogeland(2760)},{hogeland(2760)}\n"
        f'D03,"Wetsens, Noord",dorp,95,{hogeland(95)},{hogeland(95)}\n'
        "D04,Leeg,dorp,0,6567.00,6567.00\n"
    )
    assert data == expected.encode("utf-8")
    assert b"D01,Adorp,dorp,664,7682.52,7682.52\n" in data


def test_csv_is_utf8_without_bom_with_comma_and_lf() -> None:
    data = render_report(dorpen(), ReportFormat.CSV)
    assert not data.startswith(b"\xef\xbb\xbf")
    assert "Súdwest".encode() in data
    assert b"\r" not in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert all(len(row) == 6 for row in rows)


def test_csv_amounts_for_a_staffel_with_rounding_and_bounds() -> None:
    rows = list(csv.DictReader(io.StringIO(render_report(wijken(), ReportFormat.CSV).decode())))
    assert list(rows[0]) == ["code", "name", "kind", "inhabitants", "wijkbudget", "total"]
    for row, (code, _name, count) in zip(rows, WIJKEN, strict=True):
        assert row["code"] == code
        assert row["wijkbudget"] == row["total"] == f"{staffel(count)}"
    # 6,000 + 2.95 x 6,710 = 25,794.50 rounds half up to 25,795; 14,000 inhabitants hit the maximum
    assert [row["total"] for row in rows] == ["1000.00", "25795.00", "42610.00", "43000.00"]


def test_csv_contract_with_two_components_total_rule_and_exception() -> None:
    """basis €1,000 + €2.50 per inhabitant, total at least €2,000; D03 is set to €5,000 by exception."""
    allocation = allocate(population(DORPEN), load_ruleset(DATA / "io-two-components.toml"))
    lines = render_report(allocation, ReportFormat.CSV).decode("utf-8").splitlines()
    assert lines[0] == "code,name,kind,inhabitants,basis,per_inwoner,total_adjustment,total"
    expected = []
    for code, name, count in DORPEN:
        quoted = f'"{name}"' if "," in name else name
        if code == "D03":
            expected.append(f"{code},{quoted},dorp,{count},,,,5000.00")
            continue
        parts = Decimal("1000") + Decimal("2.50") * count
        adjustment = max(Decimal("2000") - parts, Decimal(0))
        cells = [Decimal("1000"), Decimal("2.50") * count, adjustment, parts + adjustment]
        expected.append(f"{code},{quoted},dorp,{count}," + ",".join(f"{cell:.2f}" for cell in cells))
    assert lines[1:] == expected
    assert lines[4] == "D04,Leeg,dorp,0,1000.00,0.00,1000.00,2000.00"
    document = json.loads(render_report(allocation, ReportFormat.JSON))
    hidden = next(area for area in document["areas"] if area["code"] == "D03")
    assert hidden["amounts"] == {
        "basis": None,
        "per_inwoner": None,
        "total_adjustment": None,
        "total": "5000.00",
    }


# --- JSON ----------------------------------------------------------------------------------------


def test_json_amounts_are_strings() -> None:
    document = json.loads(render_report(dorpen(), ReportFormat.JSON))
    areas = {area["code"]: area for area in document["areas"]}
    for code, _name, count in DORPEN:
        amounts = areas[code]["amounts"]
        assert amounts == {"dorpsbudget": f"{hogeland(count)}", "total": f"{hogeland(count)}"}
        assert areas[code]["inhabitants"] == count
    assert areas["D01"]["amounts"]["total"] == "7682.52"
    assert document["total"] == f"{sum(hogeland(count) for _c, _n, count in DORPEN)}"
    assert isinstance(document["total"], str)


def test_json_is_utf8_text() -> None:
    data = render_report(dorpen(), ReportFormat.JSON)
    assert "Súdwest".encode() in data
    assert data.endswith(b"\n")


# --- xlsx ----------------------------------------------------------------------------------------


def test_xlsx_dutch_sheets_by_default() -> None:
    assert workbook(render_report(dorpen(), ReportFormat.XLSX)).sheetnames == [
        "Samenvatting",
        "Verdeling",
        "Regels",
        "Controles",
        "Berekening",
        "Invoer",
        "Parameters",
    ]


def test_xlsx_english_sheets() -> None:
    book = workbook(render_report(dorpen(), ReportFormat.XLSX, "en"))
    assert book.sheetnames == [
        "Summary",
        "Allocation",
        "Rules",
        "Checks",
        "Calculation",
        "Input",
        "Parameters",
    ]
    sheet = book["Allocation"]
    assert [cell.value for cell in sheet[1]][:6] == [
        "Area code",
        "Name",
        "Kind",
        "Inhabitants",
        "dorpsbudget",
        "Total",
    ]
    assert sheet.cell(row=len(DORPEN) + 2, column=1).value == "Total"


def test_xlsx_allocation_sheet_layout() -> None:
    sheet = workbook(render_report(dorpen(), ReportFormat.XLSX))["Verdeling"]
    header = [cell.value for cell in sheet[1]]
    assert header[:6] == ["Gebiedscode", "Naam", "Soort", "Inwoners", "dorpsbudget", "Totaal"]
    assert sheet.freeze_panes == "A2"
    last_column = openpyxl.utils.get_column_letter(len(header))
    assert sheet.auto_filter.ref == f"A1:{last_column}{len(DORPEN) + 1}"


def test_xlsx_amounts_in_euro_format() -> None:
    sheet = workbook(render_report(dorpen(), ReportFormat.XLSX))["Verdeling"]
    for row, (code, name, count) in enumerate(DORPEN, start=2):
        assert [sheet.cell(row=row, column=column).value for column in (1, 2, 4)] == [code, name, count]
        for column in (5, 6):
            cell = sheet.cell(row=row, column=column)
            assert euros(cell.value) == hogeland(count)
            assert "€" in cell.number_format and "#,##0.00" in cell.number_format
    assert euros(sheet["E2"].value) == Decimal("7682.52")


def test_xlsx_total_row() -> None:
    sheet = workbook(render_report(dorpen(), ReportFormat.XLSX))["Verdeling"]
    row = len(DORPEN) + 2
    assert sheet.cell(row=row, column=1).value == "Totaal"
    assert sheet.cell(row=row, column=4).value == sum(count for _c, _n, count in DORPEN)
    expected = sum(hogeland(count) for _c, _n, count in DORPEN)
    for column in (5, 6):
        cell = sheet.cell(row=row, column=column)
        assert euros(cell.value) == expected
        assert "€" in cell.number_format
    assert sheet.max_row == row


def test_xlsx_other_sheets_have_frozen_headers() -> None:
    book = workbook(render_report(dorpen(), ReportFormat.XLSX))
    for name in ("Verdeling", "Regels", "Controles"):
        assert book[name].freeze_panes == "A2", name


def test_xlsx_summary_gives_the_grand_total() -> None:
    sheet = workbook(render_report(wijken(), ReportFormat.XLSX))["Samenvatting"]
    values = {row[0].value: row[1] for row in sheet.iter_rows()}
    assert values["Aantal gebieden"].value == len(WIJKEN)
    total = values["Totaal te verdelen"]
    assert euros(total.value) == sum(staffel(count) for _c, _n, count in WIJKEN)
    assert "€" in total.number_format


# --- the same input gives the same bytes ---------------------------------------------------------


@pytest.mark.parametrize("report_format", list(ReportFormat))
def test_render_twice_gives_identical_bytes(report_format: ReportFormat) -> None:
    assert render_report(wijken(), report_format) == render_report(wijken(), report_format)


@pytest.mark.parametrize("report_format", list(ReportFormat))
def test_written_twice_a_second_apart_gives_identical_files(
    tmp_path: Path, report_format: ReportFormat
) -> None:
    source = tmp_path / "wijken.csv"
    source.write_text("code,name,kind,inhabitants\n" + "".join(f"{c},{n},wijk,{i}\n" for c, n, i in WIJKEN))
    first = tmp_path / f"first.{report_format}"
    second = tmp_path / f"second.{report_format}"
    write_report(allocate(read_population(source), load_ruleset(STAFFEL)), first, report_format)
    time.sleep(1.1)
    write_report(allocate(read_population(source), load_ruleset(STAFFEL)), second, report_format)
    assert first.read_bytes() == second.read_bytes()


def test_xlsx_zip_entries_carry_no_clock_time() -> None:
    with zipfile.ZipFile(io.BytesIO(render_report(dorpen(), ReportFormat.XLSX))) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# --- formula injection ---------------------------------------------------------------------------


def test_csv_neutralises_formulas() -> None:
    rows = list(csv.DictReader(io.StringIO(render_report(injected(), ReportFormat.CSV).decode())))
    assert [row["name"] for row in rows[: len(INJECTIONS)]] == [f"'{text}" for text in INJECTIONS]
    assert rows[-1]["code"] == "'=1+1"
    assert rows[-1]["name"] == "Gewoon = dorp"
    for row in rows:
        for value in (row["code"], row["name"], row["kind"]):
            assert not value.startswith(("=", "+", "-", "@")), value
    # the amounts stay plain numbers
    assert rows[1]["total"] == f"{hogeland(200)}"


def test_xlsx_stores_formula_like_text_as_strings() -> None:
    data = render_report(injected(), ReportFormat.XLSX)
    sheet = workbook(data)["Verdeling"]
    for row, text in enumerate(INJECTIONS, start=2):
        cell = sheet.cell(row=row, column=2)
        assert cell.data_type == "s"
        assert cell.value == f"'{text}"
    code = sheet.cell(row=len(INJECTIONS) + 2, column=1)
    assert (code.data_type, code.value) == ("s", "'=1+1")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                sheet_xml = archive.read(name)
                if name not in (
                    "xl/worksheets/sheet5.xml",
                    "xl/worksheets/sheet7.xml",
                ):  # calculation, parameters
                    assert b"<f>" not in sheet_xml, name
                formulas = re.findall(rb"<f>(.*?)</f>", sheet_xml)
                assert not any(b"1+1" in formula or b"HYPERLINK" in formula for formula in formulas), name


# --- atomic writing ------------------------------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".partial"))


def test_existing_file_is_not_overwritten_without_force(tmp_path: Path) -> None:
    target = tmp_path / "verdeling.csv"
    target.write_bytes(b"old report")
    with pytest.raises(OutputError) as caught:
        write_atomically(target, b"new report")
    assert "--force" in str(caught.value) and str(target) in str(caught.value)
    assert target.read_bytes() == b"old report"
    assert leftovers(tmp_path) == []


def test_write_report_refuses_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "verdeling.xlsx"
    target.write_bytes(b"old report")
    with pytest.raises(OutputError):
        write_report(dorpen(), target)
    assert target.read_bytes() == b"old report"


def test_existing_file_is_overwritten_with_force(tmp_path: Path) -> None:
    target = tmp_path / "verdeling.csv"
    target.write_bytes(b"old report")
    write_atomically(target, b"new report", force=True)
    assert target.read_bytes() == b"new report"
    assert leftovers(tmp_path) == []


def test_new_file_is_written(tmp_path: Path) -> None:
    target = tmp_path / "verdeling.json"
    write_report(dorpen(), target)
    assert target.read_bytes() == render_report(dorpen(), ReportFormat.JSON)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["verdeling.json"]


def test_missing_folder_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as caught:
        write_atomically(tmp_path / "nergens" / "verdeling.csv", b"x")
    assert "does not exist" in str(caught.value)


def test_directory_as_target_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as caught:
        write_atomically(tmp_path, b"x", force=True)
    assert "directory" in str(caught.value)


@pytest.mark.parametrize("interrupted", ["replace", "fsync"])
def test_interrupted_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, interrupted: str
) -> None:
    target = tmp_path / "verdeling.xlsx"
    old = b"old report \x00\xff bytes"
    target.write_bytes(old)

    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, interrupted, interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_report(dorpen(), target, force=True)
    monkeypatch.undo()
    assert target.read_bytes() == old
    assert leftovers(tmp_path) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == ["verdeling.xlsx"]


def test_interrupted_first_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(tmp_path / "verdeling.csv", b"new")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_report_file_permissions_follow_the_umask(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        target = tmp_path / "verdeling.csv"
        write_atomically(target, b"report")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
