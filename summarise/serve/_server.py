"""Running the application under uvicorn, with a graceful stop on SIGTERM.

uvicorn stops accepting connections on SIGTERM or SIGINT, lets the requests
in flight finish (up to the request timeout), then runs the lifespan's
shutdown, which stops the batcher after the work already queued.
"""

from __future__ import annotations

import ipaddress
import logging

from ..support import install_hint, require
from ._settings import ServeSettings

logger = logging.getLogger("summarise.serve")


def require_serve() -> None:
    for module in ("fastapi", "multipart", "uvicorn"):  # multipart: python-multipart, for form and upload bodies
        require(module, purpose="summarise serve", install=install_hint("serve"))


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(settings: ServeSettings, *, log_level: str = "info") -> None:
    require_serve()
    import uvicorn

    from ._app import create_app

    logging.basicConfig(level=getattr(logging, log_level.upper(), logging.INFO), format="%(levelname)s: %(message)s")
    if not is_loopback(settings.host) and not settings.api_keys:
        logger.warning("listening on %s without API keys: anyone who can reach this address can use the models", settings.host)
    uvicorn.Server(uvicorn_config(create_app(settings), settings, log_level=log_level)).run()


def uvicorn_config(app, settings: ServeSettings, *, log_level: str = "info"):
    """uvicorn's settings for ``app``: keep-alive and header deadlines, a connection cap below the descriptor limit."""
    import uvicorn

    from ._connections import default_max_connections, guarded_protocol

    max_connections = settings.max_connections or default_max_connections()
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        http=guarded_protocol(header_timeout=settings.header_timeout, max_connections=max_connections),
        timeout_keep_alive=max(1, round(settings.keep_alive_timeout)),
        timeout_graceful_shutdown=int(settings.request_timeout) + 5,
        server_header=False,
        proxy_headers=False,
    )
