"""Imports of optional and transitive libraries: a missing one becomes one ``Error:`` line saying what to install.

The distribution is ``summarise-news`` on PyPI (``summarise`` there is an unrelated
project); the import name and the command stay ``summarise``.  Every message that
tells a user what to install is built here, so the name is written once.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from ..errors import DependencyError, first_line

DISTRIBUTION = "summarise-news"


def install_hint(extra: str | None = None) -> str:
    """The pip command that brings ``extra`` (or the core package), from PyPI and from a checkout."""
    if extra is None:
        return f"pip install --force-reinstall '{DISTRIBUTION}'"
    return f"pip install '{DISTRIBUTION}[{extra}]' (in a checkout: pip install '.[{extra}]')"


def require(module: str, *, purpose: str, install: str) -> ModuleType:
    """``module``, imported; an ImportError anywhere beneath it becomes a :class:`DependencyError`.

    ``purpose`` says what needs it ("reading HTML"); ``install`` is the command that fixes it.
    A transitive failure names what is really missing: the import error's module when
    Python knows it, else its first line (lxml's "lxml.html.clean module is now a
    separate project lxml_html_clean.").
    """
    try:
        return import_module(module)
    except ImportError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            missing = f"{exc.name} is not installed"
        elif exc.name:
            missing = f"{module} cannot import {exc.name}"
        else:
            detail = first_line(exc)
            missing = f"{module} cannot be imported ({detail})"
        raise DependencyError(f"{purpose} needs {module}, but {missing}: {install}") from None
