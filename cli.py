"""The ``budgetcalc`` command line: parses options, calls the library, prints. Nothing more."""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import signal
import sys
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer
from typer._click import Command, Context, Parameter
from typer._click.exceptions import MissingParameter, NoArgsIsHelpError, NoSuchOption, UsageError
from typer.core import TyperArgument, TyperGroup, TyperOption

if TYPE_CHECKING:
    from budgetcalc.allocation import Allocation
    from budgetcalc.inputs import PopulationOptions
    from budgetcalc.labels import Lang
    from budgetcalc.notices import Notice


class _PlainArgument(TyperArgument):
    """An argument shown by its name alone (``POPULATION``), without a ``<path>`` type column."""

    def display_type_rich(self, ctx: Context) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        """``POPULATION`` on the usage line (``[NAME]`` when optional), not ``{population}``."""
        return self.display_name_raw if self.required else f"[{self.display_name_raw}]"


def _plain_help(parameter: Parameter) -> None:
    """Help shows ``--rules FILE``, ``--lang [nl|en]`` and bare flags, not ``<path>``, ``<bool>``."""
    if isinstance(parameter, TyperArgument):
        parameter.__class__ = _PlainArgument
        parameter.metavar = (parameter.name or "").upper() + ("..." if parameter.nargs != 1 else "")
    elif isinstance(parameter, TyperOption) and parameter.metavar is None:
        descriptor = parameter.type_descriptor
        if parameter.is_flag or parameter.count:
            parameter.metavar = ""
        elif descriptor.is_choice:
            parameter.metavar = f"[{'|'.join(str(choice) for choice in descriptor.choices or ())}]"
        elif descriptor.is_path:
            parameter.metavar = "FILE"
        else:
            parameter.metavar = "TEXT"


def _first_sentence(text: str) -> str:
    """The start of a command's help up to its first full stop, colon or semicolon: its short help."""
    return re.split(r"(?<=\w)[.:;]\s", " ".join(text.split()), maxsplit=1)[0].rstrip(".") + "."


class _Commands(TyperGroup):
    """The commands, with help that reads well: plain metavars, one-sentence short help, text rewrapped."""

    def get_params(self, ctx: Context) -> list[Parameter]:
        parameters = super().get_params(ctx)
        for parameter in parameters:
            _plain_help(parameter)
        return parameters

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None:
            return None
        if command.help:
            command.short_help = command.short_help or _first_sentence(command.help)
            command.help = re.sub(r"(?<!\n)\n(?!\n)", " ", command.help)
        help_option = command.get_help_option(ctx)  # made once, kept by the command
        for parameter in [*command.params, *([help_option] if help_option else [])]:
            _plain_help(parameter)
        return command


app = typer.Typer(
    cls=_Commands,
    name="budgetcalc",
    help="Exact wijk- and dorpsbudgetten for Dutch municipalities.\n\n"
    "Example: budgetcalc allocate data/leeuwarden-wijken-2024.xlsx --rules rules/leeuwarden-2015.toml",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)

T = TypeVar("T")


