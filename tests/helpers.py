"""Small helpers so a test reads as: a rule snippet, a few areas, the amounts that come out."""

from __future__ import annotations

import importlib.util
import io
import math
import os
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path
from textwrap import dedent
from types import ModuleType
from typing import Any

import openpyxl
import pandas as pd
import pytest

from budgetcalc import Allocation, RuleSet, allocate, parse_ruleset
from budgetcalc.labels import label
from budgetcalc.report.formulas import reperformance
from budgetcalc.report.xlsx_report import REPERFORMANCE_SHEETS

METADATA = """\
name = "Testregeling"
municipality = "Testgemeente"
decision = "Besluit van het college, art. 1"
valid_from = 2024-01-01
reference_date = 2024-01-01
"""


def rules(components: str) -> RuleSet:
    """A rule set from TOML for ``[components...]`` (and ``[total]``, ``[[exceptions]]``, ...)."""
    return parse_ruleset(METADATA + dedent(components))


def areas(*rows: tuple[str, str, str | None, int], **columns: list[object]) -> pd.DataFrame:
    """A population from ``(code, name, kind, inhabitants)``; a kind of None everywhere means no
    kind column. Further columns by keyword, e.g. ``dwellings=[300, 410]``."""
    frame = pd.DataFrame(list(rows), columns=["code", "name", "kind", "inhabitants"])
    if all(row[2] is None for row in rows):
        frame = frame.drop(columns="kind")
    for column, values in columns.items():
        frame[column] = pd.Series(list(values), dtype=object)
    return frame


def compute(components: str, *rows: tuple[str, str, str | None, int], **columns: list[object]) -> Allocation:
    """Allocate the areas under the rule snippet."""
    return allocate(areas(*rows, **columns), rules(components))


def amounts(allocation: Allocation, column: str = "total") -> dict[str, Decimal | None]:
    """One amount column as code → Decimal euros (None where an exception hides it)."""
    frame = allocation.to_frame()
    return dict(zip(frame["code"], frame[column], strict=True))


def totals(components: str, *rows: tuple[str, str, str | None, int], **columns: list[object]) -> dict:
    """Code → total in Decimal euros."""
    return amounts(compute(components, *rows, **columns))


def shipped_rule_files(folder: Path) -> list[Any]:
    """Every rule file in ``folder`` as a test parameter named by its stem."""
    return [pytest.param(path, id=path.stem) for path in sorted(folder.glob("*.toml"))]


TINY_POPULATION = "gebiedscode;naam;inwoners\nD01;Adorp;664\nD02;Baflo;2050\n"
"""Two villages as a municipality's CSV export, for tests of the command line around the engine."""
TINY_RULES = """name = "Dorpsbudget"
municipality = "Het Hogeland"
decision = "test"
valid_from = 2021-01-01
reference_date = 2024-01-01

[components.dorpsbudget]
fixed = 6567
rate = 1.68
"""
OLD_REPORT = b"the report the council already has"


def corpus_maker() -> ModuleType:
    """tests/corpus/make_corpus.py as a module: its helpers build workbooks from XML parts."""
    path = Path(__file__).resolve().parent / "corpus" / "make_corpus.py"
    spec = importlib.util.spec_from_file_location("make_corpus", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- re-performing a report in LibreOffice (tests/test_reperform*.py) ------------------------------

LIBREOFFICE_INSTALL = "apt-get install -y libreoffice-calc-nogui"
RECALCULATE_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
"""A LibreOffice profile setting that recalculates every formula of an .xlsx on load ("always")."""


def soffice() -> str:
    """LibreOffice's program; in CI (``CI`` set) a missing one fails, elsewhere the test skips."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    message = f"LibreOffice is needed to recalculate the reports; install it: {LIBREOFFICE_INSTALL}"
    if os.environ.get("CI"):
        pytest.fail(f"in CI: {message}")
    pytest.skip(message)


def recalculate(reports: dict[str, bytes], folder: Path) -> dict[str, tuple[Path, Path]]:
    """Write each workbook to ``folder`` and let ONE headless LibreOffice run recalculate them all;
    per name, the workbook as written and as LibreOffice saved it after recalculating."""
    program = soffice()
    (folder / "out").mkdir()
    (folder / "profile" / "user").mkdir(parents=True)
    (folder / "profile" / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ON_LOAD)
    paths = {name: (folder / f"{name}.xlsx", folder / "out" / f"{name}.xlsx") for name in reports}
    for name, data in reports.items():
        paths[name][0].write_bytes(data)
    command = [
        program,
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(folder / "out"),
        *(str(written) for written, _ in paths.values()),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=300, cwd=folder)
    return paths


def with_parameter(report: bytes, name: str, value: str) -> bytes:
    """The workbook with the parameter cell ``name`` refers to set to ``value``, all else as it was."""
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


def sheet_values(path: Path, sheet: str) -> list[tuple[object, ...]]:
    """A sheet's cell values (cached results for formulas), row by row."""
    book = openpyxl.load_workbook(path, data_only=True, read_only=True)
    return list(book[sheet].iter_rows(values_only=True))


def same_cell(stored: object, found: object) -> bool:
    """A written cell and its recalculated value agree (numbers to nine significant digits)."""
    if isinstance(stored, int | float) and isinstance(found, int | float):
        return math.isclose(stored, found, rel_tol=1e-9, abs_tol=1e-9)
    return (stored or "") == (found or "")


CALCULATION = label(REPERFORMANCE_SHEETS["calculation"])
PARAMETERS = label(REPERFORMANCE_SHEETS["parameters"])


def assert_reperformed(allocation: Allocation, written: Path, converted: Path) -> None:
    """LibreOffice's recalculation of the calculation and parameter sheets equals what was written,
    cell by cell, and every amount column equals the engine's cents."""
    for sheet in (CALCULATION, PARAMETERS):
        stored, found = sheet_values(written, sheet), sheet_values(converted, sheet)
        assert len(stored) == len(found)
        for row, (before, after) in enumerate(zip(stored, found, strict=True), 1):
            for column, (x, y) in enumerate(zip(before, after, strict=False)):
                assert same_cell(x, y), (sheet, row, column, x, y)
    sheets = {key: label(value) for key, value in REPERFORMANCE_SHEETS.items()}
    columns = reperformance(allocation, "nl", sheets).calculation
    found = sheet_values(converted, CALCULATION)[1:]
    checked = set()
    for index, column in enumerate(columns):
        if column.amount is None:
            continue
        cents = [int(value) for value in allocation.cents(column.amount).tolist()]
        assert [round(Decimal(str(row[index])) * 100) for row in found] == cents, column.amount
        checked.add(column.amount)
    assert checked == set(allocation.amount_columns)


LANG_COMMANDS = ("allocate", "explain", "compare", "sweep")
"""The commands with --lang; their messages are Dutch unless asked otherwise."""


def in_english(args: list[str]) -> list[str]:
    """The command line with ``--lang en`` right after a command that has it, so its messages are the
    English ones the tests quote; a ``--lang`` later on the line still wins."""
    if args and args[0] in LANG_COMMANDS:
        return [args[0], "--lang", "en", *args[1:]]
    return args


def one_error_line(result: Any) -> str:
    """A CLI result that failed as a user mistake should: exit code 2 and a single ``error:`` line on
    stderr, no traceback; returns that line."""
    assert result.exit_code == 2, (result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return str(lines[0])
