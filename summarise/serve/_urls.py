"""Fetching an article by URL: off unless the server enables it, and never to a private address.

The host is resolved once, every address it resolves to must be public
(not loopback, private, link-local, multicast, reserved or unspecified), and
the connection goes to the address that was checked, so a second DNS answer
cannot point it somewhere else.  Redirects are followed by hand, each one
checked the same way; the body is capped.  One deadline covers the whole fetch
(connecting, headers, redirects, body: :class:`~summarise.inputs._fetching.Deadline`),
and :class:`FetchSlots` caps how many fetches run at once, so that slow pages
never hold the threads plain requests need.

This is stricter than :mod:`summarise.inputs._fetching`, which fetches what the
user at the keyboard names: a server must not become a way into its own network.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..errors import FetchError
from ..inputs import Deadline, open_url, split_url

MAX_REDIRECTS = 3
MAX_CONCURRENT_FETCHES = 8  # of the 40 threads the server reads and prepares requests in


@dataclass(frozen=True)
class Fetched:
    url: str
    body: bytes
    content_type: str


def public_address(host: str, port: int) -> str:
    """The first address ``host`` resolves to, once every one of them is checked to be public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host!r}: {exc}") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise FetchError(f"{host!r} has no address")
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if not ip.is_global or ip.is_multicast:
            raise FetchError(f"{host!r} resolves to {ip}, a private or local address: this server fetches only public addresses")
    return addresses[0]


def check_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path+query) of an http(s) URL without credentials; a malformed one is a 400, never a 500."""
    scheme, host, port, target = split_url(url)
    parts = urlsplit(url)  # split_url has parsed it: this cannot raise now
    if parts.username or parts.password:
        raise FetchError("URLs with credentials are not fetched")
    return scheme, host, port, target


class FetchesBusy(FetchError):
    """Every fetch slot is taken: a moment's wait, not a mistake in the request (the API answers 429, Retry-After)."""


class FetchSlots:
    """How many URL fetches may run at once on this server; one more is refused at once, not queued.

    A fetch waits on someone else's server while it holds one of the threads that every request
    needs to read and prepare its text: without a cap of their own, 45 slow fetches left a plain
    ``/translate`` unanswered.
    """

    def __init__(self, limit: int = MAX_CONCURRENT_FETCHES) -> None:
        self.limit = limit
        self._free = threading.BoundedSemaphore(limit)

    def __enter__(self) -> "FetchSlots":
        if not self._free.acquire(blocking=False):
            raise FetchesBusy(f"{self.limit} URL fetches are already running on this server: try again in a few seconds, or send the text")
        return self

    def __exit__(self, *exc: object) -> None:
        self._free.release()


#: The server's fetches, all apps of the process together (one per process, like its thread pool).
SLOTS = FetchSlots()


def fetch(url: str, *, timeout: float = 10.0, max_bytes: int = 5 * 1024 * 1024,
          address: Callable[[str, int], str] | None = None, slots: FetchSlots | None = None) -> Fetched:
    """GET a public page: ``timeout`` bounds the whole fetch (connecting, headers, every redirect, the body).

    ``address`` is the address policy (:func:`public_address` unless given: tests pass one that
    allows 127.0.0.1); ``slots`` caps the fetches running at once (:data:`SLOTS` by default).
    """
    address = address or public_address
    with slots or SLOTS:
        deadline = Deadline(timeout)
        for _ in range(MAX_REDIRECTS + 1):
            check_url(url)
            try:
                response = open_url(url, deadline, connect_timeout=timeout, read_timeout=timeout,
                                    headers={"User-Agent": "summarise", "Accept": "text/html, text/plain"}, address=address)
            except (OSError, http.client.HTTPException) as exc:
                raise FetchError(f"cannot fetch {url}: {_reason(exc, deadline)}") from None
            try:
                if response.status in (301, 302, 303, 307, 308):
                    location = response.headers.get("Location")
                    if not location:
                        raise FetchError(f"{url} redirects without a Location")
                    try:
                        url = urljoin(url, location)
                    except ValueError:
                        raise FetchError(f"{url} redirects to a malformed URL") from None
                    continue
                if response.status != 200:
                    raise FetchError(f"{url} answered HTTP {response.status}")
                body = response.read_body(max_bytes, deadline, f"{url} is larger than {max_bytes} bytes",
                                          f"cannot fetch {url}: timed out after {timeout:g} s")
                return Fetched(url, body, response.headers.get("Content-Type", ""))
            except (OSError, http.client.HTTPException) as exc:
                raise FetchError(f"cannot fetch {url}: {_reason(exc, deadline)}") from None
            finally:
                response.close()
        raise FetchError(f"{url} redirects more than {MAX_REDIRECTS} times")


def _reason(exc: BaseException, deadline: Deadline) -> str:
    if deadline.fired or deadline.left() <= 0:
        return f"timed out after {deadline.seconds:g} s"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
