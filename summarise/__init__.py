"""Translate news articles into English sentence by sentence, and summarise them.

Importing this package is cheap: torch, transformers and every model load
wait until a call needs them (see ``summarise.models.engines``).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import (
    ClusterError,
    DependencyError,
    DiskFullError,
    FetchError,
    InputError,
    LanguageError,
    ModelLoadError,
    OptionsError,
    OutputError,
    RegistryError,
    SummariseError,
    UnknownModelError,
)


# name -> module that defines it; resolved on first use so that `import summarise` stays light.
_LAZY = {
    "Summariser": "pipeline",
    "Summary": "pipeline",
    "Translation": "pipeline",
    "SentencePair": "pipeline",
    "summarise": "pipeline",
    "translate": "pipeline",
    "Registry": "models",
    "ModelSpec": "models",
    "split_sentences": "text",
    "Sentence": "text",
    "read_document": "inputs",
    "Document": "inputs",
    "MemoryCache": "pipeline",
    "SQLiteCache": "pipeline",
    "ModelCache": "models",
    "translate_archive": "bulk",
    "summarise_archive": "bulk",
    "run_archive": "bulk",
    "Options": "pipeline",
}

if TYPE_CHECKING:  # pragma: no cover
    from .bulk import run_archive, summarise_archive, translate_archive
    from .inputs import Document, read_document
    from .models import ModelCache, ModelSpec, Registry
    from .pipeline import MemoryCache, Options, SentencePair, SQLiteCache, Summariser, Summary, Translation, summarise, translate
    from .text import Sentence, split_sentences


# Names that make or hold results load ``output`` with them: it installs the HTML report that results
# show in notebooks (``_repr_html_``); ``pipeline`` sits below ``output`` and cannot import it.
_WITH_REPORT = ("pipeline", "bulk")


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'summarise' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    if module.startswith(_WITH_REPORT):
        import_module(".output", __name__)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = [
    "ClusterError",
    "DependencyError",
    "DiskFullError",
    "FetchError",
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
