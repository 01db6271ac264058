"""``serve``: the LibreTranslate-compatible API, the /v1 API and the web page.

The server (fastapi, uvicorn) is imported when the command runs, never by ``summarise --help``.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..models.engines import quiet_backend_logging
from ..text import DEFAULT_LANGUAGES
from ._common import (
    BackendOpt,
    BatchOpt,
    BeamsOpt,
    Device,
    DeviceOpt,
    FastOpt,
    GlossaryOpt,
    KeepOpt,
    ModelsOpt,
    MtModelOpt,
    OfflineOpt,
    QuantOpt,
    SumModelOpt,
    ThreadsOpt,
    errors,
    protection,
    summariser_options,
)
from ._choices import Length

app = typer.Typer(add_completion=False)  # completion is the group's (summarise --install-completion)


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
    from ..serve import serve as run_server, ServeSettings, keys_from_env

    with errors():
        model_settings, options = summariser_options(models=models, offline=offline, mt_model=mt_model, sum_model=sum_model, device=device, beams=beams, fast=fast, batch_tokens=batch_tokens, threads=threads, quantization=quantization, keep_boilerplate=False, backend=backend, length=length.value, **protection(keep, glossary))
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

