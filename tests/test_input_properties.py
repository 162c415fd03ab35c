"""However a clean table is written down, it gives the same allocation.

A small random table of areas (code, name, kind, inhabitants) is written as finance staff's files
come: any known header spelling in any case with stray spaces, columns and rows in any order, ``;``
or ``,``, UTF-8 with or without byte-order mark or Windows-1252, CRLF or LF, title lines above the
header, empty rows, thousands separators in the counts, or an .xlsx with counts as numbers or as
text. Read back, it must give every area the same total as the clean table, and the same name, kind
and inhabitants.
"""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from budgetcalc import Allocation, allocate, load_ruleset
from budgetcalc.reading import read_population

ROOT = Path(__file__).resolve().parent.parent
RULESET = load_ruleset(ROOT / "rules" / "het-hogeland.toml")
PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FIELDS = ("code", "name", "kind", "inhabitants")
HEADERS = {
    "code": ["gebiedscode", "code", "wijkcode", "dorpscode", "codering", "Regiocode"],
    "name": ["naam", "Name", "gebiedsnaam", "wijknaam", "dorpsnaam", "Gebied"],
    "kind": ["soort", "kind", "Soort gebied", "type gebied", "gebiedstype", "niveau"],
    "inhabitants": ["Aantal inwoners", "inwoners", "a_inw", "inwonertal", "Bevolking", "Aantal_Inwoners"],
}
NAMES = [
    "Wânswert",
    "Earnewâld",
    "Feanwâlden",
    "Sibrandahûs",
    "Skûlenboarch",
    "Kûkherne",
    "Húns",
    "Reahûs",
    "Jistrum",
    "Oentsjerk",
    "Wytgaard",
    "Jorwert",
    "Aldeboarn",
    "Tersoal",
    "Poppenwier",
    "Belvédère",
    "Ruïnepark",
    "Coöperatiebuurt",
    "Poëtenwijk",
    "Réveilpark",
    "Hôtelbuurt",
    "Café-Noord",
    "België-kwartier",
    "'t Zand",
    "Wetsens, Noord",
    "Ter Apel-Kanaal",
    "Oude Pekela",
    "Centrum",
    "Binnenstad-Zuid",
    "Vierhuizen",
    "Zoutkamp",
    "Usquert",
    "Baflo",
    "Adorp",
]
KINDS = ["dorp", "wijk", "kern"]
TITLES = [
    "Inwoners per wijk en dorp",
    "Bron: BRP, peildatum 1 januari 2024",
    "Gemeente Noardeast-Fryslân — afdeling Financiën",
    "Concept",
]


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    kind: str
    inhabitants: int


@dataclass(frozen=True)
class Layout:
    """How the table is written down."""

    suffix: str
    headers: dict[str, str]
    columns: tuple[str, ...]
    separator: str
    encoding: str
    newline: str
    titles: tuple[str, ...]
    blank_after: frozenset[int]
    thousands: str
    counts_as_text: bool
    pad: bool
    kind_case: str


@st.composite
def tables(draw: st.DrawFn) -> list[Area]:
    size = draw(st.integers(5, 30))
    names = draw(st.lists(st.sampled_from(NAMES), min_size=size, max_size=size, unique=True))
    numbers = draw(st.lists(st.integers(1, 9999), min_size=size, max_size=size, unique=True))
    prefixes = draw(st.lists(st.sampled_from(["D", "W", "K", "WK", "BU"]), min_size=size, max_size=size))
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=size, max_size=size))
    counts = draw(
        st.lists(st.one_of(st.integers(0, 999), st.integers(1000, 250_000)), min_size=size, max_size=size)
    )
    return [
        Area(f"{prefix}{number:04d}", name, kind, count)
        for prefix, number, name, kind, count in zip(prefixes, numbers, names, kinds, counts, strict=True)
    ]


def spelled(draw: st.DrawFn, header: str) -> str:
    case = draw(st.sampled_from([str, str.lower, str.upper, str.title]))
    before, after = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    return " " * before + case(header) + " " * after


