"""Pots shared over areas: exact to the cent, by largest remainder, ties by area code.

Expected shares come from an independent computation here with ``fractions.Fraction`` (the exact
pro-rata share, rounded down to whole steps, the steps left going to the largest remainders).
"""

from __future__ import annotations

from fractions import Fraction
from itertools import permutations

import pandas as pd
import pytest
from helpers import rules
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetcalc import AllocationError, RuleError, allocate
from budgetcalc.engine.evaluate import evaluate
from budgetcalc.engine.plan import compile_plan
from budgetcalc.population import Population

PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def people(counts: list[int], codes: list[str] | None = None, **columns: list[object]) -> pd.DataFrame:
    codes = codes or [f"D{n:02d}" for n in range(1, len(counts) + 1)]
    frame = pd.DataFrame({"code": codes, "naam": [f"Dorp {c}" for c in codes], "inwoners": counts})
    for name, values in columns.items():
        frame[name] = values
    return frame


def pot(lines: str) -> str:
    return "[components.niets]\nfixed = 0\n[pots.pot]\n" + lines


def shares(counts: list[int], codes: list[str], pool_steps: int) -> dict[str, int]:
    """Largest remainder in whole steps, written out with fractions; ties by area code."""
    total = sum(counts)
    exact = {code: Fraction(pool_steps * count, total) for code, count in zip(codes, counts, strict=True)}
    floors = {code: int(value) for code, value in exact.items()}
    left = pool_steps - sum(floors.values())
    ranked = sorted(codes, key=lambda code: (-(exact[code] - floors[code]), code))
    return {code: floors[code] + (1 if code in ranked[:left] else 0) for code in codes}


def cents_of(allocation: object, column: str = "pot") -> dict[str, int]:
    frame = allocation.to_frame(cents=True)  # type: ignore[attr-defined]
    return dict(zip(frame["code"], frame[column].astype(int), strict=True))


# --- the residual pool of Borger-Odoorn: EUR 2,500 each, the rest of EUR 100,000 by inhabitants ------


def test_borger_odoorn_residual_pool_meets_the_pot_exactly() -> None:
    counts = [5010, 4970, 3425, 1960, 1735, 1215, 795, 740, 595, 535, 445, 400, 365, 340, 290, 175, 160, 125]
    codes = [f"D{n:02d}" for n in range(1, 19)]
    allocation = allocate(
        people(counts, codes),
        rules('[components.vast]\nfixed = 2500\n[pots.pot]\namount = 100000\nminus = "vast"\n'),
    )
    expected = shares(counts, codes, 5_500_000)  # 100,000 - 18 x 2,500 = 55,000 euro in cents
    assert cents_of(allocation) == expected
    assert allocation.grand_total_cents == 10_000_000
    assert all(check.ok is not False for check in allocation.checks())


def test_equal_split_rounded_down_to_a_step_leaves_the_rest_unallocated() -> None:
    """Noordoostpolder-like: EUR 50,000 over the eligible villages, shares to whole EUR 100."""
    allocation = allocate(
        people([100, 200, 300, 400, 500, 600, 700], kind=["dorp"] * 6 + ["wijk"]),
        rules(
            pot(
                'amount = 50000\nshare_by = "equal"\nstep = 100\nleftover = "unallocated"\n'
                'applies_to = { kind = "dorp" }\n'
            )
        ),
    )
    assert set(cents_of(allocation).values()) == {830_000, 0}  # 50,000 / 6 = 8,333.33 -> 8,300 each
    assert allocation.pots[0].unallocated.tolist() == [5_000_000 - 6 * 830_000]


def test_equal_split_handed_out_by_remainder_goes_by_area_code() -> None:
    allocation = allocate(
        people([1, 1, 1], ["C", "A", "B"]), rules(pot('amount = 100\nshare_by = "equal"\n'))
    )
    assert cents_of(allocation) == {"A": 3334, "B": 3333, "C": 3333}


def test_two_weighted_keys() -> None:
    """Franekeradeel/Harlingen-like: half by plan area, half by inhabitants."""
    frame = people([100, 300], plangebied=["30", "10"])
    allocation = allocate(
        frame,
        rules(
            pot(
                "amount = 1000\n"
                'keys = [{ per = "plangebied", weight = 1 }, { per = "inhabitants", weight = 1 }]\n'
            )
        ),
    )
    # D01: 1/2 x 30/40 + 1/2 x 100/400 = 1/2 ; D02: 1/2 x 10/40 + 1/2 x 300/400 = 1/2
    assert cents_of(allocation) == {"D01": 50_000, "D02": 50_000}


