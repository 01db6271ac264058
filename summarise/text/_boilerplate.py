"""Set aside the lines of a scraped article that are not article text.

Scraped news pages carry share widgets, ad markers, photo credits, bylines, a
repeated headline and a trailing list of related links.  Translating them
wastes time and pollutes the summary, so :func:`remove_boilerplate` takes them
out before translation -- and returns every line it took out, with its offsets
and the reason, so nothing is lost silently.

What counts as boilerplate is data, not code: ``boilerplate.toml`` holds the
patterns per language (``[any]`` for all of them).  The table is read on first
use, never at import.  The rules are conservative: a pattern must match a
whole short line (at most ``max_line_chars``), so a body sentence that merely
mentions "publicité" stays.
"""

from __future__ import annotations

import os
import re
import threading
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import SummariseError

TABLE_NAME = "boilerplate.toml"
ANY = "any"
RELATED_LINKS = "related links"
REPEATED_HEADLINE = "repeated headline"
_RESERVED = (ANY, "settings", "aliases")
_BLANK_RUNS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class RemovedLine:
    """One line taken out; ``text == original[start:end]`` (the line without surrounding spaces)."""

    text: str
    start: int
    end: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "reason": self.reason}


@dataclass(frozen=True)
class BoilerplateRules:
    """The compiled rules for one language: ``[any]`` plus that language's table.

    ``lang`` is the table used (``"any"`` when the language has none).
    ``lines`` pairs each pattern with its reason.  Patterns are tried with
    ``re.search`` on a stripped line no longer than ``max_line_chars``.
    """

    lang: str
    lines: tuple[tuple[str, re.Pattern[str]], ...]
    trailer_headings: tuple[re.Pattern[str], ...]
    max_line_chars: int = 160
    headline_window: int = 6

    @classmethod
    def load(cls, lang: str, path: str | os.PathLike | None = None) -> BoilerplateRules:
        """Rules for ``lang`` (``"fr"``, ``"fr-FR"``, ``"fra_Latn"`` …) from the packaged table, or from ``path``.

        The packaged table is read and compiled once per language and kept in
        :data:`PACKAGED_RULES`; a ``path`` is read every time.
        """
        if path is None:
            return PACKAGED_RULES.get(lang)
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            why = exc.strerror or exc
            raise SummariseError(f"cannot read boilerplate table {path} ({why}): check the path") from None
        return cls.from_table(_parse(text, str(path)), lang, source=str(path))

    @classmethod
    def from_table(cls, table: dict[str, Any], lang: str, *, source: str = TABLE_NAME) -> BoilerplateRules:
        """Compile the rules for ``lang`` from a parsed table (the shape of ``boilerplate.toml``)."""
        name = table_language(table, lang)
        settings = table.get("settings", {})
        lines: list[tuple[str, re.Pattern[str]]] = []
        trailers: list[re.Pattern[str]] = []
        for section in dict.fromkeys((ANY, name)):
            entry = table.get(section, {})
            for group in entry.get("lines", []):
                reason = group.get("reason")
                if not isinstance(reason, str) or not reason:
                    raise SummariseError(f"{source}: a [[{section}.lines]] group has no reason: add reason = \"…\"")
                lines.extend((reason, _compile(p, source, section)) for p in group.get("patterns", []))
            trailers.extend(_compile(p, source, section) for p in entry.get("trailer_headings", []))
        return cls(
            lang=name,
            lines=tuple(lines),
            trailer_headings=tuple(trailers),
            max_line_chars=int(settings.get("max_line_chars", cls.max_line_chars)),
            headline_window=int(settings.get("headline_window", cls.headline_window)),
        )

    def reason_for(self, line: str) -> str | None:
        """The reason ``line`` (already stripped) is boilerplate, or None."""
        if len(line) > self.max_line_chars:
            return None
        for reason, pattern in self.lines:
            if pattern.search(line):
                return reason
        return None

    def is_trailer_heading(self, line: str) -> bool:
        return len(line) <= self.max_line_chars and any(p.search(line) for p in self.trailer_headings)

    def looks_like_headline(self, line: str) -> bool:
        """Short and not a sentence ending in a full stop: what a related-links entry looks like."""
        return len(line) <= self.max_line_chars and not (line.endswith(".") and not line.endswith("..."))


