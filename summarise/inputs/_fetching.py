"""Fetch an article by its URL, politely and within bounds.

:func:`fetch` follows redirects itself (up to ``max_redirects``, refusing loops
and non-http(s) targets), with separate connect and read timeouts plus a total
deadline over connecting, the headers, every redirect and the body (a server
trickling header lines or bytes cannot hold a run), a size cap checked on
``Content-Length`` and again while reading, a content-type check (HTML, XHTML,
plain text, Markdown) and a real User-Agent.  The result keeps the requested
and the final URL.  Every failure is a :class:`~summarise.errors.FetchError`
with a one-line message (``https://x.org/a: HTTP 404 Not Found``).

:class:`HostPacer` spaces requests to one host in bulk runs.  :func:`open_url`
and :class:`Deadline` are the one HTTP exchange both fetchers use: this one, for
what the user names, and the server's (:mod:`summarise.serve._urls`), which adds
its address checks.  Plain ``http.client`` over a socket the deadline watches.
"""

from __future__ import annotations

import errno
import http.client
import os
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from .._version import __version__
from ._archives import TEXT_TYPES, parse_content_type
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


class Deadline:
    """The end of one fetch, whatever step it is in: connecting, waiting for headers, each redirect, the body.

    Socket timeouts bound one wait, not a fetch: a server that sends a header line a second,
    or a byte a second, never lets one expire.  :meth:`watch` arms a timer that shuts the
    connection's socket when the deadline passes, which ends any read blocked on it; the
    reader then asks :attr:`fired` whether its data ended there, so a body cut by the
    deadline is never taken for a whole one.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.fired = False

    def left(self) -> float:
        return self.ends - time.monotonic()

    def wait(self, limit: float) -> float:
        """A socket timeout: ``limit``, or what is left of the deadline when that is less (never 0, which means non-blocking)."""
        return max(min(limit, self.left()), 0.001)

    def watch(self, sock: socket.socket) -> threading.Timer:
        def shut() -> None:
            self.fired = True
            try:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket's: an SSL socket's would drop its state under a reader
            except OSError:
                pass

        timer = threading.Timer(max(self.left(), 0.0), shut)
        timer.daemon = True
        timer.start()
        return timer


class DeadlinePassed(TimeoutError):
    """The whole fetch's deadline passed (not one wait's timeout)."""


class ConnectTimeout(TimeoutError):
    """The connection was not made in time (unlike a server that is slow to answer)."""


@dataclass
class Response:
    """One HTTP exchange under a :class:`Deadline`: call :meth:`close` when done (it disarms the watchdog)."""

    url: str
    status: int
    reason: str
    headers: Any  # http.client.HTTPMessage
    raw: http.client.HTTPResponse
    connection: http.client.HTTPConnection
    watchdog: threading.Timer

    def read_body(self, max_bytes: int, deadline: Deadline, too_large: str, timed_out: str) -> bytes:
        """The body, refused past ``max_bytes`` (``too_large``) or past the deadline (``timed_out``)."""
        parts, size = [], 0
        while True:
            block = self.raw.read1(1 << 16)  # whatever has arrived: a trickling server meets the deadline
            if deadline.fired or deadline.left() <= 0:
                raise FetchError(timed_out)
            if not block:
                return b"".join(parts)
            size += len(block)
            if size > max_bytes:
                raise FetchError(too_large)
            parts.append(block)

    def close(self) -> None:
        self.watchdog.cancel()
        self.raw.close()  # an unread body is not drained: a hostile server could send gigabytes
        self.connection.close()


def split_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path and query) of an http(s) URL; a malformed one ("http://[::1") is a :class:`FetchError`.

    The messages do not repeat the URL: callers put it, or the URL first asked for, in front.
    """
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:  # an unclosed IPv6 bracket, a port that is not a number
        raise FetchError(f"not a valid URL ({exc}): check it") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"only http and https URLs can be fetched, not {parts.scheme or 'a relative URL'!r}")
    if not host:
        raise FetchError("the URL has no host")
    port = port or (443 if parts.scheme.lower() == "https" else 80)
    return parts.scheme.lower(), host, port, (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def open_url(
    url: str,
    deadline: Deadline,
    *,
    connect_timeout: float,
    read_timeout: float,
    headers: dict[str, str],
    address: Callable[[str, int], str] | None = None,
) -> Response:
    """Connect, send a GET and read the status line and headers of ``url``, all within ``deadline``.

    ``address(host, port)`` chooses the address to connect to (the server pins the one it
    checked); TLS still checks the certificate against ``host``.  Raises ``OSError`` (``socket.gaierror``,
    ``TimeoutError``, ``ConnectionError``, ``ssl.SSLError``) and ``http.client.HTTPException``: callers word them.
    """
    scheme, host, port, target = split_url(url)
    target_address = address(host, port) if address is not None else host
    try:
        sock = socket.create_connection((target_address, port), timeout=deadline.wait(connect_timeout))
    except TimeoutError as exc:
        raise ConnectTimeout(str(exc)) from None
    watchdog = deadline.watch(sock)
    try:
        sock.settimeout(deadline.wait(read_timeout))
        if scheme == "https":
            sock = _tls_context().wrap_socket(sock, server_hostname=host)
            watchdog.cancel()
            watchdog = deadline.watch(sock)
        connection = http.client.HTTPConnection(host, port, timeout=deadline.wait(read_timeout))
        connection.sock = sock  # connected and watched: http.client only speaks over it
        name = f"[{host}]" if ":" in host else host
        default_port = 443 if scheme == "https" else 80
        connection.request("GET", target, headers={"Host": name if port == default_port else f"{name}:{port}", **headers})
        raw = connection.getresponse()
        if deadline.fired:  # the headers were cut by the deadline: http.client takes the cut for their end
            raise DeadlinePassed(f"timed out after {deadline.seconds:g} s")
    except BaseException:
        watchdog.cancel()
        sock.close()
        raise
    return Response(url, raw.status, raw.reason, raw.headers, raw, connection, watchdog)


_TLS: ssl.SSLContext | None = None


def _tls_context() -> ssl.SSLContext:
    global _TLS
    if _TLS is None:
        _TLS = ssl.create_default_context()
    return _TLS


def fetch(
    url: str,
    *,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
    total_timeout: float = TOTAL_TIMEOUT,
    max_bytes: int = MAX_FETCH_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    user_agent: str = USER_AGENT,
) -> Fetched:
    """GET ``url`` and return its page; raise :class:`FetchError` with a one-line reason.

    ``total_timeout`` bounds the whole fetch: connecting, the headers, every redirect and the body.
    """
    if not is_url(url):
        raise FetchError(f"{url}: not an http(s) URL")
    deadline = Deadline(total_timeout)
    headers = {"User-Agent": user_agent, "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,text/markdown;q=0.9,*/*;q=0.1"}
    current, seen, redirects = url, {url}, []
    while True:
        try:
            response = open_url(current, deadline, connect_timeout=connect_timeout, read_timeout=read_timeout, headers=headers)
        except FetchError as exc:
            raise FetchError(f"{url}: {exc}") from None
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"{url}: {_describe(exc, deadline, connect_timeout, read_timeout)}") from None
        try:
            if response.status in _REDIRECTS and response.headers.get("Location"):
                try:
                    target = urljoin(current, response.headers["Location"])
                except ValueError:  # "http://[::1"
                    raise FetchError(f"{url}: redirects to a malformed URL ({response.headers['Location'][:200]!r})") from None
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
            content = response.read_body(max_bytes, deadline, f"{url}: the page is over the {max_bytes} byte limit",
                                          f"{url}: timed out after {total_timeout:g} s reading the page")
            return Fetched(url, current, response.status, content, mime, charset, fmt, redirects)
        except (OSError, http.client.HTTPException) as exc:
            if deadline.fired:
                raise FetchError(f"{url}: timed out after {total_timeout:g} s reading the page") from None
            raise FetchError(f"{url}: {_describe(exc, deadline, connect_timeout, read_timeout)}") from None
        finally:
            response.close()


