"""Numbers, names and links pulled out of a sentence in comparable form, per language.

Pure text logic, no models: :mod:`summarise.checks._facts` compares what a source
sentence and its translation hold, and :mod:`summarise.text._protecting` finds the
links it shields from the translator.

* :func:`numbers` reads "3,5 %", "40 000", "1.234,5", "2,5 milliards", "14h30",
  "14.03.2024", "٣٫٥", "5万" into :class:`Quantity` values: a set of the values a
  token can mean ("1.500" is 1500 in German and 1.5 in English), so that a
  correct rendering in other conventions compares equal.  Number and month words
  ("three", "mars") are *soft*: they can stand for a figure but never have to.
* :func:`names` lists the capitalised words and acronyms of a sentence that do not
  open it; :func:`name_key` folds one (accents, case, Cyrillic transliterated) for matching.
* :func:`links` lists URLs, emails, @handles and #hashtags, verbatim.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# -- numbers ----------------------------------------------------------------------

# A scale word after a figure multiplies it ("2,5 milliards" = 2.5 and 2 500 000 000).
SCALES: dict[str, int] = {
    # en
    "thousand": 10**3, "million": 10**6, "millions": 10**6, "billion": 10**9, "billions": 10**9,
    "trillion": 10**12, "bn": 10**9, "m": 10**6, "k": 10**3, "mn": 10**6, "tn": 10**12,
    # fr
    "mille": 10**3, "milliard": 10**9, "milliards": 10**9, "md": 10**9, "mds": 10**9, "mrd": 10**9,
    # de
    "tausend": 10**3, "mio": 10**6, "millionen": 10**6, "milliarde": 10**9, "milliarden": 10**9, "mrd.": 10**9,
    # es
    "mil": 10**3, "millón": 10**6, "millones": 10**6, "billón": 10**12, "billones": 10**12,
    # it
    "mila": 10**3, "milione": 10**6, "milioni": 10**6, "miliardo": 10**9, "miliardi": 10**9, "mln": 10**6, "mld": 10**9,
    # nl
    "duizend": 10**3, "miljoen": 10**6, "miljard": 10**9, "mln.": 10**6,
    # ru / uk
    "тыс": 10**3, "тысяч": 10**3, "тысячи": 10**3, "тысяча": 10**3, "млн": 10**6, "миллион": 10**6,
    "миллиона": 10**6, "миллионов": 10**6, "млрд": 10**9, "миллиард": 10**9, "миллиарда": 10**9,
    "миллиардов": 10**9, "трлн": 10**12, "мільйон": 10**6, "мільйонів": 10**6, "мільярд": 10**9, "мільярдів": 10**9,
    # ar
    "ألف": 10**3, "آلاف": 10**3, "مليون": 10**6, "ملايين": 10**6, "مليار": 10**9, "مليارات": 10**9,
    # zh / ja (written right after the figure)
    "千": 10**3, "万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8, "百万": 10**6,
}
# "mil millones" (es) is a billion: checked before the single words.
SCALE_PHRASES: dict[str, int] = {"mil millones": 10**9, "miles de millones": 10**9}

# Small numbers in words, per language; soft (they may stand for a figure, never must).
NUMBER_WORDS: dict[str, dict[str, int]] = {
    "en": {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
           "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
           "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
           "dozen": 12, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "half": 50},
    "fr": {"zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
           "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30,
           "quarante": 40, "cinquante": 50, "cent": 100, "mille": 1000, "premier": 1, "première": 1, "moitié": 50},
    "de": {"null": 0, "ein": 1, "eine": 1, "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6,
           "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "zwanzig": 20, "dreißig": 30,
           "hundert": 100, "tausend": 1000, "hälfte": 50},
    "es": {"cero": 0, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
           "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "veinte": 20, "treinta": 30, "cien": 100,
           "mil": 1000, "mitad": 50},
    "it": {"zero": 0, "uno": 1, "una": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7,
           "otto": 8, "nove": 9, "dieci": 10, "undici": 11, "dodici": 12, "venti": 20, "trenta": 30, "cento": 100,
           "mille": 1000, "metà": 50},
    "nl": {"nul": 0, "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
           "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "twintig": 20, "honderd": 100, "duizend": 1000},
    "ru": {"ноль": 0, "один": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6,
           "семь": 7, "восемь": 8, "девять": 9, "десять": 10, "двадцать": 20, "сто": 100, "тысяча": 1000},
}

MONTHS: dict[str, dict[str, int]] = {
    "en": {m: i for i, m in enumerate("january february march april may june july august september october november december".split(), 1)}
    | {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12},
    "fr": {m: i for i, m in enumerate("janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(), 1)},
    "de": {m: i for i, m in enumerate("januar februar märz april mai juni juli august september oktober november dezember".split(), 1)},
    "es": {m: i for i, m in enumerate("enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split(), 1)},
    "it": {m: i for i, m in enumerate("gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre".split(), 1)},
    "nl": {m: i for i, m in enumerate("januari februari maart april mei juni juli augustus september oktober november december".split(), 1)},
    "ru": {m: i for i, m in enumerate("январ феврал март апрел ма июн июл август сентябр октябр ноябр декабр".split(), 1)},
}

_CJK_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}
_CJK_BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}

_SPACES = " \u00a0\u202f\u2009"
_DATE = re.compile(r"(?<![\d.,])(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?![\d])")
_TIME = re.compile(
    r"(?<![\d.,])(\d{1,2})(?:\s?[hH:]\s?(\d{2})|\s?h(?![\w])|(?:[:.](\d{2}))?\s?([ap])\.?\s?m\b\.?)(?![\d])"
)
# "alle 20.10", "om 20.10 uur", "um 20.10 Uhr": a time, not the decimal 20.1.
_DOT_TIME = re.compile(r"\b(?:alle|ore|à|las|om|um|at|в)\s+([01]?\d|2[0-3])[.]([0-5]\d)(?!\d|[.,]\d)", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![A-Za-zÀ-ɏЀ-ӿ])\d+(?:(?:[.,'’]|[ \u00a0\u202f\u2009])\d+)*")
_WORD = re.compile(r"[^\W\d_]+(?:\.)?")


@dataclass(frozen=True)
class Quantity:
    """A figure in a text: what it says, the values it can mean, and whether it must be matched."""

    text: str
    values: frozenset[Decimal]
    soft: bool = False  # a number or month word: may stand for a figure, never has to
    digits: str = ""  # its digits in order (how a re-spaced copy is recognised)
    scaled: frozenset[Decimal] = frozenset()  # with a scale word: the values it means in full ("2,5 milliards" → 2.5e9)

    def matches(self, other: Quantity) -> bool:
        """Equal values; when both carry a scale word, equal in full ("2.5 billion" is not "2.5 million").

        A figure written the same on both sides matches whatever its conventions ("1.500" copied as is).
        """
        if self.scaled and other.scaled:
            return bool(self.scaled & other.scaled)
        if self.text == other.text and not self.soft and not other.soft:
            return True
        return bool(self.values & other.values)

    def label(self) -> str:
        return self.text


def ascii_digits(text: str) -> str:
    """Digits of any script (Arabic-Indic, full-width …) as ASCII, one character for one; Arabic separators too."""
    out = []
    for char in text:
        if char == "\u066b":
            out.append(".")
        elif char == "\u066c":
            out.append(",")
        elif char.isdigit() and not char.isascii():
            try:
                out.append(str(unicodedata.digit(char)))
            except (TypeError, ValueError):
                out.append(char)
        else:
            out.append(char)
    return "".join(out)


# Which mark separates decimals, where a figure like "1.500" or "1,500" would otherwise be ambiguous.
DECIMAL_POINT = frozenset({"en", "zh", "ja", "ko", "th", "he", "hi"})
DECIMAL_COMMA = frozenset({"fr", "de", "es", "it", "nl", "ru", "uk", "pl", "pt", "sv", "fi", "da", "no", "cs", "ro", "tr", "el", "hu", "ca"})


def parse_number(token: str, lang: str | None = None) -> frozenset[Decimal]:
    """The values a written figure can mean: "3,5" → {3.5}; "40 000" → {40000}; "1.500" → {1500} in
    German, {1.5} in English, both when the language's convention is unknown."""
    token = ascii_digits(token)
    parts = re.split(r"([.,'’ \u00a0\u202f\u2009])", token)
    groups, seps = parts[0::2], parts[1::2]
    if not seps:
        return frozenset({Decimal(groups[0])})
    marks = [s for s in seps if s in ".,"]
    values: set[Decimal] = set()
    if not marks:  # spaces or apostrophes only: thousands
        values.add(Decimal("".join(groups)))
    elif len(set(marks)) == 2:  # "1,234.5" or "1.234,5": the last mark is the decimal one
        last = max(i for i, s in enumerate(seps) if s in ".,")
        values.add(_decimal("".join(groups[: last + 1]) + "." + "".join(groups[last + 1 :])))
    elif len(marks) > 1:  # "1.234.567": thousands
        values.add(Decimal("".join(groups)))
    else:
        last = max(i for i, s in enumerate(seps) if s in ".,")
        whole, fraction = "".join(groups[: last + 1]), "".join(groups[last + 1 :])
        mark = marks[0]
        grouping = len(fraction) == 3 and len(groups[0]) <= 3 and not groups[0].startswith("0")
        convention = "." if lang in DECIMAL_POINT else "," if lang in DECIMAL_COMMA else None
        if not grouping or convention in (None, mark):
            values.add(_decimal(whole + "." + fraction))
        if grouping and convention != mark:
            values.add(Decimal(whole + fraction))  # "1.500" in German, "1,500" in English: thousands
    return frozenset(values)


