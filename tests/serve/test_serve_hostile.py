"""Issue 27, the server's half: connections, shapes, timeouts, keys, paths, and no 500 for any client input.

Everything runs on 127.0.0.1; costs are counted, not timed, except where a bound is the point (a 50,000-item
request is refused before any text is read)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest

pytest.importorskip("fastapi", reason="the [serve] extra is not installed")
import uvicorn
from fastapi.testclient import TestClient

from summarise.serve import ServeSettings, create_app
from tests.support.serve import FRENCH, make_client, settings_for

# -- class 8: idle and half-sent connections are closed; connections are capped ----------------------------


async def _hello(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


@contextlib.contextmanager
def _server(**settings):
    from summarise.serve._server import uvicorn_config

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn_config(_hello, ServeSettings(port=port, **settings), log_level="warning")
    config.lifespan = "off"
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes ``sock`` within ``seconds`` (reads until EOF or the wait runs out)."""
    sock.settimeout(seconds)
    try:
        while sock.recv(1024):
            pass
        return True
    except (socket.timeout, TimeoutError):
        return False
    except ConnectionResetError:
        return True


def _get(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(1024):
            data += chunk
        return data


def test_idle_and_half_sent_connections_are_closed_and_others_still_served():
    with _server(header_timeout=0.5, keep_alive_timeout=1) as port:
        idle = socket.create_connection(("127.0.0.1", port))
        partial = socket.create_connection(("127.0.0.1", port))
        partial.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # headers never finished
        assert _get(port).startswith(b"HTTP/1.1 200")
        assert _closed_within(idle, 5) and _closed_within(partial, 5)
        idle.close(), partial.close()


def test_connections_over_the_cap_are_closed_at_once():
    with _server(header_timeout=30, max_connections=3) as port:
        held = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
        time.sleep(0.2)
        extra = socket.create_connection(("127.0.0.1", port))
        assert _closed_within(extra, 5)
        for sock in held:
            sock.close()
        time.sleep(0.2)
        assert _get(port).startswith(b"HTTP/1.1 200")  # descriptors given back: served again
        extra.close()


def test_the_default_connection_cap_is_below_the_descriptor_limit():
    import resource

    from summarise.serve._connections import default_max_connections

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert 16 <= default_max_connections() < soft


# -- class 9: limits on the request's shape, before any model work; the timeout covers preparation -----------


@pytest.fixture(scope="module")
def client(registry_path):
    with make_client(registry_path) as client:
        yield client


def _count_prepares(monkeypatch, client) -> list[int]:
    service = client.app.state.summarise.service
    calls: list[int] = []
    real = service.prepare
    monkeypatch.setattr(service, "prepare", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_fifty_thousand_items_are_refused_before_any_text_is_read(client, monkeypatch):
    prepared = _count_prepares(monkeypatch, client)
    detected: list[int] = []
    detector = client.app.state.summarise.service.detector
    real_detect = detector.detect
    monkeypatch.setattr(detector, "detect", lambda *a, **k: detected.append(1) or real_detect(*a, **k))
    response = client.post("/translate", json={"q": ["La guerre."] * 50_000, "source": "auto", "target": "en"})
    assert response.status_code == 400 and "50000 texts" in response.json()["error"] and "limit (2000)" in response.json()["error"]
    assert prepared == [] and detected == []


def test_an_unpunctuated_megabyte_sentence_is_refused_before_model_work(client):
    batcher = client.app.state.summarise.service.batcher
    calls = batcher.stats.calls
    blob = "mot " * 400_000  # 1.6 MB, one "sentence"
    lt = client.post("/translate", json={"q": blob, "source": "fr", "target": "en"})
    assert lt.status_code == 400 and "exceeds the sentence limit (5000)" in lt.json()["error"]
    ours = client.post("/v1/translate", json={"text": blob, "source_lang": "fr"})
    assert ours.status_code == 413 and "sentence of 1599999 characters" in ours.json()["error"]
    assert batcher.stats.calls == calls and batcher.pending == 0


def test_the_timeout_covers_preparation_and_stops_it(registry_path, monkeypatch):
    with make_client(registry_path, request_timeout=0.5) as client:
        service = client.app.state.summarise.service
        calls: list[int] = []
        real = service.prepare

        def slow(*args, **kwargs):
            calls.append(1)
            time.sleep(0.3)
            return real(*args, **kwargs)

        monkeypatch.setattr(service, "prepare", slow)
        response = client.post("/translate", json={"q": [f"La guerre continue {i}." for i in range(12)], "source": "fr", "target": "en"})
        assert response.status_code == 503 and "timed out after 0.5 s" in response.json()["error"]
        time.sleep(1.0)  # the preparing thread notices at its next text
        assert len(calls) <= 3 and service.batcher.stats.jobs == 0  # not 12 prepared, nothing sent to the models


def test_model_work_stops_once_its_request_gave_up(registry_path, monkeypatch):
    from summarise.serve._batching import Abandoned
    from summarise.serve._service import Work

    with make_client(registry_path) as client:
        service = client.app.state.summarise.service
        prepared = service.prepare(" ".join(f"La guerre continue depuis {i} mois." for i in range(40)), source_lang="fr")
        work = Work([prepared])
        done: list[int] = []
        real = service.base.translate_prepared

        def watched(items, progress=None):
            def hook(*args):
                done.append(1)
                work.cancel.set()  # the request times out while its first sentences are translated
                progress(*args)

            return real(items, progress=hook)

        monkeypatch.setattr(service.base, "translate_prepared", watched)
        with pytest.raises(Abandoned):
            service.submit(work).result(60)
        assert len(done) == 1 and service.batcher.stats.abandoned == 1  # 1 of 40 sentences reported, then stopped
        assert service.batcher.pending == 0


# -- class 10: no 500 from client input ------------------------------------------------------------------------


@pytest.mark.parametrize("key", [5, ["k"], True, {"k": "v"}, "k" * 300])
def test_api_keys_of_the_wrong_type_or_size_are_400(registry_path, key):
    with make_client(registry_path, api_keys=("s3cret",)) as client:
        for path, body in (("/translate", {"q": "La guerre.", "source": "fr", "target": "en"}), ("/detect", {"q": "La guerre."}),
                           ("/v1/translate", {"text": "La guerre.", "source_lang": "fr"})):
            response = client.post(path, json={**body, "api_key": key})
            assert response.status_code == 400 and "api_key" in response.json()["error"], (path, response.text)


@pytest.mark.parametrize("path", ["/translate", "/detect", "/v1/translate"])
def test_deeply_nested_json_is_400_before_parsing(client, path):
    from summarise.serve._limits import MAX_JSON_DEPTH

    body = b'{"q": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and f"nested more than {MAX_JSON_DEPTH} deep" in response.json()["error"]


def test_json_depth_is_counted_outside_strings():
    from summarise.serve._limits import MAX_JSON_DEPTH, json_depth

    assert json_depth(b'{"a": "[[[[", "b": [[1]], "c": "\\"]]"}') == 3
    assert json_depth(b"[" * 1000) == MAX_JSON_DEPTH + 1  # counting stops past the limit
    assert json_depth(b'"' + b'\\"' * 100_000) == 0  # an unterminated string: one linear match


@pytest.mark.parametrize("url", ["http://[::1", "http://[::1/x", "http://[zz]/"])
def test_malformed_ipv6_urls_are_400(registry_path, url):
    with make_client(registry_path, allow_url_fetch=True) as client:
        response = client.post("/v1/translate", json={"url": url})
    assert response.status_code == 400, response.text


def test_v1_bodies_are_strict_and_bounded(client):
    for body, field in (
        ({"text": "La guerre.", "num_beams": "3"}, "num_beams"),
        ({"text": "La guerre.", "keep_boilerplate": "yes"}, "keep_boilerplate"),
        ({"text": 5}, "text"),
        ({"text": "La guerre.", "keep": ["x" * 201]}, "keep"),
        ({"text": "La guerre.", "keep": ["x"] * 201}, "keep"),
        ({"text": "La guerre.", "glossary": {"guerre": "w" * 201}}, "glossary"),
        ({"text": "La guerre.", "glossary": {"": "INJ"}}, "empty"),
        ({"text": "La guerre.", "glossary": {"guerre": None}}, "glossary"),
        ({"text": "La guerre.", "source_lang": "x" * 100}, "source_lang"),
        ({"url": "http://" + "a" * 3000}, "url"),
    ):
        response = client.post("/v1/translate", json=body)
        assert response.status_code == 400 and field in response.json()["error"], (body, response.text)
    form = client.post("/v1/translate", data={"text": "La guerre.", "source_lang": "fr", "num_beams": "2"})
    assert form.status_code == 200  # form fields are text: "2" is a number there


def test_an_empty_glossary_term_injects_nothing(client):
    response = client.post("/v1/translate", json={"text": "La guerre.", "source_lang": "fr", "glossary": {"": "INJ"}})
    assert response.status_code == 400 and "INJ" not in response.text


# -- class 14: no server paths in answers ----------------------------------------------------------------------


def test_answers_name_models_by_registry_name_not_path(client, registry_path, model_dirs):
    paths = [str(registry_path), str(registry_path.parent), *(str(path) for path in model_dirs.values())]
    answers = [
        client.post("/v1/translate", json={"text": FRENCH, "source_lang": "fr"}),
        client.post("/v1/summarise", json={"text": FRENCH, "source_lang": "fr"}),
        client.post("/v1/report", json={"text": FRENCH, "source_lang": "fr"}),
        client.post("/v1/summarise", json={"text": FRENCH, "source_lang": "fr", "summary_lang": "de"}),
        client.post("/translate", json={"q": FRENCH, "source": "fr", "target": "ja"}),
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 400, 400]
    for answer in answers:
        assert not any(path in answer.text for path in paths), answer.text[:500]
    data = answers[1].json()
    assert [m["id"] for m in data["models"]] == ["tiny-copy", "tiny-bart"]
    assert "mt:tiny-copy@" in data["signature"] and "sum:tiny-bart@" in data["signature"]
    assert "this server's model registry" in answers[3].json()["error"]


# -- class 16: key checks do the same work for every key ------------------------------------------------------


def test_every_key_check_compares_every_known_key_with_equal_length_digests(monkeypatch):
    import summarise.serve._limits as limits
    from summarise.serve._limits import KeyCheck

    keys = [f"key-{i}-" + "x" * 30 for i in range(5)]
    check = KeyCheck(keys)
    seen: list[tuple[int, int]] = []
    real = limits.hmac.compare_digest
    monkeypatch.setattr(limits.hmac, "compare_digest", lambda a, b: seen.append((len(a), len(b))) or real(a, b))
    for given, expected in ((keys[0], True), (keys[-1], True), (keys[0][:-1] + "y", False), ("ab", False), ("z" * 5000, False), ("\ud800", False)):
        seen.clear()
        assert check.valid(given) is expected
        assert seen == [(32, 32)] * len(keys)  # no early exit on a match, no length-dependent comparison
