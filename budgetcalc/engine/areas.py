"""Find areas named in a rule file, by code or by name, each reference to exactly one area."""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

from budgetcalc.errors import AllocationError
from budgetcalc.population import Population, TextError, checked_text

Lookup = Literal["code", "name", "code_or_name"]


class AreaIndex:
    """Positions of areas by code and by name, for exceptions, lists, per_area amounts and expectations.

    References are read as the population's codes and names are (:func:`normal_text`): invisible
    characters, other spaces and decomposed letters do not keep a reference from its area.
    """

    def __init__(self, population: Population) -> None:
        self._population = population
        self._by_code = {code: position for position, code in enumerate(population.frame["code"])}
        by_name: defaultdict[str, list[int]] = defaultdict(list)
        for position, name in enumerate(population.frame["name"]):
            by_name[name].append(position)
        self._by_name = dict(by_name)
        self._source = population.source

    def find(self, reference: str, by: Lookup = "code_or_name", used_in: str = "the rule file") -> int | None:
        """The area with this code or name; ``None`` if there is none.

        ``by`` limits the search to codes or to names (for ``codes = [...]`` and ``names = [...]``).
        A reference that is one area's code and another area's name, or the name of several areas,
        is an error: it must point at exactly one area.
        """
        try:
            text = checked_text(reference, limit=None)
        except TextError as problem:
            raise AllocationError(f"{used_in} names area {reference!r}: {problem}") from None
        by_code = self._by_code.get(text) if by != "name" else None
        if by == "code":
            return by_code
        positions = self._by_name.get(text, [])
        if len(positions) > 1:
            raise AllocationError(
                f"{used_in}: the name '{text}' is used by {len(positions)} areas; name the area by "
                f"its code ({self._codes(positions)})"
            )
        by_name = positions[0] if positions else None
        if by_code is not None and by_name is not None and by_code != by_name:
            raise AllocationError(
                f"{used_in} names area '{text}', which is the code of area {self._describe(by_code)} and "
                f"the name of area {self._describe(by_name, show_code=True)}; to mean the latter write its "
                f"code, to mean the former change its code or the other area's name in the population file"
            )
        return by_code if by_code is not None else by_name

    def require(self, reference: str, used_in: str, by: Lookup = "code_or_name") -> int:
        """Like :meth:`find`, but an unknown area is an error naming where the rule file uses it."""
        position = self.find(reference, by, used_in)
        if position is None:
            where = f" in {self._source}" if self._source else ""
            what = {"code": "no code", "name": "no name", "code_or_name": "no code or name"}[by]
            raise AllocationError(f"{used_in} names area '{reference}', which matches {what}{where}")
        return position

    def _describe(self, position: int, *, show_code: bool = False) -> str:
        """An area for a message by its name, ``'Dorp A' (row 2)``, or by its code, ``D02 (row 3)``."""
        frame = self._population.frame
        row = self._population.row_of(position)
        shown = frame["code"].iloc[position] if show_code else f"'{frame['name'].iloc[position]}'"
        return f"{shown} (row {row})"

    def _codes(self, positions: list[int]) -> str:
        codes = [str(self._population.frame["code"].iloc[position]) for position in positions]
        return ", ".join(codes[:5]) + (f" (+{len(codes) - 5})" if len(codes) > 5 else "")
