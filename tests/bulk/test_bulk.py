"""Bulk runs over generated archives: order, errors, duplicates, safety, resume, cache, crashes, memory.

The models are the tiny random Marian and BART of :mod:`tests.tinymodels`,
saved with a forced output length (end-of-sequence is suppressed until the
token budget's last step), so every output is deterministic, ends properly
and can be cached, and a run over thousands of articles stays fast.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from summarise import MemoryCache, SQLiteCache, Summariser
from summarise.bulk import ArchiveWriter, iter_articles, safe_name, summarise_archive, translate_archive
from summarise.errors import OutputError
from tests.support.bulk import SHARED, article_text, invoke, make_archive, read_records, sentence, write_jsonl

ROOT = Path(__file__).resolve().parents[2]

@pytest.fixture(scope="module")
def bulk_registry(forced_registry) -> Path:
    return forced_registry


@pytest.fixture(scope="module")
def bulk_summariser(bulk_registry) -> Summariser:
    return Summariser(bulk_registry, device="cpu")


# --------------------------------------------------------------------------- records and order


def test_records_come_in_input_order_with_the_core_results(tmp_path, bulk_summariser):
    archive = make_archive(tmp_path / "a.jsonl", 9, seed=1)
    texts = {row["id"]: row["text"] for row in read_records(archive)}
    records = list(translate_archive([archive], summariser=bulk_summariser, source_lang="fr", window_sentences=7))
    assert [r.id for r in records] == list(texts)
    assert [r.index for r in records] == list(range(9))
    for record in records:
        alone = bulk_summariser.translate(texts[record.id], source_lang="fr")  # the one-article call
        assert [p.source for p in record.pairs] == [p.source for p in alone.pairs]
        assert [p.translation for p in record.pairs] == [p.translation for p in alone.pairs]
        assert record.signature == alone.signature
        data = record.to_dict()
        assert data["lang"] == "fr" and data["error"] is None and "summary" not in data
        assert data["source"] == f"{archive.as_posix()}:{record.index + 1}"
        assert "original" not in data and data["pairs"][0]["source"] == record.pairs[0].source


def test_summaries_and_per_article_files(tmp_path, bulk_summariser):
    archive = make_archive(tmp_path / "a.jsonl", 4, seed=2)
    out = tmp_path / "out"
    run = summarise_archive([archive], summariser=bulk_summariser, out=out, source_lang="fr", per_article="md")
    records = list(run)
    assert run.stats.ok == 4 and run.stats.failed == 0
    lines = read_records(out / "records.jsonl")
    assert [line["id"] for line in lines] == [r.id for r in records]
    for line in lines:
        assert line["summary"] and "|sum:" in line["signature"]
        page = (out / "articles" / f"{line['id']}.md").read_text(encoding="utf-8")
        assert "## Summary" in page and line["pairs"][0]["source"].split()[0] in page
    assert not (out / ".lock").exists() and not (out / "records.jsonl.lock").exists()


# --------------------------------------------------------------------------- inputs


def test_folders_globs_and_fields(tmp_path, bulk_summariser):
    rng = random.Random(3)
    root = tmp_path / "archive"
    (root / "2024" / "01").mkdir(parents=True)
    (root / "2024" / "01" / "a.txt").write_text(article_text(rng), encoding="utf-8")
    (root / "2024" / "b.md").write_text("# Titre\n\n" + article_text(rng), encoding="utf-8")
    (root / "c.html").write_text(f"<html><body><article><p>{article_text(rng)}</p></article></body></html>", encoding="utf-8")
    (root / "notes.json").write_text("{}", encoding="utf-8")  # not an article kind
    (root / ".hidden.txt").write_text(article_text(rng), encoding="utf-8")
    assert [a.id for a in iter_articles(root)] == ["2024/01/a.txt", "2024/b.md", "c.html"]
    assert [a.id for a in iter_articles(str(root / "**" / "*.txt"))] == ["2024/01/a.txt"]
    assert [a.id for a in iter_articles(str(root / "2024" / "*"))] == ["01/a.txt", "b.md"]
    records = list(translate_archive(root, summariser=bulk_summariser, source_lang="fr"))
    assert all(r.ok for r in records) and records[1].result.metadata["format"] == "markdown"

    custom = write_jsonl(tmp_path / "c.jsonl", [{"key": "x1", "body": article_text(rng)}, {"body": article_text(rng)}])
    assert [a.id for a in iter_articles(custom, text_field="body", id_field="key")] == ["x1", "2"]
    assert [a.id for a in iter_articles([custom, custom], text_field="body", id_field="key")] == ["x1", f"{custom.as_posix()}:2", "x1#2", f"{custom.as_posix()}:2#2"]

    with pytest.raises(Exception, match="does not exist"):
        iter_articles(tmp_path / "missing")
    with pytest.raises(Exception, match="no article matches"):
        iter_articles(str(tmp_path / "*.nothing"))


def test_bad_lines_become_error_records_and_the_run_goes_on(tmp_path, bulk_registry):
    rng = random.Random(4)
    archive = tmp_path / "a.jsonl"
    write_jsonl(archive, [
        {"id": "good-1", "text": article_text(rng)},
        '{"id": "broken", "text": "Le président',  # malformed JSON
        {"id": "empty", "text": "   "},
        {"id": "no-text", "body": "Le président."},
        [1, 2, 3],
        {"id": "good-2", "text": article_text(rng)},
    ])
    with archive.open("ab") as out:
        out.write(b'{"id": "latin1", "text": "\xe9t\xe9"}\n')  # not UTF-8
    out = tmp_path / "out.jsonl"
    result = invoke("bulk", archive, "--out", out, "--models", bulk_registry, "-s", "fr", "--no-summary", "--device", "cpu")
    assert result.exit_code == 1, result.output
    records = read_records(out)
    assert [r["id"] for r in records] == ["good-1", "2", "empty", "no-text", "5", "good-2", "7"]
    errors = {r["id"]: r["error"] for r in records}
    assert errors["good-1"] is None and errors["good-2"] is None
    assert "not valid JSON" in errors["2"] and "empty" in errors["empty"]
    assert "'text' field" in errors["no-text"] and "not an object" in errors["5"] and "not UTF-8" in errors["7"]
    assert all(r["pairs"] == [] for r in records if r["error"])
    assert "bulk: 2 ok (0 all from the cache), 5 failed, 0 skipped" in result.stderr
    assert "failed: 2: line 2 of" in result.stderr


def test_a_batch_failing_in_the_model_only_fails_the_bad_article(tmp_path, bulk_registry):
    class Fragile(Summariser):
        """A model that breaks on one word, as real ones do on odd inputs (a CUDA assert, an OOM)."""

        def translate_prepared(self, items, progress=None):
            items = list(items)
            if any("POISON" in item.document.text for item in items):
                raise RuntimeError("device-side assert triggered")
            return super().translate_prepared(items, progress)

    rng = random.Random(5)
    rows = [{"id": f"a{i}", "text": article_text(rng)} for i in range(6)]
    rows[3]["text"] += " Le POISON est là."
    archive = write_jsonl(tmp_path / "a.jsonl", rows)
    run = translate_archive([archive], summariser=Fragile(bulk_registry, device="cpu"), source_lang="fr")
    records = list(run)
    assert [r.ok for r in records] == [True, True, True, False, True, True]
    assert records[3].error == "RuntimeError: device-side assert triggered"
    assert run.stats.ok == 5 and run.stats.failed == 1


def test_failures_print_without_control_characters(tmp_path, bulk_registry):
    archive = write_jsonl(tmp_path / "a.jsonl", [{"id": "evil\x1b[2J\x07", "text": ""}])
    result = invoke("bulk", archive, "--out", tmp_path / "out.jsonl", "--models", bulk_registry, "-s", "fr", "--no-summary")
    assert result.exit_code == 1
    assert "failed: evil\\x1b[2J\\x07: article evil" in result.stderr and "\x1b" not in result.stderr


def test_a_broken_setup_stops_the_run_instead_of_failing_every_article(tmp_path, bulk_registry):
    class Unpackaged(Summariser):
        def prepare(self, text, *, source_lang="auto"):
            raise ModuleNotFoundError("No module named 'sacremoses'")

    archive = make_archive(tmp_path / "a.jsonl", 3)
    out = tmp_path / "out.jsonl"
    with pytest.raises(ModuleNotFoundError):
        list(translate_archive([archive], summariser=Unpackaged(bulk_registry, device="cpu"), out=out, source_lang="fr"))
    assert not out.exists() and not Path(f"{out}.lock").exists()  # a run that wrote nothing leaves no empty records file


def test_duplicate_ids_are_kept_and_flagged(tmp_path, bulk_summariser):
    rng = random.Random(6)
    rows = [{"id": "same", "text": article_text(rng)} for _ in range(3)] + [{"id": "same#2", "text": article_text(rng)}]
    archive = write_jsonl(tmp_path / "a.jsonl", rows)
    out = tmp_path / "out"
    records = list(translate_archive([archive], summariser=bulk_summariser, out=out, source_lang="fr", per_article="json"))
    assert [r.id for r in records] == ["same", "same#2", "same#3", "same#2#2"]
    assert [("duplicate_id" in r.all_flags) for r in records] == [False, True, True, True]
    assert [json.loads((out / "articles" / f"{safe_name(r.id)}.json").read_text())["pairs"][0]["source"] for r in records] == [
        r.pairs[0].source for r in records
    ]
    # Same input, same ids: a re-run finds every one of them done.
    again = translate_archive([archive], summariser=bulk_summariser, out=out, source_lang="fr")
    assert list(again) == [] and again.stats.skipped == 4


# --------------------------------------------------------------------------- output safety


HOSTILE_IDS = ["../../escape", "/etc/passwd", "a/../../b", "nul\x00byte", "..", ".", ".lock", "records.jsonl", "CON", "x" * 5000, "é" * 300, "tab\tnew\nline", "back\\slash"]


def test_hostile_ids_never_leave_out(tmp_path, bulk_summariser):
    rng = random.Random(7)
    archive = write_jsonl(tmp_path / "a.jsonl", [{"id": i, "text": article_text(rng)} for i in HOSTILE_IDS])
    out = tmp_path / "deep" / "out"
    before = {p for p in tmp_path.rglob("*")}
    records = list(translate_archive([archive], summariser=bulk_summariser, out=out, source_lang="fr", per_article="json"))
    assert [r.id for r in records] == HOSTILE_IDS and all(r.ok for r in records)
    created = {p for p in tmp_path.rglob("*")} - before
    articles = out / "articles"
    files = sorted(p for p in created if p.is_file())
    assert files == sorted([out / "records.jsonl", *(articles / f"{safe_name(i)}.json" for i in HOSTILE_IDS)])
    assert len({p.name for p in files}) == len(HOSTILE_IDS) + 1
    for path in files:
        assert len(path.name.encode()) <= 200 and not path.name.startswith(".")
    assert [r["id"] for r in read_records(out / "records.jsonl")] == HOSTILE_IDS  # ids themselves are kept exactly

    # Asked for later, per-article files are made for the articles done before.
    lost = articles / f"{safe_name(HOSTILE_IDS[0])}.json"
    lost.unlink()
    again = translate_archive([archive], summariser=bulk_summariser, out=out, source_lang="fr", per_article="json")
    assert [r.id for r in again] == HOSTILE_IDS[:1] and again.stats.skipped == len(HOSTILE_IDS) - 1 and lost.exists()


def test_safe_name_properties():
    assert safe_name("2024/01/a.html") != safe_name("2024_01_a.html") == "2024_01_a.html"
    for hostile in HOSTILE_IDS:
        name = safe_name(hostile)
        assert "/" not in name and "\\" not in name and "\x00" not in name and name not in ("", ".", "..")
        assert not name.startswith(".") and len(name.encode()) <= 163


def test_two_runs_cannot_share_out(tmp_path, bulk_registry):
    archive = make_archive(tmp_path / "a.jsonl", 2)
    out = tmp_path / "out.jsonl"
    with ArchiveWriter(out):
        assert (tmp_path / "out.jsonl.lock").read_text().strip() == str(os.getpid())
        with pytest.raises(OutputError, match="in use by another `summarise bulk` run"):
            ArchiveWriter(out).open()
        result = invoke("bulk", archive, "--out", out, "--models", bulk_registry, "-s", "fr", "--no-summary")
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: ") and f"pid {os.getpid()}" in result.stderr
    assert not (tmp_path / "out.jsonl.lock").exists()
    with ArchiveWriter(out):  # free again
        pass


# --------------------------------------------------------------------------- resume


def test_resume_skips_done_articles_and_redoes_changed_ones(tmp_path, bulk_summariser):
    rng = random.Random(8)
    rows = [{"id": f"a{i}", "text": article_text(rng)} for i in range(8)]
    rows[5]["text"] = ""  # fails the first time
    archive = write_jsonl(tmp_path / "a.jsonl", rows)
    out = tmp_path / "out.jsonl"
    first = translate_archive([archive], summariser=bulk_summariser, out=out, source_lang="fr")
    assert first.run().failed == 1

    rows[2]["text"] = article_text(rng)  # edited since
    rows[5]["text"] = article_text(rng)  # fixed since
    rows.append({"id": "a8", "text": article_text(rng)})  # new
    write_jsonl(archive, rows)
    second = translate_archive([archive], summariser=bulk_summariser, out=out, source_lang="fr")
    assert [r.id for r in second] == ["a2", "a5", "a8"]
    assert second.stats.skipped == 6 and second.stats.failed == 0

    records = read_records(out)
    assert sorted(r["id"] for r in records) == [f"a{i}" for i in range(9)]  # compacted: one line per id
    by_id = {r["id"]: r for r in records}
    assert by_id["a2"]["pairs"][0]["source"] == rows[2]["text"].split(". ")[0] + "."
    assert all(r["error"] is None for r in records)

    # Other settings, other signature: nothing counts as done.
    summaries = summarise_archive([archive], summariser=bulk_summariser, out=out, source_lang="fr")
    assert summaries.run().ok == 9 and summaries.stats.skipped == 0
    assert all(r["summary"] for r in read_records(out)) and len(read_records(out)) == 9


def test_a_torn_last_line_is_dropped_and_redone(tmp_path, bulk_summariser):
    archive = make_archive(tmp_path / "a.jsonl", 5, seed=9)
    out = tmp_path / "out.jsonl"
    translate_archive([archive], summariser=bulk_summariser, out=out, source_lang="fr").run()
    lines = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(b"".join(lines[:3]) + lines[3][: len(lines[3]) // 2])  # killed in the middle of record 4
    again = translate_archive([archive], summariser=bulk_summariser, out=out, source_lang="fr")
    assert [r.id for r in again] == ["art-0003", "art-0004"]
    assert [r["id"] for r in read_records(out)] == [f"art-{i:04d}" for i in range(5)]


def test_out_inside_the_input_folder_is_not_read_back(tmp_path, bulk_summariser):
    rng = random.Random(10)
    folder = tmp_path / "archive"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.txt").write_text(article_text(rng), encoding="utf-8")
    out = folder / "out"
    for _ in range(2):
        run = translate_archive(folder, summariser=bulk_summariser, out=out, source_lang="fr", per_article="md")
        run.run()
    assert run.stats.skipped == 3 and run.stats.processed == 0
    assert sorted(r["id"] for r in read_records(out / "records.jsonl")) == ["0.txt", "1.txt", "2.txt"]


# --------------------------------------------------------------------------- cache


def test_repeated_sentences_are_translated_once(tmp_path, bulk_summariser):
    archive = make_archive(tmp_path / "a.jsonl", 12, seed=11, shared=True)
    cache = MemoryCache()
    run = translate_archive([archive], summariser=bulk_summariser, source_lang="fr", window_sentences=8, cache=cache)
    records = list(run)
    shared = {p.translation for r in records for p in r.pairs if p.source == SHARED}
    assert len(shared) == 1
    # One window holds two articles: every later window finds the shared sentence in the cache.
    assert run.stats.cache_hits >= 5 and run.stats.cache_hits == cache.hits
    assert bulk_summariser.cache is None  # the run's cache was the run's only

    # On disk, a later run reuses every translation and generates nothing.
    path = tmp_path / "cache.sqlite"
    translate_archive([archive], summariser=bulk_summariser, source_lang="fr", cache=path).run()
    again = translate_archive([archive], summariser=bulk_summariser, source_lang="fr", cache=path)
    assert [p.translation for r in again for p in r.pairs] == [p.translation for r in records for p in r.pairs]
    assert again.stats.cache_misses == 0 and again.stats.cache_hits > 0 and again.stats.cached == 12
    disk = SQLiteCache(path)
    assert len(disk) == len({p.source for r in records for p in r.pairs})
    disk.close()


def test_cli_reports_cache_hits_and_writes_json_files(tmp_path, bulk_registry):
    archive = make_archive(tmp_path / "a.jsonl", 4, seed=12, shared=True)
    out = tmp_path / "out"
    cache = tmp_path / "c.sqlite"
    args = ["bulk", archive, "--out", out, "--models", bulk_registry, "-s", "fr", "--no-summary", "--per-article", "json", "--cache", cache]
    first = invoke(*args)
    assert first.exit_code == 0, first.output
    assert "bulk: 4 ok (0 all from the cache), 0 failed, 0 skipped" in first.stderr and "\x1b[" not in first.stderr  # no bar off a terminal
    second = invoke(*args[:3], tmp_path / "out2", *args[4:])
    assert second.exit_code == 0
    assert "4 ok (4 all from the cache)" in second.stderr and "16 sentences: 0 translated by the model, 13 cache hits" in second.stderr
    data = json.loads((out / "articles" / "art-0000.json").read_text())
    assert data["pairs"][1]["source"] == SHARED and "summary" not in data


def test_cli_reads_jsonl_on_stdin_with_custom_fields(tmp_path, bulk_registry):
    rng = random.Random(15)
    lines = "".join(json.dumps({"url": f"https://example.org/{i}", "body": article_text(rng)}) + "\n" for i in range(3))
    out = tmp_path / "out.jsonl"
    result = invoke("bulk", "-", "--out", out, "--text-field", "body", "--id-field", "url", "--models", bulk_registry, "-s", "fr", "--no-summary", input=lines)
    assert result.exit_code == 0, result.output
    assert [(r["id"], r["source"]) for r in read_records(out)] == [(f"https://example.org/{i}", f"stdin:{i + 1}") for i in range(3)]


# --------------------------------------------------------------------------- crashes and memory


def _bulk_process(archive: Path, out: Path, registry: Path) -> subprocess.Popen:
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE", HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "summarise", "bulk", str(archive), "--out", str(out), "--models", str(registry),
               "-s", "fr", "--no-summary", "--window", "6", "--device", "cpu", "--threads", "1"]  # no -q: the end line is read (stderr is a pipe: no bar)
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


@pytest.mark.slow
def test_sigkill_three_times_then_finish(tmp_path, bulk_registry):
    archive = make_archive(tmp_path / "a.jsonl", 120, seed=13)
    out = tmp_path / "out.jsonl"
    for kill_at in (10, 45, 85):
        process = _bulk_process(archive, out, bulk_registry)
        deadline = time.monotonic() + 120
        while _lines(out) < kill_at:
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "the run did not reach its kill point"
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
        process.stderr.close()
        assert process.returncode == -signal.SIGKILL
        assert _lines(out) >= kill_at
    process = _bulk_process(archive, out, bulk_registry)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr.decode()
    records = read_records(out)  # every line parses
    assert sorted(r["id"] for r in records) == [f"art-{i:04d}" for i in range(120)]  # each id once
    assert all(r["error"] is None for r in records)
    skipped = int(stderr.decode().split(" failed, ")[1].split(" skipped")[0])
    assert skipped >= 85  # the last run only did what the kills left
    assert not Path(f"{out}.lock").exists()


_RSS_SCRIPT = """
import gc, json, sys
import psutil
from summarise import Summariser
from summarise.bulk import translate_archive

