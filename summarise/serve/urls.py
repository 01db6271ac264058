"""Fetching an article by URL: off unless the server enables it, and never to a private address.

The host is resolved once, every address it resolves to must be public
(not loopback, private, link-local, multicast, reserved or unspecified), and
the connection goes to the address that was checked, so a second DNS answer
cannot point it somewhere else.  Redirects are followed by hand, each one
checked the same way; the body is capped and read with a timeout.

This is stricter than :mod:`summarise.inputs.fetching`, which fetches what the
user at the keyboard names: a server must not become a way into its own network.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..errors import FetchError

MAX_REDIRECTS = 3


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
    """(scheme, host, port, path+query) of an http(s) URL without credentials."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"only http and https URLs can be fetched, not {parts.scheme or 'a relative URL'!r}")
    if not parts.hostname:
        raise FetchError("the URL has no host")
    if parts.username or parts.password:
        raise FetchError("URLs with credentials are not fetched")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError("the URL's port is not a number") from None
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port, target


def fetch(url: str, *, timeout: float = 10.0, max_bytes: int = 5 * 1024 * 1024) -> Fetched:
    for _ in range(MAX_REDIRECTS + 1):
        scheme, host, port, target = check_url(url)
        address = public_address(host, port)
        connection = _Pinned(scheme, host, port, address, timeout)
        try:
            connection.request("GET", target, headers={"Host": host if port in (80, 443) else f"{host}:{port}", "User-Agent": "summarise", "Accept": "text/html, text/plain"})
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise FetchError(f"{url} redirects without a Location")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise FetchError(f"{url} answered HTTP {response.status}")
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise FetchError(f"{url} is larger than {max_bytes} bytes")
            return Fetched(url, body, response.getheader("Content-Type", ""))
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"cannot fetch {url}: {exc}") from None
        finally:
            connection.close()
    raise FetchError(f"{url} redirects more than {MAX_REDIRECTS} times")


def _Pinned(scheme: str, host: str, port: int, address: str, timeout: float) -> http.client.HTTPConnection:
    """A connection to ``address`` that speaks to ``host`` (TLS name checked against ``host``)."""
    if scheme == "https":
        context = ssl.create_default_context()

        class Connection(http.client.HTTPSConnection):
            def connect(self):
                sock = socket.create_connection((address, port), timeout)
                self.sock = context.wrap_socket(sock, server_hostname=host)

        return Connection(host, port, timeout=timeout, context=context)

    class Plain(http.client.HTTPConnection):
        def connect(self):
            self.sock = socket.create_connection((address, port), timeout)

    return Plain(host, port, timeout=timeout)
