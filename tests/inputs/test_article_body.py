"""Issue 25 through read_document: what follows the article is set aside (and listed), a body split
across containers is read whole and in order, and JSON-LD ``articleBody`` brings back what the
publisher counts as the article.  Pages: tests/extraction_pages_tail.py and _variants.py."""

from __future__ import annotations

import json
import re

import pytest

from summarise.inputs import _articlebody as articlebody, read_document
from tests.support.extraction_corpus import ISSUE25_PAGES, Page
from tests.support.extraction_pages_tail import CLASSES, ESD_BODY, FR_COMMENTS, MAG_BODY, MAG_PULL, TV_BODY
from tests.support.extraction_pages_variants import RUJ_BODY


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


_PROSE = "Le conseil municipal a débattu pendant trois heures du projet avant de l'adopter à une large majorité jeudi soir."


def test_a_timeline_of_dated_events_is_article_text_not_a_thread() -> None:
    events = [f"Le {d} mars, la commission a rendu un avis sur le tracé et demandé des études complémentaires ({d})." for d in (3, 9, 17, 24)]
    items = "".join(f'<li class="step"><time datetime="2025-03-{d:02d}">{d} mars</time><p>{e}</p></li>'
                    for d, e in zip((3, 9, 17, 24), events))
    html = f"<html><body><article><h1>Chronologie</h1><p>{_PROSE}</p><p>{_PROSE}</p><ol class='timeline'>{items}</ol></article></body></html>"
    text = _flat(_read(html).text)
    assert all(_flat(e) in text for e in events)


def test_a_thread_is_known_by_its_repeated_action_line() -> None:
    posts = [f"Avis de lecteur numéro {i} : je trouve que ce projet arrive bien trop tard pour notre quartier." for i in range(3)]
    items = "".join(f'<div class="msg"><b>lecteur{i}</b><time>{i} h</time><p>{p}</p><a class="x" href="#r">Répondre</a></div>'
                    for i, p in enumerate(posts))
    html = f"<html><body><article><h1>Projet</h1><p>{_PROSE}</p><p>{_PROSE}</p></article><div class='zone'>{items}</div></body></html>"
    doc = _read(html)
    assert not any(p in doc.text for p in posts)
    assert any(block["reason"] == "comments" for block in doc.metadata["set_aside"])


def test_a_subheading_between_body_parts_keeps_its_place() -> None:
    part = '<div class="article-body">{}</div>'
    first = "".join(f"<p>Premier volet, paragraphe {i} : {_PROSE}</p>" for i in range(5))
    second = f"<p>Second volet : {_PROSE}</p>"
    html = (f"<html><body><article><h1>Titre</h1><div class='wrap'>{part.format(first)}<div class='ad-slot'></div>"
            f"<h2>Ce que dit l'opposition</h2>{part.format(second)}</div></article></body></html>")
    text = _flat(_read(html).text)
    assert text.find("Premier volet, paragraphe 4") < text.find("Ce que dit l'opposition") < text.find("Second volet")


def test_a_lazy_part_named_like_a_placeholder_is_kept_when_it_holds_prose() -> None:
    first = "".join(f"<p>Début, paragraphe {i} : {_PROSE}</p>" for i in range(5))
    rest = "".join(f"<p>Suite, paragraphe {i} : {_PROSE}</p>" for i in range(2))
    html = (f"<html><body><main><h1>Titre</h1><div class='story'><div class='story-text'>{first}</div>"
            f"<div class='story-text is-loading'>{rest}</div></div></main></body></html>")
    text = _flat(_read(html).text)
    assert "Suite, paragraphe 0" in text and "Suite, paragraphe 1" in text


def test_a_body_of_many_text_blocks_is_read_whole_when_the_longest_is_not_the_first() -> None:
    blocks = [f"<p>Bloc {i} : {_PROSE}</p>" * (1 if i != 2 else 4) for i in range(4)]
    html = ("<html><body><h1>Titre</h1><div class='story'>"
            + "<figure class='image-block'><img src='x.jpg'><figcaption>Photo</figcaption></figure>".join(
                f'<div class="article-body" data-component="text-block">{b}</div>' for b in blocks)
            + "</div></body></html>")
    text = _flat(_read(html).text)
    positions = [text.find(f"Bloc {i} :") for i in range(4)]
    assert -1 not in positions and positions == sorted(positions)


def test_an_inline_span_named_like_a_block_is_not_set_aside() -> None:
    # (trafilatura itself drops some such spans, "related" among them: that is its own rule, not ours)
    sentence = ("Le maire a rappelé <span class='related'>le vote de l'an dernier</span> avant de présenter "
                "le nouveau budget de la ville au conseil municipal réuni jeudi soir.")
    root = _tree(f"<html><body><article><h1>Budget</h1><p>{sentence}</p><p>{_PROSE}</p><p>{_PROSE}</p></article></body></html>")
    assert articlebody.set_aside_blocks(root) == []
    assert "rappelé le vote de l'an dernier avant" in _flat(root.find(".//p").text_content())


