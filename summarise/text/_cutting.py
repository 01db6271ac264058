"""Cutting text longer than a model's window, at clause, then word, then character boundaries.

Pure text logic, like :mod:`summarise.text._splitting` (whose :func:`~summarise.text._splitting.is_space` and
span stripping it shares): translation and summary call :func:`split_long` on a sentence that does
not fit, so that nothing is ever truncated.
"""

from __future__ import annotations

import unicodedata
from typing import Callable, Sequence

from ._splitting import _strip, is_space

__all__ = ["split_long"]

#: Clause separators, most preferred first: (need whitespace after, cut anywhere).
_CLAUSE_LEVELS: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (frozenset(";؛"), frozenset("；")),
    (frozenset(":"), frozenset("：")),
    (frozenset(",،"), frozenset("，、")),
)
_CLAUSE_DASHES = frozenset("—–")  # only with whitespace on both sides
_CHAR_SEARCH_WIDTH = 16  # candidate lengths per tokenizer call when cutting inside a word


class _Counter:
    """Batched, memoised token counts of spans of one text."""

    def __init__(self, text: str, count_tokens: Callable[[list[str]], Sequence[int]]) -> None:
        self.text = text
        self.count_tokens = count_tokens
        self.memo: dict[tuple[int, int], int] = {}
        self._overhead: int | None = None

    def __call__(self, spans: Sequence[tuple[int, int]]) -> list[int]:
        missing = list(dict.fromkeys(span for span in spans if span not in self.memo))
        if missing:
            counts = list(self.count_tokens([self.text[start:end] for start, end in missing]))
            if len(counts) != len(missing):
                raise ValueError(f"count_tokens returned {len(counts)} counts for {len(missing)} texts")
            for span, count in zip(missing, counts):
                self.memo[span] = int(count)
        return [self.memo[span] for span in spans]

    def overhead(self) -> int:
        """Tokens every call adds whatever the text (special tokens such as ``</s>``)."""
        if self._overhead is None:
            self._overhead = max(0, int(list(self.count_tokens([""]))[0]))
        return self._overhead


def split_long(text: str, max_tokens: int, count_tokens: Callable[[list[str]], Sequence[int]]) -> list[tuple[int, int]]:
    """Spans of ``text`` that each count at most ``max_tokens`` tokens where at all possible.

    The spans are in order, stripped of whitespace, and together hold every non-whitespace
    character of ``text``.  Cuts fall at clause boundaries (``;`` then ``:`` then ``,`` then a
    spaced dash, the punctuation staying on the left), then between words, and only for a
    single word longer than the budget inside the word.  ``count_tokens`` is called with lists.
    """
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be at least 1, got {max_tokens}")
    start, end = _strip(text, 0, len(text))
    if start == end:
        return []
    counter = _Counter(text, count_tokens)
    if counter([(start, end)])[0] <= max_tokens:
        return [(start, end)]
    return _cut(text, start, end, 0, max_tokens, counter)


def _clause_units(text: str, start: int, end: int, level: int) -> list[tuple[int, int]]:
    """Stripped pieces of ``text[start:end]`` cut after the separators of ``level``."""
    cuts: list[int] = []
    if level < len(_CLAUSE_LEVELS):
        spaced, anywhere = _CLAUSE_LEVELS[level]
        for i in range(start, end - 1):
            char = text[i]
            if char in anywhere or (char in spaced and is_space(text[i + 1])):
                cuts.append(i + 1)
    elif level == len(_CLAUSE_LEVELS):
        for i in range(start + 1, end - 1):
            if text[i] in _CLAUSE_DASHES and is_space(text[i - 1]) and is_space(text[i + 1]):
                cuts.append(i + 1)
    else:  # words
        units, i = [], start
        while i < end:
            while i < end and is_space(text[i]):
                i += 1
            j = i
            while j < end and not is_space(text[j]):
                j += 1
            if j > i:
                units.append((i, j))
            i = j
        return units
    units = []
    position = start
    for cut in [*cuts, end]:
        piece = _strip(text, position, cut)
        if piece[0] < piece[1]:
            units.append(piece)
        position = cut
    return units


