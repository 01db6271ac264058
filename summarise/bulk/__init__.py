"""Bulk translation of article archives: streaming, resumable, batched across articles, cached.

One driver, :func:`run_archive`, with an executor: :class:`Local` (this
process, the default) or :class:`Ray` (a pool of Ray actors).  It reads a
folder, a glob or JSONL lazily, translates a *window* of many articles'
sentences at once with the same core as ``summarise run`` (so the results are
the same), and yields one :class:`ArticleRecord` per article as each window
finishes.  Memory stays flat: records are not kept, the translation cache is
bounded, and only a small hash per article id is remembered.

With ``out``, records are appended to a JSONL file as whole lines, so a crash
never leaves a torn record, and a re-run skips the articles already done.  A
bad article becomes a record with ``error`` set; the run goes on.

Where things are:

- :mod:`.sources`: the table of input kinds (shared with ``summarise run``), discovery, reading, unique ids;
- :mod:`.records`: :class:`ArticleRecord` (one JSONL line) and :class:`BulkStats`;
- :mod:`.resume`: the one place that says when an article is already done (id, text hash, signature);
- :mod:`.store`: OUT: the lock, appends, torn-tail repair, compaction, per-article files;
- :mod:`.core`: windows, cross-article batches, one-by-one fallbacks;
- :mod:`.run`: the driver and the local executor;
- :mod:`.ray`: the Ray executor: actors, sizing, pickling.
"""

from __future__ import annotations

from ..inputs import INPUT_KINDS, InputKind
from ._core import DEFAULT_CACHE_ENTRIES, DEFAULT_WINDOW_ARTICLES, DEFAULT_WINDOW_SENTENCES, CoreSettings, article_records
from ._progress import JsonProgress, progress_bar
from ._ray import Ray, require_ray
from ._records import PROGRESS_EVENTS, ArticleRecord, BulkProgress, BulkStats, ProgressHook
from ._resume import resume_rule
from ._run import ArchiveRun, Local, run_archive, summarise_archive, translate_archive
from ._sources import InputSpec, SourceArticle, count_articles, iter_articles
from ._store import (
    ARTICLES_DIR,
    FSYNC_EVERY,
    MAX_NAME_BYTES,
    PER_ARTICLE_FORMATS,
    RECORDS_NAME,
    ArchiveWriter,
    refuse_stdout,
    safe_name,
)

__all__ = [
    "ArchiveRun",
    "ArchiveWriter",
    "article_records",
    "ArticleRecord",
    "ARTICLES_DIR",
    "BulkProgress",
    "BulkStats",
    "CoreSettings",
    "count_articles",
    "DEFAULT_CACHE_ENTRIES",
    "DEFAULT_WINDOW_ARTICLES",
    "DEFAULT_WINDOW_SENTENCES",
    "FSYNC_EVERY",
    "INPUT_KINDS",
    "InputKind",
    "InputSpec",
    "iter_articles",
    "JsonProgress",
    "Local",
    "MAX_NAME_BYTES",
    "PER_ARTICLE_FORMATS",
    "progress_bar",
    "PROGRESS_EVENTS",
    "ProgressHook",
    "Ray",
    "RECORDS_NAME",
    "refuse_stdout",
    "require_ray",
    "resume_rule",
    "run_archive",
    "safe_name",
    "SourceArticle",
    "summarise_archive",
    "translate_archive",
]
