"""The bulk package's shape: one table of input kinds for every reader, one driver, its public names."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarise.bulk import INPUT_KINDS, Local, Ray, count_articles, iter_articles, run_archive
from summarise.inputs import kind_of, read_document
from tests.support import imports

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "summarise"

HTML = "<html><body><p>Le président condamne la guerre.</p></body></html>"
BODIES = {"text": "Le président condamne la guerre.", "markdown": "# Titre\n\nLe président condamne la guerre.", "html": HTML}


@pytest.mark.parametrize("suffix,kind", [(s, k) for k in INPUT_KINDS if not k.many for s in k.suffixes])
def test_every_one_article_suffix_reads_the_same_in_run_and_in_bulk_folders(tmp_path, suffix, kind):
    folder = tmp_path / "archive"
    folder.mkdir()
    path = folder / f"a{suffix.upper() if suffix == '.htm' else suffix}"
    path.write_text(BODIES[kind.format], encoding="utf-8")
    (folder / "ignored.pdf").write_bytes(b"%PDF-1.4")
    articles = list(iter_articles(folder))
    assert [a.id for a in articles] == [path.name]  # the folder walk takes it, and nothing else
    assert articles[0].format == kind.format
    assert count_articles([folder]) == 1
    # `summarise run FILE` goes through read_document(path): the same table gives the same format
    by_path = read_document(path)
    by_bulk = read_document(articles[0].content, format=articles[0].format)
    assert by_path.format == by_bulk.format == kind.format
    assert by_path.text == by_bulk.text and "président" in by_path.text and "<p>" not in by_path.text


def test_container_kinds_hold_many_articles(tmp_path):
    archive = tmp_path / "a.ndjson"
    archive.write_text('{"id": "x", "text": "Un."}\n{"id": "y", "text": "Deux."}\n', encoding="utf-8")
    assert kind_of(archive).many and kind_of(tmp_path / "a.JSONL").name == "jsonl"
    assert [a.id for a in iter_articles(archive)] == ["x", "y"]
    assert kind_of(tmp_path / "a.pdf") is None


def test_an_unknown_file_kind_lists_the_kinds_of_the_table(tmp_path):
    from summarise.errors import InputError

    odd = tmp_path / "a.pdf"
    odd.write_bytes(b"%PDF")
    with pytest.raises(InputError, match=r"pass a folder, \.txt, \.md, \.html, \.jsonl, \.csv, \.parquet, \.warc, \.tar or \.zip files"):
        iter_articles([odd])


def test_the_bulk_modules_lean_on_few_of_each_other():
    """No cycle anywhere is tests/test_layers.py's (every import counted); here, the shape inside bulk."""
    graph = {name: set(targets) for name, targets in imports.graph(module_level_only=True).items() if name.startswith("summarise.bulk")}
    assert graph["summarise.bulk._sources"] & set(graph) <= {"summarise.bulk._resume"}
    assert "summarise.bulk._run" not in graph["summarise.bulk._ray"]  # the driver knows no executor's insides, and back


def test_no_module_over_six_hundred_lines():
    for path in (PACKAGE / "bulk").glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 600, path


def test_old_names_keep_working():
    from summarise import bulk

    for name in ("translate_archive", "summarise_archive", "ArchiveWriter", "ArticleRecord", "BulkStats", "SourceArticle",
                 "article_records", "count_articles", "iter_articles", "resume_rule", "safe_name", "ArchiveRun"):
        assert hasattr(bulk, name), name


def test_executors_are_checked_when_the_run_is_made(tmp_path, monkeypatch):
    archive = tmp_path / "a.jsonl"
    archive.write_text('{"id": "x", "text": "Un."}\n', encoding="utf-8")
    with pytest.raises(TypeError, match="not both"):
        run_archive([archive], executor=Local(), summariser=object(), device="cpu")
    with pytest.raises(Exception, match="window must hold"):
        run_archive([archive], executor=Local(), window_sentences=0)
    pytest.importorskip("ray")
    with pytest.raises(TypeError, match="builds a Summariser in each worker"):
        run_archive([archive], executor=Ray(), cache=tmp_path / "c.sqlite")
