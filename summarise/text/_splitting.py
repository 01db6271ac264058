"""Paragraph and sentence splitting with offsets.

Pure text logic: nothing heavy is imported at module import. The per-language Moses
non-breaking-prefix lists are package data (``prefixes/``, from Moses via sacremoses) read on
first use of a language (:func:`_prefixes` is cached).

Contract of :func:`split_sentences`: every sentence satisfies ``text[s.start:s.end] == s.text``,
sentences are in order and do not overlap, no sentence starts or ends with whitespace, and every
non-whitespace character of the input lies in exactly one sentence.  "Whitespace" means
``str.isspace()`` plus the byte-order mark and the zero-width space / word joiner (see
:func:`is_space`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Iterator

__all__ = ["Paragraph", "Sentence", "is_space", "split_paragraphs", "split_sentences"]


@dataclass(frozen=True)
class Sentence:
    text: str  # == original[start:end], no surrounding whitespace
    start: int  # char offset into the ORIGINAL text
    end: int
    paragraph: int  # 0-based index of the blank-line-separated block


@dataclass(frozen=True)
class Paragraph:
    start: int  # text[start:end] is the paragraph, without surrounding blank lines or whitespace
    end: int
    index: int


# --------------------------------------------------------------------------------------------
# Characters

#: Invisible characters that are not ``str.isspace()`` but are treated as whitespace.
_EXTRA_SPACE = frozenset("\ufeff\u200b\u2060")
#: Line breaks (the same set as ``str.splitlines``), CRLF first so it counts as one break.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
#: Spaces that may sit between a terminator and a closing quote: « Bonjour ! »
_INLINE_SPACE = frozenset(" \t\u00a0\u202f\u2009\u200a\u2007\u2002\u2003\u2004\u2005\u2006\u2008\u3000")

#: Terminators that end a sentence only before whitespace and a sentence start.
_WEAK_STOPS = frozenset(".!?…‽⁇⁈⁉")
#: Unambiguous terminators: end a sentence even with no following space (CJK, Arabic, Urdu,
#: Devanagari, Ethiopic, Myanmar, Armenian).
_STRONG_STOPS = frozenset("。！？｡．︒؟۔।॥።။։")
_STOPS = _WEAK_STOPS | _STRONG_STOPS
_ELLIPSIS = frozenset("….")

#: Closing quotes/brackets accepted right after a terminator (no space between).  Includes the
#: German/Danish closers “ ‘ « ‹ (which open quotes in other languages) and CJK closers.
_CLOSERS_ATTACHED = frozenset("\"'»«”“’‘›‹)]}」』）》〉】〕〗〙〛＂＇］｝")
#: Closers accepted after a (no-break) space, French style: « Bonjour ! »
_CLOSERS_SPACED = frozenset("\"»›”)]）")
#: Characters that may open a sentence after the whitespace following a terminator.
_OPENERS = frozenset("«»‹›\"“‘'„‚([{¿¡「『（《〈【〔")  # » › open quotes in German/Danish
_DASHES = frozenset("—–-―")
#: After a CJK stop and a closing quote, these continue the sentence (quotative particles, commas);
#: Japanese particles never begin a sentence: 『君の名は。』を見た.
_QUOTE_CONTINUES = frozenset("とっ、，,をはがのにでもへや")


def is_space(char: str) -> bool:
    """Whitespace for this module: ``str.isspace()`` plus BOM, zero-width space and word joiner."""
    return char.isspace() or char in _EXTRA_SPACE


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and is_space(text[start]):
        start += 1
    while end > start and is_space(text[end - 1]):
        end -= 1
    return start, end


def _lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every line, line break excluded, whitespace stripped (may be empty)."""
    position = 0
    for match in _LINE_BREAK.finditer(text):
        yield _strip(text, position, match.start())
        position = match.end()
    yield _strip(text, position, len(text))


def _content_lines(text: str) -> Iterator[tuple[int, int, int]]:
    """(paragraph index, start, end) of every non-blank line, stripped."""
    paragraph = -1
    previous_blank = True
    for start, end in _lines(text):
        if start == end:
            previous_blank = True
            continue
        if previous_blank:
            paragraph += 1
            previous_blank = False
        yield paragraph, start, end


# --------------------------------------------------------------------------------------------
# Paragraphs


