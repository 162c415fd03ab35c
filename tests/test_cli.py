"""The ``budgetcalc`` command: reports, summary, overwrite protection and one-line errors.

Expected amounts follow from the rule (Het Hogeland: €6,567 + €1.68 per inhabitant) and the
inhabitants read straight from the bundled workbook with openpyxl, not from budgetcalc.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tomllib
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from helpers import in_english
from typer.testing import CliRunner, Result

from cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
LEEUWARDEN = ROOT / "data" / "leeuwarden-wijken-2024.xlsx"
RULES = DATA / "cli-het-hogeland.toml"
BAD_RULES = DATA / "cli-bad-rule.toml"
DEFAULT_NAME = "cli-het-hogeland"


def leeuwarden_inhabitants() -> dict[str, int]:
    sheet = openpyxl.load_workbook(LEEUWARDEN, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(cell).strip().lower() for cell in rows[0]]
    code, count = header.index("gebiedscode"), header.index("inwoners")
    return {str(row[code]): int(row[count]) for row in rows[1:] if row[code] is not None}


INHABITANTS = leeuwarden_inhabitants()
AMOUNTS = {code: Decimal("6567") + Decimal("1.68") * count for code, count in INHABITANTS.items()}
TOTAL = sum(AMOUNTS.values(), Decimal(0))


def euro_nl(amount: Decimal) -> str:
    return "€ " + f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def euro_en(amount: Decimal) -> str:
    return f"€{amount:,.2f}"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(arg) for arg in args])


def run_in_english(*args: str | Path) -> Result:
    """The command with --lang en: its messages in the English the tests quote."""
    return CliRunner().invoke(app, in_english([str(arg) for arg in args]))


def files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def assert_one_error_line(result: Result) -> str:
    """Exit code 2, a single ``error:`` line on stderr, no traceback; returns that line."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert [line for line in result.output.splitlines() if line.startswith("error:")] == lines
    return lines[0]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_expected_amounts_are_sane() -> None:
    assert len(INHABITANTS) == 22
    assert Decimal("6567") + Decimal("1.68") * 664 == Decimal("7682.52")


# --- reports -------------------------------------------------------------------------------------


def test_allocate_writes_xlsx_and_prints_the_summary(workdir: Path) -> None:
    output = workdir / "verdeling.xlsx"
    result = run("allocate", LEEUWARDEN, "--rules", RULES, "--output", output)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "Regeling: Dorpsbudget Het Hogeland" in result.stdout
    assert "Aantal gebieden: 22" in result.stdout
    assert f"Totaal te verdelen: {euro_nl(TOTAL)}" in result.stdout
    smallest = min(AMOUNTS.values())
    assert f"Laagste bedrag: {euro_nl(smallest)} (Middelsee)" in result.stdout
    assert result.stdout.rstrip().endswith(f"Rapport geschreven: {output}")
    assert files(workdir) == ["verdeling.xlsx"]
    book = openpyxl.load_workbook(output)
    assert book.sheetnames == [
        "Samenvatting",
        "Verdeling",
        "Regels",
        "Controles",
        "Berekening",
        "Invoer",
        "Parameters",
        "Herkomst",
    ]
    sheet = book["Verdeling"]
    written = {
        sheet.cell(row=row, column=1).value: Decimal(str(sheet.cell(row=row, column=6).value))
        for row in range(2, 24)
    }
    assert written == {code: amount.quantize(Decimal("0.01")) for code, amount in AMOUNTS.items()}
    assert sheet.cell(row=24, column=1).value == "Totaal"
    assert Decimal(str(sheet.cell(row=24, column=6).value)) == TOTAL


