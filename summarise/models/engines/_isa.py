"""What int8 arithmetic this CPU gives CTranslate2, read from ``/proc/cpuinfo`` without importing it.

CTranslate2 multiplies int8 weights by activations shifted to unsigned bytes (u8 x s8), through
Intel MKL on Intel CPUs and oneDNN elsewhere on x86.  How those products are summed depends on
the CPU, and that changes what a model writes:

* with VNNI (``vpdpbusd``: AVX-512 VNNI, or AVX-VNNI on recent laptops) every product is summed in
  32 bits, exactly;
* without it (AVX2, AVX-512 without VNNI, older x86) ``vpmaddubsw`` first sums *pairs* of products
  into 16 bits, with saturation: two weights near their row's maximum times two large activations
  exceed 32767 and are clipped.  Both libraries document this; it made the default path write
  ``une Le sommet aura`` where fp32 writes ``une aide militaire .`` on an AVX2-only machine.

Weights limited to 7 bits (|w| <= 63) cannot saturate: 2 x 255 x 63 = 32130, and their integer
products are then the same on every x86 CPU (``int8_w7``).  But they halve the weights' precision,
and on the test suite's trained models that changed 1 output in 200 on two of four models
(``benchmarks/agreement.py``), where float32 and int16 changed none.  So on a CPU whose int8
sums are not exact, the default int8 becomes float32: correct, at a speed cost that
``benchmarks/speed.py`` reports per class.  ``int8_w7`` stays a precision to ask for, the fastest
int8 without saturation there.

The math libraries can be told to use fewer instructions than the CPU has
(``MKL_ENABLE_INSTRUCTIONS``, ``ONEDNN_MAX_CPU_ISA``).  Such a cap below VNNI counts as its
class: that is how an AVX-512 machine runs, and tests, the AVX2 arithmetic
(:data:`AVX2_ENVIRONMENT`).  ``CT2_FORCE_CPU_ISA`` is not such a cap: it moves CTranslate2's own
kernels (softmax, layer norm, the quantisation of activations) but not the GEMM, whose int8
sums stay exact on a VNNI CPU (measured: ``tests/models/test_isa.py`` builds a model whose sums
saturate; with ``CT2_FORCE_CPU_ISA=AVX2`` alone its int8 scores equal the VNNI ones bit for bit).
"""

from __future__ import annotations

import functools
import os
import platform
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Int8Class:
    """One row of the CPU-class table."""

    name: str
    exact: bool  # u8 x s8 products are summed in 32 bits: int8 weights may use all 8 bits
    about: str


INT8_CLASSES: dict[str, Int8Class] = {
    row.name: row
    for row in (
        Int8Class("avx512-vnni", True, "AVX-512 VNNI: int8 products summed in 32 bits"),
        Int8Class("avx-vnni", True, "AVX-VNNI: int8 products summed in 32 bits"),
        Int8Class("arm64", True, "ARM (Ruy kernels): int8 products widened before they are summed"),
        Int8Class("avx512", False, "AVX-512 without VNNI: pairs of int8 products summed in 16 bits, saturating"),
        Int8Class("avx2", False, "AVX2 without VNNI: pairs of int8 products summed in 16 bits, saturating"),
        Int8Class("other", False, "no AVX2, or not known: int8 products may saturate"),
    )
}

# The precision suffix of int8 weights limited to 7 bits: ``int8_w7``.
NARROW_SUFFIX = "_w7"


def precision_for_cpu(precision: str | None, cpu: CpuInt8 | None = None) -> str | None:
    """What an int8 precision runs as on this CPU: itself where int8 sums are exact, float32 where they saturate.

    Only CTranslate2 on a CPU asks (cuBLAS sums int8 in 32 bits; PyTorch's dynamic int8 keeps its
    activations to 7 bits on x86 for the same reason).  A float precision, and ``int8_w7`` (asked
    for by name: it cannot saturate), are returned as they are.
    """
    if not precision or not precision.startswith("int8") or precision.endswith(NARROW_SUFFIX):
        return precision
    return precision if (cpu or cpu_int8()).exact else "float32"


