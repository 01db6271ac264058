"""A small web server on 127.0.0.1 with one route per case a fetch must handle (redirects, limits, slowness)."""

from __future__ import annotations

import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.support.archivefixtures import article_text, html_page


PAGE = html_page("Titre", article_text(1)).encode("utf-8")


LATIN = html_page("Été", "Le café est très chaud.", charset=None).encode("cp1252")


class Handler(BaseHTTPRequestHandler):
    seen_agents: list[str] = []

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        Handler.seen_agents.append(self.headers.get("User-Agent", ""))
        path = self.path
        if path == "/ok":
            self._send(200, PAGE)
        elif path == "/latin":
            self._send(200, LATIN, "text/html; charset=windows-1252")
        elif path == "/moved":
            self._send(301, b"", Location="/ok")
        elif path in ("/loop-a", "/loop-b"):
            self._send(302, b"", Location="/loop-b" if path == "/loop-a" else "/loop-a")
        elif path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1])
            self._send(302, b"", Location=f"/chain/{n + 1}")
        elif path == "/missing":
            self._send(404, b"<html><body>Not here</body></html>")
        elif path == "/image":
            self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(100), "image/png")
        elif path == "/big-declared":
            self._send(200, b"x" * 5000)
        elif path == "/big-undeclared":  # no Content-Length: the cap must hold while reading
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"y" * 1000)
        elif path == "/slow":
            time.sleep(3)
            self._send(200, PAGE)
        elif path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            try:
                for _ in range(40):
                    self.wfile.write(b"a")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass
        else:
            self._send(500, b"")


class QuietServer(ThreadingHTTPServer):
    """A client that stops reading on purpose (a size limit, a timeout) is no error to print."""

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError, TimeoutError)):
            super().handle_error(request, client_address)
