"""Money carried over from last year ([carry_over]): kept up to a maximum and for at most N years,
returned to a shared pot (which stays met exactly) or to the municipality; never more than was unspent."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from test_transition import HEAD, population

from budgetcalc import allocate, parse_ruleset
from budgetcalc.previous import PreviousYear
from budgetcalc.ruleset.model import RuleSet

POT = """
[pots.leefbaarheid]
amount = 1000
"""


def rules(carry: str, *, pot: bool = False) -> RuleSet:
    basis = "\n[components.basis]\nrate = 1\n"
    return parse_ruleset(HEAD + basis + (POT if pot else "") + "\n[carry_over]\n" + carry)


def last_year(rows: dict[str, tuple[int, int, int]]) -> PreviousYear:
    """Per code: last year's amount, unspent money (euros) and years carried."""
    frame = pd.DataFrame(
        {
            "code": list(rows),
            "amount": [amount for amount, _, _ in rows.values()],
            "unspent": [unspent for _, unspent, _ in rows.values()],
            "carried_years": [years for _, _, years in rows.values()],
        }
    )
    return PreviousYear.from_frame(frame)


def test_kept_up_to_the_maximum_and_for_at_most_max_years() -> None:
    ruleset = rules("keep = true\nmaximum = 50\nmax_years = 3\n")
    last = last_year({"A": (100, 100, 0), "B": (100, 20, 2), "C": (100, 30, 3)})
    allocation = allocate(population(A=100, B=100, C=100), ruleset, previous=last)
    frame = allocation.to_frame()
    # A: 100 unspent, at most 50; B: 20, carried twice before (fewer than 3); C: carried 3 years already
    assert list(frame["carried_over"]) == [Decimal("50.00"), Decimal("20.00"), Decimal("0.00")]
    assert list(frame["available"]) == [Decimal("150.00"), Decimal("120.00"), Decimal("100.00")]
    assert list(frame["carried_years"]) == [1, 3, 0]
    assert list(frame["total"]) == [Decimal("100.00")] * 3  # carried money is not part of the total
    assert allocation.transition is not None
    assert allocation.transition.carry.returned.tolist() == [50_00 + 30_00]  # back to the municipality
    assert allocation.explain("C", "nl")[-1] == (
        "Overgedragen: niet besteed vorig jaar € 30,00: niet: al 3 jaar op rij overgedragen; de rest gaat "
        "terug naar de gemeente"
    )


def test_returned_money_is_shared_again_and_the_pot_is_met_exactly() -> None:
    ruleset = rules('keep = true\nmaximum = 100\nreturn_to_pot = "leefbaarheid"\n', pot=True)
    # unspent 300 (A keeps 100, 200 returned) and a gone area's 50: the pot is 1000 + 250 = 1250,
    # shared by inhabitants 1000 : 4000 -> 250 and 1000 (of 1250)
    last = last_year({"A": (0, 300, 0), "G": (500, 50, 0)})
    allocation = allocate(population(A=1000, B=4000), ruleset, previous=last)
    frame = allocation.to_frame()
    assert list(frame["leefbaarheid"]) == [Decimal("250.00"), Decimal("1000.00")]
    assert sum(frame["leefbaarheid"]) == Decimal("1250.00")
    assert list(frame["carried_over"]) == [Decimal("100.00"), Decimal("0.00")]
    assert allocation.gone_areas() == [("G", "", 50000, 5000)]
    assert all(check.ok is not False for check in allocation.checks())


def test_not_kept_everything_goes_back() -> None:
    allocation = allocate(population(A=10), rules("keep = false\n"), previous=last_year({"A": (10, 7, 0)}))
    assert allocation.transition is not None
    assert allocation.transition.carry.carried.tolist() == [0]
    assert allocation.transition.carry.returned.tolist() == [700]


def test_a_previous_year_without_unspent_money_carries_nothing_and_says_so() -> None:
    last = PreviousYear.from_frame(pd.DataFrame({"code": ["A"], "amount": [10]}))
    allocation = allocate(population(A=10), rules("keep = true\n"), previous=last)
    assert allocation.warnings == (
        "the rule set has [carry_over], but last year has no column of unspent money: nothing carried over",
    )


def test_return_to_pot_must_name_a_shared_pot() -> None:
    from budgetcalc.errors import RuleError

    try:
        rules('keep = true\nreturn_to_pot = "elders"\n', pot=True)
    except RuleError as error:
        assert "return_to_pot names 'elders', which is no shared pot (shared pots: leefbaarheid)" in str(
            error
        )
    else:
        raise AssertionError("a pot that does not exist was accepted")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 10**8), st.integers(0, 10), st.booleans()),
        min_size=1,
        max_size=8,
    ),
    st.integers(0, 10**7),
    st.integers(1, 5),
)
def test_carry_over_never_creates_money(rows: list[tuple[int, int, bool]], maximum: int, years: int) -> None:
    """Per area carried <= unspent; carried + returned add up to what was unspent, gone areas included."""
    ruleset = rules(f'keep = true\nmaximum = "{Decimal(maximum) / 100}"\nmax_years = {years}\n')
    codes = [f"A{i}" for i in range(len(rows))]
    present = {code: 100 for code, (_, _, here) in zip(codes, rows, strict=True) if here} or {"X": 1}
    last = PreviousYear(
        tuple(codes),
        ("",) * len(rows),
        np.zeros(len(rows), dtype=np.int64),
        np.array([unspent for unspent, _, _ in rows], dtype=np.int64),
        np.array([carried for _, carried, _ in rows], dtype=np.int64),
    )
    allocation = allocate(population(**present), ruleset, previous=last)
    assert allocation.transition is not None
    carry = allocation.transition.carry
    assert (carry.carried <= carry.unspent).all()
    unspent = sum(unspent for unspent, _, _ in rows)
    assert int(carry.carried.sum()) + int(carry.returned[0]) == unspent
