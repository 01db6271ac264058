"""Results as text, Markdown, JSON or HTML: the summary first, then original and English side by side.

:data:`RENDERERS` is the one table of output formats: the CLI's ``--format``
and ``--per-article`` choices, per-article file suffixes and :func:`render`
all read it.  A new format is one function and one row.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from itertools import zip_longest

from ..checks import SUMMARY_DESCRIPTIONS, describe_details, describe_summary_details
from ..errors import OutputError
from ..pipeline import SentencePair, Summary, Translation
from ..checks import FLAG_DESCRIPTIONS


DEFAULT_WIDTH = 100  # columns of the text format when no width is asked for (and no terminal tells one)


@dataclass(frozen=True)
class Renderer:
    """One output format: its name, its file suffix, and the function that writes it."""

    name: str  # what --format takes
    suffix: str  # file suffix, without the dot; also what --per-article takes
    write: Callable[..., str]  # write(result, width=...) -> text
    per_article: bool  # offered for bulk's one file per article (a whole result: not the English or summary alone)
    description: str
    aliases: tuple[str, ...] = ()  # other spellings users type (the suffix is one already)

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every name this format answers to: its name, its suffix, its aliases."""
        return tuple(dict.fromkeys((self.name, self.suffix, *self.aliases)))


def _html(result: Translation, *, width: int = 100) -> str:
    from ._report import render_html  # a larger module: loaded when asked for

    return render_html(result)


def _json(result: Translation, *, width: int = 100) -> str:
    return render_json(result)


def _markdown(result: Translation, *, width: int = 100) -> str:
    return render_markdown(result)


def _text(result: Translation, *, width: int = 100) -> str:
    return render_text(result, width=width)


def render_english(result: Translation, *, width: int = 100) -> str:
    """Only the English translation, one paragraph per paragraph of the original (line breaks inside kept)."""
    return "\n\n".join(english for _, english in result.paragraphs()) + "\n"


def render_summary(result: Translation, *, width: int = 100) -> str:
    """Only the summary (then its --summary-lang translation, after a blank line)."""
    if not isinstance(result, Summary):
        raise OutputError("this result has no summary (translate makes none): use `summarise run`, or --format english")
    parts = [result.summary]
    if result.summary_lang and result.summary_translated is not None:
        parts.append(result.summary_translated)
    return "\n\n".join(parts) + "\n"


def render_jsonl(result: Translation, *, width: int = 100) -> str:
    """JSON Lines: one object per sentence pair (``"kind": "pair"``), then for a summary one ``"kind": "summary"`` object."""
    lines = [json.dumps({"kind": "pair", "index": i, "source_lang": result.source_lang, **pair.to_dict()}, ensure_ascii=False) for i, pair in enumerate(result.pairs)]
    if isinstance(result, Summary):
        summary = {"kind": "summary", "summary": result.summary, "summary_flags": list(result.summary_flags),
                   "summary_sentences": [sentence.to_dict() for sentence in result.summary_sentences]}
        if result.summary_lang:
            summary |= {"summary_lang": result.summary_lang, "summary_translated": result.summary_translated}
        lines.append(json.dumps(summary | {"signature": result.signature}, ensure_ascii=False))
    return "".join(line + "\n" for line in lines)


# The one table of output formats, in the order help and errors list them.
RENDERERS: tuple[Renderer, ...] = (
    Renderer("text", "txt", _text, True, "plain text, summary then two columns"),
    Renderer("markdown", "md", _markdown, True, "Markdown, with a side-by-side table"),
    Renderer("json", "json", _json, True, "JSON: the result's to_dict()"),
    Renderer("html", "html", _html, True, "a self-contained HTML report"),
    Renderer("english", "en", render_english, False, "only the English translation, paragraphs kept"),
    Renderer("summary", "summary", render_summary, False, "only the summary"),
    Renderer("jsonl", "jsonl", render_jsonl, False, "JSON Lines: one object per sentence pair, then the summary"),
)
FORMATS: tuple[str, ...] = tuple(r.name for r in RENDERERS)
PER_ARTICLE_FORMATS: tuple[str, ...] = tuple(r.suffix for r in RENDERERS if r.per_article)
# Every spelling --format and --per-article accept (md and markdown alike), and the format it names.
SPELLINGS: dict[str, str] = {spelling: r.name for r in RENDERERS for spelling in r.spellings}


def renderer(name: str) -> Renderer:
    """The renderer for a format name or its suffix (``markdown`` or ``md``); unknown names list the valid ones."""
    for entry in RENDERERS:
        if name in entry.spellings:
            return entry
    raise OutputError(f"unknown output format {name!r}, expected one of: {', '.join(FORMATS)}")


def render(result: Translation, fmt: str, *, width: int = DEFAULT_WIDTH) -> str:
    """``result`` in format ``fmt`` (a name of :data:`FORMATS`, or its suffix)."""
    return renderer(fmt).write(result, width=width)


def render_json(result: Translation) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"


