"""The CLI renders library calls: data on stdout, people's messages on stderr, one-line errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from summarise.cli import app
from tests import tinymodels
from tests.support.articles import article

runner = CliRunner()


def invoke(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


@pytest.fixture
def article_file(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(article(), encoding="utf-8")
    return path


def test_run_json_is_the_full_result(article_file, registry_path):
    result = invoke("run", article_file, "--models", registry_path, "--format", "json", "--device", "cpu")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source_lang"] == "fr"
    assert data["summary"] is not None
    assert all(p["translation"] == tinymodels.normalise(p["source"]) for p in data["pairs"])


def test_run_text_shows_summary_then_side_by_side(article_file, registry_path):
    result = invoke("run", article_file, "--models", registry_path, "--width", "120", "-f", "text")  # a pipe defaults to the summary alone
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.index("SUMMARY") < out.index("ORIGINAL (fr)") < out.index("signature: mt:")
    assert "Le secrétaire général de l'Otan condamne la guerre" in out
    assert "Le secrétaire général de l ' Otan condamne la guerre" in out


def test_run_markdown_has_a_two_column_table(article_file, registry_path):
    result = invoke("run", article_file, "--models", registry_path, "-f", "markdown")
    assert result.exit_code == 0, result.stderr
    assert "## Summary" in result.stdout and "| Original (fr) | English |" in result.stdout
    assert result.stdout.count("\n| ") >= 4


def test_translate_reads_stdin_and_has_no_summary(registry_path):
    result = invoke("translate", "-", "--models", registry_path, "-f", "json", "-s", "fr", input="Le président condamne la guerre.\n")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert "summary" not in data
    assert data["pairs"][0]["translation"] == "Le président condamne la guerre ."


def test_output_file_is_written_and_stdout_stays_empty(article_file, registry_path, tmp_path):
    target = tmp_path / "out.json"
    result = invoke("translate", article_file, "--models", registry_path, "-f", "json", "-o", target)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert json.loads(target.read_text())["pairs"]


def test_models_list_and_path(registry_path):
    listed = invoke("models", "list", "--models", registry_path)
    assert listed.exit_code == 0
    assert "tiny-copy" in listed.stdout and "fr->en" in listed.stdout and "(default)" in listed.stdout
    assert invoke("models", "path", "--models", registry_path).stdout.strip() == str(registry_path.resolve())
    as_json = json.loads(invoke("models", "list", "--json").stdout)
    assert any(m["source"] == "Helsinki-NLP/opus-mt-fr-en" for m in as_json)


def test_models_path_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARISE_MODELS", str(tmp_path / "mine.toml"))
    assert invoke("models", "path").stdout.strip() == str((tmp_path / "mine.toml").resolve())


def _bad_registry(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[models.x\n")
    return path


def _no_fallback_registry(tmp_path, model_dirs):
    from tests.support.registry import write_registry

    path = write_registry(tmp_path / "nofallback.toml", model_dirs)
    path.write_text(path.read_text().replace('translation_fallback = "tiny-random"\n', "").replace('languages = ["*"]', 'languages = ["es"]'))
    return path


ERROR_CASES = {
    "empty": (lambda tmp, dirs: ["run", "-"], "", "empty"),
    "binary": (lambda tmp, dirs: ["run", "-"], b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    "undecodable": (lambda tmp, dirs: ["run", "-", "-s", "fr"], bytes(range(128, 256)) * 4 + b"\x00\x81", "binary"),
    "missing file": (lambda tmp, dirs: ["run", tmp / "nope.txt"], None, "does not exist"),
    "unknown pair": (lambda tmp, dirs: ["run", "-", "--models", _no_fallback_registry(tmp, dirs), "-s", "de"], "Der Krieg ist vorbei.", "no translation model for de-en"),
    "unknown model": (lambda tmp, dirs: ["run", "-", "-s", "fr", "--mt-model", "no-such-model"], "Le président.", "unknown model 'no-such-model'"),
    "offline missing": (lambda tmp, dirs: ["run", "-", "-s", "fr", "--offline"], "Le président condamne la guerre.", "summarise models pull opus-mt-fr-en"),
    "malformed registry": (lambda tmp, dirs: ["run", "-", "--models", _bad_registry(tmp)], "Le président.", "not valid TOML"),
    "bad language code": (lambda tmp, dirs: ["run", "-", "-s", "french!"], "Le président.", "not a language code"),
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_errors_are_one_line_with_no_traceback_and_no_output_file(case, tmp_path, model_dirs):
    make_args, stdin, message = ERROR_CASES[case]
    target = tmp_path / "out.txt"
    result = invoke(*make_args(tmp_path, model_dirs), "-o", target, input=stdin)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert message in result.stderr
    assert result.stderr.strip().count("\n") == 0 or len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert not target.exists()
    assert list(tmp_path.glob(".out.txt.*")) == []


def test_no_arguments_shows_help():
    result = invoke()
    assert "run" in result.stdout and "translate" in result.stdout and "models" in result.stdout


def test_models_pull_of_local_models_needs_no_network(registry_path):
    result = invoke("models", "pull", "tiny-copy", "tiny-bart", "--models", registry_path)
    assert result.exit_code == 0, result.stderr
    lines = [line.split("\t") for line in result.stdout.strip().splitlines()]
    assert [(name, commit) for name, _, commit in lines] == [("tiny-copy", "local"), ("tiny-bart", "local")]


def test_models_pull_of_an_unknown_name_lists_the_valid_ones():
    result = invoke("models", "pull", "opus-mt-xx-en")
    assert result.exit_code == 1
    assert "unknown model 'opus-mt-xx-en', expected one of:" in result.stderr


def test_python_dash_m_entry_point():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "summarise", "models", "path"], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("models.toml")