def split_paragraphs(text: str) -> list[Paragraph]:
    """Blocks of non-blank lines separated by one or more blank (empty or whitespace-only) lines."""
    spans: list[list[int]] = []
    current = -1
    for index, start, end in _content_lines(text):
        if index != current:
            spans.append([start, end])
            current = index
        else:
            spans[-1][1] = end
    return [Paragraph(start, end, index) for index, (start, end) in enumerate(spans)]


# --------------------------------------------------------------------------------------------
# Non-breaking prefixes


@dataclass(frozen=True)
class _Prefixes:
    plain: frozenset[str]  # never end a sentence when followed by a period
    numeric: frozenset[str]  # only when the next word starts with a digit
    own: frozenset[str]  # this project's entries for the language: abbreviations even after a number
    starters: frozenset[str]  # words that start a sentence even after an acronym or an initial
    numeric_suffixes: tuple[str, ...]  # word endings that abbreviate before a number ("Hauptstr. 5")
    references: frozenset[str]  # page/item/article abbreviations: the number after them is no ordinal


#: Small additions the Moses lists lack (value: True = only before a digit).
#: Applied to every language: page/figure/volume/article/number abbreviations before a number.
_EXTRA_ALL: dict[str, bool] = {
    "p": True, "pp": True, "art": True, "fig": True, "vol": True, "no": True, "nr": True, "n": True,
    "N°": True, "n°": True, "Nº": True, "nº": True,
}
#: Weekday and month abbreviations: an abbreviation only before a digit ("Lun. 15", "Mar. 23",
#: "30 Ago. 1984"); after a word they are often ordinary words ("el mar.", "sie.").
_DATES_BY_LANG: dict[str, str] = {
    "fr": "lun mar mer jeu ven sam dim janv févr avr juil sept oct nov déc",
    "en": "Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun Sept",
    "es": "lun mar mié jue vie sáb dom ene feb abr may jun jul ago sep sept oct nov dic",
    "it": "lun mar mer gio ven sab dom gen feb apr mag giu lug ago set sett ott nov dic",
    "de": "Mo Di Mi Do Fr Sa So Jan Feb Mär Apr Jun Jul Aug Sep Sept Okt Nov Dez",
    "nl": "ma di wo do vr za zo jan feb mrt apr jun jul aug sep sept okt nov dec",
    "pl": "pon wt śr czw pt sob niedz ndz sty lut mar kwi cze lip sie wrz paź lis gru",
    "ru": "пн вт ср чт пт сб вс янв февр фев мар апр июн июл авг сент сен окт нояб ноя дек",
    "uk": "пн вт ср чт пт сб нд січ лют бер квіт трав черв лип серп вер жовт лист груд",
}
#: Titles, place and unit abbreviations per language (plain: never a sentence end before a word),
#: then those that are abbreviations only before a number.
_EXTRA_BY_LANG: dict[str, tuple[str, str]] = {
    # French titles (usually written without a period, but "Mme." occurs) and company names;
    # the Moses fr list has M, MM, art, av, etc. but none of these.
    "fr": ("Mme Mmes Mlle Mlles Dr Pr Mgr Me St Ste Cie Sté Vve", ""),
    "en": ("Jr Mt Ft Inc Ltd Co Messrs", ""),
    "es": ("Sres Dña Mons Mt Dir Dtor Arq Ing Gob Pdte Avda EE", "párrf párr núm pág págs tel"),
    "it": ("Dir Amm Dott Dott.ssa Avv Ing Prof Sig Sigg Geom Arch Rag On Sen psicol idraul meteor",
           "pag pagg tel"),
    "de": ("Dr Fr Hr Prof Dipl Ing Mag Str", "Abs Bd Kap Nr S Str"),
    "nl": ("dhr mevr mw Dhr Mevr Mw prof dr ir", "blz nr"),
    "pl": ("dr prof inż mgr ks płk gen ul al pl os", "godz nr str tys"),
    "ru": ("г гг род ул пгт проф акад доц канд ген им кв пер пл просп наб пос обл р-н св ст тыс млн млрд",
           "д стр с рис табл"),
    "uk": ("м вул пл просп пров обл р-н с смт проф акад доц ім св ст р рр тис млн млрд",
           "кв буд д стор с рис табл"),
}
#: Abbreviations of page, number, article, paragraph, volume... (besides ``_EXTRA_ALL`` and each
#: language's numeric-only entries): "auf S. 23. Dann" ends a sentence although "12. Juni" does not.
_REFERENCES = frozenset({"S", "Nr", "No", "Nos", "Art", "Abs", "Bd", "Kap", "Ziff", "Rn"})
#: Endings of compound words that abbreviate before a number: German "Hauptstr. 5", "Lindenstr. 12".
_NUMERIC_SUFFIXES: dict[str, tuple[str, ...]] = {"de": ("str",)}
#: Words that begin a sentence: after an acronym or initial ("in the U.S. How", "you and I. Did")
#: the period before them ends the sentence.  Only where it is unambiguous enough.
_STARTERS_BY_LANG: dict[str, str] = {
    "en": "An The This That These Those It Its He She We They You His Her Our Their There Here "
          "How What Why Who When Where Which Did Do Does Is Are Was Were Can Could Will Would Should "
          "But And Yet So If In On At As After Before Since While",
}


