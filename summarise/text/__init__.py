"""Text logic, pure and offset-keeping: languages, cleaning, detection, sentences, boilerplate, protected spans.

Layer: below inputs, models and everything else; imports only ``support`` and ``errors``.
"""

from __future__ import annotations

from .boilerplate import RemovedLine, remove_boilerplate
from .cleaning import clean_text
from .cutting import split_long
from .detecting import Detection, LanguageDetector, check_language_code
from .languages import DEFAULT_LANGUAGES, LANGUAGE_NAMES, TARGET_LANG
from .protecting import Glossary, GlossaryLike, Protected, Protection
from .splitting import Paragraph, Sentence, split_paragraphs, split_sentences

__all__ = [
    "check_language_code",
    "clean_text",
    "DEFAULT_LANGUAGES",
    "Detection",
    "Glossary",
    "GlossaryLike",
    "LANGUAGE_NAMES",
    "LanguageDetector",
    "Paragraph",
    "Protected",
    "Protection",
    "remove_boilerplate",
    "RemovedLine",
    "Sentence",
    "split_long",
    "split_paragraphs",
    "split_sentences",
    "TARGET_LANG",
]
