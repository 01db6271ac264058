#!/usr/bin/env python
"""Sentence splitting on pySBD's golden rules: ours against pySBD and sentencex.

    python benchmarks/splitting.py            # counts per language and in all
    python benchmarks/splitting.py --failures # also print our failing cases

The cases are ``tests/support/golden_rules.py`` (pySBD's default-mode golden rules for the languages this
project ships, MIT).  A case counts as passed when the splitter's sentences, stripped, equal the
expected list exactly.  pySBD (``pip install pysbd``) and sentencex (``pip install sentencex``) are
optional comparison tools, not dependencies: a column is left out when its package is missing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from summarise.text import split_sentences
from tests.support.golden_rules import GOLDEN, XFAIL_IN_PYSBD

Splitter = Callable[[str, str], list[str]]


def ours(text: str, lang: str) -> list[str]:
    return [sentence.text for sentence in split_sentences(text, lang)]


def _pysbd() -> Splitter | None:
    try:
        import pysbd
    except ImportError:
        return None
    segmenters: dict[str, object] = {}

    def split(text: str, lang: str) -> list[str]:
        if lang not in segmenters:
            segmenters[lang] = pysbd.Segmenter(language=lang, clean=False)
        return [s.strip() for s in segmenters[lang].segment(text) if s.strip()]

    return split


def _sentencex() -> Splitter | None:
    try:
        import sentencex
    except ImportError:
        return None
    return lambda text, lang: [s.strip() for s in sentencex.segment(lang, text) if s.strip()]


def _boundaries(text: str, sentences: list[str]) -> set[int] | None:
    """End offsets of every sentence but the last, or None when a sentence is not in ``text``."""
    ends: list[int] = []
    position = 0
    for sentence in sentences:
        found = text.find(sentence, position)
        if found < 0:
            return None
        position = found + len(sentence)
        ends.append(position)
    return set(ends[:-1])


def _run(split: Splitter, text: str, lang: str) -> list[str]:
    try:
        return split(text, lang)
    except Exception as error:  # a comparison tool that crashes on a case fails that case
        return [f"<{type(error).__name__}>"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--failures", action="store_true", help="print the cases we fail")
    args = parser.parse_args()
    splitters: dict[str, Splitter] = {"ours": ours}
    for name, make in (("pysbd", _pysbd), ("sentencex", _sentencex)):
        split = make()
        if split is None:
            print(f"({name} is not installed: column left out)", file=sys.stderr)
        else:
            splitters[name] = split
    totals = dict.fromkeys(splitters, 0)
    right = dict.fromkeys(splitters, 0)  # predicted boundaries that are expected
    predicted = dict.fromkeys(splitters, 0)
    expected_count = dict.fromkeys(splitters, 0)
    print(f"{'lang':6}{'cases':>6}" + "".join(f"{name:>11}" for name in splitters))
    failures: list[tuple[str, str, list[str], list[str]]] = []
    for lang, table in GOLDEN.items():
        passed = dict.fromkeys(splitters, 0)
        for text, expected in table:
            for name, split in splitters.items():
                got = _run(split, text, lang)
                gold, mine = _boundaries(text, expected), _boundaries(text, got)
                if gold is not None and mine is not None:
                    right[name] += len(gold & mine)
                    predicted[name] += len(mine)
                    expected_count[name] += len(gold)
                if got == expected:
                    passed[name] += 1
                elif name == "ours":
                    failures.append((lang, text, expected, got))
        for name in splitters:
            totals[name] += passed[name]
        print(f"{lang:6}{len(table):>6}" + "".join(f"{passed[name]:>11}" for name in splitters))
    count = sum(len(table) for table in GOLDEN.values())
    print(f"{'all':6}{count:>6}" + "".join(f"{totals[name]:>11}" for name in splitters))
    print(f"{'boundary precision':24}" + "".join(f"{right[n] / max(predicted[n], 1):>11.3f}" for n in splitters))
    print(f"{'boundary recall':24}" + "".join(f"{right[n] / max(expected_count[n], 1):>11.3f}" for n in splitters))
    print(f"({len(XFAIL_IN_PYSBD)} of the cases are marked xfail by pySBD itself)")
    if args.failures:
        for lang, text, expected, got in failures:
            print(f"\n[{lang}] {text}\n  expected: {expected}\n  ours:     {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
