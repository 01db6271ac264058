"""Whether Ray is here: the Ray tests skip without it."""

from __future__ import annotations

import importlib.util

import pytest


def _ray_installed() -> bool:
    try:
        return importlib.util.find_spec("ray") is not None
    except ValueError:  # sys.modules["ray"] is None: imports of it are blocked
        return False


HAS_RAY = _ray_installed()
needs_ray = pytest.mark.skipif(not HAS_RAY, reason="Ray is not installed: pip install 'summarise-news[ray]'")
