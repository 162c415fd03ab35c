"""A municipal spreadsheet with its own headers, mapped with ``--columns`` or ``--column``; and
``--skip-suppressed``, which leaves out areas whose inhabitants CBS did not publish and lists them.

Expected amounts follow from the rule (Het Hogeland: €6,567 + €1.68 per inhabitant) and the figures
written in each test, not from budgetcalc.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from helpers import in_english
from openpyxl import Workbook
from typer.testing import CliRunner, Result

from cli import app

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "het-hogeland.toml"

# Achtkarspelen villages with made-up counts, as a municipality's own workbook has them.
VILLAGES = [
    ("AK01", "Buitenpost", "dorp", 6020, 5980, 2710),
    ("AK02", "Surhuisterveen", "dorp", 6310, 6275, 2840),
    ("AK03", "Kootstertille", "dorp", 2055, 2070, 905),
    ("AK04", "Harkema", "dorp", 4420, 4395, 1880),
    ("AK05", "Augustinusga", "dorp", 1060, 1050, 455),
]
HEADERS = [
    "Nr.",
    "Omschrijving",
    "Categorie",
    "Aantal personen 1-1-2024",
    "Aantal personen 1-1-2023",
    "Woningen (BAG)",
]
MAPPING = {
    "code": "Nr.",
    "name": "Omschrijving",
    "kind": "Categorie",
    "inhabitants": "Aantal personen 1-1-2024",
}


def budget(inhabitants: int) -> Decimal:
    return Decimal("6567") + Decimal("1.68") * inhabitants


def municipal_workbook(path: Path) -> Path:
    """Title block, headers no alias knows, a notes column, the villages and a totals row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Dorpen 2024"
    sheet.append(["Gemeente Achtkarspelen"])
    sheet.append(["Dorpsbudgetten 2024, bijlage bij het raadsvoorstel"])
    sheet.append([])
    sheet.append([*HEADERS, "Opmerking"])
    for row in VILLAGES:
        sheet.append([*row, None])
    sheet.append([None, "Totaal", None, sum(v[3] for v in VILLAGES), sum(v[4] for v in VILLAGES), None])
    workbook.save(path)
    return path


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, in_english(["allocate", *map(str, args)]))


