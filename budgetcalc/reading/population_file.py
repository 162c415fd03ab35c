"""A population file on disk to a validated :class:`Population`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from budgetcalc.population import Population
from budgetcalc.reading.table import read_table


def read_population(path: str | Path, *, sheet: str | None = None, kind: str | None = None) -> Population:
    """Read and validate a population spreadsheet; errors name the file, sheet, row and column."""
    table = read_table(path, sheet=sheet)
    frame = pd.DataFrame(table.rows, columns=pd.Index(table.header), dtype=object)
    return Population.from_frame(
        frame, kind=kind, source=table.file, sheet=table.sheet, rows=table.row_numbers
    )
