"""Helpers every layer may use: importing an optional library, and the one way to say how to install it."""

from __future__ import annotations

from .deps import DISTRIBUTION, install_hint, require

__all__ = [
    "DISTRIBUTION",
    "install_hint",
    "require",
]
