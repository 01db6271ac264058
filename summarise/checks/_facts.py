"""Did the translation keep the facts? Numbers, names and links per sentence pair; summaries against the translation.

:func:`check_pair` compares a source sentence and its translation:

``numbers``
    a figure of the source has no equal value in the translation, or the translation
    has one the source lacks ("3,5 %" = "3.5%", "40 000" = "40,000", "14h30" = "2:30 pm",
    "2,5 milliards" = "2.5 billion"; see :func:`summarise.text._normalising.numbers`);
``names``
    a capitalised name or acronym that does not open the source sentence is nowhere in
    the translation: not as written, not accents or case folded, not transliterated
    (Cyrillic, Greek), not as a known exonym (:data:`EXONYMS`: "Allemagne" → "Germany"),
    not as the glossary's rendering, and not as a close spelling ("Moscou" ~ "Moscow");
``urls``
    a URL, email, @handle or #hashtag of the source is not in the translation verbatim.

Each flag comes with details: what is missing and, for numbers, what was added.
:func:`check_summary` checks every summary sentence against the whole translation:
figures and names it states that the translation never mentions are ``unsupported``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache
from typing import Any

from ..text import fold, links, names, numbers
from ._quality import has_loop
from ..text import split_sentences

CHECK_FLAGS = ("numbers", "names", "urls")
SUMMARY_FLAGS = ("empty", "repetition", "unsupported")

SUMMARY_DESCRIPTIONS: dict[str, str] = {
    "empty": "the summary is empty although the translation is not",
    "repetition": "the summary repeats itself (a generation loop)",
    "unsupported": "the summary states a number or name that appears nowhere in the translation, or a sentence no article sentence supports",
}
SUMMARY_LABELS: dict[str, str] = {"empty": "Empty summary", "repetition": "Repeats itself", "unsupported": "Not in the article"}

TRANSLITERATED_SIMILARITY = 0.6  # Cyrillic/Greek names transliterate loosely ("zelenskii"/"zelensky")
MIN_NAME_CHARS = 3  # shorter folded names ("Си", "M") are not judged

# Names that English writes differently, folded (see normalising.fold), for the shipped languages.
# Close spellings need no entry ("Bruxelles" ~ "Brussels"); inflected Cyrillic forms match by stem.
_EXONYM_TABLE = """
allemagne alemania germania duitsland germaniya = germany german
angleterre inglaterra inghilterra engeland angliya = england english
royaume uni reino unido regno unito verenigd koninkrijk = united kingdom uk britain british
grande bretagne gran bretana gran bretagna groot brittannie = britain great britain british
etats unis estados unidos stati uniti verenigde staten ssha = united states us usa america american
espagne espana spagna spanje ispaniya = spain spanish
italie italia italie italiya = italy italian
pays bas paises bajos paesi bassi nederland niderlandy = netherlands dutch holland
belgique belgica belgio belgie belgiya = belgium belgian
suisse suiza svizzera zwitserland shveitsariya = switzerland swiss
autriche austria oostenrijk avstriya = austria austrian
grece grecia grecia griekenland gretsiya = greece greek
chine china cina kitai = china chinese
japon giappone japan yaponiya = japan japanese
russie rusia russia rusland rossiya rossii = russia russian
ukraine ucrania ucraina oekraine ukraina ukrainy = ukraine ukrainian
pologne polonia polen polsha = poland polish
turquie turquia turchia turkije turtsiya = turkey turkish turkiye
liban libano libano libanon livan = lebanon lebanese
syrie siria syrie siriya = syria syrian
irak iraq irak = iraq iraqi
egypte egipto egitto egypte egipet = egypt egyptian
maroc marruecos marocco marokko = morocco moroccan
algerie argelia algeria = algeria algerian
tunisie tunez tunisia tunesie = tunisia tunisian
mexique mexico messico = mexico mexican
bresil brasil brasile brazilie braziliya = brazil brazilian
inde india indie indiya = india indian
coree corea korea = korea korean
europe europa evropa = europe european
afrique africa afrika = africa african
amerique america amerika = america american
asie asia azie aziya = asia asian
londres londra londen london = london
bruxelles bruselas brussel bryussel = brussels
pekin pechino peking pekine = beijing peking
moscou moscu mosca moskou moskva moskve moskvy = moscow
varsovie varsovia varsavia warschau = warsaw
venise venecia venezia venetie = venice
florence florencia firenze = florence
milan milano = milan
munich munchen monaco di baviera = munich
cologne colonia keulen = cologne
la haye l aia den haag = the hague
vienne viena vienna wenen vena = vienna
geneve ginevra genf = geneva
lisbonne lisboa lisbona lissabon = lisbon
athenes atenas atene athene afiny = athens
kiev kyiv kiyev kieve kieva = kyiv kiev
le caire el cairo il cairo = cairo
jerusalem gerusalemme ierusalim = jerusalem
otan nato = nato
onu oon vn = un united nations
ue ue eu es = eu european union
oms oms who voz = who world health organization
fmi fmi imf imf mvf = imf international monetary fund
bce bce ecb ecb = ecb european central bank
ocde ocse oeso = oecd
etat estado stato staat = state
gouvernement gobierno governo regering = government
senat senado senato senaat = senate
assemblee = assembly
elysee = elysee elysee palace presidency
matignon = matignon prime minister
kremlin kremle kremlya = kremlin
bourse bolsa borsa beurs = stock exchange bourse market
eglise iglesia chiesa kerk = church
conseil consejo consiglio raad = council
cour corte hof = court
premier = prime minister
parlement parlamento parlament = parliament
casa bianca casa blanca maison blanche weisses haus witte huis = white house
roma rome = rome
torino turin = turin
napoli napoles naples = naples
genova genes genua = genoa
sevilla seville = seville
stretto estrecho detroit = strait
smic = minimum wage smic
hexagone = france
pil pib bip bbp vvp = gdp
tva iva mwst btw nds = vat
bce bce ezb ecb = ecb
ong = ngo
pme pyme = sme smes
ue = eu
"""


@cache
def exonyms() -> dict[str, tuple[str, ...]]:
    """Folded source spelling → folded English renderings, from :data:`_EXONYM_TABLE`."""
    table: dict[str, tuple[str, ...]] = {}
    for line in _EXONYM_TABLE.strip().splitlines():
        left, right = line.split("=")
        english = tuple(right.split())
        for key in left.split():
            table[key] = tuple(dict.fromkeys(table.get(key, ()) + english))
    return table


@dataclass(frozen=True)
class PairCheck:
    """The flags of :data:`CHECK_FLAGS` a pair raises, and for each what is missing or added."""

    flags: list[str] = field(default_factory=list)
    details: dict[str, dict[str, list[str]]] = field(default_factory=dict)


def check_pair(
    source: str,
    translation: str,
    source_lang: str,
    target_lang: str = "en",
    *,
    renderings: Renderings | Mapping[str, Sequence[str]] | None = None,
) -> PairCheck:
    """Numbers, names and links of ``source`` against ``translation``.

    ``renderings`` maps a source term to the translations that count for it (a glossary).
    An empty translation or an untranslated pair (same languages) is not judged here.
    """
    if source_lang == target_lang or not translation.strip():
        return PairCheck()
    flags: list[str] = []
    details: dict[str, dict[str, list[str]]] = {}
    missing, added = number_diff(source, translation, source_lang, target_lang)
    if missing or added:
        flags.append("numbers")
        details["numbers"] = {key: value for key, value in (("missing", missing), ("added", added)) if value}
    lost = missing_names(source, translation, source_lang, renderings)
    if lost:
        flags.append("names")
        details["names"] = {"missing": lost}
    broken = missing_links(source, translation)
    if broken:
        flags.append("urls")
        details["urls"] = {"missing": broken}
    return PairCheck(flags, details)


def number_diff(source: str, translation: str, source_lang: str, target_lang: str = "en") -> tuple[list[str], list[str]]:
    """(figures of the source with no equal in the translation, figures of the translation the source lacks).

    Values are compared, not spellings, and each side as a set.  A translation whose
    digits are the source's in the same order, only cut up differently ("2024" as
    "2 0 2 4", "2,5" as "2 , 5"), is a re-spaced copy and passes.
    """
    # Digits inside links are the links' business (the urls flag), not figures.
    ours, theirs = numbers(_without_links(source), source_lang), numbers(_without_links(translation), target_lang)
    missing = [q.text for q in ours if not q.soft and not any(q.matches(t) for t in theirs)]
    added = [q.text for q in theirs if not q.soft and not any(q.matches(s) for s in ours)]
    if missing or added:
        hard_ours = [q for q in ours if not q.soft]
        hard_theirs = [q for q in theirs if not q.soft]
        same_digits = "".join(q.digits for q in hard_ours) == "".join(q.digits for q in hard_theirs)
        if same_digits and len(hard_ours) != len(hard_theirs):
            return [], []
    return list(dict.fromkeys(missing)), list(dict.fromkeys(added))


def missing_names(
    source: str,
    translation: str,
    source_lang: str,
    renderings: Renderings | Mapping[str, Sequence[str]] | None = None,
) -> list[str]:
    """The names of ``source`` (see :func:`summarise.text._normalising.names`) found nowhere in ``translation``.

    ``renderings`` is best given as a :class:`Renderings`, folded once for many
    sentences: a mapping is folded again at every call.
    """
    words = fold(translation).split()
    text = f" {' '.join(words)} "
    extra = Renderings.of(renderings)
    lost = [name for name in _checked_names(source, source_lang) if not _name_found(name, text, words, extra)]
    # Acronyms are translated too (PIL → GDP, ООН → UN): one the translation adds answers one the source lost.
    spare = [w for w in _acronyms(translation) if fold(w) not in fold(source).split()]
    kept = []
    for name in lost:
        if _is_acronym(name) and spare:
            spare.pop(0)
            continue
        kept.append(name)
    return kept


class Renderings(Mapping[str, tuple[str, ...]]):
    """Folded source term → folded translations that count for it; folded once, looked up per name.

    A request's keep and glossary terms are folded here once, not once per
    sentence: the names check then costs a lookup per name, whatever the
    number of terms.
    """

    def __init__(self, table: Mapping[str, Sequence[str]] | None = None) -> None:
        self._table = {fold(term): tuple(fold(t) for t in targets) for term, targets in (table or {}).items()}

    @classmethod
    def of(cls, value: Renderings | Mapping[str, Sequence[str]] | None) -> Renderings:
        return value if isinstance(value, Renderings) else cls(value)

    def __getitem__(self, key: str) -> tuple[str, ...]:
        return self._table[key]

    def __iter__(self):
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def get(self, key: str, default: Any = None) -> Any:
        return self._table.get(key, default)


def _without_links(text: str) -> str:
    for link in links(text):
        text = text[: link.start] + " " * (link.end - link.start) + text[link.end :]
    return text


def _checked_names(text: str, lang: str) -> list[str]:
    """The names to look for: none inside links (a hashtag is checked whole, as a link);
    of "NAVO-chef" only its capitalised part, while "Jean-Luc" stays whole."""
    found: list[str] = []
    for name in names(_without_links(text), lang):
        parts = name.split("-")
        if len(parts) > 1 and not all(part[:1].isupper() for part in parts):
            found += [part for part in parts if part[:1].isupper() and len(part) > 1]
        else:
            found.append(name)
    return list(dict.fromkeys(found))


def _is_acronym(word: str) -> bool:
    return word.isupper() and sum(char.isalpha() for char in word) >= 2


def _acronyms(text: str) -> list[str]:
    return [word for word in re.findall(r"[^\W\d_]{2,}", text) if _is_acronym(word)]


def missing_links(source: str, translation: str) -> list[str]:
    """URLs, emails, @handles and #hashtags of ``source`` that ``translation`` does not hold verbatim."""
    return list(dict.fromkeys(link.text for link in links(source) if link.text not in translation))


