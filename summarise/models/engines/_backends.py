"""The one table of backends: a backend is one module in this package plus one row here.

The registry's validation, the CLI's ``--backend`` choices, the precision rules and the
error messages all read this table.  Backend modules are reached only through
:func:`backend_module`, by the name in their row: the core never imports them by name,
so nothing here or below imports torch or ctranslate2 until an engine is built.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import logging
import os
from dataclasses import dataclass
from types import ModuleType

from ...errors import SummariseError, first_line

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
            module="_ctranslate2",
            engine="CTranslate2Engine",
            package="ctranslate2",
            # int8 runs as float32 on a CPU without VNNI, whose int8 sums saturate; int8_w7 (7-bit weights)
            # is the int8 that cannot saturate there, asked for by name (engines.isa).
            precisions=("int8", "int8_w7", "none", "bf16", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float32", "float16", "bfloat16"),
            gpu_precision=(),  # CTranslate2 picks its own nearest compute type per device
            # int8 weights: the fastest of int8 / int8_float32 / float32 for BART and Marian here
            # (benchmarks/speed.py), and equal to fp32 PyTorch on the trained copy model (tests).
            default_precision="int8",
            about="CTranslate2, converted once into $SUMMARISE_HOME/ct2 (the default on CPU)",
        ),
        Backend(
            name="transformers",
            module="_transformers",
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


def passive_openmp() -> None:
    """OpenMP threads that sleep when idle instead of spinning, unless the user chose (``OMP_WAIT_POLICY``).

    Set before a backend's library loads its OpenMP runtime, which reads it once.  Spinning threads
    starve a small, shared CPU: with libgomp's default, building the summariser's two-thread
    CTranslate2 translator after the translation model's took 0.5 s on a busy 2-core Xeon, 0.002 s
    passive.  ``benchmarks/speed.py`` and the Ray actors have always run passive, so every
    published speed figure already is.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


@functools.cache
def importable(name: str) -> bool:
    """Whether ``name``'s package imports; a broken install warns once and counts as missing."""
    row = get_backend(name)
    passive_openmp()
    if importlib.util.find_spec(row.package) is None:
        return False
    try:
        importlib.import_module(row.package)
    except Exception as exc:  # a broken wheel raises anything from OSError to AttributeError
        logger.warning("%s is installed but does not import (%s)", row.package, first_line(exc))
        return False
    return True


def quiet_backend_logging() -> None:
    """The libraries behind the backends log per call and draw bars: keep them to errors (the CLI, Ray actors)."""
    backend_module("transformers").quiet_library_logging()


def backend_module(name: str) -> ModuleType:
    """The module of backend ``name`` (imports its third-party package: call it when that is needed)."""
    passive_openmp()
    return importlib.import_module(f"{__package__}.{get_backend(name).module}")
