"""Hostile paths and names: inputs as the output, special files, oversized files, escape sequences.

Every input here is built by the test in ``tmp_path``; expected messages follow from the problem
(which file, what was expected, what it is instead), not from the program's output.
"""

from __future__ import annotations

import os
import re
import resource
import signal
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from helpers import in_english, one_error_line
from typer.testing import CliRunner, Result

from budgetcalc.columns import ALIASES
from budgetcalc.errors import InputError, OutputError, RuleError
from budgetcalc.reading import load_column_file, read_population
from budgetcalc.report import check_target
from budgetcalc.ruleset import load_ruleset
from budgetcalc.terminal import visible
from cli import app

T = TypeVar("T")

POPULATION = "gebiedscode;naam;inwoners;plangebied ha\nD01;Adorp;664;12\nD02;Baflo;2050;30\n"
RULES = """name = "Dorpsbudget"
municipality = "Het Hogeland"
decision = "test"
valid_from = 2021-01-01
reference_date = 2024-01-01

[components.dorpsbudget]
fixed = 1000
rate = 2
per = "plangebied_ha"
"""
MAPPING = 'inhabitants = "inwoners"\n'
MIB = 1024 * 1024


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pop.csv").write_text(POPULATION, encoding="utf-8")
    (tmp_path / "r.toml").write_text(RULES, encoding="utf-8")
    (tmp_path / "map.toml").write_text(MAPPING, encoding="utf-8")
    return tmp_path


@pytest.fixture
def deadline() -> Iterator[None]:
    """Fail, instead of hanging or filling the memory, when a file is read too long (a FIFO, /dev/zero).

    A read of /dev/zero never returns to Python to see the alarm; the address-space cap ends it.
    """

    def too_slow(signum: int, frame: object) -> None:
        raise TimeoutError("still reading after 5 seconds")

    previous = signal.signal(signal.SIGALRM, too_slow)
    limits = resource.getrlimit(resource.RLIMIT_AS)
    in_use = int(re.findall(r"VmSize:\s+(\d+) kB", Path("/proc/self/status").read_text())[0]) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (in_use + 1024 * MIB, limits[1]))
    signal.alarm(5)
    try:
        yield
    finally:
        signal.alarm(0)
        resource.setrlimit(resource.RLIMIT_AS, limits)
        signal.signal(signal.SIGALRM, previous)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, in_english([str(arg) for arg in args]))


def contents(folder: Path) -> dict[str, bytes]:
    """Every regular file in ``folder`` with its bytes (links and special files by name only)."""
    found: dict[str, bytes] = {}
    for path in sorted(folder.iterdir()):
        mode = path.lstat().st_mode
        found[path.name] = path.read_bytes() if stat.S_ISREG(mode) else b"<not a regular file>"
    return found


def fails(action: Callable[[], T], error: type[Exception]) -> Exception:
    with pytest.raises(error) as caught:
        action()
    return caught.value


# --- 1. --force replaces an earlier report, never an input ----------------------------------------


def _alias(workdir: Path, name: str, how: str) -> str:
    """Another name for the input ``name``: itself, a symlink, a hard link, or a detour via a folder."""
    if how == "same":
        return name
    if how == "absolute":
        return str(workdir / name)
    if how == "symlink":
        (workdir / f"link-{name}").symlink_to(workdir / name)
        return f"link-{name}"
    if how == "hardlink":
        os.link(workdir / name, workdir / f"hard-{name}")
        return f"hard-{name}"
    (workdir / "x").mkdir()
    return f"./x/../{name}"


@pytest.mark.parametrize("how", ["same", "absolute", "symlink", "hardlink", "detour"])
@pytest.mark.parametrize("victim", ["pop.csv", "r.toml", "map.toml"])
def test_force_never_replaces_an_input(workdir: Path, victim: str, how: str) -> None:
    target = _alias(workdir, victim, how)
    before = contents(workdir)
    result = run("allocate", "pop.csv", "--rules", "r.toml", "--columns", "map.toml", "-o", target, "--force")
    line = one_error_line(result)
    assert line.startswith(f"error: {Path(target)}: ") and f"input file '{victim}'" in line
    assert contents(workdir) == before


def test_the_default_report_name_never_replaces_an_input(workdir: Path) -> None:
    """Rules ``pop.toml`` give the default report ``pop.xlsx``: not when that is the population."""
    (workdir / "pop.xlsx").write_bytes(b"the population, as a workbook")
    (workdir / "pop.toml").write_text(RULES, encoding="utf-8")
    before = contents(workdir)
    line = one_error_line(run("allocate", "pop.xlsx", "--rules", "pop.toml", "--force"))
    assert line.startswith("error: pop.xlsx: ") and "input file 'pop.xlsx'" in line
    assert contents(workdir) == before


