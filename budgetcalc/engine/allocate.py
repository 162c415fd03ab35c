"""``allocate``: a population and a rule set in, every area's budget and its derivation out."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from budgetcalc.allocation import Allocation
from budgetcalc.engine.calibrate import calibrate
from budgetcalc.engine.evaluate import evaluate_block
from budgetcalc.engine.expectations import check_expectations
from budgetcalc.engine.parameters import Scenarios, with_values
from budgetcalc.engine.plan import compile_plan
from budgetcalc.notices import Notice, examples
from budgetcalc.population import Population
from budgetcalc.previous import PreviousYear
from budgetcalc.ruleset.model import PotKind, RuleSet
from budgetcalc.scope import require_scope


def allocate(
    population: Population | pd.DataFrame,
    ruleset: RuleSet,
    *,
    allow_other_municipality: bool = False,
    previous: PreviousYear | None = None,
) -> Allocation:
    """Compute every area's budget under ``ruleset``; pure and exact to the cent.

    ``population`` may be a validated :class:`Population` or a DataFrame with the columns
    ``code``, ``name``, ``inhabitants`` (and ``kind`` where the rules need it), under any alias.
    Areas that lie in another municipality than the rule set's are refused, unless
    ``allow_other_municipality`` says the rules are applied to them on purpose (the checks say so).
    ``previous`` is last year's allocation: the ``[transition]`` and ``[carry_over]`` rules act on it,
    and the allocation shows last year's amount, the change, and the areas new or gone since.
    """
    if isinstance(population, pd.DataFrame):
        population = Population.from_frame(population)
    scope = require_scope(population, ruleset, allow_other_municipality=allow_other_municipality)
    plan = compile_plan(ruleset, population, previous)
    calibrated = None
    if ruleset.calibrate is not None:
        calibrated = calibrate(plan, ruleset.calibrate)
        ruleset = with_values(ruleset, {calibrated.path: calibrated.value})
        plan = compile_plan(ruleset, population, previous)
    evaluation = evaluate_block(plan, Scenarios.of(plan.parameters))
    components = [component.row(0) for component in evaluation.components]
    pots = tuple(pot.row(0) for pot in evaluation.pots)
    total = evaluation.total.row(0)
    transition = evaluation.transition.row(0) if evaluation.transition is not None else None
    parts = {**{c.name: c.cents for c in components}, **{pot.name: pot.cents for pot in pots}}
    final = total if transition is None else dataclasses.replace(total, cents=transition.cents)
    expectations = check_expectations(ruleset, population, plan.areas, parts, final)
    warnings = (
        scope.notices(population.codes)
        + tuple(
            Notice("component_applies_to_none", {"component": name})
            for name, reaches in (
                *((c.name, (c.selected | c.exception).any()) for c in components),
                *((pot.name, pot.eligible.any()) for pot in pots),
            )
            if len(population) and not reaches
        )
        + _previous_notices(ruleset, previous)
    )
    allocation = Allocation(
        population,
        ruleset,
        tuple(components),
        total,
        expectations,
        warnings,
        scope,
        pots,
        calibrated,
        transition=transition,
    )
    allocation.check_totals()
    if ruleset.allow_negative_amounts:
        return allocation
    negative = _negative_amounts(allocation)
    return dataclasses.replace(allocation, engine_notices=warnings + negative) if negative else allocation


def _previous_notices(ruleset: RuleSet, previous: PreviousYear | None) -> tuple[Notice, ...]:
    """Rules on last year's amounts without a last year, or carry-over without unspent money."""
    carries = ruleset.carry_over is not None and (
        ruleset.carry_over.keep or ruleset.carry_over.return_to_pot is not None
    )  # unspent money that simply lapses needs no last year
    shares_again = ruleset.carry_over is not None and ruleset.carry_over.return_to_pot is not None
    rules = [  # kept money comes on top of the total, never in it: without a last year the amounts hold
        *(["transition"] if ruleset.transition is not None else []),
        *(["carry_over"] if shares_again else []),
    ]
    if previous is None:
        return (Notice("no_previous", {"rules": ", ".join(rules)}),) if rules else ()
    if carries and previous.unspent_cents is None:
        return (Notice("no_unspent", {}),)
    return ()


def _negative_amounts(allocation: Allocation) -> tuple[Notice, ...]:
    """A loud warning when any amount is below zero: most often a sign typo (``fixed = -2500``). The
    column of a ceiling or levy, and of the transition rules, is negative by design (what an area gives
    up): only its total counts."""
    by_design = {pot.name for pot in allocation.pots if pot.rule.kind is not PotKind.SHARE} | {"transition"}
    below = {
        column: allocation.cents(column) < 0
        for column in allocation.amount_columns
        if column not in by_design
    }
    shown = [column for column, negative in below.items() if negative.any()]
    if not shown:
        return ()
    areas = np.logical_or.reduce([below[column] for column in shown]).tolist()
    names = [
        name or code for (code, name, _, _), negative in zip(allocation.areas, areas, strict=True) if negative
    ]
    values: dict[str, str | int] = {
        "count": len(names),
        "columns": ", ".join(shown),
        "examples": examples(names),
    }
    return (Notice("negative_amounts", values),)
