#!/usr/bin/env python
"""HTML extraction on real-shaped news pages: ours (``read_document``) against plain trafilatura.

    python benchmarks/extraction.py            # counts per page and in all
    python benchmarks/extraction.py --show     # also print the snippets each one misses or lets in

The pages are ``tests/support/extraction_pages.py``: modern pages with nav/aside/footer/cookie banners,
ASP.NET pages wrapped in one ``<form>``, ``<noscript>`` copies, and table layouts, in 14
languages.  "found" counts expected article snippets present in the extracted text; "unwanted"
counts snippets of navigation, footers, cookie banners, related links, newsletter forms and
scripts that got in.  "plain" is ``trafilatura.extract(html)`` with its defaults.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from summarise.errors import InputError
from summarise.inputs.reading import read_document
from tests.support.extraction_pages import PAGES, Page


def ours(page: Page) -> str:
    try:
        return read_document(page.html.encode("utf-8"), name=f"{page.name}.html").text
    except InputError:
        return ""


def plain(page: Page) -> str:
    import trafilatura

    return trafilatura.extract(page.html) or ""


def score(text: str, page: Page) -> tuple[list[str], list[str]]:
    """(expected snippets missing, unwanted snippets present)."""
    flat = " ".join(text.split())
    missing = [s for s in page.expected if " ".join(s.split()) not in flat]
    present = [s for s in page.unwanted if " ".join(s.split()) in flat]
    return missing, present


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", action="store_true", help="print missed and unwanted snippets")
    args = parser.parse_args()
    extractors = {"ours": ours, "plain": plain}
    totals = {name: [0, 0, 0.0] for name in extractors}
    expected = sum(len(page.expected) for page in PAGES)
    unwanted = sum(len(page.unwanted) for page in PAGES)
    print(f"{'page':20}{'layout':38}" + "".join(f"{name + ' found/unw.':>20}" for name in extractors))
    details: list[str] = []
    for page in PAGES:
        row = f"{page.name:20}{page.layout:38}"
        for name, extract in extractors.items():
            started = time.perf_counter()
            text = extract(page)
            totals[name][2] += time.perf_counter() - started
            missing, present = score(text, page)
            found = len(page.expected) - len(missing)
            totals[name][0] += found
            totals[name][1] += len(present)
            row += f"{f'{found}/{len(page.expected)}  {len(present)}':>20}"
            details.extend(f"  {page.name} [{name}] missed:   {s}" for s in missing)
            details.extend(f"  {page.name} [{name}] let in:   {s}" for s in present)
        print(row)
    print(f"\n{len(PAGES)} pages, {expected} expected snippets, {unwanted} unwanted snippets")
    for name, (found, present, seconds) in totals.items():
        print(f"{name:6} found {found}/{expected}, unwanted {present}/{unwanted}, {seconds:.2f} s")
    if args.show and details:
        print("\n" + "\n".join(details))
    return 0


if __name__ == "__main__":
    sys.exit(main())
