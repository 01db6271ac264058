"""The one article that ``summarise run`` and ``translate`` read: a file of a one-article kind, compressed or not, or a URL.

Here in ``inputs`` rather than in ``bulk``, so that reading one article loads none of the bulk machinery.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ._archives import ReadContext, iter_compressed_file, require_archives
from ._fetching import fetch_document, is_url
from ._kinds import ONE_ARTICLE_FORMATS, is_compressed, kind_of, split_compression
from ._reading import Document, read_document


def read_article(spec: str) -> Document:
    """The article at ``spec``, read through the one table of input kinds (a.html, a.html.gz, a URL).

    A file holding many articles is refused with the bulk command that reads it.
    """
    if is_url(spec):
        return fetch_document(spec)
    path = Path(spec)
    kind = kind_of(path)
    if kind is not None and kind.many:
        raise InputError(f"{spec} holds many articles ({kind.description}): use `summarise bulk {spec} --out OUT`")
    if kind is not None and is_compressed(path):
        if split_compression(path.name)[1] == ".zst":
            require_archives("zstandard", f"{path} (zstd-compressed)")
        [item] = iter_compressed_file(path, ReadContext(ONE_ARTICLE_FORMATS))
        if item.error is not None:
            raise InputError(item.error)
        return read_document(item.content, format=item.format, name=path.name)
    return read_document(path)
