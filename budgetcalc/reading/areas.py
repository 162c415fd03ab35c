"""Areas that are not CBS units: a mapping file from CBS buurt (or wijk) codes to the municipality's own
areas (villages, kernen, verzorgingsgebieden), and the population summed into those areas.

The mapping is a spreadsheet (.csv, .xlsx) read with the same hardened reader as a population file. Its
columns, by header (case, spaces and invisible characters do not matter):

- the CBS code: ``buurtcode``, ``wijkcode``, ``cbs code``, ``gwb code``, ``codering`` (required);
- the area: its code (``gebiedscode``, ``dorpscode``, ``kerncode``) and/or its name (``gebied``, ``dorp``,
  ``kern``, ``verzorgingsgebied``); at least one of the two. Without a code the name is the code;
- optionally its kind (``soort``, ``gebiedstype``) and the buurt's name (``buurtnaam``), which is compared
  with the population's name for that code. Other columns (a note) are ignored.

Summing is exact: inhabitants as integers, other counts as decimals. What is an error and what a
notice, and why:

- a CBS code in two rows is an error naming both rows (to two areas it would count twice; to the same
  area it is a slip that hides which row was meant);
- a mapping row whose buurt is not in the population (after --level, --municipality and the rows
  skipped) is an error when other buurten of its area are there: the area's sum would be too small
  without anyone seeing it. This covers a buurt CBS suppressed (``.``) that --skip-suppressed left out:
  the area's sum is then unknown, and a lower bound is not an amount to allocate on. An area none of
  whose buurten is in the population (a mapping for several municipalities) is left out with a notice;
- a buurt of the population that no row maps is left out of the allocation with a notice naming it and
  counting its inhabitants: a mapping for village budgets may rightly leave out a harbour or the
  countryside, and no area's amount is wrong for it;
- a column the rules read as a count (``per``) is summed, a column a condition reads must be the same
  for all buurten of an area; other numeric columns are summed, other text columns are not carried.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from budgetcalc.columns import WHOLE_COUNT_COLUMNS, normalise_header
from budgetcalc.errors import BudgetcalcError, InputError
from budgetcalc.notices import Notice, examples
from budgetcalc.population import TEXT_FIELDS, Population, cell_text, text_cells
from budgetcalc.provenance import sha256_of_file
from budgetcalc.reading.table import read_table

SUMMED_FROM = "summed_from"
"""The column of a summed area that lists the buurten it was summed from: ``BU19660502 Adorp (585)``."""

MAPPING_ALIASES: dict[str, tuple[str, ...]] = {
    "cbs_code": (
        "cbs code",
        "cbscode",
        "buurtcode",
        "buurt code",
        "cbs buurtcode",
        "wijkcode",
        "wijk code",
        "gwb code",
        "gwb code 10",
        "codering",
        "regiocode",
    ),
    "cbs_name": ("cbs name", "cbs naam", "buurtnaam", "buurt naam", "wijknaam", "wijk naam"),
    "area_code": ("area code", "gebiedscode", "gebied code", "dorpscode", "kerncode", "code gebied"),
    "area_name": (
        "area",
        "area name",
        "gebied",
        "gebiedsnaam",
        "naam gebied",
        "dorp",
        "dorpsnaam",
        "kern",
        "kernnaam",
        "verzorgingsgebied",
    ),
    "area_kind": ("area kind", "kind", "soort", "soort gebied", "gebiedstype", "type gebied"),
}
_FIELD_OF = {alias: name for name, aliases in MAPPING_ALIASES.items() for alias in aliases}


@dataclass(frozen=True)
class MappingRow:
    """One row of the mapping: a CBS code to an area (code, name, kind as written, normalised)."""

    row: int
    cbs_code: str
    cbs_name: str
    area_code: str
    area_name: str
    kind: str

    @property
    def area(self) -> str:
        """The area's identity: its code, or its name where the mapping gives no codes."""
        return self.area_code or self.area_name


