"""URL fetches end on time, however slowly a server answers; malformed URLs are one-line errors; the server's
fetches cannot take the threads plain requests need.  Slow servers run on 127.0.0.1 only, bounded in time."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from summarise.inputs import _fetching as fetching
from summarise.errors import FetchError
from summarise.serve import _urls as urls
from tests.support.archivefixtures import article_text, html_page

PAGE = html_page("Titre", article_text(1)).encode("utf-8")
TRICKLE_SECONDS = 6.0  # how long a trickling answer lasts: far past every deadline below


class SlowHandler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        try:
            if self.path == "/headers":  # a header line every 0.2 s: no single read ever waits long
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.flush_headers()
                ends = time.monotonic() + TRICKLE_SECONDS
                while time.monotonic() < ends:
                    self.wfile.write(b"X-Slow: yes\r\n")
                    self.wfile.flush()
                    time.sleep(0.2)
                self.end_headers()
                self.wfile.write(PAGE)
            elif self.path.startswith("/hop/"):  # each redirect answered after 0.4 s
                time.sleep(0.4)
                self.send_response(302)
                self.send_header("Location", f"/hop/{int(self.path.rsplit('/', 1)[1]) + 1}")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.path == "/bad-ipv6":
                self.send_response(302)
                self.send_header("Location", "http://[::1")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.path == "/ok":
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(PAGE)))
                self.end_headers()
                self.wfile.write(PAGE)
        except OSError:  # the client gave up on purpose
            pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients that stop reading on purpose


@pytest.fixture(scope="module")
def slow_server():
    httpd = QuietServer(("127.0.0.1", 0), SlowHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _loopback(host: str, port: int) -> str:
    return "127.0.0.1"


@pytest.mark.parametrize("path", ["/headers", "/hop/0"], ids=["trickled-headers", "slow-redirects"])
def test_the_cli_fetch_has_one_deadline_over_headers_and_redirects(slow_server, path):
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 1 s"):
        fetching.fetch(f"{slow_server}{path}", total_timeout=1.0, max_redirects=20)
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize("path", ["/headers", "/hop/0"], ids=["trickled-headers", "slow-redirects"])
def test_the_server_fetch_has_one_deadline_over_headers_and_redirects(slow_server, path):
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 1 s"):
        urls.fetch(f"{slow_server}{path}", timeout=1.0, address=_loopback, slots=urls.FetchSlots(1))
    assert time.monotonic() - started < 2.5


def test_a_page_in_time_is_fetched_whole_by_both_fetchers(slow_server):
    assert fetching.fetch(f"{slow_server}/ok").content == PAGE
    assert urls.fetch(f"{slow_server}/ok", address=_loopback, slots=urls.FetchSlots(1)).body == PAGE


@pytest.mark.parametrize("url", ["http://[::1", "http://[::1/x", "http://host:port/", "https://[zz]/"])
def test_malformed_urls_are_one_line_errors_in_both_fetchers(url):
    with pytest.raises(FetchError, match="not a valid URL"):
        fetching.fetch(url)
    with pytest.raises(FetchError, match="not a valid URL"):
        urls.fetch(url)


def test_a_redirect_to_a_malformed_url_is_one_line_error(slow_server):
    with pytest.raises(FetchError, match=r"/bad-ipv6: redirects to a malformed URL"):
        fetching.fetch(f"{slow_server}/bad-ipv6")
    with pytest.raises(FetchError, match="redirects to a malformed URL"):
        urls.fetch(f"{slow_server}/bad-ipv6", address=_loopback, slots=urls.FetchSlots(1))


def test_fetches_past_the_cap_are_refused_at_once():
    slots = urls.FetchSlots(1)
    with slots:
        started = time.monotonic()
        with pytest.raises(FetchError, match="1 URL fetches are already running"):
            urls.fetch("http://example.com/", slots=slots)
        assert time.monotonic() - started < 0.5
    with slots:  # released
        pass


def test_a_plain_translate_is_answered_while_slow_fetches_run(registry_path, slow_server, monkeypatch):
    from tests.support.serve import FRENCH, make_client

    monkeypatch.setattr(urls, "public_address", _loopback)  # the slow pages live on 127.0.0.1
    with make_client(registry_path, allow_url_fetch=True, url_fetch_timeout=2.0) as client, ThreadPoolExecutor(45) as pool:
        fetches = [pool.submit(client.post, "/v1/translate", json={"url": f"{slow_server}/headers"}) for _ in range(45)]
        time.sleep(0.5)  # the fetches have started and hold what they hold
        started = time.monotonic()
        plain = client.post("/translate", json={"q": FRENCH, "source": "fr", "target": "en"})
        answered = time.monotonic() - started
        answers = [future.result(timeout=30) for future in fetches]
    assert plain.status_code == 200 and answered < 1.5, answered
    # Over the cap: refused at once, 429 with Retry-After (try again shortly); within it: timed out, 400. Never a 500.
    refused = [answer for answer in answers if answer.status_code == 429]
    timed_out = [answer for answer in answers if answer.status_code == 400]
    assert len(refused) == 45 - urls.MAX_CONCURRENT_FETCHES and len(timed_out) == urls.MAX_CONCURRENT_FETCHES
    assert all("already running" in answer.json()["error"] and answer.headers["Retry-After"] == "2" for answer in refused)
    assert all("timed out after 2 s" in answer.json()["error"] for answer in timed_out)


def test_a_malformed_url_to_the_server_is_a_400(registry_path):
    from tests.support.serve import make_client

    with make_client(registry_path, allow_url_fetch=True) as client:
        for url in ("http://[::1", "http://[::1/x"):
            response = client.post("/v1/translate", json={"url": url})
            assert response.status_code == 400 and "not a valid URL" in response.json()["error"]
