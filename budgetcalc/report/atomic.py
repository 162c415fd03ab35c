"""Write a report completely or not at all: a temporary file next to the target, then a rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from budgetcalc.errors import OutputError


def check_target(path: Path, *, force: bool) -> None:
    """Fail early, before any work, when the report cannot or may not be written."""
    if path.is_dir():
        raise OutputError("the output is a directory; give a file name", file=path)
    if path.exists() and not force:
        raise OutputError("the report exists already; use --force to replace it", file=path)
    if not path.parent.is_dir():
        raise OutputError(f"the folder '{path.parent}' does not exist", file=path)


def _mode_for(path: Path) -> int:
    """The permissions a normally created file would get: the old file's, else 0o666 less the umask."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path``; an interrupted write leaves any old file untouched."""
    check_target(path, force=force)
    try:
        _write(path, data, force=force)
    except OSError as error:
        raise OutputError(f"cannot write the report: {error.strerror or error}", file=path) from None


def _write(path: Path, data: bytes, *, force: bool) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), _mode_for(path))
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if not force and path.exists():
            raise OutputError("the report appeared while it was being written; not replaced", file=path)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
