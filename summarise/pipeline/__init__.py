"""The per-article flow: options in, sentences translated and checked, a summary, a result with its signature.

:class:`Summariser` holds what is expensive (models, device, cache); :class:`Options` what
changes per call.  Layer: above ``checks``; ``output``, ``bulk`` and ``serve`` build on it.
"""

from __future__ import annotations

from .caching import MemoryCache, SQLiteCache, TranslationCache
from .options import Options
from .results import ModelUsed, SentencePair, Summary, Translation, result_from_dict
from .signature import Signature
from .summariser import Summariser, summarise, translate
from .summarising import LENGTHS

__all__ = [
    "LENGTHS",
    "MemoryCache",
    "ModelUsed",
    "Options",
    "SentencePair",
    "Signature",
    "SQLiteCache",
    "summarise",
    "Summariser",
    "Summary",
    "translate",
    "Translation",
    "TranslationCache",
    "result_from_dict",
]
