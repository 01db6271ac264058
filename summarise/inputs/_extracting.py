"""HTML to main text: the HTML step of :mod:`summarise.inputs._reading`.

trafilatura finds the main text after page furniture (navigation, footers, asides, headers,
scripts, small forms) is pruned.  A ``<form>`` or ``<noscript>`` that wraps the page's text, as
on ASP.NET WebForms pages and no-JavaScript copies, is unwrapped instead of pruned; tables used
for layout become plain blocks so that article text laid out in cells reads as paragraphs; and
a result short for the page is compared with trafilatura's plain defaults, keeping only those of
its paragraphs that lie outside the furniture.  Before trafilatura looks, :mod:`summarise.articlebody`
sets aside the blocks that are not the article (comment threads, "more stories", author boxes,
score tables, promos; listed in the metadata under ``set_aside``) and gathers a body split across
containers into the first; a JSON-LD ``articleBody`` then brings back paragraphs of the page that
the publisher counts as the article and the extraction missed.  When trafilatura finds nothing, a
small stdlib parser collects the page's blocks.  trafilatura and lxml are imported on first use.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from ..errors import InputError
from ..text import clean_text
from . import _articlebody as articlebody

__all__ = ["extract_html"]

_METADATA_KEYS = ("title", "author", "date", "sitename", "url")
#: Never text.
_ALWAYS_PRUNED = ("script", "style", "template")
#: Page furniture, pruned before trafilatura looks (on small pages its fallbacks would otherwise
#: keep menu text) -- unless the element wraps the page's text, as ASP.NET's page-wide
#: ``<form id="aspnetForm">`` or a ``<noscript>`` copy of the article does: a wrapper is unwrapped
#: and what it holds is pruned in turn.  A <header> holding the article's <h1> stays.
_LAYOUT_PRUNED = ("noscript", "nav", "footer", "aside", "form", "header")
#: Those that wrap whole pages in the wild; one holding more than ``_WRAPPER_SHARE`` of the
#: page's text is a wrapper, not furniture.
_WRAPPER_TAGS = ("form", "noscript")
_WRAPPER_SHARE = 0.5
#: ... and at least this much prose: "Please enable JavaScript" alone is no article.
_WRAPPER_MIN_PROSE = 200
#: A table cell with more text than this, or holding paragraphs, makes its table a layout table.
_LAYOUT_CELL_CHARS = 200
#: When the main text is shorter than this share of the page's text, trafilatura's plain
#: defaults are tried too, and kept when they find clearly more (by ``_BETTER_RATIO``).
_SHORT_SHARE = 0.35
_BETTER_RATIO = 1.5


def extract_html(html: str, name: str) -> tuple[str, str | None, dict[str, Any]]:
    """Main text (paragraphs separated by blank lines), title and metadata of a page."""
    from ..support import require

    # Once, up front, for every lazy trafilatura import below: a broken install (pip < 24 skips
    # lxml_html_clean, which justext imports) is one line saying what to add, not a traceback.
    require("trafilatura", purpose="reading HTML", install="pip install trafilatura lxml_html_clean")
    pruned = extract_pruned(html)
    extracted, page_chars, kept = pruned.extracted, pruned.page_chars, pruned.kept
    body = _extracted_text(extracted)
    if len(body) < _SHORT_SHARE * page_chars:
        # Short relative to the page: compare with trafilatura's own defaults, keeping only
        # the paragraphs of theirs that lie outside the page furniture we pruned.
        plain = _bare_extraction(html)
        lines = [line for line in _extracted_text(plain).split("\n\n") if " ".join(line.split()) in kept]
        if sum(map(len, lines)) > _BETTER_RATIO * max(len(body), 1):
            extracted, body = plain, "\n\n".join(lines)
    if body and pruned.evidence:
        body = _with_evidence(body, pruned.evidence, pruned.prose)
    metadata = {key: value for key in _METADATA_KEYS if (value := extracted.get(key))}
    if pruned.set_aside:
        metadata["set_aside"] = [block.to_dict() for block in pruned.set_aside]
    title = metadata.get("title")
    if not body:
        fallback = _FallbackParser.parse_page(html)
        body = clean_text(fallback.text)
        if not body:
            raise InputError(
                f"no article text found in {name}: save the article's text as a .txt file and retry"
            )
        metadata = {**fallback.metadata, **metadata}
        title = title or fallback.h1 or fallback.metadata.get("title")
    title = clean_text(title or "") or None
    if title:
        metadata["title"] = title
        if not body.startswith(title):
            body = f"{title}\n\n{body}"
    return body, title, metadata


def _extracted_text(extracted: dict[str, Any]) -> str:
    body = clean_text(extracted.get("text") or "")
    # trafilatura puts one paragraph per line; give each a blank line.
    return "\n\n".join(line for line in body.split("\n") if line.strip())


def _bare_extraction(page: Any, **options: Any) -> dict[str, Any]:
    """trafilatura's ``bare_extraction`` as a dict ({} when it finds nothing)."""
    import trafilatura  # lazy: pulls in lxml and friends

    try:
        extracted = trafilatura.bare_extraction(page, with_metadata=True, output_format="python", **options)
    except ValueError:  # lxml refuses some malformed pages
        return {}
    if extracted is not None and not isinstance(extracted, dict):
        extracted = extracted.as_dict()
    return extracted or {}


