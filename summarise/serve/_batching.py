"""A micro-batcher: the sentences of concurrent requests share model calls.

Requests submit :class:`Job` objects and await a future.  One worker thread
owns the models: it takes the first waiting job, waits ``max_wait`` seconds
for more (or until ``max_sentences`` are gathered), and hands every gathered
job of the same group to the runner in one call.  The runner returns one
result per job, in order, so answers are never mixed between requests; if it
raises, each job of that call is run again alone, so that one bad request
fails alone and the others still get their answers.

Jobs whose request has given up (timed out, client gone) are dropped before
their model work starts.  Admission is bounded by the number of sentences
waiting or running: beyond ``max_pending`` new jobs are refused with
:class:`Busy`, which the server answers with 429 and ``Retry-After``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger("summarise.serve")

Runner = Callable[[Hashable, Sequence[Any]], Sequence[Any]]


class Busy(Exception):
    """Too much work is waiting: try again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Abandoned(Exception):
    """Raised by a runner when every request of its call has given up: their jobs all fail, none is run again."""


class Closed(Exception):
    """The batcher is shutting down and takes no new work."""


@dataclass
class Job:
    group: Hashable  # jobs share a model call only within a group (same models and settings)
    payload: Any
    sentences: int
    future: Future = field(default_factory=Future)
    submitted: float = field(default_factory=time.monotonic)


@dataclass
class BatchStats:
    calls: int = 0  # runner calls
    jobs: int = 0  # jobs that reached a runner call
    sentences: int = 0
    largest_call: int = 0  # most jobs in one call
    dropped: int = 0  # jobs given up before their work started
    abandoned: int = 0  # calls stopped midway because every request of them had given up
    busy_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class MicroBatcher:
    def __init__(self, runner: Runner, *, max_wait: float = 0.01, max_sentences: int = 512, max_pending: int = 8000) -> None:
        self.runner = runner
        self.max_wait = max_wait
        self.max_sentences = max_sentences
        self.max_pending = max_pending
        self.stats = BatchStats()
        self._queue: deque[Job] = deque()
        self._pending = 0  # sentences queued or running
        self._cond = threading.Condition()
        self._closing = False
        self._thread = threading.Thread(target=self._loop, name="summarise-batcher", daemon=True)
        self._thread.start()

    # -- requests' side ----------------------------------------------------

    def submit(self, group: Hashable, payload: Any, sentences: int) -> Future:
        job = Job(group, payload, max(1, sentences))
        with self._cond:
            if self._closing:
                raise Closed("the server is shutting down")
            if self._pending and self._pending + job.sentences > self.max_pending:
                raise Busy(f"{self._pending} sentences are waiting (limit {self.max_pending}): try again shortly", self.retry_after())
            self._pending += job.sentences
            self._queue.append(job)
            self._cond.notify()
        return job.future

    @property
    def pending(self) -> int:
        return self._pending

    def retry_after(self) -> int:
        """Seconds until the queue has likely drained, from the throughput seen so far (at least 1)."""
        rate = self.stats.sentences / self.stats.busy_seconds if self.stats.busy_seconds > 0 else 0.0
        return max(1, min(60, round(self._pending / rate))) if rate > 0 else 5

    def close(self, timeout: float | None = None) -> None:
        """Take no new jobs, finish those already queued, stop the worker."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._thread.join(timeout)

    # -- the worker ----------------------------------------------------------

    def _loop(self) -> None:
        while True:
            batch = self._gather()
            if batch is None:
                return
            groups: dict[Hashable, list[Job]] = {}
            for job in batch:
                groups.setdefault(job.group, []).append(job)
            for group, jobs in groups.items():
                self._run(group, jobs)

    def _gather(self) -> list[Job] | None:
        with self._cond:
            while not self._queue:
                if self._closing:
                    return None
                self._cond.wait()
            deadline = self._queue[0].submitted + self.max_wait
            while not self._closing and sum(job.sentences for job in self._queue) < self.max_sentences:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            batch, count = [], 0
            while self._queue and (not batch or count + self._queue[0].sentences <= self.max_sentences):
                job = self._queue.popleft()
                batch.append(job)
                count += job.sentences
        live = []
        for job in batch:
            if job.future.set_running_or_notify_cancel():
                live.append(job)
            else:
                self.stats.dropped += 1
                self._release(job)
        return live

    def _release(self, job: Job) -> None:
        with self._cond:
            self._pending -= job.sentences

    def _run(self, group: Hashable, jobs: list[Job]) -> None:
        started = time.perf_counter()
        try:
            results = self.runner(group, [job.payload for job in jobs])
            if len(results) != len(jobs):
                raise RuntimeError(f"runner returned {len(results)} results for {len(jobs)} jobs")
        except Exception as exc:  # noqa: BLE001 - isolate the failing job
            if isinstance(exc, Abandoned):
                self.stats.abandoned += 1
            if len(jobs) == 1 or isinstance(exc, Abandoned):
                for job in jobs:
                    job.future.set_exception(exc)
                    self._release(job)
            else:
                for job in jobs:
                    self._run_alone(group, job)
            self._account(jobs, started)
            return
        for job, result in zip(jobs, results):
            job.future.set_result(result)
            self._release(job)
        self._account(jobs, started)

    def _run_alone(self, group: Hashable, job: Job) -> None:
        try:
            job.future.set_result(self.runner(group, [job.payload])[0])
        except Exception as exc:  # noqa: BLE001 - the error belongs to this request
            job.future.set_exception(exc)
        finally:
            self._release(job)

    def _account(self, jobs: list[Job], started: float) -> None:
        stats = self.stats
        stats.calls += 1
        stats.jobs += len(jobs)
        stats.sentences += sum(job.sentences for job in jobs)
        stats.largest_call = max(stats.largest_call, len(jobs))
        stats.busy_seconds += time.perf_counter() - started