def test_an_faq_accordion_after_the_body_is_article_text() -> None:
    answers = [f"Réponse {i} : la ville financera le projet sur trois ans, avec l'aide de la région et de l'État." for i in range(4)]
    items = "".join(f'<div class="faq-item"><button>Question {i} ?</button><div class="faq-answer"><p>{a}</p></div></div>'
                    for i, a in enumerate(answers))
    html = (f"<html><body><article><h1>Le budget en questions</h1><div class='body'><p>{_PROSE}</p><p>{_PROSE}</p><p>{_PROSE}</p></div>"
            f"<div class='faq'>{items}</div></article></body></html>")
    root = _tree(html)
    assert articlebody.set_aside_blocks(root) == []


def test_a_picture_and_its_caption_beside_the_body_is_no_body_part() -> None:
    caption = "Le conseil municipal réuni jeudi soir dans la salle des fêtes, où le budget a été adopté après trois heures."
    body = "".join(f"<p>Paragraphe {i} : {_PROSE}</p>" for i in range(4))
    root = _tree(f"<html><body><main><h1>T</h1><div class='col'><div class='text'>{body}</div>"
                 f"<div class='photo'><img src='a.jpg'><p>{caption}</p></div></div></main></body></html>")
    assert articlebody.gather_body(root) == 0


def test_a_sidebar_of_prose_is_set_aside_not_gathered() -> None:
    about = "Ce blog raconte depuis 2009 la vie politique de la ville, ses conseils municipaux et ses débats budgétaires."
    body = "".join(f"<p>Paragraphe {i} : {_PROSE}</p>" for i in range(4))
    html = (f"<html><body><h1>T</h1><div class='row'><div class='col-main'><div class='text'>{body}</div></div>"
            f"<div id='secondary' class='widget-area'><p>{about}</p></div></div></body></html>")
    doc = _read(html)
    assert about not in doc.text and any(block["reason"] == "sidebar" for block in doc.metadata["set_aside"])


@pytest.mark.parametrize("block", [
    "<div class='tags'>" + "".join(f"<a href='/tag/{t}'>{t}</a> " for t in ("Nantes", "Tramway", "Transports", "Rezé", "Budget")) + "</div>",
    "<ul>" + "".join(f"<li><a href='/c/{i}'>COMMUNE_{i}</a> : subvention de {i} millions pour les écoles</li>" for i in range(5)) + "</ul>",
])
def test_lists_that_are_not_headline_lists_stay(block: str) -> None:
    root = _tree(f"<html><body><article><h1>T</h1><p>{_PROSE}</p><p>{_PROSE}</p>{block}</article></body></html>")
    assert [b.reason for b in articlebody.set_aside_blocks(root)] == []


def test_a_page_made_of_linked_items_keeps_them() -> None:
    sections = "".join(
        f"<h2>Version 1.{v}</h2><ul>" + "".join(f"<li><a href='/pr/{v}{i}'>Stabilise the feature number {i} of release {v}</a></li>" for i in range(5)) + "</ul>"
        for v in range(6)
    )
    root = _tree(f"<html><body><main><h1>Releases</h1><p>{_PROSE}</p>{sections}</main></body></html>")
    assert articlebody.set_aside_blocks(root) == []


@pytest.mark.parametrize("date", ["12.03.2025, 14:05", "March 3, 2025 at 9:12 am", "il y a 2 h", "3 小时前"])
def test_a_thread_dated_in_plain_text_is_known_by_its_repeated_action_line(date: str) -> None:
    posts = [f"Reader view number {i}: the council should have consulted the residents of the estate before deciding." for i in range(3)]
    items = "".join(f'<div class="talk-item"><b>reader{i}</b><span class="meta">{date}</span><p>{p}</p><a href="#r{i}">Reply</a></div>'
                    for i, p in enumerate(posts))
    root = _tree(f"<html><body><article><h1>Estate</h1><p>{_PROSE}</p><p>{_PROSE}</p></article><div class='talk'>{items}</div></body></html>")
    assert [b.reason for b in articlebody.set_aside_blocks(root)] == ["comments"]


def test_set_aside_has_a_short_repr_and_its_dict_holds_everything() -> None:
    block = articlebody.SetAside("comments", "x" * 500)
    assert len(repr(block)) < 100 and "500 chars" in repr(block)
    assert block.to_dict() == {"reason": "comments", "text": "x" * 500}


def test_json_ld_does_not_repeat_a_paragraph_the_extractor_trimmed() -> None:
    paragraphs = [f"Paragraphe {i} du compte rendu : {_PROSE}" for i in range(4)]
    trimmed = ("Le maire a rappelé <span class='related'>le vote de l'an dernier</span> avant de présenter "
               "le nouveau budget de la ville au conseil municipal réuni jeudi soir.")
    ld = json.dumps({"@type": "NewsArticle", "articleBody": " ".join(paragraphs) + " Le maire a rappelé le vote de l'an dernier avant "
                     "de présenter le nouveau budget de la ville au conseil municipal réuni jeudi soir."}, ensure_ascii=False)
    html = (f'<html><head><script type="application/ld+json">{ld}</script></head><body><article><h1>Budget</h1>'
            + "".join(f"<p>{p}</p>" for p in paragraphs) + f"<p>{trimmed}</p></article></body></html>")
    text = _read(html).text
    assert text.count("Le maire a rappelé") == 1
