"""Issue 25 through read_document: what follows the article is set aside (and listed), a body split
across containers is read whole and in order, and JSON-LD ``articleBody`` brings back what the
publisher counts as the article.  Pages: tests/extraction_pages_tail.py and _variants.py."""

from __future__ import annotations

import json
import re

import pytest

from summarise import articlebody
from summarise.reading import read_document
from tests.extraction_corpus import ISSUE25_PAGES, Page
from tests.extraction_pages_tail import CLASSES, ESD_BODY, FR_COMMENTS, MAG_BODY, MAG_PULL, TV_BODY
from tests.extraction_pages_variants import RUJ_BODY


def _page(name: str) -> Page:
    return next(page for page in ISSUE25_PAGES if page.name == name)


def _read(html: str):
    return read_document(html.encode("utf-8"), name="page.html")


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_every_class_of_the_issue_has_pages_in_several_languages() -> None:
    layouts = " ".join(page.layout for page in ISSUE25_PAGES)
    assert [c for c in CLASSES if c not in layouts] == []
    assert len({page.lang for page in ISSUE25_PAGES}) >= 9
    assert {"fr", "de", "es", "ar", "ru", "zh", "ja"} <= {page.lang for page in ISSUE25_PAGES}
    for page in ISSUE25_PAGES:  # the whole body is expected, not a sample
        assert len(page.expected) >= 4 and len(page.unwanted) >= 4, page.name


def test_what_is_set_aside_is_listed_with_its_reason() -> None:
    doc = _read(_page("fr-viafoura-comments").html)
    listed = doc.metadata["set_aside"]
    assert all(set(block) == {"reason", "text"} and block["text"] for block in listed)
    comments = " ".join(block["text"] for block in listed if block["reason"] == "comments")
    assert all(_flat(c) in comments for c in FR_COMMENTS)
    assert not any(_flat(c) in _flat(doc.text) for c in FR_COMMENTS)

    reasons = {block["reason"] for block in _read(_page("pt-promos").html).metadata["set_aside"]}
    assert "promo" in reasons
    reasons = {block["reason"] for block in _read(_page("de-forum-thread").html).metadata["set_aside"]}
    assert "comments" in reasons  # by its shape: posts with a time and buttons, no telling names


def test_a_page_with_nothing_to_set_aside_lists_nothing() -> None:
    html = ("<html><body><article><h1>Titre</h1>"
            + "".join(f"<p>Paragraphe numéro {i} de l'article, assez long pour être de la prose véritable et complète.</p>" for i in range(4))
            + "</article></body></html>")
    assert "set_aside" not in _read(html).metadata


@pytest.mark.parametrize("name, body", [("en-magazine-split", MAG_BODY), ("de-tv-lazy", TV_BODY), ("es-drupal-lazy", ESD_BODY)])
def test_a_split_body_is_read_whole_and_in_order(name: str, body: tuple[str, ...]) -> None:
    text = _flat(_read(_page(name).html).text)
    positions = [text.find(_flat(p)) for p in body]
    assert -1 not in positions and positions == sorted(positions)


def test_what_lies_between_body_parts_stays_out() -> None:
    text = _read(_page("en-magazine-split").html).text
    assert MAG_PULL not in text and "View this post on Instagram" not in text and "Advertisement" not in text


def test_json_ld_article_body_brings_back_paragraphs_out_of_reach() -> None:
    html = _page("ru-json-ld-deferred").html
    text = _flat(_read(html).text)
    positions = [text.find(_flat(p)) for p in RUJ_BODY]
    assert -1 not in positions and positions == sorted(positions)
    # without the evidence the deferred paragraphs are not found: it is JSON-LD that decides
    bare = _flat(_read(re.sub(r'<script type="application/ld\+json">.*?</script>', "", html)).text)
    assert _flat(RUJ_BODY[-1]) not in bare and _flat(RUJ_BODY[0]) in bare


def test_json_ld_never_adds_text_the_page_does_not_show() -> None:
    html = _page("ru-json-ld-deferred").html
    invented = "Этого абзаца нет на странице, он есть только в разметке JSON-LD и не должен появиться в тексте статьи."
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1)
    data = json.loads(ld)
    data["articleBody"] += " " + invented
    html = html.replace(ld, json.dumps(data, ensure_ascii=False))
    assert invented not in _read(html).text


def test_json_ld_teaser_is_no_evidence() -> None:
    html = ('<html><head><script type="application/ld+json">{"@type": "NewsArticle", "articleBody": "Court résumé."}</script>'
            "</head><body><h1>T</h1><p>" + "Un paragraphe de prose assez long pour compter comme article. " * 3 + "</p></body></html>")
    root = _tree(html)
    assert articlebody.json_ld_body(root) == ""


def _tree(html: str):
    from trafilatura.utils import load_html

    return load_html(html)


@pytest.mark.parametrize("attributes, reason", [
    ('class="comments-area"', "comments"),
    ('id="disqus_thread"', "comments"),
    ('class="vf-comment"', "comments"),
    ('class="commentary"', None),  # an opinion column, not comments
    ('class="c-recirc-module"', "more stories"),
    ('data-component="moreStories"', "more stories"),
    ('class="most-read"', "more stories"),
    ('class="author-bio"', "author block"),
    ('class="league-table"', "score table"),
    ('class="nl-signup-inline"', "promo"),
    ('class="paywall paywall--hard"', "promo"),
    ('class="ad__slot"', "ad"),
    ('class="header-bar"', None),  # "ad" is a word of its own, never a piece of one
    ('class="body__inner-container"', None),
    ('class="pullquote"', "pull quote"),
    ('role="complementary"', "more stories"),
    ('itemprop="comment"', "comments"),
    ('class="comment-list" itemprop="articleBody"', None),  # the publisher's own word wins
])
def test_markup_signals(attributes: str, reason: str | None) -> None:
    root = _tree(f"<html><body><div {attributes}>x</div></body></html>")
    assert articlebody.marker_reason(root.find(".//div")) == reason


@pytest.mark.parametrize("wrapper", ['<div class="post has-comments">', '<div class="related-wrapper">', '<div class="promo-page">'])
def test_a_container_that_holds_the_article_is_never_set_aside(wrapper: str) -> None:
    paragraphs = [f"Le paragraphe {i} de l'article raconte ce qui s'est passé au conseil municipal jeudi soir." for i in range(4)]
    html = f"<html><body>{wrapper}<h1>Le conseil vote le budget</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div></body></html>"
    text = _flat(_read(html).text)
    assert all(p in text for p in paragraphs)


def test_a_link_list_of_headlines_is_set_aside_but_links_in_prose_stay() -> None:
    prose = ("Le maire a présenté <a href='/budget'>le budget</a> jeudi, après <a href='/vote'>le vote</a> "
             "du conseil et <a href='/debat'>un long débat</a> sur les écoles de la ville.")
    headlines = "".join(f"<li><a href='/n{i}'>Titre d'un autre article numéro {i}</a></li>" for i in range(5))
    html = (f"<html><body><article><h1>Budget voté</h1><p>{prose}</p><p>{prose}</p><p>{prose}</p>"
            f"<ul>{headlines}</ul></article></body></html>")
    doc = _read(html)
    assert "le budget jeudi" in _flat(doc.text)
    assert "Titre d'un autre article" not in doc.text
    assert any(block["reason"] == "link list" for block in doc.metadata["set_aside"])
