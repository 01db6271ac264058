"""Where output goes: whole files or nothing, streams as streams, clear errors.

``-o PATH`` follows these rules (:func:`write_output`):

* a regular file, or a path that does not exist yet, is written atomically: a
  temporary file next to it, then a rename.  A reader or a crash sees the old
  file or the new one, never half of one.  An existing file keeps its mode; a
  new one gets the umask's (0666 & ~umask), like ``>`` in a shell;
* ``-``, devices (``/dev/null``), FIFOs, sockets and the ``/dev/stdout``
  family (anything that resolves into ``/proc/*/fd``) are written as streams,
  never renamed over;
* a symlink is followed: the file it points to is replaced, the link stays
  a link (what editors do);
* a full disk or another write error is one :class:`OutputError` line; the
  temporary file is removed, and the old file is left as it was.

Temporary files are named ``.NAME.PID.RANDOM.tmp``; one whose process is gone
(a killed run) is removed by the next write to the same name.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

from ..errors import DiskFullError, OutputError

STREAM = "-"
_STALE_AFTER_SECONDS = 24 * 3600  # a temporary file this old is stale whoever wrote it


def check_output(path: str | os.PathLike, *, inputs: tuple[str | os.PathLike, ...] = ()) -> None:
    """Fail before any work when ``path`` cannot be an output: a folder, a missing folder, one of ``inputs``."""
    if str(path) == STREAM or _is_stream(Path(path)):
        return
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise OutputError(f"{path} is a directory: give a file name for --output")
    if not target.parent.is_dir():
        raise OutputError(f"cannot write {path}: folder {target.parent} does not exist; create it first")
    for source in inputs:
        if str(source) != STREAM and _same_file(path, source):
            raise OutputError(f"--output {path} is the input file {source}: writing it would destroy the article; choose another --output")


def write_output(path: str | os.PathLike, data: str | bytes) -> str:
    """Write ``data`` to ``path`` (``-`` is standard output) by the rules in this module's doc; returns how it was written."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if str(path) == STREAM:
        write_stream(sys.stdout.buffer, payload, name="standard output")
        return "stream"
    target = Path(path)
    if _is_stream(target):
        try:
            # A descriptor of ours (/dev/stdout, /dev/fd/N) is written through, sharing its offset and
            # append mode: reopening it would truncate a file the shell redirected it to.
            fd = _own_descriptor(str(target))
            fd = os.dup(fd) if fd is not None else os.open(target, os.O_WRONLY)
            with open(fd, "wb") as out:
                write_stream(out, payload, name=str(target))
        except OutputError:
            raise
        except OSError as exc:
            raise _write_error(target, exc, partial=False) from None
        return "stream"
    write_atomic(target, payload)
    return "atomic"


def write_stream(out: BinaryIO, payload: bytes, *, name: str) -> None:
    """Write and flush ``payload`` to an open stream; a full disk, a closed pipe or an I/O error is an :class:`OutputError`."""
    try:
        out.write(payload)
        out.flush()
    except BrokenPipeError:
        _silence(out)
        raise OutputError(f"{name} was closed before the output was written (broken pipe)") from None
    except OSError as exc:
        _silence(out)
        raise _write_error(Path(name), exc, partial=True) from None


def write_atomic(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write ``data`` to the regular file ``path`` so that a reader (or a crash) never sees half of it.

    A symlink is followed and its target replaced.  Refuses devices and FIFOs: those are
    :func:`write_output`'s streams, and renaming over one would replace the device itself.
    """
    given = Path(path)
    target = Path(os.path.realpath(given))
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"cannot write {given} ({exc.strerror}): choose another --output") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(f"{given} is a directory: give a file name for --output")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise OutputError(f"{given} is not a regular file: it can only be written as a stream")
    parent = target.parent
    if not parent.is_dir():
        raise OutputError(f"cannot write {given}: folder {parent} does not exist; create it first")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    remove_stale_temporaries(target)
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise OutputError(f"cannot write in {parent} ({exc.strerror}): choose another --output") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
            _copy_mode(out.fileno(), info)
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise _write_error(given, exc, partial=False) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def remove_stale_temporaries(target: Path) -> int:
    """Remove ``.NAME.PID.*.tmp`` files next to ``target`` left by processes that are gone; returns how many."""
    removed = 0
    prefix = f".{target.name}."
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return 0
    for entry in entries:
        if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
            continue
        pid_text = entry.name[len(prefix) :].split(".", 1)[0]
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        old = time.time() - info.st_mtime > _STALE_AFTER_SECONDS
        if old or (pid_text.isdigit() and not _alive(int(pid_text))):
            try:
                os.unlink(entry.path)
                removed += 1
            except OSError:
                pass
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _copy_mode(fd: int, info: os.stat_result | None) -> None:
    """An existing file keeps its mode (and owner where we may); a new one follows the umask."""
    if info is not None:
        mode = stat.S_IMODE(info.st_mode)
        if hasattr(os, "fchown"):
            try:
                os.fchown(fd, info.st_uid, info.st_gid)
            except OSError:  # not root: the file becomes ours, as with any editor
                pass
    else:
        mode = 0o666 & ~_umask()
    os.fchmod(fd, mode)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _is_stream(path: Path) -> bool:
    """Whether ``path`` must be written in place: a device, FIFO or socket, or a ``/proc/*/fd`` link (/dev/stdout)."""
    text = str(path)
    if text in ("/dev/stdout", "/dev/stderr") or text.startswith(("/dev/fd/", "/proc/self/fd/")):
        return True
    if os.path.realpath(path).startswith("/proc/"):
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _own_descriptor(text: str) -> int | None:
    named = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}
    if text in named:
        return named[text]
    for prefix in ("/dev/fd/", "/proc/self/fd/", f"/proc/{os.getpid()}/fd/"):
        if text.startswith(prefix) and text[len(prefix) :].isdigit():
            return int(text[len(prefix) :])
    return None


def _same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _write_error(path: Path, exc: OSError, *, partial: bool) -> OutputError:
    what = "part of the output may have been written" if partial else "nothing was written"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFullError(f"no space left on the device while writing {path} ({exc.strerror}): {what}; free some space or choose another --output")
    return OutputError(f"cannot write {path} ({exc.strerror or exc}): {what}; choose another --output")


def _silence(out: BinaryIO) -> None:
    """After a failed write to standard output, point it at /dev/null so that the interpreter's final flush stays quiet."""
    try:
        if out in (sys.stdout.buffer, getattr(sys.__stdout__, "buffer", None)):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, out.fileno())
            os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
