"""What a bulk run reads: the table of input kinds, discovery, reading and unique ids.

:data:`INPUT_KINDS` is the one table of input kinds: each file suffix, the
kind it is (one article, or many), and the reader format.  ``summarise run``,
``summarise bulk`` and the Ray executor all read through it, so adding an input
kind is one row here plus, for a container kind, one reader function.
"""

from __future__ import annotations

import glob
import hashlib
import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from .resume import id_key

logger = logging.getLogger("summarise")


@dataclass(frozen=True)
class InputKind:
    """One kind of input file: its suffixes, and how its articles are read."""

    name: str
    suffixes: tuple[str, ...]
    format: str | None  # the reader format of a one-article file; None for files holding many articles
    description: str

    @property
    def many(self) -> bool:
        return self.format is None


# The one table of input kinds.  Order: how error messages list them.
INPUT_KINDS: tuple[InputKind, ...] = (
    InputKind("text", (".txt", ".text"), "text", "plain text, one article"),
    InputKind("markdown", (".md", ".markdown"), "markdown", "Markdown, one article"),
    InputKind("html", (".html", ".htm", ".xhtml"), "html", "HTML, one article"),
    InputKind("jsonl", (".jsonl", ".ndjson"), None, "JSON Lines, one article per line"),
)
KINDS_BY_SUFFIX: dict[str, InputKind] = {suffix: kind for kind in INPUT_KINDS for suffix in kind.suffixes}
# Derived views, for readers of the old names.
ARTICLE_SUFFIXES: dict[str, str] = {s: k.format for s, k in KINDS_BY_SUFFIX.items() if k.format is not None}
JSONL_SUFFIXES: tuple[str, ...] = tuple(s for s, k in KINDS_BY_SUFFIX.items() if k.name == "jsonl")

_GLOB_MAGIC = re.compile(r"[*?\[]")


def kind_of(path: str | os.PathLike) -> InputKind | None:
    """The input kind of a file, by its suffix; None for a file no reader takes."""
    return KINDS_BY_SUFFIX.get(Path(path).suffix.lower())


def article_format(path: str | os.PathLike) -> str:
    """The reader format of a one-article file (``"auto"`` when its suffix does not say)."""
    kind = kind_of(path)
    return kind.format if kind is not None and kind.format is not None else "auto"


def _names(many: bool | None = None) -> str:
    """``.txt, .md or .html``: the kinds holding one article (many: those holding many; None: all), for messages."""
    names = [kind.suffixes[0] for kind in INPUT_KINDS if many is None or kind.many == many]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


@dataclass
class SourceArticle:
    """One article as read from the archive, before any model sees it."""

    id: str
    index: int
    origin: str  # where it came from: "folder/a.txt", "archive.jsonl:12", "stdin:3"
    content: str | bytes | None  # bytes from a file, str from JSONL; None when unreadable
    format: str = "auto"
    text_sha256: str | None = None
    error: str | None = None
    flags: list[str] = field(default_factory=list)


InputSpec = str | os.PathLike | Mapping[str, Any]


def iter_articles(
    inputs: InputSpec | Iterable[InputSpec],
    *,
    text_field: str = "text",
    id_field: str = "id",
    exclude: Iterable[str | os.PathLike] = (),
) -> Iterator[SourceArticle]:
    """The articles of ``inputs``, lazily, in order, each with a unique id.

    An input is a folder (read recursively: every kind of :data:`INPUT_KINDS`
    that holds one article; hidden files skipped), a file of any kind in
    :data:`INPUT_KINDS`, a glob, ``"-"`` (JSONL on stdin), or a mapping (one
    article, like a JSONL line).  Ids: a file's path relative to its folder or
    glob root (as given, for a file named directly); a JSONL line's
    ``id_field``, else its line number (``FILE:LINE`` when there are several
    inputs).  A repeated id is kept, as ``id#2`` (``#3``…), flagged
    ``duplicate_id``.  Paths under ``exclude`` (the run's own output) are never
    read.

    Named paths are checked now: a missing path, or a folder or glob with no
    article in it, raises :class:`InputError` before anything is read.
    """
    if isinstance(inputs, (str, os.PathLike, Mapping)):
        inputs = [inputs]
    several = True
    if isinstance(inputs, (list, tuple)):
        for spec in inputs:
            if not isinstance(spec, Mapping):
                _check_input(spec)
        several = len(inputs) > 1
    excluded = [Path(p).resolve() for p in exclude]
    return _unique_ids(_read_all(inputs, text_field, id_field, several, excluded))


