"""``bulk``: many articles in, one record each, resumable.

Module level stays light (``summarise --help`` loads it); the bulk machinery is loaded when the command runs.
"""

from __future__ import annotations

import contextlib
import shlex
import sys
from enum import Enum
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
    errors,
    printable,
    protection,
    say,
    stderr,
    summariser_options,
    text_width,
)
from ._choices import Length, LengthOpt, PerArticleOpt
from ._quieting import quiet_libraries


class ProgressMode(str, Enum):
    auto = "auto"
    json = "json"
    none = "none"


class Executor(str, Enum):
    """Where a bulk run's work runs (the flag is --engine, as users type it; in code an executor, not an inference engine)."""

    local = "local"
    ray = "ray"


app = typer.Typer(add_completion=False)  # completion is the group's (summarise --install-completion)


@app.command()
def bulk(
    inputs: Annotated[Optional[list[str]], typer.Argument(help="Folders (read recursively: .txt, .md, .html, also compressed), article files, JSONL, CSV/TSV, Parquet, WARC crawls, tar/zip bundles (.gz/.bz2/.xz/.zst too), http(s) URLs, quoted globs, or - for JSONL on stdin.", metavar="INPUT...")] = None,
    out: Annotated[Path, typer.Option("--out", "--output", "-o", help="Records go here: a .jsonl file, a .parquet file (its journal: OUT.records.jsonl), or a folder (OUT/records.jsonl); not - (re-running the same command resumes from the file).")] = ...,
    url_list: Annotated[Optional[Path], typer.Option("--url-list", help="A file of URLs to fetch and read, one per line (blank lines and # comments skipped).", dir_okay=False)] = None,
    no_summary: Annotated[bool, typer.Option("--no-summary", help="Translate only, without summaries.")] = False,
    per_article: PerArticleOpt = None,
    width: WidthOpt = None,
    cache: CacheOpt = None,
    text_field: Annotated[str, typer.Option("--text-field", help="JSONL field, or CSV/Parquet column, that holds the article text.")] = "text",
    id_field: Annotated[str, typer.Option("--id-field", help="JSONL field, or CSV/Parquet column, that holds the article id (absent: the line or row number).")] = "id",
    window: Annotated[int, typer.Option("--window", min=1, help="Sentences translated together across articles: fuller batches, more memory.")] = 2000,
    source_lang: SourceLangOpt = "auto",
    length: LengthOpt = Length.short,
    min_tokens: MinTokensOpt = None,
    max_tokens: MaxTokensOpt = None,
    summary_lang: SummaryLangOpt = None,
    attribution: AttributionOpt = True,
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
    keep: KeepOpt = None,
    glossary: GlossaryOpt = None,
    quiet: QuietOpt = False,
    progress: Annotated[ProgressMode, typer.Option("--progress", help="auto: a bar when stderr is a terminal; json: one JSON object per line on stderr (at most one a second, and an 'end' line), for schedulers; none: no progress. --quiet is none.")] = ProgressMode.auto,
    strict: Annotated[bool, typer.Option("--strict", help=f"Exit with status {int(ExitCode.FLAGGED)} when an article has a sentence flagged by the quality checks (failed articles still exit {int(ExitCode.ERROR)}); every record is written all the same.")] = False,
    executor: Annotated[Executor, typer.Option("--engine", help="Where the work runs: local (this process) or ray (a Ray cluster; pip install 'summarise-news\\[ray]'). Nothing else in the command changes.")] = Executor.local,
    ray_address: Annotated[Optional[str], typer.Option("--ray-address", help="With --engine ray: the cluster to join (HOST:6379, ray://HOST:10001, or auto: the one `ray start` runs on this machine). Default: $RAY_ADDRESS, else a private Ray for this run only, even when a `ray start` cluster runs here.")] = None,
    ray_logs: Annotated[bool, typer.Option("--ray-logs", help="With --engine ray: show Ray's and the workers' own log lines (default: kept off the terminal, where they would draw over the progress bar).")] = False,
    workers: Annotated[Optional[int], typer.Option("--workers", min=1, help="With --engine ray: the most workers, each loading the models once (default: one per --gpus-per-worker GPUs, else one per 2 CPUs).")] = None,
    gpus_per_worker: Annotated[float, typer.Option("--gpus-per-worker", min=0, help="With --engine ray: GPUs each worker asks Ray for (0.5: two workers share a GPU).")] = 0.0,
) -> None:
    """Translate and summarise whole archives: streaming, resumable, one JSONL record per article."""
    from ..bulk import Local, run_archive, refuse_stdout

    with errors():
        from ..inputs import read_url_list

        refuse_stdout(out)  # before anything is read or loaded
        inputs = list(inputs or []) + (read_url_list(url_list) if url_list is not None else [])
        if not inputs:
            raise SummariseError("nothing to read: give inputs (folders, files, URLs, globs, -) or --url-list FILE")
        if no_summary and (min_tokens is not None or max_tokens is not None or summary_lang is not None):
            raise SummariseError("--min-tokens, --max-tokens and --summary-lang shape the summary: drop them or --no-summary")
        if width is not None and per_article != "txt":
            raise SummariseError("--width shapes the text format, which bulk writes only as --per-article text: add that, or drop --width")
        summary = ({} if no_summary else {"length": length.value, "min_tokens": min_tokens, "max_tokens": max_tokens, "summary_lang": summary_lang, "attribution": attribution}) | protection(keep, glossary)
        settings, options = summariser_options(models=models, offline=offline, mt_model=mt_model, sum_model=None if no_summary else sum_model, device=device, beams=beams, fast=fast, batch_tokens=batch_tokens, threads=threads, quantization=quantization, keep_boilerplate=keep_boilerplate, backend=backend, **summary)
        arguments = {
            "options": options,
            "with_summary": not no_summary,
            "out": out,
            "text_field": text_field,
            "id_field": id_field,
            "source_lang": source_lang,
            "window_sentences": window,
            "per_article": per_article,
            "width": text_width(width),
        }
        if executor is Executor.ray:
            from ..bulk import Ray, require_ray

            require_ray()  # before anything slow: without the extra, say how to install it
            if cache is not None:
                raise SummariseError("--cache is a SQLite file for one process: with --engine ray each worker keeps its own cache in memory; drop --cache")
            arguments.update(settings, executor=Ray(address=ray_address, workers=workers, gpus_per_worker=gpus_per_worker, logs=ray_logs))  # each worker builds its own Summariser
        else:
            if ray_address is not None or workers is not None or gpus_per_worker or ray_logs:
                raise SummariseError("--ray-address, --workers, --gpus-per-worker and --ray-logs go with --engine ray")
            from ..pipeline import Summariser

            summariser = Summariser(**settings)
            summariser.check(options)  # a missing en-xx model for --summary-lang fails before any work
            arguments.update(executor=Local(), summariser=summariser, cache=cache)
        quiet_libraries(quiet)
        run = None
        try:
            with _bulk_progress(progress, quiet, inputs, out) as (hook, console, total, finish):
                run = run_archive(inputs, progress=hook, total=total, **arguments)
                with run:  # closed on the way out, interrupt or not: every finished record is on disk
                    for record in run:
                        if not record.ok and run.stats.failed <= 10:
                            console.print(f"failed: {printable(record.id)}: {printable(record.error)}", markup=False, highlight=False)
                if finish is not None:
                    finish(run.stats)
        except KeyboardInterrupt:
            _interrupted(run.stats if run is not None else None, out)
        stats = run.stats
        for example in stats.unread_examples:
            stderr().print(f"not read: {printable(example)}", markup=False, highlight=False)
        if stats.unread > len(stats.unread_examples):
            stderr().print(f"… and {stats.unread - len(stats.unread_examples)} more input entries not read", markup=False)
        if stats.failed > 10:
            stderr().print(f"… and {stats.failed - 10} more failures: their records in {out} have \"error\" set", markup=False)
        if not quiet:  # -q: errors only, here as in run and translate
            stderr().print(f"bulk: {stats.line()}", markup=False)
    if stats.failed:
        raise typer.Exit(code=ExitCode.ERROR)
    if strict and stats.flagged:
        stderr().print(f"--strict: {stats.flagged} article(s) flagged by the quality checks", markup=False)
        raise typer.Exit(code=ExitCode.FLAGGED)


