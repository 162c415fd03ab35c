"""Checking an allocation table someone else made (a council letter, a news page, a treasurer's sheet):
do the components add up to each area's total, do the totals add up to the grand total, and, given the
rule file, does each area get what the rules give?

The table is read like a population file (hostile files are refused the same way): the header row names
the area (code and/or name), perhaps inhabitants and kind, the component columns, and a total column
(``Totaal``, ``Total``, ``Bedrag``...). A row named ``Totaal`` without a code is the grand total. Amounts
may be written the Dutch way (``€ 3.900``, ``1.234,50``); a cell without digits (``–``, empty) holds no
amount: a row whose components are all empty is a total set on its own (an exception) and has nothing to
add up.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from budgetcalc.columns import canonical_name, normalise_header
from budgetcalc.errors import InputError
from budgetcalc.money import format_euro
from budgetcalc.numbers import NumberError, parse_number
from budgetcalc.reading.selection import totals_row_reason
from budgetcalc.reading.table import RawTable, read_table
from budgetcalc.reading.workbook_safety import column_letters
from budgetcalc.ruleset.model import RuleSet

TOTAL_HEADERS = frozenset(
    {"totaal", "total", "totaal bedrag", "totaalbedrag", "bedrag", "amount", "budget", "totaal budget"}
)
"""Headers of the column holding each area's total (normalised: lower case, words)."""
_AREA_FIELDS = frozenset(
    {"code", "name", "kind", "inhabitants", "households", "dwellings", "municipality", "municipality_code"}
)
_CURRENCY = re.compile(r"^\s*(€|eur\b|euro\b)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Discrepancy:
    """One figure of the table that does not hold, with the file row it is on."""

    row: int | None
    """The file row it is on; None where the file has no rows (a JSON report)."""
    area: str
    what: str
    expected_cents: int
    found_cents: int

    def line(self, lang: str = "nl") -> str:
        where = f"row {self.row} {self.area}" if self.row is not None else self.area
        if self.expected_cents == self.found_cents == 0:
            return f"{where}: {self.what}"
        return (
            f"{where}: {self.what}: expected {format_euro(self.expected_cents, lang)}, "
            f"found {format_euro(self.found_cents, lang)}"
        )


@dataclass(frozen=True)
class TableCheck:
    """What checking a table found: the columns it took as components and total, the areas and grand
    total it checked, and every discrepancy."""

    file: str
    components: tuple[str, ...]
    total_column: str
    areas: int
    grand_total_row: int | None
    recomputed: bool
    discrepancies: tuple[Discrepancy, ...] = field(default=())

    def summary(self) -> str:
        parts = [
            f"{self.areas} areas",
            f"components {', '.join(self.components) or '(none)'} -> {self.total_column}",
        ]
        if self.grand_total_row is not None:
            parts.append(f"grand total on row {self.grand_total_row}")
        if self.recomputed:
            parts.append("every area recomputed from the rules")
        found = len(self.discrepancies)
        verdict = "all figures hold" if not found else f"{found} discrepanc{'y' if found == 1 else 'ies'}"
        return f"{self.file}: {verdict} ({'; '.join(parts)})"


def check_table(
    path: str | Path,
    *,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    ruleset: RuleSet | None = None,
) -> TableCheck:
    """Check the allocation table in ``path``: components against totals, totals against the grand total,
    and with ``ruleset`` each area's total (and each component whose column names it) against the rules."""
    table = read_table(path, sheet=sheet, columns=columns, also_known=TOTAL_HEADERS)
    fields = [canonical_name(header) for header in table.header]
    if columns:
        mapped = {normalise_header(header): name for name, header in columns.items()}
        fields = [
            mapped.get(normalise_header(header), name)
            for header, name in zip(table.header, fields, strict=True)
        ]
    total_at = _total_column(table, fields, columns)
    if "name" not in fields and "code" not in fields:
        raise InputError(
            "no column names the areas (a header such as 'naam', 'dorp', 'wijk' or 'code')", file=table.file
        )
    component_at = [
        position
        for position, name in enumerate(fields)
        if position != total_at and name not in _AREA_FIELDS and _holds_amounts(table, position)
    ]
    amounts = {position: amount_column(table, position) for position in [*component_at, total_at]}
    code_at = fields.index("code") if "code" in fields else None
    name_at = fields.index("name") if "name" in fields else None
    areas: list[tuple[int, int, str]] = []  # (position in table, file row, label)
    grand: tuple[int, int] | None = None
    for index, (row, number) in enumerate(zip(table.rows, table.row_numbers, strict=True)):
        code = _text(row, code_at)
        name = _text(row, name_at)
        if totals_row_reason(code, name) is not None:
            if grand is not None:
                raise InputError("two grand-total rows; keep one", file=table.file, row=number)
            grand = (index, number)
            continue
        if not code and not name:
            continue
        areas.append((index, number, " ".join(part for part in (code, name) if part)))
    found: list[Discrepancy] = []
    for index, number, area in areas:
        parts = [amounts[position][index] for position in component_at]
        present = [part for part in parts if part is not None]
        total = amounts[total_at][index]
        if total is None:
            raise InputError(
                f"no total for {area}",
                file=table.file,
                sheet=table.sheet,
                row=number,
                column=table.header[total_at],
            )
        if present and sum(present) != total:
            names = " + ".join(
                table.header[p] for p, part in zip(component_at, parts, strict=True) if part is not None
            )
            found.append(
                Discrepancy(
                    number, area, f"{names} do not add up to {table.header[total_at]}", sum(present), total
                )
            )
    if grand is not None:
        index, number = grand
        stated = amounts[total_at][index]
        summed = sum(amounts[total_at][position] or 0 for position, _, _ in areas)
        if stated is not None and stated != summed:
            found.append(
                Discrepancy(number, "grand total", f"the sum of {table.header[total_at]}", summed, stated)
            )
    if ruleset is not None:
        found += _recomputed(table, fields, areas, amounts, component_at, total_at, ruleset)
    return TableCheck(
        file=table.file,
        components=tuple(table.header[position] for position in component_at),
        total_column=table.header[total_at],
        areas=len(areas),
        grand_total_row=None if grand is None else grand[1],
        recomputed=ruleset is not None,
        discrepancies=tuple(sorted(found, key=lambda item: (item.row or 0, item.what))),
    )


def _total_column(table: RawTable, fields: list[str], columns: Mapping[str, str] | None) -> int:
    """The column of each area's total: the one mapped as ``total``, else the last with a total header."""
    if "total" in fields and columns and "total" in columns:
        return fields.index("total")
    candidates = [
        position for position, header in enumerate(table.header) if normalise_header(header) in TOTAL_HEADERS
    ]
    if not candidates:
        raise InputError(
            "no column with each area's total (a header such as 'Totaal', 'Total' or 'Bedrag'); "
            "name it with --column total=HEADER",
            file=table.file,
            sheet=table.sheet,
            row=table.header_row,
        )
    return candidates[-1]


def _text(row: list[object], position: int | None) -> str:
    if position is None or position >= len(row) or row[position] is None:
        return ""
    return str(row[position]).strip()


def _holds_amounts(table: RawTable, position: int) -> bool:
    """A column is a component when some cell of it holds digits."""
    return any(position < len(row) and re.search(r"\d", str(row[position] or "")) for row in table.rows)


def amount_column(table: RawTable, position: int) -> list[int | None]:
    """The column's amounts in cents (None where a cell holds no digits). Text such as ``3.900`` is read
    as a thousands separator when the whole column reads as whole euros that way; as a decimal otherwise,
    and a cell that could be either is refused naming it."""
    cells = [row[position] if position < len(row) else None for row in table.rows]
    texts = [_CURRENCY.sub("", str(cell)) if isinstance(cell, str) else cell for cell in cells]
    for whole in (True, False):
        try:
            return [_cents(value, whole) for value in texts]
        except NumberError:
            if not whole:
                break
    for value, number in zip(texts, table.row_numbers, strict=True):
        try:
            _cents(value, False)
        except NumberError as error:
            raise InputError(
                f"expected an amount in euros: {error}",
                file=table.file,
                sheet=table.sheet,
                row=number,
                column=f"{column_letters(position + 1)} ({table.header[position]})",
            ) from None
    raise AssertionError("unreachable: a column that fails to read has a cell that fails")  # pragma: no cover


def _cents(value: object, whole: bool) -> int | None:
    if value is None or not re.search(r"\d", str(value)):
        return None
    amount = parse_number(value, whole=whole)
    if whole and amount != amount.to_integral_value():
        raise NumberError(f"{value!r} is not whole euros")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise NumberError(f"{value!r} has fractions of a cent")
    return int(cents)


def _recomputed(
    table: RawTable,
    fields: list[str],
    areas: list[tuple[int, int, str]],
    amounts: Mapping[int, list[int | None]],
    component_at: list[int],
    total_at: int,
    ruleset: RuleSet,
) -> list[Discrepancy]:
    """Each area's total, and each component column named after a component (its label or key), against
    what ``ruleset`` gives the table's own areas."""
    from budgetcalc.engine.allocate import allocate
    from budgetcalc.population import Population

    frame = pd.DataFrame(
        {
            name: [_text(table.rows[index], position) for index, _, _ in areas]
            for position, name in enumerate(fields)
            if name in _AREA_FIELDS
        }
    )
    if "code" not in frame:
        frame["code"] = frame["name"]
    if "name" not in frame:
        frame["name"] = frame["code"]
    population = Population.from_frame(
        frame, source=table.file, sheet=table.sheet, rows=[number for _, number, _ in areas]
    )
    allocation = allocate(population, ruleset, allow_other_municipality=True)
    titles = {
        normalise_header(title): name
        for name in allocation.part_names
        for title in (name, allocation.column_title(name))
    }
    compared = [(total_at, "total")] + [
        (position, titles[normalise_header(table.header[position])])
        for position in component_at
        if normalise_header(table.header[position]) in titles
    ]
    found = []
    for place, (index, number, area) in enumerate(areas):
        for position, column in compared:
            stated = amounts[position][index]
            expected = int(allocation.cents(column)[place])
            if stated is not None and stated != expected:
                what = f"{table.header[position]} by the rules ({ruleset.name})"
                found.append(Discrepancy(number, area, what, expected, stated))
    return found
