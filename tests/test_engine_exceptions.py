"""Decided exceptions for single areas, and published amounts the rule file expects."""

import re
from decimal import Decimal

import pandas as pd
import pytest
from helpers import amounts, compute

from budgetcalc.errors import AllocationError, BudgetcalcError

ADORP = ("D1", "Adorp", "dorp", 664)
BAFLO = ("D2", "Baflo", "dorp", 2000)

TWO_COMPONENTS = """
    [components.basis]
    fixed = 6567
    rate = 1.68

    [components.accommodatie]
    fixed = 1000
    rounding = { step = 100, mode = "up" }
    minimum = 1000
    applies_to = { codes = "D2" }
"""


def test_exception_on_a_component() -> None:
    allocation = compute(
        TWO_COMPONENTS
        + """
        [[exceptions]]
        area = "D2"
        component = "accommodatie"
        amount = 250.75
        reason = "Dorpshuis gesloten, besluit B&W 12 maart 2024"
        """,
        ADORP,
        BAFLO,
    )
    # the exception replaces the component after rounding and minimum
    assert amounts(allocation, "accommodatie") == {"D1": 0, "D2": Decimal("250.75")}
    assert amounts(allocation) == {
        "D1": 6567 + Decimal("1.68") * 664,
        "D2": 6567 + Decimal("1.68") * 2000 + Decimal("250.75"),
    }
    assert any("Dorpshuis gesloten" in line for line in allocation.explain("Baflo", "nl"))


def test_exception_on_a_component_where_it_does_not_otherwise_apply() -> None:
    allocation = compute(
        TWO_COMPONENTS
        + """
        [[exceptions]]
        area = "Adorp"
        component = "accommodatie"
        amount = 400
        reason = "Tijdelijke huur"
        """,
        ADORP,
        BAFLO,
    )
    assert amounts(allocation, "accommodatie") == {"D1": 400, "D2": 1000}


def test_exception_on_the_total() -> None:
    allocation = compute(
        TWO_COMPONENTS
        + """
        [total]
        rounding = { step = 1, mode = "half_up" }

        [[exceptions]]
        area = "Baflo"
        amount = 12000
        reason = "Vast bedrag volgens raadsbesluit"
        """,
        ADORP,
        BAFLO,
    )
    frame = allocation.to_frame()
    baflo = frame.set_index("code").loc["D2"]
    assert baflo["basis"] is None and baflo["accommodatie"] is None and baflo["total_adjustment"] is None
    assert baflo["total"] == 12000
    cents = allocation.to_frame(cents=True).set_index("code").loc["D2"]
    assert pd.isna(cents["basis"]) and pd.isna(cents["total_adjustment"]) and cents["total"] == 1_200_000
    adorp = 6567 + Decimal("1.68") * 664  # 7682.52, rounded to 7683
    assert amounts(allocation) == {"D1": Decimal(7683), "D2": Decimal(12000)}
    assert amounts(allocation, "total_adjustment")["D1"] == 7683 - adorp
    assert all(check.ok is not False for check in allocation.checks())  # None: not compared
    [explanation] = allocation.explain("D2", "en")
    assert "€12,000.00" in explanation and "Vast bedrag volgens raadsbesluit" in explanation


@pytest.mark.parametrize(
    ("component", "message"),
    [
        ("", "an exception on the total names area 'Zandeweer', which matches no code or name"),
        (
            'component = "basis"',
            "an exception on component 'basis' names area 'Zandeweer', which matches no code or name",
        ),
    ],
)
def test_exception_for_an_unknown_area_is_an_error(component: str, message: str) -> None:
    rules = (
        TWO_COMPONENTS
        + f"""
        [[exceptions]]
        area = "Zandeweer"
        {component}
        amount = 100
        reason = "?"
    """
    )
    with pytest.raises(AllocationError, match=message):
        compute(rules, ADORP, BAFLO)


def test_absurd_exception_amount_is_a_user_error() -> None:
    rules = (
        TWO_COMPONENTS
        + """
        [[exceptions]]
        area = "D1"
        amount = 100000000000000000
        reason = "typo"
    """
    )
    with pytest.raises(BudgetcalcError):
        compute(rules, ADORP, BAFLO)


def test_expected_statuses() -> None:
    allocation = compute(
        TWO_COMPONENTS
        + """
        [[expected]]
        area = "Adorp"
        amount = 7682.52  # 6567 + 1.68 × 664
        inhabitants = 664

        [[expected]]
        area = "D2"
        component = "accommodatie"
        amount = 1000

        [[expected]]
        area = "Baflo"
        amount = 10000.00

        [[expected]]
        area = "Zandeweer"
        amount = 9000

        [[expected]]
        area = "Adorp"
        amount = 7600
        inhabitants = 600
        """,
        ADORP,
        BAFLO,
    )
    statuses = [(e.expectation.area, e.status.value) for e in allocation.expectations]
    assert statuses == [
        ("Adorp", "matches"),
        ("D2", "matches"),
        ("Baflo", "differs"),
        ("Zandeweer", "area_missing"),
        ("Adorp", "other_count"),
    ]
    baflo = allocation.expectations[2]
    assert baflo.expected_cents == 1_000_000
    assert baflo.actual_cents == (6567 + Decimal("1.68") * 2000 + 1000) * 100
    expected_checks = [c.ok for c in allocation.checks() if c.key == "check_expected"]
    assert expected_checks == [True, True, False, None, None]  # None: not compared


def test_expected_grand_total() -> None:
    allocation = compute(
        TWO_COMPONENTS
        + """
        [[expected]]
        amount = 18609.52  # (6567 + 1.68 × 664) + (6567 + 1.68 × 2000 + 1000)
        inhabitants = 2664

        [[expected]]
        amount = 18609.52
        inhabitants = 2665
        """,
        ADORP,
        BAFLO,
    )
    grand_total = (6567 + Decimal("1.68") * 664) + (6567 + Decimal("1.68") * 2000 + 1000)
    assert grand_total == Decimal("18609.52")
    assert [e.status.value for e in allocation.expectations] == ["matches", "other_count"]


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ('area = "D1"', 'area = "Adorp"', "two exceptions on the total for one area: 'D1' and 'Adorp'"),
        (
            'area = "D1"\n        component = "basis"',
            'area = "Adorp"',
            "area 'D1' has an exception on component 'basis' and one on its total ('Adorp')",
        ),
    ],
)
def test_one_area_named_by_code_and_by_name_in_two_exceptions_is_an_error(
    first: str, second: str, message: str
) -> None:
    rules = (
        TWO_COMPONENTS
        + f"""
        [[exceptions]]
        {first}
        amount = 100
        reason = "een"

        [[exceptions]]
        {second}
        amount = 200
        reason = "twee"
    """
    )
    with pytest.raises(AllocationError, match=re.escape(message)):
        compute(rules, ADORP, BAFLO)


def test_no_warning_for_a_component_whose_areas_all_have_a_total_exception() -> None:
    allocation = compute(
        TWO_COMPONENTS
        + """
        [[exceptions]]
        area = "D2"
        amount = 500
        reason = "lager bedrag, collegebesluit"
    """,
        ADORP,
        BAFLO,
    )
    # 'accommodatie' applies to D2 only, and D2's total is set by the exception: nothing to warn about
    assert allocation.warnings == ()
