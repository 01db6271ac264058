#!/usr/bin/env python
"""Bulk throughput: `summarise bulk` against one-article-at-a-time loops, on a generated archive.

    python benchmarks/bulk.py                  # 200 articles, about 6 minutes on 2 CPU cores
    python benchmarks/bulk.py --quick          # 60 articles, smaller samples: a smoke run of ~3 minutes
    python benchmarks/bulk.py --articles 500 --sample 20 --beams 4 --device cuda
    python benchmarks/bulk.py --smoke --work /tmp/b   # tiny layers, 4 articles: does every row still run? (CI)

No download.  The translator has opus-mt-fr-en's exact architecture (Marian,
d_model 512, 6+6 layers, 8 heads, FFN 2048, vocab 59,514, built by
``benchmarks/common.py`` with a WordLevel tokenizer of that size) and random
weights.  Random weights stop at random lengths, so the saved model is made to
write exactly its token budget: end-of-sequence is suppressed (a -1e4 logit
bias) until ``forced_eos_token_id`` ends it at ``max_new_tokens``.  Every
variant therefore generates what the product's own budget allows (twice the
longest source sentence of a batch plus 10 tokens) and no output is ever cut
short.  The summariser is a small random BART (d_model 256, 2+2 layers) with the
same tokenizer, forced the same way to its summary length: summaries cost the
same per article in every variant, and a real distilbart would only add that
same cost to each row.

Variants (a table of named functions):

  bulk          one ``summarise bulk ARCHIVE.jsonl --out OUT`` process: sentences of
                many articles share length-sorted batches; repeated sentences (a
                byline, a caption) come from the translation cache.
  run-loop      ``summarise run ARTICLE.txt -f json`` once per article, each a new
                process (import, model load, one article).  Only ``--sample``
                articles are timed; the total is extrapolated to the archive, and
                the output says so.
  library-loop  one process, one ``Summariser``, ``.summarise(text)`` per article: the
                models load once, but every article is batched on its own and
                nothing is cached.  (The module-level ``summarise()`` would also
                reload the models at every call: the run-loop row minus the
                process start.)
  translate     the bulk row with ``--no-summary``: the translation rate that reading is
                compared with.
  reading       reading alone, no model: a generated 1,000-article WARC.gz (``--reading-articles``)
                through the bulk input path (``iter_articles``: warcio, ids, skip counts)
                and the reader (charset, HTML extraction, cleaning).  Reported as
                articles/s and as a multiple of the translate row's articles/s, measured
                in the same run: it must stay at least 50x, so that reading is never the
                bottleneck.
  ray           the bulk command with ``--engine ray --workers N`` (``--ray-workers``,
                default 2): the same core in N Ray actors on a private local Ray
                that the command starts (needs ``pip install 'summarise-news[ray]'``;
                skipped without it).  Each actor loads the models and gets
                CPUs / N torch threads.  On a 2-core machine this measures Ray's
                overhead (starting Ray and its actors, moving records), not a
                speed-up: the cores are the same ones the bulk row uses.

Every variant is timed wall-clock from its process start to its end, model
loading included.  Ratios are against each loop, measured in the same run on
the same machine.  Results also go to ``benchmarks/results/bulk-*.json`` and ``.md``.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch: spinning OpenMP threads starve 2 cores
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse
import json
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# First, even when an editable install already lists ROOT: pySBD installs a top-level
# `benchmarks` package of its own into site-packages, which would shadow this one.
sys.path.insert(0, str(ROOT))

from benchmarks import common  # noqa: E402

SEED = 20240615
SENTENCES_PER_ARTICLE = (3, 6)  # drawn per article
SENTENCE_TOKENS = (6, 24)  # source tokens, </s> included; most sentences short (an exponential tail)
SHARED_SHARE = 0.4  # articles that carry the archive's byline; a quarter of them also a stock caption
SUMMARY_TOKENS = 24  # forced summary length
NO_REPEAT = 2  # random weights loop; a loop-free output keeps the pipeline's loop retry as rare as with a real model


# -- models ------------------------------------------------------------------


def build_models(root: Path, smoke: bool = False) -> Path:
    """The forced-length translator and summariser, and a registry naming them; reused when present.

    ``smoke``: tiny layers (``common.SMOKE_DIMS``), the same vocabulary and tokenizer."""
    marker = root / "built.json"
    registry = root / "models.toml"
    built = {"seed": SEED, "no_repeat": NO_REPEAT, "endless": 2, **({"smoke": True} if smoke else {})}
    if marker.is_file() and registry.is_file() and json.loads(marker.read_text(encoding="utf-8")) == built:
        return registry
    import torch
    from transformers import AutoTokenizer, BartConfig, BartForConditionalGeneration, GenerationConfig, MarianMTModel

    root.mkdir(parents=True, exist_ok=True)
    opus = common.build_opus_mt_fr_en(root / "opus-mt-fr-en", smoke=smoke)
    model = MarianMTModel.from_pretrained(opus)
    eos = model.config.eos_token_id
    with torch.no_grad():
        model.final_logits_bias[0, eos] = -1e4  # never ends early: forced_eos_token_id ends it at the budget
    model.generation_config.no_repeat_ngram_size = NO_REPEAT
    endless = root / "opus-mt-fr-en-noend"  # never ends: every piece runs out of its token budget (the budget row)
    model.config.forced_eos_token_id = None
    model.generation_config.forced_eos_token_id = None
    model.save_pretrained(endless)
    AutoTokenizer.from_pretrained(opus).save_pretrained(endless)
    model.generation_config.forced_eos_token_id = eos
    model.save_pretrained(opus)

    tokenizer = AutoTokenizer.from_pretrained(opus)
    size = len(tokenizer)
    pad = tokenizer.pad_token_id
    torch.manual_seed(SEED)
    dims = common.SMOKE_DIMS if smoke else {"d_model": 256, "encoder_layers": 2, "decoder_layers": 2, "encoder_attention_heads": 4,
                                             "decoder_attention_heads": 4, "encoder_ffn_dim": 1024, "decoder_ffn_dim": 1024}
    config = BartConfig(
        vocab_size=size, **dims, max_position_embeddings=1024,
        pad_token_id=pad, bos_token_id=eos, eos_token_id=eos, decoder_start_token_id=eos,
        forced_bos_token_id=None, forced_eos_token_id=eos,
    )
    bart = BartForConditionalGeneration(config).eval()
    with torch.no_grad():
        bart.final_logits_bias[0, eos] = -1e4
    bart.generation_config = GenerationConfig(
        decoder_start_token_id=eos, eos_token_id=eos, pad_token_id=pad, forced_eos_token_id=eos, bad_words_ids=[[pad]], num_beams=1,
        no_repeat_ngram_size=NO_REPEAT,
    )
    summariser = root / "small-bart"
    bart.save_pretrained(summariser)
    tokenizer.bos_token = tokenizer.eos_token  # BART starts from </s> here; CTranslate2's converter needs a named bos token
    tokenizer.save_pretrained(summariser)

    registry.write_text(
        f"""[defaults]
