"""The one bulk driver: :func:`run_archive` with an executor, :class:`Local` (this process) or :class:`~summarise.bulk._ray.Ray`.

The driver reads the inputs (:mod:`.sources`), skips what OUT already holds
(:mod:`.resume`), hands the rest to the executor, writes what comes back
(:mod:`.store`) and counts it (:mod:`.records`).  An executor only turns
pending articles into records, running :mod:`.core`: :class:`Local` in this
process, ``Ray`` in a pool of actors.  So a run started with one executor
resumes with the other, and both write the same records.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import DiskFullError, OutputError
from ..output import DEFAULT_WIDTH
from ..pipeline import Options
from ._core import DEFAULT_CACHE_ENTRIES, DEFAULT_WINDOW_ARTICLES, DEFAULT_WINDOW_SENTENCES, Core, CoreSettings
from ._records import ArticleRecord, BulkStats, ProgressHook
from ._resume import resume_rule
from ._sources import InputSpec, SourceArticle, iter_articles
from ._store import ArchiveWriter

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import TranslationCache, Summariser

logger = logging.getLogger("summarise")


@dataclass
class Job:
    """One run as an executor sees it: the core's settings, the driver's summariser, the stats to keep."""

    settings: CoreSettings
    summariser: Summariser  # the local executor's; for Ray, the driver's (settings and signatures, no model)
    model_settings: dict[str, Any]  # Summariser(...) arguments, for executors that build their own summarisers
    cache: TranslationCache | str | os.PathLike | None
    stats: BulkStats
    progress: ProgressHook | None = None

    def report(self, event: str) -> None:
        if self.progress is not None:
            self.stats.event = event
            self.progress(self.stats)


class Executor(Protocol):
    """Where the core runs.  ``check`` runs when the run is made, ``records`` when it is iterated."""

    def check(self, *, summariser: Summariser | None, cache: Any, settings: dict[str, Any]) -> None: ...

    def records(self, pending: Iterator[SourceArticle], job: Job) -> Iterator[ArticleRecord]: ...


@dataclass(frozen=True)
class Local:
    """Run the core in this process, with the run's translation cache."""

    cache_entries: int = DEFAULT_CACHE_ENTRIES  # the in-memory cache's size, when neither run nor summariser has one

    def check(self, *, summariser: Summariser | None, cache: Any, settings: dict[str, Any]) -> None:
        if summariser is not None and settings:
            raise TypeError(f"pass either summariser= or Summariser settings, not both (got {', '.join(settings)})")

    def records(self, pending: Iterator[SourceArticle], job: Job) -> Iterator[ArticleRecord]:
        from ..pipeline import MemoryCache, SQLiteCache

        cache, stats = job.cache, job.stats
        own_cache = SQLiteCache(cache) if isinstance(cache, (str, os.PathLike)) else None
        # Not `a or b`: an empty cache has len() 0 and is falsy.
        active = next((c for c in (own_cache, cache, job.summariser.cache) if c is not None), None)
        if active is None:
            active = MemoryCache(self.cache_entries)
        summariser = job.summariser if active is job.summariser.cache else job.summariser.with_cache(active)
        hits, misses = active.hits, active.misses
        try:
            for record in Core(summariser, job.settings, stats, job.progress).records(pending):
                stats.cache_hits, stats.cache_misses = active.hits - hits, active.misses - misses
                yield record
        finally:
            stats.cache_hits, stats.cache_misses = active.hits - hits, active.misses - misses
            if own_cache is not None:
                own_cache.close()


