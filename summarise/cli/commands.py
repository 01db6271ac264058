"""The command line: parse, call one library function, render.

Data goes to stdout (or ``--output``); progress, warnings and errors go to stderr.
Only :class:`SummariseError` becomes ``Error: …``; anything else is a bug and keeps its traceback.
Exit statuses are the one table :class:`ExitCode`; choices (formats, lengths) come from the library's tables.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
from collections.abc import Iterator
from enum import Enum, IntEnum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from ..models.engines import BACKEND_NAMES, BACKENDS, DEVICES, PRECISIONS, quiet_backend_logging
from ..errors import SummariseError
from .quieting import quiet_libraries
from ..output.rendering import FORMATS, PER_ARTICLE_FORMATS
from ..pipeline.summarising import LENGTHS
from ..text.languages import DEFAULT_LANGUAGES

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Translate news articles into English and summarise them.")
models_app = typer.Typer(no_args_is_help=True, help="The model registry: list, locate, download, convert.")
app.add_typer(models_app, name="models")


class ExitCode(IntEnum):
    """Every exit status of every command."""

    OK = 0
    ERROR = 1  # a SummariseError (bad input, missing model, locked output), or in bulk an article that failed
    USAGE = 2  # a bad option or argument (typer's own)
    FLAGGED = 3  # --strict, and a sentence flagged by the quality checks; the output is written all the same


# Choices from the library's tables: a new format, length or device is a row there, not an edit here.
Format = Enum("Format", {name: name for name in FORMATS}, type=str)
PerArticle = Enum("PerArticle", {suffix: suffix for suffix in PER_ARTICLE_FORMATS}, type=str)
Length = Enum("Length", {name: name for name in LENGTHS}, type=str)
Device = Enum("Device", {name: name for name in DEVICES}, type=str)  # summarise.models.engines.DEVICES
# Precision names as the backend table has them (summarise.models.engines.BACKENDS): help texts only.
_CT2_TYPES = ", ".join(p for p in BACKENDS["ctranslate2"].precisions if p not in ("none", "int8", "bf16"))

# One choice per row of the backend table (summarise.models.engines.BACKENDS).
Backend = Enum("Backend", {name: name for name in BACKEND_NAMES}, type=str)


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    """Our own errors become one line on stderr and exit 1; nothing else is swallowed."""
    try:
        yield
    except SummariseError as exc:
        from rich.markup import escape

        # Escaped: messages hold ids, paths and "pip install 'summarise-news[ray]'", which are not markup.
        _stderr().print(f"[bold red]Error:[/] {escape(str(exc))}", markup=True)
        raise typer.Exit(code=ExitCode.ERROR) from None


InputArg = Annotated[str, typer.Argument(help="Article file (.txt, .md, .html, also .gz/.bz2/.xz/.zst), an http(s) URL, or - for standard input.", metavar="FILE|URL|-")]
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
QuantOpt = Annotated[Optional[str], typer.Option("--quantization", help=f"Overrides the registry: int8 (the translators' default; fp16 on a GPU with PyTorch), bf16, none (full precision), or a CTranslate2 compute type ({_CT2_TYPES}).")]
BackendOpt = Annotated[Optional[Backend], typer.Option("--backend", help="Engine for models whose registry entry names none (default: ctranslate2 on a CPU, transformers fp16 on a GPU).")]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
OutputOpt = Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here instead of stdout: a file is replaced atomically (a symlink is followed); -, devices and FIFOs are written as streams.")]
KeepBpOpt = Annotated[bool, typer.Option("--keep-boilerplate", help="Translate share widgets, ad markers and related-links lists too.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Errors and results only: no progress or download bars, no warnings.")]
WidthOpt = Annotated[Optional[int], typer.Option("--width", min=40, help="Width of the text format (default: the terminal's).")]
StrictOpt = Annotated[bool, typer.Option("--strict", help=f"Exit with status {int(ExitCode.FLAGGED)} (after writing the output) when a sentence or the summary is flagged by the quality checks.")]
KeepOpt = Annotated[Optional[list[str]], typer.Option("--keep", help="A term to keep verbatim through translation (repeatable), e.g. --keep Renaissance --keep 'Le Monde'. URLs and emails always are.", metavar="TERM")]
GlossaryOpt = Annotated[Optional[Path], typer.Option("--glossary", help="TSV file of source<TAB>target[<TAB>langs] lines: source terms come out as the target term.", metavar="FILE")]
SummaryLangOpt = Annotated[Optional[str], typer.Option("--summary-lang", help="Also translate the summary into this language (needs an en-xx model in the registry), e.g. fr.")]


@app.command()
def run(
    file: InputArg,
    source_lang: SourceLangOpt = "auto",
    fmt: FormatOpt = Format.text,
    output: OutputOpt = None,
    length: Annotated[Length, typer.Option("--length", help="Summary length, scaled with the article.")] = Length.short,
    min_tokens: Annotated[Optional[int], typer.Option("--min-tokens", min=0, help="Explicit lower bound of the summary, in tokens.")] = None,
    max_tokens: Annotated[Optional[int], typer.Option("--max-tokens", min=1, help="Explicit upper bound of the summary, in tokens.")] = None,
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
    keep: KeepOpt = None,
    glossary: GlossaryOpt = None,
    strict: StrictOpt = False,
) -> None:
    """Translate an article and summarise it: summary first, then original and English side by side."""
    with _errors():
        quiet_libraries(quiet)
        _check_output(output, file)
        summariser, options = _summariser(models=models, offline=offline, mt_model=mt_model, sum_model=sum_model, device=device, beams=beams, fast=fast, batch_tokens=batch_tokens, threads=threads, quantization=quantization, keep_boilerplate=keep_boilerplate, backend=backend, length=length.value, min_tokens=min_tokens, max_tokens=max_tokens, summary_lang=summary_lang, **_protection(keep, glossary))
        document = _read(file, quiet)
        with _progress(quiet) as progress, _downloads(quiet):
            result = summariser.summarise(document, options, source_lang=source_lang, progress=progress)
        _emit(result, fmt, output, width)
    _strict(result, strict)


@app.command("translate")
def translate_command(
    file: InputArg,
    source_lang: SourceLangOpt = "auto",
    fmt: FormatOpt = Format.text,
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
    strict: StrictOpt = False,
) -> None:
    """Translate an article sentence by sentence, without a summary."""
    with _errors():
        quiet_libraries(quiet)
        _check_output(output, file)
        summariser, options = _summariser(models=models, offline=offline, mt_model=mt_model, sum_model=None, device=device, beams=beams, fast=fast, batch_tokens=batch_tokens, threads=threads, quantization=quantization, keep_boilerplate=keep_boilerplate, backend=backend, **_protection(keep, glossary))
        document = _read(file, quiet)
        with _progress(quiet) as progress, _downloads(quiet):
            result = summariser.translate(document, options, source_lang=source_lang, progress=progress)
        _emit(result, fmt, output, width)
    _strict(result, strict)


class ProgressMode(str, Enum):
    auto = "auto"
    json = "json"
    none = "none"


class Executor(str, Enum):
    """Where a bulk run's work runs (the flag is --engine, as users type it; in code an executor, not an inference engine)."""

    local = "local"
    ray = "ray"


