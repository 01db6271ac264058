"""Translation caches: identical source sentences are translated once.

Archives repeat bylines, captions and boilerplate, so a cache pays off in
bulk.  Keys name the model, its revision, the generation settings and the
text, so a cache can never hand back a translation made with other settings.
Both caches are explicit objects that a caller creates and passes in.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Protocol


def cache_key(model_label: str, settings: str, text: str) -> str:
    return hashlib.sha256(f"{model_label}\x1f{settings}\x1f{text}".encode("utf-8")).hexdigest()


class TranslationCache(Protocol):
    hits: int
    misses: int

    def get_many(self, keys: list[str]) -> dict[str, str]: ...

    def put_many(self, items: dict[str, str]) -> None: ...


class MemoryCache:
    """A bounded LRU in memory, so a long run's memory stays flat."""

    def __init__(self, max_entries: int = 100_000) -> None:
        self.max_entries = max_entries
        self._data: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_many(self, keys: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with self._lock:
            for key in keys:
                value = self._data.get(key)
                if value is None:
                    self.misses += 1
                else:
                    self._data.move_to_end(key)
                    found[key] = value
                    self.hits += 1
        return found

    def put_many(self, items: dict[str, str]) -> None:
        with self._lock:
            for key, value in items.items():
                self._data[key] = value
                self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


class SQLiteCache:
    """A cache on disk that later runs reuse, in front of a small memory LRU."""

    def __init__(self, path: str | Path, memory_entries: int = 20_000) -> None:
        self.path = Path(path)
        self._memory = MemoryCache(memory_entries)
        self._lock = threading.Lock()
        self._db = _open_database(self.path)
        self.hits = 0
        self.misses = 0

    def get_many(self, keys: list[str]) -> dict[str, str]:
        found = self._memory.get_many(keys)
        missing = [key for key in keys if key not in found]
        if missing:
            with self._lock:
                for start in range(0, len(missing), 500):
                    part = missing[start : start + 500]
                    marks = ",".join("?" * len(part))
                    rows = self._db.execute(f"SELECT key, value FROM translations WHERE key IN ({marks})", part)
                    found.update(rows.fetchall())
        self.hits += sum(1 for key in keys if key in found)
        self.misses += sum(1 for key in keys if key not in found)
        return found

    def put_many(self, items: dict[str, str]) -> None:
        if not items:
            return
        self._memory.put_many(items)
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO translations (key, value) VALUES (?, ?)", items.items())
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM translations").fetchone()[0]


def _open_database(path: Path) -> sqlite3.Connection:
    """The cache database, created if new; a folder, or a file that is not SQLite, is an :class:`OutputError`."""
    from ..errors import OutputError

    if path.is_dir():
        raise OutputError(f"--cache {path} is a folder: give a file name, e.g. --cache {path / 'translations.sqlite'}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"--cache {path}: cannot create folder {path.parent} ({exc.strerror or exc})") from None
    db = None
    try:
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS translations (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        columns = {row[1] for row in db.execute("PRAGMA table_info(translations)")}
        if not {"key", "value"} <= columns:
            raise sqlite3.DatabaseError("its translations table has other columns")
    except sqlite3.DatabaseError as exc:
        if db is not None:
            db.close()
        raise OutputError(
            f"--cache {path} is not a translation cache this program can use ({exc}): give a new file name, "
            "or delete the file if it is an old cache"
        ) from None
    return db
