"""Report labels and phrases in Dutch (default) and English."""

from __future__ import annotations

import functools
import re
from datetime import date
from typing import Literal

Lang = Literal["nl", "en"]

_LABELS: dict[str, tuple[str, str]] = {
    # columns
    "code": ("Gebiedscode", "Area code"),
    "name": ("Naam", "Name"),
    "kind": ("Soort", "Kind"),
    "inhabitants": ("Inwoners", "Inhabitants"),
    "total_adjustment": ("Correctie op totaal", "Total adjustment"),
    # last year (--previous): columns, statuses and the transition rules
    "transition": ("Overgangsregeling", "Transition"),
    "previous": ("Vorig jaar", "Last year"),
    "change": ("Verschil", "Change"),
    "change_percent": ("Verschil %", "Change %"),
    "transition_rule": ("Overgangsregel", "Transition rule"),
    "carried_over": ("Overgedragen", "Carried over"),
    "available": ("Beschikbaar", "Available"),
    "carried_years": ("Jaren overgedragen", "Years carried"),
    "unspent": ("Niet besteed", "Unspent"),
    "status": ("Status", "Status"),
    "status_new": ("nieuw", "new"),
    "status_gone": ("vervallen", "gone"),
    "gone_areas": (
        "Vervallen gebieden (vorig jaar wel, dit jaar niet)",
        "Gone areas (last year, not this year)",
    ),
    "total_previous": ("Totaal vorig jaar", "Total last year"),
    "total_change": ("Verschil met vorig jaar", "Change from last year"),
    "transition_cost": ("Kosten overgangsregeling", "Cost of the transition"),
    "carried_total": ("Totaal overgedragen", "Total carried over"),
    "returned_total": ("Niet overgedragen, terug", "Not carried over, returned"),
    "phase": ("ingroeien", "phase"),
    "max_increase_percent": ("maximale stijging", "maximum increase"),
    "max_increase": ("maximale stijging", "maximum increase"),
    "max_decrease_percent": ("maximale daling", "maximum decrease"),
    "max_decrease": ("maximale daling", "maximum decrease"),
    "hold_harmless": ("niet lager dan vorig jaar", "not below last year"),
    "floor": ("bodem", "floor"),
    "last_year_amount": ("vorig jaar", "last year"),
    "no_last_year": ("nieuw gebied: geen bedrag vorig jaar", "new area: no amount last year"),
    "rule_amount": ("volgens de regels", "by the rules"),
    "no_transition_exception": (
        "de uitzondering staat, geen overgangsregel",
        "the exception stands, no transition rule",
    ),
    "phase_year": (
        "ingroeien, jaar {year} van {years}: 1/{left} van het verschil",
        "phase, year {year} of {years}: 1/{left} of the difference",
    ),
    "capped_at": ("begrensd op", "capped at"),
    "raised_to": ("verhoogd tot", "raised to"),
    "unspent_money": ("niet besteed vorig jaar", "unspent last year"),
    "kept": ("blijft bij het gebied", "stays with the area"),
    "kept_maximum": ("tot het maximum", "up to the maximum"),
    "kept_max_years": (
        "niet: al {years} jaar op rij overgedragen",
        "not: already carried {years} years in a row",
    ),
    "not_kept": ("niet overgedragen", "not carried over"),
    "returned_to_pot": ("de rest gaat naar pot", "the rest goes to pot"),
    "returned_to_municipality": (
        "de rest gaat terug naar de gemeente",
        "the rest goes back to the municipality",
    ),
    "total": ("Totaal", "Total"),
    "bracket": ("Staffel", "Bracket"),
    "explanation": ("Toelichting", "Explanation"),
    # sheets
    "sheet_summary": ("Samenvatting", "Summary"),
    "sheet_allocation": ("Verdeling", "Allocation"),
    "sheet_rules": ("Regels", "Rules"),
    "sheet_checks": ("Controles", "Checks"),
    "sheet_comparison": ("Vergelijking", "Comparison"),
    "sheet_calculation": ("Berekening", "Calculation"),
    "sheet_input": ("Invoer", "Input"),
    "sheet_parameters": ("Parameters", "Parameters"),
    "sheet_charts": ("Grafieken", "Charts"),
    "base": ("Basis", "Base"),
    "difference": ("verschil", "difference"),
    "per_area_chart": ("per gebied, oplopend", "per area, ascending"),
    "staffel_curve": ("Bedrag per gebied tegen inwoners", "Amount per area against inhabitants"),
    "amount": ("Bedrag", "Amount"),
    "sheet_overview": ("Overzicht", "Overview"),
    "against": ("tegen", "against"),
    "gain_lose": ("{gain} gebieden erop vooruit, {lose} erop achteruit", "{gain} areas gain, {lose} lose"),
    "gain_lose_kind": ("{gain} vooruit, {lose} achteruit", "{gain} gain, {lose} lose"),
    "rule_fixed": ("Vast bedrag", "Fixed amount"),
    "rule_rate": ("Bedrag", "Amount"),
    "rule_minimum": ("Minimum", "Minimum"),
    "rule_maximum": ("Maximum", "Maximum"),
    "rule_rounding": ("Afronding", "Rounding"),
    "rule_applies_to": ("Geldt voor", "Applies to"),
    "rule_note": ("Toelichting", "Note"),
    "rule_per_area": ("Bedrag voor", "Amount for"),
    "rule_exception": ("Uitzondering", "Exception"),
    "rule_expected": ("Gepubliceerd bedrag", "Published amount"),
    "rule_marginal": ("over het deel boven", "on the part above"),
    "budget_year": ("Begrotingsjaar", "Budget year"),
    "word_from": ("vanaf", "from"),
    "word_more_than": ("meer dan", "more than"),
    "word_below": ("tot", "under"),
    "word_below_between": ("tot", "to under"),
    "word_through": ("tot en met", "up to and including"),
    "word_through_between": ("tot en met", "through"),
    "word_kind": ("soort", "kind"),
    "word_areas": ("de gebieden", "the areas"),
    "word_where": ("waar", "where"),
    "word_is": ("is", "is"),
    "word_not": ("niet", "not"),
    "or": ("of", "or"),
    "and": ("en", "and"),
    "others": ("andere", "others"),
    "sheet_provenance": ("Herkomst", "Provenance"),
    "language": ("Taal van het rapport", "Report language"),
    "reading": ("Wat het inlezen vond", "What reading found"),
    "area_municipalities": ("Gemeente per gebied", "Municipality per area"),
    "previous_file": ("Verdeling vorig jaar (--previous)", "Last year's allocation (--previous)"),
    "previous_rows": ("Vorig jaar zoals ingelezen", "Last year as read"),
    "override": ("Gewijzigde waarde (--set)", "Value changed (--set)"),
    "option": ("Optie bij het inlezen", "Reading option"),
    "input_sheet": ("Blad met de invoer", "Sheet with the input"),
    "input_columns": ("Kolommen van de invoer", "Columns of the input"),
    "rule_text": ("Volledige tekst van het regelbestand", "Full text of the rule file"),
    "sheet_sweep": ("Varianten", "Sweep"),
    "scenario": ("Scenario", "Scenario"),
    "rationale": ("Toelichting", "Rationale"),
    "base_total": ("Totaal basis", "Base total"),
    "scenario_total": ("Totaal scenario", "Scenario total"),
    "areas_gaining": ("Gebieden erop vooruit", "Areas gaining"),
    "areas_losing": ("Gebieden erop achteruit", "Areas losing"),
    "per_kind": ("Per soort (vooruit / achteruit)", "Per kind (gain / lose)"),
    "losing_more_than": ("Meer achteruit dan", "Losing more than"),
    "none": ("geen", "none"),
    "largest_loss": ("Grootste achteruitgang", "Largest loss"),
    "error": ("Fout", "Error"),
    "varied": ("Gevarieerd", "Varied"),
    "value_in_rules": ("waarde in het regelbestand", "value in the rule file"),
    "scenario_count": ("Aantal varianten", "Number of scenarios"),
    "losing_against": (
        "Achteruit: tegen de waarden van het regelbestand",
        "Losing: against the rule file's values",
    ),
    "sweep_chart": ("Totaal tegen de gevarieerde waarde", "Total against the varied value"),
    "chart_first_values": (
        "De grafiek toont de eerste {count} waarden van",
        "The chart shows the first {count} values of",
    ),
    # summary
    "ruleset": ("Regeling", "Rule set"),
    "municipality": ("Gemeente", "Municipality"),
    "decision": ("Besluit", "Decision"),
    "source": ("Bron", "Source"),
    "valid_from": ("Geldig vanaf", "Valid from"),
    "reference_date": ("Peildatum inwoners", "Population reference date"),
    "valid_until": ("Geldig tot en met", "Valid until"),
    "values_on": ("Waarden geldend op", "Values in force on"),
    "chosen_asked": ("gekozen met --year", "chosen with --year"),
    "chosen_rule_file": ("het jaar van het regelbestand", "the rule file's own year"),
    "chosen_newest": (
        "het nieuwste jaar van het regelbestand; kies een ander met --year",
        "the newest year of the rule file; choose another with --year",
    ),
    "values_over_time": ("Waarden per datum", "Values over time"),
    "true": ("ja", "yes"),
    "false": ("nee", "no"),
    "rule_carry_over_keep": ("Niet bestede bedragen blijven beschikbaar", "Unspent money stays available"),
    "from_date": ("vanaf", "from"),
    "indexed": ("geïndexeerd", "indexed"),
    "population_file": ("Bevolkingsbestand", "Population file"),
    "areas": ("Aantal gebieden", "Number of areas"),
    "total_inhabitants": ("Totaal inwoners", "Total inhabitants"),
    "grand_total": ("Totaal te verdelen", "Total allocated"),
    "smallest": ("Laagste bedrag", "Smallest amount"),
    "largest": ("Hoogste bedrag", "Largest amount"),
    "generated_by": ("Berekend met", "Computed with"),
    # rules sheet
    "component": ("Onderdeel", "Component"),
    "rule": ("Regel", "Rule"),
    "value": ("Waarde", "Value"),
    "note": ("Toelichting", "Note"),
    # calculation, input and parameter sheets (re-perform in Excel)
    "applies": ("geldt (1 = ja)", "applies (1 = yes)"),
    "bracket_number": ("staffel nr.", "bracket no."),
    "exact": ("onafgerond", "unrounded"),
    "code_order": ("Volgorde op code", "Order of code"),
    "key": ("verdeelsleutel", "key"),
    "takes_part": ("doet mee (1 = ja)", "takes part (1 = yes)"),
    "share_steps": ("aandeel in stappen", "share in steps"),
    "remainder": ("rest", "remainder"),
    "rank": ("plaats naar rest", "place by remainder"),
    "path": ("Pad in de regeling", "Path in the rule file"),
    "defined_name": ("Naam in formules", "Name in formulas"),
    "parameter_note": (
        "Elke waarde van de regeling staat hier één keer; de formules op het blad Berekening verwijzen "
        "ernaar met de naam in kolom B. Wijzig een waarde en laat herberekenen (F9) om het effect te zien. "
        "Regels 'afgeleid' zijn zelf formules: tussenuitkomsten van een pot.",
        "Every value of the rule set stands here once; the formulas on the Calculation sheet refer to it "
        "by the name in column B. Change a value and recalculate (F9) to see the effect. Lines marked "
        "'derived' are formulas themselves: intermediate results of a pot.",
    ),
    "reperform_omitted": (
        "bladen Berekening en Parameters (de formules) weggelaten: meer dan {limit} gebieden",
        "sheets Calculation and Parameters (the formulas) left out: more than {limit} areas",
    ),
    "derived_formula": ("afgeleid: som over de gebieden (formule)", "derived: sum over the areas (formula)"),
    "derived_steps": (
        "afgeleid: te verdelen bedrag in hele stappen, naar beneden (formule)",
        "derived: amount to share in whole steps, rounded down (formula)",
    ),
    "derived_reached": (
        "afgeleid: 1 als het plafond overschreden wordt (formule)",
        "derived: 1 when the ceiling is passed (formula)",
    ),
    "derived_left": (
        "afgeleid: stappen over na afronden, één per gebied naar grootste rest (formule)",
        "derived: steps left after rounding down, one each by largest remainder (formula)",
    ),
    "bounded": ("begrensd", "bounded"),
    "derived_at_bound": (
        "afgeleid: aantal gebieden dat de waterverdeling van het programma op het {bound} vastzette, geteld "
        "(formule) in de kolom '{column}' op het blad Berekening. Die kolom is de enige uitkomst van het "
        "programma die geen formule is: pas hem aan als een gewijzigde grens andere gebieden vastzet",
        "derived: number of areas the program's water filling fixed at the {bound}, counted (formula) in the "
        "column '{column}' on the Calculation sheet. That column is the only result of the program that is "
        "not a formula: change it where a changed bound fixes other areas",
    ),
    "derived_free_steps": (
        "afgeleid: stappen voor de gebieden die niet op een grens staan: alle stappen min die van de "
        "vastgezette gebieden (formule)",
        "derived: steps for the areas at no bound: all steps less those of the areas fixed at a bound "
        "(formula)",
    ),
    "derived_free_key_total": (
        "afgeleid: som van de sleutels van de gebieden die niet op een grens staan (formule)",
        "derived: sum of the keys of the areas at no bound (formula)",
    ),
    # checks sheet
    "check": ("Controle", "Check"),
    "result": ("Uitkomst", "Result"),
    "detail": ("Details", "Detail"),
    "ok": ("in orde", "ok"),
    "not_ok": ("AFWIJKING", "MISMATCH"),
    "not_compared": ("niet vergeleken", "not compared"),
    "warning": ("let op", "warning"),
    "check_rows": (
        "Elke ingelezen rij staat in de verdeling of is gemeld (gelezen = verdeeld + weggelaten)",
        "Every row read is in the allocation or reported (read = allocated + left out)",
    ),
    "check_sum": (
        "Eindtotaal is de som van de kolomtotalen",
        "Grand total is the sum of the column totals",
    ),
    "check_parts": (
        "Totaal per gebied is de som van de onderdelen",
        "Each area's total is the sum of its parts",
    ),
    "check_expected": ("Gepubliceerd bedrag", "Published amount"),
    "check_municipality": (
        "Gebieden liggen in de gemeente van de regeling",
        "Areas lie in the rule set's municipality",
    ),
    "check_municipality_unknown": (
        "Gemeente van de gebieden niet bekend (niet gecontroleerd)",
        "Municipality of the areas not given (not checked)",
    ),
    "check_negative": ("Negatieve bedragen", "Negative amounts"),
    "check_calibration": (
        "Gezochte waarde besteedt het budget: waarde, besteed <= budget; een stap meer",
        "Calibrated value spends the budget: value, spent <= budget; one step more",
    ),
    "check_pot": (
        "Pot klopt (pot - eerst betaald = te verdelen; verdeeld + niet verdeeld; of plafond; voor -> na; "
        "of afdracht; afgedragen), stappen naar grootste rest",
        "Pot adds up (pot - paid first = to share; shared + not allocated; or ceiling; before -> after; "
        "or levy; levied), steps by largest remainder",
    ),
    "check_column": (
        "Kolomtotaal is de som van de cellen erboven",
        "Column total is the sum of the cells above it",
    ),
    "check_derivation": (
        "Totaal per gebied opnieuw berekend uit de regels en de invoer (exact, los van de rekenkern)",
        "Each area's total recomputed from the rules and the input (exact, apart from the engine)",
    ),
    "check_readback": (
        "Rapport teruggelezen uit het geschreven bestand",
        "Report read back from the written file",
    ),
    "detail_rows": (
        "{read} rijen gelezen = {areas} gebieden in de verdeling + {left_out} weggelaten (gemeld)",
        "{read} rows read = {areas} areas in the allocation + {left_out} left out (reported)",
    ),
    "detail_column": (
        "som van de {count} cellen zoals geschreven: {cells}; totaalregel: {total}",
        "sum of the {count} cells as written: {cells}; total row: {total}",
    ),
    "detail_sum": (
        "onderdelen {parts} + correctie op totaal {adjustment} + totalen vastgesteld bij uitzondering "
        "{exceptions} = {sum}; eindtotaal in de totaalregel: {total}",
        "parts {parts} + total adjustment {adjustment} + totals set by exceptions {exceptions} = {sum}; "
        "grand total in the total row: {total}",
    ),
    "detail_sum_transition": (
        "onderdelen {parts} + correctie op totaal {adjustment} + overgangsregeling {transition} + totalen "
        "vastgesteld bij uitzondering {exceptions} = {sum}; eindtotaal in de totaalregel: {total}",
        "parts {parts} + total adjustment {adjustment} + transition {transition} + totals set by "
        "exceptions {exceptions} = {sum}; grand total in the total row: {total}",
    ),
    "detail_parts": (
        "{areas} gebieden: onderdelen zoals geschreven opgeteld en vergeleken met hun totaal; {differ} "
        "wijken af",
        "{areas} areas: parts as written added up and compared with their total; {differ} differ",
    ),
    "detail_parts_first": (
        "{areas} gebieden: onderdelen zoals geschreven opgeteld en vergeleken met hun totaal; {differ} "
        "wijken "
        "af, het eerste: {area}: som van de onderdelen {left}, totaal {right}",
        "{areas} areas: parts as written added up and compared with their total; {differ} differ, the "
        "first: {area}: sum of the parts {left}, total {right}",
    ),
    "detail_derivation": (
        "{areas} gebieden: elke term uit de waarde in het regelbestand en de telling van het gebied, "
        "afronding, minimum en maximum opnieuw toegepast, vergeleken met het berekende totaal; {differ} "
        "wijken af",
        "{areas} areas: every term from the rule file's value and the area's count, rounding, minimum and "
        "maximum applied again, compared with the computed total; {differ} differ",
    ),
    "detail_derivation_first": (
        "{areas} gebieden opnieuw berekend uit regels en invoer en vergeleken met het berekende totaal; "
        "{differ} wijken af, het eerste: {area}: opnieuw berekend {left}, berekend {right}",
        "{areas} areas recomputed from the rules and the input and compared with the computed total; "
        "{differ} differ, the first: {area}: recomputed {left}, computed {right}",
    ),
    "detail_pot_share": (
        "pot {amount} (regelbestand) - eerst betaald {paid} = te verdelen {pool}; verdeeld (som van de "
        "kolom) "
        "{shared} + niet verdeeld {unallocated} = {sum}",
        "pot {amount} (rule file) - paid first {paid} = to share {pool}; shared (sum of the column) "
        "{shared} + "
        "not allocated {unallocated} = {sum}",
    ),
    "detail_pot_ceiling": (
        "plafond {amount} (regelbestand); onderdelen vóór het plafond {before} + kolom {column} = na het "
        "plafond {after}, hooguit het plafond",
        "ceiling {amount} (rule file); components before the ceiling {before} + column {column} = after the "
        "ceiling {after}, at most the ceiling",
    ),
    "detail_pot_levy": (
        "afdracht {amount} (regelbestand); afgedragen (som van de kolom) {levied} + niet verdeeld "
        "{unallocated}",
        "levy {amount} (rule file); levied (sum of the column) {levied} + not allocated {unallocated}",
    ),
    "detail_calibration": (
        "{path} = {value}: besteedt {spends} (eindtotaal van dit rapport: {total}), binnen het budget "
        "{budget}; een stap meer besteedt {next}",
        "{path} = {value}: spends {spends} (grand total of this report: {total}), within the budget "
        "{budget}; "
        "one step more spends {next}",
    ),
    "detail_expected": (
        "{status}: gepubliceerd {expected}, in dit rapport {found}{source}",
        "{status}: published {expected}, in this report {found}{source}",
    ),
    "detail_readback": (
        "{cells} cellen van de bladen {sheets} uit het geschreven bestand gelezen en cel voor cel vergeleken "
        "met wat bedoeld was: alle gelijk (anders was dit rapport niet geschreven)",
        "{cells} cells of the sheets {sheets} read from the written file and compared cell by cell with what "
        "was meant: all equal (else this report would not have been written)",
    ),
    "input_warning": ("Invoer: kijk hiernaar", "Input: worth a look"),
    "input_routine": ("Invoer: gebruikelijk", "Input: routine"),
    "for_information": ("ter informatie", "for information"),
    # explanation phrases
    "fixed": ("vast bedrag", "fixed amount"),
    "per": ("per", "per"),
    "not_applicable": ("niet van toepassing", "not applicable"),
    "rounded": ("afgerond", "rounded"),
    "raised_to_minimum": ("verhoogd tot minimum", "raised to minimum"),
    "lowered_to_maximum": ("verlaagd tot maximum", "lowered to maximum"),
    "exception": ("uitzondering", "exception"),
    "per_area": ("vastgesteld bedrag voor dit gebied", "amount set for this area"),
    "staffel": ("staffel", "bracket"),
    "part_above": ("deel boven", "part above"),
    "sum_components": ("som onderdelen", "sum of components"),
    "pot": ("pot", "pot"),
    "to_share": ("te verdelen", "to share"),
    "takes_no_part": ("doet niet mee", "takes no part"),
    "only_for": ("alleen voor", "only for"),
    "equal_share": ("gelijk deel", "equal share"),
    "of": ("van", "of"),
    "rounded_down_to_step": ("naar beneden op een veelvoud van", "down to a multiple of"),
    "largest_remainder": ("grootste rest", "largest remainder"),
    "share_minimum": ("minimum", "minimum"),
    "share_maximum": ("maximum", "maximum"),
    "by_keys": ("naar", "by"),
    "weight": ("gewicht", "weight"),
    "leftover": ("rest na afronden", "left after rounding"),
    "by_remainder": ("naar grootste rest, gelijk: laagste code", "by largest remainder, ties: lowest code"),
    "unallocated": ("niet verdeeld", "not allocated"),
    "ceiling": ("plafond", "ceiling"),
    "not_reached": ("niet bereikt", "not reached"),
    "levy": ("afdracht", "levy"),
    "including": ("waarvan", "including"),
    "of_which": ("waarvan", "of which"),
    # the explain command
    "falls_in": ("valt in", "falls in"),
    "exact_sum": ("som, exact", "exact sum"),
    "area": ("Gebied", "Area"),
    "input": ("Invoer", "Input"),
    "row": ("rij", "row"),
    "summed_from": ("Opgeteld uit de buurten (inwoners)", "Summed from the buurten (inhabitants)"),
    "sheet": ("blad", "sheet"),
    "rule_file": ("Regelbestand", "Rule file"),
    "line": ("regel", "line"),
    # rounding modes
    "half_up": ("rekenkundig (helft naar boven)", "half up"),
    "half_even": ("bankiersafronding (helft naar even)", "half even"),
    "up": ("naar boven", "up"),
    "down": ("naar beneden", "down"),
    "to_multiple_of": ("op een veelvoud van", "to a multiple of"),
    # units
    "unit_inhabitants": ("inwoners", "inhabitants"),
    "unit_households": ("huishoudens", "households"),
    "unit_dwellings": ("woningen", "dwellings"),
    "per_unit_inhabitants": ("per inwoner", "per inhabitant"),
    "per_unit_households": ("per huishouden", "per household"),
    "per_unit_dwellings": ("per woning", "per dwelling"),
    # expectation status
    "matches": ("komt overeen", "matches"),
    "differs": ("WIJKT AF", "DIFFERS"),
    "area_missing": ("gebied niet in bevolkingsbestand", "area not in population"),
    "not_compared_count": ("niet vergeleken", "not compared"),
    "here": ("hier", "here"),
    "all_areas": ("alle gebieden samen", "all areas together"),
    "other_count": ("ander aantal inwoners, niet vergeleken", "other inhabitant count, not compared"),
    # columns of a comparison or sweep table (the CSV for Excel)
    "percent": ("verschil in %", "difference in %"),
}


