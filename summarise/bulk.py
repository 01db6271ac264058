"""Bulk translation of article archives: streaming, resumable, batched across articles, cached.

:func:`translate_archive` and :func:`summarise_archive` read a folder, a glob or
JSONL lazily, translate a *window* of many articles' sentences at once with
:meth:`Summariser.translate_prepared` (the same core as ``summarise run``, so
the results are the same), and yield one :class:`ArticleRecord` per article,
in input order, as each window finishes.  Memory stays flat: records are not
kept, the translation cache is bounded, and only a small hash per article id is
remembered (for duplicate ids and for resuming).

With ``out``, an :class:`ArchiveWriter` appends each record to a JSONL file as
one whole line, so a crash never leaves a torn record, and a re-run skips the
articles already done.  A bad article becomes a record with ``error`` set; the
run goes on.
"""

from __future__ import annotations

import glob
import hashlib
import json
import logging
import os
import re
import stat
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, OutputError, SummariseError

if TYPE_CHECKING:  # pragma: no cover
    from .caching import TranslationCache
    from .pipeline import Prepared, Summariser, Translation

logger = logging.getLogger("summarise")

# Files a folder or a glob contributes, and the reader's format for each.
ARTICLE_SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
JSONL_SUFFIXES = (".jsonl", ".ndjson")
PER_ARTICLE_FORMATS = ("md", "json", "html")
RECORDS_NAME = "records.jsonl"  # the record file inside a folder OUT
ARTICLES_DIR = "articles"  # per-article files inside a folder OUT
MAX_NAME_BYTES = 150  # per-article file names are cut here, plus a hash suffix
DEFAULT_WINDOW_SENTENCES = 2000
DEFAULT_WINDOW_ARTICLES = 1000
DEFAULT_CACHE_ENTRIES = 100_000
FSYNC_EVERY = 64

_GLOB_MAGIC = re.compile(r"[*?\[]")
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


# --------------------------------------------------------------------------- records


@dataclass
class ArticleRecord:
    """One article's outcome: its translation (and summary), or the error that stopped it.

    ``result`` is the core's :class:`~summarise.pipeline.Translation` (a
    :class:`~summarise.pipeline.Summary` in summary runs); ``to_dict`` is the
    JSONL line, built from ``result.to_dict()`` less the original text.
    """

    id: str
    index: int
    source: str
    text_sha256: str | None
    result: Translation | None = None
    error: str | None = None
    flags: list[str] = field(default_factory=list)  # article-level, e.g. duplicate_id
    with_summary: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def lang(self) -> str | None:
        return self.result.source_lang if self.result is not None else None

    @property
    def pairs(self) -> list:
        return self.result.pairs if self.result is not None else []

    @property
    def summary(self) -> str | None:
        return getattr(self.result, "summary", None)

    @property
    def signature(self) -> str | None:
        return self.result.signature if self.result is not None else None

    @property
    def cached(self) -> bool:
        """Every sentence came from the translation cache."""
        return bool(self.pairs) and all(getattr(pair, "cached", False) for pair in self.pairs)

    @property
    def flagged(self) -> bool:
        """A sentence was flagged by the quality checks: what ``--strict`` counts as a failure."""
        from .quality import is_flagged

        return self.result is not None and is_flagged(self.result)

    @property
    def all_flags(self) -> list[str]:
        """The article's own flags and every flag of its sentences."""
        flags = set(self.flags)
        for pair in self.pairs:
            flags.update(pair.flags)
        return sorted(flags)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "index": self.index,
            "source": self.source,
            "text_sha256": self.text_sha256,
            "lang": self.lang,
            "error": self.error,
            "flags": self.all_flags,
        }
        if self.with_summary:
            data["summary"] = self.summary
        body = self.result.to_dict() if self.result is not None else {"detection": None, "pairs": [], "signature": None}
        for key in ("original", "translation", "source_lang"):  # the input holds the text; pairs hold the English
            body.pop(key, None)
        for key, value in body.items():
            data.setdefault(key, value)
        return data


