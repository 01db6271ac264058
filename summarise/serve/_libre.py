"""LibreTranslate's API, as its clients speak it (libretranslatepy, deep-translator, the npm package, extensions).

Followed from LibreTranslate's ``app.py``: parameters come from a JSON body,
or from form fields and the query string together (Flask's ``request.values``);
``q`` is a string or a list; errors are ``{"error": …}`` with 400 for a bad
request, 403 for a wrong API key, 429 to slow down and 500 when translation
fails.  Detection confidences are percentages, as LibreTranslate gives them.
"""

from __future__ import annotations

import threading
from typing import Any, Optional, Union

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from ..errors import InputError, LanguageError, worded
from ..text import LANGUAGE_NAMES, TARGET_LANG
from . import _htmltext as htmltext
from ._limits import MAX_CODE_CHARS, MAX_KEY_CHARS, ApiError, TimedOut, field_advice, header_key, read_json, read_urlencoded
from ._openapi import answer, as_form, body, client_schema
from ._service import SentenceTooLong, Service, TooManySentences, Work, read_text

router = APIRouter(tags=["LibreTranslate"])
SHORT_TEXT = 40  # LibreTranslate detects texts this short from all the request's texts together
TRANSLATE_OPTIONS = {"keep_boilerplate": True}  # a client asked for this text translated: all of it
LIBRE_FIELDS = {"source_lang": "source"}  # the library's option names that this API names otherwise


class LibreArgs(BaseModel):
    """The parameters of /translate and /detect, typed as LibreTranslate's clients send them.

    Strict (a JSON number is no text); unknown parameters are ignored, as
    LibreTranslate ignores them (clients send ``alternatives`` and the like).
    Missing parameters are reported first, in LibreTranslate's words.
    """

    model_config = ConfigDict(extra="ignore", strict=True)

    q: Union[str, list[str], None] = Field(None, description="The text, or a list of texts (JSON only) answered in the same order.")
    source: Optional[str] = Field(None, max_length=MAX_CODE_CHARS, description="Source language code (see /languages), or auto to detect it.")
    target: Optional[str] = Field(None, max_length=MAX_CODE_CHARS, description="Target language code: en, or a language an en-xx model reaches.")
    format: Optional[str] = Field(None, max_length=16, description="text (the default) or html: tags and attributes kept, text between them translated.")
    api_key: Optional[str] = Field(None, max_length=MAX_KEY_CHARS, description="API key, when the server requires one; any value when it requires none.")


_LIBRE_SCHEMA = LibreArgs.model_json_schema()
_TRANSLATE_FIELDS = client_schema(_LIBRE_SCHEMA, ("q", "source", "target", "format", "api_key"), required=("q", "source", "target"))
_TRANSLATE_FIELDS["description"] = "Unknown fields (alternatives and the like) are ignored, as LibreTranslate ignores them."
TRANSLATE_BODY = body(
    _TRANSLATE_FIELDS,
    as_form(_TRANSLATE_FIELDS),
    {
        "text": ("One text", {"q": "Le président a annoncé une aide militaire.", "source": "fr", "target": "en"}),
        "auto": ("Detect the source", {"q": "La guerre continue en Ukraine depuis des mois.", "source": "auto", "target": "en"}),
        "list": ("Several texts (JSON only)", {"q": ["La guerre continue.", "Les alliés soutiennent l'Ukraine."], "source": "fr", "target": "en"}),
        "html": ("HTML", {"q": "<p>La guerre <b>continue</b>.</p>", "source": "fr", "target": "en", "format": "html"}),
        "key": ("With an API key", {"q": "Bonjour tout le monde.", "source": "fr", "target": "en", "api_key": "KEY"}),
    },
)
_DETECT_FIELDS = client_schema(_LIBRE_SCHEMA, ("q", "api_key"), required=("q",))
_DETECT_FIELDS["description"] = "Unknown fields are ignored."
_DETECT_FIELDS["properties"]["q"] = {**_DETECT_FIELDS["properties"]["q"], "description": "The text (a list is detected as one text)."}
DETECT_BODY = body(_DETECT_FIELDS, as_form(_DETECT_FIELDS), {"text": ("One text", {"q": "La guerre continue en Ukraine depuis des mois."})})


