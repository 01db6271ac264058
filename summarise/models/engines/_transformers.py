"""The PyTorch backend: a Hugging Face tokenizer and seq2seq model on one device.

The only module that imports torch and transformers (lazily, inside the calls that
need them, so that importing it costs nothing).  CTranslate2's engine borrows
:func:`load_tokenizer` and :func:`move_pad_last` from here for the same reason.
"""

from __future__ import annotations

import json
import sys
import threading
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .. import _hub as hub
from ...errors import ModelLoadError, first_line
from .._spec import ModelSpec
from ._base import Generated, GenerationRequest, TokenWindow, content_attention
from ._devices import configured_threads, resolve_device
from ._generation import ModelGeneration
from ._select import runnable_spec

if TYPE_CHECKING:  # pragma: no cover
    import torch


def cuda_devices() -> int:
    import torch

    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def cuda_memory() -> int:
    """Total memory of GPU 0 in bytes; 0 where torch has no CUDA."""
    try:
        import torch

        return int(torch.cuda.get_device_properties(0).total_memory)
    except (ImportError, RuntimeError, AssertionError):
        return 0


class TransformersEngine(TokenWindow):
    """A Hugging Face tokenizer and seq2seq model on one device."""

    def __init__(self, spec: ModelSpec, *, device: str = "auto", local_files_only: bool = False) -> None:
        source = hub.resolve(spec, local_files_only=local_files_only)  # first: no network fails before torch loads
        import torch

        self.device = resolve_device(device)
        spec = runnable_spec(spec, self.device)
        self.spec = spec
        if self.device == "cpu":
            torch.set_num_threads(configured_threads())
        self.dtype = torch.float16 if self.device == "cuda" else torch.float32
        if spec.quantization == "bf16":
            self.dtype = torch.bfloat16
        self.tokenizer, self.model = _load_pretrained(spec, source, self.dtype, local_files_only)
        if spec.quantization == "int8":
            self.model = quantize_dynamic_int8(self.model)
        self.model.to(self.device).eval()
        self.generation = ModelGeneration.from_config(self.model.generation_config)
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
        batch = self.tokenizer(texts, return_tensors="pt", padding=True, truncation=False, verbose=False)  # check_window bounds it
        self.check_window(batch["input_ids"].shape[1])
        batch = {key: value.to(self.device) for key, value in batch.items()}
        max_new_tokens = min(request.max_new_tokens, self.max_output_tokens)
        kwargs = self.generation.transformers_kwargs(request, max_new_tokens)
        with self._lock, torch.inference_mode():
            if request.attention:  # the encoder runs once, for generate() and for the attention pass
                encoded = self.model.get_encoder()(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], return_dict=True)
                states = encoded.last_hidden_state  # generate() expands encoded in place, one copy per beam
                output = self.model.generate(**batch, encoder_outputs=encoded, **kwargs)
                attention = self._attention(batch, states, output)
            else:
                output = self.model.generate(**batch, **kwargs)
                attention = None
        results = self._decode(output, max_new_tokens)
        if attention is not None:
            results = [replace(result, attention=rows) for result, rows in zip(results, attention)]
        return results

    def _attention(self, batch: dict[str, Any], states: torch.Tensor, output: torch.Tensor) -> list[Any]:
        """The cross-attention of each token written, its heads averaged in the last layer, in one teacher-forced pass.

        ``generate`` keeps no attention of the beams it drops; running the decoder once more over
        what it wrote (on the encoder's output that generate used) costs one decoder pass instead
        of recording every step of every beam.
        """
        # SDPA kernels return no weights: this one pass runs eager attention, then generation's own comes back.
        implementation = getattr(self.model.config, "_attn_implementation", None)
        if implementation not in (None, "eager"):
            self.model.set_attn_implementation("eager")
        try:
            forward = self.model(
                encoder_outputs=(states,),
                attention_mask=batch["attention_mask"],
                decoder_input_ids=output[:, :-1],
                output_attentions=True,
                return_dict=True,
            )
        finally:
            if implementation not in (None, "eager"):
                self.model.set_attn_implementation(implementation)
        last = forward.cross_attentions[-1].float().mean(dim=1)  # (batch, written, input)
        special = set(self.tokenizer.all_special_ids) - {self.tokenizer.unk_token_id}
        rows = []
        for index in range(output.shape[0]):
            inputs = batch["input_ids"][index].tolist()
            mask = batch["attention_mask"][index].tolist()
            written = output[index, 1:].tolist()
            rows.append(content_attention(last[index].tolist(), [m == 0 or t in special for t, m in zip(inputs, mask)], [t in special for t in written]))
        return rows

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


