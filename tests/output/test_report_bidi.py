"""The HTML report sets the direction from the language and isolates every run of input text (<bdi>).

How it renders is checked in Chromium (tests/test_page_browser.py); here, the markup."""

from __future__ import annotations

from summarise.text import RemovedLine
from summarise.pipeline import SentencePair, Translation
from summarise.output import render_html
from tests.support.report import crafted_summary, parse_report, text_of

ARABIC = "قال الوزير إن المطر سيصل غدا."
OVERRIDE = "\u202eelif.exe"  # RIGHT-TO-LEFT OVERRIDE: shown unisolated, it reverses what follows


def _arabic() -> Translation:
    original = f"{ARABIC}\n\n{OVERRIDE} انتهى"
    pairs = [
        SentencePair(ARABIC, "The minister said the rain will come tomorrow.", 0, len(ARABIC), paragraph=0),
        SentencePair(f"{OVERRIDE} انتهى", "It is over.", len(ARABIC) + 2, len(original), paragraph=1),
    ]
    return Translation(original=original, source_lang="ar", pairs=pairs, models=[], signature="mt:none", metadata={"title": f"عنوان {OVERRIDE}", "author": "ن. م."},
                       removed=[RemovedLine("شارك", 0, 0, reason="share")])


def test_right_to_left_sentences_are_isolated():
    root = parse_report(render_html(_arabic()))
    rows = [tr for tr in root.iter("tr") if tr.get("id")]
    for row in rows:
        source, english = row.findall("td")
        assert source.get("dir") == "rtl" and english.get("dir") == "ltr"
        for span in list(source) + list(english):
            if span.tag == "span":
                assert [child.tag for child in span] == ["sup", "bdi"]
    bdis = [text_of(b) for b in root.iter("bdi")]
    assert ARABIC in bdis and f"{OVERRIDE} انتهى" in bdis


def test_titles_bylines_and_removed_lines_are_isolated():
    root = parse_report(render_html(_arabic()))
    h1 = next(root.iter("h1"))
    assert h1.get("dir") == "rtl" and h1.get("lang") == "ar" and [c.tag for c in h1] == ["bdi"] and text_of(h1) == f"عنوان {OVERRIDE}"
    bdis = [text_of(b) for b in root.iter("bdi")]
    assert "ن. م." in bdis and "شارك" in bdis


def test_left_to_right_reports_are_unchanged_in_text():
    result = crafted_summary()
    root = parse_report(render_html(result))
    assert [text_of(b) for b in root.iter("bdi")][:1] == ["Un <b>titre</b>"]