def parse_args(args: dict[str, Any]) -> LibreArgs:
    try:
        return LibreArgs.model_validate(args)
    except ValidationError as exc:
        names = list(dict.fromkeys(str(error["loc"][0]) for error in exc.errors() if error["loc"]))
        if set(names) & {"q", "source", "target"}:
            raise ApiError(400, "Invalid request: q must be a string or a list of strings, source and target strings "
                                f"(of at most {MAX_CODE_CHARS} characters)") from None
        raise ApiError(400, f"Invalid request: {', '.join(names) or 'a parameter'} must be a string (within its size limit)") from None


def content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def is_json(request: Request) -> bool:
    return content_type(request) == "application/json"


def advice(option: str, example: object) -> str:
    """An error's fix in this API's words: LibreTranslate's field names (``source``, not ``source_lang``)."""
    return field_advice(LIBRE_FIELDS.get(option, option), example)


async def request_args(request: Request) -> dict[str, Any]:
    """The request's parameters the way LibreTranslate reads them."""
    if is_json(request):
        data = await read_json(request)
        if not isinstance(data, dict):
            raise ApiError(400, "Invalid JSON format")
        return data
    args: dict[str, Any] = dict(request.query_params)
    if request.method == "POST":
        if content_type(request) == "application/x-www-form-urlencoded":
            args.update(await read_urlencoded(request))
            return args
        try:
            form = await request.form()
        except Exception as exc:  # noqa: BLE001 - malformed multipart bodies
            raise ApiError(400, f"Invalid request: {exc}") from None
        args.update({key: value for key, value in form.items() if isinstance(value, str)})
    return args


def _check_key(request: Request, args: dict[str, Any]) -> None:
    key = args.get("api_key")
    if key is not None and (not isinstance(key, str) or len(key) > MAX_KEY_CHARS):
        raise ApiError(400, f"Invalid request: api_key must be a string of at most {MAX_KEY_CHARS} characters")
    request.app.state.summarise.keys.check(key or header_key(request.headers), missing_status=400)


def language_list(service: Service) -> list[dict[str, Any]]:
    return [{"code": code, "name": LANGUAGE_NAMES.get(code, code), "targets": service.targets(code)} for code in service.source_languages()]


@router.get("/languages", summary="Languages and their targets (LibreTranslate)",
            openapi_extra=answer("Every source language with at least one target", [{"code": "fr", "name": "French", "targets": ["en"]}]))
@router.post("/languages", include_in_schema=False)
async def languages(request: Request):
    return language_list(request.app.state.summarise.service)


@router.get("/frontend/settings", summary="Settings LibreTranslate's own front-ends read")
async def frontend_settings(request: Request):
    state = request.app.state.summarise
    return {
        "charLimit": -1,
        "frontendTimeout": int(state.settings.request_timeout * 1000),
        "apiKeys": state.keys.enabled,
        "keyRequired": state.keys.enabled,
        "suggestions": False,
        "filesTranslation": False,
        "supportedFilesFormat": [],
        "language": {"source": {"code": "auto", "name": "Auto Detect"}, "target": {"code": TARGET_LANG, "name": "English"}},
    }


@router.post("/detect", summary="Detect the language of a text (LibreTranslate)",
             openapi_extra={**DETECT_BODY, **answer("The likeliest languages, with confidences in percent",
                                                     [{"confidence": 99.4, "language": "fr"}, {"confidence": 0.1, "language": "oc"}])})
async def detect(request: Request):
    """Up to three languages, likeliest first, each with the detector's probability in percent: the same number
    `/translate` reports as `detectedLanguage` and `/v1` as `detection.confidence` (there a fraction of 1).
    A `q` list is detected as one text."""
    cancel = threading.Event()  # nothing to stop: detection is one call
    return await request.app.state.summarise.within_timeout(_detect(request), cancel)


