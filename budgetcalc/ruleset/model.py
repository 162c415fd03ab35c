"""The rule language: a rule set as decided by the college or council, validated with pydantic.

Every model forbids unknown keys. Numbers are exact (:mod:`budgetcalc.ruleset.amount`).
``docs/rules.md`` documents each key for the people who write rule files.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from budgetcalc.columns import WHOLE_COUNT_COLUMNS, canonical_name
from budgetcalc.money import CENT, RoundingMode
from budgetcalc.ruleset.amount import MAX_EUROS, Amount, Money, Number, Rate
from budgetcalc.ruleset.in_force import InForce
from budgetcalc.ruleset.text import LongText, ShortText

FIRST_DATE = date(1900, 1, 1)
"""Excel shows no date before 1 January 1900: an earlier one in a rule file is a typing mistake."""
MUNICIPALITY_CODE = re.compile(r"^GM[0-9]{4}$")
RESERVED_NAMES = frozenset({"code", "name", "kind", "inhabitants", "total", "total_adjustment"})
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


def _column(value: Any) -> Any:
    """A column named in a rule file, by any header alias: ``inwoners`` -> ``inhabitants``."""
    return canonical_name(value) if isinstance(value, str) else value


Column = Annotated[str, BeforeValidator(_column)]


def _as_tuple(value: Any) -> Any:
    """Let a single string stand for a list of one."""
    if isinstance(value, str):
        return (value,)
    return value


StrList = Annotated[tuple[str, ...], BeforeValidator(_as_tuple)]


def _not_before_1900(value: date) -> date:
    if value < FIRST_DATE:
        raise ValueError(f"{value.isoformat()} is before 1900, which Excel cannot show; is the year right?")
    return value


def _date_only(value: Any) -> Any:
    if isinstance(value, datetime):
        raise ValueError(f"give a date without a time, such as {value.date().isoformat()}")
    return value


RuleDate = Annotated[date, BeforeValidator(_date_only), AfterValidator(_not_before_1900)]


class LocatedError(ValueError):
    """A validation error that knows the key it belongs to, below where the validator runs."""

    def __init__(self, message: str, *loc: str | int) -> None:
        super().__init__(message)
        self.loc = loc


class Strict(BaseModel):
    """Base for rule-file models: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, str_strip_whitespace=True)


class Rounding(Strict):
    """Round to a multiple of ``step`` euros with a named ``mode``."""

    step: Amount
    mode: RoundingMode
    note: LongText | None = None

    @field_validator("mode", mode="before")
    @classmethod
    def _dashes(cls, value: Any) -> Any:
        return value.replace("-", "_").lower() if isinstance(value, str) else value

    @field_validator("step")
    @classmethod
    def _whole_cents(cls, step: Amount) -> Amount:
        if step.value <= 0 or step.value % CENT != 0:
            raise ValueError(f"step must be a positive whole number of cents (0.01, 1, 100), got {step}")
        if step.value > MAX_EUROS:
            raise ValueError(f"step {step} is more than {MAX_EUROS:,} euro".replace(",", "."))
        return step


class Condition(Strict):
    """Which areas something applies to. All given keys must hold; a list means any of its values."""

    kind: StrList | None = None
    codes: StrList | None = None
    names: StrList | None = None
    exclude_codes: StrList | None = None
    exclude_names: StrList | None = None
    attribute: dict[Column, StrList] | None = None
    note: LongText | None = None

    @field_validator("kind")
    @classmethod
    def _lower(cls, kinds: tuple[str, ...] | None) -> tuple[str, ...] | None:
        return tuple(kind.strip().lower() for kind in kinds) if kinds is not None else None

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        given = [self.kind, self.codes, self.names, self.exclude_codes, self.exclude_names]
        if all(value is None for value in given) and not self.attribute:
            raise ValueError(
                "a condition needs at least one of kind, codes, names, exclude_codes, "
                "exclude_names, attribute"
            )
        return self

    def columns(self) -> set[str]:
        """Population columns this condition reads besides code, name and kind."""
        return set(self.attribute or {})

    def key(self) -> str:
        """What the condition selects, ignoring notes and list order: equal keys select the same areas."""
        data = self.model_dump(exclude={"note"}, exclude_none=True)
        return repr(
            sorted(
                (name, sorted(value.items()) if isinstance(value, dict) else sorted(value))
                for name, value in data.items()
            )
        )

    def describe(self) -> str:
        """A short text for reports, e.g. ``kind = dorp; codes = WK1, WK2``."""
        parts = []
        for key in ("kind", "codes", "names", "exclude_codes", "exclude_names"):
            values = getattr(self, key)
            if values is not None:
                parts.append(f"{key} = {', '.join(values)}")
        for column, values in (self.attribute or {}).items():
            parts.append(f"{column} = {', '.join(values)}")
        return "; ".join(parts)


