"""The explanation an auditor reads, step by step, in Dutch and English.

Each test writes a small rule, computes the expected phrase and numbers by hand from that rule (in the
comments), and compares the explanation with that text: the one line per part of the reports
(``Allocation.explain``), the step-by-step lines of ``budgetcalc explain`` and the xlsx report's bracket
and explanation columns. Nothing here is copied from the program's output.
"""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from budgetcalc import Allocation, allocate, parse_ruleset
from budgetcalc.explain import explanation_lines
from budgetcalc.labels import Lang
from budgetcalc.report import ReportFormat, render_report

METADATA = """\
name = "Woordenregeling"
municipality = "Testgemeente"
decision = "Besluit van het college, art. 2"
valid_from = 2024-01-01
reference_date = 2024-01-01
"""


def compute(
    rule: str, counts: list[int], kinds: list[str] | None = None, **columns: list[object]
) -> Allocation:
    """Areas D01, D02, ... named Dorp D01, ... with the given inhabitants under the rule."""
    codes = [f"D{n:02d}" for n in range(1, len(counts) + 1)]
    frame = pd.DataFrame({"code": codes, "naam": [f"Dorp {code}" for code in codes], "inwoners": counts})
    if kinds is not None:
        frame["soort"] = kinds
    for name, values in columns.items():
        frame[name] = values
    return allocate(frame, parse_ruleset(METADATA + rule))


def line_of(rule: str, start: str) -> int:
    """The rule file's line (counted from 1, metadata included) that starts with ``start``."""
    lines = (METADATA + rule).splitlines()
    return next(number for number, text in enumerate(lines, 1) if text.strip().startswith(start))


BOTH: list[Lang] = ["nl", "en"]

# --- terms -----------------------------------------------------------------------------------------

FIXED = """
[components.dorpsbudget]
label = "Dorpsbudget"
fixed = 2500
"""


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("nl", "Dorpsbudget: vast bedrag € 2.500,00"), ("en", "Dorpsbudget: fixed amount €2,500.00")],
)
def test_a_fixed_term(lang: Lang, expected: str) -> None:
    assert compute(FIXED, [100]).explain("D01", lang) == [expected]


RATE = """
[components.dorpsbudget]
label = "Dorpsbudget"
fixed = 6567
rate = 1.68
"""


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        # 6,567 + 1.68 x 664 = 6,567 + 1,115.52 = 7,682.52
        ("nl", "Dorpsbudget: vast bedrag € 6.567,00 + € 1,68 × 664 inwoners = € 7.682,52"),
        ("en", "Dorpsbudget: fixed amount €6,567.00 + €1.68 × 664 inhabitants = €7,682.52"),
    ],
)
def test_a_rate_term_and_the_exact_sum(lang: Lang, expected: str) -> None:
    assert compute(RATE, [664]).explain("D01", lang) == [expected]


@pytest.mark.parametrize(
    ("lang", "term"),
    [("nl", "€ 1,68 × 664 inwoners = € 1.115,52"), ("en", "€1.68 × 664 inhabitants = €1,115.52")],
)
def test_step_by_step_a_rate_term_says_what_it_comes_to_and_where_its_rate_is(lang: Lang, term: str) -> None:
    lines = explanation_lines(compute(RATE, [664]), 0, lang)
    where = "regel" if lang == "nl" else "line"
    assert f"  {term}  [components.dorpsbudget.rate, {where} {line_of(RATE, 'rate')}]" in lines


PER_AREA = """
[components.dorpsbudget]
label = "Dorpsbudget"
per_area = { D01 = 1234.50, D02 = 0 }
"""


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nl", "Dorpsbudget: vastgesteld bedrag voor dit gebied € 1.234,50"),
        ("en", "Dorpsbudget: amount set for this area €1,234.50"),
    ],
)
def test_a_per_area_term(lang: Lang, expected: str) -> None:
    assert compute(PER_AREA, [10, 20]).explain("D01", lang) == [expected]


STAFFEL = """
[components.basis]
label = "Basisbedrag"

[[components.basis.staffel.brackets]]
from = 0
below = 1000
fixed = 2000

[[components.basis.staffel.brackets]]
from = 1000
fixed = 6000
rate = 1.25
rate_applies_to = "all"
"""


