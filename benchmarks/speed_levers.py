"""The summary's levers (issue 29 item 7): what each one saves on ``speed.py``'s summary workload, in one process.

The workload is the speed benchmark's summary (distilbart-cnn-12-6's architecture, random weights, the
700-token input, ``SUMMARY_TOKENS`` new tokens forced, beam 4), decoded by CTranslate2 int8 on the
folder the product converted, with the keywords the product's engine passes
(``ModelGeneration.ctranslate2_kwargs``).  Each lever changes one thing:

  vmap-source    a vocabulary map (``use_vmap``): the output layer scores only the input's own tokens
                 (one ``token<TAB>token`` line per vocabulary entry) and the special tokens
  vmap-frequent  the same plus the ``FREQUENT`` first entries of the vocabulary (byte-level BPE lists its
                 merges in the order they were learnt, most frequent first), always allowed
  beam2, greedy  a smaller beam (the decoding budget)
  input512       the input cut to 512 tokens (``max_input_length``: what a shorter window would cost)

Every variant is timed ``repeat`` times after one warm-up, round by round (one run of each variant per round), the median counts, and the ratio is the
default's median over the variant's, measured in the same process.  Random weights write anything, so
these ratios say what a lever saves, never whether it keeps the output: that is for the tests on
trained models (see ``docs/performance.md``).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.speed_workloads import SUMMARY_TOKENS, summary_input

FREQUENT = 8000


def write_vmap(folder: Path, vocabulary: list[str], frequent: int) -> None:
    """``vmap.txt``: each token maps to itself, and the first ``frequent`` tokens are always candidates."""
    with open(folder / "vmap.txt", "w", encoding="utf-8") as out:
        out.write("\t" + " ".join(vocabulary[:frequent]) + "\n")
        for token in vocabulary:
            out.write(f"{token}\t{token}\n")


def _with_vmap(converted: Path, work: Path, frequent: int) -> Path:
    """A copy of the converted folder (weights linked, not copied) with a vocabulary map."""
    folder = work / f"vmap-{frequent}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for item in converted.iterdir():
        if item.is_file():
            (folder / item.name).symlink_to(item.resolve())
    vocabulary = json.loads((converted / "shared_vocabulary.json").read_text(encoding="utf-8"))
    write_vmap(folder, vocabulary, frequent)
    return folder


class SummaryWorkload:
    """The speed workload's summary input on a converted folder, and the keywords the product's engine
    passes CTranslate2 for it (``ModelGeneration.ctranslate2_kwargs``), forced to a length."""

    def __init__(self, converted: Path) -> None:
        from summarise.models.engines._generation import ModelGeneration
        from summarise.models.engines._tokenizing import load_tokenizer

        self.tokenizer = load_tokenizer(converted)
        self.source = self.tokenizer.source_tokens(self.tokenizer.encode([" ".join(summary_input())]))
        self.generation = ModelGeneration.from_file(converted / "generation_config.json")
        self.vocabulary = frozenset(json.loads((converted / "shared_vocabulary.json").read_text(encoding="utf-8")))

    def kwargs(self, beams: int, tokens: int = SUMMARY_TOKENS) -> dict[str, Any]:
        from summarise.models.engines import GenerationRequest

        request = GenerationRequest(num_beams=beams, min_new_tokens=tokens, max_new_tokens=tokens)
        options = self.generation.ctranslate2_kwargs(request, tokens, lambda index: self.tokenizer.ids_to_tokens([int(index)])[0], self.vocabulary)
        prefix = options.pop("target_prefix")
        options.update(min_decoding_length=tokens, max_decoding_length=tokens, max_input_length=0,
                       return_end_token=True, target_prefix=[prefix] if prefix else None)
        return options


def measure_levers(converted: Path, work: Path, repeat: int, threads: int | None = None) -> dict[str, Any]:
    import ctranslate2

    workload = SummaryWorkload(converted)
    source, kwargs = workload.source, workload.kwargs

    threads = threads or os.cpu_count() or 1
    translators: dict[str, Any] = {}

    def translator(folder: Path) -> Any:
        key = str(folder)
        if key not in translators:  # one worker with every thread: what the product runs a summariser with
            translators[key] = ctranslate2.Translator(key, device="cpu", compute_type="int8", inter_threads=1, intra_threads=threads)
        return translators[key]

    variants = {
        "default": (converted, source, kwargs(4)),
        "vmap-source": (_with_vmap(converted, work, 0), source, dict(kwargs(4), use_vmap=True)),
        "vmap-frequent": (_with_vmap(converted, work, FREQUENT), source, dict(kwargs(4), use_vmap=True)),
        "beam2": (converted, source, kwargs(2)),
        "greedy": (converted, source, kwargs(1)),
        "input512": (converted, [source[0][:511] + [source[0][-1]]], kwargs(4)),
    }
    result: dict[str, Any] = {"input_tokens": len(source[0]), "new_tokens": SUMMARY_TOKENS, "frequent": FREQUENT, "variants": {}}
    for folder, tokens, options in variants.values():
        translator(folder).translate_batch(tokens, **options)  # warm-up
    runs: dict[str, list[float]] = {name: [] for name in variants}
    written: dict[str, int] = {}
    for _ in range(max(1, repeat)):  # round by round, so that a change in the machine's load falls on every variant alike
        for name, (folder, tokens, options) in variants.items():
            started = time.perf_counter()
            written[name] = len(translator(folder).translate_batch(tokens, **options)[0].hypotheses[0])
            runs[name].append(round(time.perf_counter() - started, 3))
    for name in variants:
        result["variants"][name] = {"seconds": statistics.median(runs[name]), "runs_s": runs[name], "tokens": written[name]}
    base = result["variants"]["default"]["seconds"]
    for row in result["variants"].values():
        row["x"] = base / row["seconds"]
    return result


def render(levers: dict[str, Any]) -> list[str]:
    """The report's table of the summary's levers."""
    if not levers or not levers.get("variants"):
        return [f"\nThe summary's levers failed: `{levers['error'].strip().splitlines()[-1]}`"] if levers.get("error") else []
    lines = ["", f"The summary's levers (CTranslate2 int8, {levers['input_tokens']}-token input, {levers['new_tokens']} new tokens forced; "
             f"ratio to the default, same process):", "", "| lever | seconds | × default |", "|---|---:|---:|"]
    for name, row in levers["variants"].items():
        lines.append(f"| {name} | {row['seconds']:.2f} | {row['x']:.2f}× |")
    return lines
