"""Text in rule files: bounded, so a pasted megabyte cannot slow down a report or a message."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator

from budgetcalc.text import normal_text

SHORT_TEXT = 500
"""Characters at most in a name, label or area reference: a longer one is not a name."""
LONG_TEXT = 20_000
"""Characters at most in a note, source, decision or reason: about ten printed pages."""


def _at_most(limit: int) -> Any:
    """A validator refusing text longer than ``limit`` characters, without echoing the text."""

    def check(text: str) -> str:
        if len(text) > limit:
            raise ValueError(f"the text has {len(text):,} characters; at most {limit:,} are allowed")
        return text

    return AfterValidator(check)


def _visible(text: str) -> str:
    if text and not normal_text(text):
        raise ValueError("the text shows nothing (only spaces or invisible characters)")
    return text


ShortText = Annotated[str, _at_most(SHORT_TEXT), AfterValidator(_visible)]
"""A name, label or area reference."""
LongText = Annotated[str, _at_most(LONG_TEXT), AfterValidator(_visible)]
"""A note, source, decision or reason."""
