"""Rule files over time: values per date, ``valid_until``, ``--year``, indexation, a reference date tied to
the budget year, ``PATH@DATE`` what-ifs, and the population file's year.

Every expected amount is worked out by hand next to it, never copied from the program's output.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from budgetcalc import allocate, parse_ruleset
from budgetcalc.errors import RuleError
from budgetcalc.inputs import population_year_notice
from budgetcalc.ruleset.in_force import YearChosenBy
from cli import app

D = Decimal
ROOT = Path(__file__).resolve().parent.parent

HEAD = """\
name = "Organisatiegeld"
municipality = "Steenwijkerland"
decision = "Kernengeld"
"""
YEARLY = (
    HEAD
    + """\
valid_from = 2022-01-01
valid_until = 2024-12-31
reference_date = { day = "01-01", year = "budget_year" }

[components.organisatiegeld]
fixed.2022 = { value = 1290, source = "2022" }
fixed.2023 = { value = 1300, source = "2023" }
rate = 1.95
"""
)
# line 9: fixed.2022; line 10: fixed.2023


def fixed_in(text: str, when: int | date | None = None) -> Decimal:
    component = parse_ruleset(text, when=when).components["organisatiegeld"]
    assert component.fixed is not None
    return component.fixed.value


def test_each_year_takes_the_value_in_force_then() -> None:
    assert fixed_in(YEARLY, 2022) == D(1290)
    assert fixed_in(YEARLY, 2023) == D(1300)
    assert fixed_in(YEARLY, 2024) == D(1300)  # no value from 2024: 2023's still holds
    assert fixed_in(YEARLY, date(2022, 12, 31)) == D(1290)


def test_an_allocation_uses_the_year_asked_for() -> None:
    people = pd.DataFrame({"code": ["A"], "naam": ["kern"], "inwoners": [437]})
    for year, total in ((2022, "2142.15"), (2023, "2152.15")):  # 1,95 x 437 = 852,15 + 1.290 / 1.300
        allocation = allocate(people, parse_ruleset(YEARLY, when=year))
        assert allocation.to_frame()["total"].tolist() == [D(total)]
        assert allocation.ruleset.year() == year
        assert allocation.ruleset.reference_date == date(year, 1, 1)  # 1 januari van het begrotingsjaar


def test_without_a_year_the_newest_year_the_file_covers() -> None:
    ruleset = parse_ruleset(YEARLY)
    assert ruleset.in_force is not None
    assert (ruleset.year(), ruleset.in_force.chosen_by) == (2024, YearChosenBy.NEWEST)  # valid_until's year
    open_ended = YEARLY.replace("valid_until = 2024-12-31\n", "")
    assert parse_ruleset(open_ended).year() == 2023  # the latest date in the file
    own_year = YEARLY.replace("valid_until = 2024-12-31\n", "budget_year = 2022\n")
    assert fixed_in(own_year) == D(1290)


@pytest.mark.parametrize(
    ("asked", "says"),
    [
        (2025, "2025 is not covered (nearest year: 2024)"),
        (2021, "2021 is not covered (nearest year: 2022)"),
        (date(2021, 12, 31), "2021-12-31 is not covered (nearest year: 2022)"),
    ],
)
def test_a_year_the_file_does_not_cover_names_the_nearest_it_does(asked: int | date, says: str) -> None:
    with pytest.raises(RuleError) as error:
        parse_ruleset(YEARLY, when=asked)
    assert says in str(error.value)
    assert "in force from 2022-01-01 through 2024-12-31 (2022–2024)" in str(error.value)


def test_a_rule_set_starting_mid_year_takes_its_first_day_for_that_year() -> None:
    text = YEARLY.replace("valid_from = 2022-01-01", "valid_from = 2022-06-18").replace(
        "fixed.2022 =", "fixed.2022-06-18 ="
    )
    ruleset = parse_ruleset(text, when=2022)
    assert ruleset.in_force is not None and ruleset.in_force.on == date(2022, 6, 18)
    assert fixed_in(text, 2022) == D(1290)


def test_a_value_with_no_entry_yet_is_an_error_naming_its_line() -> None:
    text = YEARLY.replace("fixed.2022 =", "fixed.2022-03-01 =")  # nothing in force on 1 January 2022
    with pytest.raises(RuleError) as error:
        parse_ruleset(text, source="o.toml", when=2023)  # every date is validated, not only the one asked
    assert error.value.line == 9 and error.value.key == "components.organisatiegeld.fixed"
    assert "no value in force on 2022-01-01" in error.value.message


def test_a_bad_value_in_any_year_is_an_error_at_its_own_entry() -> None:
    text = YEARLY.replace("value = 1290,", "value = 1290.001,")
    with pytest.raises(RuleError) as error:
        parse_ruleset(text, source="o.toml", when=2023)  # 2023's values are fine; 2022's are not
    assert (error.value.line, error.value.key) == (9, "components.organisatiegeld.fixed.2022")
    assert "not a whole number of cents" in error.value.message


def test_valid_until_before_valid_from_is_an_error() -> None:
    with pytest.raises(RuleError, match="valid_until 2021-12-31 is before valid_from 2022-01-01"):
        parse_ruleset(YEARLY.replace("valid_until = 2024-12-31", "valid_until = 2021-12-31"), when=2022)


def test_in_force_is_not_a_rule_file_key() -> None:
    with pytest.raises(RuleError, match="'in_force' is written by budgetcalc"):
        parse_ruleset(YEARLY + "\n[in_force]\non = 2022-01-01\n")


@pytest.mark.parametrize(
    ("reference", "year", "expected"),
    [
        ('{ day = "01-01", year = "budget_year" }', 2023, date(2023, 1, 1)),
        ('{ day = "01-01", year = "previous_year" }', 2023, date(2022, 1, 1)),
        ('{ day = "06-30", year = "budget_year" }', 2023, date(2023, 6, 30)),
    ],
)
def test_a_reference_date_tied_to_the_budget_year(reference: str, year: int, expected: date) -> None:
    text = YEARLY.replace('{ day = "01-01", year = "budget_year" }', reference)
    assert parse_ruleset(text, when=year).reference_date == expected


@pytest.mark.parametrize(
    ("reference", "says"),
    [
        ('{ day = "02-30", year = "budget_year" }', "day must be a month and day"),
        ('{ day = "01-01", year = "next_year" }', 'year must be "budget_year" or "previous_year"'),
        ('{ day = "01-01", year = "budget_year", month = 1 }', "unknown key 'month'"),
    ],
)
def test_a_wrong_tied_reference_date_is_an_error(reference: str, says: str) -> None:
    text = YEARLY.replace('{ day = "01-01", year = "budget_year" }', reference)
    with pytest.raises(RuleError, match=says):
        parse_ruleset(text, when=2023)


INDEXED = (
    HEAD
    + """\
