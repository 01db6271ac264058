"""The ``summarise`` command: parse, call one library function, render."""

from .commands import app, main

__all__ = ["app", "main"]
