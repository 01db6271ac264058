"""One variant of ``speed.py``, in its own process: load, warm up, time the workloads; and the matmul peaks.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.speed_workloads import (
    SUMMARY_TOKENS,
    TARGET_RATIO,
    Stage,
    archive,
    article,
    forced_length,
    summary_input,
)
from summarise.models.engines._isa import NARROW_SUFFIX


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
    from summarise.models import ModelSpec

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
        from summarise.models.engines import GenerationRequest, build_engine
        from summarise.pipeline._translating import TranslationSettings, Translator

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
        from summarise.models.engines import GenerationRequest, build_engine
        from summarise.pipeline._summarising import Summarizer, SummarySettings

        engine = build_engine(_spec("summarise", source, stage), device=device, local_files_only=True)
        loaded = time.perf_counter() - started
        engine.generate([sentences[0]], GenerationRequest(num_beams=stage.beams, min_new_tokens=4, max_new_tokens=4))
        forced = ForcedLength(engine, fixed=SUMMARY_TOKENS)
        summarizer = Summarizer(forced, SummarySettings(num_beams=stage.beams))
        if device == "cuda":  # see timed(): kernels are chosen per shape on first use
            summarizer.summarise(sentences)
        seconds, cpu, outcome, runs = measure(lambda: summarizer.summarise(sentences), device, repeat)
        assert outcome.stages == 1, "the 700-token input fits the window: one stage"
        assert outcome.attention is not None, "attribution is on by default: the timed summary asked for attention"
        # The same summary without attribution (no cross-attention asked for), in the same process: its cost.
        plain = Summarizer(forced, SummarySettings(num_beams=stage.beams), attribution=False)
        without, _, _, _ = measure(lambda: plain.summarise(sentences), device, repeat)
    result = {"load_s": loaded, "seconds": seconds, "cpu_s": cpu, "runs_s": runs, "generated_tokens": SUMMARY_TOKENS, "peak_rss_mb": peak_rss_mb(),
              "ran": _ran(locals().get("engine"))}
    if stage.engine != "naive":
        result["seconds_without_attribution"] = without
    return result


def _ran(engine: Any) -> str | None:
    """What the engine seam really ran: backend and precision (CTranslate2's compute type)."""
    if engine is None:
        return "transformers fp32 (naive)"
    ran = f"{engine.spec.backend} {getattr(engine, 'compute_type', None) or engine.spec.quantization or 'fp32'}"
    narrow = (engine.spec.quantization or "").endswith(NARROW_SUFFIX)  # int8 with 7-bit weights: a CPU without VNNI
    return ran + NARROW_SUFFIX if narrow and not ran.endswith(NARROW_SUFFIX) else ran


def child(job: dict) -> dict:
    if job.get("set_threads"):  # as the product: torch's default unless --threads is given
        from summarise.models.engines import set_threads

        set_threads(job["set_threads"])
    device = job["device"]
    result: dict[str, Any] = {"name": job["name"]}
    if job.get("translate"):
        stage = Stage(**job["translate"])
        if stage.one_worker:
            from summarise.models.engines import _ctranslate2 as ct2

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


def engine_peaks(mt_dir: Path, smoke: bool = False) -> dict:
    """GFLOP/s of CTranslate2 scoring a large batch with the translation model, in the default int8 precision of this
    CPU class and in float32: the kernels the default engine really runs, on matrices large enough to reach their best.

    It is a throughput the engine reaches, not the kernels' bound: a beam-4 decode may beat it by the FLOP
    model's count (which credits every beam with a whole step), so a share above 1 is possible.

    ``torch._int_mm`` is no int8 peak for CTranslate2: it runs PyTorch's own kernel, which on an AVX2 CPU reached
    1 GFLOP/s against 61 for fp32, and made the default translation use "10,859 %" of it.
    """
    import json as _json

    import ctranslate2
    from transformers import AutoTokenizer

    from benchmarks.speed_report import seq2seq_flops
    from summarise.models.engines import configured_threads, _ctranslate2 as ct2, precision_for_cpu

    arch = _json.loads((mt_dir / "config.json").read_text(encoding="utf-8"))
    tokenizer = AutoTokenizer.from_pretrained(mt_dir)
    # The largest matrices a translation model multiplies: 64 sequences of 128 tokens (of 32 x 64,
    # 64 x 128 and 8 x 256, the fastest per FLOP here), scored in one call.
    count, length = (4, 12) if smoke else (64, 128)
    words = [token for token in tokenizer.get_vocab() if not token.startswith("<")][:5000]
    tokens = [[words[(i * 7 + j * 13) % len(words)] for j in range(length)] + [tokenizer.eos_token] for i in range(count)]
    lengths = [len(t) for t in tokens]
    flops = seq2seq_flops(arch, lengths, lengths, 1)
    peaks = {}
    for key, precision in (("int8", precision_for_cpu("int8")), ("ct2_fp32", "float32")):
        path = ct2.convert(str(mt_dir), quantization=precision, local_files_only=True)
        translator = ctranslate2.Translator(str(path), device="cpu", compute_type=ct2.weight_type(precision), intra_threads=configured_threads())
        translator.score_batch(tokens, tokens)  # warm-up
        best = float("inf")
        for _ in range(1 if smoke else 3):
            started = time.perf_counter()
            translator.score_batch(tokens, tokens)
            best = min(best, time.perf_counter() - started)
        peaks[key] = flops / best / 1e9
        del translator
    return peaks


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
                peaks["torch_int8"] = max(peaks.get("torch_int8", 0.0), best(lambda a=ai, b=bi: torch._int_mm(a, b), flops))
            except (RuntimeError, AttributeError):
                pass
    return peaks
