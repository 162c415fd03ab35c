"""The checks sheet's lines: each compares two computations that share none of the code it checks.

- *rows*: the rows the reader counted with the areas allocated plus the rows the warnings say were left
  out;
- *column totals*: each amount column's cells as written (exact euros, added one by one) with the
  total row (the engine's overflow-checked int64 sum);
- *grand total*: the column totals as written added up with the grand total;
- *parts*: per area, the parts as written added up with the total as written;
- *derivation*: per area, the total recomputed in ``Decimal`` from its typed derivation (the rule
  file's values and the area's counts; rounding and bounds applied again) with the engine's total;
- *pots*: per pot, the shares as written added up with the pot from the rule file less what was
  paid first (also as written);
- *calibration*: what the search says the value spends with the grand total as written;
- *published amounts*: each ``[[expected]]`` amount with the cell (or column sum) as written.

Each check keeps its figures, so a line says what was compared with what, and both figures, in euros
for people (:meth:`Check.text`) and as plain decimals for machines (:attr:`Check.detail`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING

from budgetcalc.derivation import (
    BracketTerm,
    Deriver,
    Excepted,
    FixedTerm,
    LastYear,
    NotApplicable,
    PerAreaTerm,
    PotShare,
    RateTerm,
    ScaledDown,
    Step,
    TakesNoPart,
    marginal,
)
from budgetcalc.engine.expectations import ExpectationStatus
from budgetcalc.labels import Lang, label
from budgetcalc.money import CENT, RoundingMode, cents_to_decimal, format_euro, format_number
from budgetcalc.notices import ROWS_LEFT_OUT
from budgetcalc.ruleset.model import PotKind, RuleSet
from budgetcalc.scope import ScopeStatus

if TYPE_CHECKING:
    from budgetcalc.allocation import Allocation
    from budgetcalc.ruleset.amount import Amount
    from budgetcalc.ruleset.model import Rounding

ZERO = Decimal(0)
_DECIMAL_ROUNDING = {
    RoundingMode.HALF_UP: ROUND_HALF_UP,  # Decimal's half up goes away from zero, as the rule means
    RoundingMode.HALF_EVEN: ROUND_HALF_EVEN,
    RoundingMode.UP: ROUND_CEILING,
    RoundingMode.DOWN: ROUND_FLOOR,
}


@dataclass(frozen=True)
class Euros:
    """An amount on a checks line: exact euros, shown as ``€ 7.682,52`` or ``7682.52``."""

    amount: Decimal


@dataclass(frozen=True)
class Word:
    """A word on a checks line that is translated: a label's key (``all_areas``, ``matches``)."""

    key: str


Figure = Euros | Word | int | str
"""A figure on a checks line; text (``str``) is shown as it is."""


@dataclass(frozen=True)
class Check:
    """One line of the checks sheet: what was compared with what, and whether it holds."""

    key: str
    ok: bool | None
    """True if it holds, False if not, None if it could not be compared (published figure)."""
    template: str = ""
    """The label of the detail's wording, with a ``{name}`` for each figure (empty: the figures alone)."""
    figures: tuple[tuple[str, Figure], ...] = field(default=())
    subject: tuple[Word | str, ...] = ()
    """What the line is about (a column, a pot, an area), written after the check's name."""

    def about(self, lang: Lang = "nl") -> str:
        """The subject in ``lang`` (empty when the line is about the whole report)."""
        return "".join(label(part.key, lang) if isinstance(part, Word) else part for part in self.subject)

    def text(self, lang: Lang = "nl") -> str:
        """The detail for people: amounts as euros, counts grouped, in ``lang``."""
        return self._render(lang, plain=False)

    @property
    def detail(self) -> str:
        """The detail for machines (the JSON report, the command line): English, plain decimals."""
        return self._render("en", plain=True)

    def _render(self, lang: Lang, *, plain: bool) -> str:
        def shown(value: Figure) -> str:
            if isinstance(value, Euros):
                if plain:
                    return f"{value.amount:.2f}"
                return format_euro(value.amount, lang).replace("€ ", "€\u00a0")  # no line break after €
            if isinstance(value, Word):
                return value.key if plain else label(value.key, lang)
            if isinstance(value, int):
                return str(value) if plain else format_number(value, lang)
            return value

        values = {name: shown(value) for name, value in self.figures}
        if not self.template:
            return "; ".join(values.values())
        return label(self.template, lang).format(**values)


