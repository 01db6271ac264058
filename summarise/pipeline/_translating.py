"""Sentence-level translation in length-sorted, token-budgeted batches.

The unit is the sentence: OPUS-MT and its kin drop or merge sentences when
fed several at once (fairseq #5108, transformers #24169).  A sentence longer
than the model's window is cut at clause boundaries, then at word windows,
and the pieces are translated and joined: nothing is ever truncated.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from ._caching import TranslationCache, cache_key
from ..models.engines import Engine, Generated, GenerationRequest, batch_limits
from ._signature import ModelIdentity
from ..text import split_long

Progress = Callable[[int], None]


@dataclass(frozen=True)
class TranslationSettings:
    """What changes a translation's text (beams) and what only changes its speed (batching)."""

    num_beams: int = 4
    # Source tokens per batch, padding included.  None: sized for the device (engines.batch_limits),
    # which on a GPU also raises max_batch_size to the device's sentence limit.
    batch_tokens: int | None = 4096
    max_batch_size: int = 64
    output_ratio: float = 2.0  # generated tokens allowed per source token, plus a margin
    output_margin: int = 10

    def signature(self) -> str:
        return f"beams:{self.num_beams}"


@dataclass(frozen=True)
class TranslatedText:
    text: str
    pieces: int  # how many pieces a too-long sentence was cut into (1 when it fitted)
    hit_limit: bool  # generation stopped at its token budget for some piece
    cached: bool = False
    retried: bool = False  # this is the output of a RetryPolicy's second try


@dataclass(frozen=True)
class RetryPolicy:
    """A second try, with anti-repetition settings, for outputs that ``needs_retry`` flags.

    ``needs_retry(source, output)`` says an output is bad (e.g. it loops);
    ``score(output)`` ranks two bad outputs, lower is better.  The retry is kept
    when it is not flagged, or when both are and it scores lower; an empty retry never is.
    """

    needs_retry: Callable[[str, str], bool]
    score: Callable[[str], float]
    no_repeat_ngram_size: int = 3
    repetition_penalty: float = 1.3

    def keeps_retry(self, source: str, first: str, second: str) -> bool:
        if not second.strip():
            return False
        if not self.needs_retry(source, second):
            return True
        return self.score(second) < self.score(first)


@dataclass(frozen=True)
class _Unit:
    owner: int  # index of the text it belongs to
    order: int  # its place among that text's pieces
    text: str
    tokens: int


