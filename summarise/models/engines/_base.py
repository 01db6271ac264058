"""What every engine shares, without torch or ctranslate2: the engine protocol, the request
and result types, and the token window.

Backend modules (:mod:`.transformers`, :mod:`.ctranslate2`) import this one; this one
imports none of them.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ...errors import SummariseError

if TYPE_CHECKING:  # pragma: no cover
    from .._spec import ModelSpec

logger = logging.getLogger("summarise")

@dataclass(frozen=True)
class GenerationRequest:
    """Everything ``generate`` needs besides the texts; a value so it can key caches.

    ``None`` means "the model's own setting" (its ``generation_config.json``): see
    :mod:`summarise.models.engines._generation` for how each backend applies those.
    """

    num_beams: int = 4
    max_new_tokens: int = 256
    min_new_tokens: int = 0
    no_repeat_ngram_size: int | None = None
    repetition_penalty: float | None = None
    length_penalty: float | None = None
    attention: bool = False  # also return the cross-attention of each token written (summary attribution)


# Per token written (special tokens left out), its attention over the input's tokens (special tokens left out).
Attention = tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class Generated:
    text: str
    tokens: int
    hit_limit: bool  # stopped by max_new_tokens, not by an end-of-sequence token
    attention: Attention | None = None  # when the request asked for it


def content_attention(rows: Any, source_special: list[bool], target_special: list[bool]) -> Attention:
    """``rows`` (one per token written, one column per input token) without the special tokens' rows and columns.

    What is left lines up with the text: columns with the input's words, rows with the output's, so the
    caller can map both to sentences by counting tokens (:mod:`summarise.pipeline._summarising`).
    """
    columns = [j for j, special in enumerate(source_special) if not special]
    kept = []
    for row, special in zip(rows, target_special):
        if special:
            continue
        kept.append(tuple(float(row[j]) for j in columns if j < len(row)))
    return tuple(kept)


class Engine(Protocol):
    spec: ModelSpec
    device: str

    @property
    def max_input_tokens(self) -> int: ...

    @property
    def max_output_tokens(self) -> int: ...

    def count_tokens(self, texts: list[str]) -> list[int]: ...

    def generate(self, texts: list[str], request: GenerationRequest) -> list[Generated]: ...


class TokenWindow:
    """What every engine shares: the tokenizer counts, the model's position table bounds.

    Subclasses set ``spec`` and ``tokenizer`` and say how many ``positions`` the model has.
    """

    spec: ModelSpec
    tokenizer: Any

    @property
    def positions(self) -> int | None:
        return None

    @property
    def max_input_tokens(self) -> int:
        limit = self.spec.max_input_tokens
        return min(limit, self.positions) if self.positions else limit

    @property
    def max_output_tokens(self) -> int:
        """The decoder's position table bounds what it can write; generating past it crashes.

        All ``positions`` tokens can be written: the start token takes position 0 and the
        last token written is never fed back.  One less (as before) left no room for the
        end-of-sequence token of a piece that fills it, flagging ``length_limit`` on complete output.
        """
        return self.positions if self.positions else 1024

    def count_tokens(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        # verbose=False: counting a text longer than the model takes is how we find where to cut it, not an error
        # (transformers would warn "Token indices sequence length is longer than the specified maximum …").
        encoded = self.tokenizer(texts, add_special_tokens=True, truncation=False, verbose=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def check_window(self, longest: int) -> None:
        """Inputs were sized by the caller to fit; truncation here would only hide a bug."""
        if longest > self.max_input_tokens:
            raise SummariseError(
                f"internal: input of {longest} tokens exceeds {self.spec.name}'s window "
                f"of {self.max_input_tokens}; this is a bug, please report it"
            )
