"""Whether a rule set and a population belong together: the municipality a rule file names against
the municipality of every area (its municipality columns, or the GM/WK/BU code CBS gives it).

Westerkwartier's rules on Leeuwarden's wijken must not give a report titled "Westerkwartier". A
population that names no municipality at all (a municipality's own export with codes such as
``D01``) cannot be checked; the report says so. A national rule set (``national = true``) applies
to the areas of every municipality.
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from budgetcalc.errors import AllocationError
from budgetcalc.notices import Notice, examples
from budgetcalc.population import Population, cell_text
from budgetcalc.ruleset.model import RuleSet

CBS_AREA_CODE = re.compile(r"^(?:GM([0-9]{4})|WK([0-9]{4})[0-9A-Z]{2}|BU([0-9]{4})[0-9A-Z]{4})$")
"""A CBS code of a gemeente, wijk or buurt; the four digits after the letters are the municipality's
(Amsterdam's wijken and buurten have letters after them: ``WK0363AF``)."""
OTHER_MUNICIPALITY_OPTION = "--allow-other-municipality"
MUNICIPALITY_NUMBER = re.compile(r"^(?:GM)?\s*([0-9]{1,4})$")
"""A municipality code as files write it: ``GM0080``, ``gm80``, ``0080`` or the number ``80``."""


@functools.cache
def known_municipalities() -> dict[str, str]:
    """The 342 municipalities of 2024 by CBS code (source: CBS Kerncijfers wijken en buurten 2024,
    CC BY 4.0), to put a code to a name and a name to a code."""
    text = importlib.resources.files("budgetcalc").joinpath("data/gemeenten-2024.csv").read_text("utf-8")
    return {row["code"]: row["name"] for row in csv.DictReader(io.StringIO(text))}


@functools.cache
def _codes_by_name() -> dict[str, str]:
    return {name_key(name): code for code, name in known_municipalities().items()}


def municipality_code(text: str) -> str:
    """A municipality code in CBS's form (``GM0080``) where ``text`` is one; else ``text`` as written."""
    found = MUNICIPALITY_NUMBER.match(text.strip().upper())
    return f"GM{int(found.group(1)):04d}" if found else text.strip().upper()


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
    conflict: str = field(default="", compare=False)
    """Where the row says otherwise: the name or code that disagrees with ``code``."""

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
    """The municipality a rule set names; without ``municipality_code``, the code of a 2024
    municipality of that name."""
    code = ruleset.municipality_code or _codes_by_name().get(name_key(ruleset.municipality), "")
    return Municipality(code, ruleset.municipality)


@dataclass(frozen=True)
class Scope:
    """Each area's municipality, whether it is the rule set's, and the verdict."""

    status: ScopeStatus
    rule: Municipality
    matches: np.ndarray
    """Per area: True where the area lies in the rule set's municipality."""
    others: tuple[tuple[Municipality, int], ...]
    """The other municipalities found, most areas first, with their number of areas."""
    unknown: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))
    """Per area: True where the population does not say which municipality the area lies in."""
    conflicts: tuple[tuple[int, Municipality], ...] = ()
    """Areas whose row names another municipality than their code, with what it names."""

    def notices(self, codes: list[str]) -> tuple[Notice, ...]:
        """Warnings for some areas not checked where others were (a file that names no municipality at
        all, a municipality's own export, gets only the "not checked" line of the checks), and for rows
        that contradict themselves."""
        found = []
        if self.status is not ScopeStatus.NATIONAL and self.unknown.any() and not self.unknown.all():
            unchecked = [codes[position] for position in np.flatnonzero(self.unknown).tolist()]
            values: dict[str, str | int] = {
                "count": len(unchecked),
                "examples": examples(unchecked),
                "municipality": self.rule.describe(),
            }
            found.append(Notice("municipality_not_checked", values))
        if self.conflicts:
            shown = [f"{codes[position]}: {area.conflict} / {area.code}" for position, area in self.conflicts]
            found.append(
                Notice("municipality_conflict", {"count": len(shown), "examples": examples(shown, 3)})
            )
        return tuple(found)

    def describe_others(self, shown: int = 3) -> str:
        names = [f"{municipality.describe()}: {count:,} areas" for municipality, count in self.others[:shown]]
        rest = len(self.others) - shown
        return "; ".join(names) + (f"; and {rest} more municipalities" if rest > 0 else "")


@functools.lru_cache(maxsize=4096)  # a national file repeats some 350 names 40,000 times
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
    """Per row, its municipality: the code from a municipality code column (``GM0080``, ``80``) or the
    area's own CBS code, the name from a municipality column. A name without a code gets the code it
    has elsewhere in the file, else a 2024 municipality's; a code without a name gets its 2024 name.
    A row whose code and name (or whose two codes) disagree keeps the code and notes the conflict."""
    known = known_municipalities()
    found = []
    for area_code, given_code, name in zip(codes, municipality_codes, names, strict=True):
        code = municipality_code(given_code) if given_code else ""
        conflict = ""
        match = CBS_AREA_CODE.match(area_code.upper())
        if match:
            own = "GM" + next(group for group in match.groups() if group)
            if code and code != own:
                conflict = code
            code = own
        if code and name and code in known and name_key(known[code]) != name_key(name):
            conflict = conflict or name
        found.append(Municipality(code, name, conflict))
    code_of_name = {name_key(area.name): area.code for area in found if area.code and area.name}
    by_name = _codes_by_name()
    return [
        Municipality(
            area.code or code_of_name.get(name_key(area.name), "") or by_name.get(name_key(area.name), ""),
            area.name or known.get(area.code, ""),
            area.conflict,
        )
        if not (area.code and area.name)
        else area
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
    conflicts = tuple((position, area) for position, area in enumerate(areas) if area.conflict)
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
    return Scope(status, rule, matches, listed, ~known, conflicts)


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
