"""CSV files as they come: UTF-8 (with or without BOM) or Windows-1252, `;`, `,` or tab separated.

One decoding for the whole file: a file that is UTF-8 in one place and something else in another is
refused at the odd byte, never read as Windows-1252 with every UTF-8 letter garbled.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

from budgetcalc.errors import InputError
from budgetcalc.files import MAX_CELLS, MAX_ROWS, POPULATION_FILE, read_regular_file
from budgetcalc.notices import Notice

SEPARATORS = (";", ",", "\t")
Grid = list[tuple[int, list[object]]]
"""Rows of cells with their 1-based row (line) number in the file."""

_ODD_BYTE = re.compile("[\udc80-\udcff]")
"""A byte that is not UTF-8, as ``bytes.decode("utf-8", "surrogateescape")`` keeps it."""
_UTF8_LETTER = re.compile("[^\x00-\x7f\udc80-\udcff]")
"""A character that took two or more bytes of valid UTF-8 (é, ë, –, a byte-order mark)."""
_NON_ASCII = re.compile("[^\x00-\x7f]")
_LINE_BREAK = re.compile("\r\n|\r|\n")
_CELL_END = re.compile('[;,\t"\r\n]')
SAVE_AS_UTF8 = "save the file as UTF-8 (Excel: 'CSV UTF-8')"


def cannot_read(error: OSError, path: Path) -> InputError:
    """A file system error (no permission, a directory, an I/O error) as one line naming the file."""
    reason = error.strerror or error.__class__.__name__
    if isinstance(error, IsADirectoryError):
        reason = "it is a directory"
    return InputError(f"cannot read the file: {reason}", file=path)


def decode(data: bytes, path: Path) -> tuple[str, tuple[Notice, ...]]:
    """The file's text, decoded one way for the whole file, and a notice if that way was Windows-1252.

    UTF-16 with a byte-order mark (Excel's "Unicode text"); UTF-8 (byte-order mark dropped); or, for
    a file with bytes above 127 of which none is part of a UTF-8 letter, Windows-1252. A file holding
    UTF-8 letters and bytes that are not UTF-8 is refused at the first such byte: it was put together
    from two encodings, and no single one reads all its names right.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ()
        except UnicodeDecodeError:
            raise InputError("the file starts as UTF-16 text but is not valid UTF-16", file=path) from None
    text = data.decode("utf-8", errors="surrogateescape")
    odd = _ODD_BYTE.search(text)
    if odd is None:
        return text.removeprefix("\ufeff"), ()
    if _UTF8_LETTER.search(text):
        line, where = _place(text[: odd.start()])
        raise InputError(
            f"the file is UTF-8, but byte 0x{ord(odd.group()) - 0xDC00:02X} at {where} is not: part of the "
            f"file was saved in another encoding; {SAVE_AS_UTF8} and check the names on this line",
            file=path,
            row=line,
        )
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        line, where = _place(data[: error.start].decode("cp1252"))
        raise InputError(
            f"the file is not text in UTF-8 or Windows-1252: byte 0x{data[error.start]:02X} at {where} is "
            f"not a character in Windows-1252, and the file holds no UTF-8 letters; {SAVE_AS_UTF8}",
            file=path,
            row=line,
        ) from None
    first = _NON_ASCII.search(text)
    assert first is not None  # there were bytes above 127
    line, _ = _place(text[: first.start()])
    start = max(
        (match.end() for match in _CELL_END.finditer(text, max(0, first.start() - 40), first.start())),
        default=max(0, first.start() - 40),
    )
    end = _CELL_END.search(text, first.start())
    example = text[start : end.start() if end else len(text)][:40].strip()
    return text, (Notice("read_as_windows_1252", {"example": example, "row": line}),)


def _refuse_wide_text(data: bytes, path: Path) -> None:
    """Refuse UTF-32 (whose byte-order mark starts like UTF-16's) and UTF-16 without a byte-order
    mark, by the NUL bytes that pad every ASCII letter, naming the encoding instead of "binary data"."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise InputError(
            f"the file is UTF-32 text, which budgetcalc does not read; {SAVE_AS_UTF8}", file=path
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return
    sample = data[:4096]
    sample = sample[: len(sample) - len(sample) % 4]
    if len(sample) < 8:
        return
    nul_share = [sample[offset::4].count(0) * 4 / len(sample) for offset in range(4)]
    padded = sorted(nul_share)
    if padded[0] < 0.1 and padded[1] > 0.9:  # three of every four bytes NUL, the fourth a letter: UTF-32
        raise InputError(
            "the file is UTF-32 text without a byte-order mark, which budgetcalc does not read; "
            + SAVE_AS_UTF8,
            file=path,
        )
    even, odd = (nul_share[0] + nul_share[2]) / 2, (nul_share[1] + nul_share[3]) / 2
    if max(even, odd) > 0.7 and min(even, odd) < 0.1:  # a NUL byte next to nearly every letter
        raise InputError(
            "the file looks like UTF-16 text without a byte-order mark (a NUL byte next to every letter), "
            f"which budgetcalc does not read; {SAVE_AS_UTF8}",
            file=path,
        )


def _place(before: str) -> tuple[int, str]:
    """The line a character follows ``before`` on, and where on that line, for a message."""
    line = len(_LINE_BREAK.findall(before)) + 1
    start = max(before.rfind("\n"), before.rfind("\r")) + 1
    on_line = before[start:].removeprefix("\ufeff")
    where = f"character {len(on_line) + 1} of this line"
    return line, f"{where} (after '{on_line[-20:]}')" if on_line else where


def _separator(text: str) -> str:
    """The separator that splits the first lines into the most equal, widest rows."""
    sample = "\n".join(line[:10_000] for line in text.splitlines()[:50] if line.strip())

    def score(separator: str) -> tuple[int, int]:
        try:
            widths = Counter(len(row) for row in csv.reader(io.StringIO(sample), delimiter=separator))
        except csv.Error:  # a cell longer than the csv module takes: read_csv_grid says which
            return (0, 0)
        width, rows = max(widths.items(), key=lambda item: (item[1], item[0]))
        return (rows if width > 1 else 0, width)

    return max(SEPARATORS, key=score)


def _refuse_too_large(text: str, separator: str, path: Path) -> None:
    """Bound memory before parsing: at most MAX_ROWS lines and about MAX_CELLS cells (counted by line
    breaks and separators, an upper bound of what the rows hold)."""
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if lines > MAX_ROWS:
        raise InputError(
            f"the file has {lines:,} lines; budgetcalc reads at most {MAX_ROWS:,} areas (the whole of the "
            "Netherlands has 18,310 gemeenten, wijken and buurten); is this the right file?",
            file=path,
        )
    cells = text.count(separator) + lines
    if cells > MAX_CELLS:
        raise InputError(
            f"the file has about {cells:,} cells; budgetcalc reads at most {MAX_CELLS:,}: "
            "leave out the columns the rules do not need",
            file=path,
        )


def read_csv_grid(path: Path) -> tuple[Grid, tuple[Notice, ...]]:
    """Every row of a CSV file with its line number; quotes and embedded separators as in RFC 4180.
    Also a notice on how the file was decoded, where that deserves a look (Windows-1252)."""
    data = read_regular_file(path, POPULATION_FILE)
    if not data.strip():
        raise InputError("the file is empty", file=path)
    _refuse_wide_text(data, path)
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and (b"\0" in data[:4096] or data[:4] == b"PK\x03\x04"):
        raise InputError("this is not a CSV text file (it holds binary data; a renamed workbook?)", file=path)
    text, notices = decode(data, path)
    separator = _separator(text)
    _refuse_too_large(text, separator, path)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
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
        if "field larger than field limit" in str(error):
            cell = _long_cell(text, started, separator)
            raise InputError(
                f"cell {cell} of this row holds more than {csv.field_size_limit():,} characters; "
                "no area code, name or count is that long",
                file=path,
                row=started,
            ) from None
        raise InputError(f"not a valid CSV row: {error}", file=path, row=started) from None
    return grid, notices


def _long_cell(text: str, line: int, separator: str) -> int:
    """Which cell (1, 2, ...) of the record starting on ``line`` is longer than the csv module allows."""
    breaks = _LINE_BREAK.finditer(text)
    start = 0
    for _ in range(line - 1):
        start = next(breaks).end()
    cell = re.compile(f'"(?:[^"]|"")*"|[^"{re.escape(separator)}\r\n]*')
    limit, number = csv.field_size_limit(), 1
    while True:
        found = cell.match(text, start)
        if found is None or len(found.group()) > limit or not text.startswith(separator, found.end()):
            return number
        start, number = found.end() + len(separator), number + 1
