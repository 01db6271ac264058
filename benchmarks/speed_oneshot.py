"""What one article costs a person at the command line, whole processes timed from start to exit.

Random weights would stop anywhere (unforced, our run wrote 2,250 translation tokens for the
article's 600 source tokens, where a trained opus-mt writes about 660), so both sides are forced to
the lengths every other speed figure uses: each translation batch to ``TARGET_RATIO`` × its mean
source tokens, the summary to ``SUMMARY_TOKENS``.

``oneshot``: ``summarise run`` on the 25-sentence article with both models converted, text output to
a pipe, median of ``repeat`` runs, through ``FORCED_RUN``: the CLI's own ``main``, with the engines it
builds wrapped so that every call writes its forced length (the wrapper reports the tokens written,
with the pipeline's second pass for looping outputs switched off, as in every other speed figure:
random weights always loop, and that pass would translate every sentence twice).  ``naive``: the tutorial script as a whole
process (fp32 transformers, one ``generate()`` per sentence, then the summary), in the same
benchmark, each sentence forced to ``TARGET_RATIO`` × its own source tokens and the summary to
``SUMMARY_TOKENS``.  ``unforced``: one plain ``summarise run``, for the record.  ``first_run``:
``summarise run`` on a cold ``SUMMARISE_HOME``, converting both models first (forced as ``oneshot``).
``imports``: the ten imports with the largest cumulative time (``python -X importtime``) of a warm
run on the default path.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.speed_workloads import SUMMARY_TOKENS, TARGET_RATIO, article, forced_length

ROOT = Path(__file__).resolve().parent.parent

NAIVE_SCRIPT = '''
import json, sys
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

plan = json.loads(open(sys.argv[1], encoding="utf-8").read())
mt_tokenizer = AutoTokenizer.from_pretrained(plan["mt_dir"])
mt = AutoModelForSeq2SeqLM.from_pretrained(plan["mt_dir"])  # fp32, as the tutorials do
lines = []
for sentence, n in plan["sentences"]:
    inputs = mt_tokenizer(sentence, return_tensors="pt")
    output = mt.generate(**inputs, num_beams=4, min_new_tokens=n, max_new_tokens=n)
    lines.append(mt_tokenizer.decode(output[0], skip_special_tokens=True))
sum_tokenizer = AutoTokenizer.from_pretrained(plan["sum_dir"])
summariser = AutoModelForSeq2SeqLM.from_pretrained(plan["sum_dir"])
inputs = sum_tokenizer(" ".join(lines), return_tensors="pt", truncation=True, max_length=1024)
n = plan["summary_tokens"]
output = summariser.generate(**inputs, num_beams=4, min_new_tokens=n, max_new_tokens=n)
print(sum_tokenizer.decode(output[0], skip_special_tokens=True))
print("\\n".join(lines))
'''

FORCED_RUN = '''
import atexit, json, sys, time
from dataclasses import replace

stats_path, ratio, summary_tokens = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
sys.argv = ["summarise", *sys.argv[4:]]
from summarise.models.engines import _cache as cache

started = time.perf_counter()
stats = {"translation_tokens": 0, "translation_calls": 0, "translation_s": 0.0, "summary_tokens": 0, "summary_calls": 0, "summary_s": 0.0,
         "load_s": 0.0}


def save():
    stats["process_s"] = time.perf_counter() - started  # from this script's first line: the interpreter's own start is not in it
    open(stats_path, "w", encoding="utf-8").write(json.dumps(stats))


atexit.register(save)
build = cache.build_engine


def built(spec, **kwargs):
    begun = time.perf_counter()
    engine = Forced(build(spec, **kwargs))
    stats["load_s"] += time.perf_counter() - begun
    return engine


class Forced:
    """The product's engine, every call made to write its forced length (speed_child.ForcedLength, for a whole run)."""

    def __init__(self, engine):
        self.engine = engine

    def __getattr__(self, name):
        return getattr(self.engine, name)

    def generate(self, texts, request):
        if not texts:
            return []
        role = "translation" if self.engine.spec.task == "translation" else "summary"
        if role == "translation":
            counts = self.engine.count_tokens(texts)
            n = max(1, round(ratio * sum(counts) / len(counts)))
        else:
            n = summary_tokens
        n = min(n, self.engine.max_output_tokens)
        begun = time.perf_counter()
        outputs = self.engine.generate(texts, replace(request, min_new_tokens=n, max_new_tokens=n))
        stats[role + "_s"] += time.perf_counter() - begun
        stats[role + "_tokens"] += n * len(texts)
        stats[role + "_calls"] += 1
        return [replace(output, hit_limit=False) for output in outputs]


