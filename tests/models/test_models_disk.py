"""`models list` says what is on disk; `models prune` removes the conversions no entry uses; task aliases (issue 23 item 8)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from summarise.cli import app
from summarise.models import Registry
from tests.support.registry import write_registry

runner = CliRunner()


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARISE_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_summarization_is_accepted_as_the_task_name(tmp_path, model_dirs):
    path = write_registry(tmp_path / "models.toml", model_dirs)
    path.write_text(path.read_text(encoding="utf-8").replace('task = "summarisation"', 'task = "summarization"'), encoding="utf-8")
    assert 'task = "summarization"' in path.read_text(encoding="utf-8")
    registry = Registry.load(path)
    assert registry.models["tiny-bart"].task == "summarisation" and registry.summariser == "tiny-bart"


def test_an_unknown_task_still_lists_the_names(tmp_path, model_dirs):
    from summarise.errors import RegistryError

    path = write_registry(tmp_path / "models.toml", model_dirs)
    path.write_text(path.read_text(encoding="utf-8").replace('task = "summarisation"', 'task = "summary"'), encoding="utf-8")
    with pytest.raises(RegistryError, match=r"task = one of \['translation', 'summarisation'\]"):
        Registry.load(path)


def _listed(registry_path):
    done = runner.invoke(app, ["models", "list", "--models", str(registry_path), "--json"])
    assert done.exit_code == 0, done.stderr
    return {entry["name"]: entry["on_disk"] for entry in json.loads(done.stdout)}


@pytest.mark.slow
def test_list_shows_downloads_and_conversions_and_prune_removes_what_no_entry_uses(home, tmp_path, model_dirs):
    registry_path = write_registry(tmp_path / "models.toml", model_dirs)
    before = _listed(registry_path)
    assert all(entry["downloaded"] and entry["download_bytes"] > 0 for entry in before.values())  # local folders
    assert not any(entry["converted"] for entry in before.values())
    converted = runner.invoke(app, ["models", "convert", "tiny-copy", "--models", str(registry_path)])
    assert converted.exit_code == 0, converted.stderr
    after = _listed(registry_path)
    assert after["tiny-copy"]["converted"] and after["tiny-copy"]["conversion_bytes"] > 0
    assert after["tiny-copy"]["conversions"] == [converted.stdout.strip()]
    text = runner.invoke(app, ["models", "list", "--models", str(registry_path)]).stdout
    assert "local" in text and "converted" in text and "not converted" in text

    assert runner.invoke(app, ["models", "prune", "--models", str(registry_path), "--yes"]).stdout == ""  # all in use: nothing listed
    other = tmp_path / "other.toml"  # a registry that no longer names tiny-copy
    write_registry(other, model_dirs, fr_model="marian")
    other.write_text(other.read_text(encoding="utf-8").replace("[models.tiny-copy]", "[models.tiny-copy2]").replace('languages = ["fr"]', 'languages = ["fr"]', 1), encoding="utf-8")
    dry = runner.invoke(app, ["models", "prune", "--models", str(other), "--dry-run"])
    assert dry.exit_code == 0 and after["tiny-copy"]["conversions"][0] in dry.stdout and "no registry entry names this model" in dry.stdout
    assert "would remove 1 conversion(s)" in dry.stderr
    from pathlib import Path

    assert Path(after["tiny-copy"]["conversions"][0]).is_dir()
    piped = runner.invoke(app, ["models", "prune", "--models", str(other)])  # stdin is not a terminal: nothing removed without --yes
    assert "nothing removed: pass --yes" in piped.stderr and Path(after["tiny-copy"]["conversions"][0]).is_dir()
    done = runner.invoke(app, ["models", "prune", "--models", str(other), "--yes"])
    assert done.exit_code == 0 and "removed 1 conversion(s)" in done.stderr
    assert not Path(after["tiny-copy"]["conversions"][0]).exists()
    assert not _listed(registry_path)["tiny-copy"]["converted"]
