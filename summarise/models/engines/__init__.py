"""The engine seam: one table of backends, and the choice of which one runs a model.

A backend is one module here plus one row in :data:`BACKENDS`.  The registry's
validation, the CLI's ``--backend`` choices, the precision rules and the error
messages all read that table.  Importing this package imports neither torch nor
ctranslate2: only the backend modules do, when an engine is built.

    backends      the table of backends, and the one way to reach a backend's module
    base          engine protocol, request/result types, token window
    devices       which device runs, batch limits per device, CPU threads
    select        which backend and precision run a model, and building its engine
    cache         ModelCache: loaded engines
    generation    the model's own generation settings, mapped onto each backend
    transformers  PyTorch through Hugging Face transformers (the only torch importer)
    ctranslate2   CTranslate2, converted on first use (the only ctranslate2 importer)
"""

from __future__ import annotations

from ._backends import (
    BACKEND_NAMES,
    BACKENDS,
    CPU_DEFAULT,
    PRECISIONS,
    Backend,
    backend_module,
    check_precision,
    get_backend,
    importable,
    quiet_backend_logging,
)
from ._base import Engine, Generated, GenerationRequest, TokenWindow
from ._cache import ModelCache
from ._converting import Conversion, convert_model
from ._devices import DEVICES, batch_limits, configured_threads, cuda_device_count, reset_threads, resolve_device, set_threads
from ._isa import cpu_int8, precision_for_cpu
from ._select import build_engine, choose_backend, default_backend, reset_probes, runnable_spec

__all__ = [
    "Conversion",
    "convert_model",
    "Backend",
    "backend_module",
    "BACKEND_NAMES",
    "BACKENDS",
    "batch_limits",
    "build_engine",
    "check_precision",
    "choose_backend",
    "configured_threads",
    "cpu_int8",
    "cuda_device_count",
    "default_backend",
    "DEVICES",
    "Engine",
    "Generated",
    "GenerationRequest",
    "ModelCache",
    "precision_for_cpu",
    "PRECISIONS",
    "quiet_backend_logging",
    "reset_probes",
    "reset_threads",
    "resolve_device",
    "runnable_spec",
    "set_threads",
    "TokenWindow",
]
