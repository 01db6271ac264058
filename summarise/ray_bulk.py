"""Bulk runs on Ray Data: the local bulk core, spread over a pool of actors (``summarise bulk --engine ray``).

Needs the ``ray`` extra (``pip install 'summarise[ray]'``, Ray 2.60).  The
design, in one paragraph: the driver (the process that runs ``summarise
bulk``) reads the inputs lazily with the same :func:`~summarise.bulk.iter_articles`
as a local run (same ids, hashes and duplicate handling), drops what OUT
already holds by the same resume rule (id, text hash, signature), and hands
the rest to ``Dataset.map_batches`` with an actor pool.  Each actor builds one
:class:`~summarise.pipeline.Summariser` (so models load once per actor, in the
actor) and turns each batch of articles into records with
:func:`~summarise.bulk.article_records`: the local core itself.  Records come
back to the driver, which writes them through the same
:class:`~summarise.bulk.ArchiveWriter` as a local run: the lock, whole lines,
resume state, compaction, per-article files.  The output is therefore the local
output, byte for byte apart from timings and line order, and a run started
with one engine can be resumed with the other.

Fault tolerance is Ray's: a worker that dies is restarted (``max_restarts``) and
its batches are retried (``max_task_retries``); a record that arrives twice is
written once.  A driver that dies is a killed local run: re-run the command.

Small machines: every actor asks for a fraction of a CPU (at most 1, and at most
``CPUs / (workers + 1)`` of the cluster), so actors never hold every CPU and
Ray Data's own tasks can always run (ray-project/ray#44687: two 1-CPU actors on
2 CPUs hung).  Ray sets ``OMP_NUM_THREADS`` in workers, so each actor sets its
torch threads explicitly.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import pickle
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .bulk import (
    DEFAULT_CACHE_ENTRIES,
    DEFAULT_WINDOW_ARTICLES,
    DEFAULT_WINDOW_SENTENCES,
    ArchiveRun,
    ArchiveWriter,
    ArticleRecord,
    BulkStats,
    InputSpec,
    ProgressHook,
    SourceArticle,
    article_records,
    iter_articles,
    resume_rule,
)
from .errors import DependencyError, OutputError, SummariseError

logger = logging.getLogger("summarise")

RAY_INSTALL = "pip install 'summarise[ray]'"
TESTED_RAY = "2.60"
DEFAULT_BATCH_ARTICLES = 64  # articles per actor call: the unit of work, and of what a retry redoes
DEFAULT_SLAB_ARTICLES = 50_000  # pending articles per Ray dataset (one actor pool, one model load per actor)
MAX_CPUS_PER_WORKER = 1.0
# Passed on to the actors when set in the driver, so that workers find and load models as the driver would.
# Never secrets (HF_TOKEN): a runtime_env is visible to anyone who can see the cluster's jobs.
PASSED_ENV = ("OMP_WAIT_POLICY", "HF_HOME", "HF_HUB_CACHE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_ENDPOINT", "SUMMARISE_HOME")


def require_ray():
    """The ``ray`` module, with Ray Data; a :class:`DependencyError` saying how to install it when absent."""
    try:
        import ray
        import ray.data  # noqa: F401  (ray without the [data] extra lacks pyarrow and pandas)
    except ImportError as exc:
        raise DependencyError(f"--engine ray needs Ray: {RAY_INSTALL} (tested with Ray {TESTED_RAY}; missing: {exc.name or exc})") from None
    return ray


@dataclass(frozen=True)
class RayOptions:
    """Where and how wide a Ray run goes.

    ``address``: a running cluster (``ray://…`` or ``HOST:PORT``, or ``auto``);
    None starts a private local Ray (unless ``RAY_ADDRESS`` names one, or this
    process already called ``ray.init``).  ``workers``: the most actors, each with
    its own models (default: one per ``gpus_per_worker`` GPUs of the cluster, else
    one per 2 CPUs).  ``cpus_per_worker``: Ray's CPU request per actor (default
    ``min(1, CPUs / (workers + 1))``: never all CPUs).  ``threads``: torch threads
    per actor (default: the actor's share of the cluster's CPUs, at least 1).
    ``num_cpus``: CPUs of a private local Ray (default: all).
    """

    address: str | None = None
    workers: int | None = None
    gpus_per_worker: float = 0.0
    cpus_per_worker: float | None = None
    threads: int | None = None
    batch_articles: int = DEFAULT_BATCH_ARTICLES
    slab_articles: int = DEFAULT_SLAB_ARTICLES
    num_cpus: int | None = None

    def check(self) -> None:
        if self.workers is not None and self.workers < 1:
            raise SummariseError("--workers must be at least 1")
        if self.gpus_per_worker < 0:
            raise SummariseError("--gpus-per-worker cannot be negative")
        if self.cpus_per_worker is not None and self.cpus_per_worker <= 0:
            raise SummariseError("cpus_per_worker must be more than 0")
        if self.batch_articles < 1 or self.slab_articles < 1:
            raise SummariseError("a batch and a slab must hold at least one article")


@dataclass(frozen=True)
class Sizing:
    """What a run asks of the cluster, worked out once it is connected."""

    workers: int
    cpus_per_worker: float
    gpus_per_worker: float
    threads: int


def plan(options: RayOptions, cluster: dict[str, float]) -> Sizing:
    """Actors, CPU and GPU requests and torch threads for ``cluster`` (``ray.cluster_resources()``)."""
    cpus = float(cluster.get("CPU", 0.0))
    gpus = float(cluster.get("GPU", 0.0))
    if options.gpus_per_worker and gpus < options.gpus_per_worker:
        raise SummariseError(f"--gpus-per-worker {options.gpus_per_worker:g} asked for, but the Ray cluster has {gpus:g} GPUs: "
                             "start Ray on GPU nodes, or drop --gpus-per-worker")
    if options.workers is not None:
        workers = options.workers
    elif options.gpus_per_worker:
        workers = max(1, int(gpus // options.gpus_per_worker))
    else:
        workers = max(1, int(cpus // 2))
    if options.cpus_per_worker is not None:
        per_worker = options.cpus_per_worker
    else:
        # Two decimals, rounded down: the actors together always leave part of a CPU free.
        per_worker = min(MAX_CPUS_PER_WORKER, math.floor(100 * cpus / (workers + 1)) / 100) if cpus else MAX_CPUS_PER_WORKER
        per_worker = max(per_worker, 0.01)
    threads = options.threads or max(1, int(cpus // workers))
    return Sizing(workers, per_worker, options.gpus_per_worker, threads)


# --------------------------------------------------------------------------- the actor


class ArticleActor:
    """One Ray actor: one :class:`Summariser`, serving batches of pickled :class:`SourceArticle`.

    Models load here, once per actor (eagerly when the source language is
    known, so that a ready actor is a warm one), never in the driver.
    """

    def __init__(self, *, summariser: dict[str, Any], with_summary: bool, source_lang: str, window_sentences: int,
                 window_articles: int, threads: int) -> None:
        from transformers.utils import logging as hf_logging

        from .caching import MemoryCache
        from .pipeline import TARGET_LANG, Summariser

        hf_logging.set_verbosity_error()  # per-call generation warnings, from every actor, would bury the run's own messages
        hf_logging.disable_progress_bar()
        affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        options = dict(summariser, threads=summariser.get("threads") or min(threads, affinity))
        self.summariser = Summariser(**options, cache=MemoryCache(DEFAULT_CACHE_ENTRIES))
        self.with_summary = with_summary
        self.source_lang = source_lang
        self.window_sentences = window_sentences
        self.window_articles = window_articles
        try:  # warm up; a model that cannot load fails its articles as in a local run, not the actor
            if source_lang not in ("auto", TARGET_LANG):
                self.summariser.translator(source_lang)
            if with_summary:
                self.summariser.summarizer()
        except SummariseError as exc:
            logger.warning("worker %d: %s", os.getpid(), exc)

    def __call__(self, batch):
        import pyarrow as pa

        articles: list[SourceArticle] = [pickle.loads(blob) for blob in batch.column("article").to_pylist()]
        cache = self.summariser.cache
        hits, misses = cache.hits, cache.misses
        records = list(article_records(articles, self.summariser, with_summary=self.with_summary, source_lang=self.source_lang,
                                       window_sentences=self.window_sentences, window_articles=self.window_articles))
        blobs = [pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL) for record in records]
        counts = [0] * len(blobs)
        hit_counts, miss_counts = list(counts), list(counts)
        if blobs:
            hit_counts[0], miss_counts[0] = cache.hits - hits, cache.misses - misses
        return pa.table({
            "record": pa.array(blobs, type=pa.binary()),
            "cache_hits": pa.array(hit_counts, type=pa.int64()),
            "cache_misses": pa.array(miss_counts, type=pa.int64()),
        })


# --------------------------------------------------------------------------- the run


def translate_archive(
    inputs: InputSpec | Iterable[InputSpec],
    *,
    out: str | os.PathLike | None = None,
    text_field: str = "text",
    id_field: str = "id",
    source_lang: str = "auto",
    window_sentences: int = DEFAULT_WINDOW_SENTENCES,
    window_articles: int = DEFAULT_WINDOW_ARTICLES,
    per_article: str | None = None,
    progress: ProgressHook | None = None,
    total: int | None = None,
    ray_options: RayOptions | None = None,
    **options: Any,
) -> ArchiveRun:
    """:func:`summarise.bulk.translate_archive` on Ray; ``options`` are :class:`Summariser`'s, built in each actor.

    Records come in the order the actors finish them (each carries its input
    ``index``).  Raises :class:`DependencyError` now, not at the first record,
    when Ray is not installed.
    """
    return _start(inputs, False, out, text_field, id_field, source_lang, window_sentences, window_articles, per_article, progress,
                  total, ray_options or RayOptions(), options)


def summarise_archive(
    inputs: InputSpec | Iterable[InputSpec],
    *,
    out: str | os.PathLike | None = None,
    text_field: str = "text",
    id_field: str = "id",
    source_lang: str = "auto",
    window_sentences: int = DEFAULT_WINDOW_SENTENCES,
    window_articles: int = DEFAULT_WINDOW_ARTICLES,
    per_article: str | None = None,
    progress: ProgressHook | None = None,
    total: int | None = None,
    ray_options: RayOptions | None = None,
    **options: Any,
) -> ArchiveRun:
    """:func:`translate_archive`, plus each article's summary."""
    return _start(inputs, True, out, text_field, id_field, source_lang, window_sentences, window_articles, per_article, progress,
                  total, ray_options or RayOptions(), options)


