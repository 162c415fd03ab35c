"""Invalid rule files: each error names the line and key and says what was expected.

The files are in ``rules_invalid/``; each breaks one rule of the language. For a problem that
involves several keys of one table (minimum and maximum, the bounds of a bracket, the brackets of
a staffel) the line is that of the table.
"""

from decimal import Decimal
from pathlib import Path

import pytest
from helpers import METADATA
from pydantic import ValidationError

from budgetcalc import load_ruleset, parse_ruleset
from budgetcalc.errors import RuleError
from budgetcalc.ruleset import Component, RuleSet

INVALID = Path(__file__).parent / "rules_invalid"


# file → (line, key, what the message says)
CASES = {
    "unknown_key": (10, "components.basis.rate_per", "unknown key"),
    "missing_decision": (None, "decision", "required key is missing"),
    "invalid_toml_syntax": (9, None, "not valid TOML"),
    "bad_rounding_mode": (
        12,
        "components.basis.rounding.mode",
        "'half_up', 'half_even', 'up' or 'down' (got 'nearest')",
    ),
    "rounding_step_below_a_cent": (
        9,
        "components.basis.rounding.step",
        "whole number of cents (0.01, 1, 100), got 0.005",
    ),
    "component_without_amount": (
        7,
        "components.basis",
        "needs at least one of 'fixed', 'rate', 'staffel', 'per_area'",
    ),
    "minimum_above_maximum": (7, "components.basis", "minimum 5000 is above maximum 4000"),
    "minimum_not_on_rounding_step": (
        7,
        "components.wijkbudget",
        "minimum 3950 is not a multiple of the rounding step 100",
    ),
    "gap_between_brackets": (
        7,
        "components.basis.staffel",
        "brackets [0, 500) and [600, ∞) leave a gap: 500 falls in no bracket",
    ),
    "overlapping_brackets": (7, "components.basis.staffel", "brackets [0, 500] and [500, ∞) overlap"),
    "rate_without_rate_applies_to": (
        15,
        "components.basis.staffel.brackets[2]",
        "must say 'rate_applies_to': \"all\"",
    ),
    "two_lower_bounds": (
        10,
        "components.basis.staffel.brackets[1]",
        "give exactly one lower bound: 'from' (inclusive, vanaf) or 'above'",
    ),
    "empty_bracket": (10, "components.basis.staffel.brackets[1]", "the bracket is empty: [500, 500)"),
    "exception_without_reason": (10, "exceptions[1].reason", "required key is missing"),
    "exception_amount_below_a_cent": (12, "exceptions[1].amount", "7000.0051 is not a whole number of cents"),
    "thousands_separator_in_amount": (
        8,
        "components.basis.fixed",
        "2.500 has three decimals: for 2.500 euro write 2500",
    ),
    "gap_between_brackets_without_staffel_table": (
        7,
        "components.basis.staffel",
        "brackets [0, 500] and (501, ∞) leave a gap: 501 falls in no bracket",
    ),
    "unknown_component_in_exception": (
        12,
        "exceptions[1].component",
        "names component 'accommodatie', which is not defined (defined: basis)",
    ),
    "two_exceptions_for_one_area": (15, "exceptions[2]", "two exceptions for area 'Adorp'"),
    "reserved_component_name": (10, "components.total", "component name 'total' is reserved"),
    "component_name_with_capitals": (7, "components.Basis", "must be lower case letters"),
    "expected_amount_below_a_cent": (13, "expected[1].amount", "7682.525 is not a whole number of cents"),
    "boolean_amount": (8, "components.basis.fixed", "expected a number, got true/false"),
}

PARAMS = [pytest.param(name, *case, id=name) for name, case in CASES.items()]


@pytest.mark.parametrize(("name", "line", "key", "message"), PARAMS)
def test_invalid_rule_file(name: str, line: int | None, key: str | None, message: str) -> None:
    path = INVALID / f"{name}.toml"
    with pytest.raises(RuleError) as raised:
        load_ruleset(path)
    text = str(raised.value)
    assert text.startswith(str(path))
    assert message in text
    if line is None:
        assert raised.value.line is None and "line " not in text.removeprefix(str(path))
    else:
        assert f"line {line}" in text
    if key is not None:
        assert f"key '{key}'" in text


def test_every_invalid_file_has_a_case() -> None:
    assert {path.stem for path in INVALID.glob("*.toml")} == set(CASES)


def test_every_problem_of_a_file_is_listed() -> None:
    with pytest.raises(RuleError) as raised:
        load_ruleset(INVALID / "exception_without_reason.toml")
    text = str(raised.value)
    assert "2 problems in the rule file" in text
    assert "line 10, key 'exceptions[1].reason': required key is missing" in text
    assert "line 14, key 'exceptions[2].reason': required key is missing" in text


def test_line_and_key_are_attributes_too() -> None:
    with pytest.raises(RuleError) as raised:
        load_ruleset(INVALID / "unknown_key.toml")
    assert (raised.value.line, raised.value.key) == (10, "components.basis.rate_per")


def test_missing_rule_file() -> None:
    with pytest.raises(RuleError, match="rule file not found"):
        load_ruleset(INVALID / "does_not_exist.toml")


def test_parse_ruleset_names_its_source() -> None:
    with pytest.raises(RuleError, match=r"^hogeland\.toml, line 8, key 'components\.basis\.fixd'"):
        parse_ruleset(METADATA + "\n[components.basis]\nfixd = 6567\n", source="hogeland.toml")


def test_toml_numbers_are_read_as_decimals() -> None:
    ruleset = parse_ruleset(METADATA + "[components.basis]\nfixed = 6567.10\nrate = 1.68\n")
    assert ruleset.components["basis"].rate is not None
    assert ruleset.components["basis"].rate.value == Decimal("1.68")  # not 1.6799999999999999
    assert ruleset.components["basis"].fixed is not None
    assert ruleset.components["basis"].fixed.value == Decimal("6567.10")


def test_float_in_python_api_is_refused() -> None:
    with pytest.raises(
        ValidationError, match=r"binary float 1\.68; give it as an int, a Decimal or a string"
    ):
        Component(rate=1.68)
    assert Component(rate=Decimal("1.68")).rate.value == Decimal("1.68")
    assert Component(rate="1.68").rate.value == Decimal("1.68")


def test_float_anywhere_in_a_python_ruleset_is_refused() -> None:
    data = {
        "name": "Test",
        "municipality": "Test",
        "decision": "Besluit",
        "valid_from": "2024-01-01",
        "reference_date": "2024-01-01",
        "components": {"basis": {"staffel": {"brackets": [{"from": 0, "fixed": 6567.5}]}}},
    }
    with pytest.raises(ValidationError, match="binary float"):
        RuleSet.model_validate(data)
