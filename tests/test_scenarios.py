"""Many sets of values at once: a rule set compiled into a plan, values at dotted paths, scenarios.

The reference for every scenario is an independent single allocation of the rule set with that
scenario's values written into the rule file itself (the rule file's own validation included).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from helpers import rules, shipped_rule_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from budgetcalc import BudgetcalcError, RuleError, RuleSet, allocate, load_ruleset
from budgetcalc.engine.evaluate import evaluate, evaluate_blocks
from budgetcalc.engine.parameters import Scenarios, ValueKind, rule_parameters
from budgetcalc.engine.plan import compile_plan
from budgetcalc.population import Population

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

STAFFEL_RULES = """
    [components.basis]
    minimum = 1000
    maximum = 9000
    rounding = { step = 100, mode = "half_up" }
    staffel.brackets = [
        { from = 0, below = 500, fixed = 2000 },
        { from = 500, below = 5000, fixed = 2500, rate = 0.5, rate_applies_to = "part_above_lower_bound" },
        { from = 5000, fixed = 1000, rate = 1, rate_applies_to = "all" },
    ]

    [components.inwoners]
    rate = 1.25
    rounding = { step = 0.01, mode = "half_even" }

    [components.extra]
    applies_to = { codes = ["D01", "D02"] }
    fixed = 750
    per_area = { D01 = 100, D02 = 200 }

    [total]
    rounding = { step = 10, mode = "up" }
    minimum = 3000

    [[exceptions]]
    area = "D03"
    amount = 4321
    reason = "besluit"
