"""The calculation sheet re-performs what no shipped rule file uses: pots with a minimum and/or maximum
(water filling), several weighted keys, ``minus``, a step of 100, ``leftover = "unallocated"``; half-even
ties both ways, every rounding mode on negative amounts, a marginal staffel, exceptions on a component,
``[total]`` rules, conditions by attribute and by code or name.

Small rule files and populations written here; every report is recalculated in ONE headless LibreOffice
run (:func:`helpers.recalculate`) and must equal the engine's cents. Some amounts are worked out by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from helpers import (
    CALCULATION,
    PARAMETERS,
    assert_reperformed,
    compute,
    recalculate,
    sheet_values,
    soffice,
    with_parameter,
)

from budgetcalc import Allocation
from budgetcalc.labels import label
from budgetcalc.report import ReportFormat, render_report

THREE = (("A", "Aa", "dorp", 100), ("B", "Bee", "dorp", 200), ("C", "Cee", "dorp", 700))
"""Three villages of 100, 200 and 700 inhabitants: unbounded, a pot is shared 10 : 20 : 70 %."""


def _pot(body: str) -> str:
    return f'[pots.dorpsbudget]\nlabel = "Dorpsbudget"\n{body}'


CASES: dict[str, Callable[[], Allocation]] = {
    # A's 1,000 is below the minimum of 1,500: fixed there, 8,500 shared by B and C (200 : 700)
    "minimum": lambda: compute(_pot("amount = 10000\nminimum = 1500\n"), *THREE),
    # C's 7,000 passes 4,000: capped; then B's 4,000.67 of the 6,001 left passes it too
    "maximum": lambda: compute(_pot("amount = 10001\nmaximum = 4000\n"), *THREE),
    "both-weighted-keys": lambda: compute(
        _pot(
            "amount = 30000\nminimum = 2000\nmaximum = 11000\n"
            'keys = [{ per = "inhabitants", weight = 3 }, { per = "woningen", weight = 1.5 }]\n'
        ),
        ("A", "a", "dorp", 50),
        ("B", "b", "dorp", 400),
        ("C", "c", "dorp", 1500),
        ("D", "d", "dorp", 3000),
        ("E", "e", "dorp", 800),
        ("F", "f", "wijk", 900),
        woningen=[20, 150, 700, 1000, 333, 400],
    ),
    "minus-step-100": lambda: compute(
        """
        [components.vast]
        fixed = 1000
        applies_to = { kind = "dorp" }

        """
        + _pot(
            'amount = 50000\nminus = "vast"\nstep = 100\nminimum = 3000\nmaximum = 20000\n'
            'applies_to = { kind = "dorp" }\n'
        ),
        ("A", "a", "dorp", 40),
        ("B", "b", "dorp", 333),
        ("C", "c", "dorp", 1234),
        ("D", "d", "dorp", 5000),
        ("E", "e", "dorp", 77),
        ("W", "w", "wijk", 9000),
    ),
    "unallocated": lambda: compute(
        _pot('amount = 10050\nstep = 100\nminimum = 1000\nmaximum = 4000\nleftover = "unallocated"\n'),
        ("A", "a", "dorp", 10),
        ("B", "b", "dorp", 300),
        ("C", "c", "dorp", 2000),
        ("D", "d", "dorp", 701),
    ),
    # every area with a key capped at 3,000: 1,000 stays unallocated, and X (no share) gets no step
    "all-capped": lambda: compute(
        _pot('amount = 10000\nmaximum = 3000\napplies_to = { kind = "dorp" }\n'),
        *THREE,
        ("X", "Ex", "wijk", 5),
    ),
    "zero-key-minimum": lambda: compute(
        _pot("amount = 9000.03\nminimum = 500\n"),
        ("A", "a", "dorp", 0),
        ("B", "b", "dorp", 10),
        ("C", "c", "dorp", 10),
        ("D", "d", "dorp", 30),
    ),
    # ties at half a cent and half a euro, going down and up
    "half-even": lambda: compute(
        """
        [components.centen]
        rate = 0.005
        rounding = { step = 0.01, mode = "half_even" }

        [components.euros]
        rate = 0.5
        rounding = { step = 1, mode = "half_even" }
        """,
        ("A", "a", None, 1),
        ("B", "b", None, 3),
        ("C", "c", None, 5),
        ("D", "d", None, 7),
        ("E", "e", None, 8),
    ),
    # -10 + 0.25 per inhabitant: -9.5, -8.5, -9.75, -9, -9.25, each mode to whole euros
    "negative-modes": lambda: compute(
        "allow_negative_amounts = true\n"
        + "".join(
            f'[components.{mode}]\nfixed = -10\nrate = 0.25\nrounding = {{ step = 1, mode = "{mode}" }}\n'
            for mode in ("down", "up", "half_up", "half_even")
        ),
        ("A", "a", None, 2),
        ("B", "b", None, 6),
        ("C", "c", None, 1),
        ("D", "d", None, 4),
        ("E", "e", None, 3),
    ),
    "marginal-staffel": lambda: compute(
        """
        [components.koppengeld]
        rounding = { step = 1, mode = "half_even" }

        [[components.koppengeld.staffel.brackets]]
        from = 0
        through = 1000
        rate = 2
        rate_applies_to = "all"

        [[components.koppengeld.staffel.brackets]]
        above = 1000
        below = 3000
        fixed = 2000
        rate = 1
        rate_applies_to = "part_above_lower_bound"

        [[components.koppengeld.staffel.brackets]]
        from = 3000
        fixed = 4000
        rate = 0.333
        rate_applies_to = "part_above_lower_bound"
        """,
        ("A", "a", None, 999),
        ("B", "b", None, 1000),
        ("C", "c", None, 1001),
        ("D", "d", None, 3000),
        ("E", "e", None, 5748),
        ("F", "f", None, 3500),
        ("G", "g", None, 4500),
    ),
    "exceptions-total-conditions": lambda: compute(
        """
        [components.basis]
        fixed = 1000
        rate = 1.37
        applies_to = { attribute = { erkend = ["ja"] }, exclude_names = ["Dee"] }

        [components.extra]
        fixed = 250
        applies_to = { codes = ["B", "D"] }

        [total]
        rounding = { step = 50, mode = "half_up" }
        minimum = 1500
        maximum = 4000

        [[exceptions]]
        area = "C"
        component = "basis"
        amount = 1234.56
        reason = "Besluit van het college"

        [[exceptions]]
        area = "E"
        amount = 99
        reason = "Totaal vastgesteld"
        """,
        ("A", "Aa", None, 100),
        ("B", "Bee", None, 900),
        ("C", "Cee", None, 500),
        ("D", "Dee", None, 2000),
        ("E", "Ee", None, 10),
        ("F", "Ef", None, 4000),
        erkend=["ja", "ja", "nee", "ja", "ja", "ja"],
    ),
}
CHANGES = {  # a copy of a report with one parameter cell changed: (case, defined name, new value)
    "minimum-1200": ("minimum", "pot_dorpsbudget_minimum", "1200"),
    "maximum-3900": ("maximum", "pot_dorpsbudget_maximum", "3900"),
}


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Allocation, Path, Path]]:
    """Per case: the allocation, the report as written and as LibreOffice recalculated it."""
    soffice()
    allocations = {name: build() for name, build in CASES.items()}
    reports = {name: render_report(allocation, ReportFormat.XLSX) for name, allocation in allocations.items()}
    for case, (name, parameter, value) in CHANGES.items():
        allocations[case] = allocations[name]
        reports[case] = with_parameter(reports[name], parameter, value)
    paths = recalculate(reports, tmp_path_factory.mktemp("reperform-more"))
    return {name: (allocations[name], *paths[name]) for name in reports}


@pytest.mark.parametrize("name", list(CASES))
def test_recalculated_report_equals_the_engine(
    name: str, recalculated: dict[str, tuple[Allocation, Path, Path]]
) -> None:
    assert_reperformed(*recalculated[name])


def _recalculated(path: Path, title: str) -> dict[str, Decimal]:
    """Code -> the recalculated amount in the column ``title`` of the calculation sheet."""
    rows = sheet_values(path, CALCULATION)
    index = rows[0].index(title)
    return {str(row[0]): Decimal(str(row[index])).quantize(Decimal("0.01")) for row in rows[1:]}


def _euros(**amounts: str) -> dict[str, Decimal]:
    return {code: Decimal(amount) for code, amount in amounts.items()}


HAND = {
    # 850,000 cents over B and C as 200 : 700: 188,888.9 and 661,111.1; the cent left goes to B (.9 > .1)
    "minimum": ("Dorpsbudget", _euros(A="1500", B="1888.89", C="6611.11")),
    # C at 4,000; of 6,001 B would get 4,000.67: at 4,000 too; A takes the 2,001 left
    "maximum": ("Dorpsbudget", _euros(A="2001", B="4000", C="4000")),
    "all-capped": ("Dorpsbudget", _euros(A="3000", B="3000", C="3000", X="0")),
    # 1 -> 0.005 -> 0.00, 3 -> 0.015 -> 0.02, 5 -> 0.025 -> 0.02, 7 -> 0.035 -> 0.04, 8 -> 0.04
    "half-even": ("centen", _euros(A="0", B="0.02", C="0.02", D="0.04", E="0.04")),
    # 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, 3.5 -> 4, 4 -> 4
    "half-even-euros": ("euros", _euros(A="0", B="2", C="2", D="4", E="4")),
    "negative-down": ("down", _euros(A="-10", B="-9", C="-10", D="-9", E="-10")),
    "negative-up": ("up", _euros(A="-9", B="-8", C="-9", D="-9", E="-9")),
    "negative-half_up": ("half_up", _euros(A="-10", B="-9", C="-10", D="-9", E="-9")),
    "negative-half_even": ("half_even", _euros(A="-10", B="-8", C="-10", D="-9", E="-9")),
    # 999 x 2; 1000 x 2 (through 1000); 2000 + 1; 4000 + 0; 4000 + 0.333 x 2748 = 915.084 -> 915;
    # 4000 + 0.333 x 500 = 4166.5 -> 4166 (even); 4000 + 0.333 x 1500 = 4499.5 -> 4500 (even)
    "marginal-staffel": (
        "koppengeld",
        _euros(A="1998", B="2000", C="2001", D="4000", E="4915", F="4166", G="4500"),
    ),
    # minimum 1,200: A at 1,200; 880,000 cents as 200 : 700 = 195,555.6 and 684,444.4; the cent to B
    "minimum-1200": ("Dorpsbudget", _euros(A="1200", B="1955.56", C="6844.44")),
    # maximum 3,900: C and B at 3,900 (the same areas pass it), A takes 10,001 - 7,800
    "maximum-3900": ("Dorpsbudget", _euros(A="2201", B="3900", C="3900")),
}
CASE_OF = {"half-even-euros": "half-even", **{f"negative-{m}": "negative-modes" for m in ("down", "up")}}
CASE_OF |= {f"negative-{m}": "negative-modes" for m in ("half_up", "half_even")}


@pytest.mark.parametrize("name", list(HAND))
def test_recalculated_amounts_are_the_ones_worked_out_by_hand(
    name: str, recalculated: dict[str, tuple[Allocation, Path, Path]]
) -> None:
    title, expected = HAND[name]
    _, _, converted = recalculated[CASE_OF.get(name, name)]
    assert _recalculated(converted, title) == expected


def test_totals_exceptions_and_conditions_worked_out_by_hand(
    recalculated: dict[str, tuple[Allocation, Path, Path]],
) -> None:
    _, _, converted = recalculated["exceptions-total-conditions"]
    totals = _recalculated(converted, label("total"))
    # A: 1,000 + 137 = 1,137 -> 1,150 -> minimum 1,500; B: 1,000 + 1,233 + 250 = 2,483 -> 2,500;
    # C: the exception 1,234.56 (erkend = nee does not matter) -> 1,250 -> 1,500; D (Dee): only extra
    # 250 -> 1,500; E: its total 99 as decided; F: 1,000 + 5,480 = 6,480 -> 4,000
    assert totals == _euros(A="1500", B="2500", C="1500", D="1500", E="99", F="4000")


def test_the_bounds_are_named_parameters_and_the_fixed_areas_are_explained(
    recalculated: dict[str, tuple[Allocation, Path, Path]],
) -> None:
    _, written, _ = recalculated["minus-step-100"]
    parameters = {row[1]: row for row in sheet_values(written, PARAMETERS)[1:] if row and row[1]}
    assert {"pot_dorpsbudget_minimum", "pot_dorpsbudget_maximum"} <= set(parameters)
    notes = " ".join(str(row[3]) for row in parameters.values())
    assert label("bounded") in notes  # the column that is no formula is named on the parameter sheet
    rows = sheet_values(written, CALCULATION)
    states = [row[rows[0].index(f"Dorpsbudget: {label('bounded')}")] for row in rows[1:]]
    assert "minimum" in states and "maximum" in states


def test_the_cases_are_what_they_say(recalculated: dict[str, tuple[Allocation, Path, Path]]) -> None:
    """Each bounded case fixes areas where it claims to (so the formulas are tested on it)."""
    for name, wanted in (
        ("both-weighted-keys", {-1, 0, 1}),
        ("minus-step-100", {-1, 0, 1}),
        ("unallocated", {-1, 0, 1}),
        ("zero-key-minimum", {-1, 0}),
    ):
        allocation = recalculated[name][0]
        pot = allocation.pots[0]
        assert set(np.asarray(pot.state).ravel().tolist()) >= wanted, name
    assert int(np.asarray(recalculated["unallocated"][0].pots[0].unallocated).ravel()[0]) > 0
    assert int(np.asarray(recalculated["all-capped"][0].pots[0].unallocated).ravel()[0]) == 100_000
