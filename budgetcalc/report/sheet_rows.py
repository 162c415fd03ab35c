"""What a worksheet cell holds: Excel's limit on text, counted as Excel counts it.

Every cell of a report is written through XlsxWriter's public interface (which escapes control
characters and ``_xHHHH_`` look-alikes as Excel does); this module only says what fits.
"""

from __future__ import annotations

MAX_TEXT = 32_767
"""Excel holds at most this many characters (UTF-16 code units) in a cell; callers refuse longer text."""


def text_length(text: str) -> int:
    """The length of ``text`` as Excel counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def fits_in_cell(text: str) -> bool:
    """True when an Excel cell holds ``text`` whole (cheap for the short text of most cells)."""
    return len(text) <= MAX_TEXT // 2 or text_length(text) <= MAX_TEXT
