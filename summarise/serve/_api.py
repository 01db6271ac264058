"""Our own API: /v1/translate, /v1/summarise, /v1/report; /healthz, /metrics and the OpenAPI docs.

/v1 answers carry exactly what ``--format json`` prints (and the report what
``--format html`` writes).  A body is JSON, or multipart form fields with an
uploaded ``file`` (what the web page sends); the file's bytes are decoded as
the CLI decodes files, and its name only picks the format: requests never
name a path on the server.
"""

from __future__ import annotations

import json
from pathlib import PurePath
import threading
from typing import Annotated, Any, Literal, Optional

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from ..errors import InputError, LanguageError, SummariseError, worded
from ..inputs import ONE_ARTICLE_FORMATS, read_document
from ..output import render_json
from ..text import MAX_TERM_CHARS
from ._limits import (
    MAX_CODE_CHARS,
    MAX_GLOSSARY_TERMS,
    MAX_KEEP_TERMS,
    MAX_KEY_CHARS,
    MAX_URL_CHARS,
    ApiError,
    field_advice,
    header_key,
    read_json,
    read_urlencoded,
)
from ._openapi import answer, as_form, body, client_schema, docs_page
from ._service import REQUEST_OPTIONS, TooManySentences, Work, read_text

FETCH_RETRY_AFTER_S = 2  # Retry-After when every URL fetch slot is taken
router = APIRouter()
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
Term = Annotated[str, StringConstraints(max_length=MAX_TERM_CHARS)]


class ArticleRequest(BaseModel):
    """One article and the options for it. Give exactly one of text, html or url (or upload a file)."""

    # Strict: a JSON body's values are taken as they are typed, never coerced ("3" is no number, 1 no string);
    # form fields, all text, are validated without strict.  Every string and list is bounded.
    model_config = ConfigDict(extra="forbid", strict=True)

    text: Optional[str] = Field(None, description="Plain text of the article.")
    html: Optional[str] = Field(None, description="The article as an HTML page; its main text is extracted.")
    url: Optional[str] = Field(None, max_length=MAX_URL_CHARS, description="Fetch the article from this public http(s) URL (only when the server runs with --allow-url-fetch).")
    source_lang: str = Field("auto", max_length=MAX_CODE_CHARS, description="Source language code, or auto.")
    length: Optional[Literal["short", "medium", "long"]] = Field(None, description="Summary length.")
    num_beams: Optional[int] = Field(None, ge=1, le=16, description="Beam size for the translation and the summary.")
    min_tokens: Optional[int] = Field(None, ge=0, description="Lower bound of the summary, in tokens.")
    max_tokens: Optional[int] = Field(None, ge=1, description="Upper bound of the summary, in tokens.")
    summary_lang: Optional[str] = Field(None, max_length=MAX_CODE_CHARS, description="Also translate the summary into this language.")
    keep_boilerplate: Optional[bool] = Field(None, description="Translate share widgets, ad markers and related links too.")
    keep: Optional[list[Term]] = Field(None, max_length=MAX_KEEP_TERMS, description=f"Terms kept verbatim through translation (links and emails always are); each up to {MAX_TERM_CHARS} characters.")
    glossary: Optional[dict[Term, Term]] = Field(None, max_length=MAX_GLOSSARY_TERMS, description="Source term -> the English it must come out as.")
    api_key: Optional[str] = Field(None, max_length=MAX_KEY_CHARS, description="API key, when the server requires one (or send Authorization: Bearer KEY).")

    def options(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in REQUEST_OPTIONS if getattr(self, name) is not None}

    @field_validator("keep", mode="before")
    @classmethod
    def _keep_from_form(cls, value: Any) -> Any:
        """A form sends one string: terms one per line (or comma-separated)."""
        if isinstance(value, str):
            return [term.strip() for term in value.replace(",", "\n").splitlines() if term.strip()]
        return value

    @field_validator("glossary", mode="before")
    @classmethod
    def _glossary_from_form(cls, value: Any) -> Any:
        """A form sends JSON text; a glossary is never a file name here (the library would read a path)."""
        if isinstance(value, str):
            try:
                return json.loads(value)
            except (ValueError, RecursionError):
                raise ValueError("glossary must be a JSON object of source term -> English term") from None
        return value


