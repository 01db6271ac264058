"""The Ray executor: the bulk core in a pool of Ray Data actors (``summarise bulk --engine ray``).

Needs the ``ray`` extra (``pip install 'summarise-news[ray]'``, Ray 2.60).  The
driver is the local one (:func:`~summarise.bulk._run.run_archive`): it reads the
inputs, drops what OUT already holds, writes and counts; only this module's
part differs: it hands the pending articles to ``Dataset.map_batches`` with an
actor pool.  This module holds only what is Ray's: the actors, their sizing,
and pickling articles and records across.  Each actor builds one
:class:`~summarise.pipeline._summariser.Summariser` (so models load once per actor, in the
actor) and turns each batch of articles into records with
:func:`~summarise.bulk._core.article_records`: the local core itself.  Records come
back to the driver, which writes them through the same
:class:`~summarise.bulk._store.ArchiveWriter` as a local run: the lock, whole lines,
resume state, compaction, per-article files.  The output is therefore the local
output, byte for byte apart from timings and line order, and a run started
with one executor can be resumed with the other.

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

import contextlib
import logging
import math
import os
import pickle
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..support import install_hint, require
from ..errors import ClusterError, SummariseError
from ..models.engines import quiet_backend_logging
from ..text import TARGET_LANG
from ._core import DEFAULT_CACHE_ENTRIES, Core, CoreSettings
from ._records import ArticleRecord, BulkStats
from ._resume import id_key
from ._sources import SourceArticle

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Summariser
    from ._run import Job

logger = logging.getLogger("summarise")

RAY_INSTALL = install_hint("ray")
TESTED_RAY = "2.60"
DEFAULT_BATCH_ARTICLES = 64  # articles per actor call: the unit of work, and of what a retry redoes
DEFAULT_SLAB_ARTICLES = 50_000  # pending articles per Ray dataset (one actor pool, one model load per actor)
MAX_CPUS_PER_WORKER = 1.0
FIRST_BATCH_ARTICLES = 4  # the first batch of each actor is this small, so that the bar moves once models are loaded
CONNECT_TIMEOUT = 10.0  # seconds for a cluster address to accept a connection
REACH_BACK_TIMEOUT = 120.0  # seconds for every node to run a task and send its result back to this machine (the driver)
AUTH_HINT = ("if the cluster uses token authentication, set RAY_AUTH_MODE=token in this shell and give the cluster's token "
             "(~/.ray/auth_token, chmod 600, or RAY_AUTH_TOKEN_PATH / RAY_AUTH_TOKEN)")
# Passed on to the actors when set in the driver, so that workers find and load models as the driver would.
# Never secrets (HF_TOKEN): a runtime_env is visible to anyone who can see the cluster's jobs.
PASSED_ENV = ("OMP_WAIT_POLICY", "HF_HOME", "HF_HUB_CACHE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_ENDPOINT", "SUMMARISE_HOME")


def require_ray():
    """The ``ray`` module, with Ray Data; a :class:`DependencyError` saying how to install it when absent."""
    install = f"{RAY_INSTALL}, tested with Ray {TESTED_RAY}"
    ray = require("ray", purpose="--engine ray", install=install)
    require("ray.data", purpose="--engine ray", install=install)  # ray without the [data] extra lacks pyarrow and pandas
    return ray


@dataclass(frozen=True)
class Ray:
    """The Ray executor: where and how wide a run goes (``run_archive(..., executor=Ray(workers=8))``).

    ``address``: a running cluster (``ray://…`` or ``HOST:PORT``, or ``auto``:
    the one ``ray start`` runs on this machine); None: ``$RAY_ADDRESS`` if set,
    else a private Ray started for this run and stopped after it, even when a
    ``ray start`` cluster runs on this machine (unless this process already
    called ``ray.init``).  ``logs``: let the workers' log lines through to this
    terminal (off: they would draw over the progress bar).  ``workers``: the most actors, each with
    its own models (default: one per ``gpus_per_worker`` GPUs of the cluster, else
    one per 2 CPUs).  ``cpus_per_worker``: Ray's CPU request per actor (default
    ``min(1, CPUs / (workers + 1))``: never all CPUs).  ``threads``: torch threads
    per actor (default: the actor's share of the cluster's CPUs, at least 1).
    ``num_cpus``: CPUs of a private local Ray (default: all).
    ``batch_articles``: articles per actor call (the unit a retry redoes);
    ``slab_articles``: pending articles per Ray dataset (one actor pool).
    """

    address: str | None = None
    workers: int | None = None
    gpus_per_worker: float = 0.0
    cpus_per_worker: float | None = None
    threads: int | None = None
    batch_articles: int = DEFAULT_BATCH_ARTICLES
    slab_articles: int = DEFAULT_SLAB_ARTICLES
    num_cpus: int | None = None
    logs: bool = False
    first_batch_articles: int = FIRST_BATCH_ARTICLES

    def check(self, *, summariser: Summariser | None = None, cache: Any = None, settings: dict[str, Any] | None = None) -> None:
        """Ray is installed, these settings make sense, and the run passes settings, not objects, for the actors."""
        require_ray()
        if self.workers is not None and self.workers < 1:
            raise SummariseError("--workers must be at least 1")
        if self.gpus_per_worker < 0:
            raise SummariseError("--gpus-per-worker cannot be negative")
        if self.cpus_per_worker is not None and self.cpus_per_worker <= 0:
            raise SummariseError("cpus_per_worker must be more than 0")
        if self.batch_articles < 1 or self.slab_articles < 1 or self.first_batch_articles < 1:
            raise SummariseError("a batch, a first batch and a slab must hold at least one article")
        if summariser is not None or cache is not None or "models" in (settings or {}):
            raise TypeError("the Ray executor builds a Summariser in each worker: pass its settings (registry=, device=, ...), not objects")

    def records(self, pending: Iterator[SourceArticle], job: Job) -> Iterator[ArticleRecord]:
        """Records of the pending articles, from the actors, each id once (a retried batch can send one twice)."""
        ray = require_ray()
        # Actors get the registry itself, so that its file need not be on every node (the models it names must be).
        worker_options = dict(job.model_settings, registry=job.summariser.registry)
        started_ray = False
        sizing: Sizing | None = None
        seen: set[int] = set()
        redelivered = 0
        try:
            for slab in _slabs(pending, self.slab_articles):
                if sizing is None:  # Ray only once there is work: a re-run with nothing left to do starts nothing
                    started_ray = _connect(ray, self)
                    sizing = plan(self, ray.cluster_resources())
                    logger.info("ray: %s", sizing)
                for record in _process(ray, self, sizing, slab, worker_options, job):
                    key = id_key(record.id)
                    if key in seen:
                        redelivered += 1
                        continue
                    seen.add(key)
                    yield record
            if redelivered:
                logger.info("ray: %d records arrived twice (retried batches) and were written once", redelivered)
        finally:
            if started_ray:
                ray.shutdown()


@dataclass(frozen=True)
class Sizing:
    """What a run asks of the cluster, worked out once it is connected."""

    workers: int
    cpus_per_worker: float
    gpus_per_worker: float
    threads: int


def plan(options: Ray, cluster: dict[str, float]) -> Sizing:
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

    def __init__(self, *, summariser: dict[str, Any], settings: CoreSettings, threads: int) -> None:
        from ..pipeline import MemoryCache, Summariser

        quiet_backend_logging()  # per-call generation warnings, from every actor, would bury the run's own messages
        affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        options = dict(summariser, threads=summariser.get("threads") or min(threads, affinity))
        self.summariser = Summariser(**options, cache=MemoryCache(DEFAULT_CACHE_ENTRIES))
        self.settings = settings
        source_lang, with_summary = settings.source_lang, settings.with_summary
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
        stats = BulkStats()
        records = list(Core(self.summariser, self.settings, stats).records(articles))
        blobs = [pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL) for record in records]
        counts = [0] * len(blobs)
        hit_counts, miss_counts, retry_counts = list(counts), list(counts), list(counts)
        if blobs:  # the batch's counts ride on its first row
            hit_counts[0], miss_counts[0], retry_counts[0] = cache.hits - hits, cache.misses - misses, stats.budget_retries
        return pa.table({
            "record": pa.array(blobs, type=pa.binary()),
            "cache_hits": pa.array(hit_counts, type=pa.int64()),
            "cache_misses": pa.array(miss_counts, type=pa.int64()),
            "budget_retries": pa.array(retry_counts, type=pa.int64()),
        })


# --------------------------------------------------------------------------- the driver's side


def _connect(ray, options: Ray) -> bool:
    """Join the cluster (or start a private local Ray); True when this run started Ray and must stop it.

    Failures become one :class:`ClusterError` line that says what to do: no
    cluster at ``auto``, an address that does not answer within
    ``CONNECT_TIMEOUT``, a refused token, nodes that cannot reach this machine back.
    """
    started = False
    if not ray.is_initialized():
        # "local": a new Ray of our own.  Without it ray.init() joins a `ray start` cluster running on this machine.
        address = options.address or os.environ.get("RAY_ADDRESS") or "local"
        if address == "auto":  # as Ray's own: $RAY_ADDRESS first (a `ray job submit` driver has it), else `ray start`'s
            address = os.environ.get("RAY_ADDRESS") or _started_cluster(ray)
        if address != "local":
            _check_reachable(address)
        arguments = {"logging_level": logging.WARNING, "log_to_driver": options.logs}
        if address == "local":
            arguments.update(num_cpus=options.num_cpus, include_dashboard=False)
        try:
            with _stderr_off(not options.logs):  # Ray's C++ core writes there (a refused token: a line a second for 20 s)
                ray.init(address=address, **arguments)
        except Exception as exc:
            raise _cluster_error(ray, address, exc) from None
        started = True
        if address != "local":
            _check_reach_back(ray, address)
    if not options.logs:  # Ray's own driver-side lines would draw over the bar too ("ray.data" does not propagate to "ray")
        for name in ("ray", "ray.data", "ray.data._internal.execution.streaming_executor"):
            logging.getLogger(name).setLevel(logging.ERROR)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # the CLI draws its own
    context.print_on_execution_start = False
    logging.getLogger("ray.data._internal.progress").setLevel(logging.ERROR)  # "Progress bars disabled": we know
    return started


@contextlib.contextmanager
def _stderr_off(off: bool) -> Iterator[None]:
    """File descriptor 2 to /dev/null for a while: lines written by C++ code do not pass through Python's sys.stderr."""
    if not off:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _started_cluster(ray) -> str:
    """The address ``ray start`` left on this machine; Ray's own "auto" would also join any Ray it finds running (another run's)."""
    try:
        from ray._private.services import find_bootstrap_address
    except ImportError:  # pragma: no cover - a Ray that moved it: its own lookup
        return "auto"
    found = find_bootstrap_address(None)
    if not found:
        raise ClusterError("--ray-address auto found no running Ray cluster on this machine: start one with `ray start --head`, "
                           "give its address (HOST:6379), or drop --ray-address for a private Ray of this run")
    return found


