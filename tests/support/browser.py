"""The app served on 127.0.0.1 in a thread, for tests that drive it from a browser (needs the [serve] extra)."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from summarise.serve import ServeSettings, create_app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(registry_path: Path, *, preload: tuple[str, ...] = ("fr",), timeout: float = 240):
    """The base URL of the app on the tiny models, once /healthz says ready; stopped afterwards."""
    import uvicorn

    settings = ServeSettings(summariser_options={"registry": registry_path, "device": "cpu"}, preload=preload, port=free_port(), batch_wait_ms=5.0)
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=settings.port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{settings.port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "healthz", timeout=5) as response:
                    if json.load(response)["status"] == "ready":
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() > deadline:
                raise AssertionError("the server did not become ready")
            time.sleep(0.2)
        yield url
    finally:
        server.should_exit = True
        thread.join(30)


def metric_total(url: str, name: str, **labels: str) -> float:
    """The sum of a Prometheus counter's samples whose labels include ``labels``."""
    total = 0.0
    with urllib.request.urlopen(url + "metrics", timeout=10) as response:
        for line in response.read().decode().splitlines():
            if not line.startswith(name):
                continue
            head, _, value = line.rpartition(" ")
            if head != name and not head.startswith(name + "{"):
                continue
            if all(f'{key}="{wanted}"' in head for key, wanted in labels.items()):
                total += float(value)
    return total