def numbers(text: str, lang: str = "en") -> list[Quantity]:
    """The figures of ``text`` in order of appearance, with words for numbers and months as soft ones."""
    text = ascii_digits(unicodedata.normalize("NFKC", text)) if not text.isascii() else text
    found: list[tuple[int, Quantity]] = []
    masked = list(text)

    def mask(start: int, end: int) -> None:
        masked[start:end] = " " * (end - start)

    for match in _DATE.finditer(text):
        for group in (1, 3, 4):
            digits = match.group(group)
            found.append((match.start(group), Quantity(digits, frozenset({Decimal(digits)} | _year_forms(digits)), digits=digits)))
        mask(match.start(), match.end())
    for match in _TIME.finditer("".join(masked)):
        hour = int(match.group(1))
        hours = {Decimal(hour), Decimal(hour % 12 or 12)}
        if hour < 12:
            hours.add(Decimal(hour + 12))
        if hour == 12:
            hours.add(Decimal(0))
        found.append((match.start(1), Quantity(match.group(1), frozenset(hours), digits=match.group(1))))
        minute = match.group(2) or match.group(3)
        if minute:
            start = match.start(2) if match.group(2) else match.start(3)
            found.append((start, Quantity(minute, frozenset({Decimal(minute)}), digits=minute)))
        mask(match.start(), match.end())
    for match in _DOT_TIME.finditer("".join(masked)):
        hour, minute = int(match.group(1)), match.group(2)
        hours = {Decimal(hour), Decimal(hour % 12 or 12)} | ({Decimal(hour + 12)} if hour < 12 else set())
        found.append((match.start(1), Quantity(match.group(1), frozenset(hours), digits=match.group(1))))
        found.append((match.start(2), Quantity(minute, frozenset({Decimal(minute)}), digits=minute)))
        mask(match.start(1), match.end())
    plain = "".join(masked)
    for match in _NUMBER.finditer(plain):
        for start, token in _split_spaced(match.group(), match.start()):
            values = set(parse_number(token, lang))
            scale = _scale_after(plain, start + len(token))
            scaled = frozenset(v * scale for v in values) if scale else frozenset()
            found.append((start, Quantity(token, frozenset(values | scaled), digits=re.sub(r"\D", "", token), scaled=scaled)))
    found += _cjk_numbers(text)
    words = NUMBER_WORDS.get(lang, {})
    months = MONTHS.get(lang, {})
    for match in _WORD.finditer(text):
        word = match.group().rstrip(".").lower()
        if word in words:
            found.append((match.start(), Quantity(match.group(), frozenset({Decimal(words[word])}), soft=True)))
        month = months.get(word) or (lang == "ru" and _russian_month(word))
        if month:
            found.append((match.start(), Quantity(match.group(), frozenset({Decimal(month)}), soft=True)))
    for start, phrase, value in _number_phrases(text, words):
        found.append((start, Quantity(phrase, frozenset({Decimal(value)}), soft=True)))
    for match in _ROMAN.finditer(text):
        value = _roman_value(match.group(1))
        if value:
            found.append((match.start(), Quantity(match.group(), frozenset({Decimal(value)}), soft=True)))
    found.sort(key=lambda item: item[0])
    return [quantity for _, quantity in found]