@pytest.mark.parametrize("how", ["same", "symlink", "hardlink", "detour"])
def test_check_target_refuses_a_protected_file(workdir: Path, how: str) -> None:
    target = Path(_alias(workdir, "pop.csv", how))
    error = fails(lambda: check_target(target, force=True, protected=[workdir / "pop.csv"]), OutputError)
    assert "pop.csv" in str(error) and "input" in str(error)


def test_check_target_refuses_a_new_name_that_resolves_to_an_input(workdir: Path) -> None:
    (workdir / "later.csv").symlink_to(workdir / "pop-to-come.csv")  # dangling: the input appears later
    error = fails(
        lambda: check_target(workdir / "later.csv", force=True, protected=[workdir / "pop-to-come.csv"]),
        OutputError,
    )
    assert "pop-to-come.csv" in str(error)


def test_write_report_never_replaces_the_population_it_was_computed_from(workdir: Path) -> None:
    from budgetcalc import allocate
    from budgetcalc.report import write_report

    people = read_population(workdir / "pop.csv", columns={"inhabitants": "inwoners"})
    result = allocate(people, load_ruleset(workdir / "r.toml"))
    before = contents(workdir)
    fails(lambda: write_report(result, workdir / "pop.csv", force=True), OutputError)
    assert contents(workdir) == before


# --- 3. special files as input or output ---------------------------------------------------------


def _special(workdir: Path, kind: str, name: str) -> Path:
    path = workdir / name
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "link-to-fifo":
        os.mkfifo(workdir / f"real-{name}")
        path.symlink_to(workdir / f"real-{name}")
    return path


SPECIAL = {
    "directory": "a directory",
    "fifo": "a FIFO",
    "dev-zero": "a character device",
    "link-to-fifo": "a FIFO",
}


@pytest.mark.usefixtures("deadline")
@pytest.mark.parametrize("kind", list(SPECIAL))
def test_special_population_file(workdir: Path, kind: str) -> None:
    path = _special(workdir, kind, "special.csv")
    error = fails(lambda: read_population(path), InputError)
    assert str(error) == f"{path}: expected a spreadsheet file, got {SPECIAL[kind]}"


@pytest.mark.usefixtures("deadline")
@pytest.mark.parametrize("kind", list(SPECIAL))
def test_special_workbook(workdir: Path, kind: str) -> None:
    path = _special(workdir, kind, "special.xlsx")
    error = fails(lambda: read_population(path), InputError)
    assert str(error) == f"{path}: expected a spreadsheet file, got {SPECIAL[kind]}"


@pytest.mark.usefixtures("deadline")
@pytest.mark.parametrize("kind", list(SPECIAL))
def test_special_rule_file(workdir: Path, kind: str) -> None:
    path = _special(workdir, kind, "special.toml")
    error = fails(lambda: load_ruleset(path), RuleError)
    assert str(error) == f"{path}: expected a rule file (.toml), got {SPECIAL[kind]}"


@pytest.mark.usefixtures("deadline")
@pytest.mark.parametrize("kind", list(SPECIAL))
def test_special_mapping_file(workdir: Path, kind: str) -> None:
    path = _special(workdir, kind, "special-map.toml")
    error = fails(lambda: load_column_file(path), InputError)
    assert str(error) == f"{path}: expected a column mapping file, got {SPECIAL[kind]}"


@pytest.mark.usefixtures("deadline")
def test_special_files_through_the_command(workdir: Path) -> None:
    os.mkfifo(workdir / "fifo.toml")
    line = one_error_line(run("allocate", "pop.csv", "--rules", "fifo.toml", "-o", "out.csv"))
    assert line == "error: fifo.toml: expected a rule file (.toml), got a FIFO"
    line = one_error_line(run("allocate", "/dev/zero", "--rules", "r.toml", "-o", "out.csv"))
    assert line == "error: /dev/zero: expected a spreadsheet file, got a character device"
    assert not (workdir / "out.csv").exists()


@pytest.mark.parametrize(
    ("name", "limit", "read", "error_type"),
    [
        ("big.csv", 64 * MIB, read_population, InputError),
        ("big.xlsx", 64 * MIB, read_population, InputError),
        ("big.toml", 1 * MIB, load_ruleset, RuleError),
        ("big-map.toml", 64 * 1024, load_column_file, InputError),
    ],
)
@pytest.mark.usefixtures("deadline")
def test_a_file_above_its_size_limit_is_refused_unread(
    workdir: Path, name: str, limit: int, read: Callable[[Path], object], error_type: type[Exception]
) -> None:
    path = workdir / name
    with path.open("wb") as stream:
        stream.truncate(limit + 1)  # sparse: nothing to read but zeros, and too large
    error = fails(lambda: read(path), error_type)
    assert str(path) in str(error) and "too large" in str(error)
    shown = f"{limit // MIB} MiB" if limit >= MIB else f"{limit // 1024} KiB"
    assert f"at most {shown}" in str(error)