def test_floors_and_caps_hold_and_the_rest_goes_to_the_others() -> None:
    allocation = allocate(
        people([10, 20, 970]), rules(pot("amount = 1000\nminimum = 100\nmaximum = 600\nstep = 1\n"))
    )
    got = cents_of(allocation)
    assert got["D03"] == 60_000  # capped at 600
    assert got["D01"] >= 10_000 and got["D02"] >= 10_000
    assert sum(got.values()) == 100_000


def test_a_minimum_the_pot_cannot_pay_is_refused() -> None:
    with pytest.raises(AllocationError, match="minimum"):
        allocate(people([1, 1, 1]), rules(pot("amount = 100\nminimum = 50\n")))


def test_a_pool_the_components_overspend_is_refused() -> None:
    with pytest.raises(AllocationError, match=r"take 200\.00 euro more than the pot holds"):
        allocate(
            people([1, 1]),
            rules('[components.vast]\nfixed = 600\n[pots.pot]\namount = 1000\nminus = "vast"\n'),
        )


def test_a_pot_naming_an_unknown_component_is_a_rule_error() -> None:
    with pytest.raises(RuleError, match="takes component 'vaste' off its amount"):
        rules('[components.vast]\nfixed = 1\n[pots.pot]\namount = 10\nminus = "vaste"\n')


# --- properties ---------------------------------------------------------------------------------------

COUNTS = st.lists(st.integers(0, 50_000), min_size=1, max_size=12).filter(lambda counts: sum(counts) > 0)


@PROPERTY
@given(COUNTS, st.integers(0, 10**9))
def test_shares_add_up_to_the_pot_and_are_the_largest_remainder_shares(
    counts: list[int], pot_cents: int
) -> None:
    amount = f"{pot_cents // 100}.{pot_cents % 100:02d}"
    allocation = allocate(people(counts), rules(pot(f"amount = {amount}\n")))
    got = cents_of(allocation)
    assert sum(got.values()) == pot_cents
    assert got == shares(counts, list(got), pot_cents)
    for code, count in zip(got, counts, strict=True):  # within one step of the exact share
        assert abs(got[code] - Fraction(pot_cents * count, sum(counts))) < 1


@PROPERTY
@given(COUNTS, st.integers(0, 10**7), st.randoms())
def test_row_order_changes_nothing(counts: list[int], pot_cents: int, random: object) -> None:
    codes = [f"D{n:02d}" for n in range(1, len(counts) + 1)]
    order = list(range(len(counts)))
    random.shuffle(order)  # type: ignore[attr-defined]
    amount = f"{pot_cents // 100}.{pot_cents % 100:02d}"
    first = cents_of(allocate(people(counts, codes), rules(pot(f"amount = {amount}\n"))))
    shuffled = people([counts[i] for i in order], [codes[i] for i in order])
    assert cents_of(allocate(shuffled, rules(pot(f"amount = {amount}\n")))) == first


@PROPERTY
@given(COUNTS, st.integers(0, 10**7))
def test_a_larger_key_never_gets_a_smaller_share(counts: list[int], pot_cents: int) -> None:
    amount = f"{pot_cents // 100}.{pot_cents % 100:02d}"
    got = cents_of(allocate(people(counts), rules(pot(f"amount = {amount}\n"))))
    values = list(got.values())
    for (a, share_a), (b, share_b) in permutations(zip(counts, values, strict=True), 2):
        if a > b:
            assert share_a >= share_b


@PROPERTY
@given(COUNTS, st.integers(0, 10**6), st.integers(0, 3_000), st.integers(0, 3_000))
def test_floors_and_caps_hold_where_the_pot_allows(
    counts: list[int], pot_euros: int, low: int, extra: int
) -> None:
    high = low + extra
    lines = f"amount = {pot_euros}\nminimum = {low}\nmaximum = {high}\nstep = 1\n"
    try:
        got = cents_of(allocate(people(counts), rules(pot(lines))))
    except AllocationError:
        assert low * len(counts) > pot_euros  # only a minimum the pot cannot pay is refused
        return
    assert all(low * 100 <= value <= high * 100 for value in got.values())
    keyed = [value for value, count in zip(got.values(), counts, strict=True) if count]
    if all(value == high * 100 for value in keyed):  # every area with a key is capped: the rest is left
        assert sum(got.values()) <= pot_euros * 100
    else:
        assert sum(got.values()) == pot_euros * 100


