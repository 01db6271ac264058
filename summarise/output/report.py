"""A self-contained HTML report: summary on top, original and English side by side below.

One file, no scripts, no external assets: inline CSS only, so it opens anywhere
and can be mailed or archived as is.  Each paragraph is one table row; inside
it every sentence is a numbered span on both sides, so the sentence alignment
can be read off (hovering a sentence outlines its partner, with CSS ``:has``).  Each summary
sentence is focusable and followed by links to the article sentences behind it; selecting one
(click, tap, Tab, hover) highlights those in both columns, with CSS ``:has`` too.
Flagged sentences are highlighted, the reasons in their ``title`` (shown on
hover); lines set aside as boilerplate are folded into ``<details>`` where they
stood.  Everything that comes from the input is escaped, and the markup is
well-formed XML as well as HTML, so it can be checked with any XML parser.
"""

from __future__ import annotations

import functools
import html
import re
from importlib import resources
from typing import TYPE_CHECKING

from .._version import __version__
from ..checks.facts import SUMMARY_DESCRIPTIONS, describe_details, describe_summary_details
from ..checks.quality import FLAG_DESCRIPTIONS, explain
from ..text.languages import LANGUAGE_NAMES

if TYPE_CHECKING:  # pragma: no cover
    from ..text.boilerplate import RemovedLine
    from ..pipeline.summariser import SentencePair, Translation

MAX_FLAG_LINKS = 60  # the quality box links at most this many flagged sentences

# Characters XML 1.0 forbids; a model's output or a scraped page could still carry one.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

CSS_ASSET = "assets/report.css"  # package data, read once


@functools.cache
def _css() -> str:
    return resources.files(__package__).joinpath(CSS_ASSET).read_text(encoding="utf-8")


def render_html(result: Translation) -> str:
    """The whole report as one HTML document (UTF-8 text)."""
    title = result.metadata.get("title")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8" />',
        '<meta name="viewport" content="width=device-width, initial-scale=1" />',
        '<meta name="generator" content="summarise ' + _e(__version__) + '" />',
        f"<title>{_e(title) if title else 'Translation report'}</title>",
        f"<style>{_css()}{_pair_hover_css(result)}{_attribution_css(result)}</style>",
        "</head>",
        "<body>",
        "<main>",
        _header(result),
        _summary(result),
        _quality(result),
        _side_by_side(result),
        "</main>",
        _footer(result),
        "</body>",
        "</html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


# -- sections ---------------------------------------------------------------------


def _header(result: Translation) -> str:
    meta = result.metadata
    title = meta.get("title") or f"Translation from {_language(result.source_lang)}"
    byline = []
    if meta.get("author"):
        byline.append(f"By {_bdi(meta['author'])}")
    if meta.get("date"):
        byline.append(f"<time>{_e(meta['date'])}</time>")
    if meta.get("sitename"):
        byline.append(_bdi(meta["sitename"]))
    if meta.get("url"):
        url = str(meta["url"])
        byline.append(f'<a href="{_e(url)}">{_e(url)}</a>' if url.startswith(("https://", "http://")) else _e(url))
    if result.detection is not None:
        how = f"detected, {result.detection.confidence:.0%} confidence"
    else:
        how = "as given"
    quality = result.quality
    facts = (
        f"Translated from <strong>{_e(_language(result.source_lang))}</strong> ({how}) into English"
        f" · {quality.sentences} sentences in {len(result.paragraphs())} paragraphs"
    )
    if result.removed:
        facts += f" · {len(result.removed)} boilerplate {'line' if len(result.removed) == 1 else 'lines'} set aside"
    lines = ["<header>", f'<h1 dir="auto"><bdi>{_e(title)}</bdi></h1>']
    if byline:
        lines.append(f'<p class="byline">{" · ".join(byline)}</p>')
    lines += [f'<p class="facts">{facts}</p>', "</header>"]
    return "\n".join(lines)


def _summary(result: Translation) -> str:
    summary = getattr(result, "summary", None)
    if summary is None:
        return ""
    lines = ['<section class="summary">', "<h2>Summary</h2>", f'<p lang="en">{_attributed_summary(result) or "<em>(empty)</em>"}</p>']
    lang = getattr(result, "summary_lang", None)
    translated = getattr(result, "summary_translated", None)
    if lang and translated is not None:
        lines += [
            f'<div class="other"><h2>Summary in {_e(_language(lang))}</h2>',
            f'<p lang="{_e(lang)}" dir="auto">{_e(translated) or "<em>(empty)</em>"}</p></div>',
        ]
    flags = getattr(result, "summary_flags", None) or []
    if flags:
        lines.append(f'<div class="flags"><p><strong>Summary flagged: {_e(", ".join(flags))}</strong></p><ul>')
        lines += [f"<li>{_e(flag)}: {_e(SUMMARY_DESCRIPTIONS[flag])}</li>" for flag in flags if flag != "unsupported"]
        lines += [f"<li>unsupported: {_e(line)}</li>" for line in describe_summary_details(getattr(result, "summary_details", []))]
        lines.append("</ul></div>")
    lines.append("</section>")
    return "\n".join(lines)


