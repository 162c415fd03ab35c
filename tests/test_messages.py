"""Messages a Dutch user understands: the population file and the command line in the report language
(Dutch by default, ``--lang en``), with a suggestion where one is likely; option errors in one line
with exit code 2; ``-h``; help without ``<bool>``-style placeholders; shell completion; warnings on
standard error and results on standard output.

Every command runs as ``cli.run``, the program as ``main`` runs it (usage errors included). The
expected texts are written out here, in both languages.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import typer
from helpers import TINY_RULES

import cli
from budgetcalc.errors import InputError, RuleError
from budgetcalc.labels import MESSAGES, translated

ROOT = Path(__file__).resolve().parent.parent
LANG_COMMANDS = ("allocate", "explain", "calibrate", "compare", "sweep")
"""The commands that read a population file and so take --rules (calibrate speaks English)."""
RATE = "components.dorpsbudget.rate"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with a rule file (Het Hogeland) and a two-village population."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.toml").write_text(TINY_RULES, encoding="utf-8")
    (tmp_path / "pop.csv").write_bytes(b"gebiedscode;naam;inwoners\nD01;Adorp;664\nD02;Baflo;2050\n")
    return tmp_path


def program(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Exit code, standard output and standard error of ``budgetcalc ARGS``."""
    code = cli.run(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_error(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The one ``error:`` line (exit code 2, nothing on standard output) of a mistaken command."""
    code, out, err = program(args, capsys)
    assert code == 2, (args, out, err)
    assert out == "", (args, out)
    assert err.count("\n") == 1 and err.startswith("error: "), (args, err)
    return err.rstrip("\n")


# --- the population file, in Dutch and in English -------------------------------------------------


def test_a_bad_count_names_its_row_and_column_in_the_report_language(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "bad.csv").write_bytes(b"gebiedscode;naam;inwoners\nD01;Adorp;664\nD02;Baflo;veel\n")
    base = ["allocate", "bad.csv", "-r", "r.toml", "-o", "out.csv"]
    assert one_error(base, capsys) == (
        "error: bad.csv, rij 3, kolom 'inwoners': verwacht een geheel getal van 0 of meer, gekregen: 'veel'"
    )
    assert one_error([*base, "--lang", "en"], capsys) == (
        "error: bad.csv, row 3, column 'inwoners': expected a whole number of 0 or more, got 'veel'"
    )
    assert not (folder / "out.csv").exists()


def test_a_misspelt_header_suggests_the_name_and_the_column_option(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "typo.csv").write_bytes(b"gebiedscode;naam;inwonres\nD01;Adorp;664\nD02;Baflo;2050\n")
    base = ["allocate", "typo.csv", "-r", "r.toml", "-o", "out.csv"]
    assert one_error(base, capsys) == (
        "error: typo.csv: verplichte kolom 'inhabitants' ontbreekt (gevonden: gebiedscode, naam, inwonres); "
        "'inwonres': bedoelde u 'inwoners'? of gebruik --column inhabitants=\"inwonres\""
    )
    assert one_error([*base, "--lang", "en"], capsys) == (
        "error: typo.csv: required column 'inhabitants' is missing (found: gebiedscode, naam, inwonres); "
        "'inwonres': did you mean 'inwoners'? or use --column inhabitants=\"inwonres\""
    )


def test_a_header_like_no_field_gets_no_guess(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "other.csv").write_bytes(b"gebiedscode;naam;oppervlakte\nD01;Adorp;664\nD02;Baflo;2050\n")
    line = one_error(["allocate", "other.csv", "-r", "r.toml", "--lang", "en"], capsys)
    assert line.endswith("required column 'inhabitants' is missing (found: gebiedscode, naam, oppervlakte)")


def test_the_suggestion_maps_the_header_as_written(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Following the suggestion works: the --column it names reads the file."""
    (folder / "typo.csv").write_bytes(b"gebiedscode;naam;inwonres\nD01;Adorp;664\nD02;Baflo;2050\n")
    args = ["allocate", "typo.csv", "-r", "r.toml", "-o", "out.csv", "--column", "inhabitants=inwonres"]
    code, _, err = program(args, capsys)
    assert code == 0, err
    assert (folder / "out.csv").exists()


MUNICIPALITIES = b"gebiedscode;naam;gemeente;inwoners\nW01;Oost;Leeuwarden;100\nW02;West;Leeuwarden;200\n"


def test_a_misspelt_municipality_suggests_the_files_own(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "wijken.csv").write_bytes(MUNICIPALITIES)
    base = ["allocate", "wijken.csv", "-r", "r.toml", "--municipality", "Leewarden"]
    assert one_error(base, capsys) == (
        "error: wijken.csv: geen gebieden van gemeente 'Leewarden' in het bestand (het heeft: Leeuwarden "
        "(GM0080)); Leewarden: bedoelde u Leeuwarden?"
    )
    assert one_error([*base, "--lang", "en"], capsys) == (
        "error: wijken.csv: no areas of municipality 'Leewarden' in the file (it has: Leeuwarden (GM0080)); "
        "Leewarden: did you mean Leeuwarden?"
    )


def test_a_misspelt_municipality_the_file_lacks_is_found_in_the_2024_list(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "wijken.csv").write_bytes(MUNICIPALITIES)
    line = one_error(["allocate", "wijken.csv", "-r", "r.toml", "--municipality", "Het Hogland"], capsys)
    assert line.endswith("; Het Hogland: bedoelde u Het Hogeland?")
    line = one_error(["allocate", "wijken.csv", "-r", "r.toml", "--municipality", "Xqzt"], capsys)
    assert "bedoelde u" not in line


def test_a_missing_file_and_an_empty_one_in_dutch(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert one_error(["allocate", "nergens.csv", "-r", "r.toml"], capsys) == (
        "error: nergens.csv: bestand niet gevonden"
    )
    (folder / "leeg.csv").write_bytes(b"")
    assert (
        one_error(["allocate", "leeg.csv", "-r", "r.toml"], capsys) == "error: leeg.csv: het bestand is leeg"
    )


def test_locations_name_sheet_row_and_column_in_both_languages() -> None:
    error = InputError("expected 0 or more, got -3", file="w.xlsx", sheet="Blad1", row=7, column="inwoners")
    assert (
        error.text("nl") == "w.xlsx, blad 'Blad1', rij 7, kolom 'inwoners': verwacht 0 of meer, gekregen: -3"
    )
    assert (
        error.text("en")
        == str(error)
        == "w.xlsx, sheet 'Blad1', row 7, column 'inwoners': expected 0 or more, got -3"
    )


def test_a_rule_file_message_stays_english_as_a_whole() -> None:
    """Rule-file messages are English (docs/rules.md quotes them): the line does not mix languages."""
    error = RuleError(
        "unknown key (see docs/rules.md for the keys allowed here)", file="r.toml", line=4, key="x"
    )
    assert (
        error.text("nl")
        == "r.toml, line 4, key 'x': unknown key (see docs/rules.md for the keys allowed here)"
    )


def test_large_numbers_in_a_dutch_message_group_thousands_with_dots() -> None:
    english = "cell B2 holds 3,145,728 characters; Excel allows at most 32,767 in a cell"
    assert (
        translated(english, "nl")
        == "cel B2 bevat 3.145.728 tekens; Excel staat er hoogstens 32.767 in een cel toe"
    )


def test_a_reason_inside_a_message_is_worded_in_dutch_too() -> None:
    english = (
        "no areas left to allocate (2 row(s) skipped, inhabitants suppressed (secret or unknown): row 2, 3; "
        "1 row(s) outside the selection (--level wijk))"
    )
    assert translated(english, "nl") == (
        "geen gebieden over om te verdelen (2 rij(en) overgeslagen, aantal inwoners niet gepubliceerd "
        "(geheim of onbekend): rij 2, 3; 1 rij(en) vallen buiten de selectie (--level wijk))"
    )


# --- output paths ---------------------------------------------------------------------------------


def test_an_output_that_is_a_folder_suggests_a_file_name_in_it(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "map").mkdir()
    base = ["allocate", "pop.csv", "-r", "r.toml", "-o", "map"]
    assert one_error(base, capsys) == (
        "error: map: de uitvoer is een map; geef een bestandsnaam, bijv. map/r.xlsx"
    )
    assert one_error([*base, "--lang", "en", "-f", "csv"], capsys) == (
        "error: map: the output is a folder; give a file name, e.g. map/r.csv"
    )
    assert sorted(path.name for path in (folder / "map").iterdir()) == []


@pytest.mark.parametrize(
    ("option", "name"),
    [("--output", "sweep.csv"), ("--per-area", "sweep.csv"), ("--plot", "grafiek.png")],
)
def test_every_output_option_of_sweep_says_a_folder_is_one(
    folder: Path, capsys: pytest.CaptureFixture[str], option: str, name: str
) -> None:
    (folder / "map").mkdir()
    args = ["sweep", "pop.csv", "-r", "r.toml", "--vary", f"{RATE}=1:2:0.5", option, "map"]
    assert (
        one_error(args, capsys)
        == f"error: map: de uitvoer is een map; geef een bestandsnaam, bijv. map/{name}"
    )


def test_an_existing_report_in_dutch(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "out.csv").write_bytes(b"old")
    assert one_error(["allocate", "pop.csv", "-r", "r.toml", "-o", "out.csv"], capsys) == (
        "error: out.csv: het rapport bestaat al; gebruik --force om het te vervangen"
    )
    assert (folder / "out.csv").read_bytes() == b"old"


# --- option errors: one line, exit code 2, for every command --------------------------------------

COMMAND_ARGS = {
    "allocate": ["pop.csv", "-r", "r.toml"],
    "explain": ["pop.csv", "-r", "r.toml", "--area", "Adorp"],
    "calibrate": ["pop.csv", "-r", "r.toml", "--vary", RATE, "--envelope", "10000"],
    "compare": ["pop.csv", "-r", "r.toml", "--scenario", "s.toml"],
    "sweep": ["pop.csv", "-r", "r.toml", "--vary", f"{RATE}=1:2:0.5"],
    "params": ["r.toml"],
    "check": ["r.toml"],
    "verify": ["pop.csv"],
}
WITH_LANG = ("allocate", "explain", "compare", "sweep")


def _without_rules(args: list[str]) -> list[str]:
    position = args.index("-r")
    return args[:position] + args[position + 2 :]


@pytest.mark.parametrize("command", WITH_LANG)
def test_an_unknown_language_is_one_dutch_line(
    folder: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    line = one_error([command, *COMMAND_ARGS[command], "--lang", "de"], capsys)
    assert line == (
        "error: ongeldige waarde voor '--lang': 'de' is niet een van 'nl', 'en'; "
        f"zie 'budgetcalc {command} --help'"
    )


@pytest.mark.parametrize(
    ("command", "choices"), [("allocate", "'xlsx', 'csv', 'json'"), ("explain", "'text', 'json'")]
)
def test_an_unknown_format_is_one_line_in_either_language(
    folder: Path, capsys: pytest.CaptureFixture[str], command: str, choices: str
) -> None:
    args = [command, *COMMAND_ARGS[command], "-f", "pdf"]
    assert one_error(args, capsys) == (
        f"error: ongeldige waarde voor '--format' / '-f': 'pdf' is niet een van {choices}; "
        f"zie 'budgetcalc {command} --help'"
    )
    assert one_error([*args, "--lang", "en"], capsys) == (
        f"error: invalid value for '--format' / '-f': 'pdf' is not one of {choices}; "
        f"see 'budgetcalc {command} --help'"
    )


@pytest.mark.parametrize("command", LANG_COMMANDS)
def test_a_missing_rules_option_is_one_line(
    folder: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    args = [command, *_without_rules(COMMAND_ARGS[command])]
    dutch, english = "de optie '--rules' / '-r' ontbreekt", "missing option '--rules' / '-r'"
    if command == "calibrate":  # no --lang: English
        dutch = english
    assert (
        one_error(args, capsys)
        == f"error: {dutch}; {'zie' if dutch != english else 'see'} 'budgetcalc {command} --help'"
    )
    if command in WITH_LANG:
        assert (
            one_error([*args, "--lang", "en"], capsys)
            == f"error: {english}; see 'budgetcalc {command} --help'"
        )


@pytest.mark.parametrize("command", list(COMMAND_ARGS))
def test_a_missing_argument_is_one_line(
    folder: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    name = {"params": "RULES", "check": "RULES", "verify": "TABLE"}.get(command, "POPULATION")
    args = [command, *COMMAND_ARGS[command][1:]] if command not in ("params", "check") else [command]
    line = one_error(args, capsys)
    if command in WITH_LANG:
        assert line == f"error: het argument {name} ontbreekt; zie 'budgetcalc {command} --help'"
        line = one_error([*args, "--lang", "en"], capsys)
    assert line == f"error: missing the argument {name}; see 'budgetcalc {command} --help'"


@pytest.mark.parametrize("command", list(COMMAND_ARGS))
def test_an_unknown_option_is_one_line(
    folder: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    args = [command, *COMMAND_ARGS[command], "--bogus"]
    line = one_error(args, capsys)
    if command in WITH_LANG:
        assert line.startswith("error: onbekende optie: --bogus")
        assert line.endswith(f"; zie 'budgetcalc {command} --help'")
        line = one_error([*args, "--lang", "en"], capsys)
    assert line.startswith("error: no such option: --bogus")
    assert line.endswith(f"; see 'budgetcalc {command} --help'")


def test_a_near_miss_of_an_option_is_named(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = one_error(["allocate", "pop.csv", "-r", "r.toml", "--forse"], capsys)
    assert line == "error: onbekende optie: --forse (bedoelde u --force?); zie 'budgetcalc allocate --help'"


@pytest.mark.parametrize("command", LANG_COMMANDS)
def test_a_set_without_a_value_is_one_line(
    folder: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    args = [command, *COMMAND_ARGS[command], "--set", "rate"]
    english = "error: --set expects PATH=VALUE, e.g. components.dorpsbudget.rate=1.75; got 'rate'"
    if command == "calibrate":
        assert one_error(args, capsys) == english
        return
    assert one_error(args, capsys) == (
        "error: --set verwacht PAD=WAARDE, bijv. components.dorpsbudget.rate=1.75; gekregen: 'rate'"
    )
    assert one_error([*args, "--lang", "en"], capsys) == english


def test_an_unknown_command_and_an_extra_argument(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert one_error(["alocate"], capsys) == (
        "error: onbekende opdracht 'alocate' (bedoelde u allocate?); zie 'budgetcalc --help'"
    )
    assert one_error(["frobnicate"], capsys) == (
        "error: onbekende opdracht 'frobnicate' (opdrachten: allocate, explain, params, check, calibrate, "
        "compare, sweep, verify); zie 'budgetcalc --help'"
    )
    assert one_error(["allocate", "pop.csv", "meer.csv", "-r", "r.toml"], capsys) == (
        "error: onverwacht(e) extra argument(en) (meer.csv); zie 'budgetcalc allocate --help'"
    )


# --- help and completion --------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["", *COMMAND_ARGS])
def test_h_shows_help_without_type_placeholders(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    code, out, err = program([command, "-h"] if command else ["-h"], capsys)
    assert code == 0 and err == ""
    assert "Usage: budgetcalc" in out and "--help" in out
    placeholders = re.findall(r"<[a-z][a-z\[\]|, ]*>", out)
    assert placeholders == [], placeholders
    assert "{population}" not in out


def test_the_command_list_gives_each_command_one_sentence(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    _, out, _ = program(["--help"], capsys)
    assert "Show how one area's amount came about, step by step." in out
    assert "Check an allocation table." in out
    assert "the rule set and its source" not in out  # the rest of the help is the command's own


def test_option_metavars_say_what_to_give(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    _, out, _ = program(["allocate", "--help"], capsys)
    assert re.search(r"--rules\s+-r\s+FILE", out)
    assert re.search(r"--lang\s+\[nl\|en\]", out)
    assert re.search(r"--format\s+-f\s+\[xlsx\|csv\|json\]", out)
    assert re.search(r"--force\s+Replace", out)  # a flag takes no value


def test_shell_completion_can_be_shown_and_installed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    _, out, _ = program(["--help"], capsys)
    assert "--install-completion" in out and "--show-completion" in out
    with pytest.raises(SystemExit) as ended:  # typer prints the script and ends the program
        cli.run(["--show-completion", "bash"])
    assert ended.value.code == 0
    out = capsys.readouterr().out
    assert "_budgetcalc_completion" in out and "complete " in out


# --- warnings on standard error, results on standard output ---------------------------------------

EMPTY_VILLAGE = b"gebiedscode;naam;inwoners\nD01;Adorp;0\nD02;Baflo;2050\n"


@pytest.mark.parametrize(
    ("lang", "warning", "result"),
    [
        ("nl", "let op: 1 gebied(en) met 0 inwoners: Adorp", "Aantal gebieden: 2"),
        ("en", "warning: 1 area(s) with 0 inhabitants: Adorp", "Number of areas: 2"),
    ],
)
def test_allocate_warns_on_stderr_and_reports_on_stdout(
    folder: Path, capsys: pytest.CaptureFixture[str], lang: str, warning: str, result: str
) -> None:
    (folder / "leeg.csv").write_bytes(EMPTY_VILLAGE)
    code, out, err = program(
        ["allocate", "leeg.csv", "-r", "r.toml", "-o", "out.csv", "--lang", lang], capsys
    )
    assert code == 0, err
    assert err.splitlines() == [warning]
    assert result in out.splitlines() and warning not in out


@pytest.mark.parametrize(
    "args",
    [
        ["sweep", "leeg.csv", "-r", "r.toml", "--vary", f"{RATE}=1:2:0.5"],
        ["explain", "leeg.csv", "-r", "r.toml", "--area", "Baflo"],
        ["calibrate", "leeg.csv", "-r", "r.toml", "--vary", RATE, "--envelope", "20000"],
    ],
    ids=["sweep", "explain", "calibrate"],
)
def test_other_commands_warn_about_the_population_on_stderr(
    folder: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    (folder / "leeg.csv").write_bytes(EMPTY_VILLAGE)
    code, out, err = program(args, capsys)
    assert code == 0, err
    warning = (
        "warning: 1 area(s) with 0 inhabitants: Adorp"
        if args[0] == "calibrate"
        else "let op: 1 gebied(en) met 0 inwoners: Adorp"
    )
    assert err.splitlines() == [warning]
    assert out and warning not in out


def test_a_written_report_is_a_result_in_the_report_language(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["sweep", "pop.csv", "-r", "r.toml", "--vary", f"{RATE}=1:2:0.5", "-o", "s.csv"]
    code, out, err = program(args, capsys)
    assert code == 0 and err == ""
    assert out.splitlines()[-1] == "Rapport geschreven: s.csv"


# --- the label table itself -----------------------------------------------------------------------


def _source_strings() -> list[str]:
    """Every string the program and its command-line library write, f-strings with their fixed parts
    joined: where the English templates must come from."""
    texts = []
    files = [
        *(ROOT / "budgetcalc").rglob("*.py"),
        ROOT / "cli.py",
        *Path(typer.__file__).parent.rglob("*.py"),
    ]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                texts.append(node.value.lower())
    return texts


CLICK_REWORDED = {" requires a value"}
"""Fixed text the program makes of click's own (``requires an argument`` reads ``requires a value``)."""


def test_every_english_template_is_text_the_program_writes() -> None:
    """A template whose English the code no longer writes would leave that message English in Dutch."""
    texts = _source_strings()
    stale = []
    for english in MESSAGES:
        for piece in re.split(r"\{\w+\}", english):
            piece = piece.lower()
            if (
                len(piece.strip()) >= 4
                and piece not in CLICK_REWORDED
                and not any(piece in text for text in texts)
            ):
                stale.append((english, piece))
    assert stale == []


def test_dutch_templates_use_the_values_of_the_english_ones() -> None:
    for english, dutch in MESSAGES.items():
        assert set(re.findall(r"\{(\w+)\}", dutch)) == set(re.findall(r"\{(\w+)\}", english)), english