@dataclass
class _Pruned:
    """What the pruned page gave: trafilatura's extraction, the page's text length in characters,
    the text left after pruning (whitespace runs as single spaces), the blocks set aside as not
    the article, the JSON-LD ``articleBody`` ('' if none) and the page's prose paragraphs."""

    extracted: dict[str, Any]
    page_chars: int
    kept: str
    set_aside: list[articlebody.SetAside] = field(default_factory=list)
    evidence: str = ""
    prose: list[str] = field(default_factory=list)


def extract_pruned(html: str) -> _Pruned:
    """Extraction after pruning page furniture and setting aside what is not the article."""
    from trafilatura.utils import load_html  # lazy

    try:
        tree = load_html(html)
    except ValueError:
        tree = None
    if tree is None:
        return _Pruned(_bare_extraction(html, include_comments=False, include_tables=True), 0, "")
    evidence = articlebody.json_ld_body(tree)
    for element in list(tree.iter(*_ALWAYS_PRUNED)):
        if "ld+json" not in (element.get("type") or ""):  # JSON-LD carries author and date
            element.drop_tree()
    body = tree.find("body")
    root = body if body is not None else tree
    page_chars = len(" ".join(root.text_content().split()))
    _prune_furniture(tree, _prose_chars(root))
    _unlayout_tables(tree)
    paragraphs = articlebody.prose_paragraphs(root)
    main = articlebody.find_main_container(root, paragraphs)  # set aside never takes it: both steps share it
    set_aside = articlebody.set_aside_blocks(root, main)
    articlebody.gather_body(root, main)
    kept = " ".join(root.text_content().split())
    page = root.getroottree().getroot()
    # the prose paragraphs still on the page (a block set aside took its own along)
    prose = [" ".join(p.text_content().split()) for p in paragraphs if p.getroottree().getroot() is page] if evidence else []
    options: dict[str, Any] = {"include_comments": False, "include_tables": True}
    if _dense_script_share(kept) > _DENSE_SCRIPT_SHARE:
        options["config"] = _dense_script_config()
    return _Pruned(_bare_extraction(tree, **options), page_chars, kept, set_aside, evidence, prose)


def _with_evidence(body: str, evidence: str, prose: list[str]) -> str:
    """``body`` plus the page's prose paragraphs it lacks that the JSON-LD ``articleBody`` holds,
    each placed after the last paragraph that comes before it in ``articleBody``."""
    paragraphs = body.split("\n\n")
    have = _letters(body)  # punctuation and spacing apart: trafilatura and lxml space inline tags differently
    pool = set(articlebody.words(evidence))
    missing = [p for p in dict.fromkeys(prose) if not _present(p, have) and articlebody.supported_by(p, evidence, pool)]
    if not missing:
        return body
    placed = [(_position(p, evidence), p) for p in paragraphs]
    for paragraph in missing:
        where = _position(paragraph, evidence)
        index = len(placed)
        if where >= 0:
            # after the last paragraph found before it in articleBody; the title and others not in it stay put
            before = [i for i, (at, _) in enumerate(placed) if 0 <= at < where]
            after = [i for i, (at, _) in enumerate(placed) if at > where]
            index = before[-1] + 1 if before else (after[0] if after else len(placed))
        placed.insert(index, (where, paragraph))
    return "\n\n".join(p for _, p in placed)


