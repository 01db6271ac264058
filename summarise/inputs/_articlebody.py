"""Where the article's body is on a page, and which blocks near it are not the article.

Used by :mod:`summarise.extracting` on the parsed page (an lxml tree) before trafilatura reads
it, because trafilatura takes the *first* element that looks like a body and keeps what that
element holds:

* a magazine body split across sibling containers (ads, pull quotes and embeds between them),
  or a template that lazy-renders later paragraphs into another block, loses everything after
  the first container -- :func:`gather_body` moves the later parts into the first one;
* a comment or forum thread, a "more stories" / trending / related-video block, an author box,
  a score table or a newsletter or paywall promo inside the article's container is kept as
  article text -- :func:`set_aside_blocks` takes such blocks out and says what each was.

The signals are markup (class, id, ``data-*`` component names, ARIA roles, schema.org
``itemprop``) and text (lists of headline links; repeated dated items with reply buttons or a
shared action line, as user posts have).  The main container found by paragraph prose is never set aside, nor anything that
holds it or the page's ``<h1>``.  :func:`json_ld_body` and :func:`supported_by` let the caller
check an extraction against the publisher's own JSON-LD ``articleBody``.

Nothing here imports lxml: it works on the elements it is given.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

__all__ = [
    "SetAside", "find_main_container", "gather_body", "json_ld_body", "marker_reason", "prose_paragraphs",
    "set_aside_blocks", "supported_by", "text_reason", "words",
]

#: Why a block is not the article: (reason, pattern over its lowercased class, id and component
#: names).  Words are matched between separators (``-``, ``_``, spaces), so ``ad`` never matches
#: ``header`` and ``comment`` never matches ``commentary``.
_MARKERS: tuple[tuple[str, str], ...] = (
    ("comments", r"comments?|commentaires?|kommentare?|comentarios?|commenti|reacties|disqus(_thread)?|coral(-talk)?|viafoura|"
                 r"discussions?|conversations?|reader-?(comments|reactions|forum)|user-?comments|respond|reply-?form"),
    ("more stories", r"related(-?(articles?|posts?|news|stories|content|links|videos?))?|recirc(ulation)?|more-?(stories|news|articles|from(-\w+)?)|"
                     r"read-?(next|more-?stories)|up-?next|also-?read|trending|popular|most-?(read|viewed|popular|shared)|"
                     r"recommend(ed|ations?)?|outbrain|taboola|headline-?list|news-?list|rel-?news|hot-?(rank|list|news)"),
    ("author block", r"author-?(bio|box|card|info|profile|details)|about-?(the-?)?author|contributor-?bio|byline-?bio"),
    ("score table", r"scores?(board|s)?|standings|league-?table|fixtures|match-?(results|centre|center)|live-?scores?|results-?table"),
    ("promo", r"newsletters?|nl-?(signup|box|promo|inline)|sign-?up|subscri(be|ption)s?|paywall|piano(-\w+)?|promos?|paid-?content|"
              r"premium-?(box|promo|offer)|registration-?wall|regwall"),
    ("ad", r"ads?|adv|advert(isement|ising)?s?|ad-?(slot|unit|container|wrapper|box)|dfp(-\w+)?|gpt-?ad|inread|sponsored|banner-?ad"),
    ("sidebar", r"sidebar|side-?bar|right-?rail|rail|widget-?area"),
    ("pull quote", r"pull-?quotes?|pullquote-?embed|exergue|citation-?exergue|quote-?pull"),
    ("placeholder", r"loader|loading|spinner|skeleton|placeholder"),
    ("embed", r"embed|social-?embed|instagram(-media)?|twitter-?tweet|tiktok-?embed|video-?(player|container|playlist|embed|block)|jwplayer"),
)
_REASON_ORDER = {reason: i for i, (reason, _) in enumerate(_MARKERS)}
_REASON_GROUPS = {f"m{i}": reason for i, (reason, _) in enumerate(_MARKERS)}
#: One pass over the names: the first marker in table order that matches anywhere gives the reason.
_MARKER_RE = re.compile("|".join(rf"(?:^|[\s_\-:/])(?P<m{i}>{pattern})(?=$|[\s_\-:/])" for i, (_, pattern) in enumerate(_MARKERS)))
#: Kinds of block that hold no article text: one holding two paragraphs of prose is not one of
#: them, whatever its name says (a lazy-rendered part of the body named "is-loading", say).
_TEXTLESS_KINDS = frozenset({"ad", "embed", "placeholder", "pull quote"})
#: ARIA roles and schema.org properties of blocks that are not the article.
_ROLES = {"complementary": "more stories", "contentinfo": "footer", "navigation": "navigation", "comment": "comments"}
_ITEMPROPS = {"comment": "comments", "comments": "comments"}
_SIGNAL_ATTRIBUTES = ("class", "id", "data-component", "data-module", "data-widget", "data-fusion-component", "data-type")
#: What a paragraph of text may hold; a <div> holding anything else is a container, not a paragraph.
_INLINE = frozenset({"a", "span", "b", "i", "em", "strong", "br", "small", "sup", "sub", "abbr", "time", "mark", "u", "s",
                     "code", "q", "cite", "img", "font", "bdi", "bdo", "wbr", "del", "ins", "kbd", "var", "dfn"})
_BLOCKS = ("div", "section", "aside", "ul", "ol", "table", "figure", "blockquote", "details", "article", "footer", "form", "dl")

#: A paragraph of prose: this many characters outside links, at most this share of it in links.
PROSE_CHARS = 80
PROSE_LINK_SHARE = 0.3
#: A link list: at least this many links to other pages holding at least this share of the
#: block's text, no paragraph of prose, and (for <ul>/<ol>) items that are links with little
#: else: a headline list.  "NAME: what it does" items, with more than a label beside the link, stay.
LINK_LIST_LINKS = 4
LINK_LIST_SHARE = 0.75
#: ... and most links worded like headlines (this many words, or twice as many CJK characters):
#: tag rows and code or grammar cross-references are single words and stay.
HEADLINE_WORDS = 3
#: More headline lists than this on one page, or more text in them than in the main container:
#: the lists are the page (a changelog, a briefing of linked items), and stay.
MAX_LINK_LISTS = 4
LINK_LIST = "link list"
#: A thread: at least this many sibling items of one kind, most of them dated and with buttons
#: or a shared short action line.
THREAD_ITEMS = 3
#: How far up from the main container later body parts are looked for (siblings of the container,
#: of its parent, of its grandparent), never past an <article>, <main> or <body>.
GATHER_LEVELS = 3


@dataclass(frozen=True)
class SetAside:
    """A block taken out of the page before extraction, and why."""

    reason: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"reason": self.reason, "text": self.text}

    def __repr__(self) -> str:  # a comment thread can be long: the repr names it, to_dict() holds it
        text = self.text if len(self.text) <= 40 else f"{self.text[:40]}… ({len(self.text)} chars)"
        return f"SetAside({self.reason!r}, {text!r})"


def _flat(text: str | None) -> str:
    return " ".join((text or "").split())


def _text(element: Any) -> str:
    return _flat(element.text_content())


def _link_chars(element: Any) -> int:
    return sum(len(_text(a)) for a in element.iter("a"))


def _signals(element: Any) -> str:
    values = (element.get(name) for name in _SIGNAL_ATTRIBUTES)
    # camelCase names ("moreStories", "articleBody") read as words
    joined = " ".join(v for v in values if v)
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "-", joined).lower()


def marker_reason(element: Any) -> str | None:
    """Why the element's own markup says it is not the article, or None."""
    role = (element.get("role") or "").lower()
    if role in _ROLES:
        return _ROLES[role]
    prop = (element.get("itemprop") or "").lower()
    if prop in _ITEMPROPS:
        return _ITEMPROPS[prop]
    if "articlebody" in prop:
        return None
    signals = _signals(element)
    if not signals:
        return None
    found = [match.lastgroup for match in _MARKER_RE.finditer(" " + signals)]
    if not found:
        return None
    return min((_REASON_GROUPS[group] for group in found), key=_REASON_ORDER.__getitem__)