def table_language(table: dict[str, Any], lang: str) -> str:
    """The section of ``table`` that serves ``lang``.

    ``"fr-FR"`` and ``"fra_Latn"`` give ``"fr"``; a language without a section gives ``"any"``.
    """
    code = re.split(r"[-_]", (lang or "").strip().lower(), maxsplit=1)[0]
    code = table.get("aliases", {}).get(code, code)
    return code if code in table and code not in _RESERVED else ANY


def remove_boilerplate(
    text: str, lang: str, *, rules: BoilerplateRules | None = None
) -> tuple[str, list[RemovedLine]]:
    """Return ``(text without boilerplate lines, the lines removed)``.

    Three rules, in this order, each on whole lines:

    1. related links: a trailer heading ("À découvrir également") and every
       line after it, when all of those look like headlines (short, no final
       full stop); otherwise only the heading line;
    2. repeated headline: an exact copy of the first non-blank line within
       the next ``headline_window`` non-blank lines;
    3. the language's patterns (share widget, ad marker, credit line, byline…).

    Kept lines are returned unchanged, except that whitespace-only lines
    become empty and runs of blank lines collapse to one.  Offsets in the
    :class:`RemovedLine` list refer to ``text`` as given.
    """
    rules = rules or BoilerplateRules.load(lang)
    starts: list[int] = []
    raw_lines = text.split("\n")
    position = 0
    for raw in raw_lines:
        starts.append(position)
        position += len(raw) + 1
    stripped = [raw.strip() for raw in raw_lines]
    nonblank = [i for i, line in enumerate(stripped) if line]
    reasons: dict[int, str] = {}

    for k, i in enumerate(nonblank):
        if rules.is_trailer_heading(stripped[i]):
            reasons[i] = RELATED_LINKS
            following = nonblank[k + 1:]
            if all(rules.looks_like_headline(stripped[j]) for j in following):
                reasons.update(dict.fromkeys(following, RELATED_LINKS))
                break

    if nonblank:
        headline = " ".join(stripped[nonblank[0]].split())
        for j in nonblank[1:1 + rules.headline_window]:
            if j not in reasons and " ".join(stripped[j].split()) == headline:
                reasons[j] = REPEATED_HEADLINE

    for i in nonblank:
        if i not in reasons and (reason := rules.reason_for(stripped[i])):
            reasons[i] = reason

    removed = []
    for i in sorted(reasons):
        start = starts[i] + len(raw_lines[i]) - len(raw_lines[i].lstrip())
        removed.append(RemovedLine(stripped[i], start, start + len(stripped[i]), reasons[i]))
    kept = "\n".join(raw if stripped[i] else "" for i, raw in enumerate(raw_lines) if i not in reasons)
    return _BLANK_RUNS.sub("\n\n", kept).strip("\n"), removed


class RulesCache:
    """Compiled rules from the packaged table, one entry per language, read on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._table: dict[str, Any] | None = None
        self._rules: dict[str, BoilerplateRules] = {}

    def table(self) -> dict[str, Any]:
        with self._lock:
            if self._table is None:
                text = resources.files(__package__).joinpath(TABLE_NAME).read_text(encoding="utf-8")
                self._table = _parse(text, TABLE_NAME)
            return self._table

    @property
    def loaded(self) -> bool:
        """Whether the table has been read (importing the package reads nothing)."""
        return self._table is not None

    def get(self, lang: str) -> BoilerplateRules:
        table = self.table()
        name = table_language(table, lang)
        with self._lock:
            if name not in self._rules:
                self._rules[name] = BoilerplateRules.from_table(table, name)
            return self._rules[name]

    def clear(self) -> None:
        with self._lock:
            self._table = None
            self._rules.clear()


PACKAGED_RULES = RulesCache()


def _parse(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SummariseError(f"boilerplate table {source} is not valid TOML ({exc}): fix or remove it") from None


def _compile(pattern: Any, source: str, section: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except (re.error, TypeError) as exc:
        raise SummariseError(f"{source}: bad pattern {pattern!r} in [{section}] ({exc}): fix the regex") from None
