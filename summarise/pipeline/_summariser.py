"""The public flow: text → sentences → translations → summary → result.

:class:`Summariser` loads models once and serves many calls; ``summarise()``
and ``translate()`` are one-shot conveniences over it.  Bulk work reuses the
two halves, :meth:`Summariser.prepare` and :meth:`Summariser.translate_prepared`,
so that sentences from many articles share batches.

``Summariser(...)`` holds what is costly to change (registry, device, backend,
precision, threads, caches); each call takes an :class:`~summarise.pipeline._options.Options`
(beams, length, summary language, boilerplate), which comes back in the result.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from .._version import __version__
from ..text import RemovedLine, remove_boilerplate
from ._caching import TranslationCache
from ..checks import attribute, with_unsupported, Renderings, check_pair, check_summary
from ..text import Detection, LanguageDetector, check_language_code
from ..models.engines import ModelCache, get_backend, runnable_spec, set_threads
from ..errors import InputError, LanguageError, OptionsError
from ._options import Options
from ..text import GlossaryLike, Protected, Protection
from ..checks import (
    FLAGS,
    flag_pair,
    loop_flagged,
    repetition_score,
)
from ..inputs import Document, read_document
from ..models import Registry, ModelSpec
from ._results import ModelUsed, Prepared, SentencePair, Summary, Translation
from ._signature import ModelIdentity, Signature
from ..text import clean_text, TARGET_LANG, Sentence, split_sentences
from ._summarising import Summarizer, SummaryOutcome, SummarySettings
from ._translating import RetryPolicy, TranslatedText, TranslationSettings, Translator

ProgressCallback = Callable[[int, int], None]  # (sentences newly done, sentences in this call)
# A sentence whose translation loops is translated once more with anti-repetition settings.
LOOP_RETRY = RetryPolicy(needs_retry=loop_flagged, score=repetition_score, no_repeat_ngram_size=3, repetition_penalty=1.3)


class Summariser:
    """Models loaded once, serving many articles.

    Built from a registry (a :class:`Registry`, a path to a ``models.toml``,
    or ``None`` for the one in force), like ``WhisperModel`` in faster-whisper.
    """

    def __init__(
        self,
        registry: Registry | str | Path | None = None,
        *,
        device: str = "auto",
        local_files_only: bool = False,
        mt_model: str | None = None,
        sum_model: str | None = None,
        batch_tokens: int | None = None,  # None: sized for the device (engines.batch_limits)
        max_batch_size: int = 64,
        threads: int | None = None,
        quantization: str | None = None,
        backend: str | None = None,
        keep: Iterable[str] | str | None = None,
        glossary: GlossaryLike = None,
        cache: TranslationCache | None = None,
        models: ModelCache | None = None,
        options: Options | None = None,
    ) -> None:
        """Model settings; ``options`` are the defaults of every call that passes none."""
        _check_options(options)
        _check_kind("registry", registry, (Registry, str, Path), "a Registry or the path of a models.toml")
        _check_cache(cache)
        _check_kind("models", models, ModelCache, "a ModelCache that shares loaded models; to name a models.toml, pass registry=PATH")
        self.options = options or Options()
        # keep and glossary are per-call options too; given here they are this summariser's defaults.
        protection = {key: value for key, value in (("keep", keep), ("glossary", glossary)) if value is not None}
        if protection:
            self.options = self.options.replace(**protection)
        _check_counts(batch_tokens=batch_tokens, max_batch_size=max_batch_size, threads=threads)  # per-call counts: Options checks them
        self.registry = registry if isinstance(registry, Registry) else Registry.load(registry)
        self.device = device
        self.local_files_only = local_files_only
        self.batch_tokens = batch_tokens
        self.max_batch_size = max_batch_size
        self.cache = cache
        self.models = models if models is not None else ModelCache()
        self.detector = LanguageDetector()
        # The run's backend is the default for models whose registry entry names none; an entry's own wins.
        self.backend = get_backend(backend).name if backend is not None else None
        self.quantization = quantization
        self._mt_override = self._run_spec(self.registry.resolve(mt_model, "translation")) if mt_model else None
        summariser_name = sum_model or self.registry.summariser
        self.sum_spec = self._run_spec(self.registry.resolve(summariser_name, "summarisation")) if summariser_name else None
        self.check(self.options)
        set_threads(threads)
        self._translators: dict[tuple[ModelSpec, TranslationSettings], Translator] = {}

    def check(self, options: Options | None = None) -> Options:
        """``options`` against this summariser's models, now: a missing en-xx model for ``summary_lang`` fails before any work."""
        options = options or self.options
        self.summary_settings_for(options)
        self.summary_translation_spec(options)
        return options

    def with_cache(self, cache: TranslationCache | None) -> Summariser:
        """The same summariser (same loaded models, same options) with another translation cache.

        Cheap: models are shared through the model cache; only translators,
        which hold the cache, are made anew.  The original is left as it was.
        """
        _check_cache(cache)
        twin = copy.copy(self)
        twin.cache = cache
        twin._translators = {}
        return twin

    @property
    def budget_retries(self) -> int:
        """Pieces this summariser's translators tried again with a larger token budget, so far."""
        return sum(translator.budget_retries for translator in self._translators.values())

    @property
    def can_summarise(self) -> bool:
        """Whether the registry (or ``sum_model``) names a summarisation model."""
        return self.sum_spec is not None

    # -- the public calls -------------------------------------------------

    def translate(self, text: str | Document, options: Options | None = None, *, source_lang: str = "auto",
                  progress: ProgressCallback | None = None) -> Translation:
        """One article's sentence-aligned English; ``options``: this call's (default: the summariser's)."""
        return self.translate_prepared([self.prepare(text, options, source_lang=source_lang)], progress=progress)[0]

    def summarise(self, text: str | Document, options: Options | None = None, *, source_lang: str = "auto",
                  progress: ProgressCallback | None = None) -> Summary:
        """:meth:`translate`, then a summary of the English; the result carries ``options``."""
        return self.summarise_translation(self.translate(text, options, source_lang=source_lang, progress=progress))

    # -- the halves that bulk work reuses ----------------------------------

    def prepare(self, text: str | Document, options: Options | None = None, *, source_lang: str = "auto") -> Prepared:
        _check_options(options)
        options = options or self.options
        started = time.perf_counter()
        document = text if isinstance(text, Document) else read_document(text)
        if not document.text.strip():
            raise InputError("input is empty: nothing to translate")
        detection = None
        if source_lang == "auto":
            detection = self.detect_source(document.text)
            lang = detection.lang
        else:
            lang = check_language_code(source_lang)
        removed: list[RemovedLine] = []
        if not options.keep_boilerplate:
            _, removed = remove_boilerplate(document.text, lang)
        sentences = [s for s in split_sentences(document.text, lang) if not _inside(s, removed)]
        if not sentences:
            raise InputError("input has no text left to translate once boilerplate is set aside", option="keep_boilerplate", example=True)
        return Prepared(document, lang, detection, sentences, removed, time.perf_counter() - started, options)

    def translate_prepared(self, items: Iterable[Prepared], progress: ProgressCallback | None = None) -> list[Translation]:
        """Translate several prepared articles, batching sentences across all of them per language (and options)."""
        items = list(items)
        by_lang = _groups([(item.lang, item.options) for item in items])
        outputs: dict[int, list[TranslatedText]] = {}
        shields: dict[int, list[Protected]] = {}
        seconds: dict[int, float] = {}
        used: dict[int, ModelUsed | None] = {}  # by item
        # Built once per language and options: its term automata and folded renderings serve every sentence.
        guards: dict[int, tuple[Protection, Renderings]] = {}
        for (lang, options), indices in by_lang:
            started = time.perf_counter()
            protection = self.protection(options)
            guard = (protection, Renderings(protection.renderings(lang)) if lang != TARGET_LANG else Renderings())
            texts = [s.text for i in indices for s in items[i].sentences]
            if lang == TARGET_LANG:
                translated = [TranslatedText(text=t, pieces=1, hit_limit=False) for t in texts]
                shield = [Protected(t) for t in texts]
                mt = None
                if progress:
                    progress(len(texts), len(texts))
            else:
                translator = self.translator(lang, options)
                mt = ModelUsed.of("translation", translator.engine.spec, translator.settings.num_beams)
                shield = [protection.protect(text, lang) for text in texts]
                translated = translator.translate([p.text for p in shield], progress=(lambda n: progress(n, len(texts))) if progress else None)
            elapsed = time.perf_counter() - started
            position = 0
            for i in indices:
                used[i] = mt
                guards[i] = guard
                count = len(items[i].sentences)
                outputs[i] = translated[position : position + count]
                shields[i] = shield[position : position + count]
                seconds[i] = elapsed * count / max(1, len(texts))
                position += count
        results = []
        for index, item in enumerate(items):
            mt = used[index]
            protection, renderings = guards[index]
            pairs = [self._pair(s, t, shield, item.lang, protection, renderings) for s, t, shield in zip(item.sentences, outputs[index], shields[index])]
            models = [mt] if mt else []
            results.append(
                Translation(
                    original=item.document.text,
                    source_lang=item.lang,
                    pairs=pairs,
                    models=models,
                    signature=self.signature(mt, summary=False, options=item.options),
                    detection=item.detection,
                    removed=item.removed,
                    metadata=_metadata(item.document),
                    timings={"prepare": item.seconds, "translate": seconds[index]},
                    options=item.options,
                )
            )
        return results

    def _pair(self, sentence: Sentence, translated: TranslatedText, shield: Protected, lang: str, protection: Protection,
              renderings: Renderings) -> SentencePair:
        """One sentence pair: protected terms put back, then every check (quality, facts, protection) run on what the reader gets."""
        restored = protection.restore(translated.text, shield)
        text = restored.text
        flags = flag_pair(sentence.text, text, lang, TARGET_LANG, self.detector, hit_limit=translated.hit_limit)
        facts = check_pair(sentence.text, text, lang, TARGET_LANG, renderings=renderings)
        lost, lost_details = restored.flags()
        found = set(flags) | set(facts.flags) | set(lost)
        return SentencePair(
            source=sentence.text,
            translation=text,
            start=sentence.start,
            end=sentence.end,
            paragraph=sentence.paragraph,
            pieces=translated.pieces,
            flags=[flag for flag in FLAGS if flag in found],
            cached=translated.cached,
            details={**facts.details, **lost_details},
        )

    def summarise_translation(self, translation: Translation) -> Summary:
        return self.summarise_translations([translation])[0]

    def summarise_translations(self, translations: list[Translation]) -> list[Summary]:
        """Summaries of several translations, whose final passes share batches (bulk windows), each with its own options."""
        summaries: list[Summary | None] = [None] * len(translations)
        for options, indices in _groups([translation.options or self.options for translation in translations]):
            started = time.perf_counter()
            outcomes = self.summarizer(options).summarise_many([[pair.translation for pair in translations[i].pairs] for i in indices])
            seconds = (time.perf_counter() - started) / max(1, len(indices))
            for i, outcome in zip(indices, outcomes):
                summaries[i] = self._summary(translations[i], outcome, seconds, options)
        return summaries  # type: ignore[return-value]

    def _summary(self, translation: Translation, outcome: SummaryOutcome, seconds: float, options: Options) -> Summary:
        timings = dict(translation.timings, summarise=seconds)
        mt = next((m for m in translation.models if m.role == "translation"), None)
        settings = self.summary_settings_for(options)
        models = [*translation.models, ModelUsed.of("summarisation", runnable_spec(self.sum_spec, self.device), settings.num_beams)]
        translated = None
        summary_mt_spec = self.summary_translation_spec(options)
        if summary_mt_spec is not None:
            started = time.perf_counter()
            translator = self.translator_for(summary_mt_spec, options)
            # The English summary's links and kept terms survive its translation too (the glossary is for source languages).
            shielding = Protection(self.protection(options).keep)
            sentences = [shielding.protect(s.text, TARGET_LANG) for s in split_sentences(outcome.text, TARGET_LANG)]
            outputs = translator.translate([p.text for p in sentences])
            restored = [shielding.restore(t.text, p).text for t, p in zip(outputs, sentences)]
            translated = " ".join(text for text in restored if text)
            models.append(ModelUsed.of("summary_translation", translator.engine.spec, translator.settings.num_beams))
            timings["summary_translation"] = time.perf_counter() - started
        fields = {name: getattr(translation, name) for name in Translation.__dataclass_fields__}
        fields.update(models=models, signature=self.signature(mt, summary=True, options=options), timings=timings, options=options)
        english = [pair.translation for pair in translation.pairs]
        checked = check_summary(outcome.text, english, TARGET_LANG)
        sentences = attribute(outcome.sentences, english, _dense(outcome.attention, len(english)), TARGET_LANG)
        flags, details = with_unsupported(checked, sentences)
        return Summary(
            **fields,
            summary_flags=flags,
            summary_details=details,
            summary_sentences=sentences,
            summary=outcome.text,
            summary_stages=outcome.stages,
            summary_lang=options.summary_lang,
            summary_translated=translated,
        )

    # -- models -----------------------------------------------------------

    def has_source(self, lang: str) -> bool:
        """Whether this summariser can take ``lang`` as a source: English (kept as it is), or a translation model for it."""
        if lang == TARGET_LANG or self._mt_override is not None:
            return True
        try:
            self.registry.translation_model(lang, TARGET_LANG)
        except LanguageError:
            return False
        return True

    def detect_source(self, text: str) -> Detection:
        """``text``'s language by the one detection policy (see :meth:`LanguageDetector.source`), or a LanguageError."""
        return self.detector.source(text, self.has_source)

    def translation_spec(self, lang: str) -> ModelSpec:
        if self._mt_override is not None:
            return self._mt_override
        spec = self.registry.translation_model(lang, TARGET_LANG)
        return self._run_spec(spec)

    def _run_spec(self, spec: ModelSpec) -> ModelSpec:
        """``spec`` with this run's --quantization, and its --backend where the registry names none."""
        if self.quantization is not None:
            spec = replace(spec, quantization=self.quantization)
        if self.backend is not None and spec.backend is None:
            spec = replace(spec, backend=self.backend)
        return spec

    def translator(self, lang: str, options: Options | None = None) -> Translator:
        return self.translator_for(self.translation_spec(lang), options or self.options)

    def translator_for(self, spec: ModelSpec, options: Options) -> Translator:
        """One translator per model spec and settings: two specs sharing a source but not a window keep apart."""
        settings = TranslationSettings(
            num_beams=options.num_beams or spec.num_beams,
            batch_tokens=self.batch_tokens,
            max_batch_size=self.max_batch_size,
        )
        translator = self._translators.get((spec, settings))
        if translator is None:
            engine = self.models.get(spec, device=self.device, local_files_only=self.local_files_only)
            translator = Translator(engine, settings, cache=self.cache, retry=LOOP_RETRY)
            self._translators[spec, settings] = translator
        return translator

    def protection(self, options: Options | None = None) -> Protection:
        """What a call with ``options`` protects: links, the registry's and the options' keep terms, their glossary."""
        return (options or self.options).protection(self.registry.keep)

    def summary_settings_for(self, options: Options) -> SummarySettings:
        """How the summariser runs for ``options``: beams default to the summarisation model's."""
        return SummarySettings(
            length=options.length,
            num_beams=options.num_beams or (self.sum_spec.num_beams if self.sum_spec else 4),
            min_tokens=options.min_tokens,
            max_tokens=options.max_tokens,
        )

    def summary_translation_spec(self, options: Options) -> ModelSpec | None:
        """The en-xx model that translates the summary for ``options.summary_lang`` (None: English only)."""
        if not options.summary_lang:
            return None
        spec = self.registry.translation_model(TARGET_LANG, options.summary_lang)
        return self._run_spec(spec)

    def summarizer(self, options: Options | None = None) -> Summarizer:
        if self.sum_spec is None:
            from ..errors import RegistryError

            raise RegistryError(f"{self.registry.path} names no summarisation model: add one, or pass --sum-model")
        engine = self.models.get(self.sum_spec, device=self.device, local_files_only=self.local_files_only)
        options = options or self.options
        return Summarizer(engine, self.summary_settings_for(options), attribution=options.attribution)

    def signature(self, mt: ModelUsed | None, *, summary: bool, options: Options | None = None) -> str:
        """Every setting that changes the output, in the spirit of sacrebleu's signatures (see :class:`Signature`)."""
        return self.signature_value(mt, summary=summary, options=options).format()

    def signature_value(self, mt: ModelUsed | None, *, summary: bool, options: Options | None = None) -> Signature:
        options = options or self.options
        parts = [("mt", mt.label if mt else "none")]
        if mt:
            parts.append(("beams", str(mt.num_beams)))
            parts.append(("gen", "model"))  # the translator's own generation_config, beams and budgets aside
        if summary and self.sum_spec:
            parts.append(("sum", ModelIdentity.of(runnable_spec(self.sum_spec, self.device)).label))
            parts.extend(Signature.parse(self.summary_settings_for(options).signature()).parts)
            summary_mt_spec = self.summary_translation_spec(options)
            if summary_mt_spec is not None:
                parts.append(("slang", f"{options.summary_lang}:{ModelIdentity.of(runnable_spec(summary_mt_spec, self.device)).label}"))
        parts.extend(options.signature_parts())
        digest = self.protection(options).digest()  # keep terms (the registry's too) and glossary
        if digest:
            parts.append(("keep", digest))
        parts.append(("v", __version__))
        return Signature(tuple(parts))

    def signature_for(self, lang: str, *, summary: bool, options: Options | None = None) -> str:
        """The signature a result in ``lang`` gets from this summariser, without loading a model (bulk resume)."""
        options = options or self.options
        if lang == TARGET_LANG:
            return self.signature(None, summary=summary, options=options)
        spec = runnable_spec(self.translation_spec(lang), self.device)
        return self.signature(ModelUsed.of("translation", spec, options.num_beams or spec.num_beams), summary=summary, options=options)


