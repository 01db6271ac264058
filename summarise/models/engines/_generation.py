"""A model's own generation settings, mapped onto each backend: one place, one table.

Published checkpoints carry tuned settings in ``generation_config.json``
(BART-CNN: forced BOS/EOS, length penalty 2.0, no 3-gram repeats, early stopping;
OPUS-MT: ``<pad>`` as a bad word).  PyTorch applies them natively; CTranslate2
gets each one through its own options, as :data:`MAPPING` says (docs/models.md's
table is this one).  Our own budgets (``min_new_tokens``/``max_new_tokens``)
always replace the model's ``min_length``/``max_length``, and a request's explicit
value (``--beams``, the registry, a retry's anti-repetition settings) wins over
the model's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ._base import GenerationRequest

# setting -> (PyTorch, CTranslate2): how each backend applies it.
MAPPING: dict[str, tuple[str, str]] = {
    "num_beams": ("request (registry / --beams) wins", "beam_size, the same value"),
    "min_length / max_length": ("replaced by our budgets (min/max_new_tokens)", "min/max_decoding_length from the same budgets"),
    "decoder_start_token_id": ("native", "the converted model's decoder_start_token (written from this value)"),
    "forced_bos_token_id": ("native", "target_prefix = [that token]"),
    "forced_eos_token_id": ("native: the last budgeted token is EOS", "one token less of budget, then EOS: the same text"),
    "eos_token_id": ("native", "the converted model's end token"),
    "suppress_tokens": ("native", "suppress_sequences, one per token"),
    "bad_words_ids": ("native", "suppress_sequences (OPUS-MT's [[pad]]: the converted vocabulary has no <pad> at all)"),
    "length_penalty": ("native, unless the request sets one", "length_penalty, the same value"),
    "no_repeat_ngram_size": ("native, unless the request sets one", "no_repeat_ngram_size, the same value"),
    "repetition_penalty": ("native, unless the request sets one", "repetition_penalty, the same value"),
    "early_stopping": ("native", "no switch: CTranslate2 stops a beam search by its own rule (patience 1), "
                       "close to early_stopping=True; the parity tests bound the difference (see docs/models.md)"),
}


@dataclass(frozen=True)
class ModelGeneration:
    """The settings of one model's ``generation_config`` that shape its output."""

    num_beams: int | None = None
    length_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0
    early_stopping: bool | str = False
    decoder_start_token_id: int | None = None
    forced_bos_token_id: int | None = None
    forced_eos_token_id: int | None = None
    bos_token_id: int | None = None
    eos_token_id: int | None = None
    pad_token_id: int | None = None
    suppress_tokens: tuple[int, ...] = ()
    bad_words_ids: tuple[tuple[int, ...], ...] = ()
    min_length: int | None = None  # recorded only: our budgets replace both
    max_length: int | None = None

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ModelGeneration:
        values: dict[str, Any] = {}
        for item in fields(cls):
            value = raw.get(item.name)
            if value is None:
                continue
            if item.name == "eos_token_id" and isinstance(value, list):
                value = value[0] if value else None
            if item.name == "forced_eos_token_id" and isinstance(value, list):
                value = value[0] if value else None
            if item.name == "suppress_tokens":
                value = tuple(int(t) for t in value)
            if item.name == "bad_words_ids":
                value = tuple(tuple(int(t) for t in seq) for seq in value)
            values[item.name] = value
        return cls(**values)

    @classmethod
    def from_config(cls, config: Any) -> ModelGeneration:
        """From a transformers ``GenerationConfig`` (or anything with ``to_dict``)."""
        return cls.from_dict(config.to_dict() if hasattr(config, "to_dict") else dict(vars(config)))

    @classmethod
    def from_file(cls, path: Path) -> ModelGeneration:
        """From a ``generation_config.json``; a folder without one has plain defaults."""
        if not path.is_file():
            return cls()
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    # -- what a request leaves to the model ------------------------------------

    def length_penalty_for(self, request: GenerationRequest) -> float:
        return self.length_penalty if request.length_penalty is None else request.length_penalty

    def no_repeat_for(self, request: GenerationRequest) -> int:
        return self.no_repeat_ngram_size if request.no_repeat_ngram_size is None else request.no_repeat_ngram_size

    def repetition_penalty_for(self, request: GenerationRequest) -> float:
        return self.repetition_penalty if request.repetition_penalty is None else request.repetition_penalty

    # -- the backends ----------------------------------------------------------

    def transformers_kwargs(self, request: GenerationRequest, max_new_tokens: int) -> dict[str, Any]:
        """``generate()`` keywords: the model's own settings stay in its generation_config,
        only the request's explicit values and our budgets are passed."""
        kwargs: dict[str, Any] = {
            "num_beams": request.num_beams,
            "max_new_tokens": max_new_tokens,
            "min_new_tokens": min(request.min_new_tokens, max_new_tokens) or None,
            "do_sample": False,
        }
        if request.num_beams == 1:
            kwargs["early_stopping"] = False  # no beams to stop early; keeps transformers from warning
        for name in ("length_penalty", "no_repeat_ngram_size", "repetition_penalty"):
            value = getattr(request, name)
            if value is not None:
                kwargs[name] = value
        return kwargs

    def ctranslate2_kwargs(
        self, request: GenerationRequest, max_new_tokens: int, token: Callable[[int], str], vocabulary: frozenset[str] | None = None
    ) -> dict[str, Any]:
        """``translate_batch()`` keywords carrying the same settings; ``token`` turns an id into its string.

        A suppressed sequence with a token the converted vocabulary lacks is left out: CTranslate2
        cannot write it anyway (its Marian converter drops ``<pad>``, OPUS-MT's one bad word).
        """
        prefix = [token(self.forced_bos_token_id)] if self.forced_bos_token_id is not None else []
        # PyTorch forces EOS as the last budgeted token; here the budget is one less and the
        # caller appends that EOS (see ``forces_eos``).
        budget = max_new_tokens - 1 if self.forces_eos and max_new_tokens > 1 + len(prefix) else max_new_tokens
        suppressed = [[token(t)] for t in self.suppress_tokens]
        suppressed += [[token(t) for t in sequence] for sequence in self.bad_words_ids]
        if vocabulary is not None:
            suppressed = [sequence for sequence in suppressed if all(t in vocabulary for t in sequence)]
        return {
            "target_prefix": prefix or None,
            "beam_size": request.num_beams,
            "max_decoding_length": budget,
            "min_decoding_length": min(request.min_new_tokens, budget),
            "length_penalty": self.length_penalty_for(request),
            "no_repeat_ngram_size": self.no_repeat_for(request),
            "repetition_penalty": self.repetition_penalty_for(request),
            "suppress_sequences": suppressed or None,
        }

    @property
    def forces_eos(self) -> bool:
        return self.forced_eos_token_id is not None and self.forced_eos_token_id == self.eos_token_id

    def describe(self) -> str:
        """The settings that differ from plain greedy defaults, for logs and the docs."""
        parts = []
        for name, short in (("length_penalty", "lp"), ("no_repeat_ngram_size", "nr"), ("repetition_penalty", "rp")):
            value, default = getattr(self, name), getattr(ModelGeneration, name)
            if value != default:
                parts.append(f"{short}{value}")
        if self.early_stopping:
            parts.append("es")
        if self.forced_bos_token_id is not None:
            parts.append("fbos")
        if self.forced_eos_token_id is not None:
            parts.append("feos")
        if self.suppress_tokens or self.bad_words_ids:
            parts.append("sup")
        return ",".join(parts) or "plain"


def request_signature(request_overrides: dict[str, Any]) -> str:
    """``gen:model`` when the model's own settings ruled, else the overrides on top of them."""
    set_here = {k: v for k, v in request_overrides.items() if v is not None}
    if not set_here:
        return "gen:model"
    short = {"length_penalty": "lp", "no_repeat_ngram_size": "nr", "repetition_penalty": "rp"}
    return "gen:model+" + ",".join(f"{short.get(k, k)}{v}" for k, v in sorted(set_here.items()))