valid_from = 2023-01-01
reference_date = 2023-01-01

[components.organisatiegeld]
fixed.2023 = 1300
fixed.2024 = { index_percent = 2.5, rounding = { step = 1, mode = "half_up" }, source = "CPI" }
fixed.2025 = { index_percent = 2.5, rounding = { step = 0.01, mode = "down" } }
"""
)


def test_an_indexed_value_is_the_value_before_it_times_the_index_rounded_as_stated() -> None:
    assert fixed_in(INDEXED, 2023) == D(1300)
    assert fixed_in(INDEXED, 2024) == D(1333)  # 1.300 x 1,025 = 1.332,50, half up to whole euros: 1.333
    assert fixed_in(INDEXED, 2025) == D("1366.32")  # 1.333 x 1,025 = 1.366,325, down to cents: 1.366,32
    record = parse_ruleset(INDEXED, when=2024).in_force
    assert record is not None
    (value,) = record.values
    assert (value.index_percent, value.indexed_from, value.source) == (D("2.5"), D(1300), "CPI")
    assert [entry.value for entry in value.entries] == [D(1300), D(1333), D("1366.32")]


def test_the_documented_indexation_example_gives_what_the_docs_say() -> None:
    # docs/rules.md 3.15: "1.300 × 1,025 = 1.332,50, rounded half up to 1.333"
    assert "1.300 × 1,025 = 1.332,50, rounded half up to 1.333" in (ROOT / "docs" / "rules.md").read_text(
        encoding="utf-8"
    )
    assert fixed_in(INDEXED, 2024) == D(1333)


@pytest.mark.parametrize(
    ("entries", "says"),
    [
        ('fixed.2023 = { index_percent = 2.5, rounding = { step = 1, mode = "up" } }', "there is none"),
        ("fixed.2023 = 1300\nfixed.2024 = { index_percent = 2.5 }", "must say how it rounds"),
        ('fixed.2023 = 1300\nfixed.2024 = { index_percent = "x", rounding = 1 }', "index_percent must be"),
    ],
)
def test_a_wrong_indexation_is_an_error(entries: str, says: str) -> None:
    text = INDEXED.split("fixed.2023")[0] + entries + "\n"
    with pytest.raises(RuleError, match=says):
        parse_ruleset(text, when=2023)


@given(
    starts=st.lists(st.integers(min_value=0, max_value=3000), min_size=1, max_size=6, unique=True),
    asked=st.integers(min_value=0, max_value=3500),
)
def test_the_value_in_force_is_that_of_the_latest_date_not_after_the_day_asked(
    starts: list[int], asked: int
) -> None:
    first = date(2020, 1, 1)
    days = sorted(date.fromordinal(first.toordinal() + offset) for offset in starts)
    entries = ", ".join(f"{day.isoformat()} = {100 + position}" for position, day in enumerate(days))
    text = HEAD + f"valid_from = {days[0].isoformat()}\nreference_date = 2020-01-01\n"
    text += f"[components.organisatiegeld]\nfixed = {{ {entries} }}\n"
    day = date.fromordinal(first.toordinal() + asked)
    if day < days[0]:
        with pytest.raises(RuleError, match="is not covered"):
            parse_ruleset(text, when=day)
        return
    latest = max(position for position, start in enumerate(days) if start <= day)  # found independently
    assert fixed_in(text, day) == D(100 + latest)


# --- what-ifs on values per date -----------------------------------------------------------------------


def run_cli(*arguments: str | Path) -> object:
    return CliRunner().invoke(app, [str(argument) for argument in arguments])


def files(folder: Path, rules: str = YEARLY) -> tuple[Path, Path]:
    people = folder / "kernen.csv"
    people.write_text("code,naam,inwoners\nA,kern,437\n", encoding="utf-8")
    path = folder / "rules.toml"
    path.write_text(rules, encoding="utf-8")
    return people, path


def report(folder: Path, *options: str, rules: str = YEARLY) -> dict:
    people, path = files(folder, rules)
    out = folder / "r.json"
    result = run_cli("allocate", people, "-r", path, "-o", out, "--force", "--lang", "en", *options)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return json.loads(out.read_text(encoding="utf-8"))


def total(document: dict) -> Decimal:
    return D(document["areas"][0]["amounts"]["total"])


def test_year_on_the_command_line_and_in_the_report(tmp_path: Path) -> None:
    document = report(tmp_path, "--year", "2022")
    assert total(document) == D("2142.15")  # 852,15 + 1.290
    in_force = document["ruleset"]["in_force"]
    assert (in_force["on"], in_force["budget_year"], in_force["chosen_by"]) == ("2022-01-01", 2022, "asked")
    assert [value["path"] for value in in_force["values"]] == ["components.organisatiegeld.fixed"]
    assert document["provenance"]["options"]["year"] == "2022"


def test_set_at_a_date_changes_that_entry_and_an_indexation_follows(tmp_path: Path) -> None:
    assert total(
        report(tmp_path, "--year", "2022", "--set", "components.organisatiegeld.fixed@2022=1295")
    ) == (
        D("2147.15")  # 852,15 + 1.295
    )
    # 2023 is its own entry: changing 2022's leaves it
    assert total(
        report(tmp_path, "--year", "2023", "--set", "components.organisatiegeld.fixed@2022=1295")
    ) == (D("2152.15"))
    indexed = INDEXED.replace("reference_date = 2023-01-01", "reference_date = 2023-01-01\n") + "rate = 0\n"
    # 2024 is 2023's value + 2.5 %: 1.400 x 1,025 = 1.435
    assert total(
        report(
            tmp_path,
            "--year",
            "2024",
            "--set",
            "components.organisatiegeld.fixed@2023-01-01=1400",
            rules=indexed,
        )
    ) == D(1435)


def test_set_without_a_date_changes_the_value_in_force(tmp_path: Path) -> None:
    document = report(tmp_path, "--year", "2023", "--set", "components.organisatiegeld.fixed=1310")
    assert total(document) == D("2162.15")  # 852,15 + 1.310


@pytest.mark.parametrize(
    ("option", "says"),
    [
        ("components.organisatiegeld.fixed@2021=1", "has no value from 2021-01-01 (its dates: 2022, 2023)"),
        ("components.organisatiegeld.rate@2022=1", "is not given per date in the rule file"),
        ("components.organisatiegeld.fixed@22=1", "expected a year (2023) or a date (2023-01-01)"),
    ],
)
def test_a_wrong_dated_path_is_an_error(tmp_path: Path, option: str, says: str) -> None:
    people, path = files(tmp_path)
    result = run_cli(
        "allocate", people, "-r", path, "-o", tmp_path / "r.json", "--set", option, "--lang", "en"
    )
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert says in result.output  # type: ignore[attr-defined]
    assert not (tmp_path / "r.json").exists()


def test_a_wrong_year_option_is_an_error(tmp_path: Path) -> None:
    people, path = files(tmp_path)
    for lang, says in (
        ("en", "--year expects a year (2023) or a date (2023-06-18), got 'twenty'"),
        ("nl", "--year verwacht een jaar (2023) of een datum (2023-06-18), niet 'twenty'"),
    ):
        result = run_cli(
            "allocate", people, "-r", path, "-o", tmp_path / "r.json", "--year", "twenty", "--lang", lang
        )
        assert result.exit_code == 2  # type: ignore[attr-defined]
        assert says in result.output  # type: ignore[attr-defined]


def test_params_lists_a_value_per_date_in_force_and_per_date(tmp_path: Path) -> None:
    _, path = files(tmp_path)
    result = run_cli("params", path, "--year", "2022")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    lines = result.output.splitlines()  # type: ignore[attr-defined]
    assert lines[0].startswith("components.organisatiegeld.fixed = 1290  # in force from 2022-01-01 2022")
    assert lines[1:3] == [
        "components.organisatiegeld.fixed@2022-01-01 = 1290",
        "components.organisatiegeld.fixed@2023-01-01 = 1300",
    ]


def higher_2023(folder: Path) -> Path:
    """A scenario file on rules.toml that sets 2023's organisatiegeld to 1.350."""
    scenario = folder / "hoger.toml"
    scenario.write_text(
        'extends = "rules.toml"\nname = "Hoger"\n[set]\n"components.organisatiegeld.fixed@2023" = 1350\n',
        encoding="utf-8",
    )
    return scenario


