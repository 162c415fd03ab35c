"""The rule set and the population belong together: a rule file's municipality against the areas'.

Expected counts come from the bundled CBS file itself (read with the csv module), not from budgetcalc.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from helpers import shipped_rule_files
from typer.testing import CliRunner

from budgetcalc import AllocationError, allocate, load_ruleset, parse_ruleset
from budgetcalc.population import Population
from budgetcalc.scope import ScopeStatus, name_key, scope_of
from cli import app

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
DATA = ROOT / "data"
LEEUWARDEN_WIJKEN = DATA / "leeuwarden-wijken-2024.csv"
RAW = DATA / "cbs-kwb-2024-statline-raw.csv"
CLEAN = DATA / "cbs-kwb-2024-inhabitants.csv"


def ruleset(municipality: str, code: str | None = None, national: bool = False) -> object:
    lines = [
        'name = "Test"',
        f'municipality = "{municipality}"',
        *([f'municipality_code = "{code}"'] if code else []),
        *(["national = true"] if national else []),
        'decision = "Besluit"',
        "valid_from = 2024-01-01",
        "reference_date = 2024-01-01",
        "[components.vast]",
        "fixed = 1000",
    ]
    return parse_ruleset("\n".join(lines))


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    import os

    before = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(before)


def run(*args: str | Path) -> object:
    return CliRunner().invoke(app, ["allocate", *map(str, args)])


def clean_rows() -> list[dict[str, str]]:
    with CLEAN.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


# --- the command line --------------------------------------------------------------------------------


def test_another_municipalitys_rules_are_refused_and_nothing_is_written(workdir: Path) -> None:
    result = run(LEEUWARDEN_WIJKEN, "--rules", RULES / "westerkwartier-2022.toml", "-o", "out.xlsx")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    output = result.output  # type: ignore[attr-defined]
    assert "Westerkwartier (GM1969)" in output and "GM0080" in output
    assert "--allow-other-municipality" in output
    assert "Traceback" not in output
    assert not (workdir / "out.xlsx").exists()


def test_other_municipality_on_purpose_is_computed_and_flagged(workdir: Path) -> None:
    result = run(
        LEEUWARDEN_WIJKEN,
        "--rules",
        RULES / "westerkwartier-2022.toml",
        "-o",
        "out.csv",
        "--allow-other-municipality",
        "--lang",
        "en",
    )
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    flagged = [line for line in result.output.splitlines() if "rule set's municipality" in line]  # type: ignore[attr-defined]
    assert len(flagged) == 1 and "GM1969" in flagged[0] and "GM0080" in flagged[0]
    allocation = allocate(
        pd.read_csv(LEEUWARDEN_WIJKEN, dtype=str),
        load_ruleset(RULES / "westerkwartier-2022.toml"),
        allow_other_municipality=True,
    )
    line = next(check for check in allocation.checks() if check.key == "check_municipality")
    assert line.ok is False and "GM1969" in line.detail and "GM0080" in line.detail


def test_a_national_file_is_narrowed_to_the_rule_sets_municipality(workdir: Path) -> None:
    expected = [
        row for row in clean_rows() if row["level"] == "wijk" and row["municipality_code"] == "GM1966"
    ]
    all_wijken = [row for row in clean_rows() if row["level"] == "wijk"]
    result = run(
        RAW, "--level", "wijk", "--rules", RULES / "het-hogeland.toml", "-o", "out.csv", "--lang", "en"
    )
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    with (workdir / "out.csv").open(encoding="utf-8", newline="") as stream:
        written = list(csv.DictReader(stream))
    assert {row["code"] for row in written} == {row["code"] for row in expected}
    left_out = len(all_wijken) - len(expected)
    assert f"{left_out:,} row(s) of other municipalities left out" in result.output  # type: ignore[attr-defined]


def test_the_narrowed_rows_are_accounted_for_in_the_rows_check() -> None:
    from budgetcalc.reading import read_population

    rules = load_ruleset(RULES / "het-hogeland.toml")
    narrowed = read_population(RAW, level="wijk", ruleset=rules)
    allocation = allocate(narrowed, rules)
    checks = {check.key: check for check in allocation.checks()}
    assert checks["check_rows"].ok is True
    assert checks["check_municipality"].ok is True
    # the warnings speak of the rule set's areas only: no empty wijk of Rotterdam or Almere
    zero = [notice for notice in narrowed.warnings if notice.key == "zero_inhabitants"]
    expected = [
        row["name"]
        for row in clean_rows()
        if row["level"] == "wijk" and row["municipality_code"] == "GM1966" and row["inhabitants"] == "0"
    ]
    assert [notice.values["count"] for notice in zero] == ([len(expected)] if expected else [])


def test_a_national_rule_set_takes_every_municipality() -> None:
    population = Population.from_frame(pd.read_csv(CLEAN, dtype={"code": str}))
    allocation = allocate(population, load_ruleset(RULES / "sportakkoord-2019.toml"))
    assert not [check for check in allocation.checks() if check.key.startswith("check_municipality")]


# --- the library ---------------------------------------------------------------------------------------


def test_allocate_refuses_a_mix_and_names_the_option() -> None:
    frame = pd.read_csv(CLEAN, dtype={"code": str})
    wijken = frame[frame["level"] == "wijk"]
    with pytest.raises(AllocationError, match="--municipality"):
        allocate(wijken, load_ruleset(RULES / "het-hogeland.toml"))


def test_without_any_municipality_it_says_not_checked() -> None:
    frame = pd.DataFrame({"code": ["D01", "D02"], "naam": ["Adorp", "Baflo"], "inwoners": [664, 2760]})
    allocation = allocate(frame, ruleset("Het Hogeland", "GM1966"))
    line = next(check for check in allocation.checks() if check.key.startswith("check_municipality"))
    assert line.key == "check_municipality_unknown" and line.ok is None


def test_names_are_compared_as_people_write_them() -> None:
    frame = pd.DataFrame(
        {"code": ["A1"], "naam": ["Sneek"], "gemeente": ["Gemeente Sudwest fryslan"], "inwoners": [34_000]}
    )
    assert scope_of(Population.from_frame(frame), ruleset("Súdwest-Fryslân")).status is ScopeStatus.MATCHES
    assert name_key("Súdwest-Fryslân") == name_key("gemeente SUDWEST FRYSLAN")


def test_codes_decide_over_names() -> None:
    frame = pd.DataFrame(
        {
            "code": ["A1"],
            "naam": ["Dorp"],
            "gemeente": ["Het Hogeland"],
            "gemeentecode": ["GM0080"],
            "inwoners": [100],
        }
    )
    with pytest.raises(AllocationError, match="GM0080"):
        allocate(frame, ruleset("Het Hogeland", "GM1966"))


def test_amsterdams_lettered_wijk_codes_carry_its_municipality() -> None:
    frame = pd.DataFrame({"code": ["WK0363AF", "BU0363AF01"], "naam": ["a", "b"], "inwoners": [1, 2]})
    scope = scope_of(Population.from_frame(frame), ruleset("Amsterdam", "GM0363"))
    assert scope.status is ScopeStatus.MATCHES


@pytest.mark.parametrize("path", shipped_rule_files(RULES))
def test_every_shipped_rule_file_names_its_municipality_code_or_is_national(path: Path) -> None:
    rules = load_ruleset(path)
    assert rules.national or rules.municipality_code


def test_a_malformed_municipality_code_is_refused_with_its_line() -> None:
    from budgetcalc import RuleError

    with pytest.raises(RuleError, match=r"line 3.*municipality_code.*GM and four digits"):
        parse_ruleset(
            'name = "x"\nmunicipality = "y"\nmunicipality_code = "0080"\ndecision = "d"\n'
            "valid_from = 2024-01-01\nreference_date = 2024-01-01\n[components.a]\nfixed = 1\n"
        )


# --- found by review: codes as numbers, rule files without a code, unknown and contradictory rows -----


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gebieden.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("written", ["0080", "80", "gm80", "GM0080"])
def test_a_municipality_code_written_as_a_number_is_that_municipality(tmp_path: Path, written: str) -> None:
    from budgetcalc.reading import read_population

    rules = load_ruleset(RULES / "leeuwarden-2015.toml")
    path = write(
        tmp_path,
        f"gebiedscode;naam;soort;gemeentecode;inwoners\nD1;Binnenstad;wijk;GM0080;6710\nD2;Huizum;wijk;{written};8590\n",
    )
    population = read_population(path, ruleset=rules)
    assert population.codes == ["D1", "D2"]
    allocation = allocate(population, rules)
    assert next(c for c in allocation.checks() if c.key == "check_municipality").ok is True


def test_a_rule_file_without_code_is_checked_by_the_name_of_a_2024_municipality() -> None:
    text = (RULES / "westerkwartier-2022.toml").read_text(encoding="utf-8")
    without_code = parse_ruleset(
        "\n".join(line for line in text.splitlines() if "municipality_code" not in line)
    )
    with pytest.raises(AllocationError, match=r"Westerkwartier \(GM1969\).*Leeuwarden \(GM0080\)"):
        allocate(pd.read_csv(LEEUWARDEN_WIJKEN, dtype=str), without_code)


def test_a_former_municipality_without_code_is_refused_against_cbs_codes() -> None:
    """Boarnsterhim (dissolved 2014) is no 2024 municipality: its name still differs from Leeuwarden's."""
    with pytest.raises(AllocationError, match="Boarnsterhim"):
        allocate(pd.read_csv(LEEUWARDEN_WIJKEN, dtype=str), ruleset("Boarnsterhim"))