def _quality(result: Translation) -> str:
    quality = result.quality
    if not quality.flagged:
        return f'<section class="quality ok"><h2>Quality checks</h2><p>All {quality.sentences} sentences passed the checks.</p></section>'
    lines = [
        '<section class="quality warn">',
        "<h2>Quality checks</h2>",
        f"<p><strong>{quality.flagged} of {quality.sentences} sentences flagged ({quality.share:.0%})</strong>."
        " Flagged sentences are highlighted below; hover one for the reason.</p>",
        "<dl>",
    ]
    for flag, count in quality.by_flag.items():
        lines.append(f"<dt>{_e(flag)} · {count}</dt><dd>{_e(FLAG_DESCRIPTIONS.get(flag, flag))}</dd>")
    lines.append("</dl>")
    numbers = [number for number, pair in enumerate(result.pairs, 1) if pair.flags]
    links = " ".join(f'<a href="#s{n}">{n}</a>' for n in numbers[:MAX_FLAG_LINKS])
    more = f" … and {len(numbers) - MAX_FLAG_LINKS} more" if len(numbers) > MAX_FLAG_LINKS else ""
    lines.append(f'<p class="links">Sentences: {links}{more}</p>')
    detailed = [(n, pair) for n, pair in enumerate(result.pairs, 1) if pair.details][:MAX_FLAG_LINKS]
    if detailed:
        lines.append('<ul class="details">')
        lines += [f'<li><a href="#s{n}">{n}</a> {_e(describe_details(pair.details))}</li>' for n, pair in detailed]
        lines.append("</ul>")
    lines.append("</section>")
    return "\n".join(lines)


def _side_by_side(result: Translation) -> str:
    lang = _e(result.source_lang)
    lines = [
        '<section class="side">',
        "<h2>Side by side</h2>",
        '<table class="sbs">',
        f"<thead><tr><th>Original · {_e(_language(result.source_lang))}</th><th>English</th></tr></thead>",
        "<tbody>",
    ]
    removed = sorted(result.removed, key=lambda line: line.start)
    waiting = 0  # index of the first removed line not shown yet
    number = 0
    for paragraph, members in _paragraphs(result.pairs):
        start = members[0].start
        folded = []
        while waiting < len(removed) and removed[waiting].start < start:
            folded.append(removed[waiting])
            waiting += 1
        if folded:
            lines.append(_removed_row(folded))
        source_cells, english_cells = [], []
        for k, pair in enumerate(members, 1):
            number += 1
            if k > 1:
                gap = result.original[members[k - 2].end : pair.start]
                joiner = "<br />" if "\n" in gap else " "
                source_cells.append(joiner)
                english_cells.append(joiner)
            source_cells.append(_sentence(pair, number, k, "src", result))
            english_cells.append(_sentence(pair, number, k, "en", result))
        lines.append(
            f'<tr id="p{paragraph}"><td class="src" lang="{lang}" dir="auto">{"".join(source_cells)}</td>'
            f'<td class="en" lang="en" dir="auto">{"".join(english_cells)}</td></tr>'
        )
    if waiting < len(removed):
        lines.append(_removed_row(removed[waiting:]))
    lines += ["</tbody>", "</table>", "</section>"]
    return "\n".join(lines)


def _sentence(pair: SentencePair, number: int, k: int, side: str, result: Translation) -> str:
    classes = ["s", f"k{k}"]
    if k % 2 == 0:
        classes.append("alt")
    attributes = ""
    badge = ""
    if pair.flags:
        classes.append("flag")
        reasons = "; ".join(
            f"{flag}: {explain(flag, pair.source, pair.translation, result.source_lang)}" for flag in pair.flags
        )
        if pair.details:
            reasons += f" ({describe_details(pair.details)})"
        attributes = f' title="{_e(reasons)}"'
        if side == "en":
            badge = "".join(f'<span class="badge">{_e(flag)}</span>' for flag in pair.flags)
    classes.append(f"n{number}")  # what a summary sentence's highlight selects (_attribution_css)
    if side == "src":
        attributes = f' id="s{number}"' + attributes
        text = pair.source
    else:
        text = pair.translation
    # <bdi>: a right-to-left sentence, or an override character in one, cannot reorder its neighbours.
    return f'<span class="{" ".join(classes)}"{attributes}><sup>{number}</sup>{_bdi(text)}</span>{badge}'


