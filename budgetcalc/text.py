"""Text as a person reads it: the one normalisation every code, name and header passes through."""

from __future__ import annotations

import functools
import re
import sys
import unicodedata


@functools.cache
def _invisible() -> re.Pattern[str]:
    """Every format character (Unicode category Cf): zero-width spaces and joiners, byte-order marks,
    soft hyphens, bidi controls. Built once, when the first text outside ASCII is read."""
    found = [chr(code) for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Cf"]
    return re.compile("[" + "".join(re.escape(character) for character in found) + "]")


def normal_text(text: str) -> str:
    """Text as a person reads it: invisible (format) characters removed, composed (NFC) so that both
    ways of writing "é" are equal, and every run of spaces, non-breaking spaces, tabs and line
    breaks one space, none at the ends. Codes and names from files, tables and rule files all pass
    through here before they are compared."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", _invisible().sub("", text))
    return " ".join(text.split())
