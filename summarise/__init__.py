"""Translate news articles into English sentence by sentence, and summarise them.

Importing this package is cheap: torch, transformers and every model load
wait until a call needs them (see ``summarise.engines``).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .errors import (
    DependencyError,
    InputError,
    LanguageError,
    ModelLoadError,
    OptionsError,
    OutputError,
    RegistryError,
    SummariseError,
    UnknownModelError,
)

__version__ = "0.1.0"

# name -> module that defines it; resolved on first use so that `import summarise` stays light.
_LAZY = {
    "Summariser": "pipeline",
    "Summary": "results",
    "Translation": "results",
    "SentencePair": "results",
    "summarise": "pipeline",
    "translate": "pipeline",
    "Registry": "registry",
    "ModelSpec": "registry",
    "split_sentences": "splitting",
    "Sentence": "splitting",
    "read_document": "reading",
    "Document": "reading",
    "MemoryCache": "caching",
    "SQLiteCache": "caching",
    "ModelCache": "engines",
    "translate_archive": "bulk",
    "summarise_archive": "bulk",
    "run_archive": "bulk",
    "Options": "options",
}

if TYPE_CHECKING:  # pragma: no cover
    from .bulk import run_archive, summarise_archive, translate_archive
    from .caching import MemoryCache, SQLiteCache
    from .engines import ModelCache
    from .options import Options
    from .pipeline import Summariser, summarise, translate
    from .reading import Document, read_document
    from .registry import ModelSpec, Registry
    from .results import SentencePair, Summary, Translation
    from .splitting import Sentence, split_sentences


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'summarise' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = [
    "DependencyError",
    "InputError",
    "LanguageError",
    "ModelLoadError",
    "OptionsError",
    "OutputError",
    "RegistryError",
    "SummariseError",
    "UnknownModelError",
    "__version__",
    *_LAZY,
]
