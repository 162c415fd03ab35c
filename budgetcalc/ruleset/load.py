"""Read a rule file: TOML (numbers as Decimal) validated into a :class:`RuleSet`."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from budgetcalc.errors import RuleError
from budgetcalc.files import RULE_FILE, read_regular_file
from budgetcalc.provenance import RuleSource, sha256_of
from budgetcalc.ruleset.locate import KeyPath, dotted, key_lines, line_of
from budgetcalc.ruleset.model import LocatedError, RuleSet


def load_ruleset(path: str | Path) -> RuleSet:
    """Read and validate a rule file; every problem is reported with its line and key."""
    return parse_ruleset(read_rule_text(path), source=path)


def read_rule_text(path: str | Path) -> str:
    """A rule (or scenario) file's text: a regular file of at most 1 MiB in UTF-8, with or without BOM."""
    return read_rule_source(path).text


def read_rule_source(path: str | Path) -> RuleSource:
    """A rule (or scenario) file's text with the SHA-256 of its bytes, from one read of the file."""
    path = Path(path)
    data = read_regular_file(path, RULE_FILE)
    try:
        text = data.decode("utf-8-sig")  # Notepad saves UTF-8 with a byte-order mark
    except UnicodeDecodeError as error:
        raise RuleError(f"rule file is not UTF-8 text (byte {error.start})", file=path) from None
    return RuleSource(str(path), sha256_of(data), text)


def plain_messages(error: ValidationError) -> str:
    """A validation error's messages in one line, without pydantic's ``Value error,`` prefix."""
    return "; ".join(str(problem["msg"]).removeprefix("Value error, ") for problem in error.errors())


def parse_ruleset(text: str, source: str | Path = "<rules>") -> RuleSet:
    """Validate rule-file ``text``; ``source`` names it in error messages."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise RuleError(f"not valid TOML: {error}", file=source) from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise RuleError("not valid TOML: arrays or tables nested too deeply", file=source) from None
    try:
        ruleset = RuleSet.model_validate(data)
    except ValidationError as error:
        raise _rule_error(error, text, source) from None
    return ruleset.with_lines({dotted(path): line for path, line in key_lines(text).items()})


def _rule_error(error: ValidationError, text: str, source: str | Path) -> RuleError:
    lines = key_lines(text)
    problems = []
    for problem in error.errors():
        path = _location(problem, lines)
        problems.append(RuleError(_explain(problem), line=line_of(lines, path), key=dotted(path)))
    problems.sort(key=lambda problem: problem.line or 0)
    if len(problems) == 1:
        single = problems[0]
        single.file = str(source)
        return single
    return RuleProblemsError(problems, source)


class RuleProblemsError(RuleError):
    """Several problems in one rule file: a line that says how many, then one line per problem."""

    def __init__(self, problems: list[RuleError], source: str | Path) -> None:
        self.problems = problems
        listing = "".join(f"\n  {problem}" for problem in problems)
        super().__init__(f"{len(problems)} problems in the rule file:{listing}", file=source)

    def lines(self) -> list[str]:
        """The message as its lines, without joining them: text from the file may hold line breaks."""
        first = RuleError(f"{len(self.problems)} problems in the rule file:", file=self.file)
        return [str(first), *(f"  {problem}" for problem in self.problems)]


def _location(problem: Any, lines: dict[KeyPath, int]) -> KeyPath:
    """The key path of a problem as the user wrote it."""
    path: KeyPath = tuple(problem["loc"])
    cause = problem.get("ctx", {}).get("error")
    if isinstance(cause, LocatedError):
        path = (*path, *cause.loc)
    if path and path[-1] == "value" and path not in lines:
        path = path[:-1]  # a plain number stands for { value = ... }: name the key the user wrote
    return path


def _explain(problem: Any) -> str:
    kind = problem["type"]
    if kind == "extra_forbidden":
        return "unknown key (see docs/rules.md for the keys allowed here)"
    if kind == "missing":
        return "required key is missing"
    message = str(problem["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    value = problem.get("input")
    if kind not in ("value_error", "assertion_error") and not isinstance(value, dict | list):
        message += f" (got {value!r})"
    return message