def test_a_scenario_file_sets_a_value_per_date(tmp_path: Path) -> None:
    people, _ = files(tmp_path)
    scenario = higher_2023(tmp_path)
    out = tmp_path / "s.json"
    result = run_cli("allocate", people, "-r", scenario, "--year", "2023", "-o", out, "--lang", "en")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert total(json.loads(out.read_text(encoding="utf-8"))) == D("2202.15")  # 852,15 + 1.350


@pytest.mark.parametrize("form", ["json", "xlsx"])
def test_verify_re_performs_a_report_made_for_a_year(tmp_path: Path, form: str) -> None:
    people, path = files(tmp_path)
    out = tmp_path / f"r.{form}"
    made = run_cli(
        "allocate", people, "-r", path, "--year", "2022",
        "--set", "components.organisatiegeld.fixed@2022=1295", "-o", out,
    )  # fmt: skip
    assert made.exit_code == 0, made.output  # type: ignore[attr-defined]
    checked = run_cli("verify", out)
    assert checked.exit_code == 0, checked.output  # type: ignore[attr-defined]


# --- the population file's year ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "warns"),
    [
        ("cbs-kwb-2024-inhabitants.csv", True),
        ("bevolking-2023.csv", False),
        ("bevolking.csv", False),
        ("begroting-2023-bevolking-2024.csv", False),  # two years: it cannot tell
        ("wijken20240101.csv", False),  # not a year on its own
    ],
)
def test_a_population_file_named_for_another_year_gives_a_warning(name: str, warns: bool) -> None:
    notice = population_year_notice(Path(name), parse_ruleset(YEARLY, when=2023))
    assert (notice is not None) == warns
    if notice is not None:
        assert notice.text("en") == (
            "the population file's name (cbs-kwb-2024-inhabitants.csv) says 2024, but the rules count "
            "inhabitants on 2023-01-01 (the reference date for budget year 2023): is this the right file?"
        )


