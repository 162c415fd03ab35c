"""The validated population table the engine works on: one row per area."""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar, cast

import numpy as np
import pandas as pd

from budgetcalc.columns import ALIASES, REQUIRED, WHOLE_COUNT_COLUMNS, canonical_name, normalise_header
from budgetcalc.errors import InputError
from budgetcalc.exact import Fixed, decimal_places, decimal_to_units
from budgetcalc.notices import Notice, examples
from budgetcalc.numbers import AmbiguousNumber, NumberError, SuppressedValue, parse_number
from budgetcalc.text import normal_text

T = TypeVar("T")

MAX_DECIMALS = 6
"""A count with more decimals (0.30000000000000004 hectares) is a float artefact, not a measurement."""

MAX_COUNT = 50_000_000
"""No Dutch area has more inhabitants (or households, dwellings) than this: larger is a mistake."""

TEXT_FIELDS = ("code", "name", "kind", "municipality", "municipality_code")
"""Columns read as text, as a person reads it (see :func:`normal_text`)."""

MAX_TEXT = 200
"""No area code, name or kind (or municipality) is longer: a longer cell is the wrong column or garbage."""

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
"""Control characters other than tab, line breaks and form feed (which count as spaces)."""


@dataclass(frozen=True)
class Population:
    """Areas with ``code``, ``name``, ``kind``, ``inhabitants`` and any further columns.

    ``rows`` holds the row number of each area in its source file, for error messages.
    """

    frame: pd.DataFrame
    source: str | None = None
    sheet: str | None = None
    rows: tuple[int, ...] = ()
    warnings: tuple[Notice, ...] = ()
    """What reading and validating found that deserves a look (rows skipped, empty areas, ...)."""
    headers: dict[str, str] = field(default_factory=dict)
    """The file's own header for each column, for error messages (``inhabitants`` -> ``inwoners``)."""
    digest: str | None = None
    """SHA-256 of the source file's bytes, so a report says exactly which file it was computed from."""
    rows_read: int = 0
    """Rows in the source file below the header, including those left out (skipped or not selected)."""
    _counts: dict[str, Fixed] = field(default_factory=dict, repr=False, compare=False)
    _derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        kind: str | None = None,
        source: str | None = None,
        sheet: str | None = None,
        rows: Sequence[int] | None = None,
        notices: Sequence[Notice] = (),
        headers: Mapping[str, str] | None = None,
        rows_read: int | None = None,
        digest: str | None = None,
    ) -> Population:
        """Validate a table; headers may use any known alias (``inwoners``, ``gebiedscode``, ...).

        ``kind`` gives every area that kind where the table has no ``kind`` column.
        ``rows`` are the file's row numbers; by default the DataFrame position plus one.
        ``headers`` are the file's own headers of already renamed columns, for messages;
        ``rows_read`` counts the rows of the file, including those the reader left out.
        """
        row_numbers = tuple(rows) if rows is not None else tuple(range(1, len(frame) + 1))
        where: dict[str, Any] = {"file": source, "sheet": sheet}
        renamed, own_headers = canonical_columns(frame, where)
        headers = {**own_headers, **{k: v for k, v in (headers or {}).items() if k in own_headers}}
        for required in REQUIRED:
            if required not in renamed.columns:
                raise InputError(_missing_column(required, frame.columns, list(headers.values())), **where)
        columns: dict[str, Any] = {
            "code": _text_column(renamed["code"], headers["code"], row_numbers, where, required=True),
            "name": _text_column(renamed["name"], headers["name"], row_numbers, where, required=False),
        }
        default_kind = cell_text(kind).lower() if kind is not None else ""
        if "kind" in renamed.columns:
            kinds = _text_column(renamed["kind"], headers["kind"], row_numbers, where, required=kind is None)
            columns["kind"] = [(value or default_kind).lower() for value in kinds]
        else:
            columns["kind"] = [default_kind] * len(renamed)
        columns["inhabitants"] = _integer_column(
            renamed["inhabitants"], headers["inhabitants"], row_numbers, where
        )
        for column in renamed.columns:
            if column in columns:
                continue
            if column in TEXT_FIELDS:
                columns[column] = text_cells(renamed[column], headers[column], row_numbers, where)
            else:
                columns[column] = renamed[column].to_numpy(dtype=object)
        table = pd.DataFrame(columns, index=pd.RangeIndex(len(renamed)))  # in one go: no fragmentation
        _check_unique_codes(table, headers["code"], row_numbers, where)
        read = rows_read if rows_read is not None else len(table)
        return cls(
            table,
            source=source,
            sheet=sheet,
            rows=row_numbers,
            warnings=(*notices, *_notices(table)),
            headers=headers,
            digest=digest,
            rows_read=read,
        )

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
                    whole=column in WHOLE_COUNT_COLUMNS,
                )
            self._counts[column] = counts
        return self._counts[column]

    def derived(self, key: str, build: Callable[[Population], T]) -> T:
        """What ``build`` makes of this population (an area index, each area's municipality), made
        once: the population does not change after it is validated."""
        if key not in self._derived:
            self._derived[key] = build(self)
        return cast(T, self._derived[key])

    def row_of(self, position: int) -> int:
        return self.rows[position] if self.rows else position + 1