def test_a_file_at_its_size_limit_is_read(workdir: Path) -> None:
    path = workdir / "padded.toml"
    text = MAPPING + "#" * (64 * 1024 - len(MAPPING) - 1) + "\n"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size == 64 * 1024
    assert load_column_file(path) == {"inhabitants": "inwoners"}


@pytest.mark.parametrize(
    ("target", "what"),
    [("/dev/null", "a character device"), ("fifo.csv", "a FIFO"), ("folder.csv", "a directory")],
)
@pytest.mark.parametrize("force", [False, True])
def test_special_output(workdir: Path, target: str, what: str, force: bool) -> None:
    if target == "fifo.csv":
        os.mkfifo(workdir / target)
    elif target == "folder.csv":
        (workdir / target).mkdir()
    error = fails(lambda: check_target(Path(target), force=force), OutputError)
    assert str(error).startswith(f"{target}: the output is {what}")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_dev_null_as_output_through_the_command(workdir: Path) -> None:
    line = one_error_line(
        run("allocate", "pop.csv", "--rules", "r.toml", "-o", "/dev/null", "-f", "csv", "--force")
    )
    assert line.startswith("error: /dev/null: the output is a character device")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_an_existing_file_of_another_format_is_named_for_its_format(workdir: Path) -> None:
    """Not "use --force" first and "cannot tell the format" after: the name is the problem."""
    (workdir / "notes.txt").write_bytes(b"my notes")
    line = one_error_line(run("allocate", "pop.csv", "--rules", "r.toml", "-o", "notes.txt"))
    assert "--format" in line and "--force" not in line
    assert (workdir / "notes.txt").read_bytes() == b"my notes"


