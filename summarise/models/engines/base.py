"""What every engine shares, without torch or ctranslate2: the engine protocol, the request
and result types, the token window, device resolution and batch sizing.

Backend modules (:mod:`.transformers`, :mod:`.ctranslate2`) import this one; this one
imports none of them at module level.
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
    from ..registry import ModelSpec

logger = logging.getLogger("summarise")

DEVICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True)
class GenerationRequest:
    """Everything ``generate`` needs besides the texts; a value so it can key caches.

    ``None`` means "the model's own setting" (its ``generation_config.json``): see
    :mod:`summarise.models.engines.generation` for how each backend applies those.
    """

    num_beams: int = 4
    max_new_tokens: int = 256
    min_new_tokens: int = 0
    no_repeat_ngram_size: int | None = None
    repetition_penalty: float | None = None
    length_penalty: float | None = None


@dataclass(frozen=True)
class Generated:
    text: str
    tokens: int
    hit_limit: bool  # stopped by max_new_tokens, not by an end-of-sequence token


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
        encoded = self.tokenizer(texts, add_special_tokens=True, truncation=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def check_window(self, longest: int) -> None:
        """Inputs were sized by the caller to fit; truncation here would only hide a bug."""
        if longest > self.max_input_tokens:
            raise SummariseError(
                f"internal: input of {longest} tokens exceeds {self.spec.name}'s window "
                f"of {self.max_input_tokens}; this is a bug, please report it"
            )


# -- devices -----------------------------------------------------------------------

# Files an NVIDIA driver creates on Linux: without them no CUDA backend can see a GPU,
# and asking torch (a second of import) is not needed to know it.
NVIDIA_MARKERS = ("/proc/driver/nvidia/version", "/dev/nvidiactl")


def nvidia_driver_present() -> bool:
    if not sys.platform.startswith("linux"):
        return True  # no cheap test elsewhere: ask the backends
    return any(Path(marker).exists() for marker in NVIDIA_MARKERS)


@functools.cache
def cuda_device_count() -> int:
    """GPUs any installed backend can use; imports torch only where an NVIDIA driver is present."""
    if os.environ.get("CUDA_VISIBLE_DEVICES", None) in ("", "-1") or not nvidia_driver_present():
        return 0
    from . import ctranslate2_cuda_devices, torch_cuda_devices

    return max(torch_cuda_devices(), ctranslate2_cuda_devices())


def resolve_device(device: str) -> str:
    """``auto`` → ``cuda`` where a GPU is visible, else ``cpu``; ``cuda`` without one is an error."""
    if device not in DEVICES:
        raise SummariseError(f"unknown device '{device}', expected one of: {', '.join(DEVICES)}")
    if device == "cpu":
        return "cpu"
    gpus = cuda_device_count()
    if device == "auto":
        return "cuda" if gpus else "cpu"
    if not gpus:
        raise SummariseError("--device cuda asked for, but no CUDA GPU is visible: use --device cpu or auto")
    return "cuda"


CPU_BATCH_LIMITS = (4096, 64)  # source tokens (padding included) and sentences per translation batch


def batch_limits(device: str) -> tuple[int, int]:
    """Default translation batch limits for ``device``: (source tokens, sentences).

    A CPU gains little past 4096 tokens / 64 sentences.  A GPU's throughput grows with
    the batch, so CUDA gets one step more per 8 GiB of GPU memory, up to 8 times
    (80 GB: 32768 tokens, 512 sentences; beam 4 then needs a few GB for logits and caches).
    """
    if device != "cuda":
        return CPU_BATCH_LIMITS
    from .transformers import cuda_memory

    total = cuda_memory()
    if not total:  # torch without CUDA, next to a CUDA CTranslate2
        return CPU_BATCH_LIMITS
    scale = max(1, min(8, int(total // 2**30) // 8))
    return CPU_BATCH_LIMITS[0] * scale, CPU_BATCH_LIMITS[1] * scale


def cpu_threads() -> int:
    """The CPUs this process may use (its affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
