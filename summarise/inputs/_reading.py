"""Read an article: bytes or a file in, clean Unicode text out.

The first step of the flow.  :func:`read_document` takes a file path, raw
bytes or already-decoded text, works out the encoding and the format (plain
text, Markdown or HTML), and returns a :class:`Document` whose ``text`` is
clean: NFC, ``"\\n"`` line endings, no control characters, paragraphs separated
by one blank line.

The three kinds of ``source`` differ on purpose:

* ``os.PathLike`` (e.g. ``Path("a.txt")``): the file is read and decoded;
* ``bytes``: decoded as if read from a file (this is what stdin gives);
* ``str``: text that is *already decoded* -- it is never taken as a path.

Every refusal is an :class:`~summarise.errors.InputError` with a one-line
message that names the input and says what to do.  trafilatura and
charset-normalizer are imported only when a page or a legacy encoding needs
them, so importing this module is cheap.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import InputError
from ..text import CONTROL_CHARACTERS, clean_text
from ._extracting import extract_html
from ._kinds import article_format

MAX_INPUT_BYTES = 20 * 1024 * 1024
FORMATS = ("text", "markdown", "html")
_FORMAT_ALIASES = {"txt": "text", "md": "markdown", "htm": "html"}
# Longest BOMs first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Bytes that never occur in text (everything below 0x20 except \t \n \v \f \r and ESC).
_CONTROL_BYTES = bytes(sorted(set(range(0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B}))
_MAX_CONTROL_SHARE = 0.10
_ASCII_BYTES = bytes(range(0x80))
_LATIN1_NAMES = ("iso8859-1", "ascii")
_HTML_SNIFF = re.compile(r"^\ufeff?\s*(?:<\?xml[^>]*>\s*)?<(?:!doctype\s+html|html)\b|<body\b", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Document:
    """A decoded, cleaned input.

    ``text`` is clean (see :func:`clean_text`) and never empty.  ``encoding``
    names the codec the bytes were decoded with (``"utf-8"`` for ``str``
    input).  ``format`` is ``"text"``, ``"markdown"`` or ``"html"``.  For HTML,
    ``metadata`` holds whichever of title/author/date/sitename/url the page
    gave.
    """

    text: str
    encoding: str
    format: str
    title: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    # Lines for the user about the decoding (bytes replaced, encoding guessed); not part of equality.
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "encoding": self.encoding,
            "format": self.format,
            "title": self.title,
            "metadata": dict(self.metadata),
            "warnings": list(self.warnings),
        }


# --------------------------------------------------------------------------- decoding

def decode_bytes(data: bytes, *, name: str = "input", prefer: str | None = None) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``; the text is not yet cleaned.

    Order: a BOM (UTF-8, UTF-16, UTF-32); BOM-less UTF-16 (ASCII-heavy text
    with every other byte NUL); strict UTF-8; UTF-8 with encoded surrogates
    (CESU-8: pairs are joined, lone ones become U+FFFD); UTF-8 with a few bad
    bytes replaced by U+FFFD, when at least :data:`MOSTLY_UTF8_SHARE` of the
    non-ASCII sequences are valid UTF-8; ``prefer`` (e.g. an HTML page's
    declared charset) if it decodes strictly; cp1252 when the bytes read as
    Western European text in it (see :func:`_reads_as_cp1252`); then
    charset-normalizer, where cp1252 still wins if it scores as well as the
    best guess.  cp1252 is preferred to latin-1: it is a superset for
    printable text.  :func:`decode_bytes_warning` also says when bytes were
    replaced or the encoding was guessed.

    Raises InputError when the bytes look binary (NUL bytes, or more than 10 %
    control bytes) or cannot be decoded at all.
    """
    text, encoding, _ = decode_bytes_warning(data, name=name, prefer=prefer)
    return text, encoding


# Valid UTF-8 sequences at least this share of all non-ASCII sequences (bad bytes counted one by one):
# the file is UTF-8 with a few damaged bytes, and a legacy code page would garble every accented letter.
MOSTLY_UTF8_SHARE = 0.8
_ESCAPED = re.compile("[\udc80-\udcff]")


