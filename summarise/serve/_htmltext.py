"""HTML in, HTML out: the text nodes are translated, the markup is kept as it was.

LibreTranslate's ``format=html`` translates the text of a fragment and keeps its
tags.  Here the fragment is cut into markup and text runs with the standard
library's parser.  Text inside ``script``, ``style``, ``code`` and ``pre`` is
left alone.

A sentence often runs through inline tags ("Le <b>président</b> a parlé."):
translated run by run, it would reach the model in three pieces.  So text runs
joined by inline tags (``b``, ``a``, ``span``…) form one *flow*, translated as
one text in which each tag stands as a marker (:data:`MARKERS`, protected from
the model like a ``--keep`` term, so it comes back verbatim) and is put back
afterwards.  A translation that returns the markers in another order, or loses
one, would nest the tags wrongly: :func:`rebuild` says so (None), and the
caller translates that flow's runs one by one instead.  Block tags (``p``,
``li``, ``br``…) end a flow.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

_VERBATIM = {"script", "style", "code", "pre", "textarea", "noscript", "template"}
# Tags that sit inside a sentence: a flow of text runs through them.
_INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "data", "del", "dfn", "em", "font", "i", "img", "ins", "kbd",
           "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"}
# A flow's tags while it is translated: whole words the protection swaps for placeholders and back.
MARKERS = tuple(f"QZT{index}TZQ" for index in range(64))
_MARKER = re.compile(r"QZT(\d+)TZQ")
_COMMENT_END = re.compile(r"--!?>")


@dataclass(frozen=True)
class Piece:
    text: str  # markup as written, or a text run's characters (unescaped)
    translate: bool  # a text run with words in it
    inline: bool = False  # an inline tag (start, end or empty): a flow runs through it
    markup: bool = True  # written out as it stands; False: a text run, escaped when written


class _Cutter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[Piece] = []
        self._verbatim: list[str] = []
        self._pending_raw: int | None = None

    def handle_starttag(self, tag, attrs):
        self.pieces.append(Piece(self.get_starttag_text() or "", False, tag in _INLINE and not self._verbatim))
        if tag in _VERBATIM:
            self._verbatim.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.pieces.append(Piece(self.get_starttag_text() or "", False, tag in _INLINE and not self._verbatim))

    def handle_endtag(self, tag):
        self.pieces.append(Piece(f"</{tag}>", False, tag in _INLINE and not self._verbatim))
        if self._verbatim and self._verbatim[-1] == tag:
            self._verbatim.pop()

    def handle_data(self, data):
        if self._verbatim:
            self.pieces.append(Piece(data if self._verbatim[-1] in ("script", "style") else html.escape(data, quote=False), False))
        else:
            self.pieces.append(Piece(data, any(ch.isalpha() for ch in data), markup=False))

    # Comments, declarations, CDATA sections and processing instructions go out exactly as they came:
    # the parser hands over their insides only ("CDATA[x" for "<![CDATA[x]]>"), and rebuilding them from
    # that changes them.  Each handler leaves a piece to fill; updatepos, which the parser calls with
    # the construct's span once it is consumed, fills it with the raw text.

    def handle_comment(self, data):
        self._raw_piece()

    def handle_decl(self, decl):
        self._raw_piece()

    def handle_pi(self, data):
        self._raw_piece()

    def unknown_decl(self, data):
        self._raw_piece()

    def _raw_piece(self) -> None:
        self._pending_raw = len(self.pieces)
        self.pieces.append(Piece("", False))

    def parse_comment(self, i, report=True):
        """A comment ends where a browser ends it: at "-->" or "--!>", or at once for "<!-->" and "<!--->"
        (the standard library's parser also ends one at "-- >", showing the rest as text)."""
        rawdata = self.rawdata
        start = i + 4
        if rawdata.startswith(">", start) or rawdata.startswith("->", start):
            end = rawdata.index(">", start) + 1
            body_end = start
        else:
            found = _COMMENT_END.search(rawdata, start)
            if found is None:
                return -1  # more may come; at the end, close() keeps the rest as it is
            end, body_end = found.end(), found.start()
        if report:
            self.handle_comment(rawdata[start:body_end])
        return end

    def updatepos(self, i, j):
        if self._pending_raw is not None:
            self.pieces[self._pending_raw] = Piece(self.rawdata[i:j], False)
            self._pending_raw = None
        return super().updatepos(i, j)

    def close(self):
        # An unterminated comment or CDATA section runs to the end of the fragment, as a browser reads it:
        # markup, never text to translate or show.
        rest = self.rawdata
        if rest.startswith(("<!--", "<![CDATA[")) and not self._verbatim:
            self.rawdata = ""
            super().close()
            self.pieces.append(Piece(rest, False))
            return
        super().close()


def cut(fragment: str) -> list[Piece]:
    cutter = _Cutter()
    cutter.feed(fragment)
    cutter.close()
    return cutter.pieces


@dataclass(frozen=True)
class Flow:
    """Text runs joined by inline tags: one unit to translate.  ``pieces`` start and end with text that is not blank."""

    pieces: tuple[Piece, ...]

    @property
    def tags(self) -> list[str]:
        return [piece.text for piece in self.pieces if not piece.translate and piece.inline]

    def text(self) -> str:
        """The flow's text with each tag as its marker, spaced off so that it stands as a word of its own."""
        if not self.tags:
            return "".join(piece.text for piece in self.pieces).strip()
        parts, tag = [], 0
        for piece in self.pieces:
            if piece.inline:
                parts.append(f" {MARKERS[tag]} ")
                tag += 1
            else:
                parts.append(piece.text)
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    def runs(self) -> list[str]:
        """The flow's text runs with words in them, stripped: the units when the flow cannot go whole."""
        return [piece.text.strip() for piece in self.pieces if piece.translate]

    def rebuild(self, translation: str) -> str | None:
        """The translation with the tags back in place and its text escaped; None when its markers are
        not the flow's, in order, each once (tags would nest wrongly)."""
        tags = self.tags
        if not tags:
            return html.escape(translation, quote=False)
        found = [int(match.group(1)) for match in _MARKER.finditer(translation)]
        if found != list(range(len(tags))):
            return None
        texts = _MARKER.split(translation)[0::2]
        glued = self._glued()
        out = []
        for index, text in enumerate(texts):
            if index > 0 and glued[index - 1][1]:
                text = text.lstrip()
            if index < len(tags) and glued[index][0]:
                text = text.rstrip()
            out.append(html.escape(text, quote=False))
            if index < len(tags):
                out.append(tags[index])
        return "".join(out).strip()

    def fill(self, translations: list[str]) -> str:
        """The flow with each of its :meth:`runs` replaced by its own translation: the way back when
        :meth:`rebuild` cannot put the tags in place."""
        answers = iter(translations)
        return self._write(lambda piece: _respace(piece.text, html.escape(next(answers), quote=False)))

    def original(self) -> str:
        """The flow as it came (a text already in the target language passes through)."""
        return self._write(lambda piece: html.escape(piece.text, quote=False))

    def _write(self, translate_run) -> str:
        out = []
        for piece in self.pieces:
            if piece.markup:
                out.append(piece.text)
            elif piece.translate:
                out.append(translate_run(piece))
            else:
                out.append(html.escape(piece.text, quote=False))
        return "".join(out).strip()

    def _glued(self) -> list[tuple[bool, bool]]:
        """Per tag: (no space before it, no space after it) in the source, so the markers' spaces go again.
        Next to another tag there was nothing at all: glued."""

        def neighbour(index: int) -> str:
            if not 0 <= index < len(self.pieces):
                return " "  # a flow's edges are text; never reached
            return "" if self.pieces[index].inline else self.pieces[index].text

        return [(not neighbour(i - 1)[-1:].isspace(), not neighbour(i + 1)[:1].isspace())
                for i, piece in enumerate(self.pieces) if piece.inline]


def _respace(text: str, translation: str) -> str:
    """``translation`` with the whitespace around ``text``."""
    return text[: len(text) - len(text.lstrip())] + translation + text[len(text.rstrip()) :]


def segments(pieces: list[Piece]) -> list[Piece | Flow]:
    """The fragment as markup pieces and flows; a flow may take up to ``len(MARKERS)`` tags, a longer one splits."""
    out: list[Piece | Flow] = []
    run: list[Piece] = []

    def close() -> None:
        # A flow starts and ends with text that is not blank: tags and blanks at its edges stay around it.
        content = [i for i, piece in enumerate(run) if not piece.markup and piece.text.strip()]
        start, end = (content[0], content[-1] + 1) if content else (len(run), 0)
        out.extend(run[:start])
        middle = run[start:end]
        if any(piece.translate for piece in middle):
            out.append(Flow(tuple(middle)))
        else:
            out.extend(middle)
        out.extend(run[end:] if end > start else [])
        run.clear()

    for piece in pieces:
        if piece.inline or not piece.markup:
            run.append(piece)
            if sum(p.inline for p in run) > len(MARKERS):
                run.pop()
                close()
                run.append(piece)
        else:
            close()
            out.append(piece)
    close()
    return out


def join(segments_: list[Piece | Flow], translations: list[str]) -> str:
    """The fragment again, each flow replaced by its rebuilt translation, its outer whitespace kept."""
    out: list[str] = []
    answers = iter(translations)
    for segment in segments_:
        if isinstance(segment, Piece):
            out.append(segment.text if segment.markup else html.escape(segment.text, quote=False))
            continue
        first, last = segment.pieces[0].text, segment.pieces[-1].text
        lead = first[: len(first) - len(first.lstrip())]
        trail = last[len(last.rstrip()) :]
        out.append(lead + next(answers) + trail)
    return "".join(out)
