"""The one table of languages: what every article is translated into, the names people read, the defaults.

The server's language list, the HTML report, ``summarise serve --preload`` and
``summarise models pull`` read their languages here; the models that translate them
are the registry's (``models.toml``).
"""

from __future__ import annotations

TARGET_LANG = "en"  # every article is translated into English; a summary may go onward from there
DEFAULT_LANGUAGES = ("fr", "de", "es")  # preloaded by the server, pulled by `summarise models pull`
LANGUAGE_NAMES = {  # ISO 639-1 code -> English name
    "ar": "Arabic", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek", "en": "English",
    "es": "Spanish", "fa": "Persian", "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi",
    "hu": "Hungarian", "it": "Italian", "ja": "Japanese", "ko": "Korean", "nl": "Dutch", "no": "Norwegian",
    "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sv": "Swedish", "th": "Thai",
    "tr": "Turkish", "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}
# Languages written right to left: the report and the page set dir="rtl" on their text from this table
# (dir="auto" cannot: the text sits in <bdi> isolates, which its algorithm skips, and numbers are neutral).
RIGHT_TO_LEFT = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku", "ps", "sd", "ug", "ur", "yi"})


def direction(code: str | None) -> str:
    """``"rtl"`` for a language written right to left (:data:`RIGHT_TO_LEFT`), else ``"ltr"``; a region is ignored."""
    base = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return "rtl" if base in RIGHT_TO_LEFT else "ltr"