# Caps that the math libraries and CTranslate2 read from the environment, and the class each
# value leaves.  A value not listed leaves the CPU's own class (VNNI levels, AMX, ALL, DEFAULT).
CAP_VARIABLES = ("MKL_ENABLE_INSTRUCTIONS", "ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA")
CAPPED_CLASS = {
    "SSE4_2": "other",
    "SSE41": "other",
    "AVX": "other",
    "AVX2": "avx2",
    "AVX512": "avx512",  # MKL's name for AVX-512 without VNNI (its VNNI level is AVX512_E1)
    "AVX512_CORE": "avx512",
    "AVX512_MIC": "avx512",
}

# What an AVX-512 machine sets to run the AVX2 arithmetic: the int8 GEMM of both libraries
# CTranslate2 may use (MKL on Intel CPUs, oneDNN elsewhere), and CTranslate2's own kernels.
AVX2_ENVIRONMENT = {"CT2_FORCE_CPU_ISA": "AVX2", "MKL_ENABLE_INSTRUCTIONS": "AVX2", "ONEDNN_MAX_CPU_ISA": "AVX2"}


@dataclass(frozen=True)
class CpuInt8:
    """The CPU's own int8 class, and the class in force once the environment's caps apply."""

    native: Int8Class
    effective: Int8Class
    capped_by: tuple[str, ...] = ()  # "VAR=VALUE" of the caps that lowered the class

    @property
    def name(self) -> str:
        return self.effective.name

    @property
    def exact(self) -> bool:
        return self.effective.exact

    def describe(self) -> str:
        """One line for people: ``avx2 (capped by MKL_ENABLE_INSTRUCTIONS=AVX2 on avx512-vnni): …``."""
        head = self.effective.name
        if self.capped_by:
            head += f" (capped by {', '.join(self.capped_by)} on {self.native.name})"
        return f"{head}: {self.effective.about}"

    def to_dict(self) -> dict:
        return {"class": self.name, "native": self.native.name, "int8_exact": self.exact, "capped_by": list(self.capped_by)}


def native_class(cpuinfo: str, machine: str) -> Int8Class:
    """The class of a CPU from its ``/proc/cpuinfo`` text and ``platform.machine()``."""
    if machine.lower() in ("aarch64", "arm64"):
        return INT8_CLASSES["arm64"]
    flags: set[str] = set()
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            flags = set(value.split())
            break
    if "avx512_vnni" in flags and "avx512f" in flags:
        return INT8_CLASSES["avx512-vnni"]
    if "avx_vnni" in flags:
        return INT8_CLASSES["avx-vnni"]
    if "avx512f" in flags and "avx512bw" in flags:
        return INT8_CLASSES["avx512"]
    if "avx2" in flags:
        return INT8_CLASSES["avx2"]
    return INT8_CLASSES["other"]


def classify(cpuinfo: str, machine: str, environ: Mapping[str, str]) -> CpuInt8:
    """The class in force: the CPU's own, lowered by every cap in ``environ`` below it."""
    native = native_class(cpuinfo, machine)
    effective, capped = native, []
    if native.name != "arm64":  # the caps name x86 instruction sets
        for variable in CAP_VARIABLES:
            value = environ.get(variable, "").strip().upper()
            lowered = CAPPED_CLASS.get(value)
            if lowered is not None and _RANK[lowered] < _RANK[native.name]:
                capped.append(f"{variable}={value}")
                if _RANK[lowered] < _RANK[effective.name]:
                    effective = INT8_CLASSES[lowered]
    return CpuInt8(native, effective, tuple(capped))


_RANK = {"other": 0, "avx2": 1, "avx512": 2, "avx-vnni": 3, "avx512-vnni": 4, "arm64": 4}


@functools.cache
def _cpuinfo() -> str:
    try:
        return Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:  # not Linux: no flags to read, so the safe class (7-bit weights) applies
        return ""


def cpu_int8() -> CpuInt8:
    """This process's class: this CPU, with the caps in this process's environment."""
    return classify(_cpuinfo(), platform.machine(), os.environ)


__all__ = ["AVX2_ENVIRONMENT", "INT8_CLASSES", "NARROW_SUFFIX", "CpuInt8", "Int8Class", "classify", "cpu_int8", "native_class", "precision_for_cpu"]
