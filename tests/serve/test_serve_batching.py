"""The micro-batcher alone, with plain-Python runners: sharing, order, isolation, admission, drops."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from summarise.serve._batching import Busy, Closed, MicroBatcher


def test_concurrent_jobs_share_calls_and_get_their_own_answers():
    calls: list[list[str]] = []

    def runner(group, payloads):
        calls.append(list(payloads))
        return [f"{group}:{p.upper()}" for p in payloads]

    batcher = MicroBatcher(runner, max_wait=0.2, max_sentences=100)
    try:
        with ThreadPoolExecutor(16) as pool:
            futures = list(pool.map(lambda i: batcher.submit("g", f"text {i}", 1), range(16)))
        answers = [f.result(timeout=10) for f in futures]
    finally:
        batcher.close()
    assert answers == [f"g:TEXT {i}" for i in range(16)]
    assert len(calls) < 16  # some calls carried several requests
    assert batcher.stats.largest_call > 1
    assert batcher.stats.jobs == 16 and batcher.pending == 0


def test_groups_never_share_a_call():
    seen: list[tuple[str, list[int]]] = []

    def runner(group, payloads):
        seen.append((group, list(payloads)))
        return [(group, p) for p in payloads]

    batcher = MicroBatcher(runner, max_wait=0.2)
    try:
        futures = [batcher.submit("a" if i % 2 else "b", i, 1) for i in range(8)]
        results = [f.result(timeout=10) for f in futures]
    finally:
        batcher.close()
    assert results == [("a" if i % 2 else "b", i) for i in range(8)]
    for group, payloads in seen:
        assert all((p % 2 == 1) == (group == "a") for p in payloads)


def test_a_failing_job_fails_alone():
    def runner(group, payloads):
        if "bad" in payloads:
            raise ValueError("bad input")
        return [p * 2 for p in payloads]

    batcher = MicroBatcher(runner, max_wait=0.2)
    try:
        futures = [batcher.submit("g", p, 1) for p in ("ab", "bad", "cd")]
        assert futures[0].result(timeout=10) == "abab"
        with pytest.raises(ValueError, match="bad input"):
            futures[1].result(timeout=10)
        assert futures[2].result(timeout=10) == "cdcd"
    finally:
        batcher.close()
    assert batcher.pending == 0


def test_batches_respect_the_sentence_cap():
    sizes: list[int] = []

    def runner(group, payloads):
        sizes.append(sum(payloads))
        return payloads

    batcher = MicroBatcher(runner, max_wait=0.3, max_sentences=10)
    try:
        futures = [batcher.submit("g", 4, 4) for _ in range(6)]
        [f.result(timeout=10) for f in futures]
    finally:
        batcher.close()
    assert sum(sizes) == 24 and max(sizes) <= 10


def test_admission_is_bounded_and_says_when_to_retry():
    release = threading.Event()

    def runner(group, payloads):
        release.wait(10)
        return payloads

    batcher = MicroBatcher(runner, max_wait=0.0, max_pending=5)
    try:
        first = batcher.submit("g", "x", 4)
        with pytest.raises(Busy) as busy:
            batcher.submit("g", "y", 4)
        assert busy.value.retry_after >= 1
        release.set()
        assert first.result(timeout=10) == "x"
        assert batcher.submit("g", "z", 4).result(timeout=10) == "z"  # room again once the first is done
    finally:
        release.set()
        batcher.close()


def test_cancelled_jobs_are_dropped_before_their_work():
    ran: list[str] = []

    def runner(group, payloads):
        ran.extend(payloads)
        return payloads

    batcher = MicroBatcher(runner, max_wait=0.5)
    try:
        gone = batcher.submit("g", "gone", 1)
        kept = batcher.submit("g", "kept", 1)
        assert gone.cancel()
        assert kept.result(timeout=10) == "kept"
    finally:
        batcher.close()
    assert ran == ["kept"] and batcher.stats.dropped == 1 and batcher.pending == 0


def test_close_finishes_queued_work_and_refuses_new():
    def runner(group, payloads):
        time.sleep(0.05)
        return payloads

    batcher = MicroBatcher(runner, max_wait=1.0)
    queued = [batcher.submit("g", i, 1) for i in range(3)]
    batcher.close(timeout=10)
    assert [f.result(timeout=0) for f in queued] == [0, 1, 2]
    with pytest.raises(Closed):
        batcher.submit("g", 9, 1)
