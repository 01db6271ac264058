"""A result rendered again from its JSON: the round trip, the checks on what a client sends back, /v1/render, and the
report's vocabularies (directions, flag labels, the mostly-flagged banner)."""

from __future__ import annotations

import json

import pytest

from summarise.checks import SUMMARY_FLAGS, SUMMARY_LABELS
from summarise.checks._quality import FLAG_DESCRIPTIONS, FLAGS, FLAG_LABELS, label
from summarise.errors import InputError
from summarise.output._report import mostly_flagged, render_fragment, render_html
from summarise.pipeline import SentencePair, Summary, Translation, result_from_dict
from summarise.text import LANGUAGE_NAMES, RIGHT_TO_LEFT, direction
from tests.support.report import crafted_summary, parse_report, text_of


@pytest.mark.parametrize(
    ("code", "expected"),
    [("ar", "rtl"), ("fa", "rtl"), ("he", "rtl"), ("ur", "rtl"), ("ps", "rtl"), ("yi", "rtl"), ("AR", "rtl"), ("ar-EG", "rtl"),
     ("fa_IR", "rtl"), ("fr", "ltr"), ("en", "ltr"), ("zh", "ltr"), ("", "ltr"), (None, "ltr"), ("auto", "ltr")],
)
def test_direction_comes_from_the_language(code, expected):
    assert direction(code) == expected


def test_every_named_right_to_left_language_is_in_the_table():
    assert {code for code, name in LANGUAGE_NAMES.items() if name in ("Arabic", "Persian", "Hebrew")} <= RIGHT_TO_LEFT


def test_every_flag_has_a_human_label_beside_its_description():
    assert set(FLAG_LABELS) == set(FLAGS) == set(FLAG_DESCRIPTIONS)
    assert set(SUMMARY_LABELS) == set(SUMMARY_FLAGS)
    assert all("_" not in text and text[0].isupper() for text in [*FLAG_LABELS.values(), *SUMMARY_LABELS.values()])
    assert len(set(FLAG_LABELS.values())) == len(FLAG_LABELS)
    assert label("some_new_flag") == "Some new flag"


def test_a_result_round_trips_through_its_json():
    result = crafted_summary()
    result.pairs[1].details = {"numbers": {"missing": ["3,5"], "added": ["35"]}}
    result.pairs[1].flags = ["numbers"]
    result.summary_flags = ["unsupported"]
    result.summary_details = [{"sentence": "The minister promises.", "numbers": ["7"], "names": []}]
    data = json.loads(json.dumps(result.to_dict()))
    again = result_from_dict(data)
    assert isinstance(again, Summary)
    expected = {**result.to_dict(), "options": None}
    assert again.to_dict() == expected
    assert render_html(again) == render_html(result)


def test_a_translation_comes_back_as_a_translation(summariser):
    result = summariser.translate("Le président a annoncé une aide militaire. La guerre continue.", source_lang="fr")
    again = result_from_dict(json.loads(json.dumps(result.to_dict())))
    assert type(again) is Translation
    assert again.to_dict() == {**result.to_dict(), "options": None}


def test_derived_fields_are_recomputed_never_taken_as_sent():
    data = crafted_summary().to_dict()
    data["quality"] = {"flagged": 0, "sentences": 99}
    data["translation"] = "something else"
    again = result_from_dict(data)
    assert again.quality.sentences == 4 and again.quality.flagged == 2
    assert again.translation != "something else"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d.pop("pairs"), "result.pairs is missing"),
        (lambda d: d.update(pairs="x"), "result.pairs must be list"),
        (lambda d: d["pairs"][1].update(start="2"), "result.pairs[1].start must be int"),
        (lambda d: d["pairs"][0].update(start=True), "result.pairs[0].start must be int"),
        (lambda d: d["pairs"][2].update(flags=[3]), "result.pairs[2].flags[0] must be str"),
        (lambda d: d["pairs"][0].update(details={"numbers": {"missing": "3"}}), "result.pairs[0].details.numbers.missing must be list"),
        (lambda d: d.update(summary=None), "result.summary must be str"),
        (lambda d: d["models"][0].update(num_beams="2"), "result.models[0].num_beams must be int"),
        (lambda d: d.update(detection={"lang": "fr"}), "result.detection.confidence is missing"),
        (lambda d: d.update(removed=[{"text": "a"}]), "result.removed[0].start is missing"),
        (lambda d: d.update(summary_details=[{"numbers": ["7"]}]), "result.summary_details[0].sentence is missing"),
    ],
)
def test_what_does_not_fit_is_an_input_error_naming_the_field(change, named):
    data = crafted_summary().to_dict()
    change(data)
    with pytest.raises(InputError, match="not a result as /v1/translate or /v1/summarise give it: " + named.replace("[", r"\[").replace("]", r"\]")):
        result_from_dict(data)


@pytest.mark.parametrize("data", [None, [], "text", 3])
def test_anything_but_an_object_is_an_input_error(data):
    with pytest.raises(InputError, match="result must be dict"):
        result_from_dict(data)