class Translator:
    """Translate many sentences with one engine; reused across documents."""

    def __init__(
        self,
        engine: Engine,
        settings: TranslationSettings | None = None,
        cache: TranslationCache | None = None,
        retry: RetryPolicy | None = None,
    ):
        self.engine = engine
        self.settings = settings or TranslationSettings(num_beams=engine.spec.num_beams)
        if self.settings.batch_tokens is None:
            tokens, sentences = batch_limits(engine.device)
            self.settings = replace(self.settings, batch_tokens=tokens, max_batch_size=max(self.settings.max_batch_size, sentences))
        self.cache = cache
        self.retry = retry
        self.budget_retries = 0  # pieces tried again with a larger token budget, over this translator's life

    def translate(self, texts: list[str], progress: Progress | None = None) -> list[TranslatedText]:
        """Translations of ``texts``, in their order; ``progress`` gets the count of texts newly done."""
        results: list[TranslatedText | None] = [None] * len(texts)
        keys = [self._key(text) for text in texts]
        cached = self.cache.get_many(list(dict.fromkeys(keys))) if self.cache is not None else {}
        todo: dict[str, list[int]] = {}
        for index, (text, key) in enumerate(zip(texts, keys)):
            if not text.strip():
                results[index] = TranslatedText(text="", pieces=1, hit_limit=False)
            elif key in cached:
                results[index] = TranslatedText(text=cached[key], pieces=1, hit_limit=False, cached=True)
            else:
                todo.setdefault(text, []).append(index)
        if progress and len(todo) < len(texts):
            progress(len(texts) - sum(len(v) for v in todo.values()))
        unique = list(todo)
        units = self._units(unique)
        outputs = self._run(units, lambda owner: progress(len(todo[unique[owner]])) if progress else None)
        joined_all = [_join(outputs[owner]) for owner in range(len(unique))]
        if self.retry is not None:
            self._retry(unique, units, joined_all)
        fresh: dict[str, str] = {}
        for owner, text in enumerate(unique):
            joined = joined_all[owner]
            for index in todo[text]:
                results[index] = joined
            if not joined.hit_limit:
                fresh[self._key(text)] = joined.text
        if self.cache is not None and fresh:
            self.cache.put_many(fresh)
        return [result for result in results if result is not None]

    def _retry(self, texts: list[str], units: list[_Unit], joined: list[TranslatedText]) -> None:
        """Translate again, in batches, the texts whose output the retry policy flags; keep the better output."""
        policy = self.retry
        again = {owner for owner, (text, output) in enumerate(zip(texts, joined)) if policy.needs_retry(text, output.text)}
        if not again:
            return
        extra = {"no_repeat_ngram_size": policy.no_repeat_ngram_size, "repetition_penalty": policy.repetition_penalty}
        outputs = self._run([unit for unit in units if unit.owner in again], lambda owner: None, extra)
        for owner in sorted(again):
            candidate = _join(outputs[owner])
            if policy.keeps_retry(texts[owner], joined[owner].text, candidate.text):
                joined[owner] = replace(candidate, retried=True)

    def _key(self, text: str) -> str:
        spec = self.engine.spec
        return cache_key(ModelIdentity.of(spec).cache_key, self.settings.signature(), text)

    def _units(self, texts: list[str]) -> list[_Unit]:
        """Cut each text into pieces that fit the window; most texts are one piece."""
        limit = self.engine.max_input_tokens
        units: list[_Unit] = []
        for owner, (text, count) in enumerate(zip(texts, self.engine.count_tokens(texts))):
            if count <= limit:
                units.append(_Unit(owner, 0, text, count))
                continue
            spans = split_long(text, limit, self.engine.count_tokens)
            pieces = [text[start:end] for start, end in spans]
            for order, (piece, tokens) in enumerate(zip(pieces, self.engine.count_tokens(pieces))):
                units.append(_Unit(owner, order, piece, tokens))
        return units

    def _run(self, units: list[_Unit], done: Callable[[int], None], extra: dict | None = None) -> dict[int, list[Generated]]:
        """Generate for all units in length-sorted batches, then put pieces back in order.

        A piece that ran out of its token budget is tried once more with twice
        the budget; those second tries are batched too, sorted by length as the
        first ones, so that a model that hits the budget on most pieces slows a
        run down by about one more pass, not to one ``generate()`` call per piece.
        """
        extra = extra or {}
        remaining: dict[int, int] = {}
        for unit in units:
            remaining[unit.owner] = remaining.get(unit.owner, 0) + 1
        produced: dict[int, dict[int, Generated]] = {}

        def finish(unit: _Unit, output: Generated) -> None:
            produced.setdefault(unit.owner, {})[unit.order] = output
            remaining[unit.owner] -= 1
            if remaining[unit.owner] == 0:
                done(unit.owner)

        again: list[_Unit] = []
        for batch in self._batches(sorted(units, key=lambda u: u.tokens, reverse=True)):
            budget = self._budget(max(unit.tokens for unit in batch))
            for unit, output in zip(batch, self._generate(batch, budget, extra)):
                if output.hit_limit and self._larger(unit.tokens) > output.tokens:
                    again.append(unit)  # its first output is dropped: the second try replaces it, as it always did
                else:
                    finish(unit, output)
        self.budget_retries += len(again)
        for batch in self._batches(again):  # already longest first
            budget = self._larger(max(unit.tokens for unit in batch))
            for unit, output in zip(batch, self._generate(batch, budget, extra)):
                finish(unit, output)
        return {owner: [pieces[order] for order in sorted(pieces)] for owner, pieces in produced.items()}

    def _batches(self, units: list[_Unit]) -> list[list[_Unit]]:
        """Batches bounded by padded token count, not only by sentence count."""
        batches: list[list[_Unit]] = []
        current: list[_Unit] = []
        longest = 0
        for unit in units:
            widest = max(longest, unit.tokens)
            if current and (widest * (len(current) + 1) > self.settings.batch_tokens or len(current) >= self.settings.max_batch_size):
                batches.append(current)
                current, widest = [], unit.tokens
            current.append(unit)
            longest = widest
        if current:
            batches.append(current)
        return batches

    def _budget(self, tokens: int) -> int:
        wanted = math.ceil(tokens * self.settings.output_ratio) + self.settings.output_margin
        return min(wanted, self.engine.max_output_tokens)

    def _larger(self, tokens: int) -> int:
        """The budget of a second try, for a piece that ran out of its first."""
        return min(2 * self._budget(tokens), self.engine.max_output_tokens)

    def _generate(self, batch: list[_Unit], budget: int, extra: dict) -> list[Generated]:
        """``extra``: more GenerationRequest fields (a retry's anti-repetition settings)."""
        request = GenerationRequest(num_beams=self.settings.num_beams, max_new_tokens=budget, **extra)
        return self.engine.generate([unit.text for unit in batch], request)


def _join(pieces: list[Generated]) -> TranslatedText:
    """One text's pieces, generated apart, as its translation."""
    return TranslatedText(
        text=" ".join(piece.text for piece in pieces if piece.text).strip(),
        pieces=len(pieces),
        hit_limit=any(piece.hit_limit for piece in pieces),
    )
