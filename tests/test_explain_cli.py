"""``budgetcalc explain``: one area's derivation as text and as the JSON of docs/explain-json.md.

The shipped Noordoostpolder 2024 rule file on the bundled CBS wijken: Luttelgeest (WK017103) is one of
the five eastern villages, so it gets no windpark money and an equal share of the EUR 50,000 pot:
50,000 / 5 = 10,000. Rows, lines and digests are read from the files by the test itself. The first test
reads the whole bundled file; the others, to stay fast, its Noordoostpolder rows copied as they are.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from cli import app

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "cbs-kwb-2024-inhabitants.csv"
RULES = ROOT / "rules" / "noordoostpolder-2024.toml"
DOC = ROOT / "docs" / "explain-json.md"
SELECT = ("--level", "wijk", "--municipality", "Noordoostpolder")


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled file's header and Noordoostpolder rows (every level), byte for byte, in a file."""
    lines = BUNDLED.read_bytes().splitlines(keepends=True)
    path = tmp_path_factory.mktemp("explain-cli") / BUNDLED.name
    path.write_bytes(b"".join([lines[0], *(line for line in lines if b",GM0171," in line)]))
    return path


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, ["explain", *(str(arg) for arg in args)])


@functools.cache
def explain(population: Path, area: str, *options: str) -> Result:
    return run(population, "--rules", RULES, *SELECT, "--area", area, *options)


def file_row(code: str, population: Path) -> int:
    """The CSV line of the area (the header is line 1)."""
    lines = population.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(code + ","))


def rule_line(section: str, key: str) -> int:
    """The rule file's line of ``key`` within ``[section]``."""
    lines = RULES.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"[{section}]")
    return next(number for number, line in enumerate(lines[start:], start + 1) if line.startswith(key))


def one_error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_text_walks_through_the_area_step_by_step() -> None:
    result = explain(BUNDLED, "Wijk 03 Luttelgeest")
    assert result.exit_code == 0, result.output
    digest = hashlib.sha256(RULES.read_bytes()).hexdigest()
    pot = rule_line("pots.leefbaarheid_oost", "amount")
    condition = rule_line("components.windparkfonds_west.applies_to", "codes")
    west = "de gebieden WK017107, WK017108, WK017109, WK017110 of WK017111"
    assert result.stdout.splitlines() == [
        "Gebied: WK017103 Wijk 03 Luttelgeest (wijk)",
        f"Invoer: {BUNDLED}, rij {file_row('WK017103', BUNDLED)}: inwoners 2.460",
        "Regeling: Leefbaarheidsgelden dorpen Noordoostpolder 2024",
        "Gemeente: Noordoostpolder (GM0171)",
        "Besluit: Raadsvergadering Noordoostpolder 25 maart 2024: leefbaarheidsgelden voor alle dorpen",
        "Geldig vanaf: 2024-01-01",
        "Bron: https://www.onsnoordoostpolder.nl/l/leefbaarheidsgelden-voor-alle-dorpen/",
        f"Regelbestand: {RULES} (SHA-256 {digest})",
        "Leefbaarheidsgeld westelijke dorpen (Windpark Westermeerdijk):",
        f"  niet van toepassing (alleen voor {west})  "
        f"[components.windparkfonds_west.applies_to, regel {condition - 1}]",
        "  = € 0,00",
        "Leefbaarheidsgeld oostelijke dorpen (gemeente):",
        "  pot € 50.000,00 = € 50.000,00 te verdelen; gelijk deel 1 van 5 = € 10.000,00  "
        f"[pots.leefbaarheid_oost.amount, regel {pot}]",
        "  = € 10.000,00",
        "Totaal: € 0,00 + € 10.000,00 = € 10.000,00",
    ]


