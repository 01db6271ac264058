"""Fault injection for tests: a tiny tmpfs in a private mount namespace, so "disk full" is real.

Needs root (or user namespaces) and ``unshare``; otherwise the caller skips, saying why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def small_disk_run(mount: Path, script: str, *, size: str = "64k", args: list[str] | None = None, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """Run ``python -c script`` with a ``size`` tmpfs mounted at ``mount``, visible to that process only.

    Skips the test (with the reason) where mount namespaces are not allowed.
    """
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("fault test needs unshare(1) for a private tmpfs; not installed here")
    mount.mkdir(parents=True, exist_ok=True)
    probe = subprocess.run([unshare, "-m", "sh", "-c", f"mount -t tmpfs -o size={size} tmpfs '{mount}'"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"fault test needs a private tmpfs (unshare -m + mount, i.e. root): {probe.stderr.strip() or probe.returncode}")
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.update(kwargs.pop("env", {}))
    command = f"mount -t tmpfs -o size={size} tmpfs \"$1\" && shift && exec \"$@\""
    return subprocess.run(
        [unshare, "-m", "sh", "-c", command, "sh", str(mount), sys.executable, "-c", script, *(args or [])],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        **kwargs,
    )
