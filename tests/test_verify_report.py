"""``budgetcalc verify REPORT.json``: a report re-performed from what it recorded; every kind of change made
after the fact is found and named. Expected amounts come from the rule written out by hand."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from test_scenario_reports import POT_RULES
from test_what_ifs import RATE, WIJKEN, amount, inhabitants, run

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "leeuwarden-2015.toml"


def report(tmp_path: Path, *arguments: str | Path, rules: Path = RULES) -> Path:
    out = tmp_path / "report.json"
    result = run("allocate", WIJKEN, "-r", rules, "-o", out, *arguments)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return out


def edited(path: Path, change: Any) -> Path:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    out = path.with_name("edited.json")
    out.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return out


def area(document: dict[str, Any], code: str) -> dict[str, Any]:
    return next(item for item in document["areas"] if item["code"] == code)


def test_an_untouched_report_holds_and_records_what_it_was_made_from(tmp_path: Path) -> None:
    out = report(tmp_path)
    result = run("verify", out)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "all figures hold" in result.output  # type: ignore[attr-defined]
    document = json.loads(out.read_text(encoding="utf-8"))
    record = document["provenance"]
    assert record["rule_files"][0]["sha256"] == hashlib.sha256(RULES.read_bytes()).hexdigest()
    assert record["rule_files"][0]["text"].encode("utf-8") == RULES.read_bytes()
    assert record["population_file"] == {
        "path": WIJKEN.name,
        "sha256": hashlib.sha256(WIJKEN.read_bytes()).hexdigest(),
    }
    rows = document["population_as_read"]["rows"]
    assert {row[1]: int(row[4]) for row in rows} == inhabitants()


def test_a_changed_amount_is_named_with_what_the_rules_give(tmp_path: Path) -> None:
    code = sorted(inhabitants())[2]
    right = amount(inhabitants()[code], Decimal("2.95"))

    def change(document: dict[str, Any]) -> None:
        area(document, code)["amounts"]["total"] = f"{right + 100:.2f}"

    result = run("verify", edited(report(tmp_path), change))
    assert result.exit_code == 1
    assert f"{code}" in result.output and "total re-performed" in result.output  # type: ignore[attr-defined]
    expected = f"expected € {right:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert expected in result.output  # type: ignore[attr-defined]


def test_a_changed_input_row_is_found_through_the_area_it_changes(tmp_path: Path) -> None:
    code = sorted(inhabitants())[5]

    def change(document: dict[str, Any]) -> None:
        row = next(row for row in document["population_as_read"]["rows"] if row[1] == code)
        row[4] = str(int(row[4]) + 1000)

    result = run("verify", edited(report(tmp_path), change))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "re-performed:" in line]  # type: ignore[attr-defined]
    assert lines and all(line.startswith(code) for line in lines)  # its component and its total


def test_a_changed_rule_text_is_found_by_its_fingerprint(tmp_path: Path) -> None:
    def change(document: dict[str, Any]) -> None:
        rule = document["provenance"]["rule_files"][0]
        rule["text"] = rule["text"].replace("value = 2.95", "value = 2.96")

    result = run("verify", edited(report(tmp_path), change))
    assert result.exit_code == 1
    assert "does not match its recorded SHA-256" in result.output  # type: ignore[attr-defined]


def test_a_consistent_forgery_is_found_with_the_real_rule_file(tmp_path: Path) -> None:
    """Rule text, fingerprint and every amount changed together: only the real rule file shows it."""
    forged_rules = tmp_path / "leeuwarden-2015.toml"
    forged_rules.write_text(
        RULES.read_text(encoding="utf-8").replace("value = 2.95", "value = 3.10"), "utf-8"
    )
    forged = report(tmp_path, rules=forged_rules)
    assert run("verify", forged).exit_code == 0  # consistent in itself
    result = run("verify", forged, "--rules", RULES)
    assert result.exit_code == 1
    assert "is not the one the report was made with" in result.output  # type: ignore[attr-defined]
    changed = [
        code for code, n in inhabitants().items() if amount(n, Decimal("3.10")) != amount(n, Decimal("2.95"))
    ]
    assert sum("total re-performed" in line for line in result.output.splitlines()) == len(changed)  # type: ignore[attr-defined]


def test_a_scenario_file_with_set_values_is_re_performed_as_it_was_made(tmp_path: Path) -> None:
    (tmp_path / "base.toml").write_text(RULES.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "s.toml").write_text(
        f'extends = "base.toml"\nname = "S"\n[set]\n"{RATE}" = 2.50\n', encoding="utf-8"
    )
    fixed = "components.wijk_dorpsbudget.staffel.brackets[1].fixed"
    out = report(tmp_path, "--set", f"{fixed}=1500", rules=tmp_path / "s.toml")
    result = run("verify", out)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    document = json.loads(out.read_text(encoding="utf-8"))
    assert [rule["path"] for rule in document["provenance"]["rule_files"]] == ["s.toml", "base.toml"]
    assert document["provenance"]["overrides"] == {fixed: "1500"}


def test_a_report_with_a_pot_holds_and_a_moved_cent_is_found(tmp_path: Path) -> None:
    rules = tmp_path / "pot.toml"
    rules.write_text(POT_RULES, encoding="utf-8")
    out = report(tmp_path, rules=rules)
    assert run("verify", out).exit_code == 0

    def change(document: dict[str, Any]) -> None:  # a cent moved between two areas: sums still hold
        first, second = document["areas"][0], document["areas"][1]
        for item, step in ((first, Decimal("0.01")), (second, Decimal("-0.01"))):
            for column in ("extra", "total"):
                item["amounts"][column] = f"{Decimal(item['amounts'][column]) + step:.2f}"

    result = run("verify", edited(out, change))
    assert result.exit_code == 1
    assert "parts do not add up" not in result.output  # type: ignore[attr-defined]
    assert sum("extra re-performed" in line for line in result.output.splitlines()) == 2  # type: ignore[attr-defined]


def test_what_is_no_report_is_exit_2(tmp_path: Path) -> None:
    for text in ("{not json", '{"format": "something-else"}', "[]"):
        path = tmp_path / "x.json"
        path.write_text(text, encoding="utf-8")
        result = run("verify", path)
        assert result.exit_code == 2 and "Traceback" not in result.output  # type: ignore[attr-defined]


def test_a_report_without_provenance_still_has_its_sums_checked(tmp_path: Path) -> None:
    """Made from Python, the report records no inputs: verify adds up what it holds."""
    import pandas as pd

    from budgetcalc import allocate, load_ruleset
    from budgetcalc.report import ReportFormat, render_report

    allocation = allocate(pd.read_csv(WIJKEN, dtype=str), load_ruleset(RULES))
    path = tmp_path / "python.json"
    path.write_bytes(render_report(allocation, ReportFormat.JSON))

    def change(document: dict[str, Any]) -> None:  # the total raised, its part left alone
        first = document["areas"][0]
        first["amounts"]["total"] = f"{Decimal(first['amounts']['total']) + 1:.2f}"

    result = run("verify", edited(path, change))
    assert result.exit_code == 1
    assert "the parts do not add up to the total" in result.output  # type: ignore[attr-defined]
    assert "records no provenance" in result.output  # type: ignore[attr-defined]
