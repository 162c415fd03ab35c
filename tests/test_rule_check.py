"""``budgetcalc check``: rule files validated, their examples and population assertions run by the engine.

Every expected amount here is worked out by hand from the rule in the test (the arithmetic next to it),
never copied from the program's output.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from helpers import shipped_rule_files

from budgetcalc import load_ruleset
from budgetcalc.checking import run_assertions, run_examples, yearly_runs
from budgetcalc.ruleset.model import Evidence, RuleSet
from cli import run

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
SHIPPED = shipped_rule_files(RULES)
SHIPPED_PATHS = sorted(RULES.glob("*.toml"))

HOGELAND = """\
name = "Dorpsbudget Het Hogeland"
municipality = "Het Hogeland"
decision = "Subsidieregeling dorpsbudget Het Hogeland, art. 5 lid 1"
valid_from = 2021-01-20
reference_date = 2024-01-01

[components.dorpsbudget]
fixed = 6567
rate = 1.68
"""
# line 9 is 'rate = 1.68'; what follows starts on line 10


def chosen_example(areas: str) -> str:
    """An ``[[examples]]`` block after a blank line: its 'areas' key is on the block's fifth line."""
    return f'\n[[examples]]\nevidence = "chosen"\nsource = "s"\nareas = [{areas}]\n'


def check(capsys: pytest.CaptureFixture[str], *files: Path) -> tuple[int, list[str], list[str]]:
    """Run ``budgetcalc check FILES``: the exit code, and the lines on stdout and on stderr."""
    code = run(["check", *(str(file) for file in files)])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err.splitlines()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the shipped rule files ----------------------------------------------------------------------


def test_every_shipped_rule_file_passes_check_silently(capsys: pytest.CaptureFixture[str]) -> None:
    assert len(SHIPPED_PATHS) == 14
    assert check(capsys, *SHIPPED_PATHS) == (0, [], [])


@pytest.mark.parametrize("path", SHIPPED)
def test_every_shipped_rule_file_carries_examples_that_check_runs(path: Path) -> None:
    ruleset = load_ruleset(path)
    assertions = [entry for entry in ruleset.expected if entry.population is not None]
    gets = sum(len(area.gets or {}) for example in ruleset.examples for area in example.areas)
    assert gets + len(assertions) > 0, f"{path.name} has no example and no assertion on a population"
    # Every one is evaluated, in its own year: one cent more on each expected amount fails each of them.
    runs = yearly_runs(path.read_text(encoding="utf-8"), path)
    assert sum(len(run_examples(off_by_a_cent(rules), path, skip)) for rules, skip in runs) == gets
    assert sum(len(run_assertions(off_by_a_cent(rules), path, skip)) for rules, skip in runs) == len(
        assertions
    )


@pytest.mark.parametrize("path", SHIPPED)
def test_every_shipped_example_and_expected_amount_says_what_it_is_and_where_from(path: Path) -> None:
    ruleset = load_ruleset(path)
    for example in ruleset.examples:
        assert example.evidence and example.source, (path.name, example)
    for expected in ruleset.expected:
        assert expected.evidence and (expected.source or expected.amount.source), (path.name, expected)


def test_files_without_published_figures_claim_no_reproduction() -> None:
    # Leeuwarden 2015: the staffel amounts and the rate are chosen, nothing per area was published.
    assert {e.evidence for e in load_ruleset(RULES / "leeuwarden-2015.toml").examples} == {Evidence.CHOSEN}
    # Opsterland: the inhabitants are worked back from the published amounts with the rule itself.
    opsterland = load_ruleset(RULES / "opsterland.toml")
    wijnjewoude = [e for e in opsterland.examples if e.areas[0].label == "Wijnjewoude"]
    assert len(wijnjewoude) == 6  # 2016 .. 2021
    assert {e.evidence for e in wijnjewoude} == {Evidence.DERIVED}
    assert {e.evidence for e in opsterland.expected} == {Evidence.DERIVED}
    # Only Het Hogeland's Adorp has a rule and an outcome published apart from each other.
    published = {
        path.stem
        for path in SHIPPED_PATHS
        for entry in [*load_ruleset(path).examples, *load_ruleset(path).expected]
        if entry.evidence is Evidence.PUBLISHED
    }
    assert published == {"het-hogeland"}


