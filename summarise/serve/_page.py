"""The web page at ``/``: paste text or upload a file, get the summary and the side-by-side view.

One response, no external assets: the CSS and the script (package data in
``assets/``, edited as the files they are) are put inline, allowed by a
Content-Security-Policy nonce, and the page talks only to this server
(``connect-src 'self'``).  Everything that comes from the article is put on
the page with ``textContent``, never as markup, so nothing in an article can
run or inject elements.  The full HTML report opens from a blob in a new tab.
"""

from __future__ import annotations

import functools
import secrets
from importlib import resources
from string import Template

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse

router = APIRouter()

ASSETS = "assets"  # package data: page.html (a string.Template), page.css, page.js


@functools.cache
def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(ASSETS, name).read_text(encoding="utf-8")


def page(*, keys_required: bool) -> tuple[str, str]:
    """(html, nonce): the page with a fresh nonce for its inline style and script."""
    nonce = secrets.token_urlsafe(16)
    html = Template(_asset("page.html")).substitute(
        nonce=nonce, key_hidden="" if keys_required else " hidden", css=_asset("page.css"), script=_asset("page.js")
    )
    return html, nonce


@router.get("/", include_in_schema=False)
async def index(request: Request):
    text, nonce = page(keys_required=request.app.state.summarise.keys.enabled)
    policy = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    return HTMLResponse(text, headers={"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"})
