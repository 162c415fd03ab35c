"""docs/rules.md stays complete and correct: every rule-file key documented, every example loads,
every message it quotes is the one the program gives."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import BaseModel

from budgetcalc import BudgetcalcError, allocate, parse_ruleset
from budgetcalc.cli_summary import summary_lines
from budgetcalc.labels import label
from budgetcalc.reading import read_population
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


def test_every_complete_toml_example_loads(tmp_path: Path) -> None:
    """Rule files parse; a scenario file (``extends``) loads on the shipped rule file it names."""
    import shutil
    import tomllib

    from budgetcalc.scenarios import load_rules

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
            extends = tomllib.loads(body).get("extends")
            if extends is None:
                parse_ruleset(body, source=f"{RULES_DOC.name} block at line {start}")
                continue
            shutil.copy(RULES_DOC.parent.parent / "rules" / extends, tmp_path / extends)
            (tmp_path / f"block-{start}.toml").write_text(body, encoding="utf-8")
            assert load_rules(tmp_path / f"block-{start}.toml").name
        except BudgetcalcError as error:
            failures.append(str(error))
    assert not failures, "\n".join(failures)


# Section 9 shows wrong rule-file fragments with the messages they give. The convention (also
# written in an HTML comment at the top of that section):
# - a ```toml block whose first line starts with ERROR_MARK or WARNING_MARK is an example; the very
#   next fenced block is ```text with the exact message line(s);
# - the rule file is the header block (the ```toml block starting with HEADER_MARK, without that
#   first line) followed by the example block, comment line included, read as RULE_FILE; an example
#   with a top-level ``name =`` line is the whole file;
# - if the rule file loads, it is applied to a population read as POPULATION_FILE: the ```csv block
#   right before the example if there is one, else the first ```csv block of the doc; the message is
#   the error's, or for a warning example the summary's warning lines.
ERROR_MARK = "# fragment: error"
WARNING_MARK = "# fragment: warning"
HEADER_MARK = "# fragment: header"
RULE_FILE = "dorpsbudget.toml"
POPULATION_FILE = "dorpen.csv"
SECTION_1_FILE = "westerkwartier-2022.toml"
WHOLE_FILE = re.compile(r"^name\s*=", re.MULTILINE)


@dataclass(frozen=True)
class MessageExample:
    """A wrong rule-file fragment of the doc and the message the doc says it gives."""

    line: int
    rules: str
    population: str | None
    warning: bool
    message: str
    message_line: int


def message_examples(doc: str) -> list[MessageExample]:
    """Every error and warning example of the doc, with its ```text message block."""
    blocks = fenced_blocks(doc)
    headers = [body for info, _, body in blocks if info == "toml" and body.startswith(HEADER_MARK)]
    assert len(headers) == 1, f"{RULES_DOC.name}: expected one ```toml block starting with {HEADER_MARK!r}"
    header = headers[0].split("\n", 1)[1]
    tables = [body for info, _, body in blocks if info == "csv"]
    examples = []
    for index, (info, start, body) in enumerate(blocks):
        if info != "toml" or not body.startswith((ERROR_MARK, WARNING_MARK)):
            continue
        before_info, _, before_body = blocks[index - 1]
        population = before_body if before_info == "csv" else (tables[0] if tables else None)
        next_info, next_start, next_body = blocks[index + 1] if index + 1 < len(blocks) else ("", start, "")
        assert next_info == "text", (
            f"{RULES_DOC.name}: the example on line {start} must be followed by a ```text block "
            "with its message"
        )
        rules = body if WHOLE_FILE.search(body) else header + body
        warning = body.startswith(WARNING_MARK)
        examples.append(MessageExample(start, rules, population, warning, next_body.strip("\n"), next_start))
    return examples


EXAMPLES = message_examples(RULES_DOC.read_text(encoding="utf-8"))


def actual_message(example: MessageExample) -> str:
    """What the program says for the example; run it in a scratch directory (the population goes there)."""
    try:
        ruleset = parse_ruleset(example.rules, source=RULE_FILE)
        if example.population is None:
            return "(no message: the rules are correct, and no ```csv population to apply them to)"
        Path(POPULATION_FILE).write_text(example.population, encoding="utf-8")
        allocation = allocate(read_population(Path(POPULATION_FILE)), ruleset)
    except BudgetcalcError as error:
        return str(error)
    prefix = f"{label('warning', 'nl')}: "
    warnings = [line for line in summary_lines(allocation, "nl") if line.startswith(prefix)]
    return "\n".join(warnings) or "(no message: the rules load and allocate without error or warning)"


