"""``run`` and ``translate``: one article in, its rendering out (stdout or --output).

Module level stays light (``summarise --help`` loads it); the pipeline, the readers and the
renderers are loaded when a command runs.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import SummariseError
from ._common import (
    AttributionOpt,
    BackendOpt,
    BatchOpt,
    BeamsOpt,
    CacheOpt,
    Device,
    DeviceOpt,
    ExitCode,
    FastOpt,
    GlossaryOpt,
    KeepBpOpt,
    KeepOpt,
    MaxTokensOpt,
    MinTokensOpt,
    ModelsOpt,
    MtModelOpt,
    OfflineOpt,
    QuantOpt,
    QuietOpt,
    SourceLangOpt,
    SummaryLangOpt,
    SumModelOpt,
    ThreadsOpt,
    WidthOpt,
    build_summariser,
    downloads,
    errors,
    printable,
    protection,
    say,
    stderr,
    text_width,
)
from ._choices import FormatOpt, Length, LengthOpt
from ._quieting import quiet_libraries

InputArg = Annotated[Optional[str], typer.Argument(help="Article file (.txt, .md, .html, also .gz/.bz2/.xz/.zst), an http(s) URL, or - for standard input (the default when standard input is a pipe).", metavar="FILE|URL|-", show_default=False)]
# What a pipe gets when no --format is given: the one thing each command makes, as plain text.
PIPE_FORMAT = {"run": "summary", "translate": "english"}
OutputOpt = Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here instead of stdout: a file is replaced atomically (a symlink is followed); -, devices and FIFOs are written as streams.")]
StrictOpt = Annotated[bool, typer.Option("--strict", help=f"Exit with status {int(ExitCode.FLAGGED)} (after writing the output) when a sentence or the summary is flagged by the quality checks.")]


app = typer.Typer(add_completion=False)  # completion is the group's (summarise --install-completion)


@app.command()
def run(
    file: InputArg = None,
    source_lang: SourceLangOpt = "auto",
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    length: LengthOpt = Length.short,
    min_tokens: MinTokensOpt = None,
    max_tokens: MaxTokensOpt = None,
    models: ModelsOpt = None,
    offline: OfflineOpt = False,
    mt_model: MtModelOpt = None,
    sum_model: SumModelOpt = None,
    device: DeviceOpt = Device.auto,
    beams: BeamsOpt = None,
    fast: FastOpt = False,
    batch_tokens: BatchOpt = None,
    threads: ThreadsOpt = None,
    quantization: QuantOpt = None,
    backend: BackendOpt = None,
    keep_boilerplate: KeepBpOpt = False,
    quiet: QuietOpt = False,
    width: WidthOpt = None,
    summary_lang: SummaryLangOpt = None,
    attribution: AttributionOpt = True,
    keep: KeepOpt = None,
    glossary: GlossaryOpt = None,
    cache: CacheOpt = None,
    strict: StrictOpt = False,
) -> None:
    """Translate an article and summarise it: summary first, then original and English side by side."""
    with errors():
        quiet_libraries(quiet)
        file, fmt = _input(file), _format(fmt, output, "run")
        _check_output(output, file)
        summariser, options = build_summariser(models=models, offline=offline, mt_model=mt_model, sum_model=sum_model, device=device, beams=beams, fast=fast, batch_tokens=batch_tokens, threads=threads, quantization=quantization, keep_boilerplate=keep_boilerplate, backend=backend, length=length.value, min_tokens=min_tokens, max_tokens=max_tokens, summary_lang=summary_lang, attribution=attribution, **protection(keep, glossary))
        summariser = _with_cache(summariser, cache)
        prepared = summariser.prepare(_read(file, quiet), options, source_lang=source_lang)
        with _progress(quiet, _loading(summariser, prepared), summariser.sum_spec) as progress, downloads(quiet):
            translation = summariser.translate_prepared([prepared], progress=progress)[0]
            result = summariser.summarise_translation(translation)
        _emit(result, fmt, output, width, quiet)
    _strict(result, strict)


@app.command()
def translate(
    file: InputArg = None,
    source_lang: SourceLangOpt = "auto",
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    models: ModelsOpt = None,
    offline: OfflineOpt = False,
    mt_model: MtModelOpt = None,
    device: DeviceOpt = Device.auto,
    beams: BeamsOpt = None,
    fast: FastOpt = False,
    batch_tokens: BatchOpt = None,
    threads: ThreadsOpt = None,
    quantization: QuantOpt = None,
    backend: BackendOpt = None,
    keep_boilerplate: KeepBpOpt = False,
    quiet: QuietOpt = False,
    width: WidthOpt = None,
    keep: KeepOpt = None,
    glossary: GlossaryOpt = None,
    cache: CacheOpt = None,
    strict: StrictOpt = False,
) -> None:
    """Translate an article sentence by sentence, without a summary."""
    with errors():
        quiet_libraries(quiet)
        file, fmt = _input(file), _format(fmt, output, "translate")
        if fmt == "summary":
            raise SummariseError("translate makes no summary: use `summarise run` for --format summary, or --format english")
        _check_output(output, file)
        summariser, options = build_summariser(models=models, offline=offline, mt_model=mt_model, sum_model=None, device=device, beams=beams, fast=fast, batch_tokens=batch_tokens, threads=threads, quantization=quantization, keep_boilerplate=keep_boilerplate, backend=backend, **protection(keep, glossary))
        summariser = _with_cache(summariser, cache)
        prepared = summariser.prepare(_read(file, quiet), options, source_lang=source_lang)
        with _progress(quiet, _loading(summariser, prepared)) as progress, downloads(quiet):
            result = summariser.translate_prepared([prepared], progress=progress)[0]
        _emit(result, fmt, output, width, quiet)
    _strict(result, strict)


def _with_cache(summariser, cache: Optional[Path]):
    """--cache: the summariser with an on-disk translation cache (a bad file is one error line, before any model loads)."""
    if cache is None:
        return summariser
    from ..pipeline import SQLiteCache

    return summariser.with_cache(SQLiteCache(cache))


def _input(file: Optional[str]) -> str:
    """The article argument; absent, standard input when it is a pipe or a file, else a one-line error."""
    if file is not None:
        return file
    if not sys.stdin.isatty():
        return "-"
    raise SummariseError("no article given: name a file or a URL, or pipe one in (`cat a.txt | summarise run`; - reads standard input)")


def _format(fmt: Optional[str], output: Optional[Path], command: str) -> str:
    """The format asked for; none given, text for a terminal or a file, and the command's plain result for a pipe."""
    if fmt is not None:
        return fmt
    to_stdout = output is None or str(output) == "-"
    return PIPE_FORMAT[command] if to_stdout and not sys.stdout.isatty() else "text"