@dataclass(frozen=True)
class AreaMapping:
    """The mapping file as read: its rows, where it is, and the SHA-256 of its bytes."""

    file: str
    sheet: str | None
    rows: tuple[MappingRow, ...]
    digest: str
    headers: dict[str, str] = field(default_factory=dict)
    """The file's own header for each field, for messages (``cbs_code`` -> ``buurtcode``)."""

    def where(self, row: int | None = None, field_name: str | None = None) -> dict[str, Any]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": row,
            "column": self.headers.get(field_name, field_name) if field_name else None,
        }


def read_area_mapping(path: str | Path, *, sheet: str | None = None) -> AreaMapping:
    """Read and check a mapping file; every mistake is one error naming the file, row and column.

    A CBS code mapped twice is an error naming both rows; rows of one area must agree on its name and
    kind. ``sheet`` picks the worksheet of a workbook (default the first)."""
    path = Path(path)
    known = set(_FIELD_OF)
    table = read_table(path, sheet=sheet, also_known=known)
    where: dict[str, Any] = {"file": table.file, "sheet": table.sheet}
    headers: dict[str, str] = {}
    position_of: dict[str, int] = {}
    for position, header in enumerate(table.header):
        name = _FIELD_OF.get(normalise_header(header))
        if name is None:
            continue
        if name in headers:
            raise InputError(
                f"columns '{headers[name]}' and '{header}' both mean the {_FIELD_WORDS[name]}; "
                "keep one or rename the other",
                **where,
            )
        headers[name], position_of[name] = header, position
    _require_columns(headers, table.header, where)
    numbers = table.row_numbers

    def column(name: str) -> list[str]:
        if name not in position_of:
            return [""] * len(table.rows)
        values = [cells[position_of[name]] for cells in table.rows]
        return text_cells(values, headers[name], numbers, where)

    codes, cbs_names = column("cbs_code"), column("cbs_name")
    area_codes, area_names, kinds = column("area_code"), column("area_name"), column("area_kind")
    rows = []
    for index, number in enumerate(numbers):
        location = {**where, "row": number}
        if not codes[index]:
            raise InputError(
                "empty cell; every row needs the CBS code of a buurt", column=headers["cbs_code"], **location
            )
        if not area_codes[index] and not area_names[index]:
            named = headers.get("area_code") or headers["area_name"]
            raise InputError(
                f"buurt {codes[index]} is mapped to no area: fill in the area's code or name",
                column=named,
                **location,
            )
        rows.append(
            MappingRow(
                number,
                codes[index].upper(),
                cbs_names[index],
                area_codes[index],
                area_names[index],
                kinds[index],
            )
        )
    mapping = AreaMapping(table.file, table.sheet, tuple(rows), sha256_of_file(path), headers)
    _check_twice(mapping)
    _check_areas_agree(mapping)
    return mapping


_FIELD_WORDS = {
    "cbs_code": "CBS code (buurtcode)",
    "cbs_name": "buurt's name (buurtnaam)",
    "area_code": "area's code (gebiedscode)",
    "area_name": "area's name (gebied)",
    "area_kind": "area's kind (soort)",
}


def _require_columns(headers: dict[str, str], found: Sequence[str], where: dict[str, Any]) -> None:
    shown = ", ".join(f"'{header}'" for header in found)
    if "cbs_code" not in headers:
        raise InputError(
            f"the area mapping has no column with the CBS code of each buurt (a header such as "
            f"'buurtcode' or 'cbs code'; found: {shown})",
            **where,
        )
    if "area_code" not in headers and "area_name" not in headers:
        raise InputError(
            f"the area mapping has no column with the area each buurt belongs to (a header such as "
            f"'gebiedscode', 'gebied', 'dorp' or 'kern'; found: {shown})",
            **where,
        )


