"""The result of an allocation: amounts per area and component, and how they came about."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from budgetcalc.checks import Check
from budgetcalc.engine.calibrate import Calibrated
from budgetcalc.engine.component import ComponentResult
from budgetcalc.engine.expectations import ExpectationResult
from budgetcalc.engine.pots import PotResult
from budgetcalc.engine.staffel import NO_BRACKET
from budgetcalc.engine.total import TotalResult
from budgetcalc.exact import checked_sum
from budgetcalc.labels import Lang, label
from budgetcalc.money import cents_to_decimal
from budgetcalc.notices import Notice
from budgetcalc.population import Population
from budgetcalc.provenance import Provenance
from budgetcalc.ruleset.model import RuleSet
from budgetcalc.scope import Scope

LAST_YEAR_COLUMNS = (
    "status",
    "previous",
    "change",
    "transition_rule",
    "carried_over",
    "available",
    "carried_years",
)
"""The columns on last year a report and :meth:`Allocation.to_frame` add with a previous year."""

if TYPE_CHECKING:
    from budgetcalc.derivation import Step
    from budgetcalc.engine.transition import TransitionResult


@dataclass(frozen=True)
class Allocation:
    """Every area's budget under one rule set, with each step kept for explanation and audit."""

    population: Population
    ruleset: RuleSet
    components: tuple[ComponentResult, ...]
    total: TotalResult
    expectations: tuple[ExpectationResult, ...]
    engine_notices: tuple[Notice, ...] = ()
    scope: Scope | None = None
    """How the areas' municipalities relate to the rule set's (None: not checked)."""
    pots: tuple[PotResult, ...] = ()
    """How each pot was shared (after the components, before the total)."""
    calibrated: Calibrated | None = None
    """The value ``[calibrate]`` found, written into ``ruleset``, and what it spends."""
    provenance: Provenance | None = None
    """What the allocation was made from (files, digests, options), when it was read from files."""
    transition: TransitionResult | None = None
    """With a previous year (``--previous``): last year's amounts, the transition rules on the totals
    and the carry-over. The total is then the amount after the transition."""

    def __len__(self) -> int:
        return len(self.population)

    @property
    def notices(self) -> tuple[Notice, ...]:
        """What may be right but deserves a look: from reading the input and from applying the rules."""
        return self.population.warnings + self.engine_notices

    @property
    def warnings(self) -> tuple[str, ...]:
        """The notices in English."""
        return tuple(notice.text("en") for notice in self.notices)

    @cached_property
    def areas(self) -> list[tuple[str, str, str, int]]:
        """``(code, name, kind, inhabitants)`` per area, as plain Python values for report writers."""
        frame = self.population.frame
        return list(
            zip(
                frame["code"].astype(str).tolist(),
                frame["name"].astype(str).tolist(),
                frame["kind"].astype(str).tolist(),
                [int(count) for count in frame["inhabitants"].tolist()],
                strict=True,
            )
        )

    @property
    def component_names(self) -> list[str]:
        return [component.name for component in self.components]

    @property
    def part_names(self) -> list[str]:
        """The amounts an area's total is the sum of: its components, then its pot shares."""
        return [*self.component_names, *(pot.name for pot in self.pots)]

    def column_title(self, column: str, lang: Lang = "nl") -> str:
        """A report's heading for an amount column: the component's or pot's label, else its name."""
        rule = self.ruleset.components.get(column) or self.ruleset.pots.get(column)
        if rule is not None:
            return rule.label or column
        return label(column, lang)

    def _part_cents(self) -> list[np.ndarray]:
        return [self.cents(name) for name in self.part_names]

    @property
    def has_total_adjustment(self) -> bool:
        """True when the rule set has total rules, so reports show their adjustment column."""
        return self.ruleset.total is not None

    @property
    def has_transition(self) -> bool:
        """True when a previous year was given and the rule set has ``[transition]``: reports show the
        column of what the transition rules changed."""
        return self.transition is not None and self.ruleset.transition is not None

    @property
    def amount_columns(self) -> list[str]:
        """The money columns of a report, in order: components, pot shares, adjustment, the transition's
        change (with a previous year and ``[transition]``), total."""
        extra = ["total_adjustment"] if self.has_total_adjustment else []
        extra += ["transition"] if self.has_transition else []
        return [*self.part_names, *extra, "total"]

    def cents(self, column: str) -> np.ndarray:
        """Cents per area for an amount column (components of exception areas are 0 here)."""
        if column == "total":
            return self.total.cents if self.transition is None else self.transition.cents
        if column == "total_adjustment":
            return self.total.adjustment
        if column == "transition" and self.transition is not None:
            return self.transition.adjustment
        for component in self.components:
            if component.name == column:
                return component.cents
        return next(pot.cents for pot in self.pots if pot.name == column)

    def column_total(self, column: str) -> int:
        """An amount column added up over all areas, in cents: exact, or an AllocationError."""
        return checked_sum(self.cents(column), f"the total of column '{column}'")

    @property
    def grand_total_cents(self) -> int:
        return self.column_total("total")

    @property
    def total_inhabitants(self) -> int:
        """All areas' inhabitants added up: exact, or an AllocationError."""
        counts = self.population.frame["inhabitants"].to_numpy(dtype=np.int64)
        return checked_sum(counts, "the total number of inhabitants")

    def check_totals(self) -> None:
        """Add up every amount column and the inhabitants, as reports do: an AllocationError now for
        any total that would not fit, rather than a wrapped sum in a report later."""
        for column in (*self.part_names, "total_adjustment", "total"):
            self.column_total(column)
        _ = self.total_inhabitants

    def to_frame(self, *, cents: bool = False) -> pd.DataFrame:
        """One row per area: ``code, name, kind, inhabitants``, the amounts, then ``total``.

        Amounts are exact ``Decimal`` euros, or int64 cents with ``cents=True``. Components of an
        area whose total an exception sets are missing (``None``/``<NA>``): they were not computed.
        """
        frame = self.population.frame[["code", "name", "kind", "inhabitants"]].copy()
        overridden = self.total.exception
        for column in self.amount_columns:
            values = self.cents(column)
            hide = overridden if column != "total" else np.zeros(len(self), dtype=np.bool_)
            if cents:
                frame[column] = pd.array(np.where(hide, 0, values), dtype="Int64")
                frame.loc[hide, column] = pd.NA
            else:
                amounts = [
                    None if hidden else cents_to_decimal(int(value))
                    for value, hidden in zip(values, hide, strict=True)
                ]
                frame[column] = pd.Series(amounts, index=frame.index, dtype=object)
        if self.transition is not None:
            for column, found in self.last_year_columns().items():
                if column in ("status", "transition_rule"):
                    frame[column] = pd.Series(found, index=frame.index, dtype=object)
                elif cents or column == "carried_years":
                    frame[column] = pd.Series(found, index=frame.index, dtype="Int64")
                else:
                    euros = [None if value is None else cents_to_decimal(int(value)) for value in found]
                    frame[column] = pd.Series(euros, index=frame.index, dtype=object)
        return frame

    def last_year_columns(self) -> dict[str, list[str | int | None]]:
        """With a previous year, per area: ``status`` (``new`` or empty), ``previous``, ``change``
        (None for a new area), ``transition_rule`` (the last rule that changed the amount, or empty),
        ``carried_over``, ``available`` (total + carried over), all in cents, and ``carried_years``."""
        from budgetcalc.engine.transition import last_rule

        transition = self.transition
        assert transition is not None
        has = transition.plan.has_previous.tolist()
        total = self.cents("total").tolist()
        previous = transition.plan.previous_cents.tolist()
        carried = transition.carry.carried.tolist()
        return {
            "status": ["" if known else "new" for known in has],
            "previous": [cents if known else None for cents, known in zip(previous, has, strict=True)],
            "change": [
                now - before if known else None
                for now, before, known in zip(total, previous, has, strict=True)
            ],
            "transition_rule": [last_rule(int(acted)) or "" for acted in transition.acted.tolist()],
            "carried_over": carried,
            "available": [now + kept for now, kept in zip(total, carried, strict=True)],
            "carried_years": transition.carry.carried_years.tolist(),
        }

    def last_year_totals(self) -> dict[str, int]:
        """With a previous year, in cents: last year's total (gone areas included), this year's, the change,
        the cost of the transition (final less the rule's amounts), what is carried over and what is not."""
        transition = self.transition
        assert transition is not None
        previous = int(transition.plan.previous.amount_cents.sum())
        total = self.grand_total_cents
        return {
            "previous": previous,
            "total": total,
            "change": total - previous,
            "transition_cost": int(transition.adjustment.sum()),
            "carried_over": int(transition.carry.carried.sum()),
            "returned": int(transition.carry.returned[0]),
        }

    def gone_areas(self) -> list[tuple[str, str, int, int]]:
        """The areas of last year that are not in this year's population: ``(code, name, previous,
        unspent)``, amounts in cents (their unspent money goes back, see ``[carry_over]``)."""
        if self.transition is None:
            return []
        previous = self.transition.plan.previous
        unspent = previous.unspent_cents
        return [
            (
                previous.codes[row],
                previous.names[row],
                int(previous.amount_cents[row]),
                int(unspent[row]) if unspent is not None else 0,
            )
            for row in self.transition.plan.gone.tolist()
        ]

    def brackets(self, lang: Lang = "nl") -> list[str]:
        """Per area, the staffel brackets used, in words, e.g. ``Basisbedrag: 500 tot 5.000 inwoners``
        (by component label; the bracket's own label where the rule file gives one)."""
        from budgetcalc.wording import bracket_text

        staffels = [
            (
                component.bracket.tolist(),
                [
                    f"{component.rule.label or component.name}: {bracket_text(b, staffel.per, lang)}"
                    for b in staffel.brackets
                ],
            )
            for component in self.components
            if (staffel := component.rule.staffel) is not None
        ]
        return [
            "; ".join(names[index[position]] for index, names in staffels if index[position] != NO_BRACKET)
            for position in range(len(self))
        ]

    @cached_property
    def derived_steps(self) -> dict[int, tuple[Step, ...]]:
        """Each area's derivation by position, once derived (budgetcalc.derivation keeps them here)."""
        return {}

    def derivation(self, area: str | int) -> list[Step]:
        """Every step for one area, by code, name or position, as typed data (budgetcalc.derivation)."""
        from budgetcalc.derivation import derivation

        return derivation(self, self._position(area))

    def explain(self, area: str | int, lang: Lang = "nl") -> list[str]:
        """Every step for one area, by code, name or position, in words."""
        from budgetcalc.explain import explain_area

        return explain_area(self, self._position(area), lang)

    def _position(self, area: str | int) -> int:
        from budgetcalc.engine.areas import AreaIndex

        if isinstance(area, int):
            return area
        return self.population.derived("area_index", AreaIndex).require(area, "explain")

    @cached_property
    def _checks(self) -> tuple[Check, ...]:
        from budgetcalc.checks import allocation_checks

        return tuple(allocation_checks(self))

    def checks(self) -> list[Check]:
        """The checks sheet's lines, each comparing two computations (budgetcalc.checks): rows, column
        and grand totals, each area's parts and its total recomputed from its derivation, pots,
        calibration, published amounts."""
        return list(self._checks)
