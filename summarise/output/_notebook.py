"""The HTML report in a notebook: a result's ``_repr_html_`` draws it through :func:`notebook_html`.

The report is a whole page whose stylesheet sets ``body`` and ``*``; pasted into a notebook it would
restyle the notebook itself.  In an ``<iframe srcdoc>`` its styles stay its own.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from ._report import render_html

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Translation

NOTEBOOK_HEIGHT = 640  # pixels; the frame can be resized by hand where the notebook allows


def notebook_html(result: Translation) -> str:
    """The report of ``result`` inside an iframe, as a notebook cell's HTML output."""
    page = html.escape(render_html(result), quote=True)
    return (
        f'<iframe srcdoc="{page}" title="summarise report" sandbox="" '
        f'style="width:100%;height:{NOTEBOOK_HEIGHT}px;border:1px solid #ddd;resize:vertical"></iframe>'
    )


__all__ = ["NOTEBOOK_HEIGHT", "notebook_html"]
