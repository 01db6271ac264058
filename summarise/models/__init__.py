"""The models: the registry (the only reader of ``models.toml``), hub downloads, model folders, the engine seam.

Layer: beside ``inputs``, above ``text``.  torch, transformers and ctranslate2 are imported only
by the two backend modules of :mod:`summarise.models.engines`, and only when an engine is built.
"""

from __future__ import annotations

from ._hub import cached_snapshot, progress_bars, pull
from ._storage import on_disk, remove, unused_conversions
from .engines import (
    BACKEND_NAMES,
    BACKENDS,
    DEVICES,
    PRECISIONS,
    Backend,
    Conversion,
    Engine,
    ModelCache,
    build_engine,
    convert_model,
    runnable_spec,
)
from ._registry import ANY_LANGUAGE, default_path, Registry, resolve_path
from ._spec import ModelSpec

__all__ = [
    "Conversion",
    "convert_model",
    "ANY_LANGUAGE",
    "Backend",
    "BACKEND_NAMES",
    "BACKENDS",
    "build_engine",
    "cached_snapshot",
    "default_path",
    "DEVICES",
    "Engine",
    "ModelCache",
    "ModelSpec",
    "on_disk",
    "PRECISIONS",
    "progress_bars",
    "pull",
    "Registry",
    "remove",
    "resolve_path",
    "runnable_spec",
    "unused_conversions",
]
