"""The registry: parsing, lookups, and one-line errors for malformed files."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarise.errors import LanguageError, RegistryError, UnknownModelError
from summarise.models import Registry, default_path, resolve_path

REPO_REGISTRY = Path(__file__).resolve().parents[2] / "models.toml"


def test_shipped_registry_is_the_repository_file():
    assert default_path() == REPO_REGISTRY


@pytest.mark.parametrize("lang", ["fr", "de", "es", "it", "nl", "ru", "zh", "ar"])
def test_shipped_registry_has_an_opus_model_per_core_language(lang):
    spec = Registry.load(REPO_REGISTRY).translation_model(lang)
    assert spec.source == f"Helsinki-NLP/opus-mt-{lang}-en"
    assert spec.max_input_tokens == 512


def test_shipped_registry_falls_back_to_the_multilingual_model():
    registry = Registry.load(REPO_REGISTRY)
    assert registry.translation_model("sw").source == "Helsinki-NLP/opus-mt-mul-en"


def test_shipped_registry_has_three_bart_cnn_summarisers():
    registry = Registry.load(REPO_REGISTRY)
    summarisers = {s.source for s in registry.models.values() if s.task == "summarisation"}
    assert summarisers == {"sshleifer/distilbart-cnn-12-6", "sshleifer/distilbart-cnn-6-6", "facebook/bart-large-cnn"}
    assert registry.summarisation_model().source == "sshleifer/distilbart-cnn-12-6"


def test_environment_variable_moves_the_registry(tmp_path, monkeypatch):
    target = tmp_path / "mine.toml"
    monkeypatch.setenv("SUMMARISE_MODELS", str(target))
    assert resolve_path() == target.resolve()
    assert resolve_path(tmp_path / "explicit.toml") == (tmp_path / "explicit.toml").resolve()


def test_relative_source_is_relative_to_the_registry_file(tmp_path):
    (tmp_path / "m").mkdir()
    (tmp_path / "models.toml").write_text('[models.x]\ntask = "summarisation"\nsource = "./m"\n')
    assert Registry.load(tmp_path / "models.toml").get("x").source == str((tmp_path / "m").resolve())


@pytest.mark.parametrize(
    "content, message",
    [
        ("[models.x\n", "not valid TOML"),
        ("[defaults]\n", "no [models.NAME] entries"),
        ('[models.x]\ntask = "poetry"\nsource = "a/b"\n', "needs task"),
        ('[models.x]\ntask = "translation"\nsource = "a/b"\n', "needs languages"),
        ('[models.x]\ntask = "summarisation"\nsource = "a/b"\nnum_beams = 0\n', "positive whole number"),
        ('[models.x]\ntask = "summarisation"\nsource = "a/b"\nbackend = "onnx"\n', "backend must be one of"),
        ('[models.x]\ntask = "summarisation"\nsource = "a/b"\ncolour = 1\n', "unknown keys"),
        ('[defaults]\nsummariser = "y"\n[models.x]\ntask = "summarisation"\nsource = "a/b"\n', "names 'y'"),
    ],
)
def test_malformed_registry_gives_one_line_errors(tmp_path, content, message):
    path = tmp_path / "models.toml"
    path.write_text(content)
    with pytest.raises(RegistryError) as info:
        Registry.load(path)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_registry_file(tmp_path):
    with pytest.raises(RegistryError, match="does not exist"):
        Registry.load(tmp_path / "nope.toml")


def test_unknown_names_list_the_valid_ones():
    registry = Registry.load(REPO_REGISTRY)
    with pytest.raises(UnknownModelError, match="expected one of: .*opus-mt-fr-en"):
        registry.get("opus-mt-xx-en")
    with pytest.raises(UnknownModelError, match="not a directory, not a hub id"):
        registry.resolve("no-such-model", "translation")


def test_resolve_takes_a_name_a_directory_or_a_hub_id(tmp_path):
    registry = Registry.load(REPO_REGISTRY)
    assert registry.resolve("opus-mt-de-en", "translation").source == "Helsinki-NLP/opus-mt-de-en"
    assert registry.resolve("someone/my-model", "translation").source == "someone/my-model"
    assert registry.resolve(str(tmp_path), "summarisation").source == str(tmp_path.resolve())
    with pytest.raises(RegistryError, match="is a summarisation model"):
        registry.resolve("bart-large-cnn", "translation")


def test_no_pair_and_no_fallback_is_a_language_error(tmp_path):
    path = tmp_path / "models.toml"
    path.write_text('[models.x]\ntask = "translation"\nsource = "a/b"\nlanguages = ["fr"]\n')
    with pytest.raises(LanguageError, match="no translation model for de-en.*pairs known: fr-en"):
        Registry.load(path).translation_model("de")
