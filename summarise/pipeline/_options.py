"""Per-call options: what may change from one article to the next without loading another model.

:class:`Options` holds beams, summary length and bounds, the summary's second
language and the boilerplate policy.  ``Summariser(...)`` holds the model
settings (registry, device, backend, precision, threads, cache) and takes an
``Options`` per call; the options come back inside the result, as
faster-whisper's ``TranscriptionInfo`` carries its ``transcription_options``.

Adding an option is one field here, its check in ``_check`` and, when it
changes the output, its part in :meth:`Options.signature_parts`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from ..errors import OptionsError
from ..text import Glossary, keep_terms

MAX_BEAMS = 16


def _lengths() -> tuple[str, ...]:
    from ._summarising import LENGTHS  # the one table of summary lengths

    return tuple(LENGTHS)


@dataclass(frozen=True)
class Options:
    """How one call translates and summarises; every field has the default ``summarise run`` uses.

    ``num_beams``: beam size for translation and summary (None: each model's
    own from the registry; 1 is greedy).  ``length``: ``short``, ``medium`` or
    ``long``, scaled with the article.  ``min_tokens``/``max_tokens``: explicit
    summary bounds, overriding ``length``.  ``summary_lang``: also translate
    the English summary into this language.  ``keep_boilerplate``: translate
    share widgets, ad markers and related-links lists too.  ``keep``: terms
    kept verbatim through translation (links always are).  ``glossary``: source
    terms that come out as given (a :class:`~summarise.text._protecting.Glossary`, a
    TSV path, a ``{source: target}`` mapping or ``(source, target[, langs])``
    rows).  See :mod:`summarise.text._protecting`.  ``attribution``: ask the summariser
    for its cross-attention too, as evidence of the article sentences behind each summary
    sentence (off: word overlap alone; see :mod:`summarise.checks._attribution`).
    """

    num_beams: int | None = None
    length: str = "short"
    min_tokens: int | None = None
    max_tokens: int | None = None
    summary_lang: str | None = None
    keep_boilerplate: bool = False
    keep: tuple[str, ...] = ()
    glossary: Glossary = field(default_factory=Glossary)
    attribution: bool = True

    def __post_init__(self) -> None:
        _check(self)

    def replace(self, **changes: Any) -> Options:
        """A copy with ``changes``, checked again."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["keep"] = list(self.keep)
        data["glossary"] = [[e.source, e.target, list(e.langs)] for e in self.glossary.entries]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Options:
        """The inverse of :meth:`to_dict`; unknown keys are an error that names the known ones."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise OptionsError(f"unknown option(s) {', '.join(unknown)}: expected some of {', '.join(sorted(known))}")
        return cls(**data)

    def signature_parts(self) -> list[tuple[str, str]]:
        """The parts of a result's signature that come from these options alone, in signature order.

        Options whose effect depends on a model (beams, length: the model's
        defaults fill them in) are named by the summariser next to that model.
        """
        return [("bp", "kept" if self.keep_boilerplate else "removed")]

    def protection(self, registry_keep: tuple[str, ...] = ()):
        """What this call protects: links, the registry's and these keep terms, this glossary."""
        from ..text import Protection

        return Protection(keep_terms([*registry_keep, *self.keep]), self.glossary)


def _check(options: Options) -> None:
    beams = options.num_beams
    if beams is not None and (isinstance(beams, bool) or not isinstance(beams, int) or not 1 <= beams <= MAX_BEAMS):
        raise OptionsError(f"num_beams must be a whole number from 1 to {MAX_BEAMS} (1 is greedy), not {beams!r}")
    if options.length not in _lengths():
        raise OptionsError(f"unknown summary length {options.length!r}, expected one of: {', '.join(_lengths())}")
    for name in ("min_tokens", "max_tokens"):
        value = getattr(options, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < (0 if name == "min_tokens" else 1)):
            least = 0 if name == "min_tokens" else 1
            raise OptionsError(f"{name} must be a whole number of at least {least}, not {value!r}")
    if options.min_tokens is not None and options.max_tokens is not None and options.min_tokens > options.max_tokens:
        raise OptionsError(f"min_tokens {options.min_tokens} is above max_tokens {options.max_tokens}: swap them")
    if options.summary_lang is not None:
        from ..text import check_language_code

        if not isinstance(options.summary_lang, str):
            raise OptionsError(f"summary_lang must be a language code such as fr, not {options.summary_lang!r}")
        code = check_language_code(options.summary_lang)
        object.__setattr__(options, "summary_lang", None if code == "en" else code)
    if not isinstance(options.attribution, bool):
        raise OptionsError(f"attribution must be True or False, not {options.attribution!r}")
    if not isinstance(options.keep_boilerplate, bool):
        raise OptionsError(f"keep_boilerplate must be True or False, not {options.keep_boilerplate!r}")
    keep = options.keep
    if isinstance(keep, str):
        keep = [keep]
    if not isinstance(keep, (list, tuple)) or not all(isinstance(term, str) for term in keep):
        raise OptionsError(f"keep must be a list of terms, not {options.keep!r}")
    object.__setattr__(options, "keep", keep_terms(keep))
    if not isinstance(options.glossary, Glossary):
        try:
            object.__setattr__(options, "glossary", Glossary.of(options.glossary))
        except (TypeError, ValueError):
            raise OptionsError(f"glossary must be a Glossary, a TSV path, a mapping or (source, target[, langs]) rows, not {options.glossary!r}") from None


__all__ = ["MAX_BEAMS", "Options"]