def _check_twice(mapping: AreaMapping) -> None:
    """A CBS code in two rows is an error naming both, to two areas or twice to the same."""
    first: dict[str, MappingRow] = {}
    for row in mapping.rows:
        earlier = first.setdefault(row.cbs_code, row)
        if earlier is row:
            continue
        same = earlier.area == row.area
        raise InputError(
            f"buurt {row.cbs_code} is mapped twice: row {earlier.row} maps it to {_area_text(earlier)}, "
            f"this row {'again to the same area' if same else 'to ' + _area_text(row)}; "
            "a buurt belongs to one area",
            **mapping.where(row.row, "cbs_code"),
        )


def _check_areas_agree(mapping: AreaMapping) -> None:
    """All rows of one area give it the same name and kind (where they give one)."""
    first: dict[str, MappingRow] = {}
    for row in mapping.rows:
        earlier = first.setdefault(row.area, row)
        for name, mine, theirs in (
            ("area_name", row.area_name, earlier.area_name),
            ("area_kind", row.kind, earlier.kind),
        ):
            if mine and theirs and mine != theirs:
                raise InputError(
                    f"area {row.area} is '{mine}' here but '{theirs}' in row {earlier.row}; "
                    f"the rows of one area must give the same {_FIELD_WORDS[name]}",
                    **mapping.where(row.row, name),
                )


def _area_text(row: MappingRow) -> str:
    if row.area_code and row.area_name:
        return f"{row.area_code} {row.area_name}"
    return row.area


@dataclass(frozen=True)
class _Area:
    """An area of the mapping with the population positions of its buurten, in mapping order."""

    key: str
    rows: list[MappingRow]
    positions: list[int]
    missing: list[MappingRow]


def sum_into_areas(
    population: Population,
    mapping: AreaMapping,
    *,
    count_columns: Collection[str] = (),
    condition_columns: Collection[str] = (),
    kind: str | None = None,
) -> Population:
    """The population's buurten summed into the mapping's areas, exactly, as a population of areas.

    ``count_columns`` are the columns the rules read as counts (summed; a buurt whose figure is not a
    number is an error), ``condition_columns`` those conditions read (the same for all buurten of an
    area, else an error). ``kind`` is the kind of areas the mapping gives none (``--kind``).
    Each area's row number is its first buurt's; its column ``summed_from`` lists the buurten."""
    areas, unmapped = _match(population, mapping)
    order = [position for area in areas for position in area.positions]
    buurten = _subset(population, order)
    starts = _starts(areas)
    texts = _area_texts(population, buurten, areas, starts, mapping, kind)
    columns: dict[str, list[Any]] = {**texts}
    columns["inhabitants"] = [
        sum(int(count) for count in buurten.frame["inhabitants"].iloc[start:end]) for start, end in starts
    ]
    for name in buurten.frame.columns:
        if name in TEXT_FIELDS or name in columns or name == SUMMED_FROM:
            continue
        values = _column_of_areas(buurten, name, starts, areas, count_columns, condition_columns)
        if values is not None:
            columns[name] = values
    columns[SUMMED_FROM] = [
        "; ".join(
            f"{code} {name} ({count})".replace("  ", " ")
            for code, name, count in zip(
                buurten.frame["code"].iloc[start:end],
                buurten.frame["name"].iloc[start:end],
                buurten.frame["inhabitants"].iloc[start:end],
                strict=True,
            )
        )
        for start, end in starts
    ]
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(areas)), dtype=object)
    notices = [
        notice
        for notice in population.warnings
        if notice.key not in ("zero_inhabitants", "repeated_names")  # worked out again for the areas
    ]
    notices += _notices(population, mapping, areas, unmapped, len(order))
    return Population.from_frame(
        frame,
        kind=kind if "kind" not in columns else None,
        source=population.source,
        sheet=population.sheet,
        rows=[buurten.row_of(start) for start, _ in starts],
        notices=notices,
        headers={name: header for name, header in population.headers.items() if name in columns},
        rows_read=population.rows_read,
        digest=population.digest,
    )


