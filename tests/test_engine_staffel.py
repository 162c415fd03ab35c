"""Staffels: each area falls in exactly one bracket; bounds, marginal rates and conditions."""

from decimal import Decimal

import pytest
from helpers import totals

from budgetcalc.errors import AllocationError, RuleError


def areas_with(*inhabitants: int, kind: str = "dorp") -> list[tuple[str, str, str, int]]:
    """One area per count, coded by its count: ``("n499", "Dorp 499", kind, 499)``."""
    return [(f"n{n}", f"Dorp {n}", kind, n) for n in inhabitants]


def test_from_and_below_include_the_lower_and_exclude_the_upper_bound() -> None:
    rules = """
        [components.basis.staffel]
        brackets = [
            { from = 0, below = 500, fixed = 1000 },
            { from = 500, below = 5000, fixed = 2000 },
            { from = 5000, fixed = 3000 },
        ]
    """
    assert totals(rules, *areas_with(0, 499, 500, 4999, 5000, 80000)) == {
        "n0": 1000, "n499": 1000, "n500": 2000, "n4999": 2000, "n5000": 3000, "n80000": 3000,
    }  # fmt: skip


def test_above_and_through_exclude_the_lower_and_include_the_upper_bound() -> None:
    rules = """
        [components.basis.staffel]
        brackets = [
            { from = 0, through = 500, fixed = 1000 },   # tot en met 500
            { above = 500, through = 5000, fixed = 2000 },  # meer dan 500 tot en met 5000
            { above = 5000, fixed = 3000 },
        ]
    """
    assert totals(rules, *areas_with(500, 501, 5000, 5001)) == {
        "n500": 1000, "n501": 2000, "n5000": 2000, "n5001": 3000,
    }  # fmt: skip


def test_through_499_then_from_500_is_contiguous() -> None:
    rules = """
        [components.basis.staffel]
        brackets = [
            { from = 0, through = 499, fixed = 1000 },
            { from = 500, fixed = 2000 },
        ]
    """
    assert totals(rules, *areas_with(499, 500)) == {"n499": 1000, "n500": 2000}


def test_rate_on_all_inhabitants_versus_on_the_part_above_the_lower_bound() -> None:
    rules = """
        [components.heel.staffel]
        brackets = [
            { from = 0, below = 1000, fixed = 3000 },
            { from = 1000, fixed = 3000, rate = 2, rate_applies_to = "all" },
        ]

        [components.marginaal.staffel]
        brackets = [
            { from = 0, below = 1000, fixed = 3000 },
            { from = 1000, fixed = 3000, rate = 2, rate_applies_to = "part_above_lower_bound" },
        ]
    """
    result = totals(rules, *areas_with(999, 1000, 1500))
    assert result == {
        "n999": 3000 + 3000,
        "n1000": (3000 + 2 * 1000) + (3000 + 2 * 0),
        "n1500": (3000 + 2 * 1500) + (3000 + 2 * (1500 - 1000)),
    }


def test_marginal_rate_above_an_exclusive_bound_counts_from_that_bound() -> None:
    rules = """
        [components.basis.staffel]
        brackets = [
            { from = 0, through = 500, fixed = 1000 },
            { above = 500, fixed = 1000, rate = 0.50, rate_applies_to = "part_above_lower_bound" },
        ]
    """
    assert totals(rules, *areas_with(500, 501, 2500)) == {
        "n500": Decimal(1000),
        "n501": 1000 + Decimal("0.50") * 1,
        "n2500": 1000 + Decimal("0.50") * 2000,
    }


def test_bracket_with_only_a_rate() -> None:
    rules = """
        [components.basis.staffel]
        brackets = [
            { from = 0, below = 2000, rate = 1.25, rate_applies_to = "all" },
            { from = 2000, rate = 0.75, rate_applies_to = "all" },
        ]
    """
    assert totals(rules, *areas_with(1999, 2000)) == {
        "n1999": Decimal("1.25") * 1999,
        "n2000": Decimal("0.75") * 2000,
    }


def test_non_monotone_amounts_are_allowed_westerkwartier() -> None:
    rules = """
        [components.dorpsbudget.staffel]
        brackets = [
            { from = 0, below = 5000, fixed = 2500, rate = 1, rate_applies_to = "all" },
            { from = 5000, fixed = 1000, rate = 1, rate_applies_to = "all" },
        ]
    """
    # one more inhabitant, 1499 euro less: 7499 for 4999 inhabitants, 6000 for 5000
    assert totals(rules, *areas_with(4999, 5000)) == {"n4999": 2500 + 4999, "n5000": 1000 + 5000}