#: Moses' per-language non-breaking-prefix files, shipped as package data (see prefixes/LICENCE.md):
#: read directly, because sacremoses' own reader imports its whole tokenizer stack (joblib, tqdm, regex).
PREFIX_FOLDER = "prefixes"


def prefix_languages() -> frozenset[str]:
    """The language codes that have a Moses list (``<code>.txt`` in the package's ``prefixes`` folder)."""
    folder = resources.files(__package__).joinpath(PREFIX_FOLDER)
    return frozenset(item.name[: -len(".txt")] for item in folder.iterdir() if item.name.endswith(".txt"))


def moses_prefix_lines(lang: str) -> list[str]:
    """The non-comment lines of ``lang``'s list, stripped, as sacremoses' ``NonbreakingPrefixes.words`` yields them."""
    code = lang if lang in prefix_languages() else "en"  # never a path built from the caller's text
    text = resources.files(__package__).joinpath(PREFIX_FOLDER, f"{code}.txt").read_text(encoding="utf-8")
    return [line for line in (raw.strip() for raw in text.splitlines()) if line and not line.startswith("#")]


@functools.cache
def _prefixes(lang: str) -> _Prefixes:
    """Moses non-breaking prefixes for ``lang`` (English where Moses has no list for it)."""
    plain: set[str] = set()
    numeric: set[str] = set()
    for line in moses_prefix_lines(lang):
        word, marker, _ = line.partition("#NUMERIC_ONLY#")
        word = word.strip()
        if not word:
            continue
        (numeric if marker else plain).add(word)
    own_plain, own_numeric = _EXTRA_BY_LANG.get(lang, ("", ""))
    extras = dict(_EXTRA_ALL)
    extras.update(dict.fromkeys(_DATES_BY_LANG.get(lang, "").split(), True))
    extras.update(dict.fromkeys(own_numeric.split(), True))
    extras.update(dict.fromkeys(own_plain.split(), False))
    for word, only_numeric in extras.items():
        if word not in plain:
            (numeric if only_numeric else plain).add(word)
    own = frozenset(own_plain.split()) | frozenset(own_numeric.split())
    starters = frozenset(_STARTERS_BY_LANG.get(lang, "").split())
    references = frozenset(_EXTRA_ALL) | frozenset(own_numeric.split()) | _REFERENCES
    return _Prefixes(frozenset(plain), frozenset(numeric), own, starters, _NUMERIC_SUFFIXES.get(lang, ()), references)


def _normalise_lang(lang: str) -> str:
    """"fr-FR", "FR", "zh_Hant" -> "fr", "fr", "zh"; empty -> "en"."""
    code = (lang or "").strip().lower().replace("_", "-").split("-")[0]
    return code or "en"


#: Moses: the prefix is the [\w.-]* run before the period (here also ° º: "N°.", "33.8°F.").  Matched
#: on the reversed token: a search for ``[...]*$`` retries from every start and is quadratic in the token.
_PREFIX_TAIL_REVERSED = re.compile(r"[\w.\-°º]*")
_ACRONYM_PART = re.compile(r"[.\-]")


