#!/usr/bin/env python
"""HTML extraction on real-shaped news pages: ours (``read_document``) against plain trafilatura.

    python benchmarks/extraction.py                      # counts per page and in all
    python benchmarks/extraction.py --show               # also print the snippets each one misses or lets in
    python benchmarks/extraction.py --baseline e92e639   # also the extractor of that commit, in the same run
    python benchmarks/extraction.py --repeat 5           # read each page 5 times (reading time: the fastest)
    python benchmarks/extraction.py --ablate             # also ours without each issue-25 step
    python benchmarks/extraction.py --baseline e92e639 --repeat 40 --pages pl-json-ld de-form-content

The pages are ``tests/support/extraction_pages.py`` (modern pages with nav/aside/footer/cookie banners,
ASP.NET pages wrapped in one ``<form>``, ``<noscript>`` copies, table layouts, in 14 languages)
``tests/support/extraction_pages_tail.py`` and ``tests/support/extraction_pages_variants.py`` (comment and forum threads, link lists, "more stories",
trending, related-video and author blocks, score tables, newsletter and paywall promos, bodies
split across containers or lazy-rendered elsewhere, JSON-LD ``articleBody``; 9 languages).
"found" counts expected article snippets present in the extracted text; "unwanted" counts
snippets of furniture and of the blocks above that got in.  "plain" is
``trafilatura.extract(html)`` with its defaults.

Precision, recall and F1 weigh each snippet by its tokens (words; one per CJK character): recall
is the share of expected tokens found, precision the share of found-or-let-in tokens that are
expected.  ``--baseline REV`` loads the extractor (``summarise/inputs/_extracting.py``, ``summarise/extracting.py`` before the layered package) as it was at git revision REV and
reads every page through ``read_document`` with it too, so before and after come from one run
on one machine.  ``--ablate`` adds ours without one step of :mod:`summarise.inputs._articlebody` at a time
(setting blocks aside, gathering a split body, JSON-LD evidence): what each step buys and costs.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summarise.inputs import _articlebody as articlebody, _extracting as extracting
from summarise.errors import InputError
from summarise.inputs import read_document
from tests.support.extraction_corpus import ALL_PAGES, ISSUE25_PAGES, Page

_TOKENS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|[^\W\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+")


def tokens(snippet: str) -> int:
    return len(_TOKENS.findall(snippet))


def ours(page: Page) -> str:
    try:
        return read_document(page.html.encode("utf-8"), name=f"{page.name}.html").text
    except InputError:
        return ""


def plain(page: Page) -> str:
    import trafilatura

    return trafilatura.extract(page.html) or ""


def baseline(revision: str) -> Callable[[Page], str]:
    """``read_document`` with the extractor of ``revision``, from git.

    Before the layered package the extractor was ``summarise/extracting.py``, importing its
    neighbours relatively; those imports are pointed at where the same functions live today.
    """
    for path, package in (("summarise/inputs/_extracting.py", "summarise.inputs"), ("summarise/extracting.py", "summarise")):
        shown = subprocess.run(["git", "show", f"{revision}:{path}"], cwd=ROOT, capture_output=True, text=True)
        if shown.returncode == 0:
            break
    else:
        raise SystemExit(f"--baseline {revision}: no extractor in that revision")
    source = shown.stdout
    if package == "summarise":
        source = source.replace("from .errors import", "from summarise.errors import").replace(
            "from .reading import clean_text", "from summarise.text._cleaning import clean_text")
    spec = importlib.util.spec_from_loader(f"{package}._baseline_extracting", loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = package
    exec(compile(source, f"{revision}:{path}", "exec"), module.__dict__)

    def extract(page: Page) -> str:
        current = extracting.extract_html
        extracting.extract_html = module.extract_html  # read_document imports it from the module at call time
        try:
            return ours(page)
        finally:
            extracting.extract_html = current

    return extract


_STEPS = {
    "-aside": ("set_aside_blocks", lambda root, main=None: []),
    "-gather": ("gather_body", lambda root, main=None: 0),
    "-jsonld": ("json_ld_body", lambda root: ""),
}


def without(step: str) -> Callable[[Page], str]:
    """Ours with one step of :mod:`summarise.inputs._articlebody` made a no-op."""
    name, stub = _STEPS[step]

    def extract(page: Page) -> str:
        original = getattr(articlebody, name)
        setattr(articlebody, name, stub)  # extracting calls it through the module
        try:
            return ours(page)
        finally:
            setattr(articlebody, name, original)

    return extract


def score(text: str, page: Page) -> tuple[list[str], list[str]]:
    """(expected snippets missing, unwanted snippets present)."""
    flat = " ".join(text.split())
    missing = [s for s in page.expected if " ".join(s.split()) not in flat]
    present = [s for s in page.unwanted if " ".join(s.split()) in flat]
    return missing, present


def prf(found: int, expected: int, let_in: int) -> tuple[float, float, float]:
    precision = found / (found + let_in) if found + let_in else 0.0
    recall = found / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", action="store_true", help="print missed and unwanted snippets")
    parser.add_argument("--baseline", metavar="REV", help="also run the extractor of this git revision")
    parser.add_argument("--repeat", type=int, default=1, help="read each page this many times, extractors in turn; its time is the fastest (default 1)")
    parser.add_argument("--pages", nargs="+", metavar="NAME", help="only these pages (e.g. to time the slowest ones again)")
    parser.add_argument("--ablate", action="store_true", help="also ours without each step of summarise.inputs._articlebody")
    args = parser.parse_args()
    extractors: dict[str, Callable[[Page], str]] = {"ours": ours}
    if args.ablate:
        extractors.update({f"ours{step}": without(step) for step in _STEPS})
    if args.baseline:
        extractors[f"@{args.baseline[:7]}"] = baseline(args.baseline)
    extractors["plain"] = plain
    pages = [page for page in ALL_PAGES if not args.pages or page.name in args.pages]
    if not pages:
        parser.error(f"no page named {', '.join(args.pages)}: see tests/extraction_pages*.py")
    tail = {page.name for page in ISSUE25_PAGES}
    sets = {"all": pages, "first 24": [p for p in pages if p.name not in tail], "issue 25": [p for p in pages if p.name in tail]}
    sets = {label: chosen for label, chosen in sets.items() if chosen}
    # per extractor and page: (found tokens, expected tokens, let-in tokens, found, let in, seconds)
    rows: dict[str, dict[str, tuple[int, int, int, int, int, float]]] = {name: {} for name in extractors}
    print(f"{'page':24}{'layout':44}" + "".join(f"{name + ' found/unw.':>22}" for name in extractors))
    details: list[str] = []
    for page in pages:  # a warm pass: lazy imports and caches are paid before any page is timed
        for extract in extractors.values():
            extract(page)
    for page in pages:
        line = f"{page.name:24}{page.layout[:43]:44}"
        texts: dict[str, str] = {}
        best = dict.fromkeys(extractors, float("inf"))
        for _ in range(args.repeat):  # extractors take turns, so that load from elsewhere hits them alike
            for name, extract in extractors.items():
                started = time.perf_counter()
                texts[name] = extract(page)
                best[name] = min(best[name], time.perf_counter() - started)
        for name in extractors:
            text, seconds = texts[name], best[name]
            missing, present = score(text, page)
            found = [s for s in page.expected if s not in missing]
            rows[name][page.name] = (sum(map(tokens, found)), sum(map(tokens, page.expected)),
                                     sum(map(tokens, present)), len(found), len(present), seconds)
            line += f"{f'{len(found)}/{len(page.expected)}  {len(present)}':>22}"
            details.extend(f"  {page.name} [{name}] missed:   {s}" for s in missing)
            details.extend(f"  {page.name} [{name}] let in:   {s}" for s in present)
        print(line)
    print(f"\n{'pages':10}{'extractor':12}{'found':>10}{'let in':>9}{'precision':>11}{'recall':>8}{'F1':>8}{'ms/page':>9}")
    for label, pages in sets.items():
        names = [page.name for page in pages]
        expected = sum(len(page.expected) for page in pages)
        unwanted = sum(len(page.unwanted) for page in pages)
        for name in extractors:
            r = [rows[name][n] for n in names]
            p, rec, f1 = prf(sum(x[0] for x in r), sum(x[1] for x in r), sum(x[2] for x in r))
            ms = 1000 * sum(x[5] for x in r) / len(r)
            print(f"{label:10}{name:12}{f'{sum(x[3] for x in r)}/{expected}':>10}{f'{sum(x[4] for x in r)}/{unwanted}':>9}"
                  f"{p:>11.3f}{rec:>8.3f}{f1:>8.3f}{ms:>9.1f}")
    if args.baseline:
        before = f"@{args.baseline[:7]}"
        by_page = sorted(((rows["ours"][n][5] / rows[before][n][5], n) for n in rows["ours"]), reverse=True)
        total = sum(x[5] for x in rows["ours"].values()) / sum(x[5] for x in rows[before].values())
        print(f"\nreading time ours / {before}: all pages {total:.2f}x; per page median {by_page[len(by_page) // 2][0]:.2f}x, "
              f"slowest " + ", ".join(f"{n} {r:.2f}x ({1000 * rows['ours'][n][5]:.1f} ms)" for r, n in by_page[:3]))
    if args.show and details:
        print("\n" + "\n".join(details))
    return 0


if __name__ == "__main__":
    sys.exit(main())
