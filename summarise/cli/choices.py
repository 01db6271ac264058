"""The choices whose tables live in ``output`` and ``pipeline``: formats and summary lengths.

Only the commands that run the pipeline import this module (``run``, ``translate``, ``bulk``, ``serve``);
``summarise --help`` and ``models`` never do.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from ..output.rendering import FORMATS, PER_ARTICLE_FORMATS
from ..pipeline.summarising import LENGTHS

# Choices from the library's tables: a new format or length is a row there, not an edit here.
Format = Enum("Format", {name: name for name in FORMATS}, type=str)
PerArticle = Enum("PerArticle", {suffix: suffix for suffix in PER_ARTICLE_FORMATS}, type=str)
Length = Enum("Length", {name: name for name in LENGTHS}, type=str)

LengthOpt = Annotated[Length, typer.Option("--length", help="Summary length, scaled with the article.")]