def quiet_library_logging() -> None:
    """Per-call generation warnings from transformers would bury a long run's own messages under thousands of copies.

    Also its per-load bars and the hub client's retry chatter.  (Its note that a text is longer than the
    model takes never comes: we count long texts to cut them, with ``verbose=False``.)  Download bars are drawn by summarise.models._hub on its own.

    transformers is quieted when it is loaded, not here: importing it only to quiet it cost more than
    a one-article run on converted CTranslate2 models spends on everything else, and that run never loads it.
    """
    from huggingface_hub.utils import logging as hub_logging

    hub_logging.set_verbosity_error()
    _QUIET_WHEN_LOADED.set()
    if "transformers" in sys.modules:
        _quiet_transformers()


#: Set by quiet_library_logging(); every path of ours that loads transformers goes through loaded_transformers().
_QUIET_WHEN_LOADED = threading.Event()


def _quiet_transformers() -> None:
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def loaded_transformers() -> ModuleType:
    """``import transformers``, quieted if :func:`quiet_library_logging` asked for it."""
    import transformers

    if _QUIET_WHEN_LOADED.is_set():
        _quiet_transformers()
    return transformers


def _load_pretrained(spec: ModelSpec, source: str, dtype: Any, local_files_only: bool) -> tuple[Any, Any]:
    transformers = loaded_transformers()
    AutoModelForSeq2SeqLM, AutoTokenizer = transformers.AutoModelForSeq2SeqLM, transformers.AutoTokenizer

    from .._files import check_model_folder, describe_load_failure

    if spec.is_local:
        check_model_folder(spec.name, spec.source)
    common = {"local_files_only": True, "trust_remote_code": False}  # source: a folder, from hub.resolve
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, **common)
        model = AutoModelForSeq2SeqLM.from_pretrained(source, dtype=dtype, **common)
    except (OSError, ValueError) as exc:
        raise ModelLoadError(load_error_message(spec, local_files_only, exc)) from None
    except Exception as exc:  # damaged or refused weights; anything else is a bug and keeps its traceback
        message = describe_load_failure(spec.name, spec.source, exc)
        if message is None:
            raise
        raise ModelLoadError(message) from None
    return tokenizer, model


def load_error_message(spec: ModelSpec, local_files_only: bool, exc: Exception) -> str:
    import os

    detail = first_line(exc)
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


def load_tokenizer(path: Path) -> Any:
    """The tokenizer saved next to a converted model, by its own class.

    ``AutoTokenizer`` would import torch (through ``AutoConfig``), some 280 MB of
    resident memory that a CTranslate2 process never uses; the class named in
    ``tokenizer_config.json`` loads without it.  (A converted folder in either usual layout
    needs no transformers at all: :mod:`.tokenizing`.)
    """
    transformers = loaded_transformers()

    name = None
    config = path / "tokenizer_config.json"
    if config.is_file():
        name = json.loads(config.read_text(encoding="utf-8")).get("tokenizer_class")
    cls = getattr(transformers, name, None) if isinstance(name, str) and name.isidentifier() else None
    if cls is None or not hasattr(cls, "from_pretrained"):
        cls = transformers.AutoTokenizer
    return cls.from_pretrained(str(path), local_files_only=True)


def move_pad_last(model: Any) -> tuple[int, int] | None:
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
