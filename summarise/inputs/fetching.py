"""Fetch an article by its URL, politely and within bounds.

:func:`fetch` follows redirects itself (up to ``max_redirects``, refusing loops
and non-http(s) targets), with separate connect and read timeouts plus a total
deadline (a server trickling bytes cannot hold a run), a size cap checked on
``Content-Length`` and again while reading, a content-type check (HTML, XHTML,
plain text, Markdown) and a real User-Agent.  The result keeps the requested
and the final URL.  Every failure is a :class:`~summarise.errors.FetchError`
with a one-line message (``https://x.org/a: HTTP 404 Not Found``).

:class:`HostPacer` spaces requests to one host in bulk runs.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from .._version import __version__
from .archives import TEXT_TYPES, parse_content_type
from ..errors import FetchError, first_line

USER_AGENT = f"summarise-news/{__version__} (+https://pypi.org/project/summarise-news/)"
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
TOTAL_TIMEOUT = 60.0
MAX_REDIRECTS = 5
MAX_FETCH_BYTES = 20 * 1024 * 1024
HOST_DELAY = 1.0  # seconds between two requests to one host in bulk
_REDIRECTS = (301, 302, 303, 307, 308)


def is_url(text: str) -> bool:
    """True for ``http://`` and ``https://`` addresses (what ``run`` and ``bulk`` fetch)."""
    return text[:8].lower().startswith(("http://", "https://"))


