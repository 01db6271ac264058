"""The server through Starlette's test client, on the tiny models: LibreTranslate's API, /v1, limits, keys, page."""

from __future__ import annotations

import json
import threading
import time

import pytest

pytest.importorskip("fastapi", reason="the [serve] extra is not installed")
from fastapi.testclient import TestClient

from summarise.serve import ServeSettings, create_app
from summarise.serve._service import Service
from tests.support.serve import FRENCH, make_client, settings_for

@pytest.fixture(scope="module")
def service(registry_path):
    service = Service(settings_for(registry_path))
    service.load()
    yield service
    service.close()


@pytest.fixture(scope="module")
def client(registry_path, service):
    app = create_app(service.settings, service=service)
    with TestClient(app) as client:
        yield client


# -- LibreTranslate's API --------------------------------------------------------------------------------------------


def test_languages_get_and_post(client):
    for response in (client.get("/languages"), client.post("/languages")):
        assert response.status_code == 200
        langs = {entry["code"]: entry for entry in response.json()}
        assert langs["fr"] == {"code": "fr", "name": "French", "targets": ["en"]}
        assert all(entry["targets"] for entry in langs.values())
        assert "en" not in langs  # no en-xx model here: English has no target (with one it is listed, see below)


def test_translate_json_form_and_query_agree(client, summariser):
    expected = summariser.translate(FRENCH, source_lang="fr").translation
    as_json = client.post("/translate", json={"q": FRENCH, "source": "fr", "target": "en"})
    as_form = client.post("/translate", data={"q": FRENCH, "source": "fr", "target": "en", "format": "text"})
    as_query = client.post("/translate", params={"q": FRENCH, "source": "fr", "target": "en"})  # deep-translator's way
    for response in (as_json, as_form, as_query):
        assert response.status_code == 200, response.text
        assert response.json() == {"translatedText": expected}
    assert "président" in expected  # the copy model echoes French


def test_translate_a_list_keeps_order_and_empty_entries(client):
    q = ["La guerre continue.", "", "Le président a annoncé une aide militaire."]
    response = client.post("/translate", json={"q": q, "source": "fr", "target": "en"})
    assert response.status_code == 200
    texts = response.json()["translatedText"]
    assert isinstance(texts, list) and len(texts) == 3
    assert texts[1] == "" and "guerre" in texts[0] and "président" in texts[2]


def test_auto_source_reports_the_detected_language(client):
    one = client.post("/translate", json={"q": FRENCH, "source": "auto", "target": "en"}).json()
    assert one["detectedLanguage"]["language"] == "fr" and 80 <= one["detectedLanguage"]["confidence"] <= 100
    many = client.post("/translate", json={"q": [FRENCH, FRENCH], "source": "auto", "target": "en"}).json()
    assert [d["language"] for d in many["detectedLanguage"]] == ["fr", "fr"]
    assert many["translatedText"] == [one["translatedText"]] * 2
    explicit = client.post("/translate", json={"q": FRENCH, "source": "fr", "target": "en"}).json()
    assert "detectedLanguage" not in explicit


def test_html_format_keeps_markup_and_escapes_text(client):
    q = '<p class="lead">La guerre continue.</p><ul><li>Le président</li></ul><script>var x = "<b>";</script>'
    out = client.post("/translate", json={"q": q, "source": "fr", "target": "en", "format": "html"}).json()["translatedText"]
    assert out.startswith('<p class="lead">') and "</p><ul><li>" in out and out.endswith('<script>var x = "<b>";</script>')
    assert "guerre" in out and "président" in out


def test_english_to_english_passes_through(client):
    assert client.post("/translate", json={"q": "Hello there.", "source": "en", "target": "en"}).json() == {"translatedText": "Hello there."}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"source": "fr", "target": "en"}, "Invalid request: missing q parameter"),
        ({"q": "x", "target": "en"}, "Invalid request: missing source parameter"),
        ({"q": "x", "source": "fr"}, "Invalid request: missing target parameter"),
        ({"q": "x", "source": "fr", "target": "en", "format": "pdf"}, "pdf format is not supported"),
        ({"q": "x", "source": "fr", "target": "xx"}, "xx is not supported"),
        ({"q": "x", "source": "en", "target": "fr"}, "fr is not supported"),
        ({"q": 5, "source": "fr", "target": "en"}, "Invalid request: q must be a string"),
    ],
)
def test_translate_errors_are_libretranslates(client, body, message):
    response = client.post("/translate", json=body)
    assert response.status_code == 400
    assert response.json()["error"].startswith(message)


