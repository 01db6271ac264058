"""Quality checks on sentence pairs: cheap signs that a machine translation went wrong.

Each check is a pure function of the source sentence, its translation and the
language pair, so it can be tested on crafted strings.  :func:`flag_pair`
runs them all and returns the names of the flags raised, in the order of
:data:`FLAGS`:

``empty``
    the translation is empty while the source is not;
``length_limit``
    generation stopped at its token budget (the caller says so: ``hit_limit``);
``length_ratio``
    translation characters / source characters is outside the range expected
    for the source language (:data:`LENGTH_RATIOS`); short sentences are not judged;
``repetition``
    the translation loops (:func:`has_loop`) where the source does not;
``copy``
    the translation is (nearly) the source itself: the model copied it through;
``wrong_language``
    the translation is confidently in another language than the target.

:mod:`summarise.checks._facts` adds ``numbers``, ``names`` and ``urls`` (facts lost or
changed, with details), and :mod:`summarise.text._protecting` ``placeholder`` and
``glossary`` (a protected term the model dropped, put back); the pipeline
joins them to these flags, all in :data:`FLAGS` order.

A document's flags add up to a :class:`QualitySummary` (:func:`document_quality`);
:func:`is_flagged` is the one test of "this document needs a look" that the
CLI's and bulk's ``--strict`` use.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Protocol

from ..text import LanguageDetector

FLAGS = (
    "empty",
    "length_limit",
    "length_ratio",
    "repetition",
    "copy",
    "wrong_language",
    # facts kept (summarise.checks._facts) and protected terms put back (summarise.text._protecting)
    "numbers",
    "names",
    "urls",
    "placeholder",
    "glossary",
)

FLAG_DESCRIPTIONS: dict[str, str] = {
    "empty": "the translation is empty although the source is not",
    "length_limit": "generation stopped at its length budget: the end of the sentence may be missing",
    "length_ratio": "the translation is unusually long or short for its source",
    "repetition": "the translation repeats itself (a generation loop)",
    "copy": "the translation is (nearly) a copy of the source",
    "wrong_language": "the translation is not in the target language",
    "numbers": "a number of the source is missing from the translation, or the translation has one the source lacks",
    "names": "a name or acronym of the source is missing from the translation",
    "urls": "a URL, email, @handle or #hashtag of the source is not reproduced verbatim",
    "placeholder": "the model dropped a protected term (link or --keep term): it was put back at a guessed position",
    "glossary": "the model dropped a glossary term: its target was put back at a guessed position",
}
# What a reader sees on a flagged sentence's chip: a few words, no internal ids (beside the descriptions above).
FLAG_LABELS: dict[str, str] = {
    "empty": "Empty translation",
    "length_limit": "Cut short",
    "length_ratio": "Odd length",
    "repetition": "Repeats itself",
    "copy": "Not translated",
    "wrong_language": "Wrong language",
    "numbers": "Numbers differ",
    "names": "Name missing",
    "urls": "Link changed",
    "placeholder": "Term moved",
    "glossary": "Glossary term moved",
}


def label(flag: str) -> str:
    """The human label of ``flag`` (:data:`FLAG_LABELS`); an unknown flag reads as itself, spaced."""
    return FLAG_LABELS.get(flag) or flag.replace("_", " ").capitalize()


@dataclass(frozen=True)
class RatioRange:
    """Expected translation/source character ratio into English, and the shortest source judged."""

    low: float
    high: float
    min_source_chars: int = 20


# Characters of English per character of source.  Latin, Cyrillic, Greek, Arabic and
# Hebrew scripts land near 1; a Chinese or Japanese character carries a word or more,
# so their English runs several times longer.  Deliberately wide: a flag here means
# "a sentence got lost or invented", not "the style is wordy".
DEFAULT_RATIO = RatioRange(0.5, 2.0)
LENGTH_RATIOS: dict[str, RatioRange] = {
    "zh": RatioRange(1.2, 9.0, min_source_chars=8),
    "ja": RatioRange(1.0, 7.0, min_source_chars=10),
    "ko": RatioRange(1.0, 5.0, min_source_chars=10),
    "th": RatioRange(0.6, 3.0),
    "ar": RatioRange(0.6, 2.5),
    "he": RatioRange(0.6, 2.5),
    "fa": RatioRange(0.6, 2.5),
    "fi": RatioRange(0.45, 2.0),
    "hu": RatioRange(0.45, 2.0),
    "tr": RatioRange(0.45, 2.2),
}

# Loops: a unit of n words repeated back to back this many times, or one 4-gram this often anywhere.
TANDEM_MAX_UNIT = 10
TANDEM_REPEATS = {1: 4}  # a single word four times in a row ("the the the the")
TANDEM_REPEATS_DEFAULT = 3  # a phrase of 2..10 words three times in a row
NGRAM_SIZE = 4
NGRAM_REPEATS = 3
REPEATED_TRIGRAM_SHARE = 0.4  # share of trigrams that repeat an earlier one ...
REPEATED_TRIGRAM_MIN = 12  # ... judged only on texts with at least this many trigrams

COPY_SIMILARITY = 0.9
COPY_MIN_WORDS = 3  # fewer lower-case words than this: too little to tell a copy from a correct echo
COPY_EXACT_CHARS = 1000  # texts up to this long are compared whole; longer ones piece by piece (linear time)
COPY_PIECE_CHARS = 500
COPY_MAX_PIECES = 32  # past this many pieces, this many evenly spaced ones are compared: bounded work per sentence

WRONG_LANGUAGE_CONFIDENCE = 0.9
WRONG_LANGUAGE_MIN_LETTERS = 30

_WORD = re.compile(r"\w+")
_HAS_WORD = re.compile(r"\w")


class _Flagged(Protocol):
    flags: list[str]


# -- the checks -----------------------------------------------------------------


def flag_pair(
    source: str,
    translation: str,
    source_lang: str,
    target_lang: str = "en",
    detector: LanguageDetector | None = None,
    *,
    hit_limit: bool = False,
) -> list[str]:
    """The flags that ``translation`` of ``source`` raises, in :data:`FLAGS` order; ``[]`` when clean.

    ``detector`` defaults to a shared :class:`LanguageDetector`.  When source and
    target languages are the same nothing was translated, and only ``length_limit`` applies.
    """
    flags: list[str] = []
    if source_lang == target_lang:
        return ["length_limit"] if hit_limit else []
    if not translation.strip():
        return ["empty"] if _HAS_WORD.search(source) else []
    if hit_limit:
        flags.append("length_limit")
    if length_ratio_out_of_range(source, translation, source_lang):
        flags.append("length_ratio")
    if loop_flagged(source, translation):
        flags.append("repetition")
    if is_copy(source, translation):
        flags.append("copy")
    if is_wrong_language(translation, target_lang, detector):
        flags.append("wrong_language")
    return flags


def length_ratio(source: str, translation: str) -> float:
    """Characters of translation per character of source, spaces at either end ignored."""
    return len(translation.strip()) / max(1, len(source.strip()))


def expected_ratio(source_lang: str) -> RatioRange:
    return LENGTH_RATIOS.get(source_lang, DEFAULT_RATIO)


def length_ratio_out_of_range(source: str, translation: str, source_lang: str) -> bool:
    expected = expected_ratio(source_lang)
    if len(source.strip()) < expected.min_source_chars:
        return False
    ratio = length_ratio(source, translation)
    return not expected.low <= ratio <= expected.high


def words(text: str) -> list[str]:
    """Lower-cased word tokens: what loops are counted in."""
    return _WORD.findall(text.casefold())


def repetition_score(text: str) -> float:
    """The share of word trigrams that repeat an earlier one: 0 for varied text, near 1 for a loop."""
    tokens = words(text)
    trigrams = list(zip(tokens, tokens[1:], tokens[2:]))
    if not trigrams:
        return 0.0
    return 1.0 - len(set(trigrams)) / len(trigrams)


def has_loop(text: str) -> bool:
    """Whether ``text`` repeats itself the way a decoder stuck in a loop does.

    Any of: one word four times in a row; a phrase of 2 to 10 words three
    times in a row; a 4-gram three times anywhere; or, on longer texts, 40 %
    of the trigrams repeating earlier ones.
    """
    tokens = words(text)
    if _tandem_repeat(tokens):
        return True
    grams = Counter(zip(*(tokens[i:] for i in range(NGRAM_SIZE))))
    if grams and max(grams.values()) >= NGRAM_REPEATS:
        return True
    return len(tokens) - 2 >= REPEATED_TRIGRAM_MIN and repetition_score(text) >= REPEATED_TRIGRAM_SHARE


def loop_flagged(source: str, translation: str) -> bool:
    """A loop in the translation that the source does not have (a source may repeat itself on purpose)."""
    return has_loop(translation) and not has_loop(source)


def is_copy(source: str, translation: str) -> bool:
    """The translation is the source, or nearly (similarity of the normalised texts >= 0.9).

    Sentences of names and numbers ("Emmanuel Macron", "Paris, 14 mars 2024 (AFP)"),
    i.e. with fewer than three lower-case words, are left alone: copying them through is correct.
    """
    if _names_and_numbers(source):
        return False
    a, b = comparable_text(source), comparable_text(translation)
    if not a or not b:
        return False
    if 2 * min(len(a), len(b)) / (len(a) + len(b)) < COPY_SIMILARITY:  # SequenceMatcher.real_quick_ratio
        return False
    return copy_similarity(a, b) >= COPY_SIMILARITY


def copy_similarity(a: str, b: str) -> float:
    """:class:`difflib.SequenceMatcher`'s ratio of ``a`` and ``b``, in time linear in their length.

    The matcher is quadratic (an unpunctuated paragraph would take hours), so texts longer
    than :data:`COPY_EXACT_CHARS` are compared piece by piece: ``a`` is cut at spaces about
    every :data:`COPY_PIECE_CHARS` characters, ``b`` at the proportional places, and the
    matches of the aligned pieces add up.  For a copy the pieces line up; edits shift the
    cuts by a few characters at most, which costs a little similarity at the piece ends.
    Past :data:`COPY_MAX_PIECES` pieces only that many, spread evenly, are compared, so
    the matcher's work is bounded; cutting stays linear.
    """
    total = len(a) + len(b)
    if not total:
        return 1.0
    if total <= 2 * COPY_EXACT_CHARS:
        pieces = [(a, b)]
    else:
        cuts_a = _space_cuts(a, range(COPY_PIECE_CHARS, len(a) - COPY_PIECE_CHARS // 2, COPY_PIECE_CHARS))
        cuts_b = _follow_cuts(a, b, cuts_a)
        pieces = [(a[i:j], b[k:m]) for i, j, k, m in zip([0, *cuts_a], [*cuts_a, len(a)], [0, *cuts_b], [*cuts_b, len(b)])]
        if len(pieces) > COPY_MAX_PIECES:  # a huge paragraph: pieces spread evenly over it are enough to tell a copy
            step = len(pieces) / COPY_MAX_PIECES
            pieces = [pieces[int(k * step)] for k in range(COPY_MAX_PIECES)]
            total = sum(len(x) + len(y) for x, y in pieces)
    matched = 0
    for x, y in pieces:
        matcher = SequenceMatcher(None, x, y, autojunk=False)
        matched += sum(block.size for block in matcher.get_matching_blocks())
    return 2.0 * matched / total if total else 1.0


def _space_cuts(text: str, places: Iterable[int]) -> list[int]:
    """The first space at or after each of ``places`` (ascending), each cut after the last one."""
    cuts: list[int] = []
    for place in places:
        cut = text.find(" ", max(place, cuts[-1] + 1 if cuts else 0))
        if cut < 0:
            break
        cuts.append(cut)
    return cuts


_ANCHOR_CHARS = 24


def _follow_cuts(a: str, b: str, cuts_a: list[int]) -> list[int]:
    """Where ``b`` should be cut to line up with ``a``'s cuts: the same few words, searched near the expected place.

    The expected place follows the drift so far, so insertions and deletions do not add up
    along a long text; where the words are not found, the cut is made at the expected place.
    """
    cuts_b: list[int] = []
    previous_a = previous_b = 0
    for cut in cuts_a:
        expected = min(len(b), previous_b + (cut - previous_a))
        anchor = a[cut : cut + _ANCHOR_CHARS]
        low, high = max(previous_b, expected - COPY_PIECE_CHARS), min(len(b), expected + COPY_PIECE_CHARS + len(anchor))
        found = b.find(anchor, low, high) if anchor else -1
        if found < 0:
            space = b.find(" ", max(expected, previous_b))
            found = len(b) if space < 0 else space
        cuts_b.append(found)
        previous_a, previous_b = cut, found
    return cuts_b


def is_wrong_language(translation: str, target_lang: str, detector: LanguageDetector | None = None) -> bool:
    """The translation is confidently (>= 0.9) in another language than ``target_lang``; short texts are not judged."""
    if sum(char.isalpha() for char in translation) < WRONG_LANGUAGE_MIN_LETTERS:
        return False
    detection = (detector or _default_detector()).detect(translation)
    return detection.confidence >= WRONG_LANGUAGE_CONFIDENCE and detection.lang != target_lang


def explain(flag: str, source: str = "", translation: str = "", source_lang: str = "", target_lang: str = "en") -> str:
    """One line that says why ``flag`` was raised, with the figures where there are some."""
    text = FLAG_DESCRIPTIONS.get(flag, flag)
    if flag == "length_ratio" and source and translation:
        expected = expected_ratio(source_lang)
        text += f" ({length_ratio(source, translation):.2f}× the source's characters; expected {expected.low:g}–{expected.high:g} for {source_lang}→{target_lang})"
    elif flag == "repetition" and translation:
        text += f" ({repetition_score(translation):.0%} of its word trigrams repeat)"
    elif flag == "wrong_language" and translation:
        detection = _default_detector().detect(translation)
        text += f" (looks like {detection.lang}, {detection.confidence:.0%} sure; expected {target_lang})"
    return text


# -- documents ------------------------------------------------------------------


@dataclass(frozen=True)
class QualitySummary:
    """How many of a document's sentences were flagged, and by which flags."""

    sentences: int
    flagged: int
    by_flag: dict[str, int] = field(default_factory=dict)

    @property
    def share(self) -> float:
        """The share of flagged sentences, 0.0 for a document without sentences."""
        return self.flagged / self.sentences if self.sentences else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "flagged": self.flagged,
            "sentences": self.sentences,
            "share": round(self.share, 4),
            "by_flag": dict(self.by_flag),
        }

    def describe(self) -> str:
        """``3 of 25 sentences flagged (12%): copy 2, repetition 1`` or ``no sentence flagged (of 25)``."""
        if not self.flagged:
            return f"no sentence flagged (of {self.sentences})"
        counts = ", ".join(f"{name} {count}" for name, count in self.by_flag.items())
        return f"{self.flagged} of {self.sentences} sentences flagged ({self.share:.0%}): {counts}"


