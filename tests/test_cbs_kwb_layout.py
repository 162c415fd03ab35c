"""The CBS KWB spreadsheet layout (short column names, recs levels, suppression codes) reads as is."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from budgetcalc.errors import InputError
from budgetcalc.reading import read_population

# Rows in the layout of CBS's kwb-2024.xlsx: gwb_code_10, regio, gm_naam, recs, a_inw (figures from
# data/cbs-kwb-2024-inhabitants.csv; the suppressed wijk is made up to show the codes CBS uses).
KWB_ROWS = [
    ["gwb_code_10", "regio", "gm_naam", "recs", "a_inw"],
    ["GM0080", "Leeuwarden", "Leeuwarden", "Gemeente", 128810],
    ["WK008010", "Binnenstad", "Leeuwarden", "Wijk", 6710],
    ["WK008011", "Potmargezone", "Leeuwarden", "Wijk", 8590],
    ["WK008099", "Geheim", "Leeuwarden", "Wijk", -99997],
    ["BU00801000", "Binnenstad-Noord", "Leeuwarden", "Buurt", "."],
]


def kwb_workbook(tmp_path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "KWB2024"
    for row in KWB_ROWS:
        sheet.append(row)
    path = tmp_path / "kwb-2024.xlsx"
    workbook.save(path)
    return path


def test_kwb_short_names_and_levels(tmp_path: Path) -> None:
    population = read_population(kwb_workbook(tmp_path), level="wijk", skip_suppressed=True)
    frame = population.frame
    assert frame["code"].tolist() == ["WK008010", "WK008011"]
    assert frame["kind"].tolist() == ["wijk", "wijk"]
    assert frame["inhabitants"].tolist() == [6710, 8590]
    skipped = [notice for notice in population.warnings if notice.key == "rows_skipped"]
    assert [notice.values["examples"] for notice in skipped] == ["5"]  # the -99997 wijk, in row 5


def test_kwb_suppression_code_is_an_error_unless_skipped(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="suppressed") as raised:
        read_population(kwb_workbook(tmp_path), level="wijk")
    assert (raised.value.sheet, raised.value.row, raised.value.column) == ("KWB2024", 5, "a_inw")
