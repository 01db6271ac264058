"""Archive readers: WARC, compression, tar/zip (hostile names too), CSV/TSV, Parquet in and out."""

from __future__ import annotations

import gzip
import io
import json
import sys
import tarfile
import tracemalloc
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from summarise.inputs import _archives as archives, _tables as tables
from summarise.inputs._archives import ReadContext, iter_compressed_file, iter_tar, iter_warc, iter_zip, member_id, open_stream
from summarise.inputs import split_compression
from summarise.errors import DependencyError, InputError, OutputError
from summarise.inputs import read_document
from tests.support.archivefixtures import article_text, compress, html_page, news_pages, write_parquet, write_warc

FORMATS = {".txt": "text", ".md": "markdown", ".html": "html", ".htm": "html", ".xhtml": "html"}
MAX = 1024 * 1024


def ctx(skipped: Counter | None = None, max_bytes: int = MAX, **fields) -> ReadContext:
    return ReadContext(FORMATS, max_bytes=max_bytes, skipped=skipped if skipped is not None else Counter(), **fields)


# --------------------------------------------------------------------------- WARC


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_pages_become_articles_and_the_rest_is_counted(tmp_path, name):
    path = tmp_path / name
    counts = write_warc(path, news_pages(5))
    skipped = Counter()
    items = list(iter_warc(path, ctx(skipped, MAX)))

    assert [item.id for item in items] == [f"https://news.example.org/{n:05d}.html" for n in range(5)]
    assert all(item.format == "html" and item.charset == "utf-8" and item.error is None for item in items)
    assert items[0].metadata["crawl_url"] == items[0].id and items[0].metadata["crawl_date"]
    assert skipped == Counter({
        "WARC request records": counts["request"], "WARC warcinfo records": 1, "WARC revisit records": 1,
        "WARC metadata records": 1, archives.SKIP_WARC_NOT_TEXT: 1, archives.SKIP_WARC_STATUS: 1,
    })
    document = read_document(items[3].content, format=items[3].format, charset=items[3].charset)
    assert document.text.startswith("Titre 3\n\nArticle 3.")
    assert "Accueil" not in document.text and "droits" not in document.text


def test_warc_charset_comes_from_the_http_header(tmp_path):
    # No <meta charset>, bytes in windows-1251: only the HTTP header says what they are.
    body = html_page("Новости", "Городской совет утвердил бюджет на следующий год.", charset=None).encode("cp1251", "xmlcharrefreplace")
    path = tmp_path / "ru.warc.gz"
    write_warc(path, [("https://ru.example.org/a", body, "text/html; charset=windows-1251")], extras=False)
    [item] = iter_warc(path, ctx(None, MAX))
    assert item.charset == "windows-1251"
    document = read_document(item.content, format=item.format, charset=item.charset)
    assert "Городской совет утвердил бюджет" in document.text


def test_warc_plain_text_and_oversized_records(tmp_path):
    path = tmp_path / "mixed.warc.gz"
    pages = [("https://a.example.org/t", b"Un texte brut.", "text/plain"),
             ("https://a.example.org/big", b"<html><body>" + b"x" * 5000 + b"</body></html>", "text/html")]
    write_warc(path, pages, extras=False)
    text, big = iter_warc(path, ctx(None, 4000))
    assert (text.format, text.content, text.error) == ("text", b"Un texte brut.", None)
    assert big.content is None and "over the" in big.error and big.id == "https://a.example.org/big"


def test_damaged_warc_keeps_the_records_before_the_damage(tmp_path):
    path = tmp_path / "cut.warc.gz"
    write_warc(path, news_pages(4), extras=False)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 3 // 4] + b"garbage that is not a gzip member")
    items = list(iter_warc(path, ctx(None, MAX)))
    good = [item for item in items if item.error is None]
    assert 1 <= len(good) < 4 and [item.id for item in good] == [f"https://news.example.org/{n:05d}.html" for n in range(len(good))]
    assert items[-1].error is not None and "damaged" in items[-1].error and items[-1].content is None


def test_missing_warc_library_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "warcio.archiveiterator", None)
    path = tmp_path / "x.warc"
    path.write_bytes(b"")
    with pytest.raises(DependencyError, match=r"warcio.*pip install 'summarise-news\[archives\]'"):
        list(iter_warc(path, ctx(None, MAX)))


