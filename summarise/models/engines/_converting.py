"""Converting a model for the CTranslate2 backend ahead of its first use (``summarise models convert``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import _hub as hub
from .._spec import ModelSpec
from ._backends import backend_module
from ._isa import precision_for_cpu


@dataclass(frozen=True)
class Conversion:
    """A converted folder, and the weights stored in it (``requested`` unless this CPU runs another)."""

    path: Path
    quantization: str
    requested: str

    @property
    def changed(self) -> bool:
        """int8 asked for on a CPU whose int8 sums saturate (no VNNI): float32 was converted instead."""
        return self.quantization != self.requested


def convert_model(spec: ModelSpec, quantization: str = "int8", output: Path | None = None, *, force: bool = False,
                  offline: bool = False) -> Conversion:
    """Convert ``spec`` with CTranslate2's converter into ``output`` (default: the cache the backend reads).

    The stored weights are what this CPU's default path runs, so a later run finds the folder
    it will load: int8 becomes float32 on a CPU without VNNI (see ``engines.isa``).
    """
    ct2 = backend_module("ctranslate2")
    source = hub.resolve(spec, local_files_only=offline)  # hub ids: fetched (with a bar) or found in the cache
    runs = precision_for_cpu(quantization)
    output = output or ct2.cache_root() / ct2.cache_name(spec.source, spec.revision, runs)
    path = ct2.convert(source, revision=spec.revision, quantization=runs, output=output, force=force, local_files_only=True)
    return Conversion(Path(path), runs, quantization)