def test_invalid_json_is_400(client):
    response = client.post("/translate", content=b"[1, 2", headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json() == {"error": "Invalid JSON format"}
    response = client.post("/translate", json=["q"])
    assert response.status_code == 400 and response.json() == {"error": "Invalid JSON format"}


def test_detect(client):
    response = client.post("/detect", data={"q": FRENCH})
    assert response.status_code == 200
    best = response.json()[0]
    assert best["language"] == "fr" and best["confidence"] > 80
    assert client.post("/detect", json={}).status_code == 400


def test_frontend_settings(client):
    settings = client.get("/frontend/settings").json()
    assert settings["language"]["target"]["code"] == "en" and settings["keyRequired"] is False


# -- /v1 --------------------------------------------------------------------------------------------------------------


def _without_timings(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "timings"}


def test_v1_summarise_is_the_cli_json(client, summariser, service):
    """The CLI's JSON, except that local model folders are named by their registry name (issue 27, class 14)."""
    response = client.post("/v1/summarise", json={"text": FRENCH, "source_lang": "fr"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    expected = summariser.summarise(FRENCH, source_lang="fr")
    published = service.publish(expected).to_dict()
    assert _without_timings(response.json()) == _without_timings(json.loads(json.dumps(published)))
    assert [m["id"] for m in published["models"]] == ["tiny-copy", "tiny-bart"]
    assert published["signature"] == expected.signature.replace(expected.models[0].source, "tiny-copy").replace(expected.models[1].source, "tiny-bart")


def test_v1_translate_is_the_cli_json(client, summariser):
    response = client.post("/v1/translate", json={"text": FRENCH, "source_lang": "auto"})
    assert response.status_code == 200
    data = response.json()
    assert "summary" not in data and data["source_lang"] == "fr" and data["detection"]["lang"] == "fr"
    assert data["translation"] == summariser.translate(FRENCH, source_lang="fr").translation


def test_v1_options_change_the_result(client):
    short = client.post("/v1/summarise", json={"text": FRENCH, "source_lang": "fr", "max_tokens": 5}).json()
    plain = client.post("/v1/summarise", json={"text": FRENCH, "source_lang": "fr"}).json()
    assert short["signature"] != plain["signature"]
    assert len(short["summary"].split()) < len(plain["summary"].split())


def test_v1_report_is_escaped_and_locked_down(client):
    text = "Le président a annoncé une aide. <script>alert('x')</script> <img src=x onerror=alert(1)>"
    response = client.post("/v1/report", json={"text": text, "source_lang": "fr"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "<script>alert" not in response.text and "<img src=x" not in response.text
    assert "&lt;script&gt;" in response.text
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_v1_upload_decodes_like_the_cli(client):
    data = "Le président a annoncé une aide militaire à l'été.".encode("cp1252")
    response = client.post("/v1/translate", files={"file": ("../../etc/article.txt", data, "text/plain")}, data={"source_lang": "fr"})
    assert response.status_code == 200, response.text
    assert "été" in response.json()["original"]


def test_v1_validation_errors(client):
    assert client.post("/v1/summarise", json={"source_lang": "fr"}).json()["error"].startswith("Invalid request: give exactly one")
    both = client.post("/v1/summarise", json={"text": "a", "html": "<p>a</p>"})
    assert both.status_code == 400
    bad = client.post("/v1/summarise", json={"text": "a", "num_beams": 99})
    assert bad.status_code == 400 and "num_beams" in bad.json()["error"]
    unknown = client.post("/v1/summarise", json={"text": "a", "path": "/etc/passwd"})
    assert unknown.status_code == 400 and "path" in unknown.json()["error"]
    empty = client.post("/v1/summarise", json={"text": "   "})
    assert empty.status_code == 400 and "empty" in empty.json()["error"]


def test_url_fetching_is_off_by_default(client):
    response = client.post("/v1/summarise", json={"url": "http://example.com/article"})
    assert response.status_code == 403 and "disabled" in response.json()["error"]


@pytest.mark.parametrize("url", ["http://127.0.0.1:1/x", "http://localhost/x", "http://10.1.2.3/", "http://[::1]/", "http://169.254.169.254/latest", "file:///etc/passwd", "http://user:pw@example.com/"])
def test_url_fetching_never_reaches_private_addresses(registry_path, url):
    with make_client(registry_path, allow_url_fetch=True) as client:
        response = client.post("/v1/translate", json={"url": url})
    assert response.status_code == 400
    assert any(word in response.json()["error"] for word in ("private or local", "only http", "credentials"))


# -- operations ---------------------------------------------------------------------------------------------------------


def test_healthz_and_503_until_models_are_loaded(registry_path):
    app = create_app(settings_for(registry_path))
    client = TestClient(app)  # no lifespan: nothing loads
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["status"] == "loading"
    busy = client.post("/translate", json={"q": FRENCH, "source": "fr", "target": "en"})
    assert busy.status_code == 503 and busy.headers["retry-after"] == "5"
    with make_client(registry_path) as loaded:
        assert loaded.get("/healthz").json()["status"] == "ready"


def test_metrics_count_requests_and_sentences(client):
    before = client.get("/metrics").text
    client.post("/translate", json={"q": FRENCH, "source": "fr", "target": "en"})
    after = client.get("/metrics").text

    def value(text, prefix):
        return next((float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(prefix)), 0.0)

    assert value(after, 'summarise_requests_total{endpoint="/translate",status="200"}') == value(before, 'summarise_requests_total{endpoint="/translate",status="200"}') + 1
    assert value(after, 'summarise_sentences_total{endpoint="/translate"}') == value(before, 'summarise_sentences_total{endpoint="/translate"}') + 2
    assert "summarise_ready 1" in after and 'summarise_request_seconds_bucket{endpoint="/translate",le="+Inf"}' in after


def test_openapi_and_docs(client):
    spec = client.get("/openapi.json").json()
    assert {"/translate", "/v1/summarise", "/v1/report", "/healthz"} <= set(spec["paths"])
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/v1/summarise" in docs.text and "<script" not in docs.text


def test_cors_is_off_unless_origins_are_given(client, registry_path):
    headers = {"Origin": "https://newsroom.example", "Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in client.options("/translate", headers=headers).headers
    assert "access-control-allow-origin" not in client.get("/languages", headers=headers).headers
    with make_client(registry_path, cors_origins=("https://newsroom.example",)) as cors:
        preflight = cors.options("/translate", headers=headers)
        assert preflight.headers["access-control-allow-origin"] == "https://newsroom.example"
        other = cors.get("/languages", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers


# -- limits ------------------------------------------------------------------------------------------------------------


def test_body_over_the_limit_is_413(registry_path):
    with make_client(registry_path, max_body_bytes=1000) as client:
        big = client.post("/translate", json={"q": "a" * 2000, "source": "fr", "target": "en"})
        assert big.status_code == 413 and "limit of 1000 bytes" in big.json()["error"]

        def chunks():  # no Content-Length: counted as it arrives
            for _ in range(5):
                yield b"x" * 400

        streamed = client.post("/v1/translate", content=chunks(), headers={"Content-Type": "application/json"})
        assert streamed.status_code == 413
        assert client.post("/translate", json={"q": "La guerre.", "source": "fr", "target": "en"}).status_code == 200


def test_too_many_sentences(registry_path):
    text = " ".join(f"La guerre continue {i}." for i in range(6))
    with make_client(registry_path, max_sentences=5) as client:
        lt = client.post("/translate", json={"q": text, "source": "fr", "target": "en"})
        assert lt.status_code == 400 and "exceeds text limit (5)" in lt.json()["error"]
        ours = client.post("/v1/translate", json={"text": text, "source_lang": "fr"})
        assert ours.status_code == 413 and "6 sentences" in ours.json()["error"]


def test_concurrent_work_over_the_cap_is_429_with_retry_after(registry_path):
    with make_client(registry_path, max_pending_sentences=1, batch_wait_ms=1500) as client:
        first: dict = {}
        thread = threading.Thread(target=lambda: first.update(r=client.post("/translate", json={"q": FRENCH, "source": "fr", "target": "en"})))
        thread.start()
        service = client.app.state.summarise.service
        deadline = time.monotonic() + 10
        while service.batcher.pending == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        second = client.post("/translate", json={"q": "La guerre continue.", "source": "fr", "target": "en"})
        thread.join(30)
    assert second.status_code == 429 and second.json()["error"].startswith("Slowdown:")
    assert int(second.headers["retry-after"]) >= 1
    assert first["r"].status_code == 200


def test_request_timeout_is_503(registry_path):
    with make_client(registry_path, request_timeout=0.3, batch_wait_ms=2000) as client:
        response = client.post("/v1/translate", json={"text": FRENCH, "source_lang": "fr"})
        assert response.status_code == 503 and "timed out" in response.json()["error"] and "retry-after" in response.headers
        time.sleep(2.2)
        assert client.app.state.summarise.service.batcher.stats.dropped == 1  # its work was never done


# -- API keys ----------------------------------------------------------------------------------------------------------


def test_api_keys(registry_path, monkeypatch):
    with make_client(registry_path, api_keys=("s3cret",)) as client:
        body = {"q": "La guerre.", "source": "fr", "target": "en"}
        missing = client.post("/translate", json=body)
        assert missing.status_code == 400 and "API key" in missing.json()["error"]
        wrong = client.post("/translate", json={**body, "api_key": "nope"})
        assert wrong.status_code == 403 and wrong.json() == {"error": "Invalid API key"}
        assert client.post("/translate", json={**body, "api_key": "s3cret"}).status_code == 200
        assert client.post("/translate", data={**body, "api_key": "s3cret"}).status_code == 200
        assert client.post("/detect", data={"q": FRENCH}).status_code == 400
        assert client.post("/v1/translate", json={"text": "La guerre.", "source_lang": "fr"}).status_code == 401
        assert client.post("/v1/translate", json={"text": "La guerre."}, headers={"Authorization": "Bearer nope"}).status_code == 403
        ok = client.post("/v1/translate", json={"text": "La guerre.", "source_lang": "fr"}, headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200
        assert client.get("/languages").status_code == 200  # as in LibreTranslate: no key needed
        assert client.get("/frontend/settings").json()["keyRequired"] is True


def test_keys_from_the_environment():
    from summarise.serve import keys_from_env

    assert keys_from_env({"SUMMARISE_API_KEYS": " a, b ,,c"}) == ("a", "b", "c")
    assert keys_from_env({}) == ()


# -- the page ----------------------------------------------------------------------------------------------------------


def test_page_is_self_contained(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.text
    policy = response.headers["content-security-policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in page and "connect-src 'self'" in policy
    assert "http://" not in page and "https://" not in page and "src=" not in page  # no external or extra assets
    assert "innerHTML" not in page  # article text only ever goes in through textContent
    assert client.get("/").headers["content-security-policy"] != policy  # a fresh nonce each time


def test_other_targets_go_through_english(tmp_path, model_dirs):
    from tests.support.registry import write_registry

    extra = f'\n[models.tiny-en-de]\ntask = "translation"\nsource = "{model_dirs["copy"]}"\nlanguages = ["en"]\ntarget = "de"\nmax_input_tokens = 31\nnum_beams = 2\n'
    registry = write_registry(tmp_path / "models.toml", model_dirs, extra=extra)
    with make_client(registry) as client:
        langs = {entry["code"]: entry["targets"] for entry in client.get("/languages").json()}
        assert langs["fr"] == ["de", "en"] and langs["en"] == ["de"]
        english = client.post("/translate", json={"q": FRENCH, "source": "fr", "target": "en"}).json()["translatedText"]
        german = client.post("/translate", json={"q": FRENCH, "source": "fr", "target": "de"}).json()["translatedText"]
        again = client.post("/translate", json={"q": english, "source": "en", "target": "de"}).json()["translatedText"]
        assert german == again and "président" in german  # fr -> en (copy) -> de (copy)
        assert client.post("/translate", json={"q": FRENCH, "source": "fr", "target": "es"}).status_code == 400


def test_v1_keep_and_glossary_are_per_request(client):
    text = "La guerre continue à Bruxelles."
    plain = client.post("/v1/translate", json={"text": text, "source_lang": "fr"}).json()
    assert "guerre" in plain["translation"]
    with_glossary = client.post("/v1/translate", json={"text": text, "source_lang": "fr", "glossary": {"guerre": "war"}}).json()
    assert "war" in with_glossary["translation"] and "guerre" not in with_glossary["translation"]
    assert with_glossary["signature"] != plain["signature"]
    form = client.post("/v1/translate", data={"text": text, "source_lang": "fr", "glossary": '{"guerre": "war"}', "keep": "Bruxelles"})
    assert form.status_code == 200 and "war" in form.json()["translation"]
    bad = client.post("/v1/translate", data={"text": text, "glossary": "/etc/glossary.tsv"})
    assert bad.status_code == 400 and "JSON object" in bad.json()["error"]
    assert client.post("/v1/translate", json={"text": text, "glossary": "/etc/glossary.tsv"}).status_code == 400


def test_a_model_that_fails_to_load_shows_in_healthz(tmp_path, model_dirs):
    from tests.support.registry import write_registry

    registry = write_registry(tmp_path / "models.toml", model_dirs)
    registry.write_text(registry.read_text(encoding="utf-8").replace(str(model_dirs["bart"]), str(tmp_path / "missing")), encoding="utf-8")
    with make_client(registry) as client:
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json()["status"] == "failed" and health.json()["error"]
        refused = client.post("/translate", json={"q": FRENCH, "source": "fr", "target": "en"})
        assert refused.status_code == 503 and "failed to load" in refused.json()["error"]


INLINE = '<p>Le <b>président</b> a dit. Il <a href="https://exemple.fr/a?b=1">soutient</a> la paix.</p><p>La <i>guerre</i> est en Ukraine.</p>'
# What the copy model writes back: its tokens joined by single spaces (tests.tinymodels.normalise).
INLINE_COPIED = '<p>Le <b>président</b> a dit . Il <a href="https://exemple.fr/a?b=1">soutient</a> la paix .</p><p>La <i>guerre</i> est en Ukraine .</p>'


def test_html_inline_tags_travel_with_their_sentence(client, service, monkeypatch):
    """A sentence that runs through inline tags reaches the model whole, and its tags come back in place."""
    prepared = []
    real = service.prepare

    def recording(text, **kwargs):
        prepared.append(text.text if hasattr(text, "text") else text)
        return real(text, **kwargs)

    monkeypatch.setattr(service, "prepare", recording)
    out = client.post("/translate", json={"q": INLINE, "source": "fr", "target": "en", "format": "html"}).json()["translatedText"]
    assert len(prepared) == 2 and "président" in prepared[0] and "paix" in prepared[0]  # one unit per paragraph
    assert out == INLINE_COPIED  # words, tags and attributes all in place


def test_html_flow_whose_tags_come_back_out_of_order_is_translated_run_by_run(client, monkeypatch):
    from summarise.serve import _htmltext as htmltext

    monkeypatch.setattr(htmltext.Flow, "rebuild", lambda self, translation: None if self.tags else translation)
    out = client.post("/translate", json={"q": INLINE, "source": "fr", "target": "en", "format": "html"}).json()["translatedText"]
    assert out == INLINE_COPIED  # each run translated alone, the markup as it was


def test_html_with_inline_tags_detects_its_language_from_its_words(client):
    one = client.post("/translate", json={"q": INLINE, "source": "auto", "target": "en", "format": "html"}).json()
    assert one["detectedLanguage"]["language"] == "fr" and one["translatedText"] == INLINE_COPIED
