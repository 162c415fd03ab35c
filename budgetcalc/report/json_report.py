"""The JSON report: the whole allocation with explanations, amounts as exact decimal strings."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from budgetcalc import __version__
from budgetcalc.allocation import Allocation
from budgetcalc.derivation import Step
from budgetcalc.explain import AreaExplainer
from budgetcalc.labels import Lang
from budgetcalc.money import format_plain


def allocation_document(allocation: Allocation, lang: Lang = "nl") -> dict[str, Any]:
    """A JSON-ready dict; amounts are strings such as ``"7682.52"`` so no reader turns them into floats."""
    columns = allocation.amount_columns
    overridden = allocation.total.exception
    brackets = allocation.brackets()
    areas = []
    cents = {column: allocation.cents(column).tolist() for column in columns}
    explainer = AreaExplainer(allocation, lang)
    for position, (code, name, kind, inhabitants) in enumerate(allocation.areas):
        steps = explainer.deriver.steps(position)
        amounts = {
            column: None
            if overridden[position] and column != "total"
            else format_plain(cents[column][position])
            for column in columns
        }
        areas.append(
            {
                "code": code,
                "name": name,
                "kind": kind,
                "inhabitants": inhabitants,
                "amounts": amounts,
                "bracket": brackets[position] or None,
                "explanation": explainer.render(steps),
                "derivation": [step_document(step) for step in steps],
            }
        )
    return {
        "generator": f"budgetcalc {__version__}",
        "ruleset": allocation.ruleset.document(),
        "population": {
            "file": Path(allocation.population.source).name if allocation.population.source else None,
            "sheet": allocation.population.sheet,
            "sha256": allocation.population.digest,
            "areas": len(allocation),
        },
        "total": format_plain(allocation.grand_total_cents),
        "areas": areas,
        "checks": [
            {"check": check.key, "ok": check.ok, "detail": check.detail} for check in allocation.checks()
        ],
        "warnings": [notice.text(lang) for notice in allocation.notices],
    }


def step_document(step: Step) -> dict[str, Any]:
    """One derivation step as JSON: ``type`` (``RateTerm``), then its fields; numbers as exact strings."""
    fields = {
        key: _exact(value) for key, value in dataclasses.asdict(step).items() if value not in (None, ())
    }
    return {"type": type(step).__name__, **fields}


def _exact(value: Any) -> Any:
    """Decimals as exact strings, also inside lists and dicts (a pot's keys)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _exact(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_exact(item) for item in value]
    return value


def render_json(allocation: Allocation, lang: Lang = "nl") -> bytes:
    """The JSON report as UTF-8 bytes, indented, keys in a fixed order."""
    text = json.dumps(allocation_document(allocation, lang), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")
