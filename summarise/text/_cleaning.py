"""Text as translation wants it: one newline convention, no invisible or control characters, NFC.

Every input kind ends here, whatever it was read from (a file, a page's extracted text,
a JSONL field, a request).
"""

from __future__ import annotations

import re
import unicodedata

_REPLACEMENTS = (
    ("\r\n", "\n"), ("\r", "\n"),
    # Line and paragraph separators other than "\n" become newlines rather than vanish.
    ("\x0b", "\n"), ("\x0c", "\n"), ("\x85", "\n"), ("\u2028", "\n"), ("\u2029", "\n\n"),
    # Invisible characters that split words for a tokenizer: BOM/zero-width no-break
    # space, zero-width space, word joiner, soft hyphen.  ZWJ/ZWNJ stay: scripts need them.
    ("\ufeff", ""), ("\u200b", ""), ("\u2060", ""), ("\u00ad", ""),
)
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # Cc other than \t and \n
_SURROGATES = re.compile("[\ud800-\udfff]")
_BLANK_RUNS = re.compile(r"\n{3,}")


def clean_text(text: str) -> str:
    """Normalise text for translation; keeps paragraphs.

    NFC; CRLF, CR and other line separators become ``"\\n"``; BOMs, soft
    hyphens, zero-width spaces and control characters other than ``\\n`` and
    ``\\t`` are removed (lone surrogates become U+FFFD); trailing whitespace
    is stripped from every line; runs of blank lines collapse to one blank
    line; leading blank lines and trailing whitespace are dropped (so the
    result has no final newline).
    """
    for old, new in _REPLACEMENTS:
        if old in text:  # str.translate with a dict is many times slower
            text = text.replace(old, new)
    text = CONTROL_CHARACTERS.sub("", text)
    text = _SURROGATES.sub("\ufffd", text)
    text = unicodedata.normalize("NFC", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = _BLANK_RUNS.sub("\n\n", text)
    return text.lstrip("\n").rstrip()
