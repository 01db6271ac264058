"""Text logic, pure and offset-keeping: languages, cleaning, detection, sentences, boilerplate, protected spans.

Layer: below inputs, models and everything else; imports only ``support`` and ``errors``.
"""

from __future__ import annotations

from ._boilerplate import RemovedLine, remove_boilerplate
from ._cleaning import CONTROL_CHARACTERS, clean_text
from ._cutting import split_long
from ._detecting import Detection, LanguageDetector, check_language_code
from ._languages import DEFAULT_LANGUAGES, LANGUAGE_NAMES, RIGHT_TO_LEFT, TARGET_LANG, direction
from ._normalising import fold, links, names, numbers
from ._protecting import MAX_TERM_CHARS, Glossary, GlossaryLike, keep_terms, Protected, Protection
from ._splitting import Paragraph, Sentence, split_paragraphs, split_sentences


__all__ = [
    "check_language_code",
    "clean_text",
    "CONTROL_CHARACTERS",
    "DEFAULT_LANGUAGES",
    "Detection",
    "direction",
    "fold",
    "Glossary",
    "GlossaryLike",
    "keep_terms",
    "LANGUAGE_NAMES",
    "LanguageDetector",
    "links",
    "MAX_TERM_CHARS",
    "names",
    "numbers",
    "Paragraph",
    "Protected",
    "Protection",
    "remove_boilerplate",
    "RemovedLine",
    "RIGHT_TO_LEFT",
    "Sentence",
    "split_long",
    "split_paragraphs",
    "split_sentences",
    "TARGET_LANG",
]
