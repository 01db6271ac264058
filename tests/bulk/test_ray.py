"""`summarise bulk --engine ray`: the local bulk core on Ray Data, on a private 2-CPU Ray.

Ray tests skip when Ray is not installed (``pip install 'summarise-news[ray]'``;
``.ci/run`` installs it, so CI runs them).  One Ray session serves the module
(starting Ray costs seconds); every test has a hard timeout: SIGALRM fails it,
and if Ray does not give the main thread back, faulthandler ends the process a
minute later.  The models are test_bulk's forced-length tiny Marian and BART,
so outputs are deterministic and a Ray record can be compared with a local one.
"""

from __future__ import annotations

import faulthandler
import json
import os
import secrets
import signal
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarise import Summariser
from summarise.bulk import translate_archive
from summarise.cli import app
from summarise.errors import DependencyError
from summarise.bulk import run_archive
from summarise.bulk._ray import Ray, plan
from tests.support.bulk import make_archive, read_records
from tests.support.ray import needs_ray



TIMEOUT = 150  # seconds per test; a run of 200 articles takes about 20 s here
ARTICLES = 200
runner = CliRunner()


@pytest.fixture(autouse=True)
def hard_timeout(request):
    def expire(signum, frame):
        raise TimeoutError(f"{request.node.name} ran over {TIMEOUT} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(TIMEOUT)
    faulthandler.dump_traceback_later(TIMEOUT + 60, exit=True)
    try:
        yield
    finally:
        signal.alarm(0)
        faulthandler.cancel_dump_traceback_later()
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def ray_session():
    """A private local Ray: 2 CPUs, no dashboard, token auth with a throwaway token (nothing written to ~/.ray).

    RAY_AUTH_MODE stays unset: Ray 2.60's ray.init() then turns token auth on
    itself (and refreshes its cached config, which a bare setenv would not),
    and finds the token in RAY_AUTH_TOKEN.
    """
    import ray

    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("RAY_AUTH_MODE", raising=False)
        patch.delenv("RAY_AUTH_TOKEN_PATH", raising=False)
        patch.setenv("RAY_AUTH_TOKEN", secrets.token_hex(16))
        patch.delenv("RAY_ADDRESS", raising=False)
        ray.init(num_cpus=2, include_dashboard=False)
        try:
            yield ray
        finally:
            ray.shutdown()


@pytest.fixture(scope="module")
def ray_registry(forced_registry) -> Path:
    return forced_registry


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """Sentences of one length: the forced-length models then write the same English whatever batch a sentence lands in.

    (A translation's token budget follows the longest sentence of its batch, so a
    sentence shorter than its batch mates is translated longer; Ray's batches are
    not the local run's, and the records could not be compared.)
    """
    return make_archive(tmp_path_factory.mktemp("ray-archive") / "archive.jsonl", ARTICLES, seed=21)


@pytest.fixture(scope="module")
def local_records(archive, ray_registry, tmp_path_factory) -> dict[str, dict]:
    """What a local run writes for the archive: the reference every Ray record must equal."""
    out = tmp_path_factory.mktemp("ray-local") / "out.jsonl"
    translate_archive([archive], summariser=Summariser(ray_registry, device="cpu"), out=out, source_lang="fr").run()
    return {record["id"]: record for record in read_records(out)}


def comparable(record: dict) -> dict:
    return {key: value for key, value in record.items() if key != "timings"}


def ray_run(archive: Path, out: Path, registry: Path, *, progress=None, **options):
    return run_archive([archive], with_summary=False, out=out, source_lang="fr", registry=registry, device="cpu", progress=progress,
                       executor=Ray(workers=2, batch_articles=10, **options))


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


# --------------------------------------------------------------------------- without Ray, and sizing


def test_without_ray_the_engine_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails, installed or not
    archive = make_archive(tmp_path / "a.jsonl", 2)
    out = tmp_path / "out.jsonl"
    result = invoke("bulk", archive, "--out", out, "--engine", "ray", "--no-summary")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --engine ray needs ray, but ray is not installed: pip install 'summarise-news[ray]' (in a checkout: pip install '.[ray]')")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()
    with pytest.raises(DependencyError, match=r"pip install 'summarise-news\[ray\]'"):
        run_archive([archive], with_summary=False, out=out, executor=Ray())

    local_only = invoke("bulk", archive, "--out", out, "--workers", "2", "--no-summary")
    assert local_only.exit_code == 1 and "go with --engine ray" in local_only.stderr


def test_workers_never_hold_every_cpu():
    """The deadlock of the issue: actors that hold all CPUs starve Ray Data's own tasks."""
    for cpus in (1, 2, 3, 16):
        for workers in (None, 1, 2, 4, 32):
            sizing = plan(Ray(workers=workers), {"CPU": float(cpus)})
            assert sizing.workers * sizing.cpus_per_worker < cpus, (cpus, workers, sizing)
            assert 0 < sizing.cpus_per_worker <= 1 and sizing.threads >= 1
    two = plan(Ray(workers=2), {"CPU": 2.0})
    assert (two.cpus_per_worker, two.threads) == (0.66, 1)
    assert plan(Ray(), {"CPU": 2.0}).workers == 1  # one per 2 CPUs
    assert plan(Ray(gpus_per_worker=0.5), {"CPU": 8.0, "GPU": 2.0}).workers == 4
    with pytest.raises(Exception, match="has 0 GPUs"):
        plan(Ray(gpus_per_worker=1), {"CPU": 2.0})


# --------------------------------------------------------------------------- runs on Ray


@needs_ray
def test_200_articles_come_back_exactly_once_as_local_records(ray_session, archive, ray_registry, local_records, tmp_path):
    out = tmp_path / "out.jsonl"
    run = ray_run(archive, out, ray_registry)
    ids = [record.id for record in run]
    assert sorted(ids) == sorted(local_records) and len(ids) == ARTICLES == len(set(ids))
    records = read_records(out)
    assert sorted(r["id"] for r in records) == sorted(local_records)
    # The same core: every record is the local one, timings aside.
    assert all(comparable(r) == comparable(local_records[r["id"]]) for r in records)
    assert run.stats.ok == ARTICLES and run.stats.failed == 0 and run.stats.skipped == 0
    assert not Path(f"{out}.lock").exists()


@needs_ray
def test_a_worker_killed_mid_job_loses_nothing(ray_session, archive, ray_registry, local_records, tmp_path):
    import psutil

    killed: list[int] = []

    def kill_a_busy_worker(stats) -> None:
        if killed or stats.ok < 40:
            return
        for process in psutil.Process().children(recursive=True):
            try:
                title = " ".join(process.cmdline()).strip()  # Ray pads the process title with empty arguments
            except psutil.Error:
                continue
            if "ArticleActor" in title and title.endswith(".submit"):  # an actor in the middle of a batch
                os.kill(process.pid, signal.SIGKILL)
                killed.append(process.pid)
                return

    out = tmp_path / "out.jsonl"
    run = ray_run(archive, out, ray_registry, progress=kill_a_busy_worker)
    ids = [record.id for record in run]
    assert killed, "no worker was busy once 40 records were in: nothing was killed"
    assert not psutil.pid_exists(killed[0]) or psutil.Process(killed[0]).status() == psutil.STATUS_ZOMBIE
    assert run.stats.ok == ARTICLES and run.stats.failed == 0
    assert len(ids) == len(set(ids)) == ARTICLES
    records = read_records(out)
    assert sorted(r["id"] for r in records) == sorted(local_records)  # nothing lost, nothing twice
    assert all(comparable(r) == comparable(local_records[r["id"]]) for r in records)


@needs_ray
def test_cli_resumes_a_local_run_and_skips_what_is_done(ray_session, archive, ray_registry, local_records, tmp_path):
    out = tmp_path / "out"
    local = translate_archive([archive], summariser=Summariser(ray_registry, device="cpu"), out=out, source_lang="fr")
    with local:
        for record in local:
            if record.index == 79:
                break  # a local run stopped after 80 records
    assert len(read_records(out / "records.jsonl")) == 80

    args = ["bulk", archive, "--out", out, "--models", ray_registry, "-s", "fr", "--no-summary", "--device", "cpu", "--engine", "ray", "--workers", "2"]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert f"bulk: {ARTICLES - 80} ok" in result.stderr and ", 80 skipped (already done)" in result.stderr
    records = read_records(out / "records.jsonl")
    assert sorted(r["id"] for r in records) == sorted(local_records)
    assert all(comparable(r) == comparable(local_records[r["id"]]) for r in records)

    again = invoke(*args)
    assert again.exit_code == 0, again.output
    assert f"bulk: 0 ok (0 all from the cache), 0 failed, {ARTICLES} skipped" in again.stderr
    assert read_records(out / "records.jsonl") == records

    with_cache = invoke(*args, "--cache", tmp_path / "c.sqlite")
    assert with_cache.exit_code == 1 and "drop --cache" in with_cache.stderr


@needs_ray
def test_summaries_errors_and_per_article_files_on_ray(ray_session, ray_registry, tmp_path):
    small = make_archive(tmp_path / "a.jsonl", 12, seed=22, shared=True)
    with small.open("ab") as extra:
        extra.write(b'{"id": "broken", "text": "Le pr\n{"id": "empty", "text": "  "}\n\xff\xfe\n')
    out = tmp_path / "out"
    run = run_archive([small], with_summary=True, out=out, source_lang="fr", registry=ray_registry, device="cpu", per_article="json",
                      executor=Ray(workers=1, batch_articles=5))
    assert (run.run().ok, run.stats.failed) == (12, 3)
    assert run.stats.cache_hits >= 2  # the shared sentence, translated in the first batch, comes from the worker's cache after
    records = read_records(out / "records.jsonl")
    errors = {r["id"]: r["error"] for r in records if r["error"]}
    assert "not valid JSON" in errors["13"] and "empty" in errors["empty"] and "not UTF-8" in errors["15"]  # as a local run says
    local = Summariser(ray_registry, device="cpu")
    for record in records:
        if record["error"]:
            assert not (out / "articles" / f"{record['id']}.json").exists()
            continue
        assert record["summary"] and "|sum:" in record["signature"]
        page = json.loads((out / "articles" / f"{record['id']}.json").read_text(encoding="utf-8"))
        assert page["summary"] == record["summary"]
    text = json.loads(small.read_bytes().splitlines()[0])["text"]
    first = next(r for r in records if r["id"] == "art-0000")
    alone = local.summarise(text, source_lang="fr")  # the first article is in the first batch, as alone: same budgets
    assert first["summary"] == alone.summary and [p["translation"] for p in first["pairs"]] == [p.translation for p in alone.pairs]


@needs_ray
def test_archives_read_the_same_on_ray(ray_session, ray_registry, tmp_path):
    """A crawl (with a page whose charset only its HTTP header gives) and a table: Ray reads them as a local run does."""
    from summarise.bulk import Ray, run_archive
    from summarise.inputs._tables import read_parquet_ids
    from tests.support.archivefixtures import html_page, news_pages, write_parquet, write_warc

    cyrillic = html_page("Новости", "Городской совет утвердил бюджет.", charset=None).encode("cp1251", "xmlcharrefreplace")
    write_warc(tmp_path / "crawl.warc.gz", news_pages(4) + [("https://ru.example.org/a", cyrillic, "text/html; charset=windows-1251")])
    write_parquet(tmp_path / "t.parquet", {"id": ["p1", "p2"], "text": ["Le maire parle.", "La ville vote."]})
    inputs = [tmp_path / "crawl.warc.gz", tmp_path / "t.parquet"]
    local = run_archive(inputs, with_summary=False, summariser=Summariser(ray_registry, device="cpu"), out=tmp_path / "local.jsonl", source_lang="fr")
    assert local.run().ok == 7
    remote = run_archive(inputs, with_summary=False, out=tmp_path / "ray.parquet", source_lang="fr", registry=ray_registry, device="cpu",
                         executor=Ray(workers=1, batch_articles=3))
    assert remote.run().ok == 7 and remote.stats.not_articles["WARC request records"] == 5
    expected = {r["id"]: r for r in read_records(tmp_path / "local.jsonl")}
    assert sorted(read_parquet_ids(tmp_path / "ray.parquet")) == sorted(expected)
    got = {r["id"]: r for r in read_records(tmp_path / "ray.records.jsonl")}
    assert got["https://ru.example.org/a"]["pairs"][1]["source"] == "Городской совет утвердил бюджет."
    assert {i: [p["source"] for p in r["pairs"]] for i, r in got.items()} == {i: [p["source"] for p in r["pairs"]] for i, r in expected.items()}