@st.composite
def layouts(draw: st.DrawFn, rows: int) -> Layout:
    suffix = draw(st.sampled_from([".csv", ".csv", ".xlsx"]))
    headers = {field: spelled(draw, draw(st.sampled_from(HEADERS[field]))) for field in FIELDS}
    return Layout(
        suffix=suffix,
        headers=headers,
        columns=tuple(draw(st.permutations(FIELDS))),
        separator=draw(st.sampled_from([";", ","])),
        encoding=draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])),
        newline=draw(st.sampled_from(["\r\n", "\n"])),
        titles=tuple(draw(st.lists(st.sampled_from(TITLES), max_size=3))),
        blank_after=frozenset(draw(st.lists(st.integers(-1, rows), max_size=3))),
        thousands=draw(st.sampled_from(["", ".", " ", "\u00a0"])),
        counts_as_text=draw(st.booleans()),
        pad=draw(st.booleans()),
        kind_case=draw(st.sampled_from(["lower", "title", "upper"])),
    )


def count_text(count: int, thousands: str) -> str:
    return f"{count:,}".replace(",", thousands)


def cells(area: Area, layout: Layout, *, numbers: bool) -> list[object]:
    values: dict[str, object] = {
        "code": area.code,
        "name": area.name,
        "kind": getattr(area.kind, layout.kind_case)(),
        "inhabitants": area.inhabitants if numbers else count_text(area.inhabitants, layout.thousands),
    }
    if layout.pad:
        values = {key: f" {value} " if isinstance(value, str) else value for key, value in values.items()}
    return [values[field] for field in layout.columns]


def body(areas: list[Area], layout: Layout, *, numbers: bool, blank: list[object]) -> list[list[object]]:
    """Title lines, an empty row, the header, the areas with empty rows between them."""
    rows: list[list[object]] = [[title] for title in layout.titles]
    if layout.titles:
        rows.append(blank)
    rows.append([layout.headers[field] for field in layout.columns])
    if -1 in layout.blank_after:
        rows.append(blank)
    for position, area in enumerate(areas):
        rows.append(cells(area, layout, numbers=numbers))
        if position in layout.blank_after:
            rows.append(blank)
    return rows


def write(areas: list[Area], layout: Layout, folder: Path) -> Path:
    path = folder / f"gebieden{layout.suffix}"
    if layout.suffix == ".xlsx":
        workbook = Workbook()
        sheet = workbook.active
        for row in body(areas, layout, numbers=not layout.counts_as_text, blank=[None] * 4):
            sheet.append(row)
        workbook.save(path)
        return path
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=layout.separator, lineterminator=layout.newline)
    writer.writerows(body(areas, layout, numbers=False, blank=["" for _ in FIELDS]))
    path.write_bytes(buffer.getvalue().encode(layout.encoding))
    return path


def by_code(allocation: Allocation) -> dict[str, tuple[str, str, int, Decimal]]:
    frame = allocation.to_frame()
    return {
        str(row["code"]): (str(row["name"]), str(row["kind"]), int(row["inhabitants"]), row["total"])
        for _, row in frame.iterrows()
    }


def clean_allocation(areas: list[Area]) -> Allocation:
    frame = pd.DataFrame([(a.code, a.name, a.kind, a.inhabitants) for a in areas], columns=list(FIELDS))
    return allocate(frame, RULESET)


@st.composite
def written_tables(draw: st.DrawFn) -> tuple[list[Area], list[Area], Layout]:
    areas = draw(tables())
    shuffled = draw(st.permutations(areas))
    return areas, list(shuffled), draw(layouts(len(areas)))


@PROPERTY
@given(written_tables())
def test_any_spelling_of_a_clean_table_gives_the_same_allocation(
    case: tuple[list[Area], list[Area], Layout],
) -> None:
    areas, shuffled, layout = case
    expected = by_code(clean_allocation(areas))
    assert {code: total for code, (_, _, _, total) in expected.items()} == {
        a.code: Decimal("6567") + Decimal("1.68") * a.inhabitants for a in areas
    }
    with tempfile.TemporaryDirectory() as folder:
        path = write(shuffled, layout, Path(folder))
        population = read_population(path)
        assert population.codes == [area.code for area in shuffled]
        assert by_code(allocate(population, RULESET)) == expected
