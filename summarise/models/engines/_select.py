"""Which backend and precision really run a model on a device, and building its engine."""

from __future__ import annotations

import functools
import logging
from dataclasses import replace
from pathlib import Path

from ...support import install_hint
from .._spec import ModelSpec
from ._backends import CPU_DEFAULT, FALLBACK, GPU_DEFAULT, backend_module, check_precision, get_backend, importable
from ._base import Engine
from ._devices import ctranslate2_runs_on_cuda, resolve_device
from ._isa import precision_for_cpu

logger = logging.getLogger("summarise")


@functools.cache
def _warn_once(message: str) -> None:
    logger.warning(message)


def reset_probes() -> None:
    """Probe the backends' packages again, and warn again: the answers are kept per process."""
    importable.cache_clear()
    _warn_once.cache_clear()


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
            _warn_once(f"ctranslate2 cannot be imported: running the models with PyTorch instead (slower); {install_hint()} to repair it")
            return FALLBACK
        if resolve_device(device) == "cuda" and not ctranslate2_runs_on_cuda():
            _warn_once("CTranslate2 cannot use this GPU (its wheel needs CUDA 12 libraries): running the models with PyTorch fp16 instead")
            return FALLBACK
    return wanted


def _converted_folder(spec: ModelSpec) -> bool:
    """A folder converted ahead of time runs in the precision it was stored in."""
    source = Path(spec.source).expanduser()
    return source.is_dir() and backend_module("ctranslate2").is_converted(source)


def runnable_spec(spec: ModelSpec, device: str) -> ModelSpec:
    """The spec as it will really run on ``device``: what signatures, cache keys and resume must name."""
    backend = choose_backend(spec, device)
    if spec.backend != backend:
        spec = replace(spec, backend=backend)
    row = get_backend(backend)
    if spec.quantization is None and row.default_precision is not None and not _converted_folder(spec):
        spec = replace(spec, quantization=row.default_precision)
    check_precision(backend, spec.quantization, spec.name)
    if backend == "ctranslate2" and resolve_device(device) == "cpu" and not _converted_folder(spec):
        spec = replace(spec, quantization=precision_for_cpu(spec.quantization))
    on_gpu = dict(get_backend(backend).gpu_precision)
    if spec.quantization in on_gpu and resolve_device(device) == "cuda":
        logger.info("%s: %s runs on the CPU only; running fp16 on %s", spec.name, spec.quantization, device)
        spec = replace(spec, quantization=on_gpu[spec.quantization])
    return spec


def build_engine(spec: ModelSpec, *, device: str = "auto", local_files_only: bool = False) -> Engine:
    spec = runnable_spec(spec, device)
    row = get_backend(spec.backend)
    return getattr(backend_module(row.name), row.engine)(spec, device=device, local_files_only=local_files_only)
