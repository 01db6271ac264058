"""OUT, the output of a bulk run: the lock, whole-line appends, torn-tail repair, compaction and per-article files."""

from __future__ import annotations

import glob
import hashlib
import json
import logging
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import OutputError
from ..output import DEFAULT_WIDTH, PER_ARTICLE_FORMATS, render
from ._resume import Done, id_key
from ..inputs import KINDS_BY_SUFFIX

if TYPE_CHECKING:  # pragma: no cover
    from ._records import ArticleRecord

logger = logging.getLogger("summarise")

RECORDS_NAME = "records.jsonl"  # the record file inside a folder OUT
PARQUET_SUFFIX = ".parquet"  # OUT.parquet: written whole at the end of a run from its journal, OUT.records.jsonl
ARTICLES_DIR = "articles"  # per-article files inside a folder OUT
MAX_NAME_BYTES = 150  # per-article file names are cut here, plus a hash suffix
FSYNC_EVERY = 64

_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_name(article_id: str, *, max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name for ``article_id`` that stays inside its folder.

    Format characters (bidi overrides and isolates, zero-width characters) are
    removed; path separators, NUL and control characters and characters Windows
    refuses become ``_``; leading dots and trailing dots and spaces go (so
    ``..`` and hidden names cannot occur); the name is cut to ``max_bytes``.
    Whenever anything was changed, a hash of the id is appended, so two ids
    never share a name.
    """
    # Format characters go: bidi overrides would show a name reversed ("txt.exe" for "exe.txt"), zero-width ones hide.
    name = "".join(ch for ch in unicodedata.normalize("NFC", article_id) if unicodedata.category(ch) != "Cf")
    name = _UNSAFE_NAME.sub("_", name).lstrip(". ").rstrip(". ")
    name = name.encode("utf-8", "replace").decode("utf-8")  # lone surrogates cannot be file names
    changed = name != article_id or name.split(".")[0].upper() in _WINDOWS_RESERVED
    encoded = name.encode("utf-8")
    if len(encoded) > max_bytes:
        name = encoded[:max_bytes].decode("utf-8", "ignore").rstrip(". ")
        changed = True
    if not name:
        name, changed = "article", True
    if changed:
        name += "-" + _id_hash(article_id)
    return name


def _id_hash(article_id: str, length: int = 12) -> str:
    return hashlib.sha256(article_id.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def _fold(name: str) -> str:
    """A file name as case-insensitive, normalisation-insensitive file systems (macOS, Windows) compare it."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", name).casefold())


