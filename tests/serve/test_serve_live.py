"""The real server on 127.0.0.1: real clients (libretranslatepy, deep-translator), concurrency, SIGTERM.  Everything stays
on the loopback interface.  The page in headless Chromium: tests/test_page_browser.py."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the [serve] extra is not installed")
pytest.importorskip("uvicorn", reason="the [serve] extra is not installed")

KEY = "live-test-key"
FRENCH = [
    "Le président a annoncé une aide militaire.",
    "La guerre continue en Ukraine depuis des mois.",
    "Les ministres des affaires étrangères se réunissent à Bruxelles.",
    "Le secrétaire général de l'Otan a condamné les frappes de missiles sur Kiev.",
    "Les sanctions contre la Russie seront renforcées.",
    "Des drones ont frappé la ville pendant la nuit.",
    "Les alliés soutiennent l'Ukraine.",
    "Le sommet a eu lieu hier à Paris.",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, process: subprocess.Popen | None = None, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}: {process.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url + "healthz", timeout=5) as response:
                if json.load(response)["status"] == "ready":
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.3)
    raise AssertionError("server did not become ready")


@contextmanager
def running_server(registry_path: Path, *extra: str, keys: bool = True):
    port = free_port()
    command = [sys.executable, "-m", "summarise", "serve", "--models", str(registry_path), "--device", "cpu", "--port", str(port), "--preload", "fr", *extra]
    env = {key: value for key, value in os.environ.items() if key != "SUMMARISE_API_KEYS"}
    if keys:
        env["SUMMARISE_API_KEYS"] = KEY
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_ready(url, process)
        yield url, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        process.stdout.close()
        process.stderr.close()


@pytest.fixture(scope="module")
def live(registry_path):
    with running_server(registry_path, "--batch-wait-ms", "100") as (url, process):
        yield url


def metric(url: str, name: str) -> float:
    with urllib.request.urlopen(url + "metrics", timeout=10) as response:
        for line in response.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
    raise AssertionError(f"{name} not in /metrics")


def english(summariser, text: str) -> str:
    return summariser.translate(text, source_lang="fr").translation


def test_libretranslatepy_client(live, summariser):
    from libretranslatepy import LibreTranslateAPI

    client = LibreTranslateAPI(live, api_key=KEY)
    assert client.translate(FRENCH[0], "fr", "en") == english(summariser, FRENCH[0])
    assert "président" in english(summariser, FRENCH[0])  # the copy model echoes French
    assert {"code": "fr", "name": "French", "targets": ["en"]} in client.languages()
    assert client.detect(FRENCH[1])[0]["language"] == "fr"
    with pytest.raises(urllib.error.HTTPError) as refused:
        LibreTranslateAPI(live, api_key="wrong").translate(FRENCH[0], "fr", "en")
    assert refused.value.code == 403 and json.load(refused.value) == {"error": "Invalid API key"}


def test_deep_translator_client(live, summariser):
    deep = pytest.importorskip("deep_translator")
    translator = deep.LibreTranslator(source="fr", target="en", api_key=KEY, custom_url=live)
    assert translator.translate(FRENCH[1]) == english(summariser, FRENCH[1])
    assert translator.translate_batch(FRENCH[:2]) == [english(summariser, text) for text in FRENCH[:2]]
    with pytest.raises(deep.exceptions.AuthorizationException):
        deep.LibreTranslator(source="fr", target="en", api_key="wrong", custom_url=live).translate(FRENCH[1])


@pytest.fixture(scope="module")
def keyless(registry_path):
    with running_server(registry_path, keys=False) as (url, process):
        yield url


def test_clients_with_the_fewest_arguments_the_readme_names(keyless, summariser):
    """The README's list: libretranslatepy needs the URL alone; deep-translator needs source, target, custom_url
    (ending in /) and an api_key, which it checks itself before any request: any value does on a server without keys."""
    from libretranslatepy import LibreTranslateAPI

    client = LibreTranslateAPI(keyless.rstrip("/"))  # it adds the slash
    assert client.translate(FRENCH[0], "fr", "en") == english(summariser, FRENCH[0])
    assert client.translate(FRENCH[1], "auto", "en") == english(summariser, FRENCH[1])
    assert client.detect(FRENCH[1])[0]["language"] == "fr"
    deep = pytest.importorskip("deep_translator")
    translator = deep.LibreTranslator(source="fr", target="en", api_key="-", custom_url=keyless)
    assert translator.translate(FRENCH[1]) == english(summariser, FRENCH[1])
    assert deep.LibreTranslator(source="auto", target="en", api_key="-", custom_url=keyless).translate(FRENCH[2]) == english(summariser, FRENCH[2])
    if not os.environ.get("LIBRE_API_KEY"):  # its default, read when deep_translator is imported
        with pytest.raises(deep.exceptions.ApiKeyException):
            deep.LibreTranslator(source="fr", target="en", custom_url=keyless)


def test_both_apis_detect_alike_over_the_wire(live):
    """The issue's case, as curl -d sends it (UTF-8 unescaped): /translate and /v1 take French at the same confidence."""
    raw = urllib.request.Request(live + "translate", data="q=Le président parle.&source=auto&target=en&api_key=KEY".replace("KEY", KEY).encode(),
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(raw, timeout=120) as response:
        libre = json.load(response)
    ours = _post(live, {"text": "Le président parle.", "api_key": KEY}, "v1/translate")
    assert libre["detectedLanguage"] == {"confidence": 75.8, "language": "fr"} and "président" in libre["translatedText"]
    assert ours["detection"] == {"lang": "fr", "confidence": 0.7575, "sure": False} and ours["pairs"][0]["source"] == "Le président parle."
    with pytest.raises(urllib.error.HTTPError) as refused:
        _post(live, {"text": "Otan 2024 : 12 , 5 .", "api_key": KEY}, "v1/translate")
    assert refused.value.code == 400 and json.load(refused.value)["error"].endswith('set the source_lang field, e.g. "source_lang": "fr"')


def test_sixteen_parallel_requests_get_what_they_get_alone(live, summariser):
    from libretranslatepy import LibreTranslateAPI

    client = LibreTranslateAPI(live, api_key=KEY)
    # Sixteen different requests: single sentences, pairs, lists, and one with auto-detection.
    texts = [FRENCH[i % 8] if i < 8 else f"{FRENCH[i % 8]} {FRENCH[(i + 3) % 8]}" for i in range(16)]

    def together(i: int):
        if i == 15:
            return _post(live, {"q": [texts[i], FRENCH[2]], "source": "auto", "target": "en", "api_key": KEY})
        return client.translate(texts[i], "fr", "en")

    calls_before = metric(live, "summarise_batches_total")
    with ThreadPoolExecutor(16) as pool:
        parallel = list(pool.map(together, range(16)))
    shared_calls = metric(live, "summarise_batches_total") - calls_before
    alone = [together(i) for i in range(16)]
    assert parallel == alone
    assert alone[:15] == [english(summariser, text) for text in texts[:15]]  # and those are the library's answers
    assert shared_calls < 16  # requests shared model calls
    assert metric(live, "summarise_batch_largest_requests") > 1


def _post(url: str, body: dict, path: str = "translate"):
    request = urllib.request.Request(url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def test_v1_over_the_wire(live):
    request = urllib.request.Request(
        live + "v1/summarise",
        data=json.dumps({"text": " ".join(FRENCH), "source_lang": "fr"}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        data = json.load(response)
    assert data["summary"] and len(data["pairs"]) == len(FRENCH)
    assert [pair["source"] for pair in data["pairs"]] == FRENCH


def test_sigterm_lets_in_flight_requests_finish(registry_path, summariser):
    with running_server(registry_path, "--batch-wait-ms", "1500") as (url, process):
        answer: dict = {}

        def slow():
            try:
                answer["text"] = _post(url, {"q": FRENCH[3], "source": "fr", "target": "en", "api_key": KEY})["translatedText"]
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                answer["error"] = repr(exc)

        thread = threading.Thread(target=slow)
        thread.start()
        deadline = time.monotonic() + 10
        while metric(url, "summarise_pending_sentences") == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(signal.SIGTERM)  # while the request waits in the batcher
        thread.join(60)
        # uvicorn shuts down gracefully, then re-raises the signal it caught: the exit is "terminated by SIGTERM".
        assert process.wait(60) in (0, -signal.SIGTERM)
        assert answer == {"text": english(summariser, FRENCH[3])}
        log = process.stderr.read().decode(errors="replace")
        assert "Waiting for application shutdown" in log and "Application shutdown complete" in log
        with pytest.raises(urllib.error.URLError):
            urllib.request.urlopen(url + "healthz", timeout=5)
