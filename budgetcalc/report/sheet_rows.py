"""Many worksheet rows at once, as SpreadsheetML, spliced into a workbook XlsxWriter wrote.

XlsxWriter makes a Python object per cell; for the national CBS file (15,000 areas, 150,000 cells) that
is most of the report's time. The allocation sheet's area rows are simple (text, counts, amounts), so
they are written here as XML text and put into the finished workbook, with the styles XlsxWriter
assigned. Everything else (styles, widths, filters, print setup, the other sheets) stays XlsxWriter's.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal

from xlsxwriter.utility import xl_col_to_name

Cell = tuple[str | int | Decimal | None, int]
"""A value (text, whole number or exact decimal; None for an empty cell) and its style index."""

MAX_TEXT = 32_767
"""Excel holds at most this many characters (UTF-16 code units) in a cell; callers refuse longer text."""
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold: written as Excel's ``_xHHHH_`` escape, as XlsxWriter does."""
_ESCAPE_LOOKALIKE = re.compile("(_x[0-9A-Fa-f]{4}_)")
"""Text that reads as such an escape: its underscore is escaped so Excel shows it as it is."""
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def text_length(text: str) -> int:
    """The length of ``text`` as Excel counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def fits_in_cell(text: str) -> bool:
    """True when an Excel cell holds ``text`` whole (cheap for the short text of most cells)."""
    return len(text) <= MAX_TEXT // 2 or text_length(text) <= MAX_TEXT


def _text(value: str) -> str:
    if not fits_in_cell(value):
        raise ValueError(f"text of {text_length(value):,} characters does not fit in a cell")
    text = value
    if "_x" in text:
        text = _ESCAPE_LOOKALIKE.sub(r"_x005F\1", text)
    if _NOT_XML.search(text):
        text = _NOT_XML.sub(lambda match: f"_x{ord(match.group()):04X}_", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f"<is><t{space}>{text}</t></is>"


def rows_xml(first_row: int, rows: Iterable[tuple[Sequence[Cell], float | None]]) -> str:
    """``<row>`` elements from 1-based ``first_row`` on; each row has its cells and an optional height."""
    letters: list[str] = []
    parts: list[str] = []
    for number, (cells, height) in enumerate(rows, start=first_row):
        while len(letters) < len(cells):
            letters.append(xl_col_to_name(len(letters)))
        size = f' ht="{height:g}" customHeight="1"' if height else ""
        parts.append(f'<row r="{number}"{size}>')
        for letter, (value, style) in zip(letters, cells, strict=False):
            where = f'r="{letter}{number}" s="{style}"'
            if value is None:
                parts.append(f"<c {where}/>")
            elif isinstance(value, str):
                parts.append(f'<c {where} t="inlineStr">{_text(value)}</c>')
            else:
                parts.append(f"<c {where}><v>{value}</v></c>")
        parts.append("</row>")
    return "".join(parts)


def splice_rows(workbook: bytes, sheet_number: int, after_row: int, rows: str) -> bytes:
    """The workbook with ``rows`` inserted after row ``after_row`` of ``xl/worksheets/sheetN.xml``."""
    target = f"xl/worksheets/sheet{sheet_number}.xml"
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(output, "w") as result:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == target:
                data = _insert(data.decode("utf-8"), after_row, rows).encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            result.writestr(entry, data)
    return output.getvalue()


def _insert(sheet: str, after_row: int, rows: str) -> str:
    anchor = re.search(rf'<row r="{after_row}"[ >].*?</row>', sheet, flags=re.DOTALL)
    if anchor is None:
        raise ValueError(f"row {after_row} not found in the worksheet")
    return sheet[: anchor.end()] + rows + sheet[anchor.end() :]