def summarise(text: str | Document, options: Options | None = None, *, source_lang: str = "auto", **settings: Any) -> Summary:
    """Translate and summarise one article; ``settings`` are :class:`Summariser`'s."""
    _check_options(options)
    return Summariser(**settings).summarise(text, options, source_lang=source_lang)


def translate(text: str | Document, options: Options | None = None, *, source_lang: str = "auto", **settings: Any) -> Translation:
    """Translate one article sentence by sentence; ``settings`` are :class:`Summariser`'s."""
    _check_options(options)
    return Summariser(**settings).translate(text, options, source_lang=source_lang)


def _groups(keys: list[Any]) -> list[tuple[Any, list[int]]]:
    """Indices grouped by equal keys, in first-seen order; by equality, so options need not be hashable."""
    groups: list[tuple[Any, list[int]]] = []
    for index, key in enumerate(keys):
        for existing, members in groups:
            if existing == key:
                members.append(index)
                break
        else:
            groups.append((key, [index]))
    return groups


def _dense(attention: tuple[dict[int, float], ...] | None, size: int) -> list[list[float]] | None:
    """Sparse attention rows over the sentences summarised, as rows over all ``size`` pairs."""
    if attention is None:
        return None
    rows = []
    for weights in attention:
        row = [0.0] * size
        for index, value in weights.items():
            row[index] = value
        rows.append(row)
    return rows


