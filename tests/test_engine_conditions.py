"""Conditions: which areas a component applies to (kind, codes, names, exclusions, attributes)."""

from decimal import Decimal

import pandas as pd
import pytest
from helpers import rules, totals

from budgetcalc import allocate
from budgetcalc.errors import AllocationError

ADORP = ("D1", "Adorp", "dorp", 664)
BAFLO = ("D2", "Baflo", "dorp", 2000)
CENTRUM = ("W1", "Centrum", "wijk", 8000)
OOST = ("W2", "Oost", "Wijk", 5000)  # kinds are compared without regard to case


def applies(condition: str, **columns: list[object]) -> set[str]:
    """Codes of the areas a component with this ``applies_to`` gives money to."""
    result = totals(
        f"""
        [components.extra]
        fixed = 100
        applies_to = {{ {condition} }}
        """,
        ADORP,
        BAFLO,
        CENTRUM,
        OOST,
        **columns,
    )
    assert set(result.values()) <= {Decimal(0), Decimal(100)}
    return {code for code, amount in result.items() if amount}


def test_kind() -> None:
    assert applies('kind = "wijk"') == {"W1", "W2"}
    assert applies('kind = "DORP"') == {"D1", "D2"}
    assert applies('kind = ["dorp", "wijk"]') == {"D1", "D2", "W1", "W2"}


def test_codes() -> None:
    assert applies('codes = ["D1", "W2"]') == {"D1", "W2"}


def test_names() -> None:
    assert applies('names = "Baflo"') == {"D2"}


def test_exclude_codes_and_names() -> None:
    assert applies('exclude_codes = ["D1"]') == {"D2", "W1", "W2"}
    assert applies('exclude_names = ["Adorp", "Oost"]') == {"D2", "W1"}


def test_all_parts_of_a_condition_must_hold() -> None:
    assert applies('kind = "wijk", exclude_names = "Oost"') == {"W1"}
    assert applies('kind = "dorp", codes = ["D1", "W1"]') == {"D1"}


def test_attribute_column() -> None:
    assert applies(
        'attribute = { gebiedsteam = ["Noord", "Zuid"] }', gebiedsteam=["Noord", "Zuid", "West", 7]
    ) == {
        "D1",
        "D2",
    }
    assert applies('attribute = { gebiedsteam = "7" }', gebiedsteam=["Noord", "Zuid", "West", 7]) == {"W2"}


def test_attribute_ignores_capitals_and_spaces() -> None:
    assert applies('attribute = { erkend = "Ja" }', erkend=["ja", " JA ", "nee", None]) == {"D1", "D2"}


def test_attribute_on_a_number_column_with_a_blank_cell() -> None:
    assert applies('attribute = { wijkteam = "1" }', wijkteam=[1.0, 2.0, 1.0, float("nan")]) == {"D1", "W1"}


def test_areas_outside_the_condition_get_zero_and_the_rest_keep_their_amount() -> None:
    result = totals(
        """
        [components.basis]
        fixed = 6567
        rate = 1.68

        [components.wijkextra]
        fixed = 2500
        applies_to = { kind = "wijk" }
        """,
        ADORP,
        CENTRUM,
    )
    assert result == {"D1": 6567 + Decimal("1.68") * 664, "W1": 6567 + Decimal("1.68") * 8000 + 2500}


def test_unknown_area_name_in_a_list_is_an_error() -> None:
    with pytest.raises(AllocationError, match="component 'extra' names area 'Ardorp', which matches no name"):
        applies('names = ["Adorp", "Ardorp"]')


def test_unknown_code_in_an_exclusion_is_an_error() -> None:
    with pytest.raises(AllocationError, match="component 'extra' names area 'D9', which matches no code"):
        applies('exclude_codes = "D9"')


def test_condition_on_kind_needs_kinds_in_the_population() -> None:
    frame = pd.DataFrame([("D1", "Adorp", 664)], columns=["code", "name", "inhabitants"])
    ruleset = rules(
        """
        [components.extra]
        fixed = 100
        applies_to = { kind = "dorp" }
        """
    )
    message = r"depends on the kind of area.*add a 'kind' \(soort\) column or pass --kind"
    with pytest.raises(AllocationError, match=message):
        allocate(frame, ruleset)


def test_name_used_by_two_areas_is_an_error() -> None:
    with pytest.raises(
        AllocationError, match="the name 'Oost' is used by 2 areas; name the area by its code"
    ):
        totals(
            """
            [components.extra]
            fixed = 100
            applies_to = { names = "Oost" }
            """,
            ("W1", "Oost", "wijk", 100),
            ("D7", "Oost", "dorp", 200),
        )


def test_name_used_by_two_areas_is_fine_when_named_by_code() -> None:
    result = totals(
        """
        [components.extra]
        fixed = 100
        applies_to = { codes = "D7" }
        """,
        ("W1", "Oost", "wijk", 100),
        ("D7", "Oost", "dorp", 200),
    )
    assert result == {"W1": 0, "D7": 100}
