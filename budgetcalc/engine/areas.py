"""Find areas named in a rule file: by code first, then by name."""

from __future__ import annotations

from collections import defaultdict

from budgetcalc.errors import AllocationError
from budgetcalc.population import Population


class AreaIndex:
    """Positions of areas by code and by name, for exceptions, lists and expectations."""

    def __init__(self, population: Population) -> None:
        self._by_code = {code: position for position, code in enumerate(population.frame["code"])}
        by_name: defaultdict[str, list[int]] = defaultdict(list)
        for position, name in enumerate(population.frame["name"]):
            by_name[name].append(position)
        self._by_name = dict(by_name)
        self._source = population.source

    def find(self, reference: str) -> int | None:
        """The area with this code, or else with this name; ``None`` if there is none."""
        if reference in self._by_code:
            return self._by_code[reference]
        positions = self._by_name.get(reference, [])
        if len(positions) > 1:
            raise AllocationError(
                f"the name '{reference}' is used by {len(positions)} areas; name the area by its code"
            )
        return positions[0] if positions else None

    def require(self, reference: str, used_in: str) -> int:
        """Like :meth:`find`, but an unknown area is an error naming where the rule file uses it."""
        position = self.find(reference)
        if position is None:
            where = f" in {self._source}" if self._source else ""
            raise AllocationError(f"{used_in} names area '{reference}', which matches no code or name{where}")
        return position