def _is_nonbreaking(text: str, line_start: int, period: int, following: int, prefixes: _Prefixes) -> bool:
    """Whether the word before the period at ``period`` is an abbreviation/initial/acronym.

    ``following`` is the index of the first character of the next word.
    """
    next_char = text[following]
    token_start = period
    while token_start > line_start and not is_space(text[token_start - 1]):
        token_start -= 1
    token = text[token_start:period]
    if "@" in token or "/" in token or token.lower().startswith("www."):
        return False  # URL or e-mail address at the end of a sentence
    tail = _PREFIX_TAIL_REVERSED.match(token[::-1]).end()
    prefix = token[len(token) - tail :].lstrip(".-")
    if not prefix or (prefix.isdigit() and len(prefix) < len(token) and token[-len(prefix) - 1] in ",'"):
        return False  # no word, or the decimals of "0,86" (not German ordinals like "12.")
    if prefix.isdigit() and _reference_before(text, line_start, token_start, prefixes):
        return False  # "auf S. 23. Dann": a page or item number, not a German ordinal like "12. Juni"
    candidates = [prefix]
    if prefix[0].isupper() and len(prefix) > 1:
        # Sentence-initial capitalised form of a lowercase entry: "Art. 4", "Cf. ...", "Lun. 15"
        candidates.append(prefix[0].lower() + prefix[1:])
    if next_char.isdigit() and (
        any(candidate in prefixes.numeric for candidate in candidates) or prefix.endswith(prefixes.numeric_suffixes)
    ):
        return True  # "p. 12", "n. 2", "Str. 5", "Mar. 23", German "Hauptstr. 5"
    if _next_word(text, following) in prefixes.starters:
        return False  # "in the U.S. How about you?", "you and I. Did you see", "& Co. It closed"
    if any(candidate in prefixes.own for candidate in candidates):
        return prefix in prefixes.plain or candidates[-1] in prefixes.plain  # "1898 г. В", "Dir. Amm."
    if len(prefix) == 1 and not prefix.isupper() and _number_before(text, line_start, token_start):
        return False  # a unit after a number, "prévu à 18 h. Il", is no abbreviation like "p. 5"
    if any(candidate in prefixes.plain for candidate in candidates):
        return True
    if len(prefix) == 1 and prefix.isalpha() and not prefix.islower():
        return True  # initial: J. Dupont, M. Dupont, Arabic د. (any script; uncased ones too)
    if "." in prefix and any(c.isalpha() for c in prefix):
        # Dotted acronyms and initials: U.S., J.-P., z.B., p.ex. (every part at most 2 chars,
        # so that domain names like euronews.com still end a sentence).
        parts = [part for part in _ACRONYM_PART.split(prefix) if part]
        if parts and all(len(part) <= 2 and "°" not in part and "º" not in part for part in parts):
            return True
    return False


def _reference_before(text: str, line_start: int, token_start: int, prefixes: _Prefixes) -> bool:
    """Whether the word before ``token_start`` is an abbreviation used before numbers: "S.", "p.", "Nr."."""
    end = token_start
    while end > line_start and is_space(text[end - 1]):
        end -= 1
    if end == token_start or end == line_start or text[end - 1] != ".":
        return False
    start = end - 1
    while start > line_start and not is_space(text[start - 1]):
        start -= 1
    word = text[start : end - 1]
    return bool(word) and (word in prefixes.references or word[0].lower() + word[1:] in prefixes.references)


def _next_word(text: str, index: int) -> str:
    end = index
    while end < len(text) and text[end].isalpha():
        end += 1
    return text[index:end]


def _number_before(text: str, line_start: int, token_start: int) -> bool:
    """Whether the word before the one starting at ``token_start`` ends with a digit."""
    i = token_start
    while i > line_start and is_space(text[i - 1]):
        i -= 1
    return i > line_start and i < token_start and text[i - 1].isdigit()


# --------------------------------------------------------------------------------------------
# Sentences


#: Bullets that start a list item even in the middle of a line: "• 9. The first item • 10. The second".
_BULLETS = frozenset("•‣⁃◦▪")
#: A list marker at the start of a sentence: "1.", "12)", "a.", "b)", "iv.", "1.)".
_ENUMERATOR = re.compile(r"(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)]\)?(?=\s)")
#: A lowercase letter that opens a list item, "b) le prix", "ii) la qualité", "c. The third".
_LETTER_ITEM = re.compile(r"(?:[a-z]|[ivx]{1,4})(?:\)|\.(?=\s+[A-Z]))(?=\s)")
#: CJK brackets inside which a stop does not end the sentence: 《摔跤吧！爸爸》, 「すごい！」と.
_CJK_PAIRS = {"《": "》", "〈": "〉", "「": "」", "『": "』", "【": "】", "〔": "〕"}
_CJK_BRACKET = re.compile("[" + "".join(_CJK_PAIRS) + "".join(_CJK_PAIRS.values()) + "]")


