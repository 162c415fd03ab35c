"""Rule files: the messages for too many decimals, dates Excel cannot show, and pasted megabytes."""

from __future__ import annotations

import pytest

from budgetcalc import RuleError, parse_ruleset

HEAD = (
    'name = "x"\nmunicipality = "y"\ndecision = "d"\nvalid_from = {valid_from}\nreference_date = 2024-01-01\n'
)


def rule_file(component: str, valid_from: str = "2024-01-01") -> str:
    return HEAD.format(valid_from=valid_from) + "[components.a]\n" + component


def test_a_rate_with_too_many_decimals_says_so_with_line_and_key() -> None:
    with pytest.raises(RuleError) as caught:
        parse_ruleset(rule_file("rate = 0.12345678901234567890123\n"))
    message = str(caught.value)
    assert "line 7" in message and "components.a.rate" in message and "too many decimals" in message
    assert "too large" not in message


def test_ten_decimals_are_kept() -> None:
    parse_ruleset(rule_file("rate = 0.1234567891\n"))


def test_a_bracket_rate_with_too_many_decimals_is_refused_too() -> None:
    staffel = 'staffel.brackets = [{ from = 0, rate = 0.000000000001, rate_applies_to = "all" }]\n'
    with pytest.raises(RuleError, match="too many decimals"):
        parse_ruleset(rule_file(staffel))


@pytest.mark.parametrize("valid_from", ["1899-12-31", "0024-01-01"])
def test_a_date_before_1900_is_refused(valid_from: str) -> None:
    with pytest.raises(RuleError, match=r"line 4.*valid_from.*before 1900"):
        parse_ruleset(rule_file("fixed = 1\n", valid_from))


def test_1900_itself_is_accepted() -> None:
    parse_ruleset(rule_file("fixed = 1\n", "1900-01-01"))


@pytest.mark.parametrize("key", ["note", "label"])
def test_a_megabyte_of_text_is_refused_quickly_without_echoing_it(key: str) -> None:
    text = "x" * 1_000_000
    with pytest.raises(RuleError) as caught:
        parse_ruleset(rule_file(f'fixed = 1\n{key} = "{text}"\n'))
    message = str(caught.value)
    assert f"components.a.{key}" in message and "1,000,000 characters" in message
    assert len(message) < 500


def test_a_date_with_a_time_is_refused() -> None:
    with pytest.raises(RuleError, match=r"line 4.*valid_from.*without a time, such as 2024-01-01"):
        parse_ruleset(rule_file("fixed = 1\n", "2024-01-01T00:00:00Z"))


def test_a_name_of_only_invisible_characters_is_refused() -> None:
    text = rule_file("fixed = 1\n").replace('name = "x"', 'name = "\u00a0\u200b"')
    with pytest.raises(RuleError, match=r"line 1.*name.*shows nothing"):
        parse_ruleset(text)
