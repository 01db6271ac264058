"""The optional CTranslate2 backend: the same Engine, run by CTranslate2 instead of PyTorch.

A model named with ``backend = "ctranslate2"`` is a Hugging Face model (hub id
or ``save_pretrained`` directory) like any other.  On first use it is converted
with CTranslate2's own Transformers converter into a cache folder
(``$SUMMARISE_HOME/ct2`` or ``~/.cache/summarise/ct2``), once; later runs load
the converted folder directly.  ``summarise models convert`` does the same
ahead of time.

What the PyTorch path guarantees, this one does too: the caller (Translator,
Summarizer) sizes every input to fit the window and every output budget, so
CTranslate2's own silent caps are switched off (``max_input_length=0``) or set
from our budget (``max_decoding_length``), and an input over the window is a
bug that raises instead of being cut.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from .errors import DependencyError, ModelLoadError, SummariseError
from .loading import Generated, GenerationRequest, TokenWindow
from .registry import ModelSpec

logger = logging.getLogger("summarise")

INSTALL_HINT = "pip install 'summarise[ct2]'"
# Weight types CTranslate2 can store and compute in (ctranslate2.converters.Converter.convert).
COMPUTE_TYPES = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32")
METADATA = "summarise.json"  # written next to model.bin: where the model came from, and its window


def require_ctranslate2() -> Any:
    try:
        import ctranslate2
    except ImportError:
        raise DependencyError(f"backend = \"ctranslate2\" needs CTranslate2, which is not installed: {INSTALL_HINT}") from None
    return ctranslate2


def weight_type(quantization: str | None) -> str:
    """What the converted weights are stored as: our ``quantization`` setting, in CTranslate2's words."""
    if quantization in (None, "", "none"):
        return "float32"
    quantization = {"fp32": "float32", "fp16": "float16", "bf16": "bfloat16"}.get(quantization, quantization)
    if quantization in COMPUTE_TYPES:
        return quantization
    raise SummariseError(
        f"unknown quantization '{quantization}' for the ctranslate2 backend, expected none or one of: {', '.join(COMPUTE_TYPES)}"
    )


def compute_type(quantization: str | None, device: str, supported: set[str]) -> str:
    """The type to compute in: the stored type where the device runs it, else its nearest cousin.

    On CUDA, float weights run in fp16 and int8 weights as int8_float16; on a CPU,
    fp16 variants fall back to their fp32 twin, since CPUs have no fast fp16.
    """
    stored = weight_type(quantization)
    if device == "cuda":
        wanted = {"float32": "float16", "int8": "int8_float16", "int8_float32": "int8_float16"}.get(stored, stored)
    else:
        wanted = {"float16": "float32", "int8_float16": "int8", "int8_bfloat16": "int8"}.get(stored, stored)
    if wanted in supported:
        return wanted
    for fallback in (("int8", "int8_float32", "int8_float16") if "int8" in wanted else ()) + ("float16", "float32"):
        if fallback in supported:
            logger.info("ctranslate2: %s is not supported on %s, computing in %s", wanted, device, fallback)
            return fallback
    return "default"


def cache_root() -> Path:
    home = os.environ.get("SUMMARISE_HOME")
    base = Path(home).expanduser() if home else Path.home() / ".cache" / "summarise"
    return base / "ct2"


def cache_name(source: str, revision: str | None, quantization: str | None) -> str:
    """``<safe-name>-<revision>-<quantization>``; a local directory also carries a fingerprint of its files,
    so that a model rebuilt in place is converted again instead of served stale."""
    stored = weight_type(quantization)
    path = Path(source).expanduser()
    if path.is_dir():
        digest = hashlib.sha256(str(path.resolve()).encode("utf-8"))
        for item in sorted(path.iterdir()):
            if item.is_file():
                stat = item.stat()
                digest.update(f"{item.name}:{stat.st_size}:{stat.st_mtime_ns}".encode("utf-8"))
        return f"{_safe(path.resolve().name)}-local{digest.hexdigest()[:12]}-{stored}"
    return f"{_safe(source)}-{_safe(revision or 'unpinned')}-{stored}"


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "--", text).strip("-.") or "model"


def is_converted(path: Path) -> bool:
    return (path / "model.bin").is_file() and (path / METADATA).is_file()


def converted_path(spec: ModelSpec) -> Path:
    """Where ``spec`` lives once converted: its own source if that already is a converted folder."""
    source = Path(spec.source).expanduser()
    if source.is_dir() and is_converted(source):
        return source
    return cache_root() / cache_name(spec.source, spec.revision, spec.quantization)


