"""The web page at ``/``, and ``POST /v1/render``: a result rendered again as the report, without a model.

The page translates (``/v1/translate``) or translates and summarises
(``/v1/summarise``) pasted text or an uploaded file, in the languages ``/languages``
lists.  It shows the result in the report's own blocks: it posts the result JSON it
received to ``/v1/render?part=fragment`` and puts the answer in place, and "Open
report" posts the same JSON to ``/v1/render`` in a new tab.  Neither runs a model,
so what the page shows and the report it opens are the result the page holds,
never a second translation of the text box (which may have changed meanwhile).

One response, no external assets: the CSS (the page's and the report's) and the
script (package data in ``assets/``, edited as the files they are) are put inline,
allowed by a Content-Security-Policy nonce, and the page talks only to this server
(``connect-src 'self'``).  Text from the article reaches the page only through the
report's renderer, which escapes it, and through ``textContent``; nothing in an
article can run or inject elements.
"""

from __future__ import annotations

import functools
import html as markup
import json
import secrets
from importlib import resources
from string import Template
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse

from ..errors import InputError
from ..inputs import ONE_ARTICLE_FORMATS
from ..output import attribution_css, pair_hover_css, render_fragment, render_html, report_css
from ..pipeline import result_from_dict
from ..text import RIGHT_TO_LEFT
from ._api import REPORT_CSP
from ._limits import MAX_JSON_DEPTH, ApiError, header_key, json_depth, read_json
from ._openapi import FORM_TYPES, answer

router = APIRouter()

ASSETS = "assets"  # package data: page.html (a string.Template), page.css, page.js
PAGE_HOVER_SENTENCES = 40  # the page outlines sentence partners in paragraphs of up to this many sentences
PAGE_SUMMARY_SENTENCES = 60  # selecting a summary sentence highlights its sources, for summaries of up to this many sentences
_RENDER_EXAMPLE = {"source_lang": "fr", "original": "Bonjour.", "summary": "Hello.", "models": [], "signature": "",
                   "pairs": [{"source": "Bonjour.", "translation": "Hello.", "start": 0, "end": 8, "paragraph": 0}]}
_RENDER_JSON = {
    "type": "object",
    "description": "A result exactly as /v1/translate or /v1/summarise returned it (every field type-checked; quality recomputed).",
    "properties": {
        "source_lang": {"type": "string", "description": "The article's language code."},
        "original": {"type": "string", "description": "The article's text, which the pairs' offsets point into."},
        "pairs": {"type": "array", "items": {"type": "object"}, "description": "The sentence pairs: source, translation, start, end, paragraph, flags."},
        "summary": {"type": ["string", "null"], "description": "The summary, if the result has one."},
        "models": {"type": "array", "items": {"type": "object"}, "description": "The models that ran, by registry name."},
        "signature": {"type": "string", "description": "The run's signature."},
    },
    "required": ["source_lang", "original", "pairs"],
}
_RENDER_FORM = {
    "type": "object",
    "properties": {"result": {"type": "string", "description": "The result JSON, as text."},
                   "api_key": {"type": "string", "description": "The API key, on a server with keys."}},
    "required": ["result"],
}
RENDER_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": _RENDER_JSON, "examples": {"result": {"summary": "A one-sentence result", "value": _RENDER_EXAMPLE}}},
            **{kind: {"schema": _RENDER_FORM, "examples": {"result": {"summary": "The same result as a form field",
                                                                       "value": {"result": json.dumps(_RENDER_EXAMPLE)}}}}
               for kind in FORM_TYPES},
        },
    },
    **answer("The report (or with part=fragment its blocks) as HTML", "<!doctype html>…", "text/html"),
}


@functools.cache
def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(ASSETS, name).read_text(encoding="utf-8")


def page(*, keys_required: bool) -> tuple[str, str]:
    """(html, nonce): the page with a fresh nonce for its inline style and script."""
    nonce = secrets.token_urlsafe(16)
    text = Template(_asset("page.html")).substitute(
        nonce=nonce,
        key_hidden="" if keys_required else " hidden",
        css=_asset("page.css") + report_css() + pair_hover_css(PAGE_HOVER_SENTENCES) + attribution_css(PAGE_SUMMARY_SENTENCES),
        script=_asset("page.js"),
        accept=markup.escape(",".join(sorted(ONE_ARTICLE_FORMATS)), quote=True),
        rtl=markup.escape(" ".join(sorted(RIGHT_TO_LEFT)), quote=True),
    )
    return text, nonce


@router.get("/", include_in_schema=False)
async def index(request: Request):
    text, nonce = page(keys_required=request.app.state.summarise.keys.enabled)
    policy = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    return HTMLResponse(text, headers={"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"})


@router.post("/v1/render", tags=["summarise"], summary="The HTML report of a result, rendered again (no model runs)",
             openapi_extra=RENDER_BODY, response_class=HTMLResponse)
async def v1_render(request: Request, part: str = "page"):
    """The report of a result that `/v1/translate` or `/v1/summarise` returned, posted back as JSON (or as the
    form field `result`). `part=fragment` gives only the report's blocks, as the web page shows them."""
    state = request.app.state.summarise
    if part not in ("page", "fragment"):
        raise ApiError(400, "Invalid request: part must be page or fragment")
    data, key = await _posted_result(request)
    state.keys.check(key or header_key(request.headers), missing_status=401)
    try:
        result = result_from_dict(data)
    except InputError as exc:
        raise ApiError(400, f"Invalid request: {exc}") from None
    render = render_fragment if part == "fragment" else render_html
    return HTMLResponse(await run_in_threadpool(render, result), headers={"Content-Security-Policy": REPORT_CSP})


async def _posted_result(request: Request) -> tuple[Any, Any]:
    """(the result dict, an api_key form field or None), from a JSON body or a form's ``result`` field."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in ("multipart/form-data", "application/x-www-form-urlencoded"):
        try:
            form = await request.form()
        except Exception as exc:  # noqa: BLE001 - a malformed form body is the client's
            raise ApiError(400, f"Invalid request: malformed form body ({exc})") from None
        text = form.get("result")
        if not isinstance(text, str):
            raise ApiError(400, "Invalid request: result (the result JSON, as text) is missing")
        if json_depth(text.encode()) > MAX_JSON_DEPTH:
            raise ApiError(400, f"Invalid request: result is nested more than {MAX_JSON_DEPTH} deep")
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            raise ApiError(400, "Invalid request: result is not valid JSON") from None
        return data, form.get("api_key") or None
    return await read_json(request), None