def render_text(result: Translation, *, width: int = 100) -> str:
    width = max(40, width)
    column = (width - 3) // 2
    lines: list[str] = []
    if isinstance(result, Summary):
        lines += ["SUMMARY", ""]
        lines += textwrap.wrap(referenced_summary(result), width) or ["(empty)"]
        lines.append("")
        if result.summary_flags:
            lines.append(f"SUMMARY FLAGGED: {', '.join(result.summary_flags)}")
            lines += [f"  {line}" for line in _summary_lines(result)]
            lines.append("")
        if result.summary_lang and result.summary_translated is not None:
            lines += [f"SUMMARY ({result.summary_lang})", ""]
            lines += textwrap.wrap(result.summary_translated, width) or ["(empty)"]
            lines.append("")
    lines.append(_row(f"ORIGINAL ({result.source_lang})", "ENGLISH", column))
    lines.append("-" * column + "-+-" + "-" * column)
    for original, english in result.paragraphs():
        left = _wrap_lines(original, column)
        right = _wrap_lines(english, column)
        lines += [_row(a, b, column) for a, b in zip_longest(left, right, fillvalue="")]
        lines.append(_row("", "", column).rstrip())
    flagged = [pair for pair in result.pairs if pair.flags]
    if flagged:
        lines.append(f"FLAGGED: {result.quality.describe()}")
        for p in flagged:
            lines.append(f"  [{', '.join(p.flags)}] {p.source}")
            if p.details:
                lines.append(f"      {describe_details(p.details)}")
        lines.append("")
    if result.removed:
        lines.append(f"SET ASIDE AS BOILERPLATE: {len(result.removed)} line(s)")
        lines += [f"  [{line.reason}] {line.text}" for line in result.removed]
        lines.append("")
    lines.append(f"signature: {result.signature}")
    return "\n".join(lines).rstrip() + "\n"


def render_markdown(result: Translation) -> str:
    out: list[str] = []
    title = result.metadata.get("title")
    if title:
        out += [f"# {_md_inline(title)}", ""]
    byline = [_md_inline(str(result.metadata[key])) for key in ("author", "date", "sitename", "url") if result.metadata.get(key)]
    if byline:
        out += [" · ".join(byline), ""]
    how = f"detected, {result.detection.confidence:.0%} confidence" if result.detection else "as given"
    out += [f"Source language: {result.source_lang} ({how})", ""]
    if isinstance(result, Summary):
        out += ["## Summary", "", _md_inline(referenced_summary(result)) or "_(empty)_", ""]
        if result.summary_flags:
            out += [f"**Summary flagged: {', '.join(result.summary_flags)}**", ""]
            out += [f"- {_md_inline(line)}" for line in _summary_lines(result)]
            out.append("")
        if result.summary_lang and result.summary_translated is not None:
            out += [f"## Summary ({result.summary_lang})", "", _md_inline(result.summary_translated) or "_(empty)_", ""]
    out += ["## Side by side", "", f"| Original ({result.source_lang}) | English |", "| --- | --- |"]
    for original, english in result.paragraphs():
        out.append(f"| {_md_cell(original)} | {_md_cell(english)} |")
    out.append("")
    quality = result.quality
    described = quality.describe()
    out += ["## Quality checks", "", described[0].upper() + described[1:] + ".", ""]
    if quality.flagged:
        out += [f"- `{flag}` ({count}): {FLAG_DESCRIPTIONS.get(flag, flag)}" for flag, count in quality.by_flag.items()]
        out.append("")
    flagged = [pair for pair in result.pairs if pair.flags]
    if flagged:
        out += ["## Flagged sentences", ""]
        out += [f"- **{', '.join(p.flags)}**: {_md_inline(p.source)} → {_md_inline(p.translation)}{_md_details(p)}" for p in flagged]
        out.append("")
    if result.removed:
        out += ["## Set aside as boilerplate", ""]
        out += [f"- _{line.reason}_: {_md_inline(line.text)}" for line in result.removed]
        out.append("")
    out += ["---", "", "Models: " + ", ".join(f"{m.role} `{m.label}`" for m in result.models), "", f"Signature: `{result.signature}`", ""]
    return "\n".join(out)


def referenced_summary(result: Summary) -> str:
    """The summary with, after each sentence, the numbers of the article sentences behind it: ``… [3, 7]``.

    Numbers as the side-by-side view shows them (1-based); ``[?]`` after a sentence no article sentence supports.
    """
    if not result.summary_sentences:
        return result.summary
    parts = []
    for sentence in result.summary_sentences:
        numbers = ", ".join(str(pair + 1) for pair in sentence.pairs) or "?"
        parts.append(f"{sentence.text} [{numbers}]")
    return " ".join(parts)


def _summary_lines(result: Summary) -> list[str]:
    """Why the summary is flagged: a line per flag without details, a line per unsupported sentence."""
    lines = [f"{flag}: {SUMMARY_DESCRIPTIONS[flag]}" for flag in result.summary_flags if flag != "unsupported"]
    return lines + [f"unsupported: {line}" for line in describe_summary_details(result.summary_details)]


def _md_details(pair: SentencePair) -> str:
    return f" ({_md_inline(describe_details(pair.details))})" if pair.details else ""


def _wrap_lines(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for line in text.split("\n"):
        lines += textwrap.wrap(line, width) or [""]
    return lines


def _row(left: str, right: str, column: int) -> str:
    return f"{left:<{column}} | {right}".rstrip()


def _md_inline(text: str) -> str:
    """Plain text that Markdown will not read as markup."""
    escaped = text
    for char in "\\`*_[]<>|#":
        escaped = escaped.replace(char, "\\" + char)
    return escaped


def _md_cell(text: str) -> str:
    return "<br>".join(_md_inline(line) for line in text.split("\n"))