def prose_paragraphs(root: Any) -> list[Any]:
    """Paragraphs of prose: ``<p>`` (or a leaf ``<div>`` of text) with ``PROSE_CHARS`` outside links."""
    found = []
    for element in root.iter("p", "div"):
        if element.tag == "div" and any(child.tag not in _INLINE for child in element if isinstance(child.tag, str)):
            continue
        text = _text(element)
        links = _link_chars(element)
        if len(text) - links >= PROSE_CHARS and links <= PROSE_LINK_SHARE * len(text):
            found.append(element)
    return found


def find_main_container(root: Any, paragraphs: list[Any] | None = None) -> Any | None:
    """The element that holds the most paragraph prose directly (readability's idea, simply):
    each prose paragraph credits its parent with its length and its grandparent with half.
    ``paragraphs``: :func:`prose_paragraphs` of ``root`` when the caller has them already."""
    scores: Counter[Any] = Counter()
    for paragraph in prose_paragraphs(root) if paragraphs is None else paragraphs:
        length = len(_text(paragraph))
        parent = paragraph.getparent()
        if parent is None:
            continue
        scores[parent] += length
        grandparent = parent.getparent()
        if grandparent is not None and grandparent.tag not in ("body", "html"):
            scores[grandparent] += length // 2
    if not scores:
        return None
    best, _ = scores.most_common(1)[0]
    return best