class RateBase(StrEnum):
    """What a bracket's rate multiplies."""

    ALL = "all"
    """The whole count (inhabitants x rate)."""
    PART_ABOVE_LOWER_BOUND = "part_above_lower_bound"
    """Only the part of the count above the bracket's lower bound (marginal)."""


class Bracket(Strict):
    """One size bracket of a staffel with explicit bounds: ``from``/``above`` and ``below``/``through``."""

    from_: Number | None = Field(default=None, alias="from")
    above: Number | None = None
    below: Number | None = None
    through: Number | None = None
    fixed: Money | None = None
    rate: Rate | None = None
    rate_applies_to: RateBase | None = None
    applies_to: Condition | None = None
    label: ShortText | None = None
    note: LongText | None = None
    source: LongText | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if (self.from_ is None) == (self.above is None):
            raise ValueError(
                "give exactly one lower bound: 'from' (inclusive, vanaf) or 'above' (exclusive, meer dan)"
            )
        if self.below is not None and self.through is not None:
            raise ValueError(
                "give at most one upper bound: 'below' (exclusive, tot) or 'through' (inclusive, tot en met)"
            )
        if self.fixed is None and self.rate is None:
            raise ValueError("a bracket needs 'fixed', 'rate' or both")
        if self.rate is not None and self.rate_applies_to is None:
            raise ValueError(
                "a bracket with a 'rate' must say 'rate_applies_to': "
                '"all" (whole count) or "part_above_lower_bound" (marginal)'
            )
        if self.rate is None and self.rate_applies_to is not None:
            raise ValueError("'rate_applies_to' needs a 'rate'")
        upper = self.upper
        if upper is not None:
            empty = upper < self.lower or (
                upper == self.lower and not (self.lower_inclusive and self.upper_inclusive)
            )
            if empty:
                raise ValueError(f"the bracket is empty: {self.describe()}")
        return self

    @property
    def lower(self) -> Decimal:
        bound = self.from_ if self.from_ is not None else self.above
        assert bound is not None
        return bound

    @property
    def lower_inclusive(self) -> bool:
        return self.from_ is not None

    @property
    def upper(self) -> Decimal | None:
        return self.below if self.below is not None else self.through

    @property
    def upper_inclusive(self) -> bool:
        return self.through is not None

    def describe(self) -> str:
        """Interval notation: ``[500, 5000)`` includes 500 and excludes 5000."""
        left = "[" if self.lower_inclusive else "("
        upper = self.upper
        right = "]" if self.upper_inclusive else ")"
        return f"{left}{self.lower}, {'∞' if upper is None else upper}{right}"


def _gap_or_overlap(first: Bracket, second: Bracket, whole_counts: bool) -> str | None:
    """What lies wrong between two brackets sorted by lower bound, if anything.

    For a column of whole counts a gap counts only when a whole count can fall in it, so
    ``through = 499`` followed by ``from = 500`` is contiguous; ``below = 225000`` followed by
    ``above = 225000`` is not. For other columns (hectares) every gap counts.
    """
    upper = first.upper
    if (
        upper is None
        or second.lower < upper
        or (second.lower == upper and first.upper_inclusive and second.lower_inclusive)
    ):
        return f"brackets {first.describe()} and {second.describe()} overlap"
    if not whole_counts:
        if second.lower == upper and first.upper_inclusive != second.lower_inclusive:
            return None
        return f"brackets {first.describe()} and {second.describe()} leave a gap"
    if first.upper_inclusive:
        smallest_whole_in_gap = upper.to_integral_value(rounding=ROUND_FLOOR) + 1
    else:
        smallest_whole_in_gap = upper.to_integral_value(rounding=ROUND_CEILING)
    if smallest_whole_in_gap < second.lower or (
        smallest_whole_in_gap == second.lower and not second.lower_inclusive
    ):
        return (
            f"brackets {first.describe()} and {second.describe()} leave a gap: "
            f"{smallest_whole_in_gap} falls in no bracket"
        )
    return None


