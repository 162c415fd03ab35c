"""Neutralise text from input files so spreadsheet programs never run it as a formula."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix a quote to text that Excel or LibreOffice would read as a formula (OWASP CSV injection)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
