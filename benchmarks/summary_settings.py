#!/usr/bin/env python
"""The summary's default path against the settings that were measured and not adopted, in one run.

    python benchmarks/summary_settings.py              # about 3 minutes on 2 CPU cores
    python benchmarks/summary_settings.py --mkl        # also CT2_USE_MKL=1 (15x slower on an AMD CPU: minutes)
    python benchmarks/summary_settings.py --smoke --out /tmp/s   # tiny layers: does it still run? (CI)

The workload is ``speed.py``'s summary (distilbart-cnn-12-6 architecture, random
weights, a 700-token input, 110 forced new tokens), run through the product's
own ``Summarizer`` on the default engine (CTranslate2 int8).  Each variant runs in
a fresh process, because OpenMP and CTranslate2 read their environment variables
once, when their libraries load; each is timed ``--repeat`` times after a warm-up,
and the median counts.  Ratios are to the default, measured in the same run.

What the variants answer (the README's "Measured and kept as they were"): is a
smaller beam worth giving up the model's published beam 4; does one thread lose
against two; do OpenMP's wait policies matter (``speed.py`` and our tests set
``OMP_WAIT_POLICY=PASSIVE``, a user's shell usually sets nothing, which the empty
value stands for); do CTranslate2's own CPU switches help on this CPU.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# First, even when an editable install already lists ROOT: pySBD installs a top-level
# `benchmarks` package of its own into site-packages, which would shadow this one.
sys.path.insert(0, str(ROOT))

from benchmarks import common, speed_workloads
from summarise.models.engines import cpu_int8

# name -> (environment changes, beams, threads or None for every CPU this process may use)
VARIANTS: dict[str, tuple[dict[str, str], int, int | None]] = {
    "default": ({}, 4, None),
    "beam 2": ({}, 2, None),
    "greedy (--fast)": ({}, 1, None),
    "one thread": ({}, 4, 1),
    "OMP_WAIT_POLICY unset (libgomp's default)": ({"OMP_WAIT_POLICY": ""}, 4, None),
    "OMP_WAIT_POLICY=ACTIVE": ({"OMP_WAIT_POLICY": "ACTIVE"}, 4, None),
    "CT2_FORCE_CPU_ISA=AVX512": ({"CT2_FORCE_CPU_ISA": "AVX512"}, 4, None),
}
MKL = {"CT2_USE_MKL=1": ({"CT2_USE_MKL": "1"}, 4, None)}
# Variants that need an instruction set: the CPU classes (summarise.models.engines._isa) that have it.
NEEDS = {"CT2_FORCE_CPU_ISA=AVX512": ("AVX-512", ("avx512-vnni", "avx512"))}


def skip_reason(name: str) -> str | None:
    """Why ``name`` cannot run on this CPU, or None: CTranslate2 refuses an instruction set the CPU lacks."""
    if name not in NEEDS:
        return None
    isa, classes = NEEDS[name]
    cpu = cpu_int8().native
    return None if cpu.name in classes else f"this CPU has no {isa} ({cpu.name})"


def run_variant(name: str, changes: dict[str, str], beams: int, threads: int | None, sum_dir: Path, repeat: int) -> dict:
    payload = {
        "name": name,
        "device": "cpu",
        "set_threads": threads,
        "sum_dir": str(sum_dir),
        "repeat": repeat,
        "summarise": speed_workloads.Stage("ours", "default", None, beams=beams).__dict__,
    }
    env = {**os.environ, **changes}
    command = [sys.executable, str(HERE / "speed.py"), "--child", json.dumps(payload)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])["summarise"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(HERE / "results"), help="where the JSON and markdown go")
    parser.add_argument("--models-dir", default=None, help="where the random-init model is built (default: OUT/models)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per variant, the median reported")
    parser.add_argument("--mkl", action="store_true", help="also run with CT2_USE_MKL=1")
    parser.add_argument("--smoke", action="store_true", help="tiny layers, one timed run each: checks that it still runs (CI)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SUMMARISE_HOME", str(out / "home"))  # conversions: the benchmark's own cache
    models = Path(args.models_dir or out / ("models-smoke" if args.smoke else "models"))
    sum_dir = common.build_distilbart_cnn_12_6(models / "distilbart-cnn-12-6", smoke=args.smoke)
    repeat = 1 if args.smoke else args.repeat
    chosen = {**VARIANTS, **(MKL if args.mkl else {})}
    wall = time.perf_counter()
    results = {}
    skipped = {}
    for name, (changes, beams, threads) in chosen.items():
        reason = skip_reason(name)
        if reason:
            skipped[name] = reason
            print(f"{name:<45} skipped: {reason}", file=sys.stderr, flush=True)
            continue
        result = run_variant(name, changes, beams, threads, sum_dir, repeat)
        results[name] = {"seconds": result["seconds"], "runs_s": result["runs_s"], "ran": result["ran"], "beams": beams,
                         "threads": threads, "environment": changes}
        print(f"{name:<45} {result['seconds']:.2f} s  runs {result['runs_s']}", file=sys.stderr, flush=True)
    base = results["default"]["seconds"]
    for row in results.values():
        row["x_default"] = base / row["seconds"]
    report = {
        "command": "python benchmarks/summary_settings.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": {"cpu": platform.processor() or platform.machine(), "cpus": os.cpu_count(), "class": cpu_int8().to_dict()},
        "workload": {"input_tokens": speed_workloads.SUMMARY_INPUT_TOKENS, "new_tokens": speed_workloads.SUMMARY_TOKENS, "smoke": args.smoke},
        "repeat": repeat,
        "wall_s": time.perf_counter() - wall,
        "variants": results,
        "skipped": skipped,
    }
    stem = "summary-settings-smoke" if args.smoke else "summary-settings"
    (out / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    lines = [
        f"Summary ({speed_workloads.SUMMARY_INPUT_TOKENS} → {speed_workloads.SUMMARY_TOKENS} tokens), the default engine, median of {repeat}; "
        f"ratios to the default in this run.",
        "",
        "| variant | time | runs | × the default |",
        "|---|---:|---|---:|",
    ]
    for name, row in results.items():
        runs = ", ".join(f"{r:.2f}" for r in row["runs_s"])
        lines.append(f"| {name} | {row['seconds']:.2f} s | {runs} | {row['x_default']:.2f}× |")
    lines += [f"| {name} | skipped: {reason} | | |" for name, reason in skipped.items()]
    lines.append(f"\nCPU class: {cpu_int8().describe()}.")
    markdown = "\n".join(lines) + "\n"
    (out / f"{stem}.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    print(f"spread of the default's runs: {statistics.pstdev(results['default']['runs_s']):.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
