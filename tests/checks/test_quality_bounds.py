"""Every per-sentence check does work linear in the sentence: counted in executed lines, not seconds."""

from __future__ import annotations

import difflib
import random
import sys
from difflib import SequenceMatcher

import pytest

from summarise.checks import _quality as quality
from summarise.checks._quality import copy_similarity, is_copy

WORDS = "le la les un une des et de du que qui dans pour avec sur par conseil ville projet accord gouvernement président réforme budget".split()


def _sentence(words: int, seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _near_copy(text: str, seed: int) -> str:
    """The text with one word in 30 changed: what a model that copies with small slips writes."""
    rng = random.Random(seed)
    tokens = text.split()
    for index in range(0, len(tokens), 30):
        tokens[index] = rng.choice(WORDS).upper()
    return " ".join(tokens)


def _lines_executed(call) -> int:
    """Python lines run inside difflib and quality while ``call`` runs: a measure of work that load cannot skew."""
    watched = {difflib.__file__, quality.__file__}
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename not in watched:
            return None
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        call()
    finally:
        sys.settrace(None)
    return count


def test_the_copy_check_grows_linearly_with_the_sentence():
    sizes = (250, 500, 1000, 2000)  # words: about 2 kB to 16 kB, all past the exact-comparison size
    counts = []
    for words in sizes:
        source = _sentence(words, seed=words)
        translation = _near_copy(source, seed=words)
        assert is_copy(source, translation)  # the work measured is the full comparison, not a shortcut
        counts.append(_lines_executed(lambda: is_copy(source, translation)))
    ratios = [later / earlier for earlier, later in zip(counts, counts[1:])]
    # Doubling the input: linear work doubles (2.0), quadratic work quadruples (4.0).
    assert all(ratio < 2.6 for ratio in ratios), (counts, ratios)


@pytest.mark.parametrize("words", [20, 120, 400, 1500])
def test_piecewise_similarity_stays_close_to_the_whole_comparison(words):
    a = quality.comparable_text(_sentence(words, seed=1))
    copy, other = quality.comparable_text(_near_copy(a, seed=2)), quality.comparable_text(_sentence(words, seed=3))
    exact = SequenceMatcher(None, a, copy, autojunk=False).ratio()
    assert copy_similarity(a, copy) == pytest.approx(exact, abs=0.03)
    assert copy_similarity(a, copy) >= quality.COPY_SIMILARITY
    # Unrelated texts: the matcher is greedy, not optimal, so the figures differ, but both stay far below a copy.
    assert max(copy_similarity(a, other), SequenceMatcher(None, a, other, autojunk=False).ratio()) < 0.75


def test_a_different_long_sentence_is_not_a_copy():
    source = _sentence(1500, seed=5)
    assert not is_copy(source, _sentence(1500, seed=6))
    assert is_copy(source, _near_copy(source, seed=7))


def test_a_huge_paragraph_costs_bounded_matcher_work_and_is_still_recognised():
    counts = []
    for words in (4000, 16000):  # about 21 kB and 85 kB: past the piece cap, so the matcher's share stays flat
        source = _sentence(words, seed=words)
        translation = _near_copy(source, seed=words)
        assert is_copy(source, translation)
        counts.append(_lines_executed(lambda: is_copy(source, translation)))
    assert counts[1] / counts[0] < 1.5, counts
    # A megabyte with edits spread all over it: the cuts follow the drift, so it still reads as a copy.
    source = _sentence(160_000, seed=9)
    assert is_copy(source, _near_copy(source, seed=9))
    assert not is_copy(source, _sentence(160_000, seed=10))
