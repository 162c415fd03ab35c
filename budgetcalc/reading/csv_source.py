"""CSV files as they come: UTF-8 (with or without BOM) or Windows-1252, `;`, `,` or tab separated."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

from budgetcalc.errors import InputError
from budgetcalc.files import POPULATION_FILE, read_regular_file

SEPARATORS = (";", ",", "\t")
Grid = list[tuple[int, list[object]]]
"""Rows of cells with their 1-based row (line) number in the file."""


def cannot_read(error: OSError, path: Path) -> InputError:
    """A file system error (no permission, a directory, an I/O error) as one line naming the file."""
    reason = error.strerror or error.__class__.__name__
    if isinstance(error, IsADirectoryError):
        reason = "it is a directory"
    return InputError(f"cannot read the file: {reason}", file=path)


def decode(data: bytes, path: Path) -> str:
    """UTF-16 with a byte-order mark (Excel's "Unicode text"), UTF-8 (BOM dropped), else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError("the file starts as UTF-16 text but is not valid UTF-16", file=path) from None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("the file is not text in UTF-8 or Windows-1252", file=path)


def _separator(text: str) -> str:
    """The separator that splits the first lines into the most equal, widest rows."""
    sample = "\n".join(line for line in text.splitlines()[:50] if line.strip())

    def score(separator: str) -> tuple[int, int]:
        widths = Counter(len(row) for row in csv.reader(io.StringIO(sample), delimiter=separator))
        width, rows = max(widths.items(), key=lambda item: (item[1], item[0]))
        return (rows if width > 1 else 0, width)

    return max(SEPARATORS, key=score)


def read_csv_grid(path: Path) -> Grid:
    """Every row of a CSV file with its line number; quotes and embedded separators as in RFC 4180."""
    data = read_regular_file(path, POPULATION_FILE)
    if not data.strip():
        raise InputError("the file is empty", file=path)
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and (b"\0" in data[:4096] or data[:4] == b"PK\x03\x04"):
        raise InputError("this is not a CSV text file (it holds binary data; a renamed workbook?)", file=path)
    text = decode(data, path)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text), strict=True)
    grid: Grid = []
    started = 1  # the line the next record starts on
    try:
        for row in records:
            grid.append((started, list(row)))
            started = records.line_num + 1
    except csv.Error as error:
        if "unexpected end of data" in str(error) or "EOF" in str(error):
            raise InputError(
                'a quote (") opened in this row is never closed', file=path, row=started
            ) from None
        raise InputError(f"not a valid CSV row: {error}", file=path, row=started) from None
    return grid