def _read(file: str, quiet: bool = False):
    """The article, read; a decoding that needed a guess or a replacement is one ``Warning:`` line."""
    from ..inputs import read_article, is_url, read_document, read_limited

    if file == "-":
        document = read_document(read_limited(sys.stdin.buffer, name="stdin"), name="stdin")
    else:
        if not is_url(file):
            path = Path(file)
            if not path.exists():
                raise SummariseError(f"{file} does not exist: give an article file, a URL, or - to read standard input")
            if path.is_dir():
                raise SummariseError(f"{file} is a folder: give one article file, or use `summarise bulk` for a folder")
        document = read_article(file)  # through the one table of input kinds: a.html, a.html.gz, a URL
    for warning in () if quiet else document.warnings:  # -q: errors and "wrote FILE" only
        stderr().print(f"Warning: {printable(warning)}", markup=False, highlight=False)
    return document


def _loading(summariser, prepared):
    """The translation model the article needs, or None for an English article (nothing to load)."""
    from ..text import TARGET_LANG

    return None if prepared.lang == TARGET_LANG else summariser.translation_spec(prepared.lang)


@contextlib.contextmanager
def _progress(quiet: bool, translation_spec=None, summary_spec=None):
    """What ``run`` and ``translate`` are doing, on stderr: a status line while the translation model loads,
    a bar while sentences are translated, then (``summary_spec`` given) a status line while the summariser
    loads and writes, the slowest stage with real models.  Nothing with -q, or when stderr is not a terminal.

    A stage whose model is not on disk shows no line of its own: the model's download draws its bar
    there, and two live displays would tear each other.
    """
    console = stderr()
    if quiet or not console.is_terminal:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    loading = console.status("loading the translation model …") if _on_disk(translation_spec) else None
    bar = Progress(TextColumn("translating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console, transient=True)
    summarising = console.status("summarising …") if _on_disk(summary_spec) else None
    tasks = []

    def advance(done: int, total: int) -> None:
        if not tasks:
            if loading is not None:
                loading.stop()
            bar.start()
            tasks.append(bar.add_task("translate", total=total))
        bar.update(tasks[0], total=total, advance=done)
        if bar.tasks[0].completed >= total:
            bar.stop()
            if summarising is not None:
                summarising.start()

    if loading is not None:
        loading.start()
    try:
        yield advance
    finally:
        for live in (loading, bar, summarising):
            if live is not None:
                live.stop()


def _on_disk(spec) -> bool:
    from ..models import cached_snapshot

    return spec is not None and cached_snapshot(spec) is not None


def _check_output(output: Optional[Path], file: str) -> None:
    """Before any work: an --output that cannot be written, or that is the input itself, is refused."""
    if output is not None:
        from ..output import check_output

        check_output(output, inputs=(file,))


def _emit(result, fmt: str, output: Optional[Path], width: Optional[int], quiet: bool) -> None:
    from ..output import render, STREAM, write_output

    text = render(result, fmt, width=text_width(width))
    how = write_output(STREAM if output is None else output, text)
    if how == "atomic":
        stderr().print(f"wrote {output}", markup=False, highlight=False)
    if fmt in PLAIN_FORMATS and not quiet:
        _flags_left_out(result, fmt)


# Formats that carry neither the quality flags nor the summary's: a flag is then one line on stderr, never lost.
PLAIN_FORMATS = ("english", "summary")


def _flags_left_out(result, fmt: str) -> None:
    from ..checks import is_flagged

    if is_flagged(result):
        described = result.quality.describe()
        if getattr(result, "summary_flags", None):
            described += f"; summary: {', '.join(result.summary_flags)}"
        say(f"Warning: flagged by the quality checks ({described}); --format {fmt} leaves the flags out, --format text or jsonl shows them")


def _strict(result, strict: bool) -> None:
    """--strict: a document with a flagged sentence is a failure (the output is written all the same)."""
    from ..checks import is_flagged

    if strict and is_flagged(result):
        described = result.quality.describe()
        if getattr(result, "summary_flags", None):
            described += f"; summary: {', '.join(result.summary_flags)}"
        stderr().print(f"[bold yellow]Flagged:[/] {described} (--strict)", markup=True)
        raise typer.Exit(code=ExitCode.FLAGGED)


