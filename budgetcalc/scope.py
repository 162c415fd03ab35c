"""Whether a rule set and a population belong together: the municipality a rule file names against
the municipality of every area (its municipality columns, or the GM/WK/BU code CBS gives it).

Westerkwartier's rules on Leeuwarden's wijken must not give a report titled "Westerkwartier". A
population that names no municipality at all (a municipality's own export with codes such as
``D01``) cannot be checked; the report says so. A national rule set (``national = true``) applies
to the areas of every municipality.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from budgetcalc.errors import AllocationError
from budgetcalc.notices import Notice
from budgetcalc.population import Population, cell_text
from budgetcalc.ruleset.model import RuleSet

CBS_AREA_CODE = re.compile(r"^(?:GM([0-9]{4})|WK([0-9]{4})[0-9A-Z]{2}|BU([0-9]{4})[0-9A-Z]{4})$")
"""A CBS code of a gemeente, wijk or buurt; the four digits after the letters are the municipality's
(Amsterdam's wijken and buurten have letters after them: ``WK0363AF``)."""
OTHER_MUNICIPALITY_OPTION = "--allow-other-municipality"


class ScopeStatus(StrEnum):
    """How the population's municipalities relate to the rule set's."""

    NATIONAL = "national"
    """The rule set applies to every municipality."""
    MATCHES = "matches"
    """Every area whose municipality is known lies in the rule set's municipality."""
    UNKNOWN = "unknown"
    """No area names its municipality: not checked."""
    MIXED = "mixed"
    """Some areas lie in the rule set's municipality, others elsewhere."""
    OTHER = "other"
    """No area lies in the rule set's municipality."""
    ALLOWED = "allowed"
    """Other municipalities' areas, on purpose (``allow_other_municipality``)."""


@dataclass(frozen=True)
class Municipality:
    """A municipality as the population names it: its CBS code and/or its name."""

    code: str
    name: str

    def describe(self) -> str:
        if self.code and self.name:
            return f"{self.name} ({self.code})"
        return self.name or self.code


@dataclass(frozen=True)
class Scope:
    """Each area's municipality, whether it is the rule set's, and the verdict."""

    status: ScopeStatus
    rule: Municipality
    matches: np.ndarray
    """Per area: True where the area lies in the rule set's municipality."""
    others: tuple[tuple[Municipality, int], ...]
    """The other municipalities found, most areas first, with their number of areas."""

    def describe_others(self, shown: int = 3) -> str:
        names = [f"{municipality.describe()}: {count:,} areas" for municipality, count in self.others[:shown]]
        rest = len(self.others) - shown
        return "; ".join(names) + (f"; and {rest} more municipalities" if rest > 0 else "")


def name_key(name: str) -> str:
    """A municipality name as people compare it: no accents, case, dashes or a leading 'gemeente'."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(character for character in decomposed if not unicodedata.combining(character))
    words = re.sub(r"[^0-9a-z]+", " ", plain.casefold()).split()
    if words[:1] == ["gemeente"] and len(words) > 1:
        words = words[1:]
    return " ".join(words)


def area_municipalities(population: Population) -> list[Municipality]:
    """Per area, its municipality as far as the population says: code from a municipality code
    column or the area's own CBS code, name from a municipality column (empty where unknown)."""
    frame = population.frame
    count = len(frame)
    codes = _column_texts(population, "municipality_code", count)
    names = _column_texts(population, "municipality", count)
    found = []
    for position, area_code in enumerate(frame["code"].tolist()):
        code = codes[position].upper()
        if not code:
            match = CBS_AREA_CODE.match(str(area_code).upper())
            if match:
                code = "GM" + next(group for group in match.groups() if group)
        found.append(Municipality(code, names[position]))
    code_of_name = {name_key(area.name): area.code for area in found if area.code and area.name}
    return [
        area
        if area.code or not area.name
        else Municipality(code_of_name.get(name_key(area.name), ""), area.name)
        for area in found
    ]


def _column_texts(population: Population, column: str, count: int) -> list[str]:
    if column not in population.frame.columns:
        return [""] * count
    return [cell_text(value) for value in population.frame[column].tolist()]


def scope_of(population: Population, ruleset: RuleSet, *, allow_other_municipality: bool = False) -> Scope:
    """How the population's areas lie against the municipality the rule set names."""
    rule = Municipality(ruleset.municipality_code or "", ruleset.municipality)
    areas = area_municipalities(population)
    matches = np.array([_same(area, rule) for area in areas], dtype=np.bool_)
    known = np.array([_comparable(area, rule) for area in areas], dtype=np.bool_)
    others = Counter(
        _identity(area)
        for area, ok, comparable in zip(areas, matches, known, strict=True)
        if comparable and not ok
    )
    listed = tuple(
        sorted(((_display(areas, key), n) for key, n in others.items()), key=lambda item: -item[1])
    )
    if ruleset.national:
        status = ScopeStatus.NATIONAL
    elif not known.any():
        status = ScopeStatus.UNKNOWN
    elif not others:
        status = ScopeStatus.MATCHES
    elif allow_other_municipality:
        status = ScopeStatus.ALLOWED
    elif matches.any():
        status = ScopeStatus.MIXED
    else:
        status = ScopeStatus.OTHER
    return Scope(status, rule, matches, listed)


def _comparable(area: Municipality, rule: Municipality) -> bool:
    return bool((area.code and rule.code) or area.name)


def _same(area: Municipality, rule: Municipality) -> bool:
    """Codes decide where both sides have one; else names, compared as people read them."""
    if area.code and rule.code:
        return area.code == rule.code
    return bool(area.name) and name_key(area.name) == name_key(rule.name)


def _identity(area: Municipality) -> str:
    return area.code or name_key(area.name)


def _display(areas: list[Municipality], key: str) -> Municipality:
    """The fullest description of a municipality found under ``key`` (a code with its name)."""
    candidates = [area for area in areas if _identity(area) == key]
    return max(candidates, key=lambda area: (bool(area.code), bool(area.name)))


def narrow_to_ruleset(population: Population, ruleset: RuleSet) -> Population:
    """Keep only the areas of the rule set's municipality when the population holds several
    municipalities, one of them the rule set's; the areas left out are counted in a notice.

    Any other population is returned as it is (``allocate`` then refuses a mismatch).
    """
    scope = scope_of(population, ruleset)
    if scope.status is not ScopeStatus.MIXED:
        return population
    keep = scope.matches
    left_out = int((~keep).sum())
    notice = Notice(
        "rows_other_municipality",
        {"count": left_out, "municipality": scope.rule.describe()},
    )
    positions = np.flatnonzero(keep)
    return dataclasses.replace(
        population,
        frame=population.frame.iloc[positions].reset_index(drop=True),
        rows=tuple(population.rows[int(p)] for p in positions) if population.rows else (),
        warnings=(*population.warnings, notice),
        _counts={},
    )


def require_scope(population: Population, ruleset: RuleSet, *, allow_other_municipality: bool) -> Scope:
    """The scope, or an error saying how to go on where the areas lie outside the rule set's municipality."""
    scope = scope_of(population, ruleset, allow_other_municipality=allow_other_municipality)
    if scope.status is ScopeStatus.OTHER:
        raise AllocationError(
            f"the rule set '{ruleset.name}' is for the municipality {scope.rule.describe()}, but the "
            f"population's areas lie in {scope.describe_others()}; use the rule file of that municipality, "
            f"or pass {OTHER_MUNICIPALITY_OPTION} to apply these rules to them on purpose",
            file=population.source,
        )
    if scope.status is ScopeStatus.MIXED:
        inside = int(scope.matches.sum())
        raise AllocationError(
            f"the population holds {inside:,} areas of {scope.rule.describe()} (the rule set's municipality) "
            f"and areas of other municipalities ({scope.describe_others()}); choose one with --municipality",
            file=population.source,
        )
    return scope
