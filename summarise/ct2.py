"""Deprecated: the CTranslate2 backend moved to :mod:`summarise.engines.ctranslate2`.

``from summarise import ct2; ct2.convert(...)`` still works, with a DeprecationWarning.
"""

from __future__ import annotations

import warnings
from typing import Any


def __getattr__(name: str) -> Any:
    from .engines import ctranslate2

    value = getattr(ctranslate2, name)  # AttributeError for names that never existed
    warnings.warn(f"summarise.ct2.{name} moved to summarise.engines.ctranslate2", DeprecationWarning, stacklevel=2)
    return value
