"""The hub, as a user meets it: no network fails fast in one line; a cached model needs none; nothing else is reached."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from summarise.models import _hub as hub
from summarise.errors import ModelLoadError
from summarise.models import ModelSpec
from tests.support.articles import article
from tests.support.terminal import on_a_terminal

ROOT = Path(__file__).resolve().parents[2]
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def closed_port() -> int:
    """A 127.0.0.1 port nobody listens on: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def hub_env(home: Path, endpoint: str, **extra: str) -> dict[str, str]:
    """The environment of a user with no cache and a hub at ``endpoint``; never the real hub."""
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_CACHE", "SUMMARISE_MODELS")}
    # SUMMARISE_HOME too: CTranslate2 conversions are cached by hub id, and each test starts from nothing.
    return {**env, "HF_HOME": str(home), "SUMMARISE_HOME": str(home / "summarise"), "HF_ENDPOINT": endpoint, "PYTHONPATH": str(ROOT), **extra}


def summarise_cli(*args: str, env: dict[str, str], timeout: float = 120) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "summarise", *args], capture_output=True, text=True, env=env, timeout=timeout)
    return done, time.monotonic() - started


def cache_model(home: Path, repo_id: str, model_dir: Path) -> Path:
    """``model_dir`` as the hub client would have cached ``repo_id`` at ``main`` (refs/main -> a snapshot)."""
    storage = home / "hub" / f"models--{repo_id.replace('/', '--')}"
    snapshot = storage / "snapshots" / COMMIT
    shutil.copytree(model_dir, snapshot)
    (storage / "refs").mkdir(parents=True)
    (storage / "refs" / "main").write_text(COMMIT, encoding="utf-8")
    return snapshot


