"""What a bulk run reads: discovery, reading and unique ids.

Every file is read by its kind in :data:`summarise.inputs._kinds.INPUT_KINDS`, the
one table of input kinds.  ``summarise run``, ``summarise bulk`` and the Ray
executor all read through it.
"""

from __future__ import annotations

import errno
import hashlib
import importlib
import itertools
import logging
import os
import stat
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import FetchError, InputError
from ..inputs import (
    GLOB_MAGIC as _GLOB_MAGIC,
    INPUT_KINDS,
    MAX_INPUT_BYTES,
    ONE_ARTICLE_FORMATS,
    HostPacer,
    RawArticle,
    ReadContext,
    TableDamaged,
    article_format,
    check_columns,
    check_first_record,
    count_lines,
    expand,
    fetch,
    from_mapping,
    is_compressed,
    is_url,
    iter_compressed_file,
    iter_jsonl_stream,
    kind_of,
    read_error_message,
    read_limited,
    require_archives,
    row_count,
    split_compression,
)
from ._resume import unique_ids

logger = logging.getLogger("summarise")


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
    charset: str | None = None  # what the container declared (an HTTP Content-Type), tried before guessing
    metadata: dict[str, Any] = field(default_factory=dict)  # e.g. requested_url/final_url, a crawl's url and date
    skip: str | None = None  # why this entry of an input folder was not read (a link leaving it, a loop): no record


@dataclass(frozen=True)
class Unread:
    """An entry of an input folder or glob that is deliberately not read, and why."""

    path: Path
    reason: str


InputSpec = str | os.PathLike | Mapping[str, Any]


def iter_articles(
    inputs: InputSpec | Iterable[InputSpec],
    *,
    text_field: str = "text",
    id_field: str = "id",
    exclude: Iterable[str | os.PathLike] = (),
    skipped: Counter | None = None,
) -> Iterator[SourceArticle]:
    """The articles of ``inputs``, lazily, in order, each with a unique id.

    An input is a folder (read recursively: every kind of :data:`INPUT_KINDS`
    that holds one article; hidden files skipped), a file of any kind in
    :data:`INPUT_KINDS`, a glob, ``"-"`` (JSONL on stdin), or a mapping (one
    article, like a JSONL line), or an http(s) URL (fetched, politely: see
    :mod:`summarise.inputs._fetching`).  Ids: a file's path relative to its folder or
    glob root (as given, for a file named directly); a JSONL line's or a table
    row's ``id_field``, else its line or row number (``FILE:LINE`` when there
    are several inputs); a WARC page's URL; an archive member's path; a URL as
    given.  Records and members that are not articles are counted in
    ``skipped`` by reason.  A repeated id is kept, as ``id#2`` (``#3``…), flagged
    ``duplicate_id``.  Paths under ``exclude`` (the run's own output) are never
    read.

    Named paths are checked now: a missing path, or a folder or glob with no
    article in it, raises :class:`InputError` before anything is read; so do
    a table without the ``text_field`` column and a kind whose library is not
    installed (:class:`~summarise.errors.DependencyError`).
    """

    if isinstance(inputs, (str, os.PathLike, Mapping)):
        inputs = [inputs]
    several = True
    excluded = [Path(os.path.realpath(p)) for p in exclude]
    if isinstance(inputs, (list, tuple)):
        for spec in inputs:
            if not isinstance(spec, Mapping):
                _check_input(spec, text_field, id_field, excluded)
        several = len(inputs) > 1
    ctx = ReadContext(ONE_ARTICLE_FORMATS, text_field, id_field, several, MAX_INPUT_BYTES, skipped if skipped is not None else Counter())
    return unique_ids(_read_all(inputs, ctx, excluded))


