"""Things users get wrong are one `Error:` line, never a traceback, and never ignored silently."""

from __future__ import annotations

import os
import shutil
import sqlite3

import pytest
from typer.testing import CliRunner

from summarise import Summariser
from summarise.pipeline import SQLiteCache
from summarise.cli import app
from summarise.text import check_language_code
from summarise.errors import LanguageError, ModelLoadError, OutputError, RegistryError, SummariseError
from summarise.pipeline import Options
from summarise.models import Registry

runner = CliRunner()
TEXT = "Le président condamne la guerre. Les élèves sont partis."


def _broken_copy(model_dirs, tmp_path, how: str):
    folder = tmp_path / how
    shutil.copytree(model_dirs["marian"], folder)
    weights = folder / "model.safetensors"
    if how == "truncated":
        data = weights.read_bytes()
        weights.write_bytes(data[: len(data) // 2])
    elif how == "garbage":
        weights.write_bytes(os.urandom(4096))
    elif how == "no-tokenizer":
        for name in ("tokenizer.json", "tokenizer_config.json"):
            (folder / name).unlink()
    elif how == "pickle":
        import torch
        from transformers import MarianMTModel

        weights.unlink()
        torch.save(MarianMTModel.from_pretrained(model_dirs["marian"]), folder / "pytorch_model.bin")  # a whole pickled module
    elif how == "unreadable":
        weights.unlink()
        weights.mkdir()  # open() fails as it would on a file without read permission (root reads those)
    return folder


MODEL_CASES = {
    "truncated": "are damaged or not a safetensors file",
    "garbage": "are damaged or not a safetensors file",
    "no-tokenizer": "has no tokenizer files",
    "pickle": "loading them is refused for safety",
    "unreadable": "cannot be read (Is a directory)",
}


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
@pytest.mark.parametrize("how", list(MODEL_CASES))
def test_broken_model_folders_are_one_error_line(how, backend, model_dirs, registry_path, tmp_path):
    folder = _broken_copy(model_dirs, tmp_path, how)
    args = ["translate", "-", "-s", "fr", "--models", str(registry_path), "--mt-model", str(folder), "--backend", backend]
    result = runner.invoke(app, args, input=TEXT)
    assert result.exit_code == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and MODEL_CASES[how] in errors[0], result.stderr
    assert result.stderr.strip().splitlines()[-1] == errors[0] and "Traceback" not in result.stderr  # a "converting" line may come first
    assert "No such file" not in result.stderr


def test_models_pointing_at_a_folder(tmp_path, registry_path):
    shutil.copy(registry_path, tmp_path / "models.toml")
    result = runner.invoke(app, ["translate", "-", "-s", "fr", "--models", str(tmp_path)], input=TEXT)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: model registry {tmp_path} is a folder") and f"--models {tmp_path / 'models.toml'}" in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(RegistryError, match="is a folder, not a models.toml file: pass --models PATH/models.toml"):
        Registry.load(empty)


def test_cache_on_a_folder_or_a_file_that_is_not_sqlite(tmp_path):
    with pytest.raises(OutputError, match="is a folder: give a file name"):
        SQLiteCache(tmp_path)
    article = tmp_path / "article.txt"
    article.write_text(TEXT)
    with pytest.raises(OutputError, match="is not a translation cache this program can use"):
        SQLiteCache(article)
    assert article.read_text() == TEXT  # refused, and left as it was
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE translations (a, b)").connection.commit()
    with pytest.raises(OutputError, match="other columns"):
        SQLiteCache(other)
    assert len(SQLiteCache(tmp_path / "new" / "cache.sqlite")) == 0


def test_bulk_cache_errors_are_one_line(tmp_path, registry_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(TEXT)
    result = runner.invoke(app, ["bulk", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--models", str(registry_path), "--cache", str(tmp_path / "in"), "-s", "fr"])
    assert result.exit_code == 1, result.stderr
    assert result.stderr.startswith("Error: --cache") and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("option", "value"),
    [("num_beams", 0), ("num_beams", -2), ("threads", -1), ("threads", 0), ("batch_tokens", 0), ("max_batch_size", 0), ("max_tokens", 0), ("min_tokens", -1), ("num_beams", 2.5)],
)
def test_library_counts_below_one_are_refused_not_ignored(option, value, registry_path):
    per_call = option in Options.__dataclass_fields__  # beams and token budgets: per call; threads and batches: the model's
    with pytest.raises(SummariseError, match=f"^{option} must be"):
        if per_call:
            Summariser(registry_path, device="cpu", options=Options(**{option: value}))
        else:
            Summariser(registry_path, device="cpu", **{option: value})


def test_library_source_lang_none_is_refused(summariser):
    with pytest.raises(LanguageError, match="must be a language code such as 'fr', or 'auto'"):
        summariser.translate(TEXT, source_lang=None)


@pytest.mark.parametrize("code", ["xx", "qq", "zz", "und", "zxx", "qab", "french", "f"])
def test_codes_that_name_no_language_are_refused(code):
    with pytest.raises(LanguageError, match="is not a language code"):
        check_language_code(code)


@pytest.mark.parametrize("code", ["fr", "FR", " de ", "zh", "sh", "yue", "gsw"])
def test_language_codes_pass(code):
    assert check_language_code(code) == code.strip().lower()


def test_dash_s_xx_is_refused_even_with_an_explicit_model(registry_path, model_dirs):
    result = runner.invoke(app, ["translate", "-", "-s", "xx", "--models", str(registry_path), "--mt-model", str(model_dirs["copy"])], input=TEXT)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 'xx' is not a language code")