@PROPERTY
@given(
    COUNTS, st.lists(st.integers(0, 10**6), min_size=1, max_size=5), st.sampled_from(["", "minimum = 0\n"])
)
def test_many_pots_at_once_equal_single_allocations(
    counts: list[int], amounts: list[int], bound: str
) -> None:
    """Without bounds all scenarios are shared at once in int64; with a bound row by row: both must
    equal single allocations, which the tests above hold to the Fraction oracle."""
    ruleset = rules(pot("amount = 1\n" + bound))
    population = Population.from_frame(people(counts))
    result = evaluate(compile_plan(ruleset, population), {"pots.pot.amount": [str(a) for a in amounts]})
    for scenario, amount in enumerate(amounts):
        single = allocate(population, rules(pot(f"amount = {amount}\n" + bound)))
        assert result.components["pot"][scenario].tolist() == single.cents("pot").tolist()
        assert sum(result.components["pot"][scenario].tolist()) == amount * 100


# --- a ceiling with proportional scale-down (Voorst) and a levy into a shared pot (De Zuidlanden) -------

REQUESTS = """
[components.aanvraag]
per_area = {{ {requests} }}

[pots.plafond]
kind = "ceiling"
amount = {ceiling}
on = "aanvraag"
"""


def ceiling_rules(requests: list[int], ceiling: int) -> str:
    return REQUESTS.format(
        requests=", ".join(f"D{n:02d} = {amount}" for n, amount in enumerate(requests, 1)), ceiling=ceiling
    )


def test_voorst_scale_down_naar_evenredigheid() -> None:
    allocation = allocate(people([1, 1, 1]), rules(ceiling_rules([1000, 3000, 6000], 8147)))
    # 8,147 x 1,000 / 10,000 = 814.70; x 3,000 / 10,000 = 2,444.10; x 6,000 / 10,000 = 4,888.20: exact
    assert cents_of(allocation, "total") == {"D01": 81_470, "D02": 244_410, "D03": 488_820}
    assert cents_of(allocation, "plafond") == {"D01": -18_530, "D02": -55_590, "D03": -111_180}
    assert all(check.ok is not False for check in allocation.checks())


def test_a_ceiling_not_reached_changes_nothing() -> None:
    allocation = allocate(people([1, 1]), rules(ceiling_rules([1000, 3000], 8147)))
    assert cents_of(allocation, "plafond") == {"D01": 0, "D02": 0}
    assert "niet bereikt" in " ".join(allocation.explain("D01"))


def test_de_zuidlanden_levy_gross_levy_and_net() -> None:
    """Every panel pays a share of the EUR 20,000 solidariteitspot in proportion to its gross budget;
    the minimum applies to the gross amount."""
    text = """
    [components.panelbudget]
    rate = 2
    minimum = 6000

    [pots.solidariteitspot]
    kind = "levy"
    amount = 20000
    on = "panelbudget"
    """
    allocation = allocate(people([1000, 5000, 9000]), rules(text))
    gross = {"D01": 600_000, "D02": 1_000_000, "D03": 1_800_000}  # 2 x count, at least 6,000
    assert cents_of(allocation, "panelbudget") == gross
    levy = {code: -value for code, value in cents_of(allocation, "solidariteitspot").items()}
    assert sum(levy.values()) == 2_000_000
    assert levy == shares(list(gross.values()), list(gross), 2_000_000)
    assert cents_of(allocation, "total") == {code: gross[code] - levy[code] for code in gross}


def test_a_ceiling_takes_no_keys() -> None:
    with pytest.raises(RuleError, match="go with a shared pot"):
        rules(ceiling_rules([1], 1) + 'keys = [{ per = "inhabitants" }]\n')


@PROPERTY
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=10), st.integers(0, 2 * 10**6))
def test_scale_down_is_the_identity_under_the_ceiling_and_meets_it_above(
    requests: list[int], ceiling: int
) -> None:
    allocation = allocate(people([1] * len(requests)), rules(ceiling_rules(requests, ceiling)))
    totals = cents_of(allocation, "total")
    if sum(requests) <= ceiling:
        assert list(totals.values()) == [amount * 100 for amount in requests]
    else:
        assert sum(totals.values()) == ceiling * 100
        assert totals == shares([amount * 100 for amount in requests], list(totals), ceiling * 100)


