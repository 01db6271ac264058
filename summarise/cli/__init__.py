"""The ``summarise`` command: parse, call one library function, render.

    app       the command group and ``main`` (the console script)
    common    exit statuses, choices, shared options, errors, the summariser's settings
    run       run and translate: one article
    bulk      many articles, resumable
    serve     the HTTP server
    models    the registry's models: list, path, pull, convert
    quieting  library noise off, our warnings one line each
"""

from ._app import app, main

__all__ = ["app", "main"]
