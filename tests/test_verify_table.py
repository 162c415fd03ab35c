"""``budgetcalc verify`` on allocation tables made elsewhere: the expected findings come from the published
figures (../shared/RULESETS.md, Leeuwarden 2014) or from the rule written out by hand, never from output."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from test_what_ifs import WIJKEN, amount, inhabitants, run

from budgetcalc.verification.table import check_table

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "data" / "leeuwarden-2014-gepubliceerd.csv"


def test_the_published_leeuwarden_2014_table_fails_exactly_where_its_components_do_not_add_up() -> None:
    # Published: Warten 3.900 + 4.400 = 8.300 but Totaal 8.400; Reduzum the same; Jirnsum 4.600 + 4.400
    # = 9.000 but 8.900. The three lump sums (Warstiens, Friens, Idaerd/Eagum) have no components; the
    # Totaal column adds up to the published 70.500.
    result = run("verify", PUBLISHED)
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    found = check_table(PUBLISHED)
    assert [(item.area, item.expected_cents, item.found_cents) for item in found.discrepancies] == [
        ("Warten", 830_000, 840_000),
        ("Reduzum", 830_000, 840_000),
        ("Jirnsum", 900_000, 890_000),
    ]
    assert found.areas == 8 and found.grand_total_row == 10
    for line in ("row 5 Warten", "row 6 Reduzum", "row 7 Jirnsum"):
        assert line in result.output  # type: ignore[attr-defined]


def test_a_changed_grand_total_is_found(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text(PUBLISHED.read_text(encoding="utf-8").replace("70.500", "71.500"), encoding="utf-8")
    found = check_table(table)
    assert ("grand total", 7_050_000, 7_150_000) in [
        (item.area, item.expected_cents, item.found_cents) for item in found.discrepancies
    ]


def test_a_table_that_adds_up_exits_0(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text(
        "Naam;Vast;Per inwoner;Totaal\nA;€ 1.000,00;€ 250,50;€ 1.250,50\n"
        "B;1000;99.5;1099.50\nTotaal;;;2350\n",
        encoding="utf-8",
    )
    result = run("verify", table)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "all figures hold" in result.output  # type: ignore[attr-defined]


def test_an_amount_that_could_be_two_numbers_is_refused_naming_the_cell(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("Naam;Vast;Totaal\nA;1.250;1250\nB;12.5;12.5\n", encoding="utf-8")
    result = run("verify", table)
    assert result.exit_code == 2
    assert "row 2" in result.output and "B (Vast)" in result.output  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]


def test_with_rules_every_area_is_recomputed_and_a_changed_total_is_named(tmp_path: Path) -> None:
    people = inhabitants()
    changed = sorted(people)[3]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Gebiedscode", "Inwoners", "Wijk- en dorpsbudget", "Totaal"])
    for code, n in people.items():
        total = amount(n, Decimal("2.95")) + (1 if code == changed else 0)
        sheet.append([code, n, float(amount(n, Decimal("2.95"))), float(total)])
    table = tmp_path / "t.xlsx"
    workbook.save(table)
    rules = ROOT / "rules" / "leeuwarden-2015.toml"
    found = check_table(table, ruleset=__import__("budgetcalc").load_ruleset(rules))
    assert {(item.area, item.what.split(" ")[0]) for item in found.discrepancies} == {
        (changed, "Wijk-"),  # components do not add up to the changed total
        (changed, "Totaal"),  # and the rules give another total
    }
    assert len(found.discrepancies) == 2
    result = run("verify", table, "--rules", rules)
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Naam;Inwoners;Vast\nA;10;1\n", "no column with each area's total"),
        ("Naam;Vast;Totaal\nA;1;1\nTotaal;;1\nTotaal;;1\n", "two grand-total rows"),
        ("Naam;Vast;Totaal\nA;1;\n", "no total for A"),
    ],
)
def test_a_table_that_cannot_be_checked_is_one_line_and_exit_2(
    tmp_path: Path, text: str, message: str
) -> None:
    table = tmp_path / "t.csv"
    table.write_text(text, encoding="utf-8")
    result = run("verify", table)
    assert result.exit_code == 2 and message in result.output  # type: ignore[attr-defined]


def test_the_wijken_file_is_no_allocation_table() -> None:
    assert run("verify", WIJKEN).exit_code == 2  # type: ignore[attr-defined]
