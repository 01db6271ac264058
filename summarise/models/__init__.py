"""The models: the registry (the only reader of ``models.toml``), hub downloads, model folders, the engine seam.

Layer: beside ``inputs``, above ``text``.  torch, transformers and ctranslate2 are imported only
by the two backend modules of :mod:`summarise.models.engines`, and only when an engine is built.
"""

from __future__ import annotations

from .engines import BACKEND_NAMES, BACKENDS, DEVICES, PRECISIONS, Backend, Engine, ModelCache, build_engine, runnable_spec
from .registry import Registry, default_path
from .spec import ModelSpec

__all__ = [
    "Backend",
    "BACKEND_NAMES",
    "BACKENDS",
    "build_engine",
    "default_path",
    "DEVICES",
    "Engine",
    "ModelCache",
    "ModelSpec",
    "PRECISIONS",
    "Registry",
    "runnable_spec",
]
