"""Column names: the canonical fields and the Dutch, English and CBS headers that mean them."""

from __future__ import annotations

import re

from budgetcalc.text import normal_text

REQUIRED = ("code", "name", "inhabitants")

WHOLE_COUNT_COLUMNS = frozenset({"inhabitants", "households", "dwellings"})
"""Columns that only hold whole numbers: ``1.234`` is 1234 there, and 499 and 500 have nothing between."""

ALIASES: dict[str, tuple[str, ...]] = {
    "code": (
        "code",
        "gebiedscode",
        "wijkcode",
        "dorpscode",
        "buurtcode",
        "regiocode",
        "codering",
        "gwb code 10",
        "gwb code",
        "regioaanduiding codering code",
    ),
    "name": (
        "name",
        "naam",
        "gebied",
        "gebiedsnaam",
        "wijknaam",
        "dorpsnaam",
        "kern",
        "wijk",
        "dorp",
        "regio",
        "wijken en buurten",
    ),
    "kind": (
        "kind",
        "soort",
        "soort gebied",
        "gebiedstype",
        "type gebied",
        "level",
        "niveau",
        "recs",
        "soort regio",
        "regioaanduiding soort regio omschrijving",
    ),
    "inhabitants": (
        "inhabitants",
        "inwoners",
        "aantal inwoners",
        "inwonertal",
        "inwonersaantal",
        "inw",
        "bevolking",
        "a inw",
        "bevolking aantal inwoners aantal",
    ),
    "households": ("households", "huishoudens", "aantal huishoudens", "a hh"),
    "dwellings": ("dwellings", "woningen", "aantal woningen", "woningvoorraad", "a woning"),
    "municipality": (
        "municipality",
        "municipality name",
        "gemeente",
        "gemeentenaam",
        "gm naam",
        "regioaanduiding gemeentenaam naam",
    ),
    "municipality_code": ("municipality code", "gemeentecode", "gm code"),
}

_BY_ALIAS = {alias: field for field, aliases in ALIASES.items() for alias in aliases}
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise_header(header: object) -> str:
    """Lower case, runs of other characters as one space: ``'Aantal_Inwoners '`` -> ``'aantal inwoners'``.

    Invisible characters (a zero-width space, a stray byte-order mark) are removed first, so a header
    that looks like ``inwoners`` is ``inwoners``."""
    return _NON_WORD.sub(" ", normal_text(str(header)).lower()).strip()


def canonical_name(header: object) -> str:
    """The field a header means: a known alias, or the header itself in snake case."""
    normal = normalise_header(header)
    return _BY_ALIAS.get(normal, normal.replace(" ", "_"))
