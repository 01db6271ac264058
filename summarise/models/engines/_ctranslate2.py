"""The CTranslate2 backend: the same Engine, run by CTranslate2 instead of PyTorch.

The only module that imports ctranslate2 (inside the calls that need it, so
importing this module is free and works without the package).  A model is a
Hugging Face model (hub id or ``save_pretrained`` directory) like any other: on
first use it is converted with CTranslate2's own Transformers converter into the
cache (``$SUMMARISE_HOME/ct2`` or ``~/.cache/summarise/ct2``), keyed by model id,
revision, precision and converter version; later runs load the converted folder.
Conversion happens under a file lock and lands by an atomic rename, so two
processes converting the same model at once never leave a corrupt folder.

What the PyTorch path guarantees, this one does too: the caller (Translator,
Summarizer) sizes every input to fit the window and every output budget, so
CTranslate2's own silent caps are switched off (``max_input_length=0``) or set
from our budget (``max_decoding_length``), and an input over the window is a
bug that raises instead of being cut.  The model's own generation settings reach
CTranslate2 through :mod:`.generation`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from .. import _hub as hub
from ...support import home, install_hint, require
from ...errors import DependencyError, ModelLoadError, SummariseError, first_line
from .._spec import ModelSpec
from ._base import Generated, GenerationRequest, TokenWindow, content_attention
from ._devices import configured_threads, resolve_device
from ._generation import ModelGeneration
from ._isa import NARROW_SUFFIX, cpu_int8
from . import _tokenizing as tokenizing
from ._transformers import load_error_message, load_tokenizer, loaded_transformers, move_pad_last

logger = logging.getLogger("summarise")

INSTALL_HINT = install_hint()  # a core dependency now: a broken install, reinstalled
# Weight types CTranslate2 can store and compute in (ctranslate2.converters.Converter.convert).
COMPUTE_TYPES = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32")
METADATA = "summarise.json"  # written next to model.bin: where the model came from, and its window
# Bumped whenever what we write into a converted folder changes, so old conversions are redone.
# 2: generation_config.json saved, decoder start token taken from it.
CONVERTER_VERSION = 2


def require_ctranslate2() -> Any:
    return require("ctranslate2", purpose="the ctranslate2 backend", install=INSTALL_HINT)


def converter_version() -> str:
    """Our conversion format and CTranslate2's version: both change what a converted folder holds."""
    ctranslate2 = require_ctranslate2()
    return f"c{CONVERTER_VERSION}-ct{ctranslate2.__version__}"


def cuda_devices() -> int:
    try:
        return int(require_ctranslate2().get_cuda_device_count())
    except (DependencyError, RuntimeError):
        return 0


@functools.cache
def runs_on_cuda() -> bool:
    """Whether CTranslate2 can compute on the GPU here: a visible device, and the CUDA 12
    libraries its wheel loads at the first model (libcublas), which many hosts lack."""
    if not cuda_devices():
        return False
    try:
        if "float16" not in require_ctranslate2().get_supported_compute_types("cuda"):
            return False
    except (RuntimeError, ValueError):
        return False
    import ctypes

    for name in ("libcublas.so.12", "libcublasLt.so.12"):
        try:
            ctypes.CDLL(name)
        except OSError:
            return False
    return True


def weight_type(quantization: str | None) -> str:
    """What the converted weights are stored as: our ``quantization`` setting, in CTranslate2's words."""
    if quantization in (None, "", "none"):
        return "float32"
    if quantization.endswith(NARROW_SUFFIX) and quantization.startswith("int8"):
        quantization = quantization[: -len(NARROW_SUFFIX)]
    quantization = {"fp32": "float32", "fp16": "float16", "bf16": "bfloat16"}.get(quantization, quantization)
    if quantization in COMPUTE_TYPES:
        return quantization
    raise SummariseError(
        f"unknown quantization '{quantization}' for the ctranslate2 backend, expected none or one of: {', '.join(COMPUTE_TYPES)}"
    )


def weight_bits(quantization: str | None) -> int | None:
    """Bits of the int8 weights: 7 for an ``…_w7`` precision (see :mod:`.isa`), 8 for int8, None for float types."""
    stored = weight_type(quantization)
    if not stored.startswith("int8"):
        return None
    return 7 if quantization and quantization.endswith(NARROW_SUFFIX) else 8


