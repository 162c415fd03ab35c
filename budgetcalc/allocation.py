"""The result of an allocation: amounts per area and component, and how they came about."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from budgetcalc.engine.calibrate import Calibrated
from budgetcalc.engine.component import ComponentResult
from budgetcalc.engine.expectations import ExpectationResult, ExpectationStatus
from budgetcalc.engine.pots import PotResult
from budgetcalc.engine.staffel import NO_BRACKET
from budgetcalc.engine.total import TotalResult
from budgetcalc.exact import check_fits, checked_sum, max_abs
from budgetcalc.labels import Lang, label
from budgetcalc.money import cents_to_decimal, format_plain
from budgetcalc.notices import ROWS_LEFT_OUT, Notice
from budgetcalc.population import Population
from budgetcalc.provenance import Provenance
from budgetcalc.ruleset.model import PotKind, RuleSet
from budgetcalc.scope import Scope, ScopeStatus

if TYPE_CHECKING:
    from budgetcalc.derivation import Step


@dataclass(frozen=True)
class Check:
    """One line of the checks sheet: what was verified and whether it holds."""

    key: str
    ok: bool | None
    """True if it holds, False if not, None if it could not be compared (published figure)."""
    detail: str


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
    def amount_columns(self) -> list[str]:
        """The money columns of a report, in order: components, pot shares, adjustment, total."""
        extra = ["total_adjustment"] if self.has_total_adjustment else []
        return [*self.part_names, *extra, "total"]

    def cents(self, column: str) -> np.ndarray:
        """Cents per area for an amount column (components of exception areas are 0 here)."""
        if column == "total":
            return self.total.cents
        if column == "total_adjustment":
            return self.total.adjustment
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
        return frame

    def brackets(self) -> list[str]:
        """Per area, the staffel brackets used, e.g. ``Basisbedrag [500, 5000)`` (by component label)."""
        staffels = [
            (
                component.bracket.tolist(),
                [
                    f"{component.rule.label or component.name} {b.describe()}"
                    for b in component.rule.staffel.brackets
                ],
            )
            for component in self.components
            if component.rule.staffel is not None
        ]
        return [
            "; ".join(names[index[position]] for index, names in staffels if index[position] != NO_BRACKET)
            for position in range(len(self))
        ]

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

    def _rows_check(self) -> Check:
        """Rows read = areas in the allocation + rows left out, each left-out row counted by a notice."""
        read = self.population.rows_read or len(self.population)
        left_out = sum(
            int(notice.values["count"]) for notice in self.population.warnings if notice.key in ROWS_LEFT_OUT
        )
        ok = len(self) == len(self.population.frame) and read == len(self) + left_out
        return Check("check_rows", ok, f"{read} = {len(self)} + {left_out}")

    def _municipality_check(self) -> list[Check]:
        """Whether the areas lie in the rule set's municipality; no line for a national rule set."""
        scope = self.scope
        if scope is None or scope.status is ScopeStatus.NATIONAL:
            return []
        if scope.status is ScopeStatus.UNKNOWN:
            return [Check("check_municipality_unknown", None, scope.rule.describe())]
        if scope.status is ScopeStatus.MATCHES:
            return [Check("check_municipality", True, scope.rule.describe())]
        return [Check("check_municipality", False, f"{scope.rule.describe()} / {scope.describe_others()}")]

    def _calibration_check(self) -> list[Check]:
        """The calibrated value: what it spends within the budget, and what one step more would spend."""
        found = self.calibrated
        if found is None:
            return []
        following = "-" if found.next_spends is None else format_plain(found.next_spends)
        detail = (
            f"{found.path} = {found.value}: {format_plain(found.spends)} <= {format_plain(found.budget)}; "
            f"+1 step: {following}"
        )
        within = found.spends <= found.budget and (
            found.next_spends is None or found.next_spends > found.budget
        )
        return [Check("check_calibration", within, detail)]

    def _pot_checks(self) -> list[Check]:
        """Per pot, its arithmetic in plain decimals, in order when it adds up: for a shared pot
        ``pot - paid first = pool; shared + not allocated``, the steps by largest remainder; for a
        ceiling ``ceiling; before -> after`` (after = ceiling where it was reached); for a levy
        ``amount; levied``."""
        checks = []
        for pot in self.pots:
            column = self.column_total(pot.name)
            unallocated = int(pot.unallocated[0])
            amount = int(pot.amount[0])
            steps = f"{int(pot.by_remainder.sum())} x {format_plain(int(pot.step[0]))}"
            name = pot.rule.label or pot.name
            if pot.rule.kind is PotKind.LEVY:
                ok = -column + unallocated == amount
                detail = f"{name}: {format_plain(amount)}; {format_plain(-column)}; {steps}"
            elif pot.rule.kind is PotKind.CEILING:
                before = int(sum(int(value) for value in pot.numerators))
                after = before + column
                ok = after + unallocated == min(amount, before)
                detail = f"{name}: {format_plain(amount)}; {format_plain(before)} -> {format_plain(after)}"
                detail += f"; {steps}"
            else:
                pool = int(pot.pool[0])
                ok = column + unallocated == pool
                detail = (
                    f"{name}: {format_plain(amount)} - {format_plain(int(pot.paid_first[0]))} = "
                    f"{format_plain(pool)}; {format_plain(column)} + {format_plain(unallocated)}; {steps}"
                )
            checks.append(Check("check_pot", ok, detail))
        return checks

    def _sum_of_columns(self) -> int:
        """The grand total added up column by column: components, adjustments, exception totals."""
        columns = sum(self.column_total(name) for name in self.part_names)
        exceptions = checked_sum(self.total.cents[self.total.exception], "the total of the exceptions")
        return columns + self.column_total("total_adjustment") + exceptions

    def checks(self) -> list[Check]:
        """Integrity checks an auditor can recompute: rows, sums, parts, published amounts."""
        bound = sum(max_abs(cents) for cents in self._part_cents()) + max_abs(self.total.adjustment)
        check_fits(bound, "the sum of an area's parts")
        parts = np.sum(self._part_cents(), axis=0, dtype=np.int64) + self.total.adjustment
        normal = ~self.total.exception
        mismatched = int(np.count_nonzero(parts[normal] != self.total.cents[normal]))
        total = Decimal(self.grand_total_cents) / 100
        result = [
            self._rows_check(),
            *self._municipality_check(),
            Check("check_sum", self._sum_of_columns() == self.grand_total_cents, f"{total:.2f}"),
            Check("check_parts", mismatched == 0, f"{mismatched}"),
            *self._pot_checks(),
            *self._calibration_check(),
        ]
        for expectation in self.expectations:
            result.append(
                Check(
                    "check_expected",
                    {ExpectationStatus.MATCHES: True, ExpectationStatus.DIFFERS: False}.get(
                        expectation.status
                    ),
                    expectation.status.value,
                )
            )
        return result
