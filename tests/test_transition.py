"""Transition rules on last year's amounts ([transition], allocate(previous=...)): every rule worked out
by hand, new and gone areas, exceptions untouched, matching last year's rows, and properties.

The rule set pays EUR 1 per inhabitant, so an area's rule amount (target) is its inhabitants in euros.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetcalc import allocate, parse_ruleset
from budgetcalc.errors import AllocationError
from budgetcalc.previous import PreviousYear
from budgetcalc.ruleset.model import RuleSet

HEAD = """name = "Overgang"
municipality = "Testgemeente"
decision = "test"
valid_from = 2024-01-01
reference_date = 2024-01-01
"""
BASIS = """
[components.basis]
rate = 1
"""


def rules(transition: str = "", *, head: str = HEAD, extra: str = "") -> RuleSet:
    return parse_ruleset(head + BASIS + extra + ("\n[transition]\n" + transition if transition else ""))


def population(**inhabitants: int) -> pd.DataFrame:
    codes = list(inhabitants)
    return pd.DataFrame(
        {"code": codes, "name": [f"Dorp {c}" for c in codes], "inhabitants": list(inhabitants.values())}
    )


def previous(**amounts: str | int) -> PreviousYear:
    codes = list(amounts)
    return PreviousYear.from_frame(pd.DataFrame({"code": codes, "amount": list(amounts.values())}))


def final(ruleset: RuleSet, people: pd.DataFrame, last: PreviousYear) -> dict[str, Decimal]:
    frame = allocate(people, ruleset, previous=last).to_frame()
    return dict(zip(frame["code"], frame["total"], strict=True))


def acted(ruleset: RuleSet, people: pd.DataFrame, last: PreviousYear) -> dict[str, str]:
    frame = allocate(people, ruleset, previous=last).to_frame()
    return dict(zip(frame["code"], frame["transition_rule"], strict=True))


# --- caps --------------------------------------------------------------------------------------------


def test_a_percentage_cap_limits_the_change_both_ways() -> None:
    ruleset = rules("max_increase_percent = 10\nmax_decrease_percent = 10\n")
    people = population(A=1000, B=700, C=2000)
    last = previous(A=800, B=1000, C="1990.50")
    # A: 800 + 10 % = 880; B: 1000 - 10 % = 900; C: 2000 lies within 1990.50 +- 199.05
    assert final(ruleset, people, last) == {
        "A": Decimal("880.00"),
        "B": Decimal("900.00"),
        "C": Decimal("2000.00"),
    }
    assert acted(ruleset, people, last) == {"A": "max_increase_percent", "B": "max_decrease_percent", "C": ""}


def test_a_percentage_cap_is_rounded_down_to_the_cent() -> None:
    ruleset = rules("max_increase_percent = 10\n")
    # 10 % of 333.33 is 33.333: the allowed increase is 33.33, so 366.66 (not 366.67)
    assert final(ruleset, population(A=1000), previous(A="333.33")) == {"A": Decimal("366.66")}


def test_a_cap_in_euros() -> None:
    ruleset = rules("max_increase = 100\nmax_decrease = 50\n")
    people = population(A=1000, B=500)
    last = previous(A=800, B=700)
    assert final(ruleset, people, last) == {"A": Decimal("900.00"), "B": Decimal("650.00")}
    assert acted(ruleset, people, last) == {"A": "max_increase", "B": "max_decrease"}


def test_with_a_percentage_and_an_amount_the_tighter_holds() -> None:
    ruleset = rules("max_increase_percent = 10\nmax_increase = 50\n")
    people = population(A=1000, B=1000)
    last = previous(A=800, B=300)
    # A: 10 % is 80, EUR 50 is tighter: 850; B: 10 % is 30, tighter than 50: 330
    assert final(ruleset, people, last) == {"A": Decimal("850.00"), "B": Decimal("330.00")}
    assert acted(ruleset, people, last) == {"A": "max_increase", "B": "max_increase_percent"}


# --- hold harmless and floor ---------------------------------------------------------------------------


def test_hold_harmless_keeps_last_years_amount() -> None:
    ruleset = rules("hold_harmless = true\n")
    people = population(A=500, B=900)
    last = previous(A=700, B=800)
    assert final(ruleset, people, last) == {"A": Decimal("700.00"), "B": Decimal("900.00")}
    assert acted(ruleset, people, last) == {"A": "hold_harmless", "B": ""}


def test_a_floor_and_a_higher_amount_last_year_that_stays() -> None:
    ruleset = rules("floor = 2500\n")
    people = population(A=800, B=2800, C=2700)
    last = previous(A=1000, B=3000, C=2000)
    # A: raised to the floor; B: got more than the floor last year and keeps it; C: above both
    assert final(ruleset, people, last) == {
        "A": Decimal("2500.00"),
        "B": Decimal("3000.00"),
        "C": Decimal("2700.00"),
    }
    assert acted(ruleset, people, last) == {"A": "floor", "B": "floor", "C": ""}


# --- phase ----------------------------------------------------------------------------------------------

PHASE = (
    "max_increase = 100000\n[transition.phase]\nyears = 3\nfirst_year = 2024\n"
    'rounding = { step = 0.01, mode = "%s" }\n'
)


def in_year(year: int, mode: str = "half_up") -> RuleSet:
    return rules(PHASE % mode, head=HEAD + f"budget_year = {year}\n")


def test_a_phase_in_over_three_years_ends_exactly_on_the_target() -> None:
    people = population(A=2000)
    # 2024, year 1 of 3: 1000 + 1000 / 3 = 1333.33
    assert final(in_year(2024), people, previous(A=1000)) == {"A": Decimal("1333.33")}
    # 2025, year 2 of 3: 1333.33 + 666.67 / 2 = 1333.33 + 333.335, half up 333.34: 1666.67
    assert final(in_year(2025), people, previous(A="1333.33")) == {"A": Decimal("1666.67")}
    # rounded down instead: 333.33
    assert final(in_year(2025, "down"), people, previous(A="1333.33")) == {"A": Decimal("1666.66")}
    # 2026, the last year: the target exactly, whatever the step
    assert final(in_year(2026), people, previous(A="1666.67")) == {"A": Decimal("2000.00")}
    # 2027, after the phase, and 2023, before it: the target
    assert final(in_year(2027), people, previous(A=1000)) == {"A": Decimal("2000.00")}
    assert final(in_year(2023), people, previous(A=1000)) == {"A": Decimal("2000.00")}
    assert acted(in_year(2024), people, previous(A=1000)) == {"A": "phase"}


def test_a_phase_out_steps_down() -> None:
    # 2000 - 1000 / 3 = 2000 - 333.333..., half up to the cent: 1666.67
    assert final(in_year(2024), population(A=1000), previous(A=2000)) == {"A": Decimal("1666.67")}


# --- exceptions, new and gone areas -----------------------------------------------------------------------


def test_an_exception_on_the_total_stands() -> None:
    exception = '\n[[exceptions]]\narea = "A"\namount = 5000\nreason = "besluit"\n'
    ruleset = rules("max_increase = 10\n", extra=exception)
    frame = allocate(population(A=100, B=1000), ruleset, previous=previous(A=100, B=100)).to_frame()
    assert list(frame["total"]) == [Decimal("5000.00"), Decimal("110.00")]
    assert list(frame["transition_rule"]) == ["", "max_increase"]
    assert list(frame["transition"]) == [None, Decimal("-890.00")]  # an exception's parts are not shown


def test_new_and_gone_areas() -> None:
    ruleset = rules("hold_harmless = true\n")
    allocation = allocate(population(A=100, N=300), ruleset, previous=previous(A=200, G=400))
    frame = allocation.to_frame()
    assert list(frame["status"]) == ["", "new"]
    assert list(frame["previous"]) == [Decimal("200.00"), None]
    assert list(frame["change"]) == [Decimal("0.00"), None]
    assert list(frame["total"]) == [Decimal("200.00"), Decimal("300.00")]  # new: the target
    assert allocation.gone_areas() == [("G", "", 40000, 0)]


def test_a_previous_year_without_transition_rules_shows_the_change() -> None:
    frame = allocate(population(A=100), rules(), previous=previous(A=80)).to_frame()
    assert "transition" not in frame.columns  # no [transition]: no column of its change
    assert list(frame["change"]) == [Decimal("20.00")]
    assert list(frame["total"]) == [Decimal("100.00")]


def test_without_a_previous_year_the_rules_say_so() -> None:
    allocation = allocate(population(A=100), rules("hold_harmless = true\n"))
    assert allocation.warnings == (
        "the rule set has rules on last year (transition), but no --previous was given: computed without "
        "transition and without carry-over",
    )
    assert list(allocation.to_frame().columns) == ["code", "name", "kind", "inhabitants", "basis", "total"]


# --- matching last year's rows ---------------------------------------------------------------------------


def test_rows_match_by_code_else_by_name() -> None:
    last = PreviousYear.from_frame(
        pd.DataFrame({"code": [" a ", ""], "name": ["whatever", "  dorp   B "], "amount": [10, 20]})
    )
    frame = allocate(population(A=100, B=100), rules(), previous=last).to_frame()
    assert list(frame["previous"]) == [Decimal("10.00"), Decimal("20.00")]


def test_two_rows_for_one_area_are_an_error_naming_both() -> None:
    last = PreviousYear.from_frame(
        pd.DataFrame({"code": ["A", ""], "name": ["x", "Dorp A"], "amount": [10, 20]})
    )
    with pytest.raises(AllocationError) as error:
        allocate(population(A=100), rules(), previous=last)
    assert (
        str(error.value)
        == "the previous year has two rows for area 'Dorp A' (A): A 'x' and 'Dorp A'; keep one"
    )


def test_a_notebook_table_refuses_floats() -> None:
    with pytest.raises(ValueError, match=r"row 1, column amount: got the binary float 1\.5"):
        PreviousYear.from_frame(pd.DataFrame({"code": ["A"], "amount": [1.5]}))
    with pytest.raises(ValueError, match="whole cents"):
        PreviousYear.from_frame(pd.DataFrame({"code": ["A"], "amount": ["1.005"]}))


def test_the_values_are_parameters_a_scenario_varies() -> None:
    from budgetcalc.engine.evaluate import evaluate
    from budgetcalc.engine.plan import compile_plan
    from budgetcalc.population import Population

    ruleset = rules("max_increase_percent = 10\n")
    plan = compile_plan(ruleset, Population.from_frame(population(A=1000)), previous(A=800))
    result = evaluate(plan, {"transition.max_increase_percent": ["5", "20", "50"]})
    assert result.total[:, 0].tolist() == [84000, 96000, 100000]  # 840, 960, and the target 1000
    failed = evaluate(plan, {"transition.max_increase_percent": ["-1"]}).errors
    assert str(failed[0]) == "transition.max_increase_percent: -1 is below 0; a limit is 0 or more"


def test_the_derivation_is_explained_and_checked() -> None:
    ruleset = rules("max_increase_percent = 10\n")
    allocation = allocate(population(A=1000), ruleset, previous=previous(A=800))
    assert allocation.explain("A", "en")[1:] == [
        "Transition: last year €800.00, by the rules €1,000.00; "
        "maximum increase 10 % = €80.00: capped at €880.00"
    ]
    assert all(check.ok is not False for check in allocation.checks())


# --- properties ----------------------------------------------------------------------------------------

CENTS = st.integers(min_value=0, max_value=10**9)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 10**6), CENTS), min_size=1, max_size=8),
    st.decimals(min_value=0, max_value=100, places=2),
)
def test_a_cap_of_x_percent_is_never_exceeded(areas: list[tuple[int, int]], percent: Decimal) -> None:
    ruleset = rules(f'max_increase_percent = "{percent}"\nmax_decrease_percent = "{percent}"\n')
    people = population(**{f"A{i}": count for i, (count, _) in enumerate(areas)})
    last = PreviousYear(
        tuple(people["code"]), ("",) * len(areas), np.array([cents for _, cents in areas], dtype=np.int64)
    )
    allocation = allocate(people, ruleset, previous=last)
    for now, (_, before) in zip(allocation.cents("total").tolist(), areas, strict=True):
        assert abs(Fraction(now - before)) <= Fraction(before) * Fraction(percent) / 100


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**6), CENTS), min_size=1, max_size=8))
def test_hold_harmless_never_lowers_an_amount(areas: list[tuple[int, int]]) -> None:
    ruleset = rules("hold_harmless = true\nmax_increase_percent = 5\n")
    people = population(**{f"A{i}": count for i, (count, _) in enumerate(areas)})
    last = PreviousYear(
        tuple(people["code"]), ("",) * len(areas), np.array([cents for _, cents in areas], dtype=np.int64)
    )
    totals = allocate(people, ruleset, previous=last).cents("total").tolist()
    assert all(now >= before for now, (_, before) in zip(totals, areas, strict=True))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=8), st.integers(1, 5), st.booleans())
def test_without_a_previous_year_the_result_is_the_single_year_rule(
    counts: list[int], years: int, keep: bool
) -> None:
    single = rules(extra="\n[total]\nminimum = 50\n")
    both = rules(
        f"floor = 100\nhold_harmless = true\n[transition.phase]\nyears = {years}\nfirst_year = 2024\n"
        'rounding = { step = 1, mode = "up" }\n',
        extra=f"\n[total]\nminimum = 50\n\n[carry_over]\nkeep = {str(keep).lower()}\n",
    )
    people = population(**{f"A{i}": count for i, count in enumerate(counts)})
    pd.testing.assert_frame_equal(allocate(people, both).to_frame(), allocate(people, single).to_frame())
