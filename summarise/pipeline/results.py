"""What the pipeline gives back: results are dataclasses with ``to_dict()``.

:class:`Translation` (and :class:`Summary`, a translation plus its summary) hold the
sentence-aligned :class:`SentencePair` list, the :class:`ModelUsed` rows, the signature
and the per-call :class:`~summarise.pipeline.options.Options` that made them.  :class:`Prepared`
is an article read and split, ready to translate (bulk batches these).  They live here
so that :mod:`summarise.pipeline.summariser` holds the flow only; it re-exports every name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..text.boilerplate import RemovedLine
from ..text.detecting import Detection
from .options import Options
from ..checks.attribution import SummarySentence
from ..checks.quality import QualitySummary, document_quality
from ..inputs.reading import Document
from .signature import ModelIdentity
from ..text.splitting import Sentence

if TYPE_CHECKING:  # pragma: no cover
    from ..models.spec import ModelSpec


@dataclass
class SentencePair:
    """One source sentence, its offsets in the original, and its English."""

    source: str
    translation: str
    start: int
    end: int
    paragraph: int
    pieces: int = 1  # >1 when the sentence was longer than the model's window and was cut
    flags: list[str] = field(default_factory=list)
    cached: bool = field(default=False, compare=False)  # served by the translation cache (not in to_dict)
    # per flag, what it found: {"numbers": {"missing": ["3,5"], "added": ["35"]}, "names": {"missing": [...]}}
    details: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "source": self.source,
            "translation": self.translation,
            "start": self.start,
            "end": self.end,
            "paragraph": self.paragraph,
        }
        if self.pieces > 1:
            data["pieces"] = self.pieces
        if self.flags:
            data["flags"] = list(self.flags)
        if self.details:
            data["details"] = {flag: {kind: list(values) for kind, values in entry.items()} for flag, entry in self.details.items()}
        return data


@dataclass(frozen=True)
class ModelUsed:
    role: str
    name: str
    source: str
    revision: str | None
    backend: str
    quantization: str | None
    num_beams: int

    @classmethod
    def of(cls, role: str, spec: ModelSpec, num_beams: int) -> ModelUsed:
        return cls(role, spec.name, spec.source, spec.revision, spec.backend, spec.quantization, num_beams)

    @property
    def identity(self) -> ModelIdentity:
        return ModelIdentity(self.source, self.revision, self.backend, self.quantization)

    @property
    def label(self) -> str:
        return self.identity.label

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "name": self.name,
            "id": self.source,
            "revision": self.revision,
            "backend": self.backend,
            "quantization": self.quantization,
            "num_beams": self.num_beams,
        }


REPR_SUMMARY_CHARS = 60  # the start of the summary a repr shows


@dataclass(repr=False)  # the whole article in a repr buries a prompt: __repr__ is a short line
class Translation:
    """An article and its sentence-aligned English translation."""

    original: str
    source_lang: str
    pairs: list[SentencePair]
    models: list[ModelUsed]
    signature: str
    detection: Detection | None = None
    removed: list[RemovedLine] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    options: Options | None = None  # the per-call options that made it

    @property
    def quality(self) -> QualitySummary:
        """Counts of the sentences' QA flags (see :mod:`summarise.checks.quality`)."""
        return document_quality(self.pairs)

    @property
    def flagged(self) -> bool:
        """Whether any sentence is flagged: what ``--strict`` counts as a failure."""
        return any(pair.flags for pair in self.pairs)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.source_lang}->en, {self._repr_counts()}>"

    def _repr_counts(self) -> str:
        flags = self.quality.describe()
        return f"{len(self.pairs)} sentences, {flags}"

    @property
    def translation(self) -> str:
        """The English text, paragraph by paragraph."""
        return "\n\n".join(english for _, english in self.paragraphs())

    def paragraphs(self) -> list[tuple[str, str]]:
        """(original paragraph, English paragraph) pairs; line breaks inside a paragraph are kept."""
        grouped: dict[int, list[SentencePair]] = {}
        for pair in self.pairs:
            grouped.setdefault(pair.paragraph, []).append(pair)
        result = []
        for members in grouped.values():
            source_parts, english_parts = [members[0].source], [members[0].translation]
            for before, pair in zip(members, members[1:]):
                gap = self.original[before.end : pair.start]
                joiner = "\n" if "\n" in gap else " "
                source_parts.append(joiner + pair.source)
                english_parts.append(joiner + pair.translation)
            result.append(("".join(source_parts), "".join(english_parts)))
        return result

    def to_dict(self) -> dict[str, Any]:
        return {
            "source_lang": self.source_lang,
            "detection": self.detection.to_dict() if self.detection else None,
            "original": self.original,
            "pairs": [pair.to_dict() for pair in self.pairs],
            "translation": self.translation,
            "quality": self.quality.to_dict(),
            "removed": [line.to_dict() for line in self.removed],
            "metadata": dict(self.metadata),
            "models": [model.to_dict() for model in self.models],
            "timings": {key: round(value, 4) for key, value in self.timings.items()},
            "signature": self.signature,
            "options": self.options.to_dict() if self.options is not None else None,
        }


@dataclass(repr=False)
class Summary(Translation):
    """A translation plus a short English summary."""

    summary: str = ""
    summary_stages: int = 0
    summary_lang: str | None = None  # set when the summary was also translated (--summary-lang)
    summary_translated: str | None = None
    # the summary checked against the translation (summarise.checks.facts.check_summary)
    summary_flags: list[str] = field(default_factory=list)
    summary_details: list[dict[str, Any]] = field(default_factory=list)
    # each summary sentence with the pairs behind it and its own flags (summarise.checks.attribution)
    summary_sentences: list[SummarySentence] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        """A flagged sentence or a flagged summary: what ``--strict`` counts as a failure."""
        return bool(self.summary_flags) or super().flagged

    def __repr__(self) -> str:
        start = self.summary if len(self.summary) <= REPR_SUMMARY_CHARS else self.summary[: REPR_SUMMARY_CHARS - 1] + "…"
        summary_flags = f", summary flagged: {', '.join(self.summary_flags)}" if self.summary_flags else ""
        return f"<{type(self).__name__} {self.source_lang}->en, {self._repr_counts()}{summary_flags}, summary: {start!r}>"

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data["summary_stages"] = self.summary_stages
        head = {
            "summary": self.summary,
            "summary_lang": self.summary_lang,
            "summary_translated": self.summary_translated,
            "summary_flags": list(self.summary_flags),
            "summary_details": [dict(entry) for entry in self.summary_details],
            "summary_sentences": [sentence.to_dict() for sentence in self.summary_sentences],
        }
        return {**head, **data}


@dataclass
class Prepared:
    """An article read, language known, split into sentences: ready to translate."""

    document: Document
    lang: str
    detection: Detection | None
    sentences: list[Sentence]
    removed: list[RemovedLine]
    seconds: float
    options: Options = field(default_factory=Options)


__all__ = ["ModelUsed", "Prepared", "SentencePair", "Summary", "SummarySentence", "Translation"]
