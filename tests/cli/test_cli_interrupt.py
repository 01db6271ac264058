"""Ctrl-C in bulk tells the user what happened and how to resume (issue 23 item 6)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.bulk import make_archive, read_records


def _lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


@pytest.mark.slow
def test_ctrl_c_in_bulk_says_how_many_records_and_the_command_that_resumes(tmp_path, registry_path):
    archive = make_archive(tmp_path / "a.jsonl", 150, seed=3)
    out = tmp_path / "out.jsonl"
    summarise = str(Path(sys.executable).with_name("summarise"))
    command = [summarise, "bulk", str(archive), "--out", str(out), "--models", str(registry_path), "-s", "fr", "--no-summary", "--window", "6", "--threads", "1"]
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE", HF_HUB_OFFLINE="1")
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while _lines(out) < 12:
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline, "the run did not reach its interrupt point"
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert stdout == ""
    last = stderr.strip().splitlines()[-1]
    written = _lines(out)
    assert 12 <= written < 150
    assert last.startswith(f"interrupted: {written} record(s) written by this run, {written} in {out}; run the same command again to resume: summarise bulk "), last
    assert "Traceback" not in stderr
    again = last.split("to resume: ", 1)[1]
    assert again.split()[1:4] == ["bulk", str(archive), "--out"]
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert sorted(r["id"] for r in read_records(out)) == [f"art-{i:04d}" for i in range(150)]
    assert f"{written} skipped" in finished.stderr
