"""Verifying a budgetcalc report: re-perform the allocation from what the report recorded (the rule files'
text, the ``--set`` values and options, the population as read), check the recorded fingerprints, and
compare every amount with what the file holds now, so that a changed amount, input row or rule is found
and named.

A report is a plain file anyone can edit; what this finds is every edit that leaves the file inconsistent:
an amount changed (it no longer follows from the recorded inputs), an input row changed (the amounts
recomputed from it differ from those stored), a rule text changed (its SHA-256 no longer matches). A
forger who changes a rule text, its fingerprint and every amount consistently is found by giving the
real rule file with ``--rules``: its SHA-256 differs from the one recorded.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from budgetcalc.errors import BudgetcalcError, InputError
from budgetcalc.files import POPULATION_FILE, read_regular_file
from budgetcalc.money import decimal_to_cents
from budgetcalc.provenance import Provenance, RuleSource
from budgetcalc.verification.table import Discrepancy

REPORT_FORMAT = "budgetcalc-report"


@dataclass(frozen=True)
class ReportCheck:
    """What verifying a report found: problems with its record (fingerprints, structure) and every amount
    that differs from the re-performed allocation."""

    file: str
    areas: int
    recomputed: bool
    problems: tuple[str, ...]
    discrepancies: tuple[Discrepancy, ...]

    @property
    def holds(self) -> bool:
        return not self.problems and not self.discrepancies

    def lines(self) -> list[str]:
        return [*self.problems, *(item.line() for item in self.discrepancies)]

    def summary(self) -> str:
        how = "re-performed from the recorded rules and population" if self.recomputed else "sums only"
        found = len(self.problems) + len(self.discrepancies)
        verdict = "all figures hold" if not found else f"{found} finding{'s' if found != 1 else ''}"
        return f"{self.file}: {verdict} ({self.areas} areas; {how})"


def verify_json_report(path: str | Path, rules: str | Path | None = None) -> ReportCheck:
    """Verify a budgetcalc JSON report; with ``rules``, against that rule file (its SHA-256 and its
    amounts) instead of the text the report recorded."""
    path = Path(path)
    document = _read_json(path)
    areas = document.get("areas")
    if document.get("format") != REPORT_FORMAT or not isinstance(areas, list):
        raise InputError(
            "not a budgetcalc report (no 'format': 'budgetcalc-report' with its areas)", file=path
        )
    problems: list[str] = []
    found: list[Discrepancy] = []
    stated_total = _cents(document.get("total"), path, "total")
    summed = 0
    for area in areas:
        amounts = dict(area.get("amounts") or {})
        total = _cents(amounts.get("total"), path, f"areas: {area.get('code')}: total")
        summed += total
        parts = [
            _cents(value, path, f"areas: {area.get('code')}: {column}")
            for column, value in amounts.items()
            if column != "total" and value is not None
        ]
        if parts and sum(parts) != total:
            found.append(
                Discrepancy(None, _who(area), "the parts do not add up to the total", sum(parts), total)
            )
    if summed != stated_total:
        found.append(Discrepancy(None, "grand total", "the sum of the areas' totals", summed, stated_total))
    record = document.get("provenance")
    if record is None:
        problems.append(
            "the report records no provenance (made from Python, not from files): sums checked only"
        )
        return ReportCheck(str(path), len(areas), False, tuple(problems), tuple(found))
    try:
        provenance = Provenance.from_json(record)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise InputError("the report's provenance is damaged: it cannot be read back", file=path) from None
    problems += provenance.text_problems()
    sources = list(provenance.rules)
    if rules is not None:
        from budgetcalc.ruleset.load import read_rule_source

        given = read_rule_source(rules)
        if given.sha256 != sources[0].sha256:
            problems.append(
                f"the rule file {rules} is not the one the report was made with "
                f"(SHA-256 {given.sha256[:12]}..., recorded {sources[0].sha256[:12]}...)"
            )
        sources[0] = given
    try:
        allocation = _reperform(document, provenance, sources, path)
    except BudgetcalcError as error:
        problems.append(f"the recorded inputs cannot be re-performed: {error}")
        return ReportCheck(str(path), len(areas), False, tuple(problems), tuple(found))
    found += _compare(areas, allocation, path)
    return ReportCheck(str(path), len(areas), True, tuple(problems), tuple(found))


def _read_json(path: Path) -> dict[str, Any]:
    data = read_regular_file(path, POPULATION_FILE)
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"not a JSON report: {error}", file=path) from None
    except RecursionError:
        raise InputError("not a JSON report: nested too deeply", file=path) from None
    if not isinstance(document, dict):
        raise InputError("not a budgetcalc report (a JSON object was expected)", file=path)
    return document


def _cents(value: object, path: Path, where: str) -> int:
    from decimal import Decimal, InvalidOperation

    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InputError(f"{where}: expected an amount, found {str(value)[:40]!r}", file=path) from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise InputError(f"{where}: expected an amount in cents, found {str(value)[:40]!r}", file=path)
    return decimal_to_cents(amount)


def _who(area: Mapping[str, Any]) -> str:
    return " ".join(str(part) for part in (area.get("code"), area.get("name")) if part)


def _reperform(
    document: Mapping[str, Any], provenance: Provenance, sources: list[RuleSource], path: Path
) -> Any:
    """The allocation re-performed from the rule texts, ``--set`` values, options and population the
    report recorded."""
    from budgetcalc.engine.allocate import allocate
    from budgetcalc.inputs import apply_overrides, parse_overrides
    from budgetcalc.population import Population
    from budgetcalc.scenarios import rules_from_source

    def recorded_base(_: Path) -> RuleSource:
        if len(sources) < 2:
            raise InputError("the report records a scenario but not the rule file it extends", file=path)
        return sources[1]

    ruleset, _ = rules_from_source(sources[0], recorded_base)
    ruleset = apply_overrides(
        ruleset, parse_overrides([f"{key}={value}" for key, value in provenance.overrides.items()])
    )
    table = document.get("population_as_read") or {}
    columns = list(table.get("columns") or [])
    rows = list(table.get("rows") or [])
    if not columns or any(not isinstance(row, list) or len(row) != len(columns) + 1 for row in rows):
        raise InputError("the report's population as read is missing or damaged", file=path)
    frame = pd.DataFrame([row[1:] for row in rows], columns=columns, dtype=object)
    population = Population.from_frame(
        frame, source=provenance.population_file, rows=[int(row[0]) for row in rows]
    )
    allowed = bool(provenance.options.get("allow_other_municipality", False))
    return allocate(population, ruleset, allow_other_municipality=allowed)


def _compare(areas: list[Any], allocation: Any, path: Path) -> list[Discrepancy]:
    """Every stored amount against the re-performed one, area by area (by code)."""
    found: list[Discrepancy] = []
    codes = [area[0] for area in allocation.areas]
    stored = {str(area.get("code")): area for area in areas}
    for code in sorted(set(stored) ^ set(codes)):
        where = "in the report but not in its population" if code in stored else "missing from the report"
        found.append(Discrepancy(None, code, f"area {where}", 0, 0))
    for position, code in enumerate(codes):
        area = stored.get(code)
        if area is None:
            continue
        amounts = dict(area.get("amounts") or {})
        for column in allocation.amount_columns:
            value = amounts.get(column)
            if value is None:
                continue
            expected = int(allocation.cents(column)[position])
            stated = _cents(value, path, f"areas: {code}: {column}")
            if expected != stated:
                found.append(Discrepancy(None, _who(area), f"{column} re-performed", expected, stated))
    return found
