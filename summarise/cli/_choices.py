"""The choices whose tables live in ``output`` and ``pipeline``: formats and summary lengths.

Only the commands that run the pipeline import this module (``run``, ``translate``, ``bulk``, ``serve``);
``summarise --help`` and ``models`` never do.  ``--format`` and ``--per-article`` take the same
spellings, read from the one table of formats (``md`` and ``markdown`` alike).
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from ..output import FORMATS, RENDERERS, SPELLINGS, renderer
from ..pipeline import LENGTHS

Length = Enum("Length", {name: name for name in LENGTHS}, type=str)
LengthOpt = Annotated[Length, typer.Option("--length", help="Summary length, scaled with the article.")]

PER_ARTICLE_NAMES = tuple(r.name for r in RENDERERS if r.per_article)


def _spelled(names: tuple[str, ...]) -> str:
    """``markdown (md), json, html``: the names, each with its other spellings."""
    out = []
    for name in names:
        others = [s for s in renderer(name).spellings if s != name]
        out.append(f"{name} ({', '.join(others)})" if others else name)
    return ", ".join(out)


def parse_format(value: str) -> str:
    """A --format spelling, as its format's name."""
    if isinstance(value, str) and value.strip().lower() in SPELLINGS:
        return SPELLINGS[value.strip().lower()]
    raise typer.BadParameter(f"{value!r} is not a format: use one of {_spelled(FORMATS)}")


def parse_per_article(value: str) -> str:
    """A --per-article spelling, as the file suffix the bulk store writes."""
    name = SPELLINGS.get(value.strip().lower()) if isinstance(value, str) else None
    if name in PER_ARTICLE_NAMES:
        return renderer(name).suffix
    raise typer.BadParameter(f"{value!r} is not a per-article format: use one of {_spelled(PER_ARTICLE_NAMES)}")


def _complete(names: tuple[str, ...]):
    def complete(incomplete: str) -> list[str]:
        return [n for n in names if n.startswith(incomplete)]

    return complete


FORMAT_HELP = f"Output format: {_spelled(FORMATS)}.  Default: text on a terminal; in a pipe, `run` prints the summary and `translate` the English."
FormatOpt = Annotated[Optional[str], typer.Option("--format", "-f", parser=parse_format, metavar="FORMAT", autocompletion=_complete(FORMATS), help=FORMAT_HELP)]
PerArticleOpt = Annotated[Optional[str], typer.Option("--per-article", parser=parse_per_article, metavar="FORMAT", autocompletion=_complete(PER_ARTICLE_NAMES), help=f"Also write one file per article into OUT/articles/ (OUT must be a folder): {_spelled(PER_ARTICLE_NAMES)}.")]