def test_areas_of_unknown_municipality_among_known_ones_are_warned_about() -> None:
    frame = pd.read_csv(LEEUWARDEN_WIJKEN, dtype=str)
    frame.loc[len(frame)] = ["D01", "Adorp", "wijk", "664"]
    allocation = allocate(frame, load_ruleset(RULES / "leeuwarden-2015.toml"))
    warnings = [n.text("en") for n in allocation.notices if n.key == "municipality_not_checked"]
    assert len(warnings) == 1 and "1 area(s)" in warnings[0] and "D01" in warnings[0]


def test_a_file_without_any_municipality_gets_no_warning_only_the_checks_line() -> None:
    frame = pd.DataFrame({"code": ["D01", "D02"], "naam": ["Adorp", "Baflo"], "inwoners": [664, 2760]})
    allocation = allocate(frame, ruleset("Het Hogeland", "GM1966"))
    assert not [n for n in allocation.notices if n.key == "municipality_not_checked"]


def test_a_row_that_contradicts_its_own_code_is_flagged_and_the_code_decides() -> None:
    frame = pd.DataFrame(
        {
            "code": ["WK196601", "WK196602"],
            "naam": ["a", "b"],
            "gemeente": ["Het Hogeland", "Leeuwarden"],
            "inwoners": [1, 2],
        }
    )
    allocation = allocate(frame, load_ruleset(RULES / "het-hogeland.toml"))
    conflicts = [n.text("en") for n in allocation.notices if n.key == "municipality_conflict"]
    assert len(conflicts) == 1 and "WK196602: Leeuwarden / GM1966" in conflicts[0]
    assert next(c for c in allocation.checks() if c.key == "check_municipality").ok is True


@pytest.mark.parametrize("asked", ["Gemeente Leeuwarden", "LEEUWARDEN", "80", "GM0080"])
def test_municipality_option_matches_as_people_write_it(asked: str) -> None:
    from budgetcalc.reading import read_population

    population = read_population(RAW, level="wijk", municipality=asked)
    assert len(population) == 22


def test_municipality_option_names_what_the_file_has() -> None:
    from budgetcalc import InputError
    from budgetcalc.reading import read_population

    with pytest.raises(
        InputError, match=r"no areas of municipality 'Ljouwert'.*it has: .*Leeuwarden \(GM0080\)"
    ):
        read_population(LEEUWARDEN_WIJKEN, municipality="Ljouwert")
