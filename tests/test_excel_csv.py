"""The CSV for Dutch Excel (``--format csv --excel``), read back the way Excel opens it by double-click.

Dutch Excel (Windows regional settings Nederlands: list separator ``;``, decimal symbol ``,``) opening
a ``.csv``: a UTF-8 byte-order mark makes it decode UTF-8; it splits on ``;`` honouring double quotes;
a field that reads as a number in the Dutch settings becomes a number; a field starting with ``=``,
``+``, ``-`` or ``@`` that is no number becomes a formula. :func:`excel_open` does the same. Expected
amounts follow from the rule written out by hand: Het Hogeland gives € 6.567 + € 1,68 per inhabitant,
not rounded (rules/het-hogeland.toml).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from helpers import rules, soffice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetcalc import Allocation, allocate
from budgetcalc.errors import OutputError
from budgetcalc.labels import Lang
from budgetcalc.population import Population
from budgetcalc.report import ReportFormat, render_report
from cli import run

ROOT = Path(__file__).resolve().parent.parent
HET_HOGELAND = ROOT / "rules" / "het-hogeland.toml"
VILLAGES = {"D01": ("Adorp", 664), "D02": ("Baflo", 2050), "D03": ("Uithuizen", 5130), "D04": ("Rottum", 0)}
"""Code: (name, inhabitants). Uithuizen's amount is above € 1.000, so a thousands separator would show."""
DUTCH_HEADERS = ["Gebiedscode", "Naam", "Soort", "Inwoners", "Dorpsbudget", "Totaal"]
ENGLISH_HEADERS = ["Area code", "Name", "Kind", "Inhabitants", "Dorpsbudget", "Total"]
FORMULA_STARTS = ("=", "+", "-", "@")


def hogeland_amount(inhabitants: int) -> Decimal:
    """Subsidieregeling dorpsbudget Het Hogeland art. 5 lid 1: € 6.567 plus € 1,68 per inhabitant."""
    return Decimal("6567") + Decimal("1.68") * inhabitants


class Formula(str):
    """A field Excel would run as a formula."""


DUTCH_NUMBER = re.compile(r"-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?")
"""What Excel with Dutch regional settings reads as a number (``.`` groups thousands, ``,`` decimals)."""


def excel_open(data: bytes, separator: str = ";") -> list[list[object]]:
    """The cells Dutch Excel shows after a double-click on the file: Decimal, Formula or text."""
    assert data.startswith(codecs.BOM_UTF8), "without a byte-order mark Excel decodes Windows-1252"
    text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"')
    return [[_cell(field) for field in row] for row in rows]


def _cell(field: str) -> object:
    if DUTCH_NUMBER.fullmatch(field):
        return Decimal(field.replace(".", "").replace(",", "."))
    if field.startswith(FORMULA_STARTS):
        return Formula(field)
    return field


def cli(*args: object) -> int:
    return run([str(arg) for arg in args])


@pytest.fixture
def hogeland(tmp_path: Path) -> Path:
    """A population file for the villages, as a municipality exports it."""
    lines = ["gebiedscode;naam;soort;inwoners"]
    lines += [f"{code};{name};dorp;{count}" for code, (name, count) in VILLAGES.items()]
    path = tmp_path / "dorpen.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- what Dutch Excel shows ------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "headers"), [("nl", DUTCH_HEADERS), ("en", ENGLISH_HEADERS)])
def test_excel_reads_every_amount_as_the_rule_gives_it(
    hogeland: Path, tmp_path: Path, lang: str, headers: list[str]
) -> None:
    target = tmp_path / "verdeling.csv"
    assert cli("allocate", hogeland, "--rules", HET_HOGELAND, "-o", target, "--excel", "--lang", lang) == 0
    rows = excel_open(target.read_bytes())
    assert rows[0] == headers
    expected = [
        ["D01", "Adorp", "dorp", Decimal(664), Decimal("7682.52"), Decimal("7682.52")],
        ["D02", "Baflo", "dorp", Decimal(2050), Decimal("10011.00"), Decimal("10011.00")],
        ["D03", "Uithuizen", "dorp", Decimal(5130), Decimal("15185.40"), Decimal("15185.40")],
        ["D04", "Rottum", "dorp", Decimal(0), Decimal("6567.00"), Decimal("6567.00")],
    ]
    assert rows[1:] == expected
    for code, (_, count) in VILLAGES.items():  # the table above, worked out by the rule
        assert next(row for row in rows if row[0] == code)[-1] == hogeland_amount(count)


