"""The JSON documents: the report (every area) and ``budgetcalc explain --format json`` (one area).

Both describe an area with the same structure from the same function (:meth:`AreaDocuments.area`), and
both carry ``format`` and ``version``; ``docs/explain-json.md`` documents every field. Every amount of
money is a string of euros with at least two decimals (``"7682.52"``, an exact sum ``"1115.525"``), so
that no reader turns it into a float; counts are exact decimal strings too.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from budgetcalc import __version__
from budgetcalc.allocation import Allocation
from budgetcalc.derivation import AreaInput, KeyPart, PotShare, Step
from budgetcalc.explain import AreaExplainer
from budgetcalc.labels import Lang
from budgetcalc.money import CENT, format_plain

VERSION = 1
"""The version of both documents' structure; raised whenever a field changes meaning or goes away."""
REPORT_FORMAT = "budgetcalc-report"
EXPLAIN_FORMAT = "budgetcalc-explain"


class AreaDocuments:
    """Each area of one allocation as JSON-ready data; what all areas share is looked up once."""

    def __init__(self, allocation: Allocation, lang: Lang = "nl") -> None:
        self.allocation = allocation
        self.explainer = AreaExplainer(allocation, lang)
        self.columns = allocation.amount_columns
        self.cents = {column: allocation.cents(column).tolist() for column in self.columns}
        self.overridden = allocation.total.exception.tolist()
        self.brackets = allocation.brackets(lang)
        self.last_year = allocation.last_year_columns() if allocation.transition is not None else None

    def area(self, position: int) -> dict[str, Any]:
        """One area: who it is, the values read for it, its amounts, its bracket, its explanation (one
        line per part) and its derivation (one entry per step, with the step in words)."""
        code, name, kind, inhabitants = self.allocation.areas[position]
        deriver = self.explainer.deriver
        steps = deriver.steps(position)
        amounts = {
            column: None
            if self.overridden[position] and column != "total"
            else format_plain(self.cents[column][position])
            for column in self.columns
        }
        found: dict[str, Any] = {
            "code": code,
            "name": name,
            "kind": kind,
            "inhabitants": inhabitants,
            "input": input_document(deriver.inputs(position)),
            "amounts": amounts,
            "bracket": self.brackets[position] or None,
            "explanation": self.explainer.render(steps),
            "derivation": [
                {**step_document(step), "text": self.explainer.step_text(step.part, step)} for step in steps
            ],
        }
        if self.last_year is not None:
            found["last_year"] = {
                column: values[position]
                if column in ("status", "transition_rule", "carried_years") or values[position] is None
                else format_plain(int(values[position] or 0))
                for column, values in self.last_year.items()
            }
        return found


def gone_document(allocation: Allocation) -> list[dict[str, Any]]:
    """The areas of last year that are not in this year's population: last year's amount and unspent
    money, in euros."""
    return [
        {
            "code": code,
            "name": name,
            "status": "gone",
            "previous": format_plain(previous),
            "unspent": format_plain(unspent),
        }
        for code, name, previous, unspent in allocation.gone_areas()
    ]


def population_document(allocation: Allocation) -> dict[str, Any]:
    """The population file by name (not the path it happened to have), sheet and SHA-256."""
    population = allocation.population
    return {
        "file": Path(population.source).name if population.source else None,
        "sheet": population.sheet,
        "sha256": population.digest,
        "areas": len(allocation),
    }


def population_as_read(allocation: Allocation) -> dict[str, Any]:
    """The population as the engine got it, to re-perform the allocation from: every column, each value
    as exact text, each row with its row number in the file."""
    frame = allocation.population.frame
    columns = list(frame.columns)
    rows = allocation.population.rows or tuple(range(1, len(frame) + 1))
    return {
        "columns": columns,
        "rows": [
            [number, *("" if value is None else str(value) for value in values)]
            for number, values in zip(rows, frame.itertuples(index=False), strict=True)
        ],
    }


def provenance_document(allocation: Allocation) -> dict[str, Any] | None:
    """What the report was made from (files by name with their SHA-256, the rule files' full text, the
    options and ``--set`` values, the version); None when the allocation was not read from files."""
    record = allocation.provenance
    if record is None:
        return None
    document = record.to_json()
    document["population_file"]["path"] = Path(record.population_file).name
    for rule in document["rule_files"]:
        rule["path"] = Path(rule["path"]).name
    if "previous_file" in document:
        document["previous_file"]["path"] = Path(document["previous_file"]["path"]).name
    return document


