"""Find areas named in a rule file: by code first, then by name."""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

from budgetcalc.errors import AllocationError
from budgetcalc.population import Population

Lookup = Literal["code", "name", "code_or_name"]


class AreaIndex:
    """Positions of areas by code and by name, for exceptions, lists and expectations."""

    def __init__(self, population: Population) -> None:
        self._by_code = {code: position for position, code in enumerate(population.frame["code"])}
        by_name: defaultdict[str, list[int]] = defaultdict(list)
        for position, name in enumerate(population.frame["name"]):
            by_name[name].append(position)
        self._by_name = dict(by_name)
        self._source = population.source

    def find(self, reference: str, by: Lookup = "code_or_name") -> int | None:
        """The area with this code, or else with this name; ``None`` if there is none.

        ``by`` limits the search to codes or to names (for ``codes = [...]`` and ``names = [...]``).
        """
        if by != "name" and reference in self._by_code:
            return self._by_code[reference]
        if by == "code":
            return None
        positions = self._by_name.get(reference, [])
        if len(positions) > 1:
            raise AllocationError(
                f"the name '{reference}' is used by {len(positions)} areas; name the area by its code"
            )
        return positions[0] if positions else None

    def require(self, reference: str, used_in: str, by: Lookup = "code_or_name") -> int:
        """Like :meth:`find`, but an unknown area is an error naming where the rule file uses it."""
        position = self.find(reference, by)
        if position is None:
            where = f" in {self._source}" if self._source else ""
            what = {"code": "no code", "name": "no name", "code_or_name": "no code or name"}[by]
            raise AllocationError(f"{used_in} names area '{reference}', which matches {what}{where}")
        return position
