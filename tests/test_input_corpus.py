"""Malformed and hostile population files, as finance staff (or attackers) hand them over.

Every file in ``tests/corpus/`` goes through the command line: ``budgetcalc allocate FILE --rules
rules/het-hogeland.toml -o out.xlsx``. ``tests/corpus/EXPECTED.toml`` says what each must give:
exit code 2, one ``error:`` line naming the file (sheet, row and column where they apply) with the
expected message, no traceback and no report; or, for a few, a report.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner, Result

from cli import app

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).parent / "corpus"
RULES = ROOT / "rules" / "het-hogeland.toml"
EXPECTED: dict[str, dict[str, Any]] = tomllib.loads((CORPUS / "EXPECTED.toml").read_text(encoding="utf-8"))
OWN_FILES = {"EXPECTED.toml", "make_corpus.py"}
MEMORY_LIMIT = 4 * 1024**3
"""Address space for a program run in its own process: a file that asks for more makes it fail fast."""


def load_maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cases() -> list[Any]:
    params = []
    for name, expected in EXPECTED.items():
        marks = [pytest.mark.xfail(reason=expected["bug"], strict=True)] if "bug" in expected else []
        params.append(pytest.param(name, id=name, marks=marks))
    return params


def location(path: Path, expected: dict[str, Any]) -> str:
    parts = [str(path)]
    if "sheet" in expected:
        parts.append(f"sheet '{expected['sheet']}'")
    if "row" in expected:
        parts.append(f"row {expected['row']}")
    if "column" in expected:
        parts.append(f"column '{expected['column']}'")
    return ", ".join(parts)


def messages(expected: dict[str, Any]) -> list[str]:
    message = expected["message"]
    return [message] if isinstance(message, str) else list(message)


def run_in_process(path: Path, output: str, args: list[str]) -> tuple[int, str, str, BaseException | None]:
    result: Result = CliRunner().invoke(
        app, ["allocate", "--lang", "en", str(path), "--rules", str(RULES), "-o", output, *args]
    )
    return result.exit_code, result.stdout, result.stderr, result.exception


def _limit_memory() -> None:  # pragma: no cover - runs in the child process
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_isolated(path: Path, output: str, args: list[str], cwd: Path) -> tuple[int, str, str, None]:
    finished = subprocess.run(
        [
            sys.executable,
            str(ROOT / "cli.py"),
            "allocate",
            "--lang",
            "en",
            str(path),
            "--rules",
            str(RULES),
            "-o",
            output,
            *args,
        ],
        cwd=cwd,
        env={**os.environ, "PYTHONUTF8": "1", "RUST_BACKTRACE": "0"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=120,
        check=False,
        preexec_fn=_limit_memory if os.name == "posix" else None,
    )
    return finished.returncode, finished.stdout, finished.stderr, None


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("name", cases())
def test_corpus_file(name: str, workdir: Path) -> None:
    expected = EXPECTED[name]
    path = CORPUS / name
    args = list(expected.get("args", []))
    if expected.get("isolate"):
        code, stdout, stderr, exception = run_isolated(path, "out.xlsx", args, workdir)
    else:
        code, stdout, stderr, exception = run_in_process(path, "out.xlsx", args)
    assert "Traceback" not in stdout + stderr, stderr
    if expected.get("succeeds"):
        assert code == 0, stderr
        assert stderr == ""
        assert sorted(p.name for p in workdir.iterdir()) == ["out.xlsx"]
        return
    assert code == 2, f"exit code {code}: {stderr[-2000:]}"
    assert exception is None or isinstance(exception, SystemExit), repr(exception)
    assert stdout == "", "nothing is printed before the error"
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    prefix = f"error: {location(path, expected)}: "
    assert lines[0].startswith(prefix), f"{lines[0]!r} does not start with {prefix!r}"
    for message in messages(expected):
        assert message in lines[0][len(prefix) :], lines[0]
    assert list(workdir.iterdir()) == [], "no report may be written"


# --- the corpus itself ---------------------------------------------------------------------------


def test_every_file_has_an_expectation_and_every_expectation_a_file() -> None:
    present = {path.name for path in CORPUS.iterdir() if path.is_file()} - OWN_FILES
    assert present == set(EXPECTED)
    assert len(EXPECTED) >= 30


def test_expectations_are_complete() -> None:
    allowed = {"why", "message", "sheet", "row", "column", "args", "bug", "isolate", "succeeds"}
    for name, expected in EXPECTED.items():
        assert set(expected) <= allowed, name
        assert expected.get("why"), name
        assert ("message" in expected) != bool(expected.get("succeeds")), name


def test_make_corpus_reproduces_every_file_byte_for_byte() -> None:
    maker = load_maker()
    built = maker.build()
    assert set(built) | {maker.ENCRYPTED} == set(EXPECTED)
    changed = [name for name, data in built.items() if (CORPUS / name).read_bytes() != data]
    assert changed == []


def test_password_protected_workbook_is_really_encrypted() -> None:
    """Made once with msoffcrypto-tool (not a budgetcalc dependency); its salts and time are fixed, so
    where the package is installed the script must make it again byte for byte."""
    maker = load_maker()
    data = (CORPUS / maker.ENCRYPTED).read_bytes()
    assert data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    for stream in ("EncryptionInfo", "EncryptedPackage"):
        assert stream.encode("utf-16-le") in data
    try:
        import msoffcrypto  # noqa: F401
    except ImportError:
        return
    assert maker.build([maker.ENCRYPTED])[maker.ENCRYPTED] == data


def test_zip_bomb_is_small_on_disk_and_huge_unpacked() -> None:
    path = CORPUS / "zip_bomb.xlsx"
    assert path.stat().st_size < 1024 * 1024
    with zipfile.ZipFile(path) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    assert sheet.file_size == 300 * 1024 * 1024


def test_clean_versions_of_the_workbooks_are_read(workdir: Path) -> None:
    """The corpus's workbook writer makes files budgetcalc reads: what fails, fails for its flaw."""
    maker = load_maker()
    clean = workdir / "dorpen.xlsx"
    clean.write_bytes(maker.xlsx(maker.CLEAN_XLSX))
    code, stdout, stderr, _ = run_in_process(clean, "out.csv", ["--lang", "en"])
    assert code == 0, stderr
    assert "Number of areas: 6" in stdout
    rows = list(csv.DictReader(io.StringIO((workdir / "out.csv").read_text(encoding="utf-8"))))
    assert {row["code"]: row["total"] for row in rows}["D01"] == "7682.52"


