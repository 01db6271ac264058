"""One model: where it comes from and how to run it (the registry's rows, the engines' input)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ModelSpec:
    """One model: where it comes from and how to run it."""

    name: str
    task: str
    source: str
    revision: str | None = None
    max_input_tokens: int = 512
    num_beams: int = 4
    backend: str | None = None  # None: the run's --backend, else the default for the device
    quantization: str | None = None
    languages: tuple[str, ...] = ()
    target: str = "en"
    min_new_tokens: int = 0
    max_new_tokens: int | None = None

    @property
    def is_local(self) -> bool:
        return Path(self.source).is_dir()

    @property
    def label(self) -> str:
        """``source@revision``, the form that signatures and listings show."""
        return f"{self.source}@{self.revision or 'unpinned'}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "task": self.task,
            "source": self.source,
            "revision": self.revision,
            "backend": self.backend,
            "quantization": self.quantization,
            "max_input_tokens": self.max_input_tokens,
            "num_beams": self.num_beams,
            "languages": list(self.languages),
            "target": self.target,
        }
