"""How a bulk run's progress is shown: a rich bar for people, JSON lines for schedulers.

Both are :data:`~summarise.bulk._records.ProgressHook` callables, so a library
user can pass them (or their own) as ``run_archive(progress=...)``.  The bar
counts :attr:`BulkStats.articles_estimate`, which moves with every batch of
sentences translated or summaries done, not only when a window's records are
written; its rates and ETA follow from that.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from ._records import BulkStats

JSON_INTERVAL = 1.0  # seconds between two JSON progress lines at most (the first event and the last line always print)


@contextlib.contextmanager
def progress_bar(console: Console, total: int | None) -> Iterator[tuple]:
    """``(hook, console)``: a transient bar on ``console``; print through the returned console so lines go above the bar."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("bulk"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rates]}"), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("bulk", total=total, rates="")

        def hook(stats: BulkStats) -> None:
            bar.update(task, completed=stats.articles_estimate, rates=bar_text(stats))

        yield hook, bar.console


def bar_text(stats: BulkStats) -> str:
    """``12.5 articles/s · 80 sentences/s``, and what was passed over or retried so far."""
    now = stats.snapshot()
    text = f"{now.articles_per_second:.1f} articles/s · {now.sentences_per_second:.0f} sentences/s"
    if stats.budget_retries:
        text += f" · {stats.budget_retries} retried"
    if stats.not_articles:  # crawls and bundles: what was passed over so far, total unknown
        text += f" · {sum(stats.not_articles.values())} skipped, not articles"
    return text


class JsonProgress:
    """A hook that writes one JSON object per line (:meth:`BulkStats.snapshot`), at most every ``interval`` seconds."""

    def __init__(self, stream: IO[str], interval: float = JSON_INTERVAL) -> None:
        self.stream = stream
        self.interval = interval
        self._last: float | None = None

    def __call__(self, stats: BulkStats) -> None:
        now = time.monotonic()
        if self._last is not None and now - self._last < self.interval:
            return
        self._last = now
        self.write(stats)

    def write(self, stats: BulkStats, event: str | None = None) -> None:
        line = stats.snapshot().to_dict()
        if event is not None:
            line["event"] = event
        self.stream.write(json.dumps(line, ensure_ascii=True) + "\n")
        self.stream.flush()


__all__ = ["JSON_INTERVAL", "JsonProgress", "bar_text", "progress_bar"]
