"""Archive readers: compressed streams, WARC crawls, tar and zip bundles.

Each reader streams one input and yields :class:`RawArticle` items: an id, the
raw bytes (or text) of one article, the format its name or content type says,
and the charset a container declared (an HTTP header), which the reading step
tries before guessing.  Nothing is ever decompressed or extracted whole, in
memory or on disk: members and records are read one at a time, each capped at
``max_bytes``.

What is not an article (WARC requests, revisits, metadata, images; archive
members that are not article files; nested archives, which are not followed)
is *counted* in the ``skipped`` counter the caller passes, never reported as
an error.  A damaged archive ends its own reading with one error item that
says where it broke; the articles before it are kept.

The heavy libraries (warcio, zstandard) are imported only when an input needs
them; a missing one raises :class:`~summarise.errors.DependencyError` naming
the ``archives`` extra.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import io
import posixpath
import stat
import tarfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import DependencyError, InputError, first_line
from ..support import install_hint, require as require_library
from ._kinds import split_compression
from ._reading import MAX_INPUT_BYTES, read_limited
from ._streams import damage_of, decompression_errors, drain, guard

MAX_ID_BYTES = 1024  # longer member names are cut here, plus a hash of the whole name
MAX_TAR_HEADER_BYTES = 1 << 14  # a PAX or GNU long-name header: names and attributes, never an article
MAX_WARC_HEADER_BYTES = 1 << 18  # the WARC and HTTP header lines of one record, together
CHUNK = 1 << 16

# Skip reasons: the words the end line shows, one table.
SKIP_WARC_TYPE = "WARC {} records"
SKIP_WARC_NOT_TEXT = "WARC records that are not HTML or text"
SKIP_WARC_STATUS = "WARC responses with an HTTP error or redirect"
SKIP_NESTED = "nested archives (not followed)"
SKIP_MEMBER = "archive members that are not articles"
SKIP_SPECIAL = "archive links and special members"

# Content types read as articles, and the reader's format for each.
TEXT_TYPES = {
    "text/html": "html", "application/xhtml+xml": "html",
    "text/plain": "text", "text/markdown": "markdown", "text/x-markdown": "markdown",
}


@dataclass
class RawArticle:
    """One article as an archive holds it, before decoding.

    ``id`` is not yet unique (the caller makes it so).  ``content`` is bytes
    (or text, for tables), or None when ``error`` says why it could not be
    read.  ``charset`` is what the container declared (an HTTP
    ``Content-Type`` charset); ``metadata`` holds e.g. the crawl's URL and date.
    ``sha256`` stands for an item that has no content (a JSON line that is not an
    article): the hash of what was read, so that a rerun knows the item.
    """

    id: str
    origin: str
    content: str | bytes | None
    format: str = "auto"
    charset: str | None = None
    error: str | None = None
    flags: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    sha256: str | None = None


@dataclass
class ReadContext:
    """What every reader of a many-article input is given: the same for each kind, one per run.

    ``formats`` maps an article file's suffix to its reader format (from the
    table of input kinds); ``skipped`` counts what was passed over, by reason;
    ``several``: there are several inputs, so row-numbered ids name their file.
    """

    formats: Mapping[str, str] = field(default_factory=dict)
    text_field: str = "text"
    id_field: str = "id"
    several: bool = False
    max_bytes: int = MAX_INPUT_BYTES
    skipped: Counter = field(default_factory=Counter)


# --------------------------------------------------------------------------- dependencies


def require_archives(module: str, what: str) -> Any:
    """``module`` of the ``archives`` extra, imported to read ``what``; missing, one error naming the extra."""
    return require_library(module, purpose=f"reading {what}", install=install_hint("archives"))


# --------------------------------------------------------------------------- compression


def _zstd(raw: IO[bytes]) -> IO[bytes]:
    zstandard = require_archives("zstandard", ".zst files")
    return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True, closefd=True), CHUNK)


def _stdlib(module: str) -> Callable[[IO[bytes]], IO[bytes]]:
    def open_(raw: IO[bytes]) -> IO[bytes]:
        return importlib.import_module(module).open(raw, "rb")

    return open_


# Suffix -> streaming decompressor over an open binary file.
COMPRESSIONS: dict[str, Callable[[IO[bytes]], IO[bytes]]] = {
    ".gz": _stdlib("gzip"), ".bz2": _stdlib("bz2"), ".xz": _stdlib("lzma"), ".zst": _zstd,
}
# Names that are archives of their own, however compressed.
ARCHIVE_SUFFIXES = (".tar", ".tgz", ".tbz2", ".txz", ".zip", ".warc", ".arc", ".7z", ".rar", ".jar", ".gz", ".bz2", ".xz", ".zst")


def open_stream(path: Path, compression: str | None = None) -> IO[bytes]:
    """``path`` opened for streaming reads, decompressed by its suffix (.gz, .bz2, .xz, .zst) or ``compression``.

    The stream is guarded (:mod:`summarise.inputs._streams`): damage ends its data, and the reader asks
    :func:`~summarise.inputs._streams.damage_of` at the end whether all of it was there.
    """
    if compression is None:
        _inner, compression = split_compression(path.name)
    if compression == ".zst":
        require_archives("zstandard", ".zst files")  # before the file is opened
    raw = path.open("rb")
    try:
        return guard(raw if compression is None else COMPRESSIONS[compression](raw))
    except BaseException:
        raw.close()
        raise


def _cause(exc: BaseException) -> str:
    """``zlib.error: invalid distance too far back``: the kind of damage, then what the library said."""
    kind = type(exc).__name__
    if kind == "error":  # zlib.error, say which
        kind = f"{type(exc).__module__}.error"
    detail = str(exc).splitlines()[0] if str(exc) else ""
    return f"{kind}: {detail}" if detail else kind


def _damaged(name: str, count: int, exc: BaseException) -> str:
    return f"{name} is damaged after {count} records ({_cause(exc)}): the records before it were read; repair or re-download it"


def damage_record(name: str, exc: BaseException, kept: str) -> RawArticle:
    """The one error item a damaged stream ends with: where, the cause, and what was ``kept``."""
    return RawArticle(f"{name}@damaged", name, None, error=f"{name} is damaged ({_cause(exc)}): {kept}; repair or re-download it")


def iter_compressed_file(path: Path, ctx: ReadContext, article_id: str | None = None) -> Iterator[RawArticle]:
    """One compressed article file (``a.html.gz``), decompressed as a stream up to ``ctx.max_bytes``."""
    formats, max_bytes = ctx.formats, ctx.max_bytes
    name = article_id or path.as_posix()
    inner, _compression = split_compression(path.name)
    fmt = formats.get(posixpath.splitext(inner.lower())[1], "auto")
    try:
        with open_stream(path) as stream:
            data = read_limited(stream, name=name, max_bytes=max_bytes)
            damage = damage_of(stream)
        if damage is not None:
            raise damage
    except InputError as exc:  # over the limit: reading stopped there
        yield RawArticle(name, str(path), None, fmt, error=str(exc))
        return
    except Exception as exc:  # zlib.error, lzma.LZMAError, zstd.ZstdError, OSError, EOFError: all mean a damaged file
        if isinstance(exc, DependencyError):
            raise
        yield RawArticle(name, str(path), None, fmt, error=f"{name} cannot be decompressed ({_cause(exc)}): check the file")
        return
    yield RawArticle(name, str(path), data, fmt)


# --------------------------------------------------------------------------- WARC


def parse_content_type(value: str | None) -> tuple[str, str | None]:
    """``("text/html", "iso-8859-1")`` for ``"text/html; charset=ISO-8859-1"``."""
    if not value:
        return "", None
    mime, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("'\"").lower()
    return mime.strip().lower(), charset


def iter_warc(path: Path, ctx: ReadContext) -> Iterator[RawArticle]:
    """The HTML and text pages of a WARC (or WARC.gz) crawl, in file order.

    ``response`` records with a 2xx status and ``resource`` records whose
    content type is HTML or text become articles: the id and ``metadata["crawl_url"]``
    are the WARC-Target-URI (``crawl_date``: the WARC-Date), the charset comes from the HTTP ``Content-Type``,
    and chunked or gzip-encoded payloads are decoded.  Every other record is
    counted in ``skipped``.
    """
    require_archives("warcio.archiveiterator", "WARC files")  # every time: the class below is made once
    archive_iterator = _bounded_archive_iterator()
    skipped, max_bytes = ctx.skipped, ctx.max_bytes
    name = path.as_posix()
    count = whole = 0  # records begun, records read to their end
    held: RawArticle | None = None  # yielded once the next record shows this one was complete
    with path.open("rb") as stream:
        records = archive_iterator(stream, arc2warc=True)
        while True:
            errors = records.err_count
            try:
                record = next(records, None)
                if records.err_count > errors and held is not None:  # warcio found no record end after it
                    held = _cut_short(held, name)
                if held is not None:
                    yield held
                    held = None
                if record is None:
                    if records.err_count > errors:
                        yield RawArticle(f"{name}@damaged", name, None, error=_damaged(name, count, ValueError("no record end found")))
                    return
                count += 1
                errors = records.err_count
                held = _warc_article(record, name, records, skipped, max_bytes)  # reads the record to its end
                if records.err_count > errors and held is not None:
                    held = _cut_short(held, name)
                whole = count
            except Exception as exc:  # warcio raises many kinds on damaged input; the pages before stay read
                if held is not None:
                    yield held
                yield RawArticle(f"{name}@damaged", name, None, error=_damaged(name, whole, exc))
                return


class WarcHeaderTooLarge(ValueError):
    """A record's header lines passed :data:`MAX_WARC_HEADER_BYTES`: warcio would keep reading them into memory."""


