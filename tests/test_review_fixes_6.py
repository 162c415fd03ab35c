"""Review of issue 6, hostile files: stop signals at start-up, usage errors, special outputs, wide text
encodings, the population file's size limit, Excel's ``_xHHHH_`` escapes and duplicate zip entries.

Every file is built here; programs run in their own processes with bounded waits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from helpers import OLD_REPORT, TINY_POPULATION, TINY_RULES, corpus_maker

import cli
from budgetcalc.errors import InputError, OutputError
from budgetcalc.files import POPULATION_FILE
from budgetcalc.reading import read_table
from budgetcalc.report import check_target

ROOT = Path(__file__).resolve().parent.parent
POPULATION, RULES = TINY_POPULATION, TINY_RULES


maker = corpus_maker()


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONUTF8": "1", "COLUMNS": "100", "PYTHONPATH": str(ROOT)}


def prepare(folder: Path) -> None:
    (folder / "pop.csv").write_text(POPULATION, encoding="utf-8")
    (folder / "r.toml").write_text(RULES, encoding="utf-8")


def run_all(commands: dict[str, tuple[list[str], Path]], stdout: dict[str, Path] | None = None) -> dict:
    """Run the command lines at once; name → (exit code, stdout, stderr). Every wait is bounded."""
    outputs = {name: (stdout or {}).get(name) for name in commands}
    handles = {name: open(path, "wb") if path else None for name, path in outputs.items()}  # noqa: SIM115
    running = {
        name: subprocess.Popen(
            [sys.executable, str(ROOT / "cli.py"), *args],
            cwd=folder,
            env=environment(),
            stdout=handles[name] or subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for name, (args, folder) in commands.items()
    }
    try:
        done = {
            name: (*process.communicate(timeout=60), process.returncode) for name, process in running.items()
        }
    finally:
        for process in running.values():
            if process.poll() is None:
                process.kill()
                process.communicate(timeout=10)
        for handle in handles.values():
            if handle:
                handle.close()
    return {name: (code, out or b"", err.decode("utf-8")) for name, (out, err, code) in done.items()}


# --- 1. A stop signal at start-up: one line and 130 or 143, whenever it comes ---------------------

# Runs the program with a stop signal sent while a module is being imported, and, as a C extension's
# initialisation does, any exception raised there turned into an ImportError.
SIGNAL_DURING_IMPORT = """
import importlib.abc, importlib.machinery, os, signal, sys

signum, module_name = int(sys.argv[1]), sys.argv[2]

class Loader(importlib.abc.Loader):
    def __init__(self, real):
        self.real = real
    def create_module(self, spec):
        return self.real.create_module(spec)
    def exec_module(self, module):
        try:
            os.kill(os.getpid(), signum)
            for _ in range(1000):
                pass
            self.real.exec_module(module)
        except BaseException as error:
            raise ImportError("initialisation failed") from error

class Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != module_name:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        spec.loader = Loader(spec.loader)
        return spec

sys.meta_path.insert(0, Finder())
sys.argv = ["budgetcalc", *sys.argv[3:]]
sys.path.insert(0, {root!r})
import cli
cli.main()
"""


@pytest.mark.parametrize("module", ["pandas", "budgetcalc.report.atomic"])
def test_a_stop_signal_inside_an_import_exits_with_one_line(tmp_path: Path, module: str) -> None:
    prepare(tmp_path)
    (tmp_path / "out.csv").write_bytes(OLD_REPORT)
    script = SIGNAL_DURING_IMPORT.format(root=str(ROOT))
    args = ["allocate", "pop.csv", "--rules", "r.toml", "-o", "out.csv", "--force"]
    running = {
        signum: subprocess.Popen(
            [sys.executable, "-c", script, str(int(signum)), module, *args],
            cwd=tmp_path,
            env=environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for signum in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        done = {
            signum: (*process.communicate(timeout=60), process.returncode)
            for signum, process in running.items()
        }
    finally:
        for process in running.values():
            if process.poll() is None:
                process.kill()
                process.communicate(timeout=10)
    for signum, (stdout, stderr, code) in done.items():
        assert (code, stderr.decode()) == (128 + signum, f"error: interrupted by {signum.name}\n")
        assert stdout == b""
    assert (tmp_path / "out.csv").read_bytes() == OLD_REPORT
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.csv", "pop.csv", "r.toml"]


# The real program, with a marker file once its signal handlers are in place: before that moment the
# signal's default action ends Python (exit code -15), which no program can change.
HANDLERS_READY = """
import sys
from pathlib import Path

