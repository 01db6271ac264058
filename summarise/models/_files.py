"""A model folder checked before transformers reads it, and load failures put in words.

Users point ``--mt-model`` or a registry entry at folders that lack a tokenizer,
hold a truncated ``model.safetensors``, or a pickle that torch refuses.  Deep in
transformers these surface as a ``TypeError``, a ``SafetensorError`` or an
``UnpicklingError``; here they become one :class:`ModelLoadError` that says
which file is wrong and what to do.  No torch import: callable from any engine.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from ..errors import ModelLoadError, first_line

# A folder that save_pretrained wrote holds at least one of each group.
CONFIG_FILES = ("config.json",)
TOKENIZER_FILES = (
    "tokenizer.json", "tokenizer_config.json", "tokenizer.model", "source.spm", "spiece.model",
    "sentencepiece.bpe.model", "vocab.json", "vocab.txt",
)
WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json")


def check_model_folder(name: str, folder: str | os.PathLike) -> None:
    """Refuse a local model folder that cannot load, naming the missing or unreadable file."""
    root = Path(folder)
    if not any((root / file).is_file() for file in CONFIG_FILES):
        raise ModelLoadError(f"cannot load model '{name}' from {root}: it has no config.json; point it at a folder that save_pretrained wrote")
    if not any((root / file).exists() for file in TOKENIZER_FILES):
        raise ModelLoadError(
            f"model '{name}' in {root} has no tokenizer files ({', '.join(TOKENIZER_FILES[:4])}, …): "
            f"save the tokenizer into the same folder (tokenizer.save_pretrained)"
        )
    weights = [root / file for file in WEIGHT_FILES if os.path.lexists(root / file)]
    if not weights:
        raise ModelLoadError(f"model '{name}' in {root} has no weights ({WEIGHT_FILES[0]}): save the model into that folder (model.save_pretrained)")
    for file in weights:
        try:
            with open(file, "rb") as stream:
                stream.read(1)
        except OSError as exc:
            raise ModelLoadError(f"the weights file {file} of model '{name}' cannot be read ({exc.strerror or exc}): check that it exists and that you may read it") from None


def describe_load_failure(name: str, source: str, exc: BaseException) -> str | None:
    """One line for a failure that means damaged or refused model files; None for anything else."""
    model = f"model '{name}'" if name == source else f"model '{name}' ({source})"
    if isinstance(exc, pickle.UnpicklingError):
        return (
            f"{model} has pickle weights (pytorch_model.bin) that hold more than tensors, "
            "and loading them is refused for safety: convert them to model.safetensors where you trust the file"
        )
    if type(exc).__name__ == "SafetensorError" or isinstance(exc, EOFError):
        detail = first_line(exc)
        return f"the weights of {model} are damaged or not a safetensors file ({detail}): download or save the model again"
    return None
