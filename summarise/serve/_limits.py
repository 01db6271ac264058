"""Limits and access: the error every endpoint answers with, the body-size guard, API keys."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ApiError(Exception):
    """An answer other than 200: ``{"error": message}`` with this status (and Retry-After when set)."""

    def __init__(self, status: int, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}


# The sizes a request's fields may have, for both APIs (the README's limits table lists them).
MAX_JSON_DEPTH = 32  # our bodies nest 3 deep; LibreTranslate's 2
MAX_CODE_CHARS = 35  # a language code (BCP 47 tags stay under this)
MAX_KEY_CHARS = 256  # an API key
MAX_URL_CHARS = 2048
MAX_KEEP_TERMS = 200  # /v1 keep terms per request
MAX_GLOSSARY_TERMS = 500  # /v1 glossary entries per request

# A string, its closing quote optional; the lookahead-and-backreference makes the body atomic (a possessive
# "*+" before Python 3.11), so an unterminated string is one linear match, never retried from each quote.
_JSON_STRING = re.compile(rb'"(?=((?:[^"\\]|\\.)*))\1"?', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth(raw: bytes, limit: int = MAX_JSON_DEPTH) -> int:
    """How deep ``raw``'s arrays and objects nest (strings skipped), counted up to ``limit + 1`` at most.

    Checked before ``json.loads``, whose recursion a body nested 100,000 deep
    turns into a RecursionError (a 500).  One pass over the brackets.
    """
    depth = deepest = 0
    for bracket in _JSON_BRACKET.finditer(_JSON_STRING.sub(b"", raw)):
        if bracket.group() in b"[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        else:
            depth -= 1
    return deepest


async def read_json(request) -> Any:
    """The request's JSON body, its nesting bounded before it is parsed; 400 ``Invalid JSON format`` otherwise."""
    raw = await request.body()
    if json_depth(raw) > MAX_JSON_DEPTH:
        raise ApiError(400, f"Invalid JSON format: nested more than {MAX_JSON_DEPTH} deep")
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise ApiError(400, "Invalid JSON format") from None


MAX_FORM_FIELDS = 1000  # as Starlette's own form parser allows


async def read_urlencoded(request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body's fields (the first of a repeated name), decoded as UTF-8.

    Starlette's parser takes bytes sent unescaped as Latin-1, so ``curl -d "q=Le président parle."`` reached
    the models as "Le prÃ©sident parle.": here both escaped and raw bytes are UTF-8, as Flask (LibreTranslate)
    reads them, and a body that is not UTF-8 is refused rather than mangled.
    """
    raw = await request.body()
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS, errors="strict")
    except UnicodeDecodeError:
        raise ApiError(400, "Invalid request: the form body is not UTF-8") from None
    except ValueError:
        raise ApiError(400, f"Invalid request: more than {MAX_FORM_FIELDS} form fields") from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields


def field_advice(field: str, example: object) -> str:
    """An error's fix in an API's words: the request field to set (the CLI names its flags instead)."""
    if example is None:
        return f"set the {field} field"
    return f"set the {field} field, e.g. \"{field}\": {json.dumps(example)}"


class TimedOut(Exception):
    """Raised where a request's preparation notices its deadline has passed; the request answers 503 as on any timeout."""


class BodyLimit:
    """ASGI middleware: a body over ``max_bytes`` gets 413 before the app reads any of it.

    A declared Content-Length is checked first; a chunked body is read up to
    the limit and replayed to the app, so no endpoint ever holds more.  ``by_path``
    gives a path its own limit: ``/v1/render`` takes back a result, which holds the
    article, its translation and their offsets, so several times an article's size.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, by_path: dict[str, int] | None = None) -> None:
        self.app = app
        self.default_bytes = max_bytes
        self.by_path = dict(by_path or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.by_path.get(scope.get("path", ""), self.default_bytes)
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await _answer(send, 400, "Invalid Content-Length header")
                return
            if size > limit:
                await _answer(send, 413, self._message(size, limit))
                return
            await self.app(scope, receive, send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _answer(send, 413, self._message(size, limit, at_least=True))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    def _message(size: int, limit: int, *, at_least: bool = False) -> str:
        return f"Request body of {'more than ' if at_least else ''}{size} bytes is over this server's limit of {limit} bytes"


async def _answer(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class KeyCheck:
    """Optional API keys, compared in constant time.

    LibreTranslate's endpoints answer as LibreTranslate does: a wrong key is
    403 ``Invalid API key``; a missing one is 400 asking for a key.  The /v1
    endpoints answer 401 for a missing key and 403 for a wrong one.

    Why the keys are hashed first: ``any(compare_digest(given, key) …)``
    stopped at the first key that matched, so a valid key answered sooner
    than a wrong one (by one comparison per key after it), and the time of
    ``compare_digest`` on unequal lengths follows the given key's length.
    Here the given key becomes one fixed-length HMAC digest (keyed with a
    secret of this process), and it is compared with every known key's
    digest, all of them, whatever matched: the same work for any key.
    """

    def __init__(self, keys: Iterable[str]) -> None:
        self._secret = os.urandom(32)
        self._digests = [self._digest(key) for key in keys if key]

    @property
    def enabled(self) -> bool:
        return bool(self._digests)

    def _digest(self, key: str) -> bytes:
        return hmac.new(self._secret, key.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()

    def valid(self, key: object) -> bool:
        if not isinstance(key, str) or not key:
            return False
        given = self._digest(key)
        matched = False
        for known in self._digests:  # no early exit: every key is compared
            matched |= hmac.compare_digest(given, known)
        return matched

    def check(self, key: object, *, missing_status: int) -> None:
        if not self.enabled:
            return
        if key is None or key == "":
            raise ApiError(missing_status, "Please contact the server operator to get an API key")
        if not isinstance(key, str):
            raise ApiError(400, "Invalid request: api_key must be a string")
        if not self.valid(key):
            raise ApiError(403, "Invalid API key")


def header_key(headers) -> str | None:
    """An API key from ``Authorization: Bearer …`` or ``X-API-Key``."""
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return headers.get("x-api-key") or None