def document_quality(pairs: Iterable[_Flagged]) -> QualitySummary:
    """Counts over sentence pairs (anything with a ``flags`` list), flags in :data:`FLAGS` order."""
    sentences = flagged = 0
    counts: Counter[str] = Counter()
    for pair in pairs:
        sentences += 1
        if pair.flags:
            flagged += 1
            counts.update(set(pair.flags))
    order = {name: i for i, name in enumerate(FLAGS)}
    by_flag = {name: counts[name] for name in sorted(counts, key=lambda n: (order.get(n, len(FLAGS)), n))}
    return QualitySummary(sentences=sentences, flagged=flagged, by_flag=by_flag)


def is_flagged(result: Any, flags: Iterable[str] | None = None) -> bool:
    """Whether a result (a Translation or Summary, or anything with ``pairs``) has a flagged sentence or summary.

    This is what ``--strict`` means: a document for which this is true counts as
    a failure (a Summary's ``summary_flags`` count too).  ``flags`` restricts the test to some flag names; by default any flag counts.
    """
    wanted = None if flags is None else set(flags)
    summary_flags = getattr(result, "summary_flags", None) or []
    if summary_flags if wanted is None else wanted.intersection(summary_flags):
        return True
    for pair in result.pairs:
        if pair.flags if wanted is None else wanted.intersection(pair.flags):
            return True
    return False


