"""One table of output formats: render(), the CLI's choices and per-article suffixes all read it."""

from __future__ import annotations

import json

import pytest

from summarise.cli import _choices as cli
from summarise.cli._common import ExitCode
from summarise.errors import OutputError
from summarise.output import FORMATS, PER_ARTICLE_FORMATS, RENDERERS, render, renderer
from summarise.pipeline import LENGTHS


@pytest.fixture(scope="module")
def result(summariser):
    return summariser.summarise("Le président condamne la guerre. Le ministre parle.", source_lang="fr")


@pytest.mark.parametrize("bad", ["htm", "txt ", "", "JSON", "pdf"])
def test_an_unknown_format_is_an_error_listing_the_choices(result, bad):
    with pytest.raises(OutputError, match=r"unknown output format .*expected one of: text, markdown, json, html"):
        render(result, bad)


@pytest.mark.parametrize("entry", RENDERERS, ids=lambda entry: entry.name)
def test_every_format_renders_by_name_and_by_suffix(result, entry):
    text = render(result, entry.name)
    assert text == render(result, entry.suffix) and text.strip()
    checks = {
        "json": lambda t: json.loads(t)["signature"] == result.signature,
        "html": lambda t: t.startswith("<!DOCTYPE html>"),
        "markdown": lambda t: "## Summary" in t,
        "text": lambda t: t.startswith("SUMMARY"),
        "english": lambda t: t == "\n\n".join(english for _, english in result.paragraphs()) + "\n",
        "summary": lambda t: t == result.summary + "\n",
        "jsonl": lambda t: [json.loads(line)["kind"] for line in t.splitlines()] == ["pair"] * len(result.pairs) + ["summary"],
    }
    assert checks[entry.name](text)


def test_cli_choices_come_from_the_tables():
    assert [cli.parse_format(s) for r in RENDERERS for s in r.spellings] == [r.name for r in RENDERERS for s in r.spellings]
    assert [cli.parse_format(name) for name in FORMATS] == [r.name for r in RENDERERS]
    assert [cli.parse_per_article(s) for s in ("markdown", "md", "MD", "json", "html", "text", "txt")] == ["md", "md", "md", "json", "html", "txt", "txt"]
    assert {renderer(name).suffix for name in cli.PER_ARTICLE_NAMES} == set(PER_ARTICLE_FORMATS) == {"txt", "md", "json", "html"}
    assert [member.value for member in cli.Length] == list(LENGTHS)
    assert renderer("md").name == "markdown"


def test_one_exit_code_table():
    assert [(code.name, int(code)) for code in ExitCode] == [("OK", 0), ("ERROR", 1), ("USAGE", 2), ("FLAGGED", 3), ("INTERRUPTED", 130)]


def test_an_internal_error_is_a_traceback_not_a_user_error(tmp_path):
    from summarise.bulk import ArchiveWriter
    from summarise.errors import SummariseError

    writer = ArchiveWriter(tmp_path / "out.jsonl")
    with pytest.raises(RuntimeError) as caught:
        writer.write(None)  # type: ignore[arg-type]
    assert not isinstance(caught.value, SummariseError)