def decode_bytes_warning(data: bytes, *, name: str = "input", prefer: str | None = None) -> tuple[str, str, str | None]:
    """:func:`decode_bytes` plus one line for the user when the decoding was not clean, else None.

    The line says how many bytes were replaced, or that a legacy code page was guessed.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding.removesuffix("-sig")), encoding, None
            except UnicodeDecodeError:
                raise InputError(
                    f"could not decode {name} as {encoding} although it starts with a {encoding} "
                    "byte-order mark: save it as UTF-8 and retry"
                ) from None
    if b"\x00" in data:
        encoding = _bomless_utf16(data)
        if encoding is None:
            raise _binary(name, "NUL bytes")
        return data.decode(encoding), encoding, None
    if data and 1 - len(data.translate(None, _CONTROL_BYTES)) / len(data) > _MAX_CONTROL_SHARE:
        raise _binary(name, "control bytes")
    return _decode_unicode_or_legacy(data, name, prefer)


def _decode_unicode_or_legacy(data: bytes, name: str, prefer: str | None) -> tuple[str, str, str | None]:
    """Strict UTF-8; CESU-8 surrogates; UTF-8 with a few bad bytes replaced; the declared charset; a legacy guess."""
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        pass
    try:  # surrogates encoded one by one (CESU-8, Java's modified UTF-8): pairs join, lone ones become U+FFFD
        raw = data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        raw = None
    if raw is not None:
        text = raw.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        lone = text.count("\ufffd") - raw.count("\ufffd")
        warning = f"{name}: {lone} lone surrogate(s) (CESU-8) replaced by U+FFFD" if lone else None
        return text, "utf-8", warning
    escaped = data.decode("utf-8", "surrogateescape")
    bad = len(_ESCAPED.findall(escaped))
    good = len(escaped) - len(escaped.encode("ascii", "ignore")) - bad
    if good and good >= MOSTLY_UTF8_SHARE * (good + bad):
        return data.decode("utf-8", "replace"), "utf-8", (
            f"{name}: {bad} byte(s) are not valid UTF-8 and were replaced by U+FFFD (the other {good} non-ASCII characters are UTF-8)"
        )
    if prefer:
        try:
            encoding = codecs.lookup(prefer).name
            if encoding in _LATIN1_NAMES:  # as browsers do: "latin-1" pages are cp1252
                encoding = "cp1252"
            return data.decode(encoding), encoding, None
        except (LookupError, UnicodeDecodeError):
            pass
    encoding = _guess_legacy_encoding(data)
    if encoding is None:
        raise InputError(f"could not decode {name} as text: save it as UTF-8 and retry")
    text = data.decode(encoding, errors="replace")
    if encoding != "cp1252" and text:  # cp1252 decodes no control characters that the byte check let through
        controls = len(CONTROL_CHARACTERS.findall(text.replace("\r", "\n")))
        if controls / len(text) > _MAX_CONTROL_SHARE:
            raise _binary(name, "control characters")
    non_ascii = len(data.translate(None, _ASCII_BYTES))
    replaced = text.count("\ufffd")  # a legacy code page has no U+FFFD of its own
    warning = f"{name} is not UTF-8: its encoding was guessed as {encoding} ({non_ascii} non-ASCII bytes"
    warning += f", {replaced} replaced by U+FFFD)" if replaced > 0 else ")"
    return text, encoding, warning + "; if accented letters look wrong, save it as UTF-8"


def _binary(name: str, why: str) -> InputError:
    return InputError(f"{name} looks binary ({why}): pass a UTF-8 text, Markdown or HTML file")


def _bomless_utf16(data: bytes) -> str | None:
    """``"utf-16-le"``/``"-be"`` when ``data`` reads as mostly-ASCII UTF-16 without a BOM."""
    if len(data) < 4 or len(data) % 2:
        return None
    for encoding, zeros, other in (("utf-16-le", data[1::2], data[0::2]), ("utf-16-be", data[0::2], data[1::2])):
        if zeros.count(0) >= 0.6 * len(zeros) and other.count(0) == 0:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if not CONTROL_CHARACTERS.search(text.replace("\r", "\n")):
                return encoding
    return None


def _guess_legacy_encoding(data: bytes) -> str | None:
    if _reads_as_cp1252(data):
        return "cp1252"
    from ..support import require

    # lazy: costs ~50 ms to import
    from_bytes = require("charset_normalizer", purpose="guessing a legacy encoding", install="pip install charset-normalizer").from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    # Charsets that decode as cleanly and about as coherently as the best guess.
    as_good = {
        charset
        for match in matches
        if match.percent_chaos <= best.percent_chaos + 1.0
        and match.percent_coherence >= best.percent_coherence - 10.0
        for charset in match.could_be_from_charset
    }
    encoding = codecs.lookup(best.encoding).name
    if "cp1252" in as_good or encoding in _LATIN1_NAMES:
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return encoding


# A non-ASCII symbol between two letters ("Rz¹d": Polish cp1250; "d\u201afense": DOS cp850),
# or an accented capital right after a small letter ("dŽfense": Mac Roman).
_ODD_IN_WORD = re.compile(
    r"(?<=[^\W\d_])[^\w\s\x00-\x7f\u2018\u2019\u00b7](?=[^\W\d_])"  # apostrophes and the Catalan middle dot are fine
    r"|(?<=[a-z\u00df-\u00ff])[\u00c0-\u00de\u0160\u0152\u017d\u0178]"
)


def _reads_as_cp1252(data: bytes) -> bool:
    """True when ``data`` decodes as cp1252 into Western European prose.

    Single-byte Cyrillic, Greek, Arabic or Hebrew, and CJK double-byte text,
    come out of cp1252 as runs of accented letters, so more than a quarter of
    the letters being non-ASCII rules cp1252 out; so do the in-word symbols
    other legacy Latin charsets leave.  Without this prior charset-normalizer
    reads short French as cp1257, cp1250 or even Big5.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    sample = text[:100_000]
    letters = [ch for ch in sample if ch.isalpha()]
    foreign = sum(ord(ch) > 0x7F for ch in letters)
    return foreign <= 0.25 * len(letters) + 2 and not _ODD_IN_WORD.search(sample)