@PROPERTY
@given(st.lists(st.integers(1, 10**5), min_size=1, max_size=10), st.integers(0, 10**5))
def test_levy_plus_net_is_gross_for_every_area(counts: list[int], amount: int) -> None:
    text = f'[components.bruto]\nrate = 1\n[pots.afdracht]\nkind = "levy"\namount = {amount}\non = "bruto"\n'
    if amount > sum(counts):  # more than all the gross amounts together: refused
        with pytest.raises(AllocationError, match="more than the"):
            allocate(people(counts), rules(text))
        return
    allocation = allocate(people(counts), rules(text))
    gross, levy, net = (cents_of(allocation, column) for column in ("bruto", "afdracht", "total"))
    assert all(net[code] - levy[code] == gross[code] for code in gross)
    assert -sum(levy.values()) == amount * 100


def test_a_ceiling_or_levy_column_is_negative_by_design_and_gives_no_warning() -> None:
    allocation = allocate(people([1, 1, 1]), rules(ceiling_rules([1000, 3000, 6000], 8147)))
    assert not [notice for notice in allocation.notices if notice.key == "negative_amounts"]
    line = next(check for check in allocation.checks() if check.key == "check_pot")
    assert (
        line.ok is True
        and "before the ceiling 10000.00 + column -1853.00 = after the ceiling 8147.00" in line.detail
    )


def test_a_ceiling_not_reached_reads_so_on_the_checks_sheet() -> None:
    allocation = allocate(people([1, 1]), rules(ceiling_rules([1000, 3000], 8147)))
    line = next(check for check in allocation.checks() if check.key == "check_pot")
    assert (
        line.ok is True
        and "before the ceiling 4000.00 + column 0.00 = after the ceiling 4000.00" in line.detail
    )
    assert "−€" not in " ".join(allocation.explain("D01"))


def test_an_area_left_out_of_a_pot_is_told_why() -> None:
    allocation = allocate(
        people([100, 200], kind=["dorp", "wijk"]),
        rules(pot('amount = 1000\nshare_by = "equal"\napplies_to = { kind = "dorp" }\n')),
    )
    assert allocation.explain("D02")[-1].endswith("doet niet mee (alleen voor soort dorp)")
    assert allocation.explain("D02", "en")[-1].endswith("takes no part (only for kind dorp)")


def test_the_json_report_of_a_pot_shared_by_keys_is_written() -> None:
    import json

    from budgetcalc.report import ReportFormat, render_report

    allocation = allocate(people([100, 300]), rules(pot("amount = 1000\n")))
    document = json.loads(render_report(allocation, ReportFormat.JSON))
    share = document["areas"][0]["derivation"][-1]
    assert share["type"] == "PotShare"
    assert share["keys"] == [{"per": "inhabitants", "weight": "1", "count": "100", "total": "400"}]


# --- found by review ----------------------------------------------------------------------------------


def test_the_explanation_divides_by_the_areas_still_shared_once_a_maximum_fixed_one() -> None:
    """Pot 1,000, maximum 400: D03 (300 of 600) is capped at 400; 600 is shared over 100 + 200 = 300."""
    allocation = allocate(people([100, 200, 300]), rules(pot("amount = 1000\nmaximum = 400\n")))
    assert cents_of(allocation) == {"D01": 20_000, "D02": 40_000, "D03": 40_000}
    assert "€ 600,00 × 100 / 300 inwoners = € 200,00" in allocation.explain("D01")[-1]
    capped = next(step for step in allocation.derivation("D03") if step.part == "pot")
    assert capped.path == "pots.pot.maximum"


def test_a_pot_that_applies_to_no_area_is_warned_about() -> None:
    allocation = allocate(
        people([100, 200], kind=["dorp", "dorp"]),
        rules(pot('amount = 1000\napplies_to = { kind = "dorpen" }\n')),
    )
    assert any(notice.key == "component_applies_to_none" for notice in allocation.notices)


def test_a_key_that_is_zero_everywhere_is_named() -> None:
    text = pot('amount = 1000\nkeys = [{ per = "plan_ha" }, { per = "inhabitants" }]\n')
    with pytest.raises(AllocationError, match="key 'plan_ha' is 0 for every area"):
        allocate(people([100, 300], plan_ha=["0", "0"]), rules(text))


def test_a_ceiling_of_zero_is_reached_for_an_area_that_asked_nothing_too() -> None:
    allocation = allocate(people([1, 1, 1]), rules(ceiling_rules([0, 100, 200], 0)))
    assert "niet bereikt" not in allocation.explain("D01")[-1]
    assert cents_of(allocation, "total") == {"D01": 0, "D02": 0, "D03": 0}


