"""Reading the small text files a user names as settings (glossaries, model registries), bounded.

Such a path may name anything: ``/dev/zero`` would grow memory without end,
a FIFO would block the caller forever, a folder is a mistake.  Only a regular
file is opened, and no more than its cap is read.  This module is a leaf: it
returns bytes or raises ``OSError``/:class:`TooLarge`, and each caller words
the error in its own family.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_SETTINGS_FILE_BYTES = 4 * 1024 * 1024  # a glossary or models.toml larger than this is refused


class NotRegular(OSError):
    """The path exists but is no regular file (a device, a FIFO, a socket, a folder)."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(f"{path} is {kind}, not a regular file")
        self.kind = kind


class TooLarge(OSError):
    def __init__(self, path: Path, limit: int) -> None:
        super().__init__(f"{path} is larger than {limit} bytes")
        self.limit = limit


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"))


def read_settings_file(path: str | os.PathLike, limit: int = MAX_SETTINGS_FILE_BYTES) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them (more raises :class:`TooLarge`).

    The file is opened non-blocking and checked with ``fstat`` on the open
    descriptor, so a FIFO never blocks and a file swapped after a check is
    still the one checked.  ``FileNotFoundError`` and other ``OSError`` pass up.
    """
    path = Path(path)
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _KINDS if test(mode)), "not a file")
            raise NotRegular(path, kind)
        chunks, size = [], 0
        while True:
            chunk = os.read(descriptor, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise TooLarge(path, limit)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


__all__ = ["MAX_SETTINGS_FILE_BYTES", "NotRegular", "TooLarge", "read_settings_file"]