class Written:
    """The amounts every report writes, as exact euros per area and column (None: not written, the
    component of an area whose total an exception sets)."""

    def __init__(self, allocation: Allocation) -> None:
        self.allocation = allocation
        self._columns: dict[str, list[Decimal | None]] = {}
        self.excepted: list[bool] = allocation.total.exception.tolist()

    def column(self, name: str) -> list[Decimal | None]:
        if name not in self._columns:
            values: list[Decimal | None] = [
                Decimal(cents).scaleb(-2) for cents in self.allocation.cents(name).tolist()
            ]
            if name != "total":
                values = [
                    None if hidden else value for value, hidden in zip(values, self.excepted, strict=True)
                ]
            self._columns[name] = values
        return self._columns[name]

    def totals(self) -> list[Decimal]:
        """Every area's total as written (always written, also where an exception sets it)."""
        return [value or ZERO for value in self.column("total")]

    def column_sum(self, name: str) -> Decimal:
        """The column's cells added up one by one, exactly."""
        return sum((value for value in self.column(name) if value is not None), ZERO)


def allocation_checks(allocation: Allocation) -> list[Check]:
    """Every check of an allocation, in the order of the checks sheet."""
    written = Written(allocation)
    return [
        rows_check(allocation),
        *municipality_checks(allocation),
        *column_checks(allocation, written),
        grand_total_check(allocation, written),
        parts_check(allocation, written),
        derivation_check(allocation),
        *pot_checks(allocation, written),
        *calibration_checks(allocation, written),
        *expected_checks(allocation, written),
    ]


def rows_check(allocation: Allocation) -> Check:
    """Rows the reader counted = areas allocated + rows left out, each counted by its warning."""
    population = allocation.population
    read = population.rows_read or len(population)
    left_out = sum(
        int(notice.values["count"]) for notice in population.warnings if notice.key in ROWS_LEFT_OUT
    )
    areas = len(allocation.areas)
    ok = areas == len(population.frame) and read == areas + left_out
    return Check("check_rows", ok, "detail_rows", (("read", read), ("areas", areas), ("left_out", left_out)))


def municipality_checks(allocation: Allocation) -> list[Check]:
    """Whether the areas lie in the rule set's municipality; no line for a national rule set."""
    scope = allocation.scope
    if scope is None or scope.status is ScopeStatus.NATIONAL:
        return []
    if scope.status is ScopeStatus.UNKNOWN:
        return [Check("check_municipality_unknown", None, figures=(("rule", scope.rule.describe()),))]
    if scope.status is ScopeStatus.MATCHES:
        return [Check("check_municipality", True, figures=(("rule", scope.rule.describe()),))]
    return [
        Check(
            "check_municipality",
            False,
            figures=(("rule", scope.rule.describe()), ("others", scope.describe_others())),
        )
    ]


def column_checks(allocation: Allocation, written: Written) -> list[Check]:
    """Per amount column: its cells as written, added up, against the total row (the engine's sum)."""
    checks = []
    for column in allocation.amount_columns:
        cells = written.column_sum(column)
        total = cents_to_decimal(allocation.column_total(column))
        count = sum(value is not None for value in written.column(column))
        checks.append(
            Check(
                "check_column",
                cells == total,
                "detail_column",
                (("count", count), ("cells", Euros(cells)), ("total", Euros(total))),
                subject=_column_subject(allocation, column),
            )
        )
    return checks


def _column_subject(allocation: Allocation, column: str) -> tuple[Word | str, ...]:
    rule = allocation.ruleset.components.get(column) or allocation.ruleset.pots.get(column)
    return (Word(column),) if rule is None else (rule.label or column,)


