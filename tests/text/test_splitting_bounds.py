"""Sentence splitting does work linear in the line: counted in executed lines and scanned characters, not seconds.

Each shape below made the splitter rescan the line from its start (or to its end) at every
candidate cut: quadratic, hours for a 20 MiB one-line input.
"""

from __future__ import annotations

import sys

import pytest

from summarise.text import _splitting as splitting, split_long, split_sentences


class _Watched(str):
    """A text that counts the characters its own methods scan (slices, count, find): C-level work the line count misses."""

    scanned = 0

    def __getitem__(self, key):
        item = str.__getitem__(self, key)
        _Watched.scanned += len(item)
        return item

    def count(self, sub, start=0, end=sys.maxsize):
        _Watched.scanned += max(0, min(end, len(self)) - start)
        return str.count(self, sub, start, end)

    def find(self, sub, start=0, end=sys.maxsize):
        _Watched.scanned += max(0, min(end, len(self)) - start)
        return str.find(self, sub, start, end)

    def rfind(self, sub, start=0, end=sys.maxsize):
        _Watched.scanned += max(0, min(end, len(self)) - start)
        return str.rfind(self, sub, start, end)


def _work(text: str, lang: str) -> tuple[int, int]:
    """(Python lines run inside splitting.py, characters scanned through the text's methods), and the split is checked."""
    lines = 0

    def tracer(frame, event, arg):
        nonlocal lines
        if frame.f_code.co_filename != splitting.__file__:
            return None
        if event == "line":
            lines += 1
        return tracer

    watched = _Watched(text)
    _Watched.scanned = 0
    sys.settrace(tracer)
    try:
        sentences = split_sentences(watched, lang)
    finally:
        sys.settrace(None)
    assert all(text[s.start : s.end] == s.text for s in sentences)
    return lines, _Watched.scanned


#: (name, text of about n units, language): one per rescan that was quadratic.
SHAPES = {
    "many short sentences (CJK bracket stack rebuilt from the line start)": (lambda n: "A. " * n, "fr"),
    "an unclosed CJK bracket (closing bracket searched to the line end)": (lambda n: "《" + "A. " * n, "zh"),
    "spaced straight quotes (quotes counted from the line start)": (lambda n: 'Oui. " ' * n, "fr"),
    "open parentheses then list markers (parentheses counted from the sentence start)": (lambda n: "(" * n + " 2) A" * n, "en"),
    "a sentence opening with spaces then periods (spaces skipped at every period)": (lambda n: "A." + " " * (4 * n) + " x." * n, "fr"),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_splitting_work_grows_linearly_with_the_line(shape):
    make, lang = SHAPES[shape]
    sizes = (400, 800, 1600)
    works = [_work(make(n), lang) for n in sizes]
    for kind, figures in (("lines run", [w[0] for w in works]), ("characters scanned", [w[1] for w in works])):
        ratios = [later / max(earlier, 1) for earlier, later in zip(figures, figures[1:])]
        # Doubling the line: linear work doubles (2.0), quadratic work quadruples (4.0).
        assert all(ratio < 2.6 for ratio in ratios), (kind, figures, ratios)


def test_a_long_token_before_a_period_is_read_once():
    # "xxxx…x,. B": the abbreviation check looked for the word's tail with a regex search that retried
    # from every start (quadratic in the token); the result must not change.
    text = "x" * 3000 + ",. Bonjour. Dr. Dupont est là."
    assert [s.text for s in split_sentences(text, "fr")] == ["x" * 3000 + ",.", "Bonjour.", "Dr. Dupont est là."]


def _tokenised_characters(text: str, budget: int = 64) -> int:
    """Characters ``split_long`` hands the tokenizer to cut ``text``: its work, as the tokenizer is what costs."""
    handed = 0

    def count_tokens(texts: list[str]) -> list[int]:
        nonlocal handed
        handed += sum(len(t) for t in texts)
        return [len(t.split()) + len(t) // 8 + 1 for t in texts]  # a word or more per piece, plus </s>

    pieces = split_long(text, budget, count_tokens)
    assert pieces and all(count_tokens([text[start:end]])[0] <= budget for start, end in pieces)
    return handed


@pytest.mark.parametrize("make", [
    lambda n: "le conseil a voté, " * n,  # clauses
    lambda n: "mot " * n,  # words only
    lambda n: "a; " * n,  # many tiny clauses
    lambda n: "x" * (4 * n),  # one word longer than the window
], ids=["clauses", "words", "tiny-clauses", "one-word"])
def test_cutting_an_over_long_sentence_grows_linearly(make):
    handed = [_tokenised_characters(make(n)) for n in (2000, 4000, 8000)]
    ratios = [later / earlier for earlier, later in zip(handed, handed[1:])]
    assert all(ratio < 2.6 for ratio in ratios), (handed, ratios)