def _protected(root: Any, main: Any | None) -> set[Any]:
    """The main container, its ancestors, and the ancestors of the page's <h1>: never set aside."""
    keep: set[Any] = set()
    anchors = [main] if main is not None else []
    anchors.extend(root.iter("h1"))
    anchors.extend(e for e in root.iterfind(".//*[@itemprop]") if e.get("itemprop").lower() == "articlebody")
    for anchor in anchors:
        keep.add(anchor)
        keep.update(anchor.iterancestors())
    return keep


def _thread_items(element: Any) -> bool:
    """Three or more children of one kind, most of them dated (a <time>) and with buttons or the
    same short action line ("Reply", "Répondre", "返信"): posts of a thread.  A timeline of dated
    events has no actions, an FAQ accordion has buttons but no dates: both stay."""
    if len(element) < THREAD_ITEMS:
        return False
    kinds = Counter((child.tag, child.get("class") or "") for child in element if isinstance(child.tag, str))
    if not kinds:
        return False
    (tag, cls), count = kinds.most_common(1)[0]
    if count < THREAD_ITEMS:
        return False
    items = [child for child in element if child.tag == tag and (child.get("class") or "") == cls]
    dated = [item for item in items if _dated(item)]
    if len(dated) * 2 <= len(items):
        return False
    if sum(1 for item in dated if next(item.iter("button"), None) is not None) * 2 > len(dated):
        return True
    lines = Counter(line for item in dated for line in {_flat(leaf.text) for leaf in item.iter() if _is_action_line(leaf)})
    return any(count * 3 >= 2 * len(dated) for count in lines.values())


#: A short line that dates a post: "12.03.2025, 14:05", "March 3, 2025 at 9:12 am", "il y a 2 h".
_DATE_LINE = re.compile(
    r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}[:h]\s?\d{2}|\b(ago|il y a|vor|hace|fa|geleden|назад|前)\b"
    r"|\d+\s?(分钟|小时|天|分|時間|日)前", re.IGNORECASE)


def _dated(item: Any) -> bool:
    """A <time>, or a short line of its own that reads as a date or a time of day."""
    if next(item.iter("time"), None) is not None:
        return True
    return any(isinstance(leaf.tag, str) and 0 < len(t := _flat(leaf.text)) <= 40 and _DATE_LINE.search(t)
               for leaf in item.iter())


def _is_action_line(element: Any) -> bool:
    text = _flat(element.text if isinstance(element.tag, str) else "")
    return 0 < len(text) <= 24 and not any(c.isdigit() for c in text) and element.tag not in ("time", "p")


