"""Every line of the checks sheet can fail: a fault put into exactly the computation a check guards
makes that check report False (and the read-back refuse the report).

The figures come from the rules: villages of 100, 200 and 700 inhabitants get 1,000 + 2.50 per
inhabitant (1,250, 1,500 and 2,750) and a pot of 3,000 shared by inhabitants (300, 600 and 2,100): totals
1,550, 2,100 and 4,850, together 8,500.
"""

from __future__ import annotations

import dataclasses
import io
from decimal import Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlsxwriter.worksheet
from helpers import rules

from budgetcalc import Allocation, allocate
from budgetcalc.allocation import Check
from budgetcalc.errors import OutputError
from budgetcalc.report import ReportFormat, render_report, write_report

VILLAGES = pd.DataFrame(
    {"code": ["D01", "D02", "D03"], "name": ["Adorp", "Baflo", "Den Andel"], "inhabitants": [100, 200, 700]}
)
RULES = """
[components.basis]
label = "Basisbedrag"
fixed = 1000
rate = 2.50

[pots.leefbaarheid]
label = "Leefbaarheid"
amount = 3000

[[expected]]
area = "D03"
amount = 4850
source = "Raadsbesluit, bijlage 2"
"""


def allocation(text: str = RULES) -> Allocation:
    return allocate(VILLAGES, rules(text))


def checks(allocation: Allocation, key: str) -> list[Check]:
    return [check for check in allocation.checks() if check.key == key]


def only(allocation: Allocation, key: str) -> Check:
    (found,) = checks(allocation, key)
    return found


def one_cent_more(values: np.ndarray, position: int = 2) -> np.ndarray:
    """A copy of an engine array with one area's amount a cent higher: the fault put in."""
    changed = np.array(values, dtype=np.int64)
    changed[position] += 1
    return changed


def test_every_check_holds_for_a_sound_allocation_and_says_what_it_compared() -> None:
    found = [check for check in allocation().checks() if check.key != "check_municipality_unknown"]
    assert all(check.ok is True for check in found), [c for c in found if c.ok is not True]
    texts = {check.key: check.text("nl").replace("\u00a0", " ") for check in found}
    assert texts["check_rows"] == "3 rijen gelezen = 3 gebieden in de verdeling + 0 weggelaten (gemeld)"
    assert "eindtotaal in de totaalregel: € 8.500,00" in texts["check_sum"]
    assert texts["check_pot"].startswith("pot € 3.000,00 (regelbestand) - eerst betaald € 0,00")
    assert texts["check_expected"] == (
        "komt overeen: gepubliceerd € 4.850,00, in dit rapport € 4.850,00 (Raadsbesluit, bijlage 2)"
    )


def test_rows_fail_when_a_row_read_is_neither_allocated_nor_reported() -> None:
    sound = allocation()
    population = dataclasses.replace(sound.population, rows_read=4)  # a row lost without a warning
    line = only(dataclasses.replace(sound, population=population), "check_rows")
    assert line.ok is False
    assert line.detail == "4 rows read = 3 areas in the allocation + 0 left out (reported)"


def test_a_column_total_fails_when_the_total_row_is_not_the_sum_of_its_cells(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine_sum = Allocation.column_total

    def off_by_a_cent(self: Allocation, column: str) -> int:
        return engine_sum(self, column) + (column == "basis")

    monkeypatch.setattr(Allocation, "column_total", off_by_a_cent)
    lines = {check.about("nl"): check for check in checks(allocation(), "check_column")}
    assert lines["Basisbedrag"].ok is False
    assert lines["Basisbedrag"].text("nl").replace("\u00a0", " ") == (
        "som van de 3 cellen zoals geschreven: € 5.500,00; totaalregel: € 5.500,01"
    )
    assert lines["Leefbaarheid"].ok is True and lines["Totaal"].ok is True


def test_the_grand_total_fails_when_it_is_not_the_sum_of_the_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Allocation, "grand_total_cents", property(lambda self: 850_001))
    line = only(allocation(), "check_sum")
    assert line.ok is False
    assert line.detail.endswith("= 8500.00; grand total in the total row: 8500.01")


def test_parts_fail_when_an_area_total_is_not_the_sum_of_its_parts() -> None:
    sound = allocation()
    wrong = dataclasses.replace(sound.total, cents=one_cent_more(sound.total.cents))
    line = only(dataclasses.replace(sound, total=wrong), "check_parts")
    assert line.ok is False
    assert line.text("en") == (
        "3 areas: parts as written added up and compared with their total; 1 differ, the first: "
        "D03 Den Andel: sum of the parts €4,850.00, total €4,850.01"
    )


def test_the_derivation_fails_when_the_engine_computes_a_component_wrongly() -> None:
    """The engine's component and its total agree with each other (the parts add up), but not with
    1,000 + 2.50 x 700 = 2,750 recomputed from the rule and the count."""
    sound = allocation()
    basis = dataclasses.replace(sound.components[0], cents=one_cent_more(sound.components[0].cents))
    total = dataclasses.replace(sound.total, cents=one_cent_more(sound.total.cents))
    wrong = dataclasses.replace(sound, components=(basis,), total=total)
    assert only(wrong, "check_parts").ok is True
    line = only(wrong, "check_derivation")
    assert line.ok is False
    assert line.detail.endswith("the first: D03 Den Andel: recomputed 4850.00, computed 4850.01")