def section_1_message(doc: str) -> str:
    """Section 1's example: the first complete example (section 2) with its first ``fixed`` misspelt."""
    first = next(
        body for info, _, body in fenced_blocks(doc) if info == "toml" and not body.startswith(FRAGMENT_MARK)
    )
    misspelt = re.sub(r"^fixed = ", "fixd = ", first, count=1, flags=re.MULTILINE)
    assert misspelt != first, "the section 2 example has no line starting with 'fixed = '"
    try:
        parse_ruleset(misspelt, source=SECTION_1_FILE)
    except BudgetcalcError as error:
        return f"error: {error}"
    return "(no message)"


def test_the_doc_has_message_examples() -> None:
    assert len(EXAMPLES) >= 30, f"{RULES_DOC.name}: only {len(EXAMPLES)} message examples found"
    assert any(example.warning for example in EXAMPLES), "no warning example found"
    assert any(POPULATION_FILE in example.message for example in EXAMPLES), "no population example found"


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"line {example.line}" for example in EXAMPLES])
def test_example_gives_the_documented_message(
    example: MessageExample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert actual_message(example) == example.message, (
        f"{RULES_DOC.name}, example on line {example.line}: the program's message (left) is not the "
        "documented one (right)"
    )


def test_section_1_example_gives_the_documented_message() -> None:
    doc = RULES_DOC.read_text(encoding="utf-8")
    quoted = [
        body.strip("\n")
        for info, _, body in fenced_blocks(doc)
        if info == "text" and body.startswith("error: ")
    ]
    assert len(quoted) == 1, (
        f"{RULES_DOC.name}: expected one ```text block with a message as the CLI prints it"
    )
    assert quoted[0] == section_1_message(doc)


def test_every_quoted_message_is_checked() -> None:
    """A ```text block is an example's message, section 1's message, or part of an example's message."""
    doc = RULES_DOC.read_text(encoding="utf-8")
    paired = {example.message_line for example in EXAMPLES}
    messages = [example.message for example in EXAMPLES]
    unchecked = [
        f"line {start}: {body.strip()}"
        for info, start, body in fenced_blocks(doc)
        if info == "text"
        and start not in paired
        and not body.startswith("error: ")  # section 1's example, checked above
        and not any(body.strip("\n") in message for message in messages)
    ]
    assert not unchecked, "messages that no example checks:\n" + "\n".join(unchecked)


def test_section_6_2_tells_the_story_of_the_shipped_leeuwarden_2014_file() -> None:
    """6.2 shows rules/leeuwarden-2014.toml shortened: the same dates, the same amounts for every village
    and component on the published table, and every [[expected]] of the doc met (grand total 70.500)."""
    from budgetcalc import load_ruleset
    from budgetcalc.engine.expectations import ExpectationStatus

    doc = RULES_DOC.read_text(encoding="utf-8")
    heading = next(n for n, line in enumerate(doc.splitlines(), start=1) if line.startswith("### 6.2 "))
    start, body = next(
        (start, body) for info, start, body in fenced_blocks(doc) if info == "toml" and start > heading
    )
    documented = parse_ruleset(body, source=f"{RULES_DOC.name} block at line {start}")
    root = RULES_DOC.parent.parent
    shipped = load_ruleset(root / "rules" / "leeuwarden-2014.toml")
    assert (documented.valid_from, documented.reference_date) == (shipped.valid_from, shipped.reference_date)

    population = read_population(root / "data" / "leeuwarden-2014-boarnsterhim-dorpen.csv")
    columns = ["code", "dorpsbudget", "budget_dorpsbelang", "total"]
    ours = allocate(population, documented)
    assert ours.to_frame()[columns].equals(allocate(population, shipped).to_frame()[columns])
    assert ours.grand_total_cents == 70_500_00  # published "Totaal 70.500"
    assert [result.status for result in ours.expectations] == [ExpectationStatus.MATCHES] * 5