@pytest.mark.parametrize(
    ("lang", "small", "large"),
    [
        (
            "nl",
            "Basisbedrag: staffel tot 1.000 inwoners: € 2.000,00",
            # 2,050 is in "from 1,000" (no upper bound): 6,000 + 1.25 x 2,050 = 6,000 + 2,562.50 = 8,562.50
            "Basisbedrag: staffel vanaf 1.000 inwoners: € 6.000,00 + € 1,25 × 2.050 inwoners = € 8.562,50",
        ),
        (
            "en",
            "Basisbedrag: bracket under 1,000 inhabitants: €2,000.00",
            "Basisbedrag: bracket from 1,000 inhabitants: €6,000.00 + €1.25 × 2,050 inhabitants = €8,562.50",
        ),
    ],
)
def test_a_bracket_term(lang: Lang, small: str, large: str) -> None:
    allocation = compute(STAFFEL, [999, 2050])
    assert allocation.explain("D01", lang) == [small]
    assert allocation.explain("D02", lang) == [large]


@pytest.mark.parametrize(
    ("lang", "why"),
    [
        ("nl", "  999 inwoners valt in staffel tot 1.000 inwoners: € 2.000,00"),
        ("en", "  999 inhabitants falls in bracket under 1,000 inhabitants: €2,000.00"),
    ],
)
def test_step_by_step_the_bracket_says_why_the_area_falls_in_it(lang: Lang, why: str) -> None:
    lines = explanation_lines(compute(STAFFEL, [999, 2050]), 0, lang)
    path = f"[components.basis.staffel.brackets[1], {'regel' if lang == 'nl' else 'line'} "
    assert any(line.startswith(why + "  " + path) for line in lines), lines


def test_the_xlsx_bracket_column_names_the_bracket_and_its_bounds() -> None:
    allocation = compute(STAFFEL, [999, 2050])
    sheet = openpyxl.load_workbook(io.BytesIO(render_report(allocation, ReportFormat.XLSX, "nl"))).worksheets[
        1
    ]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    by_code = {row[0]: row for row in rows[1:3]}
    bracket, explanation = header.index("Staffel"), header.index("Toelichting")
    assert by_code["D01"][bracket] == "Basisbedrag: tot 1.000 inwoners"
    assert by_code["D02"][bracket] == "Basisbedrag: vanaf 1.000 inwoners"
    assert by_code["D02"][explanation] == (
        "Basisbedrag: staffel vanaf 1.000 inwoners: € 6.000,00 + € 1,25 × 2.050 inwoners = € 8.562,50"
    )


MARGINAL = """
[components.basis]
label = "Basisbedrag"

[[components.basis.staffel.brackets]]
from = 0
below = 1000
fixed = 2000

[[components.basis.staffel.brackets]]
from = 1000
fixed = 5000
rate = 2
rate_applies_to = "part_above_lower_bound"
"""


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        # 1,500 inhabitants: the rate counts the 500 above 1,000: 5,000 + 2 x 500 = 6,000
        (
            "nl",
            "Basisbedrag: staffel vanaf 1.000 inwoners: € 5.000,00 + € 2,00 × 500 inwoners (deel boven "
            "1.000) = € 6.000,00",
        ),
        (
            "en",
            "Basisbedrag: bracket from 1,000 inhabitants: €5,000.00 + €2.00 × 500 inhabitants (part above "
            "1,000) = €6,000.00",
        ),
    ],
)
def test_a_marginal_staffel_counts_the_part_above_the_lower_bound(lang: Lang, expected: str) -> None:
    assert compute(MARGINAL, [1500]).explain("D01", lang) == [expected]


# --- rounding, minimum, maximum ----------------------------------------------------------------------


def rounded(mode: str) -> str:
    return f"""
[components.dorpsbudget]
label = "Dorpsbudget"
rate = 1.015
rounding = {{ step = 0.01, mode = "{mode}" }}
"""


@pytest.mark.parametrize(
    ("mode", "lang", "words", "result"),
    [
        # 1.015 x 3 = 3.045, halfway between 3.04 and 3.05
        ("half_up", "nl", "rekenkundig (helft naar boven)", "€ 3,05"),
        ("half_up", "en", "half up", "€3.05"),
        ("half_even", "nl", "bankiersafronding (helft naar even)", "€ 3,04"),
        ("half_even", "en", "half even", "€3.04"),
        ("up", "nl", "naar boven", "€ 3,05"),
        ("up", "en", "up", "€3.05"),
        ("down", "nl", "naar beneden", "€ 3,04"),
        ("down", "en", "down", "€3.04"),
    ],
)
def test_rounding_in_each_mode(mode: str, lang: Lang, words: str, result: str) -> None:
    [line] = compute(rounded(mode), [3]).explain("D01", lang)
    if lang == "nl":
        expected = (
            f"Dorpsbudget: € 1,015 × 3 inwoners = € 3,045; afgerond {words} op een veelvoud "
            f"van € 0,01: {result}"
        )
    else:
        expected = (
            f"Dorpsbudget: €1.015 × 3 inhabitants = €3.045; rounded {words} to a multiple of €0.01: {result}"
        )
    assert line == expected