@app.command()
def bulk(
    inputs: Annotated[Optional[list[str]], typer.Argument(help="Folders (read recursively: .txt, .md, .html, also compressed), article files, JSONL, CSV/TSV, Parquet, WARC crawls, tar/zip bundles (.gz/.bz2/.xz/.zst too), http(s) URLs, quoted globs, or - for JSONL on stdin.", metavar="INPUT...")] = None,
    out: Annotated[Path, typer.Option("--out", "--output", "-o", help="Records go here: a .jsonl file, a .parquet file (its journal: OUT.records.jsonl), or a folder (OUT/records.jsonl). Re-running the same command resumes.")] = ...,
    url_list: Annotated[Optional[Path], typer.Option("--url-list", help="A file of URLs to fetch and read, one per line (blank lines and # comments skipped).", dir_okay=False)] = None,
    no_summary: Annotated[bool, typer.Option("--no-summary", help="Translate only, without summaries.")] = False,
    per_article: Annotated[Optional[PerArticle], typer.Option("--per-article", help="Also write one file per article into OUT/articles/ (OUT must be a folder).")] = None,
    cache: Annotated[Optional[Path], typer.Option("--cache", help="On-disk SQLite translation cache that later runs reuse (default: in memory only).")] = None,
    text_field: Annotated[str, typer.Option("--text-field", help="JSONL field, or CSV/Parquet column, that holds the article text.")] = "text",
    id_field: Annotated[str, typer.Option("--id-field", help="JSONL field, or CSV/Parquet column, that holds the article id (absent: the line or row number).")] = "id",
    window: Annotated[int, typer.Option("--window", min=1, help="Sentences translated together across articles: fuller batches, more memory.")] = 2000,
    source_lang: SourceLangOpt = "auto",
    length: Annotated[Length, typer.Option("--length", help="Summary length, scaled with the article.")] = Length.short,
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
    from ..bulk import Local, run_archive

    with _errors():
        from ..inputs.fetching import read_url_list

        inputs = list(inputs or []) + (read_url_list(url_list) if url_list is not None else [])
        if not inputs:
            raise SummariseError("nothing to read: give inputs (folders, files, URLs, globs, -) or --url-list FILE")
        summary = ({} if no_summary else {"length": length.value}) | _protection(keep, glossary)
        settings, options = _summariser_options(models=models, offline=offline, mt_model=mt_model, sum_model=None if no_summary else sum_model, device=device, beams=beams, fast=fast, batch_tokens=batch_tokens, threads=threads, quantization=quantization, keep_boilerplate=keep_boilerplate, backend=backend, **summary)
        arguments = {
            "options": options,
            "with_summary": not no_summary,
            "out": out,
            "text_field": text_field,
            "id_field": id_field,
            "source_lang": source_lang,
            "window_sentences": window,
            "per_article": per_article.value if per_article else None,
        }
        if executor is Executor.ray:
            from ..bulk.ray import Ray, require_ray

            require_ray()  # before anything slow: without the extra, say how to install it
            if cache is not None:
                raise SummariseError("--cache is a SQLite file for one process: with --engine ray each worker keeps its own cache in memory; drop --cache")
            arguments.update(settings, executor=Ray(address=ray_address, workers=workers, gpus_per_worker=gpus_per_worker, logs=ray_logs))  # each worker builds its own Summariser
        else:
            if ray_address is not None or workers is not None or gpus_per_worker or ray_logs:
                raise SummariseError("--ray-address, --workers, --gpus-per-worker and --ray-logs go with --engine ray")
            from ..pipeline.summariser import Summariser

            arguments.update(executor=Local(), summariser=Summariser(**settings), cache=cache)
        quiet_libraries(quiet)
        with _bulk_progress(progress, quiet, inputs, out) as (hook, console, total, finish):
            run = run_archive(inputs, progress=hook, total=total, **arguments)
            with run:
                for record in run:
                    if not record.ok and run.stats.failed <= 10:
                        console.print(f"failed: {_printable(record.id)}: {_printable(record.error)}", markup=False, highlight=False)
            if finish is not None:
                finish(run.stats)
        stats = run.stats
        for example in stats.unread_examples:
            _stderr().print(f"not read: {_printable(example)}", markup=False, highlight=False)
        if stats.unread > len(stats.unread_examples):
            _stderr().print(f"… and {stats.unread - len(stats.unread_examples)} more input entries not read", markup=False)
        if stats.failed > 10:
            _stderr().print(f"… and {stats.failed - 10} more failures: their records in {out} have \"error\" set", markup=False)
        _stderr().print(f"bulk: {stats.line()}", markup=False)
    if stats.failed:
        raise typer.Exit(code=ExitCode.ERROR)
    if strict and stats.flagged:
        _stderr().print(f"--strict: {stats.flagged} article(s) flagged by the quality checks", markup=False)
        raise typer.Exit(code=ExitCode.FLAGGED)


@contextlib.contextmanager
def _bulk_progress(mode: ProgressMode, quiet: bool, inputs: list[str], out: Path):
    """(hook, console, total, finish): a bar on a terminal, JSON lines with --progress json, nothing when quiet."""
    console = _stderr()
    if quiet or mode is ProgressMode.none or (mode is ProgressMode.auto and not console.is_terminal):
        yield None, console, None, None
        return
    from ..bulk import count_articles

    total = count_articles(inputs, exclude=[out])
    if mode is ProgressMode.json:
        from ..bulk.progress import JsonProgress

        hook = JsonProgress(sys.stderr)
        yield hook, console, total, lambda stats: hook.write(stats, "end")
        return
    from ..bulk.progress import progress_bar

    with progress_bar(console, total) as (hook, bar_console):
        yield hook, bar_console, total, None


def _printable(text: str) -> str:
    """Ids come from the input: control characters in them must not drive the terminal."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _downloads(quiet: bool):
    """Model downloads draw a byte-counting bar on a terminal; -q hides it."""
    from ..models.hub import progress_bars

    return progress_bars(False if quiet else None)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on; the default keeps the server to this machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on (LibreTranslate's is 5000).")] = 5000,
    api_key: Annotated[Optional[list[str]], typer.Option("--api-key", help="Require this API key (repeatable); also $SUMMARISE_API_KEYS, comma-separated.")] = None,
    cors_origin: Annotated[Optional[list[str]], typer.Option("--cors-origin", help="Allow browser pages from this origin (repeatable); CORS is off without it.")] = None,
    allow_url_fetch: Annotated[bool, typer.Option("--allow-url-fetch", help="Let /v1 requests name a URL to fetch (public addresses only).")] = False,
    max_body_mb: Annotated[float, typer.Option("--max-body-mb", min=0.01, help="Largest request body, in MiB (413 beyond).")] = 2.0,
    max_sentences: Annotated[int, typer.Option("--max-sentences", min=1, help="Most sentences (and /translate texts) in one request.")] = 2000,
    max_sentence_chars: Annotated[int, typer.Option("--max-sentence-chars", min=100, help="Longest sentence a request may hold, in characters.")] = 5000,
    max_pending: Annotated[int, typer.Option("--max-pending", min=1, help="Most sentences waiting or running across requests (429 beyond).")] = 8000,
    timeout: Annotated[float, typer.Option("--timeout", min=1, help="Seconds a request may take before it is answered 503.")] = 120.0,
    keep_alive_timeout: Annotated[float, typer.Option("--keep-alive-timeout", min=1, help="Seconds an idle keep-alive connection stays open.")] = 5.0,
    header_timeout: Annotated[float, typer.Option("--header-timeout", min=0.5, help="Seconds a connection has to send its request line and headers.")] = 10.0,
    max_connections: Annotated[Optional[int], typer.Option("--max-connections", min=1, help="Most open connections (default: the file-descriptor limit less a reserve).")] = None,
    batch_wait_ms: Annotated[float, typer.Option("--batch-wait-ms", min=0, help="How long the batcher waits for other requests to share a batch.")] = 10.0,
    batch_sentences: Annotated[int, typer.Option("--batch-sentences", min=1, help="Most sentences one shared batch takes.")] = 512,
    preload: Annotated[str, typer.Option("--preload", help="Source languages whose models load before /healthz says ready (comma-separated; others load on first use).")] = ",".join(DEFAULT_LANGUAGES),
    length: Annotated[Length, typer.Option("--length", help="Default summary length (requests may ask for another).")] = Length.short,
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
    keep: KeepOpt = None,
    glossary: GlossaryOpt = None,
) -> None:
    """Serve a LibreTranslate-compatible API, the /v1 summarise API and a web page (pip install 'summarise-news\\[serve]')."""
    from ..serve.server import serve as run_server
    from ..serve.settings import ServeSettings, keys_from_env

    with _errors():
        model_settings, options = _summariser_options(models=models, offline=offline, mt_model=mt_model, sum_model=sum_model, device=device, beams=beams, fast=fast, batch_tokens=batch_tokens, threads=threads, quantization=quantization, keep_boilerplate=False, backend=backend, length=length.value, **_protection(keep, glossary))
        settings = ServeSettings(
            host=host,
            port=port,
            api_keys=(*keys_from_env(), *(api_key or ())),
            cors_origins=tuple(cors_origin or ()),
            allow_url_fetch=allow_url_fetch,
            max_body_bytes=int(max_body_mb * 1024 * 1024),
            max_sentences=max_sentences,
            max_sentence_chars=max_sentence_chars,
            max_pending_sentences=max_pending,
            request_timeout=timeout,
            keep_alive_timeout=keep_alive_timeout,
            header_timeout=header_timeout,
            max_connections=max_connections,
            batch_wait_ms=batch_wait_ms,
            batch_sentences=batch_sentences,
            preload=tuple(lang.strip() for lang in preload.split(",") if lang.strip()),
            summariser_options=model_settings,
            options=options,
        )
        quiet_backend_logging()
        run_server(settings)


@models_app.command("list")
def models_list(models: ModelsOpt = None, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """The models in the registry in force, and this CPU's int8 class."""
    from ..models.engines.isa import cpu_int8, precision_for_cpu
    from ..models.registry import Registry

    with _errors():
        registry = Registry.load(models)
        if as_json:
            import json

            typer.echo(json.dumps([spec.to_dict() for spec in registry.models.values()], indent=2))
            return
        typer.echo(f"# {registry.path}")
        cpu = cpu_int8()  # what int8 means on this machine: it decides the default precision on a CPU
        typer.echo(f"# CPU int8 class {cpu.describe()}; CTranslate2 int8 runs here as {precision_for_cpu('int8', cpu)}")
        for spec in registry.models.values():
            role = spec.task
            if spec.task == "translation":
                role = f"{','.join(spec.languages)}->{spec.target}"
                if spec.name == registry.translation_fallback:
                    role += " (fallback)"
            elif spec.name == registry.summariser:
                role += " (default)"
            typer.echo(f"{spec.name:<24} {role:<28} {spec.label}  [{spec.backend or 'auto'}{'+' + spec.quantization if spec.quantization else ''}]")


@models_app.command("path")
def models_path(models: ModelsOpt = None) -> None:
    """Which models.toml is in force (--models, then $SUMMARISE_MODELS, then the shipped one)."""
    from ..models.registry import resolve_path

    typer.echo(str(resolve_path(models)))


@models_app.command("pull")
def models_pull(
    names: Annotated[Optional[list[str]], typer.Argument(help="Registry names (default: the summariser and the fr, de, es translators).")] = None,
    models: ModelsOpt = None,
    all_models: Annotated[bool, typer.Option("--all", help="Every model in the registry.")] = False,
) -> None:
    """Download models into the Hugging Face cache, for later use with --offline."""
    from ..models.hub import pull
    from ..models.registry import Registry

    with _errors():
        registry = Registry.load(models)
        if all_models:
            chosen = list(registry.models)
        elif names:
            chosen = [registry.get(name).name for name in names]
        else:
            chosen = [registry.summariser, *(registry.translation_model(lang).name for lang in DEFAULT_LANGUAGES)]
        for name in chosen:
            spec = registry.get(name)
            _stderr().print(f"pulling {spec.source} …")
            commit = pull(spec)
            typer.echo(f"{name}\t{spec.source}\t{commit}")


@models_app.command("convert")
def models_convert(
    name: Annotated[str, typer.Argument(help="Registry name, hub id, or local save_pretrained directory.")],
    quantization: Annotated[str, typer.Option("--quantization", help=f"Stored weights: int8, bf16, none (float32), or a CTranslate2 type ({_CT2_TYPES}).")] = "int8",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Folder to write; default: the cache that backend = \"ctranslate2\" reads.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Convert again even if a converted copy exists.")] = False,
    models: ModelsOpt = None,
    offline: OfflineOpt = False,
) -> None:
    """Convert a model for the CTranslate2 backend ahead of its first use, with CTranslate2's own converter."""
    from ..models import hub
    from ..models.engines import ctranslate2 as ct2
    from ..models.engines.isa import precision_for_cpu
    from ..models.registry import Registry

    with _errors():
        quiet_backend_logging()
        registry = Registry.load(models)
        spec = registry.models.get(name) or registry.resolve(name, "translation")
        source = hub.resolve(spec, local_files_only=offline)  # hub ids: fetched (with a bar) or found in the cache
        runs = precision_for_cpu(quantization)  # what this CPU's default path runs: float32 for int8 without VNNI
        if runs != quantization:
            _stderr().print(f"this CPU's int8 sums saturate (no VNNI): int8 runs here as {runs}, so that is what is converted; "
                            "--quantization int8_w7 for 7-bit int8", markup=False, highlight=False)
            quantization = runs
        output = output or ct2.cache_root() / ct2.cache_name(spec.source, spec.revision, quantization)
        path = ct2.convert(source, revision=spec.revision, quantization=quantization, output=output, force=force, local_files_only=True)
        typer.echo(str(path))