def _check_counts(**counts: int | None) -> None:
    """Model-level counts a caller may leave as None but never set below one: ignoring them silently would hide a mistake."""
    for name, value in counts.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise OptionsError(f"{name} must be a whole number of at least 1, not {value!r} (None: the default)")


def _check_kind(name: str, value: Any, kinds: type | tuple[type, ...], expected: str) -> None:
    """A library argument of the wrong kind fails here, naming it, rather than deep inside as an AttributeError."""
    if value is not None and not isinstance(value, kinds):
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        raise OptionsError(f"{name} must be {expected}, not {shown}")


def _check_cache(cache: Any) -> None:
    """A cache is anything with the :class:`TranslationCache` methods (a protocol: no isinstance)."""
    if cache is not None and not all(callable(getattr(cache, name, None)) for name in ("get_many", "put_many")):
        _check_kind("cache", cache, (), "a TranslationCache such as MemoryCache() or SQLiteCache(path) (summarise.caching), or None")


def _check_options(options: Any) -> None:
    _check_kind("options", options, Options, "an Options, e.g. Options(length='medium') (summarise.options), or None for the defaults")


def _inside(sentence: Sentence, removed: list[RemovedLine]) -> bool:
    return any(line.start <= sentence.start and sentence.end <= line.end for line in removed)


def _metadata(document: Document) -> dict[str, Any]:
    data = dict(document.metadata)
    if document.title and "title" not in data:
        data["title"] = document.title
    data.setdefault("format", document.format)
    data.setdefault("encoding", document.encoding)
    if document.warnings:  # bytes replaced or an encoding guessed: the result says so, not only stderr
        data["warnings"] = list(document.warnings)
    return data


__all__ = [
    "ModelUsed",
    "Options",
    "Prepared",
    "SentencePair",
    "Summariser",
    "Summary",
    "Translation",
    "clean_text",
    "summarise",
    "translate",
]