def _link_list(element: Any) -> bool:
    """Mostly links to other pages, several of them, and no paragraph of prose: a list of headlines."""
    links = [a for a in element.iterfind(".//a") if not (a.get("href") or "").startswith("#")]
    if len(links) < LINK_LIST_LINKS:
        return False
    text = _text(element)
    if not text or sum(len(_text(a)) for a in links) < LINK_LIST_SHARE * len(text):
        return False
    if sum(1 for a in links if _headline_like(_text(a))) * 2 < len(links):
        return False
    if element.tag in ("ul", "ol"):
        items = [li for li in element if li.tag == "li"]
        headlines = sum(1 for li in items if (t := len(_text(li))) and _link_chars(li) >= LINK_LIST_SHARE * t)
        if headlines < 0.8 * len(items):
            return False
    return not prose_paragraphs(element)


def _headline_like(text: str) -> bool:
    dense = sum(1 for c in text if "\u3040" <= c <= "\u30ff" or "\u3400" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af")
    return len(text.split()) >= HEADLINE_WORDS or dense >= 2 * HEADLINE_WORDS


def text_reason(element: Any) -> str | None:
    """Why the element's text says it is not the article, or None."""
    if element.tag not in _BLOCKS:
        return None
    if _thread_items(element):
        return "comments"
    if element.tag in ("ul", "ol", "div", "section") and _link_list(element):
        return LINK_LIST
    return None


def set_aside_blocks(root: Any, main: Any | None = None) -> list[SetAside]:
    """Drop the blocks that are not the article (outermost first); return them with their reasons.

    The main container (found by prose), its ancestors, the ancestors of the ``<h1>`` and of any
    ``itemprop="articleBody"`` are kept whatever their names say.  Lists of headline links go only
    when there are at most ``MAX_LINK_LISTS`` of them holding less text than the main container:
    on a changelog or a briefing made of linked items, the lists are the page.  ``main``: the
    main container when the caller has found it already (:func:`find_main_container`).
    """
    main = main if main is not None else find_main_container(root)
    keep = _protected(root, main)
    removed: list[SetAside] = []
    link_lists: list[Any] = []
    for element in list(root.iter(*_BLOCKS, "header", "nav")):
        if element in keep or element.getparent() is None or _dropped(element):
            continue
        reason = marker_reason(element)
        if reason in _TEXTLESS_KINDS and len(prose_paragraphs(element)) >= 2:
            continue
        if reason is None and element.tag in _BLOCKS:
            reason = text_reason(element)
        if reason == LINK_LIST:
            if not any(a in link_lists for a in element.iterancestors()):
                link_lists.append(element)
            continue
        if reason is not None:
            _set_aside(element, reason, removed)
    listed = sum(len(_text(element)) for element in link_lists if not _dropped(element))
    if len(link_lists) <= MAX_LINK_LISTS and (main is None or listed < len(_text(main))):
        for element in link_lists:
            if element.getparent() is not None and not _dropped(element):
                _set_aside(element, LINK_LIST, removed)
    return removed


def _set_aside(element: Any, reason: str, removed: list[SetAside]) -> None:
    text = _text(element)
    if text:
        removed.append(SetAside(reason, text))
    _drop(element)


def _dropped(element: Any) -> bool:
    return any(a.get("data-summarise-dropped") for a in element.iterancestors())


def _drop(element: Any) -> None:
    # Mark, then drop: iterating a list made before the loop, descendants of a dropped block
    # are skipped by _dropped() rather than dropped twice.
    element.set("data-summarise-dropped", "1")
    element.drop_tree()


def gather_body(root: Any, main: Any | None = None) -> int:
    """Gather a body split across containers into the first of them; return how many parts moved.

    A part is a sibling of the main container, of its parent or of its grandparent (never past an
    <article>, <main> or <body>) that holds a paragraph of prose in sentences, no headline links,
    no <h1> and no <article>: a magazine's next ``body__inner-container``, BBC-style
    ``text-block`` elements, a lazy-rendered "rest of the article" block.  Every part after the first,
    with the subheadings between them, moves in order into the first part's paragraph container,
    where an extractor that reads the first body-looking element finds it.  Ads, pull quotes and
    embeds between the parts are not parts and stay behind (:func:`set_aside_blocks` has taken
    those it knows).  ``main``: as for :func:`set_aside_blocks`.
    """
    main = main if main is not None else find_main_container(root)
    if main is None:
        return 0
    moved = 0
    level = main
    for _ in range(GATHER_LEVELS):
        parent = level.getparent()
        if parent is None or level.tag in ("article", "main", "body", "html"):
            break
        siblings = [child for child in parent if isinstance(child.tag, str)]
        at = siblings.index(level)
        first = next((i for i, sibling in enumerate(siblings[:at]) if _is_body_part(sibling)), at)
        if first < at:  # the body starts in an earlier container: gather into that one
            inner = find_main_container(siblings[first])
            main = inner if inner is not None else siblings[first]
        headings: list[Any] = []  # a subheading between two parts goes with the part it heads
        for sibling in siblings[first + 1:]:
            if sibling.tag in _HEADINGS and sibling.find(".//a") is None:
                headings.append(sibling)
            elif sibling is level or _is_body_part(sibling):
                for element in (*headings, sibling):
                    main.append(element)
                moved += 1
                headings = []
        level = parent
    return moved


_HEADINGS = ("h2", "h3", "h4", "h5", "h6")


def _is_body_part(element: Any) -> bool:
    if element.tag not in ("div", "section", "p") or marker_reason(element) or element.find(".//h1") is not None:
        return False
    if element.find(".//article") is not None:
        return False
    if any(heading.find(".//a") is not None for heading in element.iter("h2", "h3", "h4")):
        return False
    # sentences in <p>s: a footer line or a caption in a <div> is no part of the article
    sentences = [p for p in prose_paragraphs(element) if p.tag == "p" and _SENTENCE_END.search(_text(p))]
    if not sentences:
        return False
    if len(sentences) < 2 and next(element.iter("img", "picture", "figure", "video", "iframe"), None) is not None:
        return False  # a picture and its caption
    text = _text(element)
    return _link_chars(element) <= PROSE_LINK_SHARE * len(text)


_SENTENCE_END = re.compile(r"[.!?。！？؟…»”\"')](\s|$)")


# --------------------------------------------------------------------------- JSON-LD evidence

_WORDS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|[^\W\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+")
#: An ``articleBody`` shorter than this is a teaser, not evidence.
JSON_LD_MIN_CHARS = 200


def json_ld_body(root: Any) -> str:
    """The longest schema.org ``articleBody`` in the page's JSON-LD, whitespace made single ('' if none)."""
    bodies: list[str] = []
    for script in root.iter("script"):
        if "ld+json" not in (script.get("type") or ""):
            continue
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        _collect_bodies(data, bodies)
    best = max(bodies, key=len, default="")
    return _flat(best) if len(best) >= JSON_LD_MIN_CHARS else ""


def _collect_bodies(data: Any, out: list[str]) -> None:
    if isinstance(data, dict):
        body = data.get("articleBody")
        if isinstance(body, str):
            out.append(body)
        for value in data.values():
            if isinstance(value, (dict, list)):
                _collect_bodies(value, out)
    elif isinstance(data, list):
        for value in data:
            _collect_bodies(value, out)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(text)]


def supported_by(paragraph: str, evidence: str, evidence_words: set[str] | None = None) -> bool:
    """Whether ``paragraph`` is part of ``evidence`` (JSON-LD's ``articleBody``): verbatim, or
    four in five of its words (publishers strip tags and entities differently)."""
    flat = _flat(paragraph)
    if flat and flat in evidence:
        return True
    own = words(flat)
    if len(own) < 5:
        return False
    pool = evidence_words if evidence_words is not None else set(words(evidence))
    return sum(1 for w in own if w in pool) >= 0.8 * len(own)