# --------------------------------------------------------------------------- compression


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".zst"])
def test_every_compression_streams_lines(tmp_path, suffix):
    lines = [json.dumps({"id": n, "text": article_text(n)}) for n in range(50)]
    path = compress(tmp_path / f"a.jsonl{suffix}", ("\n".join(lines) + "\n").encode())
    assert split_compression(path.name) == ("a.jsonl", suffix)
    with open_stream(path) as stream:
        assert [json.loads(line)["id"] for line in stream] == list(range(50))


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
def test_a_compressed_bomb_is_never_decompressed_whole(tmp_path, suffix):
    path = compress(tmp_path / f"bomb.txt{suffix}", bytes(200 * 1024 * 1024))  # 200 MiB of zeros, a few hundred KiB packed
    tracemalloc.start()
    try:
        [item] = iter_compressed_file(path, ctx())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert item.content is None and "over the 1.0 MiB input limit" in item.error
    assert peak < 8 * MAX


def test_compressed_article_file_keeps_its_format(tmp_path):
    path = compress(tmp_path / "page.html.xz", html_page("Titre", article_text(1)).encode())
    [item] = iter_compressed_file(path, ctx())
    assert item.format == "html" and item.error is None and b"<h1>Titre</h1>" in item.content


def test_corrupt_compressed_file_is_one_error_item(tmp_path):
    path = tmp_path / "bad.txt.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00 this is not deflate data at all")
    [item] = iter_compressed_file(path, ctx())
    assert item.content is None and "cannot be decompressed" in item.error


def test_missing_zstandard_names_the_extra(tmp_path, monkeypatch):
    path = compress(tmp_path / "a.jsonl.zst", b"{}\n")
    monkeypatch.setitem(sys.modules, "zstandard", None)
    with pytest.raises(DependencyError, match=r"zstandard.*summarise-news\[archives\]"):
        open_stream(path)


# --------------------------------------------------------------------------- tar and zip


HOSTILE = {
    "../../escape.html": "escape.html",
    "/etc/absolute.txt": "etc/absolute.txt",
    "a/../../b/./c.md": "b/c.md",
    "C:\\windows\\evil.txt": "windows/evil.txt",
    "..": "member",
}


@pytest.mark.parametrize(("name", "expected"), HOSTILE.items())
def test_member_ids_cannot_climb_out(name, expected):
    article_id, changed = member_id(name)
    assert (article_id, changed) == (expected, True)


def test_plain_member_ids_are_unchanged_and_long_ones_are_cut():
    assert member_id("news/2026/a.html") == ("news/2026/a.html", False)
    long_name = "d/" + "é" * 3000 + ".txt"
    article_id, changed = member_id(long_name)
    assert changed and len(article_id.encode()) <= archives.MAX_ID_BYTES + 13
    assert article_id != member_id("d/" + "é" * 3001 + ".txt")[0]  # the hash keeps cut names apart


def _bundle_members() -> dict[str, bytes]:
    return {
        "site/a.html": html_page("Titre A", article_text(1)).encode(),
        "site/b.txt": article_text(2).encode(),
        "site/logo.png": b"\x89PNG\r\n\x1a\n" + bytes(50),
        "site/inner.zip": b"PK\x05\x06" + bytes(18),
        "site/more.tar.gz": gzip.compress(b"x"),
        "../../escape.html": html_page("Evasion", article_text(3)).encode(),
        "/abs/olute.md": b"# Titre\n\nUn article absolu.",
        "x" * 300 + "/" + "y" * 300 + ".txt": b"Un nom tres long.",
    }


def _write_tar(path: Path, members: dict[str, bytes], mode: str) -> None:
    with tarfile.open(path, mode) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("site/link.html")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
        device = tarfile.TarInfo("site/zero.txt")
        device.type = tarfile.CHRTYPE
        tar.addfile(device)


def _check_bundle(items, skipped, tmp_path):
    by_id = {item.id: item for item in items}
    assert list(by_id)[:2] == ["site/a.html", "site/b.txt"]
    assert by_id["site/a.html"].format == "html" and by_id["site/b.txt"].content == article_text(2).encode()
    assert by_id["escape.html"].flags == ["unsafe_member_name"]
    assert by_id["abs/olute.md"].format == "markdown" and by_id["abs/olute.md"].flags == ["unsafe_member_name"]
    assert len(items) == 5 and all(item.error is None for item in items)
    assert skipped[archives.SKIP_NESTED] == 2 and skipped[archives.SKIP_MEMBER] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in tmp_path.iterdir() if p.suffix in {".tar", ".gz", ".tgz", ".zip", ".zst", ".xz", ".bz2"})
    assert not (tmp_path.parent / "escape.html").exists()