BOUNDED = """
[components.dorpsbudget]
label = "Dorpsbudget"
fixed = 100
rate = 1
minimum = 3900
maximum = 5000
"""


@pytest.mark.parametrize(
    ("lang", "low", "high"),
    [
        (
            "nl",
            # 100 + 1 x 200 = 300, below the minimum of 3,900
            "Dorpsbudget: vast bedrag € 100,00 + € 1,00 × 200 inwoners = € 300,00; verhoogd tot "
            "minimum € 3.900,00",
            # 100 + 1 x 9,000 = 9,100, above the maximum of 5,000
            "Dorpsbudget: vast bedrag € 100,00 + € 1,00 × 9.000 inwoners = € 9.100,00; verlaagd "
            "tot maximum € 5.000,00",
        ),
        (
            "en",
            "Dorpsbudget: fixed amount €100.00 + €1.00 × 200 inhabitants = €300.00; raised to "
            "minimum €3,900.00",
            "Dorpsbudget: fixed amount €100.00 + €1.00 × 9,000 inhabitants = €9,100.00; lowered "
            "to maximum €5,000.00",
        ),
    ],
)
def test_minimum_and_maximum(lang: Lang, low: str, high: str) -> None:
    allocation = compute(BOUNDED, [200, 9000])
    assert allocation.explain("D01", lang) == [low]
    assert allocation.explain("D02", lang) == [high]


# --- exceptions, not applicable ------------------------------------------------------------------------

EXCEPTIONS = """
[components.dorpsbudget]
label = "Dorpsbudget"
fixed = 1000

[components.extra]
label = "Extra"
fixed = 50

[[exceptions]]
area = "D02"
amount = 5000
reason = "Dorpshuis gesloten"

[[exceptions]]
area = "D03"
component = "extra"
amount = 75
reason = "Besluit 12 maart"
"""


@pytest.mark.parametrize(
    ("lang", "total", "component"),
    [
        (
            "nl",
            "Totaal: uitzondering € 5.000,00 (Dorpshuis gesloten)",
            "Extra: uitzondering: € 75,00 (Besluit 12 maart)",
        ),
        (
            "en",
            "Total: exception €5,000.00 (Dorpshuis gesloten)",
            "Extra: exception: €75.00 (Besluit 12 maart)",
        ),
    ],
)
def test_an_exception_with_its_reason(lang: Lang, total: str, component: str) -> None:
    allocation = compute(EXCEPTIONS, [10, 20, 30])
    assert allocation.explain("D02", lang) == [total]
    assert allocation.explain("D03", lang)[1] == component


CONDITIONAL = """
[components.dorpsbudget]
label = "Dorpsbudget"
fixed = 1000
applies_to = { kind = "dorp" }

[pots.pot]
label = "Dorpenpot"
amount = 100
applies_to = { kind = "dorp" }
"""


@pytest.mark.parametrize(
    ("lang", "component", "pot"),
    [
        (
            "nl",
            "Dorpsbudget: niet van toepassing (alleen voor soort dorp)",
            "Dorpenpot: doet niet mee (alleen voor soort dorp)",
        ),
        (
            "en",
            "Dorpsbudget: not applicable (only for kind dorp)",
            "Dorpenpot: takes no part (only for kind dorp)",
        ),
    ],
)
def test_not_applicable_and_takes_no_part_say_the_condition(lang: Lang, component: str, pot: str) -> None:
    allocation = compute(CONDITIONAL, [10, 20], kinds=["dorp", "wijk"])
    assert allocation.explain("D02", lang) == [component, pot]


# --- pots, ceiling, levy ---------------------------------------------------------------------------------

POT = """
[components.niets]
fixed = 0

[pots.pot]
label = "Dorpenpot"
amount = 100
"""


@pytest.mark.parametrize(
    ("lang", "first", "last"),
    [
        (
            "nl",
            # 100.00 / 3 = 33.333...: each 33.33 (9,999 cents), 1 cent left goes to the lowest code
            # (equal remainders)
            "Dorpenpot: pot € 100,00 = € 100,00 te verdelen; € 100,00 × 1 / 3 inwoners = € 33,33 "
            "(afgerond naar beneden op een veelvoud van € 0,01) + € 0,01 grootste rest = € 33,34",
            "Dorpenpot: pot € 100,00 = € 100,00 te verdelen; € 100,00 × 1 / 3 inwoners = € 33,33 "
            "(afgerond naar beneden op een veelvoud van € 0,01)",
        ),
        (
            "en",
            "Dorpenpot: pot €100.00 = €100.00 to share; €100.00 × 1 / 3 inhabitants = €33.33 "
            "(rounded down to a multiple of €0.01) + €0.01 largest remainder = €33.34",
            "Dorpenpot: pot €100.00 = €100.00 to share; €100.00 × 1 / 3 inhabitants = €33.33 "
            "(rounded down to a multiple of €0.01)",
        ),
    ],
)
def test_a_pot_share_with_its_remainder(lang: Lang, first: str, last: str) -> None:
    allocation = compute(POT, [1, 1, 1])
    assert allocation.explain("D01", lang)[-1] == first
    assert allocation.explain("D03", lang)[-1] == last


