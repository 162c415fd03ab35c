"""Component terms: fixed, rate per inhabitant or per another column, per_area, and their sum."""

from decimal import Decimal

import pytest
from helpers import amounts, compute, totals

from budgetcalc.errors import AllocationError

ADORP = ("D1", "Adorp", "dorp", 664)
BAFLO = ("D2", "Baflo", "dorp", 2000)
EMPTY = ("D3", "Eenrum", "dorp", 0)


def test_fixed_amount_for_every_area() -> None:
    rules = """
        [components.basis]
        fixed = 6567
    """
    assert totals(rules, ADORP, BAFLO) == {"D1": Decimal(6567), "D2": Decimal(6567)}


def test_rate_per_inhabitant() -> None:
    rules = """
        [components.inwoners]
        rate = 1.68
    """
    assert totals(rules, ADORP, EMPTY) == {"D1": Decimal("1.68") * 664, "D3": Decimal(0)}


def test_fixed_plus_rate_het_hogeland() -> None:
    rules = """
        [components.dorpsbudget]
        fixed = 6567
        rate = 1.68
    """
    assert totals(rules, ADORP, BAFLO) == {
        "D1": 6567 + Decimal("1.68") * 664,
        "D2": 6567 + Decimal("1.68") * 2000,
    }


def test_rate_per_dwelling() -> None:
    rules = """
        [components.woningen]
        rate = 2.25
        per = "dwellings"
    """
    result = totals(rules, ADORP, BAFLO, dwellings=[301, 870])
    assert result == {"D1": Decimal("2.25") * 301, "D2": Decimal("2.25") * 870}


def test_rate_per_decimal_column() -> None:
    rules = """
        [components.groen]
        rate = 1.68
        per = "land_area"
    """
    result = totals(rules, ADORP, BAFLO, land_area=["12.5", Decimal("3.25")])
    assert result == {"D1": Decimal("1.68") * Decimal("12.5"), "D2": Decimal("1.68") * Decimal("3.25")}


def test_rate_per_column_under_a_dutch_header() -> None:
    rules = """
        [components.huishoudens]
        rate = 10
        per = "households"
    """
    result = totals(rules, ADORP, BAFLO, huishoudens=[280, 905])
    assert result == {"D1": Decimal(2800), "D2": Decimal(9050)}


def test_per_area_amounts_by_code_and_name() -> None:
    rules = """
        [components.accommodatie]
        per_area = { D1 = 1250, Baflo = 980.50 }
    """
    assert totals(rules, ADORP, BAFLO) == {"D1": Decimal(1250), "D2": Decimal("980.50")}


def test_per_area_must_list_every_area_it_applies_to() -> None:
    rules = """
        [components.accommodatie]
        per_area = { D1 = 1250 }
    """
    with pytest.raises(AllocationError, match=r"no per_area amount for area 'Baflo' \(D2\)"):
        compute(rules, ADORP, BAFLO)


def test_terms_of_one_component_are_summed() -> None:
    rules = """
        [components.dorpsbudget]
        fixed = 5000
        rate = 1.50
        per_area = { D1 = 250, D2 = 0 }

        [components.dorpsbudget.staffel]
        brackets = [
            { from = 0, below = 1000, fixed = 500 },
            { from = 1000, fixed = 1500 },
        ]
    """
    assert totals(rules, ADORP, BAFLO) == {
        "D1": 5000 + Decimal("1.50") * 664 + 250 + 500,
        "D2": 5000 + Decimal("1.50") * 2000 + 0 + 1500,
    }


def test_several_components_add_up_to_the_total() -> None:
    rules = """
        [components.basis]
        fixed = 2500

        [components.inwoners]
        rate = 0.75

        [components.woningen]
        rate = 1.10
        per = "dwellings"
    """
    allocation = compute(rules, ADORP, BAFLO, dwellings=[301, 870])
    assert amounts(allocation, "basis") == {"D1": Decimal(2500), "D2": Decimal(2500)}
    assert amounts(allocation, "inwoners") == {"D1": Decimal("0.75") * 664, "D2": Decimal("0.75") * 2000}
    assert amounts(allocation, "woningen") == {"D1": Decimal("1.10") * 301, "D2": Decimal("1.10") * 870}
    assert amounts(allocation) == {
        "D1": 2500 + Decimal("0.75") * 664 + Decimal("1.10") * 301,
        "D2": 2500 + Decimal("0.75") * 2000 + Decimal("1.10") * 870,
    }
    assert list(allocation.to_frame().columns) == [
        "code", "name", "kind", "inhabitants", "basis", "inwoners", "woningen", "total",
    ]  # fmt: skip


def test_cents_frame_holds_integer_cents() -> None:
    rules = """
        [components.dorpsbudget]
        fixed = 6567
        rate = 1.68
    """
    frame = compute(rules, ADORP).to_frame(cents=True)
    assert str(frame["total"].dtype) == "Int64"
    assert frame["total"].tolist() == [656700 + 168 * 664]


def test_three_decimal_rate_that_gives_whole_cents_needs_no_rounding() -> None:
    rules = """
        [components.inwoners]
        rate = 0.125
    """
    assert totals(rules, ("D1", "Adorp", "dorp", 664)) == {"D1": Decimal("0.125") * 664}  # 83.000


def test_sub_cent_amount_without_rounding_is_an_error() -> None:
    rules = """
        [components.inwoners]
        rate = 0.125
    """
    message = (
        r"component 'inwoners' gives 83\.125 euro for area 'Adorp', which is not a whole number of "
        r"cents; add a rounding rule \(step and mode\)"
    )
    with pytest.raises(AllocationError, match=message):
        compute(rules, ("D1", "Adorp", "dorp", 665))


def test_rule_needs_a_column_the_population_lacks() -> None:
    rules = """
        [components.woningen]
        rate = 1
        per = "dwellings"
    """
    with pytest.raises(AllocationError, match=r"needs the column\(s\) dwellings, which the population lacks"):
        compute(rules, ADORP)


def test_per_may_name_a_column_by_its_dutch_header() -> None:
    rules = """
        [components.woningen]
        rate = 2.25
        per = "woningen"
    """
    assert totals(rules, ADORP, woningen=[301]) == {"D1": Decimal("2.25") * 301}