async def _detect(request: Request):
    args = await request_args(request)
    _check_key(request, args)
    q = parse_args(args).q
    if isinstance(q, list):
        q = "\n".join(text for text in q if isinstance(text, str))
    if not q or not isinstance(q, str):
        raise ApiError(400, "Invalid request: missing q parameter")
    detection = await run_in_threadpool(request.app.state.summarise.service.detector.detect, q)
    candidates = detection.candidates or ((detection.lang, detection.confidence),)
    return [{"confidence": round(100 * p, 1), "language": code} for code, p in candidates]


@router.post("/translate", summary="Translate text (LibreTranslate)",
             openapi_extra={**TRANSLATE_BODY, **answer("The translation; with source auto, the language taken and its confidence in percent",
                                                        {"translatedText": "The war continues in Ukraine for months.",
                                                         "detectedLanguage": {"confidence": 99.4, "language": "fr"}})})
async def translate(request: Request):
    """LibreTranslate's call: a JSON body, or form fields and the query string together. `q` may be a list
    (JSON), answered as a list. With `source` auto the language is detected by the server's one policy (see
    docs/server.md): a short text is detected together with the request's other texts, and a text whose
    language is unclear, or has no model, is refused with 400."""
    cancel = threading.Event()
    return await request.app.state.summarise.within_timeout(_translate_request(request, cancel), cancel)


async def _translate_request(request: Request, cancel: threading.Event):
    state = request.app.state.summarise
    service: Service = state.service
    args = await request_args(request)
    _check_key(request, args)
    for name in ("q", "source", "target"):
        if not args.get(name):
            raise ApiError(400, f"Invalid request: missing {name} parameter")
    parsed = parse_args(args)
    q, source, target, fmt = parsed.q, parsed.source, parsed.target, parsed.format or "text"
    batch = isinstance(q, list)
    texts = q if batch else [q]
    limit = state.settings.max_sentences
    if len(texts) > limit:  # the request's shape, checked before any text is read
        raise ApiError(400, f"Invalid request: request ({len(texts)} texts) exceeds text limit ({limit})")
    if not is_json(request):  # form values: LF line endings, as LibreTranslate does
        texts = ["\n".join(text.splitlines()) for text in texts]
    if fmt not in ("text", "html"):
        raise ApiError(400, f"{fmt} format is not supported")
    source, target = source.strip().lower(), target.strip().lower()
    if source != "auto" and not service.has_source(source):
        raise ApiError(400, f"{source} is not supported")
    if target not in service.targets(""):  # source == target passes the text through unchanged
        raise ApiError(400, f"{target} is not supported")

    plan = await run_in_threadpool(_plan, service, texts, source, target, fmt, cancel)
    translated = await _translate(state, service, target, [item for entry in plan for item in entry["items"]], cancel)
    if fmt == "html":
        answers = await _html_answers(state, service, target, plan, translated, cancel)
    else:
        answers = [text if result is None else _text(result) for text, result in zip(texts, translated, strict=True)]
    body: dict[str, Any] = {"translatedText": answers if batch else answers[0]}
    if source == "auto":
        detected = [entry["detected"] for entry in plan]
        body["detectedLanguage"] = detected if batch else detected[0]
    return body


async def _translate(state: Any, service: Service, target: str, items: list[Any], cancel: threading.Event) -> list[Any]:
    """Each prepared item's result, in order; None stays None (a text passed through)."""
    wanted = [item for item in items if item is not None]
    if not wanted:
        return [None] * len(items)
    try:
        service.check_size(wanted)
    except SentenceTooLong as exc:
        raise ApiError(400, f"Invalid request: a sentence of {exc.count} characters exceeds the sentence limit ({exc.limit}): "
                            "split it at sentence ends") from None
    except TooManySentences as exc:
        raise ApiError(400, f"Invalid request: request ({exc.count} sentences) exceeds text limit ({exc.limit})") from None
    results = iter(await state.run(Work(wanted, target=target, cancel=cancel), endpoint="/translate"))
    return [None if item is None else next(results) for item in items]