def _starts_sentence(text: str, index: int, end: int) -> bool:
    """Whether the character at ``index`` can begin a sentence."""
    char = text[index]
    if char.isdigit() or char.isupper() or char.istitle():
        return True
    if char.isalpha():
        if char.islower():
            return _LETTER_ITEM.match(text, index, end) is not None
        return True  # uncased scripts: Arabic, Hebrew, CJK, Devanagari, ...
    if char in _OPENERS or char in _BULLETS:
        return True
    if char in _ELLIPSIS:  # "81 procent was raak. ...en toen barste de hel los."
        following = index
        while following < end and text[following] in _ELLIPSIS:
            following += 1
        return (following - index >= 3 or char == "…") and following < end and text[following].isalpha()
    if char in _DASHES:  # dialogue dash: "— Bonjour."
        following = index + 1
        while following < end and is_space(text[following]):
            following += 1
        return following < end and text[following] not in _DASHES and _starts_sentence(text, following, end)
    return False


def _consume_closers(text: str, position: int, end: int, quotes: _Tally) -> int:
    """Skip closing quotes/brackets after a terminator: ``."``, ``.»)``, ``! »`` (French)."""
    while position < end:
        if text[position] in _CLOSERS_ATTACHED:
            position += 1
            continue
        ahead = position
        while ahead < end and text[ahead] in _INLINE_SPACE:
            ahead += 1
        if ahead == position or ahead >= end or text[ahead] not in _CLOSERS_SPACED:
            break
        # After a space the closer must not be glued to a following word, else it opens a quote:
        # 'Il a dit. "Bonjour"' or German/Danish '»Hallo«'.
        after = ahead + 1
        if after < end and (text[after].isalnum() or text[after] in _OPENERS):
            break
        # A spaced straight quote after an even number of them opens the next quotation:
        # 'un taux à 0,86. " J'ai senti ...'
        if text[ahead] == '"' and quotes.before(ahead) % 2 == 0:
            break
        position = after
    return position


class _Tally:
    """How often one character occurs in a line before a position, kept by cursors that move with the scan.

    Counting from the line's start at every candidate cut would make splitting quadratic in the
    line; each cursor only counts the stretch it moves over, so a left-to-right scan costs one pass.
    """

    def __init__(self, text: str, char: str, line_start: int) -> None:
        self.text, self.char = text, char
        self._cursors = {"start": [line_start, 0], "end": [line_start, 0]}  # position, count before it

    def before(self, position: int, cursor: str = "end") -> int:
        """Occurrences in ``text[line_start:position]``."""
        state = self._cursors[cursor]
        at, count = state
        if position >= at:
            count += self.text.count(self.char, at, position)
        else:
            count -= self.text.count(self.char, position, at)
        state[0], state[1] = position, count
        return count

    def between(self, start: int, end: int) -> int:
        """Occurrences in ``text[start:end]``: two cursors, one for each bound."""
        return self.before(end, "end") - self.before(start, "start")


class _Brackets:
    """The open CJK bracket pairs of a line at a position, kept as the scan moves right.

    Rescanning the line from its start at each candidate cut made splitting quadratic; the stack
    here is carried forward, and where each closing bracket last occurs is looked up once a line.
    """

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end
        self.any = _CJK_BRACKET.search(text, start, end) is not None  # most lines have none: nothing to track
        self._at = start
        self._stack: list[str] = []
        self._last: dict[str, int] = {}  # closing bracket -> its last index on the line (-1: none)

    def _stack_at(self, position: int) -> list[str]:
        if position < self._at:
            self._at, self._stack = self.start, []
        for match in _CJK_BRACKET.finditer(self.text, self._at, position):
            char = match.group()
            if char in _CJK_PAIRS:
                self._stack.append(_CJK_PAIRS[char])
            elif self._stack and char == self._stack[-1]:
                self._stack.pop()
        self._at = position
        return self._stack

    def inside(self, position: int) -> bool:
        """Whether ``position`` lies inside a CJK bracket pair that closes later on the line."""
        if not self.any:
            return False
        stack = self._stack_at(position)
        if not stack:
            return False
        closer = stack[-1]
        if closer not in self._last:
            self._last[closer] = self.text.rfind(closer, self.start, self.end)
        return self._last[closer] >= position


def _is_enumerator(text: str, sentence_start: int, period: int, end: int, item_starts: dict[int, int]) -> bool:
    """Whether the period at ``period`` closes a list marker opening the sentence: "1. Le", "• 9. The".

    ``item_starts`` remembers, per sentence start, where its first character past spaces and bullets
    is, so that a sentence opening with a long run of spaces is skipped once, not at every period.
    """
    i = item_starts.get(sentence_start)
    if i is None:
        i = sentence_start
        while i < end and (is_space(text[i]) or text[i] in _BULLETS):
            i += 1
        item_starts[sentence_start] = i
    i = min(i, period)
    match = _ENUMERATOR.match(text, i, end)
    return match is not None and i < period < match.end()