def _name_found(name: str, text: str, words: list[str], extra: Mapping[str, tuple[str, ...]]) -> bool:
    key = fold(name)
    if (len(key.replace(" ", "")) < MIN_NAME_CHARS and not _is_acronym(name)) or f" {key} " in text:
        return True
    for rendering in extra.get(key, ()) + _exonyms_of(key):
        if f" {rendering} " in text:
            return True
    transliterated = any("\u0370" <= char <= "\u04ff" for char in name)
    if transliterated:
        key = _CASE_ENDING.sub("", key)  # Russian/Ukrainian cases: "tszinpinom" → "tszinpin"
    size = key.count(" ") + 1
    for start in range(len(words) - size + 1):
        candidate = " ".join(words[start : start + size])
        if _similar(key, candidate, transliterated):
            return True
    return False


_CASE_ENDING = re.compile(r"(?<=\w{4})(?:om|em|oi|ei|ym|im|ya|yu|a|u|e|y|i)$")


def _exonyms_of(key: str) -> tuple[str, ...]:
    table = exonyms()
    if key in table:
        return table[key]
    if len(key) >= 5:  # inflected forms ("germanii", "moskve"): the same stem as an entry
        for entry, renderings in table.items():
            if len(entry) >= 5 and _common_prefix(entry, key) >= max(4, len(entry) - 2):
                return renderings
    return ()