CEILING = """
[components.aanvraag]
label = "Aanvraag"
rate = 1
per = "aanvraag"

[pots.plafond]
label = "Plafond"
kind = "ceiling"
amount = {amount}
on = ["aanvraag"]
"""


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        # requests 1 + 1 + 1 = 3 pass the ceiling of 2: each 2 x 1 / 3 = 0.666...: 0.66, and the 2 cents left
        # go to the lowest codes (equal remainders): D01 keeps 0.67 and gives up 0.33
        (
            "nl",
            "Plafond: plafond € 2,00, totaal € 3,00: € 2,00 × € 1,00 / € 3,00 = € 0,67 "
            "(waarvan € 0,01 grootste rest); −€ 0,33",
        ),
        (
            "en",
            "Plafond: ceiling €2.00, total €3.00: €2.00 × €1.00 / €3.00 = €0.67 (including "
            "€0.01 largest remainder); "
            "−€0.33",
        ),
    ],
)
def test_a_ceiling_scales_down_naar_evenredigheid(lang: Lang, expected: str) -> None:
    allocation = compute(CEILING.format(amount=2), [1, 1, 1], aanvraag=["1", "1", "1"])
    assert allocation.explain("D01", lang)[-1] == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nl", "Plafond: plafond € 10,00, totaal € 3,00: niet bereikt"),
        ("en", "Plafond: ceiling €10.00, total €3.00: not reached"),
    ],
)
def test_a_ceiling_not_reached(lang: Lang, expected: str) -> None:
    allocation = compute(CEILING.format(amount=10), [1, 1, 1], aanvraag=["1", "1", "1"])
    assert allocation.explain("D01", lang)[-1] == expected


LEVY = """
[components.dorpsbudget]
label = "Dorpsbudget"
rate = 1

[pots.solidariteit]
label = "Solidariteit"
kind = "levy"
amount = 100
on = ["dorpsbudget"]
"""


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        # budgets 300 and 100 (400 together) pay the levy of 100 in proportion: 100 x 300 / 400 = 75
        ("nl", "Solidariteit: afdracht € 100,00 × € 300,00 / € 400,00 = € 75,00; −€ 75,00"),
        ("en", "Solidariteit: levy €100.00 × €300.00 / €400.00 = €75.00; −€75.00"),
    ],
)
def test_a_levy(lang: Lang, expected: str) -> None:
    assert compute(LEVY, [300, 100]).explain("D01", lang)[-1] == expected


# --- the total ---------------------------------------------------------------------------------------------

TOTAL = (
    RATE
    + """
[total]
rounding = { step = 100, mode = "up" }
minimum = 8000
"""
)


@pytest.mark.parametrize(
    ("lang", "rounded_up", "raised"),
    [
        (
            "nl",
            # 7,682.52 rounded up to a multiple of 100: 7,700, below the total's minimum of 8,000
            "Totaal: som onderdelen € 7.682,52; afgerond naar boven op een veelvoud van € "
            "100,00: € 7.700,00; "
            "verhoogd tot minimum € 8.000,00",
            # 6,567 + 1.68 x 1,000 = 8,247 rounded up: 8,300
            "Totaal: som onderdelen € 8.247,00; afgerond naar boven op een veelvoud van € 100,00: € 8.300,00",
        ),
        (
            "en",
            "Total: sum of components €7,682.52; rounded up to a multiple of €100.00: €7,700.00; "
            "raised to minimum €8,000.00",
            "Total: sum of components €8,247.00; rounded up to a multiple of €100.00: €8,300.00",
        ),
    ],
)
def test_the_total_rules(lang: Lang, rounded_up: str, raised: str) -> None:
    allocation = compute(TOTAL, [664, 1000])
    assert allocation.explain("D01", lang)[-1] == rounded_up
    assert allocation.explain("D02", lang)[-1] == raised


@pytest.mark.parametrize(
    ("lang", "expected"),
    # 1 x 300 = 300, and the levy takes 75 of it (above): 300 - 75 = 225
    [("nl", "Totaal: € 300,00 + -€ 75,00 = € 225,00"), ("en", "Total: €300.00 + -€75.00 = €225.00")],
)
def test_step_by_step_the_total_adds_up_the_parts(lang: Lang, expected: str) -> None:
    assert explanation_lines(compute(LEVY, [300, 100]), 0, lang)[-1] == expected