def _fractional_bound(bound: Decimal, column: str) -> str:
    """Why a bound with decimals cannot be meant for a column of whole counts."""
    if bound.as_tuple().exponent == -3:
        whole = bound.scaleb(3).to_integral_value()
        return (
            f"bound {bound} has three decimals, but {column} are whole numbers: for "
            f"{whole:,} write {whole} (no thousands separator in rule files)".replace(",", ".")
        )
    return f"bound {bound} is written with decimals, but {column} are counted in whole numbers"


class Staffel(Strict):
    """Size brackets on one count column; each area falls in exactly one bracket."""

    per: Column = "inhabitants"
    brackets: list[Bracket] = Field(min_length=1)
    note: LongText | None = None
    source: LongText | None = None

    @model_validator(mode="after")
    def _contiguous(self) -> Self:
        groups: dict[str, list[Bracket]] = {}
        for bracket in self.brackets:
            key = bracket.applies_to.key() if bracket.applies_to else ""
            groups.setdefault(key, []).append(bracket)
        whole_counts = self.per in WHOLE_COUNT_COLUMNS
        if whole_counts:
            for bracket in self.brackets:
                for bound in (bracket.lower, bracket.upper):
                    if bound is not None and bound.as_tuple().exponent != 0:  # 1.000 is written with decimals
                        raise ValueError(_fractional_bound(bound, self.per))
        for group in groups.values():
            ordered = sorted(group, key=lambda b: (b.lower, not b.lower_inclusive))
            for first, second in itertools.pairwise(ordered):
                problem = _gap_or_overlap(first, second, whole_counts)
                if problem:
                    raise ValueError(problem)
        return self


class Component(Strict):
    """One named budget an area receives; its amount is the sum of the terms given."""

    label: ShortText | None = None
    applies_to: Condition | None = None
    fixed: Money | None = None
    rate: Rate | None = None
    per: Column = "inhabitants"
    staffel: Staffel | None = None
    per_area: dict[str, Money] | None = None
    minimum: Money | None = None
    maximum: Money | None = None
    rounding: Rounding | None = None
    note: LongText | None = None
    source: LongText | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.fixed is None and self.rate is None and self.staffel is None and not self.per_area:
            raise ValueError("a component needs at least one of 'fixed', 'rate', 'staffel', 'per_area'")
        if self.rate is None and "per" in self.model_fields_set:
            raise ValueError("'per' names the column a 'rate' multiplies, but this component has no 'rate'")
        check_bounds(self.minimum, self.maximum, self.rounding)
        return self

    def columns(self) -> set[str]:
        """Population columns the component reads."""
        used = set()
        if self.rate is not None:
            used.add(self.per)
        if self.staffel is not None:
            used.add(self.staffel.per)
            for bracket in self.staffel.brackets:
                if bracket.applies_to:
                    used |= bracket.applies_to.columns()
        if self.applies_to:
            used |= self.applies_to.columns()
        return used


def check_bounds(minimum: Amount | None, maximum: Amount | None, rounding: Rounding | None) -> None:
    """Minimum <= maximum, and both on the rounding grid so that rounding and clamping commute."""
    if minimum is not None and maximum is not None and minimum.value > maximum.value:
        raise ValueError(f"minimum {minimum} is above maximum {maximum}")
    for name, bound in (("minimum", minimum), ("maximum", maximum)):
        if bound is None:
            continue
        step = rounding.step.value if rounding else CENT
        if bound.value % step != 0:
            raise ValueError(f"{name} {bound} is not a multiple of the rounding step {step}")


class ShareKey(Strict):
    """One key a pot is shared by: a count column, and its weight among the pot's keys."""

    per: Column = "inhabitants"
    weight: Number = Decimal(1)

    @field_validator("weight")
    @classmethod
    def _positive(cls, weight: Decimal) -> Decimal:
        if weight <= 0:
            raise ValueError(f"a weight must be more than 0, got {weight}")
        return weight