def off_by_a_cent(ruleset: RuleSet) -> RuleSet:
    """The rule set with every expected amount of its examples and assertions one cent higher."""
    document = ruleset.document()
    for example in document.get("examples", []):
        for area in example["areas"]:
            for amount in area.get("gets", {}).values():
                amount["value"] = str(Decimal(amount["value"]) + Decimal("0.01"))
    for entry in document.get("expected", []):
        if "population" in entry:
            entry["amount"]["value"] = str(Decimal(entry["amount"]["value"]) + Decimal("0.01"))
    return RuleSet.model_validate(document).with_lines(ruleset._lines)


# --- a wrong example: one line, exit 1 --------------------------------------------------------------


def test_a_wrong_example_is_one_line_with_file_line_example_expected_and_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rule = write(
        tmp_path,
        "hogeland.toml",
        HOGELAND
        + """
[[examples]]
evidence = "published"
source = "adorp.com"
areas = [{ name = "Adorp", inwoners = 664, gets = 7682.00 }]
""",
    )
    code, out, err = check(capsys, rule)
    # 6.567 + 1,68 × 664 = 7.682,52, not the 7.682,00 the example says; 'areas' is on line 14
    assert out == [
        f"{rule}, line 14, examples[1] (published), area 'Adorp', total: expected 7682.00, found 7682.52"
    ]
    assert (code, err) == (1, [])


def test_a_right_example_is_silent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rule = write(
        tmp_path,
        "hogeland.toml",
        HOGELAND
        + """
[[examples]]
evidence = "published"
source = "adorp.com"
areas = [{ name = "Adorp", inwoners = 664, gets = 7682.52 }]  # 6.567 + 1,68 × 664
""",
    )
    assert check(capsys, rule) == (0, [], [])


def test_a_pot_example_compares_every_area_and_component(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rule = write(
        tmp_path,
        "pot.toml",
        HOGELAND.replace("[components.dorpsbudget]\nfixed = 6567\nrate = 1.68\n", "")
        + """[components.vast]
fixed = 1000

[pots.deel]
amount = 10000
minus = "vast"

[[examples]]
evidence = "worked_out"
source = "de regel hierboven"
[[examples.areas]]
code = "A"
inwoners = 100
gets = { vast = 1000, deel = 2000, total = 3000 }
[[examples.areas]]
code = "B"
inwoners = 300
gets = { deel = 6000, total = 7000 }
""",
    )
    # pot 10.000 − 2 × 1.000 = 8.000 by inhabitants 100 : 300 → A 2.000, B 6.000: all hold
    assert check(capsys, rule) == (0, [], [])
    rule.write_text(rule.read_text().replace("deel = 6000", "deel = 5000"), encoding="utf-8")
    code, out, _ = check(capsys, rule)
    assert code == 1
    assert len(out) == 1 and "area 'B', deel: expected 5000.00, found 6000.00" in out[0]


def test_failures_of_several_files_are_all_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = HOGELAND + (
        '\n[[examples]]\nevidence = "chosen"\nsource = "s"\n'
        'areas = [{ name = "Nul", inwoners = 0, gets = 1 }, { name = "Een", inwoners = 1, gets = 6568.68 }]\n'
    )
    first, second = write(tmp_path, "a.toml", wrong), write(tmp_path, "b.toml", wrong)
    code, out, _ = check(capsys, first, second)
    # 0 inhabitants: 6.567 (not 1); 1 inhabitant: 6.567 + 1,68 = 6.568,68 (holds)
    assert code == 1
    assert [line.split(",")[0] for line in out] == [str(first), str(second)]
    assert all("area 'Nul', total: expected 1.00, found 6567.00" in line for line in out)


# --- assertions on a population file ---------------------------------------------------------------


def test_an_assertion_runs_on_the_population_file_it_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "dorpen.csv").write_text("code,naam,inwoners\nA,Adorp,664\nB,Baflo,2000\n", encoding="utf-8")
    rules = tmp_path / "rules"
    rules.mkdir()
    text = (
        HOGELAND
        + """
[[expected]]
population = "../data/dorpen.csv"
amount = 20274.52
evidence = "worked_out"
source = "eigen rekensom"
"""
    )
    rule = write(rules, "hogeland.toml", text)
    # 6.567 + 1,68 × 664 = 7.682,52 and 6.567 + 1,68 × 2.000 = 9.927; together 17.609,52
    code, out, err = check(capsys, rule)
    assert out == [
        f"{rule}, line 13, expected[1] (worked_out) on ../data/dorpen.csv, all areas, total: "
        "expected 20274.52, found 17609.52"
    ]
    assert (code, err) == (1, [])
    rule.write_text(text.replace("20274.52", "17609.52"), encoding="utf-8")
    assert check(capsys, rule) == (0, [], [])