def stored_name(quantization: str | None) -> str:
    """The precision a converted folder is named after: CTranslate2's type, plus ``_w7`` for 7-bit int8 weights."""
    return weight_type(quantization) + (NARROW_SUFFIX if weight_bits(quantization) == 7 else "")


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
    return home() / "ct2"


def cache_name(source: str, revision: str | None, quantization: str | None, version: str | None = None) -> str:
    """``<safe-name>-<revision>-<precision>-<converter version>``; a local directory also carries a
    fingerprint of its files, so that a model rebuilt in place is converted again instead of served stale."""
    stored = stored_name(quantization)
    version = version or converter_version()
    path = Path(source).expanduser()
    if path.is_dir():
        digest = hashlib.sha256(str(path.resolve()).encode("utf-8"))
        for item in sorted(path.iterdir()):
            if item.is_file():
                stat = item.stat()
                digest.update(f"{item.name}:{stat.st_size}:{stat.st_mtime_ns}".encode("utf-8"))
        return f"{_safe(path.resolve().name)}-local{digest.hexdigest()[:12]}-{stored}-{version}"
    return f"{_safe(source)}-{_safe(revision or 'unpinned')}-{stored}-{version}"


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


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` across processes (flock; released if the holder dies)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: the atomic rename alone guards the folder
            yield
            return
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def convert(
    source: str,
    *,
    revision: str | None = None,
    quantization: str | None = "int8",
    output: str | os.PathLike | None = None,
    force: bool = False,
    local_files_only: bool = False,
    name: str | None = None,
) -> Path:
    """Convert a Hugging Face seq2seq model with CTranslate2's converter; returns the folder.

    The folder holds CTranslate2's ``model.bin`` and vocabulary, the Hugging Face
    tokenizer, the model's ``generation_config.json`` and ``summarise.json``.  One
    process converts at a time (a lock file beside the target); the others wait and
    then find it done.  Conversion writes into a temporary folder beside the target
    and renames it into place, so a crash never leaves a half-written model where a
    later run would load it.
    """
    ctranslate2 = require_ctranslate2()
    stored = stored_name(quantization)
    target = Path(output).expanduser() if output else cache_root() / cache_name(source, revision, quantization)
    if is_converted(target) and not force:
        return target
    if Path(source).is_dir():  # before anything is written: a folder that cannot convert says why
        from .._files import check_model_folder

        check_model_folder(name or source, source)
    if target.exists() and not is_converted(target) and any(target.iterdir()):
        raise SummariseError(f"{target} exists and is not a converted model: give an empty or new --output folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = cache_root().parent / "locks" / f"ct2-{hashlib.sha256(str(target.resolve()).encode('utf-8')).hexdigest()[:16]}.lock"
    with file_lock(lock):
        if is_converted(target) and not force:
            return target  # another process converted it while we waited
        logger.warning("converting %s to CTranslate2 (%s) into %s, once", source, stored, target)
        scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            staging = scratch / "model"
            converter = make_converter(source, revision=revision, local_files_only=local_files_only, bits=weight_bits(quantization))
            try:
                with _quiet_loading():
                    converter.convert(str(staging), quantization=weight_type(quantization))
            except (OSError, ValueError, NotImplementedError, KeyError, AttributeError) as exc:
                spec = ModelSpec(name=name or source, task="translation", source=source, revision=revision)
                raise ModelLoadError(f"cannot convert to CTranslate2: {load_error_message(spec, local_files_only, exc)}") from None
            except Exception as exc:  # damaged or refused weights; anything else is a bug and keeps its traceback
                from .._files import describe_load_failure

                message = describe_load_failure(name or source, source, exc)
                if message is None:
                    raise
                raise ModelLoadError(f"cannot convert to CTranslate2: {message}") from None
            converter.tokenizer.save_pretrained(staging)
            generation = converter.generation_config
            if generation is not None:
                generation.to_json_file(staging / "generation_config.json")
                _start_from(staging, converter, generation)
            config = converter.model_config
            metadata = {
                "source": source,
                "revision": revision,
                "quantization": stored,
                "weight_bits": weight_bits(quantization),
                "model_type": getattr(config, "model_type", None),
                "max_position_embeddings": getattr(config, "max_position_embeddings", None),
                "ctranslate2": ctranslate2.__version__,
                "converter": CONVERTER_VERSION,
            }
            (staging / METADATA).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
            if target.exists():  # a forced reconversion, or an empty --output folder: move it aside first
                target.rename(scratch / "old")
            staging.rename(target)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return target


def _start_from(staging: Path, converter: Any, generation: Any) -> None:
    """CTranslate2's BART loader takes the decoder start token from the model config; the
    generation config is what generate() uses, so it decides here too (Marian starts from a
    zero embedding whatever the token, so its start token is left alone)."""
    start = getattr(generation, "decoder_start_token_id", None)
    config_path = staging / "config.json"
    if start is None or not config_path.is_file() or getattr(converter.model_config, "model_type", None) == "marian":
        return
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["decoder_start_token"] = converter.tokenizer.convert_ids_to_tokens(int(start))
    config_path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


@contextlib.contextmanager
def _quiet_loading() -> Iterator[None]:
    """The conversion's one line is ours: no per-file bars from transformers while it loads the weights."""
    loaded_transformers()  # quieted here if the caller asked: conversion is where a CTranslate2 run loads it
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


def make_converter(source: str, *, revision: str | None, local_files_only: bool, bits: int | None = None) -> Any:
    """CTranslate2's TransformersConverter, with two documented gaps filled in its own extension points.

    * Configs saved by recent transformers no longer carry ``normalize_before``, which
      CTranslate2's BART loader reads (OpenNMT/CTranslate2#888): BART is post-norm, so False.
    * Its Marian loader assumes ``<pad>`` is the last id, as in every OPUS-MT export, and
      drops the last embedding row (OpenNMT/CTranslate2#865).  A Marian model with ``<pad>``
      elsewhere gets its pad row swapped to the end first, in the weights and in the
      vocabulary it is converted with, so the two stay aligned.  Tokens cross into
      CTranslate2 as strings, so ids never need to match.
    * Its int8 quantisation always uses 8 bits.  With ``bits=7`` the weights that CTranslate2
      multiplies in int8 are quantised to [-63, 63] instead (see :mod:`.isa` for why).
    """
    from ctranslate2.converters import TransformersConverter

    class Converter(TransformersConverter):
        def __init__(self) -> None:
            super().__init__(source, revision=revision, low_cpu_mem_usage=True)
            self.tokenizer: Any = None
            self.model_config: Any = None
            self.generation_config: Any = None
            self._swap: tuple[int, int] | None = None

        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            if local_files_only:
                kwargs["local_files_only"] = True
            model = super().load_model(model_class, model_name_or_path, **kwargs)
            config = model.config
            if config.model_type == "bart" and not hasattr(config, "normalize_before"):
                config.normalize_before = False
            if config.model_type == "marian":
                self._swap = move_pad_last(model)
            self.model_config = config
            self.generation_config = getattr(model, "generation_config", None)
            return model

        def load_tokenizer(self, tokenizer_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            if revision:
                kwargs.setdefault("revision", revision)  # the upstream converter pins only the weights
            if local_files_only:
                kwargs["local_files_only"] = True
            self.tokenizer = super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)
            return _SwappedVocabulary(self.tokenizer, self._swap) if self._swap else self.tokenizer

        def convert(self, output_dir: str, vmap: str | None = None, quantization: str | None = None, force: bool = False) -> str:
            if bits is None or bits == 8:
                return super().convert(output_dir, vmap=vmap, quantization=quantization, force=force)
            # The upstream convert() (CTranslate2 4.x), with the int8 weights quantised by narrow_int8.
            if os.path.exists(output_dir) and not force:
                raise RuntimeError(f"output directory {output_dir} already exists")
            spec = self._load()
            if spec is None:
                raise NotImplementedError("This model is not supported by CTranslate2 or this converter")
            if vmap is not None:
                spec.register_vocabulary_mapping(vmap)
            spec.validate()
            narrow_int8(spec, quantization, bits)
            shutil.rmtree(output_dir, ignore_errors=True)
            os.makedirs(output_dir)
            spec.save(output_dir)
            return output_dir

    return Converter()


def narrow_int8(spec: Any, quantization: str | None, bits: int) -> None:
    """``spec.optimize(quantization)``, with int8 weights quantised to ``bits`` bits, row by row.

    The same per-row scale as CTranslate2's own int8 (``limit / max |row|``), with limit
    ``2**(bits-1) - 1`` instead of 127.  Everything else (aliases, float conversions of the
    other variables) is CTranslate2's own pass, which skips the weights quantised here.
    """
    import numpy as np
    from ctranslate2.specs.model_spec import NumpyVariable, Variable

    limit = float(2 ** (bits - 1) - 1)
    done: set[str] = set()

    def quantise(layer: Any, name: str, value: Any) -> None:
        key = name.rsplit("/", 1)[-1]
        if not isinstance(value, Variable) or value.is_scalar() or not hasattr(layer, f"{key}_scale"):
            return
        array = value.to("float32").numpy()
        shape = array.shape
        array = array.reshape(shape[0], -1)  # conv1d weights are 3-D: one scale per output channel
        amax = np.amax(np.absolute(array), axis=1)
        amax[amax == 0] = limit
        amax = np.maximum(amax, np.float32(limit) / np.finfo(np.float32).max)
        scale = (limit / amax).astype(np.float32)
        quantised = np.rint(array * np.expand_dims(scale, 1)).astype(np.int8).reshape(shape)
        setattr(layer, key, NumpyVariable(quantised))
        setattr(layer, f"{key}_scale", NumpyVariable(scale))
        done.update((name, f"{name}_scale"))

    spec._alias_variables()
    if quantization and quantization.startswith("int8"):
        spec._visit(quantise)
    spec._quantize(quantization, variable_filter=lambda name: name not in done)


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


def _vocabulary(path: Path) -> frozenset[str] | None:
    """The target tokens of a converted model (CTranslate2 writes JSON lists, older versions text)."""
    for name in ("target_vocabulary", "shared_vocabulary"):
        if (path / f"{name}.json").is_file():
            return frozenset(json.loads((path / f"{name}.json").read_text(encoding="utf-8")))
        if (path / f"{name}.txt").is_file():
            return frozenset((path / f"{name}.txt").read_text(encoding="utf-8").splitlines())
    return None


@functools.cache
def _warn_once(message: str) -> None:
    logger.warning(message)


def _warn_if_saturating(name: str, path: Path, metadata: dict) -> None:
    """A folder converted elsewhere with 8-bit int8 weights may write other text on this CPU (see :mod:`.isa`)."""
    stored = metadata.get("quantization")
    bits = metadata.get("weight_bits", weight_bits(stored) if stored else None)
    cpu = cpu_int8()
    if bits == 8 and not cpu.exact:
        _warn_once(
            f"{name}: {path} holds 8-bit int8 weights, whose sums saturate on this CPU ({cpu.name}, no VNNI) and can change "
            f"what the model writes: convert it again here with `summarise models convert {name}` (float32), "
            f"or `--quantization int8_w7` (7-bit int8, faster, rarely different)"
        )


def cpu_layout(task: str, threads: int) -> tuple[int, int]:
    """CTranslate2 workers and threads per worker for a model on the CPU, ``threads`` at most in all.

    Decoding a batch keeps fewer than two cores busy (its matrix products have a handful of rows),
    so a translation model, whose calls carry many sentences, runs two one-thread workers on two
    halves of each batch: 1.22x faster on an article at beam 4 and 1.49x greedy on 2 cores
    (``benchmarks/speed.py``, against its ``ct2-int8-one-worker`` variant), in no more memory
    (the workers share the weights).  A summariser decodes one long text per call, which one
    worker with every thread does fastest (3.37 s against 3.92 s on one thread,
    ``benchmarks/summary_settings.py``).
    """
    if task == "translation" and threads >= 2:
        return 2, threads // 2
    return 1, threads


def folder_tokenizer(path: Path) -> tokenizing.Tokenizer:
    """The converted folder's tokenizer, read by ``tokenizers`` or ``sentencepiece`` alone (no transformers,
    no torch: see :mod:`.tokenizing`); transformers (:func:`load_tokenizer`) only for a folder in neither layout."""
    return tokenizing.load_tokenizer(path) or tokenizing.LoadedTokenizer(load_tokenizer(path))


class CTranslate2Engine(TokenWindow):
    """A converted model's own tokenizer and a CTranslate2 translator, behind the Engine calls."""

    def __init__(self, spec: ModelSpec, *, device: str = "auto", local_files_only: bool = False) -> None:
        ctranslate2 = require_ctranslate2()
        self.spec = spec
        self.device = resolve_device(device)
        path = converted_path(spec)
        if not is_converted(path):
            # The hub's files first, through summarise.models._hub: a dead network fails fast, a download shows its bar.
            source = hub.resolve(spec, local_files_only=local_files_only)
            path = convert(source, revision=spec.revision, quantization=spec.quantization, local_files_only=True, name=spec.name, output=path)
        self.path = path
        self.metadata = json.loads((path / METADATA).read_text(encoding="utf-8"))
        if self.device == "cpu":
            _warn_if_saturating(spec.name, path, self.metadata)
        self.generation = ModelGeneration.from_file(path / "generation_config.json")
        self.compute_type = compute_type(
            spec.quantization if spec.quantization is not None else self.metadata.get("quantization"),
            self.device,
            set(ctranslate2.get_supported_compute_types(self.device)),
        )
        try:
            self.tokenizer = folder_tokenizer(path)
            self.workers, threads = cpu_layout(spec.task, configured_threads()) if self.device == "cpu" else (1, 0)
            self.translator = ctranslate2.Translator(
                str(path),
                device=self.device,
                compute_type=self.compute_type,
                inter_threads=self.workers,
                # Not CTranslate2's own default (4 whatever the machine): that oversubscribes small CPUs.
                intra_threads=threads,
            )
        except (OSError, ValueError, RuntimeError) as exc:
            raise ModelLoadError(f"cannot load the CTranslate2 model of '{spec.name}' from {path} ({first_line(exc)}): delete that folder to convert again") from None
        self.eos_token = self.tokenizer.eos_token
        self.vocabulary = _vocabulary(path)

    @property
    def positions(self) -> int | None:
        return self.metadata.get("max_position_embeddings")

    def _token(self, token_id: int) -> str:
        return self.tokenizer.ids_to_tokens([int(token_id)])[0]

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [len(ids) for ids in self.tokenizer.encode(texts)] if texts else []

    def generate(self, texts: list[str], request: GenerationRequest) -> list[Generated]:
        if not texts:
            return []
        encoded = self.tokenizer.encode(texts)
        self.check_window(max(len(ids) for ids in encoded))
        source = self.tokenizer.source_tokens(encoded)
        max_new_tokens = min(request.max_new_tokens, self.max_output_tokens)
        options = self.generation.ctranslate2_kwargs(request, max_new_tokens, self._token, self.vocabulary)
        prefix = options.pop("target_prefix")
        results = self.translator.translate_batch(
            source,
            [prefix] * len(source) if prefix else None,
            # CTranslate2 would silently cut inputs at 1024 tokens: inputs were sized to the window above.
            max_input_length=0,
            return_end_token=True,
            return_scores=False,
            return_attention=request.attention,
            # With two workers a batch goes out as two length-sorted halves, decoded side by side.
            max_batch_size=-(-len(source) // self.workers) if self.workers > 1 else 0,
            **options,
        )
        outputs = [self._decode(result.hypotheses[0], options["max_decoding_length"], max_new_tokens) for result in results]
        if request.attention:
            outputs = [self._with_attention(output, result, tokens) for output, result, tokens in zip(outputs, results, source)]
        return outputs

    def _with_attention(self, output: Generated, result: Any, source: list[str]) -> Generated:
        """CTranslate2's attention (its alignment head: the first head of the last layer) without special tokens."""
        if not result.attention:
            return output
        written = result.hypotheses[0]
        attention = content_attention(result.attention[0], [_special(t) for t in source], [_special(t) for t in written])
        return replace(output, attention=attention)

    def _decode(self, tokens: list[str], budget: int, max_new_tokens: int) -> Generated:
        ended = bool(tokens) and tokens[-1] == self.eos_token
        if ended:
            tokens = tokens[:-1]
        elif self.generation.forces_eos and budget < max_new_tokens and len(tokens) >= budget:
            ended = True  # PyTorch writes the forced EOS as the last budgeted token: the same output
        text = self.tokenizer.decode(self.tokenizer.tokens_to_ids(tokens))
        return Generated(text=text.strip(), tokens=len(tokens), hit_limit=not ended and len(tokens) >= max_new_tokens)


_SPECIAL = re.compile(r"<[/\w]+>|>>\w+<<")


def _special(token: str) -> bool:
    """A control token (``</s>``, ``<pad>``, ``>>fra<<``): no word of the text; ``<unk>`` stands for one."""
    return token != "<unk>" and bool(_SPECIAL.fullmatch(token))
