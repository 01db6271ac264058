"""What goes in: one document read and decoded, HTML extracted, archives and tables streamed, URLs fetched.

Every file is read by its kind in :data:`INPUT_KINDS`, the one table of input kinds.
Layer: above ``text``; below the checks, the pipeline and everything that reads articles.
"""

from __future__ import annotations

from ._archives import iter_compressed_file, iter_tar, iter_warc, iter_zip, open_stream, RawArticle, ReadContext, require_archives
from ._article import read_article
from ._extracting import extract_html
from ._fetching import Deadline, fetch, fetch_document, Fetched, HostPacer, is_url, open_url, read_url_list, split_url
from ._globbing import GLOB_MAGIC, expand
from ._jsonl import check_first_record, from_mapping, iter_jsonl, iter_jsonl_stream
from ._kinds import (
    INPUT_KINDS,
    KINDS_BY_SUFFIX,
    ONE_ARTICLE_FORMATS,
    InputKind,
    article_format,
    is_compressed,
    kind_of,
    split_compression,
)
from ._reading import FORMATS, MAX_INPUT_BYTES, decode_bytes, Document, read_document, read_error_message, read_limited
from ._streams import count_lines
from ._tables import check_columns, iter_csv, iter_parquet, row_count, TableDamaged, write_parquet

__all__ = [
    "article_format",
    "check_columns",
    "check_first_record",
    "count_lines",
    "Deadline",
    "decode_bytes",
    "Document",
    "expand",
    "extract_html",
    "fetch",
    "fetch_document",
    "Fetched",
    "FORMATS",
    "from_mapping",
    "GLOB_MAGIC",
    "HostPacer",
    "INPUT_KINDS",
    "InputKind",
    "is_compressed",
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
    "KINDS_BY_SUFFIX",
    "MAX_INPUT_BYTES",
    "ONE_ARTICLE_FORMATS",
    "open_stream",
    "open_url",
    "RawArticle",
    "read_article",
    "read_document",
    "read_error_message",
    "read_limited",
    "read_url_list",
    "ReadContext",
    "require_archives",
    "row_count",
    "split_compression",
    "split_url",
    "TableDamaged",
    "write_parquet",
]