@pytest.mark.parametrize(("name", "mode"), [("b.tar", "w"), ("b.tar.gz", "w:gz"), ("b.tgz", "w:gz"), ("b.tar.bz2", "w:bz2"), ("b.tar.xz", "w:xz")])
def test_tar_members_are_streamed_as_articles(tmp_path, name, mode):
    path = tmp_path / name
    _write_tar(path, _bundle_members(), mode)
    skipped = Counter()
    items = list(iter_tar(path, ctx(skipped)))
    _check_bundle(items, skipped, tmp_path)
    assert skipped[archives.SKIP_SPECIAL] == 2


def test_tar_zst(tmp_path):
    raw = tmp_path / "b.tar"
    _write_tar(raw, _bundle_members(), "w")
    compress(tmp_path / "b.tar.zst", raw.read_bytes())
    raw.unlink()
    skipped = Counter()
    _check_bundle(list(iter_tar(tmp_path / "b.tar.zst", ctx(skipped))), skipped, tmp_path)


def test_zip_members_are_streamed_as_articles(tmp_path):
    path = tmp_path / "b.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in _bundle_members().items():
            bundle.writestr(zipfile.ZipInfo(name), data)  # ZipInfo keeps the hostile name as given
        link = zipfile.ZipInfo("site/link.html")
        link.external_attr = (0o120777 << 16)
        bundle.writestr(link, "/etc/passwd")
    skipped = Counter()
    items = list(iter_zip(path, ctx(skipped)))
    _check_bundle(items, skipped, tmp_path)
    assert skipped[archives.SKIP_SPECIAL] == 1


def test_oversized_member_is_an_error_item_and_the_rest_goes_on(tmp_path):
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("big.txt", bytes(3 * MAX))
        bundle.writestr("small.txt", b"Petit article.")
    big, small = iter_zip(path, ctx())
    assert big.content is None and "over the 1.0 MiB input limit" in big.error
    assert small.content == b"Petit article."


def test_truncated_tar_gz_keeps_the_members_before(tmp_path):
    path = tmp_path / "cut.tar.gz"
    members = {f"a{n}.txt": article_text(n, 200).encode() for n in range(6)}
    _write_tar(path, members, "w:gz")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    items = list(iter_tar(path, ctx()))
    assert items[-1].error is not None and "damaged" in items[-1].error
    assert [item.id for item in items[:-1]] == [f"a{n}.txt" for n in range(len(items) - 1)]


# --------------------------------------------------------------------------- CSV, TSV, Parquet


def test_csv_rows_with_a_header(tmp_path):
    path = tmp_path / "cms.csv"
    path.write_text('slug,body,author\nfirst,"Premier article, avec une virgule.\nEt une ligne.",A\n,Deuxième article.,B\n\n', encoding="utf-8")
    items = list(tables.iter_csv(path, ctx(text_field="body", id_field="slug")))
    assert [(item.id, item.content) for item in items] == [
        ("first", "Premier article, avec une virgule.\nEt une ligne."), ("2", "Deuxième article."),
    ]
    assert items[1].origin == f"{path.as_posix()}:2"


def test_tsv_gz_and_undecodable_cells_go_to_the_decoder_as_bytes(tmp_path):
    data = "id\ttext\n".encode() + b"a\tLe conseil a vot\xe9 le budget.\n" + "b\tDéjà UTF-8.\n".encode()
    path = compress(tmp_path / "export.tsv.gz", data)
    first, second = tables.iter_csv(path, ctx(several=True))
    assert first.id == "a" and first.content == b"Le conseil a vot\xe9 le budget."
    assert read_document(first.content, format="text").text == "Le conseil a voté le budget."
    assert second.content == "Déjà UTF-8."


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_missing_column_is_one_error_before_any_row(tmp_path, kind):
    path = tmp_path / f"t.{kind}"
    if kind == "csv":
        path.write_text("id,body\n1,Texte.\n", encoding="utf-8")
        reader = tables.iter_csv
    else:
        write_parquet(path, {"id": ["1"], "body": ["Texte."]})
        reader = tables.iter_parquet
    with pytest.raises(InputError, match=r"no column 'text': pass --text-field with one of its columns: 'id', 'body'"):
        tables.check_columns(path, "text", "id")
    with pytest.raises(InputError, match=r"no column 'ref': pass --id-field"):
        list(reader(path, ctx(text_field="body", id_field="ref")))
    # The default id column may be absent: rows are numbered.
    tables.check_columns(path, "body", tables.DEFAULT_ID_FIELD)


