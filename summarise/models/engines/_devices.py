"""Devices and CPU threads: which device ``auto`` means, batch sizes per device, threads per process.

The GPU probes ask the backends through the table (:func:`.backends.backend_module`),
and only where an NVIDIA driver is present, so resolving ``auto`` on a CPU host
imports neither torch nor ctranslate2.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

from ...errors import SummariseError
from ._backends import backend_module, importable

DEVICES = ("auto", "cpu", "cuda")


def torch_cuda_devices() -> int:
    return backend_module("transformers").cuda_devices()


def ctranslate2_cuda_devices() -> int:
    if not importable("ctranslate2"):
        return 0
    return backend_module("ctranslate2").cuda_devices()


def ctranslate2_runs_on_cuda() -> bool:
    if not importable("ctranslate2"):
        return False
    return backend_module("ctranslate2").runs_on_cuda()


# Files an NVIDIA driver creates on Linux: without them no CUDA backend can see a GPU,
# and asking torch (a second of import) is not needed to know it.
NVIDIA_MARKERS = ("/proc/driver/nvidia/version", "/dev/nvidiactl")


def nvidia_driver_present() -> bool:
    if not sys.platform.startswith("linux"):
        return True  # no cheap test elsewhere: ask the backends
    return any(Path(marker).exists() for marker in NVIDIA_MARKERS)


@functools.cache
def cuda_device_count() -> int:
    """GPUs any installed backend can use; imports torch only where an NVIDIA driver is present."""
    if os.environ.get("CUDA_VISIBLE_DEVICES", None) in ("", "-1") or not nvidia_driver_present():
        return 0
    return max(torch_cuda_devices(), ctranslate2_cuda_devices())


def resolve_device(device: str) -> str:
    """``auto`` → ``cuda`` where a GPU is visible, else ``cpu``; ``cuda`` without one is an error."""
    if device not in DEVICES:
        raise SummariseError(f"unknown device '{device}', expected one of: {', '.join(DEVICES)}")
    if device == "cpu":
        return "cpu"
    gpus = cuda_device_count()
    if device == "auto":
        return "cuda" if gpus else "cpu"
    if not gpus:
        raise SummariseError("--device cuda asked for, but no CUDA GPU is visible: use --device cpu or auto")
    return "cuda"


CPU_BATCH_LIMITS = (4096, 64)  # source tokens (padding included) and sentences per translation batch


def batch_limits(device: str) -> tuple[int, int]:
    """Default translation batch limits for ``device``: (source tokens, sentences).

    A CPU gains little past 4096 tokens / 64 sentences.  A GPU's throughput grows with
    the batch, so CUDA gets one step more per 8 GiB of GPU memory, up to 8 times
    (80 GB: 32768 tokens, 512 sentences; beam 4 then needs a few GB for logits and caches).
    """
    if device != "cuda":
        return CPU_BATCH_LIMITS
    total = backend_module("transformers").cuda_memory()
    if not total:  # torch without CUDA, next to a CUDA CTranslate2
        return CPU_BATCH_LIMITS
    scale = max(1, min(8, int(total // 2**30) // 8))
    return CPU_BATCH_LIMITS[0] * scale, CPU_BATCH_LIMITS[1] * scale


def cpu_threads() -> int:
    """The CPUs this process may use (its affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


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


def reset_threads() -> None:
    """Forget an explicit thread count: back to the CPUs this process may use."""
    _THREADS[0] = None


def configured_threads() -> int:
    """``--threads`` when given, else the CPUs this process may use."""
    return _THREADS[0] or cpu_threads()
