"""Deprecated: the engines moved to :mod:`summarise.engines`, hub downloads to :mod:`summarise.hub`.

``from summarise.loading import ModelCache`` (and the other old names) still works,
with a DeprecationWarning; new code imports from :mod:`summarise.engines`.
"""

from __future__ import annotations

import warnings
from typing import Any

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
    """Deprecated: :func:`summarise.hub.pull` (fetch into the Hugging Face cache; returns the commit)."""
    from .hub import pull

    return pull(spec)