def test_the_warning_reaches_the_report(tmp_path: Path) -> None:
    people, path = files(tmp_path)
    renamed = people.rename(tmp_path / "kernen-2024.csv")
    out = tmp_path / "r.json"
    result = run_cli("allocate", renamed, "-r", path, "--year", "2023", "-o", out, "--lang", "en")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    warnings = json.loads(out.read_text(encoding="utf-8"))["warnings"]
    assert any("says 2024, but the rules count inhabitants on 2023-01-01" in line for line in warnings)


# --- the shipped files over time ---------------------------------------------------------------------------


def test_check_runs_each_example_in_its_own_year(tmp_path: Path) -> None:
    text = (ROOT / "rules" / "steenwijkerland.toml").read_text(encoding="utf-8")
    broken = tmp_path / "s.toml"
    broken.write_text(text.replace("gets = 3240", "gets = 3250"), encoding="utf-8")  # 2022's: 1.950 + 1.290
    result = run_cli("check", broken)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "examples[1] (chosen), area 'Wijk van 1.000', total: expected 3250.00, found 3240.00" in (
        result.output  # type: ignore[attr-defined]
    )


def test_sweep_varies_a_value_per_date_in_force_and_refuses_another_years(tmp_path: Path) -> None:
    people, path = files(tmp_path)
    out = tmp_path / "sweep.csv"
    vary = "components.organisatiegeld.fixed@2022=1290:1300:10"
    result = run_cli("sweep", people, "-r", path, "--year", "2022", "--vary", vary, "-o", out)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    table = pd.read_csv(out, dtype=str)
    assert table["total"].tolist() == ["2142.15", "2152.15"]  # 852,15 + 1.290 / 1.300
    refused = run_cli("sweep", people, "-r", path, "--year", "2023", "--vary", vary, "-o", out, "--force")
    assert refused.exit_code == 2  # type: ignore[attr-defined]
    assert "the value from 2022-01-01 is not the one in force in 2023" in refused.output  # type: ignore[attr-defined]


