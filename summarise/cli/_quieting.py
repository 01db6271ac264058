"""What reaches a person's stderr from the libraries and from us: library noise off, our warnings one line each.

run, translate and bulk share this one mechanism (``-q`` leaves errors only); serve and the model
commands quiet the backends' libraries alone (:func:`summarise.models.engines.quiet_backend_logging`).  Called by the CLI, never on import: a program that imports
``summarise`` keeps its own logging.
"""

from __future__ import annotations

import logging
import sys

from ..models.engines import quiet_backend_logging


class OneLineWarnings(logging.Handler):
    """Our own warnings: one line each, ``Warning: …``, on the stderr of the moment."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = " ".join(part.strip() for part in record.getMessage().splitlines() if part.strip())
            sys.stderr.write(f"{record.levelname.capitalize()}: {text}\n")  # as "Error:" and the input's "Warning:" lines
        except Exception:  # noqa: BLE001 - logging must never break the run
            self.handleError(record)


def quiet_libraries(quiet: bool) -> None:
    """run/translate: no library noise; our warnings one line each; with -q, errors only."""
    quiet_backend_logging()
    logger = logging.getLogger("summarise")
    handler = next((h for h in logger.handlers if isinstance(h, OneLineWarnings)), None)
    if handler is None:
        handler = OneLineWarnings()
        logger.addHandler(handler)
    handler.setLevel(logging.ERROR if quiet else logging.WARNING)
