#!/usr/bin/env python
"""Speed of translation and summary: the naive way, our product's paths, and CTranslate2.

    python benchmarks/speed.py --quick                 # about 6 minutes on 2 CPU cores
    python benchmarks/speed.py                         # more variants, and the archive
    python benchmarks/speed.py --quick --device cuda   # on a GPU: fp16, int8_float16
    python benchmarks/speed.py --smoke --out /tmp/s    # tiny layers, in one process: does it still run? (CI)

No download: the models are built with random weights and the exact published
architectures of opus-mt-fr-en and distilbart-cnn-12-6 (``benchmarks/common.py``
cites the configs).  Random weights would stop at random lengths, so every
variant is made to generate the same number of tokens: ``min == max`` new tokens,
set from the source length (``TARGET_RATIO`` target tokens per source token for a
translation, ``SUMMARY_TOKENS`` for a summary).

Variants
  naive      the tutorial way: fp32 transformers, ``model.generate()`` once per
             sentence, each sentence forced to its own length.
  ours-*     the product's own code: ``build_engine`` (TransformersEngine or
             CTranslate2Engine) driven by ``Translator`` (length-sorted batches under
             a token budget) and ``Summarizer``.  A thin engine wrapper forces each
             batch to the mean forced length of its sentences, so a batch does the
             same number of generated tokens as the naive loop does for those
             sentences.  Every output then stops at its budget, which the product
             would treat as a cut-off translation and retry alone with a larger
             budget; the limit here is ours, not the model's, so the wrapper reports
             the outputs as ended (``hit_limit=False``).  The loop-retry policy of
             the pipeline is left out too: random weights repeat themselves.

Each variant runs in a fresh process: load time and peak RSS are its own, and
one variant's memory cannot flatter or hurt the next.  Peak RSS "translation
only" is read before the summariser loads; the greedy (``--fast``) rows reuse
their beam-4 sibling's loaded model.  A one-sentence warm-up call precedes the
timed work in every variant.  Ratios are to the naive variant measured in the
same run, on the same machine; every workload is timed ``--repeat`` times (3) after the
warm-up and the median counts, the naive loop's as every other's; "cores busy" is CPU time over wall time, which
shows when other work on the machine took cores away.

Workloads: one article (25 sentences of 10 to 45 tokens, 600 source tokens,
657 forced target tokens); its summary (a 700-token input, 110 new tokens,
beam 4); and, in the full run, an archive of 200 such articles translated in
one call (sentences batched across articles, as ``summarise bulk`` does), with
CTranslate2 int8 at beam 4 and the PyTorch default with ``--fast``.

The code: ``speed_workloads.py`` (the workloads, variants and targets), ``speed_child.py``
(one variant in its own process), ``speed_report.py`` (FLOPs, ratios, the table) and this
file (build the models, run the variants, write the report).

The compute bound is the useful work (matmuls and attention; padding, beam
bookkeeping and softmax left out) divided by the matmul throughput measured
in the same run, fp32 and int8.  Results: ``benchmarks/results/speed-*.json``
and ``.md``; the markdown table is printed too.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch: spinning OpenMP threads starve 2 cores
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the models are local; never reach for the hub

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# First, even when an editable install already lists ROOT: pySBD installs a top-level
# `benchmarks` package of its own into site-packages, which would shadow this one.
sys.path.insert(0, str(ROOT))

from benchmarks import common  # noqa: E402
from benchmarks.speed_child import child, engine_peaks, matmul_peaks  # noqa: E402
from benchmarks.speed_levers import measure_levers  # noqa: E402
from benchmarks.speed_oneshot import STARTUP_SUMMARY_TOKENS, article_text, forced_command, measure_oneshot, write_registry  # noqa: E402
from benchmarks.speed_report import build_report, render_markdown  # noqa: E402
from benchmarks.speed_workloads import variants  # noqa: E402
from summarise.models.engines import cpu_int8  # noqa: E402

# -- the parent: build, run, report ---------------------------------------------


@dataclass
class Run:
    args: argparse.Namespace
    out: Path
    device: str
    threads: int
    machine: dict = field(default_factory=dict)
    prep: dict = field(default_factory=dict)
    peaks: dict = field(default_factory=dict)
    startup: dict = field(default_factory=dict)
    oneshot: dict = field(default_factory=dict)
    levers: dict = field(default_factory=dict)
    results: dict = field(default_factory=dict)
    failed: dict = field(default_factory=dict)


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _spawn(payload: dict, timeout: float, environment: tuple[tuple[str, str], ...] = ()) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(payload)]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env={**os.environ, **dict(environment)})
    if completed.returncode != 0:
        raise RuntimeError(f"{payload.get('name', payload.get('mode'))} failed:\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def describe_machine(device: str, threads: int) -> dict:
    import importlib.metadata as meta

    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    versions = {}
    for package in ("torch", "transformers", "ctranslate2"):
        try:
            versions[package] = meta.version(package)
        except meta.PackageNotFoundError:
            versions[package] = None
    info = {"cpu": model, "cores": os.cpu_count(), "threads": threads, "memory_gb": memory, "python": platform.python_version(),
            "os": platform.platform(), "device": device, "int8_class": cpu_int8().to_dict(), **versions}
    if device == "cuda":
        import torch

        info["gpu"] = torch.cuda.get_device_name(0)
    return info


def prepare(run: Run) -> tuple[Path, Path, bool]:
    models = Path(run.args.models_dir)
    started = time.perf_counter()
    mt_dir = common.build_opus_mt_fr_en(models / "opus-mt-fr-en", smoke=run.args.smoke)
    sum_dir = common.build_distilbart_cnn_12_6(models / "distilbart-cnn-12-6", smoke=run.args.smoke)
    run.prep["build_s"] = time.perf_counter() - started
    try:
        import ctranslate2  # noqa: F401

        has_ct2 = True
    except ImportError:
        has_ct2 = False
        _say("ctranslate2 is not installed: CTranslate2 variants skipped (pip install 'summarise-news[ct2]')")
    if has_ct2:
        from summarise.models.engines import _ctranslate2 as ct2

        conversions = {}
        for source in (mt_dir, sum_dir):
            for quant in ("int8",) if run.args.quick else ("int8", None):
                started = time.perf_counter()
                ct2.convert(str(source), quantization=quant, local_files_only=True)
                conversions[f"{source.name}:{quant or 'float32'}"] = round(time.perf_counter() - started, 2)
        run.prep["ct2_convert_s"] = conversions
    return mt_dir, sum_dir, has_ct2


def measure_startup(mt_dir: Path, sum_dir: Path, out: Path, default_quant: str | None, repeat: int) -> dict:
    """Seconds from process start to the first byte `summarise run` writes, on a three-sentence article.

    ``first_s``: the first run of the default install, converting both models (once);
    ``warm_s``: the median of ``repeat`` next runs, loading them from the cache (what ``startup_seconds`` reports);
    ``transformers_s``: the same with ``--backend transformers``.  Import, model load and the
    short article's translation and summary are all inside, at the lengths a trained model writes
    (``speed_oneshot.FORCED_RUN``: each translation 1.1 × its source tokens, the summary the
    registry's 56-token minimum): random weights would translate each sentence to the window's end
    and loop.  ``warm_unforced_s``: one warm run at the random weights' own lengths, for the record.
    """
    home = out / "startup-home"
    shutil.rmtree(home, ignore_errors=True)
    registry = write_registry(out / "startup-models.toml", mt_dir, sum_dir, default_quant)
    text = out / "startup-article.txt"
    text.write_text(article_text(3), encoding="utf-8")  # three sentences, as the splitter sees them on a page
    env = {**os.environ, "SUMMARISE_HOME": str(home), "PYTHONPATH": str(ROOT)}
    forced, _ = forced_command(out, STARTUP_SUMMARY_TOKENS)

    def once(*extra: str, unforced: bool = False) -> float:
        program = [sys.executable, "-m", "summarise"] if unforced else forced
        command = [*program, "run", str(text), "--models", str(registry), "-s", "fr", "-f", "json", "--device", "cpu", "-q", *extra]
        started = time.perf_counter()
        # Unbuffered: read(1) takes one byte; a buffered read would keep bytes that communicate() never sees.
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
        first = process.stdout.read(1)
        seconds = time.perf_counter() - started
        rest, errors = process.communicate(timeout=1800)
        if process.returncode != 0 or not first:
            raise RuntimeError(f"summarise run failed: {errors.decode(errors='replace')[-2000:]}")
        json.loads(first + rest)  # the whole result came out
        return seconds

    result: dict[str, Any] = {}
    try:
        result["first_s"] = once()
        warm = [round(once(), 3) for _ in range(max(1, repeat))]
        result["warm_s"], result["warm_runs_s"] = statistics.median(warm), warm
        result["transformers_s"] = once("--backend", "transformers")
        result["warm_unforced_s"] = once(unforced=True)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        result["error"] = str(exc)[-2000:]
    return result


def levers_child(payload: dict) -> dict:
    """The summary's levers (``speed_levers``), in a process of their own: the converted summariser, as the product made it."""
    from summarise.models.engines import _ctranslate2 as ct2

    converted = Path(ct2.convert(payload["sum_dir"], quantization="int8", local_files_only=True))
    return measure_levers(converted, Path(payload["work"]), payload["repeat"], payload.get("threads"))


def run_levers(run: Run, sum_dir: Path) -> dict:
    payload = {"mode": "levers", "sum_dir": str(sum_dir), "work": str(run.out / "levers"), "repeat": run.args.repeat, "threads": run.threads}
    try:
        levers = levers_child(payload) if run.args.smoke else _spawn(payload, timeout=1800)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        return {"error": str(exc)[-2000:]}
    _say("summary levers: " + ", ".join(f"{name} {row['x']:.2f}x" for name, row in levers["variants"].items()))
    return levers


def default_quantization() -> str | None:
    """The quantization the shipped registry gives opus-mt-fr-en: what "the default PyTorch path" means."""
    from summarise.models import Registry, default_path

    return Registry.load(default_path()).get("opus-mt-fr-en").quantization


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer variants, no archive: about 6 minutes on 2 cores")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: torch's, the physical cores)")
    parser.add_argument("--archive", type=int, default=None, help="articles in the archive workload (default: 0 quick, 200 full)")
    parser.add_argument("--only", default=None, help="comma-separated variant names to run (naive always runs)")
    parser.add_argument("--out", default=str(HERE / "results"), help="where JSON and markdown go")
    parser.add_argument("--models-dir", default=None, help="where the random-init models are built (default: OUT/models)")
    parser.add_argument("--repeat", type=int, default=None, help="timed runs of each workload in every variant, the median reported "
                        "(default 3; 1 with --smoke; the archive workload runs once)")
    parser.add_argument("--json", default=None, help="also write the report (JSON) to this file")
    parser.add_argument("--smoke", action="store_true", help="tiny layers, the quick variants and a 2-article archive, in one process: "
                        "checks that the benchmark still runs against the product (CI), measures nothing")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat is None:
        args.repeat = 1 if args.smoke else 3
    if args.smoke:
        args.quick = True
        args.archive = 2 if args.archive is None else args.archive

    if args.child:
        payload = json.loads(args.child)
        if payload.get("mode") == "levers":
            print(json.dumps(levers_child(payload)))
            return 0
        if payload.get("mode") == "peaks":
            import torch

            torch.set_num_threads(payload["threads"])
            result = matmul_peaks(payload["device"], payload["quick"], payload.get("smoke", False))
            if payload.get("mt_dir"):  # the int8 peak is CTranslate2's own, at this CPU class's default precision
                result.update(engine_peaks(Path(payload["mt_dir"]), payload.get("smoke", False)))
        else:
            result = child(payload)
        print(json.dumps(result))
        return 0

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    args.models_dir = args.models_dir or str(out / ("models-smoke" if args.smoke else "models"))
    # Conversions go to a cache of the benchmark's own, not the user's.
    os.environ.setdefault("SUMMARISE_HOME", str(out / "home"))
    import torch

    threads = args.threads or torch.get_num_threads()
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda, but torch sees no CUDA GPU")
    run = Run(args=args, out=out, device=args.device, threads=threads)
    run.machine = describe_machine(args.device, threads)
    run.prep["load_average_before"] = _loadavg()
    wall = time.perf_counter()
    mt_dir, sum_dir, has_ct2 = prepare(run)
    _say(f"models ready in {time.perf_counter() - wall:.1f} s")
    engine_dir = str(mt_dir) if has_ct2 and args.device == "cpu" else None
    if args.smoke:  # one process: the point is the product's names, not isolation
        run.peaks = matmul_peaks(args.device, True, smoke=True)
        if engine_dir:
            run.peaks.update(engine_peaks(mt_dir, smoke=True))
    else:
        run.peaks = _spawn({"mode": "peaks", "device": args.device, "quick": args.quick, "threads": threads, "mt_dir": engine_dir}, timeout=600)
    _say("matmul GFLOP/s: " + ", ".join(f"{k} {v:.0f}" for k, v in run.peaks.items()))
    archive_articles = args.archive if args.archive is not None else (0 if args.quick else 200)
    default_quant = default_quantization()
    chosen = variants(args.quick, args.device, default_quant, has_ct2, archive_articles)
    if args.only:
        keep = set(args.only.split(",")) | {"naive"}
        chosen = [v for v in chosen if v.name in keep]
    for variant in chosen:
        payload = {
            "name": variant.name,
            "device": args.device,
            "threads": threads,
            "set_threads": args.threads,
            "workload": variant.workload,
            "archive_articles": archive_articles,
            "mt_dir": str(mt_dir),
            "sum_dir": str(sum_dir),
            "greedy": variant.greedy,
            "repeat": 1 if variant.workload == "archive" else args.repeat,
            "translate": variant.translate.__dict__ if variant.translate else None,
            "summarise": variant.summarise.__dict__ if variant.summarise else None,
        }
        started = time.perf_counter()
        if args.smoke and not variant.environment:
            result = child(payload)  # in this process; an error propagates: a smoke run must fail loudly
        else:
            try:
                result = _spawn(payload, timeout=3600, environment=variant.environment)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                # One broken variant (say CTranslate2 without its CUDA libraries) must not cost the others.
                _say(f"{variant.name:<22} FAILED: {str(exc).strip().splitlines()[-1] if str(exc).strip() else exc}")
                run.failed[variant.name] = str(exc)[-2000:]
                continue
        result["labels"] = {
            "translate": variant.translate.label(args.device) if variant.translate else None,
            "summarise": variant.summarise.label(args.device, "summarise") if variant.summarise else None,
        }
        result["workload"] = variant.workload
        result["cpu_class"] = variant.cpu_class or cpu_int8().name
        result["beams"] = variant.translate.beams if variant.translate else None
        run.results[variant.name] = result
        parts = []
        if "translate" in result:
            parts.append(f"translate {result['translate']['seconds']:.2f} s")
            if "greedy" in result["translate"]:
                parts.append(f"greedy {result['translate']['greedy']['seconds']:.2f} s")
        if "summarise" in result:
            parts.append(f"summary {result['summarise']['seconds']:.2f} s")
        _say(f"{variant.name:<22} {', '.join(parts)}  (process {time.perf_counter() - started:.0f} s)")
    if args.device == "cpu" and (not args.only or "startup" in args.only.split(",")):
        run.startup = measure_startup(mt_dir, sum_dir, out, default_quant, args.repeat)
        _say("startup, `summarise run` to its first output: " + ", ".join(f"{k} {v:.1f} s" for k, v in run.startup.items() if isinstance(v, float)))
    if args.device == "cpu" and (not args.only or "oneshot" in args.only.split(",")):
        run.oneshot = measure_oneshot(mt_dir, sum_dir, out, default_quant, args.repeat)
        _say("one article, `summarise run` start to exit: " + ", ".join(f"{k} {v:.2f}" for k, v in run.oneshot.items() if isinstance(v, float))
             + (f"  FAILED: {run.oneshot['error'].strip().splitlines()[-1]}" if run.oneshot.get("error") else ""))
    if has_ct2 and args.device == "cpu" and (not args.only or "levers" in args.only.split(",")):
        run.levers = run_levers(run, sum_dir)
    run.prep["wall_s"] = time.perf_counter() - wall
    run.prep["load_average_after"] = _loadavg()
    report = build_report(run, default_quant, archive_articles)
    stem = f"speed-{'smoke' if args.smoke else 'quick' if args.quick else 'full'}-{args.device}"
    (out / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    markdown = render_markdown(report)
    (out / f"{stem}.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    _say(f"wrote {out / (stem + '.json')} and {out / (stem + '.md')} in {run.prep['wall_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