def test_an_assertion_on_an_area_the_file_lacks_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "dorpen.csv").write_text("code,naam,inwoners\nA,Adorp,664\n", encoding="utf-8")
    rule = write(
        tmp_path,
        "hogeland.toml",
        HOGELAND + '\n[[expected]]\npopulation = "dorpen.csv"\narea = "Baflo"\namount = 9927\nsource = "s"\n',
    )
    code, out, _ = check(capsys, rule)
    assert code == 1
    assert out == [
        f"{rule}, line 14, expected[1] on dorpen.csv, area 'Baflo', total: "
        "expected 9927.00, found no such area"
    ]


def leeuwarden_2014_copy(folder: Path, rate: str = "3.50", grou: int = 5748) -> Path:
    """The shipped rule file and table copied side by side, with another rate or another count for Grou."""
    (folder / "rules").mkdir()
    (folder / "data").mkdir()
    text = (RULES / "leeuwarden-2014.toml").read_text(encoding="utf-8")
    assert "rate = { value = 3.50," in text
    rule = write(folder / "rules", "leeuwarden-2014.toml", text.replace("value = 3.50,", f"value = {rate},"))
    table = (ROOT / "data" / "leeuwarden-2014-boarnsterhim-dorpen.csv").read_text(encoding="utf-8")
    assert "Grou,dorp,5748" in table
    write(folder / "data", "leeuwarden-2014-boarnsterhim-dorpen.csv", table.replace("5748", str(grou)))
    return rule


def test_leeuwarden_2014_assertions_fail_when_the_rule_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rule = leeuwarden_2014_copy(tmp_path, rate="3.40")
    # 3,40 per inhabitant, up to € 100, at least 3.900: Warten 3.168,80 → 3.900 and Reduzum 3.689 → 3.900
    # hold; Jirnsum 4.406,40 → 4.500, Wergea 5.739,20 → 5.800, Grou 19.543,20 → 19.600; their totals
    # with the budget dorpsbelang (4.300, 6.100, 5.000): 8.800, 11.900, 24.600; the grand total
    # 70.500 − 100 − 200 − 600 = 69.600.
    code, out, err = check(capsys, rule)
    assert (code, err) == (1, [])
    assert [line.split(" on ../data/leeuwarden-2014-boarnsterhim-dorpen.csv, ")[1] for line in out] == [
        "all areas, total: expected 70500.00, found 69600.00",
        "area 'Jirnsum', total: expected 8900.00, found 8800.00",
        "area 'Wergea', total: expected 12100.00, found 11900.00",
        "area 'Grou', total: expected 25200.00, found 24600.00",
        "area 'Jirnsum', dorpsbudget: expected 4600.00, found 4500.00",
        "area 'Wergea', dorpsbudget: expected 6000.00, found 5800.00",
        "area 'Grou', dorpsbudget: expected 20200.00, found 19600.00",
    ]


def test_an_assertion_for_another_count_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rule = leeuwarden_2014_copy(tmp_path, grou=5738)  # the published table has 5.748
    code, out, _ = check(capsys, rule)
    assert code == 1
    assert any(
        line.endswith("all areas, total: expected 70500.00, found 10987 inhabitants, not 10997")
        for line in out
    )
    assert any(
        line.endswith("area 'Grou', total: expected 25200.00, found 5738 inhabitants, not 5748")
        for line in out
    )


# --- invalid files: exit 2 -------------------------------------------------------------------------


def test_an_invalid_file_is_an_error_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rule = write(tmp_path, "kapot.toml", HOGELAND.replace("rate = 1.68", "rat = 1.68"))
    code, out, err = check(capsys, rule)
    assert (code, out) == (2, [])
    assert err == [f"error: {rule}, line 9, key 'components.dorpsbudget.rat': unknown key "
                   "(see docs/rules.md for the keys allowed here)"]  # fmt: skip