@pytest.fixture
def article_file(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(article(), encoding="utf-8")
    return path


def test_an_unreachable_hub_fails_in_seconds_with_one_error_line(tmp_path, article_file):
    """No network, no cache, the shipped registry: the ~50 s of retries and their warnings are gone."""
    home = tmp_path / "empty-hf-home"
    home.mkdir()
    env = hub_env(home, f"http://127.0.0.1:{closed_port()}")
    done, elapsed = summarise_cli("run", str(article_file), "--device", "cpu", env=env)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert len(lines) <= 4, done.stderr
    assert lines[-1].startswith("Error: cannot reach the Hugging Face hub at http://127.0.0.1:"), done.stderr
    assert "opus-mt-fr-en" in lines[-1] and "--offline" in lines[-1] and "summarise models pull" in lines[-1]
    assert elapsed < 15, f"took {elapsed:.1f} s"


def test_models_pull_without_a_hub_is_one_line(tmp_path):
    env = hub_env(tmp_path, f"http://127.0.0.1:{closed_port()}")
    done, elapsed = summarise_cli("models", "pull", "opus-mt-fr-en", env=env)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("Error: cannot reach the Hugging Face hub at http://127.0.0.1:")
    assert len(done.stderr.strip().splitlines()) <= 2  # "pulling …", then the error
    assert elapsed < 15


def test_a_cached_model_runs_with_the_hub_unreachable_and_offline(tmp_path, article_file, model_dirs):
    """Hub ids, served from the cache: with the hub down (after one short check) and with HF_HUB_OFFLINE=1."""
    home = tmp_path / "hf-home"
    cache_model(home, "tiny-org/copy", model_dirs["copy"])
    cache_model(home, "tiny-org/bart", model_dirs["bart"])
    registry = tmp_path / "models.toml"
    registry.write_text(
        '[defaults]\nsummariser = "bart"\ntranslation_fallback = "copy"\n'
        '[models.copy]\ntask = "translation"\nsource = "tiny-org/copy"\nlanguages = ["fr"]\nmax_input_tokens = 31\nnum_beams = 1\n'
        '[models.bart]\ntask = "summarisation"\nsource = "tiny-org/bart"\nmax_input_tokens = 64\nnum_beams = 1\nmax_new_tokens = 8\n',
        encoding="utf-8",
    )
    port = closed_port()
    for extra in ({}, {"HF_HUB_OFFLINE": "1"}):
        env = hub_env(home, f"http://127.0.0.1:{port}", **extra)
        done, elapsed = summarise_cli("run", str(article_file), "--models", str(registry), "-f", "json", "--device", "cpu", "-q", env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        assert '"id": "tiny-org/copy"' in done.stdout


def test_resolve_offline_names_the_pull_command():
    spec = ModelSpec(name="opus-mt-xx-en", task="translation", source="Helsinki-NLP/opus-mt-xx-en")
    with pytest.raises(ModelLoadError, match=r"not in the local Hugging Face cache and offline mode is on: run `summarise models pull opus-mt-xx-en`"):
        hub.resolve(spec, local_files_only=True)


def test_resolve_returns_a_local_directory_untouched(model_dirs):
    spec = ModelSpec(name="copy", task="translation", source=str(model_dirs["copy"]))
    assert hub.resolve(spec) == str(model_dirs["copy"])
    assert hub.pull(spec) == "local"


def test_probe_is_short_and_remembered():
    url = f"http://127.0.0.1:{closed_port()}"
    started = time.monotonic()
    first = hub.probe(url)  # refused; or, under the suite's HF_HUB_OFFLINE=1, refused by the hub client itself
    assert first is not None
    assert hub.probe(url) == first  # the second model of a run does not ask again
    assert time.monotonic() - started < 5


def test_a_first_run_downloads_with_byte_bars_and_the_next_one_needs_no_download(tmp_path, article_file, model_dirs):
    from tqdm import tqdm

    from tests.support import fakehub

    copy = {p.name: p.read_bytes() for p in model_dirs["copy"].iterdir() if p.is_file()}
    # Other formats of the same weights, as real repos carry: never fetched when safetensors are there.
    served, stop = fakehub.serve({
        "tiny-org/copy": {**copy, "pytorch_model.bin": b"\0" * 2048, "tf_model.h5": b"\0" * 2048},
        "tiny-org/bart": model_dirs["bart"],
    })
    try:
        registry = tmp_path / "models.toml"
        registry.write_text(
            '[defaults]\nsummariser = "bart"\ntranslation_fallback = "copy"\n'
            '[models.copy]\ntask = "translation"\nsource = "tiny-org/copy"\nlanguages = ["fr"]\nmax_input_tokens = 31\nnum_beams = 1\n'
            '[models.bart]\ntask = "summarisation"\nsource = "tiny-org/bart"\nmax_input_tokens = 64\nnum_beams = 1\nmax_new_tokens = 8\n',
            encoding="utf-8",
        )
        env = hub_env(tmp_path / "hf-home", served.url)
        command = [sys.executable, "-m", "summarise", "run", str(article_file), "--models", str(registry), "-f", "json", "--device", "cpu"]

        status, stdout, terminal = on_a_terminal(command, env)
        assert status == 0, terminal
        assert '"id": "tiny-org/copy"' in stdout and '"id": "tiny-org/bart"' in stdout
        assert terminal.count("Download complete") >= 2, terminal  # one byte bar per model, with sizes
        assert tqdm.format_sizeof(sum(map(len, copy.values())), "B") in terminal  # the copy model's bytes, as tqdm writes them
        assert sorted(served.fetched()) == sorted([*copy, *(p.name for p in model_dirs["bart"].iterdir() if p.is_file())])
        assert "Traceback" not in terminal  # and no library warnings; our own one-line "Warning: converting …" may show
        assert not re.search(r"(User|Future|Deprecation|Runtime)Warning|\[transformers\]", terminal), terminal

        before = len(served.fetched())
        status, stdout, terminal = on_a_terminal([*command, "-q"], env)
        assert status == 0, terminal
        assert terminal == ""  # -q: no bars, no warnings
        assert len(served.fetched()) == before  # cached: nothing downloaded again
    finally:
        stop()