def _check_reachable(address: str) -> None:
    """A TCP connection to the address within ``CONNECT_TIMEOUT``, else a ClusterError; Ray itself would retry for minutes."""
    import socket

    where = address.split("://", 1)[-1].rstrip("/")
    host, _, port = where.rpartition(":")
    if not host or not port.isdigit():
        raise ClusterError(f"--ray-address {address!r} is not HOST:PORT, ray://HOST:PORT or auto")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT).close()
    except OSError as exc:
        raise ClusterError(f"the Ray cluster at {address} did not answer within {CONNECT_TIMEOUT:g} s ({exc.strerror or exc}): "
                           f"check the address, that `ray start --head` runs there, and that port {port} is open to this machine") from None


def _cluster_error(ray, address: str, exc: Exception) -> ClusterError:
    text = str(exc)
    if isinstance(exc, getattr(ray.exceptions, "AuthenticationError", ())) or "auth" in text.lower() or "token" in text.lower():
        return ClusterError(f"the Ray cluster at {address} refused this machine's credentials: {AUTH_HINT}")
    return ClusterError(f"could not join the Ray cluster at {address} ({type(exc).__name__}: {text.splitlines()[0] if text else 'no message'}): "
                        f"{AUTH_HINT}; and check that this machine runs the cluster's Ray and Python versions")