class Format(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"


class Language(StrEnum):
    nl = "nl"
    en = "en"


def _show_version(value: bool) -> None:
    if value:
        from budgetcalc import __version__

        _say(f"budgetcalc {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Exact wijk- and dorpsbudgetten for Dutch municipalities."""


def _say(message: object, *, err: bool = False, prefix: str = "") -> None:
    """Print a message or error, line by line: the one way this program prints.

    Text from files (names, headers, file names) shows its control characters and escape sequences
    as ``\\x1b[2J`` and ``\\r``; the terminal never acts on them.
    """
    from budgetcalc.terminal import message_lines

    for number, line in enumerate(message_lines(message)):
        typer.echo(f"{prefix}{line}" if number == 0 else line, err=err)


def _user_errors(action: Callable[[], T], lang: str = "en") -> T:
    """Run ``action``; a user mistake, or a failure of the file system or memory, is one line and exit 2,
    in ``lang`` (the command's --lang)."""
    from budgetcalc.errors import BudgetcalcError

    try:
        return action()
    except BrokenPipeError:  # the reader went away (``| head``): nothing more to say, to anyone
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(141) from None
    except BudgetcalcError as error:
        _fail(error, lang)
    except OSError as error:  # the file system said no (permissions, a full disk, a file locked by Excel)
        where = f"{error.filename}: " if error.filename else ""
        _fail(f"{where}{error.strerror or error}", lang)
    except UnicodeError as error:
        _fail(f"not valid text: {error}", lang)
    except MemoryError:
        _fail("out of memory: the population file or the report is too large for this computer", lang)
    except RecursionError:
        _fail("the input is nested too deeply to process", lang)


def _fail(message: object, lang: str = "en") -> NoReturn:
    """Print ``error: ...`` (``fout: ...``) on stderr in ``lang`` and exit with code 2 (no traceback)."""
    _say(_in_language(message, lang), err=True, prefix="error: ")
    raise typer.Exit(2)


def _in_language(message: object, lang: str) -> object:
    """An error or message in ``lang``: an error's location words and its text, by the label table."""
    from budgetcalc.errors import BudgetcalcError
    from budgetcalc.labels import translated
    from budgetcalc.terminal import MultiLine

    chosen = _lang(lang)
    if chosen == "en" or isinstance(message, MultiLine):  # several problems in a rule file: English
        return message
    if isinstance(message, BudgetcalcError):
        return message.text(chosen)
    if isinstance(message, str):
        return translated(message, chosen)
    return message


def _lang(lang: str) -> Lang:
    return "nl" if lang == "nl" else "en"


def _word(key: str, lang: str) -> str:
    from budgetcalc.labels import label

    return label(key, _lang(lang))


def _warn(lines: list[str]) -> None:
    """Warnings go to standard error, results to standard output."""
    for line in lines:
        _say(line, err=True)


def _warn_notices(notices: Iterable[Notice], lang: str) -> None:
    """The population's notices (rows left out, a totals row, an encoding guessed) as warnings."""
    from budgetcalc.cli_summary import notice_lines

    _warn(notice_lines(notices, _lang(lang)))


def _refuse_folder(target: Path, name: str) -> None:
    """An output that is a folder: say so, with a file name in it to use instead."""
    if target.is_dir():
        from budgetcalc.errors import OutputError

        example = target / name
        raise OutputError(f"the output is a folder; give a file name, e.g. {example}", file=target)


PopulationArgument = Annotated[Path, typer.Argument(help="Population spreadsheet (.xlsx, .xlsm or .csv).")]
RulesOption = Annotated[Path, typer.Option("--rules", "-r", help="Rule file (.toml).")]
KindOption = Annotated[
    str | None, typer.Option("--kind", help="Kind for areas the file gives none (wijk, dorp, ...).")
]
SheetOption = Annotated[str | None, typer.Option("--sheet", help="Worksheet to read; default the first.")]
LevelOption = Annotated[
    str | None, typer.Option("--level", help="Keep one CBS level: gemeente, wijk or buurt.")
]
MunicipalityOption = Annotated[
    str | None, typer.Option("--municipality", help="Keep one municipality: code (GM0080) or name.")
]
ColumnOption = Annotated[
    list[str] | None,
    typer.Option("--column", help='Map a field to your header: inhabitants="Aantal personen". Repeatable.'),
]
ColumnsOption = Annotated[
    Path | None, typer.Option("--columns", help='Column mapping file (TOML lines: field = "header").')
]
SkipSuppressedOption = Annotated[
    bool, typer.Option("--skip-suppressed", help="Leave out areas whose inhabitants CBS suppressed ('.').")
]
AllowOtherOption = Annotated[
    bool,
    typer.Option(
        "--allow-other-municipality",
        help="Apply the rules to areas of another municipality than the rule file's, on purpose.",
    ),
]
ExcelOption = Annotated[
    bool,
    typer.Option(
        "--excel", help="CSV for Dutch Excel: ';', decimal commas, UTF-8 with BOM, headers in --lang."
    ),
]
AreasOption = Annotated[
    Path | None,
    typer.Option("--areas", help="Sum CBS buurten into your own areas: a mapping file (buurtcode, gebied)."),
]
YearOption = Annotated[
    str | None,
    typer.Option(
        "--year",
        help="Budget year (2023) or date (2023-06-18) whose values of a rule file over time apply; "
        "default the rule file's own year, else the newest it covers.",
    ),
]
PreviousOption = Annotated[
    Path | None,
    typer.Option(
        "--previous",
        help="Last year's allocation, for the rules on change from last year: a budgetcalc report "
        "(.xlsx, .json, .csv) or a table with area and amount (README: Last year's amounts).",
    ),
]
PreviousSheetOption = Annotated[
    str | None, typer.Option("--previous-sheet", help="Worksheet of --previous; default its 'Verdeling'.")
]
PopulationDateOption = Annotated[
    str | None,
    typer.Option(
        "--population-date",
        help="The date the population's counts are for (2024-01-01), checked against the rules' reference "
        "date; default a year in the file name.",
    ),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a value: PATH=VALUE (see 'budgetcalc params'). Repeatable."),
]


def _population_options(
    sheet: str | None,
    kind: str | None,
    level: str | None,
    municipality: str | None,
    column: list[str] | None,
    columns: Path | None,
    skip_suppressed: bool,
    allow_other_municipality: bool,
    areas: Path | None = None,
    year: str | None = None,
    population_date: str | None = None,
) -> PopulationOptions:
    from budgetcalc.inputs import PopulationOptions

    return PopulationOptions(
        sheet,
        kind,
        level,
        municipality,
        tuple(column or ()),
        columns,
        skip_suppressed,
        allow_other_municipality,
        areas,
        year,
        population_date,
    )


@app.command(
    epilog="Example:\n\n"
    "  budgetcalc allocate data/leeuwarden-wijken-2024.xlsx --rules rules/leeuwarden-2015.toml "
    "--output leeuwarden-2015.xlsx\n\n"
    "  budgetcalc allocate data/cbs-kwb-2024-statline-raw.csv --level gemeente "
    "--rules rules/sportakkoord-2019.toml --output sportakkoord.csv"
)
def allocate(
    population: PopulationArgument,
    rules: RulesOption,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Report file; default RULES-NAME.FORMAT here.")
    ] = None,
    report_format: Annotated[
        Format | None, typer.Option("--format", "-f", help="Report format; default from --output, else xlsx.")
    ] = None,
    lang: Annotated[Language, typer.Option("--lang", help="Report language.")] = Language.nl,
    excel: ExcelOption = False,
    kind: KindOption = None,
    sheet: SheetOption = None,
    level: LevelOption = None,
    municipality: MunicipalityOption = None,
    column: ColumnOption = None,
    columns: ColumnsOption = None,
    skip_suppressed: SkipSuppressedOption = False,
    allow_other_municipality: AllowOtherOption = False,
    areas: AreasOption = None,
    year: YearOption = None,
    population_date: PopulationDateOption = None,
    previous: PreviousOption = None,
    previous_sheet: PreviousSheetOption = None,
    overrides: SetOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing report.")] = False,
) -> None:
    """Compute every area's budget and write the allocation report."""
    from budgetcalc.errors import OutputError
    from budgetcalc.inputs import allocation_of
    from budgetcalc.report import EXCEL_ONLY_CSV, ReportFormat, check_target, write_report

    def run() -> None:
        inputs = [population, rules, *(path for path in (columns, areas, previous) if path)]
        wanted = report_format or (Format.csv if excel and output is None else None)
        target = output or Path(f"{rules.stem}.{(wanted or Format.xlsx).value}")
        _refuse_folder(target, f"{rules.stem}.{(wanted or Format.xlsx).value}")
        # First what the target is (an input, a device, a folder), whatever its name; then its name.
        check_target(target, force=True, protected=inputs)
        chosen = _choose_format(output, wanted)
        if excel and chosen != Format.csv.value:
            raise OutputError(EXCEL_ONLY_CSV, file=output)
        if output is not None and output.suffix.lower() != f".{chosen}":
            raise OutputError(f"the file name does not end in .{chosen}", file=output)
        check_target(target, force=force, protected=inputs)
        options = _population_options(
            sheet,
            kind,
            level,
            municipality,
            column,
            columns,
            skip_suppressed,
            allow_other_municipality,
            areas,
            year,
            population_date,
        )
        result = allocation_of(population, rules, options, overrides or (), previous, previous_sheet)
        write_report(
            result, target, ReportFormat(chosen), lang.value, force=force, protected=inputs, excel=excel
        )
        _print_summary(result, lang.value)
        _say(f"{_word('report_written', lang.value)}: {target}")

    _user_errors(run, lang.value)


class ExplainFormat(StrEnum):
    text = "text"
    json = "json"


@app.command(
    epilog="Example:\n\n"
    "  budgetcalc explain data/cbs-kwb-2024-inhabitants.csv --level wijk --municipality Noordoostpolder "
    "--rules rules/noordoostpolder-2024.toml --area 'Wijk 03 Luttelgeest'"
)
def explain(
    population: PopulationArgument,
    rules: RulesOption,
    area: Annotated[str, typer.Option("--area", "-a", help="The area to explain: its code or name.")],
    explain_format: Annotated[
        ExplainFormat, typer.Option("--format", "-f", help="text, or json (docs/explain-json.md).")
    ] = ExplainFormat.text,
    lang: Annotated[Language, typer.Option("--lang", help="Language of the explanation.")] = Language.nl,
    kind: KindOption = None,
    sheet: SheetOption = None,
    level: LevelOption = None,
    municipality: MunicipalityOption = None,
    column: ColumnOption = None,
    columns: ColumnsOption = None,
    skip_suppressed: SkipSuppressedOption = False,
    allow_other_municipality: AllowOtherOption = False,
    areas: AreasOption = None,
    year: YearOption = None,
    population_date: PopulationDateOption = None,
    previous: PreviousOption = None,
    previous_sheet: PreviousSheetOption = None,
    overrides: SetOption = None,
) -> None:
    """Show how one area's amount came about, step by step: the values read, the rule set and its
    source, each bracket, term, rounding, minimum or maximum, exception, pot share, and the total."""
    from budgetcalc.explain import area_position, explanation_lines
    from budgetcalc.inputs import allocation_of
    from budgetcalc.report.json_report import dumps, explain_document

    def run() -> None:
        options = _population_options(
            sheet,
            kind,
            level,
            municipality,
            column,
            columns,
            skip_suppressed,
            allow_other_municipality,
            areas,
            year,
            population_date,
        )
        result = allocation_of(population, rules, options, overrides or (), previous, previous_sheet)
        position = area_position(result, area)
        _warn_notices(result.population.warnings, lang.value)
        if explain_format is ExplainFormat.json:
            document = explain_document(result, position, lang.value)
            sys.stdout.buffer.write(dumps(document))
            sys.stdout.flush()
            return
        assert result.provenance is not None  # allocation_of records it
        shown = f"{rules} (SHA-256 {result.provenance.rules[0].sha256})"
        for line in explanation_lines(result, position, lang.value, shown):
            _say(line)

    _user_errors(run, lang.value)


@app.command(epilog="Example:\n\n  budgetcalc params rules/leeuwarden-2015.toml")
def params(
    rules: Annotated[Path, typer.Argument(help="Rule file (.toml).")], year: YearOption = None
) -> None:
    """List every value of a rule file by its path, to override with --set: PATH = VALUE  # note. A value
    given per date is listed as in force, then per date: PATH@DATE = VALUE."""
    from budgetcalc.inputs import parameter_lines
    from budgetcalc.ruleset.timeline import parse_when
    from budgetcalc.scenarios import load_rules

    def run() -> None:
        for line in parameter_lines(load_rules(rules, parse_when(year) if year else None)):
            _say(line)

    _user_errors(run)


@app.command(epilog="Example:\n\n  budgetcalc check rules/*.toml")
def check(
    rules: Annotated[list[Path], typer.Argument(help="Rule files (.toml); scenario files are validated.")],
) -> None:
    """Validate rule files and run their examples and assertions: silent when all hold; one line per
    failure (exit 1); an unreadable or invalid file is an error (exit 2)."""
    from budgetcalc.checking import check_files
    from budgetcalc.errors import BudgetcalcError

    def run() -> int:
        code = 0
        for finding in check_files(rules):
            if isinstance(finding, BudgetcalcError):
                _say(finding, err=True, prefix="error: ")
                code = 2
            else:
                _say(finding)
                code = max(code, 1)
        return code

    raise typer.Exit(_user_errors(run))


@app.command(
    epilog="Example:\n\n  budgetcalc calibrate data/leeuwarden-wijken-2024.csv "
    "--rules rules/leeuwarden-2015.toml "
    "--vary components.wijk_dorpsbudget.staffel.brackets[5].rate --envelope 900000"
)
def calibrate(
    population: PopulationArgument,
    rules: RulesOption,
    vary: Annotated[str, typer.Option("--vary", help="The path of the rate or amount to find.")],
    envelope: Annotated[str, typer.Option("--envelope", help="The budget the total may not pass, in euros.")],
    precision: Annotated[
        str, typer.Option("--precision", help="The value is a whole multiple of this (default 0.01).")
    ] = "0.01",
    kind: KindOption = None,
    sheet: SheetOption = None,
    level: LevelOption = None,
    municipality: MunicipalityOption = None,
    column: ColumnOption = None,
    columns: ColumnsOption = None,
    skip_suppressed: SkipSuppressedOption = False,
    allow_other_municipality: AllowOtherOption = False,
    areas: AreasOption = None,
    year: YearOption = None,
    population_date: PopulationDateOption = None,
    overrides: SetOption = None,
) -> None:
    """Find the value at a path whose total, after the rule's rounding, comes closest to the envelope
    without passing it; print PATH = VALUE, the total, what is left, and what one step more would spend."""
    from budgetcalc.engine.calibrate import calibrate as find_value
    from budgetcalc.engine.parameters import path_in_force
    from budgetcalc.engine.plan import compile_plan
    from budgetcalc.inputs import read_inputs
    from budgetcalc.money import format_euro
    from budgetcalc.scenarios import calibration_of
    from budgetcalc.scope import require_scope

    def run() -> None:
        options = _population_options(
            sheet,
            kind,
            level,
            municipality,
            column,
            columns,
            skip_suppressed,
            allow_other_municipality,
            areas,
            year,
            population_date,
        )
        ruleset, people, _ = read_inputs(population, rules, options, overrides or ())
        require_scope(people, ruleset, allow_other_municipality=allow_other_municipality)
        calibration = calibration_of(path_in_force(ruleset, vary), envelope, precision)
        found = find_value(compile_plan(ruleset, people), calibration)
        _warn_notices(people.warnings, "en")
        _say(f"{found.path} = {found.value}")
        _say(f"total: {format_euro(found.spends, 'en')} of {format_euro(found.budget, 'en')}")
        _say(f"left: {format_euro(found.budget - found.spends, 'en')}")
        following = (
            "cannot be computed" if found.next_spends is None else format_euro(found.next_spends, "en")
        )
        _say(f"one step more ({found.value + calibration.precision.value}): {following}")

    _user_errors(run)


@app.command(
    epilog="Example:\n\n  budgetcalc compare data/leeuwarden-wijken-2024.csv "
    "--rules rules/leeuwarden-2015.toml --scenario kleine-wijken.toml --output vergelijking.csv"
)
def compare(
    population: PopulationArgument,
    rules: RulesOption,
    scenario: Annotated[
        list[Path], typer.Option("--scenario", help="Scenario file (extends the --rules file). Repeatable.")
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Comparison as .csv, or .xlsx with charts.")
    ] = None,
    lang: Annotated[Language, typer.Option("--lang", help="Report language.")] = Language.nl,
    threshold: Annotated[
        str,
        typer.Option(
            "--threshold", help="List the areas that lose more than this: euros (3000) or percent (12%)."
        ),
    ] = "0",
    kind: KindOption = None,
    sheet: SheetOption = None,
    level: LevelOption = None,
    municipality: MunicipalityOption = None,
    column: ColumnOption = None,
    columns: ColumnsOption = None,
    skip_suppressed: SkipSuppressedOption = False,
    allow_other_municipality: AllowOtherOption = False,
    areas: AreasOption = None,
    year: YearOption = None,
    population_date: PopulationDateOption = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Also draw the comparison as a .png.")] = None,
    excel: ExcelOption = False,
    overrides: SetOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing report.")] = False,
) -> None:
    """Compare the rule set with its scenarios, area by area: totals, differences, who gains and who loses."""

    from budgetcalc.cli_summary import comparison_lines, scenario_lines
    from budgetcalc.errors import OutputError, RuleError
    from budgetcalc.inputs import read_inputs
    from budgetcalc.report import EXCEL_ONLY_CSV, check_target, write_atomically
    from budgetcalc.scenarios import compare_areas, load_scenario, parse_threshold, summary, table_csv

    def run() -> None:
        inputs = [population, rules, *scenario, *([columns] if columns else []), *([areas] if areas else [])]
        _check_plot(plot, force, inputs)
        if excel and (output is None or output.suffix.lower() != ".csv"):
            raise OutputError(EXCEL_ONLY_CSV, file=output)
        if output is not None:
            _refuse_folder(output, "vergelijking.xlsx")
            check_target(output, force=force, protected=inputs)
            if output.suffix.lower() not in (".csv", ".xlsx"):
                raise OutputError("the comparison is written as .csv or .xlsx; give such a name", file=output)
        limit = parse_threshold(threshold)
        options = _population_options(
            sheet,
            kind,
            level,
            municipality,
            column,
            columns,
            skip_suppressed,
            allow_other_municipality,
            areas,
            year,
            population_date,
        )
        base, people, _ = read_inputs(population, rules, options, overrides or ())
        loaded = []
        for path in scenario:
            extends, found = load_scenario(path)
            if not extends.exists() or not extends.samefile(rules):
                raise RuleError(
                    f"the scenario extends '{extends}', not the --rules file '{rules}'", file=path
                )
            loaded.append(found)
        frame = compare_areas(people, base, loaded, lang.value)
        _warn_notices(people.warnings, lang.value)
        for row in comparison_lines(frame, [found.name for found in loaded]):
            _say(row)
        for found, line in zip(loaded, summary(frame, loaded, limit), strict=True):
            _say(scenario_lines(line, found.rationale, limit.describe(lang.value), lang.value))
        if output is not None:
            if output.suffix.lower() == ".xlsx":
                from budgetcalc.report.comparison_xlsx import render_comparison_xlsx
                from budgetcalc.report.xlsx_report import page_header

                counts = [int(count) for count in people.frame["inhabitants"]]
                data = render_comparison_xlsx(
                    frame, counts, loaded, base.name, lang.value, limit, page_header(base, lang.value)
                )
            else:
                data = table_csv(frame, lang.value, excel=excel)
            write_atomically(output, data, force=force)
            _say(f"{_word('report_written', lang.value)}: {output}")
        if plot is not None:
            from budgetcalc.report.plots import plot_comparison

            counts = [int(count) for count in people.frame["inhabitants"]]
            write_atomically(plot, plot_comparison(frame, counts, loaded, lang.value), force=force)
            _say(f"{_word('picture_written', lang.value)}: {plot}")

    _user_errors(run, lang.value)


@app.command(
    epilog="Example:\n\n  budgetcalc sweep data/leeuwarden-wijken-2024.csv "
    "--rules rules/leeuwarden-2015.toml "
    "--vary 'components.wijk_dorpsbudget.staffel.brackets[5].rate=2.00:4.00:0.25' --output sweep.csv"
)
def sweep(
    population: PopulationArgument,
    rules: RulesOption,
    vary: Annotated[list[str], typer.Option("--vary", help="PATH=START:STOP:STEP; once or twice (a grid).")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="One row per scenario, as .csv, or .xlsx with a chart."),
    ] = None,
    per_area: Annotated[
        Path | None, typer.Option("--per-area", help="Also the areas x scenarios matrix (cents), as .csv.")
    ] = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Also draw the totals as a .png.")] = None,
    lang: Annotated[Language, typer.Option("--lang", help="Report language.")] = Language.nl,
    excel: ExcelOption = False,
    kind: KindOption = None,
    sheet: SheetOption = None,
    level: LevelOption = None,
    municipality: MunicipalityOption = None,
    column: ColumnOption = None,
    columns: ColumnsOption = None,
    skip_suppressed: SkipSuppressedOption = False,
    allow_other_municipality: AllowOtherOption = False,
    areas: AreasOption = None,
    year: YearOption = None,
    population_date: PopulationDateOption = None,
    overrides: SetOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace existing reports.")] = False,
) -> None:
    """Evaluate a grid of values over one or two paths at once: per scenario the total, the smallest and
    largest amount, how many areas lose against the rule file and by how much at most."""
    from budgetcalc.errors import OutputError, RuleError
    from budgetcalc.inputs import read_inputs
    from budgetcalc.report import EXCEL_ONLY_CSV, check_target, write_atomically
    from budgetcalc.scenarios import parse_range, table_csv
    from budgetcalc.scenarios import sweep as run_sweep
    from budgetcalc.scope import require_scope
    from budgetcalc.terminal import ProgressBar

    def run() -> None:
        inputs = [population, rules, *([columns] if columns else []), *([areas] if areas else [])]
        _check_plot(plot, force, inputs)
        written = [target for target in (output, per_area) if target is not None]
        if excel and (not written or written[0].suffix.lower() != ".csv"):
            raise OutputError(EXCEL_ONLY_CSV, file=output)
        for target, suffixes in ((output, (".csv", ".xlsx")), (per_area, (".csv",))):
            if target is not None:
                _refuse_folder(target, f"sweep{suffixes[0]}")
                check_target(target, force=force, protected=inputs)
                if target.suffix.lower() not in suffixes:
                    raise OutputError(f"written as {' or '.join(suffixes)}; give such a name", file=target)
        if not 1 <= len(vary) <= 2:
            raise RuleError("--vary: give one or two paths")
        grid = [parse_range(option) for option in vary]
        if len(grid) == 2 and grid[0][0] == grid[1][0]:
            raise RuleError(f"--vary: the path {grid[0][0]} is given twice; vary two different values")
        options = _population_options(
            sheet,
            kind,
            level,
            municipality,
            column,
            columns,
            skip_suppressed,
            allow_other_municipality,
            areas,
            year,
            population_date,
        )
        ruleset, people, _ = read_inputs(population, rules, options, overrides or ())
        require_scope(people, ruleset, allow_other_municipality=allow_other_municipality)
        total = 1
        for _, values in grid:
            total *= len(values)
        bar = ProgressBar("sweep", total)
        try:
            rows, matrix = run_sweep(people, ruleset, grid, per_area=per_area is not None, progress=bar)
        finally:
            bar.close()
        _warn_notices(people.warnings, lang.value)
        for line in rows.head(20).to_string(index=False).splitlines():
            _say(line)
        if len(rows) > 20:
            _say(f"... {len(rows) - 20:,} more")
        if output is not None:
            if output.suffix.lower() == ".xlsx":
                from budgetcalc.engine.parameters import rule_parameters
                from budgetcalc.report.sweep_xlsx import render_sweep_xlsx
                from budgetcalc.report.xlsx_report import page_header

                known = rule_parameters(ruleset)
                paths = [path for path, _ in grid]
                data = render_sweep_xlsx(
                    rows,
                    paths,
                    {path: known[path].value for path in paths},
                    ruleset.name,
                    ruleset.description or ruleset.note,
                    lang.value,
                    page_header(ruleset, lang.value),
                )
            else:
                data = table_csv(rows, lang.value, excel=excel)
            write_atomically(output, data, force=force)
            _say(f"{_word('report_written', lang.value)}: {output}")
        if plot is not None:
            from budgetcalc.report.plots import plot_sweep

            write_atomically(plot, plot_sweep(rows, [path for path, _ in grid], lang.value), force=force)
            _say(f"{_word('picture_written', lang.value)}: {plot}")
        if per_area is not None and matrix is not None:
            write_atomically(per_area, table_csv(matrix, lang.value, excel=excel), force=force)
            _say(f"{_word('report_written', lang.value)}: {per_area}")

    _user_errors(run, lang.value)


