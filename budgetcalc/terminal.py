"""Text for the terminal: what came from a file is shown, never executed by the terminal.

A file name, header or area name may hold ``ESC[2J`` (clear the screen), a bare carriage return
(overwrite the line with something else), a bell or a right-to-left override. Printed as is, the
terminal would act on them; made visible they read ``\\x1b[2J``, ``\\r``, ``\\u202e``.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from typing import Protocol, TextIO, runtime_checkable

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


class ProgressBar:
    """A one-line bar on a terminal (``Sweep [#####.....] 48%  4,800 of 10,000``), drawn only when the
    stream is a terminal and the work has already taken ``delay`` seconds; cleared again by ``close``.

    Called with the number done so far; redraws at most ten times a second.
    """

    def __init__(
        self,
        label: str,
        total: int,
        stream: TextIO | None = None,
        *,
        delay: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        self.clock = clock
        self.started = clock()
        self.drawn_at: float | None = None
        self.shown = False
        self.on_terminal = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, done: int) -> None:
        now = self.clock()
        if not self.on_terminal or now - self.started < self.delay or self.total <= 0:
            return
        if self.drawn_at is not None and now - self.drawn_at < 0.1 and done < self.total:
            return
        filled = 30 * min(done, self.total) // self.total
        percent = 100 * min(done, self.total) // self.total
        self.stream.write(
            f"\r{visible(self.label)} [{'#' * filled}{'.' * (30 - filled)}] {percent:3d}%  "
            f"{done:,} of {self.total:,}"
        )
        self.stream.flush()
        self.drawn_at = now
        self.shown = True

    def close(self) -> None:
        """Clear the bar's line, if it was drawn, so what follows starts on a clean line."""
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.shown = False