@dataclass
class BulkStats:
    """Counts of one run, updated as it goes; ``line()`` is the closing summary."""

    ok: int = 0
    failed: int = 0
    skipped: int = 0  # already done in OUT, same text and signature
    cached: int = 0  # ok articles whose every sentence came from the cache
    flagged: int = 0  # ok articles with a sentence flagged by the quality checks (failures with --strict)
    sentences: int = 0  # sentences of the articles finished in this run
    in_flight: int = 0  # sentences translated so far in the current window
    cache_hits: int = 0  # sentences found in the translation cache
    cache_misses: int = 0  # distinct sentences not found there: what the model translated
    total: int | None = None  # articles expected, when the caller counted them
    started: float = field(default_factory=time.perf_counter)
    finished: float | None = None

    @property
    def processed(self) -> int:
        return self.ok + self.failed

    def count(self, record: ArticleRecord) -> None:
        """Add one finished record; both engines count through here."""
        if record.ok:
            self.ok += 1
            self.cached += record.cached
            self.flagged += record.flagged
        else:
            self.failed += 1
        self.sentences += len(record.pairs)

    @property
    def done(self) -> int:
        return self.ok + self.failed + self.skipped

    @property
    def seconds(self) -> float:
        return (self.finished or time.perf_counter()) - self.started

    @property
    def articles_per_second(self) -> float:
        return self.processed / self.seconds if self.seconds > 0 else 0.0

    @property
    def sentences_per_second(self) -> float:
        return (self.sentences + self.in_flight) / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        """``120 ok (3 all from the cache), 2 failed, 40 skipped (already done), 5 flagged …; 900 sentences: ...``.

        Repeats inside one window are translated once without a cache lookup,
        so "translated by the model" can be well below sentences minus cache hits.
        """
        return (
            f"{self.ok} ok ({self.cached} all from the cache), {self.failed} failed, {self.skipped} skipped (already done), "
            f"{self.flagged} flagged by the quality checks; "
            f"{self.sentences} sentences: {self.cache_misses} translated by the model, {self.cache_hits} cache hits; "
            f"{self.seconds:.1f} s; {self.articles_per_second:.2f} articles/s, {self.sentences_per_second:.1f} sentences/s"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "failed": self.failed,
            "skipped": self.skipped,
            "cached": self.cached,
            "flagged": self.flagged,
            "sentences": self.sentences,
            "cache_hits": self.cache_hits,
            "cache_misses": self.cache_misses,
            "seconds": round(self.seconds, 3),
            "articles_per_second": round(self.articles_per_second, 3),
            "sentences_per_second": round(self.sentences_per_second, 3),
        }