def _interrupted(stats, out: Path) -> None:
    """Ctrl-C: one line, at the moment it matters, with what is on disk and the command that resumes; exit 130."""
    done = 0 if stats is None else stats.ok + stats.failed
    total = done + (0 if stats is None else stats.skipped)
    again = shlex.join(["summarise", *sys.argv[1:]])
    say(f"interrupted: {done} record(s) written by this run, {total} in {out}; run the same command again to resume: {again}")
    raise typer.Exit(code=ExitCode.INTERRUPTED)


@contextlib.contextmanager
def _bulk_progress(mode: ProgressMode, quiet: bool, inputs: list[str], out: Path):
    """(hook, console, total, finish): a bar on a terminal, JSON lines with --progress json, nothing when quiet."""
    console = stderr()
    if quiet or mode is ProgressMode.none or (mode is ProgressMode.auto and not console.is_terminal):
        yield None, console, None, None
        return
    from ..bulk import count_articles

    total = count_articles(inputs, exclude=[out])
    if mode is ProgressMode.json:
        from ..bulk import JsonProgress

        hook = JsonProgress(sys.stderr)
        yield hook, console, total, lambda stats: hook.write(stats, "end")
        return
    from ..bulk import progress_bar

    with progress_bar(console, total) as (hook, bar_console):
        yield hook, bar_console, total, None