def test_compare_takes_a_scenario_setting_the_value_in_force_by_its_date(tmp_path: Path) -> None:
    people, path = files(tmp_path)
    scenario = higher_2023(tmp_path)
    out = tmp_path / "vergelijking.csv"
    result = run_cli("compare", people, "-r", path, "--scenario", scenario, "--year", "2023", "-o", out)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    table = pd.read_csv(out, dtype=str)
    # 852,15 + 1.300 in 2023; the scenario's 1.350 for 2023: 2.202,15, 50 more
    assert table.loc[0, ["base", "Hoger", "Hoger: difference"]].tolist() == ["2152.15", "2202.15", "50.00"]


def test_verify_checks_a_published_table_against_the_rules_of_its_year(tmp_path: Path) -> None:
    _, path = files(tmp_path)
    table = tmp_path / "tabel.csv"
    table.write_text("code,naam,inwoners,Totaal\nA,kern,437,2142.15\n", encoding="utf-8")  # 2022: + 1.290
    assert run_cli("verify", table, "--rules", path, "--year", "2022").exit_code == 0  # type: ignore[attr-defined]
    assert run_cli("verify", table, "--rules", path, "--year", "2023").exit_code == 1  # type: ignore[attr-defined]


def test_a_year_not_covered_is_said_in_dutch_with_lang_nl(tmp_path: Path) -> None:
    people, path = files(tmp_path)
    result = run_cli(
        "allocate", people, "-r", path, "--year", "2030", "-o", tmp_path / "r.xlsx", "--lang", "nl"
    )
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert (
        "Organisatiegeld geldt van 2022-01-01 tot en met 2024-12-31 (2022–2024); 2030 valt erbuiten "
        "(dichtstbijzijnde jaar: 2024)" in result.output  # type: ignore[attr-defined]
    )


def test_a_stated_population_date_is_checked_against_the_reference_date(tmp_path: Path) -> None:
    people, path = files(tmp_path)  # kernen.csv: no year in its name, so only a stated date can tell
    out = tmp_path / "r.json"
    stated = ("--population-date", "2024-01-01", "--lang", "en", "--force", "-o", out)
    assert run_cli("allocate", people, "-r", path, "--year", "2024", *stated).exit_code == 0  # type: ignore[attr-defined]
    assert not json.loads(out.read_text(encoding="utf-8"))["warnings"]
    assert run_cli("allocate", people, "-r", path, "--year", "2023", *stated).exit_code == 0  # type: ignore[attr-defined]
    assert json.loads(out.read_text(encoding="utf-8"))["warnings"] == [
        "the population counts inhabitants on 2024-01-01 (--population-date), but the rules count them on "
        "2023-01-01 (the reference date for budget year 2023): is this the right file?"
    ]
    wrong = run_cli(
        "allocate", people, "-r", path, "--population-date", "1-1-2024", "-o", tmp_path / "x.json"
    )
    assert wrong.exit_code == 2  # type: ignore[attr-defined]
    assert "--population-date verwacht een datum zoals 2024-01-01, niet '1-1-2024'" in wrong.output  # type: ignore[attr-defined]
    assert not (tmp_path / "x.json").exists()
