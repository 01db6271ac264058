"""Glob patterns matched without following symlinked folders.

``glob.glob(pattern, recursive=True)`` enters a symlinked folder like any other: ``in/**/*.txt``
read ``in/linkdir/`` although the link leads out of ``in``, and a link back to a folder above it
makes the walk go round until paths grow too long.  :func:`expand` finds what glob finds, but a
symlinked folder is not entered: it comes out itself, for the caller to say why it is not read.

Pure standard library, no I/O beyond listing folders.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterator
from pathlib import Path

__all__ = ["GLOB_MAGIC", "expand"]

GLOB_MAGIC = re.compile(r"[*?\[]")


def expand(folder: Path, parts: tuple[str, ...]) -> Iterator[Path]:
    """Paths under ``folder`` that match the pattern ``parts``, as glob finds them with ``recursive=True``.

    ``*`` and ``**`` pass over hidden names, as in glob; ``**`` matches no folder or any depth of them.
    A symlinked folder is yielded, never entered.  A path may come out twice (``**/**``): callers dedupe.
    """
    if not parts:
        yield folder
        return
    head, rest = parts[0], parts[1:]
    if head == "**":
        yield from expand(folder, rest)  # no folder at all
        for entry in _entries(folder):
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                yield from expand(path, parts)
            elif not rest or entry.is_symlink() and entry.is_dir():
                yield path
        return
    if not GLOB_MAGIC.search(head):
        candidates = [Path(folder, head)] if os.path.lexists(Path(folder, head)) else []
    else:
        candidates = [Path(entry.path) for entry in _entries(folder)
                      if fnmatch.fnmatchcase(entry.name, head) and (head.startswith(".") or not entry.name.startswith("."))]
    for path in candidates:
        if not rest:
            yield path
        elif path.is_symlink():
            if path.is_dir():
                yield path
        elif path.is_dir():
            yield from expand(path, rest)


def _entries(folder: Path) -> list[os.DirEntry]:
    try:
        return sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return []