def _check_reach_back(ray, address: str) -> None:
    """One tiny task per node, its result sent back here: a node that cannot reach this machine fails now, not silently later."""
    nodes = [node for node in ray.nodes() if node.get("Alive")]
    if len(nodes) < 2:
        return  # one node: this machine's, or one the connection itself just reached
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    ping = ray.remote(num_cpus=0)(_ping)
    pending = {ping.options(scheduling_strategy=NodeAffinitySchedulingStrategy(node["NodeID"], soft=False)).remote(): node for node in nodes}
    _, missing = ray.wait(list(pending), num_returns=len(pending), timeout=REACH_BACK_TIMEOUT)
    if missing:
        where = ", ".join(sorted(pending[ref].get("NodeManagerAddress", "?") for ref in missing))
        ray.shutdown()
        raise ClusterError(f"Ray node(s) {where} of {address} sent nothing back within {REACH_BACK_TIMEOUT:g} s: every node must reach "
                           "this machine (the driver) on its Ray ports; run summarise on a node of the cluster, or open those ports "
                           "(on a host with several interfaces, start Ray with --node-ip-address)")


def _ping() -> int:
    return os.getpid()


def _slabs(articles: Iterator[SourceArticle], size: int) -> Iterator[list[SourceArticle]]:
    slab: list[SourceArticle] = []
    for article in articles:
        slab.append(article)
        if len(slab) >= size:
            yield slab
            slab = []
    if slab:
        yield slab


