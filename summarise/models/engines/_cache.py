"""Loaded engines, held by an explicit cache object."""

from __future__ import annotations

import logging
import threading

from .._spec import ModelSpec
from ._base import Engine
from ._select import build_engine, runnable_spec

logger = logging.getLogger("summarise")


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

    def engines(self) -> list[Engine]:
        """The engines loaded so far, in the order they loaded."""
        with self._lock:
            return list(self._engines.values())

    def __len__(self) -> int:
        return len(self._engines)

    def clear(self) -> None:
        with self._lock:
            self._engines.clear()