def convert(
    source: str,
    *,
    revision: str | None = None,
    quantization: str | None = "int8",
    output: str | os.PathLike | None = None,
    force: bool = False,
    local_files_only: bool = False,
) -> Path:
    """Convert a Hugging Face seq2seq model with CTranslate2's converter; returns the folder.

    The folder holds CTranslate2's ``model.bin`` and vocabulary, the Hugging Face
    tokenizer, and ``summarise.json``.  Conversion writes into a temporary folder
    beside the target and renames it into place, so a crash or a concurrent run
    never leaves a half-written model where a later run would load it.
    """
    require_ctranslate2()
    stored = weight_type(quantization)
    target = Path(output).expanduser() if output else cache_root() / cache_name(source, revision, quantization)
    if is_converted(target) and not force:
        return target
    if target.exists() and not is_converted(target) and any(target.iterdir()):
        raise SummariseError(f"{target} exists and is not a converted model: give an empty or new --output folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        staging = scratch / "model"
        converter = _converter(source, revision=revision, local_files_only=local_files_only)
        logger.info("converting %s to CTranslate2 (%s) in %s", source, stored, target)
        try:
            converter.convert(str(staging), quantization=stored)
        except (OSError, ValueError, NotImplementedError, KeyError, AttributeError) as exc:
            raise ModelLoadError(_conversion_error(source, exc, local_files_only)) from None
        converter.tokenizer.save_pretrained(staging)
        config = converter.model_config
        metadata = {
            "source": source,
            "revision": revision,
            "quantization": stored,
            "model_type": getattr(config, "model_type", None),
            "max_position_embeddings": getattr(config, "max_position_embeddings", None),
            "ctranslate2": sys.modules["ctranslate2"].__version__,
        }
        (staging / METADATA).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
        _move_into_place(staging, target, scratch, force=force)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def _move_into_place(staging: Path, target: Path, scratch: Path, *, force: bool) -> None:
    if is_converted(target) and not force:
        return  # another process finished first: theirs is as good as ours, and readers may be using it
    if target.exists():  # a forced reconversion, or an empty --output folder: move it aside first
        target.rename(scratch / "old")
    try:
        staging.rename(target)
    except OSError:
        if not is_converted(target):
            raise


def _conversion_error(source: str, exc: BaseException, local_files_only: bool) -> str:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    hint = "run `summarise models pull` first, or give a local directory" if local_files_only else "check the id, the revision and your network"
    return f"cannot convert {source} to CTranslate2 ({detail}): {hint}"


def _converter(source: str, *, revision: str | None, local_files_only: bool) -> Any:
    """CTranslate2's TransformersConverter, with two documented gaps filled in its own extension points.

    * Configs saved by recent transformers no longer carry ``normalize_before``, which
      CTranslate2's BART loader reads (OpenNMT/CTranslate2#888): BART is post-norm, so False.
    * Its Marian loader assumes ``<pad>`` is the last id, as in every OPUS-MT export, and
      drops the last embedding row (OpenNMT/CTranslate2#865).  A Marian model with ``<pad>``
      elsewhere gets its pad row swapped to the end first, in the weights and in the
      vocabulary it is converted with, so the two stay aligned.  Tokens cross into
      CTranslate2 as strings, so ids never need to match.
    """
    from ctranslate2.converters import TransformersConverter

    class Converter(TransformersConverter):
        def __init__(self) -> None:
            super().__init__(source, revision=revision, low_cpu_mem_usage=True)
            self.tokenizer: Any = None
            self.model_config: Any = None
            self._swap: tuple[int, int] | None = None

        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            if local_files_only:
                kwargs["local_files_only"] = True
            model = super().load_model(model_class, model_name_or_path, **kwargs)
            config = model.config
            if config.model_type == "bart" and not hasattr(config, "normalize_before"):
                config.normalize_before = False
            if config.model_type == "marian":
                self._swap = _move_pad_last(model)
            self.model_config = config
            return model

        def load_tokenizer(self, tokenizer_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            if revision:
                kwargs.setdefault("revision", revision)  # the upstream converter pins only the weights
            if local_files_only:
                kwargs["local_files_only"] = True
            self.tokenizer = super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)
            return _SwappedVocabulary(self.tokenizer, self._swap) if self._swap else self.tokenizer

    return Converter()


def _move_pad_last(model: Any) -> tuple[int, int] | None:
    """Swap the ``<pad>`` row with the last row of every vocabulary-sized tensor; returns the swap."""
    import torch

    config = model.config
    pad, last = config.pad_token_id, config.vocab_size - 1
    if pad is None or pad == last:
        return None
    inner = model.get_encoder().embed_tokens, model.get_decoder().embed_tokens, model.get_output_embeddings()
    seen: set[int] = set()
    with torch.no_grad():
        for module in inner:
            weight = module.weight
            if weight.data_ptr() in seen:
                continue
            seen.add(weight.data_ptr())
            weight[[pad, last]] = weight[[last, pad]].clone()
        bias = getattr(model, "final_logits_bias", None)
        if bias is not None and bias.shape[-1] == config.vocab_size:
            bias[..., [pad, last]] = bias[..., [last, pad]].clone()
    return pad, last


class _SwappedVocabulary:
    """A tokenizer seen through a swap of two ids; only what the converter reads differs."""

    def __init__(self, tokenizer: Any, swap: tuple[int, int]) -> None:
        self._tokenizer = tokenizer
        self._swap = {swap[0]: swap[1], swap[1]: swap[0]}

    def get_vocab(self) -> dict[str, int]:
        return {token: self._swap.get(index, index) for token, index in self._tokenizer.get_vocab().items()}

    def convert_ids_to_tokens(self, ids: Any) -> Any:
        if isinstance(ids, int):
            return self._tokenizer.convert_ids_to_tokens(self._swap.get(ids, ids))
        return [self._tokenizer.convert_ids_to_tokens(self._swap.get(i, i)) for i in ids]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tokenizer, name)


