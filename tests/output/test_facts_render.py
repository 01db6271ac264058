"""Fact flags, their details and the summary flags, in every output format (crafted results, no models)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from summarise.pipeline import SentencePair, Summary
from summarise.checks import is_flagged
from summarise.output import render

SOURCE = "Le chômage est à 7,5 %. Jens Stoltenberg & Cie parlent."


def _result(summary_flags=("unsupported",)) -> Summary:
    first, second = "Le chômage est à 7,5 %.", "Jens Stoltenberg & Cie parlent."
    pairs = [
        SentencePair(first, "Unemployment is at 75%.", 0, len(first), 0, flags=["numbers"], details={"numbers": {"missing": ["7,5"], "added": ["75"]}}),
        SentencePair(second, "The <secretary> & Co speak.", len(first) + 1, len(SOURCE), 0, flags=["names"], details={"names": {"missing": ["Jens", "Stoltenberg"]}}),
    ]
    return Summary(
        original=SOURCE,
        source_lang="fr",
        pairs=pairs,
        models=[],
        signature="mt:none|keep:0123456789ab|v:0.1.0",
        summary="Unemployment is at 9%, Boris <Johnson> said.",
        summary_stages=1,
        summary_flags=list(summary_flags),
        summary_details=[{"sentence": "Unemployment is at 9%, Boris <Johnson> said.", "numbers": ["9"], "names": ["Boris"]}] if summary_flags else [],
    )


def test_json_carries_details_and_summary_flags():
    data = json.loads(render(_result(), "json"))
    assert data["pairs"][0]["details"] == {"numbers": {"missing": ["7,5"], "added": ["75"]}}
    assert data["pairs"][1]["flags"] == ["names"]
    assert data["summary_flags"] == ["unsupported"]
    assert data["summary_details"][0]["numbers"] == ["9"]


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_every_format_shows_the_details(fmt):
    out = render(_result(), fmt)
    assert "numbers: missing 7,5; added 75" in out
    assert "names: missing Jens, Stoltenberg" in out
    assert ("Not in the article" if fmt == "html" else "unsupported") in out and "numbers 9; names Boris" in out


def test_html_report_stays_well_formed_with_details():
    page = render(_result(), "html")
    root = ET.fromstring(page.split("\n", 1)[1])
    text = "".join(root.itertext())
    assert "Summary flagged: Not in the article" in text  # the human label of "unsupported"
    assert "Boris <Johnson> said" in text  # escaped in the markup, intact as text
    titles = [el.get("title") for el in root.iter() if el.get("title")]
    assert any("numbers: missing 7,5; added 75" in title for title in titles)


def test_summary_flags_alone_make_a_result_flagged():
    result = _result()
    for pair in result.pairs:
        pair.flags, pair.details = [], {}
    assert is_flagged(result) and result.flagged
    assert not is_flagged(_result(summary_flags=()), flags=["copy"])
    clean = _result(summary_flags=())
    for pair in clean.pairs:
        pair.flags = []
    assert not is_flagged(clean) and not clean.flagged
    assert "SUMMARY FLAGGED" not in render(clean, "text")