def count_articles(inputs: Iterable[InputSpec], *, exclude: Iterable[str | os.PathLike] = ()) -> int | None:
    """How many articles ``inputs`` hold, for a progress bar's ETA; None when unknowable.

    Unknowable without reading them whole: stdin, mappings, compressed files,
    CSV (quoted cells hold newlines), crawls and bundles.  Parquet says its row
    count in its footer.
    """
    excluded = [Path(os.path.realpath(p)) for p in exclude]
    total = 0
    for spec in [inputs] if isinstance(inputs, (str, os.PathLike)) else inputs:
        if isinstance(spec, Mapping) or str(spec) == "-":
            return None
        if is_url(os.fspath(spec)):
            total += 1
            continue
        for path, _root in _paths(str(spec), excluded):
            if isinstance(path, Unread):
                continue
            kind = kind_of(path)
            if kind is None or not kind.many:
                total += 1
            elif kind.name == "jsonl" and not is_compressed(path):
                total += count_lines(path)
            elif kind.name == "parquet":
                try:
                    total += row_count(path)
                except TableDamaged:  # read as one error record
                    total += 1
            else:
                return None
    return total


def _check_input(spec: str | os.PathLike, text_field: str = "text", id_field: str = "id", excluded: list[Path] = ()) -> None:
    text = os.fspath(spec)
    if text == "-" or is_url(text):
        return
    path = Path(text)
    if path.exists() and _is_excluded(path, excluded):
        raise InputError(
            f"{text} is the run's output (--out), or inside it: its files would be taken for output and skipped, "
            "so the run would do nothing; give --out a place outside the input"
        )
    if path.is_dir():
        if next((found for found in _walk(path, [], Path(os.path.realpath(path))) if not isinstance(found, Unread)), None) is None:
            raise InputError(f"{text} holds no {_names(False)} file: check the folder, or pass {_names(True)} files")
    elif path.is_file():
        if kind_of(path) is None:
            raise InputError(f"{text}: unknown kind of input: pass a folder, {_names()} files, a glob, a URL, or -")
        _check_file(path, text_field, id_field)
    elif _GLOB_MAGIC.search(text):
        matches = _glob_matches(text, [])
        first = next(matches, None)
        if first is None:
            raise InputError(f"no article matches the pattern {text}: check it (quote it so the shell does not expand it)")
        for found, _root in itertools.chain([first], matches):
            if not isinstance(found, Unread):
                _check_file(found, text_field, id_field)
    else:
        raise InputError(f"{text} does not exist: give folders, article files, {_names(True)} files, globs, URLs, or - for stdin")


def _check_file(path: Path, text_field: str, id_field: str) -> None:
    """What can be known of a file before any work: its library is installed, its table has the columns."""

    kind = kind_of(path)
    if kind is None:
        return
    if kind.needs is not None:
        require_archives(kind.needs[0], f"{path} ({kind.description})")
    if split_compression(path.name)[1] == ".zst":
        require_archives("zstandard", f"{path} (zstd-compressed)")
    if kind.name in ("csv", "parquet"):

        try:
            check_columns(path, text_field, id_field)
        except TableDamaged:
            pass  # not the user's column names: the reader makes it the input's one error record, and the run goes on
    elif kind.name == "jsonl":
        check_first_record(path, text_field, MAX_INPUT_BYTES)


def _read_all(inputs: Iterable[InputSpec], ctx: ReadContext, excluded: list[Path]) -> Iterator[SourceArticle]:
    """Every article of every input, ids not yet made unique and not yet numbered."""
    mapped = 0
    pacer = None
    for spec in inputs:
        if isinstance(spec, Mapping):
            mapped += 1
            yield _from_raw(from_mapping(spec, str(mapped), f"input:{mapped}", ctx.text_field, ctx.id_field))
            continue
        text = os.fspath(spec)
        if text == "-":
            yield from map(_from_raw, iter_jsonl_stream(sys.stdin.buffer, "stdin", ctx))
            continue
        if is_url(text):
            pacer = pacer or HostPacer()
            yield _from_url(text, pacer)
            continue
        for path, root in _paths(text, excluded):
            if isinstance(path, Unread):
                yield _unread(path, root)
                continue
            kind = kind_of(path)
            if kind is not None and kind.many:
                module, _, function = (kind.reader or "").partition(":")
                reader = getattr(importlib.import_module(module), function)
                yield from map(_from_raw, reader(path, ctx))
            elif is_compressed(path):
                yield from (_from_raw(item) for item in iter_compressed_file(path, ctx, _file_id(path, root)))
            else:
                yield _from_file(path, root)


