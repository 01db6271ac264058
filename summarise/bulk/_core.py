"""The core of a bulk run: windows of articles, cross-article batches, and one-by-one fallbacks.

Every executor runs this same core (the local one in this process, the Ray one
in each actor), so the records are the same whichever runs them.  Nothing here
reads inputs, skips, writes or counts: see :mod:`summarise.bulk._run`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..errors import SummariseError
from ..pipeline import Options
from ._records import ArticleRecord, BulkStats, ProgressHook
from ._sources import SourceArticle

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Prepared, Summariser, Translation

logger = logging.getLogger("summarise")

DEFAULT_WINDOW_SENTENCES = 2000
DEFAULT_WINDOW_ARTICLES = 1000
DEFAULT_CACHE_ENTRIES = 100_000  # a run's in-memory translation cache, when it has no other
SUMMARY_BATCH_ARTICLES = 16  # a window's summaries are made this many articles at a time, so progress moves between


@dataclass(frozen=True)
class CoreSettings:
    """What the core needs besides a summariser; small and picklable, so that it travels to Ray actors."""

    with_summary: bool = False
    source_lang: str = "auto"
    window_sentences: int = DEFAULT_WINDOW_SENTENCES
    window_articles: int = DEFAULT_WINDOW_ARTICLES
    options: Options | None = None  # None: the summariser's own

    def check(self) -> CoreSettings:
        if self.window_sentences < 1 or self.window_articles < 1:
            raise SummariseError("the window must hold at least one sentence and one article")
        return self


@dataclass
class _Item:
    article: SourceArticle
    prepared: Prepared | None = None
    result: Translation | None = None
    error: str | None = None
    sentences: int = 0


def article_records(
    articles: Iterable[SourceArticle],
    summariser: Summariser,
    *,
    with_summary: bool = False,
    source_lang: str = "auto",
    window_sentences: int = DEFAULT_WINDOW_SENTENCES,
    window_articles: int = DEFAULT_WINDOW_ARTICLES,
    stats: BulkStats | None = None,
    progress: ProgressHook | None = None,
    options: Options | None = None,
) -> Iterator[ArticleRecord]:
    """The core of a bulk run: one record per article, in order; nothing is skipped, written or counted.

    Articles are prepared one by one; a window of them (``window_sentences``
    sentences or ``window_articles`` articles) is translated together, then
    each is summarised.  Every executor runs this: the local one in this
    process, the Ray one in each actor.  ``stats.in_flight`` and ``progress``
    follow the sentences of the window being translated.
    """
    settings = CoreSettings(with_summary, source_lang, window_sentences, window_articles, options)
    return Core(summariser, settings, stats or BulkStats(), progress).records(articles)


class Core:
    """Windows of articles, translated together with cross-article batches; fallbacks one by one."""

    def __init__(self, summariser: Summariser, settings: CoreSettings, stats: BulkStats, progress: ProgressHook | None = None) -> None:
        self.summariser = summariser
        self.with_summary = settings.with_summary
        self.source_lang = settings.source_lang
        self.window_sentences = settings.window_sentences
        self.window_articles = settings.window_articles
        self.options = settings.options
        self.stats = stats
        self.progress = progress

    def records(self, articles: Iterable[SourceArticle]) -> Iterator[ArticleRecord]:
        window: list[_Item] = []
        sentences = 0
        for article in articles:
            item = self._prepare(article)
            window.append(item)
            sentences += len(item.prepared.sentences) if item.prepared else 0
            if sentences >= self.window_sentences or len(window) >= self.window_articles:
                yield from self._finish(window)
                window, sentences = [], 0
        if window:
            yield from self._finish(window)

    def _prepare(self, article: SourceArticle) -> _Item:
        from ..inputs import read_document

        item = _Item(article)
        if article.error is not None:
            item.error = article.error
            return item
        try:
            document = read_document(article.content, format=article.format, name=f"article {article.id}", charset=article.charset)
            if article.metadata:  # where it came from: a crawl's URL and date, a fetched page's requested and final URL
                document = replace(document, metadata={**document.metadata, **article.metadata})
            if self.options is None:  # the summariser's own options (and the old prepare() of a subclass)
                item.prepared = self.summariser.prepare(document, source_lang=self.source_lang)
            else:
                item.prepared = self.summariser.prepare(document, self.options, source_lang=self.source_lang)
        except SummariseError as exc:
            item.error = str(exc)
        except Exception as exc:  # a bug on one odd article must not end a night-long run
            _raise_if_setup(exc)
            logger.exception("article %s failed while reading", article.id)
            item.error = f"{type(exc).__name__}: {exc}"
        item.sentences = len(item.prepared.sentences) if item.prepared else 0
        article.content = None  # the raw bytes are no longer needed
        return item

    def _finish(self, window: list[_Item]) -> Iterator[ArticleRecord]:
        stats = self.stats
        ready = [item for item in window if item.prepared is not None]
        stats.window_articles, stats.window_sentences = len(window), sum(item.sentences for item in window)
        stats.window_summaries, stats.window_summarise, stats.in_flight = 0, self.with_summary, 0
        retries = _budget_retries(self.summariser)
        began = time.perf_counter()
        for item, outcome in zip(ready, self._translate(ready)):
            if isinstance(outcome, BaseException):
                item.error = _describe(outcome)
            else:
                item.result = outcome
            item.prepared = None
        stats.translate_seconds += time.perf_counter() - began  # the estimate weights the stages by these
        stats.translated_sentences += sum(item.sentences for item in ready)
        stats.in_flight = stats.window_sentences  # translated or failed; fallbacks one by one do not report
        if self.with_summary:
            self._summarise([item for item in window if item.result is not None and item.error is None])
        stats.budget_retries += _budget_retries(self.summariser) - retries
        for item in window:
            article = item.article
            # This article leaves the window as its record is counted: the estimate neither jumps back nor counts it twice.
            stats.window_articles -= 1
            stats.window_sentences -= item.sentences
            stats.in_flight -= item.sentences
            stats.window_summaries = min(stats.window_summaries, stats.window_articles)
            yield ArticleRecord(
                id=article.id,
                index=article.index,
                source=article.origin,
                text_sha256=article.text_sha256,
                result=item.result,
                error=item.error,
                flags=article.flags,
                with_summary=self.with_summary,
            )
        stats.in_flight = stats.window_articles = stats.window_sentences = stats.window_summaries = 0

    def _summarise(self, items: list[_Item]) -> None:
        """Summaries for a window's articles, a few batches at a time, so that progress moves between them."""
        for start in range(0, len(items), SUMMARY_BATCH_ARTICLES):
            chunk = items[start : start + SUMMARY_BATCH_ARTICLES]
            began = time.perf_counter()
            self._summarise_together(chunk)
            self.stats.summarise_seconds += time.perf_counter() - began
            self.stats.summaries_made += len(chunk)
            self.stats.window_summaries += len(chunk)
            self._report("summaries")

    def _summarise_together(self, items: list[_Item]) -> None:
        """Summaries for some of a window's articles in shared batches; if that fails, one by one, so only the bad one fails."""
        if not items:
            return
        if len(items) > 1:
            try:
                for item, summary in zip(items, self.summariser.summarise_translations([item.result for item in items])):
                    item.result = summary
                return
            except Exception as exc:
                _raise_if_setup(exc)
                logger.warning("summaries of %d articles failed together (%s); trying them one by one", len(items), _describe(exc))
        for item in items:
            try:
                item.result = self.summariser.summarise_translation(item.result)
            except Exception as exc:
                _raise_if_setup(exc)
                if not isinstance(exc, SummariseError):
                    logger.exception("article %s failed in the summariser", item.article.id)
                item.error = _describe(exc)

    def _translate(self, ready: list[_Item]) -> list:
        """Translations of the window's articles, all sentences batched together.

        If the batch fails, each article is tried alone, so that only the
        article that breaks the model gets an error record.
        """
        if not ready:
            return []

        def advance(done: int, _total: int) -> None:
            self.stats.in_flight += done
            self._report("sentences")

        try:
            return self.summariser.translate_prepared([item.prepared for item in ready], progress=advance)
        except Exception as exc:
            _raise_if_setup(exc)
            if len(ready) == 1:
                return [exc]
            logger.warning("a batch of %d articles failed (%s); trying them one by one", len(ready), _describe(exc))
        outcomes: list = []
        for item in ready:
            try:
                outcomes.extend(self.summariser.translate_prepared([item.prepared]))
            except Exception as exc:
                _raise_if_setup(exc)
                outcomes.append(exc)
        return outcomes

    def _report(self, event: str) -> None:
        if self.progress is not None:
            self.stats.event = event
            self.progress(self.stats)


def _budget_retries(summariser: Summariser) -> int:
    """Pieces the summariser's translators tried again with a larger budget so far (0 for summarisers that do not count)."""
    return getattr(summariser, "budget_retries", 0)


def _raise_if_setup(exc: BaseException) -> None:
    """A missing module fails every article alike: stop the run rather than write an error record for each."""
    if isinstance(exc, ImportError):
        raise exc


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SummariseError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
