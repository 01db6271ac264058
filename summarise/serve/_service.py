"""What the endpoints call: read and split a request's text, then let the batcher translate and summarise it.

Reading, language detection and sentence splitting happen in the request's
own thread (they are cheap and their errors belong to that request); the
model work goes through one :class:`MicroBatcher`, whose worker thread is the
only one that runs the models.  Only the public library API is used:
:meth:`Summariser.prepare`, :meth:`Summariser.translate_prepared` and
:meth:`Summariser.summarise_translations`, as bulk work uses them.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import InputError, SummariseError
from ..pipeline import Options, Prepared, Summariser, Summary, Translation
from ..text import TARGET_LANG, Detection, Glossary
from ..inputs import Document, read_document
from ..models import ANY_LANGUAGE, Registry
from ..text import split_sentences
from ._batching import Abandoned, MicroBatcher
from ._settings import ServeSettings

logger = logging.getLogger("summarise.serve")

# Per-request options of /v1 and the page: fields of summarise.pipeline._options.Options.
REQUEST_OPTIONS = ("length", "num_beams", "min_tokens", "max_tokens", "summary_lang", "keep_boilerplate", "keep", "glossary")


class TooManySentences(InputError):
    def __init__(self, count: int, limit: int) -> None:
        super().__init__(f"the request has {count} sentences, more than this server's limit of {limit}: send it in parts")
        self.count, self.limit = count, limit


class SentenceTooLong(TooManySentences):
    """One sentence (an unpunctuated blob) longer than the server takes: its model work is unbounded otherwise."""

    def __init__(self, chars: int, limit: int) -> None:
        InputError.__init__(self, f"the request has a sentence of {chars} characters, more than this server's limit of {limit}: "
                                  "split it at sentence ends")
        self.count, self.limit = chars, limit


@dataclass
class Work:
    """One request's share of a batch: its prepared texts and what to make of them."""

    items: list[Prepared]
    summarise: bool = False
    target: str = TARGET_LANG  # LibreTranslate requests may ask for another target: English, then onward
    cancel: threading.Event = field(default_factory=threading.Event)  # set when the request gave up (timed out)

    @property
    def sentences(self) -> int:
        return sum(len(item.sentences) for item in self.items)


