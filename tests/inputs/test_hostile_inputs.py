"""Hostile inputs: endless streams, damaged UTF-8, CESU-8; and the CLI's -o and stdout under stress."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from summarise.cli import app
from summarise.errors import InputError
from summarise.inputs._reading import decode_bytes_warning, read_document, read_limited
from tests.support.faults import ROOT

runner = CliRunner()
SECRETAIRE = "Le secrétaire général a été élu à l'unanimité. Ça déçoit les élèves, déjà inquiets.\n"


def _limited_memory() -> None:
    """1.5 GiB of address space: an unbounded read of an endless stream dies instead of eating the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))


def _cli(*args: str, stdin=None, stdout=subprocess.PIPE, input=None, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "summarise", *args],
        stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, input=input,
        env={**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"},  # now: the test's isolated caches
        timeout=timeout, preexec_fn=_limited_memory,
    )


# -- bounded reads -----------------------------------------------------------------


def test_an_endless_device_is_refused_at_the_limit():
    with pytest.raises(InputError, match=r"^zero is over the 1\.0 MiB input limit \(reading stopped there\)"):
        read_document(__import__("pathlib").Path("/dev/zero"), max_bytes=1024 * 1024)


def test_read_limited_reads_no_more_than_the_limit_plus_one():
    class Endless:
        asked = 0

        def read(self, size):
            self.asked += size
            return b"y\n" * (size // 2) + b"y" * (size % 2)

    stream = Endless()
    with pytest.raises(InputError, match="stdin is over the"):
        read_limited(stream, name="stdin", max_bytes=3 * 1024 * 1024 + 5)
    assert stream.asked == 3 * 1024 * 1024 + 6
    assert read_limited(__import__("io").BytesIO(b"abc"), max_bytes=3) == b"abc"


def test_translate_dev_zero_fails_fast_with_bounded_memory():
    done = _cli("translate", "/dev/zero", "-s", "fr")
    assert done.returncode == 1, done.stderr
    assert done.stderr.decode().startswith("Error: zero is over the 20.0 MiB input limit")
    assert done.stdout == b""


def test_an_endless_stdin_fails_fast_with_bounded_memory():
    yes = subprocess.Popen(["yes"], stdout=subprocess.PIPE)
    try:
        done = _cli("translate", "-", "-s", "fr", stdin=yes.stdout)
    finally:
        yes.kill()
        yes.wait()
    assert done.returncode == 1, done.stderr
    assert done.stderr.decode().splitlines() == ["Error: stdin is over the 20.0 MiB input limit (reading stopped there): split it into smaller articles, or raise max_bytes"]


# -- mojibake --------------------------------------------------------------------------


def test_one_bad_byte_in_utf8_keeps_utf8_and_says_how_many_bytes():
    data = SECRETAIRE.encode("utf-8").replace(b"inquiets", b"inqui\xe8ts")  # one cp1252 byte slipped in
    text, encoding, warning = decode_bytes_warning(data, name="a.txt")
    assert encoding == "utf-8"
    assert text == SECRETAIRE.replace("inquiets", "inqui\ufffdts")
    assert warning.startswith("a.txt: 1 byte(s) are not valid UTF-8 and were replaced by U+FFFD")
    document = read_document(data, name="a.txt")
    assert "Le secrétaire général" in document.text
    assert document.warnings == (warning,) and document.to_dict()["warnings"] == [warning]


def test_a_guessed_legacy_code_page_is_said():
    text, encoding, warning = decode_bytes_warning(SECRETAIRE.encode("cp1252"), name="a.txt")
    assert (text, encoding) == (SECRETAIRE, "cp1252")
    assert warning.startswith("a.txt is not UTF-8: its encoding was guessed as cp1252 (15 non-ASCII bytes)")


def test_clean_utf8_and_declared_charsets_have_no_warning():
    assert decode_bytes_warning(SECRETAIRE.encode("utf-8"))[2] is None
    page = b'<html><head><meta charset="iso-8859-1"></head><body><p>' + SECRETAIRE.encode("latin-1") + b"</p></body></html>"
    assert decode_bytes_warning(page, prefer="iso-8859-1")[1:] == ("cp1252", None)


def test_cesu8_surrogates_decode():
    pair = "Le chat \ud83d\ude00 dort.".encode("utf-8", "surrogatepass")  # a pair written as two 3-byte sequences
    text, encoding, warning = decode_bytes_warning(pair)
    assert (text, encoding, warning) == ("Le chat \U0001F600 dort.", "utf-8", None)
    lone = "Le chat \ud800 dort, très bien.".encode("utf-8", "surrogatepass")
    document = read_document(lone, name="java.txt")
    assert document.text == "Le chat \ufffd dort, très bien."
    assert document.warnings == ("java.txt: 1 lone surrogate(s) (CESU-8) replaced by U+FFFD",)


def test_the_cli_warns_on_stderr_and_in_the_result(registry_path):
    data = SECRETAIRE.encode("utf-8").replace(b"inquiets", b"inqui\xe8ts")
    result = runner.invoke(app, ["translate", "-", "--models", str(registry_path), "-s", "fr", "-f", "json"], input=data)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0].startswith("Warning: stdin: 1 byte(s) are not valid UTF-8")
    assert json.loads(result.stdout)["metadata"]["warnings"][0].startswith("stdin: 1 byte(s) are not valid UTF-8")


@pytest.fixture(scope="module", autouse=True)
def _converted(registry_path):
    """Convert the translator for CTranslate2 (the default) up front: a first use in a subprocess
    would add its one conversion line to the stderr these tests count."""
    from summarise import Summariser

    Summariser(registry_path, device="cpu").translate(SECRETAIRE, source_lang="fr")


# -- -o and stdout ---------------------------------------------------------------------


def test_output_onto_the_input_is_refused_before_any_work(tmp_path, registry_path):
    article = tmp_path / "a.txt"
    article.write_text(SECRETAIRE)
    (tmp_path / "link.txt").symlink_to(article)
    for target in (article, tmp_path / "link.txt"):
        result = runner.invoke(app, ["translate", str(article), "--models", str(registry_path), "-o", str(target)])
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: --output") and "is the input file" in result.stderr
    assert article.read_text() == SECRETAIRE and (tmp_path / "link.txt").is_symlink()


def test_output_dash_is_standard_output(registry_path):
    result = runner.invoke(app, ["translate", "-", "--models", str(registry_path), "-s", "fr", "-f", "json", "-o", "-"], input=SECRETAIRE)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["pairs"] and "wrote" not in result.stderr


@pytest.mark.parametrize("where", ["stdout", "-o"])
def test_a_full_stdout_or_output_device_is_one_error_line(where, registry_path):
    args = ["translate", "-", "--models", str(registry_path), "-s", "fr", "--device", "cpu"]
    with open("/dev/full", "wb") as full:
        if where == "stdout":
            done = _cli(*args, input=SECRETAIRE.encode() * 40, stdout=full)
        else:
            done = _cli(*args, "-o", "/dev/full", input=SECRETAIRE.encode() * 40)
    stderr = done.stderr.decode()
    assert done.returncode == 1, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and stderr.strip().splitlines()[-1] == errors[0], stderr  # progress lines may come first
    assert errors[0].startswith("Error: no space left on the device while writing"), stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
