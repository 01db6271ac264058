"""Terms that must survive translation: links and ``--keep`` terms verbatim, ``--glossary`` terms as given.

Protect and replace.  Before a sentence goes to the model, each protected term
is swapped for a placeholder; after, the placeholder is swapped back for the
term (a link or kept term verbatim, a glossary term as its target).  A
placeholder the model lost is re-inserted at the best position we can find
(next to the source word it followed or preceded when the translation still
has that word, else at the same relative place), and the pair is flagged
``placeholder`` (or ``glossary``).  So the guarantee — every protected term is
in the output exactly — holds whatever the model does, random weights included.

Placeholders are four-digit numbers (7301, 7302 …, skipping any the sentence
already holds).  Figures are what translation models copy most faithfully: a
year-sized number passes through OPUS-MT and the like unchanged, takes no
thousands separator, and needs no vocabulary of its own (tag-like markers such
as ``<x1>`` or ``__URL__`` are split into subwords and often dropped, translated
or glued to a neighbour).  Restoring tolerates a placeholder re-spaced by a
tokenizer ("7 3 0 1") or given a separator ("7,301").

Why not constrained decoding (forcing the target's tokens into the beam)?  It
needs a decoder that supports constraints (CTranslate2 does not), multiplies beam
search work, still lets the model place or repeat the forced tokens anywhere, and
gives no guarantee with a weak model.  Protect-and-replace works with every
backend at no cost and guarantees the term; its price is that the model does
not see the term, so it cannot inflect it or agree with it.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from ..errors import InputError, OptionsError, SummariseError
from ..support import NotRegular, TooLarge, read_settings_file
from ._normalising import links
from ._termsearch import TermSearch, fold_chars

PLACEHOLDER_FIRST = 7301
MAX_TERM_CHARS = 200  # a kept or glossary term (and a glossary target) longer than this is refused
_ANCHOR = re.compile(r"\w+")


# -- the glossary -------------------------------------------------------------------


@dataclass(frozen=True)
class GlossaryEntry:
    source: str
    target: str
    langs: tuple[str, ...] = ()  # source languages it applies to; empty: all

    def applies_to(self, lang: str) -> bool:
        return not self.langs or lang in self.langs


@dataclass(frozen=True)
class Glossary:
    """Source terms and the English they must come out as, optionally per source language.

    The file format is tab-separated text, one entry a line: ``source<TAB>target``,
    or ``source<TAB>target<TAB>fr,de`` for some source languages only.  Blank lines and
    lines starting with ``#`` are skipped.
    """

    entries: tuple[GlossaryEntry, ...] = ()

    @classmethod
    def load(cls, path: str | Path) -> Glossary:
        path = Path(path)
        try:
            text = read_settings_file(path).decode("utf-8-sig")
        except FileNotFoundError:
            raise InputError(f"glossary {path} does not exist: give a TSV file of source<TAB>target lines") from None
        except TooLarge as exc:
            raise InputError(f"glossary {path} is larger than {exc.limit} bytes: split it, or check the path") from None
        except NotRegular as exc:
            raise InputError(f"glossary {path} is {exc.kind}: give a TSV file of source<TAB>target lines") from None
        except OSError as exc:
            raise InputError(f"glossary {path} cannot be read ({exc.strerror or exc}): check the path") from None
        except UnicodeDecodeError:
            raise InputError(f"glossary {path} is not UTF-8 text: save it as UTF-8") from None
        return cls.parse(text, str(path))

    @classmethod
    def parse(cls, text: str, name: str = "glossary") -> Glossary:
        from ._detecting import check_language_code

        entries: list[GlossaryEntry] = []
        seen: dict[tuple[str, str], str] = {}
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = [part.strip() for part in line.split("\t")]
            if len(fields) not in (2, 3) or not fields[0] or not fields[1]:
                raise InputError(f"{name} line {number}: expected source<TAB>target or source<TAB>target<TAB>langs, got {line[:80]!r}")
            for role, term in (("source", fields[0]), ("target", fields[1])):
                problem = term_problem(term)
                if problem:
                    raise InputError(f"{name} line {number}: the {role} term {problem}")
            try:
                langs = tuple(check_language_code(code.strip()) for code in fields[2].split(",") if code.strip()) if len(fields) == 3 else ()
            except SummariseError as exc:
                raise InputError(f"{name} line {number}: {exc}") from None
            entry = GlossaryEntry(fields[0], fields[1], langs)
            for lang in langs or ("*",):
                key = (lang, fields[0].casefold())
                if key in seen and seen[key] != fields[1]:
                    raise InputError(f"{name} line {number}: '{fields[0]}' already translates as '{seen[key]}'" + (f" for {lang}" if lang != "*" else ""))
                seen[key] = fields[1]
            entries.append(entry)
        return cls(tuple(entries))

    @classmethod
    def of(cls, value: GlossaryLike) -> Glossary:
        """A glossary from a :class:`Glossary`, a TSV path, a {source: target} mapping or (source, target[, langs]) tuples."""
        if value is None:
            return cls()
        if isinstance(value, Glossary):
            return value
        if isinstance(value, (str, Path)):
            return cls.load(value)
        if not isinstance(value, (Mapping, list, tuple)):
            raise OptionsError(f"glossary must be a Glossary, a TSV path, a {{source: target}} mapping or (source, target[, langs]) rows, not {_short(value)}")
        items = value.items() if isinstance(value, Mapping) else value
        entries = []
        for item in items:
            if not isinstance(item, (list, tuple)) or len(item) not in (2, 3):
                raise OptionsError(f"glossary rows must be (source, target) or (source, target, langs), not {_short(item)}")
            source, target, *rest = item
            for role, term in (("source", source), ("target", target)):
                if not isinstance(term, str):
                    raise OptionsError(f"glossary {role} terms must be strings, not {_short(term)} (for {_short(source)})")
                problem = term_problem(term)
                if problem:
                    raise OptionsError(f"glossary {role} term {_short(term)} {problem}")
            langs = rest[0] if rest else ()
            langs = (langs,) if isinstance(langs, str) else langs
            if not isinstance(langs, (list, tuple)) or not all(isinstance(code, str) for code in langs):
                raise OptionsError(f"glossary languages must be codes such as 'fr' or a list of them, not {_short(rest[0])}")
            entries.append(GlossaryEntry(source.strip(), target.strip(), tuple(langs)))
        return cls(tuple(entries))

    def for_lang(self, lang: str) -> list[GlossaryEntry]:
        """The entries for ``lang``: language-specific ones before general ones, longer terms first."""
        chosen = [e for e in self.entries if e.applies_to(lang)]
        return sorted(chosen, key=lambda e: (not e.langs, -len(e.source)))

    def lines(self) -> list[str]:
        return [f"{e.source}\t{e.target}\t{','.join(e.langs)}" for e in self.entries]

    def __bool__(self) -> bool:
        return bool(self.entries)


GlossaryLike = Union[Glossary, str, Path, Mapping[str, str], Iterable[Sequence[Any]], None]


def keep_terms(terms: Iterable[str] | str | None) -> tuple[str, ...]:
    """``--keep`` terms, stripped, without blanks or repeats, longest first (so "New York Times" wins over "New York").

    A term that is not a string, holds a control character or is longer
    than :data:`MAX_TERM_CHARS` is an :class:`OptionsError` naming it.
    """
    if terms is None:
        return ()
    if isinstance(terms, str):
        terms = [terms]
    cleaned: dict[str, None] = {}
    for term in terms:
        if not isinstance(term, str):
            raise OptionsError(f"keep terms must be strings, not {_short(term)}")
        if not term.strip():
            continue
        problem = term_problem(term)
        if problem:
            raise OptionsError(f"keep term {_short(term)} {problem}")
        cleaned[term.strip()] = None
    return tuple(sorted(cleaned, key=len, reverse=True))


def term_problem(term: str) -> str | None:
    """What is wrong with a kept or glossary term, worded to follow it (None: nothing)."""
    text = term.strip()
    if not text:
        return "is empty: it would match everywhere"
    if len(text) > MAX_TERM_CHARS:
        return f"is {len(text)} characters long, more than the limit of {MAX_TERM_CHARS}: terms are names and phrases"
    if any(unicodedata.category(char) == "Cc" for char in text):
        return "holds a control character (tab, newline, NUL…): terms are single-line text"
    return None


def _short(value: Any) -> str:
    """``repr(value)``, cut for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- protecting one sentence -------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """One protected term of a sentence: what stood there, what must come back, and where it was."""

    kind: str  # "link", "keep" or "glossary"
    source: str  # the text in the source sentence
    output: str  # what the translation must hold instead of the placeholder
    placeholder: str
    position: float  # where it started, as a share of the source sentence's length
    before: str = ""  # the source word right before it, if any (an anchor to put it back)
    after: str = ""


