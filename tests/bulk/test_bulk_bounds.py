"""Bulk inputs under attack: memory stays bounded on bombs, and damage is one error record, never silence or a traceback.

Bombs are small on disk and huge once decompressed.  Memory is measured with tracemalloc (Python
allocations) in this process, and for Parquet (Arrow's own memory) as the peak RSS of a child process.
"""

from __future__ import annotations

import gzip
import io
import json
import lzma
import os
import random
import subprocess
import sys
import tarfile
import tracemalloc
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from summarise.inputs import _archives as archives, ReadContext, iter_compressed_file, iter_tar, iter_warc, iter_zip
from summarise.bulk import _sources as sources
from summarise.inputs import iter_jsonl, iter_csv, iter_parquet
from tests.support.archivefixtures import article_text, compress, news_pages, write_warc

MAX = 1024 * 1024
BOMB = 32 * MAX  # decompressed; a few tens of KiB on disk
FORMATS = {".txt": "text", ".html": "html", ".md": "markdown"}


def ctx(max_bytes: int = MAX, **fields) -> ReadContext:
    return ReadContext(FORMATS, max_bytes=max_bytes, skipped=Counter(), **fields)


def _peak(call):
    """``call()``'s result and the most memory Python held while it ran."""
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _write_stream(path: Path, pieces) -> Path:
    """Write byte pieces through the compressor ``path``'s suffix names, never holding the whole in memory."""
    if path.suffix == ".zst":
        import zstandard

        with path.open("wb") as raw, zstandard.ZstdCompressor(level=1).stream_writer(raw) as stream:
            for piece in pieces:
                stream.write(piece)
        return path
    opener = {".gz": lambda p: gzip.open(p, "wb", compresslevel=1), ".xz": lambda p: lzma.open(p, "wb", preset=0)}.get(path.suffix)
    with (opener(path) if opener else path.open("wb")) as stream:
        for piece in pieces:
            stream.write(piece)
    return path


