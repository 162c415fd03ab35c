"""The report re-performs the allocation in live formulas: LibreOffice recalculates every shipped rule
file's report and must arrive at the engine's amounts, to the cent, pots included; a changed parameter
cell changes the amounts as the rule says.

All workbooks are converted in ONE headless LibreOffice run, with a fresh profile that recalculates
every formula on load (``OOXMLRecalcMode`` 0: "always"), so no cached value survives unchecked.
In CI (``CI`` set) a missing LibreOffice fails; elsewhere the tests skip saying how to install it.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from test_published_pots import INVENTED_PANELS, panels, voorst
from test_published_rulesets import FRANEKERADEEL_COLUMNS, RULES, run

from budgetcalc import Allocation, allocate, load_ruleset
from budgetcalc.labels import label
from budgetcalc.report import ReportFormat, render_report
from budgetcalc.report.formulas import reperformance
from budgetcalc.report.xlsx_report import REPERFORMANCE_SHEETS

DATA = Path(__file__).resolve().parent.parent / "data"
INSTALL = "apt-get install -y libreoffice-calc-nogui"
PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


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
    "het-hogeland-2021": lambda: run("het-hogeland-2021", [("ADP", "Adorp", 664)]),
    "leeuwarden-2014": lambda: allocate(
        pd.read_csv(DATA / "leeuwarden-2014-boarnsterhim-dorpen.csv"), load_ruleset(_rules("leeuwarden-2014"))
    ),
    "leeuwarden-2015": lambda: allocate(
        pd.read_csv(DATA / "leeuwarden-wijken-2024.csv"), load_ruleset(_rules("leeuwarden-2015"))
    ),
    "noordoostpolder-2024": lambda: allocate(
        _cbs("GM0171", "wijk"), load_ruleset(_rules("noordoostpolder-2024"))
    ),
    "opsterland-2016": lambda: run("opsterland-2016", [("WJW", "Wijnjewoude", 2082)]),
    "sportakkoord-2019": _sportakkoord,
    "steenwijkerland-2023": lambda: run("steenwijkerland-2023", [("A", "kern", 437), ("B", "wijk", 1000)]),
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
CALCULATION = label(REPERFORMANCE_SHEETS["calculation"])
PARAMETERS = label(REPERFORMANCE_SHEETS["parameters"])
CHANGES = {  # a copy of a report with one parameter cell changed: (rule file, defined name, new value)
    "leeuwarden-2014-rate": ("leeuwarden-2014", "dorpsbudget_rate", "4"),
    "borger-odoorn-2020-pot": ("borger-odoorn-2020", "pot_dorpsbudget_amount", "120000"),
}


def test_every_shipped_rule_file_has_a_population_here() -> None:
    assert {path.stem for path in RULES.glob("*.toml")} == set(POPULATIONS)


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    message = f"LibreOffice is needed to recalculate the reports; install it: {INSTALL}"
    if os.environ.get("CI"):
        pytest.fail(f"in CI: {message}")
    pytest.skip(message)


def _with_parameter(report: bytes, name: str, value: str) -> bytes:
    """The workbook with the parameter cell ``name`` refers to set to ``value``, all else as it was."""
    import io

    source = zipfile.ZipFile(io.BytesIO(report))
    workbook = source.read("xl/workbook.xml").decode()
    target = re.search(rf'<definedName name="{name}">\'?([^<]+?)\'?!\$([A-Z]+)\$(\d+)<', workbook)
    assert target, name
    sheets = re.findall(r'<sheet name="([^"]+)" sheetId="(\d+)"', workbook)
    number = next(index for index, (sheet, _) in enumerate(sheets, 1) if sheet == target.group(1))
    part = f"xl/worksheets/sheet{number}.xml"
    cell = f"{target.group(2)}{target.group(3)}"
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as result:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                text, count = re.subn(
                    rf'(<c r="{cell}"[^>]*><v>)[^<]*(</v>)', rf"\g<1>{value}\2", data.decode()
                )
                assert count == 1
                data = text.encode()
            result.writestr(info, data)
    return output.getvalue()


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Allocation, Path, Path]]:
    """Per case: the allocation, the report as written and as LibreOffice recalculated it."""
    soffice = _soffice()
    folder = tmp_path_factory.mktemp("reperform")
    (folder / "out").mkdir()
    (folder / "profile" / "user").mkdir(parents=True)
    (folder / "profile" / "user" / "registrymodifications.xcu").write_text(PROFILE)
    cases: dict[str, tuple[Allocation, Path, Path]] = {}
    reports: dict[str, bytes] = {}
    for name, build in POPULATIONS.items():
        allocation = build()
        reports[name] = render_report(allocation, ReportFormat.XLSX)
        cases[name] = (allocation, folder / f"{name}.xlsx", folder / "out" / f"{name}.xlsx")
    for case, (rule_file, parameter, value) in CHANGES.items():
        allocation = cases[rule_file][0]
        reports[case] = _with_parameter(reports[rule_file], parameter, value)
        cases[case] = (allocation, folder / f"{case}.xlsx", folder / "out" / f"{case}.xlsx")
    for name, data in reports.items():
        cases[name][1].write_bytes(data)
    command = [
        soffice,
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(folder / "out"),
        *(str(written) for _, written, _ in cases.values()),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=300, cwd=folder)
    return cases


def _values(path: Path, sheet: str) -> list[tuple[object, ...]]:
    return list(
        openpyxl.load_workbook(path, data_only=True, read_only=True)[sheet].iter_rows(values_only=True)
    )


def _same(stored: object, found: object) -> bool:
    if isinstance(stored, int | float) and isinstance(found, int | float):
        return math.isclose(stored, found, rel_tol=1e-9, abs_tol=1e-9)
    return (stored or "") == (found or "")


@pytest.mark.parametrize("name", list(POPULATIONS))
def test_recalculated_report_equals_the_stored_amounts(
    name: str, recalculated: dict[str, tuple[Allocation, Path, Path]]
) -> None:
    allocation, written, converted = recalculated[name]
    for sheet in (CALCULATION, PARAMETERS):
        stored, found = _values(written, sheet), _values(converted, sheet)
        assert len(stored) == len(found)
        for row, (before, after) in enumerate(zip(stored, found, strict=True), 1):
            for column, (x, y) in enumerate(zip(before, after, strict=False)):
                assert _same(x, y), (sheet, row, column, x, y)
    # and the recalculated amounts are the engine's, column by column, to the cent
    columns = reperformance(
        allocation, "nl", {k: label(v) for k, v in REPERFORMANCE_SHEETS.items()}
    ).calculation
    found = _values(converted, CALCULATION)[1:]
    checked = set()
    for index, column in enumerate(columns):
        if column.amount is None:
            continue
        cents = [int(value) for value in allocation.cents(column.amount).tolist()]
        assert [round(Decimal(str(row[index])) * 100) for row in found] == cents, column.amount
        checked.add(column.amount)
    assert checked == set(allocation.amount_columns)


def _column(path: Path, title: str) -> list[Decimal]:
    rows = _values(path, CALCULATION)
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
