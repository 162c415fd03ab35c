"""Whether a rule set and a population belong together: the municipality a rule file names against
the municipality of every area (its municipality columns, or the GM/WK/BU code CBS gives it).

Westerkwartier's rules on Leeuwarden's wijken must not give a report titled "Westerkwartier". A
population that names no municipality at all (a municipality's own export with codes such as
``D01``) cannot be checked; the report says so. A national rule set (``national = true``) applies
to the areas of every municipality.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from budgetcalc.errors import AllocationError
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

    def comparable(self, rule: Municipality) -> bool:
        """Whether this area's municipality can be compared with the rule set's at all."""
        return bool((self.code and rule.code) or self.name)

    def same_as(self, rule: Municipality) -> bool:
        """Codes decide where both sides have one; else names, compared as people read them."""
        if self.code and rule.code:
            return self.code == rule.code
        return bool(self.name) and name_key(self.name) == name_key(rule.name)

    def identity(self) -> str:
        return self.code or name_key(self.name)


def rule_municipality(ruleset: RuleSet) -> Municipality:
    """The municipality a rule set names."""
    return Municipality(ruleset.municipality_code or "", ruleset.municipality)


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
    """Per area, its municipality as far as the population says (see :func:`municipalities_of`)."""
    frame = population.frame

    def texts(column: str) -> list[str]:
        if column not in frame.columns:
            return [""] * len(frame)
        return [cell_text(value) for value in frame[column].tolist()]

    return municipalities_of(texts("code"), texts("municipality_code"), texts("municipality"))


def municipalities_of(
    codes: list[str], municipality_codes: list[str], names: list[str]
) -> list[Municipality]:
    """Per row, its municipality: the code from a municipality code column or the area's own CBS code,
    the name from a municipality column; a name seen elsewhere with a code gets that code."""
    found = []
    for area_code, given_code, name in zip(codes, municipality_codes, names, strict=True):
        code = given_code.upper()
        if not code:
            match = CBS_AREA_CODE.match(area_code.upper())
            if match:
                code = "GM" + next(group for group in match.groups() if group)
        found.append(Municipality(code, name))
    code_of_name = {name_key(area.name): area.code for area in found if area.code and area.name}
    return [
        area
        if area.code or not area.name
        else Municipality(code_of_name.get(name_key(area.name), ""), area.name)
        for area in found
    ]


def scope_of(population: Population, ruleset: RuleSet, *, allow_other_municipality: bool = False) -> Scope:
    """How the population's areas lie against the municipality the rule set names (worked out once
    per population and municipality)."""
    rule = rule_municipality(ruleset)
    key = f"scope {rule.code} {rule.name} {ruleset.national} {allow_other_municipality}"
    return population.derived(
        key, lambda _: _scope(population, rule, ruleset.national, allow_other_municipality)
    )


def _scope(
    population: Population, rule: Municipality, national: bool, allow_other_municipality: bool
) -> Scope:
    if national:
        return Scope(ScopeStatus.NATIONAL, rule, np.ones(len(population), dtype=np.bool_), ())
    areas = population.derived("municipalities", area_municipalities)
    verdicts = {area: (area.same_as(rule), area.comparable(rule)) for area in set(areas)}
    matches = np.array([verdicts[area][0] for area in areas], dtype=np.bool_)
    known = np.array([verdicts[area][1] for area in areas], dtype=np.bool_)
    others: Counter[str] = Counter()
    fullest: dict[str, Municipality] = {}  # per municipality, its description with a code and a name
    for area in areas:
        same, comparable = verdicts[area]
        if comparable and not same:
            key = area.identity()
            others[key] += 1
            if key not in fullest or (bool(area.code), bool(area.name)) > _fullness(fullest[key]):
                fullest[key] = area
    listed = tuple(sorted(((fullest[key], n) for key, n in others.items()), key=lambda item: -item[1]))
    if not known.any():
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


def _fullness(area: Municipality) -> tuple[bool, bool]:
    return (bool(area.code), bool(area.name))


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
