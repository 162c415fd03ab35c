"""Values over time in a rule file, and the rule file as it is in force on one date.

A value given per date is a table whose keys are all dates (``2022-06-18``) or years (``2022``: from
1 January)::

    fixed = { 2022 = 1290, 2023 = 1300 }

    [components.organisatiegeld.fixed]
    2022 = { value = 1290, source = "…" }
    2024 = { index_percent = 2.5, rounding = { step = 1, mode = "half_up" }, source = "…" }

An entry is any value the key takes (a number, a number with its source, a text, a table), or an
indexation of the entry before it. The rule file's TOML document is resolved for one date into the
document of a single-year rule set, which is then validated as any rule file is: the engine never sees
dates. ``valid_from``/``valid_until`` say which years the file covers; ``reference_date`` may be tied to
the budget year (``{ day = "01-01", year = "budget_year" }``).
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

from pydantic import ValidationError

from budgetcalc.errors import RuleError
from budgetcalc.money import round_decimal
from budgetcalc.ruleset.in_force import DatedEntry, InForce, ReferenceYear, ValueInForce, YearChosenBy
from budgetcalc.ruleset.locate import KeyPath, dotted
from budgetcalc.ruleset.model import Rounding

DATE_KEY = re.compile(r"^([12][0-9]{3})(?:-([0-9]{2})-([0-9]{2}))?$")
"""A key of a value per date: a year (1 January) or a date."""
DATED_SEPARATOR = "@"
"""Between a path and a date in ``--set`` and scenario files: ``components.x.fixed@2023``."""


@dataclass(frozen=True)
class Entry:
    """One date of a value per date, as written."""

    key: str
    since: date
    value: Any


@dataclass(frozen=True)
class DatedValue:
    """A value the rule file gives per date: where it stands and its entries, in date order."""

    path: KeyPath
    entries: tuple[Entry, ...]

    def numbers(self) -> list[Decimal | None]:
        """Each entry's number, an indexation computed from the entry before it."""
        found: list[Decimal | None] = []
        for position, entry in enumerate(self.entries):
            index = _indexation(entry.value, self.path, entry.key)
            if index is None:
                found.append(_number_of(entry.value))
                continue
            before = found[position - 1] if position else None
            if before is None:
                raise RuleError(
                    f"entry {entry.key} indexes the value before it, but "
                    + ("there is none" if not position else f"{self.entries[position - 1].key} is no number"),
                    key=dotted((*self.path, entry.key)),
                )
            percent, step, mode = index
            with localcontext() as context:
                context.prec = 60
                raw = before * (100 + percent) / 100
            found.append(round_decimal(raw, step, mode))
        return found

    def position_on(self, on: date) -> int | None:
        """The entry in force on ``on``: the last one from that date or earlier."""
        found = None
        for position, entry in enumerate(self.entries):
            if entry.since <= on:
                found = position
        return found


def dated_values(document: Mapping[str, Any]) -> tuple[DatedValue, ...]:
    """Every value given per date in a rule file's document, in file order."""
    return tuple(_walk(document, ()))


def _walk(node: Any, path: KeyPath) -> Iterator[DatedValue]:
    if is_dated(node):
        entries = sorted((_entry(key, value, path) for key, value in node.items()), key=lambda e: e.since)
        for first, second in itertools.pairwise(entries):
            if first.since == second.since:
                raise RuleError(
                    f"two values from {first.since.isoformat()} ({first.key} and {second.key})",
                    key=dotted(path),
                )
        for entry in entries:
            if any(True for _ in _walk(entry.value, ())):
                raise RuleError(
                    "a value per date holds another value per date; give each date its whole value",
                    key=dotted((*path, entry.key)),
                )
        yield DatedValue(path, tuple(entries))
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*path, index))


def is_dated(node: Any) -> bool:
    """A table whose keys are all years or dates: a value given per date."""
    return isinstance(node, dict) and bool(node) and all(DATE_KEY.match(str(key)) for key in node)