def test_format_csv(workdir: Path) -> None:
    result = run("allocate", LEEUWARDEN, "--rules", RULES, "--format", "csv", "--output", "verdeling.csv")
    assert result.exit_code == 0, result.output
    text = (workdir / "verdeling.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0] == "code,name,kind,inhabitants,dorpsbudget,total"
    assert len(rows) == 22
    assert {row["code"]: row["total"] for row in rows} == {code: f"{a:.2f}" for code, a in AMOUNTS.items()}
    assert {row["code"]: int(row["inhabitants"]) for row in rows} == INHABITANTS


def test_format_json(workdir: Path) -> None:
    result = run("allocate", LEEUWARDEN, "-r", RULES, "-f", "json")
    assert result.exit_code == 0, result.output
    document = json.loads((workdir / f"{DEFAULT_NAME}.json").read_text(encoding="utf-8"))
    assert document["total"] == f"{TOTAL:.2f}"
    assert {area["code"]: area["amounts"]["total"] for area in document["areas"]} == {
        code: f"{amount:.2f}" for code, amount in AMOUNTS.items()
    }


def test_format_from_the_output_suffix(workdir: Path) -> None:
    result = run("allocate", LEEUWARDEN, "-r", RULES, "-o", "verdeling.CSV")
    assert result.exit_code == 0, result.output
    assert (workdir / "verdeling.CSV").read_text(encoding="utf-8").startswith("code,name,")


def test_lang_en(workdir: Path) -> None:
    result = run("allocate", LEEUWARDEN, "--rules", RULES, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Rule set: Dorpsbudget Het Hogeland" in result.stdout
    assert "Number of areas: 22" in result.stdout
    assert f"Total allocated: {euro_en(TOTAL)}" in result.stdout
    assert f"Report written: {DEFAULT_NAME}.xlsx" in result.stdout
    assert "Aantal gebieden" not in result.stdout
    book = openpyxl.load_workbook(workdir / f"{DEFAULT_NAME}.xlsx")
    assert book.sheetnames == [
        "Summary",
        "Allocation",
        "Rules",
        "Checks",
        "Calculation",
        "Input",
        "Parameters",
        "Provenance",
    ]


def test_default_output_name(workdir: Path) -> None:
    result = run("allocate", LEEUWARDEN, "--rules", RULES)
    assert result.exit_code == 0, result.output
    assert files(workdir) == [f"{DEFAULT_NAME}.xlsx"]
    assert zipfile.is_zipfile(workdir / f"{DEFAULT_NAME}.xlsx")
    assert f"Rapport geschreven: {DEFAULT_NAME}.xlsx" in result.stdout


def test_csv_population_gives_the_same_report(workdir: Path) -> None:
    from_xlsx = run("allocate", LEEUWARDEN, "-r", RULES, "-o", "a.csv")
    from_csv = run("allocate", ROOT / "data" / "leeuwarden-wijken-2024.csv", "-r", RULES, "-o", "b.csv")
    assert from_xlsx.exit_code == from_csv.exit_code == 0
    assert (workdir / "a.csv").read_bytes() == (workdir / "b.csv").read_bytes()


# --- overwriting ---------------------------------------------------------------------------------


def test_refuses_to_overwrite(workdir: Path) -> None:
    target = workdir / f"{DEFAULT_NAME}.xlsx"
    target.write_bytes(b"the council's copy")
    result = run("allocate", LEEUWARDEN, "--rules", RULES)
    line = assert_one_error_line(result)
    assert "--force" in line and f"{DEFAULT_NAME}.xlsx" in line
    assert result.stdout == ""
    assert target.read_bytes() == b"the council's copy"
    assert files(workdir) == [f"{DEFAULT_NAME}.xlsx"]


def test_force_overwrites(workdir: Path) -> None:
    target = workdir / "verdeling.csv"
    target.write_bytes(b"old")
    result = run("allocate", LEEUWARDEN, "--rules", RULES, "-o", target, "--force")
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("code,name,kind,inhabitants,dorpsbudget,total\n")
    assert files(workdir) == ["verdeling.csv"]


# --- user errors: exit code 2, one line, no traceback, no report ---------------------------------


def test_missing_population_file(workdir: Path) -> None:
    line = assert_one_error_line(run_in_english("allocate", "bestaat-niet.xlsx", "--rules", RULES))
    assert line == "error: bestaat-niet.xlsx: file not found"
    assert files(workdir) == []


def test_bad_rule_file_names_the_line(workdir: Path) -> None:
    bad_line = next(
        number
        for number, text in enumerate(BAD_RULES.read_text(encoding="utf-8").splitlines(), start=1)
        if text.startswith("rat ")
    )
    line = assert_one_error_line(run("allocate", LEEUWARDEN, "--rules", BAD_RULES))
    assert f"{BAD_RULES}, line {bad_line}" in line
    assert "rat" in line and "unknown key" in line
    assert files(workdir) == []


def test_invalid_toml_names_the_line(workdir: Path) -> None:
    rules = workdir / "kapot.toml"
    rules.write_text('name = "x"\nmunicipality = \n', encoding="utf-8")
    line = assert_one_error_line(run("allocate", LEEUWARDEN, "--rules", rules, "-o", "out.xlsx"))
    assert "kapot.toml" in line and "line 2" in line
    assert files(workdir) == ["kapot.toml"]


def test_missing_rule_file(workdir: Path) -> None:
    line = assert_one_error_line(run("allocate", LEEUWARDEN, "--rules", "geen.toml"))
    assert line == "error: geen.toml: rule file not found"
    assert files(workdir) == []


def test_missing_column(workdir: Path) -> None:
    population = workdir / "dorpen.csv"
    population.write_text("gebiedscode;naam;soort\nD01;Adorp;dorp\n", encoding="utf-8")
    line = assert_one_error_line(run_in_english("allocate", population, "--rules", RULES, "-o", "out.csv"))
    assert (
        line
        == f"error: {population}: required column 'inhabitants' is missing (found: gebiedscode, naam, soort)"
    )
    assert files(workdir) == ["dorpen.csv"]


def test_bad_value_names_row_and_column(workdir: Path) -> None:
    population = workdir / "dorpen.csv"
    population.write_text(
        "code,name,kind,inhabitants\nD01,Adorp,dorp,664\nD02,Baflo,dorp,-3\n", encoding="utf-8"
    )
    line = assert_one_error_line(run_in_english("allocate", population, "--rules", RULES, "-o", "out.json"))
    assert line == f"error: {population}, row 3, column 'inhabitants': expected 0 or more, got '-3'"
    assert files(workdir) == ["dorpen.csv"]


def test_unknown_sheet(workdir: Path) -> None:
    line = assert_one_error_line(
        run_in_english("allocate", LEEUWARDEN, "--rules", RULES, "--sheet", "Dorpen")
    )
    assert "no sheet 'Dorpen'" in line and str(LEEUWARDEN) in line
    assert files(workdir) == []


def test_format_and_suffix_disagree(workdir: Path) -> None:
    line = assert_one_error_line(run("allocate", LEEUWARDEN, "-r", RULES, "-f", "csv", "-o", "out.xlsx"))
    assert "out.xlsx" in line and ".csv" in line
    assert files(workdir) == []


def test_missing_output_folder(workdir: Path) -> None:
    line = assert_one_error_line(
        run_in_english("allocate", LEEUWARDEN, "-r", RULES, "-o", "nergens/out.xlsx")
    )
    assert "does not exist" in line
    assert files(workdir) == []


def test_damaged_workbook_is_one_error_line(workdir: Path) -> None:
    damaged = workdir / "kapot.xlsx"
    with zipfile.ZipFile(LEEUWARDEN) as original, zipfile.ZipFile(damaged, "w") as copy:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            copy.writestr(info.filename, data)
    line = assert_one_error_line(run("allocate", damaged, "--rules", RULES, "-o", "out.csv"))
    assert "kapot.xlsx" in line
    assert files(workdir) == ["kapot.xlsx"]


# --- help and version ----------------------------------------------------------------------------


def test_root_help() -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert "Example" in result.output and "allocate" in result.output


def test_no_arguments_shows_help() -> None:
    result = run()
    assert "allocate" in result.output
    assert "Traceback" not in result.output


def test_allocate_help() -> None:
    result = run("allocate", "--help")
    assert result.exit_code == 0
    for text in ("Example", "--rules", "--output", "--format", "--lang", "--kind", "--sheet", "--force"):
        assert text in result.output, text


def test_version() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"budgetcalc {version}\n"


# --- the real program in its own process ---------------------------------------------------------


def program(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONUTF8": "1", "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *map(str, args)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_real_program_reports_a_user_error_without_traceback(tmp_path: Path) -> None:
    finished = program("allocate", "--lang", "en", "bestaat-niet.xlsx", "--rules", RULES, cwd=tmp_path)
    assert finished.returncode == 2
    assert "Traceback" not in finished.stdout + finished.stderr
    assert finished.stderr == "error: bestaat-niet.xlsx: file not found\n"
    assert finished.stdout == ""
    assert files(tmp_path) == []


def test_real_program_writes_the_report(tmp_path: Path) -> None:
    finished = program("allocate", LEEUWARDEN, "--rules", RULES, "--format", "csv", cwd=tmp_path)
    assert finished.returncode == 0, finished.stderr
    assert finished.stderr == ""
    assert "Aantal gebieden: 22" in finished.stdout
    assert f"Totaal te verdelen: {euro_nl(TOTAL)}" in finished.stdout
    assert files(tmp_path) == [f"{DEFAULT_NAME}.csv"]
    again = program("allocate", LEEUWARDEN, "--rules", RULES, "--format", "csv", cwd=tmp_path)
    assert again.returncode == 2
    assert "Traceback" not in again.stdout + again.stderr
    assert again.stderr.count("error:") == 1 and "--force" in again.stderr
