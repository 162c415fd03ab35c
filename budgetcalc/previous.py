"""Last year's allocation as the engine takes it (``--previous FILE``): one entry per area, in cents.

Pure data. Reading it from a report or any table is :mod:`budgetcalc.reading.previous`; matching it to this
year's areas and the transition rules that use it are :mod:`budgetcalc.engine.transition`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from budgetcalc.exact import Int64Array
from budgetcalc.ruleset.amount import exact_decimal


@dataclass(frozen=True)
class PreviousYear:
    """Last year's amount of every area, and what it left unspent where the user says so."""

    codes: tuple[str, ...]
    """Each area's code as written ('' where the table has no code column)."""
    names: tuple[str, ...]
    """Each area's name as written ('' where the table has no name column)."""
    amount_cents: Int64Array
    """Last year's amount of each area (its total), in cents."""
    unspent_cents: Int64Array | None = None
    """What each area left unspent of last year's money, in cents; None where the table has no such column."""
    carried_years: Int64Array | None = None
    """How many years in a row each area's unspent money has already been carried over (0: none)."""
    file: str = ""
    """The file it was read from ('' for a table given in Python)."""
    sha256: str | None = None
    """The SHA-256 of that file's bytes."""

    def __post_init__(self) -> None:
        size = len(self.codes)
        columns = (self.names, self.amount_cents, self.unspent_cents, self.carried_years)
        if any(column is not None and len(column) != size for column in columns):
            raise ValueError("every column of the previous year must have one entry per area")
        for column in (self.amount_cents, self.unspent_cents, self.carried_years):
            if column is not None and column.dtype != np.int64:
                raise TypeError("previous-year amounts are int64 cents")

    def __len__(self) -> int:
        return len(self.codes)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> PreviousYear:
        """Last year from a notebook's table: ``code`` and/or ``name``, ``amount`` in euros, optionally
        ``unspent`` (euros) and ``carried_years``. Amounts are ``Decimal``, ``int`` or text such as
        ``"1234.50"``, in whole cents; a binary float, a missing or negative amount is a ValueError."""
        if "code" not in frame.columns and "name" not in frame.columns:
            raise ValueError("the previous year needs a 'code' or a 'name' column")
        if "amount" not in frame.columns:
            raise ValueError("the previous year needs an 'amount' column (last year's amount in euros)")

        def texts(column: str) -> tuple[str, ...]:
            if column not in frame.columns:
                return ("",) * len(frame)
            return tuple(
                "" if value is None or value is pd.NA else str(value).strip() for value in frame[column]
            )

        def cents(column: str, whole: bool = False) -> Int64Array | None:
            if column not in frame.columns:
                return None
            found = []
            for row, value in enumerate(frame[column].tolist(), start=1):
                number = _exact(value, f"row {row}, column {column}")
                units = number if whole else number * 100
                if units != units.to_integral_value() or units < 0:
                    what = "a whole number, 0 or more" if whole else "whole cents, 0 or more"
                    raise ValueError(f"row {row}, column {column}: expected {what}, got {value!r}")
                found.append(int(units))
            return np.array(found, dtype=np.int64)

        amounts = cents("amount")
        assert amounts is not None
        return cls(
            texts("code"), texts("name"), amounts, cents("unspent"), cents("carried_years", whole=True)
        )


def _exact(value: object, where: str) -> Decimal:
    """An exact number from a table cell: Decimal, int or numeric text; never a float or a bool."""
    try:
        number = exact_decimal(int(value) if isinstance(value, np.integer) else value)
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None
    if not isinstance(number, Decimal):
        raise ValueError(f"{where}: expected a number, got {value!r}")
    return number
