#!/usr/bin/env python
"""Where the summary's time goes: the encoder, each decoding step, and the memory a step must read.

    python benchmarks/summary_floor.py --out /tmp/f               # about a minute on 2 CPU cores
    python benchmarks/summary_floor.py --smoke --out /tmp/f       # tiny layers: does it still run? (CI)

``speed.py``'s summary (distilbart-cnn-12-6's architecture, random weights, the 700-token input, beam
4) on the folder the product converts (CTranslate2 int8, one worker with every thread), decoded to
``SHORT`` and to ``SUMMARY_TOKENS`` forced new tokens at beam 4 and at beam 1, with the keywords the
product's engine passes (``speed_levers.SummaryWorkload``).  The difference of the
two lengths over the difference of their tokens is one decoding step; the short run is the encoder
and the start.  Beside them, in the same process: how fast this machine reads memory (a float32
tensor several times larger than any cache, summed on every thread, as a decoding step reads its
weights), and what one step must read (the decoder's int8 weights, the output layer and each beam's
cached cross-attention over the input, from the model's own configuration).  A step that takes about
as long as that read is bound by memory, not by arithmetic: faster int8 instructions cannot shorten
it, only fewer bytes per step (a vocabulary map, a shorter input, fewer beams, a smaller model) or
fewer steps.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# First, even when an editable install already lists ROOT: pySBD installs a top-level
# `benchmarks` package of its own into site-packages, which would shadow this one.
sys.path.insert(0, str(ROOT))

from benchmarks import common  # noqa: E402
from benchmarks.speed_levers import SummaryWorkload  # noqa: E402
from benchmarks.speed_workloads import SUMMARY_TOKENS  # noqa: E402
from summarise.models.engines import cpu_int8  # noqa: E402

SHORT = 10
READ_BYTES = 1 << 30  # a gigabyte: far past any cache, so the sum reads memory


def memory_read_gbps(repeat: int, threads: int, size: int = READ_BYTES) -> float:
    """GB/s at which ``threads`` threads read a ``size``-byte tensor (the median of ``repeat`` sums after a warm-up)."""
    import torch

    torch.set_num_threads(threads)
    data = torch.ones(size // 4, dtype=torch.float32)
    data.sum()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        data.sum()
        times.append(time.perf_counter() - started)
    return size / statistics.median(times) / 1e9


def step_bytes(config: dict, input_tokens: int) -> dict[str, int]:
    """Bytes one decoding step must read, beside the arithmetic.

    The int8 weights: per decoder layer the self-attention (four d×d), the cross-attention's query and
    output (two d×d: its keys and values come from the encoder, computed once), the feed-forward (two
    d×ffn); then the output layer (vocabulary × d).  And per beam, the cross-attention's cached keys
    and values over the whole input, float32, every layer: each beam keeps its own copy of the
    encoder's output.  (The self-attention's cache, under 3 MB a beam at these lengths, is left out.)
    """
    d, ffn = config["d_model"], config["decoder_ffn_dim"]
    layers = config["decoder_layers"] * (6 * d * d + 2 * d * ffn)
    return {"decoder_layers": layers, "output_layer": config["vocab_size"] * d,
            "cross_cache_per_beam": config["decoder_layers"] * 2 * input_tokens * d * 4}


def measure(sum_dir: Path, repeat: int, threads: int) -> dict:
    import ctranslate2

    from summarise.models.engines import _ctranslate2 as ct2

    converted = Path(ct2.convert(str(sum_dir), quantization="int8", local_files_only=True))
    workload = SummaryWorkload(converted)
    source = workload.source
    translator = ctranslate2.Translator(str(converted), device="cpu", compute_type="int8", inter_threads=1, intra_threads=threads)

    def decode(beams: int, tokens: int) -> float:
        started = time.perf_counter()
        result = translator.translate_batch(source, **workload.kwargs(beams, tokens))
        seconds = time.perf_counter() - started
        assert len(result[0].hypotheses[0]) == tokens, "a forced length was not written"
        return seconds

    cases = [(beams, tokens) for beams in (4, 1) for tokens in (SHORT, SUMMARY_TOKENS)]
    for case in cases:
        decode(*case)  # warm-up
    runs: dict[tuple[int, int], list[float]] = {case: [] for case in cases}
    for _ in range(repeat):  # round by round: a change in load falls on every case alike
        for case in cases:
            runs[case].append(decode(*case))
    median = {case: statistics.median(times) for case, times in runs.items()}
    config = json.loads((sum_dir / "config.json").read_text(encoding="utf-8"))
    sizes = step_bytes(config, len(source[0]))
    gbps = memory_read_gbps(repeat, threads)
    result = {"input_tokens": len(source[0]), "short": SHORT, "long": SUMMARY_TOKENS, "threads": threads,
              "memory_read_gbps": gbps, "step_bytes": sizes, "beams": {}}
    for beams in (4, 1):
        short, long = median[(beams, SHORT)], median[(beams, SUMMARY_TOKENS)]
        step = (long - short) / (SUMMARY_TOKENS - SHORT)
        read = sizes["decoder_layers"] + sizes["output_layer"] + beams * sizes["cross_cache_per_beam"]
        floor_ms = read / (gbps * 1e9) * 1e3
        result["beams"][beams] = {"summary_s": long, "short_s": short, "step_ms": step * 1e3, "steps_share": step * SUMMARY_TOKENS / long,
                                  "step_read_mb": read / 1e6, "read_floor_ms": floor_ms, "step_over_floor": step * 1e3 / floor_ms}
    return result


def render(result: dict) -> str:
    sizes = result["step_bytes"]
    machine = result.get("machine") or {}
    lines = [f"# Where the summary's time goes ({result['input_tokens']}-token input, {result['long']} new tokens, CTranslate2 int8, "
             f"{result['threads']} threads)", "",
             f"{machine.get('cpu', '?')}, {machine.get('cpus', '?')} CPUs, int8 class {(machine.get('class') or {}).get('class', '?')}.", "",
             f"Memory read: {result['memory_read_gbps']:.1f} GB/s. A decoding step reads {sizes['decoder_layers'] / 1e6:.0f} MB of "
             f"int8 decoder layers, the {sizes['output_layer'] / 1e6:.0f} MB int8 output layer and, for each beam, "
             f"{sizes['cross_cache_per_beam'] / 1e6:.0f} MB of cached cross-attention keys and values (float32).", "",
             f"| beams | summary | first {result['short']} tokens | one step | steps' share | read per step | read floor | step ÷ floor |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for beams, row in result["beams"].items():
        lines.append(f"| {beams} | {row['summary_s']:.2f} s | {row['short_s']:.2f} s | {row['step_ms']:.1f} ms | {row['steps_share']:.0%} | "
                     f"{row['step_read_mb']:.0f} MB | {row['read_floor_ms']:.1f} ms | {row['step_over_floor']:.2f} |")
    return "\n".join(lines) + "\n"


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            return next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="where the JSON and markdown go")
    parser.add_argument("--models-dir", help="where the random-init summariser is built (default: OUT/models)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each case, the median reported")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--smoke", action="store_true", help="tiny layers, one run: checks that the benchmark still runs (CI)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SUMMARISE_HOME", str(out / "home"))
    models = Path(args.models_dir) if args.models_dir else out / "models"
    sum_dir = common.build_distilbart_cnn_12_6(models / "distilbart-cnn-12-6", smoke=args.smoke)
    result = measure(sum_dir, 1 if args.smoke else args.repeat, args.threads)
    result["machine"] = {"cpu": _cpu_name(), "cpus": os.cpu_count(), "class": cpu_int8().to_dict()}
    stem = "summary-floor-smoke" if args.smoke else "summary-floor"
    (out / f"{stem}.json").write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    (out / f"{stem}.md").write_text(render(result), encoding="utf-8")
    print(render(result))


if __name__ == "__main__":
    main()