class ShareBy(StrEnum):
    """How a pot is shared over the areas that take part."""

    KEYS = "keys"
    """In proportion to one or more weighted keys (inhabitants, plan area): naar evenredigheid."""
    EQUAL = "equal"
    """Equal shares: every area that takes part the same."""


class Leftover(StrEnum):
    """What happens to the steps left after every share is rounded down to a whole step."""

    BY_REMAINDER = "by_remainder"
    """One step more to the areas with the largest remainders (ties by area code): the pot is met."""
    UNALLOCATED = "unallocated"
    """Kept by the municipality, and shown as not allocated."""


class PotKind(StrEnum):
    """What a pot does with its amount."""

    SHARE = "share"
    """The amount is shared over the areas that take part."""
    CEILING = "ceiling"
    """A ceiling on the components in ``on``: where their total over the areas passes the amount, every
    area's amount is scaled down in proportion (subsidieplafond, naar evenredigheid)."""
    LEVY = "levy"
    """Every area pays a share of the amount, in proportion to its components in ``on`` (a solidarity pot)."""


class LevySplit(StrEnum):
    """How an area's levy is split over the components it is levied on."""

    PRO_RATA = "pro_rata"
    """Each component pays in proportion to its amount (cents by largest remainder, ties in the order of
    ``on``): the net of every component is shown."""


class Pot(Strict):
    """A pot (``[pots.NAME]``): an amount, the areas that take part, and what is done with it.

    A shared pot (``kind = "share"``): what the components named in ``minus`` already pay comes off the
    amount first (a residual pool). Shares are whole multiples of ``step``; each share lies between
    ``minimum`` and ``maximum``, what a capped area does not take going to the others. A ceiling and a
    levy work on the components named in ``on``; their column holds what each area gives up (negative).
    """

    label: ShortText | None = None
    kind: PotKind = PotKind.SHARE
    amount: Money
    on: StrList = ()
    applies_to: Condition | None = None
    minus: StrList = ()
    share_by: ShareBy = ShareBy.KEYS
    keys: list[ShareKey] = Field(default_factory=lambda: [ShareKey()])
    step: Amount = Amount(value=CENT)
    leftover: Leftover = Leftover.BY_REMAINDER
    split: LevySplit | None = None
    minimum: Money | None = None
    maximum: Money | None = None
    note: LongText | None = None
    source: LongText | None = None

    @field_validator("step")
    @classmethod
    def _whole_cents(cls, step: Amount) -> Amount:
        if step.value <= 0 or step.value % CENT != 0:
            raise ValueError(f"step must be a positive whole number of cents (0.01, 1, 100), got {step}")
        return step

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.amount.value < 0:
            raise ValueError(f"a pot's amount must be 0 or more, got {self.amount}")
        if self.share_by is ShareBy.EQUAL and "keys" in self.model_fields_set:
            raise ValueError("'keys' goes with share_by = \"keys\"; equal shares need none")
        if not self.keys:
            raise ValueError('give at least one key, e.g. keys = [{ per = "inhabitants" }]')
        if self.kind is PotKind.SHARE and self.on:
            raise ValueError(
                "'on' goes with kind = \"ceiling\" or \"levy\"; a shared pot uses 'minus' and 'keys'"
            )
        if self.kind is not PotKind.SHARE:
            if not self.on:
                raise ValueError(f"a {self.kind.value} needs 'on': the components it works on")
            wrong = sorted({"minus", "share_by", "keys", "minimum", "maximum"} & self.model_fields_set)
            if wrong:
                raise ValueError(f"{', '.join(wrong)} go with a shared pot, not with a {self.kind.value}")
        if self.split is not None and self.kind is not PotKind.LEVY:
            raise ValueError("'split' goes with a levy (kind = \"levy\")")
        check_bounds(self.minimum, self.maximum, Rounding(step=self.step, mode=RoundingMode.DOWN))
        return self

    def columns(self) -> set[str]:
        by_keys = self.kind is PotKind.SHARE and self.share_by is ShareBy.KEYS
        used = {key.per for key in self.keys} if by_keys else set()
        return used | (self.applies_to.columns() if self.applies_to else set())


