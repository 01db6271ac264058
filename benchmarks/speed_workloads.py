"""What ``speed.py`` measures: the workloads (an article, its summary, an archive), the variants, the targets.

Shared by the parent (which variants run), the child processes (what each one does) and the report.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from benchmarks import common
from summarise.models.engines._isa import AVX2_ENVIRONMENT, cpu_int8

TARGET_RATIO = 1.1  # forced target tokens per source token: 572 source -> 628 target in the article
SUMMARY_INPUT_TOKENS = 700
SUMMARY_TOKENS = 110
ARTICLE_SENTENCES = 25
SEED = 20240601
TARGETS = {"default_x": 6.0, "ct2_int8_x": 12.0, "whole_x": 7.0, "rss_torch_mb": 1500, "rss_ct2_mb": 600,
           # "Fast by default": what a default install runs, against the naive loop (the summary's and
           # the article's as issue 29 raised them from 4 and 10).
           "translation_default_x": 12.0, "summary_default_x": 6.0, "article_default_x": 12.0, "int8_peak_share": 0.25,
           # Instant start (issue 29): whole processes timed from start to first output, and to exit.
           "startup_seconds": 1.0, "oneshot_x": 12.0, "oneshot_seconds": 4.0}


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
    environment: tuple[tuple[str, str], ...] = ()  # set in the variant's process: the CPU class it runs as
    cpu_class: str | None = None  # None: this CPU's own


# What a CPU without VNNI runs, on this one: MKL and oneDNN capped at AVX2 (summarise.models.engines._isa), and
# PyTorch's own kernels too, so that the naive loop it is compared with runs on AVX2 as well.
AVX2_CLASS = tuple(sorted({**AVX2_ENVIRONMENT, "ATEN_CPU_CAPABILITY": "avx2"}.items()))


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
    if cpu and has_ct2 and cpu_int8().native.name in ("avx512-vnni", "avx-vnni", "avx512"):
        # The same runs on the AVX2 class, in this run: what an AVX2-only CPU's default (float32, since its int8
        # sums saturate) costs against its naive loop and against this CPU's class; and 7-bit int8, the int8
        # that cannot saturate there, asked for by name.
        out.append(Variant("naive@avx2", Stage("naive"), Stage("naive"), environment=AVX2_CLASS, cpu_class="avx2"))
        out.append(Variant("default@avx2", Stage("ours", "default", default_quant), Stage("ours", "default", None), greedy=True,
                           environment=AVX2_CLASS, cpu_class="avx2"))
        out.append(Variant("ct2-int8_w7@avx2", Stage("ours", "ctranslate2", "int8_w7"), Stage("ours", "ctranslate2", "int8_w7"),
                           environment=AVX2_CLASS, cpu_class="avx2"))
    if archive_articles:
        # 200 articles at beam 4 in PyTorch would take longer than the whole run may: the archive runs
        # CTranslate2 at beam 4 and the PyTorch default with --fast (greedy), the bulk user's choices.
        if has_ct2:
            out.append(Variant("archive:ct2-int8", Stage("ours", "ctranslate2", "int8"), workload="archive"))
        out.append(Variant("archive:ours-default-greedy", Stage("ours", quantization=default_quant, beams=1), workload="archive"))
    return out