def _summariser(**choices):
    """(Summariser, Options) for the command's options (:func:`_summariser_options`' keywords)."""
    from ..pipeline.summariser import Summariser

    settings, options = _summariser_options(**choices)
    summariser = Summariser(**settings)
    summariser.check(options)  # a missing en-xx model for --summary-lang fails before any work
    return summariser, options


def _summariser_options(*, models, offline, mt_model, sum_model, device, beams, fast, batch_tokens, threads, quantization, keep_boilerplate, backend=None, **summary):
    """(model settings, per-call Options) the command's options ask for, checked.

    The settings are :class:`Summariser` keyword arguments as plain values, so that Ray workers can get them too.
    """
    from ..pipeline.options import Options

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


def _protection(keep: Optional[list[str]], glossary: Optional[Path]) -> dict:
    """--keep and --glossary as Summariser arguments; the glossary is read now, so a bad file fails before any model loads."""
    options: dict = {}
    if keep:
        options["keep"] = list(keep)
    if glossary is not None:
        from ..text.protecting import Glossary

        Glossary.load(glossary)
        options["glossary"] = str(glossary)
    return options


def _read(file: str, quiet: bool = False):
    """The article, read; a decoding that needed a guess or a replacement is one ``Warning:`` line."""
    from ..bulk.sources import read_article
    from ..inputs.fetching import is_url
    from ..inputs.reading import read_document, read_limited

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
        _stderr().print(f"Warning: {_printable(warning)}", markup=False, highlight=False)
    return document


