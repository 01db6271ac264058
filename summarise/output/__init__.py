"""What comes out: the text, Markdown, JSON and HTML renderings of a result, and output files written whole.

Layer: above ``pipeline``; ``bulk``, ``serve`` and ``cli`` render through it.
"""

from __future__ import annotations

from ..pipeline import set_html_renderer
from ._rendering import DEFAULT_WIDTH, FORMATS, PER_ARTICLE_FORMATS, RENDERERS, SPELLINGS, render, render_json, renderer, Renderer
from ._notebook import notebook_html
from ._report import attribution_css, pair_hover_css, render_fragment, render_html, report_css
from ._writing import STREAM, check_output, write_atomic, write_output


set_html_renderer(notebook_html)  # results show this report in notebooks (their _repr_html_)


__all__ = [
    "attribution_css",
    "check_output",
    "report_css",
    "DEFAULT_WIDTH",
    "FORMATS",
    "notebook_html",
    "pair_hover_css",
    "PER_ARTICLE_FORMATS",
    "render",
    "render_fragment",
    "render_html",
    "render_json",
    "Renderer",
    "renderer",
    "RENDERERS",
    "SPELLINGS",
    "STREAM",
    "write_atomic",
    "write_output",
]
