"""How a result was made, in one line: model identities and settings, as sacrebleu's signatures.

:class:`ModelIdentity` is the one place a model's identity is computed
(``source@revision+backend+precision``): signatures, translation-cache keys
and bulk resume all read it.  :class:`Signature` is the value behind the
``mt:…|beams:4|…|v:0.1.0`` strings that results and bulk records carry:
:meth:`Signature.format` writes one, :meth:`Signature.parse` reads one back.
The string form is unchanged from earlier versions, so records written before
still compare equal and resume.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .registry import ModelSpec

DEFAULT_BACKEND = "transformers"


@dataclass(frozen=True)
class ModelIdentity:
    """What names a model's outputs: where it comes from, which revision, which backend and precision."""

    source: str
    revision: str | None = None
    backend: str | None = DEFAULT_BACKEND  # None: not yet resolved (see engines.runnable_spec)
    precision: str | None = None  # the quantization that really runs (after the device's fallbacks)

    @classmethod
    def of(cls, spec: ModelSpec) -> ModelIdentity:
        """The identity of ``spec`` as given: pass the spec as it will run (``loading.runnable_spec``)."""
        return cls(spec.source, spec.revision, spec.backend, spec.quantization)

    @property
    def pinned(self) -> str:
        """``source@revision`` (``@unpinned`` without one)."""
        return f"{self.source}@{self.revision or 'unpinned'}"

    @property
    def label(self) -> str:
        """``source@revision+backend+precision`` (full precision left out): what signatures show."""
        label = self.pinned
        if self.backend:
            label += f"+{self.backend}"
        if self.precision:
            label += f"+{self.precision}"
        return label

    @property
    def cache_key(self) -> str:
        """The model part of a translation-cache key (this form since the first cache: old caches keep hitting)."""
        return f"{self.pinned}|{self.backend}|{self.precision}"


@dataclass(frozen=True)
class Signature:
    """An ordered list of ``key:value`` parts; ``format()`` gives ``key:value|key:value``."""

    parts: tuple[tuple[str, str], ...]

    def format(self) -> str:
        return "|".join(f"{key}:{value}" for key, value in self.parts)

    __str__ = format

    @classmethod
    def parse(cls, text: str) -> Signature:
        """Read a formatted signature back; a part without ``:`` is an error naming it."""
        parts = []
        for part in text.split("|") if text else []:
            key, colon, value = part.partition(":")
            if not colon or not key:
                raise ValueError(f"not a signature part: {part!r} (expected key:value) in {text!r}")
            parts.append((key, value))
        return cls(tuple(parts))

    def get(self, key: str, default: str | None = None) -> str | None:
        return next((value for k, value in self.parts if k == key), default)

    def keys(self) -> list[str]:
        return [key for key, _ in self.parts]


__all__ = ["ModelIdentity", "Signature"]