def _similar(key: str, candidate: str, transliterated: bool) -> bool:
    """An inflected or adapted form of the same name: "merkels"/"merkel", "moscou"/"moscow", "putina"/"putin".

    Latin-script names may differ only in their last two letters, so a mangled name
    ("Stoltenburg" for "Stoltenberg") still counts as missing; transliterations vary
    more ("sholts"/"scholz"), so for them a close overall spelling is enough.
    """
    if abs(len(key) - len(candidate)) > 3:
        return False
    if _common_prefix(key, candidate) >= max(4, len(key) - 2, len(candidate) - 2):
        return True
    return transliterated and SequenceMatcher(None, key, candidate, autojunk=False).ratio() >= TRANSLITERATED_SIMILARITY


def _common_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b):
        if x != y:
            break
        count += 1
    return count


# -- summaries --------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryCheck:
    """A summary's flags (:data:`SUMMARY_FLAGS`) and, per unsupported sentence, what it states unsupported."""

    flags: list[str] = field(default_factory=list)
    details: list[dict[str, Any]] = field(default_factory=list)


def check_summary(summary: str, translation: str | Iterable[str], lang: str = "en") -> SummaryCheck:
    """Each sentence of ``summary`` against ``translation`` (its source text): figures and names it never states."""
    source = translation if isinstance(translation, str) else " ".join(translation)
    if not summary.strip():
        return SummaryCheck(["empty"] if source.strip() else [])
    flags: list[str] = []
    if has_loop(summary) and not has_loop(source):
        flags.append("repetition")
    stated = numbers(source, lang)
    words = fold(source).split()
    text = f" {' '.join(words)} "
    details: list[dict[str, Any]] = []
    for sentence in split_sentences(summary, lang):
        figures = [q.text for q in numbers(sentence.text, lang) if not q.soft and not any(q.matches(s) for s in stated)]
        unknown = [n for n in names(sentence.text, lang) if not _name_found(n, text, words, {})]
        if figures or unknown:
            entry: dict[str, Any] = {"sentence": sentence.text}
            if figures:
                entry["numbers"] = list(dict.fromkeys(figures))
            if unknown:
                entry["names"] = unknown
            details.append(entry)
    if details:
        flags.append("unsupported")
    return SummaryCheck([flag for flag in SUMMARY_FLAGS if flag in flags], details)