@app.command(
    epilog="Examples:\n\n  budgetcalc verify data/leeuwarden-2014-gepubliceerd.csv\n\n"
    "  budgetcalc verify data/leeuwarden-2014-gepubliceerd.csv --rules rules/leeuwarden-2014.toml"
)
def verify(
    table: Annotated[
        Path,
        typer.Argument(help="A budgetcalc report (.json), or any allocation table (.xlsx, .xlsm, .csv)."),
    ],
    rules: Annotated[
        Path | None, typer.Option("--rules", "-r", help="Also recompute every area by this rule file.")
    ] = None,
    sheet: SheetOption = None,
    column: ColumnOption = None,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            help="Re-perform a report with this file of last year's allocation, not the rows it recorded.",
        ),
    ] = None,
    previous_sheet: PreviousSheetOption = None,
    year: YearOption = None,
) -> None:
    """Check an allocation table: components add up to each total, totals to the grand total, and with
    --rules each area against the rules (as in force in --year). Exit 0 when everything holds, 1 on
    discrepancies, 2 when the table cannot be read."""
    from budgetcalc.errors import InputError
    from budgetcalc.reading.mapping import parse_column_options
    from budgetcalc.ruleset.timeline import parse_when
    from budgetcalc.scenarios import load_rules
    from budgetcalc.verification.table import check_table

    def run() -> int:
        from budgetcalc.reading.excel_source import workbook_sheets
        from budgetcalc.verification.report import PROVENANCE_SHEETS, verify_json_report, verify_xlsx_report

        is_workbook = table.suffix.lower() in (".xlsx", ".xlsm")
        if table.suffix.lower() == ".json" or (
            is_workbook and set(PROVENANCE_SHEETS) & set(workbook_sheets(table))
        ):
            verified = verify_json_report if table.suffix.lower() == ".json" else verify_xlsx_report
            report = verified(table, rules, previous, previous_sheet)
            for line in report.lines():
                _say(line)
            _say(report.summary())
            return 0 if report.holds else 1
        if previous is not None or previous_sheet is not None:
            raise InputError(
                "--previous applies to budgetcalc reports (.json, or .xlsx with Herkomst)", file=table
            )
        ruleset = load_rules(rules, parse_when(year) if year else None) if rules is not None else None
        columns = parse_column_options(column or [])
        found = check_table(table, sheet=sheet, columns=columns or None, ruleset=ruleset)
        for discrepancy in found.discrepancies:
            _say(discrepancy.line())
        _say(found.summary())
        return 1 if found.discrepancies else 0

    if _user_errors(run):
        raise typer.Exit(1)


