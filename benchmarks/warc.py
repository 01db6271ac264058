#!/usr/bin/env python
"""warcio against resiliparse's FastWARC on a generated 1,000-page WARC.gz, next to the cost of reading a page.

    python benchmarks/warc.py                # needs warcio; FastWARC too for its row (pip install fastwarc)

Both libraries iterate the same file (written by warcio: a warcinfo record, a
request before each page, an image, a 404, a revisit and a metadata record),
keep the HTML responses and read their decoded payloads.  The last row is what
the product does next with each page (charset, HTML extraction, cleaning):
the WARC parse is worth optimising only if it is a sizeable part of that.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.archivefixtures import news_pages, write_warc  # noqa: E402


def with_warcio(path: Path) -> list[bytes]:
    from warcio.archiveiterator import ArchiveIterator

    pages = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response" and "html" in (record.http_headers.get_header("Content-Type") or ""):
                if record.http_headers.get_statuscode() == "200":
                    pages.append(record.content_stream().read())
    return pages


def with_fastwarc(path: Path) -> list[bytes]:
    from fastwarc import ArchiveIterator, WarcRecordType

    pages = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, record_types=WarcRecordType.response, auto_decode="all"):
            if "html" in (record.http_content_type or "") and record.http_headers.status_code == 200:
                pages.append(record.reader.read())
    return pages


def best_of(function, *args, repeat: int = 5) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(*args)
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    args = parser.parse_args()
    from summarise.inputs import read_document

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "crawl.warc.gz"
        write_warc(path, news_pages(args.pages))
        rows = []
        seconds, pages = best_of(with_warcio, path)
        rows.append(("warcio", seconds, len(pages)))
        if importlib.util.find_spec("fastwarc") is not None:
            fast_seconds, fast_pages = best_of(with_fastwarc, path)
            assert fast_pages == pages, "the two libraries read different payloads"
            rows.append(("fastwarc", fast_seconds, len(fast_pages)))
        sample = pages[: min(300, len(pages))]
        read_seconds, _ = best_of(lambda: [read_document(page, format="html", charset="utf-8") for page in sample], repeat=2)
        per_page = read_seconds / len(sample)
        print(f"{args.pages} pages, {path.stat().st_size // 1024} KiB WARC.gz\n")
        print("| step | ms for the file | µs per page |\n| --- | ---: | ---: |")
        for name, secs, count in rows:
            print(f"| parse with {name} | {secs * 1000:.1f} | {secs / count * 1e6:.0f} |")
        print(f"| read_document (HTML path) | {per_page * len(pages) * 1000:.0f} | {per_page * 1e6:.0f} |")
        for name, secs, count in rows:
            share = secs / count / (secs / count + per_page)
            print(f"\n{name}: the parse is {share:.1%} of parse + read per page", end="")
        print()
        if len(rows) == 1:
            print("\nfastwarc is not installed: pip install fastwarc for its row")


if __name__ == "__main__":
    main()
