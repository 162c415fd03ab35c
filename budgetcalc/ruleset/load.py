"""Read a rule file: TOML (numbers as Decimal) validated into a :class:`RuleSet`."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from budgetcalc.errors import RuleError
from budgetcalc.files import RULE_FILE, read_regular_file
from budgetcalc.provenance import RuleSource, sha256_of
from budgetcalc.ruleset.locate import KeyPath, dotted, key_lines, line_of
from budgetcalc.ruleset.model import LocatedError, RuleSet
from budgetcalc.ruleset.timeline import When, change_dates, parse_date_key, resolve, set_dated


def load_ruleset(path: str | Path, when: When | None = None) -> RuleSet:
    """Read and validate a rule file; every problem is reported with its line and key. A rule file over
    time is taken as in force ``when``: a budget year (2023) or a date; None: its own year, else the
    newest it covers."""
    return parse_ruleset(read_rule_text(path), source=path, when=when)


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


def parse_ruleset(
    text: str,
    source: str | Path = "<rules>",
    *,
    when: When | None = None,
    dated: Mapping[str, Decimal] | None = None,
) -> RuleSet:
    """Validate rule-file ``text``; ``source`` names it in error messages.

    A rule file with values per date is resolved for ``when`` (a budget year or a date; None: the file's
    own year, else the newest it covers) and validated on every date a value changes. ``dated`` writes
    values into entries of values per date first (``components.x.fixed@2023``)."""
    document = read_document(text, source)
    lines = key_lines(text)
    try:
        if "in_force" in document:
            raise RuleError(
                "'in_force' is written by budgetcalc (--year), not in a rule file", key="in_force"
            )
        if dated:
            document = set_dated(document, dated)
        resolved = resolve(document, when)
        others = [resolve(document, day) for day in change_dates(document) if day != _on(resolved)]
    except RuleError as error:
        error.file = error.file or str(source)
        if error.key and error.line is None:
            error.line = line_of(lines, _key_path(error.key))
        raise
    rulesets = []
    for version in (resolved, *others):  # a rule file over time is valid on every date it covers
        try:
            rulesets.append(RuleSet.model_validate(version))
        except ValidationError as error:
            raise _rule_error(error, lines, source, version) from None
    return rulesets[0].with_lines(_lines_in_force(lines, rulesets[0]))


def read_document(text: str, source: str | Path) -> dict[str, Any]:
    """A rule file's TOML as data, numbers with a decimal point as Decimal."""
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise RuleError(f"not valid TOML: {error}", file=source) from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise RuleError("not valid TOML: arrays or tables nested too deeply", file=source) from None


def _on(document: Mapping[str, Any]) -> Any:
    in_force = document.get("in_force")
    return in_force["on"] if isinstance(in_force, dict) else None


def _lines_in_force(lines: dict[KeyPath, int], ruleset: RuleSet) -> dict[str, int]:
    """The rule file's line of each key; a value given per date has the line of its entry in force."""
    found = {dotted(path): line for path, line in lines.items()}
    for value in ruleset.in_force.values if ruleset.in_force else ():
        path = _key_path(value.path)
        entry = _entry_key(lines, path, value.since)
        if entry is not None:
            found[value.path] = lines[(*path, entry)]
    return found


def _entry_key(lines: dict[KeyPath, int], path: KeyPath, since: date) -> str | int | None:
    """The key of the entry from ``since`` of the value per date at ``path``, as the file writes it
    (``2023`` or ``2023-01-01``); None where the file has no such line (an inline table)."""
    return next(
        (
            key[-1]
            for key in lines
            if len(key) == len(path) + 1 and key[:-1] == path and _same_date(str(key[-1]), since)
        ),
        None,
    )


def _same_date(key: str, since: date) -> bool:
    try:
        return parse_date_key(key) == since
    except RuleError:
        return False


def _key_path(dotted_key: str) -> KeyPath:
    """A dotted key as errors name it (``components.x.staffel.brackets[2].rate``) as a key path."""
    parts: list[str | int] = []
    for part in dotted_key.split("."):
        name, *indices = part.split("[")
        if name:
            parts.append(name)
        parts.extend(int(index.rstrip("]")) - 1 for index in indices if index.rstrip("]").isdigit())
    return tuple(parts)


def _rule_error(
    error: ValidationError,
    lines: dict[KeyPath, int],
    source: str | Path,
    resolved: Mapping[str, Any] | None = None,
) -> RuleError:
    """One RuleError for a validation error, each problem at its key and line (``lines``: the rule
    file's, as :func:`key_lines` found them)."""
    problems = []
    for problem in error.errors():
        path = _entry_in_force(_location(problem, lines), resolved, lines)
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


def _entry_in_force(path: KeyPath, resolved: Mapping[str, Any] | None, lines: dict[KeyPath, int]) -> KeyPath:
    """A problem in a value given per date named at the entry in force (``components.x.fixed.2023``)."""
    in_force = resolved.get("in_force") if resolved else None
    if not isinstance(in_force, dict):
        return path
    for value in in_force["values"]:
        key = _key_path(value["path"])
        if path[: len(key)] == key:
            written = _entry_key(lines, key, value["since"])
            return (*key, value["since"].isoformat() if written is None else written, *path[len(key) :])
    return path


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
