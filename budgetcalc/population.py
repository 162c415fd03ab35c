"""The validated population table the engine works on: one row per area."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pandas as pd

from budgetcalc.columns import REQUIRED, canonical_name
from budgetcalc.errors import InputError
from budgetcalc.exact import Fixed, decimal_places, decimal_to_units

MAX_COUNT = 50_000_000
"""No Dutch area has more inhabitants (or households, dwellings) than this: larger is a mistake."""


@dataclass(frozen=True)
class Population:
    """Areas with ``code``, ``name``, ``kind``, ``inhabitants`` and any further columns.

    ``rows`` holds the row number of each area in its source file, for error messages.
    """

    frame: pd.DataFrame
    source: str | None = None
    sheet: str | None = None
    rows: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    """The file's own header for each column, for error messages (``inhabitants`` -> ``inwoners``)."""
    _counts: dict[str, Fixed] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        kind: str | None = None,
        source: str | None = None,
        sheet: str | None = None,
        rows: Sequence[int] | None = None,
    ) -> Population:
        """Validate a table; headers may use any known alias (``inwoners``, ``gebiedscode``, ...).

        ``kind`` gives every area that kind where the table has no ``kind`` column.
        ``rows`` are the file's row numbers; by default the DataFrame position plus one.
        """
        row_numbers = tuple(rows) if rows is not None else tuple(range(1, len(frame) + 1))
        where: dict[str, Any] = {"file": source, "sheet": sheet}
        renamed, headers = _canonical_columns(frame, where)
        for required in REQUIRED:
            if required not in renamed.columns:
                raise InputError(
                    f"required column '{required}' is missing (found: {', '.join(map(str, frame.columns))})",
                    **where,
                )
        table = pd.DataFrame(index=pd.RangeIndex(len(renamed)))
        table["code"] = _text_column(renamed["code"], headers["code"], row_numbers, where, required=True)
        table["name"] = _text_column(renamed["name"], headers["name"], row_numbers, where, required=False)
        if "kind" in renamed.columns:
            kinds = _text_column(renamed["kind"], headers["kind"], row_numbers, where, required=kind is None)
            if kind is not None:
                kinds = [value or kind.strip().lower() for value in kinds]
            table["kind"] = [value.lower() for value in kinds]
        else:
            table["kind"] = (kind or "").strip().lower()
        table["inhabitants"] = _integer_column(
            renamed["inhabitants"], headers["inhabitants"], row_numbers, where
        )
        for column in renamed.columns:
            if column not in table.columns:
                table[column] = renamed[column].to_numpy(dtype=object)
        _check_unique_codes(table, headers["code"], row_numbers, where)
        return cls(table, source, sheet, row_numbers, _warnings(table), headers)

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def codes(self) -> list[str]:
        return list(self.frame["code"])

    def has_kinds(self) -> bool:
        return bool((self.frame["kind"] != "").all())

    def count(self, column: str) -> Fixed:
        """Exact counts of ``column`` (inhabitants, households, land area, ...) for every area."""
        if column not in self._counts:
            if column not in self.frame.columns:
                raise InputError(f"the population has no column '{column}'", file=self.source)
            if column == "inhabitants":
                counts = Fixed(self.frame["inhabitants"].to_numpy(dtype=np.int64), 0)
            else:
                counts = _exact_column(
                    self.frame[column],
                    self.headers.get(column, column),
                    self.rows,
                    {"file": self.source, "sheet": self.sheet},
                )
            self._counts[column] = counts
        return self._counts[column]

    def row_of(self, position: int) -> int:
        return self.rows[position] if self.rows else position + 1


def _canonical_columns(frame: pd.DataFrame, where: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, str]]:
    """The table with canonical column names, and each canonical name's original header."""
    seen: dict[str, object] = {}
    for header in frame.columns:
        name = canonical_name(header)
        if not name:
            continue
        if name in seen:
            raise InputError(
                f"columns '{seen[name]}' and '{header}' both mean '{name}'; keep one or rename the other",
                **where,
            )
        seen[name] = header
    kept = [header for header in frame.columns if canonical_name(header)]
    renamed = frame[kept].copy()
    renamed.columns = pd.Index([canonical_name(header) for header in kept])
    return renamed, {name: str(header).strip() for name, header in seen.items()}