@functools.cache
def _bounded_archive_iterator() -> type:
    """warcio's ``ArchiveIterator``, reading header lines through a byte budget per record.

    warcio reads each header line whole and keeps every line of a header: a 1 MB line took
    3 GiB, and a 28 KB crawl of 2 million header lines 490 MiB.  The budget covers the WARC
    and HTTP header lines of a record and the blank lines around it; a record's body is read
    by the caller, within ``max_bytes``.
    """
    archiveiterator = require_archives("warcio.archiveiterator", "WARC files")
    bufferedreaders = importlib.import_module("warcio.bufferedreaders")

    class BoundedReader(bufferedreaders.DecompressingBufferedReader):
        line_bytes = 0  # bytes read as lines since the record began, or since the body was last read

        def read(self, length: int | None = None) -> bytes:
            self.line_bytes = 0  # a body's chunk-size lines each come before a read: only header lines add up
            return super().read(length)

        def readline(self, length: int | None = None) -> bytes:
            budget = MAX_WARC_HEADER_BYTES + 1 - self.line_bytes
            line = super().readline(budget if length is None else min(length, budget))
            self.line_bytes += len(line)
            if self.line_bytes > MAX_WARC_HEADER_BYTES:
                raise WarcHeaderTooLarge(f"a record's header lines pass the {MAX_WARC_HEADER_BYTES} byte limit")
            return line

    class BoundedArchiveIterator(archiveiterator.ArchiveIterator):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.reader = BoundedReader(self.fh, block_size=self.reader.block_size)

        def _next_record(self, next_line: Any) -> Any:
            self.reader.line_bytes = 0
            return super()._next_record(next_line)

    return BoundedArchiveIterator