def test_a_levy_split_over_its_components_in_proportion() -> None:
    """De Zuidlanden 2012: a panel of 6,200 (panelbudget) + 3,900 (wijkbudget) paying 2,100 splits it
    2,100 x 6,200 / 10,100 = 1,289.1089... and 2,100 x 3,900 / 10,100 = 810.8910...: 1,289.11 and 810.89."""
    text = """
    [components.panelbudget]
    per_area = { D01 = 6200, D02 = 6200 }

    [components.wijkbudget]
    per_area = { D01 = 3900, D02 = 3900 }

    [pots.solidariteitspot]
    kind = "levy"
    amount = 4200
    on = ["panelbudget", "wijkbudget"]
    split = "pro_rata"
    """
    allocation = allocate(people([1, 1]), rules(text))
    pot_result = allocation.pots[0]
    assert pot_result.split["panelbudget"].tolist() == [128_911, 128_911]
    assert pot_result.split["wijkbudget"].tolist() == [81_089, 81_089]
    assert "waarvan panelbudget € 1.289,11, wijkbudget € 810,89" in allocation.explain("D01")[-1]


@PROPERTY
@given(
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)), min_size=1, max_size=6),
    st.integers(0, 10**4),
)
def test_a_levy_split_adds_up_to_each_areas_levy(budgets: list[tuple[int, int]], amount: int) -> None:
    if amount * 100 > sum(a + b for a, b in budgets):
        return  # refused: tested above
    codes = [f"D{n:02d}" for n in range(1, len(budgets) + 1)]
    first = ", ".join(f"{code} = {a / 100:.2f}" for code, (a, _) in zip(codes, budgets, strict=True))
    second = ", ".join(f"{code} = {b / 100:.2f}" for code, (_, b) in zip(codes, budgets, strict=True))
    text = (
        f"[components.a]\nper_area = {{ {first} }}\n[components.b]\nper_area = {{ {second} }}\n"
        f'[pots.l]\nkind = "levy"\namount = {amount}\non = ["a", "b"]\nsplit = "pro_rata"\n'
    )
    allocation = allocate(people([1] * len(budgets), codes), rules(text))
    levy = [-value for value in allocation.cents("l").tolist()]
    split = allocation.pots[0].split
    for index, (a, b) in enumerate(budgets):
        assert split["a"][index] + split["b"][index] == levy[index]
        if a + b:
            assert abs(split["a"][index] - Fraction(levy[index] * a, a + b)) < 1


@PROPERTY
@given(
    COUNTS,
    st.lists(st.integers(0, 10**5), min_size=1, max_size=5),
    st.integers(0, 3_000),
    st.integers(0, 3_000),
    st.sampled_from(["1", "0.01", "100"]),
)
def test_scenarios_at_once_share_as_the_exact_row_by_row_path(
    counts: list[int], amounts: list[int], low: int, extra: int, step: str
) -> None:
    """The int64 water filling for all scenarios at once gives what the row-by-row Python path gives
    (itself held to the Fraction oracle above), scenario by scenario, or both refuse."""
    import budgetcalc.engine.pots as pots

    lines = f"amount = 1\nminimum = {low}\nmaximum = {low + extra}\nstep = {step}\n"
    try:
        ruleset = rules(pot(lines))
    except RuleError:
        return  # bounds not on the step: refused by the rule language
    plan = compile_plan(ruleset, Population.from_frame(people(counts)))
    values = {"pots.pot.amount": [str(amount) for amount in amounts]}
    at_once = evaluate(plan, values)
    original = pots._share_rows_at_once
    try:
        pots._share_rows_at_once = lambda *arguments: None  # type: ignore[assignment]
        row_by_row = evaluate(plan, values)
    finally:
        pots._share_rows_at_once = original
    assert sorted(at_once.errors) == sorted(row_by_row.errors)
    assert at_once.components["pot"].tolist() == row_by_row.components["pot"].tolist()


def test_the_water_filling_is_done_at_once_for_many_scenarios(monkeypatch: pytest.MonkeyPatch) -> None:
    import budgetcalc.engine.pots as pots

    calls: list[int] = []
    original = pots._share_row
    monkeypatch.setattr(pots, "_share_row", lambda *arguments: calls.append(1) or original(*arguments))
    plan = compile_plan(
        rules(pot("amount = 1000\nminimum = 100\nmaximum = 400\n")),
        Population.from_frame(people([1, 50, 300, 900])),
    )
    result = evaluate(plan, {"pots.pot.amount": ["1000", "1200", "1500"]})
    assert not calls and not result.errors
    assert [sum(row) for row in result.components["pot"].tolist()] == [100_000, 120_000, 150_000]
