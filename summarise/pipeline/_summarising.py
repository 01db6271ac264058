"""Summaries of English text of any length, in stages of window-sized chunks.

Text that fits the summariser's window is summarised at once.  Longer text
is cut into groups of whole sentences that fit, each group is summarised, and
the joined summaries are summarised again until they fit: a map-reduce that
never truncates its input.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import SummariseError
from ..checks import summary_sentences
from ..models.engines import Engine, Generated, GenerationRequest
from ..text import split_long, split_sentences

LENGTHS: dict[str, tuple[float, float]] = {
    # share of the input's tokens: (least, most)
    "short": (0.10, 0.25),
    "medium": (0.20, 0.40),
    "long": (0.35, 0.60),
}
MAX_STAGES = 8
FLOOR_TOKENS = 8  # no summary bound goes below this: a title-length sentence


@dataclass(frozen=True)
class SummarySettings:
    length: str = "short"
    num_beams: int = 4
    min_tokens: int | None = None  # explicit bounds override the length preset
    max_tokens: int | None = None

    def __post_init__(self) -> None:
        if self.length not in LENGTHS:
            raise SummariseError(f"unknown summary length '{self.length}', expected one of: {', '.join(LENGTHS)}")
        if self.min_tokens is not None and self.max_tokens is not None and self.min_tokens > self.max_tokens:
            raise SummariseError(f"--min-tokens {self.min_tokens} is above --max-tokens {self.max_tokens}: swap them")

    def signature(self) -> str:
        if self.min_tokens is not None or self.max_tokens is not None:
            length = f"tok{self.min_tokens or 0}-{self.max_tokens or 'auto'}"
        else:
            length = self.length
        # sgen:model: the summariser's own generation_config (length penalty, n-gram blocking, forced
        # tokens...) shaped the output, under our length budget (see summarise.models.engines._generation).
        return f"sbeams:{self.num_beams}|len:{length}|sgen:model"


# Per sentence, its weight on each input sentence (index into the sentences summarised): a sparse row.
Weights = dict[int, float]


@dataclass(frozen=True)
class SummaryOutcome:
    text: str
    stages: int  # 1 when the text fitted the window at once
    chunks: int  # how many chunks the first stage had
    input_tokens: int
    hit_limit: bool
    # The summary's sentences (summarise.checks._attribution.summary_sentences) and, with attribution on,
    # each one's attention over the input sentences, traced through every stage: rows that sum to 1.
    sentences: tuple[str, ...] = ()
    attention: tuple[Weights, ...] | None = None


@dataclass(frozen=True)
class _Unit:
    """One sentence a stage summarises: the input's own, or an earlier stage's, with what it rests on."""

    text: str
    origin: Weights  # its weight on each input sentence; {i: 1.0} for input sentence i


@dataclass(frozen=True)
class _Reduced:
    """A document brought down to one window: what its final pass summarises."""

    units: list[_Unit]
    tokens: int
    stages: int  # intermediate stages it took (0 when it fitted at once)
    chunks: int  # chunks of the first stage
    input_tokens: int
    hit_limit: bool

    @property
    def text(self) -> str:
        return " ".join(unit.text for unit in self.units)


def length_bounds(input_tokens: int, settings: SummarySettings, model_min: int, model_max: int) -> tuple[int, int]:
    """(min_new_tokens, max_new_tokens) for a summary of ``input_tokens``, scaled with the input.

    A short article must not be padded out to a model's fixed ``min_length``:
    the minimum shrinks with the input, and never reaches the maximum.
    """
    low, high = LENGTHS[settings.length]
    most = min(model_max, max(FLOOR_TOKENS, math.ceil(input_tokens * high)))
    least = min(model_min, math.ceil(input_tokens * low))
    if settings.max_tokens is not None:
        most = settings.max_tokens
    if settings.min_tokens is not None:
        least = settings.min_tokens
    return max(0, min(least, most - 1)), max(1, most)


class Summarizer:
    """Summarise with one engine, in as many stages as the text needs.

    With ``attribution`` on, every pass asks the engine for its cross-attention, and each
    summary sentence carries its attention over the input sentences, traced back through the
    stages (a sentence of stage 2 rests on stage-1 sentences, which rest on the input's).
    """

    def __init__(self, engine: Engine, settings: SummarySettings | None = None, *, attribution: bool = True) -> None:
        self.engine = engine
        self.settings = settings or SummarySettings(num_beams=engine.spec.num_beams)
        self.attribution = attribution
        spec = engine.spec
        self.model_min = spec.min_new_tokens
        self.model_max = spec.max_new_tokens or 142

    def summarise(self, sentences: list[str], progress: Callable[[str], None] | None = None) -> SummaryOutcome:
        return self.summarise_many([sentences], progress)[0]

    def summarise_many(self, documents: list[list[str]], progress: Callable[[str], None] | None = None) -> list[SummaryOutcome]:
        """Summaries of several documents; their final passes share batches (a bulk window's articles)."""
        reduced = [self._reduce(sentences, progress) for sentences in documents]
        finals = [r for r in reduced if r is not None]
        requests = [(r.text, *length_bounds(r.tokens, self.settings, self.model_min, self.model_max)) for r in finals]
        outputs = iter(self._generate_grouped(requests))
        outcomes = []
        for r in reduced:
            if r is None:
                outcomes.append(SummaryOutcome(text="", stages=0, chunks=0, input_tokens=0, hit_limit=False))
                continue
            final = next(outputs)
            sentences = summary_sentences(final.text)
            attention = None
            if self.attribution:
                attention = tuple(unit.origin for unit in self._trace(r.units, final, sentences))
            outcomes.append(
                SummaryOutcome(
                    text=final.text,
                    stages=r.stages + 1,
                    chunks=r.chunks or 1,
                    input_tokens=r.input_tokens,
                    hit_limit=r.hit_limit or final.hit_limit,
                    sentences=tuple(sentences),
                    attention=attention,
                )
            )
        return outcomes

    def _reduce(self, sentences: list[str], progress: Callable[[str], None] | None) -> _Reduced | None:
        """Summarise window-sized chunks, stage after stage, until the text fits the window."""
        units = [_Unit(text, {index: 1.0}) for index, text in enumerate(sentences) if text.strip()]
        if not units:
            return None
        window = self.engine.max_input_tokens
        counts = self.engine.count_tokens([unit.text for unit in units])
        input_tokens = sum(counts)
        total = self.engine.count_tokens([" ".join(unit.text for unit in units)])[0]
        stages, first_chunks, hit_limit = 0, 0, False
        while total > window:
            stages += 1
            if stages >= MAX_STAGES:
                raise SummariseError(f"summary did not converge in {MAX_STAGES} stages (a summariser with a larger window would, or a shorter summary)",
                                     option="length", example="short")
            chunks = self._chunks(units, counts, window)
            first_chunks = first_chunks or len(chunks)
            if progress:
                progress(f"summary stage {stages}: {len(chunks)} chunks")
            # Intermediate summaries keep at most half of each chunk, so every stage shrinks the text.
            requests = []
            for chunk in chunks:
                text = " ".join(unit.text for unit in chunk)
                chunk_tokens = self.engine.count_tokens([text])[0]
                least, most = length_bounds(chunk_tokens, SummarySettings(length="medium", num_beams=self.settings.num_beams), self.model_min, self.model_max)
                most = max(1, min(most, chunk_tokens // 2))
                requests.append((text, min(least, most - 1), most))
            outputs = self._generate_grouped(requests)
            hit_limit = hit_limit or any(output.hit_limit for output in outputs)
            units = []
            for chunk, output in zip(chunks, outputs):
                if not output.text:
                    continue
                written = [s.text for s in split_sentences(output.text, "en")] or [output.text]
                units.extend(self._trace(chunk, output, written) if self.attribution else [_Unit(text, {}) for text in written])
            if not units:  # every chunk summarised to nothing: the next pass summarises nothing, as before
                units = [_Unit("", {})]
            counts = self.engine.count_tokens([unit.text for unit in units])
            total = self.engine.count_tokens([" ".join(unit.text for unit in units)])[0]
        return _Reduced(units, total, stages, first_chunks, input_tokens, hit_limit)

    def _trace(self, chunk: list[_Unit], output: Generated, written: list[str]) -> list[_Unit]:
        """The sentences ``written`` from ``chunk``, each resting on the chunk's input sentences by its attention."""
        if not written:
            return []
        rows = output.attention or ()
        if not rows:
            return [_Unit(text, {}) for text in written]
        columns = len(rows[0])
        owner = _owners(self._token_ends([unit.text for unit in chunk]), columns)
        ends = _scaled(self._token_ends(written), len(rows))
        traced, start = [], 0
        for text, end in zip(written, ends):
            per_unit = [0.0] * len(chunk)
            for row in rows[start:end]:
                for column, value in enumerate(row):
                    per_unit[owner[column]] += value
            start = end
            weights: Weights = {}
            for unit, value in zip(chunk, per_unit):
                for index, share in unit.origin.items():
                    weights[index] = weights.get(index, 0.0) + value * share
            mass = sum(weights.values())
            traced.append(_Unit(text, {index: value / mass for index, value in weights.items()} if mass > 0 else {}))
        return traced

    def _token_ends(self, texts: list[str]) -> list[int]:
        """Where each of ``texts`` ends, in content tokens of the texts joined by spaces (special tokens not counted)."""
        specials = self.engine.count_tokens([""])[0]
        prefixes = [" ".join(texts[: k + 1]) for k in range(len(texts))]
        return [max(0, count - specials) for count in self.engine.count_tokens(prefixes)]

    def _request(self, least: int, most: int) -> GenerationRequest:
        return GenerationRequest(
            num_beams=self.settings.num_beams,
            min_new_tokens=least,
            max_new_tokens=most,
            attention=self.attribution,
        )

    def _generate_grouped(self, requests: list[tuple[str, int, int]]) -> list:
        """Chunks with the same bounds share a batch; most chunks are full, so most share one."""
        outputs: list = [None] * len(requests)
        groups: dict[tuple[int, int], list[int]] = {}
        for index, (_, least, most) in enumerate(requests):
            groups.setdefault((least, most), []).append(index)
        for (least, most), indices in groups.items():
            for start in range(0, len(indices), 8):
                part = indices[start : start + 8]
                results = self.engine.generate([requests[i][0] for i in part], self._request(least, most))
                for index, result in zip(part, results):
                    outputs[index] = result
        return outputs

    def _chunks(self, units: list[_Unit], counts: list[int], window: int) -> list[list[_Unit]]:
        """Greedy groups of whole sentences under ``window``; a sentence over it is cut at clauses (each piece its own chunk)."""
        groups: list[list[_Unit]] = []
        current: list[_Unit] = []
        size = 0
        for unit, count in zip(units, counts):
            if count > window:
                pieces = [unit.text[start:end] for start, end in split_long(unit.text, window, self.engine.count_tokens)]
                groups.extend([_Unit(piece, unit.origin)] for piece in pieces)
                continue
            if current and size + count > window:
                groups.append(current)
                current, size = [], 0
            current.append(unit)
            size += count
        if current:
            groups.append(current)
        chunks: list[list[_Unit]] = []
        # Per-sentence counts approximate the joined count; check, and halve any group that does not fit.
        while groups:
            group = groups.pop(0)
            if len(group) > 1 and self.engine.count_tokens([" ".join(unit.text for unit in group)])[0] > window:
                middle = len(group) // 2
                groups[:0] = [group[:middle], group[middle:]]
                continue
            chunks.append(group)
        return chunks


def _scaled(ends: list[int], total: int) -> list[int]:
    """Token ends stretched to ``total``: re-encoding a text may count a token or two off what the model saw."""
    if not ends or ends[-1] <= 0:
        return [total] * len(ends)
    return [round(end * total / ends[-1]) for end in ends]


def _owners(ends: list[int], columns: int) -> list[int]:
    """For each of ``columns`` input tokens, the index of the sentence it belongs to."""
    ends = _scaled(ends, columns)
    owner, current = [], 0
    for column in range(columns):
        while current < len(ends) - 1 and column >= ends[current]:
            current += 1
        owner.append(current)
    return owner
