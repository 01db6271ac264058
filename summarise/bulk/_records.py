"""A bulk run's outcome: one :class:`ArticleRecord` per article (a JSONL line) and the run's :class:`BulkStats`."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Translation


@dataclass
class ArticleRecord:
    """One article's outcome: its translation (and summary), or the error that stopped it.

    ``result`` is the core's :class:`~summarise.pipeline._summariser.Translation` (a
    :class:`~summarise.pipeline._summariser.Summary` in summary runs); ``to_dict`` is the
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
    article_file: str | None = None  # with --per-article: its file, relative to OUT (ids and names differ)

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
        from ..checks import is_flagged

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
        if self.article_file is not None:
            data["article_file"] = self.article_file
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
    unread: int = 0  # input entries deliberately not read: symlinks leaving the input, loops, non-regular files
    unread_examples: list[str] = field(default_factory=list)  # the first few, as "id: reason"
    cached: int = 0  # ok articles whose every sentence came from the cache
    flagged: int = 0  # ok articles with a sentence flagged by the quality checks (failures with --strict)
    sentences: int = 0  # sentences of the articles finished in this run
    in_flight: int = 0  # sentences translated so far in the current window
    window_articles: int = 0  # articles being translated (and summarised) together now
    window_sentences: int = 0  # their sentences
    window_summaries: int = 0  # their summaries done so far (summary runs)
    window_summarise: bool = False  # the window's articles get summaries: part of its work, weighted by measured cost
    # Measured cost of each stage, so that the estimate weights a window's translation and summaries by what they take
    translate_seconds: float = 0.0
    translated_sentences: int = 0
    summarise_seconds: float = 0.0
    summaries_made: int = 0
    budget_retries: int = 0  # pieces that ran out of their token budget and were tried again, batched, with twice that
    event: str = "start"  # what the last progress call reports: one of PROGRESS_EVENTS
    cache_hits: int = 0  # sentences found in the translation cache
    cache_misses: int = 0  # distinct sentences not found there: what the model translated
    total: int | None = None  # articles expected, when the caller counted them
    not_articles: Counter = field(default_factory=Counter)  # passed over by reason: WARC requests, images, nested archives…
    started: float = field(default_factory=time.perf_counter)
    finished: float | None = None

    @property
    def processed(self) -> int:
        return self.ok + self.failed

    def not_read(self, article_id: str, reason: str) -> None:
        """An input entry that was deliberately not read (it gets no record)."""
        self.unread += 1
        if len(self.unread_examples) < 10:
            self.unread_examples.append(f"{article_id}: {reason}")

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

    @property
    def window_fraction(self) -> float:
        """How much of the current window is done, from its sentences translated (and summaries done), 0 to 1."""
        translated = min(1.0, self.in_flight / self.window_sentences) if self.window_sentences else 1.0  # nothing to translate
        if not self.window_summarise:
            return translated
        summarised = min(1.0, self.window_summaries / self.window_articles) if self.window_articles else 0.0
        translate_cost, summary_cost = self.stage_costs()
        return (translated * translate_cost + summarised * summary_cost) / (translate_cost + summary_cost)

    def stage_costs(self) -> tuple[float, float]:
        """(translation, summaries) of the current window, in measured seconds: what each stage's share of the window is.

        With real models a summary costs far more than translating its article's sentences, so equal shares
        made the ETA read 3 s at 50/100 when 30 s remained.  Until both stages have been timed, equal shares.
        """
        if not (self.translated_sentences and self.summaries_made and self.translate_seconds > 0 and self.summarise_seconds > 0):
            return 1.0, 1.0
        translate = self.window_sentences * self.translate_seconds / self.translated_sentences
        summaries = self.window_articles * self.summarise_seconds / self.summaries_made
        if translate + summaries <= 0:
            return 1.0, 1.0
        return translate, summaries

    @property
    def articles_estimate(self) -> float:
        """Articles done, counting the current window's share of work done: moves with every sentence, not every window."""
        return self.done + self.window_articles * self.window_fraction

    def snapshot(self) -> BulkProgress:
        """The run as it stands, as a typed, plain value (what ``--progress json`` prints)."""
        seconds = self.seconds
        worked = self.processed + self.window_articles * self.window_fraction  # this run's work, skips aside
        rate = worked / seconds if seconds > 0 else 0.0
        left = None if self.total is None else max(0.0, self.total - self.articles_estimate)
        return BulkProgress(
            event=self.event,
            articles=round(self.articles_estimate, 2),
            total=self.total,
            ok=self.ok,
            failed=self.failed,
            skipped=self.skipped,
            sentences=self.sentences + self.in_flight,
            budget_retries=self.budget_retries,
            seconds=round(seconds, 3),
            articles_per_second=round(rate, 3),
            sentences_per_second=round(self.sentences_per_second, 3),
            eta_seconds=None if left is None or rate <= 0 else round(left / rate, 1),
        )

    def line(self) -> str:
        """``120 ok (3 all from the cache), 2 failed, 40 skipped (already done), 5 flagged …; 900 sentences: ...``.

        Repeats inside one window are translated once without a cache lookup,
        so "translated by the model" can be well below sentences minus cache hits.
        """
        return (
            f"{self.ok} ok ({self.cached} all from the cache), {self.failed} failed, {self.skipped} skipped (already done), "
            f"{self.flagged} flagged by the quality checks"
            f"{f', {self.unread} not read (symlinks leaving the input, loops, not regular files)' if self.unread else ''}; "
            f"{self.sentences} sentences: {self.cache_misses} translated by the model, {self.cache_hits} cache hits; "
            f"{self.seconds:.1f} s; {self.articles_per_second:.2f} articles/s, {self.sentences_per_second:.1f} sentences/s"
            + (f"; {self.budget_retries} pieces tried again with a larger token budget (batched)" if self.budget_retries else "")
            + (f"; not articles, skipped: {self.not_articles_line()}" if self.not_articles else "")
        )

    def not_articles_line(self) -> str:
        """``1000 WARC request records, 2 nested archives (not followed)``: most first."""
        return ", ".join(f"{count} {reason}" for reason, count in self.not_articles.most_common())

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "failed": self.failed,
            "skipped": self.skipped,
            "unread": self.unread,
            "cached": self.cached,
            "flagged": self.flagged,
            "sentences": self.sentences,
            "cache_hits": self.cache_hits,
            "cache_misses": self.cache_misses,
            "budget_retries": self.budget_retries,
            "seconds": round(self.seconds, 3),
            "articles_per_second": round(self.articles_per_second, 3),
            "sentences_per_second": round(self.sentences_per_second, 3),
            "not_articles": dict(self.not_articles),
        }