@contextlib.contextmanager
def _progress(quiet: bool):
    """A progress bar on stderr while sentences are translated; silent when stderr is not a terminal."""
    console = _stderr()
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

    # Drawn from the first translated batch to the last: a first run's model downloads draw their own
    # bars before (translation model) and after (summariser), and two live displays would tear each other.
    bar = Progress(TextColumn("translating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console, transient=True)
    tasks = []

    def advance(done: int, total: int) -> None:
        if not tasks:
            bar.start()
            tasks.append(bar.add_task("translate", total=total))
        bar.update(tasks[0], total=total, advance=done)
        if bar.tasks[0].completed >= total:
            bar.stop()

    try:
        yield advance
    finally:
        bar.stop()


def _check_output(output: Optional[Path], file: str) -> None:
    """Before any work: an --output that cannot be written, or that is the input itself, is refused."""
    if output is not None:
        from ..output.writing import check_output

        check_output(output, inputs=(file,))


def _emit(result, fmt: Format, output: Optional[Path], width: Optional[int]) -> None:
    from ..output.rendering import render
    from ..output.writing import STREAM, write_output

    text = render(result, fmt.value, width=width or shutil.get_terminal_size((100, 24)).columns)
    how = write_output(STREAM if output is None else output, text)
    if how == "atomic":
        _stderr().print(f"wrote {output}", markup=False, highlight=False)


def _strict(result, strict: bool) -> None:
    """--strict: a document with a flagged sentence is a failure (the output is written all the same)."""
    from ..checks.quality import is_flagged

    if strict and is_flagged(result):
        described = result.quality.describe()
        if getattr(result, "summary_flags", None):
            described += f"; summary: {', '.join(result.summary_flags)}"
        _stderr().print(f"[bold yellow]Flagged:[/] {described} (--strict)", markup=True)
        raise typer.Exit(code=ExitCode.FLAGGED)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
