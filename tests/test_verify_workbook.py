"""``budgetcalc verify REPORT.xlsx``: a workbook re-performed from its provenance sheet (rule texts, --set
values, options) and its input sheet, and compared with its allocation sheet as it is now. The changes
are made with openpyxl, as someone editing the file in a spreadsheet would."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from test_scenario_reports import POT_RULES
from test_what_ifs import WIJKEN, amount, inhabitants, run

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "leeuwarden-2015.toml"


def report(tmp_path: Path, rules: Path = RULES, *arguments: str) -> Path:
    out = tmp_path / "report.xlsx"
    result = run("allocate", WIJKEN, "-r", rules, "-o", out, *arguments)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return out


def edit(path: Path, sheet: str, cell: str, value: object) -> Path:
    book = openpyxl.load_workbook(path)
    book[sheet][cell] = value
    out = path.with_name("edited.xlsx")
    book.save(out)
    return out


def row_of(path: Path, sheet: str, code: str) -> int:
    book = openpyxl.load_workbook(path, read_only=True)
    return next(
        number for number, row in enumerate(book[sheet].iter_rows(values_only=True), 1) if row[0] == code
    )


def test_an_untouched_workbook_holds(tmp_path: Path) -> None:
    result = run("verify", report(tmp_path))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "all figures hold" in result.output and "re-performed" in result.output  # type: ignore[attr-defined]


def test_the_provenance_sheet_holds_the_rule_text_line_by_line(tmp_path: Path) -> None:
    import hashlib

    book = openpyxl.load_workbook(report(tmp_path), read_only=True)
    rows = list(book["Herkomst"].iter_rows(values_only=True))
    assert ("Regelbestand", RULES.name, hashlib.sha256(RULES.read_bytes()).hexdigest()) in [
        r[:3] for r in rows
    ]
    lines = [row[1] or "" for row in rows if isinstance(row[0], int)]
    assert "\n".join(lines) == RULES.read_text(encoding="utf-8")


def test_a_changed_amount_is_named(tmp_path: Path) -> None:
    out = report(tmp_path)
    code = sorted(inhabitants())[4]
    right = amount(inhabitants()[code], Decimal("2.95"))
    row = row_of(out, "Verdeling", code)
    result = run("verify", edit(out, "Verdeling", f"F{row}", float(right) + 10))  # column F: total
    assert result.exit_code == 1
    assert f"{code}" in result.output and "total re-performed" in result.output  # type: ignore[attr-defined]


def test_a_changed_input_row_is_found_through_its_area(tmp_path: Path) -> None:
    out = report(tmp_path)
    code = sorted(inhabitants())[7]
    row = row_of(out, "Invoer", code)
    result = run("verify", edit(out, "Invoer", f"D{row}", inhabitants()[code] + 500))
    assert result.exit_code == 1
    flagged = {line.split()[0] for line in result.output.splitlines() if "re-performed:" in line}  # type: ignore[attr-defined]
    assert flagged == {code, "row"}  # the area, and the column totals on the total row


def test_a_changed_rule_line_is_found_by_its_fingerprint(tmp_path: Path) -> None:
    out = report(tmp_path)
    book = openpyxl.load_workbook(out, read_only=True)
    rows = list(book["Herkomst"].iter_rows(values_only=True))
    number = next(
        index for index, row in enumerate(rows, 1) if isinstance(row[1], str) and "value = 2.95" in row[1]
    )
    text = str(rows[number - 1][1]).replace("value = 2.95", "value = 2.96")
    result = run("verify", edit(out, "Herkomst", f"B{number}", text))
    assert result.exit_code == 1
    assert "does not match its recorded SHA-256" in result.output  # type: ignore[attr-defined]


def test_another_rule_file_given_is_named(tmp_path: Path) -> None:
    other = tmp_path / "leeuwarden-2015.toml"
    other.write_text(RULES.read_text(encoding="utf-8").replace("value = 2.95", "value = 3.10"), "utf-8")
    result = run("verify", report(tmp_path), "--rules", other)
    assert result.exit_code == 1
    assert "is not the one the report was made with" in result.output  # type: ignore[attr-defined]


def test_a_workbook_with_a_pot_and_set_values_holds(tmp_path: Path) -> None:
    rules = tmp_path / "pot.toml"
    rules.write_text(POT_RULES, encoding="utf-8")
    out = report(tmp_path, rules, "--set", "pots.extra.amount=123456.78")
    result = run("verify", out)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]


def test_a_report_too_large_for_formulas_is_still_verified(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from budgetcalc.report import xlsx_report

    monkeypatch.setattr(xlsx_report, "REPERFORM_MAX_AREAS", 3)
    out = report(tmp_path)
    sheets = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert "Berekening" not in sheets and "Invoer" not in sheets  # the rules read what Verdeling shows
    assert run("verify", out).exit_code == 0
    code = sorted(inhabitants())[1]
    changed = edit(out, "Verdeling", f"D{row_of(out, 'Verdeling', code)}", inhabitants()[code] + 700)
    result = run("verify", changed)
    assert result.exit_code == 1 and code in result.output  # type: ignore[attr-defined]
    # rules that read a column the allocation sheet does not show keep an input sheet
    rules = tmp_path / "aanvraag.toml"
    rules.write_text(
        POT_RULES.split("[pots.extra]")[0].replace('per = "inhabitants"', 'per = "aanvraag"'),
        encoding="utf-8",
    )
    people = tmp_path / "aanvragen.csv"
    rows = [f"WK00800{n},Wijk {n},wijk,{100 * n},{250 * n}.50" for n in range(1, 6)]
    people.write_text("gebiedscode,naam,soort,inwoners,aanvraag\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "aanvragen.xlsx"
    assert run("allocate", people, "-r", rules, "-o", out).exit_code == 0  # type: ignore[attr-defined]
    assert "Invoer" in openpyxl.load_workbook(out, read_only=True).sheetnames
    assert run("verify", out).exit_code == 0  # type: ignore[attr-defined]
    result = run("verify", edit(out, "Invoer", f"E{row_of(out, 'Invoer', 'WK008003')}", 1))
    assert result.exit_code == 1 and "WK008003" in result.output  # type: ignore[attr-defined]


def test_a_workbook_that_is_no_budgetcalc_report_is_checked_as_a_table(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["Naam", "Vast", "Totaal"], ["A", 100, 100], ["B", 50, 60]):
        sheet.append(row)
    path = tmp_path / "t.xlsx"
    book.save(path)
    result = run("verify", path)
    assert result.exit_code == 1 and "row 3 B" in result.output  # type: ignore[attr-defined]


@pytest.mark.parametrize("suffix", ["xlsx", "json", "csv"])
def test_the_same_command_twice_gives_the_same_bytes_provenance_included(tmp_path: Path, suffix: str) -> None:
    import time

    first, second = tmp_path / f"a.{suffix}", tmp_path / f"b.{suffix}"
    arguments = ["allocate", WIJKEN, "-r", RULES, "--set", "components.wijk_dorpsbudget.minimum=900"]
    assert run(*arguments, "-o", first).exit_code == 0  # type: ignore[attr-defined]
    time.sleep(1.1)  # a clock in the file would show
    assert run(*arguments, "-o", second).exit_code == 0  # type: ignore[attr-defined]
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("suffix", ["xlsx", "json"])
def test_a_population_without_kinds_is_re_performed(tmp_path: Path, suffix: str) -> None:
    people = tmp_path / "zonder-soort.csv"
    people.write_text("gebiedscode,naam,inwoners\nA1,Adorp,664\nB2,Baflo,2050\n", encoding="utf-8")
    rules = tmp_path / "r.toml"
    rules.write_text(
        POT_RULES.replace('municipality_code = "GM0080"\n', "national = true\n"), encoding="utf-8"
    )
    out = tmp_path / f"r.{suffix}"
    assert run("allocate", people, "-r", rules, "-o", out).exit_code == 0  # type: ignore[attr-defined]
    result = run("verify", out)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]


def rewritten(path: Path, sheet_number: int, cell: str, change: object) -> Path:
    """A copy of the workbook with one cell's XML changed in place (value or formula), as a hand edit of
    the file would leave it; every other part byte for byte as written."""
    import re
    import zipfile

    out = path.with_name(f"edit-{sheet_number}-{cell}.xlsx")
    part = f"xl/worksheets/sheet{sheet_number}.xml"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == part:
                text = data.decode("utf-8")
                found = re.search(rf'<c r="{cell}"[^>]*>.*?</c>', text)
                assert found is not None, cell
                text = text.replace(found.group(), change(found.group()))  # type: ignore[operator]
                data = text.encode("utf-8")
            target.writestr(item, data)
    return out


@pytest.mark.parametrize(
    ("sheet_number", "cell", "change", "named"),
    [
        # Samenvatting: the grand total (written as a number)
        (
            1,
            "B13",
            lambda xml: xml.replace("<v>506612.00</v>", "<v>606612.00</v>"),
            "sheet 'Samenvatting', cell B13",
        ),
        # Verdeling: an area's inhabitants (row 4, column D)
        (
            2,
            "D4",
            lambda xml: re.sub(r"<v>(\d+)</v>", lambda m: f"<v>{int(m.group(1)) + 1}</v>", xml),
            "cell D4",
        ),
        # Berekening: a formula changed, its stored value left alone
        (5, "F4", lambda xml: re.sub(r"<f>(.*?)</f>", r"<f>\1+100</f>", xml), "formulas differ"),
    ],
)
def test_a_change_anywhere_in_the_workbook_is_found(
    tmp_path: Path, sheet_number: int, cell: str, change: object, named: str
) -> None:
    out = rewritten(report(tmp_path), sheet_number, cell, change)
    result = run("verify", out)
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    assert named in result.output  # type: ignore[attr-defined]