def _from_raw(raw: RawArticle) -> SourceArticle:
    """An archive reader's item as an article: its text hash is that of its bytes (or UTF-8 text)."""
    content = raw.content
    sha = raw.sha256
    if content is not None:
        data = content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")
        sha = hashlib.sha256(data).hexdigest()
    return SourceArticle(raw.id, -1, raw.origin, content, raw.format, sha, raw.error, list(raw.flags), raw.charset, dict(raw.metadata))


def _from_url(url: str, pacer: HostPacer) -> SourceArticle:
    """A fetched page; a failed fetch is an article with ``error`` set, and the run goes on."""

    pacer.wait(url)
    try:
        page = fetch(url)
    except FetchError as exc:
        return _article(url, url, error=str(exc))
    article = _article(url, url, page.content, page.format, hashlib.sha256(page.content).hexdigest())
    article.charset = page.charset
    article.metadata = {"requested_url": page.url, "final_url": page.final_url}
    return article


def _paths(spec: str, excluded: list[Path]) -> Iterator[tuple[Path | Unread, Path | None]]:
    """(file, root its id is relative to) for one named input; root None: the id is the path as given."""
    path = Path(spec)
    if path.is_dir():
        yield from ((found, path) for found in _walk(path, excluded, Path(os.path.realpath(path))))
    elif path.exists() or not _GLOB_MAGIC.search(spec):
        yield path, None
    else:
        yield from _glob_matches(spec, excluded)


def _walk(folder: Path, excluded: list[Path], top: Path) -> Iterator[Path | Unread]:
    """One-article files under ``folder``, depth first, names sorted; hidden entries skipped.

    Symlinks are followed only to regular files inside ``top`` (the input folder, resolved); a link
    that leaves it, a loop, a broken link, a symlinked folder and a non-regular file (a FIFO would
    block the run) come out as :class:`Unread`, so the run says what it did not read.
    """
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        logger.warning("cannot list %s (%s): skipped", folder, exc.strerror or exc)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            one_article = (kind := kind_of(path)) is not None and not kind.many  # a.html, a.html.gz
            if entry.is_symlink():
                if _worth_reporting(link := _check_link(path, top), one_article):
                    yield link
            elif excluded and _is_excluded(path, excluded):
                continue
            elif entry.is_dir(follow_symlinks=False):
                yield from _walk(path, excluded, top)
            elif one_article:
                yield path if entry.is_file(follow_symlinks=False) else Unread(path, "not a regular file")
        except OSError as exc:
            yield Unread(path, f"cannot be inspected ({exc.strerror or exc})")


def _worth_reporting(link: Path | Unread, article_suffix: bool) -> bool:
    """A link to an article file, or one that would have led to articles (a folder, a loop); not a stray link to a .jpg."""
    if article_suffix:
        return True
    return isinstance(link, Unread) and link.reason.startswith(("symlink loop", "symlinked folder", "symlink to a folder outside"))


def _check_link(path: Path, top: Path) -> Path | Unread:
    """A symlink in an input folder: itself if it leads to a regular file inside ``top``, else why it is not read."""
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Unread(path, "symlink loop")
        return Unread(path, f"broken symlink ({exc.strerror or exc})")
    target = Path(os.path.realpath(path))
    if target != top and top not in target.parents:
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "a place"
        return Unread(path, f"symlink to {what} outside the input folder")
    if stat.S_ISDIR(info.st_mode):
        return Unread(path, "symlinked folder (not followed: its files are read where they are)")
    if not stat.S_ISREG(info.st_mode):
        return Unread(path, "symlink to something that is not a regular file")
    return path  # read through the link, checked again when read (_from_file)


