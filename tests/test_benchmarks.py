"""The benchmarks still run against the product's current names: their --smoke modes, on tiny layers.

A rename in the library must fail here, in CI, rather than in a benchmark run weeks later.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from summarise.models.engines import cpu_int8, precision_for_cpu

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               OMP_WAIT_POLICY="PASSIVE", HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-4000:]
    return done


def test_speed_benchmark_smoke(tmp_path):
    _run("benchmarks/speed.py", "--smoke", "--out", str(tmp_path))
    report = json.loads((tmp_path / "speed-smoke-cpu.json").read_text(encoding="utf-8"))
    text = json.dumps(report)
    for name in ("naive", "ours-fp32", "ours-int8", "ours-bf16", "default", "archive:ours-default-greedy"):
        assert f'"{name}"' in text, name
    assert (tmp_path / "speed-smoke-cpu.md").read_text(encoding="utf-8").strip()
    # Startup is timed at forced lengths too, with one run at the random weights' own lengths beside it.
    startup = report["startup"]
    assert "error" not in startup, startup.get("error")
    assert startup["warm_s"] > 0 and startup["warm_unforced_s"] > 0
    # The one-article runs do equal work: ours forced per batch, the naive script per sentence, to the same lengths.
    oneshot = report["oneshot"]
    assert "error" not in oneshot, oneshot.get("error")
    forced, naive = oneshot["forced_tokens"], oneshot["naive_tokens"]
    assert forced["summary_tokens"] == naive["summary"] and forced["summary_calls"] == 1
    assert abs(forced["translation_tokens"] - naive["translation"]) <= oneshot["sentences"], (forced, naive)  # rounding, per batch
    assert forced["process_s"] > forced["load_s"] + forced["translation_s"] + forced["summary_s"] > 0
    # Every lever of the summary ran, each against the default of the same process, on the same forced length.
    levers = report["summary_levers"]["variants"]
    assert set(levers) == {"default", "vmap-source", "vmap-frequent", "beam2", "greedy", "input512"}
    assert levers["default"]["x"] == 1.0 and all(row["tokens"] == report["summary_levers"]["new_tokens"] for row in levers.values())


def test_bulk_benchmark_smoke(tmp_path):
    _run("benchmarks/bulk.py", "--smoke", "--work", str(tmp_path))
    report = json.loads((tmp_path / "bulk-smoke-cpu.json").read_text(encoding="utf-8"))
    assert report["articles"] == 4 and report["sentences"] > 4
    assert set(report["variants"]) == {"bulk", "run-loop", "library-loop"}
    assert all(v["articles_per_second"] > 0 for v in report["variants"].values())


def test_benchmarks_import_their_own_package_before_a_shadowing_one(tmp_path):
    """pySBD installs a top-level ``benchmarks`` package; with an editable install ROOT sits behind it."""
    shadow = tmp_path / "shadow" / "benchmarks"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(shadow.parent), str(ROOT)]), HF_HUB_OFFLINE="1")
    for script in ("speed", "bulk", "serve", "warc", "extraction", "splitting", "facts", "summary_floor"):
        done = subprocess.run([sys.executable, f"benchmarks/{script}.py", "--help"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (script, done.stderr[-2000:])


def test_summary_floor_benchmark_smoke(tmp_path):
    _run("benchmarks/summary_floor.py", "--smoke", "--out", str(tmp_path))
    report = json.loads((tmp_path / "summary-floor-smoke.json").read_text(encoding="utf-8"))
    assert report["memory_read_gbps"] > 0
    sizes, beams = report["step_bytes"], report["beams"]
    assert set(beams) == {"4", "1"} and all(row["summary_s"] > 0 for row in beams.values())
    # Each beam reads its own cross-attention cache on top of the weights every beam shares.
    assert (beams["4"]["step_read_mb"] - beams["1"]["step_read_mb"]) * 1e6 == pytest.approx(3 * sizes["cross_cache_per_beam"])
    assert "| 4 |" in (tmp_path / "summary-floor-smoke.md").read_text(encoding="utf-8")


def test_summary_settings_benchmark_smoke(tmp_path):
    _run("benchmarks/summary_settings.py", "--smoke", "--out", str(tmp_path))
    report = json.loads((tmp_path / "summary-settings-smoke.json").read_text(encoding="utf-8"))
    assert {"default", "beam 2", "greedy (--fast)", "one thread"} <= set(report["variants"])
    assert report["variants"]["default"]["x_default"] == 1.0
    # The default engine in every variant: int8, float32 on a CPU without VNNI (summarise.models.engines._isa).
    assert all(row["ran"] == f"ctranslate2 {precision_for_cpu('int8')}" for row in report["variants"].values())
    # A variant that needs an instruction set this CPU lacks is skipped with its reason, not failed.
    forced = "CT2_FORCE_CPU_ISA=AVX512"
    if cpu_int8().native.name in ("avx512-vnni", "avx512"):
        assert forced in report["variants"] and forced not in report["skipped"]
    else:
        assert forced not in report["variants"] and "no AVX-512" in report["skipped"][forced]


def test_agreement_benchmark_smoke(tmp_path):
    """The agreement table's smoke run: the trained copy and digit models, every precision, every CPU class here."""
    _run("benchmarks/agreement.py", "--smoke", "--out", str(tmp_path))
    report = json.loads((tmp_path / "agreement-smoke.json").read_text(encoding="utf-8"))
    native = cpu_int8()
    assert report["machine"]["class"]["native"] == native.native.name
    table = report["identical_to_fp32_pytorch"]
    assert native.name in table
    if native.native.name == "avx512-vnni":  # the AVX2 arithmetic is emulated by capping MKL and oneDNN
        assert report["classes"]["avx2"]["class"] == "avx2" and report["defaults"]["avx2"] == "ctranslate2 float32"
    for cls, models in table.items():
        assert set(models) == {"copy", "digit"}
        for rows in models.values():
            # The models are trained to a margin: the default path and CTranslate2 float32 write what fp32 PyTorch writes.
            assert rows["default: int8 with VNNI, float32 without"] == {"1": 1.0, "4": 1.0}, cls
            assert rows["CTranslate2 float32"] == {"1": 1.0, "4": 1.0}, cls
    assert "| copy | default: int8 with VNNI, float32 without |" in (tmp_path / "agreement-smoke.md").read_text(encoding="utf-8")


