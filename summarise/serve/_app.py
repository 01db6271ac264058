"""The application: routes from ``libre``, ``api`` and ``page``, one error format, limits, lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Coroutine
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import InputError, LanguageError, SummariseError, worded
from ._batching import Busy, Closed
from ._limits import ApiError, BodyLimit, KeyCheck, TimedOut, field_advice
from ._metrics import Metrics
from ._service import Service, Work
from ._settings import ServeSettings

logger = logging.getLogger("summarise.serve")

# Endpoints named in the metrics; anything else counts as "other" so that probing cannot grow the label set.
ENDPOINTS = ("/", "/translate", "/languages", "/detect", "/frontend/settings", "/v1/translate", "/v1/summarise", "/v1/report", "/v1/render", "/healthz", "/metrics", "/docs", "/openapi.json")


class State:
    """What every handler reaches through ``request.app.state.summarise``."""

    def __init__(self, settings: ServeSettings, service: Service) -> None:
        self.settings = settings
        self.service = service
        self.keys = KeyCheck(settings.api_keys)
        self.metrics = Metrics()

    async def within_timeout(self, work: Coroutine[Any, Any, Any], cancel: threading.Event) -> Any:
        """A request's whole work (reading, fetching, preparing, the models) under the request timeout.

        On timeout ``cancel`` is set: preparation in its thread stops at its next
        text, queued model work is dropped, and running model work stops at its
        next batch once every request sharing it has given up (see Service._run).
        """
        timeout = self.settings.request_timeout
        # Set at the deadline itself: a thread the request waits on cannot be interrupted, and the wait for it
        # ends only when it returns, so it must see the deadline to stop at its next text.
        alarm = asyncio.get_running_loop().call_later(timeout, cancel.set)
        try:
            return await asyncio.wait_for(work, timeout)
        except (asyncio.TimeoutError, TimedOut):
            cancel.set()
            raise ApiError(503, f"the request timed out after {timeout:g} s: the server is busy, or the text is too long",
                           retry_after=self.service.batcher.retry_after()) from None
        finally:
            alarm.cancel()

    def public(self, message: str) -> str:
        """An error message without the server's paths."""
        return self.service.public(message)

    async def run(self, work: Work, *, endpoint: str) -> list[Any]:
        """The work's results through the batcher, with the server's limits applied (the caller applies the timeout)."""
        service = self.service
        if not service.ready:
            if service.state == "failed":
                raise ApiError(503, f"models failed to load: {self.public(service.error or '')}")
            raise ApiError(503, "models are still loading: try again shortly", retry_after=5)
        try:
            future = service.submit(work)
        except Busy as exc:
            raise ApiError(429, f"Slowdown: {exc}", retry_after=exc.retry_after) from None
        except Closed:
            raise ApiError(503, "the server is shutting down", retry_after=5) from None
        try:
            results = await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            future.cancel()  # not started yet: the batcher drops it
            work.cancel.set()  # started: it stops at its next batch once no request of its call waits for it
            raise
        except (InputError, LanguageError) as exc:
            raise ApiError(400, self.public(worded(exc, field_advice))) from None
        except SummariseError as exc:
            raise ApiError(500, f"Cannot translate text: {self.public(worded(exc, field_advice))}") from None
        self.metrics.count_sentences(endpoint, work.sentences)
        return [service.publish(result) if not isinstance(result, str) else result for result in results]


class Observe:
    """ASGI middleware: each response's endpoint, status and latency go to the metrics."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        path = scope["path"]
        endpoint = path if path in ENDPOINTS else "other"

        async def sending(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        self.metrics.in_flight += 1
        try:
            await self.app(scope, receive, sending)
        finally:
            self.metrics.in_flight -= 1
            self.metrics.observe(endpoint, status, time.perf_counter() - started)


def create_app(settings: ServeSettings | None = None, *, service: Service | None = None, load_in_background: bool = True) -> FastAPI:
    """The ASGI application.  Models load at startup (in the background unless told otherwise);
    /healthz says ready once they are loaded, and model endpoints answer 503 until then."""
    settings = settings or ServeSettings()
    service = service or Service(settings)
    state = State(settings, service)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        if service.state == "loading":
            if load_in_background:
                threading.Thread(target=service.load, name="summarise-load", daemon=True).start()
            else:
                await asyncio.to_thread(service.load)
        yield
        # Shutdown: uvicorn has already let in-flight requests finish; stop the worker.
        await asyncio.to_thread(service.close)

    from .._version import __version__

    app = FastAPI(
        title="summarise",
        version=__version__,
        description="Sentence-level translation into English and summaries of news articles; a LibreTranslate-compatible API.",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's docs page loads scripts from a CDN; /docs here is self-contained
        redoc_url=None,
    )
    app.state.summarise = state

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return JSONResponse({"error": exc.message}, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        return JSONResponse({"error": f"Invalid request: {_describe(exc.errors())}"}, status_code=400)

    from . import _api as api, _libre as libre, _page as page

    app.include_router(libre.router)
    app.include_router(api.router)
    app.include_router(page.router)

    if settings.cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-API-Key"],
            max_age=600,
        )
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, by_path={"/v1/render": settings.max_body_bytes * settings.result_body_factor})
    app.add_middleware(Observe, metrics=state.metrics)
    return app


def _describe(errors) -> str:
    parts = []
    for error in errors:
        where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        parts.append(f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg", "invalid")))
    return "; ".join(parts) or "malformed body"