def _check_plot(plot: Path | None, force: bool, inputs: list[Path]) -> None:
    """A --plot target must be a .png that may be written, and matplotlib must be there: said first."""
    if plot is None:
        return
    from budgetcalc.errors import OutputError
    from budgetcalc.report import check_target

    _refuse_folder(plot, "grafiek.png")
    check_target(plot, force=force, protected=inputs)
    if plot.suffix.lower() != ".png":
        raise OutputError("--plot draws a .png; give a name ending in .png", file=plot)
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None:
        from budgetcalc.report.plots import INSTALL_HINT

        raise OutputError(INSTALL_HINT, file=plot)


def _choose_format(output: Path | None, report_format: Format | None) -> str:
    if report_format is not None:
        return report_format.value
    if output is not None and output.suffix.lower().lstrip(".") in Format.__members__:
        return output.suffix.lower().lstrip(".")
    if output is not None:
        from budgetcalc.errors import OutputError

        raise OutputError("cannot tell the report format from the file name; use --format", file=output)
    return Format.xlsx.value


def _print_summary(result: Allocation, lang: str) -> None:
    """The results on standard output, the warnings (notices, checks that fail) on standard error."""
    from budgetcalc.cli_summary import result_lines, warning_lines

    chosen = _lang(lang)
    _warn(warning_lines(result, chosen))
    for line in result_lines(result, chosen):
        _say(line)


