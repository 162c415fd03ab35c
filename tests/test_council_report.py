"""The report a council reads: no rule-file jargon on the sheets it reads, labels not cut off, every page
header naming the regeling, municipality and budget year. Checked on the report of every shipped rule
file (the populations of tests/test_reperform.py)."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from test_reperform import POPULATIONS

from budgetcalc.allocation import Allocation
from budgetcalc.report import ReportFormat, render_report

COUNCIL_SHEETS = ("Samenvatting", "Verdeling", "Regels", "Controles")
JARGON = [
    re.compile(pattern)
    for pattern in (
        r"valid_from",
        r"reference_date",
        r"\[\[expected\]\]",
        r"\[\[examples\]\]",
        r"\bkind = ",
        r"\bcodes = ",
        r"\[\d[\d.]*, (?:\d[\d.]*|∞)[)\]]",  # [500, 5000) or [5000, ∞)
        r"\(\d[\d.]*, (?:\d[\d.]*|∞)[)\]]",
    )
]


@pytest.fixture(scope="module")
def reports() -> dict[str, tuple[Allocation, bytes]]:
    found = {}
    for name, build in POPULATIONS.items():
        allocation = build()
        found[name] = (allocation, render_report(allocation, ReportFormat.XLSX))
    return found


def council_texts(data: bytes) -> list[tuple[str, str]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [
        (sheet, str(value))
        for sheet in COUNCIL_SHEETS
        for row in book[sheet].iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    ]


@pytest.mark.parametrize("name", sorted(POPULATIONS))
def test_no_rule_file_jargon_on_the_sheets_the_council_reads(
    reports: dict[str, tuple[Allocation, bytes]], name: str
) -> None:
    allocation, data = reports[name]
    keys = [
        key
        for key, rule in [*allocation.ruleset.components.items(), *allocation.ruleset.pots.items()]
        if "_" in key and rule.label
    ]  # component keys such as windparkfonds_west, where the rule file gives a label to show instead
    found = [
        (sheet, text[:120])
        for sheet, text in council_texts(data)
        if any(pattern.search(text) for pattern in JARGON)
        or any(re.search(rf"\b{key}\b", text) for key in keys)
    ]
    assert found == []


@pytest.mark.parametrize("name", sorted(POPULATIONS))
def test_every_page_names_the_regeling_municipality_and_budget_year(
    reports: dict[str, tuple[Allocation, bytes]], name: str
) -> None:
    allocation, data = reports[name]
    ruleset = allocation.ruleset
    year = ruleset.budget_year or ruleset.reference_date.year
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [part for part in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", part)]
        for part in sheets:
            header = re.search(r"<oddHeader>(.*?)</oddHeader>", archive.read(part).decode())
            assert header is not None, part
            text = header.group(1).replace("&amp;amp;", "&").replace("&amp;", "&")
            assert ruleset.name.replace("&", "&&")[:60] in text
            assert f"Begrotingsjaar {year}" in text
            if ruleset.municipality:
                assert ruleset.municipality in text


@pytest.mark.parametrize("name", sorted(POPULATIONS))
def test_the_summary_labels_fit_their_column(reports: dict[str, tuple[Allocation, bytes]], name: str) -> None:
    _, data = reports[name]
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Samenvatting"]
    width = sheet.column_dimensions["A"].width
    for row in sheet.iter_rows(min_row=3, max_col=1):
        cell = row[0]
        if isinstance(cell.value, str):
            wraps = bool(cell.alignment.wrap_text)
            assert wraps or len(cell.value) <= width, cell.value


def test_the_checks_sheet_keeps_routine_apart_from_what_deserves_a_look(
    tmp_path: pytest.TempPathFactory,
) -> None:
    from pathlib import Path

    from test_what_ifs import run

    root = Path(__file__).resolve().parent.parent
    out = Path(str(tmp_path)) / "n.xlsx"
    result = run(
        "allocate", root / "data" / "cbs-kwb-2024-inhabitants.csv", "--level", "wijk", "--municipality",
        "Noordoostpolder", "-r", root / "rules" / "noordoostpolder-2024.toml", "-o", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    rows = list(openpyxl.load_workbook(out)["Controles"].iter_rows(values_only=True))
    notices = [(row[1], row[2]) for row in rows if str(row[0]).startswith("Invoer")]
    verdicts = [verdict for verdict, _ in notices]
    # Schokland has 0 inhabitants: worth a look; the other 18,297 rows of the national file: routine
    assert verdicts == sorted(verdicts, key=lambda verdict: verdict == "ter informatie")
    look = [text for verdict, text in notices if verdict == "let op"]
    routine = [text for verdict, text in notices if verdict == "ter informatie"]
    assert any("Schokland" in str(text) for text in look)
    assert any("buiten de selectie" in str(text) for text in routine)


@pytest.mark.parametrize(
    ("rows", "says"),
    [
        # the rule file publishes Adorp: 664 inhabitants, EUR 7,682.52 (6,567 + 1.68 x 664)
        ("ADP,Adorp,585\n", "Adorp € 7.682,52: ander aantal inwoners, niet vergeleken (bron 664, hier 585)"),
        ("BFL,Baflo,2050\n", "Adorp € 7.682,52: gebied niet in bevolkingsbestand"),
    ],
)
def test_the_terminal_says_when_a_published_amount_could_not_be_compared(
    tmp_path: pytest.TempPathFactory, rows: str, says: str
) -> None:
    from pathlib import Path

    from typer.testing import CliRunner

    from cli import app

    folder = Path(str(tmp_path))
    people = folder / "dorpen.csv"
    people.write_text("gebiedscode,naam,inwoners\n" + rows, encoding="utf-8")
    rules = Path(__file__).resolve().parent.parent / "rules" / "het-hogeland.toml"
    result = CliRunner().invoke(
        app, ["allocate", str(people), "-r", str(rules), "--year", "2024", "-o", str(folder / "r.csv")]
    )
    assert result.exit_code == 0, result.output
    assert "Gepubliceerd bedrag: 1 niet vergeleken" in result.stdout
    assert f"  {says}" in result.stdout.splitlines()
