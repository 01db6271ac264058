#!/usr/bin/env python
"""Keep and glossary terms per sentence: one regex per term (before issue 27) against one automaton pass (now).

    python benchmarks/terms.py            # both workloads, seconds and ratios
    python benchmarks/terms.py --smoke    # tiny sizes, a check that it runs

Two workloads, at the server's caps (terms of 200 characters, sentences of 5,000):

``near-miss``
    150 kept terms of 200 characters that share a 199-character prefix with the text: each
    per-term regex scans ~200 characters at every position of every sentence.
``news``
    200 kept terms and 500 glossary terms of names and phrases, on 200 ordinary sentences;
    the names check gets the glossary's renderings too (folded per sentence before, once now).

"baseline" is the code before issue 27, reproduced here: protect with ``re.finditer`` per term
and per sentence, the names check folding every rendering for every sentence.  "ours" is
``Protection.protect`` and ``check_pair`` with a :class:`~summarise.checks.Renderings`.  Both
choose the same spans (``tests/text/test_hostile_terms.py`` checks it on generated cases).
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from summarise.checks import Renderings, check_pair
from summarise.text import links, Protection


def baseline_spans(protection: Protection, sentence: str, lang: str) -> list[tuple[int, int]]:
    spans = [(link.start, link.end) for link in links(sentence)]

    def free(start: int, end: int) -> bool:
        return all(end <= s or e <= start for s, e in spans)

    for term in protection.keep:
        for match in re.finditer(rf"(?<!\w){re.escape(term)}(?!\w)", sentence):
            if free(match.start(), match.end()):
                spans.append((match.start(), match.end()))
    for entry in protection.glossary.for_lang(lang):
        for match in re.finditer(rf"(?<!\w){re.escape(entry.source)}(?!\w)", sentence, re.IGNORECASE):
            if free(match.start(), match.end()):
                spans.append((match.start(), match.end()))
    return sorted(spans)


def workloads(smoke: bool) -> dict[str, tuple[Protection, list[str]]]:
    scale = 10 if smoke else 1
    near = Protection.of(keep=[("a" * 199) + chr(0x4E00 + i) for i in range(150 // scale)])
    near_text = [("a" * (5000 // scale)) + f" {i}." for i in range(10)]
    names = [f"Entreprise{i} Internationale de Développement" for i in range(200 // scale)]
    glossary = {f"comité{i} interministériel": f"interministerial committee {i}" for i in range(500 // scale)}
    news = Protection.of(keep=names, glossary=glossary)
    news_text = [f"Le président Macron a rencontré Entreprise{i % 40} Internationale de Développement et le comité{i % 90} "
                 f"interministériel à Paris le {i % 28 + 1} mars, selon l'Agence France-Presse." for i in range(200 // scale)]
    return {"near-miss": (near, near_text), "news": (news, news_text)}


def run(protection: Protection, sentences: list[str], ours: bool) -> float:
    started = time.perf_counter()
    table = protection.renderings("fr")
    renderings = Renderings(table) if ours else None
    for sentence in sentences:
        if ours:
            protection.protect(sentence, "fr")
        else:
            baseline_spans(protection, sentence, "fr")
        check_pair(sentence, sentence.replace("Le président", "President"), "fr", renderings=renderings if ours else table)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: check that it runs")
    args = parser.parse_args()
    print(f"CPU: {_cpu()}; Python {platform.python_version()}")
    for name, (protection, sentences) in workloads(args.smoke).items():
        fresh = Protection(protection.keep, protection.glossary)  # automata built inside the timed run
        for sentence in sentences[:3]:
            assert [(s.start, s.end) for s in _slots(fresh, sentence)] == baseline_spans(protection, sentence, "fr")
        before = run(protection, sentences, ours=False)
        after = run(Protection(protection.keep, protection.glossary), sentences, ours=True)
        print(f"{name:10s} {len(sentences):4d} sentences  baseline {before:8.3f} s  ours {after:8.3f} s  ratio {before / max(after, 1e-9):7.1f}x")


def _cpu() -> str:
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.machine()
    model = next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("model name")), platform.machine())
    return model + (" (AVX-512 VNNI)" if "avx512_vnni" in info else "")


class _Span:
    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end


def _slots(protection: Protection, sentence: str) -> list[_Span]:
    """The spans protect chose, as offsets in the sentence (placeholders shift the text; slots keep sources)."""
    protected = protection.protect(sentence, "fr")
    spans, cursor = [], 0
    for slot in protected.slots:
        start = sentence.index(slot.source, cursor)
        spans.append(_Span(start, start + len(slot.source)))
        cursor = start + len(slot.source)
    return spans


if __name__ == "__main__":
    main()
