"""Text as a person reads it: the one normalisation every code, name and header passes through."""

from __future__ import annotations

import functools
import re
import unicodedata

DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x061C, 0x061C),  # Arabic letter mark
    (0x115F, 0x1160),  # Hangul fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian variation selectors and vowel separator
    (0x200B, 0x200F),  # zero-width space, joiners, direction marks
    (0x202A, 0x202E),  # bidirectional embeddings and overrides
    (0x2060, 0x206F),  # word joiner, invisible operators, bidi isolates
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFEFF, 0xFEFF),  # byte-order mark, zero-width no-break space
    (0xFFA0, 0xFFA0),  # halfwidth Hangul filler
    (0xFFF0, 0xFFF8),  # unassigned specials
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical symbol format controls
    (0xE0000, 0xE0FFF),  # tags and variation selectors supplement
)
"""Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt): characters that show as
nothing. Python's unicodedata does not expose the property, so its ranges are listed here."""


_PLANES_WITH_CHARACTERS = ((0x0000, 0x3FFFF), (0xE0000, 0xEFFFF))
"""Where Unicode assigns characters other than private use: planes 0-3 and 14 (planes 4-13 are empty,
15-16 private use, category Co). Scanning only these builds the pattern four times faster."""


@functools.cache
def _invisible() -> re.Pattern[str]:
    """Every character that shows as nothing: format characters (category Cf) and Unicode's default
    ignorable code points. Built once, when the first text outside ASCII is read."""
    found = {
        code
        for first, last in _PLANES_WITH_CHARACTERS
        for code in range(first, last + 1)
        if unicodedata.category(chr(code)) == "Cf"
    }
    for first, last in DEFAULT_IGNORABLE:
        found.update(range(first, last + 1))
    return re.compile("[" + "".join(_ranges(sorted(found))) + "]")


def _ranges(codes: list[int]) -> list[str]:
    """Sorted code points as the runs of a character class (``a-z``): a class of 4,000 single characters
    takes the regex compiler a third of a second, one of 40 runs next to nothing."""
    runs: list[str] = []
    start = previous = codes[0]
    for code in [*codes[1:], -1]:
        if code != previous + 1:
            runs.append(re.escape(chr(start)) + ("" if previous == start else "-" + re.escape(chr(previous))))
            start = code
        previous = code
    return runs


def normal_text(text: str) -> str:
    """Text as a person reads it: invisible characters removed, compatibility forms folded (NFKC:
    fullwidth ``Ｄ０１`` is ``D01``, the ligature ``Ĳ`` is ``IJ``, both ways of writing "é" are one),
    and every run of spaces, non-breaking spaces, tabs and line breaks one space, none at the ends.
    Codes and names from files, tables and rule files all pass through here before they are compared."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", _invisible().sub("", text))
    return " ".join(text.split())