# --------------------------------------------------------------------------- reading


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

    An input is a folder (read recursively: .txt, .md, .html; hidden files
    skipped), a file (.txt/.md/.html is one article, .jsonl/.ndjson one per
    line), a glob, ``"-"`` (JSONL on stdin), or a mapping (one article, like a
    JSONL line).  Ids: a file's path relative to its folder or glob root (as
    given, for a file named directly); a JSONL line's ``id_field``, else its
    line number (``FILE:LINE`` when there are several inputs).  A repeated id
    is kept, as ``id#2`` (``#3``…), flagged ``duplicate_id``.  Paths under
    ``exclude`` (the run's own output) are never read.

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
            if path.suffix.lower() in JSONL_SUFFIXES:
                total += _count_lines(path)
            else:
                total += 1
    return total


def _check_input(spec: str | os.PathLike) -> None:
    text = os.fspath(spec)
    if text == "-":
        return
    path = Path(text)
    if path.is_dir():
        if next(_walk(path, []), None) is None:
            raise InputError(f"{text} holds no .txt, .md or .html file: check the folder, or pass JSONL files")
    elif path.is_file():
        suffix = path.suffix.lower()
        if suffix not in ARTICLE_SUFFIXES and suffix not in JSONL_SUFFIXES:
            raise InputError(f"{text}: unknown kind of input: pass a folder, .txt, .md, .html or .jsonl files, a glob, or -")
    elif _GLOB_MAGIC.search(text):
        if next(_glob_matches(text, []), None) is None:
            raise InputError(f"no article matches the pattern {text}: check it (quote it so the shell does not expand it)")
    else:
        raise InputError(f"{text} does not exist: give folders, article files, JSONL files, globs, or - for stdin")


def _read_all(inputs: Iterable[InputSpec], text_field: str, id_field: str, several: bool, excluded: list[Path]) -> Iterator[tuple]:
    """(id, origin, content, format, sha256, error) for every article of every input."""
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
            if path.suffix.lower() in JSONL_SUFFIXES:
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
    """Article files under ``folder``, depth first, names sorted; hidden entries and symlinked folders skipped."""
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
        elif path.is_file() and (path.suffix.lower() in ARTICLE_SUFFIXES or path.suffix.lower() in JSONL_SUFFIXES):
            yield path, root


def _takewhile_plain(parts: tuple[str, ...]) -> Iterator[str]:
    for part in parts[:-1]:
        if _GLOB_MAGIC.search(part):
            return
        yield part


def _is_excluded(path: Path, excluded: list[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved == item or item in resolved.parents for item in excluded)


def _from_file(path: Path, root: Path | None) -> tuple:
    from .reading import MAX_INPUT_BYTES

    article_id = (path.relative_to(root) if root is not None else Path(os.path.normpath(path))).as_posix()
    fmt = ARTICLE_SUFFIXES.get(path.suffix.lower(), "auto")
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            error = f"{article_id} is {size} bytes, over the {MAX_INPUT_BYTES} byte input limit: split it"
            return article_id, str(path), None, fmt, None, error
        data = path.read_bytes()
    except OSError as exc:
        return article_id, str(path), None, fmt, None, f"{article_id} cannot be read ({exc.strerror or exc}): check its permissions"
    return article_id, str(path), data, fmt, hashlib.sha256(data).hexdigest(), None


def _jsonl_file(path: Path, several: bool, text_field: str, id_field: str) -> Iterator[tuple]:
    try:
        stream = path.open("rb")
    except OSError as exc:
        name = path.as_posix()
        yield name, name, None, "auto", None, f"{name} cannot be read ({exc.strerror or exc}): check its permissions"
        return
    with stream:
        yield from _from_jsonl(stream, path.as_posix(), several, text_field, id_field)


def _from_jsonl(stream, name: str, several: bool, text_field: str, id_field: str) -> Iterator[tuple]:
    for number, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        fallback = f"{name}:{number}" if several else str(number)
        origin = f"{name}:{number}"
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            sha = hashlib.sha256(raw.rstrip(b"\r\n")).hexdigest()
            yield fallback, origin, None, "auto", sha, f"line {number} of {name} is not UTF-8: save the archive as UTF-8"
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            sha = hashlib.sha256(raw.rstrip(b"\r\n")).hexdigest()
            yield fallback, origin, None, "auto", sha, f"line {number} of {name} is not valid JSON ({exc.msg} at column {exc.colno}): fix or remove it"
            continue
        yield _from_mapping(data, fallback, origin, text_field, id_field)


def _from_mapping(data: Any, fallback: str, origin: str, text_field: str, id_field: str) -> tuple:
    if not isinstance(data, Mapping):
        return fallback, origin, None, "auto", None, f"{origin} is a JSON {type(data).__name__}, not an object with a {text_field!r} field"
    raw_id = data.get(id_field)
    if raw_id is None or raw_id == "" or isinstance(raw_id, bool):
        article_id = fallback
    elif isinstance(raw_id, (str, int, float)):
        article_id = str(raw_id)
    else:
        article_id = json.dumps(raw_id, sort_keys=True, ensure_ascii=False)
    text = data.get(text_field)
    if text is None:
        return article_id, origin, None, "auto", None, f"{origin} has no {text_field!r} field: pass --text-field to name the field that holds the article"
    if not isinstance(text, str):
        return article_id, origin, None, "auto", None, f"{origin}: field {text_field!r} is a {type(text).__name__}, not a string"
    return article_id, origin, text, "auto", hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), None


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


def _id_key(article_id: str) -> int:
    """A 128-bit hash of an id: what the run remembers per article, instead of the id itself."""
    return int.from_bytes(hashlib.blake2b(article_id.encode("utf-8", "surrogatepass"), digest_size=16).digest(), "big")


def _unique_ids(raw: Iterator[tuple]) -> Iterator[SourceArticle]:
    seen: set[int] = set()
    next_suffix: dict[int, int] = {}
    for index, (article_id, origin, content, fmt, sha, error) in enumerate(raw):
        flags = []
        key = _id_key(article_id)
        if key in seen:
            base = key
            number = next_suffix.get(base, 2)
            while _id_key(f"{article_id}#{number}") in seen:
                number += 1
            next_suffix[base] = number + 1
            article_id = f"{article_id}#{number}"
            key = _id_key(article_id)
            flags.append("duplicate_id")
        seen.add(key)
        yield SourceArticle(article_id, index, origin, content, fmt, sha, error, flags)


# --------------------------------------------------------------------------- output


def safe_name(article_id: str, *, max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name for ``article_id`` that stays inside its folder.

    Path separators, NUL and control characters and characters Windows
    refuses become ``_``; leading dots and trailing dots and spaces go (so
    ``..`` and hidden names cannot occur); the name is cut to ``max_bytes``.
    Whenever anything was changed, a hash of the id is appended, so two ids
    never share a name.
    """
    name = _UNSAFE_NAME.sub("_", unicodedata.normalize("NFC", article_id)).lstrip(". ").rstrip(". ")
    name = name.encode("utf-8", "replace").decode("utf-8")  # lone surrogates cannot be file names
    changed = name != article_id or name.split(".")[0].upper() in _WINDOWS_RESERVED
    encoded = name.encode("utf-8")
    if len(encoded) > max_bytes:
        name = encoded[:max_bytes].decode("utf-8", "ignore").rstrip(". ")
        changed = True
    if not name:
        name, changed = "article", True
    if changed:
        name += "-" + hashlib.sha256(article_id.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return name


def _dumps(data: dict[str, Any]) -> bytes:
    """One JSON line; ASCII-escaped only when the record holds text UTF-8 cannot encode (lone surrogates)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        return json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii") + b"\n"


@dataclass(frozen=True, slots=True)
class _Done:
    """What resuming needs of an earlier record: a prefix of its text hash, its signature and language."""

    sha: int | None
    signature: str | None
    lang: str | None


class ArchiveWriter:
    """Owns OUT: the lock, the record file, resume state and per-article files.

    ``out`` ending in ``.jsonl``/``.ndjson`` is the record file itself (lock:
    ``OUT.lock``); anything else is a folder holding ``records.jsonl``,
    ``.lock`` and, with ``per_article``, ``articles/<id>.md|json|html``.

    Each record is one ``write()`` of one whole line, fsynced every
    ``fsync_every`` records and on close.  On open, a torn last line (a crash
    mid-write) is cut off, and the records read back tell which articles are
    done.  The last record of an id wins; on close, a file where some id
    appears more than once is rewritten (atomically) with one line per id.
    """

    def __init__(self, out: str | os.PathLike, *, per_article: str | None = None, fsync_every: int = FSYNC_EVERY) -> None:
        self.out = Path(out)
        if per_article is not None and per_article not in PER_ARTICLE_FORMATS:
            raise OutputError(f"unknown per-article format {per_article!r}: expected one of {', '.join(PER_ARTICLE_FORMATS)}")
        self.per_article = per_article
        self.fsync_every = max(1, fsync_every)
        if self.out.suffix.lower() in JSONL_SUFFIXES:
            if per_article:
                raise OutputError(f"--per-article writes one file per article into a folder: give --out a folder, not {self.out}")
            self.folder = None
            self.records_path = self.out
            self.lock_path = self.out.with_name(self.out.name + ".lock")
        else:
            if self.out.exists() and not self.out.is_dir():
                raise OutputError(f"{self.out} exists and is not a folder: give --out a folder, or a file ending in .jsonl")
            self.folder = self.out
            self.records_path = self.out / RECORDS_NAME
            self.lock_path = self.out / ".lock"
        self.articles_dir = self.folder / ARTICLES_DIR if self.folder is not None and per_article else None
        self.dropped_lines = 0  # torn or unreadable lines found on open
        self.previous = 0  # records found on open
        self._done: dict[int, _Done | None] = {}
        self._strings: dict[str, str] = {}
        self._compact = False
        self._fd: int | None = None
        self._lock_fd: int | None = None
        self._unsynced = 0

    @property
    def paths(self) -> list[Path]:
        """What this writer writes: never to be read as input."""
        return [self.folder] if self.folder is not None else [self.records_path, self.lock_path]

    # -- life cycle -------------------------------------------------------

    def open(self) -> ArchiveWriter:
        parent = self.folder if self.folder is not None else self.records_path.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            if self.articles_dir is not None:
                self.articles_dir.mkdir(exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create {parent} ({exc.strerror or exc}): choose another --out") from None
        self._lock_fd = _lock(self.lock_path, self.out)
        try:
            self._remove_temp_files()
            self._load()
            self._fd = os.open(self.records_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except BaseException:
            self._unlock()
            raise
        return self

    def close(self, *, compact: bool = True) -> None:
        """Sync, rewrite the file with one line per id if needed, and release the lock."""
        try:
            if self._fd is not None:
                os.fsync(self._fd)
                os.close(self._fd)
                self._fd = None
                if compact and self._compact:
                    self._rewrite_unique()
        finally:
            self._unlock()

    def __enter__(self) -> ArchiveWriter:
        return self.open()

    def __exit__(self, kind, value, traceback) -> None:
        self.close(compact=kind is None)

    # -- resume -----------------------------------------------------------

    def previous_record(self, article_id: str) -> _Done | None:
        """What an earlier run left for this id: None when nothing usable (absent or an error)."""
        return self._done.get(_id_key(article_id))

    def _load(self) -> None:
        if not self.records_path.exists():
            return
        with self.records_path.open("r+b") as stream:
            size = stream.seek(0, os.SEEK_END)
            if size:
                stream.seek(size - 1)
                if stream.read(1) != b"\n":
                    keep = _after_last_newline(stream, size)
                    stream.truncate(keep)
                    self.dropped_lines += 1
                    logger.warning("%s: dropped a torn last line (an earlier run was killed mid-write)", self.records_path)
            stream.seek(0)
            for raw in stream:
                try:
                    data = json.loads(raw)
                    article_id = data["id"]
                    if not isinstance(article_id, str):
                        raise TypeError
                except (ValueError, KeyError, TypeError):
                    self.dropped_lines += 1
                    self._compact = True
                    continue
                self.previous += 1
                key = _id_key(article_id)
                if key in self._done:
                    self._compact = True
                if data.get("error") is None and isinstance(data.get("text_sha256"), str):
                    self._done[key] = _Done(_sha_prefix(data["text_sha256"]), self._intern(data.get("signature")), self._intern(data.get("lang")))
                else:
                    self._done[key] = None
        if self.dropped_lines > 1:
            logger.warning("%s: %d unreadable lines will be dropped", self.records_path, self.dropped_lines)

    def _intern(self, value: Any) -> str | None:
        if not isinstance(value, str):
            return None
        return self._strings.setdefault(value, value)

    # -- writing ----------------------------------------------------------

    def write(self, record: ArticleRecord) -> None:
        if self._fd is None:
            raise OutputError("internal: ArchiveWriter.write() before open(); this is a bug, please report it")
        if self.articles_dir is not None and record.ok and record.result is not None:
            self._write_article(record)
        data = _dumps(record.to_dict())
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        self._unsynced += 1
        if self._unsynced >= self.fsync_every:
            os.fsync(self._fd)
            self._unsynced = 0
        if _id_key(record.id) in self._done:
            self._compact = True  # this line supersedes an earlier one

    def article_path(self, article_id: str) -> Path:
        """Where an article's own file goes: always directly inside ``OUT/articles/``."""
        if self.articles_dir is None:
            raise OutputError("internal: no per-article folder; this is a bug, please report it")
        path = self.articles_dir / f"{safe_name(article_id)}.{self.per_article}"
        if path.resolve().parent != self.articles_dir.resolve():
            raise OutputError(f"internal: article id {article_id!r} maps outside {self.articles_dir}; this is a bug, please report it")
        return path

    def _write_article(self, record: ArticleRecord) -> None:
        from .rendering import render
        from .writing import write_atomic

        text = render(record.result, "markdown" if self.per_article == "md" else self.per_article)
        write_atomic(self.article_path(record.id), text)

    def _rewrite_unique(self) -> None:
        """Keep the last line of each id, in file order; temp file, fsync, rename."""
        last: dict[int, int] = {}
        with self.records_path.open("rb") as stream:
            for number, raw in enumerate(stream):
                key = _line_key(raw)
                if key is not None:
                    last[key] = number
        mode = stat.S_IMODE(self.records_path.stat().st_mode)
        handle, temp = tempfile.mkstemp(prefix=f".{self.records_path.name}.", suffix=".tmp", dir=self.records_path.parent)
        try:
            os.chmod(temp, mode)  # mkstemp makes it private; keep the record file's own permissions
            with os.fdopen(handle, "wb") as out, self.records_path.open("rb") as stream:
                for number, raw in enumerate(stream):
                    key = _line_key(raw)
                    if key is not None and last.get(key) == number:
                        out.write(raw)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self.records_path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        _fsync_dir(self.records_path.parent)
        self._compact = False

    def _remove_temp_files(self) -> None:
        """Temporary files a killed run left behind (the lock is ours, so nobody else is writing them)."""
        folders = [self.records_path.parent] + ([self.articles_dir] if self.articles_dir is not None else [])
        for folder in folders:
            prefix = f".{self.records_path.name}." if folder == self.records_path.parent else "."
            for leftover in folder.glob(f"{glob.escape(prefix)}*.tmp"):
                leftover.unlink(missing_ok=True)

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            try:
                self.lock_path.unlink(missing_ok=True)
            finally:
                os.close(self._lock_fd)  # closing releases the flock
                self._lock_fd = None


def _line_key(raw: bytes) -> int | None:
    try:
        article_id = json.loads(raw)["id"]
    except (ValueError, KeyError, TypeError):
        return None
    return _id_key(article_id) if isinstance(article_id, str) else None


def _sha_prefix(sha: str) -> int | None:
    try:
        return int(sha[:16], 16)
    except ValueError:
        return None


def _after_last_newline(stream, size: int) -> int:
    position = size
    while position > 0:
        start = max(0, position - 65536)
        stream.seek(start)
        block = stream.read(position - start)
        found = block.rfind(b"\n")
        if found >= 0:
            return start + found + 1
        position = start
    return 0


def _fsync_dir(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _lock(path: Path, out: Path) -> int:
    """An exclusive flock on ``path``, which holds our pid; the kernel drops it if we die, even by SIGKILL."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        raise OutputError("summarise bulk needs file locks (fcntl), which this system lacks: run it on Linux or macOS") from None
    while True:
        try:
            handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot create the lock file {path} ({exc.strerror or exc}): choose another --out") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(handle, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(handle)
            raise OutputError(
                f"{out} is in use by another `summarise bulk` run (pid {holder}; lock file {path}): "
                "wait for it to finish, or give another --out"
            ) from None
        # A run that finished between our open() and flock() unlinked the file we locked: start again.
        try:
            same = os.path.samestat(os.fstat(handle), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            os.ftruncate(handle, 0)
            os.pwrite(handle, f"{os.getpid()}\n".encode("ascii"), 0)
            return handle
        os.close(handle)


# --------------------------------------------------------------------------- the run

ProgressHook = Callable[[BulkStats], None]


class ArchiveRun:
    """An iterator of :class:`ArticleRecord` (input order, as windows finish) with its :class:`BulkStats`.

    Nothing happens until the first ``next()``.  Closing it early (or leaving
    a ``with`` block) releases OUT; records already written stay done.
    """

    def __init__(self, records: Iterator[ArticleRecord], stats: BulkStats) -> None:
        self._records = records
        self.stats = stats

    def __iter__(self) -> ArchiveRun:
        return self

    def __next__(self) -> ArticleRecord:
        return next(self._records)

    def close(self) -> None:
        self._records.close()

    def __enter__(self) -> ArchiveRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self) -> BulkStats:
        """Consume every record (they are written to OUT, if any) and return the stats."""
        for _ in self:
            pass
        return self.stats


def translate_archive(
    inputs: InputSpec | Iterable[InputSpec],
    *,
    summariser: Summariser | None = None,
    out: str | os.PathLike | None = None,
    text_field: str = "text",
    id_field: str = "id",
    source_lang: str = "auto",
    window_sentences: int = DEFAULT_WINDOW_SENTENCES,
    window_articles: int = DEFAULT_WINDOW_ARTICLES,
    cache: TranslationCache | str | os.PathLike | None = None,
    per_article: str | None = None,
    progress: ProgressHook | None = None,
    total: int | None = None,
    **options: Any,
) -> ArchiveRun:
    """Translate every article of ``inputs`` (see :func:`iter_articles`); yield one record per article.

    ``summariser``: the :class:`Summariser` to use (else one is built from
    ``options``).  ``out``: a ``.jsonl`` file or a folder to write records to,
    resuming what is there.  ``window_sentences``/``window_articles`` bound how
    many articles are translated together.  ``cache``: a
    :class:`~summarise.caching.TranslationCache`, or a path for an on-disk
    SQLite cache; by default the summariser's own, else an in-memory LRU.
    ``progress`` is called with the stats after each article and batch.
    """
    return _start(inputs, False, summariser, out, text_field, id_field, source_lang, window_sentences, window_articles, cache, per_article, progress, total, options)


def summarise_archive(
    inputs: InputSpec | Iterable[InputSpec],
    *,
    summariser: Summariser | None = None,
    out: str | os.PathLike | None = None,
    text_field: str = "text",
    id_field: str = "id",
    source_lang: str = "auto",
    window_sentences: int = DEFAULT_WINDOW_SENTENCES,
    window_articles: int = DEFAULT_WINDOW_ARTICLES,
    cache: TranslationCache | str | os.PathLike | None = None,
    per_article: str | None = None,
    progress: ProgressHook | None = None,
    total: int | None = None,
    **options: Any,
) -> ArchiveRun:
    """:func:`translate_archive`, plus each article's summary (records hold a ``Summary``)."""
    return _start(inputs, True, summariser, out, text_field, id_field, source_lang, window_sentences, window_articles, cache, per_article, progress, total, options)


def _start(inputs, with_summary, summariser, out, text_field, id_field, source_lang, window_sentences, window_articles, cache, per_article, progress, total, options) -> ArchiveRun:
    if window_sentences < 1 or window_articles < 1:
        raise SummariseError("the window must hold at least one sentence and one article")
    if per_article is not None and out is None:
        raise OutputError("per-article files need an output folder: pass out=")
    writer = ArchiveWriter(out, per_article=per_article) if out is not None else None
    articles = iter_articles(inputs, text_field=text_field, id_field=id_field, exclude=writer.paths if writer else ())
    if summariser is None:
        from .pipeline import Summariser

        summariser = Summariser(**options)
    elif options:
        raise TypeError(f"pass either summariser= or Summariser options, not both (got {', '.join(options)})")
    if with_summary and summariser.sum_spec is None:  # else every article would fail alike
        from .errors import RegistryError

        raise RegistryError(f"{summariser.registry.path} names no summarisation model: add one, pass --sum-model, or use --no-summary")
    stats = BulkStats(total=total)
    runner = _Runner(summariser, with_summary, source_lang, window_sentences, window_articles, stats, progress)
    return ArchiveRun(runner.run(articles, writer, cache), stats)


@dataclass
class _Item:
    article: SourceArticle
    prepared: Prepared | None = None
    result: Translation | None = None
    error: str | None = None


def article_records(
    articles: Iterable[SourceArticle],
    summariser: Summariser,
    *,
    with_summary: bool = False,
    source_lang: str = "auto",
    window_sentences: int = DEFAULT_WINDOW_SENTENCES,
    window_articles: int = DEFAULT_WINDOW_ARTICLES,
    stats: BulkStats | None = None,
    progress: ProgressHook | None = None,
) -> Iterator[ArticleRecord]:
    """The core of a bulk run: one record per article, in order; nothing is skipped, written or counted.

    Articles are prepared one by one; a window of them (``window_sentences``
    sentences or ``window_articles`` articles) is translated together, then
    each is summarised.  Used by :func:`translate_archive` and by the Ray engine's
    workers.  ``stats.in_flight`` and ``progress`` follow the sentences of the
    window being translated.
    """
    return _Core(summariser, with_summary, source_lang, window_sentences, window_articles, stats or BulkStats(), progress).records(articles)


def resume_rule(summariser: Summariser, *, with_summary: bool) -> Callable[[SourceArticle, ArchiveWriter], bool]:
    """``done(article, writer)``: whether OUT already holds this article, done by a run like this one.

    Done means: a record without error for its id, with the same text hash and
    the signature this summariser would give it (so changing a model or a
    setting redoes everything), and its per-article file if one is asked for.
    """
    signatures: dict[str | None, str | None] = {}

    def signature(lang: str | None) -> str | None:
        """The signature this run gives an article in ``lang``, without loading a model."""
        if lang not in signatures:
            try:
                signatures[lang] = summariser.signature_for(lang, summary=with_summary) if lang else None
            except SummariseError:
                signatures[lang] = None
        return signatures[lang]

    def done(article: SourceArticle, writer: ArchiveWriter) -> bool:
        if article.error is not None or article.text_sha256 is None:
            return False
        previous = writer.previous_record(article.id)
        if previous is None or previous.sha != _sha_prefix(article.text_sha256):
            return False
        if previous.signature is None or previous.signature != signature(previous.lang):
            return False
        # --per-article added since: the record is there, its file is not.
        return writer.articles_dir is None or writer.article_path(article.id).exists()

    return done


class _Runner:
    """A local run: resume, the core, the writer and the stats around them."""

    def __init__(self, summariser, with_summary, source_lang, window_sentences, window_articles, stats, progress) -> None:
        self.summariser = summariser
        self.stats = stats
        self.progress = progress
        self.done = resume_rule(summariser, with_summary=with_summary)
        self.core = _Core(summariser, with_summary, source_lang, window_sentences, window_articles, stats, progress)

    def run(self, articles: Iterator[SourceArticle], writer: ArchiveWriter | None, cache) -> Iterator[ArticleRecord]:
        from .caching import MemoryCache, SQLiteCache

        own_cache = SQLiteCache(cache) if isinstance(cache, (str, os.PathLike)) else None
        # Not `a or b`: an empty cache has len() 0 and is falsy.
        active = next((c for c in (own_cache, cache, self.summariser.cache) if c is not None), None)
        if active is None:
            active = MemoryCache(DEFAULT_CACHE_ENTRIES)
        restore = _attach_cache(self.summariser, active)
        hits, misses = active.hits, active.misses
        finished = False
        try:
            if writer is not None:
                writer.open()
            self.stats.started = time.perf_counter()
            for record in self.core.records(self._pending(articles, writer)):
                if writer is not None:
                    writer.write(record)
                self._count(record)
                self.stats.cache_hits, self.stats.cache_misses = active.hits - hits, active.misses - misses
                self._report()
                yield record
            finished = True
        finally:
            self.stats.finished = time.perf_counter()
            self.stats.cache_hits, self.stats.cache_misses = active.hits - hits, active.misses - misses
            try:
                if writer is not None:
                    writer.close(compact=finished)
            finally:
                restore()
                if own_cache is not None:
                    own_cache.close()

    def _pending(self, articles: Iterator[SourceArticle], writer: ArchiveWriter | None) -> Iterator[SourceArticle]:
        """The articles still to do; those OUT already holds are counted as skipped."""
        for article in articles:
            if writer is not None and self.done(article, writer):
                self.stats.skipped += 1
                self._report()
                continue
            yield article

    def _count(self, record: ArticleRecord) -> None:
        self.stats.count(record)

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.stats)


class _Core:
    def __init__(self, summariser, with_summary, source_lang, window_sentences, window_articles, stats, progress) -> None:
        self.summariser = summariser
        self.with_summary = with_summary
        self.source_lang = source_lang
        self.window_sentences = window_sentences
        self.window_articles = window_articles
        self.stats = stats
        self.progress = progress

    def records(self, articles: Iterable[SourceArticle]) -> Iterator[ArticleRecord]:
        window: list[_Item] = []
        sentences = 0
        for article in articles:
            item = self._prepare(article)
            window.append(item)
            sentences += len(item.prepared.sentences) if item.prepared else 0
            if sentences >= self.window_sentences or len(window) >= self.window_articles:
                yield from self._finish(window)
                window, sentences = [], 0
        if window:
            yield from self._finish(window)

    def _prepare(self, article: SourceArticle) -> _Item:
        from .reading import read_document

        item = _Item(article)
        if article.error is not None:
            item.error = article.error
            return item
        try:
            document = read_document(article.content, format=article.format, name=f"article {article.id}")
            item.prepared = self.summariser.prepare(document, source_lang=self.source_lang)
        except SummariseError as exc:
            item.error = str(exc)
        except Exception as exc:  # a bug on one odd article must not end a night-long run
            _raise_if_setup(exc)
            logger.exception("article %s failed while reading", article.id)
            item.error = f"{type(exc).__name__}: {exc}"
        article.content = None  # the raw bytes are no longer needed
        return item

    def _finish(self, window: list[_Item]) -> Iterator[ArticleRecord]:
        ready = [item for item in window if item.prepared is not None]
        for item, outcome in zip(ready, self._translate(ready)):
            if isinstance(outcome, BaseException):
                item.error = _describe(outcome)
            else:
                item.result = outcome
            item.prepared = None
        self.stats.in_flight = 0
        if self.with_summary:
            self._summarise([item for item in window if item.result is not None and item.error is None])
        for item in window:
            article = item.article
            yield ArticleRecord(
                id=article.id,
                index=article.index,
                source=article.origin,
                text_sha256=article.text_sha256,
                result=item.result,
                error=item.error,
                flags=article.flags,
                with_summary=self.with_summary,
            )

    def _summarise(self, items: list[_Item]) -> None:
        """Summaries for a window's articles in shared batches; if that fails, one by one, so only the bad one fails."""
        if not items:
            return
        if len(items) > 1:
            try:
                for item, summary in zip(items, self.summariser.summarise_translations([item.result for item in items])):
                    item.result = summary
                return
            except Exception as exc:
                _raise_if_setup(exc)
                logger.warning("summaries of %d articles failed together (%s); trying them one by one", len(items), _describe(exc))
        for item in items:
            try:
                item.result = self.summariser.summarise_translation(item.result)
            except Exception as exc:
                _raise_if_setup(exc)
                if not isinstance(exc, SummariseError):
                    logger.exception("article %s failed in the summariser", item.article.id)
                item.error = _describe(exc)

    def _translate(self, ready: list[_Item]) -> list:
        """Translations of the window's articles, all sentences batched together.

        If the batch fails, each article is tried alone, so that only the
        article that breaks the model gets an error record.
        """
        if not ready:
            return []

        def advance(done: int, _total: int) -> None:
            self.stats.in_flight += done
            self._report()

        try:
            return self.summariser.translate_prepared([item.prepared for item in ready], progress=advance)
        except Exception as exc:
            _raise_if_setup(exc)
            if len(ready) == 1:
                return [exc]
            logger.warning("a batch of %d articles failed (%s); trying them one by one", len(ready), _describe(exc))
        outcomes: list = []
        for item in ready:
            try:
                outcomes.extend(self.summariser.translate_prepared([item.prepared]))
            except Exception as exc:
                _raise_if_setup(exc)
                outcomes.append(exc)
        return outcomes

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.stats)


def _raise_if_setup(exc: BaseException) -> None:
    """A missing module fails every article alike: stop the run rather than write an error record for each."""
    if isinstance(exc, ImportError):
        raise exc


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SummariseError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _attach_cache(summariser: Summariser, cache: TranslationCache) -> Callable[[], None]:
    """Give the summariser (and its translators) ``cache`` for this run; returns the undo."""
    before = summariser.cache
    translators = list(getattr(summariser, "_translators", {}).values())
    previous = [translator.cache for translator in translators]
    summariser.cache = cache
    for translator in translators:
        translator.cache = cache

    def restore() -> None:
        summariser.cache = before
        for translator, old in zip(translators, previous):
            translator.cache = old
        # Translators made during the run keep the run's cache only if it was the summariser's own.
        for translator in getattr(summariser, "_translators", {}).values():
            if translator not in translators:
                translator.cache = before

    return restore


__all__ = [
    "ArchiveRun",
    "ArchiveWriter",
    "ArticleRecord",
    "BulkStats",
    "SourceArticle",
    "article_records",
    "count_articles",
    "iter_articles",
    "resume_rule",
    "safe_name",
    "summarise_archive",
    "translate_archive",
]