def _flagged(share_flagged: int, total: int) -> Translation:
    pairs = [SentencePair(f"Phrase {i}.", f"Phrase {i}.", 10 * i, 10 * i + 9, paragraph=0, flags=["copy"] if i < share_flagged else [])
             for i in range(total)]
    return Translation(original=" ".join(p.source for p in pairs), source_lang="fr", pairs=pairs, models=[], signature="mt:none")


@pytest.mark.parametrize(("flagged", "total", "mostly"), [(0, 4, False), (2, 4, False), (3, 4, True), (4, 4, True), (2, 2, False), (3, 3, True)])
def test_when_most_sentences_are_flagged_one_banner_explains_and_the_highlighting_steps_back(flagged, total, mostly):
    result = _flagged(flagged, total)
    assert mostly_flagged(result) is mostly
    root = parse_report(render_html(result))
    report = root.find("body/div")
    assert ("most-flagged" in report.get("class").split()) is mostly
    banners = [p for p in root.iter("p") if p.get("class") == "banner"]
    assert len(banners) == (1 if mostly else 0)
    if mostly:
        assert text_of(banners[0]).startswith(f"Most sentences are flagged ({flagged} of {total}), most often “Not translated”.")
        assert "source language" in text_of(banners[0])
        why = next(tr for tr in root.iter("tr") if tr.get("class") == "why")
        assert why.find("td/details/summary") is not None  # the reasons fold under the paragraph
    elif flagged:
        why = next(tr for tr in root.iter("tr") if tr.get("class") == "why")
        assert why.find("td/ul") is not None  # shown as they are


def test_the_fragment_is_the_report_body():
    result = crafted_summary()
    fragment = render_fragment(result)
    assert fragment.startswith('<div class="report">') and fragment in render_html(result)


# -- /v1/render -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(registry_path):
    pytest.importorskip("fastapi", reason="the [serve] extra is not installed")
    from tests.support.serve import make_client

    with make_client(registry_path, api_keys=("k1",)) as client:
        yield client


def test_render_gives_the_report_of_a_posted_result_without_running_a_model(client):
    result = crafted_summary()
    headers = {"X-API-Key": "k1"}
    before = client.get("/metrics").text
    page = client.post("/v1/render", json=result.to_dict(), headers=headers)
    assert page.status_code == 200 and page.text == render_html(result)
    assert "default-src 'none'" in page.headers["content-security-policy"]
    fragment = client.post("/v1/render?part=fragment", json=result.to_dict(), headers=headers)
    assert fragment.text == render_fragment(result)
    form = client.post("/v1/render", data={"result": json.dumps(result.to_dict()), "api_key": "k1"})
    assert form.status_code == 200 and form.text == render_html(result)
    after = client.get("/metrics").text
    sentences = [line for line in after.splitlines() if line.startswith("summarise_sentences_total")]
    assert sentences == [line for line in before.splitlines() if line.startswith("summarise_sentences_total")]


@pytest.mark.parametrize(
    ("kwargs", "status", "message"),
    [
        ({"json": {"pairs": []}}, 400, "Invalid request: not a result as /v1/translate or /v1/summarise give it: result.original is missing"),
        ({"content": b"{", "headers": {"content-type": "application/json"}}, 400, "Invalid JSON format"),
        ({"data": {"api_key": "k1"}}, 400, "Invalid request: result (the result JSON, as text) is missing"),
        ({"data": {"result": "{", "api_key": "k1"}}, 400, "Invalid request: result is not valid JSON"),
    ],
)
def test_render_says_what_is_wrong(client, kwargs, status, message):
    kwargs.setdefault("headers", {})
    kwargs["headers"] = {**kwargs["headers"], "X-API-Key": "k1"}
    response = client.post("/v1/render", **kwargs)
    assert response.status_code == status and response.json() == {"error": message}


def test_render_needs_the_key_when_the_server_does(client):
    response = client.post("/v1/render", json=crafted_summary().to_dict())
    assert response.status_code == 401
    assert client.post("/v1/render?part=nope", json={}, headers={"X-API-Key": "k1"}).status_code == 400


def test_render_takes_back_a_result_larger_than_an_article_may_be(registry_path):
    """A result holds the article, its translation and their offsets: /v1/render takes several times the body
    limit (settings.result_body_factor), so the page can show any result it was given; other routes keep the limit."""
    pytest.importorskip("fastapi", reason="the [serve] extra is not installed")
    from tests.support.serve import make_client

    result = crafted_summary()
    result.original += " " + "x" * 6000  # pads the posted JSON past the body limit; the pairs' offsets stay valid
    body = json.dumps(result.to_dict())
    with make_client(registry_path, max_body_bytes=4096) as client:
        assert 4096 < len(body) < 4096 * 6
        page = client.post("/v1/render", content=body, headers={"content-type": "application/json"})
        assert page.status_code == 200 and page.text == render_html(result_from_dict(json.loads(body)))
        refused = client.post("/v1/translate", content=body, headers={"content-type": "application/json"})
        assert refused.status_code == 413 and "limit of 4096 bytes" in refused.json()["error"]
        too_big = client.post("/v1/render", content=b"{" + b" " * (4096 * 6), headers={"content-type": "application/json"})
        assert too_big.status_code == 413 and f"limit of {4096 * 6} bytes" in too_big.json()["error"]
