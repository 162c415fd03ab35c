"""Which rows of a table are areas to allocate: drops the national and totals rows, selects a level
and a municipality, and sets aside suppressed counts when the user asks; every dropped row is counted
under the reason it was dropped for."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from budgetcalc.errors import InputError
from budgetcalc.notices import Notice, examples
from budgetcalc.numbers import is_suppressed
from budgetcalc.population import TEXT_FIELDS, text_cells
from budgetcalc.scope import (
    MUNICIPALITY_NUMBER,
    Municipality,
    known_municipalities,
    municipalities_of,
    municipality_code,
    name_key,
)
from budgetcalc.text import normal_text

CBS_LEVELS = ("gemeente", "wijk", "buurt")
CBS_CODE = re.compile(r"^(GM|WK|BU)(\d{4})", re.IGNORECASE)
TOTAL_WORDS = re.compile(r"^(totaal|totalen|total|totals|som|generaal totaal|eindtotaal)\b", re.IGNORECASE)
NATIONAL_CODE = re.compile(r"^NL\d{2}$", re.IGNORECASE)
"""CBS's code for the whole country (NL00; NL01 in some tables)."""

Reason = tuple[str, tuple[tuple[str, str], ...]]
"""Why a row is left out: a reason template key and the values that word it."""


@dataclass(frozen=True)
class Selection:
    """What to keep: one CBS level, one municipality, and whether suppressed counts skip their row."""

    level: str | None = None
    municipality: str | None = None
    home: Municipality | None = None
    """The rule set's municipality: where the file holds several, one of them this, only its areas."""
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
    frame: pd.DataFrame,
    rows: Sequence[int],
    selection: Selection,
    where: dict[str, Any],
    headers: Mapping[str, str] | None = None,
) -> Selected:
    """Apply the selection to a table with canonical column names (``code``, ``kind``, ...).

    ``headers`` are the file's own headers, for messages about a cell.
    """
    texts = {
        column: text_cells(frame[column], (headers or {}).get(column, column), rows, where)
        for column in TEXT_FIELDS
        if column in frame.columns
    }
    blank = [""] * len(frame)
    codes = texts.get("code", blank)
    names = texts.get("name", blank)
    written_kinds = texts.get("kind", blank)
    kinds = [kind.lower() for kind in written_kinds]
    municipality_codes = texts.get("municipality_code", blank)
    keep = [True] * len(frame)
    skipped: dict[Reason, list[int]] = {}

    def skip(position: int, reason: Reason) -> None:
        keep[position] = False
        skipped.setdefault(reason, []).append(rows[position])

    for position in range(len(frame)):
        code, name = codes[position], names[position]
        reason = _national_row(code, name, written_kinds[position], municipality_codes[position])
        reason = reason or totals_row_reason(code, name)
        if reason:
            skip(position, reason)
    selected = [position for position in range(len(frame)) if keep[position]]
    selected = _by_level(selected, kinds, selection, where)
    selected = _by_municipality(selected, texts, codes, selection, where)
    selected, elsewhere = _in_home_municipality(selected, texts, codes, selection)
    if selection.skip_suppressed and "inhabitants" in frame.columns:
        counts = frame["inhabitants"].tolist()
        for position in selected:
            if is_suppressed(counts[position]):
                skip(position, ("reason_suppressed", ()))
        selected = [position for position in selected if keep[position]]
    notices = [
        Notice(
            "rows_skipped",
            {
                "count": len(found),
                "reason": reason,
                **dict(values),
                "examples": examples([str(r) for r in found]),
            },
        )
        for (reason, values), found in skipped.items()
    ]
    skipped_count = sum(len(found) for found in skipped.values())
    not_selected = len(frame) - skipped_count - len(selected) - elsewhere
    if not_selected:
        notices.append(
            Notice("rows_not_selected", {"count": not_selected, "selection": selection.describe()})
        )
    if elsewhere and selection.home is not None:
        notices.append(
            Notice("rows_other_municipality", {"count": elsewhere, "municipality": selection.home.describe()})
        )
    return Selected(
        frame.iloc[selected].reset_index(drop=True),
        [rows[position] for position in selected],
        tuple(notices),
        skipped_count,
        not_selected,
    )


