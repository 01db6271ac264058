"""What comes out: the text, Markdown, JSON and HTML renderings of a result, and output files written whole.

Layer: above ``pipeline``; ``bulk``, ``serve`` and ``cli`` render through it.
"""

from __future__ import annotations

from .rendering import FORMATS, PER_ARTICLE_FORMATS, RENDERERS, Renderer, render, render_json, renderer
from .report import render_fragment, render_html
from .writing import write_atomic, write_output

__all__ = [
    "FORMATS",
    "PER_ARTICLE_FORMATS",
    "render",
    "render_fragment",
    "render_html",
    "render_json",
    "Renderer",
    "renderer",
    "RENDERERS",
    "write_atomic",
    "write_output",
]
