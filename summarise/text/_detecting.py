"""Source-language detection with py3langid, whose model ships inside its wheel.

Nothing is downloaded at run time.  The identifier is loaded once per
:class:`LanguageDetector`, an explicit object a ``Summariser`` owns.

py3langid ships its model LZMA-compressed (4.6 MB), and unpacking it took 1.0 s of a 2.2 s
``summarise run`` on a busy 2-core Xeon: every run checks its translations for the wrong
language, so every run paid it, ``--source-lang`` or not.  The first load unpacks it once into
``$SUMMARISE_HOME/langid/`` (68 MB, written whole by a rename); later loads read that file in
about 0.1 s.  Where the folder cannot be written the model is unpacked in memory, as before.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Callable
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import LanguageError
from ..support import home

logger = logging.getLogger("summarise")

MIN_CONFIDENCE = 0.80  # a text of any length whose top language is this likely is taken as that language
SHORT_TEXT_CHARS = 200  # below this, the probability spreads over related languages even when the guess is right
CLEAR_LEAD = 2.0  # ... so a short text's top language must be this many times as likely as the next one
SAMPLE_CHARS = 4000  # enough for a confident guess; detection cost stays flat on long articles
_LANG_CODE = re.compile(r"^[a-z]{2,3}$")


@dataclass(frozen=True)
class Detection:
    """What the detector said of a text.  ``confidence`` is the top language's probability among every
    language the detector knows (about 97), normalised to sum to 1 over all of them; ``sure`` is
    ``confidence >= MIN_CONFIDENCE``.  ``chars``: the length of the text the guess was made on."""

    lang: str
    confidence: float
    sure: bool
    candidates: tuple[tuple[str, float], ...] = ()
    chars: int = 0

    def to_dict(self) -> dict:
        return {"lang": self.lang, "confidence": round(self.confidence, 4), "sure": self.sure}

    @property
    def lead(self) -> float:
        """How many times as likely the top language is as the next one (infinite when there is none)."""
        if len(self.candidates) < 2 or self.candidates[1][1] <= 0:
            return float("inf")
        return self.confidence / self.candidates[1][1]


def packed_model() -> Path:
    """The model file inside py3langid's wheel."""
    from py3langid import langid

    return Path(langid.__file__).parent / langid.MODEL_FILE