class Interrupted(BaseException):
    """SIGINT or SIGTERM during the report's write, raised there so that its temporary file goes.

    A ``BaseException`` like ``KeyboardInterrupt``, so that no ``except Exception`` swallows it; not a
    ``KeyboardInterrupt``, which click would turn into "Aborted!" and exit code 1.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    """A stop signal ends the program with one line and 128 + its number, whatever it was doing.

    Only the report's write has something to clean up (its temporary file): there the signal is
    raised, to unwind through that cleanup. Anywhere else (often inside pandas' or numpy's C
    initialisation, which would turn a raised exception into an ImportError) the program ends at
    once, without importing or unwinding anything.
    """
    atomic = sys.modules.get("budgetcalc.report.atomic")
    writing = getattr(atomic, "write_in_progress", None)  # None while the module is being imported
    if writing is not None and writing():
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a second signal acts at once
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        raise Interrupted(signum)
    _exit_interrupted(signum)


def _exit_interrupted(signum: int) -> NoReturn:
    """Say which signal stopped the program and end it with 128 + its number (130, 143)."""
    with contextlib.suppress(Exception):  # a signal may come while stdout is being written
        sys.stdout.flush()
    os.write(2, f"error: interrupted by {signal.Signals(signum).name}\n".encode())
    os._exit(128 + signum)


def _handle_stop_signals() -> None:
    """SIGTERM by default ends Python without cleaning up; make it, and Ctrl-C, an orderly exit."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(signum) is not signal.SIG_IGN:  # ignored when started in the background
            signal.signal(signum, _stop)