def _removed_row(lines: list[RemovedLine]) -> str:
    noun = "line" if len(lines) == 1 else "lines"
    items = "".join(f'<li><span class="reason">{_e(line.reason)}</span>{_bdi(line.text)}</li>' for line in lines)
    return (
        '<tr class="removed"><td colspan="2"><details>'
        f"<summary>{len(lines)} {noun} set aside as boilerplate</summary><ul>{items}</ul>"
        "</details></td></tr>"
    )


def _footer(result: Translation) -> str:
    models = "".join(
        f"<li>{_e(model.role)}: <strong>{_e(model.name)}</strong> <code>{_e(model.label)}</code>"
        f" ({_e(model.backend)}{', ' + _e(model.quantization) if model.quantization else ''}, beams {model.num_beams})</li>"
        for model in result.models
    ) or "<li>none: the source is already English</li>"
    timings = ", ".join(f"{_e(name)} {seconds:.2f} s" for name, seconds in result.timings.items())
    lines = [
        "<footer>",
        f"<div>Models:<ul>{models}</ul></div>",
        f"<div>Signature: <code>{_e(result.signature)}</code></div>",
    ]
    if timings:
        lines.append(f"<div>Timings: {timings}</div>")
    lines += [f"<div>Made by summarise {_e(__version__)}. Machine translation: check what matters against the original.</div>", "</footer>"]
    return "\n".join(lines)


# -- helpers ----------------------------------------------------------------------


def _paragraphs(pairs: list[SentencePair]) -> list[tuple[int, list[SentencePair]]]:
    grouped: dict[int, list[SentencePair]] = {}
    for pair in pairs:
        grouped.setdefault(pair.paragraph, []).append(pair)
    return list(grouped.items())


def _pair_hover_css(result: Translation) -> str:
    """Hovering a sentence outlines it and its partner in the other column (no script: CSS ``:has``)."""
    widest = max((len(members) for _, members in _paragraphs(result.pairs)), default=0)
    return "".join(f"tr:has(.k{k}:hover) .k{k}{{outline:2px solid #7aa7e0}}" for k in range(1, widest + 1))


def _attributed_summary(result: Translation) -> str:
    """The summary, one focusable span per sentence, each followed by links to the article sentences behind it."""
    sentences = getattr(result, "summary_sentences", None) or []
    if not sentences:
        return _e(getattr(result, "summary", ""))
    spans = []
    for index, sentence in enumerate(sentences, 1):
        links = ", ".join(f'<a href="#s{pair + 1}">{pair + 1}</a>' for pair in sentence.pairs) or "?"
        where = f"article sentences {', '.join(str(p + 1) for p in sentence.pairs)}" if sentence.pairs else "no article sentence supports it"
        flagged = " flag" if sentence.flags else ""
        spans.append(
            f'<span class="ss{flagged}" id="m{index}" tabindex="0" title="{_e(where)}">{_e(sentence.text)}'
            f'<sup class="refs">[{links}]</sup></span>'
        )
    return " ".join(spans)


def _attribution_css(result: Translation) -> str:
    """Selecting a summary sentence (click, tap, keyboard focus, hover) highlights its sources on both sides (CSS ``:has``)."""
    rules = []
    for index, sentence in enumerate(getattr(result, "summary_sentences", None) or [], 1):
        if sentence.pairs:
            targets = ",".join(f".sbs .n{pair + 1}" for pair in sentence.pairs)
            rules.append(f"main:has(#m{index}:is(:hover,:focus-within)) :is({targets}){{background:#ffe28a;outline:2px solid #d4a017}}")
    return "".join(rules)


def _language(code: str) -> str:
    name = LANGUAGE_NAMES.get(code)
    return f"{name} ({code})" if name else code


def _e(value: object) -> str:
    """Text for HTML content or a quoted attribute: escaped, and without characters XML forbids."""
    return html.escape(_NOT_XML.sub("", str(value)), quote=True)


__all__ = ["render_html"]


def _bdi(value: object) -> str:
    """Text isolated from its neighbours' direction: Arabic or Hebrew text, and override characters, stay inside."""
    return f"<bdi>{_e(value)}</bdi>"
