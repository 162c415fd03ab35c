"""docs/rules.md stays complete and correct: every rule-file key documented, every example loads."""

from __future__ import annotations

import inspect
from pathlib import Path

from pydantic import BaseModel

from budgetcalc import BudgetcalcError, parse_ruleset
from budgetcalc.ruleset import amount, model

RULES_DOC = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
FRAGMENT_MARK = "# fragment"


def rule_file_keys() -> dict[str, set[str]]:
    """Every key a rule file may use (the alias where a field has one), by model name."""
    keys: dict[str, set[str]] = {}
    for module in (model, amount):
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseModel) and cls.__module__ == module.__name__:
                keys[name] = {field.alias or field_name for field_name, field in cls.model_fields.items()}
    return keys


def fenced_blocks(text: str) -> list[tuple[str, int, str]]:
    """``(info string, line of the opening fence, body)`` for every fenced code block."""
    blocks: list[tuple[str, int, str]] = []
    info, start, body = "", 0, []
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("```"):
            if inside:
                blocks.append((info, start, "\n".join(body) + "\n"))
            else:
                info, start, body = line.lstrip()[3:].strip(), number, []
            inside = not inside
        elif inside:
            body.append(line)
    assert not inside, f"{RULES_DOC.name}: the code block opened on line {start} is never closed"
    return blocks


def test_every_rule_file_key_is_documented() -> None:
    doc = RULES_DOC.read_text(encoding="utf-8")
    keys = rule_file_keys()
    assert {"RuleSet", "Component", "Bracket", "Amount"} <= set(keys), "models not found by introspection"
    missing = sorted(
        f"{key} ({model_name})"
        for model_name, names in keys.items()
        for key in names
        if f"`{key}`" not in doc
    )
    assert not missing, f"keys not documented in {RULES_DOC.name} (write them in backticks): {missing}"


def test_every_complete_toml_example_loads() -> None:
    doc = RULES_DOC.read_text(encoding="utf-8")
    examples = [
        (start, body)
        for info, start, body in fenced_blocks(doc)
        if info == "toml" and not body.lstrip().startswith(FRAGMENT_MARK)
    ]
    assert examples, f"{RULES_DOC.name} has no complete ```toml example"
    failures = []
    for start, body in examples:
        try:
            parse_ruleset(body, source=f"{RULES_DOC.name} block at line {start}")
        except BudgetcalcError as error:
            failures.append(str(error))
    assert not failures, "\n".join(failures)
