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
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# First, even when an editable install already lists ROOT: pySBD installs a top-level
# `benchmarks` package of its own into site-packages, which would shadow this one.
sys.path.insert(0, str(ROOT))

from benchmarks import common  # noqa: E402

TARGET_RATIO = 1.1  # forced target tokens per source token: 572 source -> 628 target in the article
SUMMARY_INPUT_TOKENS = 700
SUMMARY_TOKENS = 110
ARTICLE_SENTENCES = 25
SEED = 20240601
TARGETS = {"default_x": 6.0, "ct2_int8_x": 12.0, "whole_x": 7.0, "rss_torch_mb": 1500, "rss_ct2_mb": 600,
           # "Fast by default": what a default install runs, against the naive loop.
           "translation_default_x": 12.0, "summary_default_x": 4.0, "article_default_x": 10.0, "int8_peak_share": 0.25}


# -- workloads ---------------------------------------------------------------


def article_lengths(seed: int = SEED, sentences: int = ARTICLE_SENTENCES) -> list[int]:
    """Source lengths in tokens (``</s>`` included) of one article: 10 to 45, most of them short."""
    rng = random.Random(seed)
    return [round(rng.triangular(10, 45, 12)) for _ in range(sentences)]


def article(seed: int = SEED) -> list[str]:
    return common.make_text(article_lengths(seed), special=1, seed=seed)


def archive(articles: int) -> list[str]:
    return [sentence for index in range(articles) for sentence in article(SEED + 1 + index)]


def summary_input() -> list[str]:
    """The English text every summary variant summarises: sentences adding up to 700 tokens with ``<s>``/``</s>``."""
    rng = random.Random(SEED + 7)
    body, lengths = SUMMARY_INPUT_TOKENS - 2, []
    while body > 0:
        lengths.append(min(body, rng.randint(15, 40)))
        body -= lengths[-1]
    return common.make_text(lengths, special=0, seed=SEED + 7)


def forced_length(source_tokens: float) -> int:
    return max(1, round(TARGET_RATIO * source_tokens))


# -- variants ----------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """How one model runs in a variant."""

    engine: str  # "naive" or "ours"
    backend: str = "transformers"
    quantization: str | None = None
    beams: int = 4
    one_worker: bool = False  # CTranslate2 as before the two-worker layout: one worker with every thread

    def label(self, device: str, role: str = "translate") -> str:
        if self.engine == "naive":
            how = "generate() per sentence" if role == "translate" else "one generate()"
            return f"transformers fp32, {how}, beam {self.beams}"
        how = "sorted batches" if role == "translate" else "Summarizer"
        if self.backend == "default":
            return f"the default install (no backend/precision set: the engine seam chooses), {how}, beam {self.beams}"
        if self.backend == "ctranslate2":
            kind = {"int8": "int8", None: "fp32"}.get(self.quantization, self.quantization)
            if device == "cuda":
                kind = {"int8": "int8_float16", "fp32": "fp16"}.get(kind, kind)
            layout = ", one worker with every thread (the layout before)" if self.one_worker else ""
            return f"CTranslate2 {kind}, {how}{layout}, beam {self.beams}"
        kind = {"int8": "dynamic int8", "bf16": "bf16", None: "fp32"}.get(self.quantization, self.quantization)
        if device == "cuda" and self.quantization is None:
            kind = "fp16"
        return f"transformers {kind}, {how}, beam {self.beams}"


@dataclass(frozen=True)
class Variant:
    name: str
    translate: Stage | None
    summarise: Stage | None = None
    workload: str = "article"  # or "archive"
    greedy: bool = False  # also translate at beam 1 (--fast) with the same loaded model


