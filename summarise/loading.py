"""Loading and running seq2seq models: the only module that imports torch and transformers.

An :class:`Engine` wraps one tokenizer and one model behind three calls
(``count_tokens``, ``generate``, ``max_input_tokens``), so translation and
summary code never touch torch.  A :class:`ModelCache` holds loaded engines,
keyed by everything that changes the weights in memory.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from .errors import DependencyError, ModelLoadError, SummariseError
from .registry import ModelSpec

if TYPE_CHECKING:  # pragma: no cover
    import torch

logger = logging.getLogger("summarise")

DEVICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True)
class GenerationRequest:
    """Everything ``generate`` needs besides the texts; a value so it can key caches."""

    num_beams: int = 4
    max_new_tokens: int = 256
    min_new_tokens: int = 0
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0
    length_penalty: float = 1.0


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


def resolve_device(device: str) -> str:
    if device not in DEVICES:
        raise SummariseError(f"unknown device '{device}', expected one of: {', '.join(DEVICES)}")
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise SummariseError("--device cuda asked for, but torch sees no CUDA GPU: use --device cpu or auto")
    return device


CPU_BATCH_LIMITS = (4096, 64)  # source tokens (padding included) and sentences per translation batch


def batch_limits(device: str) -> tuple[int, int]:
    """Default translation batch limits for ``device``: (source tokens, sentences).

    A CPU gains little past 4096 tokens / 64 sentences.  A GPU's throughput grows with
    the batch, so CUDA gets one step more per 8 GiB of GPU memory, up to 8 times
    (80 GB: 32768 tokens, 512 sentences; beam 4 then needs a few GB for logits and caches).
    """
    if device != "cuda":
        return CPU_BATCH_LIMITS
    try:
        import torch

        total = torch.cuda.get_device_properties(0).total_memory
    except (ImportError, RuntimeError, AssertionError):  # torch without CUDA, next to a CUDA CTranslate2
        return CPU_BATCH_LIMITS
    scale = max(1, min(8, int(total // 2**30) // 8))
    return CPU_BATCH_LIMITS[0] * scale, CPU_BATCH_LIMITS[1] * scale


def set_threads(threads: int | None) -> None:
    """Torch threads, set explicitly: Ray and some launchers set OMP_NUM_THREADS to 1 behind our back."""
    if threads:
        import torch

        torch.set_num_threads(threads)


def runnable_spec(spec: ModelSpec, device: str) -> ModelSpec:
    """The spec as it will really run on ``device``: what signatures, cache keys and resume must name.

    Dynamic int8 is a CPU kernel of the transformers backend; the registry's CPU default must
    not break a GPU run, so there it runs fp16 instead.
    """
    if spec.backend != "transformers":
        return spec
    if spec.quantization not in (None, "none", "int8", "bf16"):
        raise SummariseError(f"{spec.name}: quantization must be \"int8\", \"bf16\" or \"none\" for the transformers backend")
    if spec.quantization == "int8" and resolve_device(device) != "cpu":
        logger.info("%s: int8 runs on the CPU only; running fp16 on %s", spec.name, device)
        return replace(spec, quantization=None)
    return spec


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
        """The decoder's position table bounds what it can write; generating past it crashes."""
        return self.positions - 1 if self.positions else 1024

    def count_tokens(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        encoded = self.tokenizer(texts, add_special_tokens=True, truncation=False)["input_ids"]
        return [len(ids) for ids in encoded]


class TransformersEngine(TokenWindow):
    """A Hugging Face tokenizer and seq2seq model on one device."""

    def __init__(self, spec: ModelSpec, *, device: str = "auto", local_files_only: bool = False) -> None:
        import torch

        self.device = resolve_device(device)
        spec = runnable_spec(spec, self.device)
        self.spec = spec
        self.dtype = torch.float16 if self.device == "cuda" else torch.float32
        if spec.quantization == "bf16":
            self.dtype = torch.bfloat16
        self.tokenizer, self.model = _load_pretrained(spec, self.dtype, local_files_only)
        if spec.quantization == "int8":
            self.model = quantize_dynamic_int8(self.model)
        self.model.to(self.device).eval()
        # Our budgets (max/min_new_tokens, set per batch) replace the model's fixed max/min_length;
        # leaving those set makes transformers warn on every call that the two fight.
        self.model.generation_config.max_length = None
        self.model.generation_config.min_length = None
        self._lock = threading.Lock()

    @property
    def positions(self) -> int | None:
        return getattr(self.model.config, "max_position_embeddings", None)

    def generate(self, texts: list[str], request: GenerationRequest) -> list[Generated]:
        import torch

        if not texts:
            return []
        # Inputs were sized by the caller to fit; truncation here would only hide a bug.
        batch = self.tokenizer(texts, return_tensors="pt", padding=True, truncation=False)
        if batch["input_ids"].shape[1] > self.max_input_tokens:
            raise SummariseError(
                f"internal: input of {batch['input_ids'].shape[1]} tokens exceeds {self.spec.name}'s window "
                f"of {self.max_input_tokens}; this is a bug, please report it"
            )
        batch = {key: value.to(self.device) for key, value in batch.items()}
        max_new_tokens = min(request.max_new_tokens, self.max_output_tokens)
        kwargs: dict[str, Any] = {
            "num_beams": request.num_beams,
            "max_new_tokens": max_new_tokens,
            "min_new_tokens": min(request.min_new_tokens, max_new_tokens) or None,
            "do_sample": False,
            "early_stopping": True if request.num_beams > 1 else False,
        }
        if request.length_penalty != 1.0:  # else the model's own tuned default (2.0 for BART CNN) stands
            kwargs["length_penalty"] = request.length_penalty
        if request.no_repeat_ngram_size:
            kwargs["no_repeat_ngram_size"] = request.no_repeat_ngram_size
        if request.repetition_penalty != 1.0:
            kwargs["repetition_penalty"] = request.repetition_penalty
        with self._lock, torch.inference_mode():
            output = self.model.generate(**batch, **kwargs)
        return self._decode(output, max_new_tokens)

    def _decode(self, output: torch.Tensor, max_new_tokens: int) -> list[Generated]:
        config = self.model.generation_config
        eos = config.eos_token_id
        eos_ids = set(eos if isinstance(eos, list) else [eos]) if eos is not None else set()
        pad = config.pad_token_id
        start = config.decoder_start_token_id
        texts = self.tokenizer.batch_decode(output, skip_special_tokens=True, clean_up_tokenization_spaces=False)
        results = []
        for row, text in zip(output.tolist(), texts):
            tokens = [t for t in row if t not in (pad, start)]
            ended = any(t in eos_ids for t in row[1:])
            produced = len([t for t in tokens if t not in eos_ids])
            results.append(Generated(text=text.strip(), tokens=produced, hit_limit=not ended and len(row) - 1 >= max_new_tokens))
        return results


def _load_pretrained(spec: ModelSpec, dtype: Any, local_files_only: bool) -> tuple[Any, Any]:
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    common = {"revision": spec.revision, "local_files_only": local_files_only, "trust_remote_code": False}
    try:
        tokenizer = AutoTokenizer.from_pretrained(spec.source, **common)
        model = AutoModelForSeq2SeqLM.from_pretrained(spec.source, dtype=dtype, **common)
    except (OSError, ValueError) as exc:
        raise ModelLoadError(_load_error_message(spec, local_files_only, exc)) from None
    return tokenizer, model


def _load_error_message(spec: ModelSpec, local_files_only: bool, exc: Exception) -> str:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if spec.is_local:
        return f"cannot load model '{spec.name}' from {spec.source} ({detail}): point it at a save_pretrained directory"
    offline = local_files_only or os.environ.get("HF_HUB_OFFLINE") in ("1", "true", "True", "YES", "yes")
    if offline:
        return (
            f"model '{spec.name}' ({spec.source}) is not in the local Hugging Face cache and offline mode is on: "
            f"run `summarise models pull {spec.name}` on a connected machine, or pass --models with local directories"
        )
    return (
        f"cannot load model '{spec.name}' ({spec.label}): {detail}; check the id and revision, your network, "
        f"or run `summarise models pull {spec.name}` and use --offline"
    )


def quantize_dynamic_int8(model: Any) -> Any:
    """Dynamic int8 Linear layers: the one place that calls torch's (deprecated) quantisation API."""
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        # torch 2.13 also warns (UserWarning) that quantized tensor constructors are deprecated.
        warnings.filterwarnings("ignore", message=".*quantiz.*deprecated", category=UserWarning)
        from torch.ao.quantization import quantize_dynamic

        # In place: a copy would hold the fp32 and int8 weights at once (1.2 GB more at peak for BART).
        return quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)


