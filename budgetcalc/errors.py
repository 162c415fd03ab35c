"""Errors for user mistakes: each renders as one line that says where and what was expected."""

from __future__ import annotations

from pathlib import Path

from budgetcalc.labels import Lang, label, translated


class BudgetcalcError(Exception):
    """A mistake in the user's input, reported as one line and exit code 2 by the CLI."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.sheet = sheet
        self.row = row
        self.column = column
        self.line = line
        self.key = key

    @property
    def location(self) -> str:
        """Where the problem is, e.g. ``data.xlsx, sheet 'Blad1', row 7, column 'inwoners'``."""
        return self.location_in("en")

    def location_in(self, lang: Lang) -> str:
        """Where the problem is, in ``lang``: ``data.xlsx, blad 'Blad1', rij 7, kolom 'inwoners'``."""
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"{label('at_line', lang)} {self.line}")
        if self.key:
            parts.append(f"{label('at_key', lang)} '{self.key}'")
        if self.sheet:
            parts.append(f"{label('at_sheet', lang)} '{self.sheet}'")
        if self.row is not None:
            parts.append(f"{label('at_row', lang)} {self.row}")
        if self.column:
            parts.append(f"{label('at_column', lang)} '{self.column}'")
        return ", ".join(parts)

    def text(self, lang: Lang = "en") -> str:
        """The one line for the user in ``lang``; in English the same as ``str(error)``."""
        message = translated(self.message, lang)
        if message == self.message:  # a message the label table does not word (a rule file's): all English
            lang = "en"
        location = self.location_in(lang)
        return f"{location}: {message}" if location else message

    def __str__(self) -> str:
        return self.text("en")


class InputError(BudgetcalcError):
    """The population file cannot be read or holds invalid values."""


class RuleError(BudgetcalcError):
    """The rule file is not valid TOML or does not follow the rule language."""


class AllocationError(BudgetcalcError):
    """The rules cannot be applied to this population (no bracket fits, unknown column, ...)."""


class OutputError(BudgetcalcError):
    """The report cannot be written where asked (exists, directory missing, ...)."""