def test_the_file_is_what_excel_writes_itself(hogeland: Path, tmp_path: Path) -> None:
    """BOM, CRLF, ``;``; amounts with a decimal comma and no thousands separator, counts as plain
    integers, no ``sep=`` line (with it Excel ignores the byte-order mark)."""
    target = tmp_path / "verdeling.csv"
    assert cli("allocate", hogeland, "--rules", HET_HOGELAND, "-f", "csv", "-o", target, "--excel") == 0
    data = target.read_bytes()
    assert data.startswith(codecs.BOM_UTF8 + b"Gebiedscode;Naam;Soort;Inwoners;Dorpsbudget;Totaal\r\n")
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert b"sep=" not in data
    lines = data[3:].decode("utf-8").split("\r\n")[1:-1]
    assert lines[2] == "D03;Uithuizen;dorp;5130;15185,40;15185,40"
    for line in lines:
        fields = line.split(";")
        assert re.fullmatch(r"\d+", fields[3]), line
        for amount in fields[4:]:
            assert re.fullmatch(r"-?\d+,\d\d", amount), line


def test_without_excel_the_machine_csv_is_unchanged(hogeland: Path, tmp_path: Path) -> None:
    target = tmp_path / "verdeling.csv"
    assert cli("allocate", hogeland, "--rules", HET_HOGELAND, "-o", target) == 0
    assert target.read_bytes() == (
        b"code,name,kind,inhabitants,dorpsbudget,total\n"
        b"D01,Adorp,dorp,664,7682.52,7682.52\n"
        b"D02,Baflo,dorp,2050,10011.00,10011.00\n"
        b"D03,Uithuizen,dorp,5130,15185.40,15185.40\n"
        b"D04,Rottum,dorp,0,6567.00,6567.00\n"
    )