def _cut_short(article: RawArticle, name: str) -> RawArticle:
    return RawArticle(article.id, article.origin, None, article.format, article.charset, metadata=article.metadata,
                      error=f"{name} is damaged at {article.origin}: the record of {article.id} is cut short; repair or re-download it")


def _warc_article(record: Any, name: str, records: Any, skipped: Counter, max_bytes: int) -> RawArticle | None:
    kind = record.rec_type
    if kind not in ("response", "resource"):
        skipped[SKIP_WARC_TYPE.format(kind)] += 1
        return None
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode() or ""
        if not status.startswith("2"):
            skipped[SKIP_WARC_STATUS] += 1
            return None
        content_type = record.http_headers.get_header("Content-Type")
    else:
        content_type = record.rec_headers.get_header("Content-Type")
    mime, charset = parse_content_type(content_type)
    fmt = TEXT_TYPES.get(mime)
    if fmt is None:
        skipped[SKIP_WARC_NOT_TEXT] += 1
        return None
    try:
        data, error = read_limited(record.content_stream(), name=f"the page {uri_of(record)}", max_bytes=max_bytes), None
    except InputError as exc:  # over the limit: reading stopped there
        data, error = None, str(exc)
    raw = record.raw_stream
    while raw.read(CHUNK):  # what the page's decoding left (a chunked body's last line), to the record's end
        pass
    origin = f"{name}@{records.get_record_offset()}"  # known once the record is read (warcio reads to its end)
    if getattr(raw, "limit", 0) > 0:  # the file ended before the length the record declares
        data, error = None, f"{name} is damaged at {origin}: the record of {uri_of(record)} is cut short; repair or re-download it"
    uri = record.rec_headers.get_header("WARC-Target-URI") or origin
    metadata = {"crawl_url": uri}  # not "url"/"date": the page's own canonical URL and publication date keep those
    date = record.rec_headers.get_header("WARC-Date")
    if date:
        metadata["crawl_date"] = date
    return RawArticle(uri, origin, data, fmt, charset, error=error, metadata=metadata)