def variants(quick: bool, device: str, default_quant: str | None, has_ct2: bool, archive_articles: int) -> list[Variant]:
    """What runs.  Quick: the naive way, the three PyTorch precisions and CTranslate2 int8 on the article,
    summaries for the naive way, the default and CTranslate2, greedy for the default and CTranslate2.
    Full adds the other summaries, CTranslate2 fp32, the naive greedy loop and the archive."""
    cpu = device == "cpu"
    default_quant = default_quant if cpu else None  # int8 is CPU-only: a GPU runs fp16
    out = [Variant("naive", Stage("naive"), Stage("naive"), greedy=not quick)]
    for quant in ([None, "int8", "bf16"] if cpu else [None, "bf16"]):
        name = {None: "ours-fp32" if cpu else "ours-fp16", "int8": "ours-int8", "bf16": "ours-bf16"}[quant]
        default = quant == default_quant
        summary = Stage("ours", quantization=quant) if (default or not quick) else None
        out.append(Variant(name, Stage("ours", quantization=quant), summary, greedy=default))
    # What a default install runs: the registry's precisions, no backend named (CTranslate2 on a CPU).
    out.append(Variant("default", Stage("ours", "default", default_quant), Stage("ours", "default", None), greedy=True))
    if has_ct2:
        out.append(Variant("ct2-int8", Stage("ours", "ctranslate2", "int8"), Stage("ours", "ctranslate2", "int8"), greedy=True))
        if cpu:  # the baseline of the two-worker layout (engines.ctranslate2.cpu_layout), in the same run
            out.append(Variant("ct2-int8-one-worker", Stage("ours", "ctranslate2", "int8", one_worker=True), greedy=True))
        # The summariser's precision on CTranslate2 (the choice behind the default above).
        for quant in ("int8_float32", "float32"):
            out.append(Variant(f"ct2-sum-{quant}", None, Stage("ours", "ctranslate2", quant)))
        if not quick:
            out.append(Variant("ct2-fp32" if cpu else "ct2-fp16", Stage("ours", "ctranslate2", None), Stage("ours", "ctranslate2", None)))
    if archive_articles:
        # 200 articles at beam 4 in PyTorch would take longer than the whole run may: the archive runs
        # CTranslate2 at beam 4 and the PyTorch default with --fast (greedy), the bulk user's choices.
        if has_ct2:
            out.append(Variant("archive:ct2-int8", Stage("ours", "ctranslate2", "int8"), workload="archive"))
        out.append(Variant("archive:ours-default-greedy", Stage("ours", quantization=default_quant, beams=1), workload="archive"))
    return out


# -- the child process: one variant ---------------------------------------------


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (VmHWM), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1024 / 1024


class ForcedLength:
    """An Engine around the product's engine that makes every batch generate a set number of tokens.

    A batch gets the mean of its sentences' forced lengths (``ratio`` × source tokens),
    or ``fixed`` tokens; ``hit_limit`` is reported False, see the module docstring.
    """

    def __init__(self, engine: Any, *, ratio: float | None = None, fixed: int | None = None) -> None:
        self.engine, self.ratio, self.fixed = engine, ratio, fixed
        self.spec, self.device = engine.spec, engine.device
        self.generated = 0
        self.calls = 0

    @property
    def max_input_tokens(self) -> int:
        return self.engine.max_input_tokens

    @property
    def max_output_tokens(self) -> int:
        return self.engine.max_output_tokens

    def count_tokens(self, texts: list[str]) -> list[int]:
        return self.engine.count_tokens(texts)

    def generate(self, texts: list[str], request: Any) -> list[Any]:
        if self.fixed is not None:
            length = self.fixed
        else:
            counts = self.engine.count_tokens(texts)
            length = forced_length(sum(counts) / len(counts))
        length = min(length, self.engine.max_output_tokens)
        outputs = self.engine.generate(texts, replace(request, min_new_tokens=length, max_new_tokens=length))
        self.generated += length * len(texts)
        self.calls += 1
        return [replace(output, hit_limit=False) for output in outputs]


def _sync(device: str) -> None:
    """Wait for queued CUDA work before reading the clock (CTranslate2 calls return when done)."""
    torch = sys.modules.get("torch")
    if device == "cuda" and torch is not None and torch.cuda.is_initialized():
        torch.cuda.synchronize()


def _spec(role: str, source: Path, stage: Stage) -> Any:
    from summarise.registry import ModelSpec

    backend = None if stage.backend == "default" else stage.backend
    if role == "translate":
        return ModelSpec(name="opus-mt-fr-en", task="translation", source=str(source), max_input_tokens=512,
                         num_beams=stage.beams, backend=backend, quantization=stage.quantization, languages=("fr",))
    return ModelSpec(name="distilbart-cnn-12-6", task="summarisation", source=str(source), max_input_tokens=1024,
                     num_beams=stage.beams, backend=backend, quantization=stage.quantization, min_new_tokens=56, max_new_tokens=142)


def _naive_load(source: Path, device: str) -> tuple[Any, Any]:
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(source)
    model = AutoModelForSeq2SeqLM.from_pretrained(source).to(device)  # fp32, as the tutorials do
    return tokenizer, model


