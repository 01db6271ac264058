"""What goes in: one document read and decoded, HTML extracted, archives and tables streamed, URLs fetched.

Every file is read by its kind in :data:`INPUT_KINDS`, the one table of input kinds.
Layer: above ``text``; below the checks, the pipeline and everything that reads articles.
"""

from __future__ import annotations

from .archives import RawArticle, ReadContext, iter_compressed_file, iter_tar, iter_warc, iter_zip, open_stream
from .extracting import extract_html
from .fetching import Fetched, HostPacer, fetch, fetch_document, is_url
from .jsonl import iter_jsonl, iter_jsonl_stream
from .kinds import INPUT_KINDS, InputKind, article_format, kind_of, split_compression
from .reading import FORMATS, MAX_INPUT_BYTES, Document, decode_bytes, read_document
from .tables import iter_csv, iter_parquet, write_parquet

__all__ = [
    "article_format",
    "decode_bytes",
    "Document",
    "extract_html",
    "fetch",
    "fetch_document",
    "Fetched",
    "FORMATS",
    "HostPacer",
    "INPUT_KINDS",
    "InputKind",
    "is_url",
    "iter_compressed_file",
    "iter_csv",
    "iter_jsonl",
    "iter_jsonl_stream",
    "iter_parquet",
    "iter_tar",
    "iter_warc",
    "iter_zip",
    "kind_of",
    "MAX_INPUT_BYTES",
    "open_stream",
    "RawArticle",
    "read_document",
    "ReadContext",
    "split_compression",
    "write_parquet",
]