def _dumps(data: dict[str, Any]) -> bytes:
    """One JSON line; ASCII-escaped only when the record holds text UTF-8 cannot encode (lone surrogates)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        return json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii") + b"\n"


def refuse_stdout(out: str | os.PathLike) -> None:
    """``-`` is standard output, as everywhere else: a bulk run refuses it, never makes a folder named ``-``.

    Records go to a file because re-running the same command resumes from it.
    """
    if os.fspath(out) == "-":
        raise OutputError("--out - cannot be resumed: records go to a file so that re-running the command resumes; "
                          "give --out FILE.jsonl and follow it with `tail -f FILE.jsonl`")


class ArchiveWriter:
    """Owns OUT: the lock, the record file, resume state and per-article files.

    ``out`` ending in ``.jsonl``/``.ndjson`` is the record file itself (lock:
    ``OUT.lock``); anything else is a folder holding ``records.jsonl``,
    ``.lock`` and, with ``per_article``, ``articles/<id>.md|json|html|txt`` (text ``width`` columns wide).
    ``out`` ending in ``.parquet`` keeps its records in the journal
    ``OUT.records.jsonl`` (so a killed run resumes as with JSONL) and, when a
    run finishes, writes the Parquet file from it atomically: one row per id,
    never half-written.

    Each record is one ``write()`` of one whole line, fsynced every
    ``fsync_every`` records and on close.  On open, a torn last line (a crash
    mid-write) is cut off, and the records read back tell which articles are
    done.  The last record of an id wins; on close, a file where some id
    appears more than once is rewritten (atomically) with one line per id.
    """

    def __init__(self, out: str | os.PathLike, *, per_article: str | None = None, width: int = DEFAULT_WIDTH, fsync_every: int = FSYNC_EVERY) -> None:
        refuse_stdout(out)
        self.width = width  # of per-article text files
        self.out = Path(out)
        if per_article is not None and per_article not in PER_ARTICLE_FORMATS:
            raise OutputError(f"unknown per-article format {per_article!r}: expected one of {', '.join(PER_ARTICLE_FORMATS)}")
        self.per_article = per_article
        self.fsync_every = max(1, fsync_every)
        self.parquet_path: Path | None = None
        if self.out.suffix.lower() == PARQUET_SUFFIX:
            from ..inputs import require_archives

            require_archives("pyarrow.parquet", "Parquet output")  # before any work
            if per_article:
                raise OutputError(f"--per-article writes one file per article into a folder: give --out a folder, not {self.out}")
            self.folder = None
            self.parquet_path = self.out
            self.records_path = self.out.with_suffix(".records.jsonl")
            self.lock_path = self.records_path.with_name(self.records_path.name + ".lock")
        elif getattr(KINDS_BY_SUFFIX.get(self.out.suffix.lower()), "name", None) == "jsonl":
            if per_article:
                raise OutputError(f"--per-article writes one file per article into a folder: give --out a folder, not {self.out}")
            self.folder = None
            self.records_path = self.out
        else:
            if self.out.exists() and not self.out.is_dir():
                raise OutputError(f"{self.out} exists and is not a folder: give --out a folder, a file ending in .jsonl, or one ending in .parquet")
            self.folder = self.out
            self.records_path = self.out / RECORDS_NAME
        # One records file, one lock, whatever spelling reached it: --out DIR and --out DIR/records.jsonl,
        # a symlinked folder or a relative path all lock the same canonical file.
        real = Path(os.path.realpath(self.records_path))
        self.lock_path = real.with_name(real.name + ".lock")
        self.articles_dir = self.folder / ARTICLES_DIR if self.folder is not None and per_article else None
        self.dropped_lines = 0  # torn or unreadable lines found on open
        self.previous = 0  # records found on open
        self._done: dict[int, Done | None] = {}
        # Per-article file names: id -> name (from the records, then as assigned), and each name's owner,
        # compared as a case-insensitive file system would: two ids never share a file.
        self._files: dict[int, str] = {}
        self._owners: dict[str, int] = {}
        self._strings: dict[str, str] = {}
        self._compact = False
        self._fd: int | None = None
        self._lock_fd: int | None = None
        self._unsynced = 0

    @property
    def paths(self) -> list[Path]:
        """What this writer writes: never to be read as input."""
        if self.folder is not None:
            return [self.folder]
        return [self.records_path, self.lock_path] + ([self.parquet_path] if self.parquet_path is not None else [])

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
                if compact and self.parquet_path is not None:
                    from ..inputs import write_parquet

                    write_parquet(self._journal(), self.parquet_path)
        finally:
            self._unlock()

    def __enter__(self) -> ArchiveWriter:
        return self.open()

    def __exit__(self, kind, value, traceback) -> None:
        self.close(compact=kind is None)

    # -- resume -----------------------------------------------------------

    def previous_record(self, article_id: str) -> Done | None:
        """What an earlier run left for this id: None when nothing usable (absent or an error)."""
        return self._done.get(id_key(article_id))

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
                key = id_key(article_id)
                if key in self._done:
                    self._compact = True
                self._done[key] = Done.of(data, self._intern)
                self._remember_file(key, data.get("article_file"))
        if self.dropped_lines > 1:
            logger.warning("%s: %d unreadable lines will be dropped", self.records_path, self.dropped_lines)

    def _intern(self, value: Any) -> str | None:
        if not isinstance(value, str):
            return None
        return self._strings.setdefault(value, value)

    # -- writing ----------------------------------------------------------

    def write(self, record: ArticleRecord) -> None:
        if self._fd is None:
            raise RuntimeError("ArchiveWriter.write() before open()")
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
        if id_key(record.id) in self._done:
            self._compact = True  # this line supersedes an earlier one

    def article_path(self, article_id: str) -> Path:
        """Where an article's own file goes: always directly inside ``OUT/articles/``, never another id's file.

        The name an earlier record gave the id is kept; a new id gets :func:`safe_name`, with
        its hash appended when that name (compared case-insensitively) already belongs to another id.
        """
        if self.articles_dir is None:
            raise RuntimeError("article_path() without a per-article folder")
        key = id_key(article_id)
        name = self._files.get(key)
        if name is None:
            name = f"{safe_name(article_id)}.{self.per_article}"
            length = 12
            while self._owners.get(_fold(name), key) != key:  # another id has it: case, or a crafted id
                name = f"{safe_name(article_id)}-{_id_hash(article_id, length)}.{self.per_article}"
                length += 4
                if length > 64:
                    raise RuntimeError(f"no free file name for article id {article_id!r}")
        path = self.articles_dir / name
        if path.resolve().parent != self.articles_dir.resolve():
            raise RuntimeError(f"article id {article_id!r} maps outside {self.articles_dir}")
        return path

    def _remember_file(self, key: int, name: Any) -> None:
        """Take an earlier record's file name, if it is a plain name inside the articles folder."""
        if self.articles_dir is None or not isinstance(name, str):
            return
        name = name.removeprefix(f"{ARTICLES_DIR}/")
        if not name or name != Path(name).name or name.startswith(".") or _UNSAFE_NAME.search(name):
            return
        previous = self._files.get(key)
        if previous is not None:
            self._owners.pop(_fold(previous), None)
        self._files[key] = name
        self._owners[_fold(name)] = key

    def _write_article(self, record: ArticleRecord) -> None:
        from ..output import write_atomic

        text = render(record.result, self.per_article, width=self.width)
        path = self.article_path(record.id)
        write_atomic(path, text)
        self._remember_file(id_key(record.id), path.name)
        record.article_file = f"{ARTICLES_DIR}/{path.name}"  # the id -> file map, kept in the record

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

    def _journal(self) -> Iterator[dict[str, Any]]:
        """The records of the record file, one per id once compacted (every line is whole: see ``_load``)."""
        with self.records_path.open("rb") as stream:
            for raw in stream:
                if raw.strip():
                    yield json.loads(raw)

    def _remove_temp_files(self) -> None:
        """Temporary files a killed run left behind (the lock is ours, so nobody else is writing them)."""
        folders = [self.records_path.parent] + ([self.articles_dir] if self.articles_dir is not None else [])
        for folder in folders:
            prefix = f".{self.records_path.name}." if folder == self.records_path.parent else "."
            for leftover in folder.glob(f"{glob.escape(prefix)}*.tmp"):
                leftover.unlink(missing_ok=True)
        if self.parquet_path is not None:
            for leftover in self.parquet_path.parent.glob(f"{glob.escape(f'.{self.parquet_path.name}.')}*.tmp"):
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
    return id_key(article_id) if isinstance(article_id, str) else None


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
