"""Precision and recall of the numbers / names / urls flags on hand-labelled sentence pairs.

    python benchmarks/facts.py [--table benchmarks/data/fact_pairs.tsv] [--errors]

Each row of the table is a source sentence, an English translation (a correct rendering
or one with the errors MT systems make) and the flags a careful reader would raise.
The script runs :func:`summarise.checks._facts.check_pair` on every row and reports, per flag,
precision (raised flags that were right) and recall (errors that were caught), overall
and per language.  ``--errors`` lists the rows it got wrong.  No model is involved.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from summarise.checks._facts import CHECK_FLAGS, check_pair  # noqa: E402

TABLE = Path(__file__).with_name("data") / "fact_pairs.tsv"


def read_table(path: Path) -> list[tuple[str, set[str], str, str]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        lang, expected, source, translation = line.split("\t")
        flags = set() if expected == "-" else set(expected.split(","))
        unknown = flags - set(CHECK_FLAGS)
        if unknown:
            raise SystemExit(f"{path}:{number}: unknown flag(s) {sorted(unknown)}")
        rows.append((lang, flags, source, translation))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--table", type=Path, default=TABLE)
    parser.add_argument("--errors", action="store_true", help="list the rows where a flag was wrong")
    args = parser.parse_args()
    rows = read_table(args.table)
    counts: Counter[tuple[str, str, str]] = Counter()  # (scope, flag, tp|fp|fn)
    mistakes = []
    for lang, expected, source, translation in rows:
        check = check_pair(source, translation, lang)
        raised = set(check.flags)
        for flag in CHECK_FLAGS:
            outcome = "tp" if flag in raised and flag in expected else "fp" if flag in raised else "fn" if flag in expected else None
            if outcome:
                counts["all", flag, outcome] += 1
                counts[lang, flag, outcome] += 1
        if raised != expected:
            mistakes.append((lang, sorted(expected), sorted(raised), source, translation, check.details))
    langs = sorted({lang for lang, *_ in rows})
    print(f"{len(rows)} pairs ({sum(1 for _, e, *_ in rows if not e)} correct renderings) in {len(langs)} languages: {', '.join(langs)}")
    print(f"{'flag':<8} {'errors':>6} {'raised':>6} {'precision':>9} {'recall':>7}")
    for flag in CHECK_FLAGS:
        tp, fp, fn = (counts["all", flag, k] for k in ("tp", "fp", "fn"))
        print(f"{flag:<8} {tp + fn:>6} {tp + fp:>6} {_ratio(tp, tp + fp):>9} {_ratio(tp, tp + fn):>7}")
    print("\nper language (precision/recall; - where nothing to count):")
    print(f"{'lang':<5} " + " ".join(f"{flag:>13}" for flag in CHECK_FLAGS))
    for lang in langs:
        cells = []
        for flag in CHECK_FLAGS:
            tp, fp, fn = (counts[lang, flag, k] for k in ("tp", "fp", "fn"))
            cells.append(f"{_ratio(tp, tp + fp)}/{_ratio(tp, tp + fn)}")
        print(f"{lang:<5} " + " ".join(f"{cell:>13}" for cell in cells))
    if args.errors:
        print(f"\n{len(mistakes)} rows with a wrong flag:")
        for lang, expected, raised, source, translation, details in mistakes:
            print(f"[{lang}] expected {expected or '-'}, raised {raised or '-'} {details}\n    {source}\n    {translation}")


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "-"


if __name__ == "__main__":
    main()