def test_excel_alone_writes_the_excel_csv_under_the_rules_name(
    hogeland: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("allocate", hogeland, "--rules", HET_HOGELAND, "--excel") == 0
    assert excel_open((tmp_path / "het-hogeland.csv").read_bytes())[0] == DUTCH_HEADERS


@pytest.mark.parametrize(
    "options",
    [["-f", "xlsx"], ["-f", "json"], ["-o", "verdeling.xlsx"], ["-o", "verdeling.json"]],
    ids=["format-xlsx", "format-json", "name-xlsx", "name-json"],
)
def test_excel_with_another_format_is_one_line_and_exit_2(
    hogeland: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.iterdir())
    assert cli("allocate", hogeland, "--rules", HET_HOGELAND, *options, "--excel") == 2
    error = capsys.readouterr().err
    assert (
        error.count("\n") == 1 and error.startswith("error: ") and "--excel is voor een CSV-bestand" in error
    ), error
    assert sorted(tmp_path.iterdir()) == before


# --- hostile text -------------------------------------------------------------------------------

PER_AREA = """
[components.basis]
fixed = 1000
rate = 1
"""


def population(rows: list[tuple[str, str, int]]) -> Population:
    """A validated population whose codes and names are then set to ``rows``' text as it is (reading
    already refuses line breaks; the report must hold on its own), as in tests/test_hostile_output.py."""
    placeholders = [(f"P{number}", f"p{number}", count) for number, (_, _, count) in enumerate(rows)]
    frame = pd.DataFrame(placeholders, columns=["code", "name", "inhabitants"], dtype=object)
    validated = Population.from_frame(frame, kind="dorp", source="gebieden.csv")
    validated.frame["code"] = [code for code, _, _ in rows]
    validated.frame["name"] = [name for _, name, _ in rows]
    return validated


def excel_csv(allocation: Allocation, lang: Lang = "nl") -> bytes:
    return render_report(allocation, ReportFormat.CSV, lang, excel=True)


def test_hostile_names_stay_text_in_their_own_field() -> None:
    names = {
        "D01": 'HYPERLINK: =HYPERLINK("http://x","y")',
        "D02": '=HYPERLINK("http://x","y")',
        "D03": "Adorp;=1+1",
        "D04": "@SUM(A1:A9)",
        "D05": "-2+3",
        "D06": "+31 dorp",
        "D07": 'Wier "Oost"; Noord',
        "D08": "Ezinge,-Café",
        "D09": "Tab\t=1+1",
    }
    rows = [(code, name, 10 * number) for number, (code, name) in enumerate(names.items(), start=1)]
    read = excel_open(excel_csv(allocate(population(rows), rules(PER_AREA))))
    assert [row[1] for row in read[1:]] == [
        # not at the start: text; a quote after a comma would open a cell for a comma-splitting reader
        'HYPERLINK: =HYPERLINK("http://x",\'"y")',
        '\'=HYPERLINK("http://x",\'"y")',
        "Adorp;'=1+1",
        "'@SUM(A1:A9)",
        "'-2+3",
        "'+31 dorp",
        'Wier "Oost"; Noord',
        "Ezinge,'-Café",
        "Tab\t'=1+1",
    ]
    for number, row in enumerate(read[1:], start=1):
        assert len(row) == 6 and row[0] == f"D{number:02d}"
        assert row[3:] == [Decimal(10 * number), Decimal(1000 + 10 * number), Decimal(1000 + 10 * number)]
        assert not any(isinstance(cell, Formula) for cell in row), row


HOSTILE_TEXT = st.text(alphabet="ab;,\t\"'=+-@ (é", min_size=1, max_size=12)
AREAS = st.lists(st.tuples(HOSTILE_TEXT, HOSTILE_TEXT), min_size=1, max_size=4, unique_by=lambda a: a[0])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(AREAS)
def test_no_reader_finds_a_formula_or_a_broken_row(texts: list[tuple[str, str]]) -> None:
    """Dutch Excel splits on ``;``; Excel with English settings on ``,``; a paste on tabs: every row is
    one area and no cell is a formula, whichever of them opens the file."""
    rows = [(code, name, 10 * number) for number, (code, name) in enumerate(texts, start=1)]
    data = excel_csv(allocate(population(rows), rules(PER_AREA)))
    by_excel = excel_open(data)
    assert len(by_excel) == len(rows) + 1
    for cells, (_, _, count) in zip(by_excel[1:], rows, strict=True):
        assert len(cells) == 6
        assert cells[3:] == [Decimal(count), Decimal(1000 + count), Decimal(1000 + count)]
    for separator in (",", "\t"):
        split = excel_open(data, separator)
        assert len(split) == len(rows) + 1, f"{separator!r}: {split}"
        for cells in split:
            assert not any(isinstance(cell, Formula) for cell in cells), f"{separator!r}: {cells}"


def test_a_line_break_is_refused_naming_the_area() -> None:
    allocation = allocate(population([("D01", "Adorp", 10), ("D02", "Wetsens\nNoord", 20)]), rules(PER_AREA))
    with pytest.raises(OutputError) as refused:
        excel_csv(allocation)
    assert str(refused.value).startswith(
        "gebieden.csv, row 2, column 'name': area 'D02': the text has a line"
    )


def test_a_hostile_label_in_the_rule_file_is_neutralised_too() -> None:
    allocation = allocate(
        population([("D01", "Adorp", 10)]),
        rules('[components.basis]\nlabel = "=1+1; basis"\nfixed = 1000\n'),
    )
    header = excel_open(excel_csv(allocation))[0]
    assert header == ["Gebiedscode", "Naam", "Soort", "Inwoners", "'=1+1; basis", "Totaal"]


def test_a_line_break_in_a_label_is_refused() -> None:
    allocation = allocate(
        population([("D01", "Adorp", 10)]), rules('[components.basis]\nlabel = "Basis\\nbedrag"\nfixed = 1\n')
    )
    with pytest.raises(OutputError, match=r"^the column title 'Basis\\nbedrag' has a line break"):
        excel_csv(allocation)


def test_the_components_of_an_exception_area_are_empty() -> None:
    allocation = allocate(
        population([("D01", "Adorp", 664), ("D02", "Baflo", 2050)]),
        rules(
            """
            [components.basis]
            fixed = 6567
            rate = 1.68

            [[exceptions]]
            area = "D02"
            amount = 12000
            reason = "Vast bedrag volgens raadsbesluit"
            """
        ),
    )
    assert excel_open(excel_csv(allocation))[1:] == [
        ["D01", "Adorp", "dorp", Decimal(664), Decimal("7682.52"), Decimal("7682.52")],
        ["D02", "Baflo", "dorp", Decimal(2050), "", Decimal("12000.00")],
    ]


# --- compare and sweep ----------------------------------------------------------------------------


def test_sweep_writes_the_excel_csv_too(hogeland: Path, tmp_path: Path) -> None:
    target, matrix = tmp_path / "varianten.csv", tmp_path / "per-gebied.csv"
    vary = "components.dorpsbudget.rate=1.68:1.70:0.01"
    options = ["-o", target, "--per-area", matrix, "--excel"]
    assert cli("sweep", hogeland, "--rules", HET_HOGELAND, "--vary", vary, *options) == 0
    rows = excel_open(target.read_bytes())
    assert rows[0][0] == "components.dorpsbudget.rate" and "Totaal" in rows[0]
    people = sum(count for _, count in VILLAGES.values())
    totals = [row[rows[0].index("Totaal")] for row in rows[1:]]
    assert totals == [
        4 * Decimal(6567) + rate * people for rate in (Decimal("1.68"), Decimal("1.69"), Decimal("1.70"))
    ]
    assert [row[0] for row in rows[1:]] == [Decimal("1.68"), Decimal("1.69"), Decimal("1.70")]
    cents = excel_open(matrix.read_bytes())
    assert cents[0] == ["Gebiedscode", "Scenario 1", "Scenario 2", "Scenario 3"]
    assert cents[1] == ["D01", Decimal(768252), Decimal(768916), Decimal(769580)]


def test_compare_writes_the_excel_csv_too(hogeland: Path, tmp_path: Path) -> None:
    base = tmp_path / "base.toml"
    base.write_bytes(HET_HOGELAND.read_bytes())
    scenario = tmp_path / "hoger.toml"
    scenario.write_text(
        'extends = "base.toml"\nname = "Tarief 2,00"\n[set]\n"components.dorpsbudget.rate" = 2.00\n',
        encoding="utf-8",
    )
    target = tmp_path / "vergelijking.csv"
    assert cli("compare", hogeland, "--rules", base, "--scenario", scenario, "-o", target, "--excel") == 0
    rows = excel_open(target.read_bytes())
    header = rows[0]
    assert header[:4] == ["Gebiedscode", "Naam", "Soort", "Basis"]
    assert "Tarief 2,00: verschil" in header
    adorp = rows[1]
    assert adorp[:4] == ["D01", "Adorp", "dorp", Decimal("7682.52")]
    assert adorp[header.index("Tarief 2,00")] == Decimal(6567) + 2 * 664
    assert adorp[header.index("Tarief 2,00: verschil")] == Decimal("0.32") * 664


@pytest.mark.parametrize("command", ["compare", "sweep"])
def test_excel_with_an_xlsx_comparison_is_refused(
    hogeland: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    extra = (
        ["--scenario", tmp_path / "s.toml"]
        if command == "compare"
        else ["--vary", "components.dorpsbudget.rate=1.68:1.70:0.01"]
    )
    (tmp_path / "s.toml").write_text(f'extends = "{HET_HOGELAND}"\nname = "x"\n[set]\n', encoding="utf-8")
    target = tmp_path / "uit.xlsx"
    assert cli(command, hogeland, "--rules", HET_HOGELAND, *extra, "-o", target, "--excel") == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "--excel is voor een CSV-bestand" in error, error
    assert not target.exists()


# --- LibreOffice, opening the file with Dutch settings ---------------------------------------------


def test_libreoffice_with_dutch_settings_reads_amounts_as_numbers(hogeland: Path, tmp_path: Path) -> None:
    """LibreOffice's CSV filter: token 1 separator 59 (``;``), 2 text delimiter 34 (``"``), 3 character
    set 76 (UTF-8), 4 first line 1, 5 column formats (none: detect), 6 language 1043 (Dutch,
    Netherlands), as help.libreoffice.org's "CSV Filter Options" describes them."""
    program = soffice()
    target = tmp_path / "verdeling.csv"
    assert cli("allocate", hogeland, "--rules", HET_HOGELAND, "-o", target, "--excel") == 0
    hostile = tmp_path / "hostile.csv"
    names = [("D01", "=1+1", 10), ("D02", "Adorp;=1+1", 20), ("D03", "@SUM(A1)", 30), ("D04", "-2+3", 40)]
    hostile.write_bytes(excel_csv(allocate(population(names), rules(PER_AREA))))
    (tmp_path / "profile").mkdir()
    command = [
        program,
        f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--infilter=CSV:59,34,76,1,,1043",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(tmp_path / "out"),
        str(target),
        str(hostile),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120, cwd=tmp_path)
    sheet = openpyxl.load_workbook(tmp_path / "out" / "verdeling.xlsx").worksheets[0]
    rows = [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]
    assert [value for value, _ in rows[0]] == DUTCH_HEADERS
    for row in rows[1:]:
        code, name, _, count, part, total = row
        assert name[0] == VILLAGES[code[0]][0]
        assert count == (VILLAGES[code[0]][1], "n")
        for value, kind in (part, total):
            assert kind == "n" and isinstance(value, int | float), row
            assert Decimal(str(value)) == hogeland_amount(VILLAGES[code[0]][1])
    sheet = openpyxl.load_workbook(tmp_path / "out" / "hostile.xlsx").worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row), [cell.value for cell in row]
        assert row[5].data_type == "n"
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == [
        "'=1+1",
        "Adorp;'=1+1",
        "'@SUM(A1)",
        "'-2+3",
    ]
