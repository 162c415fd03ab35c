"""Write a report completely or not at all: a temporary file next to the target, then a rename.

The temporary file is ``.NAME.PID.HOST.RANDOM.partial``. An interrupted write (an exception, Ctrl-C,
SIGTERM turned into an exception by the CLI while :func:`write_in_progress`) removes its own; after
``kill -9`` or a power cut nothing can run, so the next write to the same target removes those left by
processes of this host that no longer exist, and only those.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import socket
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from budgetcalc.errors import OutputError
from budgetcalc.files import describe_file_type

PARTIAL_SUFFIX = ".partial"
SYSTEM_FOLDERS = ("/dev", "/proc", "/sys")
"""Where names stand for devices and open files (``/dev/stdout``, ``/proc/self/fd/1``), not reports."""
_STOP_SIGNALS = {getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name)}
_writing = 0


def write_in_progress() -> bool:
    """True while a temporary report file may exist: a stop signal must unwind, not end the process."""
    return _writing > 0


def _hold_stop_signals() -> set[int | signal.Signals] | None:
    """Hold SIGINT and SIGTERM back until :func:`_release`; the signal mask before (None on Windows)."""
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)


def _release(held: set[int | signal.Signals] | None) -> None:
    """Deliver the stop signals held back, if any came (the CLI's handler then raises here)."""
    if held is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def check_target(path: Path, *, force: bool, protected: Iterable[str | Path] = ()) -> None:
    """Fail early, before any work, when the report cannot or may not be written.

    ``protected`` are the input files: the report never replaces one, whatever name leads to it
    (the same path, ``./x/../name``, a symlink, a hard link), not even with ``force``.
    """
    _refuse_inputs(path, protected)
    try:
        status = os.stat(path)
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise OutputError(f"cannot write the report: {error.strerror or error}", file=path) from None
    if status is not None and not stat.S_ISREG(status.st_mode):
        what = describe_file_type(status.st_mode)
        raise OutputError(f"the output is {what}, not a report file; give a file name", file=path)
    _refuse_system_names(path)
    if status is not None and not force:
        raise OutputError("the report exists already; use --force to replace it", file=path)
    if not path.parent.is_dir():
        raise OutputError(f"the folder '{path.parent}' does not exist", file=path)


def _refuse_system_names(path: Path) -> None:
    """Refuse ``/dev/stdout``, ``/proc/self/fd/1`` and the like, even when they lead to a regular file
    (standard output redirected to one): the report would replace the name in a system folder."""
    folder = os.path.realpath(path.parent)
    resolved = os.path.realpath(path)
    for place in (os.path.abspath(path.parent), folder, resolved):
        system = next(
            (root for root in SYSTEM_FOLDERS if place == root or place.startswith(root + "/")), None
        )
        if system is not None:
            raise OutputError(
                f"the output is a name in the system folder {system} (a device or standard output), "
                "not a report file; give a file name",
                file=path,
            )


def _refuse_inputs(path: Path, protected: Iterable[str | Path]) -> None:
    """Refuse a target that is, or resolves to, an input file (compared by path and by file identity)."""
    target = os.path.realpath(path)
    identity = _identity(path)
    for source in protected:
        if os.path.realpath(source) == target or (identity and _identity(Path(source)) == identity):
            raise OutputError(
                f"the output is the input file '{source}'; give the report another name", file=path
            )


def _identity(path: Path) -> tuple[int, int] | None:
    """The device and inode ``path`` leads to; ``None`` when it does not exist (yet)."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_dev, status.st_ino)


def _mode_for(path: Path) -> int:
    """The permissions a normally created file would get: the old file's, else 0o666 less the umask."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(
    path: Path, data: bytes, *, force: bool = False, protected: Iterable[str | Path] = ()
) -> None:
    """Write ``data`` to ``path``; an interrupted write leaves any old file untouched."""
    check_target(path, force=force, protected=protected)
    try:
        remove_stale_temporaries(path)
        _write(path, data, force=force)
    except OSError as error:
        raise OutputError(f"cannot write the report: {error.strerror or error}", file=path) from None


def _host() -> str:
    """A short mark of this machine: on a shared network folder, a process id is only known locally."""
    return hashlib.sha256(socket.gethostname().encode("utf-8", "surrogateescape")).hexdigest()[:8]


def _temporary_pattern(path: Path) -> re.Pattern[str]:
    """Names of this host's temporary files for ``path``; group 1 is the writing process's id."""
    return re.compile(
        rf"\.{re.escape(path.name)}\.(\d+)\.{_host()}\.[A-Za-z0-9_]+{re.escape(PARTIAL_SUFFIX)}"
    )


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary files that killed writes to ``path`` left behind; return them.

    Only regular files owned by this user, named as this host's temporaries for this very target,
    whose process no longer exists: never another live run's file, never a file that is not ours.
    """
    if os.name != "posix":  # os.kill(pid, 0) would end the process elsewhere, not test it
        return []
    pattern = _temporary_pattern(path)
    removed = []
    with os.scandir(path.parent) as entries:
        candidates = [entry for entry in entries if pattern.fullmatch(entry.name)]
    for entry in candidates:
        match = pattern.fullmatch(entry.name)
        if match is None or _process_exists(int(match.group(1))):
            continue
        try:
            status = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(status.st_mode) or status.st_uid != os.getuid():
            continue
        with contextlib.suppress(FileNotFoundError):
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


def _process_exists(pid: int) -> bool:
    if pid <= 0:
        return True  # not a process id we wrote: leave the file alone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process (or a number too large to be one): not ours to judge
    return True


def _write(path: Path, data: bytes, *, force: bool) -> None:
    global _writing
    prefix = f".{path.name}.{os.getpid()}.{_host()}."
    _writing += 1
    temporary: str | None = None
    try:
        # Stop signals are held back while the temporary file is made, and the file is made inside the
        # ``try`` that removes it: a signal whose handler runs at any moment (even one that came just
        # before it was held back, and runs at the next call) finds the name to remove.
        held = _hold_stop_signals()
        try:
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=PARTIAL_SUFFIX)
        finally:
            _release(held)
        _fill(handle, temporary, path, data, force=force)
    except BaseException:
        if temporary is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        raise
    finally:
        _writing -= 1


def _fill(handle: int, temporary: str, path: Path, data: bytes, *, force: bool) -> None:
    """Write ``data`` into the open temporary file, to disk, and rename it into place."""
    with os.fdopen(handle, "wb") as stream:
        os.fchmod(stream.fileno(), _mode_for(path))
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    if not force and path.exists():
        raise OutputError("the report appeared while it was being written; not replaced", file=path)
    os.replace(temporary, path)
