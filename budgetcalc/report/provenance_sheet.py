"""The workbook's provenance sheet (*Herkomst*): what the report was made from, so that it can be
re-performed and checked for changes: the program's version, the population file and each rule file by
name with its SHA-256, the ``--set`` values and options given, the language, the columns of the input
sheet, last year's allocation as read (``--previous``), and the full text of every rule file, line by
line.

Read back by ``budgetcalc verify`` (:func:`read_provenance_sheet`); the layout is the contract between
the two: column A holds a label from the label table (or a line number), column B its value, column C the
SHA-256 of a file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from budgetcalc.labels import Lang, label
from budgetcalc.provenance import Provenance, RuleSource

MAX_CELL = 32_767
"""Characters Excel allows in a cell: a longer rule-file line goes on as many rows as it needs."""
_KEYS = (
    "generated_by",
    "population_file",
    "rule_file",
    "override",
    "option",
    "language",
    "reading",
    "area_municipalities",
    "previous_file",
    "previous_rows",
    "input_sheet",
    "input_columns",
    "rule_text",
)


@dataclass(frozen=True)
class SheetRecord:
    """What the provenance sheet records, read back."""

    provenance: Provenance
    lang: Lang
    input_sheet: str
    input_columns: tuple[str, ...]
    municipalities: dict[str, list[str]]


def provenance_rows(
    provenance: Provenance,
    lang: Lang,
    input_sheet: str,
    input_columns: Sequence[str],
    municipalities: Mapping[str, Sequence[str]] | None = None,
) -> list[tuple[Any, ...]]:
    """The sheet's rows: ``(label, value[, sha256])``, then per rule file its text, one row per line
    (``(line number, text)``; a line longer than a cell continues on the next rows with the same number)."""
    rows: list[tuple[Any, ...]] = [
        (label("generated_by", lang), f"budgetcalc {provenance.version}"),
        (
            label("population_file", lang),
            Path(provenance.population_file).name,
            provenance.population_sha256 or "",
        ),
    ]
    rows += [(label("rule_file", lang), Path(rule.path).name, rule.sha256) for rule in provenance.rules]
    rows += [(label("override", lang), f"{path} = {value}") for path, value in provenance.overrides.items()]
    rows += [
        (label("option", lang), f"{key} = {_option_text(value)}") for key, value in provenance.options.items()
    ]
    reading = json.dumps(dict(provenance.reading), ensure_ascii=False, sort_keys=True)
    rows += [
        (label("reading", lang), reading[start : start + MAX_CELL])
        for start in range(0, len(reading), MAX_CELL)
    ]
    if municipalities:  # each area's municipality as read: the check of the rule set's municipality
        shown = json.dumps({key: list(values) for key, values in municipalities.items()}, ensure_ascii=False)
        rows += [
            (label("area_municipalities", lang), shown[start : start + MAX_CELL])
            for start in range(0, len(shown), MAX_CELL)
        ]
    if provenance.previous is not None:  # last year's rows as read: the report re-performs without the file
        previous = provenance.previous
        rows.append((label("previous_file", lang), Path(previous["path"]).name, previous["sha256"] or ""))
        shown = json.dumps(list(previous["rows"]), ensure_ascii=False)
        rows += [
            (label("previous_rows", lang), shown[start : start + MAX_CELL])
            for start in range(0, len(shown), MAX_CELL)
        ]
    rows += [
        (label("language", lang), lang),
        (label("input_sheet", lang), input_sheet),
        (label("input_columns", lang), ", ".join(input_columns)),
    ]
    for rule in provenance.rules:
        rows.append(())
        rows.append((label("rule_text", lang), Path(rule.path).name, rule.sha256))
        for number, line in enumerate(rule.text.split("\n"), start=1):
            line = line.removesuffix("\r")  # a Windows line end: the SHA-256 check tries both
            pieces = [line[start : start + MAX_CELL] for start in range(0, len(line), MAX_CELL)] or [""]
            rows += [(number, piece) for piece in pieces]
    return rows


def _option_text(value: object) -> str:
    return ", ".join(str(item) for item in value) if isinstance(value, list | tuple) else str(value)


def read_provenance_sheet(cells: Sequence[Sequence[object]]) -> SheetRecord:
    """The record from the sheet's cells (rows of values, as read); a ValueError naming what is missing
    or damaged."""
    lang: Lang = "nl" if _cell(cells, 0, 0) == label("generated_by", "nl") else "en"
    labels = {label(key, lang): key for key in _KEYS}
    found: dict[str, list[tuple[str, str]]] = {key: [] for key in _KEYS}
    blocks: list[dict[int, str]] = []  # per rule file, its lines by number
    for index in range(len(cells)):
        first = _cell(cells, index, 0)
        if isinstance(first, int | float) and not isinstance(first, bool) and blocks:
            number = int(first)
            blocks[-1][number] = blocks[-1].get(number, "") + str(_cell(cells, index, 1) or "")
            continue
        key = labels.get(str(first)) if first is not None else None
        if key is None:
            continue
        if key == "rule_text":
            blocks.append({})
        else:
            found[key].append((str(_cell(cells, index, 1) or ""), str(_cell(cells, index, 2) or "")))
    texts = [
        "\n".join(block.get(number, "") for number in range(1, max(block, default=0) + 1)) for block in blocks
    ]
    version = found["generated_by"][0][0].removeprefix("budgetcalc ") if found["generated_by"] else ""
    if not found["population_file"] or not found["rule_file"] or len(texts) != len(found["rule_file"]):
        raise ValueError("the provenance sheet lacks the population file, a rule file or a rule file's text")
    rules = tuple(
        RuleSource(name, digest, text) for (name, digest), text in zip(found["rule_file"], texts, strict=True)
    )
    overrides = dict(_pair(value) for value, _ in found["override"])
    options: dict[str, object] = dict(_pair(value) for value, _ in found["option"])
    if "allow_other_municipality" in options:
        options["allow_other_municipality"] = options["allow_other_municipality"] == "True"
    population, digest = found["population_file"][0]
    columns = (
        tuple(part.strip() for part in found["input_columns"][0][0].split(","))
        if found["input_columns"]
        else ()
    )
    text = "".join(value for value, _ in found["reading"])
    try:
        reading = json.loads(text) if text else {}
    except json.JSONDecodeError:
        raise ValueError("what reading the population found is damaged") from None
    previous = None
    if found["previous_file"]:
        name, previous_digest = found["previous_file"][0]
        try:
            previous_rows = json.loads("".join(value for value, _ in found["previous_rows"]))
        except json.JSONDecodeError:
            raise ValueError("last year's rows as read are damaged") from None
        previous = {"path": name, "sha256": previous_digest or None, "rows": previous_rows}
    record = Provenance(population, digest or None, rules, version, overrides, options, reading, previous)
    sheet = found["input_sheet"][0][0] if found["input_sheet"] else label("sheet_input", lang)
    shown = "".join(value for value, _ in found["area_municipalities"])
    try:
        municipalities = json.loads(shown) if shown else {}
    except json.JSONDecodeError:
        raise ValueError("the areas' municipalities are damaged") from None
    return SheetRecord(record, lang, sheet, columns, municipalities)


def _pair(text: str) -> tuple[str, str]:
    key, _, value = text.partition(" = ")
    return key.strip(), value.strip()


def _cell(cells: Sequence[Sequence[object]], row: int, column: int) -> object:
    if row >= len(cells) or column >= len(cells[row]):
        return None
    value = cells[row][column]
    return None if value == "" else value
