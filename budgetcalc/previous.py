"""Last year's allocation as the engine takes it (``--previous FILE``): one entry per area, in cents.

Pure data. Reading it from a report or any table is :mod:`budgetcalc.reading.previous`; matching it to this
year's areas and the transition rules that use it are :mod:`budgetcalc.engine.transition`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from budgetcalc.exact import Int64Array


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
