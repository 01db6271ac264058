"""The default path stays light: `summarise run` on converted CTranslate2 models imports neither torch,
transformers nor sacremoses.

Checked from the child's ``sys.modules`` at exit, not from timings: a small wrapper runs the CLI's own
``main`` and writes the names of the modules it loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from summarise.models.engines import _ctranslate2 as ct2
from summarise.models.engines._tokenizing import FastTokenizer
from tests import tinymodels
from tests.support.articles import article
from tests.support.registry import write_registry

HEAVY = ("torch", "transformers", "sacremoses")

WRAPPER = """
import atexit, json, sys
from pathlib import Path

dump = Path(sys.argv[1])
atexit.register(lambda: dump.write_text(json.dumps(sorted(sys.modules)), encoding="utf-8"))
sys.argv = ["summarise", *sys.argv[2:]]
from summarise.cli import main
main()
"""


@pytest.fixture(scope="module")
def converted_registry(model_dirs, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("instant")
    folders = {
        "copy": ct2.convert(str(model_dirs["copy"]), quantization="int8", output=root / "copy"),
        "marian": ct2.convert(str(model_dirs["marian"]), quantization="int8", output=root / "marian"),
        "bart": ct2.convert(str(model_dirs["bart"]), quantization="int8", output=root / "bart"),
    }
    return write_registry(root / "models.toml", folders)


def _run(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    wrapper = tmp_path / "wrapper.py"
    wrapper.write_text(WRAPPER, encoding="utf-8")
    dump = tmp_path / "modules.json"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run([sys.executable, str(wrapper), str(dump), *args], capture_output=True, text=True, env=env, timeout=300)
    return done, set(json.loads(dump.read_text(encoding="utf-8")))


@pytest.mark.slow
@pytest.mark.parametrize("command", [["run", "-f", "text"], ["run", "-f", "json", "-s", "auto"], ["translate"]])  # in a pipe, run alone prints the summary
def test_run_on_converted_models_imports_no_torch_transformers_or_sacremoses(converted_registry, tmp_path, command):
    source = tmp_path / "article.txt"
    source.write_text(article(), encoding="utf-8")
    done, modules = _run(tmp_path, command[0], str(source), "--models", str(converted_registry), "-s", "fr", "--backend", "ctranslate2",
                         "--device", "cpu", *command[1:])
    assert done.returncode == 0, done.stderr
    assert "Le secrétaire général" in done.stdout  # the run really translated and rendered the article
    assert "ctranslate2" in modules and "tokenizers" in modules  # the engine ran, on its own tokenizer
    loaded = sorted(name for name in modules if name.split(".")[0] in HEAVY)
    assert not loaded, loaded
    # The wrong-language check's model was unpacked once into SUMMARISE_HOME, for the next run to read (1.0 s saved).
    assert list((Path(os.environ["SUMMARISE_HOME"]) / "langid").glob("model-*.npz"))


@pytest.mark.slow
def test_the_guard_sees_a_heavy_import(registry_path, tmp_path):
    """The same check does see transformers and torch where a run loads them: the PyTorch backend."""
    source = tmp_path / "article.txt"
    source.write_text(article(with_long_sentence=False), encoding="utf-8")
    done, modules = _run(tmp_path, "run", str(source), "--models", str(registry_path), "-s", "fr", "--backend", "transformers", "--device", "cpu")
    assert done.returncode == 0, done.stderr
    assert {"torch", "transformers"} <= modules


def test_converted_folders_carry_their_own_tokenizer(converted_registry):
    for name in ("copy", "marian", "bart"):
        folder = converted_registry.parent / name
        assert isinstance(ct2.folder_tokenizer(folder), FastTokenizer), name
        assert ct2.folder_tokenizer(folder).encode(["la guerre"])[0] == tinymodels._cached_tokenizer()("la guerre").input_ids