summariser = "small-bart"
translation_fallback = "opus-mt-fr-en"

[models.opus-mt-fr-en]
task = "translation"
source = "{opus}"
languages = ["fr"]
max_input_tokens = 512
num_beams = 4

[models.small-bart]
task = "summarisation"
source = "{summariser}"
max_input_tokens = 1024
num_beams = 1
min_new_tokens = {SUMMARY_TOKENS}
max_new_tokens = {SUMMARY_TOKENS}
""",
        encoding="utf-8",
    )
    text = registry.read_text(encoding="utf-8")
    (root / "models-endless.toml").write_text(text.replace(f'source = "{opus}"', f'source = "{endless}"'), encoding="utf-8")
    marker.write_text(json.dumps(built) + "\n", encoding="utf-8")
    return registry


# -- the archive -------------------------------------------------------------


def sentence_texts(lengths: list[int], seed: int) -> list[str]:
    """Sentences of exact token lengths: pseudo-words, a capital and a full stop (each still one token)."""
    return [text[0].upper() + text[1:] + "." for text in common.make_text(lengths, special=1, seed=seed)]


def make_archive(path: Path, articles: int, seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    byline, caption = sentence_texts([12, 18], seed + 1)
    rows = []
    for index in range(articles):
        count = rng.randint(*SENTENCES_PER_ARTICLE)
        lengths = [min(SENTENCE_TOKENS[1], SENTENCE_TOKENS[0] + int(rng.expovariate(1 / 8))) for _ in range(count)]
        sentences = sentence_texts(lengths, seed + 1000 + index)
        if rng.random() < SHARED_SHARE:
            sentences.append(byline)
            if rng.random() < 0.25:
                sentences.insert(1, caption)
        rows.append({"id": f"article-{index:05d}", "text": " ".join(sentences)})
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row) + "\n")
    return rows


# -- variants ----------------------------------------------------------------


@dataclass
class Context:
    registry: Path
    archive: Path
    rows: list[dict]
    work: Path
    sample: int
    library_sample: int  # 0: the whole archive
    beams: int
    device: str
    quantization: str | None = None
    sentences: int = 0  # source sentences in the archive, as the pipeline splits them (from the bulk run)
    ray_workers: int = 2
    reading_articles: int = 1000


@dataclass
class Measurement:
    seconds: float  # for the whole archive (extrapolated when sampled)
    articles: int
    sentences: int
    measured_articles: int  # how many were actually run
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.seconds

    @property
    def sentences_per_second(self) -> float:
        return self.sentences / self.seconds


def _env() -> dict[str, str]:
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return dict(os.environ, PYTHONPATH=path, OMP_WAIT_POLICY="PASSIVE", HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")


def _model_options(ctx: Context) -> list[str]:
    quantization = ["--quantization", ctx.quantization] if ctx.quantization else []
    return ["--models", str(ctx.registry), "--source-lang", "fr", "--device", ctx.device, "--beams", str(ctx.beams), *quantization]


def run_bulk(ctx: Context) -> Measurement:
    out = ctx.work / "bulk-out"
    command = [sys.executable, "-m", "summarise", "bulk", str(ctx.archive), "--out", str(out), "--quiet", *_model_options(ctx)]
    started = time.perf_counter()
    done = subprocess.run(command, env=_env(), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"summarise bulk failed ({done.returncode}):\n{done.stderr[-3000:]}")
    records = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(ctx.rows) and all(r["error"] is None for r in records), "bulk left failed or missing records"
    ctx.sentences = sum(len(r["pairs"]) for r in records)
    summary = next((line for line in done.stderr.splitlines() if line.startswith("bulk: ")), "")
    counts = re.search(r"(\d+) translated by the model, (\d+) cache hits", summary)
    extra = {"model_translated": int(counts.group(1)), "cache_hits": int(counts.group(2))} if counts else {}
    return Measurement(seconds, len(ctx.rows), ctx.sentences, len(ctx.rows), "one process", extra)


def run_translate(ctx: Context) -> Measurement:
    out = ctx.work / "translate-out"
    command = [sys.executable, "-m", "summarise", "bulk", str(ctx.archive), "--out", str(out), "--quiet", "--no-summary", *_model_options(ctx)]
    started = time.perf_counter()
    done = subprocess.run(command, env=_env(), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"summarise bulk --no-summary failed ({done.returncode}):\n{done.stderr[-3000:]}")
    records = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    return Measurement(seconds, len(records), sum(len(r["pairs"]) for r in records), len(records), "one process, --no-summary")


def run_budget(ctx: Context) -> Measurement:
    """The translate row with a translator that never ends a sentence: every piece hits its budget and is retried."""
    out = ctx.work / "budget-out"
    options = _model_options(ctx)
    options[options.index("--models") + 1] = str(ctx.registry.with_name("models-endless.toml"))
    warm = ctx.work / "budget-warm.jsonl"  # untimed: the first use of a model converts it for CTranslate2
    warm.write_text(json.dumps(ctx.rows[0]) + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "summarise", "bulk", str(warm), "--out", str(ctx.work / "budget-warm-out"), "--quiet", "--no-summary", *options],
                   env=_env(), capture_output=True, text=True)
    command = [sys.executable, "-m", "summarise", "bulk", str(ctx.archive), "--out", str(out), "--quiet", "--no-summary", *options]
    started = time.perf_counter()
    done = subprocess.run(command, env=_env(), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: records written, some flagged or failed; the row measures speed
        raise SystemExit(f"summarise bulk (endless translator) failed ({done.returncode}):\n{done.stderr[-3000:]}")
    records = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    retried = re.search(r"(\d+) pieces tried again", done.stderr)
    return Measurement(seconds, len(records), sum(len(r["pairs"]) for r in records), len(records),
                       "one process, --no-summary, every piece hits its budget", {"budget_retries": int(retried.group(1)) if retried else 0})


def run_reading(ctx: Context) -> Measurement:
    """Read a generated WARC.gz as bulk does, up to the text the models would get: no model at all."""
    from summarise.bulk import iter_articles
    from summarise.inputs import read_document
    from tests.support.archivefixtures import news_pages, write_warc

    warc = ctx.work / "reading.warc.gz"
    write_warc(warc, news_pages(ctx.reading_articles, seed=SEED))
    started = time.perf_counter()
    count = characters = 0
    for article in iter_articles([warc]):
        document = read_document(article.content, format=article.format, charset=article.charset, name=article.id)
        count += 1
        characters += len(document.text)
    seconds = time.perf_counter() - started
    assert count == ctx.reading_articles, f"read {count} of {ctx.reading_articles} pages"
    return Measurement(seconds, count, 0, count, f"{warc.stat().st_size // 1024} KiB WARC.gz, no translation", {"characters": characters})


def run_ray(ctx: Context) -> Measurement:
    import importlib.util
    import secrets

    if importlib.util.find_spec("ray") is None:
        raise SkipVariant("Ray is not installed: pip install 'summarise-news[ray]'")
    out = ctx.work / "ray-out"
    command = [sys.executable, "-m", "summarise", "bulk", str(ctx.archive), "--out", str(out), "--quiet", *_model_options(ctx),
               "--engine", "ray", "--workers", str(ctx.ray_workers)]
    # A private local Ray with token auth: a throwaway token, so nothing is written to ~/.ray.
    env = dict(_env(), RAY_AUTH_TOKEN=secrets.token_hex(16))
    env.pop("RAY_ADDRESS", None)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"summarise bulk --engine ray failed ({done.returncode}):\n{done.stderr[-3000:]}")
    records = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    ids = sorted(r["id"] for r in records)
    assert ids == sorted(row["id"] for row in ctx.rows) and all(r["error"] is None for r in records), "ray left failed, missing or repeated records"
    workers = f"{ctx.ray_workers} Ray worker{'s' if ctx.ray_workers != 1 else ''}"
    note = f"one driver + {workers} on a local Ray the command starts ({os.cpu_count()} CPUs in all)"
    return Measurement(seconds, len(ctx.rows), ctx.sentences, len(ctx.rows), note)


class SkipVariant(Exception):
    """A variant that cannot run here (say, an extra not installed): left out of the table, with the reason."""


def run_cli_loop(ctx: Context) -> Measurement:
    sample = _sample(ctx)
    folder = ctx.work / "articles"
    folder.mkdir(exist_ok=True)
    total = 0.0
    for row in sample:
        path = folder / f"{row['id']}.txt"
        path.write_text(row["text"], encoding="utf-8")
        command = [sys.executable, "-m", "summarise", "run", str(path), "--format", "json", "--output", str(folder / f"{row['id']}.json"), "--quiet", *_model_options(ctx)]
        started = time.perf_counter()
        done = subprocess.run(command, env=_env(), capture_output=True, text=True)
        total += time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"summarise run failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return _extrapolated(ctx, sample, total, "processes")


def run_library_loop(ctx: Context) -> Measurement:
    rows = ctx.rows
    archive = ctx.archive
    if ctx.library_sample and ctx.library_sample < len(ctx.rows):
        rows = _sample(ctx, ctx.library_sample)
        archive = ctx.work / "library-sample.jsonl"
        archive.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    command = [sys.executable, str(Path(__file__).resolve()), "--library-loop", str(archive), "--registry", str(ctx.registry),
               "--beams", str(ctx.beams), "--device", ctx.device, *(["--quantization", ctx.quantization] if ctx.quantization else [])]
    started = time.perf_counter()
    done = subprocess.run(command, env=_env(), capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"library loop failed ({done.returncode}):\n{done.stderr[-3000:]}")
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    if rows is ctx.rows:
        return Measurement(wall, len(rows), counts["sentences"], len(rows), "one process")
    # Start-up and model loading once, the per-article loop scaled to the archive.
    seconds = wall - counts["loop_seconds"] + counts["loop_seconds"] * len(ctx.rows) / len(rows)
    note = f"one process; timed {len(rows)} articles ({counts['loop_seconds']:.1f} s of loop), extrapolated to {len(ctx.rows)}"
    return Measurement(seconds, len(ctx.rows), ctx.sentences, len(rows), note)


def _sample(ctx: Context, size: int | None = None) -> list[dict]:
    """Every n-th article, so the sample spans the archive's mix of lengths."""
    size = size or ctx.sample
    step = max(1, len(ctx.rows) // size)
    return ctx.rows[::step][:size]


def _extrapolated(ctx: Context, sample: list[dict], seconds: float, what: str) -> Measurement:
    per_article = seconds / len(sample)
    note = f"timed {len(sample)} {what} ({seconds:.1f} s), extrapolated to {len(ctx.rows)} articles"
    return Measurement(per_article * len(ctx.rows), len(ctx.rows), ctx.sentences, len(sample), note)


@dataclass(frozen=True)
class Variant:
    name: str
    run: Callable[[Context], Measurement]
    describe: str


# The bulk row runs first: it counts the archive's sentences for the other rows.
VARIANTS = [
    Variant("bulk", run_bulk, "summarise bulk: one process, cross-article batches, translation cache"),
    Variant("run-loop", run_cli_loop, "summarise run per article: a process each"),
    Variant("library-loop", run_library_loop, "Summariser.summarise() per article, one process"),
    Variant("translate", run_translate, "summarise bulk --no-summary: translation only"),
    Variant("budget", run_budget, "summarise bulk --no-summary with a translator that never ends: batched budget retries"),
    Variant("reading", run_reading, "reading a 1,000-article WARC.gz, no model"),
    Variant("ray", run_ray, "summarise bulk --engine ray: the same core in Ray actors"),
]


# -- the library loop, in its own process ------------------------------------


def library_loop(archive: Path, registry: Path, beams: int, device: str, quantization: str | None) -> None:
    from summarise import Summariser

    from summarise.pipeline import Options

    summariser = Summariser(registry, device=device, quantization=quantization)
    options = Options(num_beams=beams)
    sentences = 0
    started = time.perf_counter()
    with archive.open(encoding="utf-8") as rows:
        for line in rows:
            result = summariser.summarise(json.loads(line)["text"], options, source_lang="fr")
            sentences += len(result.pairs)
    print(json.dumps({"sentences": sentences, "loop_seconds": time.perf_counter() - started}))


# -- main --------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="60 articles and a sample of 4: a smoke run of a few minutes")
    parser.add_argument("--articles", type=int, help="articles in the archive (default 200; --quick 60)")
    parser.add_argument("--sample", type=int, help="articles timed in the run-loop (default 10; --quick 4)")
    parser.add_argument("--library-sample", type=int, help="articles timed in the library-loop (default 60; --quick 20; 0: all)")
    parser.add_argument("--beams", type=int, default=1, help="beam size for every variant (default 1: greedy, to fit 2 cores)")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--quantization", help="passed to every variant (e.g. int8, the shipped registry's CPU default; default: none, fp32)")
    parser.add_argument("--variants", default=",".join(v.name for v in VARIANTS), help="comma-separated names (bulk always runs)")
    parser.add_argument("--ray-workers", type=int, default=2, help="Ray actors for the ray row (default 2)")
    parser.add_argument("--reading-articles", type=int, default=1000, help="pages in the reading row's WARC.gz (default 1000)")
    parser.add_argument("--work", type=Path, default=HERE / "results" / "bulk", help="models and outputs go here")
    parser.add_argument("--smoke", action="store_true", help="tiny layers, 4 articles, every row but ray (unless named), results in --work: "
                        "checks that the benchmark still runs against the product (CI), measures nothing")
    parser.add_argument("--library-loop", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--registry", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.smoke:
        args.articles = args.articles or 4
        args.sample = args.sample or 1
        args.library_sample = 0 if args.library_sample is None else args.library_sample
        if args.variants == ",".join(v.name for v in VARIANTS):
            args.variants = "bulk,run-loop,library-loop"
    if args.library_loop:
        library_loop(args.library_loop, args.registry, args.beams, args.device, args.quantization)
        return

    articles = args.articles or (60 if args.quick else 200)
    sample = min(articles, args.sample or (4 if args.quick else 10))
    library_sample = args.library_sample if args.library_sample is not None else (20 if args.quick else 60)
    started = time.perf_counter()
    # CTranslate2 conversions (the default backend on a CPU) go to a cache of the benchmark's own, not the user's.
    os.environ.setdefault("SUMMARISE_HOME", str(args.work / "home"))
    registry = build_models(args.work / ("models-smoke" if args.smoke else "models"), smoke=args.smoke)
    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=args.work))
    archive = run_dir / "archive.jsonl"
    rows = make_archive(archive, articles)
    ctx = Context(registry, archive, rows, run_dir, sample, library_sample, args.beams, args.device, args.quantization, ray_workers=args.ray_workers, reading_articles=args.reading_articles)
    wanted = {"bulk", *args.variants.split(",")}
    results: dict[str, Measurement] = {}
    skipped: dict[str, str] = {}
    for variant in VARIANTS:
        if variant.name in wanted:
            print(f"running {variant.name}: {variant.describe} …", file=sys.stderr, flush=True)
            try:
                results[variant.name] = variant.run(ctx)
            except SkipVariant as exc:
                skipped[variant.name] = str(exc)
                print(f"skipped {variant.name}: {exc}", file=sys.stderr, flush=True)
    report(args, ctx, results, time.perf_counter() - started, skipped)


def report(args, ctx: Context, results: dict[str, Measurement], wall: float, skipped: dict[str, str] | None = None) -> None:
    bulk = results["bulk"]
    lines = [
        f"# Bulk throughput: {len(ctx.rows)} articles, {ctx.sentences} sentences",
        "",
        f"opus-mt-fr-en architecture (random weights, forced lengths), beams {ctx.beams}, {ctx.quantization or 'fp32/fp16'}, {ctx.device}, "
        f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}; small random BART summariser.",
        "",
        "| variant | articles/s | sentences/s | bulk is × faster | seconds (archive) | measured |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    reading = results.pop("reading", None)
    for name, m in results.items():
        ratio = m.seconds / bulk.seconds
        lines.append(f"| {name} | {m.articles_per_second:.2f} | {m.sentences_per_second:.1f} | {ratio:.1f} | {m.seconds:.1f} | {m.note} |")
    if bulk.extra:
        lines += ["", f"bulk: the model translated {bulk.extra['model_translated']} distinct sentences of {ctx.sentences} "
                  f"({bulk.extra['cache_hits']} cache hits; repeats within a window are translated once without a lookup)."]
    sampled = [f"{name}: {m.note}" for name, m in results.items() if "extrapolated" in m.note]
    if sampled:
        lines += ["", "Sampled rows: " + "; ".join(sampled) + "."]
    if "ray" in results:
        ray = results["ray"]
        verdict = "faster" if ray.seconds < bulk.seconds else "slower"
        lines += ["", f"ray: {ray.note}; {ray.articles_per_second / bulk.articles_per_second:.2f}x the bulk row's articles/s ({verdict}). "
                  "Both rows count from process start; the ray row includes starting Ray and loading the models in every worker. "
                  "On one small machine Ray shares the bulk row's cores, so this is its overhead, not a cluster's speed-up."]
    if "budget" in results:
        budget, base = results["budget"], results.get("translate", bulk)
        lines += ["", f"budget: {budget.extra.get('budget_retries', 0)} pieces hit their token budget and were tried again in batches; "
                  f"{budget.seconds / base.seconds:.2f}x the {'translate' if 'translate' in results else 'bulk'} row's time in this run "
                  "(every output runs to its budget, then to twice that: about 3x the generated tokens of a normal run)."]
    if reading is not None:
        base = results.get("translate", bulk)
        ratio = reading.articles_per_second / base.articles_per_second
        lines += ["", f"reading: {reading.articles_per_second:.0f} articles/s ({reading.articles} pages of a {reading.note}; "
                  f"{reading.seconds:.2f} s), {ratio:.0f}x the {'translate' if 'translate' in results else 'bulk'} row's "
                  f"{base.articles_per_second:.2f} articles/s measured in this run: reading {'stays' if ratio >= 50 else 'DOES NOT stay'} "
                  "at least 50x faster than translation."]
        results["reading"] = reading
    for name, reason in (skipped or {}).items():
        lines += ["", f"Not run: {name} ({reason})."]
    lines += ["", f"benchmark wall time {wall:.0f} s, model building included."]
    text = "\n".join(lines) + "\n"
    print(text)
    stem = f"bulk-{'smoke-' if args.smoke else 'quick-' if args.quick else ''}{ctx.device}"
    out = args.work if args.smoke else HERE / "results"
    out.mkdir(exist_ok=True)
    (out / f"{stem}.md").write_text(text, encoding="utf-8")
    data = {
        "articles": len(ctx.rows),
        "sentences": ctx.sentences,
        "beams": ctx.beams,
        "device": ctx.device,
        "quantization": ctx.quantization,
        "cpus": os.cpu_count(),
        "wall_seconds": round(wall, 1),
        "variants": {name: {**asdict(m), "articles_per_second": m.articles_per_second, "sentences_per_second": m.sentences_per_second,
                            "bulk_speedup": m.seconds / bulk.seconds} for name, m in results.items()},
    }
    (out / f"{stem}.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