_ROMAN = re.compile(r"\b([IVXLCDM]{1,7})(?:e|er|ème|ᵉ|th|st|nd|rd|-?й|-?го)?\b")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def _roman_value(text: str) -> int | None:
    """"XXI" → 21; None for letters that are no well-formed numeral ("IIII", "VX")."""
    total = 0
    for index, char in enumerate(text):
        value = _ROMAN_VALUES[char]
        following = _ROMAN_VALUES[text[index + 1]] if index + 1 < len(text) else 0
        total += -value if value < following else value
    return total if total > 0 and _to_roman(total) == text else None


def _to_roman(value: int) -> str:
    out = ""
    for number, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= number:
            out += letters
            value -= number
    return out


_MULTIPLIERS = {100, 1000}


def _number_phrases(text: str, words: dict[str, int]) -> list[tuple[int, str, int]]:
    """Number words in a row ("vingt-cinq", "deux mille", "twenty-five thousand") as one value each."""
    found = []
    run: list[tuple[int, str, int]] = []
    for match in list(re.finditer(r"[^\W\d_]+", text)) + [None]:
        value = words.get(match.group().lower()) if match else None
        if match and run and value is None and match.group().lower() in ("and", "et", "y", "und"):
            continue  # "three hundred and twenty", "vingt et un"
        joined = match and run and re.fullmatch(r"[\s\-‐]+(?:et\s+|y\s+|and\s+)?", text[run[-1][0] + len(run[-1][1]) : match.start()])
        if value is not None and (not run or joined):
            run.append((match.start(), match.group(), value))
            continue
        if len(run) > 1:
            found.append((run[0][0], text[run[0][0] : run[-1][0] + len(run[-1][1])], _phrase_value([v for _, _, v in run])))
        run = [(match.start(), match.group(), value)] if match and value is not None else []
    return found