cache.build_engine = built
# As every other speed figure: no second pass for outputs that loop, which random weights always do
# (it would translate every sentence twice); a trained model's outputs rarely loop.
from summarise.pipeline import _summariser as summariser  # a benchmark reaches in: the retry has no switch

summariser.LOOP_RETRY = None
from summarise.cli import main

main()
'''


# The registry's ``min_new_tokens`` (distilbart-cnn-12-6's own ``min_length``), and the startup run's
# forced summary: a three-sentence article's summary is the shortest the model writes.
STARTUP_SUMMARY_TOKENS = 56


def forced_command(work: Path, summary_tokens: int = SUMMARY_TOKENS) -> tuple[list[str], Path]:
    """The interpreter and ``FORCED_RUN`` (written into ``work``), to put before ``summarise``'s own arguments; and its stats file."""
    forced_run = work / "forced_run.py"
    forced_run.write_text(FORCED_RUN, encoding="utf-8")
    stats = work / "forced-stats.json"
    return [sys.executable, str(forced_run), str(stats), str(TARGET_RATIO), str(summary_tokens)], stats


def write_registry(path: Path, mt_dir: Path, sum_dir: Path, default_quant: str | None) -> Path:
    """The registry of the whole-process runs: the benchmark's two models, the shipped precision."""
    quant = f'quantization = "{default_quant}"\n' if default_quant else ""
    path.write_text(
        f'[defaults]\nsummariser = "sum"\n\n[models.mt]\ntask = "translation"\nsource = "{mt_dir}"\nlanguages = ["fr"]\n'
        f'max_input_tokens = 512\n{quant}\n[models.sum]\ntask = "summarisation"\nsource = "{sum_dir}"\nmax_input_tokens = 1024\n'
        f'min_new_tokens = {STARTUP_SUMMARY_TOKENS}\nmax_new_tokens = 142\n',
        encoding="utf-8",
    )
    return path


def article_text(sentences: int | None = None) -> str:
    """The article's sentences (all 25, or the first ``sentences``) as a page holds them: capitalised, each ending with a period."""
    return " ".join(f"{sentence[:1].upper()}{sentence[1:]}." for sentence in article()[:sentences]) + "\n"


def _timed(command: list[str], env: dict[str, str], timeout: float = 1800) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, timeout=timeout)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])} … failed: {done.stderr.decode(errors='replace')[-2000:]}")
    return seconds, done


def top_imports(stderr: str, count: int = 10) -> list[dict[str, Any]]:
    """``-X importtime`` lines (``import time: self | cumulative | name``), the ``count`` largest cumulative times."""
    rows: dict[str, dict[str, Any]] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, cumulative, name = (part.strip() for part in line[len("import time:"):].split("|", 2))
        row = {"module": name, "cumulative_s": int(cumulative) / 1e6, "self_s": int(own) / 1e6}
        # A package's lazy __getattr__ can report a module twice (outer and inner import): its largest line counts.
        if name not in rows or row["cumulative_s"] > rows[name]["cumulative_s"]:
            rows[name] = row
    return sorted(rows.values(), key=lambda row: row["cumulative_s"], reverse=True)[:count]


def _forced_plan(result: dict, mt_dir: Path) -> tuple[list[tuple[str, int]], int]:
    """Per sentence our run translated: (source, its forced length, ``TARGET_RATIO`` × its source tokens); and the summary's."""
    from transformers import AutoTokenizer

    mt = AutoTokenizer.from_pretrained(str(mt_dir))
    sentences = [(pair["source"], forced_length(len(mt(pair["source"], add_special_tokens=True)["input_ids"]))) for pair in result["pairs"]]
    return sentences, SUMMARY_TOKENS


def measure_oneshot(mt_dir: Path, sum_dir: Path, out: Path, default_quant: str | None, repeat: int) -> dict[str, Any]:
    work = out / "oneshot"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    registry = write_registry(work / "models.toml", mt_dir, sum_dir, default_quant)
    text = work / "article.txt"
    text.write_text(article_text(), encoding="utf-8")
    warm_home, cold_home = work / "home", work / "cold-home"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SUMMARISE_HOME": str(warm_home)}

    wrapper, stats = forced_command(work)

    def command(*extra: str, python: tuple[str, ...] = (), forced: bool = True) -> list[str]:
        arguments = ["run", str(text), "--models", str(registry), "-s", "fr", "--device", "cpu", "-q", *extra]
        if forced:
            return [wrapper[0], *python, *wrapper[1:], *arguments]
        return [sys.executable, *python, "-m", "summarise", *arguments]

    result: dict[str, Any] = {}
    try:
        first = []
        for _ in range(max(1, repeat)):  # a cold cache each time: conversion of both models included
            shutil.rmtree(cold_home, ignore_errors=True)
            seconds, _ = _timed(command("-f", "text"), {**env, "SUMMARISE_HOME": str(cold_home)})
            first.append(round(seconds, 3))
        result["first_run_s"], result["first_runs_s"] = statistics.median(first), first
        shutil.rmtree(warm_home, ignore_errors=True)
        shutil.copytree(cold_home, warm_home)  # the warm runs load what the first run converted
        _, done = _timed(command("-f", "json"), env)  # untimed: the sentences our run translated, for the naive script
        ours = json.loads(done.stdout)
        result["sentences"] = len(ours["pairs"])
        oneshot = []
        for _ in range(max(1, repeat)):
            seconds, _ = _timed(command("-f", "text"), env)
            oneshot.append(round(seconds, 3))
        result["oneshot_s"], result["oneshot_runs_s"] = statistics.median(oneshot), oneshot
        result["forced_tokens"] = json.loads(stats.read_text(encoding="utf-8"))  # of the last timed run
        seconds, _ = _timed(command("-f", "text", forced=False), env)
        result["unforced_s"] = round(seconds, 3)
        _, done = _timed(command("-f", "text", python=("-X", "importtime"), forced=False), env)
        result["imports_top10"] = top_imports(done.stderr.decode(errors="replace"))
        sentences, summary_tokens = _forced_plan(ours, mt_dir)
        plan = work / "naive-plan.json"
        plan.write_text(json.dumps({"mt_dir": str(mt_dir), "sum_dir": str(sum_dir), "sentences": sentences,
                                    "summary_tokens": summary_tokens}), encoding="utf-8")
        script = work / "naive.py"
        script.write_text(NAIVE_SCRIPT, encoding="utf-8")
        naive = []
        for _ in range(max(1, repeat)):
            seconds, _ = _timed([sys.executable, str(script), str(plan)], env)
            naive.append(round(seconds, 3))
        result["naive_s"], result["naive_runs_s"] = statistics.median(naive), naive
        result["oneshot_x"] = result["naive_s"] / result["oneshot_s"]
        result["naive_tokens"] = {"translation": sum(n for _, n in sentences), "summary": summary_tokens}
    except (RuntimeError, OSError, subprocess.TimeoutExpired, ValueError, KeyError) as exc:
        result["error"] = str(exc)[-2000:]
    return result


def render(oneshot: dict[str, Any]) -> list[str]:
    """The report's lines on the whole-process runs."""
    if not oneshot:
        return []

    def seconds(key: str) -> str:
        value = oneshot.get(key)
        return f"{value:.2f} s" if isinstance(value, (int, float)) else "–"

    forced = oneshot.get("forced_tokens") or {}
    lines = ["", f"One article, process start to exit (`summarise run`, {oneshot.get('sentences', '?')} sentences, text output, "
             f"median of {len(oneshot.get('oneshot_runs_s') or [])}, lengths forced: {forced.get('translation_tokens', '?')} translation "
             f"and {forced.get('summary_tokens', '?')} summary tokens): {seconds('oneshot_s')} with the models converted; "
             f"the naive script as a whole process {seconds('naive_s')}"
             + (f" ({oneshot['oneshot_x']:.1f}×)" if oneshot.get("oneshot_x") else "")
             + f"; {seconds('first_run_s')} on a cold SUMMARISE_HOME, converting both models; "
             f"{seconds('unforced_s')} unforced (random weights write their own lengths)."]
    if forced.get("process_s"):
        other = forced["process_s"] - forced["load_s"] - forced["translation_s"] - forced["summary_s"]
        lines.append(f"Where the last forced run's {forced['process_s']:.2f} s went (from the wrapper's first line): loading the models "
                     f"{forced['load_s']:.2f} s, translating {forced['translation_s']:.2f} s ({forced['translation_calls']} calls), "
                     f"the summary {forced['summary_s']:.2f} s, everything else (imports, reading, splitting, checks, writing) {other:.2f} s.")
    if oneshot.get("imports_top10"):
        lines += ["", "| Import (`-X importtime`, warm run) | cumulative | self |", "|---|---:|---:|"]
        lines += [f"| `{row['module']}` | {row['cumulative_s']:.3f} s | {row['self_s']:.3f} s |" for row in oneshot["imports_top10"]]
    if oneshot.get("error"):
        lines.append(f"\nThe whole-process runs failed: `{oneshot['error'].strip().splitlines()[-1]}`")
    return lines