async def _html_answers(state: Any, service: Service, target: str, plan: list[dict[str, Any]], translated: list[Any],
                        cancel: threading.Event) -> list[str]:
    """Each text's HTML with its flows translated; a flow whose tags did not come back in order is
    translated again run by run (see :mod:`.htmltext`), all such flows in one more call."""
    results = iter(translated)
    rebuilt: list[list[str | None]] = []
    again: list[tuple[int, int, list[Any]]] = []  # (text, flow, its runs prepared)
    options = service.options(TRANSLATE_OPTIONS)
    for t, entry in enumerate(plan):
        row: list[str | None] = []
        for f, flow in enumerate(entry["flows"]):
            result = next(results)
            html = flow.original() if result is None else flow.rebuild(_text(result))
            if html is None:
                again.append((t, f, await run_in_threadpool(_prepare_runs, service, flow, entry["lang"], options, cancel)))
            row.append(html)
        rebuilt.append(row)
    if again:
        second = iter(await _translate(state, service, target, [item for _, _, runs in again for item in runs], cancel))
        for t, f, runs in again:
            rebuilt[t][f] = plan[t]["flows"][f].fill([_text(next(second)) for _ in runs])
    return [htmltext.join(entry["segments"], row) for entry, row in zip(plan, rebuilt, strict=True)]


def _prepare_runs(service: Service, flow: htmltext.Flow, lang: str, options: Any, cancel: threading.Event) -> list[Any]:
    prepared = []
    try:
        for run in flow.runs():
            _stop_if(cancel)
            prepared.append(service.prepare(read_text(run, fmt="text"), source_lang=lang, options=options))
    except (InputError, LanguageError) as exc:
        raise ApiError(400, service.public(worded(exc, advice))) from None
    return prepared


def _stop_if(cancel: threading.Event) -> None:
    """Preparation runs in a thread that outlives a timed-out request: it stops at the next text instead."""
    if cancel.is_set():
        raise TimedOut("the request's deadline has passed")


def _plan(service: Service, texts: list[str], source: str, target: str, fmt: str, cancel: threading.Event) -> list[dict[str, Any]]:
    """Per text: its segments and flows (html), its units to translate, their prepared forms (None: passed
    through), its language."""
    plan = []
    options = service.options(TRANSLATE_OPTIONS)
    # A flow with inline tags carries them as markers, protected from the model like --keep terms.
    marked = service.options({**TRANSLATE_OPTIONS, "keep": [*options.keep, *htmltext.MARKERS]}) if fmt == "html" else options
    whole = None
    for text in texts:
        _stop_if(cancel)
        segments = htmltext.segments(htmltext.cut(text)) if fmt == "html" else []
        flows = [segment for segment in segments if isinstance(segment, htmltext.Flow)]
        units = [flow.text() for flow in flows] if fmt == "html" else [text]
        lang, detected = source, None
        if source == "auto":
            sample = " ".join(run for flow in flows for run in flow.runs()) if fmt == "html" else text  # no markers
            if len(sample) <= SHORT_TEXT:
                whole = whole if whole is not None else " ".join(texts)
                sample = whole
            if sample.strip():
                try:
                    detection = service.detect_source(sample)
                except LanguageError as exc:
                    raise ApiError(400, service.public(worded(exc, advice))) from None
                lang = detection.lang
                detected = {"confidence": round(100 * detection.confidence, 1), "language": lang}
            else:  # nothing to detect: passed through unchanged, as English would be
                lang, detected = TARGET_LANG, {"confidence": 0.0, "language": TARGET_LANG}
        items = []
        for index, unit in enumerate(units):
            if not unit.strip() or lang == target:
                items.append(None)
                continue
            tagged = fmt == "html" and bool(flows[index].tags)
            _stop_if(cancel)
            try:
                items.append(service.prepare(read_text(unit, fmt="text"), source_lang=lang, options=marked if tagged else options))
            except (InputError, LanguageError) as exc:
                raise ApiError(400, service.public(worded(exc, advice))) from None
        plan.append({"segments": segments, "flows": flows, "items": items, "detected": detected, "lang": lang})
    return plan


def _text(result) -> str:
    return result if isinstance(result, str) else result.translation