def grand_total_check(allocation: Allocation, written: Written) -> Check:
    """The grand total in the total row against the parts' columns, the adjustment column and the
    totals exceptions set, each added up from the cells as written."""
    parts = sum((written.column_sum(name) for name in allocation.part_names), ZERO)
    adjustment = written.column_sum("total_adjustment")
    exceptions = sum(
        (value for value, hidden in zip(written.totals(), written.excepted, strict=True) if hidden),
        ZERO,
    )
    total = cents_to_decimal(allocation.grand_total_cents)
    transition = written.column_sum("transition") if allocation.has_transition else ZERO
    added = parts + adjustment + transition + exceptions
    figures: tuple[tuple[str, Figure], ...] = (
        ("parts", Euros(parts)),
        ("adjustment", Euros(adjustment)),
        *((("transition", Euros(transition)),) if allocation.has_transition else ()),
        ("exceptions", Euros(exceptions)),
        ("sum", Euros(added)),
        ("total", Euros(total)),
    )
    template = "detail_sum_transition" if allocation.has_transition else "detail_sum"
    return Check("check_sum", added == total, template, figures)


def parts_check(allocation: Allocation, written: Written) -> Check:
    """Per area: its parts, adjustment and transition as written, added up, against its total as
    written."""
    added_up = (
        *allocation.part_names,
        "total_adjustment",
        *(["transition"] if allocation.has_transition else []),
    )
    columns = [written.column(name) for name in added_up]
    totals = written.totals()
    differing: list[tuple[int, Decimal, Decimal]] = []
    for position, total in enumerate(totals):
        if written.excepted[position]:
            continue  # an exception sets the total; its parts were not computed
        added = sum((column[position] or ZERO for column in columns), ZERO)
        if added != total:
            differing.append((position, added, total))
    compared = len(totals) - sum(written.excepted)
    return _per_area_check(allocation, "check_parts", "detail_parts", compared, differing)


def _per_area_check(
    allocation: Allocation,
    key: str,
    template: str,
    compared: int,
    differing: list[tuple[int, Decimal, Decimal]],
) -> Check:
    """A check over every area: how many were compared, how many differ, and the first that does with
    both figures."""
    figures: list[tuple[str, Figure]] = [("areas", compared), ("differ", len(differing))]
    first = ""
    if differing:
        position, left, right = differing[0]
        code, name, _, _ = allocation.areas[position]
        first = f"{code} {name}".strip()
        figures += [("area", first), ("left", Euros(left)), ("right", Euros(right))]
    return Check(key, not differing, template + ("_first" if differing else ""), tuple(figures))


def derivation_check(allocation: Allocation) -> Check:
    """Per area: the total recomputed in ``Decimal`` from its derivation against the engine's total."""
    deriver = Deriver(allocation)
    totals = allocation.cents("total").tolist()
    ruleset = allocation.ruleset
    differing: list[tuple[int, Decimal, Decimal]] = []
    with localcontext() as context:
        context.prec = 60  # rates have at most 10 decimals, counts fit int64: every product is exact
        for position, cents in enumerate(totals):
            engine = Decimal(cents).scaleb(-2)
            found = recompute_total(deriver.steps(position), ruleset)
            if found != engine:
                differing.append((position, found, engine))
    return _per_area_check(allocation, "check_derivation", "detail_derivation", len(totals), differing)


def recompute_total(steps: list[Step], ruleset: RuleSet) -> Decimal:
    """An area's total from its derivation: every term from the rule file's value and the area's count,
    each part rounded and bounded again by its rule, the pot shares, then the ``[total]`` rules."""
    first = steps[0] if steps else None
    if isinstance(first, Excepted) and first.part == "total":
        return _exception_amount(ruleset, first)
    parts: dict[str, list[Step]] = {}
    for step in steps:
        parts.setdefault(step.part, []).append(step)
    total = ZERO
    receives = False
    for part, own in parts.items():
        if part in ("total", "transition", "carry_over"):
            continue
        head = own[0]
        if isinstance(head, NotApplicable | TakesNoPart):
            continue
        receives = True
        if isinstance(head, Excepted):
            total += _exception_amount(ruleset, head)
        elif isinstance(head, PotShare):
            total += cents_to_decimal(head.cents)
        elif isinstance(head, ScaledDown):
            total -= cents_to_decimal(head.given_up)
        else:
            total += _component_amount(ruleset, part, own)
    rule = ruleset.total
    if rule is not None and receives:
        total = _rounded_and_bounded(total, rule.rounding, rule.minimum, rule.maximum)
    last = next((step for step in steps if isinstance(step, LastYear)), None)
    if last is not None and last.previous is not None and ruleset.transition is not None:
        total = _transitioned(total, cents_to_decimal(last.previous), ruleset)
    return total


