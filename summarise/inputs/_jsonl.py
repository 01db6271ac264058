"""JSON Lines: one article per line, read as a stream (compressed or not), each line within the input cap.

The reader of the ``jsonl`` input kind, and of ``-`` (standard input) and mappings given to the
library.  Like every reader of a many-article input it yields :class:`RawArticle` items: a line
that cannot be read is an item with ``error`` set, and the lines after it are read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from ._archives import RawArticle, ReadContext, damage_record, open_stream
from ._streams import LongLine, capped_lines, damage_of

__all__ = ["check_first_record", "iter_jsonl", "iter_jsonl_stream", "from_mapping"]


def iter_jsonl(path: Path, ctx: ReadContext) -> Iterator[RawArticle]:
    """A JSONL file's lines, decompressed as a stream when its name says .gz/.bz2/.xz/.zst.

    A damaged stream keeps the lines before the damage and ends in one error record that says why.
    """
    name = path.as_posix()
    try:
        stream = open_stream(path)
    except OSError as exc:
        yield RawArticle(name, name, None, error=f"{name} cannot be read ({exc.strerror or exc}): check its permissions")
        return
    with stream:
        yield from iter_jsonl_stream(stream, name, ctx)
        damage = damage_of(stream)
    if damage is not None:
        yield damage_record(name, damage, "the lines before it were read")


def iter_jsonl_stream(stream: IO[bytes], name: str, ctx: ReadContext) -> Iterator[RawArticle]:
    """Articles of JSON lines, each line read within ``ctx.max_bytes``: a longer one is an error record, and the lines after it are read."""
    for number, raw in enumerate(capped_lines(stream, ctx.max_bytes), 1):
        fallback = f"{name}:{number}" if ctx.several else str(number)
        origin = f"{name}:{number}"
        if isinstance(raw, LongLine):
            yield RawArticle(fallback, origin, None, error=f"line {number} of {name} is {_mib(raw.size)}, over the {_mib(ctx.max_bytes)} "
                                                           f"input limit ({raw.size} bytes; the line was not read): split it into smaller articles")
            continue
        if not raw.strip():
            continue
        line_sha = hashlib.sha256(raw.rstrip(b"\r\n")).hexdigest()  # stands for a line that is not an article, so a rerun knows it
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield RawArticle(fallback, origin, None, error=f"line {number} of {name} is not UTF-8: save the archive as UTF-8", sha256=line_sha)
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RawArticle(fallback, origin, None, sha256=line_sha,
                             error=f"line {number} of {name} is not valid JSON ({exc.msg} at column {exc.colno}): fix or remove it")
            continue
        except RecursionError:  # "[[[[…": json reads (and an id is written back) by recursion
            yield RawArticle(fallback, origin, None, sha256=line_sha, error=f"line {number} of {name} is JSON nested too deeply to read: fix or remove it")
            continue
        try:
            yield from_mapping(data, fallback, origin, ctx.text_field, ctx.id_field)
        except RecursionError:
            yield RawArticle(fallback, origin, None, sha256=line_sha, error=f"line {number} of {name} is JSON nested too deeply to read: fix or remove it")


def from_mapping(data: Any, fallback: str, origin: str, text_field: str, id_field: str) -> RawArticle:
    """One JSON object (or a mapping given to the library) as an article: its text under ``text_field``, its id under ``id_field``."""
    if not isinstance(data, Mapping):
        return RawArticle(fallback, origin, None, error=f"{origin} is a JSON {type(data).__name__}, not an object with a {text_field!r} field")
    raw_id = data.get(id_field)
    if raw_id is None or raw_id == "" or isinstance(raw_id, bool):
        article_id = fallback
    elif isinstance(raw_id, (str, int, float)):
        article_id = str(raw_id)
    else:
        article_id = json.dumps(raw_id, sort_keys=True, ensure_ascii=False)
    text = data.get(text_field)
    if text is None:
        return RawArticle(article_id, origin, None, error=f"{origin} has no {text_field!r} field: pass --text-field to name the field that holds the article")
    if not isinstance(text, str):
        return RawArticle(article_id, origin, None, error=f"{origin}: field {text_field!r} is a {type(text).__name__}, not a string")
    return RawArticle(article_id, origin, text)


def check_first_record(path: Path, text_field: str, max_bytes: int) -> None:
    """A JSONL file whose first record lacks the text field is one error before any work, as a CSV without the column.

    Otherwise every record would fail alike, one ``failed`` record each.  Only the first object is read;
    a damaged first line is left to the reader, which makes it that line's error record.
    """
    with open_stream(path) as stream:
        for line in capped_lines(stream, max_bytes):
            if isinstance(line, LongLine):
                return
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError:
                return
            if isinstance(data, dict) and text_field not in data:
                fields = ", ".join(map(repr, data)) or "(none)"
                raise InputError(f"{path}: its first record has no {text_field!r} field: pass --text-field with one of its fields: {fields}")
            return


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"
