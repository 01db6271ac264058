"""What reaches a person's stderr from the libraries and from us: library noise off, our warnings one line each.

run, translate and bulk share this one mechanism (``-q`` leaves errors only); serve and the model
commands quiet transformers alone.  Called by the CLI, never on import: a program that imports
``summarise`` keeps its own logging.
"""

from __future__ import annotations

import logging
import sys


def quiet_transformers() -> None:
    """Per-call generation warnings from transformers would bury a long run's own messages under thousands of copies.

    Also its notes on our deliberate choices ("Token indices sequence length is longer than the
    specified maximum" when we count a long sentence's tokens to split it), its per-load bars,
    and the hub client's retry chatter.  Download bars are drawn by summarise.models.hub on its own.
    """
    from huggingface_hub.utils import logging as hub_logging
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    hub_logging.set_verbosity_error()


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
    quiet_transformers()
    logger = logging.getLogger("summarise")
    handler = next((h for h in logger.handlers if isinstance(h, OneLineWarnings)), None)
    if handler is None:
        handler = OneLineWarnings()
        logger.addHandler(handler)
    handler.setLevel(logging.ERROR if quiet else logging.WARNING)