def _phrase_value(values: list[int]) -> int:
    total = current = 0
    for value in values:
        if value in _MULTIPLIERS:
            current = max(current, 1) * value
            if value == 1000:
                total, current = total + current, 0
        else:
            current += value
    return total + current


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex only lets digits through
        return Decimal(0)


def _year_forms(digits: str) -> set[Decimal]:
    """A two-digit year also matches its century forms: "24" = 2024 = 1924."""
    if len(digits) == 2:
        return {Decimal(2000 + int(digits)), Decimal(1900 + int(digits))}
    if len(digits) == 4:
        return {Decimal(int(digits) % 100)}
    return set()


def _split_spaced(run: str, offset: int) -> list[tuple[int, str]]:
    """Cut a run of digit groups at spaces that do not separate thousands ("2024 1 200" → "2024", "1 200")."""
    pieces = re.split(f"([{_SPACES}])", run)
    out: list[tuple[int, str]] = []
    current, start, position = pieces[0], offset, offset + len(pieces[0])
    for index in range(1, len(pieces), 2):
        separator, piece = pieces[index], pieces[index + 1]
        if _THOUSANDS_SO_FAR.fullmatch(current) and _THOUSANDS_GROUP.fullmatch(piece):
            current += separator + piece
        else:
            out.append((start, current))
            current, start = piece, position + len(separator)
        position += len(separator) + len(piece)
    out.append((start, current))
    return out


