"""A self-contained HTML report: summary on top, original and English side by side below.

One file, no scripts, no external assets: inline CSS only, so it opens anywhere
and can be mailed or archived as is.  Each paragraph is one table row; inside
it every sentence is a numbered span on both sides, so the sentence alignment
can be read off (hovering a sentence outlines its partner, with CSS ``:has``).
Under about 600 px the two sides of a paragraph stack.  Flagged sentences are
highlighted and carry a chip (a link with a human label and an accessible name)
to their reasons, which are printed as text under the paragraph: nothing needs a
hover.  Each summary sentence is focusable and followed by links to the article
sentences behind it; selecting one (click, tap, Tab, hover) highlights those in both
columns, with CSS ``:has`` too.  When most sentences are flagged one banner says what that likely means
and the highlighting steps back.  Text takes its direction from its language
(:func:`summarise.text._languages.direction`), every run of input text is isolated
in ``<bdi>``.  Lines set aside as boilerplate are folded into ``<details>`` where
they stood, as are the models and the signature.  Everything that comes from the
input is escaped, and the markup is well-formed XML as well as HTML, so it can be
checked with any XML parser.

:func:`render_fragment` is the report without its document (what the server's
page shows, with :func:`report_css`); :func:`render_html` is the whole file.
"""

from __future__ import annotations

import functools
import html
import re
from importlib import resources
from typing import TYPE_CHECKING

from .._version import __version__
from ..checks import (
    FLAG_DESCRIPTIONS,
    SUMMARY_DESCRIPTIONS,
    SUMMARY_LABELS,
    describe_details,
    describe_summary_details,
    explain,
    label,
)
from ..text import LANGUAGE_NAMES, direction

if TYPE_CHECKING:  # pragma: no cover
    from ..text import RemovedLine
    from ..pipeline import SentencePair, Translation

MAX_FLAG_LINKS = 60  # the quality box links at most this many flagged sentences
# More than this share of at least MOSTLY_MIN_SENTENCES sentences flagged: the text as a whole went wrong.
MOSTLY_FLAGGED_SHARE = 0.5
MOSTLY_MIN_SENTENCES = 3

# Characters XML 1.0 forbids; a model's output or a scraped page could still carry one.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

CSS_ASSET = "assets/report.css"  # package data, read once


@functools.cache
def report_css() -> str:
    """The report's style sheet (every rule under ``.report``, so a page can hold the fragment)."""
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
        f"<style>{report_css()}{pair_hover_css(_widest(result))}{attribution_css(len(getattr(result, 'summary_sentences', None) or []))}</style>",
        "</head>",
        "<body>",
        render_fragment(result),
        "</body>",
        "</html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


def render_fragment(result: Translation) -> str:
    """The report's blocks in one ``<div class="report">``: header, summary, quality, side by side, footer."""
    classes = "report most-flagged" if mostly_flagged(result) else "report"
    parts = [
        f'<div class="{classes}">',
        "<main>",
        _header(result),
        _summary(result),
        _quality(result),
        _side_by_side(result),
        "</main>",
        _footer(result),
        "</div>",
    ]
    return "\n".join(part for part in parts if part)


def mostly_flagged(result: Translation) -> bool:
    """Whether so many sentences are flagged that the flags say more about the text than about sentences."""
    quality = result.quality
    return quality.sentences >= MOSTLY_MIN_SENTENCES and quality.share > MOSTLY_FLAGGED_SHARE


# -- sections ---------------------------------------------------------------------


def _header(result: Translation) -> str:
    meta = result.metadata
    byline = []
    if meta.get("author"):
        byline.append(f"By {_bdi(meta['author'])}")
    if meta.get("date"):
        byline.append(f"<time>{_e(meta['date'])}</time>")
    if meta.get("sitename"):
        byline.append(_bdi(meta["sitename"]))
    if meta.get("url"):
        url = str(meta["url"])
        byline.append(f'<a href="{_e(url)}">{_bdi(url)}</a>' if url.startswith(("https://", "http://")) else _bdi(url))
    if result.detection is not None:
        how = f"detected, {result.detection.confidence:.0%} confidence"
    else:
        how = "as given"
    quality = result.quality
    facts = (
        f"Translated from <strong>{_e(_language(result.source_lang))}</strong> ({how}) into English"
        f" · {_count(quality.sentences, 'sentence')} in {_count(len(result.paragraphs()), 'paragraph')}"
    )
    if result.removed:
        facts += f" · {len(result.removed)} boilerplate {'line' if len(result.removed) == 1 else 'lines'} set aside"
    lines = ["<header>", _title(result)]
    if byline:
        lines.append(f'<p class="byline">{" · ".join(byline)}</p>')
    lines += [f'<p class="facts">{facts}</p>', "</header>"]
    return "\n".join(lines)


