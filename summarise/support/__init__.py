"""Helpers every layer may use: importing an optional library, the one way to say how to install it, SUMMARISE_HOME, small settings files."""

from __future__ import annotations

from ._deps import DISTRIBUTION, install_hint, require
from ._home import home
from ._smallfiles import NotRegular, read_settings_file, TooLarge


__all__ = [
    "DISTRIBUTION",
    "home",
    "install_hint",
    "NotRegular",
    "read_settings_file",
    "require",
    "TooLarge",
]
