"""Streams that bulk inputs are read through: damage kept, lines capped.

Two hazards of archives read as streams, met here once for every reader:

- A damaged compressed stream (a corrupt block, a bad CRC, a file cut short) raises deep inside
  a buffered read, and the bytes decoded before the damage, already in a buffer, are lost with
  the exception: a truncated ``.tar.gz`` kept none of its whole members.  :class:`GuardedRaw`
  ends the data at the damage instead and keeps the error, so a reader takes every whole
  article before it and then reports the damage (:func:`damage_of`) as one error record.
- A line has no length of its own: ``for line in stream`` reads a 300 MiB line whole, and
  decompression makes that a few kilobytes of input.  :func:`capped_lines` reads each line up to
  a cap, and only counts (never keeps) the rest of a longer one.

Pure standard library: nothing heavy is imported.
"""

from __future__ import annotations

import io
import lzma
import os
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

__all__ = ["GuardedRaw", "LongLine", "capped_lines", "count_lines", "damage_of", "decompression_errors", "drain", "guard", "skip_rest_of_line"]

GUARD_CHUNK = 1 << 14  # bytes decoded per read: what a damaged stream can lose before its damage
LINE_CHUNK = 1 << 16  # bytes per read while skipping the rest of an over-long line


def decompression_errors() -> tuple[type[BaseException], ...]:
    """What a damaged stream raises: zlib, LZMA and bz2 errors, a cut-short stream (EOFError), Zstd when loaded.

    ``OSError`` covers gzip's CRC and length checks (``BadGzipFile``) and a disk that fails.
    """
    errors: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error, lzma.LZMAError)
    zstandard = sys.modules.get("zstandard")
    if zstandard is not None:
        errors += (zstandard.ZstdError,)
    return errors


class GuardedRaw(io.RawIOBase):
    """A stream whose damage ends its data instead of raising: the error waits in :attr:`damage`.

    Reads go through ``read1`` in small pieces, so what was decoded before the damage reaches the
    reader; gzip's CRC and length are checked by the decompressor when its end is read.
    """

    def __init__(self, inner: IO[bytes]) -> None:
        super().__init__()
        self.inner = inner
        self.damage: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self.damage is not None:
            return 0
        try:
            read = getattr(self.inner, "read1", self.inner.read)
            data = read(min(len(buffer), GUARD_CHUNK))
        except decompression_errors() as exc:
            self.damage = exc
            return 0
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            super().close()


def guard(inner: IO[bytes]) -> io.BufferedReader:
    """``inner`` read through a :class:`GuardedRaw`, buffered: what :func:`damage_of` reads."""
    return io.BufferedReader(GuardedRaw(inner), GUARD_CHUNK)


def damage_of(stream: IO[bytes]) -> BaseException | None:
    """The error that ended a guarded stream's data early, or None: its data, so far, is all there."""
    raw = getattr(stream, "raw", None)
    return raw.damage if isinstance(raw, GuardedRaw) else None


def drain(stream: IO[bytes]) -> bool:
    """Read ``stream`` to its end, keeping nothing, so that a decompressor checks its end (gzip CRC and length).

    Returns whether everything read was zero bytes (a tar's end-of-archive padding is).
    """
    zeros = True
    while chunk := stream.read(LINE_CHUNK):
        zeros = zeros and not chunk.strip(b"\0")
    return zeros


@dataclass(frozen=True)
class LongLine:
    """A line longer than the cap: only its length was counted, and it ended (or the input did)."""

    size: int


def capped_lines(stream: IO[bytes], max_bytes: int) -> Iterator[bytes | LongLine]:
    """The lines of a binary stream, each with its line break, as ``for line in stream`` gives them.

    A line over ``max_bytes`` comes out as a :class:`LongLine` and the lines after it go on:
    memory stays within ``max_bytes`` plus a chunk, however long a line is.
    """
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        if len(line) <= max_bytes or line.endswith(b"\n"):  # the break is not counted
            yield line
            continue
        yield LongLine(len(line) + skip_rest_of_line(stream, b"\n"))


def skip_rest_of_line(stream: IO, newline: str | bytes) -> int:
    """Read up to and including the next ``newline`` (or the end), keeping nothing; how much was read."""
    skipped = 0
    while True:
        piece = stream.readline(LINE_CHUNK)
        skipped += len(piece)
        if not piece or piece.endswith(newline):
            return skipped


def count_lines(path: str | os.PathLike) -> int:
    """Lines in a file, read in blocks (a last line without a break counts); 1 when it cannot be read."""
    count, last = 0, b"\n"
    try:
        with open(path, "rb") as stream:
            while block := stream.read(1 << 20):
                count += block.count(b"\n")
                last = block[-1:]
    except OSError:
        return 1
    return count + (last != b"\n")
