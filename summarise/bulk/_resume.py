"""The resume rule, in one place: when OUT already holds an article, done by a run like this one.

An article is done when OUT holds a record without error for its id (:func:`id_key`),
with the same text hash (:func:`sha_key`) and the signature this run would give
it (:func:`~summarise.pipeline._signature.same_settings`: one written by 0.1.0, without the parts
added since, matches when their implied values are this run's); and its per-article file, when one is asked for.  Changing a model or a
setting changes the signature, so everything is redone.  :class:`Done` is all a
run remembers of an earlier record, so memory stays small on huge archives.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import SummariseError
from ..pipeline import same_settings

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Options, Summariser


class Article(Protocol):
    """What the rule reads of an article (a :class:`~summarise.bulk._sources.SourceArticle`)."""

    id: str
    error: str | None
    text_sha256: str | None


class Output(Protocol):
    """What the rule reads of OUT (an :class:`~summarise.bulk._store.ArchiveWriter`, which imports this module)."""

    articles_dir: Path | None

    def previous_record(self, article_id: str) -> Done | None: ...

    def article_path(self, article_id: str) -> Path: ...


def id_key(article_id: str) -> int:
    """A 128-bit hash of an id: what a run remembers per article, instead of the id itself."""
    return int.from_bytes(hashlib.blake2b(article_id.encode("utf-8", "surrogatepass"), digest_size=16).digest(), "big")


def unique_ids(raw: Iterator[SourceArticle]) -> Iterator[SourceArticle]:
    """Number the articles and make their ids unique: a repeat becomes ``id#2``, flagged ``duplicate_id``."""
    seen: set[int] = set()
    next_suffix: dict[int, int] = {}
    index = -1
    for article in raw:
        if article.skip is not None:  # not read: passes through unnumbered, and gets no record
            yield article
            continue
        index += 1
        article.index = index
        key = id_key(article.id)
        if key in seen:
            number = next_suffix.get(key, 2)
            while id_key(f"{article.id}#{number}") in seen:
                number += 1
            next_suffix[key] = number + 1
            article.id = f"{article.id}#{number}"
            key = id_key(article.id)
            article.flags.append("duplicate_id")
        seen.add(key)
        yield article


def sha_key(sha: str) -> int | None:
    """The part of a text hash a run remembers (its first 64 bits)."""
    try:
        return int(sha[:16], 16)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Done:
    """What resuming needs of an earlier record: its text hash key, its signature and language."""

    sha: int | None
    signature: str | None
    lang: str | None

    @classmethod
    def of(cls, data: Mapping[str, Any], intern: Callable[[Any], str | None]) -> Done | None:
        """From a record line read back; None when it cannot count as done (an error, no text hash)."""
        if data.get("error") is None and isinstance(data.get("text_sha256"), str):
            return cls(sha_key(data["text_sha256"]), intern(data.get("signature")), intern(data.get("lang")))
        return None


def resume_rule(summariser: Summariser, *, with_summary: bool, options: Options | None = None) -> Callable[[Article, Output], bool]:
    """``done(article, writer)``: whether OUT already holds this article, done by a run like this one (``options``: the run's)."""
    signatures: dict[str | None, str | None] = {}

    def signature(lang: str | None) -> str | None:
        """The signature this run gives an article in ``lang``, without loading a model."""
        if lang not in signatures:
            try:
                signatures[lang] = summariser.signature_for(lang, summary=with_summary, options=options) if lang else None
            except SummariseError:
                signatures[lang] = None
        return signatures[lang]

    def done(article: Article, writer: Output) -> bool:
        if article.error is not None or article.text_sha256 is None:
            return False
        previous = writer.previous_record(article.id)
        if previous is None or previous.sha != sha_key(article.text_sha256):
            return False
        current = signature(previous.lang)
        if previous.signature is None or current is None or not same_settings(previous.signature, current):
            return False
        # --per-article added since: the record is there, its file is not.
        return writer.articles_dir is None or writer.article_path(article.id).exists()

    return done
