"""A population file on disk to a validated :class:`Population`: read, map, select, validate."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from budgetcalc.errors import InputError
from budgetcalc.population import Population, canonical_columns
from budgetcalc.provenance import sha256_of_file
from budgetcalc.reading.excel_source import describe_empty_cell
from budgetcalc.reading.mapping import apply_mapping
from budgetcalc.reading.selection import Selection, select_rows, totals_lookalikes
from budgetcalc.reading.table import RawTable, read_table
from budgetcalc.ruleset.model import RuleSet
from budgetcalc.scope import rule_municipality


def read_population(
    path: str | Path,
    *,
    sheet: str | None = None,
    kind: str | None = None,
    level: str | None = None,
    municipality: str | None = None,
    columns: Mapping[str, str] | None = None,
    skip_suppressed: bool = False,
    ruleset: RuleSet | None = None,
) -> Population:
    """Read and validate a population spreadsheet; errors name the file, sheet, row and column.

    ``level`` keeps one CBS level (gemeente, wijk, buurt), ``municipality`` one municipality (code
    ``GM0080`` or name), ``columns`` maps fields to the file's own headers, and ``skip_suppressed``
    leaves out areas whose inhabitants CBS did not publish (they are listed as skipped).
    Errors about a mapped column name the file's header (``Aantal personen``), not the field.
    A row whose inhabitants equal the sum of all other areas gets a warning (a totals row?).
    ``ruleset`` is the rule set the areas are read for: where the file holds several municipalities,
    one of them the rule set's, only that one's areas are kept and the others counted in a notice.
    """
    table = read_table(path, sheet=sheet, columns=columns)
    where: dict[str, Any] = {"file": table.file, "sheet": table.sheet}
    frame = pd.DataFrame(table.rows, columns=pd.Index(table.header), dtype=object)
    frame, mapped_headers = apply_mapping(frame, columns or {}, where)
    renamed, headers = canonical_columns(frame, where)
    headers = {**headers, **mapped_headers}
    home = rule_municipality(ruleset) if ruleset is not None and not ruleset.national else None
    choice = Selection(level, municipality, home=home, skip_suppressed=skip_suppressed)
    selected = select_rows(renamed, table.row_numbers, choice, where, headers)
    if selected.frame.empty:
        left_out = "; ".join(notice.text("en") for notice in selected.notices)
        raise InputError(f"no areas left to allocate ({left_out})", **where)
    try:
        population = Population.from_frame(
            selected.frame,
            kind=kind,
            source=table.file,
            sheet=table.sheet,
            rows=selected.rows,
            notices=(*table.notices, *selected.notices),
            headers=headers,
            rows_read=len(table.rows),
            digest=sha256_of_file(Path(table.file)),
        )
    except InputError as error:
        raise _explain_empty_excel_cell(error, table) from None
    lookalikes = totals_lookalikes([int(count) for count in population.frame["inhabitants"]], population.rows)
    if not lookalikes:
        return population
    return dataclasses.replace(population, warnings=(*population.warnings, *lookalikes))


def _explain_empty_excel_cell(error: InputError, table: RawTable) -> InputError:
    """An 'empty' Excel cell may hold an error value or an uncomputed formula: say so."""
    if not (table.sheet and error.message.startswith("empty cell") and error.row and error.column):
        return error
    if error.column not in table.header:
        return error
    found = describe_empty_cell(Path(table.file), table.sheet, error.row, table.header.index(error.column))
    if found is None:
        return error
    return InputError(found, file=error.file, sheet=error.sheet, row=error.row, column=error.column)