def _transitioned(target: Decimal, previous: Decimal, ruleset: RuleSet) -> Decimal:
    """The ``[transition]`` rules on an area's target, in ``Decimal``: the phase step, the caps (a
    percentage of last year rounded down to the cent), hold harmless, the floor."""
    rule = ruleset.transition
    assert rule is not None
    amount = target
    phase = rule.phase
    if phase is not None:
        year = ruleset.year() - phase.first_year + 1
        left = phase.years - year + 1
        if year >= 1 and left > 1:
            step = phase.rounding.step.value
            steps = ((target - previous) / (left * step)).quantize(
                Decimal(1), rounding=_DECIMAL_ROUNDING[phase.rounding.mode]
            )
            amount = previous + steps * step
    ups = [previous * rule.max_increase_percent.value / 100] if rule.max_increase_percent else []
    downs = [previous * rule.max_decrease_percent.value / 100] if rule.max_decrease_percent else []
    ups += [rule.max_increase.value] if rule.max_increase else []
    downs += [rule.max_decrease.value] if rule.max_decrease else []
    if ups:
        amount = min(amount, previous + min(up.quantize(CENT, rounding=ROUND_FLOOR) for up in ups))
    if downs:
        amount = max(amount, previous - min(down.quantize(CENT, rounding=ROUND_FLOOR) for down in downs))
    if rule.hold_harmless or rule.floor is not None:
        amount = max(amount, previous, rule.floor.value if rule.floor is not None else previous)
    return amount


def _component_amount(ruleset: RuleSet, part: str, steps: list[Step]) -> Decimal:
    """A component's amount: its terms added up, then its rounding, minimum and maximum."""
    exact = ZERO
    for step in steps:
        if isinstance(step, FixedTerm | PerAreaTerm):
            exact += step.amount
        elif isinstance(step, RateTerm):
            exact += step.rate * step.count
        elif isinstance(step, BracketTerm):
            exact += step.fixed or ZERO
            if step.rate is not None and step.count is not None:
                lower = marginal(ruleset, part, step.bracket)
                exact += step.rate * (step.count - lower if lower is not None else step.count)
    rule = ruleset.components[part]
    return _rounded_and_bounded(exact, rule.rounding, rule.minimum, rule.maximum)


def _rounded_and_bounded(
    amount: Decimal, rounding: Rounding | None, minimum: Amount | None, maximum: Amount | None
) -> Decimal:
    if rounding is not None:
        step = rounding.step.value
        amount = (amount / step).quantize(Decimal(1), rounding=_DECIMAL_ROUNDING[rounding.mode]) * step
    if minimum is not None and amount < minimum.value:
        amount = minimum.value
    if maximum is not None and amount > maximum.value:
        amount = maximum.value
    return amount.quantize(CENT) if amount == amount.quantize(CENT) else amount


def _exception_amount(ruleset: RuleSet, step: Excepted) -> Decimal:
    """The amount the rule file's exception gives (its path is ``exceptions[N].amount``)."""
    if step.path is None:
        return Decimal("NaN")  # no exception in the rule file sets it: never equal
    index = int(step.path.removeprefix("exceptions[").split("]")[0]) - 1
    return ruleset.exceptions[index].amount.value


def _returned_to(allocation: Allocation, pot: str) -> Decimal:
    """Unspent money of last year that ``[carry_over]`` returns to this pot (0 for any other pot)."""
    rule = allocation.ruleset.carry_over
    if allocation.transition is None or rule is None or rule.return_to_pot != pot:
        return ZERO
    return cents_to_decimal(int(allocation.transition.carry.returned[0]))