def measure(work: Any, device: str, repeat: int) -> tuple[float, float, Any, list[float]]:
    """Run ``work`` ``repeat`` times: the median run's wall and CPU seconds and result, and every run's seconds.

    Every variant, the naive loop included, is timed the same way.  The median, not the best:
    it neither flatters a variant nor lets one slow pass (other work on a shared machine) decide.
    """
    runs = []
    for _ in range(max(1, repeat)):
        _sync(device)
        started, cpu = time.perf_counter(), time.process_time()
        value = work()
        _sync(device)
        runs.append((time.perf_counter() - started, time.process_time() - cpu, value))
    seconds, cpu, value = sorted(runs, key=lambda run: run[0])[len(runs) // 2]
    return seconds, cpu, value, [round(run[0], 4) for run in runs]


def run_translation(stage: Stage, source: Path, sentences: list[str], device: str, also_greedy: bool = False, repeat: int = 1) -> dict:
    """Load once, translate ``sentences`` at the stage's beams; with ``also_greedy``, once more at beam 1
    (the ``--fast`` preset) on the same loaded model."""
    started = time.perf_counter()
    if stage.engine == "naive":
        tokenizer, model = _naive_load(source, device)
        loaded = time.perf_counter() - started

        def prepare(beams: int) -> Any:
            def once(text: str) -> int:
                inputs = tokenizer(text, return_tensors="pt").to(device)
                n = forced_length(inputs["input_ids"].shape[1])
                output = model.generate(**inputs, num_beams=beams, min_new_tokens=n, max_new_tokens=n)
                tokenizer.decode(output[0], skip_special_tokens=True)
                return n

            once(sentences[0].split()[0])  # warm-up
            return lambda: (sum(once(text) for text in sentences), len(sentences))

    else:
        from summarise.engines import GenerationRequest, build_engine
        from summarise.translating import TranslationSettings, Translator

        engine = build_engine(_spec("translate", source, stage), device=device, local_files_only=True)
        loaded = time.perf_counter() - started

        def prepare(beams: int) -> Any:
            engine.generate([sentences[0].split()[0]], GenerationRequest(num_beams=beams, min_new_tokens=4, max_new_tokens=4))  # warm-up
            forced = ForcedLength(engine, ratio=TARGET_RATIO)
            # The CLI's batching default: 4096 tokens / 64 sentences on a CPU, more on a GPU (loading.batch_limits).
            translator = Translator(forced, TranslationSettings(num_beams=beams, batch_tokens=None))

            def work() -> tuple[int, int]:
                forced.generated = forced.calls = 0  # counts of this pass only (a GPU run warms up first)
                assert len(translator.translate(sentences)) == len(sentences)
                return forced.generated, forced.calls

            return work

    def timed(beams: int) -> dict:
        work = prepare(beams)
        if device == "cuda":
            # A GPU picks kernels for each new shape on first use (6 s of a 7 s first summary on an
            # H200): one untimed pass of the whole workload, for every variant alike.
            work()
        seconds, cpu, (generated, batches), runs = measure(work, device, repeat)
        return {"seconds": seconds, "cpu_s": cpu, "runs_s": runs, "sentences": len(sentences), "generated_tokens": generated, "batches": batches}

    result = {"load_s": loaded, **timed(stage.beams), "peak_rss_mb": peak_rss_mb(), "ran": _ran(locals().get("engine"))}
    if also_greedy and stage.beams != 1:
        result["greedy"] = timed(1)
    return result


def run_summary(stage: Stage, source: Path, sentences: list[str], device: str, repeat: int = 1) -> dict:
    started = time.perf_counter()
    if stage.engine == "naive":
        tokenizer, model = _naive_load(source, device)
        loaded = time.perf_counter() - started

        def once(text: str, n: int) -> None:
            inputs = tokenizer(text, return_tensors="pt", truncation=True, max_length=1024).to(device)
            output = model.generate(**inputs, num_beams=stage.beams, min_new_tokens=n, max_new_tokens=n)
            tokenizer.decode(output[0], skip_special_tokens=True)

        once(sentences[0], 4)
        if device == "cuda":  # see timed(): kernels are chosen per shape on first use
            once(" ".join(sentences), SUMMARY_TOKENS)
        seconds, cpu, _, runs = measure(lambda: once(" ".join(sentences), SUMMARY_TOKENS), device, repeat)
    else:
        from summarise.engines import GenerationRequest, build_engine
        from summarise.summarising import Summarizer, SummarySettings

        engine = build_engine(_spec("summarise", source, stage), device=device, local_files_only=True)
        loaded = time.perf_counter() - started
        engine.generate([sentences[0]], GenerationRequest(num_beams=stage.beams, min_new_tokens=4, max_new_tokens=4))
        forced = ForcedLength(engine, fixed=SUMMARY_TOKENS)
        summarizer = Summarizer(forced, SummarySettings(num_beams=stage.beams))
        if device == "cuda":  # see timed(): kernels are chosen per shape on first use
            summarizer.summarise(sentences)
        seconds, cpu, outcome, runs = measure(lambda: summarizer.summarise(sentences), device, repeat)
        assert outcome.stages == 1, "the 700-token input fits the window: one stage"
    return {"load_s": loaded, "seconds": seconds, "cpu_s": cpu, "runs_s": runs, "generated_tokens": SUMMARY_TOKENS, "peak_rss_mb": peak_rss_mb(),
            "ran": _ran(locals().get("engine"))}


def _ran(engine: Any) -> str | None:
    """What the engine seam really ran: backend and precision (CTranslate2's compute type)."""
    if engine is None:
        return "transformers fp32 (naive)"
    return f"{engine.spec.backend} {getattr(engine, 'compute_type', None) or engine.spec.quantization or 'fp32'}"


def child(job: dict) -> dict:
    if job.get("set_threads"):  # as the product: torch's default unless --threads is given
        from summarise.engines import set_threads

        set_threads(job["set_threads"])
    device = job["device"]
    result: dict[str, Any] = {"name": job["name"]}
    if job.get("translate"):
        stage = Stage(**job["translate"])
        if stage.one_worker:
            from summarise.engines import ctranslate2 as ct2

            ct2.cpu_layout = lambda task, threads: (1, threads)  # this child process only
        sentences = archive(job["archive_articles"]) if job["workload"] == "archive" else article()
        result["translate"] = run_translation(stage, Path(job["mt_dir"]), sentences, device, also_greedy=job.get("greedy", False), repeat=job.get("repeat", 1))
    if job.get("summarise"):
        stage = Stage(**job["summarise"])
        result["summarise"] = run_summary(stage, Path(job["sum_dir"]), summary_input(), device, repeat=job.get("repeat", 1))
    result["peak_rss_mb"] = peak_rss_mb()
    torch = sys.modules.get("torch")
    if device == "cuda" and torch is not None and torch.cuda.is_initialized():
        result["peak_gpu_mb"] = torch.cuda.max_memory_allocated() / 2**20  # PyTorch's allocations only
    return result


def matmul_peaks(device: str, quick: bool, smoke: bool = False) -> dict:
    """GFLOP/s of one large matmul, fp32 and bf16 (fp16 on CUDA) and int8 (``torch._int_mm``), best of a few shapes."""
    import torch

    shapes = [(1024, 1024, 4096), (256, 512, 2048)] if device == "cpu" else [(4096, 4096, 4096)]
    if smoke:
        shapes = [(64, 64, 64)]
    repeats = 5 if quick else 15
    peaks: dict[str, float] = {}

    def best(fn: Any, flops: float) -> float:
        fn()
        _sync(device)
        started = time.perf_counter()
        for _ in range(repeats):
            fn()
        _sync(device)
        return flops * repeats / (time.perf_counter() - started) / 1e9

    half = torch.bfloat16 if device == "cpu" else torch.float16
    for m, k, n in shapes:
        flops = 2.0 * m * k * n
        a, b = torch.randn(m, k, device=device), torch.randn(k, n, device=device)
        with torch.inference_mode():
            peaks["fp32"] = max(peaks.get("fp32", 0.0), best(lambda a=a, b=b: a @ b, flops))
            ah, bh = a.to(half), b.to(half)
            key = "bf16" if device == "cpu" else "fp16"
            peaks[key] = max(peaks.get(key, 0.0), best(lambda a=ah, b=bh: a @ b, flops))
            ai = torch.randint(-127, 127, (m, k), dtype=torch.int8, device=device)
            bi = torch.randint(-127, 127, (k, n), dtype=torch.int8, device=device)
            try:
                peaks["int8"] = max(peaks.get("int8", 0.0), best(lambda a=ai, b=bi: torch._int_mm(a, b), flops))
            except (RuntimeError, AttributeError):
                pass
    return peaks


# -- the work, in FLOPs ---------------------------------------------------------


def seq2seq_flops(arch: dict, sources: list[int], targets: list[int], beams: int) -> float:
    """Matmul and attention FLOPs to encode each source and decode its target with ``beams`` beams."""
    d, vocab = arch["d_model"], arch["vocab_size"]
    enc_ffn, dec_ffn = arch["encoder_ffn_dim"], arch["decoder_ffn_dim"]
    total = 0.0
    for s, t in zip(sources, targets, strict=True):
        encoder = arch["encoder_layers"] * (2 * s * (4 * d * d + 2 * d * enc_ffn) + 4 * s * s * d)
        cross_kv = arch["decoder_layers"] * 2 * s * 2 * d * d  # keys and values of the source, once
        per_step = 0.0
        for step in range(1, t + 1):
            per_step += arch["decoder_layers"] * (2 * 6 * d * d + 2 * 2 * d * dec_ffn + 4 * step * d + 4 * s * d) + 2 * d * vocab
        total += encoder + cross_kv + beams * per_step
    return total


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
    results: dict = field(default_factory=dict)
    failed: dict = field(default_factory=dict)


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _spawn(payload: dict, timeout: float) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(payload)]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=dict(os.environ))
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
            "os": platform.platform(), "device": device, **versions}
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
        from summarise.engines import ctranslate2 as ct2

        conversions = {}
        for source in (mt_dir, sum_dir):
            for quant in ("int8",) if run.args.quick else ("int8", None):
                started = time.perf_counter()
                ct2.convert(str(source), quantization=quant, local_files_only=True)
                conversions[f"{source.name}:{quant or 'float32'}"] = round(time.perf_counter() - started, 2)
        run.prep["ct2_convert_s"] = conversions
    return mt_dir, sum_dir, has_ct2


