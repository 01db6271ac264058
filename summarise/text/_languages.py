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