def format_date(day: date, lang: Lang = "nl") -> str:
    """A date for people: ``18-06-2022`` (nl) or ``2022-06-18`` (en)."""
    return day.strftime("%d-%m-%Y") if lang == "nl" else day.isoformat()


def label(key: str, lang: Lang = "nl") -> str:
    """The label for ``key`` in ``lang``; unknown keys are returned unchanged."""
    pair = _LABELS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "nl" else pair[1]


def per_unit_label(column: str, lang: Lang = "nl") -> str:
    """``per inwoner`` / ``per household``, or ``per <column>`` for other columns."""
    key = f"per_unit_{column}"
    return label(key, lang) if key in _LABELS else f"per {column}"


def unit_label(column: str, lang: Lang = "nl") -> str:
    """How a count column reads in a sentence: ``inwoners``, ``households``, or the column itself."""
    key = f"unit_{column}"
    return label(key, lang) if key in _LABELS else column


def table_column_label(column: str, lang: Lang = "nl") -> str:
    """A column of a comparison or sweep table in ``lang``: ``base`` is ``Basis``, ``total``
    ``Totaal``, ``Tarief 2,50: difference`` ``Tarief 2,50: verschil``, ``base_bracket``
    ``Basis: Staffel``, ``scenario 3`` ``Scenario 3``; a path or a scenario's name stays as it is."""
    if column in _LABELS:
        return label(column, lang)
    if column == "base_bracket":
        return f"{label('base', lang)}: {label('bracket', lang)}"
    scenario, separator, part = column.rpartition(": ")
    if separator and part in ("difference", "percent", "bracket"):
        return f"{scenario}: {label(part, lang)}"
    number = column.removeprefix("scenario ")
    if number != column and number.isdigit():
        return f"{label('scenario', lang)} {number}"
    return column