def count_articles(inputs: Iterable[InputSpec], *, exclude: Iterable[str | os.PathLike] = ()) -> int | None:
    """How many articles ``inputs`` hold, for a progress bar's ETA; None when unknowable (stdin, mappings)."""
    excluded = [Path(p).resolve() for p in exclude]
    total = 0
    for spec in [inputs] if isinstance(inputs, (str, os.PathLike)) else inputs:
        if isinstance(spec, Mapping) or str(spec) == "-":
            return None
        for path, _root in _paths(str(spec), excluded):
            kind = kind_of(path)
            total += _count_lines(path) if kind is not None and kind.many else 1
    return total


def _check_input(spec: str | os.PathLike) -> None:
    text = os.fspath(spec)
    if text == "-":
        return
    path = Path(text)
    if path.is_dir():
        if next(_walk(path, []), None) is None:
            raise InputError(f"{text} holds no {_names(False)} file: check the folder, or pass {_names(True)} files")
    elif path.is_file():
        if kind_of(path) is None:
            raise InputError(f"{text}: unknown kind of input: pass a folder, {_names()} files, a glob, or -")
    elif _GLOB_MAGIC.search(text):
        if next(_glob_matches(text, []), None) is None:
            raise InputError(f"no article matches the pattern {text}: check it (quote it so the shell does not expand it)")
    else:
        raise InputError(f"{text} does not exist: give folders, article files, {_names(True)} files, globs, or - for stdin")


def _read_all(inputs: Iterable[InputSpec], text_field: str, id_field: str, several: bool, excluded: list[Path]) -> Iterator[SourceArticle]:
    """Every article of every input, ids not yet made unique and not yet numbered."""
    mapped = 0
    for spec in inputs:
        if isinstance(spec, Mapping):
            mapped += 1
            yield _from_mapping(spec, str(mapped), f"input:{mapped}", text_field, id_field)
            continue
        text = os.fspath(spec)
        if text == "-":
            yield from _from_jsonl(sys.stdin.buffer, "stdin", several, text_field, id_field)
            continue
        for path, root in _paths(text, excluded):
            kind = kind_of(path)
            if kind is not None and kind.many:
                yield from _jsonl_file(path, several, text_field, id_field)
            else:
                yield _from_file(path, root)


def _paths(spec: str, excluded: list[Path]) -> Iterator[tuple[Path, Path | None]]:
    """(file, root its id is relative to) for one named input; root None: the id is the path as given."""
    path = Path(spec)
    if path.is_dir():
        yield from ((found, path) for found in _walk(path, excluded))
    elif path.exists() or not _GLOB_MAGIC.search(spec):
        yield path, None
    else:
        yield from _glob_matches(spec, excluded)