def unpacked_model_path(folder: Path, packed: Path) -> Path:
    """Where ``packed`` unpacks to in ``folder``: named by the packed file's path, size and time, so a new
    py3langid model is unpacked afresh instead of served stale."""
    stat = packed.stat()
    digest = hashlib.sha256(f"{packed.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode("utf-8")).hexdigest()[:16]
    return folder / f"model-{digest}.npz"


def unpack_model(folder: Path) -> Path:
    """py3langid's model as an uncompressed ``.npz`` in ``folder``, unpacked on the first call; ``OSError`` where it cannot be written."""
    import lzma
    import shutil

    packed = packed_model()
    target = unpacked_model_path(folder, packed)
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".unpacking-", suffix=".npz", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out, lzma.open(packed) as source:
            shutil.copyfileobj(source, out, length=1 << 20)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp's 0600 would keep the file from the other users of a shared home
        os.replace(temporary, target)  # whole or not at all, even with two processes unpacking at once
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _stdlib_array(values):
    """A NumPy unsigned array as the stdlib ``array`` py3langid walks its automaton with (as its ``modelio`` does)."""
    from array import array

    import numpy as np

    out = array({2: "H", 4: "I", 8: "L"}[values.dtype.itemsize])
    out.frombytes(memoryview(np.ascontiguousarray(values)).cast("B"))
    return out


def load_identifier(cache: Path | None):
    """py3langid's identifier (normalised probabilities), from the model unpacked into ``cache``; from the packed
    model, unpacked in memory, where ``cache`` is None or cannot be written."""
    from py3langid import langid

    if cache is not None:
        try:
            path = unpack_model(cache)
        except OSError as exc:
            logger.debug("language model not unpacked into %s (%s): unpacking it in memory", cache, exc)
        else:
            import numpy as np

            with np.load(path, allow_pickle=False) as data:
                return langid.LanguageIdentifier(
                    np.asarray(data["ptc"]), np.asarray(data["pc"]), data["classes"].tolist(), _stdlib_array(data["nextmove"]),
                    data["out_feat"].tolist(), norm_probs=True, tk_row=_stdlib_array(data["nextmove_row"]),
                )
    return langid.LanguageIdentifier.from_modelpath(packed_model(), norm_probs=True)


def default_cache() -> Path:
    return home() / "langid"


class LanguageDetector:
    """``cache``: the folder py3langid's model is unpacked into, once (default ``$SUMMARISE_HOME/langid``)."""

    def __init__(self, min_confidence: float = MIN_CONFIDENCE, *, cache: Path | None = None) -> None:
        self.min_confidence = min_confidence
        self.cache = Path(cache) if cache is not None else default_cache()
        self._identifier = None

    def _load(self):
        if self._identifier is None:
            self._identifier = load_identifier(self.cache)
        return self._identifier

    def detect(self, text: str) -> Detection:
        sample = text[:SAMPLE_CHARS]
        if not sample.strip():
            return Detection(lang="und", confidence=0.0, sure=False, chars=len(sample))
        ranked = self._load().rank(sample)[:3]
        lang, confidence = ranked[0]
        confidence = float(confidence)
        return Detection(
            lang=lang,
            confidence=confidence,
            sure=confidence >= self.min_confidence,
            candidates=tuple((code, float(p)) for code, p in ranked),
            chars=len(sample),
        )

    def source(self, text: str, has_model: Callable[[str], bool]) -> Detection:
        """The source language of ``text``, by the one policy the CLI, the library and both server APIs follow.

        The top language is taken when a model translates it (``has_model``) and either its confidence is at
        least ``min_confidence``, or the text is short (under ``SHORT_TEXT_CHARS``) and the top language is at
        least ``CLEAR_LEAD`` times as likely as the next.  Otherwise a :class:`LanguageError` whose fix is the
        ``source_lang`` option, which each front end names its own way.
        """
        detection = self.detect(text)
        clear = detection.sure or (detection.chars < SHORT_TEXT_CHARS and detection.lead >= CLEAR_LEAD)
        if detection.lang == "und" or not clear:
            guesses = ", ".join(f"{code} {p:.0%}" for code, p in detection.candidates) or "none"
            raise LanguageError(f"cannot tell the source language for sure (best guesses: {guesses})",
                                option="source_lang", example=_example(detection, has_model))
        if not has_model(detection.lang):
            raise LanguageError(f"the text looks like {detection.lang} ({detection.confidence:.0%} sure), and no model here "
                                f"translates {detection.lang}: if it is another language, name it", option="source_lang")
        return detection


def _example(detection: Detection, has_model: Callable[[str], bool]) -> str:
    """The value to suggest: the best guess when it is at least an even bet and has a model, else fr (any code would do)."""
    return detection.lang if detection.confidence >= 0.5 and has_model(detection.lang) else "fr"


# ISO 639-1: every two-letter code there is (plus the withdrawn sh, still used by OPUS-MT).  Three-letter
# codes (ISO 639-3, some 7,900) are taken as given, except those that name no language.
ISO_639_1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en
eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka
kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl
nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg sh si sk sl sm sn so sq sr ss st su sv
sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
""".split())
NOT_A_LANGUAGE = frozenset({"und", "mul", "mis", "zxx"})  # undetermined, multiple, uncoded, no linguistic content


def check_language_code(code: str) -> str:
    """``code`` lower-cased when it names a language (ISO 639-1, or three letters); else a :class:`LanguageError`."""
    if not isinstance(code, str):
        raise LanguageError(f"source language must be a language code such as 'fr', or 'auto' to detect it, not {code!r}")
    code = code.strip().lower()
    if not _LANG_CODE.match(code):
        raise LanguageError(f"'{code}' is not a language code: use an ISO 639-1 code such as fr, de or zh")
    if len(code) == 2 and code not in ISO_639_1 or code in NOT_A_LANGUAGE or "qaa" <= code <= "qtz":
        raise LanguageError(f"'{code}' is not a language code: use an ISO 639-1 code such as fr, de or zh, or auto to detect it")
    return code