def resolve_device(device: str, ctranslate2: Any) -> str:
    if device not in ("auto", "cpu", "cuda"):
        raise SummariseError(f"unknown device '{device}', expected one of: auto, cpu, cuda")
    gpus = ctranslate2.get_cuda_device_count()
    if device == "auto":
        return "cuda" if gpus else "cpu"
    if device == "cuda" and not gpus:
        raise SummariseError("--device cuda asked for, but CTranslate2 sees no CUDA GPU: use --device cpu or auto")
    return device


def _threads() -> int:
    """CPU threads: what torch was told (``--threads``) when torch is loaded, else the CPUs this process may use.

    Not CTranslate2's own default, which is 4 whatever the machine: on a 2-core laptop
    that oversubscribes it.
    """
    torch = sys.modules.get("torch")
    if torch is not None:
        return torch.get_num_threads()
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def load_tokenizer(path: Path) -> Any:
    """The tokenizer saved next to a converted model, by its own class.

    ``AutoTokenizer`` would import torch (through ``AutoConfig``), some 280 MB of
    resident memory that a CTranslate2 process never uses; the class named in
    ``tokenizer_config.json`` loads without it.
    """
    import transformers

    name = None
    config = path / "tokenizer_config.json"
    if config.is_file():
        name = json.loads(config.read_text(encoding="utf-8")).get("tokenizer_class")
    cls = getattr(transformers, name, None) if isinstance(name, str) and name.isidentifier() else None
    if cls is None or not hasattr(cls, "from_pretrained"):
        cls = transformers.AutoTokenizer
    return cls.from_pretrained(str(path), local_files_only=True)


class CTranslate2Engine(TokenWindow):
    """A Hugging Face tokenizer and a CTranslate2 translator, behind the Engine calls."""

    def __init__(self, spec: ModelSpec, *, device: str = "auto", local_files_only: bool = False) -> None:
        ctranslate2 = require_ctranslate2()
        self.spec = spec
        self.device = resolve_device(device, ctranslate2)
        path = converted_path(spec)
        if not is_converted(path):
            path = convert(spec.source, revision=spec.revision, quantization=spec.quantization, local_files_only=local_files_only)
        self.path = path
        self.metadata = json.loads((path / METADATA).read_text(encoding="utf-8"))
        self.compute_type = compute_type(
            spec.quantization if spec.quantization is not None else self.metadata.get("quantization"),
            self.device,
            set(ctranslate2.get_supported_compute_types(self.device)),
        )
        try:
            self.tokenizer = load_tokenizer(path)
            self.translator = ctranslate2.Translator(
                str(path),
                device=self.device,
                compute_type=self.compute_type,
                inter_threads=1,
                intra_threads=_threads() if self.device == "cpu" else 0,
            )
        except (OSError, ValueError, RuntimeError) as exc:
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelLoadError(f"cannot load the CTranslate2 model of '{spec.name}' from {path} ({detail}): delete that folder to convert again") from None
        self.eos_token = self.tokenizer.eos_token

    @property
    def positions(self) -> int | None:
        return self.metadata.get("max_position_embeddings")

    def generate(self, texts: list[str], request: GenerationRequest) -> list[Generated]:
        if not texts:
            return []
        encoded = self.tokenizer(texts, add_special_tokens=True, truncation=False)["input_ids"]
        longest = max(len(ids) for ids in encoded)
        if longest > self.max_input_tokens:
            raise SummariseError(
                f"internal: input of {longest} tokens exceeds {self.spec.name}'s window "
                f"of {self.max_input_tokens}; this is a bug, please report it"
            )
        source = [self.tokenizer.convert_ids_to_tokens(ids) for ids in encoded]
        max_new_tokens = min(request.max_new_tokens, self.max_output_tokens)
        results = self.translator.translate_batch(
            source,
            beam_size=request.num_beams,
            # CTranslate2 would silently cut inputs at 1024 tokens and outputs at 256:
            # inputs were sized to the window above, outputs get exactly our budget.
            max_input_length=0,
            max_decoding_length=max_new_tokens,
            min_decoding_length=min(request.min_new_tokens, max_new_tokens),
            no_repeat_ngram_size=request.no_repeat_ngram_size,
            repetition_penalty=request.repetition_penalty,
            length_penalty=request.length_penalty,
            return_end_token=True,
            return_scores=False,
        )
        return [self._decode(result.hypotheses[0], max_new_tokens) for result in results]

    def _decode(self, tokens: list[str], max_new_tokens: int) -> Generated:
        ended = bool(tokens) and tokens[-1] == self.eos_token
        if ended:
            tokens = tokens[:-1]
        ids = self.tokenizer.convert_tokens_to_ids(tokens)
        text = self.tokenizer.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=False)
        return Generated(text=text.strip(), tokens=len(tokens), hit_limit=not ended and len(tokens) >= max_new_tokens)
