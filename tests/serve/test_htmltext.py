"""serve's HTML in, HTML out: flows through inline tags, their markers, and the way back."""

from __future__ import annotations

import pytest

from summarise.serve import _htmltext as htmltext
from summarise.serve._htmltext import MARKERS, Flow


def _split(fragment: str) -> tuple[list, list[Flow]]:
    segments = htmltext.segments(htmltext.cut(fragment))
    return segments, [segment for segment in segments if isinstance(segment, Flow)]


@pytest.mark.parametrize("fragment", [
    '<p>Le <b>président</b> a dit. Il <a href="https://x.fr/a?b=1&amp;c=2">part</a>.</p><p>Bonjour.</p>',
    "le <b><i>mot</i></b> suivant",
    "<b>Titre</b>\n<ul>\n  <li>Un</li>\n</ul>",
    "3 &lt; 4 <p>x &amp; y</p>",
    '<p> « <em>Non</em> » </p><script>var s = "<b>";</script>',
])
def test_a_fragment_comes_back_as_it_came_when_nothing_is_translated(fragment):
    segments, flows = _split(fragment)
    assert htmltext.join(segments, [flow.original() for flow in flows]) == fragment


def test_a_flow_takes_its_inline_tags_as_markers_and_puts_them_back_glued_as_they_were():
    _, (flow,) = _split("le <b><i>mot</i></b>, suivant")
    assert flow.text() == f"le {MARKERS[0]} {MARKERS[1]} mot {MARKERS[2]} {MARKERS[3]} , suivant"
    translated = f"the {MARKERS[0]} {MARKERS[1]} word {MARKERS[2]} {MARKERS[3]} , next & more"
    assert flow.rebuild(translated) == "the <b><i>word</i></b>, next &amp; more"


@pytest.mark.parametrize("markers", [(1, 0), (0,), (0, 1, 1)])
def test_markers_out_of_order_lost_or_repeated_give_no_rebuild(markers):
    _, (flow,) = _split("un <b>mot</b> ici")
    assert flow.rebuild(" ".join(["a", *(MARKERS[m] for m in markers), "b"])) is None
    assert flow.fill(["A", "WORD", "HERE"]) == "A <b>WORD</b> HERE"


def test_block_tags_end_a_flow_and_blank_edges_stay_outside():
    segments, flows = _split("<p>Un <b>deux</b></p><p>  trois  </p>")
    assert [flow.text() for flow in flows] == [f"Un {MARKERS[0]} deux", "trois"]
    assert htmltext.join(segments, ["One <b>two", "three"]) == "<p>One <b>two</b></p><p>  three  </p>"


@pytest.mark.parametrize("fragment, markup", [
    ('<svg><![CDATA[x < y]]><text>Bonjour</text></svg>', "<![CDATA[x < y]]>"),
    ("<p>Le texte</p><![CDATA[ jamais fermé <b>gras</b>", "<![CDATA[ jamais fermé <b>gras</b>"),
    ("<p>Le texte</p><!-- jamais fermé, rien à traduire", "<!-- jamais fermé, rien à traduire"),
    ("<p>Le texte</p><!-- note -- > encore -->", "<!-- note -- > encore -->"),
    ("<p>Le texte</p><!--->suite", "<!--->"),
    ("<p>Le texte</p><!-- a --!>suite", "<!-- a --!>"),
    ("<p>Le texte</p><!bizarre déclaration>", "<!bizarre déclaration>"),
    ("<!DOCTYPE html><p>Le texte<?php echo 1 ?></p>", "<?php echo 1 ?>"),
])
def test_cdata_comments_and_declarations_go_out_as_they_came(fragment, markup):
    """Issue 27, class 13: rebuilt from the parser's insides, "<![CDATA[x]]>" became "<![CDATA[x]>" (which
    swallows the rest of an SVG) and an unterminated comment became visible text to translate."""
    pieces = htmltext.cut(fragment)
    assert markup in [piece.text for piece in pieces if piece.markup]
    assert not any(markup in piece.text for piece in pieces if piece.translate)
    segments, flows = _split(fragment)
    assert htmltext.join(segments, [flow.original() for flow in flows]) == fragment
    assert htmltext.join(segments, [flow.original().upper() for flow in flows]).count(markup) == 1
