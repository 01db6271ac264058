"""The per-article flow: options in, sentences translated and checked, a summary, a result with its signature.

:class:`Summariser` holds what is expensive (models, device, cache); :class:`Options` what
changes per call.  Layer: above ``checks``; ``output``, ``bulk`` and ``serve`` build on it.
"""

from __future__ import annotations

from ._caching import MemoryCache, SQLiteCache, TranslationCache
from ._options import Options
from ._results import html_renderer, ModelUsed, result_from_dict, SentencePair, set_html_renderer, Summary, Translation
from ._signature import same_settings, Signature
from ._summariser import Prepared, summarise, Summariser, translate
from ._summarising import LENGTHS

__all__ = [
    "html_renderer",
    "set_html_renderer",
    "LENGTHS",
    "MemoryCache",
    "ModelUsed",
    "Options",
    "Prepared",
    "same_settings",
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