def _entry(key: str, value: Any, path: KeyPath) -> Entry:
    return Entry(key, parse_date_key(key, where=dotted((*path, key))), value)


def parse_date_key(text: str, where: str | None = None) -> date:
    """``2022`` (1 January) or ``2022-06-18``; anything else is a RuleError."""
    match = DATE_KEY.match(text.strip())
    try:
        if match is None:
            raise ValueError
        year, month, day = match.groups()
        return date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise RuleError(f"expected a year (2023) or a date (2023-01-01), got '{text}'", key=where) from None


def _number_of(value: Any) -> Decimal | None:
    """The number a rule-file value holds, plain or as ``{ value = … }``; None where it is no number."""
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        return None
    try:
        number = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


_INDEX_KEYS = frozenset({"index_percent", "rounding", "source", "note"})


def _indexation(value: Any, path: KeyPath, key: str) -> tuple[Decimal, Decimal, Any] | None:
    """An indexation entry's percentage and rounding (step, mode); None for any other entry."""
    if not isinstance(value, dict) or "index_percent" not in value:
        return None
    where = (*path, key)
    unknown = sorted(set(value) - _INDEX_KEYS)
    if unknown:
        raise RuleError(
            f"unknown key '{unknown[0]}' in an indexation (keys: index_percent, rounding, source, note)",
            key=dotted((*where, unknown[0])),
        )
    percent = value["index_percent"]
    is_number = isinstance(percent, int | Decimal) and not isinstance(percent, bool)
    if not is_number or not Decimal(percent).is_finite():
        raise RuleError(
            f"index_percent must be a number such as 2.5 (per cent), got {percent!r}",
            key=dotted((*where, "index_percent")),
        )
    if "rounding" not in value:
        raise RuleError(
            'an indexation must say how it rounds: rounding = { step = 0.01, mode = "half_up" }',
            key=dotted(where),
        )
    try:
        rounding = Rounding.model_validate(value["rounding"])
    except ValidationError as error:
        message = str(error.errors()[0]["msg"]).removeprefix("Value error, ")
        raise RuleError(message, key=dotted((*where, "rounding"))) from None
    return Decimal(percent), rounding.step.value, rounding.mode


# --- the rule set in force on one date -------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """The dates a rule file covers: from ``valid_from`` through ``valid_until`` (open-ended without)."""

    valid_from: date
    valid_until: date | None

    def covers_year(self, year: int) -> bool:
        return self.valid_from <= date(year, 12, 31) and (
            self.valid_until is None or date(year, 1, 1) <= self.valid_until
        )

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def years(self) -> str:
        last = "" if self.valid_until is None else str(self.valid_until.year)
        first = str(self.valid_from.year)
        return first if last == first else f"{first}–{last}"

    def nearest_year(self, year: int) -> int:
        if self.valid_until is None or year <= self.valid_from.year:
            return self.valid_from.year
        return self.valid_until.year


def coverage_of(document: Mapping[str, Any]) -> Coverage | None:
    """The covered dates, where ``valid_from`` (and any ``valid_until``) are dates; None otherwise (the
    rule set's validation words that problem)."""
    start, end = document.get("valid_from"), document.get("valid_until")
    if not isinstance(start, date) or (end is not None and not isinstance(end, date)):
        return None  # the rule set's validation words the problem
    if end is not None and end < start:
        raise RuleError(
            f"valid_until {end.isoformat()} is before valid_from {start.isoformat()}", key="valid_until"
        )
    return Coverage(start, end)


def is_over_time(document: Mapping[str, Any]) -> bool:
    """Whether a rule file says anything about time beyond its start: values per date, an end, or a
    reference date tied to the budget year."""
    return bool(
        dated_values(document)
        or "valid_until" in document
        or isinstance(document.get("reference_date"), dict)
    )


When = int | date
"""A budget year (``--year 2023``) or a date (``--year 2023-06-18``)."""


