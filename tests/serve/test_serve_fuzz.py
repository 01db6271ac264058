"""Every endpoint, every body shape a client can send (JSON, form, query), generated: never a 500.

Issue 27: a 2xx, or a 4xx whose body is ``{"error": …}`` JSON.  The seed is fixed
(``derandomize``) and the examples bounded, so CI sees the same inputs every run,
in well under a minute on the tiny models.
"""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi", reason="the [serve] extra is not installed")
from hypothesis import HealthCheck, event, given, settings, strategies as st

from tests.support.serve import make_client

POSTS = ["/translate", "/detect", "/languages", "/v1/translate", "/v1/summarise", "/v1/report"]
GETS = ["/", "/languages", "/frontend/settings", "/healthz", "/metrics", "/docs", "/openapi.json", "/translate", "/nowhere"]
FIELDS = ["q", "source", "target", "format", "api_key", "text", "html", "url", "source_lang", "length", "num_beams",
          "min_tokens", "max_tokens", "summary_lang", "keep_boilerplate", "keep", "glossary", "alternatives"]
TEXTS = st.one_of(
    st.sampled_from(["", " ", "s3cret", "La guerre continue.", "fr", "en", "de", "auto", "html", "text", "short", "2", "-1", "true",
                     "<p>Le <b>président</b> parle.</p><![CDATA[x]]><!-- c", "http://[::1", "\x00", "\ud800", "{", "[]"]),
    st.text(max_size=40),
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), TEXTS)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXTS, inner, max_size=4)), max_leaves=12)
# Mostly the fields the endpoints read, each with a value of any JSON type; sometimes a valid request with one
# field of another type; sometimes unknown fields.
VALID = st.sampled_from([{"q": "La guerre continue.", "source": "fr", "target": "en"}, {"text": "La guerre continue.", "source_lang": "fr"},
                         {"q": ["La guerre.", ""], "source": "auto", "target": "en", "format": "html"}])
BODIES = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=6),
    st.builds(lambda base, key, value: {**base, key: value}, VALID, st.sampled_from(FIELDS), VALUES),
    st.dictionaries(st.text(max_size=8), VALUES, max_size=3),
)
# A form or a query string is bytes on the wire: no lone surrogates there (JSON can carry them, escaped).
FORM_TEXTS = TEXTS.filter(lambda text: not any("\ud800" <= char <= "\udfff" for char in text))
FORMS = st.dictionaries(st.sampled_from(FIELDS), FORM_TEXTS, max_size=6)


@pytest.fixture(scope="module", params=[(), ("s3cret",)], ids=["open", "keys"])
def client(registry_path, request):
    with make_client(registry_path, api_keys=request.param, request_timeout=60) as client:
        yield client


def _answer_is_fine(response) -> None:
    event(f"status {response.status_code}")  # --hypothesis-show-statistics: how many reached the models
    assert response.status_code < 500, (response.status_code, response.text[:300])
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/json"), response.headers["content-type"]
        assert isinstance(response.json().get("error"), str)


FUZZ = settings(max_examples=80, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))


@FUZZ
@given(path=st.sampled_from(POSTS), body=st.one_of(BODIES, VALUES))
def test_json_bodies(client, path, body):
    _answer_is_fine(client.post(path, content=json.dumps(body).encode(), headers={"Content-Type": "application/json"}))


@FUZZ
@given(path=st.sampled_from(POSTS), form=FORMS, query=FORMS, upload=st.one_of(st.none(), st.binary(max_size=64)))
def test_forms_and_queries(client, path, form, query, upload):
    files = {"file": ("a.txt", upload)} if upload is not None else None
    _answer_is_fine(client.post(path, data=form, params=query, files=files))


@FUZZ
@given(path=st.sampled_from(GETS), query=FORMS)
def test_gets(client, path, query):
    response = client.get(path, params=query)
    assert response.status_code < 500 or (path == "/healthz" and response.status_code == 503), response.text[:300]


@FUZZ
@given(path=st.sampled_from(POSTS), raw=st.binary(max_size=80), kind=st.sampled_from(["application/json", "multipart/form-data",
       "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "text/plain", ""]))
def test_raw_bodies(client, path, raw, kind):
    _answer_is_fine(client.post(path, content=raw, headers={"Content-Type": kind} if kind else {}))