def test_staffel_on_dwellings() -> None:
    rules = """
        [components.basis.staffel]
        per = "dwellings"
        brackets = [
            { from = 0, below = 300, fixed = 800 },
            { from = 300, fixed = 1600 },
        ]
    """
    result = totals(rules, ("D1", "Adorp", "dorp", 664), ("D2", "Baflo", "dorp", 2000), dwellings=[299, 300])
    assert result == {"D1": 800, "D2": 1600}


def test_area_outside_all_brackets_is_an_error_naming_it() -> None:
    rules = """
        [components.basis.staffel]
        brackets = [
            { from = 100, below = 500, fixed = 1000 },
            { from = 500, fixed = 2000 },
        ]
    """
    message = (
        r"component 'basis': area 'Dorp 99' with 99 inhabitants falls in no bracket "
        r"\(brackets: \[100, 500\), \[500, ∞\)\)"
    )
    with pytest.raises(AllocationError, match=message):
        totals(rules, *areas_with(100, 99))


def test_upper_bound_of_the_last_bracket_is_a_limit() -> None:
    rules = """
        [components.basis.staffel]
        brackets = [{ from = 0, through = 10000, fixed = 1000 }]
    """
    with pytest.raises(AllocationError, match="'Dorp 10001' with 10001 inhabitants falls in no bracket"):
        totals(rules, *areas_with(10000, 10001))


def test_staffel_on_a_column_with_fractions() -> None:
    rules = """
        [components.groen.staffel]
        per = "land_area"
        brackets = [
            { from = 0, through = 12.5, fixed = 100 },
            { above = 12.5, fixed = 200 },
        ]
    """
    rows = [("D1", "Adorp", "dorp", 664), ("D2", "Baflo", "dorp", 2000), ("D3", "Eenrum", "dorp", 1)]
    result = totals(rules, *rows, land_area=["12.5", "12.51", Decimal("0.75")])
    assert result == {"D1": 100, "D2": 200, "D3": 100}


def test_on_a_column_with_fractions_every_gap_counts() -> None:
    rules = """
        [components.groen.staffel]
        per = "land_area"
        brackets = [
            { from = 0, through = 12, fixed = 100 },
            { from = 13, fixed = 200 },
        ]
    """
    with pytest.raises(RuleError, match=r"brackets \[0, 12\] and \[13, ∞\) leave a gap"):
        totals(rules, ("D1", "Adorp", "dorp", 664), land_area=["12"])


def test_brackets_per_kind_of_area() -> None:
    rules = """
        [components.basis]
        [[components.basis.staffel.brackets]]
        applies_to = { kind = "dorp" }
        from = 0
        below = 1000
        fixed = 1000

        [[components.basis.staffel.brackets]]
        applies_to = { kind = "dorp" }
        from = 1000
        fixed = 2000

        [[components.basis.staffel.brackets]]
        applies_to = { kind = "wijk" }
        from = 0
        fixed = 5000
        rate = 0.10
        rate_applies_to = "all"
    """
    result = totals(
        rules,
        ("D1", "Adorp", "dorp", 999),
        ("D2", "Baflo", "dorp", 1000),
        ("W1", "Centrum", "wijk", 999),
    )
    assert result == {"D1": 1000, "D2": 2000, "W1": 5000 + Decimal("0.10") * 999}


def test_area_whose_kind_has_no_brackets_falls_in_none() -> None:
    rules = """
        [components.basis.staffel]
        brackets = [{ from = 0, fixed = 1000, applies_to = { kind = "dorp" } }]
    """
    with pytest.raises(AllocationError, match="area 'Centrum' with 10 inhabitants falls in no bracket"):
        totals(rules, ("D1", "Adorp", "dorp", 10), ("W1", "Centrum", "wijk", 10))


def test_component_condition_limits_the_staffel() -> None:
    rules = """
        [components.basis]
        applies_to = { kind = "dorp" }

        [components.basis.staffel]
        brackets = [{ from = 100, fixed = 1000 }]
    """
    # the wijk with 10 inhabitants is in no bracket, but the component does not apply to it
    assert totals(rules, ("D1", "Adorp", "dorp", 664), ("W1", "Centrum", "wijk", 10)) == {
        "D1": 1000,
        "W1": 0,
    }


def test_area_meeting_the_conditions_of_two_bracket_groups_is_an_error() -> None:
    rules = """
        [components.basis.staffel]
        brackets = [
            { from = 0, fixed = 1000, applies_to = { kind = "dorp" } },
            { from = 0, fixed = 2000, applies_to = { codes = "D1" } },
        ]
    """
    with pytest.raises(
        AllocationError, match="area 'Adorp' with 664 inhabitants falls in more than one bracket"
    ):
        totals(rules, ("D1", "Adorp", "dorp", 664))