def _walk(folder: Path, excluded: list[Path]) -> Iterator[Path]:
    """One-article files under ``folder``, depth first, names sorted; hidden entries and symlinked folders skipped."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        logger.warning("cannot list %s (%s): skipped", folder, exc.strerror or exc)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        if excluded and _is_excluded(path, excluded):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(path, excluded)
            elif entry.is_file() and path.suffix.lower() in ARTICLE_SUFFIXES:
                yield path
        except OSError:
            continue


def _glob_matches(pattern: str, excluded: list[Path]) -> Iterator[tuple[Path, Path]]:
    """Files a glob matches (``**`` recursive), sorted; folders it matches are walked."""
    parts = Path(pattern).parts
    fixed = [part for part in _takewhile_plain(parts)]
    root = Path(*fixed) if fixed else Path(".")
    for match in sorted(glob.iglob(pattern, recursive=True)):
        path = Path(match)
        if excluded and _is_excluded(path, excluded):
            continue
        if path.is_dir():
            yield from ((found, root) for found in _walk(path, excluded))
        elif path.is_file() and kind_of(path) is not None:
            yield path, root


def _takewhile_plain(parts: tuple[str, ...]) -> Iterator[str]:
    for part in parts[:-1]:
        if _GLOB_MAGIC.search(part):
            return
        yield part


def _is_excluded(path: Path, excluded: list[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved == item or item in resolved.parents for item in excluded)


def _article(article_id: str, origin: str, content: str | bytes | None = None, fmt: str = "auto", sha: str | None = None,
             error: str | None = None) -> SourceArticle:
    """An article as a reader found it; :func:`_unique_ids` numbers it and makes its id unique."""
    return SourceArticle(article_id, -1, origin, content, fmt, sha, error)


def _from_file(path: Path, root: Path | None) -> SourceArticle:
    from ..reading import MAX_INPUT_BYTES

    article_id = (path.relative_to(root) if root is not None else Path(os.path.normpath(path))).as_posix()
    fmt = article_format(path)
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            return _article(article_id, str(path), fmt=fmt, error=f"{article_id} is {size} bytes, over the {MAX_INPUT_BYTES} byte input limit: split it")
        data = path.read_bytes()
    except OSError as exc:
        return _article(article_id, str(path), fmt=fmt, error=f"{article_id} cannot be read ({exc.strerror or exc}): check its permissions")
    return _article(article_id, str(path), data, fmt, hashlib.sha256(data).hexdigest())


def _jsonl_file(path: Path, several: bool, text_field: str, id_field: str) -> Iterator[SourceArticle]:
    try:
        stream = path.open("rb")
    except OSError as exc:
        name = path.as_posix()
        yield _article(name, name, error=f"{name} cannot be read ({exc.strerror or exc}): check its permissions")
        return
    with stream:
        yield from _from_jsonl(stream, path.as_posix(), several, text_field, id_field)


def _from_jsonl(stream, name: str, several: bool, text_field: str, id_field: str) -> Iterator[SourceArticle]:
    for number, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        fallback = f"{name}:{number}" if several else str(number)
        origin = f"{name}:{number}"
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            sha = hashlib.sha256(raw.rstrip(b"\r\n")).hexdigest()
            yield _article(fallback, origin, sha=sha, error=f"line {number} of {name} is not UTF-8: save the archive as UTF-8")
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            sha = hashlib.sha256(raw.rstrip(b"\r\n")).hexdigest()
            yield _article(fallback, origin, sha=sha, error=f"line {number} of {name} is not valid JSON ({exc.msg} at column {exc.colno}): fix or remove it")
            continue
        yield _from_mapping(data, fallback, origin, text_field, id_field)


def _from_mapping(data: Any, fallback: str, origin: str, text_field: str, id_field: str) -> SourceArticle:
    if not isinstance(data, Mapping):
        return _article(fallback, origin, error=f"{origin} is a JSON {type(data).__name__}, not an object with a {text_field!r} field")
    raw_id = data.get(id_field)
    if raw_id is None or raw_id == "" or isinstance(raw_id, bool):
        article_id = fallback
    elif isinstance(raw_id, (str, int, float)):
        article_id = str(raw_id)
    else:
        article_id = json.dumps(raw_id, sort_keys=True, ensure_ascii=False)
    text = data.get(text_field)
    if text is None:
        return _article(article_id, origin, error=f"{origin} has no {text_field!r} field: pass --text-field to name the field that holds the article")
    if not isinstance(text, str):
        return _article(article_id, origin, error=f"{origin}: field {text_field!r} is a {type(text).__name__}, not a string")
    return _article(article_id, origin, text, "auto", hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest())


def _count_lines(path: Path) -> int:
    count, last = 0, b"\n"
    try:
        with path.open("rb") as stream:
            while block := stream.read(1 << 20):
                count += block.count(b"\n")
                last = block[-1:]
    except OSError:
        return 1
    return count + (last != b"\n")


def _unique_ids(raw: Iterator[SourceArticle]) -> Iterator[SourceArticle]:
    """Number the articles and make their ids unique: a repeat becomes ``id#2``, flagged ``duplicate_id``."""
    seen: set[int] = set()
    next_suffix: dict[int, int] = {}
    for index, article in enumerate(raw):
        article.index = index
        key = id_key(article.id)
        if key in seen:
            number = next_suffix.get(key, 2)
            while id_key(f"{article.id}#{number}") in seen:
                number += 1
            next_suffix[key] = number + 1
            article.id = f"{article.id}#{number}"
            key = id_key(article.id)
            article.flags.append("duplicate_id")
        seen.add(key)
        yield article
