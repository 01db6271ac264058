"""The engine seam: one table of backends, and the choice of which one runs a model.

A backend is one module here plus one row in :data:`BACKENDS`.  The registry's
validation, the CLI's ``--backend`` choices, the precision rules and the error
messages all read that table.  Importing this package imports neither torch nor
ctranslate2: only the backend modules do, when an engine is built.

    base          engine protocol, request/result types, token window, devices
    generation    the model's own generation settings, mapped onto each backend
    transformers  PyTorch through Hugging Face transformers (the only torch importer)
    ctranslate2   CTranslate2, converted on first use (the only ctranslate2 importer)
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import logging
import sys
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import SummariseError
from .base import (
    DEVICES,
    Engine,
    Generated,
    GenerationRequest,
    TokenWindow,
    batch_limits,
    cpu_threads,
    cuda_device_count,
    resolve_device,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..registry import ModelSpec

logger = logging.getLogger("summarise")


@dataclass(frozen=True)
class Backend:
    """One row of the backend table."""

    name: str
    module: str  # summarise.models.engines.<module>
    engine: str  # the Engine class in it
    package: str  # the third-party package it imports
    precisions: tuple[str, ...]  # accepted `quantization` values ("none": full precision)
    gpu_precision: tuple[tuple[str, str | None], ...]  # precision -> what it runs as on a GPU
    default_precision: str | None  # for a model whose registry entry sets no quantization
    about: str


BACKENDS: dict[str, Backend] = {
    row.name: row
    for row in (
        Backend(
            name="ctranslate2",
            module="ctranslate2",
            engine="CTranslate2Engine",
            package="ctranslate2",
            precisions=("int8", "none", "bf16", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float32", "float16", "bfloat16"),
            gpu_precision=(),  # CTranslate2 picks its own nearest compute type per device
            # int8 weights: the fastest of int8 / int8_float32 / float32 for BART and Marian here
            # (benchmarks/speed.py), and equal to fp32 PyTorch on the trained copy model (tests).
            default_precision="int8",
            about="CTranslate2, converted once into $SUMMARISE_HOME/ct2 (the default on CPU)",
        ),
        Backend(
            name="transformers",
            module="transformers",
            engine="TransformersEngine",
            package="torch",
            precisions=("int8", "bf16", "none"),
            gpu_precision=(("int8", None),),  # dynamic int8 is a CPU kernel: fp16 on a GPU
            default_precision=None,  # fp32 (fp16 on a GPU); the registry opts translators into dynamic int8
            about="PyTorch through Hugging Face transformers (the default on a GPU: fp16)",
        ),
    )
}
BACKEND_NAMES = tuple(BACKENDS)
PRECISIONS = tuple(dict.fromkeys(p for row in BACKENDS.values() for p in row.precisions))
CPU_DEFAULT = "ctranslate2"
GPU_DEFAULT = "transformers"  # the CTranslate2 wheel needs CUDA 12 libraries many GPU hosts lack
FALLBACK = "transformers"  # runs wherever the package installs (torch is a core dependency)


def get_backend(name: str) -> Backend:
    try:
        return BACKENDS[name]
    except KeyError:
        raise SummariseError(f"unknown backend '{name}', expected one of: {', '.join(BACKEND_NAMES)}") from None


def check_precision(backend: str, precision: str | None, where: str = "") -> None:
    row = get_backend(backend)
    if precision is not None and precision not in row.precisions:
        prefix = f"{where}: " if where else ""
        raise SummariseError(
            f"{prefix}quantization '{precision}' is not one the {backend} backend runs, expected one of: {', '.join(row.precisions)}"
        )


@functools.cache
def importable(name: str) -> bool:
    """Whether ``name``'s package imports; a broken install warns once and counts as missing."""
    row = get_backend(name)
    if importlib.util.find_spec(row.package) is None:
        return False
    try:
        importlib.import_module(row.package)
    except Exception as exc:  # a broken wheel raises anything from OSError to AttributeError
        logger.warning("%s is installed but does not import (%s)", row.package, str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
        return False
    return True


@functools.cache
def _warn_once(message: str) -> None:
    logger.warning(message)


def torch_cuda_devices() -> int:
    from .transformers import cuda_devices

    return cuda_devices()


def ctranslate2_cuda_devices() -> int:
    if not importable("ctranslate2"):
        return 0
    from .ctranslate2 import cuda_devices

    return cuda_devices()


def ctranslate2_runs_on_cuda() -> bool:
    if not importable("ctranslate2"):
        return False
    from .ctranslate2 import runs_on_cuda

    return runs_on_cuda()


def default_backend(device: str) -> str:
    """What a model with no ``backend =`` runs on: CTranslate2 on a CPU, PyTorch fp16 on a GPU."""
    return GPU_DEFAULT if resolve_device(device) == "cuda" else CPU_DEFAULT


def choose_backend(spec: ModelSpec, device: str) -> str:
    """The backend that will really run ``spec`` on ``device``: its own, else the default,
    falling back to PyTorch (one warning) where CTranslate2 cannot run."""
    if _converted_folder(spec):
        return "ctranslate2"  # a converted folder: nothing else can read it
    wanted = spec.backend or default_backend(device)
    get_backend(wanted)
    if wanted == "ctranslate2":
        if not importable("ctranslate2"):
            _warn_once("ctranslate2 cannot be imported: running the models with PyTorch instead (slower); pip install 'summarise-news' again to repair it")
            return FALLBACK
        if resolve_device(device) == "cuda" and not ctranslate2_runs_on_cuda():
            _warn_once("CTranslate2 cannot use this GPU (its wheel needs CUDA 12 libraries): running the models with PyTorch fp16 instead")
            return FALLBACK
    return wanted


def _converted_folder(spec: ModelSpec) -> bool:
    """A folder converted ahead of time runs in the precision it was stored in."""
    from .ctranslate2 import is_converted

    source = Path(spec.source).expanduser()
    return source.is_dir() and is_converted(source)


def runnable_spec(spec: ModelSpec, device: str) -> ModelSpec:
    """The spec as it will really run on ``device``: what signatures, cache keys and resume must name."""
    backend = choose_backend(spec, device)
    if spec.backend != backend:
        spec = replace(spec, backend=backend)
    row = get_backend(backend)
    if spec.quantization is None and row.default_precision is not None and not _converted_folder(spec):
        spec = replace(spec, quantization=row.default_precision)
    check_precision(backend, spec.quantization, spec.name)
    on_gpu = dict(get_backend(backend).gpu_precision)
    if spec.quantization in on_gpu and resolve_device(device) == "cuda":
        logger.info("%s: %s runs on the CPU only; running fp16 on %s", spec.name, spec.quantization, device)
        spec = replace(spec, quantization=on_gpu[spec.quantization])
    return spec


_THREADS: list[int | None] = [None]


def set_threads(threads: int | None) -> None:
    """CPU threads for every backend, set explicitly: Ray and some launchers set OMP_NUM_THREADS to 1 behind our back."""
    if threads:
        _THREADS[0] = threads
        # Only where torch is loaded already: importing it here would cost a CTranslate2 run a
        # second and 280 MB; a TransformersEngine applies the setting when it is built.
        torch = sys.modules.get("torch")
        if torch is not None:
            torch.set_num_threads(threads)


def configured_threads() -> int:
    """``--threads`` when given, else the CPUs this process may use."""
    return _THREADS[0] or cpu_threads()


def build_engine(spec: ModelSpec, *, device: str = "auto", local_files_only: bool = False) -> Engine:
    spec = runnable_spec(spec, device)
    row = get_backend(spec.backend)
    module = importlib.import_module(f"{__name__}.{row.module}")
    return getattr(module, row.engine)(spec, device=device, local_files_only=local_files_only)


class ModelCache:
    """Loaded engines, keyed by source, revision, backend, quantisation and device.

    An explicit object, not a global: a ``Summariser`` owns one, and two
    summarisers can share one by passing it in.
    """

    def __init__(self) -> None:
        self._engines: dict[tuple, Engine] = {}
        self._lock = threading.Lock()

    def get(self, spec: ModelSpec, *, device: str = "auto", local_files_only: bool = False) -> Engine:
        spec = runnable_spec(spec, device)
        key = (spec.source, spec.revision, spec.backend, spec.quantization, spec.max_input_tokens, device)
        with self._lock:
            engine = self._engines.get(key)
            if engine is None:
                logger.info("loading %s on %s with %s", spec.label, device, spec.backend)
                engine = build_engine(spec, device=device, local_files_only=local_files_only)
                self._engines[key] = engine
            return engine

    def __len__(self) -> int:
        return len(self._engines)

    def clear(self) -> None:
        with self._lock:
            self._engines.clear()


__all__ = [
    "BACKENDS",
    "BACKEND_NAMES",
    "DEVICES",
    "PRECISIONS",
    "Backend",
    "Engine",
    "Generated",
    "GenerationRequest",
    "ModelCache",
    "TokenWindow",
    "batch_limits",
    "build_engine",
    "choose_backend",
    "configured_threads",
    "cuda_device_count",
    "default_backend",
    "resolve_device",
    "runnable_spec",
    "set_threads",
]
