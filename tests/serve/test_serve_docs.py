"""The API's description: every POST body declared in /openapi.json, with examples that the server takes, and /docs
showing every body's fields and examples, its `code` set as code, never printed with backticks."""

from __future__ import annotations

import html
import re

import pytest

pytest.importorskip("fastapi", reason="the [serve] extra is not installed")

from tests.support.serve import make_client  # noqa: E402

FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


@pytest.fixture(scope="module")
def client(registry_path):
    with make_client(registry_path) as client:
        yield client


@pytest.fixture(scope="module")
def spec(client):
    return client.get("/openapi.json").json()


def posts(spec):
    return {path: methods["post"] for path, methods in spec["paths"].items() if "post" in methods}


def test_every_post_declares_its_body_with_examples(spec):
    assert set(posts(spec)) == {"/translate", "/detect", "/v1/translate", "/v1/summarise", "/v1/report", "/v1/render"}
    for path, op in posts(spec).items():
        content = op["requestBody"]["content"]
        assert set(content) == {"application/json", *FORMS}, path  # both APIs read JSON and both form encodings
        for kind, media in content.items():
            assert media["schema"]["type"] == "object" and media["schema"]["properties"], (path, kind)
            assert media["examples"] and all(example["value"] for example in media["examples"].values()), (path, kind)


def test_libretranslate_bodies_name_its_fields(spec):
    translate = posts(spec)["/translate"]["requestBody"]["content"]
    assert list(translate["application/json"]["schema"]["properties"]) == ["q", "source", "target", "format", "api_key"]
    assert translate["application/json"]["schema"]["required"] == ["q", "source", "target"]
    assert {kind["type"] for kind in translate["application/json"]["schema"]["properties"]["q"]["anyOf"]} == {"string", "array"}
    assert translate["application/x-www-form-urlencoded"]["schema"]["properties"]["q"]["type"] == "string"
    detect = posts(spec)["/detect"]["requestBody"]["content"]["application/json"]["schema"]
    assert list(detect["properties"]) == ["q", "api_key"] and detect["required"] == ["q"]
    assert "file" in posts(spec)["/v1/translate"]["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]


def test_the_examples_are_requests_the_server_takes(client, spec):
    for path in ("/translate", "/detect", "/v1/translate", "/v1/render"):
        content = posts(spec)[path]["requestBody"]["content"]
        for name, example in content["application/json"]["examples"].items():
            if "url" in example["value"]:
                continue  # this server fetches no URLs (--allow-url-fetch)
            answer = client.post(path, json=example["value"])
            assert answer.status_code == 200, (path, name, answer.text)
        for name, example in content["application/x-www-form-urlencoded"]["examples"].items():
            if "url" not in example["value"]:
                assert client.post(path, data=example["value"]).status_code == 200, (path, name)


def section(page: str, method: str, path: str) -> str:
    start = page.index(f'<section id="{method}-{path.replace("/", "-")}">')
    return page[start : page.index("</section>", start)]


def text_of(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def test_docs_show_every_body_and_no_backticks(client, spec):
    answer = client.get("/docs")
    assert answer.status_code == 200 and "<script" not in answer.text and "default-src 'none'" in answer.headers["content-security-policy"]
    page = answer.text
    assert "`" not in text_of(page)  # descriptions' `code` spans are <code>, not literal backticks
    assert "<code>summarise translate --format json</code>" in section(page, "post", "/v1/translate")
    for path, op in posts(spec).items():
        shown = text_of(section(page, "post", path))
        assert "No body" not in shown and "application/json" in shown and "application/x-www-form-urlencoded" in shown
        for field in op["requestBody"]["content"]["application/json"]["schema"]["properties"]:
            assert f" {field} " in shown, (path, field)
        for example in op["requestBody"]["content"]["application/json"]["examples"].values():
            assert example["summary"] in shown, (path, example["summary"])
    translate = text_of(section(page, "post", "/translate"))
    assert '"q": "Le président a annoncé une aide militaire."' in translate  # an example, as JSON
    assert "q=Le+pr%C3%A9sident+a+annonc%C3%A9+une+aide+militaire.&source=fr&target=en" in translate  # and as a form
    assert "translatedText" in translate and "detectedLanguage" in translate  # the answer's example
    assert "No body" in text_of(section(page, "get", "/languages"))
