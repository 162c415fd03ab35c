"""The rule set's exceptions, resolved to areas: each area at most once per component or total."""

from __future__ import annotations

from dataclasses import dataclass, field

from budgetcalc.engine.areas import AreaIndex
from budgetcalc.errors import AllocationError
from budgetcalc.ruleset.model import AreaException, RuleSet


@dataclass(frozen=True)
class ResolvedExceptions:
    """Exceptions by area position: on the total, and per component."""

    total: dict[int, AreaException] = field(default_factory=dict)
    components: dict[str, dict[int, AreaException]] = field(default_factory=dict)


def resolve_exceptions(ruleset: RuleSet, areas: AreaIndex) -> ResolvedExceptions:
    """Find each exception's area; two exceptions for one area (by code and by name) are an error."""
    resolved = ResolvedExceptions()
    for entry in ruleset.exceptions:
        target = "the total" if entry.component is None else f"component '{entry.component}'"
        position = areas.require(entry.area, f"an exception on {target}")
        table = (
            resolved.total if entry.component is None else resolved.components.setdefault(entry.component, {})
        )
        if position in table:
            raise AllocationError(
                f"two exceptions on {target} for one area: '{table[position].area}' and '{entry.area}'"
            )
        table[position] = entry
    for component, table in resolved.components.items():
        for position, entry in table.items():
            if position in resolved.total:
                raise AllocationError(
                    f"area '{entry.area}' has an exception on component '{component}' and one on its total "
                    f"('{resolved.total[position].area}'); the total exception already sets everything"
                )
    return resolved
