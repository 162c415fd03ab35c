"""Which rows of a table are areas to allocate: drops the national and totals rows, selects a level
and a municipality, and sets aside suppressed counts when the user asks; every dropped row is counted."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from budgetcalc.errors import InputError
from budgetcalc.notices import Notice, examples
from budgetcalc.numbers import is_suppressed
from budgetcalc.population import cell_text

CBS_LEVELS = ("gemeente", "wijk", "buurt")
CBS_CODE = re.compile(r"^(GM|WK|BU)(\d{4})", re.IGNORECASE)
TOTAL_WORDS = re.compile(r"^(totaal|totalen|total|totals|som|generaal totaal|eindtotaal)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Selection:
    """What to keep: one CBS level, one municipality, and whether suppressed counts skip their row."""

    level: str | None = None
    municipality: str | None = None
    skip_suppressed: bool = False

    def describe(self) -> str:
        parts = []
        if self.level:
            parts.append(f"--level {self.level}")
        if self.municipality:
            parts.append(f"--municipality {self.municipality}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Selected:
    """The rows kept, their file row numbers, and notices about the rows left out."""

    frame: pd.DataFrame
    rows: list[int]
    notices: tuple[Notice, ...]
    skipped: int
    not_selected: int


def select_rows(
    frame: pd.DataFrame, rows: Sequence[int], selection: Selection, where: dict[str, Any]
) -> Selected:
    """Apply the selection to a table with canonical column names (``code``, ``kind``, ...)."""
    texts = {
        column: [cell_text(value) for value in frame[column]]
        for column in ("code", "name", "kind")
        if column in frame.columns
    }
    codes = texts.get("code", [""] * len(frame))
    names = texts.get("name", [""] * len(frame))
    kinds = [kind.lower() for kind in texts.get("kind", [""] * len(frame))]
    keep = [True] * len(frame)
    skipped: dict[str, list[int]] = {}

    def skip(position: int, reason: str) -> None:
        keep[position] = False
        skipped.setdefault(reason, []).append(rows[position])

    for position in range(len(frame)):
        if kinds[position] == "land" or codes[position].upper() == "NL00":
            skip(position, "reason_national")
        elif _is_totals_row(codes[position], names[position]):
            skip(position, "reason_totals")
    selected = [position for position in range(len(frame)) if keep[position]]
    selected = _by_level(selected, kinds, selection, where)
    selected = _by_municipality(selected, frame, codes, selection, where)
    if selection.skip_suppressed and "inhabitants" in frame.columns:
        counts = frame["inhabitants"].tolist()
        for position in selected:
            if is_suppressed(counts[position]):
                skip(position, "reason_suppressed")
        selected = [position for position in selected if keep[position]]
    notices = [
        Notice(
            "rows_skipped",
            {"count": len(found), "reason": reason, "examples": examples([str(r) for r in found])},
        )
        for reason, found in skipped.items()
    ]
    skipped_count = sum(len(found) for found in skipped.values())
    not_selected = len(frame) - skipped_count - len(selected)
    if not_selected:
        notices.append(
            Notice("rows_not_selected", {"count": not_selected, "selection": selection.describe()})
        )
    return Selected(
        frame.iloc[selected].reset_index(drop=True),
        [rows[position] for position in selected],
        tuple(notices),
        skipped_count,
        not_selected,
    )


def _is_totals_row(code: str, name: str) -> bool:
    """A row adding up the others: 'Totaal' as its code, or as its name where the code is missing or
    a placeholder (``-``, ``–``, ``*``, ``x``: no letter or digit, or a suppression mark); or figures
    without code and name."""
    if TOTAL_WORDS.match(code):
        return True
    no_code = not any(character.isalnum() for character in code) or is_suppressed(code)
    return no_code and (not name or bool(TOTAL_WORDS.match(name)))


def totals_lookalikes(counts: Sequence[int], rows: Sequence[int]) -> list[Notice]:
    """A warning for each row whose inhabitants equal the sum of all the other rows: a totals row
    under a name no rule recognises (``Gemeente``, ``Alle dorpen``)?

    A warning, not an error: with three or more areas the match can be a coincidence (a town as
    large as its villages together), and there is no option to overrule an error. It shows on the
    terminal and in the report, next to the grand total that such a row would double. Two areas
    (always equal when they are) and an all-zero table are not checked.
    """
    if len(counts) < 3:
        return []
    total = sum(counts)
    if not total:
        return []
    return [
        Notice("totals_lookalike", {"row": row, "inhabitants": count})
        for count, row in zip(counts, rows, strict=True)
        if 2 * count == total
    ]


def _by_level(
    selected: list[int], kinds: list[str], selection: Selection, where: dict[str, Any]
) -> list[int]:
    if selection.level is None:
        present = {level: sum(kinds[p] == level for p in selected) for level in CBS_LEVELS}
        mixed = {level: count for level, count in present.items() if count}
        if len(mixed) > 1:
            counts = ", ".join(f"{level} {count:,}" for level, count in mixed.items())
            raise InputError(
                f"the file holds areas of several CBS levels ({counts}); choose one with --level", **where
            )
        return selected
    level = selection.level.strip().lower()
    if not any(kinds):
        raise InputError("--level needs a column with the kind of area (soort, 'Soort regio', recs)", **where)
    kept = [position for position in selected if kinds[position] == level]
    if not kept:
        found = sorted({kinds[p] for p in selected if kinds[p]})
        raise InputError(f"no areas of level '{level}' (levels in the file: {', '.join(found)})", **where)
    return kept


def _municipality_keys(frame: pd.DataFrame, codes: list[str]) -> list[set[str]]:
    """Per row, the names and codes its municipality goes by (casefolded)."""
    keys: list[set[str]] = [set() for _ in codes]
    for column in ("municipality", "municipality_code"):
        if column in frame.columns:
            for found, value in zip(keys, frame[column], strict=True):
                found.add(cell_text(value).casefold())
    for found, code in zip(keys, codes, strict=True):
        match = CBS_CODE.match(code)
        if match:
            found.add(f"gm{match.group(2)}")
        found.discard("")
    return keys


def _by_municipality(
    selected: list[int], frame: pd.DataFrame, codes: list[str], selection: Selection, where: dict[str, Any]
) -> list[int]:
    if selection.municipality is None:
        return selected
    wanted = selection.municipality.strip().casefold()
    all_keys = _municipality_keys(frame, codes)
    keyed = {position: all_keys[position] for position in selected}
    if not any(keyed.values()):
        raise InputError(
            "--municipality needs a municipality column (gemeente, gm_naam) or CBS codes (GM/WK/BU....)",
            **where,
        )
    kept = [position for position in selected if wanted in keyed[position]]
    if not kept:
        raise InputError(f"no areas of municipality '{selection.municipality}' in the file", **where)
    return kept