class Calibration(Strict):
    """``[calibrate]``: the value at a path (a rate, a staffel amount) is found by the engine: the largest
    multiple of ``precision`` from ``lowest`` whose allocation spends at most ``spend``."""

    value: str = Field(min_length=1)
    spend: Money
    precision: Amount = Amount(value=CENT)
    lowest: Number = Decimal(0)
    note: LongText | None = None
    source: LongText | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.precision.value <= 0:
            raise ValueError(f"precision must be more than 0, got {self.precision}")
        if self.lowest % self.precision.value != 0:
            raise ValueError(f"lowest {self.lowest} is not a multiple of the precision {self.precision}")
        return self


class TotalRule(Strict):
    """Rules on each area's total: rounding and bounds, shown as a separate adjustment."""

    minimum: Money | None = None
    maximum: Money | None = None
    rounding: Rounding | None = None
    note: LongText | None = None
    source: LongText | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.minimum is None and self.maximum is None and self.rounding is None:
            raise ValueError("[total] needs at least one of 'minimum', 'maximum', 'rounding'")
        check_bounds(self.minimum, self.maximum, self.rounding)
        return self


def _zero_or_more(what: str) -> Callable[[Amount], Amount]:
    """A validator refusing a negative ``what`` (a percentage, a limit)."""

    def check(amount: Amount) -> Amount:
        if amount.value < 0:
            raise ValueError(f"{what} must be 0 or more, got {amount.value}")
        return amount

    return check


Percent = Annotated[Rate, AfterValidator(_zero_or_more("a percentage"))]
"""A percentage in a rule file (``10`` is 10 %)."""
Limit = Annotated[Money, AfterValidator(_zero_or_more("a limit"))]
"""An amount of money that bounds a change: whole cents, 0 or more."""


class Phase(Strict):
    """``[transition.phase]``: move from last year's amount to the rule's amount in equal steps over
    ``years`` budget years, the first being ``first_year``; each step rounded by ``rounding``."""

    years: int = Field(ge=1, le=100)
    first_year: int = Field(ge=1900, le=2999)
    rounding: Rounding
    note: LongText | None = None
    source: LongText | None = None


class Transition(Strict):
    """``[transition]``: limits on the change from last year's amount (they act only with a previous
    year): caps in percent and/or euros, hold harmless, a floor, a phase-in or phase-out."""

    max_increase_percent: Percent | None = None
    max_decrease_percent: Percent | None = None
    max_increase: Limit | None = None
    max_decrease: Limit | None = None
    hold_harmless: bool = False
    floor: Limit | None = None
    phase: Phase | None = None
    note: LongText | None = None
    source: LongText | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        given = (self.max_increase_percent, self.max_decrease_percent, self.max_increase, self.max_decrease)
        if all(value is None for value in (*given, self.floor, self.phase)) and not self.hold_harmless:
            raise ValueError(
                "[transition] needs at least one of max_increase_percent, max_decrease_percent, "
                "max_increase, max_decrease, hold_harmless, floor, phase"
            )
        if self.max_decrease_percent is not None and self.max_decrease_percent.value > 100:
            raise ValueError(f"max_decrease_percent is at most 100, got {self.max_decrease_percent}")
        return self


class CarryOver(Strict):
    """``[carry_over]``: what happens to the money an area left unspent last year (the previous year's
    unspent column): kept by the area (``keep``) up to ``maximum`` and for at most ``max_years`` years in
    a row; what is not kept goes into the shared pot ``return_to_pot``, or back to the municipality."""

    keep: bool
    maximum: Limit | None = None
    max_years: int | None = Field(default=None, ge=1, le=100)
    return_to_pot: str | None = None
    note: LongText | None = None
    source: LongText | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if not self.keep:
            wrong = sorted({"maximum", "max_years"} & self.model_fields_set)
            if wrong:
                raise ValueError(f"{', '.join(wrong)} go with keep = true: nothing is kept")
        return self


class AreaException(Strict):
    """A decided exception: set one area's total (or one component) to a fixed amount."""

    area: ShortText = Field(min_length=1)
    component: str | None = None
    amount: Money
    reason: LongText = Field(min_length=1)
    source: LongText | None = None


