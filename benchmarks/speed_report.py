"""The report of ``speed.py``: the work in FLOPs, ratios to the naive loop, the targets, and the markdown table.
"""

from __future__ import annotations

import sys
from typing import Any

from benchmarks import common
from benchmarks.speed_levers import render as render_levers
from benchmarks.speed_oneshot import render as render_oneshot
from benchmarks.speed_workloads import (
    ARTICLE_SENTENCES,
    SEED,
    SUMMARY_INPUT_TOKENS,
    SUMMARY_TOKENS,
    TARGET_RATIO,
    TARGETS,
    article_lengths,
    forced_length,
)


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



def build_report(run: Any, default_quant: str | None, archive_articles: int) -> dict:
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
                # attribution (cross-attention asked for, traced to sentences) over the same summary without it
                attribution_cost=(s["seconds"] / s["seconds_without_attribution"] - 1) if s.get("seconds_without_attribution") else None,
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
        "oneshot_seconds": run.oneshot.get("oneshot_s"),
        "oneshot_x": run.oneshot.get("oneshot_x"),
        "first_run_seconds": run.oneshot.get("first_run_s"),
        "summary_lever_x": {name: row["x"] for name, row in (run.levers.get("variants") or {}).items()},
    }
    for key in ("translation_default_x", "summary_default_x", "article_default_x"):
        check(f"{key}: the default install vs naive", headline[key], TARGETS[key], True, "×")
    check("int8_peak_share: the default translation's share of the int8 matmul peak", headline["int8_peak_share"], TARGETS["int8_peak_share"], True, "")
    check("startup_seconds: `summarise run`, 3 sentences, start to first output", headline["startup_seconds"], TARGETS["startup_seconds"], False, " s")
    check("oneshot_x: one article, whole processes, vs the naive script", headline["oneshot_x"], TARGETS["oneshot_x"], True, "×")
    check("oneshot_seconds: `summarise run`, 25 sentences and the summary, start to exit", headline["oneshot_seconds"], TARGETS["oneshot_seconds"], False, " s")
    return {
        "class_ratios": class_ratios(run, by),
        **headline,
        "startup": run.startup,
        "oneshot": run.oneshot,
        "summary_levers": run.levers,
        "imports_top10": run.oneshot.get("imports_top10"),
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


def class_ratios(run: Any, by: dict) -> dict:
    """The default path against the naive loop on each CPU class this run measured, each on that class's kernels.

    This CPU's class is the ``default``/``naive`` pair; an emulated class is the ``default@CLASS``/``naive@CLASS``
    pair (speed_workloads.AVX2_CLASS).  ``vs_native`` is the class's default time over this CPU's own:
    what running on the other class's kernels costs.
    """
    out = {}
    native = run.machine.get("int8_class", {}).get("class", "native")
    emulated = [name for name in by if "@" in name and not name.startswith("naive@") and not name.endswith("-greedy")]
    for label, name in [(native, "default")] + [(name.split("@", 1)[1] + ("" if name.startswith("default@") else f", {name.split('@', 1)[0]}"), name) for name in emulated]:
        suffix = "@" + name.split("@", 1)[1] if "@" in name else ""
        default, naive = by.get(name, {}), by.get(f"naive{suffix}", {})
        ran = run.results.get(name, {})

        def ratio(part: str) -> float | None:
            mine, theirs = default.get(part, {}).get("seconds"), naive.get(part, {}).get("seconds")
            return theirs / mine if mine and theirs else None

        article = default.get("whole", {}).get("seconds")
        naive_article = (naive.get("translate", {}).get("seconds") or 0) + (naive.get("summarise", {}).get("seconds") or 0)
        base = by.get("default", {}).get("whole", {}).get("seconds")
        out[label] = {
            "ran": {part: ran.get(part, {}).get("ran") for part in ("translate", "summarise")},
            "translation_x": ratio("translate"),
            "summary_x": ratio("summarise"),
            "article_x": naive_article / article if article and naive_article else None,
            "article_seconds": article,
            "vs_native": article / base if article and base else None,
        }
    return out


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
        lines += ["", "| Summary (700 → 110 tokens) | time | × naive | tokens/s | load | peak RSS (whole run) | article + summary | × naive | attribution cost |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for row in summaries:
            s = row["summarise"]
            whole = row.get("whole", {})
            lines.append(
                f"| **{row['name']}**: {row['labels']['summarise']} | {_f(s['seconds'], 2, ' s')} | {_f(s['x_naive'], 1, '×')} | {_f(s['tokens_per_s'], 0)} | "
                f"{_f(s['load_s'], 1, ' s')} | {_f(row['peak_rss_mb'], 0, ' MB')} | {_f(whole.get('seconds'), 2, ' s')} | {_f(whole.get('x_naive'), 1, '×')} | "
                f"{_f(s['attribution_cost'] * 100 if s.get('attribution_cost') is not None else None, 1, ' %')} |"
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
    classes = report.get("class_ratios") or {}
    if classes:
        lines += ["", "| CPU class (its own kernels) | default ran | translation × naive | summary × naive | article × naive | article time | × this CPU's class |",
                  "|---|---|---:|---:|---:|---:|---:|"]
        for cls, row in classes.items():
            ran = ", ".join(dict.fromkeys(v for v in row["ran"].values() if v))
            lines.append(f"| {cls} | {ran} | {_f(row['translation_x'], 1, '×')} | {_f(row['summary_x'], 2, '×')} | {_f(row['article_x'], 1, '×')} | "
                         f"{_f(row['article_seconds'], 2, ' s')} | {_f(row['vs_native'], 2, '×')} |")
    lines += [
        "",
        f"CPU int8 class: {m.get('int8_class', {}).get('class', 'unknown')}. Compute bound: throughput measured in this run "
        "(int8 and ct2_fp32: CTranslate2 scoring a 64 × 128-token batch with the translation model, in this class's default "
        "int8 precision and in float32, a throughput the engine reaches rather than a bound, so shares of it may pass 100%; "
        "fp32, bf16 and torch_int8: one large PyTorch matmul, for reference): "
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
        lines += ["", f"Startup, process start to the first output of `summarise run` (3 sentences, lengths forced): {_f(startup.get('warm_s'), 2, ' s')} "
                  f"with the models converted; {_f(startup.get('first_s'), 2, ' s')} on the first run, converting both; "
                  f"{_f(startup.get('transformers_s'), 2, ' s')} with --backend transformers; "
                  f"{_f(startup.get('warm_unforced_s'), 2, ' s')} unforced (random weights write their own lengths)."]
    lines += render_oneshot(report.get("oneshot") or {})
    lines += render_levers(report.get("summary_levers") or {})
    for name, error in report.get("failed", {}).items():
        last = error.strip().splitlines()[-1] if error.strip() else "failed"
        lines.append(f"\nVariant {name} failed: `{last}`")
    return "\n".join(lines) + "\n"
