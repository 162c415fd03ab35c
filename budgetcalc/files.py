"""Input files as the user names them: a regular file of a sane size, or one line saying what it is instead.

A FIFO would block on open and ``/dev/zero`` would be read until the memory runs out; a directory or
a device is a slip of the tab key. Each is refused from its ``stat`` before it is opened, and the file
is opened without blocking and checked again on the open descriptor (it may have been swapped since).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from budgetcalc.errors import BudgetcalcError, InputError, RuleError

KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True)
class FileKind:
    """What a file given by the user should be: named in messages, with its largest sane size."""

    noun: str
    """``rule file``: as in "rule file not found", "cannot read the rule file"."""
    expected: str
    """``a rule file (.toml)``: as in "expected a rule file (.toml), got a FIFO"."""
    max_bytes: int
    error: type[BudgetcalcError]


POPULATION_FILE = FileKind("file", "a spreadsheet file", 64 * MIB, InputError)
"""A full CBS Kerncijfers download (every gemeente, wijk and buurt with all its ~130 columns) is 10-20 MB.
Memory follows the rows and cells rather than the bytes: MAX_ROWS and MAX_CELLS bound it."""
MAX_ROWS = 100_000
"""Rows a population file may have. The whole of the Netherlands has 18,310 gemeenten, wijken and buurten.
Measured peaks grow with the areas, about 4 KB an area with an .xlsx report: 171,000 areas 0.77 GB."""
MAX_CELLS = 5_000_000
"""Cells (rows x columns) a population file may have: reading more would need gigabytes."""
RULE_FILE = FileKind("rule file", "a rule file (.toml)", 1 * MIB, RuleError)
"""The largest published rule set is a few KB."""
MAPPING_FILE = FileKind("column mapping file", "a column mapping file", 64 * KIB, InputError)
"""A mapping file holds a handful of ``field = "header"`` lines."""


def describe_file_type(mode: int) -> str:
    """What a ``stat`` mode is, in words: ``a FIFO``, ``a directory``, ``a character device``, ..."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISREG(mode):
        return "a file"
    return "not a regular file"


def size_text(count: int) -> str:
    """``256 MiB``, ``64 KiB``, ``1.5 MiB``, ``300 bytes``."""
    for unit, size in (("MiB", MIB), ("KiB", KIB)):
        if count >= size:
            return f"{count / size:.1f}".removesuffix(".0") + f" {unit}"
    return f"{count} bytes"


def _check(status: os.stat_result, path: Path, kind: FileKind) -> None:
    if not stat.S_ISREG(status.st_mode):
        raise kind.error(f"expected {kind.expected}, got {describe_file_type(status.st_mode)}", file=path)
    if status.st_size > kind.max_bytes:
        raise _too_large(status.st_size, path, kind)


def _too_large(size: int, path: Path, kind: FileKind) -> BudgetcalcError:
    return kind.error(
        f"{kind.noun} too large: {size:,} bytes; {kind.expected} is at most {size_text(kind.max_bytes)}",
        file=path,
    )


def _cannot_read(error: OSError, path: Path, kind: FileKind) -> BudgetcalcError:
    if isinstance(error, FileNotFoundError):
        return kind.error(f"{kind.noun} not found", file=path)
    return kind.error(f"cannot read the {kind.noun}: {error.strerror or error.__class__.__name__}", file=path)


def check_regular_file(path: Path, kind: FileKind) -> None:
    """Refuse, without opening it, what is not a regular file of at most ``kind.max_bytes``.

    For files another library opens itself (workbooks); symlinks are followed.
    """
    try:
        status = os.stat(path)
    except OSError as error:
        raise _cannot_read(error, path, kind) from None
    _check(status, path, kind)


def read_regular_file(path: Path, kind: FileKind) -> bytes:
    """The bytes of a regular file of at most ``kind.max_bytes``; anything else is one clear error."""
    check_regular_file(path, kind)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
        with open(descriptor, "rb") as stream:
            _check(os.fstat(descriptor), path, kind)  # swapped for a FIFO or device since the stat?
            data = stream.read(kind.max_bytes + 1)
    except OSError as error:
        raise _cannot_read(error, path, kind) from None
    if len(data) > kind.max_bytes:  # it grew since the stat: at least this large
        raise _too_large(len(data), path, kind)
    return data
