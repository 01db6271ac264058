"""Joining a Ray cluster: each failure is one ClusterError line that says what to do, and leaves no records file.

The cluster here is a real ``ray start --head --block`` with token authentication,
on a loopback address other than 127.0.0.1 (Ray rewrites 127.0.0.1 to the
machine's own address), its files in a temporary folder, stopped by its own
process group: never ``ray stop``, which would stop every Ray on the machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from summarise.bulk import Ray, translate_archive
from summarise.bulk._ray import batch_sizes
from summarise.errors import ClusterError, SummariseError
from tests.support.bulk import make_archive, read_records
from tests.support.ray import needs_ray

HEAD_IP = "127.0.0.2"
START_TIMEOUT = 90


@pytest.fixture
def no_ray_env(monkeypatch, tmp_path):
    for name in ("RAY_ADDRESS", "RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RAY_TMPDIR", str(tmp_path / "raytmp"))  # where `ray start` would leave its address: nothing there
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/.ray/auth_token


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory) -> Path:
    return make_archive(tmp_path_factory.mktemp("ray-connect") / "archive.jsonl", 20, seed=5)


def _run(archive: Path, out: Path, registry: Path, address: str):
    return translate_archive([archive], out=out, source_lang="fr", registry=registry, device="cpu",
                             executor=Ray(address=address, workers=1, batch_articles=8)).run()


def test_batch_sizes_start_small_and_add_up():
    assert batch_sizes(100, 64, 4, 2) == [4, 4, 64, 28]
    assert batch_sizes(3, 64, 4, 2) == [3]
    assert sum(batch_sizes(1000, 64, 4, 3)) == 1000
    with pytest.raises(SummariseError, match="first batch"):
        Ray(first_batch_articles=0).check()


@needs_ray
def test_auto_without_a_cluster_is_one_error_and_no_records_file(no_ray_env, small_archive, forced_registry, tmp_path):
    out = tmp_path / "out" / "records.jsonl"
    with pytest.raises(ClusterError, match="auto found no running Ray cluster on this machine: start one with `ray start --head`"):
        _run(small_archive, out, forced_registry, "auto")
    assert not out.exists() and not out.parent.exists()


@needs_ray
def test_an_address_that_does_not_answer_fails_fast(no_ray_env, small_archive, forced_registry, tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind((HEAD_IP, 0))
        port = probe.getsockname()[1]
    out = tmp_path / "out.jsonl"
    started = time.monotonic()
    with pytest.raises(ClusterError, match=f"the Ray cluster at {HEAD_IP}:{port} did not answer"):
        _run(small_archive, out, forced_registry, f"{HEAD_IP}:{port}")
    assert time.monotonic() - started < 30
    assert not out.exists()
    from tests.support.bulk import invoke

    result = invoke("bulk", small_archive, "--out", out, "--models", forced_registry, "-s", "fr", "--no-summary",
                    "--engine", "ray", "--ray-address", f"{HEAD_IP}:{port}")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the Ray cluster at") and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not out.exists()


@pytest.fixture(scope="module")
def token_cluster(tmp_path_factory):
    """A one-node `ray start` cluster with token auth: (address, token, env for its clients)."""
    root = Path(tempfile.mkdtemp(prefix="rc", dir="/tmp"))  # short: Ray's socket paths must fit 107 bytes
    with socket.socket() as probe:
        probe.bind((HEAD_IP, 0))
        port = probe.getsockname()[1]
    token = secrets.token_hex(32)
    env = {key: value for key, value in os.environ.items() if not key.startswith("RAY_")}
    env.update(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=token, RAY_TMPDIR=str(root / "tmp"), HOME=str(root))
    ray_cli = Path(sys.executable).with_name("ray")
    head = subprocess.Popen(
        [str(ray_cli), "start", "--head", "--block", "--node-ip-address", HEAD_IP, "--port", str(port), "--num-cpus", "2",
         "--include-dashboard", "false", "--disable-usage-stats", "--temp-dir", str(root / "tmp" / "ray")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                socket.create_connection((HEAD_IP, port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or head.poll() is not None:
                    pytest.fail(f"ray start --head did not listen on {HEAD_IP}:{port} within {START_TIMEOUT} s")
                time.sleep(1)
        time.sleep(3)  # the GCS listens before the raylet has registered
        yield f"{HEAD_IP}:{port}", token, env
    finally:
        _stop(head, root)
        shutil.rmtree(root, ignore_errors=True)


def _stop(head: subprocess.Popen, root: Path) -> None:
    """Stop this cluster only: its `ray start` process group, then any of its processes left (their command lines name ``root``)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(head.pid, signal.SIGKILL)  # no draining: the test is over
    with contextlib.suppress(subprocess.TimeoutExpired):
        head.wait(timeout=30)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(root).encode() in (entry / "cmdline").read_bytes():
                    os.kill(int(entry.name), signal.SIGKILL)
            except OSError:
                pass


@needs_ray
def test_a_bad_token_is_one_error_about_authentication(token_cluster, no_ray_env, monkeypatch, small_archive, forced_registry, tmp_path):
    address, _, _ = token_cluster
    monkeypatch.setenv("RAY_AUTH_MODE", "token")
    monkeypatch.setenv("RAY_AUTH_TOKEN", secrets.token_hex(32))
    out = tmp_path / "out.jsonl"
    with pytest.raises(ClusterError, match="RAY_AUTH_MODE=token") as caught:
        _run(small_archive, out, forced_registry, address)
    assert "auth_token" in str(caught.value) and "\n" not in str(caught.value)
    assert not out.exists()
    import ray

    assert not ray.is_initialized()


@needs_ray
def test_a_run_on_a_ray_start_cluster(token_cluster, small_archive, forced_registry, tmp_path):
    """The right token: `summarise bulk` joins the cluster and writes every record once; stderr holds only our lines.

    A process of its own: Ray keeps the token of a process's first ray.init (the bad-token test's).
    """
    address, _, env = token_cluster
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "summarise", "bulk", str(small_archive), "--out", str(out), "--engine", "ray", "--ray-address", address,
               "--workers", "1", "--models", str(forced_registry), "-s", "fr", "--no-summary", "--device", "cpu", "--progress", "json"]
    env = dict(env, PYTHONPATH=os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH")])))
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(read_records(out)) == 20
    lines = done.stderr.splitlines()
    assert lines[-1].startswith("bulk: 20 ok")
    noise = [line for line in lines[:-1] if not line.startswith("{") and "max_restarts" not in line]  # that one C++ line: see README
    assert noise == []
    progress = [json.loads(line) for line in lines if line.startswith("{")]
    assert progress[-1]["event"] == "end" and progress[-1]["ok"] == 20
