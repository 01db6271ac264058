"""`summarise serve`: a LibreTranslate-compatible API, our own /v1 API and a web page, over one set of models.

Modules, in the order a request meets them:

* ``settings`` — :class:`ServeSettings`, every limit and switch in one place;
* ``app`` — the Starlette/FastAPI application, its lifespan and error handling;
* ``limits`` — body size, API keys, the error type with its status code;
* ``libre`` — ``/translate``, ``/languages``, ``/detect`` as LibreTranslate speaks them;
* ``api`` — ``/v1/*``, ``/healthz``, ``/metrics``, ``/docs``;
* ``page`` — the web page at ``/``;
* ``service`` — prepares requests and hands their sentences to the batcher;
* ``batching`` — the micro-batcher that shares model batches across concurrent requests;
* ``htmltext`` and ``urls`` — HTML that keeps its markup, and guarded URL fetching.

Nothing here is imported by ``import summarise``; it needs the ``[serve]`` extra.
"""

from __future__ import annotations

from ._server import serve
from ._settings import keys_from_env, ServeSettings

__all__ = [
    "create_app",
    "keys_from_env",
    "serve",
    "ServeSettings",
]


def create_app(*args, **kwargs):
    from ._app import create_app as build

    return build(*args, **kwargs)