# Where an error is: the words of ``BudgetcalcError.location``.
_LABELS.update(
    {
        "at_line": ("regel", "line"),
        "at_key": ("sleutel", "key"),
        "at_sheet": ("blad", "sheet"),
        "at_row": ("rij", "row"),
        "at_column": ("kolom", "column"),
        "see": ("zie", "see"),
        "report_written": ("Rapport geschreven", "Report written"),
        "picture_written": ("Afbeelding geschreven", "Picture written"),
    }
)

MESSAGES: dict[str, str] = {
    # --- rule files over time (--year) ------------------------------------------------------------------
    "{name} is in force from {start} through {end} ({years}); {asked} is not covered "
    "(nearest year: {year})": (
        "{name} geldt van {start} tot en met {end} ({years}); {asked} valt erbuiten (dichtstbijzijnde jaar: "
        "{year})"
    ),
    "{name} is in force from {start} ({years}); {asked} is not covered (nearest year: {year})": (
        "{name} geldt vanaf {start} ({years}); {asked} valt erbuiten (dichtstbijzijnde jaar: {year})"
    ),
    "--population-date expects a date such as 2024-01-01, got '{text}'": (
        "--population-date verwacht een datum zoals 2024-01-01, niet '{text}'"
    ),
    "--year expects a year (2023) or a date (2023-06-18), got '{text}'": (
        "--year verwacht een jaar (2023) of een datum (2023-06-18), niet '{text}'"
    ),
    # --- the area mapping (--areas) -----------------------------------------------------------------
    "buurt {code} is mapped to no area: fill in the area's code or name": (
        "buurt {code} hoort bij geen gebied: vul de code of naam van het gebied in"
    ),
    "buurt {code} is mapped twice: row {row} maps it to {area}, this row again to the same area; "
    "a buurt belongs to one area": (
        "buurt {code} staat twee keer in de gebiedsindeling: rij {row} deelt hem in bij {area}, deze rij "
        "nog eens bij hetzelfde gebied; een buurt hoort bij één gebied"
    ),
    "buurt {code} is mapped twice: row {row} maps it to {area}, this row to {other}; "
    "a buurt belongs to one area": (
        "buurt {code} staat twee keer in de gebiedsindeling: rij {row} deelt hem in bij {area}, deze rij bij "
        "{other}; een buurt hoort bij één gebied"
    ),
    "empty cell; every row needs the CBS code of a buurt": (
        "lege cel; elke rij heeft de CBS-code van een buurt nodig"
    ),
    "the area mapping has no column with the CBS code of each buurt (a header such as 'buurtcode' or "
    "'cbs code'; found: {found})": (
        "de gebiedsindeling heeft geen kolom met de CBS-code van elke buurt (een kop zoals 'buurtcode' of "
        "'cbs code'; gevonden: {found})"
    ),
    "the area mapping has no column with the area each buurt belongs to (a header such as 'gebiedscode', "
    "'gebied', 'dorp' or 'kern'; found: {found})": (
        "de gebiedsindeling heeft geen kolom met het gebied waar elke buurt bij hoort (een kop zoals "
        "'gebiedscode', 'gebied', 'dorp' of 'kern'; gevonden: {found})"
    ),
    "--excel is for a CSV file: use it with a name ending in .csv (or --format csv)": (
        "--excel is voor een CSV-bestand: gebruik het met een naam die op .csv eindigt (of --format csv)"
    ),
    # --- the command line -------------------------------------------------------------------------
    "missing the argument {name}": "het argument {name} ontbreekt",
    "missing option {option}": "de optie {option} ontbreekt",
    "missing command": "geen opdracht gegeven",
    "no such option: {option}": "onbekende optie: {option}",
    "no such option: {option} (did you mean {options}?)": "onbekende optie: {option} (bedoelde u {options}?)",
    "no such command {command} (did you mean {close}?)": "onbekende opdracht {command} (bedoelde u {close}?)",
    "no such command {command} (commands: {commands})": (
        "onbekende opdracht {command} (opdrachten: {commands})"
    ),
    "invalid value for {option}: {value} is not one of {choices}": (
        "ongeldige waarde voor {option}: {value} is niet een van {choices}"
    ),
    "invalid value for {option}: {value}": "ongeldige waarde voor {option}: {value}",
    "option {option} requires a value": "de optie {option} heeft een waarde nodig",
    "got unexpected extra argument(s) ({arguments})": "onverwacht(e) extra argument(en) ({arguments})",
    "--set expects PATH=VALUE, e.g. components.dorpsbudget.rate=1.75; got '{option}'": (
        "--set verwacht PAD=WAARDE, bijv. components.dorpsbudget.rate=1.75; gekregen: '{option}'"
    ),
    "--set {path}: expected a number, got '{value}'": "--set {path}: verwacht een getal, gekregen: '{value}'",
    "--set {path}: expected a finite number, got '{value}'": (
        "--set {path}: verwacht een eindig getal, gekregen: '{value}'"
    ),
    "--column expects FIELD=HEADER, e.g. inhabitants=\"Aantal personen\"; got '{option}'": (
        "--column verwacht VELD=KOPTEKST, bijv. inhabitants=\"Aantal personen\"; gekregen: '{option}'"
    ),
    "--threshold: expected an amount in euros, got '{value}'": (
        "--threshold: verwacht een bedrag in euro's, gekregen: '{value}'"
    ),
    "--vary: give one or two paths": "--vary: geef één of twee paden",
    "--sheet applies to Excel workbooks only": "--sheet geldt alleen voor Excel-werkmappen",
    "--vary expects PATH=START:STOP:STEP, e.g. components.x.rate=1.00:2.00:0.05; got '{option}'": (
        "--vary verwacht PAD=BEGIN:EIND:STAP, bijv. components.x.rate=1.00:2.00:0.05; gekregen: '{option}'"
    ),
    "--vary {path}: START, STOP and STEP must be numbers; got '{spec}'": (
        "--vary {path}: BEGIN, EIND en STAP moeten getallen zijn; gekregen: '{spec}'"
    ),
    "--vary {path}: expected START <= STOP and a STEP above 0; got '{spec}'": (
        "--vary {path}: verwacht BEGIN <= EIND en een STAP boven 0; gekregen: '{spec}'"
    ),
    "--vary {path}: {count} values; at most 1,000,000": "--vary {path}: {count} waarden; hoogstens 1.000.000",
    "--area '{area}' is not the code or name of any area": (
        "--area '{area}' is niet de code of naam van een gebied"
    ),
    "--area '{area}' is not the code or name of any area in {file}": (
        "--area '{area}' is niet de code of naam van een gebied in {file}"
    ),
    "--area '{area}' is not the code or name of any area in {file}; did you mean {close}?": (
        "--area '{area}' is niet de code of naam van een gebied in {file}; bedoelde u {close}?"
    ),
    "--area: the name '{name}' is used by {count} areas; name the area by its code ({codes})": (
        "--area: de naam '{name}' wordt door {count} gebieden gebruikt; noem het gebied bij zijn code "
        "({codes})"
    ),
    # --- output paths -----------------------------------------------------------------------------
    "the output is a folder; give a file name, e.g. {example}": (
        "de uitvoer is een map; geef een bestandsnaam, bijv. {example}"
    ),
    "the output is {what}, not a report file; give a file name": (
        "de uitvoer is {what}, geen rapportbestand; geef een bestandsnaam"
    ),
    "the report exists already; use --force to replace it": (
        "het rapport bestaat al; gebruik --force om het te vervangen"
    ),
    "the folder '{folder}' does not exist": "de map '{folder}' bestaat niet",
    "cannot write the report: {reason}": "kan het rapport niet schrijven: {reason}",
    "the output is the input file '{source}'; give the report another name": (
        "de uitvoer is het invoerbestand '{source}'; geef het rapport een andere naam"
    ),
    "the output is a name in the system folder {folder} (a device or standard output), not a report file; "
    "give a file name": (
        "de uitvoer is een naam in de systeemmap {folder} (een apparaat of de standaarduitvoer), geen "
        "rapportbestand; geef een bestandsnaam"
    ),
    "the report appeared while it was being written; not replaced": (
        "het rapport verscheen terwijl het geschreven werd; niet vervangen"
    ),
    "the file name does not end in .{suffix}": "de bestandsnaam eindigt niet op .{suffix}",
    "cannot tell the report format from the file name; use --format": (
        "de bestandsnaam zegt niet welk formaat het rapport heeft; gebruik --format"
    ),
    "the comparison is written as .csv or .xlsx; give such a name": (
        "de vergelijking wordt geschreven als .csv of .xlsx; geef zo'n naam"
    ),
    "written as {suffixes}; give such a name": "wordt geschreven als {suffixes}; geef zo'n naam",
    "--plot draws a .png; give a name ending in .png": (
        "--plot tekent een .png; geef een naam die op .png eindigt"
    ),
    'pictures need matplotlib: pip install ".[plot]" (or pip install matplotlib)': (
        'afbeeldingen hebben matplotlib nodig: pip install ".[plot]" (of pip install matplotlib)'
    ),
    "a directory": "een map",
    "a FIFO": "een FIFO",
    "a character device": "een apparaat (character device)",
    "a block device": "een apparaat (block device)",
    "a socket": "een socket",
    "not a regular file": "geen gewoon bestand",
    # --- failures of the computer -----------------------------------------------------------------
    "not valid text: {problem}": "geen geldige tekst: {problem}",
    "out of memory: the population file or the report is too large for this computer": (
        "geheugen vol: het bevolkingsbestand of het rapport is te groot voor deze computer"
    ),
    "the input is nested too deeply to process": "de invoer is te diep genest om te verwerken",
    # --- input files ------------------------------------------------------------------------------
    "file not found": "bestand niet gevonden",
    "column mapping file not found": "kolomindeling niet gevonden",
    "cannot read the file: {reason}": "kan het bestand niet lezen: {reason}",
    "cannot read the column mapping file: {reason}": "kan de kolomindeling niet lezen: {reason}",
    "it is a directory": "het is een map",
    "expected a spreadsheet file, got {what}": "verwacht een spreadsheetbestand, gekregen: {what}",
    "expected a column mapping file, got {what}": "verwacht een kolomindeling, gekregen: {what}",
    "file too large: {size} bytes; a spreadsheet file is at most {limit}": (
        "bestand te groot: {size} bytes; een spreadsheetbestand is hoogstens {limit}"
    ),
    "unsupported file type '{suffix}'; expected .xlsx, .xlsm or .csv": (
        "bestandstype '{suffix}' wordt niet ondersteund; verwacht .xlsx, .xlsm of .csv"
    ),
    "the file is empty": "het bestand is leeg",
    "the sheet is empty": "het blad is leeg",
    "save the file as UTF-8 (Excel: 'CSV UTF-8')": "sla het bestand op als UTF-8 (Excel: 'CSV UTF-8')",
    "the file starts as UTF-16 text but is not valid UTF-16": (
        "het bestand begint als UTF-16-tekst maar is geen geldige UTF-16"
    ),
    "the file is UTF-8, but byte {byte} at {where} is not: part of the file was saved in another encoding; "
    "{hint} and check the names on this line": (
        "het bestand is UTF-8, maar byte {byte} op {where} niet: een deel van het bestand is in een andere "
        "codering opgeslagen; {hint} en controleer de namen op deze regel"
    ),
    "the file is not text in UTF-8 or Windows-1252: byte {byte} at {where} is not a character in "
    "Windows-1252, and the file holds no UTF-8 letters; {hint}": (
        "het bestand is geen tekst in UTF-8 of Windows-1252: byte {byte} op {where} is geen teken in "
        "Windows-1252, en het bestand bevat geen UTF-8-letters; {hint}"
    ),
    "the file is UTF-32 text, which budgetcalc does not read; {hint}": (
        "het bestand is UTF-32-tekst, die budgetcalc niet leest; {hint}"
    ),
    "the file is UTF-32 text without a byte-order mark, which budgetcalc does not read; {hint}": (
        "het bestand is UTF-32-tekst zonder byte-order mark, die budgetcalc niet leest; {hint}"
    ),
    "the file looks like UTF-16 text without a byte-order mark (a NUL byte next to every letter), which "
    "budgetcalc does not read; {hint}": (
        "het bestand lijkt UTF-16-tekst zonder byte-order mark (een NUL-byte naast elke letter), die "
        "budgetcalc niet leest; {hint}"
    ),
    "the file has {lines} lines; budgetcalc reads at most {limit} areas (the whole of the Netherlands has "
    "18,310 gemeenten, wijken and buurten); is this the right file?": (
        "het bestand heeft {lines} regels; budgetcalc leest hoogstens {limit} gebieden (heel Nederland "
        "heeft 18.310 gemeenten, wijken en buurten); is dit het goede bestand?"
    ),
    "the file has about {cells} cells; budgetcalc reads at most {limit}: leave out the columns the rules "
    "do not need": (
        "het bestand heeft ongeveer {cells} cellen; budgetcalc leest er hoogstens {limit}: laat de kolommen "
        "weg die de regels niet nodig hebben"
    ),
    "this is not a CSV text file (it holds binary data; a renamed workbook?)": (
        "dit is geen CSV-tekstbestand (het bevat binaire gegevens; een hernoemde werkmap?)"
    ),
    'a quote (") opened in this row is never closed': (
        'een aanhalingsteken (") in deze rij wordt nooit gesloten'
    ),
    "cell {cell} of this row holds more than {limit} characters; no area code, name or count is that long": (
        "cel {cell} van deze rij bevat meer dan {limit} tekens; geen gebiedscode, naam of aantal is zo lang"
    ),
    "not a valid CSV row: {problem}": "geen geldige CSV-rij: {problem}",
    "no sheet '{sheet}' (sheets: {sheets})": "geen blad '{sheet}' (bladen: {sheets})",
    "the workbook is password-protected; remove the password in Excel and try again": (
        "de werkmap is met een wachtwoord beveiligd; haal het wachtwoord weg in Excel en probeer opnieuw"
    ),
    "this is an old Excel 97-2003 (.xls) file with an .xlsx name; save it as .xlsx": (
        "dit is een oud Excel 97-2003-bestand (.xls) met een .xlsx-naam; sla het op als .xlsx"
    ),
    "the workbook cannot be read: it is damaged or incomplete (cut short?)": (
        "de werkmap kan niet worden gelezen: hij is beschadigd of onvolledig (afgebroken?)"
    ),
    "this is not an Excel workbook (no .xlsx zip archive; a renamed file?)": (
        "dit is geen Excel-werkmap (geen .xlsx-zipbestand; een hernoemd bestand?)"
    ),
    "this zip archive is not an Excel workbook (it has no xl/workbook.xml)": (
        "dit zipbestand is geen Excel-werkmap (het heeft geen xl/workbook.xml)"
    ),
    "the workbook cannot be read: it is damaged ({problem})": (
        "de werkmap kan niet worden gelezen: hij is beschadigd ({problem})"
    ),
    "the workbook cannot be read: it is damaged (the sheet's part is missing)": (
        "de werkmap kan niet worden gelezen: hij is beschadigd (het deel van het blad ontbreekt)"
    ),
    "the workbook has {parts} parts; refused as unsafe": (
        "de werkmap heeft {parts} delen; geweigerd als onveilig"
    ),
    "the workbook part {part} unpacks to {size} bytes ({ratio} times its packed size): refused as a "
    "possible zip bomb": (
        "het werkmapdeel {part} pakt uit tot {size} bytes ({ratio} keer zo groot als ingepakt): geweigerd "
        "als mogelijke zipbom"
    ),
    "the sheet's used range reaches cell {corner} ({rows} rows x {columns} columns); delete what stands "
    "far below or right of the table and save again": (
        "het gebruikte bereik van het blad reikt tot cel {corner} ({rows} rijen x {columns} kolommen); "
        "verwijder wat ver onder of rechts van de tabel staat en sla opnieuw op"
    ),
    "the sheet has {rows} rows; budgetcalc reads at most {limit} areas (the whole of the Netherlands has "
    "18,310 gemeenten, wijken and buurten); delete what stands below the table": (
        "het blad heeft {rows} rijen; budgetcalc leest hoogstens {limit} gebieden (heel Nederland heeft "
        "18.310 gemeenten, wijken en buurten); verwijder wat onder de tabel staat"
    ),
    "the workbook part {part} declares an XML document type or entities, which Excel never writes (an XML "
    "attack?); refused": (
        "het werkmapdeel {part} declareert een XML-documenttype of entiteiten, wat Excel nooit schrijft (een "
        "XML-aanval?); geweigerd"
    ),
    "its part {part} is not well-formed XML: {problem}, line {line}, column {column}": (
        "het deel {part} is geen goedgevormde XML: {problem}, regel {line}, kolom {column}"
    ),
    "the workbook part {part} is encoded in {encoding}; Excel writes UTF-8: open the file in Excel and save "
    "it again": (
        "het werkmapdeel {part} is gecodeerd in {encoding}; Excel schrijft UTF-8: open het bestand in Excel "
        "en sla het opnieuw op"
    ),
    "the workbook cannot be read: it is damaged (its zip archive holds the part {part} twice; Excel refuses "
    "such a file)": (
        "de werkmap kan niet worden gelezen: hij is beschadigd (het zipbestand bevat het deel {part} twee "
        "keer; Excel weigert zo'n bestand)"
    ),
    "{problem}; refused rather than guessed": "{problem}; geweigerd in plaats van geraden",
    "cell {cell} holds two values; Excel writes one": "cel {cell} bevat twee waarden; Excel schrijft er één",
    "cell {cell} holds {value} where Excel writes {what}": (
        "cel {cell} bevat {value} waar Excel {what} schrijft"
    ),
    "a plain number": "een gewoon getal",
    "the number of a shared string": "het nummer van een gedeelde tekst",
    "0 or 1": "0 of 1",
    "plain text": "gewone tekst",
    "the sheet defines cell {cell} twice (Excel refuses such a file as damaged)": (
        "het blad definieert cel {cell} twee keer (Excel weigert zo'n bestand als beschadigd)"
    ),
    "the sheet defines cell {cell} after cell {previous}: its cells are out of order (Excel refuses such a "
    "file as damaged)": (
        "het blad definieert cel {cell} na cel {previous}: de cellen staan niet op volgorde (Excel weigert "
        "zo'n bestand als beschadigd)"
    ),
    "character {position} of this line": "teken {position} van deze regel",
    "character {position} of this line (after {text})": "teken {position} van deze regel (na {text})",
    "cell {cell} holds {count} characters; Excel allows at most {limit} in a cell": (
        "cel {cell} bevat {count} tekens; Excel staat er hoogstens {limit} in een cel toe"
    ),
    "cells {cells} are merged: each area needs its own count; unmerge them and give every cell its number": (
        "cellen {cells} zijn samengevoegd: elk gebied heeft een eigen aantal nodig; maak de samenvoeging "
        "ongedaan en geef elke cel zijn getal"
    ),
    "cells {cells} are merged: each column needs its own count; unmerge them and give every cell its "
    "number": (
        "cellen {cells} zijn samengevoegd: elke kolom heeft een eigen aantal nodig; maak de samenvoeging "
        "ongedaan en geef elke cel zijn getal"
    ),
    "the sheet's merged ranges overlap (Excel refuses such a file as damaged); open it in Excel, unmerge "
    "the cells and save it again": (
        "de samengevoegde bereiken van het blad overlappen (Excel weigert zo'n bestand als beschadigd); open "
        "het in Excel, maak de samenvoeging ongedaan en sla het opnieuw op"
    ),
    "the cell holds the Excel error {value}": "de cel bevat de Excel-fout {value}",
    "the cell holds the formula ={formula} but no computed value; open the file in Excel and save it, or "
    "type the number": (
        "de cel bevat de formule ={formula} maar geen berekende waarde; open het bestand in Excel en sla het "
        "op, of typ het getal"
    ),
    # --- headers and column mappings --------------------------------------------------------------
    "no header row found in the first {count} rows: expected a row with column names such as "
    "'gebiedscode' or 'code', 'naam' or 'name', 'inwoners' or 'inhabitants' (or map your headers with "
    "--column)": (
        "geen kopregel gevonden in de eerste {count} rijen: verwacht een rij met kolomnamen als "
        "'gebiedscode' of 'code', 'naam' of 'name', 'inwoners' of 'inhabitants' (of wijs uw koppen toe "
        "met --column)"
    ),
    "the file has a header but no areas below it": (
        "het bestand heeft een kopregel maar geen gebieden eronder"
    ),
    "row has values beyond the last header column ({count} columns)": (
        "de rij heeft waarden voorbij de laatste kolom met een kop ({count} kolommen)"
    ),
    "required column '{field}' is missing (found: {found})": (
        "verplichte kolom '{field}' ontbreekt (gevonden: {found})"
    ),
    "required column '{field}' is missing (found: {found}); '{header}': did you mean '{alias}'? or use "
    '--column {field}="{header}"': (
        "verplichte kolom '{field}' ontbreekt (gevonden: {found}); '{header}': bedoelde u '{alias}'? of "
        'gebruik --column {field}="{header}"'
    ),
    "columns '{first}' and '{second}' both mean '{field}'; keep one or rename the other": (
        "de kolommen '{first}' en '{second}' betekenen allebei '{field}'; houd er één of geef de andere "
        "een andere naam"
    ),
    "the population has no column '{column}'": "het bevolkingsbestand heeft geen kolom '{column}'",
    "unknown field '{field}' in the column mapping; did you mean '{close}'?": (
        "onbekend veld '{field}' in de kolomindeling; bedoelde u '{close}'?"
    ),
    "unknown field '{field}' in the column mapping; did you mean '{close}'? (valid fields: {fields})": (
        "onbekend veld '{field}' in de kolomindeling; bedoelde u '{close}'? (geldige velden: {fields})"
    ),
    "unknown field '{field}' in the column mapping (valid fields: {fields})": (
        "onbekend veld '{field}' in de kolomindeling (geldige velden: {fields})"
    ),
    "unknown field '{field}' in --column; did you mean '{close}'? (valid fields: {fields})": (
        "onbekend veld '{field}' in --column; bedoelde u '{close}'? (geldige velden: {fields})"
    ),
    "unknown field '{field}' in --column (valid fields: {fields})": (
        "onbekend veld '{field}' in --column (geldige velden: {fields})"
    ),
    "not a valid column mapping (TOML): {problem}": "geen geldige kolomindeling (TOML): {problem}",
    "'columns' must be a section of field = \"header\" lines, not one value: write [columns] and below it "
    'e.g. inhabitants = "Inwoners"': (
        "'columns' moet een sectie met regels veld = \"kop\" zijn, niet één waarde: schrijf [columns] en "
        'daaronder bijv. inhabitants = "Inwoners"'
    ),
    "keys outside [columns] ({keys}) would be ignored; put every field under [columns]": (
        "sleutels buiten [columns] ({keys}) zouden genegeerd worden; zet elk veld onder [columns]"
    ),
    "'{field}' must name a column header in quotes, e.g. {example} = \"Inwoners\"": (
        "'{field}' moet een kolomkop tussen aanhalingstekens noemen, bijv. {example} = \"Inwoners\""
    ),
    "the column mapping gives the column '{header}' to {fields}; a column can hold one field only": (
        "de kolomindeling geeft de kolom '{header}' aan {fields}; een kolom kan maar één veld bevatten"
    ),
    "the column mapping names '{header}' for {field}, but the file has no such column (found: {found})": (
        "de kolomindeling noemt '{header}' voor {field}, maar het bestand heeft geen zulke kolom "
        "(gevonden: {found})"
    ),
    # --- cells ------------------------------------------------------------------------------------
    "empty cell; every area needs a {column}": "lege cel; elk gebied heeft een {column} nodig",
    "empty cell; expected {expected}": "lege cel; verwacht {expected}",
    "expected {expected}, got {value}": "verwacht {expected}, gekregen: {value}",
    "a whole number of 0 or more": "een geheel getal van 0 of meer",
    "a number of 0 or more": "een getal van 0 of meer",
    "expected a whole number, got {value}": "verwacht een geheel getal, gekregen: {value}",
    "expected 0 or more, got {value}": "verwacht 0 of meer, gekregen: {value}",
    "{value} is too large to be real (more than {limit})": (
        "{value} is te groot om echt te zijn (meer dan {limit})"
    ),
    "{value} has more than {count} decimals; round it in the file": (
        "{value} heeft meer dan {count} decimalen; rond het af in het bestand"
    ),
    "the date {date} (Excel turned the number into a date?)": (
        "de datum {date} (heeft Excel het getal in een datum veranderd?)"
    ),
    "{problem}; pass --skip-suppressed to leave such areas out (they are then listed)": (
        "{problem}; geef --skip-suppressed om zulke gebieden weg te laten (ze worden dan genoemd)"
    ),
    "{problem}; a rule needs this figure; fill it in or leave the area out": (
        "{problem}; een regel heeft dit getal nodig; vul het in of laat het gebied weg"
    ),
    "the value is suppressed ({value}: not published)": "de waarde is geheim ({value}: niet gepubliceerd)",
    "{value} could mean {number} (thousands separator) or a number below 1,000 with three decimals; write "
    "it without a thousands separator": (
        "{value} kan {number} betekenen (scheidingsteken voor duizendtallen) of een getal onder 1.000 met "
        "drie decimalen; schrijf het zonder scheidingsteken voor duizendtallen"
    ),
    "expected a number, got {value}": "verwacht een getal, gekregen: {value}",
    "duplicate area code '{code}' (also in row {row})": (
        "gebiedscode '{code}' komt dubbel voor (ook in rij {row})"
    ),
    "the text is {length} characters long; an area's code, name or kind has at most {limit} (is this the "
    "right column?)": (
        "de tekst is {length} tekens lang; de code, naam of soort van een gebied heeft er hoogstens {limit} "
        "(is dit de goede kolom?)"
    ),
    "the text holds a control character ({code}) at character {position}; remove it from the file": (
        "de tekst bevat een stuurteken ({code}) op teken {position}; haal het uit het bestand"
    ),
    # --- selection and scope ----------------------------------------------------------------------
    "no areas left to allocate ({reasons})": "geen gebieden over om te verdelen ({reasons})",
    "the file holds areas of several CBS levels ({counts}); choose one with --level": (
        "het bestand bevat gebieden van meerdere CBS-niveaus ({counts}); kies er één met --level"
    ),
    "--level needs a column with the kind of area (soort, 'Soort regio', recs)": (
        "--level heeft een kolom met de soort gebied nodig (soort, 'Soort regio', recs)"
    ),
    "no areas of level '{level}' (levels in the file: {levels})": (
        "geen gebieden van niveau '{level}' (niveaus in het bestand: {levels})"
    ),
    "--municipality needs a municipality column (gemeente, gm_naam) or CBS codes (GM/WK/BU....)": (
        "--municipality heeft een kolom met de gemeente nodig (gemeente, gm_naam) of CBS-codes (GM/WK/BU....)"
    ),
    "no areas of municipality '{municipality}' in the file (it has: {found})": (
        "geen gebieden van gemeente '{municipality}' in het bestand (het heeft: {found})"
    ),
    "no areas of municipality '{municipality}' in the file (it has: {found}); {asked}: did you mean "
    "{close}?": (
        "geen gebieden van gemeente '{municipality}' in het bestand (het heeft: {found}); {asked}: bedoelde "
        "u {close}?"
    ),
    "{shown} and {count} more": "{shown} en {count} meer",
    "the rule set '{name}' is for the municipality {municipality}, but the population's areas lie in "
    "{others}; use the rule file of that municipality, or pass --allow-other-municipality to apply these "
    "rules to them on purpose": (
        "de regeling '{name}' is voor de gemeente {municipality}, maar de gebieden van het bevolkingsbestand "
        "liggen in {others}; gebruik het regelbestand van die gemeente, of geef --allow-other-municipality "
        "om deze regels er bewust op toe te passen"
    ),
    "the population holds {count} areas of {municipality} (the rule set's municipality) and areas of "
    "other municipalities ({others}); choose one with --municipality": (
        "het bevolkingsbestand bevat {count} gebieden van {municipality} (de gemeente van de regeling) en "
        "gebieden van andere gemeenten ({others}); kies er één met --municipality"
    ),
}
"""Messages about the population file and the command line: English template to Dutch template.

The program raises its errors in English (``str(error)``, the words docs/rules.md quotes); where an
error is printed in Dutch, :func:`translated` finds the template the English text follows and words it
in Dutch with the same values. A value that is itself a message (a reason, a nested problem) is worded
in Dutch too. Text that follows no template stays as it is.
"""

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_NESTED = frozenset({"problem", "reasons", "where", "text"})
"""Placeholders whose value may hold ``;``: messages inside messages, and text quoted from a file. Other
values hold none, so that a short template never takes a longer message's ``; hint`` for one of its values."""


