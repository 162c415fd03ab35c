"""Neutralise text from input files so spreadsheet programs never run it as a formula, and name the
area and field of text that a report cannot hold."""

from __future__ import annotations

import functools
import re

from budgetcalc.errors import OutputError
from budgetcalc.population import Population
from budgetcalc.terminal import visible

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
"""What a CSV reader or a program splitting text into lines takes for the end of a row."""
MACHINE_SPLITS = ";\t"
"""Where other readers split the comma-separated machine CSV: Dutch Excel on ``;``, a paste on tabs."""
EXCEL_SPLITS = ",;\t"
"""Where readers split the ``;``-separated CSV for Excel: on ``,`` Excel with English regional settings,
on ``;`` a reader ignoring quotes, on tabs a paste."""


@functools.cache
def _hidden_cell(separators: str) -> re.Pattern[str]:
    """A separator where a reader splitting on it would start a cell with a formula or a quote (or at
    the end of a quoted field, where the closing quote would open one)."""
    return re.compile(rf"([{re.escape(separators)}])(?=[=+\-@\"]|$)")


def neutralise(text: str) -> str:
    """Prefix a quote to text that Excel or LibreOffice would read as a formula (OWASP CSV injection)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def neutralise_separated(text: str, separators: str = MACHINE_SPLITS) -> str:
    """Neutralised for a CSV file, whatever separator the reader splits on.

    Dutch Excel splits a comma-separated file on ``;``, other programs on tabs, and then the quotes
    around a field mean nothing: so a ``'`` also goes after every ``;`` or tab that a formula start
    (``=``, ``+``, ``-``, ``@``), a double quote or the end of the text follows (a quote or the end
    would open a quoted cell that runs into the next row): ``Adorp;=1+1`` becomes ``Adorp;'=1+1``.
    ``separators`` are the characters other readers split on (for the CSV for Excel also ``,``).
    """
    return neutralise(_hidden_cell(separators).sub(r"\1'", text))


def area_text_error(population: Population, position: int, field: str | None, problem: str) -> OutputError:
    """An OutputError naming the area, and its row (and column, for a ``field`` of the population
    file) in the population file."""
    code = visible(str(population.frame["code"].iloc[position]))
    row = population.rows[position] if position < len(population.rows) else None
    return OutputError(
        f"area '{code[:40]}': {problem}",
        file=population.source,
        sheet=population.sheet,
        row=row,
        column=population.headers.get(field, field) if field else None,
    )