class Service:
    """The models, the batcher and the readiness state of one server process."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        options = dict(settings.summariser_options)
        registry = options.pop("registry", None)
        self.registry = registry if isinstance(registry, Registry) else Registry.load(registry)
        self.model_settings = options
        self.base = Summariser(self.registry, **options, options=settings.options)
        self.models = self.base.models  # every Summariser built here shares these loaded engines
        self.detector = self.base.detector
        self._onward_summarisers: dict[str, Summariser] = {}
        self._lock = threading.Lock()
        self.state = "loading"
        self.error: str | None = None
        self.batcher = MicroBatcher(
            self._run,
            max_wait=settings.batch_wait_ms / 1000,
            max_sentences=settings.batch_sentences,
            max_pending=settings.max_pending_sentences,
        )

    # -- lifecycle ------------------------------------------------------------

    def load(self) -> None:
        """Load the models named for preloading; /healthz says ready only after this."""
        started = time.perf_counter()
        try:
            self.detector.detect("Bonjour tout le monde, ceci est un texte.")
            for lang in self.settings.preload:
                if lang != TARGET_LANG:
                    self.base.translator(lang)
            if self.settings.preload_summariser and self.base.sum_spec is not None:
                self.base.summarizer()
        except Exception as exc:  # noqa: BLE001 - any failure must show in /healthz, not leave it "loading"
            self.state, self.error = "failed", str(exc) if isinstance(exc, SummariseError) else f"{type(exc).__name__}: {exc}"
            logger.error("model loading failed: %s", self.error)
            return
        self.state = "ready"
        logger.info("models loaded in %.1f s", time.perf_counter() - started)

    @property
    def ready(self) -> bool:
        return self.state == "ready"

    def close(self) -> None:
        self.batcher.close()

    # -- languages --------------------------------------------------------------

    def source_languages(self) -> list[str]:
        """Languages the registry names a model for (English included), each with at least one target."""
        langs = {lang for spec in self.registry.models.values() if spec.task == "translation" for lang in spec.languages}
        langs.discard(ANY_LANGUAGE)
        return [lang for lang in sorted(langs | {TARGET_LANG}) if self.targets(lang)]

    def targets(self, source: str) -> list[str]:
        """Targets reachable from ``source``: English, and every en-xx model's language through English."""
        onward = {spec.target for spec in self.registry.models.values() if spec.task == "translation" and TARGET_LANG in spec.languages}
        return sorted(({TARGET_LANG} | onward) - {source})

    def has_source(self, lang: str) -> bool:
        return self.base.has_source(lang)

    def detect_source(self, text: str) -> Detection:
        """``text``'s language by the one policy the CLI and both APIs follow (a LanguageError when unsure)."""
        return self.base.detect_source(text)

    # -- building and running work ------------------------------------------------

    def options(self, changes: dict[str, Any] | None = None) -> Options:
        """The server's default options with a request's changes, checked (a bad value is an OptionsError)."""
        changes = dict(changes or {})
        if isinstance(changes.get("glossary"), dict):  # a request's glossary is a mapping, never a path
            changes["glossary"] = Glossary.of(changes["glossary"])
        if "keep" in changes:
            changes["keep"] = tuple(changes["keep"])
        options = self.base.options.replace(**changes) if changes else self.base.options
        return self.base.check(options)

    def prepare(self, text: str | Document, *, source_lang: str = "auto", options: Options | None = None) -> Prepared:
        return self.base.prepare(text, options, source_lang=source_lang)

    def check_size(self, items: Sequence[Prepared]) -> int:
        """The request's sentences against ``max_sentences`` and each against ``max_sentence_chars``, before any model work."""
        count = sum(len(item.sentences) for item in items)
        if count > self.settings.max_sentences:
            raise TooManySentences(count, self.settings.max_sentences)
        longest = max((len(s.text) for item in items for s in item.sentences), default=0)
        if longest > self.settings.max_sentence_chars:
            raise SentenceTooLong(longest, self.settings.max_sentence_chars)
        return count

    # -- what a client may see ------------------------------------------------------

    def publish(self, result: Translation | Summary) -> Translation | Summary:
        """``result`` as a client sees it: models from local folders named by their registry name, not their path."""
        models = [replace(model, source=model.name) if _is_path(model.source) else model for model in result.models]
        return replace(result, models=models, signature=self.public(result.signature, result.models))

    def public(self, message: str, models: Sequence[Any] = ()) -> str:
        """``message`` without the server's paths: the registry file, local model folders (by registry name)."""
        names = {spec.source: name for name, spec in self.registry.models.items() if _is_path(spec.source)}
        names.update({model.source: model.name for model in models if _is_path(model.source)})
        for path in sorted(names, key=len, reverse=True):
            message = message.replace(path, names[path])
        return message.replace(str(self.registry.path), "this server's model registry")

    def submit(self, work: Work):
        """A concurrent future of this work's results (Translations or Summaries, one per item)."""
        return self.batcher.submit((), work, work.sentences)

    def _run(self, key: Hashable, works: Sequence[Work]) -> list[list[Any]]:
        """The batcher's runner: every queued work in one translate call (the pipeline groups by language and
        options inside it), then one summary call, then onward translation for targets other than English."""
        def check(*_: Any) -> None:
            """Between batches: stop when every request of this call has given up (timed out)."""
            if all(work.cancel.is_set() for work in works):
                raise Abandoned("every request of this call has given up")

        check()
        items = [item for work in works for item in work.items]
        translations = self.base.translate_prepared(items, progress=check)
        results: list[list[Any]] = []
        position = 0
        for work in works:
            results.append(list(translations[position : position + len(work.items)]))
            position += len(work.items)
        wanted = [(w, i) for w, work in enumerate(works) if work.summarise for i in range(len(work.items))]
        if wanted:
            check()
            summaries = self.base.summarise_translations([results[w][i] for w, i in wanted])
            for (w, i), summary in zip(wanted, summaries):
                results[w][i] = summary
        onward: dict[str, list[tuple[int, int]]] = {}
        for w, work in enumerate(works):
            if work.target != TARGET_LANG:
                onward.setdefault(work.target, []).extend((w, i) for i in range(len(work.items)))
        for target, places in onward.items():
            texts = [_english(results[w][i]) for w, i in places]
            for (w, i), text in zip(places, self._onward(target, texts)):
                results[w][i] = text
        return results

    def _onward(self, target: str, texts: list[str]) -> list[str]:
        """English texts into ``target`` with the registry's en-xx model, sentence by sentence, in one batch."""
        summariser = self._onward_summarisers.get(target)
        if summariser is None:
            spec = self.registry.translation_model(TARGET_LANG, target)
            summariser = Summariser(self.registry, **{**self.model_settings, "mt_model": spec.name}, models=self.models)
            self._onward_summarisers[target] = summariser
        translator = summariser.translator(TARGET_LANG)
        split = [[s.text for s in split_sentences(text, TARGET_LANG)] if text.strip() else [] for text in texts]
        flat = [sentence for sentences in split for sentence in sentences]
        translated = iter(t.text for t in translator.translate(flat))
        return [" ".join(next(translated) for _ in sentences) for sentences in split]


def _is_path(source: str) -> bool:
    """A model source that is a folder on this machine (hub ids, "owner/name", are public)."""
    return os.path.isabs(source) or source.startswith(("~", ".")) or Path(source).exists()


def _english(result: Translation | Summary) -> str:
    return result.translation


def read_text(text: str, *, fmt: str = "text", name: str = "request") -> Document:
    """A request's text as a Document; ``fmt`` is text, html or markdown (never a path: requests name no files)."""
    return read_document(text, format=fmt, name=name)