@functools.cache
def _message_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Every template as a regular expression; the most specific (most fixed text) first."""
    from budgetcalc.notices import _TEMPLATES as NOTICES

    pairs = [*MESSAGES.items(), *((english, dutch) for dutch, english in NOTICES.values())]
    patterns = []
    for english, dutch in pairs:
        pieces = _PLACEHOLDER.split(english)
        seen: set[str] = set()
        regex = ""
        for number, piece in enumerate(pieces):
            if number % 2 == 0:
                regex += re.escape(piece)
            elif piece in seen:
                regex += f"(?P={piece})"
            else:
                seen.add(piece)
                regex += f"(?P<{piece}>{'.*?' if piece in _NESTED else '[^;]*?'})"
        fixed = sum(len(piece) for piece in pieces[::2])
        patterns.append((fixed, re.compile(regex, re.DOTALL), dutch))
    patterns.sort(key=lambda found: -found[0])
    return tuple((pattern, dutch) for _, pattern, dutch in patterns)


def translated(message: str, lang: Lang) -> str:
    """``message`` in ``lang``: English as it is; Dutch by the template it follows (see ``MESSAGES``)."""
    if lang == "en":
        return message
    for pattern, dutch in _message_patterns():
        found = pattern.fullmatch(message)
        if found:
            values = {name: _translated_value(value) for name, value in found.groupdict().items()}
            return dutch.format_map(values)
    return message


_GROUPED_NUMBER = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")


def _translated_value(value: str) -> str:
    """A value inside a message: itself a message (``; ``-separated messages), a number with thousands
    separators (``3,145,728`` reads ``3.145.728`` in Dutch), or shown as it is."""
    if _GROUPED_NUMBER.fullmatch(value):
        return value.replace(",", ".")
    whole = translated(value, "nl")
    if whole != value or "; " not in value:
        return whole
    return "; ".join(translated(part, "nl") for part in value.split("; "))