sys.path.insert(0, {root!r})
import cli

cli._handle_stop_signals()
Path(sys.argv[1]).write_text("ready")
sys.argv = ["budgetcalc", *sys.argv[2:]]
cli.main()
"""


def test_a_stop_signal_at_any_moment_exits_with_one_line(tmp_path: Path) -> None:
    """The signal comes at several moments of a real run: imports, reading, computing, writing."""
    args = ["allocate", "pop.csv", "--rules", "r.toml", "-o", "out.csv", "--force"]
    script = HANDLERS_READY.format(root=str(ROOT))
    running = {}
    for number, delay in enumerate([0.0, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8]):
        for signum in (signal.SIGTERM, signal.SIGINT):
            folder = tmp_path / f"{signum.name}-{number}"
            folder.mkdir()
            prepare(folder)
            (folder / "out.csv").write_bytes(OLD_REPORT)
            process = subprocess.Popen(
                [sys.executable, "-c", script, str(folder / "ready"), *args],
                cwd=folder,
                env=environment(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            running[(signum, delay, folder)] = process
    waiting = dict(running)
    ready: dict[tuple[signal.Signals, float, Path], float] = {}
    deadline = time.monotonic() + 60
    try:
        while waiting and time.monotonic() < deadline:
            for key, process in list(waiting.items()):
                signum, delay, folder = key
                if key not in ready and (folder / "ready").exists():
                    ready[key] = time.monotonic()
                if key in ready and time.monotonic() >= ready[key] + delay:
                    process.send_signal(signum)
                    del waiting[key]
                elif process.poll() is not None:
                    del waiting[key]  # it ended before the signal: judged below
            time.sleep(0.005)
        done = {
            key: (*process.communicate(timeout=60), process.returncode) for key, process in running.items()
        }
    finally:
        for process in running.values():
            if process.poll() is None:
                process.kill()
                process.communicate(timeout=10)
    assert not waiting, "some programs never got ready"
    for (signum, delay, folder), (_, stderr, code) in done.items():
        text = stderr.decode()
        if code == 0:  # finished before the signal came
            assert text == "", (signum, delay, text)
            assert (folder / "out.csv").read_bytes().startswith(b"code,")
        else:
            assert (code, text) == (128 + signum, f"error: interrupted by {signum.name}\n"), (signum, delay)
            report = (folder / "out.csv").read_bytes()
            assert report == OLD_REPORT or report.startswith(b"code,"), (signum, delay)
        assert not [path for path in folder.iterdir() if path.name.endswith(".partial")], (signum, delay)


# --- 2. Usage errors: one line, exit code 2 -------------------------------------------------------

USAGE_ERRORS = {
    "language": (
        ["allocate", "pop.csv", "--rules", "r.toml", "--lang", "de"],
        ["--lang", "'de'", "nl", "en"],
    ),
    "format": (
        ["allocate", "pop.csv", "--rules", "r.toml", "--format", "pdf"],
        ["--format", "'pdf'", "xlsx", "csv", "json"],
    ),
    "no rules": (["allocate", "pop.csv"], ["--rules"]),
    "no population": (["allocate", "--rules", "r.toml"], ["POPULATION"]),
    "unknown option": (["allocate", "pop.csv", "--rules", "r.toml", "--bogus"], ["--bogus", "--help"]),
    "option without value": (["allocate", "pop.csv", "--rules", "r.toml", "--level"], ["--level", "waarde"]),
    "unknown command": (["frobnicate"], ["frobnicate", "allocate"]),
    "extra argument": (["allocate", "pop.csv", "more.csv", "--rules", "r.toml"], ["more.csv"]),
}


@pytest.mark.parametrize("name", list(USAGE_ERRORS))
def test_usage_errors_are_one_line_and_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """``cli.run`` is the program as ``main`` runs it, less the signal handlers and ``sys.exit``."""
    prepare(tmp_path)
    monkeypatch.chdir(tmp_path)
    args, expected = USAGE_ERRORS[name]
    code = cli.run(args)
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert captured.out == ""
    assert captured.err.startswith("error: ") and captured.err.count("\n") == 1, captured.err
    for fragment in expected:
        assert fragment in captured.err, (fragment, captured.err)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pop.csv", "r.toml"]


def test_help_and_version_still_work(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["allocate", "--help"]) == 0
    assert "--rules" in capsys.readouterr().out
    assert cli.run(["--version"]) == 0
    assert capsys.readouterr().out == "budgetcalc 0.1.0\n"


# --- 3. What the output is comes before what its name says -----------------------------------------


def test_standard_output_as_the_report_is_refused_for_what_it_is(tmp_path: Path) -> None:
    prepare(tmp_path)
    base = ["allocate", "--lang", "en", "pop.csv", "--rules", "r.toml", "--format", "csv", "--force", "-o"]
    commands = {
        "dev stdout": ([*base, "/dev/stdout"], tmp_path),
        "proc fd": ([*base, "/proc/self/fd/1"], tmp_path),
    }
    redirected = {name: tmp_path / f"{name}.txt" for name in commands}  # a regular file behind the name
    done = run_all(commands, stdout=redirected)
    for name, (code, _, stderr) in done.items():
        assert code == 2, (name, stderr)
        assert stderr.count("\n") == 1 and stderr.startswith("error: "), (name, stderr)
        assert "does not end in" not in stderr, (name, stderr)
        assert "not a report file" in stderr, (name, stderr)
        assert redirected[name].read_bytes() == b"", name


def test_check_target_refuses_the_system_names_of_open_files() -> None:
    for name in ("/dev/stdout", "/dev/fd/1", "/proc/self/fd/1", "/dev/null"):
        with pytest.raises(OutputError, match="not a report file"):
            check_target(Path(name), force=True)


# --- 4. Text in UTF-32, or UTF-16 without byte-order mark ------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "named"),
    [
        ("utf-32", "UTF-32"),
        ("utf-32-be", "UTF-32"),
        ("utf-32-le", "UTF-32"),
        ("utf-16-le", "UTF-16"),
        ("utf-16-be", "UTF-16"),
    ],
)
def test_wide_text_encodings_are_named(tmp_path: Path, encoding: str, named: str) -> None:
    text = POPULATION.replace("Adorp", "Adorp-Ée")
    data = text.encode(encoding)
    if encoding == "utf-32-be":
        data = b"\x00\x00\xfe\xff" + data
    path = tmp_path / "pop.csv"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        read_table(path)
    message = str(caught.value)
    assert named in message and "UTF-8" in message, message
    assert "header" not in message and "binary" not in message, message


def test_utf16_with_a_byte_order_mark_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "pop.csv"
    path.write_bytes(POPULATION.encode("utf-16"))
    assert read_table(path).rows[0][:2] == ["D01", "Adorp"]


# --- 5. The population file's size bounds the memory used ------------------------------------------


def test_a_population_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    assert POPULATION_FILE.max_bytes == 64 * 1024 * 1024
    path = tmp_path / "big.csv"
    with path.open("wb") as stream:
        stream.write(POPULATION.encode())
        stream.truncate(POPULATION_FILE.max_bytes + 1)  # sparse: nothing to write
    with pytest.raises(InputError, match=r"too large: 67,108,865 bytes.*at most 64 MiB"):
        read_table(path)


def test_more_rows_than_the_netherlands_has_areas_are_refused_before_parsing(tmp_path: Path) -> None:
    """Memory follows the rows: 4 MiB of the shortest rows (171,000 areas) peaks at 0.8 GB with an
    .xlsx report, so the rows are bounded, not only the bytes."""
    path = tmp_path / "many.csv"
    path.write_text("code;naam;inwoners\n" + "".join(f"D{n};x;1\n" for n in range(100_001)), encoding="utf-8")
    with pytest.raises(InputError, match=r"100,002 lines; budgetcalc reads at most 100,000 areas"):
        read_table(path)


def test_more_cells_than_the_limit_are_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    row = ";".join(["1"] * 200)
    path.write_text("code;naam;inwoners;" + row + "\n" + f"D1;x;1;{row}\n" * 30_000, encoding="utf-8")
    with pytest.raises(InputError, match=r"about 6,\d{3},\d{3} cells; budgetcalc reads at most 5,000,000"):
        read_table(path)


# --- 6. Excel's _xHHHH_ escapes --------------------------------------------------------------------

HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def inline(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def workbook(codes: list[str], *, duplicate: bytes | None = None) -> bytes:
    """The header and one village per code; ``duplicate`` is a second copy of the worksheet part."""
    header = "".join(
        inline(f"{c}1", t) for c, t in zip("ABC", ["gebiedscode", "naam", "inwoners"], strict=True)
    )
    rows = f'<row r="1">{header}</row>'
    for number, code in enumerate(codes, start=2):
        cells = inline(f"A{number}", code) + inline(f"B{number}", f"Dorp {number}")
        rows += f'<row r="{number}">{cells}<c r="C{number}"><v>{100 * number}</v></c></row>'
    sheet = f'{HEAD}<worksheet xmlns="{maker.MAIN}"><sheetData>{rows}</sheetData></worksheet>'.encode()
    parts = maker.workbook({"Dorpen": [["x"]]}, raw_sheet=sheet)
    if duplicate is not None:
        parts.append(("xl/worksheets/sheet1.xml", duplicate))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name: that is the point
        return bytes(maker.zip_file(parts))


def codes_read(path: Path) -> list[object]:
    return [row[0] for row in read_table(path).rows]


@pytest.mark.parametrize("escape", ["_x200B_", "_x00AD__x2060_", "_xFEFF_", "_x0430_"])
def test_an_escape_excel_decodes_and_calamine_does_not_is_refused_naming_the_cell(
    tmp_path: Path, escape: str
) -> None:
    path = tmp_path / "dorpen.xlsx"
    path.write_bytes(workbook(["D01", f"D01{escape}"]))
    with pytest.raises(InputError) as caught:
        read_table(path)
    message = str(caught.value)
    assert "cell A3" in message and "U+" in message and "\n" not in message, message


def test_escapes_read_as_excel_shows_them(tmp_path: Path) -> None:
    """Excel writes a typed "_x" as "_x005F_x"; escapes of the first 256 characters are decoded."""
    path = tmp_path / "dorpen.xlsx"
    path.write_bytes(workbook(["D_x0030_1", "D_x005F_x0041_"]))
    assert codes_read(path) == ["D01", "D_x0041_"]
    # Typed text that looks like an escape of a character past U+00FF: after calamine it cannot be
    # told from the escape itself, so it is refused rather than guessed.
    path.write_bytes(workbook(["D_x005F_x200B_02"]))
    with pytest.raises(InputError, match="cell A2"):
        read_table(path)


# --- 7. Duplicate zip entries ----------------------------------------------------------------------


def test_a_part_stored_twice_is_refused(tmp_path: Path) -> None:
    second = f'{HEAD}<worksheet xmlns="{maker.MAIN}"><sheetData></sheetData></worksheet>'.encode()
    path = tmp_path / "dorpen.xlsx"
    path.write_bytes(workbook(["D01"], duplicate=second))
    with pytest.raises(InputError) as caught:
        read_table(path)
    message = str(caught.value)
    assert "xl/worksheets/sheet1.xml" in message and "twice" in message and "damaged" in message, message