# --------------------------------------------------------------------------- reading

def read_document(
    source: str | bytes | os.PathLike,
    *,
    format: str = "auto",
    name: str | None = None,
    max_bytes: int = MAX_INPUT_BYTES,
    charset: str | None = None,
) -> Document:
    """Read ``source`` into a clean :class:`Document`.

    ``source`` is a path (``os.PathLike`` only), raw ``bytes``, or a ``str``
    of already-decoded text.  ``format`` is ``"auto"``, ``"text"``,
    ``"markdown"`` or ``"html"``; ``"auto"`` goes by the file suffix
    (.html/.htm/.xhtml, .md/.markdown, .txt/.text) and otherwise sniffs the
    content for ``<!doctype html``, ``<html`` or ``<body``.  ``name`` is used
    in error messages (default: the file name, else ``"input"``; the CLI passes
    ``"stdin"``).  Inputs larger than ``max_bytes`` are refused.  ``charset``
    is what a container declared for bytes (an HTTP ``Content-Type``): it is
    tried before a page's ``<meta charset>`` and before guessing.
    """
    fmt = _FORMAT_ALIASES.get(format, format)
    if fmt != "auto" and fmt not in FORMATS:
        raise InputError(f"unknown input format {format!r}: expected one of auto, {', '.join(FORMATS)}")

    if isinstance(source, os.PathLike):
        path = Path(source)
        name = name or path.name
        data = _read_file(path, name, max_bytes)
        if fmt == "auto":
            fmt = article_format(path)
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = name or "input"
        _check_size(len(data), name, max_bytes)
    elif isinstance(source, str):
        name = name or "input"
        _check_size(len(source.encode("utf-8", "surrogatepass")), name, max_bytes)
        return _build(source, "utf-8", fmt, name)
    else:
        raise TypeError(f"read_document() takes a path, bytes or str, not {type(source).__name__}")

    prefer = charset or (_declared_charset(data) if fmt in ("auto", "html") else None)
    text, encoding, warning = decode_bytes_warning(data, name=name, prefer=prefer)
    return _build(text, encoding, fmt, name, warnings=(warning,) if warning else ())


READ_CHUNK = 1024 * 1024