_WORD_LEVEL = len(_CLAUSE_LEVELS) + 1


def _cut(text: str, start: int, end: int, level: int, budget: int, counter: _Counter) -> list[tuple[int, int]]:
    """Cut a span known to be over budget, trying separator levels from ``level`` on."""
    for current in range(level, _WORD_LEVEL + 1):
        units = _clause_units(text, start, end, current)
        if len(units) > 1:
            return _pack(text, units, current + 1, budget, counter)
    return _char_windows(text, start, end, budget, counter)


def _pack(text: str, units: list[tuple[int, int]], next_level: int, budget: int, counter: _Counter) -> list[tuple[int, int]]:
    """Greedily join consecutive units into pieces within budget; cut units that alone are over."""
    counts = counter(units)
    overhead = min(counter.overhead(), min(counts))
    groups: list[tuple[int, int]] = []  # unit index ranges, inclusive
    i = 0
    while i < len(units):
        j, total = i, counts[i]
        if total <= budget:
            while j + 1 < len(units) and counts[j + 1] <= budget and total + counts[j + 1] - overhead <= budget:
                j += 1
                total += counts[j] - overhead
        groups.append((i, j))
        i = j + 1
    # Token counts are nearly additive across whitespace; check the joined groups in one call.
    joined = [(units[i][0], units[j][1]) for i, j in groups if j > i]
    counter(joined)
    spans: list[tuple[int, int]] = []
    for i, j in groups:
        span = (units[i][0], units[j][1])
        if i == j and counts[i] > budget:
            spans.extend(_cut(text, span[0], span[1], next_level, budget, counter))
        elif counter([span])[0] <= budget:
            spans.append(span)
        else:
            spans.extend(_pack_exact(units[i : j + 1], budget, counter))
    return spans


def _pack_exact(units: list[tuple[int, int]], budget: int, counter: _Counter) -> list[tuple[int, int]]:
    """Slow path when the additive estimate was wrong: largest fitting prefix by real counts."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        low, high = i, len(units) - 1  # units[i..low] fits (a single unit fits here)
        while low < high:
            middle = (low + high + 1) // 2
            if counter([(units[i][0], units[middle][1])])[0] <= budget:
                low = middle
            else:
                high = middle - 1
        spans.append((units[i][0], units[low][1]))
        i = low + 1
    return spans


def _char_windows(text: str, start: int, end: int, budget: int, counter: _Counter) -> list[tuple[int, int]]:
    """Cut one over-long word into the longest windows that fit.

    Galloping then k-ary search on the window length, each step one batched call; the search
    starts near the previous window's length so that a huge word is not re-tokenised whole.
    """
    spans: list[tuple[int, int]] = []
    position = start
    guess = max(16, 4 * budget)
    while position < end:
        low, upper = 0, end - position  # length ``low`` fits (0 trivially); above ``upper`` does not
        bound = min(upper, guess)  # search (low, bound] first, widen while everything fits
        while low < upper:
            step = max(1, (bound - low) // _CHAR_SEARCH_WIDTH)
            lengths = list(range(low + step, bound + 1, step))
            if lengths[-1] != bound:
                lengths.append(bound)
            counts = counter([(position, position + length) for length in lengths])
            low = max([length for length, count in zip(lengths, counts) if count <= budget], default=low)
            failing = [length for length, count in zip(lengths, counts) if count > budget and length > low]
            upper = min(failing, default=upper + 1) - 1
            bound = min(bound, upper)
            if low == bound:
                if bound >= upper:
                    break
                bound = min(upper, bound * 4)
        length = max(low, 1)  # not even one character fits: take one anyway
        # Do not separate a combining mark from its base character.
        while length > 1 and position + length < end and unicodedata.combining(text[position + length]):
            length -= 1
        spans.append((position, position + length))
        position += length
        guess = max(16, 2 * length)
    return spans
