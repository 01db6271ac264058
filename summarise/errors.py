"""One family of errors. Every message says what to do next."""

from __future__ import annotations

from collections.abc import Callable


class SummariseError(Exception):
    """Base of every error the library raises on purpose; the CLI prints these as ``Error: …``.

    When the fix is to set an option, ``option`` names it as the library does (``source_lang``) and ``example``
    is a value to show (``"fr"``; ``True`` for a switch).  ``str()`` says the fix the Python way
    (``pass source_lang='fr'``); each front end says it its own way, a flag or an API field, with
    :func:`worded`.  ``problem`` is the message without the fix.
    """

    def __init__(self, *args: object, option: str | None = None, example: object = None) -> None:
        self.problem = str(args[0]) if args else ""
        self.option, self.example = option, example
        if option is not None:
            args = (f"{self.problem}: pass {option}={example!r}" if example is not None else f"{self.problem}: pass {option}", *args[1:])
        super().__init__(*args)

    def __reduce__(self):  # keeps option and example across processes (Ray workers pickle errors)
        if getattr(self, "option", None) is None:
            return super().__reduce__()
        return (_rebuild, (type(self), self.problem, self.option, self.example))


def _rebuild(cls: type, problem: str, option: str, example: object) -> SummariseError:
    return cls(problem, option=option, example=example)


def worded(exc: BaseException, say: Callable[[str, object], str]) -> str:
    """``exc``'s message with its fix said by a front end: ``say(option, example)`` words "set this option".

    The CLI says ``pass --source-lang, e.g. --source-lang fr``; the APIs name their own fields.  An error
    with no option is its message, unchanged.
    """
    option = getattr(exc, "option", None)
    if option is None:
        return str(exc)
    return f"{exc.problem}: {say(option, exc.example)}"


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