class Evidence(StrEnum):
    """What an expected amount proves: whether it can show that the rule file is wrong."""

    PUBLISHED = "published"
    """The amount and the area's figures are both published, and the rule file was not fitted to them:
    reproducing it shows that the file computes what the municipality computed."""
    DERIVED = "derived"
    """The amount is published, but an area's figure (the inhabitants) or a value of the rule was worked
    back from it: it holds by construction, and shows only that file and figure agree."""
    WORKED_OUT = "worked_out"
    """Nothing published to compare with: the amount is worked out by hand from the published rule text
    (the arithmetic in the note); it shows that the program reads the file as the text means."""
    CHOSEN = "chosen"
    """Worked out by hand from values this rule file chose (not published): it records what the choice
    gives, and proves nothing about the municipality's own figures."""


def _population_file(value: Any) -> Any:
    """Let a file name stand for ``{ file = "..." }``."""
    return {"file": value} if isinstance(value, str) else value


class PopulationFile(Strict):
    """The population file a published amount belongs to, relative to the rule file, and how to read it."""

    file: ShortText = Field(min_length=1)
    level: ShortText | None = None
    sheet: ShortText | None = None


class Expectation(Strict):
    """A published outcome the allocation must reproduce, checked on every run.

    Without ``area`` it is the published grand total over all areas (and ``inhabitants`` their sum).
    With ``population`` it is also an assertion ``budgetcalc check`` runs on that file.
    """

    area: ShortText | None = Field(default=None, min_length=1)
    component: str | None = None
    amount: Money
    inhabitants: int | None = Field(default=None, ge=0)
    population: Annotated[PopulationFile, BeforeValidator(_population_file)] | None = None
    evidence: Evidence | None = None
    year: int | None = Field(default=None, ge=1900, le=2999)
    """The budget year it is for, in a rule file over time; without, it holds in every year."""
    source: LongText | None = None
    note: LongText | None = None


def _total_or_parts(value: Any) -> Any:
    """Let one amount stand for ``{ total = ... }``."""
    return value if isinstance(value, dict) else {"total": value}


FIGURE_TYPES = (int, Decimal, str)
"""What an example area's figure may be: a count, a measure, or text (kind, an attribute)."""