def test_a_missing_file_and_a_failing_one_give_exit_2_and_both_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = write(
        tmp_path,
        "fout.toml",
        HOGELAND + chosen_example('{ name = "N", inwoners = 0, gets = 1 }'),
    )
    code, out, err = check(capsys, tmp_path / "ontbreekt.toml", wrong)
    assert code == 2
    assert len(out) == 1 and out[0].startswith(f"{wrong}, line 14, examples[1] (chosen), area 'N'")
    assert len(err) == 1 and err[0].startswith(f"error: {tmp_path / 'ontbreekt.toml'}")


@pytest.mark.parametrize(
    ("example", "line", "message"),
    [
        ('areas = [{ name = "A", gets = 1 }]', 14, "example 1 cannot be computed"),  # no inhabitants
        (
            'areas = [{ name = "A", inwoners = 1 }]',
            11,
            "an example needs 'gets' on at least one of its areas",
        ),
        ("areas = [{ inwoners = 1, gets = 1 }]", 14, "an example area needs a 'code' or a 'name'"),
        (
            'areas = [{ name = "A", inwoners = 1, gets = { dorpbudget = 1 } }]',
            14,
            "gets 'dorpbudget', which is no",
        ),
        ('areas = [{ name = "A", inwoners = 1, gets = 7682.525 }]', 14, "not a whole number of cents"),
        ('areas = [{ name = "A", inwoners = 2024-01-01, gets = 1 }]', 14, "must be a number or text"),
        ('areas = [{ name = "A", inwoners = 1, inhabitants = 1, gets = 1 }]', 14, "a second time"),
    ],
)
def test_an_example_that_cannot_be_an_example_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], example: str, line: int, message: str
) -> None:
    rule = write(
        tmp_path, "x.toml", HOGELAND + f'\n[[examples]]\nevidence = "chosen"\nsource = "s"\n{example}\n'
    )
    code, out, err = check(capsys, rule)
    assert (code, out) == (2, [])
    assert len(err) == 1 and message in err[0] and f"line {line}," in err[0]


def test_an_example_needs_its_evidence_and_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rule = write(
        tmp_path, "x.toml", HOGELAND + '\n[[examples]]\nareas = [{ name = "A", inwoners = 0, gets = 6567 }]\n'
    )
    code, _, err = check(capsys, rule)
    assert code == 2
    assert "examples[1].evidence" in err[1] and "examples[1].source" in err[2]


def test_an_unreadable_population_file_is_an_error_naming_the_assertion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rule = write(
        tmp_path,
        "x.toml",
        HOGELAND + '\n[[expected]]\namount = 1\npopulation = "weg.csv"\nsource = "s"\n',
    )
    code, out, err = check(capsys, rule)
    assert (code, out) == (2, [])
    assert err[0].startswith(f"error: {rule}, line 13, key 'expected[1].population': population weg.csv: ")


def test_a_scenario_file_is_validated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path,
        "basis.toml",
        HOGELAND + chosen_example('{ name = "A", inwoners = 0, gets = 6567 }'),
    )
    scenario = write(
        tmp_path,
        "meer.toml",
        'extends = "basis.toml"\nname = "Meer"\n[set]\n"components.dorpsbudget.fixed" = 7000\n',
    )
    # the base's example (6.567 at 0 inhabitants) is the base's: the scenario changes it on purpose
    assert check(capsys, scenario) == (0, [], [])
    scenario.write_text(scenario.read_text().replace("= 7000", "= 7000.001"), encoding="utf-8")
    code, _, err = check(capsys, scenario)
    assert code == 2 and len(err) == 1


def test_examples_cannot_go_with_calibrate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rule = write(
        tmp_path,
        "x.toml",
        HOGELAND
        + '\n[calibrate]\nvalue = "components.dorpsbudget.rate"\nspend = 100000\n'
        + chosen_example('{ name = "A", inwoners = 0, gets = 6567 }'),
    )
    code, _, err = check(capsys, rule)
    assert code == 2 and "[[examples]] cannot go with [calibrate]" in err[0]
