"""A command line that behaves as Unix users expect (issue 23, items 3 and 7): --version, -h on every
command, shell completion, every option from a SUMMARISE_ environment variable shown in --help, and
a --help without Python type names, in one metavar style."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarise import __version__
from summarise.cli import app

runner = CliRunner()
WIDE = {"COLUMNS": "300", "TERMINAL_WIDTH": "300"}
COMMANDS = [[], ["run"], ["translate"], ["bulk"], ["serve"], ["models"], ["models", "list"], ["models", "path"], ["models", "pull"], ["models", "convert"]]


def _summarise(*args, env=None):
    summarise = Path(sys.executable).with_name("summarise")
    return subprocess.run([str(summarise), *args], capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag):
    done = _summarise(flag)
    assert done.returncode == 0 and done.stdout == f"summarise {__version__}\n"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "summarise")
def test_version_on_every_command(command):
    done = runner.invoke(app, [*command, "--version"], prog_name="summarise")
    assert done.exit_code == 0 and done.stdout == f"summarise {__version__}\n", done.output
    assert runner.invoke(app, [*command, "-V"], prog_name="summarise").stdout == done.stdout


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "summarise")
def test_dash_h_is_help_on_every_command_with_no_python_type_names(command):
    short = runner.invoke(app, [*command, "-h"], prog_name="summarise", env=WIDE)
    long = runner.invoke(app, [*command, "--help"], prog_name="summarise", env=WIDE)
    assert short.exit_code == 0 and short.stdout == long.stdout
    assert "Usage: summarise" in short.stdout
    assert not re.findall(r"<[a-z][a-z\[\]|., ]*>", short.stdout), re.findall(r"<[a-z][a-z\[\]|., ]*>", short.stdout)


def test_one_metavar_style():
    from summarise.cli._app import COMMANDS as TABLE, load_command

    seen = set()
    for name in TABLE:
        command = load_command(name)
        for sub in (getattr(command, "commands", None) or {"": command}).values():
            for param in sub.params:
                if getattr(param, "is_flag", False):
                    assert param.metavar == "", param.name
                    continue
                seen.add(param.metavar)
                assert re.fullmatch(r"[A-Z][A-Z|.-]*|[a-z0-9_.-]+(\|[a-z0-9_.-]+)+", param.metavar), (name, param.name, param.metavar)
    assert {"TEXT", "N", "PATH", "FORMAT"} <= seen


def test_every_option_reads_its_environment_variable_shown_in_help():
    help_text = runner.invoke(app, ["run", "-h"], prog_name="summarise", env=WIDE).stdout
    for variable in ("SUMMARISE_RUN_FORMAT", "SUMMARISE_RUN_WIDTH", "SUMMARISE_RUN_SOURCE_LANG", "SUMMARISE_MODELS"):
        assert variable in help_text, variable
    assert "SUMMARISE_BULK_ENGINE" in runner.invoke(app, ["bulk", "-h"], prog_name="summarise", env=WIDE).stdout
    assert "SUMMARISE_SERVE_PORT" in runner.invoke(app, ["serve", "-h"], prog_name="summarise", env=WIDE).stdout
    assert "SUMMARISE_MODELS_LIST_JSON" in runner.invoke(app, ["models", "list", "-h"], prog_name="summarise", env=WIDE).stdout


def test_an_environment_variable_sets_the_option(registry_path, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Le président condamne la guerre.\n", encoding="utf-8")
    done = runner.invoke(app, ["run", str(article), "-s", "fr"], env={"SUMMARISE_RUN_FORMAT": "jsonl", "SUMMARISE_MODELS": str(registry_path)})
    assert done.exit_code == 0, done.stderr
    assert [json.loads(line)["kind"] for line in done.stdout.splitlines()] == ["pair", "summary"]
    flag_wins = runner.invoke(app, ["run", str(article), "-s", "fr", "-f", "summary"], env={"SUMMARISE_RUN_FORMAT": "jsonl", "SUMMARISE_MODELS": str(registry_path)})
    assert not flag_wins.stdout.startswith("{")
    listed = runner.invoke(app, ["models", "list", "--models", str(registry_path)], env={"SUMMARISE_MODELS_LIST_JSON": "1"})
    assert listed.exit_code == 0 and isinstance(json.loads(listed.stdout), list)


def test_shell_completion_is_on():
    help_text = runner.invoke(app, ["-h"], prog_name="summarise", env=WIDE).stdout
    assert "--install-completion" in help_text and "--show-completion" in help_text
    done = _summarise(env={"_SUMMARISE_COMPLETE": "complete_bash", "COMP_WORDS": "summarise ru", "COMP_CWORD": "1", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0 and "run" in done.stdout.split()


def _options(*path):
    from summarise.cli._app import load_command

    command = load_command(path[0])
    for name in path[1:]:
        command = command.commands[name]
    return {opt for param in command.params for opt in param.opts}


def test_the_same_options_on_every_command_where_they_mean_the_same():
    shared = {"--source-lang", "-s", "--models", "--offline", "--mt-model", "--device", "--beams", "--fast", "--batch-tokens", "--threads",
              "--quantization", "--backend", "--keep", "--glossary", "--keep-boilerplate", "--quiet", "-q", "--strict", "--width", "--cache"}
    summary = {"--length", "--min-tokens", "--max-tokens", "--summary-lang", "--sum-model", "--attribution"}
    assert shared | summary <= _options("run")
    assert shared | summary <= _options("bulk")
    assert shared <= _options("translate")


def _helps(command: str) -> dict[str, str]:
    from summarise.cli._app import load_command

    return {param.opts[0]: param.help for param in load_command(command).params if param.opts}


@pytest.mark.parametrize("other", ["translate", "bulk", "serve"])
def test_an_option_shared_by_two_commands_is_declared_once(other):
    """The same option, the same words in --help: one declaration in cli/common.py.  --strict and --length
    differ on purpose (bulk counts articles; serve's length is a default that requests override)."""
    run, theirs = _helps("run"), _helps(other)
    differ = {name for name in run.keys() & theirs.keys() if run[name] != theirs[name]}
    assert differ <= {"--strict", "--length"}, differ
    assert len(run.keys() & theirs.keys()) >= 12


def test_bulk_shapes_the_summary_as_run_does(registry_path, tmp_path):
    from tests.support.bulk import make_archive, read_records

    archive = make_archive(tmp_path / "in.jsonl", 1, sentences=6)
    text = json.loads(archive.read_text(encoding="utf-8").splitlines()[0])["text"]
    article = tmp_path / "a.txt"
    article.write_text(text, encoding="utf-8")
    alone = runner.invoke(app, ["run", str(article), "--models", str(registry_path), "-s", "fr", "-f", "json", "--max-tokens", "3"])
    assert alone.exit_code == 0, alone.stderr
    done = runner.invoke(app, ["bulk", str(archive), "--out", str(tmp_path / "out.jsonl"), "--models", str(registry_path), "-s", "fr", "--max-tokens", "3", "-q"])
    assert done.exit_code == 0 and done.stderr == "", done.stderr  # -q: errors only, no end line
    [record] = read_records(tmp_path / "out.jsonl")
    assert record["summary"] == json.loads(alone.stdout)["summary"]
    unbounded = runner.invoke(app, ["run", str(article), "--models", str(registry_path), "-s", "fr", "-f", "json"])
    assert json.loads(unbounded.stdout)["summary"] != record["summary"]  # the bound really bit


def test_bulk_refuses_summary_options_with_no_summary(registry_path, tmp_path):
    from tests.support.bulk import make_archive

    done = runner.invoke(app, ["bulk", str(make_archive(tmp_path / "in.jsonl", 1)), "--out", str(tmp_path / "o.jsonl"), "--models", str(registry_path), "--no-summary", "--max-tokens", "3"])
    assert done.exit_code == 1 and done.stderr.startswith("Error: --min-tokens, --max-tokens and --summary-lang shape the summary")


def test_bulk_writes_per_article_text_as_wide_as_width_as_run_does(registry_path, tmp_path):
    from tests.support.bulk import make_archive

    archive = make_archive(tmp_path / "in.jsonl", 2, sentences=6)
    text = json.loads(archive.read_text(encoding="utf-8").splitlines()[0])["text"]
    article = tmp_path / "art-0000.txt"
    article.write_text(text, encoding="utf-8")
    files = {}
    for width in (60, 140):
        out = tmp_path / f"out{width}"
        done = runner.invoke(app, ["bulk", str(archive), "--out", str(out), "--models", str(registry_path), "-s", "fr", "--no-summary", "--per-article", "text", "--width", str(width), "-q"])
        assert done.exit_code == 0 and done.stderr == "", done.stderr
        assert sorted(p.name for p in (out / "articles").iterdir()) == ["art-0000.txt", "art-0001.txt"]
        files[width] = (out / "articles" / "art-0000.txt").read_text(encoding="utf-8")
        rows = [line for line in files[width].splitlines() if " | " in line]  # the side-by-side columns
        assert rows and max(map(len, rows)) <= width
        alone = runner.invoke(app, ["translate", str(article), "--models", str(registry_path), "-s", "fr", "-f", "text", "--width", str(width)])
        assert alone.exit_code == 0, alone.stderr
        assert files[width] == alone.stdout  # --width means in bulk what it means in run and translate
    assert max(len(line) for line in files[140].splitlines() if " | " in line) > 60  # the width really bit


def test_bulk_width_without_per_article_text_is_one_error_line(registry_path, tmp_path):
    from tests.support.bulk import make_archive

    out = tmp_path / "out"
    done = runner.invoke(app, ["bulk", str(make_archive(tmp_path / "in.jsonl", 1)), "--out", str(out), "--models", str(registry_path), "--per-article", "md", "--width", "80"])
    assert done.exit_code == 1 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("Error: --width shapes the text format") and "--per-article text" in done.stderr
    assert not out.exists()


@pytest.mark.parametrize("command", ["run", "translate"])
def test_run_and_translate_keep_a_translation_cache_as_bulk_does(registry_path, tmp_path, command):
    from summarise.pipeline import SQLiteCache

    article = tmp_path / "a.txt"
    article.write_text("Le président condamne la guerre. Le ministre parle.\n\nLa ville est calme.\n", encoding="utf-8")
    cache = tmp_path / "mt.sqlite"
    args = [command, str(article), "--models", str(registry_path), "-s", "fr", "-f", "jsonl", "--cache", str(cache)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.stderr
    assert len(SQLiteCache(cache)) == 3  # one entry per sentence
    again = runner.invoke(app, args)
    pairs = [json.loads(line) for line in again.stdout.splitlines() if json.loads(line)["kind"] == "pair"]
    assert again.exit_code == 0 and again.stdout == first.stdout and len(pairs) == 3
    folder = runner.invoke(app, [command, str(article), "--models", str(registry_path), "-s", "fr", "--cache", str(tmp_path)])
    assert folder.exit_code == 1 and folder.stderr.startswith("Error: ") and folder.stderr.count("\n") == 1, folder.stderr
