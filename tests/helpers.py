"""Small helpers so a test reads as: a rule snippet, a few areas, the amounts that come out."""

from __future__ import annotations

import importlib.util
from decimal import Decimal
from pathlib import Path
from textwrap import dedent
from types import ModuleType
from typing import Any

import pandas as pd
import pytest

from budgetcalc import Allocation, RuleSet, allocate, parse_ruleset

METADATA = """\
name = "Testregeling"
municipality = "Testgemeente"
decision = "Besluit van het college, art. 1"
valid_from = 2024-01-01
reference_date = 2024-01-01
"""


def rules(components: str) -> RuleSet:
    """A rule set from TOML for ``[components...]`` (and ``[total]``, ``[[exceptions]]``, ...)."""
    return parse_ruleset(METADATA + dedent(components))


def areas(*rows: tuple[str, str, str | None, int], **columns: list[object]) -> pd.DataFrame:
    """A population from ``(code, name, kind, inhabitants)``; a kind of None everywhere means no
    kind column. Further columns by keyword, e.g. ``dwellings=[300, 410]``."""
    frame = pd.DataFrame(list(rows), columns=["code", "name", "kind", "inhabitants"])
    if all(row[2] is None for row in rows):
        frame = frame.drop(columns="kind")
    for column, values in columns.items():
        frame[column] = pd.Series(list(values), dtype=object)
    return frame


def compute(components: str, *rows: tuple[str, str, str | None, int], **columns: list[object]) -> Allocation:
    """Allocate the areas under the rule snippet."""
    return allocate(areas(*rows, **columns), rules(components))


def amounts(allocation: Allocation, column: str = "total") -> dict[str, Decimal | None]:
    """One amount column as code → Decimal euros (None where an exception hides it)."""
    frame = allocation.to_frame()
    return dict(zip(frame["code"], frame[column], strict=True))


def totals(components: str, *rows: tuple[str, str, str | None, int], **columns: list[object]) -> dict:
    """Code → total in Decimal euros."""
    return amounts(compute(components, *rows, **columns))


def shipped_rule_files(folder: Path) -> list[Any]:
    """Every rule file in ``folder`` as a test parameter named by its stem."""
    return [pytest.param(path, id=path.stem) for path in sorted(folder.glob("*.toml"))]


TINY_POPULATION = "gebiedscode;naam;inwoners\nD01;Adorp;664\nD02;Baflo;2050\n"
"""Two villages as a municipality's CSV export, for tests of the command line around the engine."""
TINY_RULES = """name = "Dorpsbudget"
municipality = "Het Hogeland"
decision = "test"
valid_from = 2021-01-01
reference_date = 2024-01-01

[components.dorpsbudget]
fixed = 6567
rate = 1.68
"""
OLD_REPORT = b"the report the council already has"


def corpus_maker() -> ModuleType:
    """tests/corpus/make_corpus.py as a module: its helpers build workbooks from XML parts."""
    path = Path(__file__).resolve().parent / "corpus" / "make_corpus.py"
    spec = importlib.util.spec_from_file_location("make_corpus", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