# --- 4. text from input files is shown, never executed --------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Oud\x1b[2J-Oost", "Oud\\x1b[2J-Oost"),
        ("Binnen\rstad", "Binnen\\rstad"),
        ("tab\there", "tab\\there"),
        ("bel\x07", "bel\\x07"),
        ("csi\x9b31m", "csi\\x9b31m"),
        ("del\x7f", "del\\x7f"),
        ("rtl\u202eevil", "rtl\\u202eevil"),
        ("line\u2028sep", "line\\u2028sep"),
        ("bad byte \udcff", "bad byte \\udcff"),
        ("Leeuwarden – Huizum, € 6.567,00", "Leeuwarden – Huizum, € 6.567,00"),
        ("C:\\Users\\gemeente", "C:\\Users\\gemeente"),
    ],
)
def test_visible(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_a_line_break_in_text_from_a_file_is_shown_too() -> None:
    assert visible("one\ntwo") == "one\\ntwo"


def test_escape_sequences_in_area_names_never_reach_the_terminal(workdir: Path) -> None:
    """Reading refuses control characters in names (tests/test_hostile_text.py); the message names
    the character by its code point and prints nothing the terminal would act on."""
    (workdir / "pop.csv").write_text(
        "gebiedscode;naam;inwoners;plangebied ha\n"
        'D01;Oud\x1b[2J\x1b[31m\x07;664;12\nD02;"Bin\rstad";2050;30\n',
        encoding="utf-8",
    )
    result = run("allocate", "pop.csv", "--rules", "r.toml", "-o", "out.csv")
    assert result.exit_code == 2
    assert "\x1b" not in result.output and "\r" not in result.output and "\x07" not in result.output
    assert "U+001B" in result.output and "row 2" in result.output
    assert not (workdir / "out.csv").exists()


def test_headers_and_file_names_in_errors_are_made_visible(workdir: Path) -> None:
    (workdir / "pop.csv").write_text("gebiedscode;naam;inwoners\nD01;Adorp;664\n", encoding="utf-8")
    result = run(
        "allocate", "pop.csv", "--rules", "r.toml", "-o", "out.csv", "--column", "plangebied_ha=Opp\r\x1b[2Jx"
    )
    line = one_error_line(result)
    assert "\x1b" not in result.output and "\r" not in result.output
    assert "Opp\\r\\x1b[2Jx" in line
    line = one_error_line(run("allocate", "geen\x1b[31m.csv", "--rules", "r.toml", "-o", "out.csv"))
    assert line == "error: geen\\x1b[31m.csv: file not found"


def test_a_multi_line_rule_error_keeps_its_own_lines_only(workdir: Path) -> None:
    (workdir / "r.toml").write_text(RULES + 'rat = 1\n"evil\\u001b[2J\\nkey" = 2\n', encoding="utf-8")
    result = run("allocate", "pop.csv", "--rules", "r.toml", "-o", "out.csv")
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == "error: r.toml: 2 problems in the rule file:"
    assert len(lines) == 3 and all(line.startswith("  ") for line in lines[1:])
    assert "'components.dorpsbudget.rat'" in result.stderr
    assert "'components.dorpsbudget.evil\\x1b[2J\\nkey'" in result.stderr


# --- 5. --column and mapping files name unknown fields and list the valid ones ---------------------


def _valid_fields() -> str:
    """The known fields, then the columns this rule set reads."""
    return ", ".join([*ALIASES, "plangebied_ha"])


def test_an_unknown_field_in_a_column_option_lists_the_valid_ones(workdir: Path) -> None:
    line = one_error_line(
        run(
            "allocate",
            "pop.csv",
            "--rules",
            "r.toml",
            "-o",
            "out.csv",
            "--column",
            "oppervlakte=plangebied ha",
        )
    )
    assert line == f"error: unknown field 'oppervlakte' in --column (valid fields: {_valid_fields()})"
    assert not (workdir / "out.csv").exists()


def test_an_unknown_field_in_a_mapping_file_lists_the_valid_ones(workdir: Path) -> None:
    (workdir / "map.toml").write_text('[columns]\nplangebied = "plangebied ha"\n', encoding="utf-8")
    line = one_error_line(
        run("allocate", "pop.csv", "--rules", "r.toml", "-o", "out.csv", "--columns", "map.toml")
    )
    assert line == (
        "error: map.toml, key 'plangebied': unknown field 'plangebied' in the column mapping; "
        f"did you mean 'plangebied_ha'? (valid fields: {_valid_fields()})"
    )


def test_a_misspelt_dutch_field_is_recognised(workdir: Path) -> None:
    line = one_error_line(
        run("allocate", "pop.csv", "--rules", "r.toml", "-o", "out.csv", "--column", "inwonrs=inwoners")
    )
    assert line.startswith("error: unknown field 'inwonrs' in --column; did you mean 'inhabitants'? (valid")


def test_a_column_the_rule_set_reads_can_be_mapped(workdir: Path) -> None:
    (workdir / "pop.csv").write_text(
        "gebiedscode;naam;inwoners;Oppervlakte\nD01;Adorp;664;12\n", encoding="utf-8"
    )
    result = run(
        "allocate", "pop.csv", "--rules", "r.toml", "-o", "out.csv", "--column", "plangebied_ha=Oppervlakte"
    )
    assert result.exit_code == 0, result.output
    row = (workdir / "out.csv").read_text(encoding="utf-8").splitlines()[1].split(",")
    assert (row[0], row[-1]) == ("D01", "1024.00")  # 1000 + 2 x 12 ha


def test_the_library_still_accepts_any_mapping(workdir: Path) -> None:
    (workdir / "pop.csv").write_text("gebiedscode;naam;inwoners;Opp\nD01;Adorp;664;12\n", encoding="utf-8")
    people = read_population(workdir / "pop.csv", columns={"plangebied_ha": "Opp"})
    assert [str(value) for value in people.frame["plangebied_ha"]] == ["12"]


# --- 6. failures of the file system and of memory are one line ------------------------------------


@pytest.mark.parametrize("failure", [MemoryError(), UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid")])
def test_other_failures_are_one_line(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    import budgetcalc.reading

    def fail(*args: object, **kwargs: object) -> object:
        raise failure

    monkeypatch.setattr(budgetcalc.reading, "read_population", fail)
    line = one_error_line(run("allocate", "pop.csv", "--rules", "r.toml", "-o", "out.csv"))
    assert len(line) > len("error: ") + 10
    assert not (workdir / "out.csv").exists()


def test_a_rule_file_nested_too_deeply_is_a_rule_error(workdir: Path) -> None:
    (workdir / "deep.toml").write_text("a = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    error = fails(lambda: load_ruleset(workdir / "deep.toml"), RuleError)
    assert "deep.toml" in str(error) and "nested" in str(error)


def test_a_mapping_file_nested_too_deeply_is_an_input_error(workdir: Path) -> None:
    (workdir / "deep.toml").write_text("a = " + "{b = " * 5000 + "1" + "}" * 5000 + "\n", encoding="utf-8")
    error = fails(lambda: load_column_file(workdir / "deep.toml"), InputError)
    assert "deep.toml" in str(error) and "nested" in str(error)