def _usage_message(error: UsageError, lang: str = "en") -> str:
    """A command-line mistake in one line, in ``lang``: what is wrong, what is allowed, where to read more."""
    command = error.ctx.command_path if error.ctx is not None else "budgetcalc"
    if isinstance(error, MissingParameter) and isinstance(error.param, TyperArgument):
        text = f"missing the argument {(error.param.name or '').upper()}"
    elif isinstance(error, NoSuchOption):
        text = f"no such option: {error.option_name}"
        close = difflib.get_close_matches(error.option_name, list(error.possibilities or ()), n=1, cutoff=0)
        if close:
            text += f" (did you mean {close[0]}?)"
    elif unknown := re.match(r"No such command '(.*)'\.", error.message):
        group = error.ctx.command if error.ctx is not None else None
        commands = group.list_commands(error.ctx) if isinstance(group, TyperGroup) and error.ctx else []
        close = difflib.get_close_matches(unknown.group(1), commands, n=1)
        text = f"no such command '{unknown.group(1)}'"
        text += f" (did you mean {close[0]}?)" if close else f" (commands: {', '.join(commands)})"
    else:
        text = error.format_message().replace("Value error, ", "").replace("an argument", "a value")
        text = text[:1].lower() + text[1:].rstrip(".")
    return f"{_in_language(text, lang)}; {_word('see', lang)} '{command} --help'"


