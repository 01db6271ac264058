"""What of the registry's models is on this machine, and what no entry uses any more.

``summarise models list`` shows, per model, whether its files are downloaded and whether it is converted
for CTranslate2, with the disk each takes; ``summarise models prune`` removes the conversions that no
registry entry uses: those of models the registry no longer names (entries keyed by local paths pile up
as models are rebuilt) and those made by an older converter.  Only our own conversion cache is pruned:
the Hugging Face cache is shared with every other program that uses the hub, so its downloads are
reported, never deleted.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .engines import backend_module
from ._hub import cached_snapshot
from ._registry import Registry
from ._spec import ModelSpec


@dataclass(frozen=True)
class ModelOnDisk:
    """One registry entry on this machine: its files (downloaded or local) and its CTranslate2 conversions."""

    name: str
    downloaded: bool
    download_bytes: int
    conversions: tuple[Path, ...]
    conversion_bytes: int

    @property
    def converted(self) -> bool:
        return bool(self.conversions)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "downloaded": self.downloaded,
            "download_bytes": self.download_bytes,
            "converted": self.converted,
            "conversions": [str(path) for path in self.conversions],
            "conversion_bytes": self.conversion_bytes,
        }


@dataclass(frozen=True)
class Unused:
    """A conversion that no registry entry uses, and why."""

    path: Path
    size: int
    reason: str


def folder_bytes(path: Path) -> int:
    """Bytes of the files under ``path``, links followed (a hub snapshot is links into its blobs)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total


def _ct2():
    return backend_module("ctranslate2")


def conversion_key(spec: ModelSpec) -> str:
    """The part of a conversion's folder name that names the model (its source, revision or local fingerprint)."""
    return _ct2().cache_name(spec.source, spec.revision, "int8", version="c0-ct0").rsplit("-", 3)[0]


def _conversions() -> list[tuple[Path, str, str]]:
    """(folder, model key, converter version) of each finished conversion in the cache."""
    ct2 = _ct2()
    root = ct2.cache_root()
    if not root.is_dir():
        return []
    found = []
    for entry in sorted(root.iterdir()):
        parts = entry.name.rsplit("-", 3)
        if entry.name.startswith(".") or len(parts) != 4 or not entry.is_dir() or not ct2.is_converted(entry):
            continue
        found.append((entry, parts[0], f"{parts[2]}-{parts[3]}"))
    return found


def on_disk(registry: Registry) -> list[ModelOnDisk]:
    """Each registry entry, in order, with what of it is on this machine."""
    conversions = _conversions()
    models = []
    for spec in registry.models.values():
        snapshot = cached_snapshot(spec)
        key = conversion_key(spec)
        mine = tuple(path for path, entry_key, _version in conversions if entry_key == key)
        models.append(ModelOnDisk(
            name=spec.name,
            downloaded=snapshot is not None,
            download_bytes=folder_bytes(Path(snapshot)) if snapshot is not None else 0,
            conversions=mine,
            conversion_bytes=sum(folder_bytes(path) for path in mine),
        ))
    return models


def unused_conversions(registry: Registry) -> list[Unused]:
    """The conversions no entry of ``registry`` uses: another model's, or an older converter's."""
    live = {conversion_key(spec) for spec in registry.models.values()}
    current = _ct2().converter_version()
    unused = []
    for path, key, version in _conversions():
        if key not in live:
            unused.append(Unused(path, folder_bytes(path), "no registry entry names this model"))
        elif version != current:
            unused.append(Unused(path, folder_bytes(path), f"made by converter {version}; this one is {current}"))
    return unused


def remove(unused: list[Unused]) -> int:
    """Delete these conversions; returns the bytes freed."""
    freed = 0
    for entry in unused:
        shutil.rmtree(entry.path)
        freed += entry.size
    return freed