def _match(population: Population, mapping: AreaMapping) -> tuple[list[_Area], list[int]]:
    """The mapping's areas with their buurten's positions, and the positions no row maps.

    A row whose buurt is missing while other buurten of its area are present is an error."""
    # CBS codes as a person reads them: bu19660104 is BU19660104
    position_of = {str(code).upper(): position for position, code in enumerate(population.frame["code"])}
    found: dict[str, _Area] = {}
    for row in mapping.rows:
        area = found.setdefault(row.area, _Area(row.area, [], [], []))
        area.rows.append(row)
        position = position_of.get(row.cbs_code)
        if position is None:
            area.missing.append(row)
        else:
            area.positions.append(position)
    areas = [area for area in found.values() if area.positions]
    for area in areas:
        if area.missing:
            row = area.missing[0]
            raise InputError(
                f"buurt {row.cbs_code} of area {_area_text(row)} is not among the population's areas "
                f"({_why_missing(population)}), while {len(area.positions)} other buurt(en) of the area "
                "are: the area's sum would be too small. Correct the code, or take the row out of the "
                "mapping if the area is meant without it",
                **mapping.where(row.row, "cbs_code"),
            )
    if not areas:
        shown = examples([row.cbs_code for row in mapping.rows])
        raise InputError(
            f"none of the buurten of the area mapping ({shown}) is among the population's areas "
            f"({_why_missing(population)}); does the mapping belong to this file and --level?",
            file=mapping.file,
            sheet=mapping.sheet,
        )
    mapped = {position for area in areas for position in area.positions}
    unmapped = [position for position in range(len(population)) if position not in mapped]
    return areas, unmapped


def _why_missing(population: Population) -> str:
    source = Path(population.source).name if population.source else "the population"
    return (
        f"{source} after --level, --municipality and the rows left out, such as a suppressed count "
        "with --skip-suppressed"
    )


def _subset(population: Population, positions: list[int]) -> Population:
    """The buurten at ``positions`` as a population of their own, to read their counts exactly."""
    frame = population.frame.iloc[positions].reset_index(drop=True)
    return Population.from_frame(
        frame,
        source=population.source,
        sheet=population.sheet,
        rows=[population.row_of(position) for position in positions],
        headers=population.headers,
    )


def _starts(areas: list[_Area]) -> list[tuple[int, int]]:
    """Each area's slice of the buurten in mapping order: ``(start, end)``."""
    bounds, start = [], 0
    for area in areas:
        bounds.append((start, start + len(area.positions)))
        start += len(area.positions)
    return bounds


def _area_texts(
    population: Population,
    buurten: Population,
    areas: list[_Area],
    starts: list[tuple[int, int]],
    mapping: AreaMapping,
    kind: str | None,
) -> dict[str, list[Any]]:
    """Code, name and kind of each area from the mapping, and its municipality from its buurten."""
    from budgetcalc.scope import area_municipalities

    texts: dict[str, list[Any]] = {
        "code": [area.key for area in areas],
        "name": [next((row.area_name for row in area.rows if row.area_name), "") for area in areas],
    }
    kinds = [next((row.kind for row in area.rows if row.kind), "") for area in areas]
    if any(kinds):
        if not all(kinds) and kind is None:
            area = areas[kinds.index("")]
            raise InputError(
                f"area {_area_text(area.rows[0])} has no kind while other areas have one; fill it in "
                "(or give --kind for the areas without one)",
                **mapping.where(area.rows[0].row, "area_kind"),
            )
        texts["kind"] = [found or cell_text(kind).lower() for found in kinds]
    places = area_municipalities(buurten)
    municipality_codes, municipality_names = [], []
    for area, (start, end) in zip(areas, starts, strict=True):
        own = places[start:end]
        codes = {place.code for place in own if place.code}
        if len(codes) > 1:
            first = own[0]
            other = next(place for place in own if place.code and place.code != first.code)
            at = own.index(other)
            raise InputError(
                f"area {_area_text(area.rows[0])} takes buurten of two municipalities: "
                f"{area.rows[0].cbs_code} in {first.describe()} and {area.rows[at].cbs_code} in "
                f"{other.describe()}; an area lies in one municipality",
                **mapping.where(area.rows[at].row, "cbs_code"),
            )
        municipality_codes.append(next(iter(codes), ""))
        municipality_names.append(next((place.name for place in own if place.name), ""))
    if any(municipality_codes) or any(municipality_names):
        texts["municipality"] = municipality_names
        texts["municipality_code"] = municipality_codes
    return texts


