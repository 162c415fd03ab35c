"""Report labels and phrases in Dutch (default) and English."""

from __future__ import annotations

from typing import Literal

Lang = Literal["nl", "en"]

_LABELS: dict[str, tuple[str, str]] = {
    # columns
    "code": ("Gebiedscode", "Area code"),
    "name": ("Naam", "Name"),
    "kind": ("Soort", "Kind"),
    "inhabitants": ("Inwoners", "Inhabitants"),
    "total_adjustment": ("Correctie op totaal", "Total adjustment"),
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
    "all_areas": ("alle gebieden samen", "all areas together"),
    "other_count": ("ander aantal inwoners, niet vergeleken", "other inhabitant count, not compared"),
    # columns of a comparison or sweep table (the CSV for Excel)
    "percent": ("verschil in %", "difference in %"),
}


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