def _start(inputs, with_summary, out, text_field, id_field, source_lang, window_sentences, window_articles, per_article, progress,
           total, ray_options: RayOptions, options: dict[str, Any]) -> ArchiveRun:
    ray = require_ray()
    ray_options.check()
    if window_sentences < 1 or window_articles < 1:
        raise SummariseError("the window must hold at least one sentence and one article")
    if per_article is not None and out is None:
        raise OutputError("per-article files need an output folder: pass out=")
    if "summariser" in options or "cache" in options or "models" in options:
        raise TypeError("the Ray engine builds a Summariser in each worker: pass its options (registry=, device=, ...), not objects")
    from .pipeline import Summariser

    # The driver's summariser checks the settings now and gives the resume rule its signatures; it loads no model.
    driver = Summariser(**options)
    if with_summary and driver.sum_spec is None:  # else every article would fail alike
        from .errors import RegistryError

        raise RegistryError(f"{driver.registry.path} names no summarisation model: add one, pass --sum-model, or use --no-summary")
    writer = ArchiveWriter(out, per_article=per_article) if out is not None else None
    articles = iter_articles(inputs, text_field=text_field, id_field=id_field, exclude=writer.paths if writer else ())
    # Actors get the registry itself, so that its file need not be on every node (the models it names must be).
    worker_options = dict(options, registry=driver.registry)
    stats = BulkStats(total=total)
    job = _Job(ray, ray_options, worker_options, driver, with_summary, source_lang, window_sentences, window_articles, stats, progress)
    return ArchiveRun(job.run(articles, writer), stats)