def _title(result: Translation) -> str:
    """The article's own title, in its language and direction; else an English one."""
    title = result.metadata.get("title")
    if not title:
        return f'<h1 lang="en" dir="ltr">Translation from {_e(_language(result.source_lang))}</h1>'
    return f'<h1 {_lang_dir(result.source_lang)}>{_bdi(title)}</h1>'


def _summary(result: Translation) -> str:
    summary = getattr(result, "summary", None)
    if summary is None:
        return ""
    lines = ['<section class="summary">', "<h2>Summary</h2>", f'<p lang="en" dir="ltr">{_attributed_summary(result) or "<em>(empty)</em>"}</p>']
    lang = getattr(result, "summary_lang", None)
    translated = getattr(result, "summary_translated", None)
    if lang and translated is not None:
        lines += [
            f'<div class="other"><h2>Summary in {_e(_language(lang))}</h2>',
            f'<p {_lang_dir(lang)}>{_bdi(translated) if translated else "<em>(empty)</em>"}</p></div>',
        ]
    lines.append(_summary_flags(result))
    lines.append("</section>")
    return "\n".join(line for line in lines if line)


def _summary_flags(result: Translation) -> str:
    flags = getattr(result, "summary_flags", None) or []
    if not flags:
        return ""
    chips = " ".join(f'<span class="chip">{_e(SUMMARY_LABELS.get(flag, flag))}</span>' for flag in flags)
    lines = [f'<div class="flags"><p><strong>Summary flagged:</strong> {chips}</p><ul>']
    lines += [
        f"<li><strong>{_e(SUMMARY_LABELS.get(flag, flag))}</strong>: {_e(SUMMARY_DESCRIPTIONS.get(flag, flag))}</li>"
        for flag in flags
        if flag != "unsupported"
    ]
    unsupported = SUMMARY_LABELS["unsupported"]
    lines += [f"<li><strong>{_e(unsupported)}</strong>: {_e(line)}</li>" for line in describe_summary_details(getattr(result, "summary_details", []))]
    lines.append("</ul></div>")
    return "".join(lines)


def _quality(result: Translation) -> str:
    quality = result.quality
    if not quality.flagged:
        return f'<section class="quality ok"><h2>Quality checks</h2><p>All {quality.sentences} sentences passed the checks.</p></section>'
    lines = ['<section class="quality warn">', "<h2>Quality checks</h2>"]
    if mostly_flagged(result):
        lines.append(_banner(result))
    lines += [
        f"<p><strong>{quality.flagged} of {quality.sentences} sentences flagged ({quality.share:.0%})</strong>."
        " Each flagged sentence carries a label; its reasons are written under its paragraph.</p>",
        "<dl>",
    ]
    for flag, count in quality.by_flag.items():
        lines.append(f"<dt>{_e(label(flag))} · {count}</dt><dd>{_e(FLAG_DESCRIPTIONS.get(flag, flag))}</dd>")
    lines.append("</dl>")
    numbers = [number for number, pair in enumerate(result.pairs, 1) if pair.flags]
    links = " ".join(f'<a href="#s{n}" aria-label="sentence {n}">{n}</a>' for n in numbers[:MAX_FLAG_LINKS])
    more = f" … and {len(numbers) - MAX_FLAG_LINKS} more" if len(numbers) > MAX_FLAG_LINKS else ""
    lines.append(f'<p class="links">Sentences: {links}{more}</p>')
    lines.append("</section>")
    return "\n".join(lines)


def _banner(result: Translation) -> str:
    quality = result.quality
    top = max(quality.by_flag.items(), key=lambda item: item[1])[0] if quality.by_flag else ""
    return (
        f'<p class="banner" role="note"><strong>Most sentences are flagged ({quality.flagged} of {quality.sentences}),'
        f" most often “{_e(label(top))}”.</strong> When nearly every sentence is flagged, the cause is usually the whole text,"
        " not single sentences: a wrong source language, a translation model that does not suit this text, or an input"
        " that is not running prose (a table, a list of names, a page of links). Check the source language first."
        " The highlighting below is turned down; each paragraph's reasons are folded under it.</p>"
    )


