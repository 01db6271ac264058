"""Bulk under hostile inputs and outputs: symlinks, one lock per records file, full disks, colliding file names."""

from __future__ import annotations

import json
import os
import random
import sys
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarise.bulk import ArchiveWriter, iter_articles, translate_archive
from summarise.cli import app
from summarise.errors import InputError, OutputError
from tests.support.faults import small_disk_run
from tests.support.bulk import article_text, read_records, write_jsonl

runner = CliRunner()


@pytest.fixture(scope="module")
def bulk_summariser(forced_registry):
    from summarise import Summariser

    return Summariser(forced_registry, device="cpu")


def _folder_with_links(tmp_path: Path) -> Path:
    rng = random.Random(11)
    secret = tmp_path / "secret.txt"
    secret.write_text("Le mot de passe est hibou.")
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(article_text(rng))
    (folder / "sub" / "b.txt").write_text(article_text(rng))
    (folder / "leak.txt").symlink_to(secret)  # leaves the input folder
    (folder / "loop.txt").symlink_to(folder / "loop.txt")  # ELOOP
    (folder / "ring").symlink_to(folder / "ring2")  # a loop through folder links
    (folder / "ring2").symlink_to(folder / "ring")
    (folder / "inside.txt").symlink_to(folder / "a.txt")  # inside: followed
    (folder / "outdir").symlink_to(tmp_path)  # a folder outside
    os.mkfifo(folder / "pipe.txt")  # would block a reader forever
    return folder


def test_symlinks_leaving_the_input_and_loops_are_not_read_and_never_stop_the_run(tmp_path, bulk_summariser):
    folder = _folder_with_links(tmp_path)
    run = translate_archive([folder], summariser=bulk_summariser, out=tmp_path / "out", source_lang="fr")
    records = list(run)
    assert sorted(r.id for r in records) == ["a.txt", "inside.txt", "sub/b.txt"] and all(r.ok for r in records)
    assert run.stats.unread == 6
    reasons = dict(example.split(": ", 1) for example in run.stats.unread_examples)
    assert reasons == {
        "leak.txt": "symlink to a place outside the input folder",
        "loop.txt": "symlink loop",
        "outdir": "symlink to a folder outside the input folder",
        "pipe.txt": "not a regular file",
        "ring": "symlink loop",
        "ring2": "symlink loop",
    }
    assert "hibou" not in (tmp_path / "out" / "records.jsonl").read_text()
    assert "6 not read (symlinks leaving the input, loops, not regular files)" in run.stats.line()


def test_the_cli_counts_what_it_did_not_read_in_its_end_line(tmp_path, forced_registry):
    folder = _folder_with_links(tmp_path)
    result = runner.invoke(app, ["bulk", str(folder), "--out", str(tmp_path / "out"), "--models", str(forced_registry), "-s", "fr", "--no-summary"])
    assert result.exit_code == 0, result.stderr
    assert "not read: leak.txt: symlink to a place outside the input folder" in result.stderr
    assert "not read: loop.txt: symlink loop" in result.stderr
    end = [line for line in result.stderr.splitlines() if line.startswith("bulk: ")]
    assert len(end) == 1 and "3 ok" in end[0] and "not read (symlinks leaving the input, loops, not regular files)" in end[0]


