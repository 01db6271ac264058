"""What every command shares: exit statuses, choices, option declarations, errors, and the summariser's settings.

Imported by every command module, ``models`` included: it loads nothing above the ``models`` layer at
module level.  Choices whose table lives higher up (formats, lengths) are in :mod:`.choices`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from enum import Enum, IntEnum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console

from ..errors import SummariseError, worded
from ..models.engines import BACKEND_NAMES, BACKENDS, DEVICES, PRECISIONS


class ExitCode(IntEnum):
    """Every exit status of every command."""

    OK = 0
    ERROR = 1  # a SummariseError (bad input, missing model, locked output), or in bulk an article that failed
    USAGE = 2  # a bad option or argument (typer's own)
    FLAGGED = 3  # --strict, and a sentence flagged by the quality checks; the output is written all the same
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it); bulk says how to resume


# Choices from the library's tables: a new device or backend is a row there, not an edit here.
Device = Enum("Device", {name: name for name in DEVICES}, type=str)  # summarise.models.engines.DEVICES
# One choice per row of the backend table (summarise.models.engines.BACKENDS).
Backend = Enum("Backend", {name: name for name in BACKEND_NAMES}, type=str)
# Precision names as the backend table has them (summarise.models.engines.BACKENDS): help texts only.
CT2_TYPES = ", ".join(p for p in BACKENDS["ctranslate2"].precisions if p not in ("none", "int8", "bf16"))


def stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def say(text: str) -> None:
    """One plain line to a person, on stderr (never markup: ids and paths come from users)."""
    stderr().print(text, markup=False, highlight=False)


@contextlib.contextmanager
def errors() -> Iterator[None]:
    """Our own errors become one line on stderr and exit 1; nothing else is swallowed."""
    try:
        yield
    except SummariseError as exc:
        from rich.markup import escape

        # Escaped: messages hold ids, paths and "pip install 'summarise-news[ray]'", which are not markup.
        stderr().print(f"[bold red]Error:[/] {escape(worded(exc, flag_advice))}", markup=True)
        raise typer.Exit(code=ExitCode.ERROR) from None


def flag_advice(option: str, example: object) -> str:
    """An error's fix in the CLI's words: the option's flag (``source_lang`` is ``--source-lang``)."""
    flag = "--" + option.replace("_", "-")
    if example is None or example is True:
        return f"pass {flag}"
    return f"pass {flag}, e.g. {flag} {example}"