def parse_when(text: str) -> When:
    """``--year`` as typed: a year or a date."""
    text = text.strip()
    if re.fullmatch(r"[0-9]{4}", text):
        return int(text)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RuleError(f"--year expects a year (2023) or a date (2023-06-18), got '{text}'") from None


def in_force_on(document: Mapping[str, Any], when: When | None) -> tuple[date, int, YearChosenBy] | None:
    """The date whose values apply, the budget year and how it was chosen; None where the document's dates
    are not valid yet (validation reports them). A year or date the file does not cover is an error that
    names the years it does."""
    coverage = coverage_of(document)
    if coverage is None:
        return None
    chosen_by = YearChosenBy.ASKED
    if when is None:
        when, chosen_by = _default_year(document, coverage)
    if isinstance(when, date):
        if not coverage.covers(when):
            raise RuleError(_not_covered(document, coverage, when.isoformat(), when.year))
        return when, when.year, chosen_by
    if not coverage.covers_year(when):
        raise RuleError(_not_covered(document, coverage, str(when), when))
    return max(date(when, 1, 1), coverage.valid_from), when, chosen_by


def _default_year(document: Mapping[str, Any], coverage: Coverage) -> tuple[int, YearChosenBy]:
    budget_year, reference = document.get("budget_year"), document.get("reference_date")
    if isinstance(budget_year, int) and not isinstance(budget_year, bool):
        return budget_year, YearChosenBy.RULE_FILE
    if isinstance(reference, date):
        return reference.year, YearChosenBy.RULE_FILE
    if coverage.valid_until is not None:
        return coverage.valid_until.year, YearChosenBy.NEWEST
    starts = [entry.since for dated in dated_values(document) for entry in dated.entries]
    return max([coverage.valid_from, *starts]).year, YearChosenBy.NEWEST


def _not_covered(document: Mapping[str, Any], coverage: Coverage, asked: str, year: int) -> str:
    name = document.get("name") or "the rule set"
    until = f" through {coverage.valid_until.isoformat()}" if coverage.valid_until else ""
    return (
        f"{name} is in force from {coverage.valid_from.isoformat()}{until} ({coverage.years()}); "
        f"{asked} is not covered (nearest year: {coverage.nearest_year(year)})"
    )


def resolve(document: Mapping[str, Any], when: When | None) -> dict[str, Any]:
    """The document of the single-year rule set in force for ``when`` (None: the rule file's own year),
    with ``budget_year``, ``reference_date`` and ``in_force`` filled in. A document that says nothing
    about time and is not asked for a year comes back unchanged."""
    if when is None and not is_over_time(document):
        return dict(document)
    found = in_force_on(document, when)
    if found is None:
        return dict(document)
    on, year, chosen_by = found
    resolved = copy.deepcopy(dict(document))
    values = []
    for dated in dated_values(document):
        values.append(_choose(resolved, dated, on))
    resolved["budget_year"] = year
    reference_year = _resolve_reference_date(resolved, year)
    resolved["in_force"] = InForce(
        on=on, budget_year=year, chosen_by=chosen_by, reference_year=reference_year, values=tuple(values)
    ).model_dump()
    return resolved


def _choose(document: dict[str, Any], dated: DatedValue, on: date) -> ValueInForce:
    position = dated.position_on(on)
    if position is None:
        first = dated.entries[0]
        raise RuleError(
            f"no value in force on {on.isoformat()}: the first is from {first.since.isoformat()}",
            key=dotted(dated.path),
        )
    numbers = dated.numbers()
    entry = dated.entries[position]
    value = entry.value
    index = _indexation(value, dated.path, entry.key)
    extra = {key: value[key] for key in ("source", "note") if isinstance(value, dict) and key in value}
    if index is not None:
        value = {"value": numbers[position], **extra}
    elif _is_noted(value) and numbers[position] is None:
        value = value["value"]  # a text or true/false with its source: the key takes the bare value
    _set_at(document, dated.path, value)
    return ValueInForce(
        path=dotted(dated.path),
        since=entry.since,
        value=numbers[position],
        entries=tuple(
            DatedEntry(
                since=each.since, value=number, text=None if number is not None else _shown(each.value)
            )
            for each, number in zip(dated.entries, numbers, strict=True)
        ),
        source=_text(extra.get("source")),
        note=_text(extra.get("note")),
        index_percent=index[0] if index else None,
        indexed_from=numbers[position - 1] if index else None,
    )