def _describe(exc: BaseException, deadline: Deadline, connect_timeout: float, read_timeout: float) -> str:
    """One clause for what went wrong on the wire, most specific first."""
    if deadline.fired or deadline.left() <= 0:
        return f"timed out after {deadline.seconds:g} s (the whole fetch: connecting, headers, redirects and the page)"
    if isinstance(exc, socket.gaierror):
        return "host name not found: check the URL"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error ({str(exc).splitlines()[0]})"
    if isinstance(exc, (ConnectionRefusedError, ConnectionAbortedError)) or getattr(exc, "errno", None) in (errno.EHOSTUNREACH, errno.ENETUNREACH):
        return "connection refused or unreachable"
    if isinstance(exc, ConnectTimeout):
        return f"timed out after {connect_timeout:g} s connecting"
    if isinstance(exc, TimeoutError):
        return f"timed out after {read_timeout:g} s waiting for the server"
    text = first_line(exc)
    return text


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
    """Fetch ``url`` and read it through the HTML (or text) path, as :func:`~summarise.inputs._reading.read_document` does.

    The document's metadata keeps ``requested_url`` and ``final_url`` (and the
    page's own canonical ``url`` when it gives one); ``limits`` are :func:`fetch`'s.
    """
    from dataclasses import replace

    from ._reading import read_document

    page = fetch(url, **limits)
    document = read_document(page.content, format=page.format, charset=page.charset, name=url,
                             max_bytes=max(len(page.content), 1))
    metadata = {**document.metadata, "requested_url": page.url, "final_url": page.final_url}
    return replace(document, metadata=metadata)
