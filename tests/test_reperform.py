"""The report re-performs the allocation in live formulas: LibreOffice recalculates every shipped rule
file's report and must arrive at the engine's amounts, to the cent, pots included; a changed parameter
cell changes the amounts as the rule says.

All workbooks are converted in ONE headless LibreOffice run, with a fresh profile that recalculates
every formula on load (``OOXMLRecalcMode`` 0: "always"), so no cached value survives unchecked.
In CI (``CI`` set) a missing LibreOffice fails; elsewhere the tests skip saying how to install it.
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from helpers import CALCULATION, assert_reperformed, recalculate, sheet_values, soffice, with_parameter
from test_published_pots import INVENTED_PANELS, panels, voorst
from test_published_rulesets import FRANEKERADEEL_COLUMNS, RULES, run

from budgetcalc import Allocation, allocate, load_ruleset
from budgetcalc.labels import label
from budgetcalc.report import ReportFormat, render_report

DATA = Path(__file__).resolve().parent.parent / "data"


def _cbs(code: str, level: str) -> pd.DataFrame:
    frame = pd.read_csv(DATA / "cbs-kwb-2024-inhabitants.csv", dtype={"code": str})
    return frame[(frame["municipality_code"] == code) & (frame["level"] == level)]


def _sportakkoord() -> Allocation:
    frame = pd.read_csv(DATA / "cbs-kwb-2024-inhabitants.csv", dtype={"code": str})
    rows = pd.concat([frame[frame["level"] == "gemeente"], frame[frame["level"] == "wijk"].head(30)])
    return allocate(rows, load_ruleset(RULES / "sportakkoord-2019.toml"))


def _rules(name: str) -> Path:
    return RULES / f"{name}.toml"


POPULATIONS = {
    "borger-odoorn-2020": lambda: allocate(
        _cbs("GM1681", "wijk"), load_ruleset(_rules("borger-odoorn-2020"))
    ),
    "de-zuidlanden-2013": lambda: panels(INVENTED_PANELS),
    "franekeradeel-harlingen": lambda: run(
        "franekeradeel-harlingen",
        [
            ("OB", "Oosterbierum", 20, 600),
            ("TZ", "Tzummarum", 50, 1800),
            ("SB", "Sexbierum", 30, 1600),
            ("WN", "Wijnaldum", 15, 500),
        ],
        FRANEKERADEEL_COLUMNS,
    ),
    "het-hogeland": lambda: run("het-hogeland", [("ADP", "Adorp", 664)]),
    "leeuwarden-2014": lambda: allocate(
        pd.read_csv(DATA / "leeuwarden-2014-boarnsterhim-dorpen.csv"), load_ruleset(_rules("leeuwarden-2014"))
    ),
    "leeuwarden-2015": lambda: allocate(
        pd.read_csv(DATA / "leeuwarden-wijken-2024.csv"), load_ruleset(_rules("leeuwarden-2015"))
    ),
    "noordoostpolder-2024": lambda: allocate(
        _cbs("GM0171", "wijk"), load_ruleset(_rules("noordoostpolder-2024"))
    ),
    "opsterland": lambda: run("opsterland", [("WJW", "Wijnjewoude", 2082)]),
    "sportakkoord-2019": _sportakkoord,
    "steenwijkerland": lambda: run("steenwijkerland", [("A", "kern", 437), ("B", "wijk", 1000)]),
    "voorst-2023": lambda: voorst([150_000] * 6 + [90_000, 123_456, 77_777, 100_001, 5, 250_000]),
    "waadhoeke-2018": lambda: run("waadhoeke-2018", [("A", "klein dorp", 40), ("B", "dorp", 1200)]),
    "westerkwartier-2022": lambda: run(
        "westerkwartier-2022",
        [
            ("A", "a", "dorp", 0),
            ("B", "b", "dorp", 499),
            ("C", "c", "dorp", 500),
            ("E", "e", "dorp", 5000),
            ("W", "w", "wijk", 4999),
            ("G", "g", "gemeente", 700),
        ],
        ("code", "naam", "soort", "inwoners"),
    ),
    "weststellingwerf-2024": lambda: run(
        "weststellingwerf-2024",
        [
            ("A", "Dorp 249", 249, "plaatselijk belang", "ja"),
            ("B", "Dorp 250", 250, "Plaatselijk  Belang", "ja"),
            ("D", "Dorp 750", 750, "plaatselijk belang", "ja"),
            ("W", "Wijk", 3000, "wijkvereniging", "ja"),
            ("VKD", "Vereniging Kleine Dorpen Weststellingwerf", 0, "VKD", "ja"),
            ("X", "Dorp zonder PB", 120, None, "nee"),
            ("Y", "Niet op de lijst", 800, "plaatselijk belang", "nee"),
        ],
        ("code", "naam", "inwoners", "organisatie", "erkend"),
    ),
}
CHANGES = {  # a copy of a report with one parameter cell changed: (rule file, defined name, new value)
    "leeuwarden-2014-rate": ("leeuwarden-2014", "dorpsbudget_rate", "4"),
    "borger-odoorn-2020-pot": ("borger-odoorn-2020", "pot_dorpsbudget_amount", "120000"),
}


def test_every_shipped_rule_file_has_a_population_here() -> None:
    assert {path.stem for path in RULES.glob("*.toml")} == set(POPULATIONS)


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Allocation, Path, Path]]:
    """Per case: the allocation, the report as written and as LibreOffice recalculated it."""
    soffice()
    allocations: dict[str, Allocation] = {}
    reports: dict[str, bytes] = {}
    for name, build in POPULATIONS.items():
        allocations[name] = build()
        reports[name] = render_report(allocations[name], ReportFormat.XLSX)
    for case, (rule_file, parameter, value) in CHANGES.items():
        allocations[case] = allocations[rule_file]
        reports[case] = with_parameter(reports[rule_file], parameter, value)
    paths = recalculate(reports, tmp_path_factory.mktemp("reperform"))
    return {name: (allocations[name], *paths[name]) for name in reports}


@pytest.mark.parametrize("name", list(POPULATIONS))
def test_recalculated_report_equals_the_stored_amounts(
    name: str, recalculated: dict[str, tuple[Allocation, Path, Path]]
) -> None:
    assert_reperformed(*recalculated[name])


def _column(path: Path, title: str) -> list[Decimal]:
    rows = sheet_values(path, CALCULATION)
    index = rows[0].index(title)
    return [Decimal(str(row[index])).quantize(Decimal("0.01")) for row in rows[1:]]


def test_a_changed_rate_changes_the_amounts_as_the_rule_says(
    recalculated: dict[str, tuple[Allocation, Path, Path]],
) -> None:
    allocation, _, converted = recalculated["leeuwarden-2014-rate"]
    frame = allocation.population.frame
    found = dict(zip(frame["name"], _column(converted, "Dorpsbudget"), strict=True))
    # 4.00 per inhabitant, rounded up to EUR 100, at least 3,900 (the rule file's minimum)
    for village, inhabitants in (("Grou", 5748), ("Wergea", 1688), ("Warten", 932)):
        assert frame.loc[frame["name"] == village, "inhabitants"].item() == inhabitants
        expected = max(math.ceil(4 * inhabitants / 100) * 100, 3900)
        assert found[village] == expected, village
    assert found["Grou"] == 23_000  # 22,992 up to 23,000


def test_a_changed_pot_is_shared_anew(recalculated: dict[str, tuple[Allocation, Path, Path]]) -> None:
    allocation, _, converted = recalculated["borger-odoorn-2020-pot"]
    shares = _column(converted, "Deel naar inwoners")
    totals = _column(converted, label("total"))
    # 120,000 less 25 x 2,500 fixed = 57,500, shared by inhabitants to the cent
    assert sum(shares) == Decimal("57500.00")
    assert sum(totals) == Decimal("120000.00")
    inhabitants = allocation.population.frame["inhabitants"].tolist()
    for share, count in zip(shares, inhabitants, strict=True):
        assert abs(share - Decimal(57_500) * count / sum(inhabitants)) < Decimal("0.01")


def test_above_the_limit_the_formula_sheets_are_left_out_and_the_summary_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    from budgetcalc.report import xlsx_report

    monkeypatch.setattr(xlsx_report, "REPERFORM_MAX_AREAS", 1)
    allocation = run("waadhoeke-2018", [("A", "klein dorp", 40), ("B", "dorp", 1200)])
    book = openpyxl.load_workbook(io.BytesIO(render_report(allocation, ReportFormat.XLSX)))
    assert book.sheetnames == ["Samenvatting", "Verdeling", "Regels", "Controles"]
    lines = [str(cell.value) for row in book["Samenvatting"].iter_rows() for cell in row if cell.value]
    assert "bladen Berekening en Parameters (de formules) weggelaten: meer dan 1 gebieden" in lines
