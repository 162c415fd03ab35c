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
from budgetcalc.files import MAPPING_FILE, read_regular_file


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


def check_fields(
    mapping: Mapping[str, str], columns_read: Iterable[str], *, file: str | Path | None = None
) -> None:
    """Every mapped field is a known field or a column the rule set reads; else name it and list those.

    Without this an unknown field (a typo of a rule set's own column) would silently be a new column.
    ``file`` is the mapping file the fields come from; without it they are ``--column`` options.
    """
    valid = [*ALIASES, *sorted(set(columns_read) - set(ALIASES))]
    spellings = {name: name for name in valid}
    for known, aliases in ALIASES.items():
        spellings.update({alias.replace(" ", "_"): known for alias in aliases})
    for field in mapping:
        if field in valid:
            continue
        close = difflib.get_close_matches(field, list(spellings), n=1, cutoff=0.8)
        hint = f"; did you mean '{spellings[close[0]]}'?" if close else ""
        origin = "the column mapping" if file is not None else "--column"
        raise InputError(
            f"unknown field '{field}' in {origin}{hint} (valid fields: {', '.join(valid)})",
            file=file,
            key=field if file is not None else None,
        )


def load_column_file(path: str | Path) -> dict[str, str]:
    """A mapping file: TOML lines ``field = "header in the file"``, optionally under ``[columns]``.

    Read as UTF-8 with or without a byte-order mark (Notepad writes one).
    """
    path = Path(path)
    try:
        data = tomllib.loads(read_regular_file(path, MAPPING_FILE).decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"not a valid column mapping (TOML): {error}", file=path) from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise InputError(
            "not a valid column mapping (TOML): arrays or tables nested too deeply", file=path
        ) from None
    table = data.get("columns", data)
    if not isinstance(table, dict):
        raise InputError(
            "'columns' must be a section of field = \"header\" lines, not one value: "
            'write [columns] and below it e.g. inhabitants = "Inwoners"',
            file=path,
            key="columns",
        )
    if table is not data and len(data) > 1:
        outside = ", ".join(key for key in data if key != "columns")
        raise InputError(
            f"keys outside [columns] ({outside}) would be ignored; put every field under [columns]",
            file=path,
        )
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


def apply_mapping(
    frame: pd.DataFrame, mapping: Mapping[str, str], where: dict[str, Any]
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rename mapped headers to their field; other columns that would mean a mapped field are dropped.

    Also returns each mapped field's header as the file has it (``{"inhabitants": "Aantal personen"}``)
    so that messages name the column the user sees. One column mapped to two fields is an error.
    """
    if not mapping:
        return frame, {}
    fields_of: dict[str, list[str]] = {}
    for field, header in mapping.items():
        fields_of.setdefault(normalise_header(header), []).append(field)
    for header, fields in fields_of.items():
        if len(fields) > 1:
            named = next(h for f, h in mapping.items() if normalise_header(h) == header)
            raise InputError(
                f"the column mapping gives the column '{named}' to {' and '.join(fields)}; "
                "a column can hold one field only",
                **where,
            )
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
    original = {field: header.strip() for header, field in renames.items()}
    return frame.drop(columns=shadowed).rename(columns=renames), original
