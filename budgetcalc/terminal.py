"""Text for the terminal: what came from a file is shown, never executed by the terminal.

A file name, header or area name may hold ``ESC[2J`` (clear the screen), a bare carriage return
(overwrite the line with something else), a bell or a right-to-left override. Printed as is, the
terminal would act on them; made visible they read ``\\x1b[2J``, ``\\r``, ``\\u202e``.
"""

from __future__ import annotations

import re
from typing import Protocol, runtime_checkable

_HIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f"  # C0 and C1 control characters (ESC, CR, BEL, CSI, ...)
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidirectional marks, embeddings and overrides
    "\u2028\u2029"  # line and paragraph separators
    "\ud800-\udfff]"  # lone surrogates: bytes of a file name that are not UTF-8
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    code = ord(character)
    return _NAMED.get(character) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(text: str) -> str:
    """``text`` with control characters and escape sequences as visible escapes (``\\x1b[2J``, ``\\r``)."""
    return _HIDDEN.sub(_escape, text)


@runtime_checkable
class MultiLine(Protocol):
    """A message made of several lines, kept apart so that only the program's own line breaks remain."""

    def lines(self) -> list[str]: ...


def message_lines(message: object) -> list[str]:
    """The lines to print for a message or error, each made visible."""
    lines = message.lines() if isinstance(message, MultiLine) else [str(message)]
    return [visible(line) for line in lines]
