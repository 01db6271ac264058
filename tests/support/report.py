"""A hand-built result for the report tests, and the HTML report read back as XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from summarise.models import ModelSpec
from summarise.pipeline import ModelUsed, SentencePair, Summary
from summarise.text import RemovedLine, Detection


SCRIPT = "<script>alert(1)</script>"


def crafted_summary() -> Summary:
    """A result built by hand: a script in the text, a folded boilerplate line, flags, metadata."""
    paragraphs = [
        f"Titre {SCRIPT} du jour",
        "Partager cet article",
        "Le ministre parle & promet.\nLa pluie arrive demain.",
        "Fin de l'article.",
    ]
    original = "\n\n".join(paragraphs) + "\n"

    def at(text):
        start = original.index(text)
        return start, start + len(text)

    sentences = [
        (f"Titre {SCRIPT} du jour", f"Title {SCRIPT} of the day", 0, []),
        ("Le ministre parle & promet.", "The minister speaks & promises.", 2, []),
        ("La pluie arrive demain.", "La pluie arrive demain.", 2, ["copy", "wrong_language"]),
        ("Fin de l'article.", "End of the the the the article.", 3, ["repetition"]),
    ]
    pairs = [SentencePair(src, en, *at(src), paragraph=para, flags=flags) for src, en, para, flags in sentences]
    removed = [RemovedLine("Partager cet article", *at("Partager cet article"), reason="share")]
    spec = ModelSpec(name="tiny-copy", task="translation", source="/models/copy", languages=("fr",))
    bart = ModelSpec(name="tiny-bart", task="summarisation", source="/models/bart")
    return Summary(
        original=original,
        source_lang="fr",
        pairs=pairs,
        models=[ModelUsed.of("translation", spec, 2), ModelUsed.of("summarisation", bart, 2)],
        signature="mt:/models/copy@unpinned|beams:2|sum:/models/bart@unpinned|bp:removed|v:0.1.0",
        detection=Detection(lang="fr", confidence=0.9731, sure=True),
        removed=removed,
        metadata={"title": "Un <b>titre</b>", "author": "Camille <i>R.</i>", "date": "2024-03-14", "format": "text"},
        timings={"translate": 0.5},
        summary=f"The minister promises {SCRIPT}.",
        summary_stages=1,
        summary_lang="fr",
        summary_translated="Le ministre promet.",
    )


def parse_report(page: str) -> ET.Element:
    assert page.startswith("<!DOCTYPE html>\n")
    return ET.fromstring(page.split("\n", 1)[1])


def text_of(element: ET.Element) -> str:
    return "".join(element.itertext())