def download(spec: ModelSpec) -> str:
    """Fetch a hub model into the normal Hugging Face cache; returns the resolved commit."""
    try:
        from huggingface_hub import snapshot_download
    except ImportError as exc:  # pragma: no cover - transformers depends on it
        raise DependencyError("huggingface_hub is missing: reinstall summarise") from exc
    if spec.is_local:
        return "local"
    try:
        path = snapshot_download(
            spec.source,
            revision=spec.revision,
            allow_patterns=["*.json", "*.model", "*.spm", "*.txt", "*.safetensors", "vocab*", "merges*", "*.bin"],
        )
    except Exception as exc:  # the hub client raises many kinds; all mean the same to a user
        raise ModelLoadError(f"could not download {spec.label}: {exc}; check your network and the model id") from None
    return os.path.basename(path)


def build_engine(spec: ModelSpec, *, device: str = "auto", local_files_only: bool = False) -> Engine:
    if spec.backend == "ctranslate2":
        from .ct2 import CTranslate2Engine

        return CTranslate2Engine(spec, device=device, local_files_only=local_files_only)
    return TransformersEngine(spec, device=device, local_files_only=local_files_only)


class ModelCache:
    """Loaded engines, keyed by source, revision, backend, quantisation and device.

    An explicit object, not a global: a ``Summariser`` owns one, and two
    summarisers can share one by passing it in.
    """

    def __init__(self) -> None:
        self._engines: dict[tuple, Engine] = {}
        self._lock = threading.Lock()

    def get(self, spec: ModelSpec, *, device: str = "auto", local_files_only: bool = False) -> Engine:
        key = (spec.source, spec.revision, spec.backend, spec.quantization, spec.max_input_tokens, device)
        with self._lock:
            engine = self._engines.get(key)
            if engine is None:
                logger.info("loading %s on %s", spec.label, device)
                engine = build_engine(spec, device=device, local_files_only=local_files_only)
                self._engines[key] = engine
            return engine

    def __len__(self) -> int:
        return len(self._engines)

    def clear(self) -> None:
        with self._lock:
            self._engines.clear()
