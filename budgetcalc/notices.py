"""Warnings: what may be right but deserves a look, worded in Dutch and English.

Errors stop the run and are in English; notices end up on the report, so they speak its language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from budgetcalc.labels import Lang

_TEMPLATES: dict[str, tuple[str, str]] = {
    "zero_inhabitants": (
        "{count} gebied(en) met 0 inwoners: {examples}",
        "{count} area(s) with 0 inhabitants: {examples}",
    ),
    "rows_skipped": (
        "{count} rij(en) overgeslagen, {reason}: rij {examples}",
        "{count} row(s) skipped, {reason}: row {examples}",
    ),
    "rows_not_selected": (
        "{count} rij(en) vallen buiten de selectie ({selection})",
        "{count} row(s) outside the selection ({selection})",
    ),
    "municipality_not_checked": (
        "van {count} gebied(en) is de gemeente niet bekend (bijv. {examples}): niet gecontroleerd of "
        "ze in {municipality} liggen; geef een kolom gemeente of gemeentecode, of CBS-codes",
        "for {count} area(s) the municipality is not known (e.g. {examples}): not checked whether "
        "they lie in {municipality}; give a municipality or municipality code column, or CBS codes",
    ),
    "municipality_conflict": (
        "{count} rij(en) noemen een andere gemeente dan hun CBS-code (bijv. {examples}); "
        "de CBS-code is aangehouden",
        "{count} row(s) name another municipality than their CBS code (e.g. {examples}); "
        "the CBS code was followed",
    ),
    "rows_other_municipality": (
        "{count} rij(en) van andere gemeenten weggelaten: de regeling geldt voor {municipality}",
        "{count} row(s) of other municipalities left out: the rule set is for {municipality}",
    ),
    "repeated_names": (
        "{count} naam/namen komen meer dan eens voor binnen een gemeente (bijv. {examples}); "
        "de gebieden zijn te onderscheiden aan hun code",
        "{count} name(s) occur more than once within a municipality (e.g. {examples}); "
        "the areas are told apart by their code",
    ),
    "totals_lookalike": (
        "rij {row} lijkt een totaalregel: de {inhabitants} inwoners zijn de som van alle andere "
        "gebieden; haal de regel weg als dat zo is, anders telt het totaal dubbel",
        "row {row} looks like a totals row: its {inhabitants} inhabitants are the sum of all other "
        "areas; remove the row if it is one, or the total counts twice",
    ),
    "component_applies_to_none": (
        "onderdeel '{component}' geldt voor geen enkel gebied; controleer 'applies_to'",
        "component '{component}' applies to no area; check its applies_to",
    ),
    "no_previous": (
        "de regeling heeft regels voor vorig jaar ({rules}), maar er is geen --previous gegeven: "
        "berekend zonder overgangsregeling en zonder overdracht",
        "the rule set has rules on last year ({rules}), but no --previous was given: computed without "
        "transition and without carry-over",
    ),
    "no_unspent": (
        "de regeling heeft [carry_over], maar vorig jaar heeft geen kolom met niet bestede bedragen: "
        "niets overgedragen",
        "the rule set has [carry_over], but last year has no column of unspent money: nothing carried over",
    ),
    "negative_amounts": (
        "{count} gebied(en) met een negatief bedrag (in {columns}): {examples}; klopt het minteken? "
        "Is het zo besloten, zet dan allow_negative_amounts = true in het regelbestand",
        "{count} area(s) with a negative amount (in {columns}): {examples}; is the minus sign right? "
        "If it was decided so, set allow_negative_amounts = true in the rule file",
    ),
    "read_as_windows_1252": (
        "het bestand is geen UTF-8 en is gelezen als Windows-1252 (bijv. '{example}' in rij {row}); "
        "controleer of namen met letters als é en ë goed zijn overgekomen, of sla het bestand op als "
        "UTF-8 (Excel: 'CSV UTF-8')",
        "the file is not UTF-8 and was read as Windows-1252 (e.g. '{example}' on row {row}); check that "
        "names with letters such as é and ë came through right, or save the file as UTF-8 "
        "(Excel: 'CSV UTF-8')",
    ),
    "areas_summed": (
        "{buurten} buurt(en) opgeteld tot {areas} gebied(en) volgens de gebiedsindeling {file}",
        "{buurten} buurt(en) summed into {areas} area(s) by the area mapping {file}",
    ),
    "areas_unmapped": (
        "{count} buurt(en) horen bij geen gebied van de gebiedsindeling en zijn niet meegeteld "
        "({inhabitants} inwoners): {examples}",
        "{count} buurt(en) belong to no area of the area mapping and were left out "
        "({inhabitants} inhabitants): {examples}",
    ),
    "areas_absent": (
        "{areas} gebied(en) van de gebiedsindeling hebben geen buurt in de bevolking en zijn "
        "weggelaten: {examples}",
        "{areas} area(s) of the area mapping have no buurt in the population and were left out: {examples}",
    ),
    "areas_names_differ": (
        "{rows} buurt(en) hebben in de gebiedsindeling een andere naam dan in de bevolking "
        "(bijv. {examples}); klopt de code?",
        "{rows} buurt(en) have another name in the area mapping than in the population "
        "(e.g. {examples}); is the code right?",
    ),
    "population_date": (
        "het bevolkingsbestand telt de inwoners op {date} (--population-date), maar de regels tellen ze op "
        "{reference_date} (peildatum voor begrotingsjaar {budget_year}): is dit het goede bestand?",
        "the population counts inhabitants on {date} (--population-date), but the rules count them on "
        "{reference_date} (the reference date for budget year {budget_year}): is this the right file?",
    ),
    "population_year": (
        "de naam van het bevolkingsbestand ({file}) noemt het jaar {year}, maar de regels tellen de "
        "inwoners op {reference_date} (peildatum voor begrotingsjaar {budget_year}): "
        "is dit het goede bestand?",
        "the population file's name ({file}) says {year}, but the rules count inhabitants on "
        "{reference_date} (the reference date for budget year {budget_year}): is this the right file?",
    ),
    # reasons for skipped rows, worded with the notice's values
    "reason_national_code": (
        "de regel voor heel Nederland (code {code})",
        "the row for the whole country (code {code})",
    ),
    "reason_national_name": (
        "de regel voor heel Nederland (naam '{name}', soort '{kind}', geen gemeentecode)",
        "the row for the whole country (name '{name}', kind '{kind}', no municipality code)",
    ),
    "reason_totals_code": ("een totaalregel (code '{code}')", "a totals row (code '{code}')"),
    "reason_totals_name": (
        "een totaalregel (geen gebiedscode, naam '{name}')",
        "a totals row (no area code, name '{name}')",
    ),
    "reason_totals_blank": (
        "een totaalregel (geen gebiedscode en geen naam)",
        "a totals row (no area code and no name)",
    ),
    "reason_suppressed": (
        "aantal inwoners niet gepubliceerd (geheim of onbekend)",
        "inhabitants suppressed (secret or unknown)",
    ),
}

ROWS_LEFT_OUT = frozenset(
    {"rows_skipped", "rows_not_selected", "rows_other_municipality", "areas_summed", "areas_unmapped"}
)
"""Notices whose ``count`` is rows of the population file not allocated as an area of their own: the
checks sheet verifies rows read = areas + these. ``areas_summed`` counts the buurten summed into an area
beyond its first one."""


@dataclass(frozen=True)
class Notice:
    """One warning: a template key and its values; ``text(lang)`` words it."""

    key: str
    values: dict[str, str | int] = field(default_factory=dict)

    def text(self, lang: Lang = "en") -> str:
        dutch, english = _TEMPLATES[self.key]
        values = {
            name: _translate(value, lang).format(**self.values)
            if name == "reason"
            else _grouped(value, lang)
            if name == "count" and isinstance(value, int) and not isinstance(value, bool)
            else value
            for name, value in self.values.items()
        }
        return (dutch if lang == "nl" else english).format(**values)

    def __str__(self) -> str:
        return self.text("en")


def _translate(key: str | int, lang: Lang) -> str:
    dutch, english = _TEMPLATES[str(key)]
    return dutch if lang == "nl" else english


def examples(items: list[str], shown: int = 5) -> str:
    """``a, b, c (+4)``: the first few items, and how many more."""
    head = ", ".join(items[:shown])
    rest = len(items) - shown
    return f"{head} (+{rest})" if rest > 0 else head


def _grouped(count: int, lang: Lang) -> str:
    """A count with its thousands grouped as the language writes them: ``18.297`` / ``18,297``."""
    text = f"{count:,}"
    return text.replace(",", ".") if lang == "nl" else text