def measure_startup(mt_dir: Path, sum_dir: Path, out: Path, default_quant: str | None) -> dict:
    """Seconds from process start to the first byte `summarise run` writes, on a three-sentence article.

    ``first_s``: the first run of the default install, converting both models (once);
    ``warm_s``: the next run, loading them from the cache (what ``startup_seconds`` reports);
    ``transformers_s``: the same with ``--backend transformers``.  Import, model load and the
    short article's translation and summary are all inside.
    """
    home = out / "startup-home"
    shutil.rmtree(home, ignore_errors=True)
    registry = out / "startup-models.toml"
    quant = f'quantization = "{default_quant}"\n' if default_quant else ""
    registry.write_text(
        f'[defaults]\nsummariser = "sum"\n\n[models.mt]\ntask = "translation"\nsource = "{mt_dir}"\nlanguages = ["fr"]\n'
        f'max_input_tokens = 512\n{quant}\n[models.sum]\ntask = "summarisation"\nsource = "{sum_dir}"\nmax_input_tokens = 1024\n'
        f'min_new_tokens = 56\nmax_new_tokens = 142\n',
        encoding="utf-8",
    )
    text = out / "startup-article.txt"
    text.write_text(" ".join(article()[:3]) + "\n", encoding="utf-8")
    env = {**os.environ, "SUMMARISE_HOME": str(home), "PYTHONPATH": str(ROOT)}

    def once(*extra: str) -> float:
        command = [sys.executable, "-m", "summarise", "run", str(text), "--models", str(registry), "-s", "fr", "-f", "json", "--device", "cpu", "-q", *extra]
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
        result["warm_s"] = once()
        result["transformers_s"] = once("--backend", "transformers")
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        result["error"] = str(exc)[-2000:]
    return result