def test_attribution_benchmark_quick(tmp_path, attribution_models, marker_summariser):
    """Its quick mode on the session's trained summarisers: the first-sentence case is exact on both
    backends, and the marker summariser's sentence is the one named first wherever it sits."""
    models = tmp_path / "models"
    models.mkdir()
    for name, folder in {"copy": attribution_models / "copy", "first": attribution_models / "first", "marker": marker_summariser}.items():
        (models / name).symlink_to(folder)
    _run("benchmarks/attribution.py", "--quick", "--out", str(tmp_path), "--models-dir", str(models))
    report = json.loads((tmp_path / "attribution.json").read_text(encoding="utf-8"))
    rows = {(row["summariser"], row["backend"]): row for row in report["rows"]}
    assert set(rows) == {(kind, backend) for kind in ("first", "marker") for backend in ("ctranslate2", "transformers")}
    for backend in ("ctranslate2", "transformers"):
        first = rows["first", backend]
        assert first["articles"] == 20 and first["staged"] > 0
        assert first["top1_rate"] == first["exact_rate"] == first["summary_right_rate"] == 1.0
        assert first["exact_words_rate"] < 1.0  # the repeated first sentences: words alone name both
        marker = rows["marker", backend]
        assert marker["articles"] == 20 and marker["staged"] > 0
        assert marker["top1_rate"] >= 0.95 and marker["summary_right_rate"] >= 0.8
    markdown = (tmp_path / "attribution.md").read_text(encoding="utf-8")
    assert markdown.count("| first |") == markdown.count("| marker |") == 2