def read_limited(stream: BinaryIO, *, name: str = "input", max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """Read ``stream`` to its end in chunks, refusing it as soon as it passes ``max_bytes``.

    Pipes, devices and standard input have no size to check first: ``/dev/zero`` or
    ``yes |`` would otherwise grow without end.  Memory stays within ``max_bytes`` plus one chunk.
    """
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(min(READ_CHUNK, max_bytes + 1 - total))
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > max_bytes:
            raise _too_large(name, max_bytes, size=None)
        chunks.append(chunk)


def read_error_message(path: str | os.PathLike, exc: OSError) -> str:
    """One line that says why ``path`` could not be read and what to do, by the kind of failure."""
    if isinstance(exc, FileNotFoundError):
        return f"{path} does not exist: check the path (it may have been moved or deleted)"
    if isinstance(exc, IsADirectoryError):
        return f"{path} is a directory: pass a file (use `summarise bulk` for folders)"
    if isinstance(exc, PermissionError):
        return f"{path} cannot be read (permission denied): check its permissions"
    if getattr(exc, "errno", None) == errno.ELOOP:
        return f"{path} is a symlink loop: point it at a file"
    return f"{path} cannot be read ({exc.strerror or exc}): check the path"


def _read_file(path: Path, name: str, max_bytes: int) -> bytes:
    try:
        with open(path, "rb") as stream:
            info = os.fstat(stream.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(errno.EISDIR, "Is a directory")
            if stat.S_ISREG(info.st_mode):  # a regular file is refused before it is read
                _check_size(info.st_size, name, max_bytes)
            return read_limited(stream, name=name, max_bytes=max_bytes)
    except OSError as exc:
        raise InputError(read_error_message(path, exc)) from None


def _check_size(size: int, name: str, max_bytes: int) -> None:
    if size > max_bytes:
        raise _too_large(name, max_bytes, size=size)


def _too_large(name: str, max_bytes: int, *, size: int | None) -> InputError:
    """Over the limit; the advice fits both the CLI and bulk (an article of an archive is too large in either)."""
    if size is None:
        how_large = f"is over the {_mib(max_bytes)} input limit (reading stopped there)"
    else:
        how_large = f"is {_mib(size)}, over the {_mib(max_bytes)} input limit"
    return InputError(f"{name} {how_large}: split it into smaller articles, or raise max_bytes")


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB" if size >= 1024 * 1024 else f"{size} bytes"


def _sniff(text: str) -> str:
    return "html" if _HTML_SNIFF.search(text[:4096]) else "text"


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _build(text: str, encoding: str, fmt: str, name: str, *, warnings: tuple[str, ...] = ()) -> Document:
    if fmt == "auto":
        fmt = _sniff(text)
    title = None
    metadata: dict[str, Any] = {}
    if fmt == "html":
        text, title, metadata = extract_html(text, name)
    elif fmt == "markdown":
        text = markdown_to_text(clean_text(text))
    text = clean_text(text)
    if not text:
        raise InputError(f"{name} is empty: nothing to translate")
    return Document(text=text, encoding=encoding, format=fmt, title=title, metadata=metadata, warnings=warnings)


# --------------------------------------------------------------------------- markdown

_MD_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*$")
_MD_RULE = re.compile(r"^\s{0,3}([-=*_])(?:\s*\1){2,}\s*$")  # --- *** ___ and setext underlines
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?")
_MD_LINK_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$")
_MD_IMAGE = re.compile(r"!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])")
_MD_LINK = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_EMPH = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]*?[^\s*])?\*(?![\w*])")
_MD_CODE = re.compile(r"`([^`\n]+)`")
_MD_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def markdown_to_text(text: str) -> str:
    """Reduce Markdown to plain paragraphs, deliberately simply.

    Headings (``## Titre``) become their own paragraph (``Titre``); ``**``,
    ``__`` and single ``*`` emphasis markers go; ``[text](url)`` and
    ``[text][ref]`` become ``text``; images, link definitions, horizontal
    rules, setext underlines, code fences, backticks, HTML comments and ``>``
    quote markers go.  List markers and everything else stay as written.
    """
    out: list[str] = []
    for line in _MD_COMMENT.sub("", text).split("\n"):
        if _MD_FENCE.match(line) or _MD_LINK_DEF.match(line):
            continue
        if _MD_RULE.match(line):
            out.append("")
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            out.extend(["", _markdown_inline(heading.group(1) or ""), ""])
        else:
            out.append(_markdown_inline(_MD_QUOTE.sub("", line)))
    return "\n".join(out)


def _markdown_inline(line: str) -> str:
    line = _MD_IMAGE.sub("", line)
    line = _MD_LINK.sub(r"\1", line)
    line = _MD_STRONG.sub(r"\2", line)
    line = _MD_EMPH.sub(lambda m: m.group(1) or "", line)
    return _MD_CODE.sub(r"\1", line)
