"""The transition rules in live formulas: LibreOffice recalculates the calculation sheet of a report made
with last year's amounts and must arrive at the engine's amounts, to the cent, for every rule that acts.

The amounts below are worked out by hand; the recalculation is compared with the engine cell by cell
(``assert_reperformed``), and the engine's amounts with the hand figures.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from helpers import CALCULATION, assert_reperformed, recalculate, sheet_values, soffice

from budgetcalc import Allocation, allocate, parse_ruleset
from budgetcalc.labels import label
from budgetcalc.previous import PreviousYear
from budgetcalc.report import ReportFormat, render_report

HEAD = """name = "Overgang"
municipality = "Testgemeente"
decision = "test"
valid_from = 2024-01-01
reference_date = 2024-01-01

[components.basis]
rate = 1.01
"""
# 1,01 per inhabitant: A 1.000 -> 1.010,00; B 2.000 -> 2.020,00; C 300 -> 303,00; D 5.000 -> 5.050,00; E new

CAPS = (
    HEAD
    + """
[transition]
max_increase_percent = 3.3
max_decrease = 100
"""
)
# A: last year 900,00: + 3,3 % = 29,70 -> at most 929,70 (the rules give 1.010,00): 929,70
# B: last year 2.200,00: at most 100 less -> 2.100,00 (the rules give 2.020,00): 2.100,00
# C: last year 291,15: + 3,3 % = 9,60795, down to the cent 9,60 -> at most 300,75 (the rules give 303,00)
# D: last year 5.050,00: the rules give the same: 5.050,00
FLOOR = (
    HEAD
    + """
[transition]
floor = 600
"""
)
# at least 600 and at least last year: A 1.010,00 (more than both); B 2.200,00 (last year); C 600,00;
# D 5.050,00. E is new: no last year, so no transition rule: 10,10
PHASE = (
    HEAD
    + """
[transition.phase]
years = 3
first_year = 2023
rounding = { step = 1, mode = "half_up" }
"""
)
# 2024 is year 2 of 3: two steps left. A: 900 + (1.010 - 900) / 2 = 955,00; B: 2.200 + (2.020 - 2.200) / 2
# = 2.110,00; C: 291,15 + (303 - 291,15) / 2 = 291,15 + 5,925 -> 6 (half up, whole euros) -> 297,15;
# D: 5.050,00


def people() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["A", "B", "C", "D", "E"],
            "name": ["Dorp A", "Dorp B", "Dorp C", "Dorp D", "Nieuw"],
            "inhabitants": [1000, 2000, 300, 5000, 10],
        }
    )


def last_year() -> PreviousYear:
    frame = pd.DataFrame(
        {"code": ["A", "B", "C", "D", "X"], "amount": ["900.00", "2200.00", "291.15", "5050.00", "700.00"]}
    )
    return PreviousYear.from_frame(frame)


CASES = {
    "caps": (CAPS, {"A": "929.70", "B": "2100.00", "C": "300.75", "D": "5050.00", "E": "10.10"}),
    "floor": (FLOOR, {"A": "1010.00", "B": "2200.00", "C": "600.00", "D": "5050.00", "E": "10.10"}),
    "phase-last-year": (
        PHASE.replace("first_year = 2023", "first_year = 2022").replace("step = 1,", "step = 5,"),
        {"A": "1010.00", "B": "2020.00", "C": "303.00", "D": "5050.00", "E": "10.10"},
    ),  # 2024 is year 3 of 3: the rules' amount exactly, not last year's plus a step rounded to 5
    "phase": (PHASE, {"A": "955.00", "B": "2110.00", "C": "297.15", "D": "5050.00", "E": "10.10"}),
}


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Allocation, Path, Path]]:
    soffice()
    allocations = {
        name: allocate(people(), parse_ruleset(text), previous=last_year())
        for name, (text, _) in CASES.items()
    }
    reports = {name: render_report(allocation, ReportFormat.XLSX) for name, allocation in allocations.items()}
    paths = recalculate(reports, tmp_path_factory.mktemp("transition"))
    return {name: (allocations[name], *paths[name]) for name in CASES}


@pytest.mark.parametrize("name", list(CASES))
def test_the_engine_gives_the_hand_figures(
    name: str, recalculated: dict[str, tuple[Allocation, Path, Path]]
) -> None:
    allocation = recalculated[name][0]
    frame = allocation.to_frame()
    assert dict(zip(frame["code"], frame["total"], strict=True)) == {
        code: Decimal(amount) for code, amount in CASES[name][1].items()
    }


@pytest.mark.parametrize("name", list(CASES))
def test_libreoffice_recalculates_the_transition_to_the_engines_cents(
    name: str, recalculated: dict[str, tuple[Allocation, Path, Path]]
) -> None:
    assert_reperformed(*recalculated[name])
    rows = sheet_values(recalculated[name][2], CALCULATION)
    index = rows[0].index(label("total"))
    recomputed = [Decimal(str(row[index])).quantize(Decimal("0.01")) for row in rows[1:]]
    assert recomputed == [Decimal(amount) for amount in CASES[name][1].values()]
