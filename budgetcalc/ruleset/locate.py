"""Find the line of a key path in TOML text, so rule-file errors can name their line.

``tomllib`` keeps no positions. This scanner follows table headers, array-of-table headers and
``key =`` lines, which is how rule files are written; a key inside an inline table or array
resolves to the line of the nearest enclosing key that was found.
"""

from __future__ import annotations

import re

KeyPath = tuple[str | int, ...]

_BARE_OR_QUOTED = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_DOTTED = rf"{_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*"
_TABLE = re.compile(rf"^\s*\[\s*({_DOTTED})\s*\]\s*(?:#.*)?$")
_ARRAY_TABLE = re.compile(rf"^\s*\[\[\s*({_DOTTED})\s*\]\]\s*(?:#.*)?$")
_KEY = re.compile(rf"^\s*({_DOTTED})\s*=")
_PART = re.compile(_BARE_OR_QUOTED)


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in _PART.findall(dotted))


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map each key path found in ``text`` to its 1-based line number."""
    lines: dict[KeyPath, int] = {}
    array_counts: dict[tuple[str, ...], int] = {}
    current: KeyPath = ()
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        if match := _ARRAY_TABLE.match(line):
            path = _parts(match.group(1))
            index = array_counts.get(path, -1) + 1
            array_counts[path] = index
            for end in range(1, len(path) + 1):  # tables the header creates implicitly
                lines.setdefault(path[:end], number)
            current = (*path, index)
            lines[current] = number
        elif match := _TABLE.match(line):
            current = _parts(match.group(1))
            for end in range(1, len(current) + 1):
                lines.setdefault(current[:end], number)
        elif match := _KEY.match(line):
            parts = _parts(match.group(1))
            for end in range(1, len(parts) + 1):  # a dotted key (fixed.2023 = …) names its tables too
                lines.setdefault((*current, *parts[:end]), number)
            for quote in ('"""', "'''"):
                if line.count(quote) % 2 == 1:
                    in_multiline = quote
    return lines


def line_of(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    """The line of ``path`` or of its nearest ancestor that has one."""
    for end in range(len(path), 0, -1):
        found = lines.get(tuple(path[:end]))
        if found is not None:
            return found
    return None


def dotted(path: KeyPath) -> str:
    """A key path as people write it: ``components.basis.staffel.brackets[2].rate`` (lists count from 1)."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(top level)"
