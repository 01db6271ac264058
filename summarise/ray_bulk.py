"""Deprecated: the Ray engine is now an executor of the one bulk driver.

Use ``summarise.bulk.run_archive(inputs, ..., executor=summarise.bulk.Ray(...))``
(see :mod:`summarise.bulk.ray`).  This module keeps the old names working.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .bulk.ray import ArticleActor, Ray, RayOptions, Sizing, plan, require_ray
from .bulk.run import ArchiveRun, run_archive
from .bulk.sources import InputSpec


def translate_archive(inputs: InputSpec | Iterable[InputSpec], *, ray_options: Ray | None = None, **kwargs: Any) -> ArchiveRun:
    """``run_archive(inputs, with_summary=False, executor=ray_options or Ray(), ...)``."""
    return run_archive(inputs, with_summary=False, executor=ray_options or Ray(), **kwargs)


def summarise_archive(inputs: InputSpec | Iterable[InputSpec], *, ray_options: Ray | None = None, **kwargs: Any) -> ArchiveRun:
    """``run_archive(inputs, with_summary=True, executor=ray_options or Ray(), ...)``."""
    return run_archive(inputs, with_summary=True, executor=ray_options or Ray(), **kwargs)


__all__ = ["ArticleActor", "Ray", "RayOptions", "Sizing", "plan", "require_ray", "summarise_archive", "translate_archive"]
