"""The shipped rule files with pots: Voorst 2023 (a subsidieplafond) and De Zuidlanden 2013 (a levy).

Neither source publishes an outcome per area that can be recomputed, so the oracles are the rules
themselves, worked out here independently of the program with ``fractions.Fraction``:

- Voorst (https://lokaleregelgeving.overheid.nl/CVDR690482/1): at or under EUR 8,147 nothing changes;
  above it every request is scaled to 8,147 x request / all requests, in whole cents, the cents left
  going to the largest remainders (ties: lowest area code), so the grants add up to exactly 8,147.00.
- De Zuidlanden (https://www.wijkpaneldezuidlanden.nl/nieuws/2012/12/wijkbudget-de-zuidlanden-2013):
  gross = max(rate x inhabitants, minimum) per budget (rates chosen in the file, minimums published);
  the levies are 20,000 x gross / all gross by the same largest remainder; gross - levy = net.

All populations below are INVENTED (codes, inhabitants, requests); only the village names of Voorst
are real (Beleidsregels Leefbaarheid Kleine Kernen 2023, art. 1 lid 2).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetcalc import Allocation, AllocationError, allocate, load_ruleset

RULES = Path(__file__).resolve().parent.parent / "rules"
PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def largest_remainder(pot_cents: int, keys: dict[str, int]) -> dict[str, int]:
    """``pot_cents`` shared in proportion to ``keys``: every exact share rounded down to a cent, the cents
    left one each to the largest remainders, ties to the lowest code."""
    total = sum(keys.values())
    exact = {code: Fraction(pot_cents * key, total) for code, key in keys.items()}
    floors = {code: value.numerator // value.denominator for code, value in exact.items()}
    left = pot_cents - sum(floors.values())
    ranked = sorted(keys, key=lambda code: (-(exact[code] - floors[code]), code))
    return {code: floors[code] + (1 if code in ranked[:left] else 0) for code in keys}


def cents(allocation: Allocation, column: str) -> dict[str, int]:
    frame = allocation.to_frame(cents=True)
    return {code: int(value) for code, value in zip(frame["code"], frame[column], strict=True)}


# --- Voorst 2023: subsidieplafond Leefbaarheid kleine kernen EUR 8,147, naar evenredigheid -----------

VOORST = load_ruleset(RULES / "voorst-2023.toml")
CEILING_CENTS = 814_700
DORPEN = [
    "Twello",
    "Voorst",
    "Terwolde",
    "Klarenbeek",
    "Wilp",
    "Bussloo",
    "Posterenk",
    "Teuge",
    "De Vecht",
    "Wilp-Achterhoek",
    "Nijbroek",
    "Steenenkamer",
]
# Invented codes, deliberately not in the order of the rows, so that ties by code are not ties by row.
VOORST_CODES = ["V12", "V03", "V07", "V01", "V10", "V05", "V08", "V02", "V11", "V04", "V09", "V06"]


def voorst(requests_cents: list[int]) -> Allocation:
    """The twelve dorpen with invented requests (euros, as a user writes them) and invented inhabitants."""
    frame = pd.DataFrame(
        {
            "code": VOORST_CODES,
            "naam": DORPEN,
            "gemeente": ["Voorst"] * 12,
            "inwoners": [100 * (n + 1) for n in range(12)],
            "aanvraag": [str(Decimal(amount) / 100) for amount in requests_cents],
        }
    )
    return allocate(frame, VOORST)


@pytest.mark.parametrize(
    "requests_cents",
    [
        [125_000, 60_000, 50_050, 70_000, 65_000, 30_000, 30_000, 55_000, 40_000, 35_000, 0, 25_000],
        [100_000, 60_000, 50_050, 70_000, 65_000, 30_000, 30_000, 55_000, 40_000, 35_000, 0, 279_650],
    ],
    ids=["5850.50 requested", "exactly 8147.00 requested"],
)
def test_voorst_at_or_under_the_ceiling_nothing_changes(requests_cents: list[int]) -> None:
    assert sum(requests_cents) <= CEILING_CENTS
    allocation = voorst(requests_cents)
    requested = dict(zip(VOORST_CODES, requests_cents, strict=True))
    assert cents(allocation, "leefbaarheidssubsidie") == requested
    assert cents(allocation, "total") == requested
    assert set(cents(allocation, "subsidieplafond").values()) == {0}


def test_voorst_equal_requests_above_the_ceiling_give_the_spare_cents_to_the_lowest_codes() -> None:
    """12 x EUR 1,000 = 12,000 > 8,147: each gets 8,147 / 12 = 678.9166..., so 678.91 (12 x 678.91 =
    8,146.92) and the 8 cents left go to the 8 lowest codes, V01 to V08, whatever the row order."""
    allocation = voorst([100_000] * 12)
    expected = {code: 67_891 + (1 if code <= "V08" else 0) for code in VOORST_CODES}
    assert cents(allocation, "total") == expected
    assert sum(expected.values()) == CEILING_CENTS
    assert cents(allocation, "subsidieplafond") == {code: value - 100_000 for code, value in expected.items()}


def test_voorst_above_the_ceiling_scales_down_to_exactly_8147() -> None:
    requests_cents = [
        500_000,
        60_000,
        50_050,
        70_000,
        65_000,
        30_000,
        30_000,
        55_000,
        40_000,
        35_000,
        0,
        25_000,
    ]
    allocation = voorst(requests_cents)
    requested = dict(zip(VOORST_CODES, requests_cents, strict=True))
    granted = cents(allocation, "total")
    assert sum(granted.values()) == CEILING_CENTS
    assert granted == largest_remainder(CEILING_CENTS, requested)
    assert cents(allocation, "leefbaarheidssubsidie") == requested  # the request itself stays visible
    assert cents(allocation, "subsidieplafond") == {
        code: granted[code] - requested[code] for code in requested
    }
    assert granted[VOORST_CODES[DORPEN.index("Nijbroek")]] == 0  # asked nothing, gets nothing


@PROPERTY
@given(st.lists(st.integers(0, 500_000), min_size=12, max_size=12))
def test_voorst_any_requests_follow_the_ceiling_rule(requests_cents: list[int]) -> None:
    granted = cents(voorst(requests_cents), "total")
    requested = dict(zip(VOORST_CODES, requests_cents, strict=True))
    if sum(requests_cents) <= CEILING_CENTS:
        assert granted == requested
    else:
        assert granted == largest_remainder(CEILING_CENTS, requested)
        assert sum(granted.values()) == CEILING_CENTS
        assert all(granted[code] <= requested[code] for code in requested)


def test_voorst_a_misspelt_village_is_refused_by_name() -> None:
    frame = pd.DataFrame(
        {
            "code": VOORST_CODES,
            "naam": [*DORPEN[:9], "Wilp Achterhoek", *DORPEN[10:]],
            "inwoners": [1] * 12,
            "aanvraag": ["100"] * 12,
        }
    )
    with pytest.raises(AllocationError, match="'Wilp-Achterhoek', which matches no name"):
        allocate(frame, VOORST)


# --- De Zuidlanden 2013: panelbudget, wijkbudget, solidariteitspot EUR 20,000, hosting EUR 120 ---------

ZUIDLANDEN = load_ruleset(RULES / "de-zuidlanden-2013.toml")
LEVY_CENTS = 2_000_000
PANEL_RATE, PANEL_MINIMUM = Fraction(62, 100), 600_000  # rate chosen in the file; minimum published
WIJK_RATE, WIJK_MINIMUM = Fraction(39, 100), 260_000
HOSTING = 12_000


def gross_cents(inhabitants: int, rate: Fraction, minimum: int) -> int:
    """rate x inhabitants in cents (whole for these rates), raised to the minimum: the gross budget."""
    exact = rate * inhabitants * 100
    assert exact.denominator == 1
    return max(int(exact), minimum)


def panels(inhabitants: dict[str, int]) -> Allocation:
    frame = pd.DataFrame(
        {
            "code": list(inhabitants),
            "naam": [f"Wijkpanel {code} (verzonnen)" for code in inhabitants],
            "gemeente": ["Leeuwarden"] * len(inhabitants),
            "inwoners": list(inhabitants.values()),
        }
    )
    return allocate(frame, ZUIDLANDEN)


# INVENTED panels: two at both minimums (a tie, broken by code), one at the panel minimum only, three
# above both. The rows are not in code order.
INVENTED_PANELS = {"P05": 3_000, "P02": 24_000, "P06": 9_000, "P01": 15_000, "P04": 5_500, "P03": 10_000}


def test_de_zuidlanden_gross_minus_levy_is_net_and_the_levies_make_20000() -> None:
    allocation = panels(INVENTED_PANELS)
    panel = {code: gross_cents(n, PANEL_RATE, PANEL_MINIMUM) for code, n in INVENTED_PANELS.items()}
    wijk = {code: gross_cents(n, WIJK_RATE, WIJK_MINIMUM) for code, n in INVENTED_PANELS.items()}
    gross = {code: panel[code] + wijk[code] for code in INVENTED_PANELS}
    levy = largest_remainder(LEVY_CENTS, gross)

    assert cents(allocation, "panelbudget") == panel
    assert cents(allocation, "wijkbudget") == wijk
    assert cents(allocation, "hosting") == {code: HOSTING for code in INVENTED_PANELS}
    paid = {code: -value for code, value in cents(allocation, "solidariteitspot").items()}
    assert paid == levy
    assert sum(paid.values()) == LEVY_CENTS
    net = cents(allocation, "total")
    assert all(gross[code] - paid[code] == net[code] - HOSTING for code in INVENTED_PANELS)


def test_de_zuidlanden_minimums_hold_on_gross_not_on_net() -> None:
    """As in 2012 (panel gross 6,200 >= 6,000, net 5,000 below it): the minimum is the gross amount's,
    and a panel at its minimums still pays its share of the pot."""
    allocation = panels(INVENTED_PANELS)
    panel, wijk = cents(allocation, "panelbudget"), cents(allocation, "wijkbudget")
    assert all(panel[code] >= PANEL_MINIMUM and wijk[code] >= WIJK_MINIMUM for code in INVENTED_PANELS)
    # 0.62 x 3,000 = 1,860 and 0.39 x 3,000 = 1,170: both raised to the minimum
    assert (panel["P05"], wijk["P05"]) == (PANEL_MINIMUM, WIJK_MINIMUM)
    net_budgets = cents(allocation, "total")["P05"] - HOSTING
    assert net_budgets < PANEL_MINIMUM + WIJK_MINIMUM
    assert net_budgets == PANEL_MINIMUM + WIJK_MINIMUM + cents(allocation, "solidariteitspot")["P05"]


def test_de_zuidlanden_equal_panels_split_the_levy_by_code() -> None:
    """Three panels at both minimums: 20,000 / 3 = 6,666.666... each; the two cents left go to the two
    lowest codes, whatever the row order."""
    allocation = panels({"Z3": 100, "Z1": 200, "Z2": 300})
    assert cents(allocation, "solidariteitspot") == {"Z1": -666_667, "Z2": -666_667, "Z3": -666_666}


@PROPERTY
@given(st.lists(st.integers(0, 40_000), min_size=1, max_size=8))
def test_de_zuidlanden_any_panels_follow_the_levy_rule(counts: list[int]) -> None:
    inhabitants = {f"P{n:02d}": count for n, count in enumerate(counts, 1)}
    gross = {
        code: gross_cents(n, PANEL_RATE, PANEL_MINIMUM) + gross_cents(n, WIJK_RATE, WIJK_MINIMUM)
        for code, n in inhabitants.items()
    }
    if sum(gross.values()) < LEVY_CENTS:  # a levy larger than all the budgets together is refused
        with pytest.raises(AllocationError, match="more than the"):
            panels(inhabitants)
        return
    allocation = panels(inhabitants)
    paid = {code: -value for code, value in cents(allocation, "solidariteitspot").items()}
    assert paid == largest_remainder(LEVY_CENTS, gross)
    assert sum(paid.values()) == LEVY_CENTS
    net = cents(allocation, "total")
    assert all(gross[code] - paid[code] + HOSTING == net[code] for code in inhabitants)
