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

from .errors import InputError, OptionsError, SummariseError
from .normalising import links
from .smallfiles import NotRegular, TooLarge, read_settings_file
from .termsearch import TermSearch

PLACEHOLDER_FIRST = 7301
MAX_TERM_CHARS = 200  # a kept or glossary term (and a glossary target) longer than this is refused
_SEPARATOR = r"[\s,.\u00a0\u202f'’]?"
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
        from .detecting import check_language_code

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
    """Swap the placeholders of ``translation`` back; re-insert those the model lost (see the module's notes)."""
    text = translation
    lost: list[Slot] = []
    for slot in protected.slots:
        pattern = _placeholder_pattern(slot.placeholder)
        matches = list(pattern.finditer(text))
        if not matches:
            lost.append(slot)
            continue
        first = matches[0]
        # Repeats of a placeholder (a model that loops) go; the first one becomes the term.
        for match in reversed(matches[1:]):
            text = _cut(text, match.start(), match.end())
        text = text[: first.start()] + slot.output + text[first.end() :]
    if lost:
        text = _reinsert(text, lost)
    return Restored(text, tuple(lost))


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


def _placeholder_pattern(placeholder: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\d)" + _SEPARATOR.join(re.escape(d) for d in placeholder) + r"(?!\d)")


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


def _cut(text: str, start: int, end: int) -> str:
    left, right = text[:start].rstrip(" "), text[end:].lstrip(" ")
    if not left or not right or right[0] in ".,;:!?)»":
        return left + right
    return left + " " + right


def _reinsert(text: str, slots: list[Slot]) -> str:
    """Put each lost term back where it most likely belongs in ``text``, all placed against the same text."""
    if not text.strip():
        return " ".join(slot.output for slot in slots)
    placed = sorted(((_best_index(text, slot), order, slot.output) for order, slot in enumerate(slots)), reverse=True)
    for index, _, output in placed:
        text = _insert(text, index, output)
    return text


def _best_index(text: str, slot: Slot) -> int:
    """Next to the source word before (or after) the term when the translation has it once; else the same relative place."""
    for anchor, after in ((slot.before, True), (slot.after, False)):
        if len(anchor) < 3 and not anchor.isdigit():
            continue
        hits = list(re.finditer(rf"(?<!\w){re.escape(anchor)}(?!\w)", text, re.IGNORECASE))
        if len(hits) == 1:
            return hits[0].end() if after else hits[0].start()
    body = text.rstrip()
    end = len(body)
    while end and body[end - 1] in ".!?…»\"”)":
        end -= 1
    if not slot.before:
        return 0
    if slot.position >= 0.75:
        return end
    target = round(slot.position * end)
    boundaries = [m.start() for m in re.finditer(r"\s", body[:end])] or [end]
    return min(boundaries, key=lambda b: abs(b - target))


def _insert(text: str, index: int, term: str) -> str:
    left, right = text[:index].rstrip(" "), text[index:].lstrip(" ")
    pieces = [left, term] if left else [term]
    joined = " ".join(pieces)
    if right:
        joined += right if right[0] in ".,;:!?)»”" else " " + right
    return joined


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
