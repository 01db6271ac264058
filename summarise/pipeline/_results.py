"""What the pipeline gives back: results are dataclasses with ``to_dict()``.

:class:`Translation` (and :class:`Summary`, a translation plus its summary) hold the
sentence-aligned :class:`SentencePair` list, the :class:`ModelUsed` rows, the signature
and the per-call :class:`~summarise.pipeline._options.Options` that made them.  :class:`Prepared`
is an article read and split, ready to translate (bulk batches these).  They live here
so that :mod:`summarise.pipeline._summariser` holds the flow only; it re-exports every name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..text import RemovedLine, Detection
from ._options import Options
from ..checks import QualitySummary, Support, SummarySentence, document_quality
from ..inputs import Document
from ._signature import ModelIdentity
from ..text import Sentence

if TYPE_CHECKING:  # pragma: no cover
    from ..models import ModelSpec


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

# The HTML report is drawn by ``summarise.output``, a layer above this one: it installs its renderer here when
# it is imported (``import summarise`` imports it with the first result-making name), and results call it.
_html_renderer: Callable[[Translation], str] | None = None


def set_html_renderer(renderer: Callable[[Translation], str] | None) -> None:
    """The function that draws a result as HTML in notebooks (``_repr_html_``); None removes it."""
    global _html_renderer
    _html_renderer = renderer


def html_renderer() -> Callable[[Translation], str] | None:
    """The installed HTML renderer, or None (then a notebook shows the short ``repr``)."""
    return _html_renderer


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
        """Counts of the sentences' QA flags (see :mod:`summarise.checks._quality`)."""
        return document_quality(self.pairs)

    @property
    def flagged(self) -> bool:
        """Whether any sentence is flagged: what ``--strict`` counts as a failure."""
        return any(pair.flags for pair in self.pairs)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.source_lang}->en, {self._repr_counts()}>"

    def _repr_html_(self) -> str | None:
        """The HTML report, for notebooks (Jupyter calls this); None, and so the ``repr``, when no renderer is installed."""
        renderer = html_renderer()
        return None if renderer is None else renderer(self)

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
    # the summary checked against the translation (summarise.checks._facts.check_summary)
    summary_flags: list[str] = field(default_factory=list)
    summary_details: list[dict[str, Any]] = field(default_factory=list)
    # each summary sentence with the pairs behind it and its own flags (summarise.checks._attribution)
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


def result_from_dict(data: Any) -> Translation | Summary:
    """The result that ``to_dict()`` wrote (a :class:`Summary` when it has a ``summary``), to render again.

    Built for data a client sends back (the server renders a result it gave out), so
    every field is checked for its type; what does not fit is an :class:`InputError`
    naming the field.  ``quality`` and ``translation`` are derived, so they are
    recomputed from the pairs, never taken as sent; ``options`` are not rebuilt (a
    rendering does not show them).
    """
    try:
        return _rebuild(_of(data, dict, "result"))
    except _Misfit as exc:
        raise InputError(f"not a result as /v1/translate or /v1/summarise give it: {exc}") from None


class _Misfit(Exception):
    """A field of a result dict with the wrong type (the message names it)."""


