"""The one table of input kinds: a file's suffix says what it holds and how it is read.

``read_document`` (one article), the bulk readers (many), the server's file uploads and
the CLI's messages all read this table.  Adding an input kind is a row here, plus a
reader for a kind that holds many articles.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Suffix of a compressed stream; the decompressors are summarise.inputs._archives.COMPRESSIONS.
COMPRESSION_SUFFIXES = (".gz", ".bz2", ".xz", ".zst")


@dataclass(frozen=True)
class InputKind:
    """One kind of input file: its suffixes, and how its articles are read.

    ``reader`` (``"module:function"``, imported when first needed) reads a
    file of many articles: it takes the path and a
    :class:`~summarise.inputs._archives.ReadContext` and yields articles.
    ``compressible``: the kind is also read as ``.gz``/``.bz2``/``.xz``/``.zst``,
    streamed.  ``needs``: the ``(module, package)`` of the ``archives`` extra it
    reads with, checked before a run starts.
    """

    name: str
    suffixes: tuple[str, ...]
    format: str | None  # the reader format of a one-article file; None for files holding many articles
    description: str
    reader: str | None = None
    compressible: bool = False
    needs: tuple[str, str] | None = None

    @property
    def many(self) -> bool:
        return self.format is None


# The one table of input kinds.  Order: how error messages list them.
INPUT_KINDS: tuple[InputKind, ...] = (
    InputKind("text", (".txt", ".text"), "text", "plain text, one article", compressible=True),
    InputKind("markdown", (".md", ".markdown"), "markdown", "Markdown, one article", compressible=True),
    InputKind("html", (".html", ".htm", ".xhtml"), "html", "HTML, one article", compressible=True),
    InputKind("jsonl", (".jsonl", ".ndjson"), None, "JSON Lines, one article per line", "summarise.inputs._jsonl:iter_jsonl", compressible=True),
    InputKind("csv", (".csv", ".tsv"), None, "CSV or TSV with a header row, one article per row", "summarise.inputs._tables:iter_csv", compressible=True),
    InputKind("parquet", (".parquet",), None, "Parquet, one article per row", "summarise.inputs._tables:iter_parquet", needs=("pyarrow.parquet", "pyarrow")),
    InputKind("warc", (".warc", ".warc.gz", ".arc", ".arc.gz"), None, "a web crawl (WARC), one article per HTML or text page",
              "summarise.inputs._archives:iter_warc", needs=("warcio", "warcio")),
    InputKind("tar", (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst"), None,
              "a tar bundle, one article per .txt, .md or .html member", "summarise.inputs._archives:iter_tar"),
    InputKind("zip", (".zip",), None, "a zip bundle, one article per .txt, .md or .html member", "summarise.inputs._archives:iter_zip"),
)
KINDS_BY_SUFFIX: dict[str, InputKind] = {suffix: kind for kind in INPUT_KINDS for suffix in kind.suffixes}
_LONGEST_FIRST = sorted(KINDS_BY_SUFFIX, key=len, reverse=True)
# suffix -> reader format, for the one-article members of bundles and compressed files
ONE_ARTICLE_FORMATS: dict[str, str] = {s: k.format for s, k in KINDS_BY_SUFFIX.items() if k.format is not None}


def split_compression(name: str) -> tuple[str, str | None]:
    """``("a.jsonl", ".gz")`` for ``"a.jsonl.gz"``; ``(name, None)`` when not compressed."""
    lower = name.lower()
    for suffix in COMPRESSION_SUFFIXES:
        if lower.endswith(suffix):
            return name[: -len(suffix)], suffix
    return name, None


def kind_of(path: str | os.PathLike) -> InputKind | None:
    """The input kind of a file, by its suffix (``a.warc.gz``, ``a.jsonl.zst``); None for a file no reader takes."""
    name = Path(path).name.lower()
    for suffix in _LONGEST_FIRST:
        if name.endswith(suffix):
            return KINDS_BY_SUFFIX[suffix]
    inner, compression = split_compression(name)
    if compression is not None:
        kind = kind_of(inner)
        return kind if kind is not None and kind.compressible else None
    return None


def is_compressed(path: str | os.PathLike) -> bool:
    """A compressed file of a one-line-per-article or one-article kind (``a.jsonl.gz``, ``a.html.zst``)."""
    name = Path(path).name.lower()
    return not any(name.endswith(suffix) for suffix in _LONGEST_FIRST) and split_compression(name)[1] is not None


def article_format(path: str | os.PathLike) -> str:
    """The reader format of a one-article file (``"auto"`` when its suffix does not say)."""
    kind = kind_of(path)
    return kind.format if kind is not None and kind.format is not None else "auto"