@dataclass(frozen=True)
class Protected:
    """A sentence with its protected terms replaced by placeholders."""

    text: str
    slots: tuple[Slot, ...] = ()


@dataclass(frozen=True)
class Restored:
    """A translation with the protected terms back; ``reinserted`` are those the model lost."""

    text: str
    reinserted: tuple[Slot, ...] = ()

    def flags(self) -> tuple[list[str], dict[str, dict[str, list[str]]]]:
        """(``placeholder``/``glossary`` flags, details) for the terms that had to be re-inserted."""
        flags: list[str] = []
        details: dict[str, dict[str, list[str]]] = {}
        lost = [slot.output for slot in self.reinserted if slot.kind != "glossary"]
        if lost:
            flags.append("placeholder")
            details["placeholder"] = {"reinserted": lost}
        unapplied = [f"{slot.source} → {slot.output}" for slot in self.reinserted if slot.kind == "glossary"]
        if unapplied:
            flags.append("glossary")
            details["glossary"] = {"reinserted": unapplied}
        return flags, details


@dataclass(frozen=True)
class Protection:
    """What a run protects: links always, plus kept terms and a glossary."""

    keep: tuple[str, ...] = ()
    glossary: Glossary = field(default_factory=Glossary)
    _searches: dict[str, tuple[TermSearch, TermSearch, list[GlossaryEntry]]] = field(default_factory=dict, init=False, compare=False, repr=False)

    @classmethod
    def of(cls, keep: Iterable[str] | str | None = None, glossary: GlossaryLike = None) -> Protection:
        return cls(keep_terms(keep), Glossary.of(glossary))

    def digest(self) -> str | None:
        """A short hash of the keep and glossary lists for the signature; None when both are empty."""
        if not self.keep and not self.glossary:
            return None
        text = "\n".join(["keep", *sorted(self.keep), "glossary", *sorted(self.glossary.lines())])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]

    def renderings(self, lang: str) -> dict[str, list[str]]:
        """Source term → what counts as its translation: kept terms themselves, glossary targets."""
        table: dict[str, list[str]] = {term: [term] for term in self.keep}
        for entry in self.glossary.for_lang(lang):
            table.setdefault(entry.source, []).append(entry.target)
        return table

    def searches(self, lang: str) -> tuple[TermSearch, TermSearch, list[GlossaryEntry]]:
        """The keep and glossary automata for ``lang``, built on first use and kept: one per request, not per sentence."""
        found = self._searches.get(lang)
        if found is None:
            entries = self.glossary.for_lang(lang)
            found = (TermSearch(self.keep), TermSearch([e.source for e in entries], ignore_case=True), entries)
            self._searches[lang] = found
        return found

    def protect(self, sentence: str, lang: str) -> Protected:
        """``sentence`` with its links, kept terms and glossary terms as placeholders.

        Links come first, then kept terms (longest first), then glossary terms
        (language-specific, then longest first); a term overlapping one already
        taken is left alone.  One pass over the sentence per automaton.
        """
        spans: list[tuple[int, int, str, str]] = [(link.start, link.end, "link", link.text) for link in links(sentence)]
        taken = _Taken(spans)
        keep, glossary, entries = self.searches(lang)
        if self.keep:
            for term, found in zip(self.keep, keep.first_per_term(sentence)):
                for start, end in found:
                    if taken.add(start, end):
                        spans.append((start, end, "keep", term))
        if entries:
            for entry, found in zip(entries, glossary.first_per_term(sentence)):
                for start, end in found:
                    if taken.add(start, end):
                        spans.append((start, end, "glossary", entry.target))
        if not spans:
            return Protected(sentence)
        spans.sort()
        numbers = _placeholder_numbers(sentence, len(spans))
        anchors = _Anchors(sentence, spans)
        parts: list[str] = []
        slots: list[Slot] = []
        cursor = 0
        for (start, end, kind, output), number in zip(spans, numbers):
            placeholder = str(number)
            slots.append(Slot(kind, sentence[start:end], output, placeholder, start / max(1, len(sentence)), anchors.before(start), anchors.after(end)))
            parts += [sentence[cursor:start], placeholder]
            cursor = end
        parts.append(sentence[cursor:])
        return Protected("".join(parts), tuple(slots))

    def restore(self, translation: str, protected: Protected) -> Restored:
        return restore(translation, protected)


