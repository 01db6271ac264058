"""The server's test helpers: settings on the tiny models and a test client (needs the [serve] extra)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from summarise.serve import ServeSettings, create_app

FRENCH = "Le président a annoncé une aide militaire. La guerre continue en Ukraine depuis des mois."


def settings_for(registry_path, **changes) -> ServeSettings:
    base = {"summariser_options": {"registry": registry_path, "device": "cpu"}, "preload": ("fr",), "batch_wait_ms": 5.0}
    return ServeSettings(**{**base, **changes})


def make_client(registry_path, **changes) -> TestClient:
    return TestClient(create_app(settings_for(registry_path, **changes), load_in_background=False))
