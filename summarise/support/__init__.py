"""Helpers every layer may use: importing an optional library, and the one way to say how to install it."""

from __future__ import annotations

from ._deps import DISTRIBUTION, install_hint, require
from ._smallfiles import NotRegular, read_settings_file, TooLarge

__all__ = [
    "DISTRIBUTION",
    "install_hint",
    "NotRegular",
    "read_settings_file",
    "require",
    "TooLarge",
]