def _column_of_areas(
    buurten: Population,
    name: str,
    starts: list[tuple[int, int]],
    areas: list[_Area],
    count_columns: Collection[str],
    condition_columns: Collection[str],
) -> list[Any] | None:
    """A further column per area: summed where it holds counts, the shared value where a condition
    reads it; None (not carried) for a column no rule reads that is not numeric."""
    if name in condition_columns and name not in count_columns:
        values = [cell_text(value) for value in buurten.frame[name]]
        for area, (start, end) in zip(areas, starts, strict=True):
            own = values[start:end]
            if len(set(own)) > 1:
                other = next(index for index, value in enumerate(own) if value != own[0])
                header = buurten.headers.get(name, name)
                raise InputError(
                    f"area {_area_text(area.rows[0])}: a condition reads '{header}', but its buurten differ "
                    f"({area.rows[0].cbs_code} '{own[0]}', {area.rows[other].cbs_code} '{own[other]}'); "
                    "the area can have only one value",
                    file=buurten.source,
                    sheet=buurten.sheet,
                    row=buurten.row_of(start + other),
                    column=header,
                )
        return [values[start] for start, _ in starts]
    try:
        counts = buurten.count(name)
    except BudgetcalcError:
        if name in count_columns:
            raise
        return None
    sums = []
    for start, end in starts:
        total = sum((counts.decimal_at(index) for index in range(start, end)), Decimal(0))
        sums.append(int(total) if name in WHOLE_COUNT_COLUMNS else _unambiguous(total))
    return sums


def _unambiguous(number: Decimal) -> Decimal:
    """A sum as it reads back the same: no trailing zeros, no exponent, and never exactly three
    decimals below 1,000 (``92.750`` could be read as 92,750; ``92.75`` and ``92.1250`` cannot)."""
    exponent = number.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return number.quantize(Decimal(1).scaleb(-(4 if places == 3 else places)))


def _notices(
    population: Population,
    mapping: AreaMapping,
    areas: list[_Area],
    unmapped: list[int],
    summed: int,
) -> list[Notice]:
    frame = population.frame
    found: list[Notice] = [
        Notice(
            "areas_summed",
            {
                "count": summed - len(areas),
                "buurten": summed,
                "areas": len(areas),
                "file": Path(mapping.file).name,
            },
        )
    ]
    if unmapped:
        shown = [f"{frame['code'].iloc[p]} {frame['name'].iloc[p]}".strip() for p in unmapped]
        inhabitants = sum(int(frame["inhabitants"].iloc[p]) for p in unmapped)
        found.append(
            Notice(
                "areas_unmapped",
                {"count": len(unmapped), "examples": examples(shown), "inhabitants": inhabitants},
            )
        )
    absent = [area for area in _all_areas(mapping) if area not in {a.key for a in areas}]
    if absent:
        found.append(Notice("areas_absent", {"areas": len(absent), "examples": examples(absent)}))
    names = {code: name for code, name in zip(frame["code"], frame["name"], strict=True)}
    differ = [
        f"{row.cbs_code}: '{row.cbs_name}' / '{names[row.cbs_code]}'"
        for area in areas
        for row in area.rows
        if row.cbs_name and row.cbs_name.casefold() != str(names[row.cbs_code]).casefold()
    ]
    if differ:
        found.append(Notice("areas_names_differ", {"rows": len(differ), "examples": examples(differ, 3)}))
    return found


def _all_areas(mapping: AreaMapping) -> list[str]:
    return list(dict.fromkeys(row.area for row in mapping.rows))
