"""Errors for user mistakes: each renders as one line that says where and what was expected."""

from __future__ import annotations

from pathlib import Path


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
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.key:
            parts.append(f"key '{self.key}'")
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        location = self.location
        return f"{location}: {self.message}" if location else self.message


class InputError(BudgetcalcError):
    """The population file cannot be read or holds invalid values."""


class RuleError(BudgetcalcError):
    """The rule file is not valid TOML or does not follow the rule language."""


class AllocationError(BudgetcalcError):
    """The rules cannot be applied to this population (no bracket fits, unknown column, ...)."""


class OutputError(BudgetcalcError):
    """The report cannot be written where asked (exists, directory missing, ...)."""