# --- formula_in_name.csv: read, and neutralised in every report ----------------------------------

FORMULAS = {
    "D01": '=HYPERLINK("http://example.com/x","Adorp")',
    "D02": "+31 Baflo",
    "D03": "-Eenrum",
    "D04": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def test_formula_names_are_neutralised_in_the_csv_report(workdir: Path) -> None:
    code, _, stderr, _ = run_in_process(CORPUS / "formula_in_name.csv", "out.csv", [])
    assert code == 0, stderr
    rows = list(csv.DictReader(io.StringIO((workdir / "out.csv").read_text(encoding="utf-8"))))
    names = {row["code"]: row["name"] for row in rows}
    for area, formula in FORMULAS.items():
        assert names[area] == "'" + formula
    assert names["D05"] == "Pieterburen"


def test_formula_names_are_neutralised_in_the_xlsx_report(workdir: Path) -> None:
    code, _, stderr, _ = run_in_process(CORPUS / "formula_in_name.csv", "out.xlsx", ["--lang", "en"])
    assert code == 0, stderr
    book = openpyxl.load_workbook(workdir / "out.xlsx")
    found: dict[str, str] = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":  # the report's own formulas, on its calculation sheets only
                    assert sheet.title in ("Calculation", "Parameters"), f"{sheet.title}!{cell.coordinate}"
                    assert not any(formula in str(cell.value) for formula in FORMULAS.values())
                    continue
                for formula in FORMULAS.values():
                    if isinstance(cell.value, str) and formula in cell.value:
                        assert cell.value == "'" + formula, f"{sheet.title}!{cell.coordinate}"
                        found[formula] = cell.value
    assert set(found) == set(FORMULAS.values())