# -- helpers --------------------------------------------------------------------


def _tandem_repeat(tokens: list[str]) -> bool:
    """A unit of 1..TANDEM_MAX_UNIT tokens repeated back to back at least its threshold of times."""
    count = len(tokens)
    for size in range(1, TANDEM_MAX_UNIT + 1):
        needed = TANDEM_REPEATS.get(size, TANDEM_REPEATS_DEFAULT)
        if size * needed > count:
            break
        for start in range(count - size * needed + 1):
            unit = tokens[start : start + size]
            if all(tokens[start + k * size : start + (k + 1) * size] == unit for k in range(1, needed)):
                return True
    return False


def _names_and_numbers(text: str) -> bool:
    """Fewer than three lower-case words: the rest are names, numbers and acronyms, which translate as themselves."""
    return sum(token[0].islower() for token in _WORD.findall(text)) < COPY_MIN_WORDS


def comparable_text(text: str) -> str:
    """Case-folded letters and digits, one space between words: punctuation and spacing do not count."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(text))


_DETECTOR: LanguageDetector | None = None


def _default_detector() -> LanguageDetector:
    global _DETECTOR
    if _DETECTOR is None:
        _DETECTOR = LanguageDetector()
    return _DETECTOR


__all__ = [
    "DEFAULT_RATIO",
    "FLAGS",
    "FLAG_DESCRIPTIONS",
    "FLAG_LABELS",
    "LENGTH_RATIOS",
    "QualitySummary",
    "RatioRange",
    "document_quality",
    "explain",
    "label",
    "flag_pair",
    "has_loop",
    "is_copy",
    "is_flagged",
    "is_wrong_language",
    "length_ratio",
    "length_ratio_out_of_range",
    "loop_flagged",
    "repetition_score",
]
