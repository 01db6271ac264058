"""Archives of every kind, written with the libraries people write them with.

Used by the archive tests and by ``benchmarks/bulk.py``.  WARC files are
written with warcio (the reader under test is a different library, which makes
the fixtures an honest cross-check), Parquet with pyarrow, zstd with zstandard,
and the rest with the standard library.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

FRENCH = (
    "Le conseil municipal a voté le budget de l'année prochaine.",
    "Les travaux de la nouvelle ligne de tramway commenceront au printemps.",
    "La mairie promet une concertation avec les habitants du quartier.",
    "Selon le maire, le coût total restera sous les dix millions d'euros.",
    "L'opposition dénonce un calendrier trop serré et demande un audit.",
    "Une réunion publique est prévue jeudi soir à la salle des fêtes.",
)


def article_text(number: int, sentences: int = 4, seed: int = 0) -> str:
    rng = random.Random(seed * 100_003 + number)
    body = " ".join(rng.choice(FRENCH) for _ in range(sentences))
    return f"Article {number}. {body}"


def html_page(title: str, text: str, charset: str | None = "utf-8") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    paragraphs = "".join(f"<p>{part}</p>" for part in text.split("\n\n"))
    return (
        f"<!doctype html><html><head>{meta}<title>{title}</title></head>"
        f"<body><nav>Accueil | Politique</nav><article><h1>{title}</h1>{paragraphs}</article>"
        "<footer>Tous droits réservés</footer></body></html>"
    )


def write_warc(
    path: Path,
    pages: list[tuple[str, bytes, str]],
    *,
    extras: bool = True,
    gzip: bool | None = None,
) -> dict[str, int]:
    """Write ``pages`` (uri, body, content type with charset) as HTTP response records.

    With ``extras``, each page gets a request record before it, and the file
    gets a warcinfo record, one image response, one revisit, one metadata
    record, one 404 response and one text/html response encoded with gzip.
    Returns how many records of each kind were written besides the pages.
    """
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    gzip = path.name.endswith(".gz") if gzip is None else gzip
    counts = {"request": 0, "warcinfo": 0, "image": 0, "revisit": 0, "metadata": 0, "status": 0}
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=gzip)
        if extras:
            writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
            counts["warcinfo"] += 1
        for uri, body, content_type in pages:
            if extras:
                request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True)
                writer.write_record(writer.create_warc_record(uri, "request", http_headers=request))
                counts["request"] += 1
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers))
        if extras:
            png = b"\x89PNG\r\n\x1a\n" + bytes(200)
            headers = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record("https://example.org/logo.png", "response", payload=io.BytesIO(png), http_headers=headers))
            counts["image"] += 1
            headers = StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                "https://example.org/missing", "response", payload=io.BytesIO(b"<html><body><p>Page introuvable.</p></body></html>"), http_headers=headers))
            counts["status"] += 1
            revisit = writer.create_revisit_record(pages[0][0], digest="sha1:AAAA", refers_to_uri=pages[0][0], refers_to_date="2026-01-01T00:00:00Z")
            writer.write_record(revisit)
            counts["revisit"] += 1
            writer.write_record(writer.create_warc_record(
                pages[0][0], "metadata", payload=io.BytesIO(b"outlinks: none\n"), warc_content_type="application/warc-fields"))
            counts["metadata"] += 1
    return counts


def news_pages(count: int, seed: int = 0) -> list[tuple[str, bytes, str]]:
    """``count`` French news pages as (uri, UTF-8 body, content type)."""
    return [
        (f"https://news.example.org/{number:05d}.html",
         html_page(f"Titre {number}", article_text(number, 6, seed)).encode("utf-8"),
         "text/html; charset=utf-8")
        for number in range(count)
    ]


def write_zst(path: Path, data: bytes) -> None:
    import zstandard

    with path.open("wb") as raw, zstandard.ZstdCompressor().stream_writer(raw) as stream:
        stream.write(data)


def compress(path: Path, data: bytes) -> Path:
    """Write ``data`` compressed by ``path``'s suffix (.gz, .bz2, .xz, .zst)."""
    import bz2
    import gzip
    import lzma

    suffix = path.suffix
    if suffix == ".zst":
        write_zst(path, data)
    else:
        opener = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}[suffix]
        with opener(path, "wb") as stream:
            stream.write(data)
    return path


def write_parquet(path: Path, columns: dict[str, list], *, row_group_size: int = 2) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table(columns), path, row_group_size=row_group_size)
