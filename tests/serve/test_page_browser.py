"""The web page and the HTML report in headless Chromium, driven with Playwright: a person types, picks languages,
clicks, reads; Arabic reads right to left; a 400 px phone never scrolls sideways; every flag's reason is reachable
without a mouse; opening the report never translates again.  Screenshots are kept under each test's tmp_path."""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("fastapi", reason="the [serve] extra is not installed")
pytest.importorskip("uvicorn", reason="the [serve] extra is not installed")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (the [test] extra)")

from summarise.output import render_html  # noqa: E402
from summarise.pipeline import SentencePair, Summary  # noqa: E402
from summarise.text import Detection  # noqa: E402
from tests.support.browser import metric_total, served  # noqa: E402
from tests.support.registry import write_registry  # noqa: E402
from tests.support.report import crafted_summary  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (.ci/run installs Debian's chromium)")

FRENCH = "Le président a annoncé une aide militaire. La guerre continue en Ukraine depuis des mois.\n\nLes alliés soutiennent l'Ukraine."
ARABIC_1 = "قال الوزير إن المطر سيصل غدا."
ARABIC_2 = "وأضاف أن الحكومة ستساعد."
ARTICLE_WITH_MARKUP = 'Le président a annoncé une aide militaire. <b>La guerre</b> continue <img src=x onerror="window.pwned=1">.'
LONG_TOKEN = "https://example.org/" + "a" * 240
DONE_S = 180  # the longest wait for a tiny-model answer on a busy 2-core machine


@pytest.fixture(scope="module")
def url(tmp_path_factory, model_dirs):
    """The real app on 127.0.0.1; Arabic has a (tiny, random) model of its own, so /languages lists it, and an
    en-de model makes German a summary language."""
    extra = (f'\n[models.tiny-ar]\ntask = "translation"\nsource = "{model_dirs["marian"]}"\nlanguages = ["ar"]\nmax_input_tokens = 64\nnum_beams = 1\n'
             f'\n[models.tiny-en-de]\ntask = "translation"\nsource = "{model_dirs["copy"]}"\nlanguages = ["en"]\ntarget = "de"\nmax_input_tokens = 31\nnum_beams = 1\n')
    registry = write_registry(tmp_path_factory.mktemp("browser") / "models.toml", model_dirs, extra=extra)
    with served(registry, preload=("fr", "ar")) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


def wait_until(page, expression: str, timeout_s: float = DONE_S):
    """Poll a JS expression (the page's CSP forbids wait_for_function's eval) until it is truthy; its value."""
    for _ in range(int(timeout_s * 10)):
        value = page.evaluate(expression)
        if value:
            return value
        page.wait_for_timeout(100)
    status = page.evaluate("document.getElementById('status') && document.getElementById('status').textContent")
    raise AssertionError(f"never true: {expression}; status: {status}")


def run_action(page, button: str, *, keyboard: bool = False) -> str:
    """Press an action button (by its visible name), wait for the result; the status line then."""
    before = page.evaluate("document.getElementById('status').textContent")
    target = page.get_by_role("button", name=button, exact=True)
    if keyboard:
        target.focus()
        page.keyboard.press("Enter")
    else:
        target.click()
    return wait_until(page, f"(() => {{ const s = document.getElementById('status'); return s.textContent !== {before!r} && (s.textContent.startsWith('Done') || s.className === 'error') ? s.textContent : ''; }})()")


def sideways(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def boxes(page, selector: str) -> list[dict]:
    return page.evaluate(f"[...document.querySelectorAll({selector!r})].map(e => {{ const r = e.getBoundingClientRect(); return {{left: r.left, right: r.right, top: r.top, bottom: r.bottom}}; }})")


def direction(page, selector: str) -> str:
    return page.evaluate(f"getComputedStyle(document.querySelector({selector!r})).direction")


def arabic_report() -> Summary:
    original = f"{ARABIC_1} {ARABIC_2}\n\n{ARABIC_1}"
    second = len(ARABIC_1) + 1
    pairs = [
        SentencePair(ARABIC_1, "The minister said the rain will come tomorrow.", 0, len(ARABIC_1), paragraph=0),
        SentencePair(ARABIC_2, "He added that the government will help.", second, second + len(ARABIC_2), paragraph=0),
        SentencePair(ARABIC_1, "The minister said the rain will come tomorrow.", second + len(ARABIC_2) + 2, len(original), paragraph=1),
    ]
    return Summary(original=original, source_lang="ar", pairs=pairs, models=[], signature="mt:none", metadata={"title": "المطر يصل غدا"},
                   detection=Detection("ar", 0.99, True), summary="Rain is coming.")


# -- the report, opened from a file ------------------------------------------------------


def test_arabic_report_reads_right_to_left(browser, tmp_path):
    path = tmp_path / "ar.html"
    path.write_text(render_html(arabic_report()), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(path.as_uri())
    page.screenshot(path=str(tmp_path / "report-ar.png"), full_page=True)
    assert direction(page, "td.src") == "rtl" and direction(page, "h1") == "rtl"
    assert direction(page, "td.en") == "ltr" and direction(page, ".summary p") == "ltr"
    cell = boxes(page, "#p0 td.src")[0]
    first, second = boxes(page, "#p0 td.src .s")
    # Sentence 1 starts at the right edge of its cell; sentence 2 follows to its left on the same line.
    assert cell["right"] - first["right"] <= 16 and first["left"] > cell["left"] + 100
    assert abs(first["top"] - second["top"]) < 4 and second["right"] <= first["left"] + 1
    english_first = boxes(page, "#p0 td.en .s")[0]
    english_cell = boxes(page, "#p0 td.en")[0]
    assert english_first["left"] - english_cell["left"] <= 16  # the English beside it still starts at the left
    page.close()


def test_report_on_a_phone_stacks_wraps_and_folds(browser, tmp_path):
    result = crafted_summary()
    result.pairs[1].translation += " " + LONG_TOKEN
    result.signature += "|" + "x" * 300
    path = tmp_path / "phone.html"
    path.write_text(render_html(result), encoding="utf-8")
    page = browser.new_page(viewport={"width": 400, "height": 800})
    page.goto(path.as_uri())
    page.screenshot(path=str(tmp_path / "report-400.png"), full_page=True)
    assert sideways(page) <= 400
    source, english = boxes(page, "#p2 td")
    assert english["top"] >= source["bottom"] - 1 and english["left"] < 40  # stacked, full width
    assert page.evaluate("document.querySelector('footer details').open") is False  # the signature is folded
    page.close()


def test_every_reason_is_reachable_by_keyboard_and_visible(browser, tmp_path):
    path = tmp_path / "flags.html"
    path.write_text(render_html(crafted_summary()), encoding="utf-8")
    page = browser.new_page(viewport={"width": 400, "height": 800})
    page.goto(path.as_uri())
    reasons = page.locator("ul.reasons li")
    assert reasons.count() == 2 and all(reasons.nth(i).is_visible() for i in range(2))  # text, no hover
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('chip')"):
            break
    else:
        raise AssertionError("no chip is reachable with Tab")
    name = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert name.startswith("Sentence 3 flagged: Not translated, Wrong language")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#r3"
    reason = boxes(page, "#r3")[0]
    assert 0 <= reason["top"] < 800 and "Not translated" in page.inner_text("#r3")
    page.screenshot(path=str(tmp_path / "reason.png"))
    page.close()


# -- the page, against the live server ---------------------------------------------------


def test_page_translates_summarises_and_the_report_reuses_the_result(url, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    wait_until(page, "document.querySelectorAll('#source option').length > 1")
    assert page.evaluate("[...document.querySelectorAll('#source option')].map(o => o.value)") == ["auto", "ar", "fr"]  # English: nothing to do
    page.fill("#text", FRENCH)
    page.select_option("#source", "fr")
    status = run_action(page, "Translate and summarise")
    assert status.startswith("Done in"), status
    page.screenshot(path=str(tmp_path / "page-summary.png"), full_page=True)
    shown = page.evaluate("""(() => ({
        summary: document.querySelector('#result .summary p').textContent,
        quality: !!document.querySelector('#result section.quality'),
        numbers: [...document.querySelectorAll('#result td.src .s sup')].map(s => s.textContent),
        english: [...document.querySelectorAll('#result td.en .s')].map(s => s.textContent),
        paragraphs: document.querySelectorAll('#result tr[id^=p]').length,
        scrolled: document.getElementById('result').getBoundingClientRect().top < 200,
        focused: document.activeElement.id }))()""")
    assert shown["summary"].strip() and shown["quality"] and shown["paragraphs"] == 2
    assert shown["numbers"] == ["1", "2", "3"] and "président" in shown["english"][0]  # the copy model echoes French
    assert shown["scrolled"] and shown["focused"] == "result"
    sentences = metric_total(url, "summarise_sentences_total")
    runs = metric_total(url, "summarise_requests_total", endpoint="/v1/summarise")
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Open report").click()
    report = opened.value
    report.wait_for_load_state()
    report.screenshot(path=str(tmp_path / "report-from-page.png"), full_page=True)
    assert report.inner_text(".summary p") == shown["summary"]
    assert report.evaluate("[...document.querySelectorAll('td.en .s')].map(s => s.textContent)") == shown["english"]
    # Neither the page's rendering nor the report translated anything again.
    assert metric_total(url, "summarise_sentences_total") == sentences and sentences >= 3
    assert metric_total(url, "summarise_requests_total", endpoint="/v1/summarise") == runs == 1
    assert metric_total(url, "summarise_requests_total", endpoint="/v1/render") == 2  # the page's fragment, the report
    report.close()
    # Translate alone, by keyboard: no summary block then.
    status = run_action(page, "Translate", keyboard=True)
    assert status.startswith("Done in"), status
    assert page.evaluate("document.querySelector('#result .summary')") is None
    assert page.evaluate("document.querySelectorAll('#result td.en .s').length") == 3
    page.close()


def test_the_keyboard_path_is_the_mouse_path(url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    wait_until(page, "document.querySelectorAll('#source option').length > 1")
    page.focus("#text")
    order = []
    for _ in range(6):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id"))
    assert order == ["file", "source", "target", "length", "summarise", "translate"]
    page.focus("#text")
    page.keyboard.type(FRENCH.split("\n")[0])
    page.focus("#source")
    page.keyboard.press("ArrowDown")  # auto -> ar -> fr in the closed list
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.getElementById('source').value") == "fr"
    status = run_action(page, "Translate and summarise", keyboard=True)
    assert status.startswith("Done in"), status
    assert page.evaluate("document.activeElement.id") == "result"
    page.keyboard.press("Tab")  # from the result onward: its links and chips, in reading order
    assert page.evaluate("document.getElementById('result').contains(document.activeElement)")
    page.close()


def test_a_file_and_a_summary_language(url, browser, tmp_path):
    upload = tmp_path / "article.html"
    upload.write_text(f"<html><head><title>Aide</title></head><body><article><p>{FRENCH.split(chr(10))[0]}</p></article></body></html>", encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    wait_until(page, "document.querySelectorAll('#source option').length > 1")
    assert set(page.get_attribute("#file", "accept").split(",")) >= {".txt", ".md", ".html"}
    page.set_input_files("#file", str(upload))
    assert "article.html will be read" in page.inner_text("#status")
    page.select_option("#source", "fr")
    assert page.evaluate("[...document.querySelectorAll('#target option')].map(o => o.value)") == ["en", "de"]
    page.select_option("#target", "de")
    status = run_action(page, "Translate and summarise")
    assert status.startswith("Done in"), status
    assert "président" in page.evaluate("[...document.querySelectorAll('#result td.src')].map(td => td.textContent).join(' ')")
    assert page.inner_text("#result .summary .other h2").lower() == "summary in german (de)"
    page.click("#clear-file")
    assert page.evaluate("document.getElementById('file').files.length") == 0
    page.close()


def test_page_arabic_reads_right_to_left(url, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    wait_until(page, "document.querySelectorAll('#source option').length > 1")
    page.select_option("#source", "ar")
    assert direction(page, "#text") == "rtl"
    page.fill("#text", f"{ARABIC_1} {ARABIC_2}")
    status = run_action(page, "Translate")
    assert status.startswith("Done in"), status
    page.screenshot(path=str(tmp_path / "page-ar.png"), full_page=True)
    assert direction(page, "#result td.src") == "rtl" and direction(page, "#result td.en") == "ltr"
    cell = boxes(page, "#result td.src")[0]
    first = boxes(page, "#result td.src .s")[0]
    assert cell["right"] - first["right"] <= 16
    page.close()


def test_page_on_a_phone_never_scrolls_sideways(url, browser, tmp_path, model_dirs):
    page = browser.new_page(viewport={"width": 400, "height": 800})
    page.goto(url)
    wait_until(page, "document.querySelectorAll('#source option').length > 1")
    assert sideways(page) <= 400
    page.fill("#text", f"Le président a annoncé {LONG_TOKEN} une aide.")
    page.select_option("#source", "fr")
    status = run_action(page, "Translate and summarise")
    assert status.startswith("Done in"), status
    page.screenshot(path=str(tmp_path / "page-400.png"), full_page=True)
    assert sideways(page) <= 400
    assert "tiny-copy" in page.inner_text("#result footer")  # models by their registry name ...
    assert str(model_dirs["copy"]) not in page.content()  # ... never by the server's folder
    assert page.evaluate("document.querySelector('#result footer details').open") is False
    page.close()


def test_article_markup_stays_text_on_the_page(url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    page.fill("#text", ARTICLE_WITH_MARKUP)
    status = run_action(page, "Translate")
    assert status.startswith("Done in"), status
    shown = page.evaluate("""(() => ({
        source: [...document.querySelectorAll('#result td.src .s')].map(s => s.textContent).join(' '),
        injected: document.querySelectorAll('#result img, #result b, #result script').length,
        pwned: !!window.pwned }))()""")
    assert "<b>La guerre</b>" in shown["source"] and "onerror" in shown["source"]
    assert shown["injected"] == 0 and shown["pwned"] is False
    page.close()


def test_page_errors_are_for_people(url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    wait_until(page, "document.querySelectorAll('#source option').length > 1")
    status = run_action(page, "Translate")
    assert status == "Paste an article in the text box, or choose a file."
    page.fill("#text", "x" * 20)
    status = run_action(page, "Translate")
    assert "--" not in status and "/" not in status and "source_lang" not in status, status
    assert "From list" in status, status
    page.close()
