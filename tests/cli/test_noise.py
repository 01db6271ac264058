"""run/translate keep library noise off the terminal: our own lines only, and with -q errors and "wrote FILE" only."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from summarise.cli import app, _quieting as quieting
from tests.support.articles import HEADLINE, PARAGRAPHS, long_sentence

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def long_article(tmp_path):
    """A 600-word sentence: some 670 tokens, past the tokenizer's model_max_length of 512.

    Counting its tokens (to split it for the model's window) makes transformers warn
    "Token indices sequence length is longer than the specified maximum sequence length".
    """
    path = tmp_path / "long.txt"
    path.write_text("\n\n".join([HEADLINE, PARAGRAPHS[0], long_sentence(600), PARAGRAPHS[1]]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["run", "translate"])
@pytest.mark.parametrize("quiet", [[], ["-q"]])
def test_a_long_sentence_leaves_only_our_own_line(tmp_path, long_article, registry_path, command, quiet):
    out = tmp_path / "out.txt"
    done = subprocess.run(
        [sys.executable, "-m", "summarise", command, str(long_article), "--models", str(registry_path), "--device", "cpu", "-o", str(out), *quiet],
        capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert "Token indices" not in done.stderr
    if quiet:
        assert done.stderr == f"wrote {out}\n"
    else:  # our own notes may come first (a first CTranslate2 conversion says so), one line each
        *notes, last = done.stderr.splitlines()
        assert last == f"wrote {out}"
        assert all(note.startswith("Warning: ") for note in notes), done.stderr
    assert "Selon" in out.read_text(encoding="utf-8")


def test_our_warnings_are_one_line_and_quiet_keeps_errors_only(capsys):
    logger = logging.getLogger("summarise")
    quieting.quiet_libraries(quiet=False)
    logger.warning("a batch of %d articles failed (%s); trying them one by one", 3, "first line\n  second line")
    assert capsys.readouterr().err == "Warning: a batch of 3 articles failed (first line second line); trying them one by one\n"
    quieting.quiet_libraries(quiet=True)
    logger.warning("hidden by -q")
    logger.error("shown")
    assert capsys.readouterr().err == "Error: shown\n"
    quieting.quiet_libraries(quiet=False)  # leave the handler as a plain run would
    assert sum(isinstance(h, quieting.OneLineWarnings) for h in logger.handlers) == 1


def test_quiet_also_hides_the_inputs_own_warnings(tmp_path, registry_path):
    """A repaired byte is worth a Warning line, except under -q."""
    from typer.testing import CliRunner

    page = tmp_path / "damaged.txt"
    page.write_bytes(PARAGRAPHS[0].encode("utf-8") + b" \xff " + PARAGRAPHS[1].encode("utf-8"))
    out = tmp_path / "out.txt"
    args = ["translate", str(page), "--models", str(registry_path), "-s", "fr", "--device", "cpu", "-o", str(out)]
    loud = CliRunner().invoke(app, args)
    assert loud.exit_code == 0, loud.stderr
    assert loud.stderr.splitlines()[0].startswith("Warning: ") and loud.stderr.endswith(f"wrote {out}\n")
    quiet = CliRunner().invoke(app, [*args, "-q"])
    assert quiet.exit_code == 0, quiet.stderr
    assert quiet.stderr == f"wrote {out}\n"
