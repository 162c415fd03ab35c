"""The rule language: models, and reading rule files."""

from budgetcalc.ruleset.load import load_ruleset, parse_ruleset
from budgetcalc.ruleset.model import (
    AreaException,
    Bracket,
    Component,
    Condition,
    Expectation,
    Rounding,
    RuleSet,
    Staffel,
    TotalRule,
)

__all__ = [
    "AreaException",
    "Bracket",
    "Component",
    "Condition",
    "Expectation",
    "Rounding",
    "RuleSet",
    "Staffel",
    "TotalRule",
    "load_ruleset",
    "parse_ruleset",
]
