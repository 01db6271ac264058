"""Connections under uvicorn: a deadline for the request's headers and a cap on open connections.

uvicorn closes a keep-alive connection once it has been idle for
``timeout_keep_alive`` after an answer, but a connection that never sends a
complete request (idle from the start, or headers trickled a byte at a time)
is kept open forever, and every open connection holds a file descriptor:
21,000 of them left the server unable to accept anything, ``/healthz``
included.  :func:`guarded_protocol` gives uvicorn's h11 protocol two guards:

* a connection must complete its request line and headers within
  ``header_timeout`` seconds of opening (or of its previous answer), else it
  is closed;
* beyond ``max_connections`` open connections a new one is closed at once,
  so descriptors are left for the models, the logs and the connections
  already being served.
"""

from __future__ import annotations

import asyncio
import resource

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


def default_max_connections() -> int:
    """Connections at most: the process's descriptor limit less a reserve for everything else."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft <= 0:
        soft = 65536
    return max(16, soft - max(64, soft // 8))


def guarded_protocol(*, header_timeout: float, max_connections: int) -> type[H11Protocol]:
    """uvicorn's h11 protocol with a header deadline and a connection cap (see the module's notes)."""

    class GuardedH11Protocol(H11Protocol):
        refused = 0  # connections closed at once because the cap was reached (for tests and logs)

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            self._header_timer: asyncio.TimerHandle | None = None
            super().connection_made(transport)
            if len(self.connections) > max_connections:
                GuardedH11Protocol.refused += 1
                transport.close()
                return
            self._arm_header_timer()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm_header_timer()
            super().connection_lost(exc)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm_header_timer()  # the next request on this connection gets the same deadline

        def _arm_header_timer(self) -> None:
            self._disarm_header_timer()
            self._header_timer = self.loop.call_later(header_timeout, self._header_deadline)

        def _disarm_header_timer(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _header_deadline(self) -> None:
            self._header_timer = None
            if self.transport.is_closing():
                return
            if self.conn.their_state is h11.IDLE:  # no complete request line and headers yet
                self.transport.close()

    return GuardedH11Protocol


__all__ = ["default_max_connections", "guarded_protocol"]
