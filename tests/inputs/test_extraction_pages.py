"""HTML extraction on real-shaped pages: wrappers, tables, furniture (tests/extraction_pages.py), and
what follows the article or splits its body (tests/extraction_pages_tail.py, _variants.py; issue 25)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from summarise.inputs import read_document
from tests.support.extraction_corpus import ALL_PAGES, PAGES, Page


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("page", ALL_PAGES, ids=[page.name for page in ALL_PAGES])
def test_page_keeps_the_article_and_leaves_the_furniture(page: Page) -> None:
    text = _flat(read_document(page.html.encode("utf-8"), name=f"{page.name}.html").text)
    assert [s for s in page.expected if _flat(s) not in text] == []
    assert [s for s in page.unwanted if _flat(s) in text] == []


def test_corpus_covers_every_layout_and_script() -> None:
    layouts = " ".join(page.layout for page in PAGES)
    for shape in ("aspnet form", "noscript", "table layout", "modern", "<br> paragraphs", "data table"):
        assert shape in layouts
    assert {"ar", "ru", "uk", "zh", "ja"} <= {page.lang for page in PAGES}  # non-Latin scripts
    assert len({page.lang for page in PAGES}) >= 14
    assert all(len(page.expected) >= 3 and len(page.unwanted) >= 4 for page in PAGES)


@pytest.mark.parametrize("name", ["fr-aspnet", "de-noscript", "tr-aspnet-span", "fi-noscript-tables"])
def test_fallback_parser_reads_inside_page_wide_wrappers(monkeypatch, name: str) -> None:
    import trafilatura

    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *args, **kwargs: None)
    page = next(page for page in PAGES if page.name == name)
    text = _flat(read_document(page.html.encode("utf-8"), name="page.html").text)
    assert [s for s in page.expected if _flat(s) not in text] == []
    assert "dataLayer" not in text


def test_fallback_parser_still_skips_small_forms(monkeypatch) -> None:
    import trafilatura

    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *args, **kwargs: None)
    page = next(page for page in PAGES if page.name == "en-modern")
    text = read_document(page.html.encode("utf-8"), name="page.html").text
    assert "Ferry services between Dover and Calais" in text
    assert "Sign up to the morning briefing newsletter" not in text  # a newsletter <form>


def test_layout_table_paragraphs_stay_paragraphs() -> None:
    page = next(page for page in PAGES if page.name == "es-tables-cells")
    text = read_document(page.html.encode("utf-8"), name="page.html").text
    paragraphs = text.split("\n\n")
    assert any(p.startswith("El Ayuntamiento de Valencia aprobó") for p in paragraphs)
    assert any(p.startswith("La concejala de Medio Ambiente") for p in paragraphs)
    assert "|" not in text


def test_a_javascript_notice_is_not_an_article() -> None:
    from summarise.errors import InputError

    page = (
        b'<html><head><title>App</title></head><body><div id="root"></div>'
        b"<noscript>Vous devez activer JavaScript pour utiliser ce site.</noscript>"
        b'<form action="/search"><input name="q"><button>Rechercher</button></form></body></html>'
    )
    with pytest.raises(InputError, match="no article text found"):
        read_document(page, name="page.html")


def test_json_ld_metadata_survives_the_pruning() -> None:
    page = next(page for page in PAGES if page.name == "fr-aspnet")
    ld = '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", ' \
         '"author": {"@type": "Person", "name": "Hélène Castan"}, "datePublished": "2024-05-16T08:00:00+02:00"}</script>'
    html = page.html.replace("</head>", ld + "</head>")
    doc = read_document(html.encode("utf-8"), name="page.html")
    assert doc.metadata.get("author") == "Hélène Castan"
    assert doc.metadata.get("date", "").startswith("2024-05-16")


def test_a_short_result_is_compared_with_plain_trafilatura(monkeypatch) -> None:
    from summarise.inputs import _extracting as extracting

    original = extracting.extract_pruned

    def pruned_finds_little(html: str):
        pruned = original(html)
        first = pruned.extracted["text"].split("\n")[0]
        return replace(pruned, extracted={**pruned.extracted, "text": first})  # as if our pass kept one paragraph

    monkeypatch.setattr(extracting, "extract_pruned", pruned_finds_little)
    page = next(page for page in PAGES if page.name == "fr-modern")
    text = _flat(read_document(page.html.encode("utf-8"), name="page.html").text)
    assert [s for s in page.expected if _flat(s) not in text] == []  # plain's longer result won
    assert [s for s in page.unwanted if _flat(s) in text] == []