def rss():
    gc.collect()
    return psutil.Process().memory_info().rss

registry, archive, out = sys.argv[1:4]
summariser = Summariser(registry, device="cpu")
run = translate_archive([archive], summariser=summariser, out=out, source_lang="fr", window_sentences=800)
marks, kept = {}, []
for record in run:
    if record.index in (500, 1500):
        marks[record.index] = rss()
    elif record.index > 1500:
        kept.append(record)  # what a leak would do
    if record.index == 2999:
        marks["leak"] = rss()
print(json.dumps({"start": marks[500], "flat": marks[1500], "leak": marks["leak"], "ok": run.stats.ok, "kept": len(kept)}))
"""


@pytest.mark.slow
def test_memory_stays_flat_over_thousands_of_articles(tmp_path, bulk_registry):
    """RSS after 500 articles and after 1,500 is about the same; keeping records would show.

    A fresh process (as a real run is: no heap left over from other tests)
    runs 3,000 articles, then keeps the records of its last 1,500, as a leak
    would.  That growth must be clearly visible, or the bound proves nothing
    (measured: about 4.5 KiB a record, so about 6.5 MiB; a flat run grows by 0).
    """
    rng = random.Random(14)
    pool = [sentence(rng, words=10) for _ in range(300)]  # a pool, so that the cache does most of the translating
    archive = write_jsonl(tmp_path / "a.jsonl", [{"id": f"n{i}", "text": " ".join(rng.sample(pool, 8))} for i in range(3000)])
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE", HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT))
    command = [sys.executable, "-c", _RSS_SCRIPT, str(bulk_registry), str(archive), str(tmp_path / "out.jsonl")]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    marks = json.loads(done.stdout.strip().splitlines()[-1])
    assert marks["ok"] == 3000 and marks["kept"] == 1499
    bound = 2 * 1024 * 1024
    grown, leaked = marks["flat"] - marks["start"], marks["leak"] - marks["flat"]
    assert leaked > 2 * bound, f"keeping 1,500 records grew RSS by only {leaked >> 10} KiB: the bound cannot tell"
    assert grown < bound, f"RSS grew by {grown >> 10} KiB over 1,000 articles"


def test_strict_exits_3_on_flagged_articles_and_html_pages_are_written(tmp_path, registry_path):
    """The copy model "translates" French into French: every article is flagged `copy`."""
    from tests.support.articles import PARAGRAPHS

    archive = write_jsonl(tmp_path / "a.jsonl", [{"id": f"p{i}", "text": text} for i, text in enumerate(PARAGRAPHS)])
    args = ["bulk", archive, "--models", registry_path, "-s", "fr", "--no-summary", "--per-article", "html"]
    lenient = invoke(*args, "--out", tmp_path / "lenient")
    assert lenient.exit_code == 0, lenient.output
    assert f"{len(PARAGRAPHS)} ok (0 all from the cache), 0 failed, 0 skipped (already done), {len(PARAGRAPHS)} flagged" in lenient.stderr
    strict = invoke(*args, "--out", tmp_path / "strict", "--strict")
    assert strict.exit_code == 3  # the same status as `run --strict` and `translate --strict`
    assert f"--strict: {len(PARAGRAPHS)} article(s) flagged" in strict.stderr
    records = read_records(tmp_path / "strict" / "records.jsonl")
    assert len(records) == len(PARAGRAPHS) and all("copy" in r["flags"] and r["error"] is None for r in records)
    page = (tmp_path / "strict" / "articles" / "p0.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Otan" in page
