"""Last year's allocation (``--previous FILE``): read from every budgetcalc report form and from a table
someone made by hand, refused with one clear line where it cannot be read, and recorded in a report's
provenance so that ``verify`` re-performs the report without the file.

Expected amounts are worked out by hand: Het Hogeland's dorpsbudget is EUR 6,567 plus EUR 1.68 an
inhabitant, so Adorp (664) gets 6,567 + 1,115.52 = 7,682.52 and Baflo (2,050) 6,567 + 3,444 = 10,011.00.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from helpers import TINY_RULES, in_english, one_error_line
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from budgetcalc import allocate
from budgetcalc.allocation import Allocation
from budgetcalc.errors import InputError
from budgetcalc.inputs import PopulationOptions, allocation_of
from budgetcalc.previous import PreviousYear
from budgetcalc.provenance import Provenance, previous_from_record, previous_record
from budgetcalc.reading.excel_source import read_excel_grid
from budgetcalc.reading.previous import read_previous
from budgetcalc.report import ReportFormat, render_report
from budgetcalc.report.provenance_sheet import read_provenance_sheet
from budgetcalc.verification.report import verify_json_report
from cli import app

POPULATION = "gebiedscode;naam;inwoners\nD01;Adorp;664\nD02;=Baflo;2050\n"
"""Two villages; the second's name starts like a formula, as a hostile file's might."""
HAND_COMPUTED = {"D01": 768252, "D02": 1001100}


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pop.csv").write_text(POPULATION, encoding="utf-8")
    (tmp_path / "r.toml").write_text(TINY_RULES, encoding="utf-8")
    return tmp_path


def this_year(folder: Path) -> Allocation:
    return allocation_of(folder / "pop.csv", folder / "r.toml", PopulationOptions())


def written(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def error_of(path: Path, sheet: str | None = None) -> str:
    with pytest.raises(InputError) as caught:
        read_previous(path, sheet)
    return str(caught.value)


def table(folder: Path, text: str, name: str = "vorig.csv") -> Path:
    return written(folder, name, text.encode("utf-8"))


def workbook(folder: Path, sheets: dict[str, list[list[object]]], name: str = "vorig.xlsx") -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(folder / name)
    return folder / name


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, in_english([str(arg) for arg in args]))


# --- 1. every form of a budgetcalc report -----------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "lang", "excel"),
    [
        (ReportFormat.XLSX, "nl", False),
        (ReportFormat.XLSX, "en", False),
        (ReportFormat.JSON, "nl", False),
        (ReportFormat.CSV, "nl", False),
        (ReportFormat.CSV, "nl", True),
        (ReportFormat.CSV, "en", True),
    ],
)
def test_a_budgetcalc_report_gives_each_areas_total(
    folder: Path, form: ReportFormat, lang: str, excel: bool
) -> None:
    data = render_report(this_year(folder), form, lang, excel=excel)  # type: ignore[arg-type]
    path = written(folder, f"vorig.{form.value}", data)
    previous = read_previous(path)
    assert previous.codes == ("D01", "D02")
    assert previous.names == ("Adorp", "=Baflo")  # the quote that kept it from being a formula is gone
    assert dict(zip(previous.codes, previous.amount_cents.tolist(), strict=True)) == HAND_COMPUTED
    assert previous.amount_cents.dtype == np.int64
    assert previous.unspent_cents is None and previous.carried_years is None
    assert previous.file == str(path)
    assert previous.sha256 == hashlib.sha256(data).hexdigest()


def test_an_area_gone_since_the_reports_previous_year_is_not_an_area(folder: Path) -> None:
    """budgetcalc lists an area gone since last year below the areas, with no inhabitants and nothing
    this year: such a row is not an area of that year."""
    path = table(
        folder,
        "code,name,kind,inhabitants,total\nD01,Adorp,,664,7682.52\nD09,Oudedorp,,,0.00\nD02,Baflo,,2050,10011.00\n",
    )
    assert read_previous(path).codes == ("D01", "D02")
    document = json.loads(render_report(this_year(folder), ReportFormat.JSON))
    document["areas"].append(
        {**document["areas"][0], "code": "D09", "inhabitants": None, "amounts": {"total": "0.00"}}
    )
    path = written(folder, "vorig.json", json.dumps(document).encode())
    assert read_previous(path).codes == ("D01", "D02")


# --- 2. a table made by hand --------------------------------------------------------------------


def test_a_dutch_table_with_unspent_money_and_years_carried(folder: Path) -> None:
    path = table(
        folder,
        "Dorp;Bedrag;Niet besteed;Jaren overgedragen\n"
        "Adorp;€ 3.900;€ 250;2\n"
        "Baflo;€ 12.500;;\n"
        "\u200bZandeweer;€ 7.000;€ 1.000;0\n"
        "Totaal;€ 23.400;;\n",
    )
    previous = read_previous(path)
    assert previous.codes == ("", "", "")
    assert previous.names == ("Adorp", "Baflo", "Zandeweer")  # the zero-width space is not part of the name
    assert previous.amount_cents.tolist() == [390000, 1250000, 700000]
    assert previous.unspent_cents is not None and previous.unspent_cents.tolist() == [25000, 0, 100000]
    assert previous.carried_years is not None and previous.carried_years.tolist() == [2, 0, 0]


def test_a_workbook_with_cents_written_the_dutch_way_and_as_numbers(folder: Path) -> None:
    path = workbook(
        folder,
        {
            "Blad1": [
                ["Overzicht dorpsbudgetten 2023"],
                [],
                ["Code", "Naam", "Budget", "Restant"],
                ["D01", "Adorp", "1.234,50", 0.5],
                ["D02", "Baflo", 10011.07, "12,25"],
            ]
        },
    )
    previous = read_previous(path)
    assert previous.codes == ("D01", "D02")
    assert previous.amount_cents.tolist() == [123450, 1001107]
    assert previous.unspent_cents is not None and previous.unspent_cents.tolist() == [50, 1225]


def test_a_workbook_of_several_sheets_is_read_from_the_sheet_named(folder: Path) -> None:
    rows: list[list[object]] = [["Dorp", "Bedrag"], ["Adorp", 100]]
    path = workbook(folder, {"2022": [["Dorp", "Bedrag"], ["Adorp", 90]], "2023": rows})
    assert "--previous-sheet NAME" in error_of(path)
    assert read_previous(path, "2023").amount_cents.tolist() == [10000]


# --- 3. what cannot be read, in one line that says where and what was expected --------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Inwoners;Bedrag\n5;100\n", "row 1: no column names the areas"),
        ("Dorp;Inwoners;Geld\nAdorp;5;100\n", "row 1: no column with last year's amount"),
        ("Dorp;Bedrag\nAdorp;100\nBaflo;-5\n", "row 3, column 'B (Bedrag)': last year's amount is negative"),
        ("Dorp;Bedrag\nAdorp;100\nBaflo;\n", "row 3, column 'B (Bedrag)': no last year's amount"),
        (
            "Dorp;Bedrag;Onbesteed\nAdorp;100;-1\n",
            "row 2, column 'C (Onbesteed)': unspent amount is negative",
        ),
        (
            "Dorp;Bedrag\nAdorp;0,505\n",
            "row 2, column 'B (Bedrag)': expected an amount in euros: '0,505' has",
        ),
        (
            "Dorp;Bedrag\nAdorp;0,5\nBaflo;12,345\n",
            "row 3, column 'B (Bedrag)': expected an amount in euros: '12,345' could",
        ),
        ("Dorp;Bedrag;Carried years\nAdorp;100;1,5\n", "column 'C (Carried years)': expected a whole number"),
        ("Dorp;Bedrag\nAdorp;100\nBaflo;200\nTotaal;400\n", "row 4, column 'B (Bedrag)': the grand total"),
        ("Dorp;Bedrag\nAdorp;100\nTotaal;100\nTotaal;100\n", "row 4: two grand-total rows"),
        (
            "Dorp;Bedrag;Totaal\nAdorp;100;100\nAdorp;5;5\n",
            "row 3: the name 'Adorp' is there twice, also on row 2",
        ),
        ("Code;Dorp;Bedrag\nd01;Adorp;1\nD01;Baflo;2\n", "row 3: the code 'D01 Baflo' is there twice"),
        (
            "Dorp;Bedrag;Restant;Unspent\nAdorp;1;1;1\n",
            "two columns hold the unspent: C (Restant) and D (Unspent)",
        ),
        ("Dorp;Bedrag\nAd\x07orp;1\n", "row 2, column 'A (Dorp)': the text holds a control character"),
        (
            "Wat;Hoeveel\nAdorp;1\n",
            "no header row found in the first 50 rows: expected a row with column names such",
        ),
    ],
)
def test_a_table_that_cannot_be_read(folder: Path, text: str, expected: str) -> None:
    message = error_of(table(folder, text))
    assert message.startswith(f"{folder / 'vorig.csv'}")
    assert expected in message


def test_a_missing_column_lists_the_headers_found(folder: Path) -> None:
    message = error_of(table(folder, "Dorp;Inwoners;Geld\nAdorp;5;100\n"))
    assert message.endswith("the headers are 'Dorp', 'Inwoners', 'Geld'")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda document: document.update(format="other"), "not a budgetcalc report"),
        (
            lambda document: document["areas"][1]["amounts"].update(total="7.005"),
            "areas[1]: total: expected an amount",
        ),
        (
            lambda document: document["areas"][1]["amounts"].update(total="-7.00"),
            "key 'areas[1]': last year's amount is negative",
        ),
        (
            lambda document: document["areas"].append(document["areas"][0]),
            "the code 'D01 Adorp' is there twice",
        ),
        (lambda document: document["areas"][0].update(name=["x"]), "key 'areas[0].name': expected text"),
    ],
)
def test_a_json_report_that_cannot_be_read(folder: Path, change: object, expected: str) -> None:
    document = json.loads(render_report(this_year(folder), ReportFormat.JSON))
    change(document)  # type: ignore[operator]
    message = error_of(written(folder, "vorig.json", json.dumps(document).encode()))
    assert expected in message


def test_files_that_are_not_tables(folder: Path) -> None:
    assert "unsupported file type '.toml'" in error_of(folder / "r.toml")
    assert "--previous-sheet applies to Excel workbooks only" in error_of(folder / "pop.csv", "Blad1")
    assert "not found" in error_of(folder / "gone.csv")
    assert "damaged" in error_of(written(folder, "broken.xlsx", b"PK\x03\x04 not a workbook"))
    os.mkfifo(folder / "fifo.csv")
    assert "expected a spreadsheet file, got a FIFO" in error_of(folder / "fifo.csv")
    with (folder / "big.csv").open("wb") as stream:
        stream.truncate(64 * 1024 * 1024 + 1)  # sparse: refused by its size, never read
    assert "too large" in error_of(folder / "big.csv")


def test_formula_text_is_read_as_text_and_a_formula_cell_refused(folder: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Verdeling"
    sheet.append(["Naam", "Totaal"])
    for row, text in enumerate(['=HYPERLINK("http://x","y")', "@SUM(1)", "+1"], start=2):
        sheet.cell(row, 1, text).data_type = "s"  # text that merely looks like a formula
        sheet.cell(row, 2, row)
    book.save(folder / "vorig.xlsx")
    assert read_previous(folder / "vorig.xlsx").names == ('=HYPERLINK("http://x","y")', "@SUM(1)", "+1")
    sheet["B2"] = "=1+1"  # a formula, which Excel would compute: refused, not guessed
    book.save(folder / "vorig.xlsx")
    assert "refused rather than guessed" in error_of(folder / "vorig.xlsx")


# --- 4. the command line ------------------------------------------------------------------------


def test_a_bad_previous_file_is_one_line_and_no_report(folder: Path) -> None:
    table(folder, "Dorp;Bedrag\nAdorp;-1\n")
    before = (folder / "vorig.csv").read_bytes()
    for command in (
        ["allocate", "pop.csv", "-r", "r.toml", "-o", "out.xlsx"],
        ["explain", "pop.csv", "-r", "r.toml", "-a", "D01"],
    ):
        line = one_error_line(run(*command, "--previous", "vorig.csv"))
        assert line == (
            "error: vorig.csv, row 2, column 'B (Bedrag)': last year's amount is negative (-€1.00); "
            "expected 0 or more"
        )
    assert not (folder / "out.xlsx").exists()
    assert (folder / "vorig.csv").read_bytes() == before


def test_previous_sheet_needs_previous_and_the_report_never_replaces_it(folder: Path) -> None:
    line = one_error_line(run("allocate", "pop.csv", "-r", "r.toml", "--previous-sheet", "Blad1"))
    assert "--previous-sheet names a sheet of the --previous file" in line
    written(folder, "vorig.json", render_report(this_year(folder), ReportFormat.JSON))
    before = (folder / "vorig.json").read_bytes()
    result = run(
        "allocate", "pop.csv", "-r", "r.toml", "-o", "vorig.json", "--previous", "vorig.json", "--force"
    )
    assert "error: vorig.json: " in one_error_line(result)
    assert (folder / "vorig.json").read_bytes() == before


def test_help_says_what_previous_is_for() -> None:
    shown = " ".join(CliRunner().invoke(app, ["allocate", "--help"], terminal_width=200).output.split())
    assert "--previous" in shown and "Last year's allocation" in shown and "--previous-sheet" in shown


def test_allocate_with_a_previous_report_records_it(folder: Path) -> None:
    assert run("allocate", "pop.csv", "-r", "r.toml", "-o", "vorig.json").exit_code == 0
    assert (
        run("allocate", "pop.csv", "-r", "r.toml", "-o", "nu.json", "--previous", "vorig.json").exit_code == 0
    )
    recorded = json.loads((folder / "nu.json").read_text())["provenance"]["previous_file"]
    assert recorded["path"] == "vorig.json"
    assert recorded["sha256"] == hashlib.sha256((folder / "vorig.json").read_bytes()).hexdigest()
    assert [row["amount"] for row in recorded["rows"]] == ["7682.52", "10011.00"]


# --- 5. provenance: the rows as read, so verify needs no file --------------------------------------


def with_previous(folder: Path, previous: PreviousYear) -> Allocation:
    """This year's allocation with last year's rows recorded (as allocation_of records them)."""
    result = this_year(folder)
    assert result.provenance is not None
    record = dataclasses.replace(result.provenance, previous=previous_record(previous))
    computed = allocate(result.population, result.ruleset, previous=previous)
    return dataclasses.replace(computed, provenance=record)


def last_year(folder: Path) -> PreviousYear:
    return read_previous(
        table(
            folder,
            "Code;Naam;Bedrag;Onbesteed;Jaren overgedragen\nD01;Adorp;7000;12,50;1\nD02;Baflo;9000,10;0;3\n",
        )
    )


def test_the_record_holds_every_row_as_exact_text(folder: Path) -> None:
    previous = last_year(folder)
    record = previous_record(previous)
    assert record == {
        "path": str(folder / "vorig.csv"),
        "sha256": hashlib.sha256((folder / "vorig.csv").read_bytes()).hexdigest(),
        "rows": [
            {"code": "D01", "name": "Adorp", "amount": "7000.00", "unspent": "12.50", "carried_years": "1"},
            {"code": "D02", "name": "Baflo", "amount": "9000.10", "unspent": "0.00", "carried_years": "3"},
        ],
    }
    again = previous_from_record(record)
    assert again.codes == previous.codes and again.names == previous.names
    for column in ("amount_cents", "unspent_cents", "carried_years"):
        assert getattr(again, column).tolist() == getattr(previous, column).tolist()


@given(
    st.lists(
        st.tuples(st.text(max_size=8), st.integers(0, 10**13), st.integers(0, 10**11), st.integers(0, 100)),
        min_size=1,
        max_size=5,
    ),
    st.booleans(),
)
def test_any_previous_year_survives_its_record(rows: list[tuple[str, int, int, int]], extra: bool) -> None:
    previous = PreviousYear(
        codes=tuple(f"C{index}" for index in range(len(rows))),
        names=tuple(name for name, _, _, _ in rows),
        amount_cents=np.array([amount for _, amount, _, _ in rows], dtype=np.int64),
        unspent_cents=np.array([unspent for _, _, unspent, _ in rows], dtype=np.int64) if extra else None,
        carried_years=np.array([years for _, _, _, years in rows], dtype=np.int64) if extra else None,
        file="vorig.csv",
        sha256="0" * 64,
    )
    record = json.loads(json.dumps(previous_record(previous)))
    again = previous_from_record(record)
    assert again.names == previous.names and again.amount_cents.tolist() == previous.amount_cents.tolist()
    assert (again.unspent_cents is None) == (not extra) and (again.carried_years is None) == (not extra)
    if extra:
        assert again.unspent_cents is not None and previous.unspent_cents is not None
        assert again.unspent_cents.tolist() == previous.unspent_cents.tolist()


def test_a_damaged_record_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not an amount"):
        previous_from_record(
            {"path": "x", "sha256": None, "rows": [{"code": "", "name": "a", "amount": "x"}]}
        )
    with pytest.raises(ValueError, match="damaged"):
        previous_from_record({"path": "x", "rows": [{"code": ""}]})


def test_the_json_report_and_the_workbook_record_the_rows_by_file_name(folder: Path) -> None:
    previous = last_year(folder)
    allocation = with_previous(folder, previous)
    expected = {**previous_record(previous), "path": "vorig.csv"}
    document = json.loads(render_report(allocation, ReportFormat.JSON))
    assert document["provenance"]["previous_file"] == expected
    assert Provenance.from_json(document["provenance"]).previous == expected
    book = written(folder, "nu.xlsx", render_report(allocation, ReportFormat.XLSX))
    grid, _, _ = read_excel_grid(book, "Herkomst")
    assert read_provenance_sheet([row for _, row in grid]).provenance.previous == expected


def test_a_report_made_without_previous_records_none_and_still_verifies(folder: Path) -> None:
    document = json.loads(render_report(this_year(folder), ReportFormat.JSON))
    assert "previous_file" not in document["provenance"]
    assert Provenance.from_json(document["provenance"]).previous is None
    path = written(folder, "nu.json", json.dumps(document).encode())
    assert verify_json_report(path).holds
    table(folder, "Dorp;Bedrag\nAdorp;1\n")
    found = verify_json_report(path, previous=folder / "vorig.csv")
    assert found.problems == (
        f"the report was made without last year's allocation, not with {folder / 'vorig.csv'}",
    )


def test_verify_re_performs_with_the_recorded_rows_and_names_a_changed_file(folder: Path) -> None:
    previous = last_year(folder)
    path = written(folder, "nu.json", render_report(with_previous(folder, previous), ReportFormat.JSON))
    (folder / "vorig.csv").unlink()
    assert verify_json_report(path).holds  # without the file
    changed = table(
        folder,
        "Code;Naam;Bedrag;Onbesteed;Jaren overgedragen\nD01;Adorp;7000;12,50;1\nD02;Baflo;9000,20;0;3\n",
    )
    found = verify_json_report(path, previous=changed)
    assert any("is not the one the report was made with" in line for line in found.problems)


@pytest.mark.parametrize("form", ["xlsx", "json"])
def test_a_report_with_a_gone_area_verifies_end_to_end(folder: Path, form: str) -> None:
    # Het Hogeland 2024: 6.567 + 1,68 x inwoners. Oudedorp was there last year and is gone now; its row
    # below the total row is no area, and verify re-performs the report from what it recorded.
    (folder / "dorpen.csv").write_text(
        "code,naam,inwoners\nADP,Adorp,664\nNEW,Nieuwdorp,100\n", encoding="utf-8"
    )
    (folder / "vorig.csv").write_text(
        "Code;Naam;Bedrag;Niet besteed\nADP;Adorp;7.682,52;500\nOLD;Oudedorp;7.000,00;250\n", encoding="utf-8"
    )
    rules = Path(__file__).resolve().parent.parent / "rules" / "het-hogeland.toml"
    made = CliRunner().invoke(
        app,
        [
            "allocate",
            "dorpen.csv",
            "-r",
            str(rules),
            "--year",
            "2024",
            "--previous",
            "vorig.csv",
            "-o",
            f"r.{form}",
        ],
    )
    assert made.exit_code == 0, made.output
    checked = CliRunner().invoke(app, ["verify", f"r.{form}"])
    assert checked.exit_code == 0, checked.output
    assert "(2 areas;" in checked.output


def dorpsbudget_files(folder: Path, areas: str, last_year: str, rules_on_last_year: str) -> None:
    """dorpen.csv (this year's areas), vorig.csv (last year's table) and regels.toml: Het Hogeland's
    6.567 + 1,68 per inhabitant with the given rules on last year."""
    (folder / "dorpen.csv").write_text("code,naam,inwoners\n" + areas, encoding="utf-8")
    (folder / "vorig.csv").write_text(last_year, encoding="utf-8")
    (folder / "regels.toml").write_text(
        'name = "Dorpsbudget"\nmunicipality = "Het Hogeland"\ndecision = "Voorbeeld"\n'
        "valid_from = 2024-01-01\nreference_date = 2024-01-01\n"
        "[components.dorpsbudget]\nfixed = 6567\nrate = 1.68\n" + rules_on_last_year,
        encoding="utf-8",
    )


def test_the_excel_csv_words_the_status_and_the_rule_that_acted(folder: Path) -> None:
    # 6.567 + 1,68 x 664 = 7.682,52, at most 5 % above last year's 7.000: 7.350 (the cap acted)
    dorpsbudget_files(
        folder,
        "ADP,Adorp,664\nNEW,Nieuwdorp,100\n",
        "Code;Naam;Bedrag\nADP;Adorp;7.000,00\nOLD;Oudedorp;7.000,00\n",
        "[transition]\nmax_increase_percent = 5\n",
    )
    base = ["allocate", "dorpen.csv", "-r", "regels.toml", "--previous", "vorig.csv"]
    assert CliRunner().invoke(app, [*base, "-o", "nl.csv", "--excel"]).exit_code == 0
    assert CliRunner().invoke(app, [*base, "-o", "keys.csv"]).exit_code == 0
    dutch = (folder / "nl.csv").read_text(encoding="utf-8-sig").splitlines()
    assert dutch[1].startswith("ADP;Adorp;;664;7682,52;-332,52;7350,00;;7000,00;350,00;maximale stijging;")
    assert ";nieuw;" in dutch[2] and ";vervallen;" in dutch[3]
    keys = (folder / "keys.csv").read_text(encoding="utf-8").splitlines()
    assert ",max_increase_percent," in keys[1] and ",new," in keys[2] and ",gone," in keys[3]


def test_a_report_carries_the_years_of_carried_money_into_next_years_run(folder: Path) -> None:
    # 2024: Adorp keeps its 250 unspent (its first year of carrying: 0 before, 1 now); the report as
    # next year's --previous (with the unspent column the treasurer adds) says 1 year carried.
    dorpsbudget_files(
        folder,
        "ADP,Adorp,664\nBFL,Baflo,2050\n",
        "Code;Naam;Bedrag;Niet besteed\nADP;Adorp;7.000,00;250\nBFL;Baflo;9.000,00;0\n",
        "[carry_over]\nkeep = true\nmax_years = 3\n",
    )
    made = CliRunner().invoke(
        app, ["allocate", "dorpen.csv", "-r", "regels.toml", "--previous", "vorig.csv", "-o", "r2024.xlsx"]
    )
    assert made.exit_code == 0, made.output
    read = read_previous(folder / "r2024.xlsx")
    assert read.carried_years is not None
    assert dict(zip(read.codes, read.carried_years.tolist(), strict=True)) == {"ADP": 1, "BFL": 0}
    assert dict(zip(read.codes, read.amount_cents.tolist(), strict=True)) == {"ADP": 768252, "BFL": 1001100}