def test_a_link_swapped_after_the_walk_is_checked_again(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Le chat dort.")
    (folder / "b.txt").symlink_to(folder / "a.txt")
    (tmp_path / "secret.txt").write_text("hibou")
    articles = iter_articles([folder])
    first = next(articles)
    (folder / "b.txt").unlink()
    (folder / "b.txt").symlink_to(tmp_path / "secret.txt")
    second = next(articles)
    assert first.id == "a.txt" and second.id == "b.txt"
    assert second.content is None and second.skip == "symlink to a place outside the input folder"


def test_one_records_file_one_lock_whatever_the_spelling(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "alias").symlink_to(out)
    monkeypatch.chdir(tmp_path)
    with ArchiveWriter(out):
        for spelling in (out / "records.jsonl", Path("out"), Path("out/records.jsonl"), Path("alias"), Path("./alias/../out/records.jsonl")):
            with pytest.raises(OutputError, match="in use by another `summarise bulk` run"):
                ArchiveWriter(spelling).open()
    with ArchiveWriter(Path("alias/records.jsonl")):
        with pytest.raises(OutputError, match="in use"):
            ArchiveWriter(out).open()
    assert not list(out.glob("*.lock"))


def test_input_that_is_the_output_says_why_nothing_would_happen(tmp_path, forced_registry):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Le chat dort.")
    with pytest.raises(InputError, match="is the run's output"):
        list(iter_articles([folder], exclude=[folder]))
    for out in (folder, tmp_path):
        result = runner.invoke(app, ["bulk", str(folder), "--out", str(out), "--models", str(forced_registry), "-s", "fr", "--no-summary"])
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: ") and "is the run's output (--out), or inside it" in result.stderr
    # An output folder inside the input is fine: it is left out of the input.
    result = runner.invoke(app, ["bulk", str(folder), "--out", str(folder / "out"), "--models", str(forced_registry), "-s", "fr", "--no-summary"])
    assert result.exit_code == 0, result.stderr


def test_per_article_names_are_unique_per_run_and_mapped_in_the_records(tmp_path, bulk_summariser):
    from summarise.bulk import safe_name

    rng = random.Random(12)
    crafted = safe_name("a/b")  # an id that spells another id's file name
    ids = ["Report", "report", "REPORT", "a/b", crafted, "evil\u202etxt.exe", "e\u0301t\u00e9", "\u00e9t\u00e9"]
    archive = write_jsonl(tmp_path / "a.jsonl", [{"id": i, "text": article_text(rng)} for i in ids])
    out = tmp_path / "out"
    records = list(translate_archive([archive], summariser=bulk_summariser, out=out, source_lang="fr", per_article="json"))
    assert all(r.ok for r in records)
    lines = read_records(out / "records.jsonl")
    files = {line["id"]: line["article_file"] for line in lines}
    assert set(files) == set(ids)
    folded = {unicodedata.normalize("NFC", unicodedata.normalize("NFD", name).casefold()) for name in files.values()}
    assert len(folded) == len(ids)  # unique even where case and normalisation do not count
    for article_id, name in files.items():
        assert name.startswith("articles/") and "\u202e" not in name
        data = json.loads((out / name).read_text())
        assert data["pairs"][0]["source"] == next(r for r in records if r.id == article_id).pairs[0].source
    # Resume: the same files, nothing redone.
    again = translate_archive([archive], summariser=bulk_summariser, out=out, source_lang="fr", per_article="json")
    assert list(again) == [] and again.stats.skipped == len(ids)


def test_a_full_disk_in_bulk_is_one_error_line_and_rerunning_resumes(tmp_path, forced_registry):
    rng = random.Random(13)
    archive = write_jsonl(tmp_path / "a.jsonl", [{"id": f"n{i}", "text": article_text(rng, sentences=4)} for i in range(60)])
    mount = tmp_path / "small"
    script = f"""
import json, subprocess, sys
mount = sys.argv[1]
command = [sys.executable, "-m", "summarise", "bulk", {str(archive)!r}, "--out", mount + "/out", "--models", {str(forced_registry)!r},
           "-s", "fr", "--no-summary", "--window", "20"]
first = subprocess.run(command, capture_output=True, text=True)
lines = open(mount + "/out/records.jsonl", "rb").read().split(b"\\n")
subprocess.run(["mount", "-o", "remount,size=8m", mount], check=True)
second = subprocess.run(command, capture_output=True, text=True)
records = [json.loads(line) for line in open(mount + "/out/records.jsonl", "rb")]
print(json.dumps({{"rc1": first.returncode, "err1": first.stderr, "whole": len(lines) - 1,
                   "rc2": second.returncode, "err2": second.stderr, "ids": sorted(r["id"] for r in records)}}))
"""
    done = small_disk_run(mount, script, size="48k", args=[str(mount)], timeout=600)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["rc1"] == 1, report["err1"]
    errors = [line for line in report["err1"].splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("Error: no space left on the device while writing"), report["err1"]
    assert "run the same command again: it resumes" in errors[0] and "Traceback" not in report["err1"]
    assert 0 < report["whole"] < 60
    assert report["rc2"] == 0, report["err2"]
    assert report["ids"] == sorted(f"n{i}" for i in range(60))  # each once: the torn tail was dropped, the rest resumed
    assert f", {report['whole']} skipped (already done)" in report["err2"]


def test_a_file_deleted_during_the_run_is_said_to_be_missing_not_unreadable(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text("Le chat dort.")
    articles = iter_articles([folder])
    first = next(articles)
    (folder / "b.txt").unlink()
    second = next(articles)
    assert first.error is None and second.id == "b.txt"
    assert second.error == "b.txt does not exist: check the path (it may have been moved or deleted)"


def test_an_oversized_article_in_bulk_is_not_told_to_use_bulk(tmp_path, bulk_summariser):
    from summarise.inputs import MAX_INPUT_BYTES

    archive = write_jsonl(tmp_path / "a.jsonl", [{"id": "big", "text": "a" * (MAX_INPUT_BYTES + 1)}])
    (record,) = list(translate_archive([archive], summariser=bulk_summariser, source_lang="fr"))
    assert "over the 20.0 MiB input limit" in record.error and "summarise bulk" not in record.error