@pytest.mark.parametrize(
    ("pot", "words"),
    [
        ('amount = 3000\nminus = ["basis"]\n', "pot 3000.00 (rule file) - paid first 5500.00"),
        ('kind = "levy"\namount = 300\non = ["basis"]\n', "levy 300.00 (rule file); levied (sum of the"),
        (
            'kind = "ceiling"\namount = 5000\non = ["basis"]\n',
            "ceiling 5000.00 (rule file); components before",
        ),
    ],
)
def test_a_pot_fails_when_its_shares_do_not_add_up_to_the_pot(pot: str, words: str) -> None:
    text = f"[components.basis]\nfixed = 1000\nrate = 2.50\n\n[pots.pot]\n{pot}"
    if "minus" in pot:
        text = text.replace("fixed = 1000", "fixed = 100")  # 100 + 250, 100 + 500, 100 + 1,750: 2,800
        words = words.replace("5500.00", "2800.00")
    sound = allocation(text)
    line = only(sound, "check_pot")
    assert line.ok is True and words in line.detail
    shares = dataclasses.replace(sound.pots[0], cents=one_cent_more(sound.pots[0].cents))
    total = dataclasses.replace(sound.total, cents=one_cent_more(sound.total.cents))
    assert only(dataclasses.replace(sound, pots=(shares,), total=total), "check_pot").ok is False


def test_calibration_fails_when_what_it_spends_is_not_the_grand_total() -> None:
    text = (
        '[components.basis]\nrate = 1\nrounding = { step = 0.01, mode = "half_up" }\n\n'
        '[calibrate]\nvalue = "components.basis.rate"\nspend = 5000\nprecision = 0.01\n'
    )
    sound = allocation(text)  # 1,000 inhabitants: 5.00 a head spends exactly 5,000
    line = only(sound, "check_calibration")
    assert line.ok is True and "spends 5000.00 (grand total of this report: 5000.00)" in line.detail
    assert sound.calibrated is not None
    found = dataclasses.replace(sound.calibrated, spends=sound.calibrated.spends - 1)
    line = only(dataclasses.replace(sound, calibrated=found), "check_calibration")
    assert line.ok is False and "spends 4999.99 (grand total of this report: 5000.00)" in line.detail


def test_a_published_amount_fails_when_the_cell_as_written_differs() -> None:
    """The engine compared the published 4,850 with its own figure when it allocated; the report's
    cell for D03 is what counts."""
    sound = allocation()
    total = dataclasses.replace(sound.total, cents=one_cent_more(sound.total.cents))
    line = only(dataclasses.replace(sound, total=total), "check_expected")
    assert line.ok is False
    assert line.text("nl").replace("\u00a0", " ") == (
        "WIJKT AF: gepubliceerd € 4.850,00, in dit rapport € 4.850,01 (Raadsbesluit, bijlage 2)"
    )


def test_the_checks_sheet_says_the_report_was_read_back() -> None:
    book = openpyxl.load_workbook(io.BytesIO(render_report(allocation(), ReportFormat.XLSX)))
    lines = {row[0].value: (row[1].value, row[2].value) for row in book["Controles"].iter_rows(min_row=2)}
    verdict, detail = lines["Rapport teruggelezen uit het geschreven bestand"]
    assert verdict == "in orde"
    assert "van de bladen Samenvatting, Verdeling, Controles uit het geschreven bestand gelezen" in detail
    assert lines["Kolomtotaal is de som van de cellen erboven: Basisbedrag"] == (
        "in orde",
        "som van de 3 cellen zoals geschreven: €\u00a05.500,00; totaalregel: €\u00a05.500,00",
    )


def a_cell_writer_that_writes(wrong: float, instead_of: Decimal, monkeypatch: pytest.MonkeyPatch) -> None:
    """XlsxWriter's number writer, writing ``wrong`` where the report means ``instead_of``."""
    write = xlsxwriter.worksheet.Worksheet._write_number

    def faulty(self: object, row: int, col: int, number: object, *rest: object) -> int:
        return write(self, row, col, wrong if number == instead_of else number, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(xlsxwriter.worksheet.Worksheet, "_write_number", faulty)


def test_a_wrong_number_in_the_file_is_found_and_no_report_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a_cell_writer_that_writes(2750.01, Decimal("2750.00"), monkeypatch)  # D03's Basisbedrag
    target = tmp_path / "verdeling.xlsx"
    with pytest.raises(OutputError, match=r"cell E4 should hold 2750.0, the file holds 2750.01") as error:
        write_report(allocation(), target)
    assert "Verdeling" in str(error.value)
    assert list(tmp_path.iterdir()) == []  # no report, no temporary file


def test_a_wrong_text_in_the_file_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    write = xlsxwriter.worksheet.Worksheet._write_string

    def faulty(self: object, row: int, col: int, text: str, *rest: object) -> int:
        return write(self, row, col, text.replace("in orde", "in ordre"), *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(xlsxwriter.worksheet.Worksheet, "_write_string", faulty)
    with pytest.raises(
        OutputError, match=r"Controles.*cell B2 should hold in orde, the file holds 'in ordre'"
    ):
        render_report(allocation(), ReportFormat.XLSX)


def test_a_summary_figure_that_does_not_read_back_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    a_cell_writer_that_writes(8500.5, Decimal("8500.00"), monkeypatch)  # grand total: summary, total row
    with pytest.raises(OutputError, match=r"Samenvatting.*should hold 8500.0, the file holds 8500.5"):
        render_report(allocation(), ReportFormat.XLSX)