def _process(ray, options: Ray, sizing: Sizing, slab: list[SourceArticle], worker_options: dict[str, Any], job: Job) -> Iterator[ArticleRecord]:
    """One slab through a fresh actor pool: pickled articles in, pickled records and cache counts out."""
    import pyarrow as pa

    blobs = [pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL) for article in slab]
    del slab
    # One block is one actor call.  The first block of each actor is small, so that the first records (and the bar)
    # come soon after the models load, not after a whole batch; the rest are full batches.
    sizes = batch_sizes(len(blobs), options.batch_articles, min(options.first_batch_articles, options.batch_articles), sizing.workers)
    tables, start = [], 0
    for size in sizes:
        tables.append(pa.table({"article": pa.array(blobs[start : start + size], type=pa.binary())}))
        start += size
    del blobs
    dataset = ray.data.from_arrow(tables)
    del tables
    mapped = dataset.map_batches(
        ArticleActor,
        fn_constructor_kwargs={
            "summariser": worker_options,
            "settings": job.settings,
            "threads": sizing.threads,
        },
        batch_size=None,  # a block is a batch: see sizes above
        batch_format="pyarrow",
        zero_copy_batch=True,
        compute=ray.data.ActorPoolStrategy(min_size=1, max_size=sizing.workers),
        num_cpus=sizing.cpus_per_worker,
        num_gpus=sizing.gpus_per_worker or None,
        runtime_env={"env_vars": _worker_env()},
        # Fault tolerance is Ray Data's default for actor pools (ActorPoolMapOperator._apply_default_remote_args):
        # max_restarts=-1 restarts a dead actor, max_task_retries=-1 retries its batches.  Passing them here is
        # deprecated in Ray 2.60 (`**ray_remote_args`); tests/bulk/test_ray.py kills an actor to hold Ray to it.
    )
    for table in mapped.iter_batches(batch_size=None, batch_format="pyarrow"):
        job.stats.cache_hits += sum(table.column("cache_hits").to_pylist())
        job.stats.cache_misses += sum(table.column("cache_misses").to_pylist())
        job.stats.budget_retries += sum(table.column("budget_retries").to_pylist())
        for blob in table.column("record").to_pylist():
            yield pickle.loads(blob)


def batch_sizes(articles: int, batch: int, first: int, workers: int) -> list[int]:
    """Articles per actor call: ``workers`` calls of ``first`` articles, then calls of ``batch``; they add up to ``articles``."""
    sizes: list[int] = []
    left = articles
    for _ in range(workers):
        if left <= 0:
            break
        sizes.append(min(first, left))
        left -= sizes[-1]
    while left > 0:
        sizes.append(min(batch, left))
        left -= sizes[-1]
    return sizes


def _worker_env() -> dict[str, str]:
    env = {name: os.environ[name] for name in PASSED_ENV if os.environ.get(name)}
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # spinning OpenMP threads starve other actors on the same cores
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    env.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    return env


__all__ = ["ArticleActor", "Ray", "Sizing", "plan", "require_ray"]
