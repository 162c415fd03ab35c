"""The real program in its own process: signals during the write, stale temporaries, no tracebacks.

The write is made slow by a stub around the program (``os.fsync`` waits), so that the test can
signal a process that is really in the middle of writing its report. Every wait is bounded.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import OLD_REPORT, TINY_POPULATION, TINY_RULES, in_english

from budgetcalc.report import write_atomically

ROOT = Path(__file__).resolve().parent.parent
POPULATION, RULES = TINY_POPULATION, TINY_RULES
PROGRAM_ARGS = ("allocate", "pop.csv", "--rules", "r.toml", "-o", "out.csv", "--force")

# Runs the program with os.fsync replaced by a wait: the report's temporary file then exists, complete
# but not yet renamed, until the process is signalled. ``marker`` tells the test that point is reached.
SLOW_WRITE = """
import os, sys, time
from pathlib import Path

marker = Path(sys.argv[1])

def slow_fsync(descriptor):
    marker.write_text(str(os.getpid()))
    time.sleep(60)

os.fsync = slow_fsync
sys.argv = ["budgetcalc", *sys.argv[2:]]
sys.path.insert(0, {root!r})
import cli
cli.main()
"""


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONUTF8": "1", "COLUMNS": "100", "PYTHONPATH": str(ROOT)}


def partials(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".partial"))


def start_slow_write(folder: Path, name: str) -> tuple[subprocess.Popen[str], Path]:
    (folder / "pop.csv").write_text(POPULATION, encoding="utf-8")
    (folder / "r.toml").write_text(RULES, encoding="utf-8")
    (folder / "out.csv").write_bytes(OLD_REPORT)
    marker = folder / f"{name}.writing"
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITE.format(root=str(ROOT)), str(marker), *PROGRAM_ARGS],
        cwd=folder,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    return process, marker


def wait_for(marker: Path, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while not marker.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            _, stderr = process.communicate(timeout=10)
            pytest.fail(f"the program never reached the write: {stderr}")
        time.sleep(0.02)


@pytest.fixture
def three_writers(tmp_path: Path) -> Iterator[dict[str, tuple[subprocess.Popen[str], Path]]]:
    """Three programs blocked in their write, in their own folders, started together to save time."""
    started = {}
    for name in ("sigterm", "sigint", "sigkill"):
        folder = tmp_path / name
        folder.mkdir()
        started[name] = start_slow_write(folder, name)
    try:
        for process, marker in started.values():
            wait_for(marker, process)
        yield started
    finally:
        for process, _ in started.values():
            if process.poll() is None:
                process.kill()
                process.communicate(timeout=10)


def test_signals_during_the_write(three_writers: dict[str, tuple[subprocess.Popen[str], Path]]) -> None:
    folders = {name: marker.parent for name, (_, marker) in three_writers.items()}
    for name in folders:
        assert len(partials(folders[name])) == 1, name  # really in the middle of writing

    # Another live run's temporary file is left alone by a write to the same target.
    live_folder = folders["sigkill"]
    live_partial = partials(live_folder)
    write_atomically(live_folder / "out.csv", b"written meanwhile", force=True)
    assert partials(live_folder) == live_partial
    assert (live_folder / "out.csv").read_bytes() == b"written meanwhile"

    expected = {"sigterm": (signal.SIGTERM, 143), "sigint": (signal.SIGINT, 130)}
    for name, (signum, _) in expected.items():
        three_writers[name][0].send_signal(signum)
    three_writers["sigkill"][0].kill()

    for name, (signum, code) in expected.items():
        process = three_writers[name][0]
        _, stderr = process.communicate(timeout=20)
        assert process.returncode == code, (name, stderr)
        assert "Traceback" not in stderr
        assert stderr == f"error: interrupted by {signum.name}\n"
        assert partials(folders[name]) == [], name
        assert (folders[name] / "out.csv").read_bytes() == OLD_REPORT

    killed = three_writers["sigkill"][0]
    killed.communicate(timeout=20)
    assert killed.returncode == -signal.SIGKILL
    assert partials(live_folder) == live_partial  # kill -9: nothing could run
    unrelated = [".out.csv.partial", ".out.csv.notes.partial", f".other.csv.{killed.pid}.x.partial"]
    for leftover in unrelated:
        (live_folder / leftover).write_bytes(b"not ours to remove")
    write_atomically(live_folder / "out.csv", b"the next run", force=True)
    assert (live_folder / "out.csv").read_bytes() == b"the next run"
    assert partials(live_folder) == sorted(unrelated)


def test_hostile_inputs_in_the_real_program_end_as_one_line(tmp_path: Path) -> None:
    (tmp_path / "pop.csv").write_text(POPULATION, encoding="utf-8")
    (tmp_path / "r.toml").write_text(RULES, encoding="utf-8")
    (tmp_path / "deep.toml").write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    os.mkfifo(tmp_path / "fifo.csv")
    weird = os.fsencode(tmp_path) + b"/caf\xe9\x1b[2J.csv"  # not UTF-8, and an escape sequence
    cases: dict[str, list[str | bytes]] = {
        "deep rules": ["allocate", "pop.csv", "--rules", "deep.toml", "-o", "a.csv"],
        "fifo population": ["allocate", "fifo.csv", "--rules", "r.toml", "-o", "b.csv"],
        "population as output": ["allocate", "pop.csv", "--rules", "r.toml", "-o", "pop.csv", "--force"],
        "file name not UTF-8": ["allocate", weird, "--rules", "r.toml", "-o", "c.csv"],
    }
    running = {
        name: subprocess.Popen(
            [sys.executable, str(ROOT / "cli.py"), *in_english(args)],
            cwd=tmp_path,
            env={**environment(), "PYTHONUTF8": "0", "LC_ALL": "C.UTF-8"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for name, args in cases.items()
    }
    try:
        finished = {
            name: (process.communicate(timeout=20), process.returncode) for name, process in running.items()
        }
    finally:
        for process in running.values():
            if process.poll() is None:
                process.kill()
                process.communicate(timeout=10)
    for name, ((stdout, stderr), returncode) in finished.items():
        assert returncode == 2, (name, stderr)
        assert b"Traceback" not in stderr, name
        assert len(stderr.splitlines()) == 1 and stderr.startswith(b"error: "), (name, stderr)
        assert stdout == b"", name
    assert finished["file name not UTF-8"][0][1].endswith(b"caf\\udce9\\x1b[2J.csv: file not found\n")
    assert finished["deep rules"][0][1] == (
        b"error: deep.toml: not valid TOML: arrays or tables nested too deeply\n"
    )
    assert finished["fifo population"][0][1] == b"error: fifo.csv: expected a spreadsheet file, got a FIFO\n"
    assert (tmp_path / "pop.csv").read_text(encoding="utf-8") == POPULATION
    assert sorted(path.name for path in tmp_path.iterdir()) == ["deep.toml", "fifo.csv", "pop.csv", "r.toml"]
