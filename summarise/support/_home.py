"""Where summarise keeps what it makes once and reuses: ``$SUMMARISE_HOME``, else ``~/.cache/summarise``.

Converted models live under ``ct2/``, the language identifier's unpacked model under ``langid/``.
Nothing here creates a folder: the code that writes into one does, when it first writes.
"""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    configured = os.environ.get("SUMMARISE_HOME")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "summarise"
