"""Summary attribution: each summary sentence's supporting article sentences, its flags, and where they show.

* tables for the pure parts (word overlap, the combination, the support cut, per-sentence facts);
* the first-sentence summariser (tests/factmodels.py), staged by its 31-token window, on both backends:
  support is exactly pair 0, and attention is what tells pair 0 from a later copy of the same sentence;
* the random BART: its summary sentences are flagged ``unsupported``;
* the outputs: JSON, Parquet, text and Markdown references, and the report's highlight in Chromium.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from summarise import Summariser
from summarise.checks._attribution import SUPPORT_FLOOR, attribute, choose_support, combine, lexical_scores
from summarise.output import render
from summarise.pipeline import Options
from tests.support.registry import window_summariser, write_registry
from tests.tinymodels import normalise

pytestmark = pytest.mark.numerics

ENGLISH = [
    "The president announced military aid to Ukraine.",
    "The minister condemns the strikes on Kyiv.",
    "Russia announces new sanctions worth 3 billion euros.",
]


@pytest.mark.parametrize(
    ("sentence", "best"),
    [
        ("The president announced military aid.", 0),
        ("Strikes on Kyiv were condemned by the minister.", 1),
        ("Sanctions worth 3 billion euros from Russia.", 2),
    ],
)
def test_word_overlap_finds_the_sentence_that_states_it(sentence, best):
    scores = lexical_scores(sentence, ENGLISH)
    assert max(range(3), key=scores.__getitem__) == best
    assert scores[best] >= 0.5 > max(score for i, score in enumerate(scores) if i != best)


@pytest.mark.parametrize(
    ("lexical", "attention", "expected"),
    [
        ([1.0, 1.0, 0.0], None, [0, 1]),  # a tie on words alone: both support it
        ([1.0, 1.0, 0.0], [0.9, 0.1, 0.0], [0]),  # attention tells them apart
        ([0.0, 0.1, 0.2], [1.0, 0.0, 0.0], []),  # attention alone supports nothing
        ([0.9, 0.8, 0.7, 0.6, 0.5], None, [0, 1, 2]),  # at most three, best first, none under 60 % of the best
    ],
)
def test_combination_and_support_cut(lexical, attention, expected):
    assert [entry.pair for entry in choose_support(combine(lexical, attention))] == expected


def test_sentence_flags_name_what_its_sources_do_not_state():
    found = attribute(
        ["The president announced military aid and 7 tanks to Ukraine.", "Zebras dance quietly tonight."],
        ENGLISH,
    )
    assert found[0].pairs == [0] and found[0].flags == ["numbers"] and found[0].details == {"numbers": ["7"]}
    assert found[1].pairs == [] and found[1].flags == ["unsupported"]
    assert SUPPORT_FLOOR > max(lexical_scores(found[1].text, ENGLISH))


# The first-sentence summariser on an article whose sentences come twice: words alone cannot tell
# the first sentence from its later copy, the summariser's attention can.
ARTICLE = [
    "Le président a annoncé une aide militaire.",
    "Le ministre condamne les frappes.",
    "La Russie annonce des sanctions.",
    "Les drones attaquent la ville de Kiev.",
]


@pytest.fixture(scope="module")
def first_registry(tmp_path_factory, model_dirs, attribution_models):
    root = tmp_path_factory.mktemp("attribution-registry")
    extra = window_summariser("first-sentence", attribution_models / "first")
    return write_registry(root / "models.toml", model_dirs, extra=extra, summariser="first-sentence", fallback="tiny-copy")


@pytest.mark.parametrize("backend", ["ctranslate2", "transformers"])
@pytest.mark.parametrize("rotation", [0, 1, 2])
def test_first_sentence_summary_rests_on_pair_zero_through_every_stage(first_registry, backend, rotation):
    article = ARTICLE[rotation:] + ARTICLE[:rotation]
    summariser = Summariser(first_registry, device="cpu", backend=backend, options=Options(max_tokens=30))
    result = summariser.summarise(" ".join(article + article), source_lang="fr")
    assert result.summary_stages >= 2
    assert result.summary == normalise(article[0]) == result.pairs[len(article)].translation  # its copy is a pair too
    [sentence] = result.summary_sentences
    assert sentence.pairs == [0] and sentence.flags == []
    assert sentence.support[0].score == pytest.approx(1.0, abs=1e-3)
    # The attention itself, through the stages: all of it on pair 0.
    outcome = summariser.summarizer().summarise([pair.translation for pair in result.pairs])
    assert outcome.stages >= 2 and outcome.attention[0][0] == pytest.approx(1.0, abs=1e-3)
    # Without attention the copy ties with the first sentence.
    words_only = summariser.summarise(" ".join(article + article), Options(max_tokens=30, attribution=False), source_lang="fr")
    assert words_only.summary == result.summary
    assert words_only.summary_sentences[0].pairs == [0, len(article)]


def test_outputs_carry_the_support(first_registry, tmp_path):
    summariser = Summariser(first_registry, device="cpu", options=Options(max_tokens=30))
    result = summariser.summarise(" ".join(ARTICLE), source_lang="fr")
    data = json.loads(render(result, "json"))
    assert data["summary_sentences"] == [{"text": result.summary, "support": [{"pair": 0, "score": 1.0}], "flags": []}]
    assert f"{result.summary} [1]" in render(result, "text")
    assert f"{result.summary} \\[1\\]" in render(result, "markdown")
    pyarrow = pytest.importorskip("pyarrow.parquet")
    from summarise.inputs import write_parquet

    write_parquet([{"id": "a", **data}], tmp_path / "out.parquet")
    row = pyarrow.read_table(tmp_path / "out.parquet").to_pylist()[0]
    assert row["summary_sentences"] == [{"text": result.summary, "support": [{"pair": 0, "score": 1.0}], "flags": [], "details": None}]


@pytest.mark.parametrize("backend", ["ctranslate2", "transformers"])
def test_random_bart_summary_sentences_are_unsupported(first_registry, backend):
    summariser = Summariser(first_registry, device="cpu", backend=backend, sum_model="tiny-bart")
    result = summariser.summarise(" ".join(ARTICLE), source_lang="fr")
    assert result.summary.strip() and result.summary_sentences
    assert all(sentence.flags == ["unsupported"] and sentence.pairs == [] for sentence in result.summary_sentences)
    assert "unsupported" in result.summary_flags
    assert {entry["sentence"] for entry in result.summary_details} >= {s.text for s in result.summary_sentences}
    assert "[?]" in render(result, "text")


def test_report_marks_each_summary_sentence_and_its_sources(first_registry):
    summariser = Summariser(first_registry, device="cpu", options=Options(max_tokens=30))
    page = render(summariser.summarise(" ".join(ARTICLE), source_lang="fr"), "html")
    assert 'id="m1" tabindex="0"' in page and '<a href="#s1">1</a>' in page
    assert ".report:has(#m1:is(:hover,:focus,:focus-within)) .by1{" in page
    assert len(re.findall(r'class="s k1[^"]* n1 by1"', page)) == 2  # the source and the English of sentence 1


@pytest.mark.skipif(shutil.which("chromium") is None, reason="no chromium binary (.ci/run installs Debian's chromium)")
def test_clicking_a_summary_sentence_highlights_its_sources_in_chromium(first_registry, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    summariser = Summariser(first_registry, device="cpu", options=Options(max_tokens=30))
    report = tmp_path / "report.html"
    report.write_text(render(summariser.summarise(" ".join(ARTICLE), source_lang="fr"), "html"), encoding="utf-8")
    backgrounds = "() => [...document.querySelectorAll('.sbs .s')].map(e => getComputedStyle(e).backgroundColor)"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(report.as_uri())
            before = page.evaluate(backgrounds)
            page.click("#m1")
            clicked = page.evaluate(backgrounds)
            page.click("h1")  # elsewhere: the highlight goes
            page.keyboard.press("Tab")  # keyboard: the first focusable thing is the summary sentence
            focused = page.evaluate("() => document.activeElement.id"), page.evaluate(backgrounds)
            phone = browser.new_context(has_touch=True, is_mobile=True, viewport={"width": 400, "height": 800}).new_page()
            phone.goto(report.as_uri())
            phone.tap("#m1")  # touch: a tap, with no mouse to hover
            tapped = phone.evaluate(backgrounds)
        finally:
            browser.close()
    highlight = "rgb(255, 226, 138)"
    # Sentence 1 of each side: spans 0 and len(ARTICLE) in document order (the source column first).
    both = [0, len(ARTICLE)]
    assert highlight not in before
    assert [i for i, colour in enumerate(clicked) if colour == highlight] == both
    assert focused[0] == "m1" and [i for i, colour in enumerate(focused[1]) if colour == highlight] == both
    assert [i for i, colour in enumerate(tapped) if colour == highlight] == both


@pytest.mark.skipif(shutil.which("chromium") is None, reason="no chromium binary (.ci/run installs Debian's chromium)")
def test_server_page_highlights_the_sources_of_a_selected_summary_sentence(first_registry):
    """The page shows the report's blocks (rendered from the result's JSON): the same highlight, by the
    page's own CSS, for a click, the Tab key and a tap."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    pytest.importorskip("uvicorn", reason="the [serve] extra is not installed")
    from tests.support.browser import served

    backgrounds = "() => [...document.querySelectorAll('#result .sbs .s')].map(e => getComputedStyle(e).backgroundColor)"

    def summarise_on(page) -> tuple[str, list[str]]:
        """Send the article from the page; its first summary sentence's references and the highlights before any selection."""
        page.goto(url)
        for _ in range(600):  # CSP forbids wait_for_function's eval: poll
            if page.evaluate("() => document.querySelectorAll('#source option').length > 1"):
                break
            page.wait_for_timeout(100)
        page.fill("#text", " ".join(ARTICLE))
        page.select_option("#source", "fr")
        page.get_by_role("button", name="Translate and summarise").click()
        for _ in range(1200):
            if page.evaluate("() => document.querySelectorAll('#result .summary .ss').length"):
                break
            page.wait_for_timeout(100)
        return page.evaluate("() => document.querySelector('#result .summary .ss .refs').textContent"), page.evaluate(backgrounds)

    with served(first_registry) as url, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            refs, before = summarise_on(page)
            page.click("#result .summary .ss")
            clicked = page.evaluate(backgrounds)
            page.mouse.move(0, 0)  # elsewhere, and the focus back in the form: the highlight goes
            page.focus("#text")
            away = page.evaluate(backgrounds)
            for _ in range(40):  # keyboard: Tab from the form until the summary sentence has the focus
                page.keyboard.press("Tab")
                if page.evaluate("() => document.activeElement.matches('#result .summary .ss')"):
                    break
            focused = page.evaluate("() => document.activeElement.matches('#result .summary .ss')"), page.evaluate(backgrounds)
            phone = browser.new_context(has_touch=True, is_mobile=True, viewport={"width": 400, "height": 800}).new_page()
            summarise_on(phone)
            phone.tap("#result .summary .ss")  # touch: a tap, with no mouse to hover
            tapped = phone.evaluate(backgrounds)
        finally:
            browser.close()
    highlight = "rgb(255, 226, 138)"
    assert refs == "[1]"
    assert highlight not in before
    assert [i for i, colour in enumerate(clicked) if colour == highlight] == [0, len(ARTICLE)]
    assert highlight not in away
    assert focused[0] and [i for i, colour in enumerate(focused[1]) if colour == highlight] == [0, len(ARTICLE)]
    assert [i for i, colour in enumerate(tapped) if colour == highlight] == [0, len(ARTICLE)]