def _long_line(size: int, char: bytes = b"a"):
    for _ in range(size // MAX):
        yield char * MAX


# --------------------------------------------------------------------------- bounded memory


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
def test_a_jsonl_line_bomb_is_one_error_record_and_the_lines_after_it_are_read(tmp_path, suffix):
    path = _write_stream(tmp_path / f"bomb.jsonl{suffix}", [
        json.dumps({"id": "before", "text": "Bonjour."}).encode() + b"\n",
        b'{"id": "bomb", "text": "', *_long_line(BOMB), b'"}\n',
        json.dumps({"id": "after", "text": "Au revoir."}).encode() + b"\n",
    ])
    items, peak = _peak(lambda: list(iter_jsonl(path, ctx())))
    assert [(item.id, item.content) for item in items] == [("before", "Bonjour."), ("2", None), ("after", "Au revoir.")]
    assert f"line 2 of {path.as_posix()} is 32.0 MiB, over the 1.0 MiB input limit ({BOMB + 27} bytes; the line was not read)" in items[1].error
    assert peak < 4 * MAX, peak


def test_a_csv_row_bomb_is_one_error_record_and_the_rows_after_it_are_read(tmp_path):
    path = _write_stream(tmp_path / "bomb.csv.gz", [b"id,text\n", b"1,Bonjour.\n", b"2,", *_long_line(BOMB), b"\n", b"3,Salut.\n"])
    items, peak = _peak(lambda: list(iter_csv(path, ctx())))
    assert [(item.id, item.content) for item in items] == [("1", "Bonjour."), ("2", None), ("3", "Salut.")]
    assert "row 2 of" in items[1].error and f"over the 1.0 MiB input limit ({BOMB + 3} characters; the row was not read)" in items[1].error
    assert peak < 8 * MAX, peak


def _tar_with_extended_header(path: Path, kind: bytes, size: int) -> Path:
    header = tarfile.TarInfo("././@LongLink" if kind == tarfile.GNUTYPE_LONGNAME else "././@PaxHeader")
    header.type, header.size = kind, size
    member = tarfile.TarInfo("after.txt")
    text = article_text(1).encode()
    member.size = len(text)
    first = tarfile.TarInfo("before.txt")
    first.size = len(text)
    pieces = [first.tobuf(tarfile.GNU_FORMAT), text + bytes(-len(text) % 512),
              header.tobuf(tarfile.GNU_FORMAT), *_long_line(size), bytes(-size % 512),
              member.tobuf(tarfile.GNU_FORMAT), text + bytes(-len(text) % 512), bytes(1024)]
    return _write_stream(path, pieces)


@pytest.mark.parametrize("kind", [tarfile.XHDTYPE, tarfile.GNUTYPE_LONGNAME], ids=["pax", "gnu-long-name"])
def test_a_tar_extended_header_bomb_is_refused_before_it_is_read(tmp_path, kind):
    path = _tar_with_extended_header(tmp_path / "bomb.tar.gz", kind, BOMB)
    items, peak = _peak(lambda: list(iter_tar(path, ctx())))
    assert [item.id for item in items] == ["before.txt", f"{path.as_posix()}@damaged"]
    assert f"an extended header of {BOMB} bytes, over the {archives.MAX_TAR_HEADER_BYTES} byte limit" in items[-1].error
    assert peak < 4 * MAX, peak


def _warc_record(uri: str, body: bytes, extra_headers: bytes = b"") -> bytes:
    return (b"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: " + uri.encode() + b"\r\nContent-Type: text/plain\r\n"
            + extra_headers + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body + b"\r\n\r\n")


@pytest.mark.parametrize("headers", [
    b"X-Bomb: " + b"a" * (4 * MAX) + b"\r\n",  # one long line
    b"X-A: b\r\n" * (MAX // 2),  # many short lines (4 MiB)
], ids=["long-line", "many-lines"])
def test_warc_header_bombs_are_one_error_record(tmp_path, headers):
    path = tmp_path / "bomb.warc"
    path.write_bytes(_warc_record("https://a.example.org/1", b"Un texte.") + _warc_record("https://a.example.org/2", b"Deux.", headers))
    items, peak = _peak(lambda: list(iter_warc(path, ctx())))
    assert [(item.id, item.content) for item in items] == [("https://a.example.org/1", b"Un texte."), (f"{path.as_posix()}@damaged", None)]
    assert f"header lines pass the {archives.MAX_WARC_HEADER_BYTES} byte limit" in items[-1].error
    assert peak < 16 * archives.MAX_WARC_HEADER_BYTES, peak  # warcio keeps header lines as tuples: about 15 bytes each cost 115


_READ_PARQUET = """
import resource, sys
from pathlib import Path
from summarise.inputs._archives import ReadContext
from summarise.inputs._tables import iter_parquet

list(iter_parquet(Path(sys.argv[2]), ReadContext()))  # warm up on a small file: imports and Arrow's pools
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
refused = [item.error is not None and "over the 20 MiB input limit" in item.error for item in iter_parquet(Path(sys.argv[1]), ReadContext())]
grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(len(refused), all(refused), grew // 1024)
"""


def test_a_parquet_of_dictionary_encoded_huge_cells_is_read_cell_by_cell(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path, small = tmp_path / "bomb.parquet", tmp_path / "small.parquet"
    cells = pa.DictionaryArray.from_arrays(pa.array([0] * 12, pa.int32()), pa.array(["x" * (21 * MAX)]))
    pq.write_table(pa.table({"id": [str(n) for n in range(12)], "text": cells}), path, compression="zstd")
    pq.write_table(pa.table({"id": ["1"], "text": ["Bonjour."]}), small)
    assert path.stat().st_size < 64 * 1024  # 12 cells of 21 MiB, stored once, compressed
    done = subprocess.run([sys.executable, "-c", _READ_PARQUET, str(path), str(small)], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    rows, all_refused, grew_mib = done.stdout.split()
    assert (rows, all_refused) == ("12", "True")
    assert int(grew_mib) < 200, f"peak RSS grew by {grew_mib} MiB while reading"  # read whole: 12 x 21 MiB and more


# --------------------------------------------------------------------------- damage is reported


def _tar_gz(members: int, seed: int = 3) -> bytes:
    rng = random.Random(seed)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for number in range(members):
            data = " ".join(article_text(rng.randrange(10**6), 30) for _ in range(3)).encode()
            info = tarfile.TarInfo(f"m{number}.txt")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(buffer.getvalue())


def test_a_truncated_tar_gz_keeps_its_whole_members_and_says_where_it_broke(tmp_path):
    data = _tar_gz(3)
    path = tmp_path / "cut.tar.gz"
    path.write_bytes(data[: len(data) * 9 // 10])
    items = list(iter_tar(path, ctx()))
    assert [item.id for item in items] == ["m0.txt", "m1.txt", f"{path.as_posix()}@damaged"]
    assert all(item.error is None for item in items[:-1])
    assert "EOFError: Compressed file ended before the end-of-stream marker was reached" in items[-1].error


def _tar_with_a_broken_second_header(members: int = 3) -> bytes:
    raw = bytearray(gzip.decompress(_tar_gz(members)))
    with tarfile.open(fileobj=io.BytesIO(bytes(raw))) as tar:
        second = tar.getmembers()[1].offset
    raw[second : second + 100] = b"\xff" * 100  # the second member's name and mode: its checksum no longer matches
    return bytes(raw)


@pytest.mark.parametrize("name", ["broken.tar", "broken.tar.gz"])
def test_a_damaged_header_that_ends_tars_loop_quietly_is_reported(tmp_path, name):
    path = tmp_path / name
    raw = _tar_with_a_broken_second_header()
    path.write_bytes(gzip.compress(raw) if name.endswith(".gz") else raw)
    items = list(iter_tar(path, ctx()))
    assert [item.id for item in items] == ["m0.txt", f"{path.as_posix()}@damaged"]
    assert "a header that is not one" in items[-1].error


def test_a_tar_gz_whose_crc_does_not_match_is_reported(tmp_path):
    data = bytearray(_tar_gz(3))
    data[-8:-4] = bytes(byte ^ 0xFF for byte in data[-8:-4])  # the gzip trailer's CRC32
    path = tmp_path / "crc.tar.gz"
    path.write_bytes(bytes(data))
    items = list(iter_tar(path, ctx()))
    assert [item.id for item in items] == ["m0.txt", "m1.txt", "m2.txt", f"{path.as_posix()}@damaged"]
    assert "CRC check failed" in items[-1].error


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_LZMA], ids=["deflate", "lzma"])
def test_a_corrupt_zip_member_is_one_error_record_and_the_others_are_read(tmp_path, method):
    path = tmp_path / "bundle.zip"
    with zipfile.ZipFile(path, "w", method) as bundle:
        for number in range(3):
            bundle.writestr(f"a{number}.txt", article_text(number, 40))
    with zipfile.ZipFile(path) as bundle:
        info = bundle.getinfo("a1.txt")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + (4 if method == zipfile.ZIP_LZMA else 0) + 8
    data[start : start + 32] = b"\xff" * 32
    path.write_bytes(bytes(data))
    items = list(iter_zip(path, ctx()))
    assert [item.id for item in items] == ["a0.txt", "a1.txt", "a2.txt"]
    assert items[0].error is None and items[2].error is None
    assert items[1].content is None and "a1.txt in" in items[1].error and "cannot be read" in items[1].error


@pytest.mark.parametrize("name", ["lines.jsonl.xz", "lines.jsonl.zst", "rows.csv.xz", "one.txt.xz", "bundle.tar.xz", "bundle.tar.zst"])
def test_a_corrupt_compressed_stream_is_one_error_record_naming_the_cause(tmp_path, name):
    if ".jsonl" in name:
        plain = b"".join(json.dumps({"id": f"k{n}", "text": article_text(n, 30, seed=n)}).encode() + b"\n" for n in range(200))
    elif ".csv" in name:
        plain = b"id,text\n" + b"".join(f"k{n},{article_text(n, 30, seed=n)}\n".encode() for n in range(200))
    elif ".tar" in name:
        plain = gzip.decompress(_tar_gz(6))
    else:
        plain = " ".join(article_text(n, 30, seed=n) for n in range(50)).encode()
    path = compress(tmp_path / name, plain)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(random.Random(7).randrange(256) for _ in range(64))
    path.write_bytes(bytes(data))
    if ".jsonl" in name:
        items = list(iter_jsonl(path, ctx()))
    elif ".csv" in name:
        items = list(iter_csv(path, ctx()))
    elif ".tar" in name:
        items = list(iter_tar(path, ctx()))
    else:
        items = list(iter_compressed_file(path, ctx()))
    last = items[-1]
    assert last.content is None and "damaged" in last.error or "cannot be decompressed" in last.error, last.error
    assert ("LZMAError" if name.endswith(".xz") else "ZstdError") in last.error
    assert all(item.error is None or "not valid JSON" in item.error or "malformed" in item.error for item in items[:-1])


def test_jsonl_nested_too_deeply_is_one_error_record(tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text('{"id": "a", "text": "Bonjour."}\n' + "[" * 200_000 + "\n" + '{"id": "b", "text": "Salut."}\n')
    items = list(iter_jsonl(path, ctx()))
    assert [item.id for item in items] == ["a", "2", "b"]
    assert "line 2 of" in items[1].error and "nested too deeply" in items[1].error


def test_a_damaged_parquet_is_one_error_record_after_the_rows_before(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "rows.parquet"
    texts = [" ".join(article_text(n, 30, seed=n) for _ in range(3)) for n in range(40)]
    pq.write_table(pa.table({"id": [f"k{n}" for n in range(40)], "text": texts}), path, row_group_size=10, compression="zstd")
    data = path.read_bytes()
    footer = int.from_bytes(data[-8:-4], "little")
    middle = (len(data) - footer) // 2
    path.write_bytes(data[:middle] + data[middle + 512 :])  # the later row groups' pages are not where the whole footer says
    items = list(iter_parquet(path, ctx()))
    assert items[-1].id == f"{path.as_posix()}@damaged" and items[-1].content is None
    assert items[0].id == "k0" and items[0].error is None


def test_a_warc_gz_cut_inside_a_page_gives_no_article_cut_short(tmp_path):
    path = tmp_path / "cut.warc.gz"
    pages = news_pages(3)
    write_warc(path, pages, extras=False)
    data = path.read_bytes()
    # Cut inside the last record: its gzip member ends early, so its body is shorter than its Content-Length.
    path.write_bytes(data[: len(data) - 200])
    items = list(iter_warc(path, ctx()))
    articles = [item for item in items if item.error is None]
    assert [item.id for item in articles] == [uri for uri, _body, _type in pages[:2]]
    assert items[-1].content is None and "cut short" in items[-1].error or "damaged" in items[-1].error


def test_a_plain_warc_cut_inside_a_page_gives_no_article_cut_short(tmp_path):
    path = tmp_path / "cut.warc"
    first, second = _warc_record("https://a.example.org/1", b"Un texte."), _warc_record("https://a.example.org/2", b"Un autre texte, plus long.")
    path.write_bytes(first + second[:-12])
    items = list(iter_warc(path, ctx()))
    assert [(item.id, item.content) for item in items] == [("https://a.example.org/1", b"Un texte."), ("https://a.example.org/2", None)]
    assert "cut short" in items[-1].error


# --------------------------------------------------------------------------- globs stay inside their root


@pytest.mark.parametrize("pattern, read, unread", [
    ("in/**/*.txt", ["a.txt", "sub/b.txt"], {"linkdir": "outside", "sub/loop": "symlinked folder"}),
    ("in/*/*.txt", ["sub/b.txt"], {"linkdir": "outside"}),
    ("in/**", ["a.txt", "sub/b.txt"], {"linkdir": "outside", "sub/loop": "symlinked folder"}),  # each file once
])
def test_a_glob_reads_nothing_through_a_symlinked_folder(tmp_path, monkeypatch, pattern, read, unread):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text("Le mot de passe est hibou.")
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(article_text(1))
    (folder / "sub" / "b.txt").write_text(article_text(2))
    (folder / "linkdir").symlink_to(elsewhere)  # leaves the input
    (folder / "sub" / "loop").symlink_to(folder)  # a loop, inside
    monkeypatch.chdir(tmp_path)
    items = list(sources.iter_articles([pattern]))
    assert sorted(item.id for item in items if item.skip is None) == read
    assert not any("hibou" in str(item.content) for item in items)
    reasons = {"outside": "symlink to a folder outside the input folder", "symlinked folder": "symlinked folder (not followed: its files are read where they are)"}
    assert {item.id: item.skip for item in items if item.skip is not None} == {name: reasons[why] for name, why in unread.items()}


def _sparse_header(extension_blocks: int, *, cut: bool = False) -> bytes:
    """A GNU sparse member whose map goes on for ``extension_blocks`` blocks (each says another follows)."""
    info = tarfile.TarInfo("sparse.txt")
    info.size = 0
    header = bytearray(info.tobuf(tarfile.GNU_FORMAT))
    header[156:157] = tarfile.GNUTYPE_SPARSE
    header[482] = 1  # an extension block follows
    header[148:156] = b" " * 8
    header[148:156] = b"%06o\0 " % sum(header)
    entry = b"%011o\0" % 512 + b"%011o\0" % 1
    blocks = [entry * 21 + bytes([1]) + bytes(7) for _ in range(extension_blocks)]
    blocks[-1] = blocks[-1][:504] + bytes(8)
    data = bytes(header) + b"".join(blocks)
    return data[: len(data) - 300] if cut else data + bytes(1024)


@pytest.mark.parametrize("blocks, cut, message", [(200, False, "sparse member's map passes the"), (2, True, "unexpected end of data")],
                         ids=["endless-map", "map-cut-short"])
def test_a_gnu_sparse_map_is_capped_and_a_cut_one_is_an_error_record(tmp_path, blocks, cut, message):
    first = tarfile.TarInfo("before.txt")
    text = article_text(1).encode()
    first.size = len(text)
    path = tmp_path / "sparse.tar"
    path.write_bytes(first.tobuf(tarfile.GNU_FORMAT) + text + bytes(-len(text) % 512) + _sparse_header(blocks, cut=cut))
    items = list(iter_tar(path, ctx()))
    assert [item.id for item in items] == ["before.txt", f"{path.as_posix()}@damaged"]
    assert message in items[-1].error


def test_a_parquet_cut_off_before_its_footer_is_one_error_record_and_the_other_inputs_are_read(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    cut, whole = tmp_path / "cut.parquet", tmp_path / "whole.jsonl"
    pq.write_table(pa.table({"id": ["a", "b"], "text": ["Bonjour.", "Salut."]}), cut)
    cut.write_bytes(cut.read_bytes()[:200])  # no footer: ArrowInvalid, which ended the run in a traceback
    whole.write_text(json.dumps({"id": "c", "text": "Au revoir."}) + "\n")
    assert sources.count_articles([str(cut), str(whole)]) == 2
    items = list(sources.iter_articles([str(cut), str(whole)]))
    assert [item.id for item in items] == [f"{cut.as_posix()}@damaged", "c"]
    assert "cannot be read as Parquet (Parquet magic bytes not found in footer" in items[0].error