def one_error_line(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def report_rows(path: Path) -> dict[str, dict[str, str]]:
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    return {row["code"]: row for row in rows}


def toml_lines(mapping: dict[str, str]) -> str:
    return "".join(f"{field} = {json.dumps(header)}\n" for field, header in mapping.items())


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def municipal(workdir: Path) -> Path:
    return municipal_workbook(workdir / "dorpen-achtkarspelen.xlsx")


# --- mapping the municipality's own headers -------------------------------------------------------


def test_unknown_headers_without_a_mapping_are_refused(workdir: Path, municipal: Path) -> None:
    line = one_error_line(run(municipal, "-r", RULES, "-o", "out.csv"))
    assert line.startswith(f"error: {municipal}, sheet 'Dorpen 2024': no header row found")
    assert "(or map your headers with --column)" in line
    assert sorted(p.name for p in workdir.iterdir()) == [municipal.name]


@pytest.mark.parametrize("section", [True, False], ids=["columns-section", "top-level"])
def test_mapping_file(workdir: Path, municipal: Path, section: bool) -> None:
    mapping = workdir / "kolommen.toml"
    mapping.write_text(("[columns]\n" if section else "") + toml_lines(MAPPING), encoding="utf-8")
    result = run(municipal, "-r", RULES, "--columns", mapping, "-o", "out.csv", "--lang", "en")
    assert result.exit_code == 0, result.output
    rows = report_rows(workdir / "out.csv")
    assert {code: Decimal(row["total"]) for code, row in rows.items()} == {
        v[0]: budget(v[3]) for v in VILLAGES
    }
    assert {code: row["name"] for code, row in rows.items()} == {v[0]: v[1] for v in VILLAGES}
    assert {row["kind"] for row in rows.values()} == {"dorp"}
    assert "warning: 1 row(s) skipped, a totals row (no area code, name 'Totaal'): row 10" in result.stderr


def test_column_options_give_the_same_report_as_the_mapping_file(workdir: Path, municipal: Path) -> None:
    mapping = workdir / "kolommen.toml"
    mapping.write_text(toml_lines(MAPPING), encoding="utf-8")
    assert run(municipal, "-r", RULES, "--columns", mapping, "-o", "file.csv").exit_code == 0
    options = [f"--column={field}={header}" for field, header in MAPPING.items()]
    result = run(municipal, "-r", RULES, *options, "-o", "options.csv")
    assert result.exit_code == 0, result.output
    assert (workdir / "file.csv").read_bytes() == (workdir / "options.csv").read_bytes()


def test_a_column_option_overrides_the_mapping_file(workdir: Path, municipal: Path) -> None:
    mapping = workdir / "kolommen.toml"
    mapping.write_text(toml_lines({**MAPPING, "inhabitants": "Aantal personen 1-1-2023"}), encoding="utf-8")
    result = run(
        municipal, "-r", RULES, "--columns", mapping, "-o", "out.csv",
        "--column", 'inhabitants="Aantal personen 1-1-2024"',
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = report_rows(workdir / "out.csv")
    assert {code: int(row["inhabitants"]) for code, row in rows.items()} == {v[0]: v[3] for v in VILLAGES}


def test_headers_and_fields_are_matched_loosely(workdir: Path, municipal: Path) -> None:
    """Field names may be Dutch aliases; headers match whatever their case, spaces and signs."""
    result = run(
        municipal, "-r", RULES, "-o", "out.csv",
        "--column", "gebiedscode=nr",
        "--column", "Naam=OMSCHRIJVING",
        "--column", "soort= categorie ",
        "--column", "inwoners=aantal_personen_1_1_2023",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = report_rows(workdir / "out.csv")
    assert {code: Decimal(row["total"]) for code, row in rows.items()} == {
        v[0]: budget(v[4]) for v in VILLAGES
    }


def test_a_mapped_column_replaces_the_one_an_alias_would_find(workdir: Path) -> None:
    """'inwoners' holds last year's counts; the mapping picks this year's, without a 'both mean' error."""
    path = workdir / "wijken.csv"
    path.write_text(
        "gebiedscode;naam;inwoners;Inwoners 1-1-2024\nW01;Centrum;1000;1100\nW02;Noord;2000;2100\n",
        encoding="utf-8",
    )
    assert run(path, "-r", RULES, "-o", "old.csv").exit_code == 0
    assert {c: r["inhabitants"] for c, r in report_rows(workdir / "old.csv").items()} == {
        "W01": "1000",
        "W02": "2000",
    }
    result = run(path, "-r", RULES, "-o", "new.csv", "--column", "inhabitants=Inwoners 1-1-2024")
    assert result.exit_code == 0, result.output
    assert {c: r["inhabitants"] for c, r in report_rows(workdir / "new.csv").items()} == {
        "W01": "1100",
        "W02": "2100",
    }


def test_a_mapped_column_for_a_rule(workdir: Path, municipal: Path) -> None:
    """A rule per dwelling, the dwellings in the municipality's own column 'Woningen (BAG)'."""
    rules = workdir / "per-woning.toml"
    rules.write_text(
        'name = "Leefbaarheidsbudget"\nmunicipality = "Achtkarspelen"\n'
        'decision = "Besluit van het college, art. 2"\nvalid_from = 2024-01-01\nreference_date = 2024-01-01\n'
        '[components.woningen]\nrate = 2.5\nper = "dwellings"\n',
        encoding="utf-8",
    )
    options = [f"--column={field}={header}" for field, header in MAPPING.items()]
    result = run(municipal, "-r", rules, *options, "--column", "dwellings=Woningen (BAG)", "-o", "out.csv")
    assert result.exit_code == 0, result.output
    rows = report_rows(workdir / "out.csv")
    assert {code: Decimal(row["total"]) for code, row in rows.items()} == {
        v[0]: Decimal("2.5") * v[5] for v in VILLAGES
    }


# --- mistakes in a mapping: one line, no report --------------------------------------------------


def test_missing_mapping_file(workdir: Path, municipal: Path) -> None:
    line = one_error_line(run(municipal, "-r", RULES, "--columns", "geen.toml", "-o", "out.csv"))
    assert line == "error: geen.toml: column mapping file not found"
    assert not (workdir / "out.csv").exists()


def test_mapping_file_that_is_not_toml(workdir: Path, municipal: Path) -> None:
    mapping = workdir / "kolommen.toml"
    mapping.write_text('code = "Nr."\ninhabitants = Aantal personen\n', encoding="utf-8")
    line = one_error_line(run(municipal, "-r", RULES, "--columns", mapping, "-o", "out.csv"))
    assert line.startswith(f"error: {mapping}: not a valid column mapping (TOML): ")
    assert "line 2" in line
    assert not (workdir / "out.csv").exists()


def test_mapping_file_with_a_header_not_in_quotes(workdir: Path, municipal: Path) -> None:
    mapping = workdir / "kolommen.toml"
    mapping.write_text('code = "Nr."\ninhabitants = 2024\n', encoding="utf-8")
    line = one_error_line(run(municipal, "-r", RULES, "--columns", mapping, "-o", "out.csv"))
    assert line == (
        f"error: {mapping}, key 'inhabitants': 'inhabitants' must name a column header in quotes, "
        'e.g. inhabitants = "Inwoners"'
    )


@pytest.mark.parametrize("option", ["inhabitants", "=Aantal personen", "inhabitants=", "inhabitants=  "])
def test_malformed_column_option(workdir: Path, municipal: Path, option: str) -> None:
    line = one_error_line(run(municipal, "-r", RULES, "--column", option, "-o", "out.csv"))
    assert (
        line == f"error: --column expects FIELD=HEADER, e.g. inhabitants=\"Aantal personen\"; got '{option}'"
    )
    assert not (workdir / "out.csv").exists()


def test_mapping_to_a_header_the_sheet_lacks(workdir: Path, municipal: Path) -> None:
    options = [f"--column={field}={header}" for field, header in MAPPING.items()]
    result = run(municipal, "-r", RULES, *options, "--column", "inhabitants=Inwoners", "-o", "out.csv")
    line = one_error_line(result)
    assert line.startswith(
        f"error: {municipal}, sheet 'Dorpen 2024': the column mapping names 'Inwoners' for inhabitants, "
        "but the file has no such column (found: Nr., Omschrijving, Categorie, Aantal personen 1-1-2024, "
    )


# --- --skip-suppressed ----------------------------------------------------------------------------

SUPPRESSED_CSV = (
    "gebiedscode;naam;soort;inwoners\n"
    "W01;Centrum;wijk;1200\n"
    "W02;Haven;wijk;.\n"
    "W03;Noord;wijk;3400\n"
    "W04;Industrieterrein;wijk;x\n"
    "W05;Buitengebied;wijk;-99997\n"
    "W06;Zuid;wijk;2500\n"
)
KEPT = {"W01": 1200, "W03": 3400, "W06": 2500}
SKIPPED_EN = "3 row(s) skipped, inhabitants suppressed (secret or unknown): row 3, 5, 6"
ALLOCATION_SHEET = {"en": "Allocation", "nl": "Verdeling"}
SKIPPED_NL = "3 rij(en) overgeslagen, aantal inwoners niet gepubliceerd (geheim of onbekend): rij 3, 5, 6"


@pytest.fixture
def suppressed(workdir: Path) -> Path:
    path = workdir / "wijken.csv"
    path.write_text(SUPPRESSED_CSV, encoding="utf-8")
    return path


def sheet_texts(path: Path, title: str) -> list[list[str]]:
    sheet = openpyxl.load_workbook(path)[title]
    return [[str(cell) for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]


def test_without_the_option_a_suppressed_count_is_an_error(workdir: Path, suppressed: Path) -> None:
    line = one_error_line(run(suppressed, "-r", RULES, "-o", "out.xlsx"))
    assert line.startswith(f"error: {suppressed}, row 3, column 'inwoners': the value is suppressed ('.'")
    assert "--skip-suppressed" in line


@pytest.mark.parametrize(
    ("lang", "warning", "sheet"), [("en", SKIPPED_EN, "Checks"), ("nl", SKIPPED_NL, "Controles")]
)
def test_skipped_rows_are_listed_on_the_terminal_and_the_checks_sheet(
    workdir: Path, suppressed: Path, lang: str, warning: str, sheet: str
) -> None:
    result = run(suppressed, "-r", RULES, "--skip-suppressed", "--lang", lang, "-o", "out.xlsx")
    assert result.exit_code == 0, result.output
    assert warning not in result.stdout  # a warning, not a result: on standard error
    assert result.stderr.splitlines() == [f"{'warning' if lang == 'en' else 'let op'}: {warning}"]
    checks = sheet_texts(workdir / "out.xlsx", sheet)
    assert any(warning in row for row in checks), checks
    allocation = {cell for row in sheet_texts(workdir / "out.xlsx", ALLOCATION_SHEET[lang]) for cell in row}
    assert set(KEPT) <= allocation and not {"W02", "W04", "W05"} & allocation


def test_skipped_rows_are_left_out_of_the_csv_and_listed_in_the_json(workdir: Path, suppressed: Path) -> None:
    assert run(suppressed, "-r", RULES, "--skip-suppressed", "-o", "out.csv").exit_code == 0
    rows = report_rows(workdir / "out.csv")
    assert {code: Decimal(row["total"]) for code, row in rows.items()} == {
        code: budget(count) for code, count in KEPT.items()
    }
    assert run(suppressed, "-r", RULES, "--skip-suppressed", "--lang", "en", "-o", "out.json").exit_code == 0
    document = json.loads((workdir / "out.json").read_text(encoding="utf-8"))
    assert SKIPPED_EN in document["warnings"]
    assert [area["code"] for area in document["areas"]] == list(KEPT)


def test_suppressed_numbers_in_a_workbook(workdir: Path) -> None:
    """CBS's numeric marks (-99997) and text marks ('.') in an .xlsx, among real counts."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["gebiedscode", "naam", "inwoners"])
    for row in [
        ("W01", "Centrum", 1200),
        ("W02", "Haven", -99997),
        ("W03", "Noord", "."),
        ("W04", "Zuid", 0),
    ]:
        sheet.append(list(row))
    workbook.save(workdir / "wijken.xlsx")
    result = run(workdir / "wijken.xlsx", "-r", RULES, "--skip-suppressed", "--lang", "en", "-o", "out.csv")
    assert result.exit_code == 0, result.output
    assert "2 row(s) skipped, inhabitants suppressed (secret or unknown): row 3, 4" in result.stderr
    assert "1 area(s) with 0 inhabitants: Zuid" in result.stderr
    assert {code: row["inhabitants"] for code, row in report_rows(workdir / "out.csv").items()} == {
        "W01": "1200",
        "W04": "0",
    }


def test_skip_suppressed_does_not_hide_other_mistakes(workdir: Path) -> None:
    path = workdir / "wijken.csv"
    path.write_text(SUPPRESSED_CSV + "W07;Oost;wijk;veel\n", encoding="utf-8")
    line = one_error_line(run(path, "-r", RULES, "--skip-suppressed", "-o", "out.csv"))
    assert (
        line == f"error: {path}, row 8, column 'inwoners': expected a whole number of 0 or more, got 'veel'"
    )
    assert not (workdir / "out.csv").exists()


def test_nothing_left_to_allocate_is_an_error(workdir: Path) -> None:
    path = workdir / "wijken.csv"
    path.write_text(
        "gebiedscode;naam;soort;inwoners\nW02;Haven;wijk;.\nW04;Industrie;wijk;x\n", encoding="utf-8"
    )
    line = one_error_line(run(path, "-r", RULES, "--skip-suppressed", "-o", "out.csv"))
    assert line.startswith(f"error: {path}: ")
    assert "no areas" in line
    assert not (workdir / "out.csv").exists()
