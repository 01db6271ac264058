"""Where each summary sentence comes from: the article's sentences behind it, with a score.

Two kinds of evidence, combined per summary sentence and article sentence (a pair):

*lexical*
    the share of the summary sentence's content words that the pair's English states
    (numbers and names weigh double, function words nothing), averaged with the share
    of its word bigrams found there: :func:`lexical_scores`;
*attention*
    the summariser's cross-attention while it wrote the sentence, summed per input
    sentence and traced through the stages of a long article back to the pairs
    (computed in :mod:`summarise.pipeline._summarising`): a distribution over pairs.

The lexical score says *whether* the article states what the sentence says; attention
says *where the model looked*, which tells apart pairs whose words the sentence shares
equally (a name repeated through the article).  So lexical evidence gates, and
attention ranks within it::

    score = lexical × (½ + ½ × attention / the sentence's highest attention)

Without attention (``attribution`` off, or a backend that gave none) the score is the
lexical one.  A pair supports a sentence when its score is at least
:data:`SUPPORT_FLOOR` and at least :data:`RELATIVE` of the best pair's; at most
:data:`MAX_SUPPORT` pairs are kept, best first.  A sentence no pair supports is flagged
``unsupported``; numbers and names it states that its supporting pairs do not are
flagged ``numbers`` and ``names``, with what was missing.  See docs/trust.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ._facts import SUMMARY_FLAGS
from ..text import fold, names, numbers, split_sentences

SUPPORT_FLOOR = 0.3  # below this no pair supports a sentence: it is flagged unsupported
RELATIVE = 0.6  # a pair supports a sentence only if it scores this share of the best pair's score
MAX_SUPPORT = 3  # support pairs kept per summary sentence, best first
SENTENCE_FLAGS = ("unsupported", "numbers", "names")

# English function words: they carry no evidence of where a sentence came from.
STOPWORDS = frozenset(
    """
    a an the of and or but to in on at for with by from as is are was were be been being has have had
    will would can could should may might must shall not no nor it its this that these those he she they
    his her their them him we us our you your i me my there here which who whom whose what when where
    why how than then so such also very just only more most less some any all each both other into over
    under about after before between against during without within up down out off again further once
    said says say do does did done s t
    """.split()
)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Support:
    """One article sentence behind a summary sentence: its index in the pairs, and how strongly."""

    pair: int
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"pair": self.pair, "score": round(self.score, 4)}


@dataclass
class SummarySentence:
    """One sentence of the summary, the pairs that support it (best first) and its flags."""

    text: str
    support: list[Support] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    # per flag, what it found: {"numbers": ["7"], "names": ["Smith"]}
    details: dict[str, list[str]] = field(default_factory=dict)

    @property
    def pairs(self) -> list[int]:
        return [entry.pair for entry in self.support]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "support": [entry.to_dict() for entry in self.support], "flags": list(self.flags)}
        if self.details:
            data["details"] = {flag: list(values) for flag, values in self.details.items()}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SummarySentence:
        return cls(
            text=data["text"],
            support=[Support(int(entry["pair"]), float(entry["score"])) for entry in data.get("support", [])],
            flags=list(data.get("flags", [])),
            details={flag: list(values) for flag, values in (data.get("details") or {}).items()},
        )


def _weighted_words(text: str) -> list[tuple[str, float]]:
    """Folded content words of ``text`` with their weight: 2 for figures and mid-sentence capitals, 1 otherwise."""
    words = []
    for position, match in enumerate(_WORD.finditer(text)):
        word = match.group()
        key = fold(word)
        if not key or key in STOPWORDS:
            continue
        if any(c.isdigit() for c in word) or (position > 0 and word[0].isupper()):
            words.append((key, 2.0))
        elif len(key) > 1:
            words.append((key, 1.0))
    return words


def _bigrams(text: str) -> set[tuple[str, str]]:
    words = fold(text).split()
    return set(zip(words, words[1:]))


def lexical_scores(sentence: str, sources: Sequence[str]) -> list[float]:
    """For each of ``sources``, in [0, 1]: how much of ``sentence`` it states (content words and bigrams)."""
    words = _weighted_words(sentence)
    total = sum(weight for _, weight in words)
    bigrams = _bigrams(sentence)
    scores = []
    for source in sources:
        if not total:
            scores.append(0.0)
            continue
        vocabulary = set(fold(source).split())
        unigram = sum(weight for word, weight in words if word in vocabulary) / total
        if bigrams:
            scores.append((unigram + len(bigrams & _bigrams(source)) / len(bigrams)) / 2)
        else:
            scores.append(unigram)
    return scores


def combine(lexical: Sequence[float], attention: Sequence[float] | None) -> list[float]:
    """Lexical evidence gates, attention ranks within it (see the module's docstring)."""
    if not attention or len(attention) != len(lexical) or max(attention) <= 0:
        return list(lexical)
    top = max(attention)
    return [score * (0.5 + 0.5 * weight / top) for score, weight in zip(lexical, attention)]


def choose_support(scores: Sequence[float]) -> list[Support]:
    """The pairs that support a sentence: over the floor, near the best, at most :data:`MAX_SUPPORT`, best first."""
    if not scores:
        return []
    best = max(scores)
    if best < SUPPORT_FLOOR:
        return []
    ranked = sorted(range(len(scores)), key=lambda index: (-scores[index], index))
    return [Support(index, scores[index]) for index in ranked[:MAX_SUPPORT] if scores[index] >= RELATIVE * best]


def attribute(
    sentences: Sequence[str],
    sources: Sequence[str],
    attention: Sequence[Sequence[float]] | None = None,
    lang: str = "en",
) -> list[SummarySentence]:
    """Each summary sentence, supported by indices into ``sources`` (the pairs' English) and flagged.

    ``attention``: per summary sentence, its attention over ``sources`` (any scale), or None.
    """
    result = []
    for index, text in enumerate(sentences):
        weights = attention[index] if attention is not None and index < len(attention) else None
        support = choose_support(combine(lexical_scores(text, sources), weights))
        item = SummarySentence(text=text, support=support)
        if not support:
            item.flags.append("unsupported")
        else:
            behind = " ".join(sources[entry.pair] for entry in support)
            item.details = _missing_facts(text, behind, lang)
            item.flags.extend(flag for flag in SENTENCE_FLAGS if flag in item.details)
        result.append(item)
    return result


def _missing_facts(sentence: str, behind: str, lang: str) -> dict[str, list[str]]:
    """Figures and names of ``sentence`` that the text of its supporting pairs never states."""
    stated = numbers(behind, lang)
    figures = [q.text for q in numbers(sentence, lang) if not q.soft and not any(q.matches(s) for s in stated)]
    folded = f" {fold(behind)} "
    unknown = [name for name in names(sentence, lang) if f" {fold(name)} " not in folded]
    details: dict[str, list[str]] = {}
    if figures:
        details["numbers"] = list(dict.fromkeys(figures))
    if unknown:
        details["names"] = list(dict.fromkeys(unknown))
    return details


def with_unsupported(checked: Any, sentences: Sequence[SummarySentence]) -> tuple[list[str], list[dict[str, Any]]]:
    """The summary's flags and details (a :class:`~summarise.checks._facts.SummaryCheck`) plus the sentences no pair supports."""
    details = [dict(entry) for entry in checked.details]
    listed = {entry["sentence"] for entry in details}
    details += [{"sentence": item.text, "support": "none"} for item in sentences if "unsupported" in item.flags and item.text not in listed]
    flags = list(checked.flags)
    if details and "unsupported" not in flags:
        flags.append("unsupported")
    return [flag for flag in SUMMARY_FLAGS if flag in flags], details


def summary_sentences(summary: str, lang: str = "en") -> list[str]:
    """The summary cut into sentences by the text layer's splitter; an unsplittable summary is one sentence."""
    if not summary.strip():
        return []
    return [sentence.text for sentence in split_sentences(summary, lang)] or [summary.strip()]


__all__ = [
    "MAX_SUPPORT",
    "RELATIVE",
    "SENTENCE_FLAGS",
    "SUPPORT_FLOOR",
    "Support",
    "SummarySentence",
    "attribute",
    "choose_support",
    "combine",
    "lexical_scores",
    "summary_sentences",
    "with_unsupported",
]
