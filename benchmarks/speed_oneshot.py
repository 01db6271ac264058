"""What one article costs a person at the command line, whole processes timed from start to exit.

``oneshot``: ``summarise run`` on the 25-sentence article with both models converted, text output to
a pipe, median of ``repeat`` runs.  ``naive``: the tutorial script as a whole process (fp32
transformers, one ``generate()`` per sentence, then the summary), run in the same benchmark; each of
its sentences and its summary is forced to the number of tokens our run wrote for it, so both do the
same decoding work (random weights would otherwise stop anywhere).  ``first_run``: ``summarise run``
on a cold ``SUMMARISE_HOME``, converting both models first.  ``imports``: the ten imports with the
largest cumulative time (``python -X importtime``) of a warm run on the default path.
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

from benchmarks.speed_workloads import SUMMARY_TOKENS, article

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


def write_registry(path: Path, mt_dir: Path, sum_dir: Path, default_quant: str | None) -> Path:
    """The registry of the whole-process runs: the benchmark's two models, the shipped precision."""
    quant = f'quantization = "{default_quant}"\n' if default_quant else ""
    path.write_text(
        f'[defaults]\nsummariser = "sum"\n\n[models.mt]\ntask = "translation"\nsource = "{mt_dir}"\nlanguages = ["fr"]\n'
        f'max_input_tokens = 512\n{quant}\n[models.sum]\ntask = "summarisation"\nsource = "{sum_dir}"\nmax_input_tokens = 1024\n'
        f'min_new_tokens = 56\nmax_new_tokens = 142\n',
        encoding="utf-8",
    )
    return path


def article_text() -> str:
    """The 25 sentences as a page holds them: capitalised, each ending with a period."""
    return " ".join(f"{sentence[:1].upper()}{sentence[1:]}." for sentence in article()) + "\n"


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


def _output_tokens(result: dict, mt_dir: Path, sum_dir: Path) -> tuple[list[tuple[str, int]], int]:
    """Per sentence our run translated: (source, tokens of its translation); and the summary's tokens."""
    from transformers import AutoTokenizer

    mt, summary = AutoTokenizer.from_pretrained(str(mt_dir)), AutoTokenizer.from_pretrained(str(sum_dir))
    sentences = []
    for pair in result["pairs"]:
        n = len(mt(pair["translation"], add_special_tokens=True)["input_ids"])
        sentences.append((pair["source"], max(1, n)))
    summary_tokens = len(summary(result["summary"] or "", add_special_tokens=False)["input_ids"]) + 1
    return sentences, summary_tokens


def measure_oneshot(mt_dir: Path, sum_dir: Path, out: Path, default_quant: str | None, repeat: int) -> dict[str, Any]:
    work = out / "oneshot"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    registry = write_registry(work / "models.toml", mt_dir, sum_dir, default_quant)
    text = work / "article.txt"
    text.write_text(article_text(), encoding="utf-8")
    warm_home, cold_home = work / "home", work / "cold-home"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SUMMARISE_HOME": str(warm_home)}

    def command(*extra: str, python: tuple[str, ...] = ()) -> list[str]:
        return [sys.executable, *python, "-m", "summarise", "run", str(text), "--models", str(registry), "-s", "fr",
                "--device", "cpu", "-q", *extra]

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
        _, done = _timed(command("-f", "json"), env)  # untimed: what our run wrote, for the naive script's lengths
        ours = json.loads(done.stdout)
        result["sentences"] = len(ours["pairs"])
        oneshot = []
        for _ in range(max(1, repeat)):
            seconds, _ = _timed(command("-f", "text"), env)
            oneshot.append(round(seconds, 3))
        result["oneshot_s"], result["oneshot_runs_s"] = statistics.median(oneshot), oneshot
        _, done = _timed(command("-f", "text", python=("-X", "importtime")), env)
        result["imports_top10"] = top_imports(done.stderr.decode(errors="replace"))
        sentences, summary_tokens = _output_tokens(ours, mt_dir, sum_dir)
        plan = work / "naive-plan.json"
        plan.write_text(json.dumps({"mt_dir": str(mt_dir), "sum_dir": str(sum_dir), "sentences": sentences,
                                    "summary_tokens": summary_tokens or SUMMARY_TOKENS}), encoding="utf-8")
        script = work / "naive.py"
        script.write_text(NAIVE_SCRIPT, encoding="utf-8")
        naive = []
        for _ in range(max(1, repeat)):
            seconds, _ = _timed([sys.executable, str(script), str(plan)], env)
            naive.append(round(seconds, 3))
        result["naive_s"], result["naive_runs_s"] = statistics.median(naive), naive
        result["oneshot_x"] = result["naive_s"] / result["oneshot_s"]
        result["generated_tokens"] = {"translation": sum(n for _, n in sentences), "summary": summary_tokens}
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

    lines = ["", f"One article, process start to exit (`summarise run`, {oneshot.get('sentences', '?')} sentences, text output, "
             f"median of {len(oneshot.get('oneshot_runs_s') or [])}): {seconds('oneshot_s')} with the models converted; "
             f"the naive script as a whole process {seconds('naive_s')}"
             + (f" ({oneshot['oneshot_x']:.1f}×)" if oneshot.get("oneshot_x") else "")
             + f"; {seconds('first_run_s')} on a cold SUMMARISE_HOME, converting both models."]
    if oneshot.get("imports_top10"):
        lines += ["", "| Import (`-X importtime`, warm run) | cumulative | self |", "|---|---:|---:|"]
        lines += [f"| `{row['module']}` | {row['cumulative_s']:.3f} s | {row['self_s']:.3f} s |" for row in oneshot["imports_top10"]]
    if oneshot.get("error"):
        lines.append(f"\nThe whole-process runs failed: `{oneshot['error'].strip().splitlines()[-1]}`")
    return lines