def test_a_western_village_by_code_in_english(population: Path) -> None:
    result = explain(population, "WK017107", "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    fixed = rule_line("components.windparkfonds_west", "fixed")
    assert lines[0] == "Area: WK017107 Wijk 07 Nagele (wijk)"
    assert f"  fixed amount €10,000.00  [components.windparkfonds_west.fixed, line {fixed}]" in lines
    assert lines[-1] == "Total: €10,000.00 + €0.00 = €10,000.00"


def test_by_name_and_by_code_give_the_same(population: Path) -> None:
    assert explain(population, "Wijk 03 Luttelgeest").stdout == explain(population, "WK017103").stdout


def test_an_unknown_area_is_one_line_with_a_suggestion(population: Path) -> None:
    line = one_error(explain(population, "luttelgeest", "--lang", "en"))
    assert "--area 'luttelgeest'" in line
    assert "did you mean 'Wijk 03 Luttelgeest' (WK017103)?" in line


def test_an_area_nothing_like_any_is_one_line_without_a_guess(population: Path) -> None:
    line = one_error(explain(population, "Zzyzx", "--lang", "en"))
    assert "'Zzyzx' is not the code or name of any area" in line and "did you mean" not in line


def test_a_name_two_areas_bear_is_one_line_naming_their_codes(tmp_path: Path) -> None:
    population = tmp_path / "dorpen.csv"
    population.write_text("code,naam,inwoners\nD01,Oosterend,100\nD02,Oosterend,200\nD03,Westerend,300\n")
    rules = tmp_path / "regels.toml"
    rules.write_text(
        'name = "Dorpsbudget"\nmunicipality = "Testgemeente"\ndecision = "test"\n'
        "valid_from = 2024-01-01\nreference_date = 2024-01-01\n\n[components.dorpsbudget]\nfixed = 500\n"
    )
    line = one_error(run(population, "--rules", rules, "--area", "Oosterend", "--lang", "en"))
    assert "'Oosterend' is used by 2 areas" in line and "D01, D02" in line
    result = run(population, "--rules", rules, "--area", "D02")
    assert result.exit_code == 0 and "Gebied: D02 Oosterend" in result.stdout


# --- JSON ------------------------------------------------------------------------------------------------


def documented(heading: str) -> dict[str, set[str]]:
    """The table under ``heading`` in docs/explain-json.md: first column's name -> the names in
    backticks in the second column."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    table: dict[str, set[str]] = {}
    for line in section.splitlines()[1:]:
        if line.startswith("#"):
            break
        if not line.startswith("| `"):
            continue
        first, second = line.split(" | ", 2)[:2]
        for name in re.findall(r"`([^`]+)`", first):
            table[name] = set(re.findall(r"`([a-z_0-9]+)`", second))
    return table


def explain_json(population: Path, area: str) -> dict[str, Any]:
    result = explain(population, area, "--format", "json")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


@pytest.mark.parametrize("area", ["WK017103", "WK017107", "WK017101"])
def test_the_json_has_the_documented_version_and_fields(area: str, population: Path) -> None:
    document = explain_json(population, area)
    assert document["format"] == "budgetcalc-explain" and document["version"] == 1
    assert set(document) == set(documented("## The document"))
    assert set(document["ruleset"]) == documented("## The document")["ruleset"]
    assert set(document["area"]) == set(documented("### `area`"))
    steps = documented("### Steps")
    common = {"type", "part", "path", "line", "text"}
    for step in document["area"]["derivation"]:
        assert set(step) <= common | steps[step["type"]], step
    money = re.compile(r"^-?[0-9]+\.[0-9]{2,}$")
    assert all(money.match(value) for value in document["area"]["amounts"].values())


def test_the_json_says_the_same_as_the_text_in_euros(population: Path) -> None:
    document = explain_json(population, "WK017103")
    area = document["area"]
    assert area["input"] == {
        "file": population.name,
        "sheet": None,
        "row": file_row("WK017103", population),
        "values": [{"column": "inhabitants", "header": "inhabitants", "value": "2460"}],
    }
    assert document["ruleset"]["sha256"] == hashlib.sha256(RULES.read_bytes()).hexdigest()
    assert area["amounts"] == {
        "windparkfonds_west": "0.00",
        "leefbaarheid_oost": "10000.00",
        "total": "10000.00",
    }
    share = next(step for step in area["derivation"] if step["type"] == "PotShare")
    # EUR 50,000 shared equally over five villages: 1 of 5, 10,000.00 each, nothing left by remainder
    assert (share["amount"], share["pool"], share["step"], share["result"]) == (
        "50000.00",
        "50000.00",
        "0.01",
        "10000.00",
    )
    assert (share["numerator"], share["key_total"], share["by_remainder"]) == (1, 5, False)
    text = explain(population, "WK017103").stdout
    assert all(step["text"] in text for step in area["derivation"])


def test_the_report_describes_each_area_as_explain_does(tmp_path: Path, population: Path) -> None:
    report = tmp_path / "report.json"
    result = CliRunner().invoke(
        app, ["allocate", str(population), "--rules", str(RULES), *SELECT, "--output", str(report)]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["format"] == "budgetcalc-report" and document["version"] == 1
    by_code = {area["code"]: area for area in document["areas"]}
    for code in ("WK017101", "WK017103", "WK017107"):
        assert by_code[code] == explain_json(population, code)["area"]
