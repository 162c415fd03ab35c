"""Text in rule files: bounded, so a pasted megabyte cannot slow down a report or a message."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator

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


ShortText = Annotated[str, _at_most(SHORT_TEXT)]
"""A name, label or area reference."""
LongText = Annotated[str, _at_most(LONG_TEXT)]
"""A note, source, decision or reason."""
