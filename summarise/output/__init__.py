"""What comes out: the text, Markdown, JSON and HTML renderings of a result, and output files written whole.

Layer: above ``pipeline``; ``bulk``, ``serve`` and ``cli`` render through it.
"""

from __future__ import annotations

from ..pipeline.results import set_html_renderer
from .notebook import notebook_html
from .rendering import FORMATS, PER_ARTICLE_FORMATS, RENDERERS, Renderer, render, render_json, renderer
from .report import render_html
from .writing import write_atomic, write_output

set_html_renderer(notebook_html)  # results show this report in notebooks (their _repr_html_)

__all__ = [
    "FORMATS",
    "notebook_html",
    "PER_ARTICLE_FORMATS",
    "render",
    "render_html",
    "render_json",
    "Renderer",
    "renderer",
    "RENDERERS",
    "write_atomic",
    "write_output",
]