# --------------------------------------------------------------------------- tar and zip


def member_id(name: str) -> tuple[str, bool]:
    """A member's path as an id that cannot climb out of anything, and whether it had to change.

    Backslashes become ``/``; a drive letter, leading ``/``, ``.`` parts and
    ``..`` parts go (``..`` removes the part before it, never more); a name
    over ``MAX_ID_BYTES`` is cut there and ends in a hash of the whole name.
    """
    parts: list[str] = []
    raw = name.replace("\\", "/")
    for part in raw.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    if parts and len(parts[0]) == 2 and parts[0][1] == ":" and parts[0][0].isalpha():
        parts = parts[1:]
    clean = "/".join(parts) or "member"
    encoded = clean.encode("utf-8", "surrogateescape")
    if len(encoded) > MAX_ID_BYTES:
        digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:12]
        clean = encoded[:MAX_ID_BYTES].decode("utf-8", "ignore") + "-" + digest
    return clean, clean != raw.rstrip("/")


def uri_of(record: Any) -> str:
    return record.rec_headers.get_header("WARC-Target-URI") or "without a target URI"


def _member(name: str, archive: str, read: Callable[[str], bytes], formats: Mapping[str, str], skipped: Counter) -> RawArticle | None:
    """The article a member holds, or None (counted) when it is not one."""
    lower = name.lower()
    suffix = posixpath.splitext(lower)[1]
    if suffix not in formats:
        skipped[SKIP_NESTED if lower.endswith(ARCHIVE_SUFFIXES) else SKIP_MEMBER] += 1
        return None
    article_id, changed = member_id(name)
    flags = ["unsafe_member_name"] if changed else []
    origin = f"{archive}:{article_id}"
    try:
        return RawArticle(article_id, origin, read(article_id), formats[suffix], flags=flags)
    except InputError as exc:  # over the limit: reading stopped there
        return RawArticle(article_id, origin, None, formats[suffix], error=str(exc), flags=flags)


class TarHeaderTooLarge(tarfile.ReadError):
    """An extended tar header (PAX, GNU long name) over :data:`MAX_TAR_HEADER_BYTES`."""


class _CappedTarInfo(tarfile.TarInfo):
    """A tar header that refuses an extended header over the cap before tarfile reads it whole.

    tarfile reads a PAX or GNU long-name header into memory at the size its header block
    states, and parses a PAX header with regexes that backtrack: a 1 MB .tar.gz took 3 GiB.
    """

    def _proc_member(self, tar: tarfile.TarFile) -> tarfile.TarInfo:
        if self.type in _EXTENDED_HEADERS and self.size > MAX_TAR_HEADER_BYTES:
            raise TarHeaderTooLarge(f"an extended header of {self.size} bytes, over the {MAX_TAR_HEADER_BYTES} byte limit")
        return super()._proc_member(tar)

    def _proc_sparse(self, tar: tarfile.TarFile) -> tarfile.TarInfo:
        """tarfile's own GNU sparse reading, with its chain of extension blocks capped like an extended header.

        tarfile follows the chain for as long as each block says another follows (memory without
        end), and a chain cut short raised IndexError.
        """
        structs, extended, original_size = self._sparse_structs
        del self._sparse_structs
        blocks = 0
        while extended:
            blocks += 1
            if blocks * tarfile.BLOCKSIZE > MAX_TAR_HEADER_BYTES:
                raise TarHeaderTooLarge(f"a sparse member's map passes the {MAX_TAR_HEADER_BYTES} byte limit")
            block = tar.fileobj.read(tarfile.BLOCKSIZE)
            if len(block) < tarfile.BLOCKSIZE:
                raise tarfile.ReadError("unexpected end of data in a sparse member's map")
            for position in range(0, 21 * 24, 24):
                try:
                    offset, size = tarfile.nti(block[position : position + 12]), tarfile.nti(block[position + 12 : position + 24])
                except ValueError:
                    break
                if offset and size:
                    structs.append((offset, size))
            extended = bool(block[504])
        self.sparse = structs
        self.offset_data = tar.fileobj.tell()
        tar.offset = self.offset_data + self._block(self.size)
        self.size = original_size
        return self