def _usage_language(error: UsageError, args: list[str]) -> str:
    """The language of a usage mistake: the command's --lang as given (Dutch by default); English for a
    command without --lang (params, check, verify: their messages are English)."""
    command = error.ctx.command if error.ctx is not None else None
    if (
        command is not None
        and not isinstance(command, TyperGroup)
        and not any("--lang" in getattr(parameter, "opts", ()) for parameter in command.params)
    ):
        return "en"
    for number, arg in enumerate(args):
        value = arg.removeprefix("--lang=") if arg.startswith("--lang=") else None
        if arg == "--lang" and number + 1 < len(args):
            value = args[number + 1]
        if value in ("nl", "en"):
            return value
    return "nl"


def run(args: list[str]) -> int:
    """Run the command line ``args``; the exit code (a usage mistake is one line and exit code 2)."""
    try:
        code = app(args, prog_name="budgetcalc", standalone_mode=False)
    except NoArgsIsHelpError:
        return 2  # the help was printed
    except UsageError as error:
        _say(_usage_message(error, _usage_language(error, args)), err=True, prefix="error: ")
        return 2
    except typer.Abort:
        return 1
    return code if isinstance(code, int) else 0


def main() -> None:
    """Console entry point; a stop signal exits with 128 + its number (130 for SIGINT, 143 for SIGTERM)."""
    _handle_stop_signals()
    try:
        code = run(sys.argv[1:])
    except Interrupted as stop:  # the report's temporary file is gone
        _exit_interrupted(stop.signum)
    for signum in (signal.SIGINT, signal.SIGTERM):  # done: a stop signal now would only end Python's
        signal.signal(signum, signal.SIG_IGN)  # shutdown by default, silently, as killed (exit -2)
    sys.exit(code)


if __name__ == "__main__":
    main()