def pot_checks(allocation: Allocation, written: Written) -> list[Check]:
    """Per pot, from the rule file's amount and the cells as written: a shared pot's shares and what
    stayed unallocated add up to the pot less what was paid first; a ceiling's components after it
    are at most the ceiling; a levy's column is the levy."""
    checks = []
    for pot in allocation.pots:
        rule = allocation.ruleset.pots[pot.name]
        amount = rule.amount.value + _returned_to(allocation, pot.name)
        column = written.column_sum(pot.name)
        unallocated = cents_to_decimal(int(pot.unallocated[0]))
        figures: list[tuple[str, Figure]] = [("amount", Euros(amount))]
        if rule.kind is PotKind.LEVY:
            ok = -column + unallocated == amount
            figures += [("levied", Euros(-column)), ("unallocated", Euros(unallocated))]
        elif rule.kind is PotKind.CEILING:
            eligible = pot.eligible.tolist()
            before = sum(
                (
                    value
                    for name in rule.on
                    for value, taking in zip(written.column(name), eligible, strict=True)
                    if taking and value is not None
                ),
                ZERO,
            )
            after = before + column
            ok = after + unallocated == min(amount, before)
            figures += [("before", Euros(before)), ("column", Euros(column)), ("after", Euros(after))]
        else:
            paid = sum((written.column_sum(name) for name in rule.minus), ZERO)
            pool = amount - paid
            ok = unallocated >= 0 and column + unallocated == pool
            figures += [
                ("paid", Euros(paid)),
                ("pool", Euros(pool)),
                ("shared", Euros(column)),
                ("unallocated", Euros(unallocated)),
                ("sum", Euros(column + unallocated)),
            ]
        checks.append(
            Check(
                "check_pot",
                ok,
                f"detail_pot_{rule.kind.value}",
                tuple(figures),
                subject=(rule.label or pot.name,),
            )
        )
    return checks


def calibration_checks(allocation: Allocation, written: Written) -> list[Check]:
    """What the search found the value spends, against the grand total as written; within the budget,
    and one step more past it."""
    found = allocation.calibrated
    if found is None:
        return []
    spends = cents_to_decimal(found.spends)
    total = written.column_sum("total")
    budget = cents_to_decimal(found.budget)
    following: Figure = "-" if found.next_spends is None else Euros(cents_to_decimal(found.next_spends))
    ok = (
        spends == total
        and spends <= budget
        and (found.next_spends is None or cents_to_decimal(found.next_spends) > budget)
    )
    figures: tuple[tuple[str, Figure], ...] = (
        ("path", found.path),
        ("value", str(found.value)),
        ("spends", Euros(spends)),
        ("total", Euros(total)),
        ("budget", Euros(budget)),
        ("next", following),
    )
    return [Check("check_calibration", ok, "detail_calibration", figures)]


def expected_checks(allocation: Allocation, written: Written) -> list[Check]:
    """Each published amount against the report's cell for it (or its column added up, for all areas)."""
    checks = []
    positions = {code: position for position, (code, _, _, _) in enumerate(allocation.areas)}
    for result in allocation.expectations:
        expected = result.expectation
        column = expected.component or "total"
        compared = result.status in (ExpectationStatus.MATCHES, ExpectationStatus.DIFFERS)
        found: Decimal | None = None
        if expected.area is None:
            found = written.column_sum(column)
        elif result.actual_inhabitants is not None or compared:
            position = _area_position(allocation, expected.area, positions)
            found = None if position is None else written.column(column)[position]
        published = cents_to_decimal(result.expected_cents)
        ok = (found == published) if compared else None
        status = Word(result.status.value if not compared else ("matches" if ok else "differs"))
        component = f" / {allocation.column_title(expected.component)}" if expected.component else ""
        what = (expected.area or Word("all_areas"), component)
        figures: tuple[tuple[str, Figure], ...] = (
            ("status", status),
            ("expected", Euros(published)),
            ("found", "-" if found is None else Euros(found)),
            ("source", f" ({expected.source})" if expected.source else ""),
        )
        checks.append(Check("check_expected", ok, "detail_expected", figures, subject=what))
    return checks


def _area_position(allocation: Allocation, reference: str, positions: dict[str, int]) -> int | None:
    from budgetcalc.engine.areas import AreaIndex

    if reference in positions:
        return positions[reference]
    return allocation.population.derived("area_index", AreaIndex).find(
        reference, used_in="an [[expected]] entry"
    )