_EXTENDED_HEADERS = (tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK, tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE)
_TAR_SHORT_SUFFIXES = {".tgz": ".gz", ".tbz2": ".bz2", ".txz": ".xz"}


def iter_tar(path: Path, ctx: ReadContext) -> Iterator[RawArticle]:
    """The article files of a tar (plain, .tar.gz/.tgz, .tar.bz2, .tar.xz, .tar.zst), read as a stream.

    Members are never extracted: each is read into memory (up to ``max_bytes``)
    and handed on.  Links, devices and folders are skipped; links and devices
    are counted.  The stream is read to its very end, so that a damaged header
    that ends tarfile's loop early, or a gzip CRC that does not match, is
    reported; the members before the damage are kept.
    """
    formats, skipped, max_bytes = ctx.formats, ctx.skipped, ctx.max_bytes
    name = path.as_posix()
    count = 0
    lower = path.name.lower()
    stream = open_stream(path, next((c for suffix, c in _TAR_SHORT_SUFFIXES.items() if lower.endswith(suffix)), None))
    failure: BaseException | None = None
    with stream:
        try:
            with tarfile.open(fileobj=stream, mode="r|", tarinfo=_CappedTarInfo) as tar:
                for info in tar:
                    count += 1
                    if info.isdir():
                        continue
                    if not info.isfile():
                        skipped[SKIP_SPECIAL] += 1
                        continue

                    def read(member_name: str, info: Any = info) -> bytes:
                        member = tar.extractfile(info)
                        return read_limited(member, name=member_name, max_bytes=max_bytes) if member is not None else b""

                    article = _member(info.name, name, read, formats, skipped)  # tarfile refuses a member cut short
                    if article is not None:
                        yield article
                if not drain(tar.fileobj) and damage_of(stream) is None:
                    failure = tarfile.ReadError("a header that is not one; the members after it were not read")
        except (tarfile.TarError, OSError, EOFError, ValueError, RecursionError) as exc:
            if isinstance(exc, DependencyError):
                raise
            failure = exc
    damage = damage_of(stream) or failure
    if damage is not None:
        yield RawArticle(f"{name}@damaged", name, None, error=_damaged(name, count, damage))


def iter_zip(path: Path, ctx: ReadContext) -> Iterator[RawArticle]:
    """The article files of a zip, in the order of its directory, each read up to ``max_bytes``."""
    import zipfile

    formats, skipped, max_bytes = ctx.formats, ctx.skipped, ctx.max_bytes
    name = path.as_posix()
    count = 0
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                count += 1
                if info.is_dir():
                    continue
                kind = stat.S_IFMT(info.external_attr >> 16)  # 0 when the writer kept no file type
                if kind and kind != stat.S_IFREG:
                    skipped[SKIP_SPECIAL] += 1
                    continue

                def read(member_name: str, info: Any = info) -> bytes:
                    with archive.open(info) as member:
                        return read_limited(member, name=member_name, max_bytes=max_bytes)

                try:
                    article = _member(info.filename, name, read, formats, skipped)
                except (RuntimeError, NotImplementedError, zipfile.BadZipFile, *decompression_errors()) as exc:
                    # An encrypted member, an unknown compression method, a corrupt deflate or LZMA stream
                    # or a bad CRC spoils one member only.
                    article_id, _changed = member_id(info.filename)
                    article = RawArticle(article_id, f"{name}:{article_id}", None,
                                         error=f"{article_id} in {name} cannot be read ({_cause(exc)}): extract it by hand")
                if article is not None:
                    yield article
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        yield RawArticle(f"{name}@damaged", name, None, error=_damaged(name, count, exc))
