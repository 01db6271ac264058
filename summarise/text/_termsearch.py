"""Many terms found in one pass over a text: an Aho–Corasick automaton, built once per request.

Keep and glossary terms used to be searched one regex per term per sentence,
so a request with a few hundred long terms cost (terms × sentence length) per
sentence inside the model worker.  :class:`TermSearch` walks a text once,
whatever the number of terms: the walk follows at most two transitions per
character (one forward, failures paid for by earlier forward steps), plus
one step per occurrence reported.  :attr:`TermSearch.steps` counts them so
that tests can check the bound on growing inputs without timing anything.

Matches honour the same rules as ``(?<!\\w)term(?!\\w)``: a term is found only
where it is not glued to a word character on either side.  Case-insensitive
search compares characters by their one-character lower case (a character
whose lower case is longer, such as "İ", compares as itself), so offsets in
the folded text are offsets in the original.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

_WORD = re.compile(r"\w")


def fold_chars(text: str) -> str:
    """``text`` lower-cased character by character, its length unchanged."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


class TermSearch:
    """Where each of ``terms`` occurs in a text, as whole words; built once, used on many texts."""

    def __init__(self, terms: Sequence[str], *, ignore_case: bool = False) -> None:
        self.terms = tuple(terms)
        self.ignore_case = ignore_case
        self.steps = 0  # transitions and reports made by every search so far (see the module's notes)
        self._goto: list[dict[str, int]] = [{}]
        self._fail: list[int] = [0]
        self._out: list[list[int]] = [[]]  # term indices ending at this state, own and through failure links
        for index, term in enumerate(self.terms):
            if not term:
                raise ValueError("an empty term matches everywhere: terms must not be empty")
            state = 0
            for char in fold_chars(term) if ignore_case else term:
                following = self._goto[state].get(char)
                if following is None:
                    following = len(self._goto)
                    self._goto[state][char] = following
                    self._goto.append({})
                    self._fail.append(0)
                    self._out.append([])
                state = following
            self._out[state].append(index)
        self._link()

    def _link(self) -> None:
        """Failure links, breadth first: the longest proper suffix of each state that is also a prefix."""
        queue = list(self._goto[0].values())
        for state in queue:  # the queue grows as it is walked
            for char, following in self._goto[state].items():
                queue.append(following)
                fallback = self._fail[state]
                while fallback and char not in self._goto[fallback]:
                    fallback = self._fail[fallback]
                target = self._goto[fallback].get(char, 0)
                self._fail[following] = target if target != following else 0
                self._out[following] = self._out[following] + self._out[self._fail[following]]

    def occurrences(self, text: str) -> Iterator[tuple[int, int, int]]:
        """(term index, start, end) of every whole-word occurrence in ``text``, overlapping ones included, by end."""
        if not self.terms or not text:
            return
        haystack = fold_chars(text) if self.ignore_case else text
        goto, fail, out, terms = self._goto, self._fail, self._out, self.terms
        state = steps = 0
        try:
            for position, char in enumerate(haystack):
                while state and char not in goto[state]:
                    state = fail[state]
                    steps += 1
                state = goto[state].get(char, 0)
                steps += 1
                for index in out[state]:
                    steps += 1
                    end = position + 1
                    start = end - len(terms[index])
                    if _glued(text, start - 1) or _glued(text, end):
                        continue
                    yield index, start, end
        finally:
            self.steps += steps

    def first_per_term(self, text: str) -> list[list[tuple[int, int]]]:
        """Per term, its occurrences as ``re.finditer`` would give them: left to right, none overlapping."""
        found: list[list[tuple[int, int]]] = [[] for _ in self.terms]
        for index, start, end in self.occurrences(text):
            spans = found[index]
            if not spans or start >= spans[-1][1]:  # one term's occurrences arrive in order of start
                spans.append((start, end))
        return found


def _glued(text: str, index: int) -> bool:
    """Whether ``text[index]`` exists and is a word character (which glues a term to its neighbour)."""
    return 0 <= index < len(text) and _WORD.match(text[index]) is not None


__all__ = ["TermSearch", "fold_chars"]