@dataclass
class Fetched:
    """A fetched page: its bytes and what the server said about them."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int
    content: bytes
    content_type: str
    charset: str | None
    format: str  # the reader's format for the content type: html, text or markdown
    redirects: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url, "final_url": self.final_url, "status": self.status,
            "content_type": self.content_type, "charset": self.charset, "bytes": len(self.content),
        }


def fetch(
    url: str,
    *,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
    total_timeout: float = TOTAL_TIMEOUT,
    max_bytes: int = MAX_FETCH_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    user_agent: str = USER_AGENT,
    pool: Any = None,
) -> Fetched:
    """GET ``url`` and return its page; raise :class:`FetchError` with a one-line reason."""
    import urllib3

    if not is_url(url):
        raise FetchError(f"{url}: not an http(s) URL")
    pool = pool or _pool()
    deadline = time.monotonic() + total_timeout
    timeout = urllib3.Timeout(connect=connect_timeout, read=read_timeout)
    headers = {"User-Agent": user_agent, "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,text/markdown;q=0.9,*/*;q=0.1"}
    current, seen, redirects = url, {url}, []
    while True:
        try:
            response = pool.request("GET", current, headers=headers, timeout=timeout, redirect=False,
                                    retries=False, preload_content=False, decode_content=True)
        except urllib3.exceptions.HTTPError as exc:
            raise FetchError(f"{url}: {_describe(exc, connect_timeout, read_timeout)}") from None
        try:
            if response.status in _REDIRECTS and response.headers.get("Location"):
                target = urljoin(current, response.headers["Location"])
                if target in seen:
                    raise FetchError(f"{url}: redirect loop (back to {target}): open it in a browser to see where it leads")
                if len(redirects) >= max_redirects:
                    raise FetchError(f"{url}: more than {max_redirects} redirects: give the final URL")
                if not is_url(target):
                    raise FetchError(f"{url}: redirects to {target}, which is not an http(s) URL")
                seen.add(target)
                redirects.append(target)
                current = target
                continue
            if not 200 <= response.status < 300:
                raise FetchError(f"{url}: HTTP {response.status} {response.reason or ''}".rstrip())
            content_type = response.headers.get("Content-Type", "")
            mime, charset = parse_content_type(content_type)
            fmt = TEXT_TYPES.get(mime)
            if fmt is None:
                raise FetchError(f"{url}: content type {mime or 'missing'} is not a web page or text: give the URL of an article page")
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"{url}: the page is {int(length)} bytes, over the {max_bytes} byte limit")
            content = _read_body(response, url, max_bytes, deadline, total_timeout, read_timeout)
            return Fetched(url, current, response.status, content, mime, charset, fmt, redirects)
        finally:
            response.close()  # an unread body is not drained: a hostile server could send gigabytes
            response.release_conn()


def _read_body(response: Any, url: str, max_bytes: int, deadline: float, total_timeout: float, read_timeout: float) -> bytes:
    import urllib3

    parts, size = [], 0
    try:
        while block := response.read1(1 << 16):  # whatever has arrived: a trickling server meets the deadline
            size += len(block)
            if size > max_bytes:
                raise FetchError(f"{url}: the page is over the {max_bytes} byte limit")
            if time.monotonic() > deadline:
                raise FetchError(f"{url}: timed out after {total_timeout:g} s reading the page")
            parts.append(block)
    except urllib3.exceptions.HTTPError as exc:
        raise FetchError(f"{url}: {_describe(exc, 0, read_timeout)}") from None
    return b"".join(parts)


def _describe(exc: BaseException, connect_timeout: float, read_timeout: float) -> str:
    import urllib3

    reason = getattr(exc, "reason", None) or exc
    # Most specific first: NameResolutionError < NewConnectionError < ConnectTimeoutError in urllib3 2.
    if isinstance(reason, urllib3.exceptions.NameResolutionError):
        return "host name not found: check the URL"
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        return "connection refused or unreachable"
    if isinstance(reason, urllib3.exceptions.ConnectTimeoutError):
        return f"timed out after {connect_timeout:g} s connecting"
    if isinstance(reason, urllib3.exceptions.ReadTimeoutError):
        return f"timed out after {read_timeout:g} s waiting for the server"
    if isinstance(reason, urllib3.exceptions.SSLError):
        return f"TLS error ({str(reason).splitlines()[0]})"
    text = first_line(reason)
    return text


_POOL: Any = None
_POOL_LOCK = threading.Lock()


def _pool() -> Any:
    global _POOL
    import urllib3

    with _POOL_LOCK:
        if _POOL is None:
            _POOL = urllib3.PoolManager(num_pools=16, maxsize=4)
        return _POOL


class HostPacer:
    """Waits so that two requests to one host are at least ``delay`` seconds apart."""

    def __init__(self, delay: float = HOST_DELAY, *, clock: Any = time.monotonic, sleep: Any = time.sleep) -> None:
        self.delay = delay
        self._last: dict[str, float] = {}
        self._clock = clock
        self._sleep = sleep

    def wait(self, url: str) -> None:
        host = (urlsplit(url).hostname or "").lower()
        last = self._last.get(host)
        if last is not None:
            pause = last + self.delay - self._clock()
            if pause > 0:
                self._sleep(pause)
        self._last[host] = self._clock()


def read_url_list(path: str | os.PathLike) -> list[str]:
    """The URLs of a ``--url-list`` file, one per line; blank lines and ``#`` comments are skipped.

    A line that is not an http(s) URL is an error naming its line, before any work.
    """
    from ..errors import InputError

    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the URL list {path} ({getattr(exc, 'strerror', None) or exc}): check the path") from None
    urls = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not is_url(line):
            raise InputError(f"line {number} of {path} is not an http(s) URL: {line[:80]!r}")
        urls.append(line)
    if not urls:
        raise InputError(f"the URL list {path} holds no URL")
    return urls


def fetch_document(url: str, **limits: Any) -> Any:
    """Fetch ``url`` and read it through the HTML (or text) path, as :func:`~summarise.inputs.reading.read_document` does.

    The document's metadata keeps ``requested_url`` and ``final_url`` (and the
    page's own canonical ``url`` when it gives one); ``limits`` are :func:`fetch`'s.
    """
    from dataclasses import replace

    from .reading import read_document

    page = fetch(url, **limits)
    document = read_document(page.content, format=page.format, charset=page.charset, name=url,
                             max_bytes=max(len(page.content), 1))
    metadata = {**document.metadata, "requested_url": page.url, "final_url": page.final_url}
    return replace(document, metadata=metadata)