def _present(paragraph: str, have: str) -> bool:
    """Whether ``paragraph`` is in the text already, whole or in part: an extractor that dropped
    a span from it has still kept its opening or its end, and a second copy would repeat it."""
    letters = _letters(paragraph)
    return letters[:40] in have or letters[-40:] in have


def _letters(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def _position(paragraph: str, evidence: str) -> int:
    """Where ``paragraph`` starts in ``evidence`` (by its opening words), -1 if it does not."""
    flat = " ".join(paragraph.split())
    for probe in (flat, flat[:60], flat[:25]):
        if probe and (at := evidence.find(probe)) >= 0:
            return at
    return -1


#: trafilatura trusts its main extractor only above ``min_extracted_size`` characters (250) and
#: otherwise falls back to taking much of the page; a Chinese or Japanese character carries
#: about as much text as three Latin ones, so such pages get a third of that threshold.
_DENSE_SCRIPT_SHARE = 0.3
_DENSE_SCRIPT_FACTOR = 3


def _dense_script_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    dense = sum(1 for c in letters if "\u3040" <= c <= "\u30ff" or "\u3400" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af")
    return dense / len(letters)


@functools.cache
def _dense_script_config() -> Any:
    from trafilatura.settings import use_config  # lazy

    config = use_config()
    size = config.getint("DEFAULT", "MIN_EXTRACTED_SIZE")
    config["DEFAULT"]["MIN_EXTRACTED_SIZE"] = str(size // _DENSE_SCRIPT_FACTOR)
    return config


def _prose_chars(element: Any) -> int:
    """Characters of text outside links (menus are links; articles are mostly not)."""
    total = len(" ".join(element.text_content().split()))
    links = sum(len(" ".join(a.text_content().split())) for a in element.iter("a"))
    return max(0, total - links)


def _prune_furniture(tree: Any, page_prose: int) -> None:
    """Drop nav/footer/aside/form/noscript/header elements; unwrap forms and noscripts that hold
    most of the page's prose (text outside links), as page-wide wrappers do."""
    while True:
        found = [element for element in tree.iter(*_LAYOUT_PRUNED) if not _keeps_header(element)]
        chosen = set(found)
        outermost = [e for e in found if not any(a in chosen for a in e.iterancestors())]
        if not outermost:
            return
        for element in outermost:
            prose = _prose_chars(element) if element.tag in _WRAPPER_TAGS else 0
            if prose >= _WRAPPER_MIN_PROSE and prose > _WRAPPER_SHARE * page_prose:
                element.tag = "div"  # a page-wide wrapper: keep it, look inside it next round
            else:
                element.drop_tree()


def _keeps_header(element: Any) -> bool:
    """A <header> inside the article or holding its <h1> is part of the article."""
    if element.tag != "header":
        return False
    return any(a.tag == "article" for a in element.iterancestors()) or element.find(".//h1") is not None


def _unlayout_tables(tree: Any) -> None:
    """Turn tables used for page layout (long cells, paragraphs in cells, one column) into blocks.

    Data tables (short cells) stay tables; a layout table's cells become paragraphs' containers,
    so that article text laid out in <td>s reads as paragraphs, not as one table row.
    """
    for table in list(tree.iter("table")):
        cells = [cell for cell in table.iter("td", "th") if _owner_table(cell) is table]
        rows = [row for row in table.iter("tr") if _owner_table(row) is table]
        one_column = all(sum(1 for cell in row if cell.tag in ("td", "th")) <= 1 for row in rows)
        if not one_column and not any(
            len(" ".join(cell.text_content().split())) > _LAYOUT_CELL_CHARS
            or cell.find(".//p") is not None
            or cell.find(".//table") is not None
            for cell in cells
        ):
            continue
        for element in [table, *(e for e in table.iter("tbody", "thead", "tfoot", "tr", "td", "th") if _owner_table(e) is table)]:
            element.tag = "div"


def _owner_table(element: Any) -> Any:
    return next(element.iterancestors("table"), None)


class _FallbackParser(HTMLParser):
    """Fallback for pages trafilatura finds nothing in.

    Collects text by block, skipping script/style/nav/header/footer/aside and
    similar; notes the first ``<h1>``, the ``<title>`` and a few ``<meta>`` tags.
    """

    SKIP = frozenset({
        "script", "style", "noscript", "template", "nav", "header", "footer", "aside",
        "form", "button", "select", "iframe", "svg", "canvas", "title",
    })
    BLOCK = frozenset({
        "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6",
        "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "table", "tr", "td", "th",
        "br", "hr", "figcaption", "address", "body",
    })
    VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"})

    #: Skipped too, unless they wrap the page's text (ASP.NET forms, <noscript> copies).
    WRAPPERS = frozenset(_WRAPPER_TAGS)

    def __init__(self, skip: frozenset[str] | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = self.SKIP if skip is None else skip
        self.skip_depth = 0
        self.blocks: list[str] = []
        self.current: list[str] = []
        self._title_parts: list[str] | None = None
        self._h1_parts: list[str] | None = None
        self.h1: str | None = None
        self.metadata: dict[str, str] = {}

    @classmethod
    def parse(cls, html: str, skip: frozenset[str] | None = None) -> _FallbackParser:
        parser = cls(skip)
        parser.feed(html)
        parser.close()
        parser._flush()
        return parser

    @classmethod
    def parse_page(cls, html: str) -> _FallbackParser:
        """Parse skipping page furniture; keep form/noscript content when that is where the text is."""
        strict = cls.parse(html)
        loose = cls.parse(html, cls.SKIP - cls.WRAPPERS)
        extra = len(loose.text) - len(strict.text)
        if extra >= _WRAPPER_MIN_PROSE and len(loose.text) > (1 / (1 - _WRAPPER_SHARE)) * len(strict.text):
            return loose  # most of the text sits inside a wrapper
        return strict

    @property
    def text(self) -> str:
        return "\n\n".join(self.blocks)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "title":
            self._title_parts = []
        elif tag == "meta":
            self._meta(attr)
        elif tag == "link" and attr.get("rel", "").lower() == "canonical" and attr.get("href"):
            self.metadata.setdefault("url", attr["href"])
        if tag in self.VOID:
            if tag in self.BLOCK and not self.skip_depth:
                self._flush()
            return
        if tag in self.skip:
            self.skip_depth += 1
        elif not self.skip_depth:
            if tag in self.BLOCK:
                self._flush()
            if tag == "h1" and self.h1 is None:
                self._h1_parts = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._title_parts is not None:
            self.metadata.setdefault("title", " ".join("".join(self._title_parts).split()))
            self._title_parts = None
        if tag in self.VOID:
            return
        if tag in self.skip:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif not self.skip_depth:
            if tag == "h1" and self._h1_parts is not None:
                self.h1 = " ".join("".join(self._h1_parts).split()) or None
                self._h1_parts = None
            if tag in self.BLOCK:
                self._flush()

    def handle_data(self, data: str) -> None:
        if self._title_parts is not None:
            self._title_parts.append(data)
        if self.skip_depth:
            return
        self.current.append(data)
        if self._h1_parts is not None:
            self._h1_parts.append(data)

    def _flush(self) -> None:
        block = " ".join("".join(self.current).split())
        if block:
            self.blocks.append(block)
        self.current = []

    def _meta(self, attr: dict[str, str]) -> None:
        key = (attr.get("name") or attr.get("property") or "").lower()
        content = attr.get("content", "").strip()
        field_name = {
            "author": "author", "article:author": "author",
            "date": "date", "article:published_time": "date",
            "og:site_name": "sitename", "og:url": "url", "og:title": "title",
        }.get(key)
        if field_name and content:
            self.metadata.setdefault(field_name, content)
