"""Minimum, maximum and rounding on components and on the total (shown as total_adjustment)."""

from decimal import ROUND_CEILING, Decimal

import pytest
from helpers import amounts, compute, totals

from budgetcalc.errors import BudgetcalcError


def areas_with(*inhabitants: int) -> list[tuple[str, str, str, int]]:
    return [(f"n{n}", f"Dorp {n}", "dorp", n) for n in inhabitants]


def test_minimum_raises_small_amounts() -> None:
    rules = """
        [components.basis]
        rate = 2
        minimum = 1500
    """
    assert totals(rules, *areas_with(100, 750, 751)) == {"n100": 1500, "n750": 1500, "n751": 2 * 751}


def test_maximum_lowers_large_amounts() -> None:
    rules = """
        [components.basis]
        fixed = 1000
        rate = 0.80
        maximum = 10000
    """
    assert totals(rules, *areas_with(100, 11250, 20000)) == {
        "n100": 1000 + Decimal("0.80") * 100,
        "n11250": Decimal(10000),
        "n20000": Decimal(10000),
    }


def test_minimum_does_not_apply_where_the_component_does_not() -> None:
    rules = """
        [components.basis]
        rate = 1
        minimum = 1500
        applies_to = { kind = "dorp" }
    """
    assert totals(rules, ("D1", "Adorp", "dorp", 10), ("W1", "Centrum", "wijk", 10)) == {"D1": 1500, "W1": 0}


@pytest.mark.parametrize(
    ("inhabitants", "expected"),
    [(932, 3900), (1085, 3900), (1296, 4600), (1688, 6000), (5748, 20200)],
)
def test_leeuwarden_2014_hundreds_up_with_a_minimum(inhabitants: int, expected: int) -> None:
    rules = """
        [components.wijkbudget]
        rate = 3.50
        rounding = { step = 100, mode = "up" }
        minimum = 3900
    """
    exact = Decimal("3.50") * inhabitants
    by_hand = max(Decimal(3900), (exact / 100).to_integral_value(rounding=ROUND_CEILING) * 100)
    assert by_hand == expected
    assert totals(rules, *areas_with(inhabitants)) == {f"n{inhabitants}": by_hand}


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("half_up", "83.13"), ("half-even", "83.12"), ("up", "83.13"), ("down", "83.12")],
)
def test_component_rounding_to_cents(mode: str, expected: str) -> None:
    rules = f"""
        [components.inwoners]
        rate = 0.125
        rounding = {{ step = 0.01, mode = "{mode}" }}
    """
    assert Decimal("0.125") * 665 == Decimal("83.125")
    assert totals(rules, *areas_with(665)) == {"n665": Decimal(expected)}


def test_rounding_applies_once_to_the_sum_of_the_terms() -> None:
    rules = """
        [components.basis]
        rate = 0.0025
        rounding = { step = 0.01, mode = "half_up" }

        [components.basis.staffel]
        brackets = [{ from = 0, rate = 0.0025, rate_applies_to = "all" }]
    """
    # 0.0025 × 1 + 0.0025 × 1 = 0.005 → 0.01; rounding each term first would give 0.00 + 0.00
    assert totals(rules, *areas_with(1)) == {"n1": Decimal("0.01")}


def test_total_rounding_shows_an_adjustment() -> None:
    rules = """
        [components.basis]
        fixed = 6567

        [components.inwoners]
        rate = 1.68

        [total]
        rounding = { step = 10, mode = "half_up" }
    """
    allocation = compute(rules, *areas_with(664, 2000))
    parts = {"n664": 6567 + Decimal("1.68") * 664, "n2000": 6567 + Decimal("1.68") * 2000}  # 7682.52, 9927
    assert amounts(allocation) == {"n664": Decimal(7680), "n2000": Decimal(9930)}
    assert amounts(allocation, "total_adjustment") == {
        "n664": 7680 - parts["n664"],
        "n2000": 9930 - parts["n2000"],
    }
    assert list(allocation.to_frame().columns)[-3:] == ["inwoners", "total_adjustment", "total"]


def test_total_minimum_and_maximum() -> None:
    rules = """
        [components.basis]
        rate = 2

        [components.extra]
        fixed = 500

        [total]
        minimum = 2500
        maximum = 10000
    """
    allocation = compute(rules, *areas_with(100, 2000, 6000))
    assert amounts(allocation) == {"n100": 2500, "n2000": 2 * 2000 + 500, "n6000": 10000}
    assert amounts(allocation, "total_adjustment") == {
        "n100": 2500 - (2 * 100 + 500),
        "n2000": 0,
        "n6000": 10000 - (2 * 6000 + 500),
    }


def test_components_plus_adjustment_equal_the_total() -> None:
    rules = """
        [components.basis]
        fixed = 1234.56

        [components.inwoners]
        rate = 0.37

        [total]
        rounding = { step = 100, mode = "down" }
        minimum = 2000
    """
    allocation = compute(rules, *areas_with(0, 10, 999, 5000, 12345))
    frame = allocation.to_frame()
    for _, row in frame.iterrows():
        assert row["basis"] + row["inwoners"] + row["total_adjustment"] == row["total"]
    assert all(check.ok is not False for check in allocation.checks())  # None: not compared


def test_no_total_rule_means_no_adjustment_column() -> None:
    rules = """
        [components.basis]
        fixed = 100
    """
    assert "total_adjustment" not in compute(rules, *areas_with(1)).to_frame().columns


def test_huge_amount_with_rounding_is_an_error_not_a_negative_budget() -> None:
    rules = """
        [components.basis]
        fixed = 100000000000000000
        rounding = { step = 1, mode = "up" }
    """
    with pytest.raises(BudgetcalcError, match="too large"):
        totals(rules, *areas_with(1))


def test_huge_amount_without_rounding_is_an_error() -> None:
    rules = """
        [components.basis]
        fixed = 100000000000000000
    """
    with pytest.raises(BudgetcalcError, match="too large"):
        totals(rules, *areas_with(1))


def test_total_rules_leave_an_area_without_components_at_zero() -> None:
    rules = """
        [components.dorpsbudget]
        fixed = 1000
        applies_to = { kind = "dorp" }

        [total]
        minimum = 2500
        rounding = { step = 100, mode = "up" }
    """
    allocation = compute(rules, ("D1", "Adorp", "dorp", 664), ("W1", "Centrum", "wijk", 8000))
    assert amounts(allocation) == {"D1": 2500, "W1": 0}
    assert amounts(allocation, "total_adjustment") == {"D1": 2500 - 1000, "W1": 0}