def _missing_column(required: str, file_headers: Iterable[object], found: list[str]) -> str:
    """Why a required field has no column; where a header of the file is a near miss of one of the
    field's names (``inwonres``), that header, the name it resembles and the --column that maps it."""
    message = f"required column '{required}' is missing (found: {', '.join(found)})"
    best: tuple[float, str, str] | None = None
    for header in file_headers:
        text = str(header).strip()
        normal = normalise_header(text)
        if not normal or canonical_name(text) in ALIASES:
            continue
        for alias in ALIASES[required]:
            score = difflib.SequenceMatcher(None, normal, alias).ratio()
            if score >= 0.75 and (best is None or score > best[0]):
                best = (score, text, alias)
    if best is None:
        return message
    _, header, alias = best
    return f"{message}; '{header}': did you mean '{alias}'? or use --column {required}=\"{header}\""


def canonical_columns(frame: pd.DataFrame, where: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, str]]:
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


def _shown(value: object) -> str:
    """A cell value for a message: text in quotes, a whole float without ``.0``, a date as a date."""
    if isinstance(value, float) and value.is_integer():
        return repr(int(value))
    if isinstance(value, datetime.date | datetime.time):
        return f"the date {value.isoformat()} (Excel turned the number into a date?)"
    return repr(value)


class TextError(ValueError):
    """A text cell that cannot be an area's code, name or kind; the message says why."""


def cell_text(value: object) -> str:
    """A cell as :func:`normal_text`: blanks as ``""``, whole floats without ``.0`` (Excel: 1 is 1.0)."""
    if isinstance(value, str):  # most cells: first, and cheap
        return normal_text(value)
    if _is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normal_text(str(value))


def checked_text(value: object, limit: int | None = MAX_TEXT) -> str:
    """:func:`cell_text`, refusing control characters and text longer than ``limit`` characters.

    A cell far longer than the limit is refused before it is looked at character by character.
    """
    if isinstance(value, str):
        if limit is not None and len(value) > 4 * limit:
            raise TextError(
                f"the text is {len(value):,} characters long; {_LIMIT_REASON.format(limit=limit)}"
            )
        control = _CONTROL.search(value)
        if control:
            raise TextError(
                f"the text holds a control character (U+{ord(control.group()):04X}) at character "
                f"{control.start() + 1}; remove it from the file"
            )
    text = cell_text(value)
    if limit is not None and len(text) > limit:
        raise TextError(f"the text is {len(text):,} characters long; {_LIMIT_REASON.format(limit=limit)}")
    return text


_LIMIT_REASON = "an area's code, name or kind has at most {limit} (is this the right column?)"