def allocation_document(allocation: Allocation, lang: Lang = "nl") -> dict[str, Any]:
    """The report as a JSON-ready dict: the rule set, the population, every area, the checks."""
    documents = AreaDocuments(allocation, lang)
    document = {
        "format": REPORT_FORMAT,
        "version": VERSION,
        "generator": f"budgetcalc {__version__}",
        "language": lang,
        "ruleset": allocation.ruleset.document(),
        "population": population_document(allocation),
        "provenance": provenance_document(allocation),
        "population_as_read": population_as_read(allocation),
        "total": format_plain(allocation.grand_total_cents),
        "areas": [documents.area(position) for position in range(len(allocation))],
        "checks": [
            {"check": check.key, "ok": check.ok, "detail": check.detail} for check in allocation.checks()
        ],
        "warnings": [notice.text(lang) for notice in allocation.notices],
    }
    if allocation.transition is not None:
        document["gone_areas"] = gone_document(allocation)
        document["last_year_totals"] = {
            key: format_plain(cents) for key, cents in allocation.last_year_totals().items()
        }
    return document


def explain_document(allocation: Allocation, position: int, lang: Lang = "nl") -> dict[str, Any]:
    """One area's derivation with the rule set's source and the rule file it was read from (when the
    allocation records its provenance)."""
    ruleset = allocation.ruleset
    rule_file = (
        allocation.provenance.rules[0] if allocation.provenance and allocation.provenance.rules else None
    )
    return {
        "format": EXPLAIN_FORMAT,
        "version": VERSION,
        "generator": f"budgetcalc {__version__}",
        "language": lang,
        "ruleset": {
            "name": ruleset.name,
            "municipality": ruleset.municipality,
            "municipality_code": ruleset.municipality_code,
            "decision": ruleset.decision,
            "valid_from": ruleset.valid_from.isoformat(),
            "reference_date": ruleset.reference_date.isoformat(),
            "source": ruleset.source,
            "file": rule_file.path if rule_file is not None else None,
            "sha256": rule_file.sha256 if rule_file is not None else None,
        },
        "population": population_document(allocation),
        "area": AreaDocuments(allocation, lang).area(position),
    }


def input_document(found: AreaInput) -> dict[str, Any]:
    """Where the area's row is, and the values the rules read from it (exact strings)."""
    return {
        "file": Path(found.file).name if found.file else None,
        "sheet": found.sheet,
        "row": found.row,
        "values": [
            {"column": value.column, "header": value.header, "value": str(value.value)}
            for value in found.values
        ],
    }


def step_document(step: Step) -> dict[str, Any]:
    """One derivation step as JSON: ``type`` (``RateTerm``), then its fields. Every amount is in euros
    (fields the step keeps in cents converted, and renamed where their name says ``cents``); empty
    fields are left out."""
    found: dict[str, Any] = {"type": type(step).__name__}
    for item in dataclasses.fields(step):
        value = getattr(step, item.name)
        if value is None or value == ():
            continue
        unit = item.metadata.get("unit")
        name = item.metadata.get("json", item.name)
        if unit == "cents":
            found[name] = format_plain(value)
        elif unit == "steps":  # a number of pot steps: in euros, that many steps
            assert isinstance(step, PotShare)
            found[name] = format_plain(value * step.step)
        elif unit == "cents by part":
            found[name] = [{"part": part, "amount": format_plain(cents)} for part, cents in value]
        elif unit == "euros":
            found[name] = euro_text(value)
        elif isinstance(value, tuple) and value and isinstance(value[0], KeyPart):
            found[name] = [{key: _exact(part) for key, part in vars(key_part).items()} for key_part in value]
        else:
            found[name] = _exact(value)
    return found


def euro_text(amount: Decimal) -> str:
    """Exact euros with at least two decimals: ``"6567.00"``, ``"1.68"``, ``"1115.525"``."""
    return str(amount.quantize(CENT) if amount.as_tuple().exponent > -2 else amount)  # type: ignore[operator]


def _exact(value: Any) -> Any:
    """Decimals as exact strings, also inside lists."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_exact(item) for item in value]
    return value


def render_json(allocation: Allocation, lang: Lang = "nl") -> bytes:
    """The JSON report as UTF-8 bytes, indented, keys in a fixed order."""
    return dumps(allocation_document(allocation, lang))


def dumps(document: dict[str, Any]) -> bytes:
    """A JSON document as UTF-8 bytes, indented, ending in a line break."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