def describe_details(details: Mapping[str, Mapping[str, Sequence[str]]]) -> str:
    """``numbers: missing 3,5; added 35 · names: missing Stoltenberg`` for a pair's details."""
    parts = []
    for flag, entry in details.items():
        inner = "; ".join(f"{kind} {', '.join(values)}" for kind, values in entry.items() if values)
        parts.append(f"{flag}: {inner}" if inner else flag)
    return " · ".join(parts)


def describe_summary_details(details: Sequence[Mapping[str, Any]]) -> list[str]:
    """One line per unsupported summary sentence: ``"…sentence…": numbers 7; names Smith``."""
    lines = []
    for entry in details:
        what = "; ".join(f"{kind} {', '.join(entry[kind])}" for kind in ("numbers", "names") if entry.get(kind))
        if entry.get("support") == "none":
            what = "; ".join(part for part in (what, "no article sentence supports it") if part)
        lines.append(f"\u201c{entry['sentence']}\u201d: {what}")
    return lines


__all__ = [
    "CHECK_FLAGS",
    "PairCheck",
    "Renderings",
    "SUMMARY_DESCRIPTIONS",
    "SUMMARY_LABELS",
    "SUMMARY_FLAGS",
    "SummaryCheck",
    "check_pair",
    "check_summary",
    "describe_details",
    "describe_summary_details",
    "exonyms",
    "missing_links",
    "missing_names",
    "number_diff",
]
