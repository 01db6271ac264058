"""Every limit and switch of the server, in one dataclass the CLI fills and tests build directly."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from ..text import DEFAULT_LANGUAGES

API_KEYS_ENV = "SUMMARISE_API_KEYS"  # comma-separated; --api-key adds to them


@dataclass(frozen=True)
class ServeSettings:
    host: str = "127.0.0.1"
    port: int = 5000
    # Limits
    max_body_bytes: int = 2 * 1024 * 1024  # larger bodies get 413
    result_body_factor: int = 6  # /v1/render takes a result back: the article, its translation, offsets and flags
    max_sentences: int = 2000  # per request (and texts per /translate request); more is refused before any model work
    max_sentence_chars: int = 5000  # one sentence longer than this (an unpunctuated blob) is refused before any model work
    max_pending_sentences: int = 8000  # queued + running across requests; beyond it new work gets 429
    request_timeout: float = 120.0  # seconds a request may take, reading, fetching and preparing included (503 after)
    keep_alive_timeout: float = 5.0  # an idle keep-alive connection is closed after this many seconds
    header_timeout: float = 10.0  # a connection that has not sent its request line and headers in time is closed
    max_connections: int | None = None  # open connections at most (None: a share of the file-descriptor limit)
    # Batching
    batch_wait_ms: float = 10.0  # how long the batcher waits for more requests once one arrived
    batch_sentences: int = 512  # the most sentences one shared model call takes
    # Security
    api_keys: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ()
    allow_url_fetch: bool = False
    url_fetch_timeout: float = 10.0
    # Models: what the Summariser is built with, and which languages load before /healthz says ready
    summariser_options: dict[str, Any] = field(default_factory=dict)  # Summariser model settings (registry, device, …)
    options: Any = None  # the default per-call summarise.pipeline._options.Options (None: Options())
    preload: tuple[str, ...] = DEFAULT_LANGUAGES
    preload_summariser: bool = True

    @property
    def keys_required(self) -> bool:
        return bool(self.api_keys)


def keys_from_env(environ: dict[str, str] | None = None) -> tuple[str, ...]:
    raw = (environ if environ is not None else os.environ).get(API_KEYS_ENV, "")
    return tuple(key.strip() for key in raw.split(",") if key.strip())
