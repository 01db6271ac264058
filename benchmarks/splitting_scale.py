#!/usr/bin/env python
"""How sentence splitting scales with the length of one line: seconds at n, 2n and 4n, and each ratio.

    python benchmarks/splitting_scale.py               # lines of about 15 kB to 60 kB, and a 4 MB line
    python benchmarks/splitting_scale.py --baseline DIR  # the same, side by side, for the splitter in DIR/summarise

Linear work doubles when the line doubles (ratio 2); the splitter rescanned the line at every candidate
cut (ratio 4: 'A. ' * 50000 took 213 s).  ``--baseline`` takes another checkout (``git worktree add``
or ``git archive <commit> summarise | tar -x -C DIR``) and runs its splitter on the same lines in the
same process; shapes that take it longer than ``--budget`` seconds are cut short and marked.  The
tests count work instead of timing it (``tests/text/test_splitting_bounds.py``); this is for people.
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from summarise.text import split_sentences

SHAPES: dict[str, tuple[Callable[[int], str], str]] = {
    "short sentences 'A. '": (lambda n: "A. " * n, "fr"),
    "ordinary French sentences": (lambda n: "Le président a parlé hier soir à Paris. " * (n // 13), "fr"),
    "an unclosed CJK bracket": (lambda n: "《" + "A. " * n, "zh"),
    "spaced straight quotes": (lambda n: 'Oui. " ' * (n // 2), "fr"),
    "a long token before a period": (lambda n: "x" * (3 * n) + ",. Bonjour.", "fr"),
}


def _splitter_from(folder: Path) -> Callable[[str, str], list]:
    spec = importlib.util.spec_from_file_location("baseline_splitting", folder / "summarise" / "splitting.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["baseline_splitting"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.split_sentences


def _seconds(split: Callable[[str, str], list], text: str, lang: str, budget: float) -> float | None:
    started = time.perf_counter()
    split(text, lang)
    elapsed = time.perf_counter() - started
    return elapsed if elapsed <= budget else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, help="a checkout whose splitter runs side by side")
    parser.add_argument("--sizes", type=int, nargs=3, default=(5_000, 10_000, 20_000), help="n, 2n, 4n: units per line")
    parser.add_argument("--budget", type=float, default=30.0, help="seconds after which a baseline shape stops growing")
    args = parser.parse_args()
    splitters = {"ours": split_sentences}
    if args.baseline is not None:
        splitters["baseline"] = _splitter_from(args.baseline)
    print(f"# {platform.processor() or platform.machine()} {platform.python_version()}; seconds per line, then each ratio (2 = linear)")
    for name, (make, lang) in SHAPES.items():
        for label, split in splitters.items():
            split("A. b", lang)  # load the language's abbreviations outside the timing
            times: list[float | None] = []
            for n in args.sizes:
                if times and times[-1] is None:
                    times.append(None)
                    continue
                times.append(_seconds(split, make(n), lang, args.budget))
            shown = " ".join(f"{t:8.3f}" if t is not None else f">{args.budget:7.0f}" for t in times)
            ratios = " ".join(f"{b / a:4.1f}" if a and b else "   -" for a, b in zip(times, times[1:]))
            print(f"{name:32} {label:9} {len(make(args.sizes[-1])):>9} chars  {shown}   x{ratios}")
    four_mb = "Le président a parlé hier soir à Paris. " * 100_000  # ours only: the baseline took 432 s
    print(f"{'a 4 MB line of sentences':32} {'ours':9} {len(four_mb):>9} chars  {_seconds(split_sentences, four_mb, 'fr', float('inf')):8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