_ARTICLE_FIELDS = client_schema(ArticleRequest.model_json_schema())
_BODY = body(
    _ARTICLE_FIELDS,
    as_form(
        _ARTICLE_FIELDS,
        keep={"type": "string", "description": "Terms kept verbatim, one per line or comma-separated."},
        glossary={"type": "string", "description": "A JSON object: source term -> the English it must come out as."},
        file={"type": "string", "format": "binary", "description": "An uploaded article (multipart only), read as the CLI reads a file; "
                                                                   "its name only picks the format."},
    ),
    {
        "text": ("Plain text, the language detected", {"text": "Le président a annoncé une aide militaire. La guerre continue en Ukraine depuis des mois."}),
        "options": ("Options", {"text": "Le président a annoncé une aide militaire.", "source_lang": "fr", "length": "short", "num_beams": 2,
                                "keep": ["Otan"], "glossary": {"Otan": "NATO"}}),
        "html": ("An HTML page", {"html": "<html><body><article><p>Le président a annoncé une aide militaire.</p></article></body></html>",
                                  "source_lang": "fr"}),
        "url": ("A URL (servers started with --allow-url-fetch)", {"url": "https://example.org/article.html"}),
    },
)
_RESULT = {
    "source_lang": "fr",
    "detection": {"lang": "fr", "confidence": 0.9939, "sure": True},
    "original": "La guerre continue en Ukraine depuis des mois.",
    "pairs": [{"source": "La guerre continue en Ukraine depuis des mois.", "translation": "The war has been going on in Ukraine for months.",
               "start": 0, "end": 46, "paragraph": 0, "flags": []}],
    "translation": "The war has been going on in Ukraine for months.",
    "quality": {"flagged": 0, "sentences": 1, "share": 0.0, "by_flag": {}},
    "signature": "mt:Helsinki-NLP/opus-mt-fr-en@…+ctranslate2+int8|beams:4|gen:model|bp:removed|v:…",
}


async def _article(request: Request) -> tuple[ArticleRequest, Any]:
    """The request's options and its Document, from JSON or from a form with an upload."""
    state = request.app.state.summarise
    upload = None
    strict = True
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":  # UTF-8 even when sent unescaped (see read_urlencoded)
        fields = {key: value for key, value in (await read_urlencoded(request)).items() if value != ""}
        strict = False  # form values are all text: "3" is the number 3 here
    elif kind == "multipart/form-data":
        try:
            form = await request.form()
        except Exception as exc:  # noqa: BLE001 - a malformed multipart body is the client's
            raise ApiError(400, f"Invalid request: malformed form body ({exc})") from None
        fields = {key: value for key, value in form.items() if isinstance(value, str) and value != ""}
        upload = form.get("file") if not isinstance(form.get("file"), str) else None
        strict = False
    else:
        fields = await read_json(request)
        if not isinstance(fields, dict):
            raise ApiError(400, "Invalid JSON format")
    try:
        body = ArticleRequest.model_validate(fields, strict=strict)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:10])
        raise ApiError(400, f"Invalid request: {problems}") from None
    state.keys.check(body.api_key or header_key(request.headers), missing_status=401)
    given = [name for name in ("text", "html", "url") if getattr(body, name) is not None] + (["file"] if upload is not None else [])
    if len(given) != 1:
        raise ApiError(400, "Invalid request: give exactly one of text, html, url or file")
    try:
        if upload is not None:
            data = await upload.read()
            name = PurePath(upload.filename or "upload").name  # only the suffix is used: never a path
            document = await run_in_threadpool(read_document, data, format=ONE_ARTICLE_FORMATS.get(PurePath(name).suffix.lower(), "auto"), name=name)
        elif body.url is not None:
            document = await _fetch(state, body.url)
        elif body.html is not None:
            document = await run_in_threadpool(read_text, body.html, fmt="html")
        else:
            document = await run_in_threadpool(read_text, body.text, fmt="text")
    except (InputError, LanguageError) as exc:
        raise ApiError(400, worded(exc, field_advice)) from None
    return body, document