def _side_by_side(result: Translation) -> str:
    source_label = f"Original · {_language(result.source_lang)}"
    lines = [
        '<section class="side">',
        "<h2>Side by side</h2>",
        '<table class="sbs">',
        f"<thead><tr><th>{_e(source_label)}</th><th>English</th></tr></thead>",
        "<tbody>",
    ]
    removed = sorted(result.removed, key=lambda line: line.start)
    waiting = 0  # index of the first removed line not shown yet
    number = 0
    folded_reasons = mostly_flagged(result)
    for paragraph, members in _paragraphs(result.pairs):
        start = members[0].start
        folded = []
        while waiting < len(removed) and removed[waiting].start < start:
            folded.append(removed[waiting])
            waiting += 1
        if folded:
            lines.append(_removed_row(folded, result.source_lang))
        first = number + 1
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
            f'<tr id="p{paragraph}"><td class="src" {_lang_dir(result.source_lang)} data-label="{_e(source_label)}">{"".join(source_cells)}</td>'
            f'<td class="en" lang="en" dir="ltr" data-label="English">{"".join(english_cells)}</td></tr>'
        )
        reasons = _reasons_row(members, first, result, folded=folded_reasons)
        if reasons:
            lines.append(reasons)
    if waiting < len(removed):
        lines.append(_removed_row(removed[waiting:], result.source_lang))
    lines += ["</tbody>", "</table>", "</section>"]
    return "\n".join(lines)


def _sentence(pair: SentencePair, number: int, k: int, side: str, result: Translation) -> str:
    classes = ["s", f"k{k}"]
    if k % 2 == 0:
        classes.append("alt")
    attributes = ""
    chip = ""
    if pair.flags:
        classes.append("flag")
        attributes = f' title="{_e(_reasons_text(pair, result))}"'  # also on hover, for a mouse
        if side == "en":
            chip = _chip(pair, number)
    classes.append(f"n{number}")
    classes.extend(f"by{index}" for index in _supporters(result).get(number - 1, ()))  # what selecting summary sentence `index` highlights
    if side == "src":
        attributes = f' id="s{number}"' + attributes
        text = pair.source
    else:
        text = pair.translation
    # <bdi>: a right-to-left sentence, or an override character in one, cannot reorder its neighbours.
    return f'<span class="{" ".join(classes)}"{attributes}><sup>{number}</sup>{_bdi(text)}</span>{chip}'


def _chip(pair: SentencePair, number: int) -> str:
    """A flagged sentence's labels: one link to its reasons, named for a screen reader, tappable, focusable."""
    labels = [label(flag) for flag in pair.flags]
    name = f"Sentence {number} flagged: {', '.join(labels)}. Go to the reasons."
    return f'<a class="chip" href="#r{number}" aria-label="{_e(name)}">{_e(" · ".join(labels))}</a>'


def _reasons_row(members: list[SentencePair], first: int, result: Translation, *, folded: bool) -> str:
    """The reasons of a paragraph's flagged sentences, as text under it (folded when most sentences are flagged)."""
    items = [
        f'<li id="r{number}"><a href="#s{number}" aria-label="sentence {number}">{number}</a> {_reasons_html(pair, result)}</li>'
        for number, pair in enumerate(members, first)
        if pair.flags
    ]
    if not items:
        return ""
    listing = f'<ul class="reasons">{"".join(items)}</ul>'
    if folded:
        noun = "sentence" if len(items) == 1 else "sentences"
        listing = f"<details><summary>Why {len(items)} {noun} of this paragraph are flagged</summary>{listing}</details>"
    return f'<tr class="why"><td colspan="2" lang="en" dir="ltr">{listing}</td></tr>'


def _reasons_html(pair: SentencePair, result: Translation) -> str:
    parts = [
        f"<strong>{_e(label(flag))}</strong>: {_e(explain(flag, pair.source, pair.translation, result.source_lang))}"
        for flag in pair.flags
    ]
    found = f' <span class="found">({_e(describe_details(pair.details))})</span>' if pair.details else ""
    return "; ".join(parts) + found