_THOUSANDS_SO_FAR = re.compile(r"\d{1,3}(?:[ \u00a0\u202f\u2009'’]\d{3})*")
_THOUSANDS_GROUP = re.compile(r"\d{3}(?:[.,]\d+)?")


def _scale_after(text: str, end: int) -> int | None:
    """The multiplier a scale word right after a figure gives ("2,5 milliards", "5bn", "3万")."""
    tail = text[end : end + 24].lstrip(_SPACES).lower()
    for phrase, scale in SCALE_PHRASES.items():
        if tail.startswith(phrase):
            return scale
    if tail[:2] in SCALES:  # 百万
        return SCALES[tail[:2]]
    if tail[:1] in SCALES and not tail[:1].isascii():
        return SCALES[tail[:1]]
    word = re.match(r"[^\W\d_]+\.?", tail)
    if not word:
        return None
    text_word = word.group()
    return SCALES.get(text_word) or SCALES.get(text_word.rstrip("."))


def _cjk_numbers(text: str) -> list[tuple[int, Quantity]]:
    """Chinese numerals ("三", "二十五", "三千五百") as soft quantities."""
    found = []
    for match in re.finditer(f"[{''.join(_CJK_DIGITS)}{''.join(_CJK_UNITS)}]+", text):
        value = _cjk_value(match.group())
        if value is not None:
            scale = _scale_after(text, match.end())
            values = {Decimal(value)} | ({Decimal(value * scale)} if scale else set())
            found.append((match.start(), Quantity(match.group(), frozenset(values), soft=True)))
    return found


def _cjk_value(text: str) -> int | None:
    total, digit = 0, None
    for char in text:
        if char in _CJK_DIGITS:
            digit = _CJK_DIGITS[char] if digit is None else digit * 10 + _CJK_DIGITS[char]
        else:
            total += (digit if digit is not None else 1) * _CJK_UNITS[char]
            digit = None
    return total + (digit or 0)


def _russian_month(word: str) -> int | None:
    """Russian months inflect ("марта", "мая"): matched by stem; "ма" alone must be "мая" or "май"."""
    if word in ("май", "мая", "мае"):
        return 5
    for stem, index in MONTHS["ru"].items():
        if stem != "ма" and word.startswith(stem) and len(word) - len(stem) <= 2:
            return index
    return None


# -- names --------------------------------------------------------------------------

# Capitalised words that are not names: articles and titles that open a name or follow quotes.
NOT_NAMES: dict[str, frozenset[str]] = {
    "fr": frozenset("le la les l un une des du de d au aux à et ou mais m mme mmes mlle mm dr pr me st ste".split()),
    "es": frozenset("el la los las lo un una unos unas de del al y o pero sr sra srta dr dra don doña".split()),
    "it": frozenset("il lo la i gli le un uno una di del della dei al e o ma sig sig.ra dott on".split()),
    "nl": frozenset("de het een van en of maar dhr mevr dr".split()),
    "en": frozenset("the a an of and or but mr mrs ms dr st i".split()),
    "ru": frozenset("г гг т д".split()),
}
# Where every noun is capitalised (German), capitals do not mark names: only acronyms are checked.
ACRONYMS_ONLY = frozenset({"de", "lb"})
# Scripts without capitals: only words in Latin letters inside them are checked.
UNCASED = frozenset({"zh", "ja", "ko", "ar", "fa", "he", "th", "ur", "hi"})

_OPENERS = "«»\"“”„‘’'([{—–-•:;*"
_NAME_TOKEN = re.compile(r"[^\W\d_]+(?:[-‐][^\W\d_]+)*")
_LATIN = re.compile(r"[A-Za-zÀ-ɏ]")
_LATIN_TOKEN = re.compile(r"[A-Za-zÀ-ɏ]+(?:[-‐][A-Za-zÀ-ɏ]+)*")

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
}
_GREEK = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i", "κ": "k",
    "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s", "ς": "s", "τ": "t",
    "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}


