"""Column mappings: which header in the user's file holds which field, from the command line or a file."""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from budgetcalc.columns import ALIASES, canonical_name, normalise_header
from budgetcalc.errors import InputError


def parse_column_options(options: Iterable[str]) -> dict[str, str]:
    """``--column inhabitants="Aantal personen"`` options as ``{"inhabitants": "Aantal personen"}``."""
    mapping: dict[str, str] = {}
    for option in options:
        field, separator, header = option.partition("=")
        if not separator or not field.strip() or not header.strip():
            raise InputError(
                f"--column expects FIELD=HEADER, e.g. inhabitants=\"Aantal personen\"; got '{option}'"
            )
        mapping[_field(field)] = header.strip().strip("\"'")
    return mapping


def _field(name: str) -> str:
    """The field a mapping names; a near miss of a known field (``inhabitant``) is an error."""
    field = canonical_name(name)
    if field not in ALIASES:
        close = difflib.get_close_matches(field, list(ALIASES), n=1, cutoff=0.8)
        if close:
            raise InputError(f"unknown field '{name}' in the column mapping; did you mean '{close[0]}'?")
    return field


def load_column_file(path: str | Path) -> dict[str, str]:
    """A mapping file: TOML lines ``field = "header in the file"``, optionally under ``[columns]``."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("column mapping file not found", file=path) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"not a valid column mapping (TOML): {error}", file=path) from None
    table = data.get("columns", data)
    mapping = {}
    for field, header in table.items():
        if not isinstance(header, str) or not header.strip():
            raise InputError(
                f"'{field}' must name a column header in quotes, e.g. {field} = \"Inwoners\"",
                file=path,
                key=field,
            )
        mapping[_field(field)] = header.strip()
    return mapping


def apply_mapping(frame: pd.DataFrame, mapping: Mapping[str, str], where: dict[str, Any]) -> pd.DataFrame:
    """Rename mapped headers to their field; other columns that would mean a mapped field are dropped."""
    if not mapping:
        return frame
    by_header = {normalise_header(header): str(header) for header in frame.columns}
    renames: dict[str, str] = {}
    for field, header in mapping.items():
        found = by_header.get(normalise_header(header))
        if found is None:
            raise InputError(
                f"the column mapping names '{header}' for {field}, but the file has no such column "
                f"(found: {', '.join(map(str, frame.columns))})",
                **where,
            )
        renames[found] = field
    shadowed = [str(h) for h in frame.columns if str(h) not in renames and canonical_name(h) in mapping]
    return frame.drop(columns=shadowed).rename(columns=renames)