def _reasons_text(pair: SentencePair, result: Translation) -> str:
    reasons = "; ".join(f"{label(flag)}: {explain(flag, pair.source, pair.translation, result.source_lang)}" for flag in pair.flags)
    return reasons + (f" ({describe_details(pair.details)})" if pair.details else "")


def _removed_row(lines: list[RemovedLine], source_lang: str) -> str:
    noun = "line" if len(lines) == 1 else "lines"
    items = "".join(f'<li><span class="reason">{_e(line.reason)}</span> {_bdi(line.text)}</li>' for line in lines)
    return (
        '<tr class="removed"><td colspan="2"><details>'
        f"<summary>{len(lines)} {noun} set aside as boilerplate</summary><ul {_lang_dir(source_lang)}>{items}</ul>"
        "</details></td></tr>"
    )


def _footer(result: Translation) -> str:
    models = "".join(
        f"<li>{_e(model.role)}: <strong>{_e(model.name)}</strong> <code>{_e(model.label)}</code>"
        f" ({_e(model.backend)}{', ' + _e(model.quantization) if model.quantization else ''}, beams {model.num_beams})</li>"
        for model in result.models
    ) or "<li>none: the source is already English</li>"
    timings = ", ".join(f"{_e(name)} {seconds:.2f} s" for name, seconds in result.timings.items())
    named = ", ".join(_e(model.name) for model in result.models) or "none"
    lines = [
        "<footer>",
        f'<details class="made"><summary>Models: {named} · signature</summary>',
        f"<div>Models:<ul>{models}</ul></div>",
        f"<div>Signature: <code>{_e(result.signature)}</code></div>",
    ]
    if timings:
        lines.append(f"<div>Timings: {timings}</div>")
    lines += [
        "</details>",
        f"<div>Made by summarise {_e(__version__)}. Machine translation: check what matters against the original.</div>",
        "</footer>",
    ]
    return "\n".join(lines)


# -- helpers ----------------------------------------------------------------------


def _paragraphs(pairs: list[SentencePair]) -> list[tuple[int, list[SentencePair]]]:
    grouped: dict[int, list[SentencePair]] = {}
    for pair in pairs:
        grouped.setdefault(pair.paragraph, []).append(pair)
    return list(grouped.items())


def _widest(result: Translation) -> int:
    return max((len(members) for _, members in _paragraphs(result.pairs)), default=0)


def pair_hover_css(widest: int) -> str:
    """Hovering a sentence outlines it and its partner in the other column (no script: CSS ``:has``);
    rules for paragraphs of up to ``widest`` sentences."""
    return "".join(f".report tr:has(.k{k}:hover) .k{k}{{outline:2px solid #7aa7e0}}" for k in range(1, widest + 1))


def _lang_dir(code: str) -> str:
    """``lang`` and ``dir`` attributes for text in ``code``: the direction from the language, never guessed."""
    return f'lang="{_e(code)}" dir="{direction(code)}"'


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


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


def _supporters(result: Translation) -> dict[int, list[int]]:
    """Pair index -> the (1-based) summary sentences it supports."""
    found: dict[int, list[int]] = {}
    for index, sentence in enumerate(getattr(result, "summary_sentences", None) or [], 1):
        for pair in sentence.pairs:
            found.setdefault(pair, []).append(index)
    return found


def attribution_css(count: int) -> str:
    """Selecting summary sentence ``i`` (click, tap, keyboard focus, hover) highlights the article sentences marked
    ``by{i}`` on both sides (CSS ``:has``, no script); rules for up to ``count`` summary sentences."""
    return "".join(f".report:has(#m{i}:is(:hover,:focus,:focus-within)) .by{i}{{background:#ffe28a;outline:2px solid #d4a017}}"
                   for i in range(1, count + 1))


def _language(code: str) -> str:
    name = LANGUAGE_NAMES.get(code)
    return f"{name} ({code})" if name else code


def _e(value: object) -> str:
    """Text for HTML content or a quoted attribute: escaped, and without characters XML forbids."""
    return html.escape(_NOT_XML.sub("", str(value)), quote=True)


__all__ = ["attribution_css", "report_css", "mostly_flagged", "pair_hover_css", "render_fragment", "render_html"]


def _bdi(value: object) -> str:
    """Text isolated from its neighbours' direction: Arabic or Hebrew text, and override characters, stay inside."""
    return f"<bdi>{_e(value)}</bdi>"