def _glob_matches(pattern: str, excluded: list[Path]) -> Iterator[tuple[Path | Unread, Path]]:
    """Files a glob matches (``**`` recursive), sorted; folders it matches are walked; symlinks as in :func:`_walk`.

    The root is the pattern's part before its first wildcard.  A symlinked folder is never
    entered (:func:`~summarise.inputs._globbing.expand`): it is reported as the folder form reports it, so that
    ``in/**/*.txt`` reads nothing through ``in/linkdir -> /elsewhere``.
    """
    parts = Path(pattern).parts
    fixed = [part for part in _takewhile_plain(parts)]
    root = Path(*fixed) if fixed else Path(".")
    top = Path(os.path.realpath(root))
    seen: set[Path] = set()  # "in/**" matches a folder and the files in it: each is read once
    for match in sorted(set(expand(root, parts[len(fixed):])), key=os.fspath):
        for found in _glob_match(match, excluded, top):
            path = found.path if isinstance(found, Unread) else found
            if path not in seen:
                seen.add(path)
                yield found, root


def _glob_match(path: Path, excluded: list[Path], top: Path) -> Iterator[Path | Unread]:
    """What one glob match gives: a file, the files of a folder, or why a link or special file is not read."""
    try:
        if path.is_symlink():
            if _worth_reporting(link := _check_link(path, top), kind_of(path) is not None):
                yield link
            return
        if excluded and _is_excluded(path, excluded):
            return
        if path.is_dir():
            yield from _walk(path, excluded, top)
        elif kind_of(path) is not None:
            yield path if path.is_file() else Unread(path, "not a regular file")
    except OSError as exc:
        yield Unread(path, f"cannot be inspected ({exc.strerror or exc})")


def _takewhile_plain(parts: tuple[str, ...]) -> Iterator[str]:
    for part in parts[:-1]:
        if _GLOB_MAGIC.search(part):
            return
        yield part


def _is_excluded(path: Path, excluded: list[Path]) -> bool:
    resolved = Path(os.path.realpath(path))  # never raises: Path.resolve() raises RuntimeError on a symlink loop
    return any(resolved == item or item in resolved.parents for item in excluded)


def _unread(unread: Unread, root: Path | None) -> SourceArticle:
    try:
        name = unread.path.relative_to(root).as_posix() if root is not None else unread.path.as_posix()
    except ValueError:
        name = unread.path.as_posix()
    return SourceArticle(name, -1, str(unread.path), None, skip=unread.reason)


def _article(article_id: str, origin: str, content: str | bytes | None = None, fmt: str = "auto", sha: str | None = None,
             error: str | None = None) -> SourceArticle:
    """An article as a reader found it; :func:`~summarise.bulk._resume.unique_ids` numbers it and makes its id unique."""
    return SourceArticle(article_id, -1, origin, content, fmt, sha, error)


def _file_id(path: Path, root: Path | None) -> str:
    return (path.relative_to(root) if root is not None else Path(os.path.normpath(path))).as_posix()


def _from_file(path: Path, root: Path | None) -> SourceArticle:

    article_id = _file_id(path, root)
    fmt = article_format(path)
    real = path
    if root is not None and path.is_symlink():  # checked when found; checked again now, the link may have moved
        real = Path(os.path.realpath(path))
        if Path(os.path.realpath(root)) not in real.parents:
            return SourceArticle(article_id, -1, str(path), None, skip="symlink to a place outside the input folder")
    try:
        # O_NOFOLLOW: the target checked above is what is read, not a link swapped in since.
        nofollow = getattr(os, "O_NOFOLLOW", 0) if root is not None else 0  # a file named directly may be a link
        handle = os.open(real, os.O_RDONLY | nofollow | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(handle, "rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode):
                return SourceArticle(article_id, -1, str(path), None, skip="not a regular file")
            if info.st_size > MAX_INPUT_BYTES:
                return _article(article_id, str(path), fmt=fmt, error=f"{article_id} is {info.st_size} bytes, over the {MAX_INPUT_BYTES} byte input limit: split it")
            data = read_limited(stream, name=article_id, max_bytes=MAX_INPUT_BYTES)
    except InputError as exc:
        return _article(article_id, str(path), fmt=fmt, error=str(exc))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return SourceArticle(article_id, -1, str(path), None, skip="symlink loop")
        return _article(article_id, str(path), fmt=fmt, error=read_error_message(article_id, exc))
    return _article(article_id, str(path), data, fmt, hashlib.sha256(data).hexdigest())