def default_quantization() -> str | None:
    """The quantization the shipped registry gives opus-mt-fr-en: what "the default PyTorch path" means."""
    from summarise.registry import Registry, default_path

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
        if payload.get("mode") == "peaks":
            import torch

            torch.set_num_threads(payload["threads"])
            result = matmul_peaks(payload["device"], payload["quick"], payload.get("smoke", False))
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
    if args.smoke:  # one process: the point is the product's names, not isolation
        run.peaks = matmul_peaks(args.device, True, smoke=True)
    else:
        run.peaks = _spawn({"mode": "peaks", "device": args.device, "quick": args.quick, "threads": threads}, timeout=300)
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
        if args.smoke:
            result = child(payload)  # in this process; an error propagates: a smoke run must fail loudly
        else:
            try:
                result = _spawn(payload, timeout=3600)
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
        run.startup = measure_startup(mt_dir, sum_dir, out, default_quant)
        _say("startup, `summarise run` to its first output: " + ", ".join(f"{k} {v:.1f} s" for k, v in run.startup.items() if isinstance(v, float)))
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


# -- the report ---------------------------------------------------------------


def build_report(run: Run, default_quant: str | None, archive_articles: int) -> dict:
    lengths = article_lengths()
    targets = [forced_length(n) for n in lengths]
    work = {}
    for beams in (1, 4):
        flops = seq2seq_flops(common.OPUS_MT_FR_EN, lengths, targets, beams)
        work[f"article_beam{beams}"] = {"flops": flops, "flops_per_token": flops / sum(targets)}
    summary_flops = seq2seq_flops(common.DISTILBART_CNN_12_6, [SUMMARY_INPUT_TOKENS], [SUMMARY_TOKENS], 4)
    work["summary_beam4"] = {"flops": summary_flops, "flops_per_token": summary_flops / SUMMARY_TOKENS}
    if archive_articles:
        a_lengths = [n for index in range(archive_articles) for n in article_lengths(SEED + 1 + index)]
        a_targets = [forced_length(n) for n in a_lengths]
        for beams in (1, 4):
            a_flops = seq2seq_flops(common.OPUS_MT_FR_EN, a_lengths, a_targets, beams)
            work[f"archive_beam{beams}"] = {"flops": a_flops, "flops_per_token": a_flops / sum(a_targets)}
    fp32_peak = run.peaks.get("fp32")
    int8_peak = run.peaks.get("int8")
    for item in work.values():
        item["bound_fp32_s"] = item["flops"] / (fp32_peak * 1e9) if fp32_peak else None
        item["bound_int8_s"] = item["flops"] / (int8_peak * 1e9) if int8_peak else None

    naive = run.results.get("naive", {})
    naive_t = naive.get("translate", {}).get("seconds")
    naive_s = naive.get("summarise", {}).get("seconds")

    def translation(t: dict, workload: str, beams: int) -> dict:
        flops = work[f"{workload}_beam{beams}"]["flops"]
        out = dict(
            t,
            beams=beams,
            sentences_per_s=t["sentences"] / t["seconds"],
            tokens_per_s=t["generated_tokens"] / t["seconds"],
            cores_busy=t["cpu_s"] / t["seconds"],
            x_naive=(naive_t / t["seconds"]) if naive_t and workload == "article" else None,
            share_int8_peak=(flops / t["seconds"]) / (int8_peak * 1e9) if int8_peak else None,
            share_fp32_peak=(flops / t["seconds"]) / (fp32_peak * 1e9) if fp32_peak else None,
        )
        if workload == "archive" and naive_t:
            # Per article, against the naive article in this run: the archive's articles have the same length profile.
            out["x_naive_per_article"] = naive_t / (t["seconds"] / archive_articles)
        return out

    rows = []
    for name, result in run.results.items():
        row: dict[str, Any] = {"name": name, "workload": result["workload"], "labels": result["labels"], "peak_rss_mb": result["peak_rss_mb"]}
        if "peak_gpu_mb" in result:
            row["peak_gpu_mb"] = result["peak_gpu_mb"]
        greedy = None
        if "translate" in result:
            t = dict(result["translate"])
            greedy = t.pop("greedy", None)
            row["translate"] = translation(t, result["workload"], result["beams"] or 4)
        if "summarise" in result:
            s = result["summarise"]
            row["summarise"] = dict(
                s,
                tokens_per_s=s["generated_tokens"] / s["seconds"],
                cores_busy=s["cpu_s"] / s["seconds"],
                x_naive=(naive_s / s["seconds"]) if naive_s else None,
                share_int8_peak=(summary_flops / s["seconds"]) / (int8_peak * 1e9) if int8_peak else None,
            )
        if "translate" in result and "summarise" in result and result["workload"] == "article":
            whole = result["translate"]["seconds"] + result["summarise"]["seconds"]
            row["whole"] = {"seconds": whole, "x_naive": (naive_t + naive_s) / whole if naive_t and naive_s else None}
        rows.append(row)
        if greedy:
            label = result["labels"]["translate"].replace(f"beam {result['beams']}", "beam 1")
            rows.append({
                "name": f"{name}-greedy",
                "workload": result["workload"],
                "labels": {"translate": label + " (same process)", "summarise": None},
                "peak_rss_mb": None,
                "translate": translation(dict(greedy, load_s=None, peak_rss_mb=None), result["workload"], 1),
            })

    by = {row["name"]: row for row in rows}
    default_name = {None: "ours-fp32", "none": "ours-fp32", "int8": "ours-int8", "bf16": "ours-bf16"}.get(default_quant, "ours-fp32")
    if run.device == "cuda":
        default_name = "ours-fp16"
    checks = []

    def check(what: str, value: float | None, target: float, higher: bool, unit: str) -> None:
        if value is None:
            checks.append({"target": what, "value": None, "met": None, "wanted": target})
            return
        met = value >= target if higher else value < target
        checks.append({"target": what, "value": round(value, 2), "wanted": f"{'≥' if higher else '<'} {target}{unit}", "met": met})

    check(f"default PyTorch path ({default_name}) vs naive, article, beam 4", by.get(default_name, {}).get("translate", {}).get("x_naive"), TARGETS["default_x"], True, "×")
    check("CTranslate2 int8 vs naive, article, beam 4", by.get("ct2-int8", {}).get("translate", {}).get("x_naive"), TARGETS["ct2_int8_x"], True, "×")
    whole = [(row["whole"]["x_naive"], row["name"]) for row in rows if row.get("whole") and row["name"] != "naive" and row["whole"]["x_naive"]]
    best_whole = max(whole) if whole else (None, None)
    check(f"whole article, fastest backend ({best_whole[1]}) vs naive + fp32 summary", best_whole[0], TARGETS["whole_x"], True, "×")
    check(f"peak RSS, translation only, {default_name}", by.get(default_name, {}).get("translate", {}).get("peak_rss_mb"), TARGETS["rss_torch_mb"], False, " MB")
    check("peak RSS, translation only, ct2-int8", by.get("ct2-int8", {}).get("translate", {}).get("peak_rss_mb"), TARGETS["rss_ct2_mb"], False, " MB")
    best_share = max((row["translate"].get("share_int8_peak") or 0, row["name"]) for row in rows if "translate" in row)
    default = by.get("default", {})
    headline = {
        "translation_default_x": default.get("translate", {}).get("x_naive"),
        "summary_default_x": default.get("summarise", {}).get("x_naive"),
        "article_default_x": default.get("whole", {}).get("x_naive"),
        "int8_peak_share": default.get("translate", {}).get("share_int8_peak"),
        "startup_seconds": run.startup.get("warm_s"),
    }
    for key in ("translation_default_x", "summary_default_x", "article_default_x"):
        check(f"{key}: the default install vs naive", headline[key], TARGETS[key], True, "×")
    check("int8_peak_share: the default translation's share of the int8 matmul peak", headline["int8_peak_share"], TARGETS["int8_peak_share"], True, "")
    return {
        **headline,
        "startup": run.startup,
        "command": " ".join(["python", "benchmarks/speed.py", *sys.argv[1:]]),
        "mode": "quick" if run.args.quick else "full",
        "machine": run.machine,
        "workloads": {
            "article": {"sentences": len(lengths), "source_tokens": sum(lengths), "target_tokens": sum(targets), "target_ratio": TARGET_RATIO},
            "summary": {"input_tokens": SUMMARY_INPUT_TOKENS, "new_tokens": SUMMARY_TOKENS, "beams": 4},
            "archive": {"articles": archive_articles, "sentences": archive_articles * ARTICLE_SENTENCES},
        },
        "matmul_gflops": run.peaks,
        "work": work,
        "repeat": run.args.repeat,
        "default_variant": default_name,
        "prep": run.prep,
        "variants": rows,
        "targets": checks,
        "failed": run.failed,
        "best_share_of_int8_peak": {"variant": best_share[1], "share": best_share[0]},
    }