def test_parquet_is_read_a_row_at_a_time_with_only_the_columns_needed(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    path = tmp_path / "a.parquet"
    write_parquet(path, {"key": [f"k{n}" for n in range(7)], "text": [article_text(n) for n in range(6)] + [None], "extra": list(range(7))}, row_group_size=2)
    assert pq.ParquetFile(path).num_row_groups == 4
    calls, batches = [], []
    real = pq.ParquetFile.iter_batches

    def spy(self, batch_size=65536, row_groups=None, columns=None, **kwargs):
        calls.append((batch_size, tuple(columns)))
        for batch in real(self, batch_size=batch_size, row_groups=row_groups, columns=columns, **kwargs):
            batches.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    reader = tables.iter_parquet(path, ctx(id_field="key"))
    first = next(reader)
    assert first.id == "k0" and first.content == article_text(0) and calls == [(1, ("text", "key"))] and batches == [1]
    rest = list(reader)
    assert [item.id for item in rest] == [f"k{n}" for n in range(1, 7)]
    assert rest[-1].content is None and "no 'text' value" in rest[-1].error
    assert batches == [1] * 7


def test_parquet_binary_text_column_is_decoded_later(tmp_path):
    path = tmp_path / "b.parquet"
    write_parquet(path, {"text": [b"Caf\xe9 cr\xe8me."]})
    [item] = tables.iter_parquet(path, ctx())
    assert item.id == "1" and read_document(item.content, format="text").text == "Café crème."


def test_missing_pyarrow_names_the_extra(tmp_path, monkeypatch):
    path = tmp_path / "a.parquet"
    path.write_bytes(b"PAR1")
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(DependencyError, match=r"pyarrow.*summarise-news\[archives\]"):
        tables.check_columns(path, "text", "id")


# --------------------------------------------------------------------------- Parquet output


def _record(n: int, error: str | None = None) -> dict:
    pairs = [] if error else [{"source": f"Phrase {n}.", "translation": f"Sentence {n}.", "start": 0, "end": 9, "paragraph": 0, "flags": ["copy"] if n % 2 else []}]
    return {"id": f"a{n}", "index": n, "source": f"in/a{n}.txt", "lang": None if error else "fr", "summary": None if error else f"Summary {n}.",
            "pairs": pairs, "flags": [], "quality": None if error else {"flagged": n % 2}, "signature": None if error else "mt:x|sum:y", "error": error}


def test_parquet_output_has_one_typed_row_per_record(tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "out.parquet"
    rows = tables.write_parquet([_record(n) for n in range(5)] + [_record(5, "article a5 is empty")], out, batch=2)
    assert rows == 6
    table = pq.read_table(out)
    assert table.column_names[:10] == ["id", "index", "source", "lang", "summary", "pairs", "flags", "quality", "signature", "error"]
    assert set(table.column_names[10:]) >= {"summary_flags", "summary_details", "removed", "metadata", "models", "detection"}
    data = table.to_pylist()
    assert [row["id"] for row in data] == [f"a{n}" for n in range(6)]
    assert data[1]["pairs"] == [{"source": "Phrase 1.", "translation": "Sentence 1.", "start": 0, "end": 9, "paragraph": 0, "flags": ["copy"],
                                 "pieces": 1, "details": None}]
    assert json.loads(data[1]["quality"]) == {"flagged": 1} and data[5]["error"] == "article a5 is empty" and data[5]["pairs"] == []
    assert [p.name for p in tmp_path.iterdir()] == ["out.parquet"]


def test_parquet_output_is_never_half_written(tmp_path):
    out = tmp_path / "out.parquet"
    tables.write_parquet([_record(0)], out)
    before = out.read_bytes()

    def failing():
        yield _record(1)
        yield _record(2)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        tables.write_parquet(failing(), out, batch=1)
    assert out.read_bytes() == before and tables.read_parquet_ids(out) == ["a0"]
    assert [p.name for p in tmp_path.iterdir()] == ["out.parquet"]


def test_parquet_output_into_a_missing_folder_is_an_output_error(tmp_path):
    with pytest.raises(OutputError, match="cannot write"):
        tables.write_parquet([_record(0)], tmp_path / "missing" / "out.parquet")