_PAREN_ITEM = re.compile(r"\d{1,3}\.?\)\s+(?=\w)")


def _opens_item(text: str, sentence_start: int, index: int, end: int, opened: _Tally, closed: _Tally) -> bool:
    """Whether a parenthesised list marker, "2)" or "2.)", starts a new item at ``index``."""
    match = _PAREN_ITEM.match(text, index, end)
    if match is None or not text[match.end()].isupper():
        return False
    # Not the closing half of a parenthesis opened earlier: "(voir 2) Le"
    return opened.between(sentence_start, index) <= closed.between(sentence_start, index)


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # kana
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xAC00 <= code <= 0xD7AF  # Hangul
        or 0x20000 <= code <= 0x2FA1F
    )


def _line_cuts(text: str, start: int, end: int, prefixes: _Prefixes) -> list[int]:
    """Offsets (exclusive ends) after which a sentence ends inside one stripped line."""
    cuts: list[int] = []
    brackets = _Brackets(text, start, end)
    quotes, opened, closed = _Tally(text, '"', start), _Tally(text, "(", start), _Tally(text, ")", start)
    item_starts: dict[int, int] = {}
    i = start
    while i < end:
        char = text[i]
        if char in _BULLETS and i > start and is_space(text[i - 1]):
            if (cuts[-1] if cuts else start) < i:
                cuts.append(i)  # a new list item on the same line
            i += 1
            continue
        if char.isdigit() and i > start and is_space(text[i - 1]) and _opens_item(text, cuts[-1] if cuts else start, i, end, opened, closed):
            cuts.append(i)  # "1) The first item 2) The second item"
            i += 1
            continue
        if char not in _STOPS:
            i += 1
            continue
        run_end = i + 1
        while run_end < end and text[run_end] in _STOPS:
            run_end += 1
        run = text[i:run_end]
        after = _consume_closers(text, run_end, end, quotes)
        if after >= end:
            break  # the line ends here anyway
        if brackets.inside(after):
            i = max(after, run_end)  # 《摔跤吧！爸爸》: a title or quotation goes on
            continue
        if any(c in _STRONG_STOPS for c in run):
            # 3．5 (fullwidth decimal point) is not a stop.
            if run == "．" and i > start and text[i - 1].isdigit() and text[run_end].isdigit():
                i = run_end
                continue
            # A closed quotation that goes on: Japanese 「行きます。」と言った, Chinese “好。”，他说.
            if after > run_end and text[after] in _QUOTE_CONTINUES:
                i = after
                continue
            cuts.append(after)
            i = after
            continue
        # Omission marker inside a quotation: "[…]", "(...)".
        if all(c in _ELLIPSIS for c in run) and i > start and text[i - 1] in "[(":
            i = run_end
            continue
        if run == "." and _is_enumerator(text, cuts[-1] if cuts else start, i, end, item_starts):
            i = max(after, run_end)  # "1. Le premier point", "1.) The first item"
            continue
        if not is_space(text[after]):
            # "3.5", "www.euronews.com", "e.g.,"; but Japanese "すごい!本当?" has no spaces.
            if set(run) <= set("!?") and _is_cjk(text[after]):
                cuts.append(after)
            i = max(after, run_end)
            continue
        following = after
        while following < end and is_space(text[following]):
            following += 1
        if not _starts_sentence(text, following, end):
            i = after  # "Hein… et puis", "« Bonjour ! » a-t-il dit", "etc. et"
            continue
        if run == "." and after == run_end and _is_nonbreaking(text, start, i, following, prefixes):
            i = after
            continue
        cuts.append(after)
        i = after
    return cuts


def split_sentences(text: str, lang: str) -> list[Sentence]:
    """Sentences with offsets into ``text``.

    Every non-blank line is split on its own (a line break always ends a sentence: headlines,
    bylines, list items); ``paragraph`` is the index of the blank-line-separated block.
    """
    prefixes = _prefixes(_normalise_lang(lang))
    sentences: list[Sentence] = []
    for paragraph, line_start, line_end in _content_lines(text):
        position = line_start
        for cut in [*_line_cuts(text, line_start, line_end, prefixes), line_end]:
            start, end = _strip(text, position, cut)
            if start < end:
                sentences.append(Sentence(text[start:end], start, end, paragraph))
            position = cut
    return sentences