async def _fetch(state, url: str):
    if not state.settings.allow_url_fetch:
        raise ApiError(403, "URL fetching is disabled on this server: send the text, or start the server with --allow-url-fetch")
    from . import _urls as urls

    try:
        fetched = await run_in_threadpool(urls.fetch, url, timeout=state.settings.url_fetch_timeout, max_bytes=state.settings.max_body_bytes)
    except urls.FetchesBusy as exc:  # the server's fetches are all taken: the same request will do shortly
        raise ApiError(429, str(exc), retry_after=FETCH_RETRY_AFTER_S) from None
    except ValueError as exc:  # the standard library's own URL parsing ("http://[::1", a redirect to one)
        raise ApiError(400, f"the URL cannot be fetched: {exc}: send a well-formed http(s) URL") from None
    fmt = "html" if "html" in fetched.content_type.lower() else "auto"
    return await run_in_threadpool(read_document, fetched.body, format=fmt, name=fetched.url)


async def _run(request: Request, *, summarise: bool, endpoint: str):
    """The request's whole work (reading, fetching, preparing, the models) under the request timeout."""
    state = request.app.state.summarise
    cancel = threading.Event()
    return await state.within_timeout(_work(request, summarise=summarise, endpoint=endpoint, cancel=cancel), cancel)


async def _work(request: Request, *, summarise: bool, endpoint: str, cancel: threading.Event):
    state = request.app.state.summarise
    body, document = await _article(request)
    try:
        options = state.service.options(body.options())
        prepared = await run_in_threadpool(state.service.prepare, document, source_lang=body.source_lang, options=options)
        state.service.check_size([prepared])
    except TooManySentences as exc:
        raise ApiError(413, str(exc)) from None
    except SummariseError as exc:  # bad input, unknown language, bad options, a summary_lang without an en-xx model
        raise ApiError(400, state.public(worded(exc, field_advice))) from None
    return (await state.run(Work([prepared], summarise=summarise, cancel=cancel), endpoint=endpoint))[0]


@router.post("/v1/translate", tags=["summarise"], summary="Translate an article sentence by sentence",
             openapi_extra={**_BODY, **answer("The result (abridged here)", _RESULT)})
async def v1_translate(request: Request):
    """The same JSON as `summarise translate --format json`. Give exactly one of `text`, `html`, `url` or an
    uploaded `file`. With `source_lang` auto (the default) the language is detected by the same policy as
    `/translate` and the CLI; `detection.confidence` is the number `/translate` reports in percent."""
    result = await _run(request, summarise=False, endpoint="/v1/translate")
    return Response(render_json(result), media_type="application/json")


@router.post("/v1/summarise", tags=["summarise"], summary="Translate and summarise an article",
             openapi_extra={**_BODY, **answer("The result with its summary (abridged here)", {"summary": "The war continues in Ukraine.", **_RESULT})})
async def v1_summarise(request: Request):
    """The same JSON as `summarise run --format json`: `/v1/translate`'s, with the summary first."""
    result = await _run(request, summarise=True, endpoint="/v1/summarise")
    return Response(render_json(result), media_type="application/json")


@router.post("/v1/report", tags=["summarise"], summary="The self-contained HTML report of an article", openapi_extra=_BODY,
             response_class=HTMLResponse)
async def v1_report(request: Request):
    """The same page as `summarise run --format html`: summary, then original and English side by side."""
    from ..output import render_html

    result = await _run(request, summarise=True, endpoint="/v1/report")
    return HTMLResponse(render_html(result), headers={"Content-Security-Policy": REPORT_CSP})


@router.get("/healthz", tags=["operations"], summary="Ready once the models are loaded (503 before)")
async def healthz(request: Request):
    state = request.app.state.summarise
    service = state.service
    body = {"status": service.state, "pending_sentences": service.batcher.pending}
    if service.error:
        body["error"] = service.public(service.error)
    return JSONResponse(body, status_code=200 if service.ready else 503)


@router.get("/metrics", tags=["operations"], summary="Request, sentence, batch and latency counters (Prometheus text)")
async def metrics(request: Request):
    state = request.app.state.summarise
    text = state.metrics.render(batch=state.service.batcher.stats.to_dict(), pending=state.service.batcher.pending, ready=state.service.ready)
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4")


@router.get("/docs", include_in_schema=False)
async def docs(request: Request):
    """The OpenAPI description as one page with no scripts and no external assets (the JSON is at /openapi.json)."""
    return HTMLResponse(docs_page(request.app.openapi()), headers={"Content-Security-Policy": REPORT_CSP})
