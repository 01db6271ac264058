"""Shared fixtures: self-built tiny models, a registry that points at them, and no network.

Models are real ``save_pretrained`` directories loaded through the real
``from_pretrained`` path; nothing is mocked.  They are built once per session.
"""

from __future__ import annotations

import os

# Before torch is imported anywhere: busy-waiting OpenMP threads starve each other on 2 cores.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.pop("SUMMARISE_MODELS", None)

import atexit
import shutil
import tempfile

# CTranslate2 conversions (the default backend on a CPU) go to a cache of this session, never the
# user's: set before any test module is imported, so that environments copied at import time for
# subprocesses carry it too.  A module may point SUMMARISE_HOME at a folder of its own.
_SUMMARISE_HOME = tempfile.mkdtemp(prefix="summarise-tests-")
os.environ["SUMMARISE_HOME"] = _SUMMARISE_HOME
atexit.register(shutil.rmtree, _SUMMARISE_HOME, ignore_errors=True)

from pathlib import Path

import pytest

from tests import tinymodels
from tests.support.registry import write_registry

@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory, monkeypatch):
    """No test sees the user's registry or Hugging Face cache, and none reaches the network."""
    home = tmp_path_factory.getbasetemp() / "hf-home"
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("SUMMARISE_MODELS", raising=False)
    if not os.environ.get("SUMMARISE_HOME"):  # a test removed it: never fall back to the user's cache
        monkeypatch.setenv("SUMMARISE_HOME", _SUMMARISE_HOME)


@pytest.fixture(scope="session")
def model_dirs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("models")
    return {
        "copy": tinymodels.train_copy_marian(root / "copy-marian"),
        "marian": tinymodels.build_random_marian(root / "random-marian"),
        "bart": tinymodels.build_random_bart(root / "random-bart"),
    }


@pytest.fixture(scope="session")
def attribution_models(tmp_path_factory, model_dirs) -> Path:
    """The copy model and the first-sentence summariser that attribution is measured with, in one
    folder: ``benchmarks/attribution.py --models-dir`` takes it."""
    from tests import factmodels

    root = tmp_path_factory.mktemp("attribution-models")
    shutil.copytree(model_dirs["copy"], root / "copy")
    factmodels.train_first_sentence_marian(root / "first", model_dirs["copy"])
    return root


@pytest.fixture(scope="session")
def marker_summariser(tmp_path_factory) -> Path:
    """The marker summariser (``tests/factmodels.py``): minutes of training, so a fixture of its own,
    built only for the tests that use it."""
    from tests import factmodels

    return factmodels.train_marker_marian(tmp_path_factory.mktemp("marker-summariser") / "marker")


@pytest.fixture(scope="session")
def registry_path(tmp_path_factory, model_dirs) -> Path:
    return write_registry(tmp_path_factory.mktemp("registry") / "models.toml", model_dirs)


def forced_length(model_dir: Path, model_class) -> Path:
    """Re-save a random model so that it writes exactly its token budget, then </s>.

    Random weights rarely emit </s>: every sentence would hit its budget and be retried.
    """
    model = model_class.from_pretrained(model_dir)
    model.generation_config.forced_eos_token_id = tinymodels.EOS_ID
    model.final_logits_bias[0, tinymodels.EOS_ID] = -1e4
    model.save_pretrained(model_dir)
    return model_dir


@pytest.fixture(scope="session")
def forced_registry(tmp_path_factory) -> Path:
    """Random models that end exactly at their budget: deterministic, cacheable output for bulk runs."""
    from transformers import BartForConditionalGeneration, MarianMTModel

    root = tmp_path_factory.mktemp("forced-models")
    dirs = {
        "marian": forced_length(tinymodels.build_random_marian(root / "marian"), MarianMTModel),
        "bart": forced_length(tinymodels.build_random_bart(root / "bart"), BartForConditionalGeneration),
    }
    return write_registry(root / "models.toml", dirs, fr_model="marian")


@pytest.fixture(scope="session")
def summariser(registry_path):
    from summarise import Summariser

    return Summariser(registry_path, device="cpu")