def _f(value: float | None, digits: int = 1, suffix: str = "") -> str:
    return "–" if value is None else f"{value:.{digits}f}{suffix}"


def render_markdown(report: dict) -> str:
    m = report["machine"]
    w = report["workloads"]
    lines = [
        f"### Speed ({report['mode']} run, `{report['command']}`)",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['threads']} threads, {m['memory_gb']} GB RAM"
        + (f", GPU {m['gpu']}" if m.get("gpu") else "")
        + f"; torch {m['torch']}, transformers {m['transformers']}, ctranslate2 {m['ctranslate2'] or 'not installed'}.",
        f"Models: random-init opus-mt-fr-en and distilbart-cnn-12-6 architectures; lengths forced. "
        f"Article: {w['article']['sentences']} sentences, {w['article']['source_tokens']} source → {w['article']['target_tokens']} target tokens. "
        f"Summary: {w['summary']['input_tokens']} → {w['summary']['new_tokens']} tokens, beam 4. "
        f"Every time is the median of {report.get('repeat', 1)} timed runs in the variant's process (the archive: one). "
        f"Load average before/after the run: {report['prep'].get('load_average_before')} / {report['prep'].get('load_average_after')} "
        f"(other work on the machine slows the batched variants more than the naive loop, which keeps one core busy).",
        "",
        "| Translation of one article | time | × naive | sentences/s | tokens/s | load | peak RSS | cores busy | int8 peak used |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in report["variants"]:
        if "translate" not in row or row["workload"] != "article":
            continue
        t = row["translate"]
        name = row["name"] + (" (default)" if row["name"] == report["default_variant"] else "")
        lines.append(
            f"| **{name}**: {row['labels']['translate']} | {_f(t['seconds'], 2, ' s')} | {_f(t['x_naive'], 1, '×')} | {_f(t['sentences_per_s'], 1)} | "
            f"{_f(t['tokens_per_s'], 0)} | {_f(t['load_s'], 1, ' s')} | {_f(t['peak_rss_mb'], 0, ' MB')} | {_f(t['cores_busy'], 1)} | {_f((t['share_int8_peak'] or 0) * 100, 1, '%')} |"
        )
    summaries = [row for row in report["variants"] if "summarise" in row]
    if summaries:
        lines += ["", "| Summary (700 → 110 tokens) | time | × naive | tokens/s | load | peak RSS (whole run) | article + summary | × naive |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for row in summaries:
            s = row["summarise"]
            whole = row.get("whole", {})
            lines.append(
                f"| **{row['name']}**: {row['labels']['summarise']} | {_f(s['seconds'], 2, ' s')} | {_f(s['x_naive'], 1, '×')} | {_f(s['tokens_per_s'], 0)} | "
                f"{_f(s['load_s'], 1, ' s')} | {_f(row['peak_rss_mb'], 0, ' MB')} | {_f(whole.get('seconds'), 2, ' s')} | {_f(whole.get('x_naive'), 1, '×')} |"
            )
    archives = [row for row in report["variants"] if row["workload"] == "archive"]
    if archives:
        head = f"| Archive: {w['archive']['articles']} articles ({w['archive']['sentences']} sentences), translation"
        lines += ["", head + " | time | sentences/s | tokens/s | × naive, per article | peak RSS |", "|---|---:|---:|---:|---:|---:|"]
        for row in archives:
            t = row["translate"]
            lines.append(
                f"| **{row['name']}**: {row['labels']['translate']} | {_f(t['seconds'], 1, ' s')} | {_f(t['sentences_per_s'], 1)} | {_f(t['tokens_per_s'], 0)} | "
                f"{_f(t.get('x_naive_per_article'), 1, '×')} | {_f(t['peak_rss_mb'], 0, ' MB')} |"
            )
    peaks = report["matmul_gflops"]
    work = report["work"]
    a4 = work["article_beam4"]
    lines += [
        "",
        "Compute bound: matmul throughput measured in this run: "
        + ", ".join(f"{k} {v:.0f} GFLOP/s" for k, v in peaks.items())
        + f". The article at beam 4 is {a4['flops'] / 1e9:.0f} GFLOP ({a4['flops_per_token'] / 1e6:.0f} MFLOP per generated token): "
        f"at least {_f(a4['bound_fp32_s'], 2, ' s')} at the fp32 peak, {_f(a4['bound_int8_s'], 2, ' s')} at the int8 peak. "
        f"The summary is {work['summary_beam4']['flops'] / 1e9:.0f} GFLOP ({_f(work['summary_beam4']['bound_int8_s'], 2, ' s')} at the int8 peak). "
        f"Best share of the int8 peak: {report['best_share_of_int8_peak']['variant']}, {_f((report['best_share_of_int8_peak']['share'] or 0) * 100, 1, '%')}.",
        "",
        "| Target (ratios measured in this run) | measured | wanted | met |",
        "|---|---:|---:|:---:|",
    ]
    for item in report["targets"]:
        met = {True: "yes", False: "**no**", None: "not run"}[item["met"]]
        lines.append(f"| {item['target']} | {_f(item['value'], 2)} | {item['wanted']} | {met} |")
    startup = report.get("startup") or {}
    if startup:
        lines += ["", f"Startup, process start to the first output of `summarise run` (3 sentences): {_f(startup.get('warm_s'), 1, ' s')} "
                  f"with the models converted; {_f(startup.get('first_s'), 1, ' s')} on the first run, converting both; "
                  f"{_f(startup.get('transformers_s'), 1, ' s')} with --backend transformers."]
    for name, error in report.get("failed", {}).items():
        last = error.strip().splitlines()[-1] if error.strip() else "failed"
        lines.append(f"\nVariant {name} failed: `{last}`")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
