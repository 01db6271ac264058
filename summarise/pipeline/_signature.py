"""How a result was made, in one line: model identities and settings, as sacrebleu's signatures.

:class:`ModelIdentity` is the one place a model's identity is computed
(``source@revision+backend+precision``): signatures, translation-cache keys
and bulk resume all read it.  :class:`Signature` is the value behind the
``mt:…|beams:4|…|v:0.1.0`` strings that results and bulk records carry:
:meth:`Signature.format` writes one, :meth:`Signature.parse` reads one back.
The string form is unchanged from earlier versions.  Signatures written by
0.1.0 lack two parts added since with a fixed implied value: the backend of a
model label (then always PyTorch: ``transformers``) and the generation-settings
parts (``gen:model``/``sgen:model``: then always the model's own).
:meth:`Signature.normalised` fills those in, and :func:`same_settings` (what bulk
resume compares) compares normalised signatures, so an old record counts as done
exactly when today's run would use the same settings.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..models import ModelSpec

DEFAULT_BACKEND = "transformers"
OLD_BACKEND = "transformers"  # what a model label without a backend ran on (0.1.0: PyTorch only)
MODEL_PARTS = ("mt", "sum")  # parts whose value is a model label (``slang`` is ``lang:label``)


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

    def normalised(self) -> Signature:
        """The same signature with the parts older versions left implied written out.

        A model label without a backend gets ``+transformers`` (0.1.0 ran PyTorch only); a
        signature that translated (``mt`` not ``none``) without ``gen`` gets ``gen:model`` after
        ``beams``; one with a summariser (``sum``) without ``sgen`` gets ``sgen:model`` after
        ``len``.  Every other part, the version included, is left as it is.
        """
        parts: list[tuple[str, str]] = []
        for key, value in self.parts:
            if key in MODEL_PARTS and value != "none":
                value = _with_backend(value)
            elif key == "slang":
                lang, colon, label = value.partition(":")
                value = f"{lang}:{_with_backend(label)}" if colon else value
            parts.append((key, value))
        keys = [key for key, _ in parts]
        if self.get("mt") not in (None, "none") and "gen" not in keys:
            parts.insert(keys.index("beams") + 1 if "beams" in keys else keys.index("mt") + 1, ("gen", "model"))
            keys = [key for key, _ in parts]
        if "sum" in keys and "sgen" not in keys:
            parts.insert(keys.index("len") + 1 if "len" in keys else keys.index("sum") + 1, ("sgen", "model"))
        return Signature(tuple(parts))


def _with_backend(label: str) -> str:
    """``source@revision[+precision]`` -> ``source@revision+transformers[+precision]``; a label naming its backend as it is."""
    source, at, rest = label.rpartition("@")
    if not at:
        return label
    from ..models.engines import BACKEND_NAMES  # light: the table, no engine

    revision, *extras = rest.split("+")
    if extras and extras[0] in BACKEND_NAMES:
        return label
    return "+".join([f"{source}@{revision}", OLD_BACKEND, *extras])


@functools.lru_cache(maxsize=256)
def same_settings(recorded: str, current: str) -> bool:
    """Whether a recorded signature and the one this run gives name the same settings (bulk resume's test).

    Equal strings are; otherwise both are read and :meth:`Signature.normalised`, so a signature
    from 0.1.0 matches today's for the same backend (PyTorch), precision, beams, models and
    generation settings, and any real difference (another backend, model, option or version) does not.
    An unreadable signature matches nothing but itself.
    """
    if recorded == current:
        return True
    try:
        return Signature.parse(recorded).normalised() == Signature.parse(current).normalised()
    except ValueError:
        return False


__all__ = ["ModelIdentity", "Signature", "same_settings"]