def restore(translation: str, protected: Protected) -> Restored:
    """Swap the placeholders of ``translation`` back; re-insert those the model lost (see the module's notes).

    One pass over the translation finds every placeholder, however re-spaced;
    the first of each becomes its term, repeats (a model that loops) go.  Its
    cost follows the translation's length, not length × terms.
    """
    slots = {slot.placeholder: slot for slot in protected.slots}
    text, seen = _swap(translation, slots) if slots else (translation, set())
    lost = [slot for slot in protected.slots if slot.placeholder not in seen]
    if lost:
        text = _reinsert(text, lost)
    return Restored(text, tuple(lost))


def _swap(translation: str, slots: dict[str, Slot]) -> tuple[str, set[str]]:
    """``translation`` with each slot's first placeholder as its output and repeats cut; the placeholders found."""
    found: list[tuple[int, int, Slot]] = []
    for run in _DIGIT_RUN.finditer(translation):  # a placeholder starts where a run of digits starts
        start = run.start()
        for pattern in _PLACEHOLDER_SHAPES:
            match = pattern.match(translation, start)
            if match and re.sub(r"\D", "", match.group()) in slots and (not found or start >= found[-1][1]):
                found.append((start, match.end(), slots[re.sub(r"\D", "", match.group())]))
                break
    out = _Joiner(translation)
    seen: set[str] = set()
    cursor = 0
    for start, end, slot in found:
        out.add(translation[cursor:start])
        if slot.placeholder in seen:
            out.cut(end)
        else:
            out.add(slot.output)
            seen.add(slot.placeholder)
        cursor = end
    out.add(translation[cursor:])
    return out.text(), seen