def _shown(value: Any) -> str | None:
    """A value that is not a number as text: ``true``/``false`` as TOML writes them, a text as it is."""
    value = value["value"] if _is_noted(value) else value
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else None


def _is_noted(value: Any) -> bool:
    """An entry written as ``{ value = …, source = "…", note = "…" }``."""
    return isinstance(value, dict) and "value" in value and set(value) <= {"value", "source", "note"}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _set_at(document: Any, path: KeyPath, value: Any) -> None:
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def _resolve_reference_date(document: dict[str, Any], year: int) -> ReferenceYear | None:
    """A reference date tied to the budget year (``{ day = "01-01", year = "budget_year" }``) as the
    date it is in ``year``."""
    reference = document.get("reference_date")
    if not isinstance(reference, dict):
        return None
    unknown = sorted(set(reference) - {"day", "year"})
    if unknown:
        raise RuleError(
            f"unknown key '{unknown[0]}' (a reference date tied to the budget year has 'day' and 'year')",
            key=f"reference_date.{unknown[0]}",
        )
    try:
        which = ReferenceYear(str(reference.get("year")))
    except ValueError:
        raise RuleError(
            'year must be "budget_year" or "previous_year", got ' + repr(reference.get("year")),
            key="reference_date.year",
        ) from None
    day = str(reference.get("day", ""))
    in_year = year if which is ReferenceYear.BUDGET_YEAR else year - 1
    match = re.fullmatch(r"([0-9]{2})-([0-9]{2})", day.strip())
    try:
        if match is None:
            raise ValueError
        document["reference_date"] = date(in_year, int(match.group(1)), int(match.group(2)))
    except ValueError:
        raise RuleError(
            f'day must be a month and day such as "01-01" (1 January) that exists in {in_year}, got {day!r}',
            key="reference_date.day",
        ) from None
    return which


def change_dates(document: Mapping[str, Any]) -> list[date]:
    """The dates within the file's coverage on which some value changes, from ``valid_from`` on: one
    rule set is in force from each of them (``budgetcalc check`` validates every one)."""
    coverage = coverage_of(document)
    if coverage is None:
        return []
    starts = {coverage.valid_from}
    for dated in dated_values(document):
        starts |= {entry.since for entry in dated.entries if coverage.covers(entry.since)}
    return sorted(starts)


def set_dated(document: dict[str, Any], values: Mapping[str, Decimal]) -> dict[str, Any]:
    """The document with values written into entries of values per date (``path@date``): an indexed entry
    becomes the plain value. A path with no such entry is a RuleError naming the dates it has."""
    changed = copy.deepcopy(document)
    by_path = {dotted(dated.path): dated for dated in dated_values(document)}
    for text, value in values.items():
        path, _, when = text.partition(DATED_SEPARATOR)
        dated = by_path.get(path)
        if dated is None:
            raise RuleError(f"{text}: {path} is not given per date in the rule file")
        since = parse_date_key(when, where=text)
        entry = next((each for each in dated.entries if each.since == since), None)
        if entry is None:
            dates = ", ".join(each.key for each in dated.entries)
            raise RuleError(f"{text}: {path} has no value from {since.isoformat()} (its dates: {dates})")
        target: Any = changed
        for part in dated.path:
            target = target[part]
        old = target[entry.key]
        keep = {key: old[key] for key in ("source", "note") if isinstance(old, dict) and key in old}
        target[entry.key] = {"value": str(value), **keep} if keep else str(value)
    return changed