def _of(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise _Misfit(f"{where} must be {names}")
    return value


def _strings(value: Any, where: str) -> list[str]:
    return [_of(item, str, f"{where}[{i}]") for i, item in enumerate(_of(value, list, where))]


def _field(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str, default: Any = ...) -> Any:
    if key not in data or (data[key] is None and default is not ...):
        if default is ...:
            raise _Misfit(f"{where}.{key} is missing")
        return default
    return _of(data[key], kind, f"{where}.{key}")


def _pair(data: Any, where: str) -> SentencePair:
    data = _of(data, dict, where)
    details = {
        _of(flag, str, f"{where}.details"): {
            _of(kind, str, f"{where}.details.{flag}"): _strings(values, f"{where}.details.{flag}.{kind}")
            for kind, values in _of(entry, dict, f"{where}.details.{flag}").items()
        }
        for flag, entry in _field(data, "details", dict, where, {}).items()
    }
    return SentencePair(
        source=_field(data, "source", str, where),
        translation=_field(data, "translation", str, where),
        start=_field(data, "start", int, where),
        end=_field(data, "end", int, where),
        paragraph=_field(data, "paragraph", int, where),
        pieces=_field(data, "pieces", int, where, 1),
        flags=_strings(data.get("flags") or [], f"{where}.flags"),
        details=details,
    )


def _model(data: Any, where: str) -> ModelUsed:
    data = _of(data, dict, where)
    optional = (str, type(None))
    return ModelUsed(
        role=_field(data, "role", str, where),
        name=_field(data, "name", str, where),
        source=_field(data, "id", str, where),
        revision=_field(data, "revision", optional, where, None),
        backend=_field(data, "backend", optional, where, None),
        quantization=_field(data, "quantization", optional, where, None),
        num_beams=_field(data, "num_beams", int, where),
    )


def _rebuild(data: dict[str, Any]) -> Translation | Summary:
    detection = _field(data, "detection", dict, "result", None)
    if detection is not None:
        detection = Detection(
            lang=_field(detection, "lang", str, "result.detection"),
            confidence=float(_field(detection, "confidence", (int, float), "result.detection")),
            sure=bool(_field(detection, "sure", bool, "result.detection")),
        )
    removed = []
    for i, line in enumerate(_field(data, "removed", list, "result", [])):
        where = f"result.removed[{i}]"
        line = _of(line, dict, where)
        removed.append(RemovedLine(_field(line, "text", str, where), _field(line, "start", int, where), _field(line, "end", int, where), _field(line, "reason", str, where)))
    timings = {
        _of(name, str, "result.timings"): float(_of(seconds, (int, float), f"result.timings.{name}"))
        for name, seconds in _field(data, "timings", dict, "result", {}).items()
    }
    common = dict(
        original=_field(data, "original", str, "result"),
        source_lang=_field(data, "source_lang", str, "result"),
        pairs=[_pair(pair, f"result.pairs[{i}]") for i, pair in enumerate(_field(data, "pairs", list, "result"))],
        models=[_model(model, f"result.models[{i}]") for i, model in enumerate(_field(data, "models", list, "result", []))],
        signature=_field(data, "signature", str, "result", ""),
        detection=detection,
        removed=removed,
        metadata=dict(_field(data, "metadata", dict, "result", {})),
        timings=timings,
    )
    if "summary" not in data:
        return Translation(**common)
    summary_details = [dict(_of(entry, dict, f"result.summary_details[{i}]")) for i, entry in enumerate(_field(data, "summary_details", list, "result", []))]
    for i, entry in enumerate(summary_details):
        _field(entry, "sentence", str, f"result.summary_details[{i}]")
        for kind in ("numbers", "names"):
            if kind in entry:
                entry[kind] = _strings(entry[kind], f"result.summary_details[{i}].{kind}")
    return Summary(
        **common,
        summary=_field(data, "summary", str, "result"),
        summary_stages=_field(data, "summary_stages", int, "result", 0),
        summary_lang=_field(data, "summary_lang", (str, type(None)), "result", None),
        summary_translated=_field(data, "summary_translated", (str, type(None)), "result", None),
        summary_flags=_strings(data.get("summary_flags") or [], "result.summary_flags"),
        summary_details=summary_details,
        summary_sentences=_summary_sentences(data, len(common["pairs"])),
    )


def _summary_sentences(data: dict[str, Any], pairs: int) -> list[SummarySentence]:
    """The summary's sentences with their support, each pair index checked to point at a pair."""
    sentences = []
    for i, entry in enumerate(_field(data, "summary_sentences", list, "result", [])):
        where = f"result.summary_sentences[{i}]"
        entry = _of(entry, dict, where)
        support = []
        for j, item in enumerate(_field(entry, "support", list, where, [])):
            item = _of(item, dict, f"{where}.support[{j}]")
            pair = _field(item, "pair", int, f"{where}.support[{j}]")
            if not 0 <= pair < pairs:
                raise _Misfit(f"{where}.support[{j}].pair must be the index of one of the {pairs} pairs")
            support.append(Support(pair, float(_field(item, "score", (int, float), f"{where}.support[{j}]"))))
        details = {flag: _strings(values, f"{where}.details.{flag}") for flag, values in _field(entry, "details", dict, where, {}).items()}
        sentences.append(SummarySentence(_field(entry, "text", str, where), support, _strings(entry.get("flags") or [], f"{where}.flags"), details))
    return sentences


__all__ = ["ModelUsed", "Prepared", "SentencePair", "Summary", "SummarySentence", "Translation", "html_renderer", "result_from_dict", "set_html_renderer"]