class _Job:
    def __init__(self, ray, ray_options, worker_options, driver, with_summary, source_lang, window_sentences, window_articles, stats,
                 progress) -> None:
        self.ray = ray
        self.options = ray_options
        self.worker_options = worker_options
        self.with_summary = with_summary
        self.source_lang = source_lang
        self.window_sentences = window_sentences
        self.window_articles = window_articles
        self.stats = stats
        self.progress = progress
        self.done = resume_rule(driver, with_summary=with_summary)
        self.sizing: Sizing | None = None
        self.redelivered = 0  # records that arrived twice (a retried batch): written once

    def run(self, articles: Iterator[SourceArticle], writer: ArchiveWriter | None) -> Iterator[ArticleRecord]:
        started_ray = False
        finished = False
        try:
            if writer is not None:
                writer.open()
            self.stats.started = time.perf_counter()
            written: set[bytes] = set()
            for slab in self._slabs(articles, writer):
                if self.sizing is None:  # Ray only once there is work: a re-run with nothing left to do starts nothing
                    started_ray = self._connect()
                    self.sizing = plan(self.options, self.ray.cluster_resources())
                    logger.info("ray: %s", self.sizing)
                for record in self._process(slab):
                    key = hashlib.blake2b(record.id.encode("utf-8", "surrogatepass"), digest_size=16).digest()
                    if key in written:
                        self.redelivered += 1
                        continue
                    written.add(key)
                    if writer is not None:
                        writer.write(record)
                    self._count(record)
                    yield record
            finished = True
            if self.redelivered:
                logger.info("ray: %d records arrived twice (retried batches) and were written once", self.redelivered)
        finally:
            self.stats.finished = time.perf_counter()
            try:
                if writer is not None:
                    writer.close(compact=finished)
            finally:
                if started_ray:
                    self.ray.shutdown()

    def _connect(self) -> bool:
        """Join the cluster (or start a private local Ray); True when this run started Ray and must stop it."""
        ray = self.ray
        started = False
        if not ray.is_initialized():
            if self.options.address:
                ray.init(address=self.options.address, logging_level=logging.WARNING)
            else:
                # None: RAY_ADDRESS if set, else a new local Ray; num_cpus only applies to a new one.
                ray.init(num_cpus=self.options.num_cpus, include_dashboard=False, logging_level=logging.WARNING)
            started = True
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False  # the CLI draws its own
        context.print_on_execution_start = False
        logging.getLogger("ray.data._internal.progress").setLevel(logging.ERROR)  # "Progress bars disabled": we know
        return started

    def _slabs(self, articles: Iterator[SourceArticle], writer: ArchiveWriter | None) -> Iterator[list[SourceArticle]]:
        """Pending articles, a slab at a time; those OUT already holds are counted as skipped."""
        slab: list[SourceArticle] = []
        for article in articles:
            if writer is not None and self.done(article, writer):
                self.stats.skipped += 1
                self._report()
                continue
            slab.append(article)
            if len(slab) >= self.options.slab_articles:
                yield slab
                slab = []
        if slab:
            yield slab

    def _process(self, slab: list[SourceArticle]) -> Iterator[ArticleRecord]:
        ray = self.ray
        sizing = self.sizing
        batch = self.options.batch_articles
        items = [{"article": pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL)} for article in slab]
        del slab
        dataset = ray.data.from_items(items, override_num_blocks=max(1, math.ceil(len(items) / batch)))
        del items
        mapped = dataset.map_batches(
            ArticleActor,
            fn_constructor_kwargs={
                "summariser": self.worker_options,
                "with_summary": self.with_summary,
                "source_lang": self.source_lang,
                "window_sentences": self.window_sentences,
                "window_articles": self.window_articles,
                "threads": sizing.threads,
            },
            batch_size=batch,
            batch_format="pyarrow",
            zero_copy_batch=True,
            compute=ray.data.ActorPoolStrategy(min_size=1, max_size=sizing.workers),
            num_cpus=sizing.cpus_per_worker,
            num_gpus=sizing.gpus_per_worker or None,
            runtime_env={"env_vars": _worker_env()},
            # Fault tolerance is Ray Data's default for actor pools (ActorPoolMapOperator._apply_default_remote_args):
            # max_restarts=-1 restarts a dead actor, max_task_retries=-1 retries its batches.  Passing them here is
            # deprecated in Ray 2.60 (`**ray_remote_args`); tests/test_ray.py kills an actor to hold Ray to it.
        )
        for table in mapped.iter_batches(batch_size=None, batch_format="pyarrow"):
            self.stats.cache_hits += sum(table.column("cache_hits").to_pylist())
            self.stats.cache_misses += sum(table.column("cache_misses").to_pylist())
            for blob in table.column("record").to_pylist():
                yield pickle.loads(blob)

    def _count(self, record: ArticleRecord) -> None:
        self.stats.count(record)
        self._report()

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.stats)


def _worker_env() -> dict[str, str]:
    env = {name: os.environ[name] for name in PASSED_ENV if os.environ.get(name)}
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # spinning OpenMP threads starve other actors on the same cores
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    env.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    return env


__all__ = ["ArticleActor", "RayOptions", "Sizing", "plan", "require_ray", "summarise_archive", "translate_archive"]