def names(text: str, lang: str) -> list[str]:
    """Capitalised words and acronyms of ``text`` that do not open it (or a quote, or a clause after a colon).

    German marks every noun with a capital, so there only acronyms count; in scripts
    without capitals (Chinese, Arabic …) only words written in Latin letters count.
    """
    stop = NOT_NAMES.get(lang, frozenset())
    found: list[str] = []
    for match in (_LATIN_TOKEN if lang in UNCASED else _NAME_TOKEN).finditer(text):
        word = match.group()
        if len(word) < 2 or not word[0].isupper():
            continue
        acronym = word.isupper() and sum(c.isalpha() for c in word) >= 2
        if lang in UNCASED:
            if _LATIN.match(word):
                found.append(word)
            continue
        if lang in ACRONYMS_ONLY and not acronym:
            continue
        if word.lower() in stop or _ROMAN.fullmatch(word) and _roman_value(_ROMAN.fullmatch(word).group(1)):
            continue
        if not acronym and _opens(text, match.start()):
            continue
        found.append(word)
    return list(dict.fromkeys(found))


def _opens(text: str, start: int) -> bool:
    """Whether a word at ``start`` opens the sentence, a quotation or a clause (so its capital says nothing)."""
    before = text[:start].rstrip()
    if not before:
        return True
    last = before[-1]
    if last in "'’" and len(before) > 1 and before[-2].isalpha():
        return False  # an elision (l'Otan, dell'Ue), not a quote
    if last in _OPENERS:
        return True
    return last in ".!?…" and not re.search(r"\b\w\.$", before)


def fold(text: str) -> str:
    """Case, accents, hyphens and apostrophes folded away, Cyrillic and Greek transliterated: "États-Unis" → "etats unis"."""
    text = unicodedata.normalize("NFKD", text.casefold())
    out = []
    for char in text:
        if unicodedata.combining(char):
            continue
        out.append(_CYRILLIC.get(char) or _GREEK.get(char) or char)
    text = "".join(out)
    text = re.sub(r"[-‐'’_.]", " ", text)
    return " ".join(re.findall(r"\w+", text))


def name_key(name: str) -> str:
    return fold(name)


# -- links --------------------------------------------------------------------------

_TLDS = "com|org|net|int|gov|edu|eu|fr|de|es|it|nl|be|ch|at|uk|ru|ua|pl|pt|info|io|co|news|tv"
LINK_PATTERNS: dict[str, re.Pattern[str]] = {
    "url": re.compile(r"(?:https?://|www\.)[^\s<>\"«»“”。，、；：！？）（「」『』【】]+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:" + _TLDS + r")\b(?:/[^\s<>\"«»“”。，、；：！？）（「」『』【】]*)?"),
    "email": re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b"),
    "handle": re.compile(r"(?<![\w@.])@[A-Za-z0-9_]{1,30}\b(?!\.[A-Za-z])"),
    "hashtag": re.compile(r"(?<![\w&#])#(?=\w*[^\W\d_])\w+"),
}
_TRAILING = ".,;:!?)]}»\"'’”…"


@dataclass(frozen=True)
class Link:
    kind: str  # url, email, handle, hashtag
    text: str
    start: int
    end: int


def links(text: str) -> list[Link]:
    """URLs, emails, @handles and #hashtags in ``text``, in order, never overlapping, trailing punctuation left out."""
    spans: list[Link] = []
    for kind in ("email", "url", "handle", "hashtag"):
        for match in LINK_PATTERNS[kind].finditer(text):
            start, value = match.start(), match.group()
            if kind == "url":
                value = _trim_url(value)
            end = start + len(value)
            if any(start < other.end and other.start < end for other in spans):
                continue
            spans.append(Link(kind, value, start, end))
    return sorted(spans, key=lambda link: link.start)


def _trim_url(url: str) -> str:
    """Sentence punctuation after a URL is not part of it; a closing parenthesis is when the URL opened one."""
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


__all__ = [
    "LINK_PATTERNS",
    "Link",
    "MONTHS",
    "NUMBER_WORDS",
    "Quantity",
    "SCALES",
    "ascii_digits",
    "fold",
    "links",
    "name_key",
    "names",
    "numbers",
    "parse_number",
]