def text_cells(
    values: Sequence[object] | pd.Series,
    column: str,
    rows: Sequence[int],
    where: dict[str, Any],
    *,
    limit: int | None = MAX_TEXT,
) -> list[str]:
    """Every cell of a text column by :func:`checked_text`, or an error naming the cell."""
    cells = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values
    texts = []
    done: dict[str, str] = {}  # a kind or municipality repeats thousands of times: checked once
    for position, value in enumerate(cells):
        if type(value) is str and value in done:
            texts.append(done[value])
            continue
        try:
            text = checked_text(value, limit)
        except TextError as problem:
            raise InputError(str(problem), row=rows[position], column=column, **where) from None
        if type(value) is str:
            done[value] = text
        texts.append(text)
    return texts


def _text_column(
    values: pd.Series, column: str, rows: Sequence[int], where: dict[str, Any], *, required: bool
) -> list[str]:
    texts = text_cells(values, column, rows, where)
    if required and "" in texts:
        position = texts.index("")
        raise InputError(
            f"empty cell; every area needs a {column}", row=rows[position], column=column, **where
        )
    return texts


def _column_numbers(
    values: pd.Series,
    column: str,
    rows: Sequence[int],
    where: dict[str, Any],
    *,
    whole: bool,
    inhabitants: bool,
) -> list[Decimal]:
    """Every cell of a count column as an exact number from 0 to MAX_COUNT, or an error naming the cell.

    ``inhabitants`` says this is the inhabitants column, whose suppressed cells --skip-suppressed skips.
    """
    numbers = []
    expected = "a whole number of 0 or more" if whole else "a number of 0 or more"
    for position, value in enumerate(values.to_numpy(dtype=object)):
        location = {"row": rows[position], "column": column, **where}
        if _is_blank(value):
            raise InputError(f"empty cell; expected {expected}", **location)
        try:
            number = parse_number(value, whole=whole)
        except SuppressedValue as problem:
            hint = (
                "pass --skip-suppressed to leave such areas out (they are then listed)"
                if inhabitants
                else "a rule needs this figure; fill it in or leave the area out"
            )
            raise InputError(f"{problem}; {hint}", **location) from None
        except AmbiguousNumber as problem:
            raise InputError(str(problem), **location) from None
        except NumberError:
            raise InputError(f"expected {expected}, got {_shown(value)}", **location) from None
        if whole and number != number.to_integral_value():
            raise InputError(f"expected a whole number, got {_shown(value)}", **location)
        if number < 0:
            raise InputError(f"expected 0 or more, got {_shown(value)}", **location)
        if number > MAX_COUNT:
            raise InputError(f"{_shown(value)} is too large to be real (more than {MAX_COUNT:,})", **location)
        if not whole and decimal_places(number) > MAX_DECIMALS:  # whole numbers have none
            raise InputError(
                f"{_shown(value)} has more than {MAX_DECIMALS} decimals; round it in the file", **location
            )
        numbers.append(number)
    return numbers


def _integer_column(values: pd.Series, column: str, rows: Sequence[int], where: dict[str, Any]) -> np.ndarray:
    return np.array(
        [int(n) for n in _column_numbers(values, column, rows, where, whole=True, inhabitants=True)],
        dtype=np.int64,
    )


def _exact_column(
    values: pd.Series, column: str, rows: Sequence[int], where: dict[str, Any], *, whole: bool
) -> Fixed:
    numbers = _column_numbers(values, column, rows, where, whole=whole, inhabitants=False)
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


def _notices(table: pd.DataFrame) -> tuple[Notice, ...]:
    """What may be right but deserves a look: empty areas, names used twice in one municipality."""
    notices = []
    empty = table.loc[table["inhabitants"] == 0, "name"].tolist()
    if empty:
        notices.append(Notice("zero_inhabitants", {"count": len(empty), "examples": examples(empty)}))
    group = ["municipality", "name"] if "municipality" in table.columns else ["name"]
    named = table[table["name"] != ""]
    counts = named.groupby(group, sort=False).size()
    repeated = [str(key[-1] if isinstance(key, tuple) else key) for key, size in counts.items() if size > 1]
    if repeated:
        notices.append(Notice("repeated_names", {"count": len(repeated), "examples": examples(repeated, 3)}))
    return tuple(notices)
