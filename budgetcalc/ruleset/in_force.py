"""Which values of a rule file were in force for one allocation: the date, the budget year and every
value the file gives per date, as the resolved rule set carries it into reports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class ReferenceYear(StrEnum):
    """Which year a reference date tied to the budget year falls in."""

    BUDGET_YEAR = "budget_year"
    """1 januari van het begrotingsjaar."""
    PREVIOUS_YEAR = "previous_year"
    """1 januari van het jaar vóór het begrotingsjaar."""


class YearChosenBy(StrEnum):
    """How the budget year of an allocation was chosen."""

    ASKED = "asked"
    """``--year`` (or ``year=`` from Python)."""
    RULE_FILE = "rule_file"
    """The rule file's ``budget_year`` or the year of its ``reference_date``."""
    NEWEST = "newest"
    """The newest year the rule file covers (no year was asked for)."""


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatedEntry(_Record):
    """One date of a value given per date, with the value from that date (computed for an indexation)."""

    since: date
    value: Decimal | None
    """The number from that date; None for a value that is not a number (a text, a table)."""


class ValueInForce(_Record):
    """A value the rule file gives per date, and the entry of it that was in force."""

    path: str
    """Its dotted path (``components.organisatiegeld.fixed``), as ``params`` and ``--set`` name it."""
    since: date
    """The date of the entry in force."""
    value: Decimal | None
    entries: tuple[DatedEntry, ...]
    """Every date the file gives, in order."""
    source: str | None = None
    note: str | None = None
    index_percent: Decimal | None = None
    """For an indexed value: the percentage applied to the entry before it."""
    indexed_from: Decimal | None = None
    """For an indexed value: the value of the entry before it."""


class InForce(_Record):
    """The date on which a rule file's values were taken, for which budget year, and how it was chosen."""

    on: date
    budget_year: int
    chosen_by: YearChosenBy
    reference_year: ReferenceYear | None = None
    """Set where the rule file ties its reference date to the budget year."""
    values: tuple[ValueInForce, ...] = ()
    """The values the file gives per date, in rule-file order."""
