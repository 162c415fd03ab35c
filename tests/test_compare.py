"""Comparing a rule set with its scenarios: expected amounts from the rule's own arithmetic."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest
from helpers import rules
from typer.testing import CliRunner

from budgetcalc import RuleError, load_ruleset
from budgetcalc.engine.parameters import rule_parameters, with_values
from budgetcalc.scenarios import Scenario, compare_areas, load_scenario, summary
from cli import app

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "leeuwarden-2015.toml"
WIJKEN = ROOT / "data" / "leeuwarden-wijken-2024.csv"
RATE = "components.wijk_dorpsbudget.staffel.brackets[5].rate"


def wijken() -> pd.DataFrame:
    return pd.read_csv(WIJKEN, dtype=str)


def test_a_scenario_identical_to_its_base_changes_nothing() -> None:
    base = load_ruleset(RULES)
    same = Scenario("zelfde", {RATE: rule_parameters(base)[RATE].value})
    frame = compare_areas(wijken(), base, [same])
    assert set(frame["zelfde: difference"]) == {Decimal("0.00")}
    assert list(frame["zelfde"]) == list(frame["base"])


def test_a_against_b_is_the_negative_of_b_against_a() -> None:
    base = load_ruleset(RULES)
    other = {RATE: Decimal("2.50"), "components.wijk_dorpsbudget.staffel.brackets[1].fixed": Decimal(1500)}
    forward = compare_areas(wijken(), base, [Scenario("b", other)])
    backward_values = {path: rule_parameters(base)[path].value for path in other}
    backward = compare_areas(wijken(), with_values(base, other), [Scenario("a", backward_values)])
    assert list(forward["b: difference"]) == [-value for value in backward["a: difference"]]


def test_the_difference_is_the_rule_applied_to_the_new_value() -> None:
    """Above 1,000 inhabitants: 6,000 + rate x n, rounded to whole euros, within 1,000 and 43,000."""
    frame = compare_areas(wijken(), load_ruleset(RULES), [Scenario("t", {RATE: Decimal("2.50")})])
    for n, new in zip(wijken()["inwoners"].astype(int), frame["t"], strict=True):
        if n >= 1000:
            exact = (6000 + Decimal("2.50") * n).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            assert new == min(max(exact, 1000), 43000)


def test_a_scenario_that_changes_a_pot_keeps_the_pot_exact() -> None:
    base = rules("[pots.p]\namount = 1000\n")
    people = pd.DataFrame({"code": ["D1", "D2", "D3"], "naam": ["a", "b", "c"], "inwoners": [1, 1, 1]})
    frame = compare_areas(people, base, [Scenario("groter", {"pots.p.amount": Decimal("1234.57")})])
    assert sum(frame["groter"], Decimal(0)) == Decimal("1234.57")
    assert sum(frame["base"], Decimal(0)) == Decimal("1000.00")


def test_a_scenario_that_opens_a_gap_is_refused_naming_the_path() -> None:
    gap = Scenario("gat", {"components.wijk_dorpsbudget.staffel.brackets[2].from": Decimal(300)})
    with pytest.raises(RuleError, match=r"brackets\[2\]\.from"):
        compare_areas(wijken(), load_ruleset(RULES), [gap])


def test_summary_counts_gains_and_losses_per_kind() -> None:
    scenario = Scenario("t", {RATE: Decimal("2.50")})
    frame = compare_areas(wijken(), load_ruleset(RULES), [scenario])
    line = summary(frame, [scenario], Decimal(1000))[0]
    losing = int((frame["t: difference"] < 0).sum())
    assert line["lose"] == losing and line["gain"] == 0
    assert line["per_kind"] == {"wijk": (0, losing)}


def test_compare_on_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "base.toml").write_text(RULES.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "tarief.toml").write_text(
        f'extends = "base.toml"\nname = "Tarief 2,50"\nrationale = "proef"\n[set]\n"{RATE}" = 2.50\n',
        encoding="utf-8",
    )
    out = tmp_path / "vergelijking.csv"
    result = CliRunner().invoke(
        app,
        [
            "compare",
            str(WIJKEN),
            "-r",
            str(tmp_path / "base.toml"),
            "--scenario",
            str(tmp_path / "tarief.toml"),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    from test_what_ifs import amount, inhabitants

    from budgetcalc.money import decimal_to_cents, format_euro

    counts = inhabitants().values()
    new, old = (
        format_euro(decimal_to_cents(sum(amount(n, Decimal(r)) for n in counts))) for r in ("2.50", "2.95")
    )
    losing = sum(amount(n, Decimal("2.50")) < amount(n, Decimal("2.95")) for n in counts)
    assert (
        f"Tarief 2,50: {new} tegen {old}; 0 gebieden erop vooruit, {losing} erop achteruit" in result.output
    )
    frame = pd.read_csv(out, dtype=str)
    assert len(frame) == len(wijken())
    _, scenario = load_scenario(tmp_path / "tarief.toml")
    assert scenario.values == {RATE: Decimal("2.50")} and scenario.rationale == "proef"


def test_a_scenario_of_another_rule_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "s.toml").write_text('extends = "other.toml"\nname = "x"\n[set]\n"a" = 1\n', encoding="utf-8")
    result = CliRunner().invoke(
        app, ["compare", str(WIJKEN), "-r", str(RULES), "--scenario", str(tmp_path / "s.toml")]
    )
    assert result.exit_code == 2 and "not the --rules file" in result.output


# --- sweep ---------------------------------------------------------------------------------------------


def test_a_range_includes_its_stop_where_the_steps_reach_it() -> None:
    from budgetcalc.scenarios import parse_range

    assert parse_range("p=1:2:0.25") == ("p", [Decimal(v) for v in ("1", "1.25", "1.50", "1.75", "2.00")])
    assert parse_range("p=1:2:0.3")[1][-1] == Decimal("1.9")
    for bad in ("p=1:2", "p=2:1:0.1", "p=1:2:0", "1:2:3", "p=a:2:1"):
        with pytest.raises(RuleError):
            parse_range(bad)


def test_sweep_rows_equal_single_allocations() -> None:
    from budgetcalc import allocate
    from budgetcalc.scenarios import sweep

    base = load_ruleset(RULES)
    fixed = "components.wijk_dorpsbudget.staffel.brackets[1].fixed"
    grid = [
        (RATE, [Decimal("2.00"), Decimal("2.95"), Decimal("3.40")]),
        (fixed, [Decimal(1000), Decimal(2500)]),
    ]
    rows, matrix = sweep(wijken(), base, grid, per_area=True)
    assert len(rows) == 6 and matrix is not None
    base_totals = allocate(wijken(), base).total.cents
    for number, row in rows.iterrows():
        single = allocate(wijken(), with_values(base, {RATE: row[RATE], fixed: row[fixed]}))
        assert row["total"] == Decimal(single.grand_total_cents) / 100
        assert matrix[f"scenario {number + 1}"].tolist() == single.total.cents.tolist()
        assert row["areas_losing"] == int((single.total.cents < base_totals).sum())


def test_sweep_on_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "sweep.csv"
    result = CliRunner().invoke(
        app, ["sweep", str(WIJKEN), "-r", str(RULES), "--vary", f"{RATE}=2.00:3.00:0.50", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, dtype=str)
    assert frame[RATE].tolist() == ["2.00", "2.50", "3.00"]
    assert "\\n" not in result.output


def test_a_scenario_file_as_rules_names_the_scenario_in_the_report(tmp_path: Path) -> None:
    import json

    (tmp_path / "base.toml").write_text(RULES.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "s.toml").write_text(
        f'extends = "base.toml"\nname = "Tarief 2,50"\nrationale = "Voorstel X"\n[set]\n"{RATE}" = 2.50\n',
        encoding="utf-8",
    )
    out = tmp_path / "s.json"
    result = CliRunner().invoke(
        app, ["allocate", str(WIJKEN), "-r", str(tmp_path / "s.toml"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["ruleset"]["name"] == "Tarief 2,50"
    assert document["ruleset"]["note"].startswith("Scenario: Tarief 2,50\n\nVoorstel X")
    expected = compare_areas(wijken(), load_ruleset(RULES), [Scenario("t", {RATE: Decimal("2.50")})])["t"]
    assert [Decimal(area["amounts"]["total"]) for area in document["areas"]] == list(expected)


def test_the_comparison_workbook_has_the_table_and_two_native_charts_per_scenario(tmp_path: Path) -> None:
    import zipfile

    import openpyxl

    (tmp_path / "base.toml").write_text(RULES.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "t.toml").write_text(
        f'extends = "base.toml"\nname = "T"\n[set]\n"{RATE}" = 2.50\n', encoding="utf-8"
    )
    out = tmp_path / "vergelijking.xlsx"
    arguments = [
        "compare",
        str(WIJKEN),
        "-r",
        str(tmp_path / "base.toml"),
        "--scenario",
        str(tmp_path / "t.toml"),
    ]
    result = CliRunner().invoke(app, [*arguments, "-o", str(out)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        charts = sorted(name for name in archive.namelist() if name.startswith("xl/charts/chart"))
        assert len(charts) == 2
        kinds = " ".join(archive.read(name).decode() for name in charts)
    assert "<c:barChart>" in kinds and "<c:scatterChart>" in kinds
    sheet = openpyxl.load_workbook(out)["Vergelijking"]
    header = [cell.value for cell in sheet[1]]
    assert header[:5] == ["Gebiedscode", "Naam", "Soort", "Inwoners", "Basis"]
    expected = compare_areas(wijken(), load_ruleset(RULES), [Scenario("T", {RATE: Decimal("2.50")})])
    column = header.index("T: verschil")
    assert [Decimal(str(row[column])) for row in sheet.iter_rows(min_row=2, values_only=True)] == list(
        expected["T: difference"]
    )
    brackets = [row[header.index("T: Staffel")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert set(brackets) <= {
        "Wijk- of dorpsbudget: 1.000 inwoners en meer",
        "Wijk- of dorpsbudget: minder dan 250 inwoners",
    }
    again = tmp_path / "again.xlsx"
    CliRunner().invoke(app, [*arguments, "-o", str(again)])
    assert again.read_bytes() == out.read_bytes()  # the same input, the same bytes


def test_set_on_compare_changes_the_base(tmp_path: Path) -> None:
    (tmp_path / "base.toml").write_text(RULES.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "t.toml").write_text(
        f'extends = "base.toml"\nname = "T"\n[set]\n"{RATE}" = 2.50\n', encoding="utf-8"
    )
    arguments = [
        "compare",
        str(WIJKEN),
        "-r",
        str(tmp_path / "base.toml"),
        "--scenario",
        str(tmp_path / "t.toml"),
    ]
    result = CliRunner().invoke(app, [*arguments, "--set", f"{RATE}=2.50"])
    assert result.exit_code == 0, result.output
    assert "0 gebieden erop vooruit, 0 erop achteruit" in result.output
    english = CliRunner().invoke(app, [*arguments, "--set", f"{RATE}=2.50", "--lang", "en"])
    assert "0 areas gain, 0 lose" in english.output


def test_plot_draws_a_reproducible_png_of_the_comparison_and_the_sweep(tmp_path: Path) -> None:
    (tmp_path / "base.toml").write_text(RULES.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "t.toml").write_text(
        f'extends = "base.toml"\nname = "T"\n[set]\n"{RATE}" = 2.50\n', encoding="utf-8"
    )
    base = ["-r", str(tmp_path / "base.toml")]
    runs = {
        "compare": ["compare", str(WIJKEN), *base, "--scenario", str(tmp_path / "t.toml")],
        "sweep": ["sweep", str(WIJKEN), *base, "--vary", f"{RATE}=2.00:3.00:0.50"],
    }
    for name, arguments in runs.items():
        first, second = tmp_path / f"{name}-1.png", tmp_path / f"{name}-2.png"
        for target in (first, second):
            result = CliRunner().invoke(app, [*arguments, "--plot", str(target)])
            assert result.exit_code == 0, result.output
        assert first.read_bytes().startswith(b"\x89PNG") and first.read_bytes() == second.read_bytes()


def test_plot_needs_a_png_name_and_says_how_to_get_matplotlib(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    arguments = ["sweep", str(WIJKEN), "-r", str(RULES), "--vary", f"{RATE}=2.00:3.00:0.50"]
    result = CliRunner().invoke(app, [*arguments, "--plot", str(tmp_path / "x.jpg"), "--lang", "en"])
    assert result.exit_code == 2 and "ending in .png" in result.output
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "matplotlib" else real(name, *a)
    )
    result = CliRunner().invoke(app, [*arguments, "--plot", str(tmp_path / "x.png")])
    assert result.exit_code == 2 and 'pip install ".[plot]"' in result.output
    assert not (tmp_path / "x.png").exists()