class ExampleArea(Strict):
    """One area of an example: its figures as a population row gives them, and what it ``gets``.

    Every key besides ``gets`` is a column (``code``, ``name``, ``kind``, ``inwoners``, ``huishoudens``,
    any column a rule reads), under any header alias.
    """

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True, str_strip_whitespace=True)

    gets: Annotated[dict[str, Money], BeforeValidator(_total_or_parts)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _columns(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        columns: dict[str, Any] = {}
        for key, value in data.items():
            name = key if key == "gets" else canonical_name(str(key))
            if name in columns:
                raise LocatedError(f"'{key}' gives the column {name} a second time", key)
            if name != "gets" and (isinstance(value, bool) or not isinstance(value, FIGURE_TYPES)):
                raise LocatedError(f"'{key}' must be a number or text, got {value!r}", key)
            columns[name] = value
        if "code" not in columns and "name" not in columns:
            raise ValueError("an example area needs a 'code' or a 'name'")
        return columns

    def figures(self) -> dict[str, Any]:
        """The area's row: its columns and their values, a missing code or name taken from the other."""
        row = dict(self.model_extra or {})
        row.setdefault("code", row.get("name"))
        row.setdefault("name", row["code"])
        return row

    @property
    def label(self) -> str:
        """The area for a message: its name, else its code."""
        return str(self.figures()["name"])


class Example(Strict):
    """An example with its own areas: what they get under this rule set, whatever population is used."""

    areas: list[ExampleArea] = Field(min_length=1)
    evidence: Evidence
    year: int | None = Field(default=None, ge=1900, le=2999)
    """The budget year it is for, in a rule file over time; without, it holds in every year."""
    source: LongText = Field(min_length=1)
    note: LongText | None = None

    @model_validator(mode="after")
    def _something_expected(self) -> Self:
        if not any(area.gets for area in self.areas):
            raise ValueError("an example needs 'gets' on at least one of its areas: the amount it gets")
        return self


class RuleSet(Strict):
    """A decided rule set: metadata, components, total rules, exceptions and published checks."""

    name: ShortText = Field(min_length=1)
    municipality: ShortText = Field(min_length=1)
    municipality_code: str | None = None
    """The CBS code of the municipality (``GM1966``): the population's areas are checked against it."""
    national: bool = False
    """A national rule set (Sportakkoord): it applies to the areas of every municipality."""
    decision: LongText = Field(min_length=1)
    valid_from: RuleDate
    """The date the rules take effect ("geldend vanaf", "in werking"), not the date they were adopted."""
    valid_until: RuleDate | None = None
    """The last day the rules are in force ("tot en met"); open-ended without."""
    reference_date: RuleDate
    source: LongText | None = None
    note: LongText | None = None
    """For the rule file's authors: how values were chosen, what is uncertain. Not on the report's summary."""
    description: LongText | None = None
    """For the report's readers (council, treasurer): what the regeling does, in plain words. The summary
    shows it as the explanation."""
    budget_year: int | None = Field(default=None, ge=1900, le=2999)
    """The budget year the allocation is for; by default the year of ``reference_date`` (inhabitants "op 1
    januari van het begrotingsjaar")."""
    in_force: InForce | None = None
    """Written by budgetcalc, not in a rule file: the date and budget year whose values a rule file over
    time was resolved for (``--year``), and every value it gives per date."""
    allow_negative_amounts: bool = False
    """Negative amounts are intended (a deduction); without it they give a loud warning."""
    components: dict[str, Component] = Field(default_factory=dict)
    pots: dict[str, Pot] = Field(default_factory=dict)
    total: TotalRule | None = None
    calibrate: Calibration | None = None
    transition: Transition | None = None
    carry_over: CarryOver | None = None
    exceptions: list[AreaException] = Field(default_factory=list)
    expected: list[Expectation] = Field(default_factory=list)
    examples: list[Example] = Field(default_factory=list)
    _lines: dict[str, int] = PrivateAttr(default_factory=dict)
    """The rule file's line of each key, by dotted path (empty for a rule set not read from text)."""

    def __eq__(self, other: object) -> bool:
        """Rule sets are equal when their rules are, wherever and however they were written."""
        if not isinstance(other, RuleSet):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # rule sets hold dicts and lists: not hashable

    def line_of(self, path: str) -> int | None:
        """The rule file's line of a dotted path (``components.basis.rate``), or of its nearest key."""
        while path:
            if path in self._lines:
                return self._lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return None

    def with_lines(self, lines: dict[str, int]) -> RuleSet:
        """This rule set, knowing the lines of its keys in the rule file."""
        self._lines = dict(lines)
        return self

    @field_validator("municipality_code")
    @classmethod
    def _cbs_code(cls, code: str | None) -> str | None:
        if code is None:
            return None
        if not MUNICIPALITY_CODE.match(code.upper()):
            raise ValueError(
                f"expected a CBS municipality code such as GM1966 (GM and four digits), got {code!r}"
            )
        return code.upper()

    @field_validator("components", "pots")
    @classmethod
    def _names(cls, components: dict[str, Any]) -> dict[str, Any]:
        for name in components:
            if not NAME_PATTERN.match(name):
                raise LocatedError(
                    f"component name '{name}' must be lower case letters, digits and "
                    "underscores, starting with a letter",
                    name,
                )
            if name in RESERVED_NAMES:
                raise LocatedError(f"component name '{name}' is reserved for a report column", name)
        return components

    @model_validator(mode="after")
    def _references(self) -> Self:
        tables: tuple[tuple[str, Sequence[AreaException | Expectation]], ...] = (
            ("exceptions", self.exceptions),
            ("expected", self.expected),
        )
        for table, entries in tables:
            named = [*self.components, *(self.pots if table == "expected" else ())]
            for index, entry in enumerate(entries):
                if entry.component is not None and entry.component not in named:
                    raise LocatedError(
                        f"'{entry.area or 'all areas'}' names component '{entry.component}', "
                        f"which is not defined (defined: {', '.join(named)})",
                        table,
                        index,
                        "component",
                    )
        amounts = ["total", *self.components, *self.pots]
        for index, example in enumerate(self.examples):
            for position, area in enumerate(example.areas):
                for column in area.gets or {}:
                    if column not in amounts:
                        raise LocatedError(
                            f"example area '{area.label}' gets '{column}', which is no component or pot "
                            f"(expected one of: {', '.join(amounts)})",
                            "examples",
                            index,
                            "areas",
                            position,
                            "gets",
                            column,
                        )
        for name, pot in self.pots.items():
            if name in self.components:
                raise LocatedError(
                    f"'{name}' is the name of a component and of a pot; rename one", "pots", name
                )
            for field_name, parts in (("minus", pot.minus), ("on", pot.on)):
                for part in parts:
                    if part not in self.components:
                        what = "takes component" if field_name == "minus" else "works on component"
                        raise LocatedError(
                            f"pot '{name}' {what} '{part}'"
                            + (" off its amount" if field_name == "minus" else "")
                            + f", which is not defined (defined: {', '.join(self.components)})",
                            "pots",
                            name,
                            field_name,
                        )
        back_to = self.carry_over.return_to_pot if self.carry_over is not None else None
        if back_to is not None and (back_to not in self.pots or self.pots[back_to].kind is not PotKind.SHARE):
            shared = [name for name, pot in self.pots.items() if pot.kind is PotKind.SHARE]
            raise LocatedError(
                f"return_to_pot names '{back_to}', which is no shared pot (shared pots: "
                f"{', '.join(shared) or 'none'})",
                "carry_over",
                "return_to_pot",
            )
        seen: set[tuple[str, str | None]] = set()
        for index, exception in enumerate(self.exceptions):
            key = (exception.area, exception.component)
            if key in seen:
                raise LocatedError(
                    f"two exceptions for area '{exception.area}'"
                    + (f", component '{exception.component}'" if exception.component else ""),
                    "exceptions",
                    index,
                )
            seen.add(key)
        total_set = {area for area, component in seen if component is None}
        for index, exception in enumerate(self.exceptions):
            if exception.component is not None and exception.area in total_set:
                raise LocatedError(
                    f"area '{exception.area}' has an exception on its total and one on component "
                    f"'{exception.component}'; the total exception already sets everything",
                    "exceptions",
                    index,
                )
        return self

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise LocatedError(
                f"valid_until {self.valid_until.isoformat()} is before valid_from "
                f"{self.valid_from.isoformat()}",
                "valid_until",
            )
        return self

    @model_validator(mode="after")
    def _something_to_allocate(self) -> Self:
        if not self.components and not self.pots:
            raise LocatedError(
                "a rule set needs at least one [components.NAME] or [pots.NAME] section", "components"
            )
        return self

    @model_validator(mode="after")
    def _calibrated_value(self) -> Self:
        if self.calibrate is None:
            return self
        from budgetcalc.engine.parameters import calibration_problem, rule_parameters  # this rule set's paths

        problem = calibration_problem(rule_parameters(self), self.calibrate.value)
        if problem:
            raise LocatedError(f"'{self.calibrate.value}' is {problem}", "calibrate", "value")
        if self.examples:
            raise LocatedError(
                "[[examples]] cannot go with [calibrate]: the value it finds depends on all areas, and an "
                "example has only its own; give [[expected]] with a 'population' instead",
                "examples",
            )
        return self

    def year(self) -> int:
        """The budget year the allocation is for: ``budget_year``, else the year of ``reference_date``."""
        return self.budget_year or self.reference_date.year

    def holds_in_year(self, entry: Expectation | Example) -> bool:
        """Whether an ``[[expected]]`` or ``[[examples]]`` entry is for this rule set's budget year."""
        return entry.year is None or entry.year == self.year()

    def document(self) -> dict[str, Any]:
        """The rule set as JSON-ready data that validates back into the same rule set: keys as a rule
        file writes them, amounts as exact strings, defaults left out (as the rule file leaves them)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)

    def columns(self) -> set[str]:
        """Every population column the rule set reads besides code, name and kind."""
        used: set[str] = set()
        for component in self.components.values():
            used |= component.columns()
        for pot in self.pots.values():
            used |= pot.columns()
        return used
