"""What-ifs on the command line: `params` lists every value's path, `--set` overrides it, `calibrate`
finds the value that spends an envelope. Expected amounts are worked out here from the rule's arithmetic."""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetcalc import load_ruleset
from budgetcalc.engine.parameters import rule_parameters
from cli import app

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "leeuwarden-2015.toml"
WIJKEN = ROOT / "data" / "leeuwarden-wijken-2024.csv"
RATE = "components.wijk_dorpsbudget.staffel.brackets[5].rate"


def amount(n: int, rate: Decimal) -> Decimal:
    """leeuwarden-2015.toml written out: a fixed amount per bracket below 1,000 inhabitants, else
    6,000 + rate x n, rounded half up to whole euros, within 1,000 and 43,000."""
    if n < 1000:
        return Decimal((n // 250 + 1) * 1000)
    rounded = (Decimal(6000) + rate * n).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return min(max(rounded, Decimal(1000)), Decimal(43000))


def inhabitants() -> dict[str, int]:
    with WIJKEN.open(encoding="utf-8", newline="") as stream:
        return {row["gebiedscode"]: int(row["inwoners"]) for row in csv.DictReader(stream)}


def run(*args: str | Path) -> object:
    return CliRunner().invoke(app, [str(arg) for arg in args])


def totals(report: Path) -> dict[str, Decimal]:
    with report.open(encoding="utf-8", newline="") as stream:
        return {row["code"]: Decimal(row["total"]) for row in csv.DictReader(stream)}


def test_params_lists_every_path_with_its_value_and_note() -> None:
    result = run("params", RULES)
    assert result.exit_code == 0  # type: ignore[attr-defined]
    lines = result.output.splitlines()  # type: ignore[attr-defined]
    parameters = rule_parameters(load_ruleset(RULES))
    assert [line.split(" = ")[0] for line in lines] == list(parameters)
    assert any(line.startswith(f"{RATE} = ") for line in lines)
    assert any("  # " in line for line in lines)  # the file's notes travel along


def test_every_printed_path_round_trips_through_set(tmp_path: Path) -> None:
    """Setting each value to what it already is changes no amount."""
    base = tmp_path / "base.csv"
    assert run("allocate", WIJKEN, "-r", RULES, "-o", base).exit_code == 0  # type: ignore[attr-defined]
    lines = run("params", RULES).output.splitlines()  # type: ignore[attr-defined]
    settings = [arg for line in lines for arg in ("--set", line.split("  # ")[0].replace(" = ", "="))]
    same = tmp_path / "same.csv"
    result = run("allocate", WIJKEN, "-r", RULES, "-o", same, *settings)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert totals(same) == totals(base)


def test_set_changes_the_amounts_as_the_rule_says(tmp_path: Path) -> None:
    base, changed = tmp_path / "base.csv", tmp_path / "changed.csv"
    run("allocate", WIJKEN, "-r", RULES, "-o", base)
    result = run("allocate", WIJKEN, "-r", RULES, "-o", changed, "--set", f"{RATE}=7.50")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    counts = inhabitants()
    assert totals(changed) == {code: amount(n, Decimal("7.50")) for code, n in counts.items()}
    assert totals(base) == {code: amount(n, Decimal("2.95")) for code, n in counts.items()}
    assert "scenario" in result.output  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("components.wijk_dorpsbudget.staffel.brackets[5].from=900", "brackets[5].from: brackets"),
        ("components.wijk_dorpsbudget.rat=1", "did you mean"),
        (f"{RATE}=abc", "expected a number"),
        ("nonsense", "PATH=VALUE"),
    ],
)
def test_a_bad_override_is_one_line_naming_the_path(tmp_path: Path, setting: str, message: str) -> None:
    result = run("allocate", WIJKEN, "-r", RULES, "-o", tmp_path / "x.csv", "--set", setting, "--lang", "en")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert message in result.output and "Traceback" not in result.output  # type: ignore[attr-defined]
    assert not (tmp_path / "x.csv").exists()


def test_calibrate_never_passes_the_envelope_and_one_step_more_would() -> None:
    result = run("calibrate", WIJKEN, "-r", RULES, "--vary", RATE, "--envelope", "900000")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    first, *rest = result.output.splitlines()  # type: ignore[attr-defined]
    path, value = first.split(" = ")
    assert path == RATE
    rate = Decimal(value)
    counts = list(inhabitants().values())

    def spend(candidate: Decimal) -> Decimal:
        return sum((amount(n, candidate) for n in counts), Decimal(0))

    assert spend(rate) <= 900_000 < spend(rate + Decimal("0.01"))
    assert rest[0].startswith("total: ")


def test_the_notebook_functions_give_dataframes() -> None:
    import pandas as pd

    import budgetcalc

    frame = pd.read_csv(WIJKEN, dtype=str)
    ruleset = load_ruleset(RULES)
    found = budgetcalc.calibrate(frame, ruleset, RATE, 900_000)
    counts = list(inhabitants().values())
    value = found.loc[0, "value"]
    assert sum(amount(n, value) for n in counts) == found.loc[0, "total"] <= 900_000
    assert found.loc[0, "next_total"] > 900_000
    compared = budgetcalc.compare(frame, ruleset, [budgetcalc.Scenario("x", {RATE: Decimal("3.00")})])
    assert list(compared["x"]) == [amount(n, Decimal("3.00")) for n in counts]
    rows, _ = budgetcalc.sweep(frame, ruleset, [(RATE, [Decimal("3.00")])])
    assert rows.loc[0, "total"] == sum(amount(n, Decimal("3.00")) for n in counts)
