"""Deprecated: the engines moved to :mod:`summarise.engines`; hub downloads stay here.

``from summarise.loading import ModelCache`` (and the other old names) still works,
with a DeprecationWarning; new code imports from :mod:`summarise.engines`.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

from .errors import DependencyError, ModelLoadError
from .registry import ModelSpec

_MOVED = {
    "GenerationRequest": "base",
    "Generated": "base",
    "Engine": "base",
    "TokenWindow": "base",
    "DEVICES": "base",
    "CPU_BATCH_LIMITS": "base",
    "batch_limits": "base",
    "resolve_device": "base",
    "ModelCache": "",
    "build_engine": "",
    "runnable_spec": "",
    "set_threads": "",
    "TransformersEngine": "transformers",
    "quantize_dynamic_int8": "transformers",
}


def __getattr__(name: str) -> Any:
    where = _MOVED.get(name)
    if where is None:
        raise AttributeError(f"module 'summarise.loading' has no attribute {name!r}")
    from importlib import import_module

    module = "summarise.engines" + (f".{where}" if where else "")
    warnings.warn(f"summarise.loading.{name} moved to {module}", DeprecationWarning, stacklevel=2)
    return getattr(import_module(module), name)


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