class ArchiveRun:
    """An iterator of :class:`ArticleRecord` with its :class:`BulkStats`.

    Records come in input order from the local executor, in the order actors
    finish them from Ray (each carries its input ``index``).  Nothing happens
    until the first ``next()``.  Closing it early (or leaving a ``with`` block)
    releases OUT; records already written stay done.
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


def run_archive(
    inputs: InputSpec | Iterable[InputSpec],
    *,
    with_summary: bool = True,
    summariser: Summariser | None = None,
    out: str | os.PathLike | None = None,
    text_field: str = "text",
    id_field: str = "id",
    source_lang: str = "auto",
    window_sentences: int = DEFAULT_WINDOW_SENTENCES,
    window_articles: int = DEFAULT_WINDOW_ARTICLES,
    cache: TranslationCache | str | os.PathLike | None = None,
    per_article: str | None = None,
    width: int = DEFAULT_WIDTH,
    progress: ProgressHook | None = None,
    total: int | None = None,
    executor: Executor | None = None,
    options: Options | None = None,
    **settings: Any,
) -> ArchiveRun:
    """Translate (and, ``with_summary``, summarise) every article of ``inputs``; one record per article.

    ``inputs``: see :func:`~summarise.bulk._sources.iter_articles`.
    ``summariser``: the :class:`Summariser` to use (else one is built from
    ``settings``, its model settings; the Ray executor builds one per actor
    from ``settings``).  ``options``: the per-call :class:`Options` of every
    article (default: the summariser's).
    ``out``: a ``.jsonl`` file or a folder to write records to, resuming what
    is there.  ``window_sentences``/``window_articles`` bound how many articles
    are translated together.  ``per_article``: also one file per article in
    ``out/articles/``, in this format (``md``, ``json``, ``html`` or ``txt``, the
    text format ``width`` columns wide).  ``cache``: a
    :class:`~summarise.pipeline._caching.TranslationCache`, or a path for an on-disk
    SQLite cache; by default the summariser's own, else an in-memory LRU.
    ``progress`` is called with the live :class:`BulkStats` after each article
    and each batch of sentences or summaries (see :data:`ProgressHook`).
    ``executor``: :class:`Local` (the default) or ``Ray(...)``.
    """
    executor = executor if executor is not None else Local()
    executor.check(summariser=summariser, cache=cache, settings=settings)
    if per_article is not None and out is None:
        raise OutputError("per-article files need an output folder: pass out=")
    writer = ArchiveWriter(out, per_article=per_article, width=width) if out is not None else None
    stats = BulkStats(total=total)
    articles = iter_articles(inputs, text_field=text_field, id_field=id_field, exclude=writer.paths if writer else (), skipped=stats.not_articles)
    if summariser is None:
        from ..pipeline import Summariser

        summariser = Summariser(**settings)
    summariser.check(options)  # a missing en-xx model for summary_lang fails now, not in every article
    core = CoreSettings(with_summary, source_lang, window_sentences, window_articles, options).check()
    if with_summary and not summariser.can_summarise:  # else every article would fail alike
        from ..errors import RegistryError

        raise RegistryError(f"{summariser.registry.path} names no summarisation model: add one, pass --sum-model, or use --no-summary")
    job = Job(core, summariser, settings, cache, stats, progress)
    return ArchiveRun(_drive(executor, job, articles, writer), stats)


def _drive(executor: Executor, job: Job, articles: Iterator[SourceArticle], writer: ArchiveWriter | None) -> Iterator[ArticleRecord]:
    """Skip what OUT holds, let the executor do the rest, write and count what comes back."""
    stats = job.stats
    done = resume_rule(job.summariser, with_summary=job.settings.with_summary, options=job.settings.options)

    def pending() -> Iterator[SourceArticle]:
        for article in articles:
            if article.skip is not None:
                logger.info("not read: %s: %s", article.id, article.skip)
                stats.not_read(article.id, article.skip)
                job.report("not_read")
                continue
            if writer is not None and done(article, writer):
                stats.skipped += 1
                job.report("skipped")
                continue
            yield article

    records = None
    finished = False
    failed_writing = False
    written = 0
    # A run that fails before its first record (a Ray cluster it cannot join) leaves no empty records file behind.
    fresh = [] if writer is None else _missing(writer.records_path.parent) + [
        path for path in (writer.articles_dir, writer.records_path) if path is not None and not path.exists()]
    try:
        if writer is not None:
            writer.open()
        stats.started = time.perf_counter()
        records = executor.records(pending(), job)
        for record in records:
            if writer is not None:
                writer.write(record)
                written += 1
            stats.count(record)
            job.report("article")
            yield record
        finished = True
    except (OSError, DiskFullError, sqlite3.OperationalError) as exc:
        failure = _write_failure(exc, writer, stats)
        if failure is None:
            raise
        failed_writing = True
        raise failure from None
    finally:
        stats.finished = time.perf_counter()
        try:
            if records is not None:
                records.close()
        finally:
            if writer is not None:
                try:
                    writer.close(compact=finished)
                    if not finished and not written:
                        _remove_if_empty(fresh)
                except (OSError, OutputError) as exc:
                    if not failed_writing:  # else the first failure is the one to tell
                        failure = _write_failure(exc, writer, stats) if isinstance(exc, OSError) else exc
                        raise (failure or exc) from None


# Write failures that rerunning after fixing the disk cures: one Error line, never a traceback.
_DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS}


def _write_failure(exc: BaseException, writer: ArchiveWriter | None, stats: BulkStats) -> OutputError | None:
    """The one-line error for a full (or failing) disk under OUT or the cache; None for anything else."""
    if isinstance(exc, DiskFullError):
        what = "no space left on the device"
    elif isinstance(exc, sqlite3.OperationalError):
        if "full" not in str(exc):
            return None
        what = f"the translation cache could not grow ({exc})"
    elif isinstance(exc, OSError) and exc.errno in _DISK_ERRNOS:
        what = "no space left on the device" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else f"a write failed ({exc.strerror})"
    else:
        return None
    where = f" while writing {writer.out}" if writer is not None else ""
    return OutputError(
        f"{what}{where}: the {stats.processed} records finished in this run before it are kept; "
        "free some space and run the same command again: it resumes where this run stopped"
    )


def _missing(folder: Path) -> list[Path]:
    """``folder`` and its parents that do not exist yet, outermost first."""
    missing: list[Path] = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing[::-1]


def _remove_if_empty(paths: list[Path]) -> None:
    """The records file (and folder) this run created, when they hold nothing; anything else stays."""
    for path in reversed(paths):  # the file, then its folder
        try:
            if path.is_dir():
                path.rmdir()  # only when empty
            elif path.is_file() and path.stat().st_size == 0:
                path.unlink()
        except OSError:
            pass


def translate_archive(inputs: InputSpec | Iterable[InputSpec], **kwargs: Any) -> ArchiveRun:
    """:func:`run_archive` without summaries: records hold a ``Translation``."""
    return run_archive(inputs, with_summary=False, **kwargs)


def summarise_archive(inputs: InputSpec | Iterable[InputSpec], **kwargs: Any) -> ArchiveRun:
    """:func:`run_archive` with summaries: records hold a ``Summary``."""
    return run_archive(inputs, with_summary=True, **kwargs)
