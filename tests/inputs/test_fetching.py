"""Fetching URLs against a local server on 127.0.0.1: success, errors, limits, politeness."""

from __future__ import annotations

import threading
import time

import pytest

from summarise.inputs import _fetching as fetching
from summarise.errors import FetchError, InputError
from summarise.inputs import read_document
from tests.support.http import PAGE, Handler, QuietServer


@pytest.fixture(scope="module")
def server():
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_page_is_fetched_with_a_real_user_agent(server):
    page = fetching.fetch(f"{server}/ok")
    assert (page.status, page.format, page.charset, page.content) == (200, "html", "utf-8", PAGE)
    assert page.url == page.final_url == f"{server}/ok"
    assert Handler.seen_agents[-1] == fetching.USER_AGENT and fetching.USER_AGENT.startswith("summarise-news/")
    assert read_document(page.content, format=page.format, charset=page.charset).text.startswith("Titre\n\nArticle 1.")


def test_the_result_keeps_requested_and_final_url(server):
    page = fetching.fetch(f"{server}/moved")
    assert page.url == f"{server}/moved" and page.final_url == f"{server}/ok" and page.redirects == [f"{server}/ok"]


def test_charset_from_the_header_decodes_the_page(server):
    page = fetching.fetch(f"{server}/latin")
    assert page.charset == "windows-1252"
    assert "Le café est très chaud." in read_document(page.content, format="html", charset=page.charset).text


@pytest.mark.parametrize(("path", "kwargs", "message"), [
    ("/missing", {}, r"^http://127\.0\.0\.1:\d+/missing: HTTP 404 Not Found$"),
    ("/loop-a", {}, r"/loop-a: redirect loop \(back to http://127\.0\.0\.1:\d+/loop-a\)"),
    ("/chain/0", {"max_redirects": 3}, r"/chain/0: more than 3 redirects"),
    ("/image", {}, r"/image: content type image/png is not a web page or text"),
    ("/big-declared", {"max_bytes": 1000}, r"/big-declared: the page is 5000 bytes, over the 1000 byte limit"),
    ("/big-undeclared", {"max_bytes": 10_000}, r"/big-undeclared: the page is over the 10000 byte limit"),
    ("/slow", {"read_timeout": 0.5}, r"/slow: timed out after 0\.5 s waiting for the server"),
    ("/trickle", {"total_timeout": 1.0}, r"/trickle: timed out after 1 s reading the page"),
])
def test_failures_are_one_line_fetch_errors(server, path, kwargs, message):
    started = time.monotonic()
    with pytest.raises(FetchError, match=message) as info:
        fetching.fetch(f"{server}{path}", **kwargs)
    assert "\n" not in str(info.value) and isinstance(info.value, InputError)
    assert time.monotonic() - started < 2.5  # neither the slow server nor the trickle holds the caller


def test_refused_connection_and_non_http_urls(server):
    import socket

    port = int(server.rsplit(":", 1)[1])
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with pytest.raises(FetchError, match="connection refused"):
        fetching.fetch(f"http://127.0.0.1:{closed}/x", connect_timeout=1)
    with pytest.raises(FetchError, match="not an http"):
        fetching.fetch("file:///etc/passwd")
    assert fetching.is_url(f"HTTP://127.0.0.1:{port}/") and not fetching.is_url("ftp://x") and not fetching.is_url("in/a.html")


def test_host_pacer_spaces_requests_per_host():
    now = [100.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(round(seconds, 3))
        now[0] += seconds

    pacer = fetching.HostPacer(2.0, clock=lambda: now[0], sleep=sleep)
    pacer.wait("https://a.example/1")
    pacer.wait("https://b.example/1")  # another host: no wait
    now[0] += 0.5
    pacer.wait("https://A.example/2")  # same host, any case
    now[0] += 5
    pacer.wait("https://a.example/3")
    assert sleeps == [1.5]


def test_fetch_document_keeps_both_urls(server):
    document = fetching.fetch_document(f"{server}/moved")
    assert document.format == "html" and document.text.startswith("Titre\n\nArticle 1.")
    assert document.metadata["requested_url"] == f"{server}/moved" and document.metadata["final_url"] == f"{server}/ok"


def test_cli_translate_a_url(server, registry_path):
    import json

    from typer.testing import CliRunner

    from summarise.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["translate", f"{server}/moved", "--models", str(registry_path), "-f", "json", "-s", "fr", "--device", "cpu"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["metadata"]["requested_url"] == f"{server}/moved" and data["metadata"]["final_url"] == f"{server}/ok"
    assert data["pairs"][0]["source"] == "Titre"

    result = runner.invoke(app, ["run", f"{server}/missing", "--models", str(registry_path), "--device", "cpu"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip() == f"Error: {server}/missing: HTTP 404 Not Found"