def _in_home_municipality(
    selected: list[int], texts: Mapping[str, list[str]], codes: list[str], selection: Selection
) -> tuple[list[int], int]:
    """Where the rows lie in several municipalities, one of them the rule set's, keep that one's rows
    (and rows whose municipality is not known); also how many rows were left out. Otherwise all rows
    stay: a population wholly elsewhere is the engine's to refuse, naming both municipalities."""
    home = selection.home
    if home is None or selection.municipality is not None:
        return selected, 0
    blank = [""] * len(codes)
    places = municipalities_of(codes, texts.get("municipality_code", blank), texts.get("municipality", blank))
    outside = [p for p in selected if places[p].comparable(home) and not places[p].same_as(home)]
    if not outside or len(outside) == len(selected):
        return selected, 0
    left_out = set(outside)
    return [p for p in selected if p not in left_out], len(outside)


def _national_row(code: str, name: str, kind: str, municipality_code: str) -> Reason | None:
    """CBS's row for the whole country: code NL00 (or NL01, ...), or the name Nederland with the kind
    Land and no municipality code. A real area of kind 'land' (countryside) has its own code and stays."""
    if NATIONAL_CODE.match(code):
        return ("reason_national_code", (("code", code),))
    if name.casefold() == "nederland" and kind.casefold() == "land" and not municipality_code:
        return ("reason_national_name", (("name", name), ("kind", kind)))
    return None


def totals_row_reason(code: str, name: str) -> Reason | None:
    """A row adding up the others, which cannot be an area: 'Totaal' as its code, or no code (empty or
    a placeholder such as ``-``, ``–``, ``*``, ``x``: no letter or digit, or a suppression mark) and a
    totals word or nothing as its name. A village named 'Som' with a code of its own stays."""
    if TOTAL_WORDS.fullmatch(code):
        return ("reason_totals_code", (("code", code),))
    no_code = not any(character.isalnum() for character in code) or is_suppressed(code)
    if no_code and not name:
        return ("reason_totals_blank", ())
    if no_code and TOTAL_WORDS.match(name):
        return ("reason_totals_name", (("name", name),))
    return None


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
    level = normal_text(selection.level).lower()
    if not any(kinds):
        raise InputError("--level needs a column with the kind of area (soort, 'Soort regio', recs)", **where)
    kept = [position for position in selected if kinds[position] == level]
    if not kept:
        found = sorted({kinds[p] for p in selected if kinds[p]})
        raise InputError(f"no areas of level '{level}' (levels in the file: {', '.join(found)})", **where)
    return kept


def _by_municipality(
    selected: list[int],
    texts: Mapping[str, list[str]],
    codes: list[str],
    selection: Selection,
    where: dict[str, Any],
) -> list[int]:
    """The rows of the municipality ``--municipality`` names, by code (``GM0080``, ``80``) or by name
    as people write it (case, accents, dashes and a leading "gemeente" do not count)."""
    if selection.municipality is None:
        return selected
    blank = [""] * len(codes)
    places = municipalities_of(codes, texts.get("municipality_code", blank), texts.get("municipality", blank))
    if not any(places[position].code or places[position].name for position in selected):
        raise InputError(
            "--municipality needs a municipality column (gemeente, gm_naam) or CBS codes (GM/WK/BU....)",
            **where,
        )
    asked = normal_text(selection.municipality)
    wanted = Municipality(municipality_code(asked) if MUNICIPALITY_NUMBER.match(asked.upper()) else "", asked)
    kept = [position for position in selected if _named(places[position], wanted)]
    if not kept:
        names = sorted({places[position].describe() for position in selected if places[position].describe()})
        shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        message = f"no areas of municipality '{selection.municipality}' in the file (it has: {shown})"
        close = _close_municipality(selection.municipality, [places[p].name for p in selected])
        hint = f"; {selection.municipality}: did you mean {close}?" if close else ""
        raise InputError(message + hint, **where)
    return kept


def _close_municipality(asked: str, names_in_file: list[str]) -> str | None:
    """The municipality name closest to a misspelt ``asked`` (``Leewarden``: Leeuwarden), from the
    file's own municipalities and the 2024 list; ``None`` where none is close."""
    names = {name_key(name): name for name in known_municipalities().values()}
    names.update({name_key(name): name for name in names_in_file if name})
    close = difflib.get_close_matches(name_key(asked), list(names), n=1, cutoff=0.75)
    return names[close[0]] if close else None


def _named(place: Municipality, wanted: Municipality) -> bool:
    """Whether ``place`` is the municipality asked for: by code where one was asked, else by name."""
    if wanted.code:
        return place.code == wanted.code
    return bool(place.name) and name_key(place.name) == name_key(wanted.name)
