"""Every shipped rule file's ``valid_from`` is the date its rule takes effect, not the date it was adopted.

Each date below comes from the source named in the parameter id: a published date of entry into force
("geldend van", "met terugwerkende kracht vanaf") where there is one, else the first budget year the
source names, which the rule file records as a BESLUIT. The adoption date ("vastgesteld") is written
next to it where it is known, so that an edit back to it fails here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from budgetcalc import load_ruleset

RULES = Path(__file__).resolve().parent.parent / "rules"

# (rule file, the date it takes effect, the source of that date and the adoption date where known)
DATES = [
    ("westerkwartier-2022", date(2022, 6, 18),
     "'Geldend van 18-06-2022' CVDR678045/1 (vastgesteld 7 juni 2022)"),
    ("weststellingwerf-2024", date(2024, 1, 1),
     "'met terugwerkende kracht vanaf 01-01-2024' CVDR714871/2 (geldend van 22-05-2024)"),
    ("voorst-2023", date(2023, 1, 1),
     "'Geldend van 01-01-2023' CVDR690482/1 (vastgesteld 20 december 2022)"),
    ("waadhoeke-2018", date(2018, 1, 1),
     "first year, 'de jaren 2018, 2019, 2020 en 2021' franekeractueel.nl (bericht 29-11-2018)"),
    ("borger-odoorn-2020", date(2020, 1, 1),
     "first budget year, 'Voor dit jaar' rtvdrenthe.nl 157009 (vastgesteld februari 2020, gmb 13-03-2020)"),
    ("leeuwarden-2014", date(2014, 1, 1),
     "budget year 2014, herindeling 1-1-2014, halloleeuwarden.nl (vastgesteld 25 maart 2014)"),
    ("noordoostpolder-2024", date(2024, 1, 1),
     "budget year 2024, onsnoordoostpolder.nl (raad 25 maart 2024)"),
    ("de-zuidlanden-2013", date(2013, 1, 1),
     "budget year 2013, 'Wijkbudget de Zuidlanden 2013' (bericht december 2012)"),
    ("sportakkoord-2019", date(2019, 1, 1),
     "'vanaf jaar 1 (2019)', sportakkoordleeuwarden.nl"),
    ("franekeradeel-harlingen", date(2014, 1, 1),
     "execution began in 2014, harlingerdagblad.nl (no date published)"),
    ("leeuwarden-2015", date(2015, 1, 1),
     "year of the 2015 presentation (no decision, no date published)"),
    ("het-hogeland", date(2021, 1, 20),
     "'geldend van 20-01-2021' CVDR632889/4, the version with the halved amounts"),
    ("steenwijkerland", date(2022, 1, 1),
     "first year with a published organisatiegeld (EUR 1,290 in 2022), steenwijkerland.nl"),
    ("opsterland", date(2016, 1, 1),
     "first year with a published amount (Wijnjewoude 2016), wijnjewoude.net"),
]  # fmt: skip

# The last day of the rule files that end (valid_until), with the source of that date.
ENDS = [
    ("het-hogeland", date(2026, 12, 31), "'zet dorpsbudget voort tot 1 januari 2027', adorp.com"),
    ("steenwijkerland", date(2023, 12, 31), "last year with published amounts (organisatiegeld 2023)"),
    ("opsterland", date(2021, 12, 31), "the rate rose in 2022; the new rate is not published"),
]


@pytest.mark.parametrize(
    ("stem", "effective"), [pytest.param(stem, day, id=f"{stem}: {source}") for stem, day, source in DATES]
)
def test_valid_from_is_the_date_the_rule_takes_effect(stem: str, effective: date) -> None:
    assert load_ruleset(RULES / f"{stem}.toml").valid_from == effective


def test_every_shipped_rule_file_has_its_date_pinned() -> None:
    pinned = {stem for stem, _, _ in DATES}
    shipped = {path.stem for path in RULES.glob("*.toml")}
    assert shipped == pinned, (
        "pin the valid_from of every shipped rule file in tests/test_rule_dates.py, with its source"
    )


@pytest.mark.parametrize(
    ("stem", "last_day"), [pytest.param(stem, day, id=f"{stem}: {source}") for stem, day, source in ENDS]
)
def test_valid_until_is_the_last_day_the_rule_is_in_force(stem: str, last_day: date) -> None:
    assert load_ruleset(RULES / f"{stem}.toml").valid_until == last_day
