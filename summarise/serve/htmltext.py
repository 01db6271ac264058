"""HTML in, HTML out: the text nodes are translated, the markup is kept as it was.

LibreTranslate's ``format=html`` translates the text of a fragment and keeps its
tags.  Here the fragment is cut into markup and text runs with the standard
library's parser; each text run that holds words is one unit to translate,
and comes back escaped, with its surrounding whitespace.  Text inside
``script``, ``style``, ``code`` and ``pre`` is left alone.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from html.parser import HTMLParser

_VERBATIM = {"script", "style", "code", "pre", "textarea", "noscript", "template"}


@dataclass(frozen=True)
class Piece:
    text: str  # markup as written, or a text run's characters (unescaped)
    translate: bool  # a text run with words in it


class _Cutter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[Piece] = []
        self._verbatim: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.pieces.append(Piece(self.get_starttag_text() or "", False))
        if tag in _VERBATIM:
            self._verbatim.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.pieces.append(Piece(self.get_starttag_text() or "", False))

    def handle_endtag(self, tag):
        self.pieces.append(Piece(f"</{tag}>", False))
        if self._verbatim and self._verbatim[-1] == tag:
            self._verbatim.pop()

    def handle_data(self, data):
        if self._verbatim:
            self.pieces.append(Piece(data if self._verbatim[-1] in ("script", "style") else html.escape(data, quote=False), False))
        else:
            self.pieces.append(Piece(data, any(ch.isalpha() for ch in data)))

    def handle_comment(self, data):
        self.pieces.append(Piece(f"<!--{data}-->", False))

    def handle_decl(self, decl):
        self.pieces.append(Piece(f"<!{decl}>", False))

    def handle_pi(self, data):
        self.pieces.append(Piece(f"<?{data}>", False))

    def unknown_decl(self, data):
        self.pieces.append(Piece(f"<![{data}]>", False))


def cut(fragment: str) -> list[Piece]:
    cutter = _Cutter()
    cutter.feed(fragment)
    cutter.close()
    return cutter.pieces


def texts(pieces: list[Piece]) -> list[str]:
    """The text runs to translate, stripped of their surrounding whitespace."""
    return [piece.text.strip() for piece in pieces if piece.translate]


def join(pieces: list[Piece], translations: list[str]) -> str:
    """The fragment again, each text run replaced by its translation (escaped), its whitespace kept."""
    out: list[str] = []
    answers = iter(translations)
    for piece in pieces:
        if not piece.translate:
            out.append(piece.text)
            continue
        text = piece.text
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        out.append(lead + html.escape(next(answers), quote=False) + trail)
    return "".join(out)
