#!/usr/bin/env python
"""How often summary attribution names the right article sentence: top-1 and top-3, on both backends.

    python benchmarks/attribution.py                # 200 generated articles per summariser and backend
    python benchmarks/attribution.py --quick        # 20 articles: does it still run? (a test runs this)

Two tiny summarisers whose right answer is known, trained in counted steps by ``tests/factmodels.py``:

* ``first``: writes its input's first sentence.  Half the articles repeat that sentence later, so
  word overlap alone cannot tell the two apart; the right answer is always pair 0.
* ``marker``: writes the sentence that the marker word opens, wherever it sits (nothing for a chunk
  without it); the right answer is that sentence's index.  It follows the sentence from word to
  word, so its articles use no word twice.

Articles are 3 to 9 sentences of 3 to 7 vocabulary words, in English (no translation step), so most
do not fit the summarisers' 31-token window and are summarised in stages.  For each article and
backend we count: the summary being the expected sentence; top-1 (the best supporting pair is the
right one), top-3 (the right one is among the supporting pairs, at most three) and "exactly the one"
(it is the only supporting pair) of the combined score; top-1 and exactly-the-one of word overlap alone
(``attribution=False``; ties go to the earlier pair); and top-1 of the traced attention alone.
Results: ``OUT/attribution.json`` and ``.md``, and the table printed.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse
import json
import platform
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.support.registry import window_summariser  # noqa: E402


def build_models(root: Path, kinds: list[str]) -> dict[str, Path]:
    from tests import factmodels, tinymodels

    root.mkdir(parents=True, exist_ok=True)
    built = {}
    copy = root / "copy"
    trainers = {
        "first": lambda folder: factmodels.train_first_sentence_marian(folder, copy),
        "marker": factmodels.train_marker_marian,  # a wider model of its own
    }
    for name in kinds:
        folder = root / name
        if not (folder / "config.json").is_file():
            if name == "first" and not (copy / "config.json").is_file():
                tinymodels.train_copy_marian(copy)
            trainers[name](folder)
        built[name] = folder
    return built


def write_registry(path: Path, models: dict[str, Path]) -> Path:
    entries = "".join(window_summariser(name, folder) for name, folder in models.items())
    path.write_text(f'[defaults]\nsummariser = "{next(iter(models))}"\n{entries}', encoding="utf-8")
    return path


def articles(kind: str, count: int, seed: int) -> list[tuple[list[str], int]]:
    """(sentences, index of the sentence the summary must rest on), in English vocabulary words.

    A marker article uses no word twice, as its summariser was trained (it follows the sentence it
    copies from word to word); a first-sentence article draws its words freely.
    """
    from tests import factmodels, tinymodels

    words = [w for w in tinymodels.VOCAB_WORDS if w.isalpha() and w.islower()]
    openers = [w for w in tinymodels.VOCAB_WORDS if w.isalpha() and w[0].isupper() and w[1:].islower() and w != factmodels.MARKER]
    rng = random.Random(seed)

    def sentence(opener: str) -> str:
        return " ".join([opener] + [rng.choice(words) for _ in range(rng.randint(2, 6))]) + "."

    out = []
    for _ in range(count):
        if kind == "first":
            sentences = [sentence(rng.choice(openers)) for _ in range(rng.randint(3, 9))]
            truth = 0
            if rng.random() < 0.5:  # the same sentence again, later: words alone tie
                sentences.insert(rng.randint(1, len(sentences)), sentences[0])
        else:
            size = rng.randint(3, 9)
            truth = rng.randrange(size)
            starts = rng.sample(openers, size)
            starts[truth] = factmodels.MARKER
            lengths = [rng.randint(2, 6) for _ in range(size)]
            drawn = iter(rng.sample(words, sum(lengths)))
            sentences = [" ".join([start] + [next(drawn) for _ in range(n)]) + "." for start, n in zip(starts, lengths)]
        out.append((sentences, truth))
    return out


def measure(registry: Path, kind: str, backend: str, items: list[tuple[list[str], int]]) -> dict:
    from summarise import Summariser
    from summarise.pipeline._options import Options
    from tests.tinymodels import normalise

    combined = Summariser(registry, device="cpu", backend=backend, sum_model=kind)
    words_only = Options(attribution=False)
    counts = dict(articles=0, staged=0, summary_right=0, top1=0, top3=0, exact=0, top1_words=0, exact_words=0, top1_attention=0, unsupported=0)
    started = time.perf_counter()
    for sentences, truth in items:
        text = " ".join(sentences)
        result = combined.summarise(text, source_lang="en")
        counts["articles"] += 1
        counts["staged"] += result.summary_stages > 1
        counts["summary_right"] += result.summary == normalise(result.pairs[truth].translation)
        if not result.summary_sentences:
            continue
        first = result.summary_sentences[0]
        counts["unsupported"] += "unsupported" in first.flags
        counts["top1"] += first.pairs[:1] == [truth]
        counts["top3"] += truth in first.pairs[:3]
        counts["exact"] += first.pairs == [truth]
        plain = combined.summarise(text, words_only, source_lang="en").summary_sentences
        counts["top1_words"] += bool(plain) and plain[0].pairs[:1] == [truth]
        counts["exact_words"] += bool(plain) and plain[0].pairs == [truth]
        outcome = combined.summarizer().summarise([pair.translation for pair in result.pairs])
        if outcome.attention and outcome.attention[0]:
            counts["top1_attention"] += max(outcome.attention[0], key=outcome.attention[0].get) == truth
    n = max(1, counts["articles"])
    return {**counts, "seconds": time.perf_counter() - started,
            **{f"{key}_rate": counts[key] / n for key in ("summary_right", "top1", "top3", "exact", "top1_words", "exact_words", "top1_attention", "staged")}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20 articles per summariser and backend")
    parser.add_argument("--articles", type=int, default=None, help="articles per summariser and backend (default 200, quick 20)")
    parser.add_argument("--out", default=str(HERE / "results"), help="where attribution.json and .md go")
    parser.add_argument("--summarisers", default="first,marker", help="which of first,marker to measure (default both)")
    parser.add_argument("--models-dir", default=None, help="where the tiny models are trained (default: OUT/attribution-models)")
    args = parser.parse_args(argv)
    count = args.articles or (20 if args.quick else 200)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SUMMARISE_HOME", str(out / "attribution-home"))  # CTranslate2 conversions stay beside the results
    kinds = [kind for kind in args.summarisers.split(",") if kind]
    unknown = sorted(set(kinds) - {"first", "marker"})
    if unknown:
        parser.error(f"unknown summariser(s) {', '.join(unknown)}: expected first, marker")
    models = build_models(Path(args.models_dir) if args.models_dir else out / "attribution-models", kinds)
    registry = write_registry(out / "attribution-models.toml", models)
    rows = []
    for kind in kinds:
        items = articles(kind, count, seed=7)
        for backend in ("ctranslate2", "transformers"):
            row = {"summariser": kind, "backend": backend, **measure(registry, kind, backend, items)}
            rows.append(row)
            print(f"{kind:7} {backend:12} top-1 {row['top1_rate']:.3f}  top-3 {row['top3_rate']:.3f}  exact {row['exact_rate']:.3f}  "
                  f"words only: top-1 {row['top1_words_rate']:.3f} exact {row['exact_words_rate']:.3f}  "
                  f"attention only {row['top1_attention_rate']:.3f}  summary right {row['summary_right_rate']:.3f}  staged {row['staged_rate']:.2f}",
                  flush=True)
    report = {"articles": count, "machine": {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count()}, "rows": rows}
    (out / "attribution.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    lines = [f"{count} generated articles per summariser and backend.", "",
             "| summariser | backend | top-1 | top-3 | exactly the one | words only: top-1 | words only: exactly the one | attention only: top-1 | summary as expected | staged |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['summariser']} | {r['backend']} | {r['top1_rate']:.3f} | {r['top3_rate']:.3f} | {r['exact_rate']:.3f} | {r['top1_words_rate']:.3f} | {r['exact_words_rate']:.3f} | "
              f"{r['top1_attention_rate']:.3f} | {r['summary_right_rate']:.3f} | {r['staged_rate']:.2f} |" for r in rows]
    (out / "attribution.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
