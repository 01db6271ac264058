"""The one language-detection policy through both APIs (the text layer's table and the CLI: test_detection_policy):
/translate and /v1 take or refuse the same text alike, report the same confidence, and name their own fields."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the [serve] extra is not installed")

from tests.support.registry import write_french_only_registry  # noqa: E402
from tests.support.serve import make_client  # noqa: E402

SHORT_FRENCH = "Le président parle."
SURE_FRENCH = "La guerre continue en Ukraine depuis des mois. Le président a annoncé une aide militaire."
NUMBERS = "Otan 2024 : 12 , 5 ."
SPANISH = "El presidente habla con los ministros sobre la guerra en Ucrania."


@pytest.fixture(scope="module")
def client(registry_path):
    with make_client(registry_path) as client:
        yield client


@pytest.fixture(scope="module")
def french_only(tmp_path_factory, model_dirs):
    return write_french_only_registry(tmp_path_factory.mktemp("french-only") / "models.toml", model_dirs)


@pytest.mark.parametrize("text", [SHORT_FRENCH, SURE_FRENCH])
def test_both_apis_take_the_same_language_with_the_same_confidence(client, text):
    libre = client.post("/translate", json={"q": text, "source": "auto", "target": "en"})
    ours = client.post("/v1/translate", json={"text": text})
    assert libre.status_code == 200 and ours.status_code == 200, (libre.text, ours.text)
    detected, detection = libre.json()["detectedLanguage"], ours.json()["detection"]
    assert detected["language"] == detection["lang"] == ours.json()["source_lang"] == "fr"
    assert abs(detected["confidence"] - 100 * detection["confidence"]) <= 0.06  # a percentage and a fraction of one number
    assert "président" in libre.json()["translatedText"]  # the copy model echoes French


def test_both_apis_refuse_the_same_text_naming_their_own_field(client):
    libre = client.post("/translate", json={"q": NUMBERS, "source": "auto", "target": "en"})
    ours = client.post("/v1/translate", json={"text": NUMBERS, "source_lang": "auto"})
    assert libre.status_code == ours.status_code == 400
    assert libre.json()["error"].startswith("cannot tell the source language for sure (best guesses: fi 2%")
    assert libre.json()["error"].endswith('set the source field, e.g. "source": "fr"')
    assert ours.json()["error"].endswith('set the source_lang field, e.g. "source_lang": "fr"')
    assert "--" not in libre.json()["error"] + ours.json()["error"]  # no CLI flag in an API's answer
    form = client.post("/translate", data={"q": NUMBERS, "source": "auto", "target": "en"})
    assert form.status_code == 400 and form.json() == libre.json()


def test_a_language_without_a_model_is_refused_alike(french_only):
    with make_client(french_only) as client:
        libre = client.post("/translate", json={"q": SPANISH, "source": "auto", "target": "en"})
        ours = client.post("/v1/translate", json={"text": SPANISH})
        assert libre.status_code == ours.status_code == 400
        for answer, field in ((libre, "source"), (ours, "source_lang")):
            assert answer.json()["error"] == f"the text looks like es (83% sure), and no model here translates es: if it is another language, name it: set the {field} field"
        languages = {entry["code"] for entry in client.get("/languages").json()}
        assert languages == {"fr"}  # English has no target here, and Spanish no model


@pytest.mark.parametrize("path", ["/translate", "/v1/translate"])
def test_unescaped_utf8_in_a_form_body_is_read_as_utf8(client, path):
    """curl -d sends the bytes as they are: they were read as Latin-1 ("prÃ©sident", detected at 23 %)."""
    fields = "q=Le président parle.&source=auto&target=en" if path == "/translate" else "text=Le président parle."
    answer = client.post(path, content=fields.encode("utf-8"), headers={"content-type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 200, answer.text
    if path == "/translate":
        assert answer.json()["detectedLanguage"] == {"confidence": 75.8, "language": "fr"}
        assert "président" in answer.json()["translatedText"]
    else:
        assert answer.json()["pairs"][0]["source"] == SHORT_FRENCH and answer.json()["detection"]["confidence"] == 0.7575
    latin1 = client.post(path, content="q=pr\xe9sident".encode("latin-1"), headers={"content-type": "application/x-www-form-urlencoded"})
    assert latin1.status_code == 400 and latin1.json() == {"error": "Invalid request: the form body is not UTF-8"}