def _is_blank(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, float) and np.isnan(value))
        or value is pd.NA
        or (isinstance(value, str) and not value.strip())
    )


def cell_text(value: object) -> str:
    """A cell as text: blanks as ``""``, whole floats without ``.0`` (Excel stores 1 as 1.0)."""
    if _is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _text_column(
    values: pd.Series, column: str, rows: Sequence[int], where: dict[str, Any], *, required: bool
) -> list[str]:
    texts = [cell_text(value) for value in values.to_numpy(dtype=object)]
    if required and "" in texts:
        position = texts.index("")
        raise InputError(
            f"empty cell; every area needs a {column}", row=rows[position], column=column, **where
        )
    return texts


THOUSANDS = re.compile(r"^[1-9]\d{0,2}([.,]\d{3})+$")


class AmbiguousNumberError(ValueError):
    """Text such as ``10.000`` that could be ten thousand or ten: refused rather than guessed."""


def parse_count(value: object) -> Decimal:
    """An exact non-negative count from a cell: int, integral float, Decimal or numeric text."""
    if isinstance(value, bool):
        raise ValueError("true/false")
    if isinstance(value, int | np.integer):
        number = Decimal(int(value))
    elif isinstance(value, float | np.floating):
        number = Decimal(repr(float(value)))
    elif isinstance(value, Decimal):
        number = value
    else:
        text = str(value).strip()
        if THOUSANDS.match(text):
            raise AmbiguousNumberError(
                f"{text!r} looks like a number with a thousands separator; write it without"
            )
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(repr(value)) from None
    if not number.is_finite():
        raise ValueError(repr(value))
    return number


def _integer_column(values: pd.Series, column: str, rows: Sequence[int], where: dict[str, Any]) -> np.ndarray:
    result = np.empty(len(values), dtype=np.int64)
    for position, value in enumerate(values.to_numpy(dtype=object)):
        location = {"row": rows[position], "column": column, **where}
        if _is_blank(value):
            raise InputError("empty cell; expected a whole number of 0 or more", **location)
        try:
            number = parse_count(value)
        except AmbiguousNumberError as problem:
            raise InputError(str(problem), **location) from None
        except ValueError:
            raise InputError(f"expected a whole number of 0 or more, got {value!r}", **location) from None
        if number != number.to_integral_value():
            raise InputError(f"expected a whole number, got {value!r}", **location)
        if number < 0:
            raise InputError(f"expected 0 or more, got {value!r}", **location)
        if number > MAX_COUNT:
            raise InputError(f"{value!r} is too large to be real (more than {MAX_COUNT:,})", **location)
        result[position] = int(number)
    return result


def _exact_column(values: pd.Series, column: str, rows: Sequence[int], where: dict[str, Any]) -> Fixed:
    numbers = []
    for position, value in enumerate(values.to_numpy(dtype=object)):
        location = {"row": rows[position], "column": column, **where}
        if _is_blank(value):
            raise InputError("empty cell; the rules need a number here", **location)
        try:
            number = parse_count(value)
        except AmbiguousNumberError as problem:
            raise InputError(str(problem), **location) from None
        except ValueError:
            raise InputError(f"expected a number of 0 or more, got {value!r}", **location) from None
        if number < 0 or number > MAX_COUNT:
            raise InputError(f"expected a number from 0 to {MAX_COUNT:,}, got {value!r}", **location)
        numbers.append(number)
    scale = max((decimal_places(number) for number in numbers), default=0)
    return Fixed(np.array([decimal_to_units(n, scale) for n in numbers], dtype=np.int64), scale)


def _check_unique_codes(table: pd.DataFrame, header: str, rows: Sequence[int], where: dict[str, Any]) -> None:
    first_seen: dict[str, int] = {}
    for position, code in enumerate(table["code"]):
        if code in first_seen:
            raise InputError(
                f"duplicate area code '{code}' (also in row {rows[first_seen[code]]})",
                row=rows[position],
                column=header,
                **where,
            )
        first_seen[code] = position


def _warnings(table: pd.DataFrame) -> tuple[str, ...]:
    empty = table.loc[table["inhabitants"] == 0, "name"].tolist()
    if not empty:
        return ()
    shown = ", ".join(empty[:5]) + (f" and {len(empty) - 5} more" if len(empty) > 5 else "")
    return (f"{len(empty)} area(s) with 0 inhabitants: {shown}",)