class _Joiner:
    """Text built piece by piece, where a cut piece takes its spaces with it (see :func:`_cut`)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.parts: list[str] = []
        self.pending: str | None = None  # after a cut: what joins the next piece ("" or " ")

    def cut(self, end: int) -> None:
        while self.parts and not self.parts[-1].strip(" "):
            self.parts.pop()
        if self.parts:
            self.parts[-1] = self.parts[-1].rstrip(" ")
        following = _NOT_SPACE.search(self.source, end)
        right = following.group() if following else ""
        self.pending = "" if not self.parts or not right or right in ".,;:!?)»" else " "

    def add(self, piece: str) -> None:
        if self.pending is not None:
            piece = piece.lstrip(" ")
            if not piece:
                return
            self.parts.append(self.pending)
            self.pending = None
        self.parts.append(piece)

    def text(self) -> str:
        return "".join(self.parts)


def _placeholder_numbers(sentence: str, count: int) -> list[int]:
    """``count`` numbers from :data:`PLACEHOLDER_FIRST` on that no run of digits in ``sentence`` contains."""
    runs = re.findall(r"\d+", sentence)
    held: dict[int, set[str]] = {}  # digits-long pieces of the sentence's runs, per length, made once
    numbers, candidate = [], PLACEHOLDER_FIRST
    while len(numbers) < count:
        text = str(candidate)
        size = len(text)
        if size not in held:
            held[size] = {run[i : i + size] for run in runs for i in range(len(run) - size + 1)}
        if text not in held[size]:
            numbers.append(candidate)
        candidate += 1
    return numbers


# A placeholder as a model may give it back: its digits, each pair perhaps split by one space or separator.
_SEPARATOR_CLASS = r"[\s,.\u00a0\u202f'’]"
_PLACEHOLDER_SHAPES = tuple(re.compile(r"\d(?:" + _SEPARATOR_CLASS + r"?\d){" + str(n - 1) + r"}(?!\d)") for n in (5, 4))
_DIGIT_RUN = re.compile(r"(?<!\d)\d")
_NOT_SPACE = re.compile(r"[^ ]")
_CLOSING = ".,;:!?)»”"


class _Taken:
    """The spans of a sentence already protected, kept sorted: whether a new one is free costs a bisection."""

    def __init__(self, spans: list[tuple[int, int, str, str]]) -> None:
        ordered = sorted((start, end) for start, end, _, _ in spans)
        self.starts = [start for start, _ in ordered]
        self.ends = [end for _, end in ordered]

    def add(self, start: int, end: int) -> bool:
        """Take ``[start, end)`` if it overlaps no span taken yet; say whether it did."""
        index = bisect.bisect_right(self.starts, start)
        if index and self.ends[index - 1] > start:
            return False
        if index < len(self.starts) and self.starts[index] < end:
            return False
        self.starts.insert(index, start)
        self.ends.insert(index, end)
        return True


class _Anchors:
    """The source words next to each protected span, other protected spans not counting as words."""

    def __init__(self, sentence: str, spans: list[tuple[int, int, str, str]]) -> None:
        chars = list(sentence)
        for start, end, _, _ in spans:
            chars[start:end] = " " * (end - start)
        self.text = "".join(chars)
        words = [(m.start(), m.end()) for m in _ANCHOR.finditer(self.text)]
        self.starts = [start for start, _ in words]
        self.ends = [end for _, end in words]

    def before(self, position: int) -> str:
        """The last word before ``position`` (cut there when it runs on)."""
        index = bisect.bisect_left(self.starts, position) - 1
        return self.text[self.starts[index] : min(self.ends[index], position)] if index >= 0 else ""

    def after(self, position: int) -> str:
        """The first word after ``position`` (from there when it started earlier)."""
        index = bisect.bisect_right(self.ends, position)
        return self.text[max(self.starts[index], position) : self.ends[index]] if index < len(self.ends) else ""


def _reinsert(text: str, slots: list[Slot]) -> str:
    """Put each lost term back where it most likely belongs in ``text``, all placed against the same text, in one pass."""
    if not text.strip():
        return " ".join(slot.output for slot in slots)
    places = _Places(text)
    placed = sorted((places.best(slot), order, slot.output) for order, slot in enumerate(slots))
    parts: list[str] = []
    cursor, after_term = 0, False
    for index, _, output in placed:
        segment = text[cursor:index]
        segment = segment.strip(" ") if after_term else segment.rstrip(" ")
        if segment:
            parts.append(" " + segment if after_term and segment[0] not in _CLOSING else segment)
        parts.append(" " + output if parts else output)
        cursor, after_term = index, True
    tail = text[cursor:].lstrip(" ")
    if tail:
        parts.append(tail if tail[0] in _CLOSING else " " + tail)
    return "".join(parts)


class _Places:
    """Where a lost term may go in a translation: its words and word gaps, indexed once for all lost terms."""

    def __init__(self, text: str) -> None:
        self.words: dict[str, list[tuple[int, int]]] = {}
        for match in _ANCHOR.finditer(fold_chars(text)):
            self.words.setdefault(match.group(), []).append(match.span())
        body = text.rstrip()
        end = len(body)
        while end and body[end - 1] in ".!?…»\"”)":
            end -= 1
        self.end = end
        self.gaps = [m.start() for m in re.finditer(r"\s", body[:end])] or [end]

    def best(self, slot: Slot) -> int:
        """Next to the source word before (or after) the term when the translation has it once; else the same relative place."""
        for anchor, after in ((slot.before, True), (slot.after, False)):
            if len(anchor) < 3 and not anchor.isdigit():
                continue
            hits = self.words.get(fold_chars(anchor), [])
            if len(hits) == 1:
                return hits[0][1] if after else hits[0][0]
        if not slot.before:
            return 0
        if slot.position >= 0.75:
            return self.end
        target = round(slot.position * self.end)
        at = bisect.bisect_left(self.gaps, target)
        nearby = self.gaps[max(0, at - 1) : at + 1]
        return min(nearby, key=lambda gap: abs(gap - target))  # the earlier gap on a tie, as min() over all did


__all__ = [
    "Glossary",
    "GlossaryEntry",
    "MAX_TERM_CHARS",
    "PLACEHOLDER_FIRST",
    "Protected",
    "Protection",
    "Restored",
    "Slot",
    "keep_terms",
    "term_problem",
    "restore",
]
