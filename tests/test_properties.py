"""Properties of allocations under random but valid rule sets and random populations.

A scenario is a population plus a rule set written as a small Python structure, rendered to TOML
and parsed like a real rule file. ``by_the_rules`` recomputes every amount from that structure with
Python's ``decimal`` module, independently of the engine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
from helpers import METADATA
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetcalc import Allocation, allocate, parse_ruleset

PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ORACLE_MODE = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "up": ROUND_CEILING,
    "down": ROUND_FLOOR,
}
STEPS = [Decimal("0.01"), Decimal("0.05"), Decimal(1), Decimal(10), Decimal(100)]
CENT = Decimal("0.01")

Rule = dict[str, Any]


# --- rendering a rule structure as a rule file -------------------------------------------------


def toml_value(value: Any) -> str:
    if isinstance(value, Decimal | int):
        return f"{Decimal(value):f}"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return "{ " + ", ".join(f"{key} = {toml_value(item)}" for key, item in value.items()) + " }"


def render(components: dict[str, Rule], total: Rule | None, exceptions: list[Rule]) -> str:
    lines = [METADATA]
    for name, component in components.items():
        lines.append(f"[components.{name}]")
        lines += [f"{key} = {toml_value(value)}" for key, value in component.items()]
    if total:
        lines.append("[total]")
        lines += [f"{key} = {toml_value(value)}" for key, value in total.items()]
    for exception in exceptions:
        lines.append("[[exceptions]]")
        lines += [f"{key} = {toml_value(value)}" for key, value in exception.items()]
    return "\n".join(lines) + "\n"


# --- strategies --------------------------------------------------------------------------------


def decimals(max_units: int, max_places: int) -> st.SearchStrategy[Decimal]:
    """Non-negative Decimals with 0..max_places decimals."""
    return st.builds(
        lambda units, places: Decimal(units).scaleb(-places),
        st.integers(0, max_units),
        st.integers(0, max_places),
    )


euros = decimals(1_000_000, 2)  # up to 10.000,00 in whole cents


@st.composite
def bounds(draw: st.DrawFn) -> list[int]:
    """Sorted distinct whole counts where a bracket starts (besides 0)."""
    return sorted(draw(st.sets(st.integers(1, 200_000), max_size=4)))


@st.composite
def bracket_bounds(draw: st.DrawFn) -> list[Rule]:
    """Contiguous brackets on whole counts, each bound written as from/above and below/through.

    A bracket starting at whole count ``b`` is ``from = b`` or ``above = b - 1``; the bracket
    before it then ends with ``below = b`` or ``through = b - 1`` (``below = b`` with
    ``above = b - 1`` would overlap for fractional counts, so it is not used).
    """
    starts = [0, *draw(bounds())]
    brackets: list[Rule] = []
    for index, start in enumerate(starts):
        bracket: Rule = {}
        if index == 0 or draw(st.booleans()):
            bracket["from"] = start
        else:
            bracket["above"] = start - 1
        brackets.append(bracket)
    for bracket, following, start in zip(brackets, brackets[1:], starts[1:], strict=False):
        if "above" in following or draw(st.booleans()):
            bracket["through"] = start - 1
        else:
            bracket["below"] = start
    return brackets


def lower_value(bracket: Rule) -> int:
    return bracket["from"] if "from" in bracket else bracket["above"]


@st.composite
def rounding_and_bounds(draw: st.DrawFn) -> Rule:
    """Optional rounding, and a minimum/maximum on its grid (cents without rounding)."""
    rule: Rule = {}
    step = CENT
    if draw(st.booleans()):
        step = draw(st.sampled_from(STEPS))
        rule["rounding"] = {"step": step, "mode": draw(st.sampled_from(list(ORACLE_MODE)))}
    minimum = draw(st.none() | st.integers(0, 2_000_000 // int(step * 100)).map(lambda k: k * step))
    maximum = draw(st.none() | st.integers(0, 20_000_000 // int(step * 100)).map(lambda k: k * step))
    if minimum is not None and maximum is not None and minimum > maximum:
        minimum, maximum = maximum, minimum
    if minimum is not None:
        rule["minimum"] = minimum
    if maximum is not None:
        rule["maximum"] = maximum
    return rule


@st.composite
def components(draw: st.DrawFn) -> Rule:
    """One component: some of fixed, rate, staffel; maybe limited to dorpen; maybe rounded/bounded."""
    extra = draw(rounding_and_bounds())
    places = 3 if "rounding" in extra else 2  # without rounding, amounts must be whole cents
    rates = decimals(50_000, places)
    component: Rule = {}
    terms = draw(st.sets(st.sampled_from(["fixed", "rate", "staffel"]), min_size=1))
    if "fixed" in terms:
        component["fixed"] = draw(euros)
    if "rate" in terms:
        component["rate"] = draw(rates)
    if "staffel" in terms:
        brackets = draw(bracket_bounds())
        for bracket in brackets:
            given = draw(st.sampled_from(["fixed", "rate", "both"]))
            if given != "rate":
                bracket["fixed"] = draw(euros)
            if given != "fixed":
                bracket["rate"] = draw(rates)
                bracket["rate_applies_to"] = draw(st.sampled_from(["all", "part_above_lower_bound"]))
        component["staffel"] = {"brackets": brackets}
    if draw(st.booleans()):
        component["applies_to"] = {"kind": "dorp"}
    return component | extra


@dataclass
class Scenario:
    rows: list[tuple[str, str, str, int]]
    components: dict[str, Rule]
    total: Rule | None = None
    exceptions: list[Rule] = field(default_factory=list)

    @property
    def toml(self) -> str:
        return render(self.components, self.total, self.exceptions)

    def frame(self, rows: list[tuple[str, str, str, int]] | None = None) -> pd.DataFrame:
        return pd.DataFrame(rows or self.rows, columns=["code", "name", "kind", "inhabitants"])

    def allocate(self) -> Allocation:
        return allocate(self.frame(), parse_ruleset(self.toml))

    def receives(self, code: str, kind: str) -> bool:
        """Whether some component applies to the area or an exception gives it one."""
        return (
            kind == "dorp"
            or any("applies_to" not in c for c in self.components.values())
            or any(e["area"] == code for e in self.exceptions)
        )

    def excepted(self, component: str | None = None) -> set[str]:
        """Codes of areas with an exception on the total or (if given) on this component."""
        return {e["area"] for e in self.exceptions if e.get("component") in (None, component)}


@st.composite
def populations(draw: st.DrawFn) -> list[tuple[str, str, str, int]]:
    size = draw(st.integers(0, 50))
    counts = draw(st.lists(st.integers(0, 200_000), min_size=size, max_size=size))
    kinds = draw(st.lists(st.sampled_from(["dorp", "wijk"]), min_size=size, max_size=size))
    return [(f"A{i}", f"Gebied {i}", kind, n) for i, (kind, n) in enumerate(zip(kinds, counts, strict=True))]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    rows = draw(populations())
    names = draw(
        st.lists(st.sampled_from(["basis", "inwoners", "staffel", "extra"]), min_size=1, unique=True)
    )
    scenario = Scenario(rows, {name: draw(components()) for name in names})
    total = draw(rounding_and_bounds())
    scenario.total = total or None
    if rows:
        codes = draw(st.lists(st.sampled_from([row[0] for row in rows]), unique=True, max_size=3))
        for code in codes:
            exception = {"area": code, "amount": draw(euros), "reason": "Besluit"}
            if draw(st.booleans()):
                exception["component"] = draw(st.sampled_from(names))
            scenario.exceptions.append(exception)
    return scenario


# --- the rules, computed by hand with decimal ---------------------------------------------------


def round_to(amount: Decimal, rounding: Rule | None) -> Decimal:
    if rounding is None:
        assert amount == amount.quantize(CENT), "the generator only makes whole cents here"
        return amount
    step = rounding["step"]
    return (amount / step).quantize(Decimal(1), rounding=ORACLE_MODE[rounding["mode"]]) * step


def clamp(amount: Decimal, rule: Rule) -> Decimal:
    if "minimum" in rule:
        amount = max(amount, rule["minimum"])
    if "maximum" in rule:
        amount = min(amount, rule["maximum"])
    return amount


def in_bracket(count: int, bracket: Rule) -> bool:
    return (
        ("from" not in bracket or count >= bracket["from"])
        and ("above" not in bracket or count > bracket["above"])
        and ("below" not in bracket or count < bracket["below"])
        and ("through" not in bracket or count <= bracket["through"])
    )


def component_by_hand(component: Rule, kind: str, count: int) -> Decimal:
    if component.get("applies_to") and kind != "dorp":
        return Decimal(0)
    amount = component.get("fixed", Decimal(0)) + component.get("rate", Decimal(0)) * count
    if "staffel" in component:
        [bracket] = [b for b in component["staffel"]["brackets"] if in_bracket(count, b)]
        counted = (
            count - lower_value(bracket)
            if bracket.get("rate_applies_to") == "part_above_lower_bound"
            else count
        )
        amount += bracket.get("fixed", Decimal(0)) + bracket.get("rate", Decimal(0)) * counted
    return clamp(round_to(amount, component.get("rounding")), component)


def by_the_rules(scenario: Scenario) -> dict[str, dict[str, Decimal | None]]:
    """Code → {component or 'total' → euros}, None where a total exception hides a component."""
    result = {}
    for code, _, kind, count in scenario.rows:
        overrides = {
            e.get("component", "total"): e["amount"] for e in scenario.exceptions if e["area"] == code
        }
        if "total" in overrides:
            result[code] = dict.fromkeys(scenario.components, None) | {"total": overrides["total"]}
            continue
        parts = {
            name: overrides.get(name, component_by_hand(component, kind, count))
            for name, component in scenario.components.items()
        }
        total = sum(parts.values(), Decimal(0))
        if scenario.total and scenario.receives(code, kind):  # an area without components stays at 0
            total = clamp(round_to(total, scenario.total.get("rounding")), scenario.total)
        result[code] = parts | {"total": total}
    return result


def engine_amounts(allocation: Allocation, columns: list[str]) -> dict[str, dict[str, Decimal | None]]:
    return allocation.to_frame().set_index("code")[columns].to_dict("index")


# --- properties --------------------------------------------------------------------------------


@PROPERTY
@given(scenarios())
def test_amounts_follow_the_rules(scenario: Scenario) -> None:
    allocation = scenario.allocate()
    assert engine_amounts(allocation, [*scenario.components, "total"]) == by_the_rules(scenario)


@PROPERTY
@given(scenarios())
def test_total_is_the_sum_of_its_parts(scenario: Scenario) -> None:
    allocation = scenario.allocate()
    frame = allocation.to_frame(cents=True).set_index("code")
    adjustment = frame["total_adjustment"] if scenario.total else 0
    parts = frame[list(scenario.components)].sum(axis=1) + adjustment
    normal = [code for code in frame.index if code not in scenario.excepted()]
    assert (parts[normal] == frame.loc[normal, "total"]).all()
    assert all(check.ok is not False for check in allocation.checks())  # None: not compared


@PROPERTY
@given(scenarios(), st.randoms(use_true_random=False))
def test_row_order_changes_no_amount(scenario: Scenario, random: Any) -> None:
    columns = [*scenario.components, "total"]
    before = engine_amounts(scenario.allocate(), columns)
    shuffled = scenario.rows.copy()
    random.shuffle(shuffled)
    after = engine_amounts(allocate(scenario.frame(shuffled), parse_ruleset(scenario.toml)), columns)
    assert after == before


@PROPERTY
@given(scenarios())
def test_every_amount_is_on_its_rounding_grid_and_within_its_bounds(scenario: Scenario) -> None:
    frame = scenario.allocate().to_frame(cents=True).set_index("code")
    rules = {**scenario.components, "total": scenario.total or {}}
    for column, rule in rules.items():
        excepted = scenario.excepted(None if column == "total" else column)
        applying = [
            code
            for code, _, kind, _ in scenario.rows
            if code not in excepted
            and (
                scenario.receives(code, kind)
                if column == "total"
                else kind == "dorp" or "applies_to" not in rule
            )
        ]
        cents = frame.loc[applying, column]
        if "rounding" in rule:
            assert (cents % int(rule["rounding"]["step"] * 100) == 0).all()
        if "minimum" in rule:
            assert (cents >= int(rule["minimum"] * 100)).all()
        if "maximum" in rule:
            assert (cents <= int(rule["maximum"] * 100)).all()


@PROPERTY
@given(bracket_bounds(), st.lists(st.integers(0, 200_000), max_size=20))
def test_bracket_edges_follow_their_inclusivity(brackets: list[Rule], counts: list[int]) -> None:
    for index, bracket in enumerate(brackets):
        bracket["fixed"] = Decimal(100 * (index + 1))  # the amount tells the bracket
    edges = set(counts)
    for bracket in brackets:
        for key in ("from", "above", "below", "through"):
            if key in bracket:
                edges |= {bracket[key] - 1, bracket[key], bracket[key] + 1}
    rows = [(f"n{n}", f"Gebied {n}", "dorp", n) for n in sorted(edges) if n >= 0]
    scenario = Scenario(rows, {"basis": {"staffel": {"brackets": brackets}}})
    amounts = engine_amounts(scenario.allocate(), ["basis"])
    for code, _, _, count in rows:
        [expected] = [b["fixed"] for b in brackets if in_bracket(count, b)]
        assert amounts[code]["basis"] == expected


@st.composite
def monotone_staffels(draw: st.DrawFn) -> Rule:
    """Brackets whose amount never drops where one bracket ends and the next begins.

    With ``rate_applies_to = "all"``: fixed amounts and rates both non-decreasing. With the
    marginal rate: each bracket's fixed amount at least what the previous bracket reached.
    """
    brackets = draw(bracket_bounds())
    marginal = draw(st.booleans())
    fixed, rate = draw(euros), draw(decimals(5_000, 3))
    for index, bracket in enumerate(brackets):
        if index:
            previous = brackets[index - 1]
            if marginal:
                reached = previous["fixed"] + previous["rate"] * (
                    lower_value(bracket) - lower_value(previous)
                )
                fixed = reached.quantize(CENT, rounding=ROUND_CEILING) + draw(euros)
                rate = draw(decimals(5_000, 3))
            else:
                fixed += draw(euros)
                rate += draw(decimals(5_000, 3))
        bracket |= {
            "fixed": fixed,
            "rate": rate,
            "rate_applies_to": "part_above_lower_bound" if marginal else "all",
        }
    rounding = {"step": draw(st.sampled_from(STEPS)), "mode": draw(st.sampled_from(list(ORACLE_MODE)))}
    return {"staffel": {"brackets": brackets}, "rounding": rounding}


@PROPERTY
@given(monotone_staffels(), st.lists(st.integers(0, 200_000), min_size=1, max_size=50, unique=True))
def test_monotone_staffel_gives_amounts_non_decreasing_in_inhabitants(
    component: Rule, counts: list[int]
) -> None:
    edges = [lower_value(b) + delta for b in component["staffel"]["brackets"] for delta in (-1, 0, 1, 2)]
    ordered = sorted(set(counts) | {n for n in edges if n >= 0})
    rows = [(f"n{n}", f"Gebied {n}", "dorp", n) for n in ordered]
    amounts = engine_amounts(Scenario(rows, {"basis": component}).allocate(), ["total"])
    totals = [amounts[code]["total"] for code, *_ in rows]
    assert totals == sorted(totals)