"""


def population(counts: list[int]) -> Population:
    kinds = ["dorp", "dorp", "wijk", "dorp", "wijk", "dorp"]
    rows = [
        (f"D{n:02d}", f"Dorp {n}", kinds[(n - 1) % len(kinds)], count) for n, count in enumerate(counts, 1)
    ]
    return Population.from_frame(pd.DataFrame(rows, columns=["code", "name", "kind", "inhabitants"]))


def with_values(ruleset: RuleSet, values: dict[str, Decimal]) -> RuleSet:
    """The rule set with ``values`` written in at their paths, validated again as a rule file is."""
    document: Any = json.loads(json.dumps(ruleset.document()))
    for path, value in values.items():
        keys: list[str | int] = []
        for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
            keys.append(int(part[1:-1]) - 1 if part.startswith("[") else part)
        target = document
        for key in keys[:-1]:
            target = target[key]
        last = keys[-1]
        if isinstance(target[last], dict):
            target[last]["value"] = str(value)
        else:
            target[last] = str(value)
    return RuleSet.model_validate(document)


def single(population: Population, ruleset: RuleSet, values: dict[str, Decimal]) -> list[int] | None:
    """Totals in cents of one allocation with these values, or None where the rules refuse them."""
    try:
        return allocate(population, with_values(ruleset, values)).total.cents.tolist()
    except (ValidationError, BudgetcalcError):
        return None


# --- paths -------------------------------------------------------------------------------------------


def test_every_value_has_a_path_in_rule_file_order() -> None:
    paths = list(rule_parameters(rules(STAFFEL_RULES)))
    assert paths == [
        "components.basis.staffel.brackets[1].from",
        "components.basis.staffel.brackets[1].below",
        "components.basis.staffel.brackets[1].fixed",
        "components.basis.staffel.brackets[2].from",
        "components.basis.staffel.brackets[2].below",
        "components.basis.staffel.brackets[2].fixed",
        "components.basis.staffel.brackets[2].rate",
        "components.basis.staffel.brackets[3].from",
        "components.basis.staffel.brackets[3].fixed",
        "components.basis.staffel.brackets[3].rate",
        "components.basis.minimum",
        "components.basis.maximum",
        "components.basis.rounding.step",
        "components.inwoners.rate",
        "components.inwoners.rounding.step",
        "components.extra.fixed",
        "components.extra.per_area.D01",
        "components.extra.per_area.D02",
        "total.minimum",
        "total.rounding.step",
        "exceptions[1].amount",
    ]


def test_paths_are_the_keys_rule_file_errors_name() -> None:
    """An amount of money written back at its path with a fraction of a cent: the rule file's own
    validation refuses it at that very key."""
    ruleset = rules(STAFFEL_RULES)
    money = [
        path for path, parameter in rule_parameters(ruleset).items() if parameter.kind is ValueKind.MONEY
    ]
    assert len(money) == 10
    for path in money:
        with pytest.raises(ValidationError) as caught:
            with_values(ruleset, {path: Decimal("0.001")})
        located = ".".join(str(part) for part in caught.value.errors()[0]["loc"]).removesuffix(".value")
        assert located == re.sub(r"\[(\d+)\]", lambda m: f".{int(m[1]) - 1}", path)


def test_an_unknown_path_is_an_error_with_a_suggestion() -> None:
    ruleset = rules(STAFFEL_RULES)
    with pytest.raises(
        RuleError, match=r"no value at 'components.inwoner.rate'; did you mean 'components.inwoners.rate'"
    ):
        Scenarios.of(ruleset, {"components.inwoner.rate": ["1.5"]})


def test_binary_floats_are_refused_as_values() -> None:
    with pytest.raises(RuleError, match=r"not 1\.5"):
        Scenarios.of(rules(STAFFEL_RULES), {"components.inwoners.rate": [1.5]})


def test_lists_of_different_lengths_are_refused() -> None:
    with pytest.raises(RuleError, match="different lengths"):
        Scenarios.of(
            rules(STAFFEL_RULES), {"components.inwoners.rate": ["1", "2"], "total.minimum": ["1", "2", "3"]}
        )


# --- S at once equals S single allocations ---------------------------------------------------------

MONEY = st.integers(-500_000, 2_000_000).map(lambda cents: Decimal(cents) / 100)
RATE = st.integers(0, 5_000_000).map(lambda units: Decimal(units) / 10_000)
STEP = st.sampled_from([Decimal("0.01"), Decimal("1"), Decimal("10"), Decimal("100"), Decimal("0.05")])
OVERRIDABLE = {
    "components.basis.staffel.brackets[1].fixed": MONEY,
    "components.basis.staffel.brackets[2].fixed": MONEY,
    "components.basis.staffel.brackets[2].rate": RATE,
    "components.basis.staffel.brackets[3].rate": RATE,
    "components.basis.minimum": MONEY,
    "components.basis.maximum": MONEY,
    "components.basis.rounding.step": STEP,
    "components.inwoners.rate": RATE,
    "components.inwoners.rounding.step": STEP,
    "components.extra.fixed": MONEY,
    "components.extra.per_area.D02": MONEY,
    "total.minimum": MONEY,
    "total.rounding.step": STEP,
    "exceptions[1].amount": MONEY,
}


@st.composite
def scenario_values(draw: st.DrawFn) -> tuple[list[str], list[list[Decimal]]]:
    paths = draw(st.lists(st.sampled_from(sorted(OVERRIDABLE)), min_size=1, max_size=5, unique=True))
    size = draw(st.integers(1, 6))
    columns = [draw(st.lists(OVERRIDABLE[path], min_size=size, max_size=size)) for path in paths]
    return paths, columns


@PROPERTY
@given(st.lists(st.integers(0, 12_000), min_size=1, max_size=7), scenario_values())
def test_many_scenarios_at_once_equal_single_allocations(
    counts: list[int], drawn: tuple[list[str], list[list[Decimal]]]
) -> None:
    paths, columns = drawn
    counts = counts + [100] * max(0, 3 - len(counts))  # D01, D02 (per_area) and D03 (exception) exist
    people = population(counts)
    ruleset = rules(STAFFEL_RULES)
    result = evaluate(compile_plan(ruleset, people), dict(zip(paths, columns, strict=True)))
    for scenario in range(len(columns[0])):
        values = {path: column[scenario] for path, column in zip(paths, columns, strict=True)}
        expected = single(people, ruleset, values)
        if expected is None:
            assert scenario in result.errors, values
        else:
            assert scenario not in result.errors, (values, result.errors.get(scenario))
            assert result.total[scenario].tolist() == expected, values


def test_a_failing_scenario_is_reported_and_the_others_computed() -> None:
    ruleset = rules("""
        [components.inwoners]
        rate = 1.25
    """)
    people = population([100, 333, 1000])
    rates = ["1.25", "1.255", "2", "0.001", "3"]  # 1.255 x 333 and 0.001 x 333 are not whole cents
    result = evaluate(compile_plan(ruleset, people), {"components.inwoners.rate": rates})
    assert sorted(result.errors) == [1, 3]
    assert "not a whole number of cents" in str(result.errors[1])
    assert result.total[0].tolist() == [12_500, 41_625, 125_000]
    assert result.total[2].tolist() == [20_000, 66_600, 200_000]
    assert result.total[4].tolist() == [30_000, 99_900, 300_000]
    assert result.grand_totals() == [179_125, None, 286_600, None, 429_900]


def test_a_value_the_rules_refuse_fails_its_scenario_only() -> None:
    ruleset = rules(STAFFEL_RULES)
    people = population([100, 600, 6000])
    result = evaluate(compile_plan(ruleset, people), {"components.basis.minimum": ["1000", "1050", "9500"]})
    assert sorted(result.errors) == [1, 2]
    assert "multiple of the rounding step" in str(result.errors[1])
    assert "minimum is above" in str(result.errors[2])


def test_bounds_move_areas_between_brackets() -> None:
    ruleset = rules(STAFFEL_RULES)
    people = population([499, 500, 4999])
    values = {
        "components.basis.staffel.brackets[1].below": ["500", "501"],
        "components.basis.staffel.brackets[2].from": ["500", "501"],
    }
    result = evaluate(compile_plan(ruleset, people), values)
    for scenario in range(2):
        moved = {path: Decimal(column[scenario]) for path, column in values.items()}
        assert (
            result.components["basis"][scenario].tolist()
            == allocate(people, with_values(ruleset, moved)).cents("basis").tolist()
        )
    assert result.components["basis"][0][1] != result.components["basis"][1][1]  # 500 moved down a bracket


def test_blocks_hold_every_scenario_once_whatever_their_size() -> None:
    ruleset = rules(STAFFEL_RULES)
    people = population([10, 700, 7000, 40])
    rates = [str(Decimal(n) / 100) for n in range(1, 40)]
    plan = compile_plan(ruleset, people)
    scenarios = Scenarios.of(plan.parameters, {"components.inwoners.rate": rates})
    whole = evaluate(plan, scenarios).total
    for cells in (1, 5, 17, 1000):
        blocks = list(evaluate_blocks(plan, scenarios, cells))
        assert [block.start for block in blocks] == sorted({block.start for block in blocks})
        assert np.array_equal(np.concatenate([block.total for block in blocks]), whole)


def test_one_allocation_is_the_case_of_one_scenario() -> None:
    ruleset = load_ruleset(RULES / "leeuwarden-2014.toml")
    frame = pd.read_csv(ROOT / "data" / "leeuwarden-2014-boarnsterhim-dorpen.csv", dtype=str)
    people = Population.from_frame(frame)
    result = evaluate(compile_plan(ruleset, people))
    assert result.total[0].tolist() == allocate(people, ruleset).total.cents.tolist()
    assert result.grand_totals() == [7_050_000]  # the published grand total, EUR 70.500


# --- the rule set in the JSON report loads back --------------------------------------------------


@pytest.mark.parametrize("path", shipped_rule_files(RULES))
def test_the_rule_set_in_the_json_report_loads_back(path: Path) -> None:
    ruleset = load_ruleset(path)
    assert RuleSet.model_validate(json.loads(json.dumps(ruleset.document()))) == ruleset


# --- the derivation: typed steps with the path, value and line they used ---------------------------


def test_the_json_report_carries_each_areas_derivation_with_paths_and_lines() -> None:
    from budgetcalc.report import ReportFormat, render_report

    text = (RULES / "leeuwarden-2014.toml").read_text(encoding="utf-8")
    ruleset = load_ruleset(RULES / "leeuwarden-2014.toml")
    frame = pd.read_csv(ROOT / "data" / "leeuwarden-2014-boarnsterhim-dorpen.csv", dtype=str)
    document = json.loads(render_report(allocate(Population.from_frame(frame), ruleset), ReportFormat.JSON))
    reduzum = next(area for area in document["areas"] if area["name"] == "Reduzum")
    steps = {(step["type"], step["part"]): step for step in reduzum["derivation"]}
    rate = steps[("RateTerm", "dorpsbudget")]
    assert (
        rate["path"] == "components.dorpsbudget.rate" and rate["rate"] == "3.50" and rate["count"] == "1085"
    )
    lines = text.splitlines()
    assert lines[rate["line"] - 1].lstrip().startswith("rate")  # the line of the rule file that holds it
    rounded = steps[("Rounded", "dorpsbudget")]
    # every amount in euros (docs/explain-json.md)
    assert rounded["step"] == "100.00" and rounded["mode"] == "up" and rounded["result"] == "3800.00"
    assert lines[rounded["line"] - 1].lstrip().startswith("rounding")
    assert steps[("Bounded", "dorpsbudget")]["result"] == "3900.00"  # the published minimum of EUR 3,900


def test_scenarios_as_a_dataframe_for_a_notebook() -> None:
    ruleset = rules("""
        [components.inwoners]
        rate = 1.25
    """)
    result = evaluate(
        compile_plan(ruleset, population([100, 333])), {"components.inwoners.rate": ["1", "1.255"]}
    )
    frame = result.to_frame()
    assert list(frame.columns) == ["components.inwoners.rate", "D01", "D02", "grand_total", "error"]
    assert frame["components.inwoners.rate"].tolist() == [Decimal("1.000"), Decimal("1.255")]
    assert frame.loc[0, ["D01", "D02", "grand_total"]].tolist() == [10_000, 33_300, 43_300]
    assert frame.loc[1, ["D01", "D02", "grand_total"]].isna().all()
    assert "not a whole number of cents" in frame.loc[1, "error"]


def test_a_scenario_isolated_after_an_overflow_is_computed_as_on_its_own() -> None:
    """One column holds 1,000,000 and 0.0000000001: together they need ten decimals, at which the first
    overflows; alone each fits, and the second is reported as a single allocation gives it."""
    ruleset = rules("""
        [components.c]
        rate = 1
        rounding = { step = 0.01, mode = "half_up" }
    """)
    people = population([100_000, 2])
    result = evaluate(compile_plan(ruleset, people), {"components.c.rate": ["1000000", "0.0000000001"]})
    for scenario, rate in enumerate(["1000000", "0.0000000001"]):
        expected = single(people, ruleset, {"components.c.rate": Decimal(rate)})
        assert expected is not None
        assert scenario not in result.errors
        assert result.total[scenario].tolist() == expected


def test_a_value_too_large_or_too_fine_fails_only_its_scenario() -> None:
    ruleset = rules("""
        [components.inwoners]
        rate = 1.25
    """)
    rates = ["1", "1e20", "0.0000000000000000001", "2"]
    result = evaluate(compile_plan(ruleset, population([100, 200])), {"components.inwoners.rate": rates})
    assert sorted(result.errors) == [1, 2]
    assert "more than 1.000.000.000.000 euro" in str(result.errors[1])
    assert "too many decimals" in str(result.errors[2])
    assert result.total[0].tolist() == [10_000, 20_000] and result.total[3].tolist() == [20_000, 40_000]
