"""One family of errors. Every message says what to do next."""

from __future__ import annotations


class SummariseError(Exception):
    """Base of every error the library raises on purpose; the CLI prints these as ``Error: …``."""


class InputError(SummariseError):
    """The input text cannot be used: empty, binary, undecodable, too large, malformed."""


class FetchError(InputError):
    """A URL could not be fetched as an article page: timeout, HTTP error, too large, not a page."""


class LanguageError(SummariseError):
    """The source language is unknown, unsure, or has no model in the registry."""


class RegistryError(SummariseError):
    """``models.toml`` is missing, malformed, or names no such model."""


class UnknownModelError(RegistryError):
    """A model name that the registry does not know."""


class ModelLoadError(SummariseError):
    """A model could not be loaded (missing offline, bad directory, bad revision)."""


class OutputError(SummariseError):
    """An output path cannot be written, or is locked by another run."""


class DiskFullError(OutputError):
    """The device ran out of space (or quota) while writing an output."""


class DependencyError(SummariseError):
    """An optional extra (ctranslate2, ray) is needed but not installed."""


def first_line(exc: BaseException) -> str:
    """What an error message says, in one line: its first line, or its type where it says nothing."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class OptionsError(SummariseError):
    """A per-call option is out of range or of the wrong kind (see :class:`summarise.pipeline._options.Options`)."""


class ClusterError(SummariseError):
    """A Ray cluster cannot be joined or used: no cluster, an address that does not answer, a missing token."""
