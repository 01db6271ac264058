"""Every archive kind through the one table of input kinds: bulk, run, URLs, Parquet output, kill and resume."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import tarfile
import threading
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarise import Summariser
from summarise.bulk import iter_articles, translate_archive, count_articles
from summarise.inputs import INPUT_KINDS, kind_of
from summarise.cli import app
from summarise.errors import InputError
from summarise.inputs._tables import read_parquet_ids
from tests.support.archivefixtures import article_text, compress, html_page, news_pages, write_parquet, write_warc
from tests.support.http import Handler, QuietServer

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture(scope="module")
def summariser(forced_registry) -> Summariser:
    return Summariser(forced_registry, device="cpu")


@pytest.fixture(scope="module")
def server():
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _tar(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _inputs(root: Path) -> list[Path]:
    """One input of each kind, 2–3 articles each; returns them in order."""
    write_warc(root / "crawl.warc.gz", news_pages(3))
    _tar(root / "site.tgz", {"site/a.html": html_page("A", article_text(10)).encode(), "../up.txt": article_text(11).encode(),
                             "site/logo.png": b"\x89PNG", "site/old.zip": b"PK"})
    with zipfile.ZipFile(root / "bundle.zip", "w") as bundle:
        bundle.writestr("z/one.md", "# Un\n\n" + article_text(12))
        bundle.writestr("z/two.txt", article_text(13))
    compress(root / "cms.csv.gz", ("id,text\n" + "".join(f's{n},"{article_text(n)}"\n' for n in (14, 15))).encode())
    write_parquet(root / "table.parquet", {"id": ["p16", "p17"], "text": [article_text(16), article_text(17)]})
    compress(root / "lines.jsonl.zst", "".join(json.dumps({"id": f"j{n}", "text": article_text(n)}) + "\n" for n in (18, 19)).encode())
    folder = root / "folder"
    folder.mkdir()
    compress(folder / "page.html.bz2", html_page("Page", article_text(20)).encode())
    (folder / "plain.txt").write_text(article_text(21), encoding="utf-8")
    return [root / "crawl.warc.gz", root / "site.tgz", root / "bundle.zip", root / "cms.csv.gz", root / "table.parquet",
            root / "lines.jsonl.zst", folder]


EXPECTED_IDS = [
    "https://news.example.org/00000.html", "https://news.example.org/00001.html", "https://news.example.org/00002.html",
    "site/a.html", "up.txt", "z/one.md", "z/two.txt", "s14", "s15", "p16", "p17", "j18", "j19", "page.html.bz2", "plain.txt",
]


def test_the_table_names_every_kind_once():
    names = [kind.name for kind in INPUT_KINDS]
    assert names == ["text", "markdown", "html", "jsonl", "csv", "parquet", "warc", "tar", "zip"]
    suffixes = [suffix for kind in INPUT_KINDS for suffix in kind.suffixes]
    assert len(suffixes) == len(set(suffixes))
    table = {"a.warc.gz": "warc", "a.tar.gz": "tar", "a.tgz": "tar", "a.tar.zst": "tar", "a.jsonl.xz": "jsonl", "a.tsv.bz2": "csv",
             "a.HTML.GZ": "html", "a.parquet": "parquet", "a.parquet.gz": None, "a.gz": None, "a.pdf": None}
    assert {name: (kind.name if (kind := kind_of(name)) else None) for name in table} == table


def test_every_kind_in_one_bulk_run_with_parquet_output(tmp_path, summariser):
    inputs = _inputs(tmp_path)
    assert count_articles(inputs) is None  # crawls and bundles: unknown until read
    out = tmp_path / "out.parquet"
    run = translate_archive(inputs, summariser=summariser, out=out, source_lang="fr")
    records = list(run)
    assert [record.id for record in records] == EXPECTED_IDS
    assert all(record.ok for record in records), [record.error for record in records if not record.ok]
    assert run.stats.not_articles == {
        "WARC request records": 3, "WARC warcinfo records": 1, "WARC revisit records": 1, "WARC metadata records": 1,
        "WARC records that are not HTML or text": 1, "WARC responses with an HTTP error or redirect": 1,
        "archive members that are not articles": 1, "nested archives (not followed)": 1,
    }
    assert "not articles, skipped: 3 WARC request records" in run.stats.line()
    crawl = records[0].to_dict()
    assert crawl["metadata"]["crawl_url"] == EXPECTED_IDS[0] and crawl["metadata"]["crawl_date"]
    assert records[4].flags == ["unsafe_member_name"]  # ../up.txt
    assert read_parquet_ids(out) == EXPECTED_IDS
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("out.")) == ["out.parquet", "out.records.jsonl"]

    again = translate_archive(inputs, summariser=summariser, out=out, source_lang="fr")
    assert list(again) == [] and again.stats.skipped == len(EXPECTED_IDS)
    assert read_parquet_ids(out) == EXPECTED_IDS  # rewritten whole, each id once


def test_parquet_rows_hold_everything_the_records_hold(tmp_path, summariser):
    """Every key of every record line, pairs' keys included, comes back from the Parquet file."""
    import pyarrow.parquet as pq

    from summarise.inputs._tables import JSON_COLUMNS

    out = tmp_path / "out.parquet"
    list(translate_archive(_inputs(tmp_path), summariser=summariser, out=out, source_lang="fr"))
    journal = [json.loads(line) for line in out.with_suffix(".records.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = {row["id"]: row for row in pq.read_table(out).to_pylist()}
    assert {record["id"] for record in journal} == set(rows) and any(record.get("metadata") for record in journal)
    for record in journal:
        row = rows[record["id"]]
        for key, value in record.items():
            assert key in row, f"the Parquet output has no column for the record key {key!r}"
            if key in JSON_COLUMNS:
                assert json.loads(row[key]) == value if value is not None else row[key] is None, key
            elif key == "pairs":
                for pair, got in zip(value, row[key], strict=True):
                    expected = {**pair, "flags": pair.get("flags", []), "pieces": pair.get("pieces", 1)}
                    assert {**got, "details": json.loads(got["details"]) if got["details"] else None} == {"details": None, **expected}
            else:
                assert row[key] == value, key


def test_a_missing_column_stops_before_any_work(tmp_path, summariser):
    table = tmp_path / "t.csv"
    table.write_text("id,body\n1,Texte.\n", encoding="utf-8")
    out = tmp_path / "out.parquet"
    with pytest.raises(InputError, match=r"t\.csv has no column 'text': pass --text-field with one of its columns: 'id', 'body'"):
        translate_archive([table], summariser=summariser, out=out)
    assert not out.exists() and not out.with_suffix(".records.jsonl").exists()
    result = runner.invoke(app, ["bulk", str(table), "--out", str(out), "--text-field", "texte", "--no-summary"])
    assert result.exit_code == 1 and "Error:" in result.stderr and "no column 'texte'" in result.stderr


def test_missing_library_names_the_extra_before_any_work(tmp_path, summariser, monkeypatch):
    write_warc(tmp_path / "c.warc", news_pages(1))
    monkeypatch.setitem(sys.modules, "warcio", None)
    from summarise.errors import DependencyError

    with pytest.raises(DependencyError, match=r"pip install 'summarise-news\[archives\]'"):
        iter_articles([tmp_path / "c.warc"])


def test_urls_in_bulk_keep_going_and_wait_per_host(server, summariser, tmp_path):
    urls = [f"{server}/ok", f"{server}/missing", f"{server}/moved"]
    started = time.monotonic()
    run = translate_archive(urls, summariser=summariser, out=tmp_path / "out.jsonl", source_lang="fr")
    records = list(run)
    assert time.monotonic() - started >= 2.0  # three requests to one host, a second apart
    assert [record.id for record in records] == urls
    assert records[0].ok and records[2].ok and records[1].error == f"{server}/missing: HTTP 404 Not Found"
    moved = records[2].to_dict()["metadata"]
    assert moved["requested_url"] == f"{server}/moved" and moved["final_url"] == f"{server}/ok"


def test_cli_url_list_and_run_through_the_table(server, forced_registry, tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# today\n{server}/ok\n\n{server}/image\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["bulk", "--url-list", str(listing), "--out", str(out), "--models", str(forced_registry),
                                 "--no-summary", "-s", "fr", "--device", "cpu"])
    assert result.exit_code == 1  # one failed fetch: the run went on and says so
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [f"{server}/ok", f"{server}/image"]
    assert records[0]["error"] is None and "content type image/png" in records[1]["error"]

    bad = tmp_path / "bad.txt"
    bad.write_text(f"{server}/ok\nnot a url\n", encoding="utf-8")
    result = runner.invoke(app, ["bulk", "--url-list", str(bad), "--out", str(tmp_path / "o2.jsonl"), "--models", str(forced_registry), "--no-summary"])
    assert result.exit_code == 1 and "line 2 of" in result.stderr and not (tmp_path / "o2.jsonl").exists()

    page = compress(tmp_path / "page.html.gz", html_page("Titre", article_text(1)).encode())
    result = runner.invoke(app, ["translate", str(page), "--models", str(forced_registry), "-f", "json", "-s", "fr", "--device", "cpu"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["pairs"][0]["source"] == "Titre"
    write_warc(tmp_path / "c.warc.gz", news_pages(1))
    result = runner.invoke(app, ["run", str(tmp_path / "c.warc.gz"), "--models", str(forced_registry)])
    assert result.exit_code == 1 and "holds many articles" in result.stderr and "summarise bulk" in result.stderr


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
def test_kill_and_resume_with_parquet_output(tmp_path, forced_registry):
    archive = tmp_path / "crawl.warc.gz"
    write_warc(archive, news_pages(60))
    out = tmp_path / "out.parquet"
    journal = tmp_path / "out.records.jsonl"
    for kill_at in (8, 30):
        process = _bulk_process(archive, out, forced_registry)
        deadline = time.monotonic() + 180
        while _lines(journal) < kill_at:
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "the run did not reach its kill point"
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
        process.stderr.close()
        assert not out.exists()  # never half-written: it is written whole when a run finishes
    process = _bulk_process(archive, out, forced_registry)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr.decode()
    ids = read_parquet_ids(out)
    assert sorted(ids) == [f"https://news.example.org/{n:05d}.html" for n in range(60)]  # every id exactly once
    assert "skipped (already done)" in stderr.decode() and int(stderr.decode().split(" failed, ")[1].split(" skipped")[0]) >= 30
    assert "not articles, skipped: 60 WARC request records" in stderr.decode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crawl.warc.gz", "out.parquet", "out.records.jsonl"]
