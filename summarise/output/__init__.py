"""What comes out: the text, Markdown, JSON and HTML renderings of a result, and output files written whole.

Layer: above ``pipeline``; ``bulk``, ``serve`` and ``cli`` render through it.
"""

from __future__ import annotations

from ._rendering import FORMATS, PER_ARTICLE_FORMATS, RENDERERS, SPELLINGS, render, render_json, renderer, Renderer
from ._report import css, pair_hover_css, render_fragment, render_html
from ._writing import STREAM, check_output, write_atomic, write_output


__all__ = [
    "check_output",
    "css",
    "FORMATS",
    "pair_hover_css",
    "PER_ARTICLE_FORMATS",
    "render",
    "render_fragment",
    "render_html",
    "render_json",
    "renderer",
    "Renderer",
    "RENDERERS",
    "SPELLINGS",
    "STREAM",
    "write_atomic",
    "write_output",
]
