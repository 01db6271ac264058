"""Output that pipes (issue 23, items 1 and 4): the English alone, the summary alone, JSON Lines;
standard input read without '-'; a pipe's default format; one vocabulary of format names."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarise.cli import app
from tests import tinymodels
from tests.support.bulk import make_archive

runner = CliRunner()
TWO_PARAGRAPHS = "Le président condamne la guerre. Le ministre parle.\n\nLa ville est calme. Les écoles sont ouvertes.\n"


def invoke(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


@pytest.fixture
def article_file(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(TWO_PARAGRAPHS, encoding="utf-8")
    return path


def _full(registry_path, article_file, command="run"):
    done = invoke(command, article_file, "--models", registry_path, "-s", "fr", "-f", "json")
    assert done.exit_code == 0, done.stderr
    return json.loads(done.stdout)


def test_english_is_the_translation_alone_with_its_paragraphs(registry_path, article_file):
    done = invoke("translate", article_file, "--models", registry_path, "-s", "fr", "--format", "english")
    assert done.exit_code == 0, done.stderr
    expected = [" ".join(tinymodels.normalise(s) for s in paragraph.split(". ") if s) for paragraph in TWO_PARAGRAPHS.strip().split("\n\n")]
    paragraphs = done.stdout.rstrip("\n").split("\n\n")
    assert len(paragraphs) == 2
    full = _full(registry_path, article_file, "translate")
    by_paragraph = {}
    for pair in full["pairs"]:
        by_paragraph.setdefault(pair["paragraph"], []).append(pair["translation"])
    assert paragraphs == [" ".join(parts) for parts in by_paragraph.values()]
    assert len(expected) == len(paragraphs)
    assert "SUMMARY" not in done.stdout and "signature" not in done.stdout


def test_summary_is_the_summary_alone(registry_path, article_file):
    done = invoke("run", article_file, "--models", registry_path, "-s", "fr", "-f", "summary")
    assert done.exit_code == 0, done.stderr
    assert done.stdout == _full(registry_path, article_file)["summary"] + "\n"


def test_translate_refuses_summary_before_any_work(registry_path, article_file):
    done = invoke("translate", article_file, "--models", registry_path, "-s", "fr", "-f", "summary")
    assert done.exit_code == 1 and done.stdout == ""
    assert done.stderr.startswith("Error: translate makes no summary") and done.stderr.count("\n") == 1


def test_jsonl_is_one_object_per_sentence_pair_then_the_summary(registry_path, article_file):
    done = invoke("run", article_file, "--models", registry_path, "-s", "fr", "-f", "jsonl")
    assert done.exit_code == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    full = _full(registry_path, article_file)
    assert [r["kind"] for r in records] == ["pair"] * len(full["pairs"]) + ["summary"]
    assert [r["translation"] for r in records[:-1]] == [p["translation"] for p in full["pairs"]]
    assert [r["index"] for r in records[:-1]] == list(range(len(full["pairs"])))
    assert records[-1]["summary"] == full["summary"] and records[-1]["signature"] == full["signature"]


def test_standard_input_is_read_without_a_dash_when_it_is_a_pipe(registry_path, article_file):
    with_dash = invoke("translate", "-", "--models", registry_path, "-s", "fr", "-f", "english", input=TWO_PARAGRAPHS)
    without = invoke("translate", "--models", registry_path, "-s", "fr", "-f", "english", input=TWO_PARAGRAPHS)
    assert without.exit_code == 0, without.stderr
    assert without.stdout == with_dash.stdout and without.stdout.count("\n\n") == 1


@pytest.mark.parametrize("command, expected", [("run", "summary"), ("translate", "english")])
def test_a_pipe_gets_the_commands_plain_result_by_default(registry_path, article_file, command, expected):
    default = invoke(command, article_file, "--models", registry_path, "-s", "fr")
    explicit = invoke(command, article_file, "--models", registry_path, "-s", "fr", "-f", expected)
    assert default.exit_code == 0, default.stderr
    assert default.stdout == explicit.stdout and "ORIGINAL (fr)" not in default.stdout


def test_a_file_output_keeps_the_text_format_by_default(registry_path, article_file, tmp_path):
    target = tmp_path / "out.txt"
    done = invoke("run", article_file, "--models", registry_path, "-s", "fr", "-o", target)
    assert done.exit_code == 0, done.stderr
    assert target.read_text(encoding="utf-8").startswith("SUMMARY")


@pytest.mark.parametrize("short, long", [("md", "markdown"), ("txt", "text"), ("MD", "markdown"), ("en", "english")])
def test_format_aliases_give_the_same_output(registry_path, article_file, short, long):
    a = invoke("run", article_file, "--models", registry_path, "-s", "fr", "-f", short, "--width", "80")
    b = invoke("run", article_file, "--models", registry_path, "-s", "fr", "-f", long, "--width", "80")
    assert a.exit_code == 0, a.stderr
    assert a.stdout == b.stdout


def test_an_unknown_format_is_a_usage_error_listing_the_names(registry_path, article_file):
    done = invoke("run", article_file, "--models", registry_path, "-f", "pdf")
    assert done.exit_code == 2
    assert "markdown (md)" in done.stderr and "jsonl" in done.stderr


def test_the_readme_pipe_works_as_written(registry_path, tmp_path):
    """`curl … | summarise translate -s fr -f english | head -n 5`, with a local HTML page in place of curl."""
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>La guerre</title></head><body><article><p>" + TWO_PARAGRAPHS.replace("\n\n", "</p><p>") + "</p></article></body></html>", encoding="utf-8")
    summarise = Path(sys.executable).with_name("summarise")
    assert summarise.exists()
    env = {**os.environ, "SUMMARISE_MODELS": str(registry_path)}
    done = subprocess.run(f"cat {page} | {summarise} translate -s fr -f english | head -n 5", shell=True, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert " ".join(tinymodels.normalise(s) for s in ("Le président condamne la guerre.", "Le ministre parle.")) in lines
    assert len(lines) <= 5 and "SUMMARY" not in done.stdout


@pytest.mark.parametrize("spelling", ["markdown", "md"])
def test_per_article_takes_the_format_names_of_format(registry_path, tmp_path, spelling):
    archive = make_archive(tmp_path / "in.jsonl", 2)
    out = tmp_path / "out"
    done = invoke("bulk", archive, "--out", out, "--models", registry_path, "-s", "fr", "--no-summary", "--per-article", spelling)
    assert done.exit_code == 0, done.stderr
    assert sorted(p.name for p in (out / "articles").iterdir()) == ["art-0000.md", "art-0001.md"]


def test_per_article_refuses_a_format_it_cannot_write(registry_path, tmp_path):
    done = invoke("bulk", make_archive(tmp_path / "in.jsonl", 1), "--out", tmp_path / "out", "--models", registry_path, "--per-article", "english")
    assert done.exit_code == 2 and "text (txt), markdown (md), json, html" in done.stderr
    assert not (tmp_path / "out").exists()


def test_flags_left_out_of_a_plain_format_are_one_warning_line(registry_path, article_file):
    full = _full(registry_path, article_file, "translate")
    flagged = [p for p in full["pairs"] if p.get("flags")]
    assert flagged  # the tiny model drops the words it does not know: the checks flag those sentences
    loud = invoke("translate", article_file, "--models", registry_path, "-s", "fr", "-f", "english")
    warnings = [line for line in loud.stderr.splitlines() if line.startswith("Warning: flagged")]
    assert len(warnings) == 1 and "--format text or jsonl shows them" in warnings[0]
    quiet = invoke("translate", article_file, "--models", registry_path, "-s", "fr", "-f", "english", "-q")
    assert "flagged" not in quiet.stderr and quiet.stdout == loud.stdout


@pytest.mark.parametrize("flag", ["--out", "-o"])
def test_bulk_out_dash_is_one_line_refusal_and_no_folder_named_dash(registry_path, tmp_path, monkeypatch, flag):
    archive = make_archive(tmp_path / "in.jsonl", 2)
    monkeypatch.chdir(tmp_path)
    done = invoke("bulk", archive, flag, "-", "--models", registry_path)
    assert done.exit_code == 1 and done.stdout == ""
    assert done.stderr.startswith("Error: --out - cannot be resumed") and done.stderr.count("\n") == 1
    assert "--out FILE.jsonl" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_the_library_refuses_dash_too(tmp_path):
    from summarise.bulk import ArchiveWriter
    from summarise.errors import OutputError

    with pytest.raises(OutputError, match="--out - cannot be resumed"):
        ArchiveWriter("-")


def test_a_jsonl_whose_first_record_lacks_the_text_field_fails_before_any_work(registry_path, tmp_path):
    from tests.support.bulk import write_jsonl

    archive = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "body": "Le président parle."}, {"id": "b", "body": "La guerre."}])
    out = tmp_path / "out"
    done = invoke("bulk", archive, "--out", out, "--models", registry_path, "-s", "fr")
    assert done.exit_code == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("Error: ") and "first record has no 'text' field: pass --text-field with one of its fields: 'id', 'body'" in done.stderr
    assert not out.exists()
    named = invoke("bulk", archive, "--out", out, "--models", registry_path, "-s", "fr", "--text-field", "body", "--no-summary")
    assert named.exit_code == 0, named.stderr


def test_run_on_a_terminal_shows_the_summary_stage(registry_path, article_file):
    """stderr a terminal (FORCE_COLOR makes rich treat it as one): a spinner names the summary stage, then goes (issue 23 item 6)."""
    done = runner.invoke(app, ["run", str(article_file), "--models", str(registry_path), "-s", "fr", "-f", "summary"], env={"FORCE_COLOR": "1"})
    assert done.exit_code == 0, done.stderr
    assert "translating" in done.stderr and "summarising" in done.stderr
    assert done.stderr.index("translating") < done.stderr.index("summarising")
    quiet = runner.invoke(app, ["run", str(article_file), "--models", str(registry_path), "-s", "fr", "-f", "summary", "-q"], env={"FORCE_COLOR": "1"})
    assert "summarising" not in quiet.stderr and quiet.stdout == done.stdout
    plain = runner.invoke(app, ["translate", str(article_file), "--models", str(registry_path), "-s", "fr", "-f", "english"], env={"FORCE_COLOR": "1"})
    assert "translating" in plain.stderr and "summarising" not in plain.stderr  # translate makes no summary


def test_the_installed_run_shows_each_stage_on_a_terminal_and_nothing_in_a_pipe(registry_path, article_file):
    """Model loading, translation, then the summary each name themselves on a terminal's stderr (issue 23 item 6);
    -q and a pipe get none of it, and stdout is the same in all three."""
    from tests.support.terminal import on_a_terminal

    summarise = Path(sys.executable).with_name("summarise")
    command = [str(summarise), "run", str(article_file), "--models", str(registry_path), "-s", "fr", "-f", "summary", "--device", "cpu"]
    env = dict(os.environ)
    status, stdout, terminal = on_a_terminal(command, env)
    assert status == 0, terminal
    stages = [terminal.find(text) for text in ("loading the translation model", "translating", "summarising")]
    assert -1 not in stages and stages == sorted(stages), terminal
    assert stdout.strip()

    status, quiet_stdout, quiet_terminal = on_a_terminal([*command, "-q"], env)
    assert status == 0 and quiet_terminal == "" and quiet_stdout == stdout

    piped = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert piped.returncode == 0 and piped.stdout == stdout
    assert "\x1b" not in piped.stderr  # no cursor movement, no colour: a log file reads clean
    for text in ("loading", "translating", "summarising"):
        assert text not in piped.stderr, piped.stderr
