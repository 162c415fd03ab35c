"""Which areas a component or bracket applies to, as a boolean mask."""

from __future__ import annotations

import numpy as np

from budgetcalc.engine.areas import AreaIndex, Lookup
from budgetcalc.errors import AllocationError
from budgetcalc.exact import BoolArray
from budgetcalc.population import Population, cell_text
from budgetcalc.ruleset.model import Condition
from budgetcalc.text import normal_text


def condition_mask(
    condition: Condition | None, population: Population, areas: AreaIndex, used_in: str
) -> BoolArray:
    """True for each area that meets every part of ``condition`` (all areas when there is none)."""
    frame = population.frame
    mask = np.ones(len(population), dtype=np.bool_)
    if condition is None:
        return mask
    if condition.kind is not None:
        if not population.has_kinds():
            raise AllocationError(
                f"{used_in} depends on the kind of area, but the population has no kind for every "
                "area; add a 'kind' (soort) column or pass --kind"
            )
        kinds = {normal_text(kind).lower() for kind in condition.kind}  # read as the table's kinds
        mask &= frame["kind"].isin(kinds).to_numpy()
    lists: tuple[tuple[tuple[str, ...] | None, bool, Lookup], ...] = (
        (condition.codes, True, "code"),
        (condition.names, True, "name"),
        (condition.exclude_codes, False, "code"),
        (condition.exclude_names, False, "name"),
    )
    for references, include, by in lists:
        if references is None:
            continue
        listed = np.zeros(len(population), dtype=np.bool_)
        for reference in references:
            listed[areas.require(reference, used_in, by)] = True
        mask &= listed if include else ~listed
    for column, values in (condition.attribute or {}).items():
        if column not in frame.columns:
            raise AllocationError(f"{used_in} needs the column '{column}', which the population lacks")
        # Read as a person reads them, and case does not count: "Plaatselijk  Belang" meets
        # "plaatselijk belang".
        texts = [cell_text(value).casefold() for value in frame[column].to_numpy(dtype=object)]
        wanted = {normal_text(value).casefold() for value in values}
        mask &= np.array([text in wanted for text in texts], dtype=np.bool_)
    return mask