# What a progress call reports (``BulkStats.event``, ``BulkProgress.event``):
PROGRESS_EVENTS = {
    "skipped": "an article OUT already holds was passed over",
    "not_read": "an input was not read (a symlink leaving the input, a loop, not a regular file…)",
    "sentences": "sentences of the current window were translated",
    "summaries": "summaries of the current window were done",
    "article": "an article's record was written",
}


@dataclass(frozen=True)
class BulkProgress:
    """One progress event of a bulk run, as plain values: :meth:`BulkStats.snapshot`.

    ``articles`` is an estimate that counts the current window's share of work
    done, so it moves while a window is translated; ``articles_per_second`` and
    ``eta_seconds`` follow from it (so from sentence throughput); ``eta_seconds``
    is None until the total and a rate are known.
    """

    event: str
    articles: float
    total: int | None
    ok: int
    failed: int
    skipped: int
    sentences: int
    budget_retries: int
    seconds: float
    articles_per_second: float
    sentences_per_second: float
    eta_seconds: float | None

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


ProgressHook = Callable[[BulkStats], None]
"""``progress(stats)``: called with the run's live :class:`BulkStats` whenever something moves.

``stats.event`` says what (see ``PROGRESS_EVENTS``): sentences translated and
summaries done inside a window call it too, within one batch of the window's
start, so a bar can move before any article is finished.  ``stats.snapshot()``
is the same moment as a frozen :class:`BulkProgress`; ``stats.articles_estimate``
is the count to draw.  The hook runs in the run's thread: keep it quick.
"""