def printable(text: str) -> str:
    """Ids come from the input: control characters in them must not drive the terminal."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


ModelsOpt = Annotated[Optional[Path], typer.Option("--models", envvar="SUMMARISE_MODELS", help="Registry file (models.toml) to use.")]
OfflineOpt = Annotated[bool, typer.Option("--offline", help="Use only models already downloaded (local_files_only).")]
MtModelOpt = Annotated[Optional[str], typer.Option("--mt-model", help="Translation model for this run: registry name, hub id or local directory.")]
SumModelOpt = Annotated[Optional[str], typer.Option("--sum-model", help="Summarisation model for this run: registry name, hub id or local directory.")]
SourceLangOpt = Annotated[str, typer.Option("--source-lang", "-s", help="Source language code, or auto to detect it.")]
DeviceOpt = Annotated[Device, typer.Option("--device", help="Where models run; auto picks CUDA when there is one (fp16).")]
BeamsOpt = Annotated[Optional[int], typer.Option("--beams", min=1, max=16, help="Beam size (default: the registry's).")]
FastOpt = Annotated[bool, typer.Option("--fast", help="Greedy decoding (beam 1): about 3x faster, slightly less fluent.")]
BatchOpt = Annotated[Optional[int], typer.Option("--batch-tokens", min=16, help="Source tokens per translation batch, padding included (default: 4096 on CPU, more on a GPU by its memory).")]
ThreadsOpt = Annotated[Optional[int], typer.Option("--threads", min=1, help="CPU threads for torch (default: torch's own choice).")]
QuantOpt = Annotated[Optional[str], typer.Option("--quantization", help=f"Overrides the registry: int8 (the translators' default; fp16 on a GPU with PyTorch), bf16, none (full precision), or a CTranslate2 compute type ({CT2_TYPES}).")]
BackendOpt = Annotated[Optional[Backend], typer.Option("--backend", help="Engine for models whose registry entry names none (default: ctranslate2 on a CPU, transformers fp16 on a GPU).")]
MinTokensOpt = Annotated[Optional[int], typer.Option("--min-tokens", min=0, help="Explicit lower bound of the summary, in tokens.")]
MaxTokensOpt = Annotated[Optional[int], typer.Option("--max-tokens", min=1, help="Explicit upper bound of the summary, in tokens.")]
SummaryLangOpt = Annotated[Optional[str], typer.Option("--summary-lang", help="Also translate the summary into this language (needs an en-xx model in the registry), e.g. fr.")]
KeepBpOpt = Annotated[bool, typer.Option("--keep-boilerplate", help="Translate share widgets, ad markers and related-links lists too.")]
AttributionOpt = Annotated[bool, typer.Option("--attribution/--no-attribution", help="Use the summariser's attention to find the article sentences behind each summary sentence (off: word overlap alone).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Errors and results only: no progress or download bars, no warnings.")]
KeepOpt = Annotated[Optional[list[str]], typer.Option("--keep", help="A term to keep verbatim through translation (repeatable), e.g. --keep Renaissance --keep 'Le Monde'. URLs and emails always are.", metavar="TERM")]
WidthOpt = Annotated[Optional[int], typer.Option("--width", min=40, help="Line width of the text format (default: the terminal's, else 100).")]
CacheOpt = Annotated[Optional[Path], typer.Option("--cache", help="On-disk SQLite translation cache that later runs reuse (default: in memory only).", metavar="FILE")]
GlossaryOpt = Annotated[Optional[Path], typer.Option("--glossary", help="TSV file of source<TAB>target[<TAB>langs] lines: source terms come out as the target term.", metavar="FILE")]


def summariser_options(*, models, offline, mt_model, sum_model, device, beams, fast, batch_tokens, threads, quantization, keep_boilerplate, backend=None, **summary) -> tuple[dict[str, Any], Any]:
    """(model settings, per-call Options) the command's options ask for, checked.

    The settings are :class:`Summariser` keyword arguments as plain values, so that Ray workers can get them too.
    """
    from ..pipeline import Options

    if fast and beams not in (None, 1):
        raise SummariseError("--fast means greedy decoding (beam 1): drop --beams or --fast")
    if quantization is not None and quantization not in PRECISIONS:
        raise SummariseError(f"unknown --quantization '{quantization}', expected one of: {', '.join(PRECISIONS)}")
    settings = dict(
        registry=models,
        device=device.value,
        local_files_only=offline,
        mt_model=mt_model,
        sum_model=sum_model,
        batch_tokens=batch_tokens,
        threads=threads,
        quantization=quantization,
        backend=backend.value if backend is not None else None,
    )
    return settings, Options(num_beams=1 if fast else beams, keep_boilerplate=keep_boilerplate, **summary)


def build_summariser(**choices):
    """(Summariser, Options) for the command's options (:func:`summariser_options`' keywords)."""
    from ..pipeline import Summariser

    settings, options = summariser_options(**choices)
    summariser = Summariser(**settings)
    summariser.check(options)  # a missing en-xx model for --summary-lang fails before any work
    return summariser, options


def protection(keep: Optional[list[str]], glossary: Optional[Path]) -> dict:
    """--keep and --glossary as Summariser arguments; the glossary is read now, so a bad file fails before any model loads."""
    options: dict = {}
    if keep:
        options["keep"] = list(keep)
    if glossary is not None:
        from ..text import Glossary

        Glossary.load(glossary)
        options["glossary"] = str(glossary)
    return options


def text_width(width: Optional[int]) -> int:
    """--width, else the terminal's, else 100 columns."""
    import shutil

    from ..output import DEFAULT_WIDTH

    return width or shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns


def downloads(quiet: bool):
    """Model downloads draw a byte-counting bar on a terminal; -q hides it."""
    from ..models import progress_bars

    return progress_bars(False if quiet else None)
