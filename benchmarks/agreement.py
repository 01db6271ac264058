#!/usr/bin/env python
"""How often each backend and precision writes exactly what fp32 PyTorch writes, on every CPU class this CPU can run.

    python benchmarks/agreement.py                       # about 5 minutes on 2 CPU cores
    python benchmarks/agreement.py --smoke --out /tmp/a  # 16 inputs, one model: does it still run? (CI)

The models are the test suite's trained task models (``tests/tinymodels.py``,
``tests/factmodels.py``), trained in counted steps until every held-out token is right
by a margin, so that their fp32 outputs are known and stable:

* copy: echoes its input;
* digit: copies, writing every digit one up;
* word-swap: swaps the French and English words of a small dictionary, copies the rest;
* first-sentence: writes its input's first sentence (the summariser of the fact tests).

Each gets ``--inputs`` fresh inputs of its own kind (not its training data), decoded at
greedy and at beam 4 by the product's own engines (``summarise.models.engines``).  The reference
is PyTorch fp32 on this CPU's own kernels.  Every other row is the share of outputs
identical to it, word for word:

* PyTorch dynamic int8 (what ``--backend transformers --quantization int8`` runs);
* CTranslate2 float32, int8 with 8-bit weights, int8 with 7-bit weights (``int8_w7``),
  int8_float32, and int16 where this CPU's CTranslate2 has it (MKL: Intel CPUs only);
* the default: what ``build_engine`` chooses for this CPU class (``int8`` with VNNI,
  ``float32`` without).

Each CPU class runs in its own process, because MKL and oneDNN read their instruction-set
caps once, when they load: the CPU's own class, then every lower class it can emulate
(``summarise.models.engines._isa``: AVX-512 without VNNI, then AVX2).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse
import json
import platform
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # first: pySBD installs a top-level `benchmarks` package of its own

from summarise.models.engines._isa import AVX2_ENVIRONMENT, cpu_int8  # noqa: E402

# The lower classes an x86 CPU can run, by capping the math libraries (see summarise.models.engines._isa).
EMULATED = {
    "avx512": ({"MKL_ENABLE_INSTRUCTIONS": "AVX512", "ONEDNN_MAX_CPU_ISA": "AVX512_CORE"}, ("avx512-vnni",)),
    "avx2": (AVX2_ENVIRONMENT, ("avx512-vnni", "avx-vnni", "avx512")),
}
MODELS = ("copy", "digit", "word-swap", "first-sentence")
# name -> (backend, precision); "default" is what the product picks on this CPU class.
CONFIGS = {
    "PyTorch int8 (dynamic)": ("transformers", "int8"),
    "CTranslate2 float32": ("ctranslate2", "float32"),
    "CTranslate2 int8, 8-bit weights": ("ctranslate2", "int8"),
    "CTranslate2 int8_w7 (7-bit weights)": ("ctranslate2", "int8_w7"),
    "CTranslate2 int8_float32, 8-bit weights": ("ctranslate2", "int8_float32"),
    "CTranslate2 int16": ("ctranslate2", "int16"),
    "default": ("ctranslate2", None),
}
BEAMS = (1, 4)


def build_models(folder: Path, smoke: bool) -> dict[str, Path]:
    """The trained task models, built once into ``folder`` (training is counted in steps: the same models every time)."""
    from tests import factmodels, tinymodels

    folder.mkdir(parents=True, exist_ok=True)
    built = {name: folder / name for name in MODELS}

    def once(name: str, build) -> None:
        if not (built[name] / "config.json").is_file():
            build(built[name])

    once("copy", tinymodels.train_copy_marian)
    once("digit", lambda out: factmodels.train_digit_marian(out, built["copy"]))
    if not smoke:
        once("word-swap", lambda out: factmodels.train_word_swap_marian(out, built["copy"]))
        once("first-sentence", lambda out: factmodels.train_first_sentence_marian(out, built["copy"]))
    return {name: path for name, path in built.items() if (path / "config.json").is_file()}


def make_inputs(model: str, folder: Path, count: int, seed: int = 28) -> list[str]:
    """``count`` texts of the model's own kind, from a generator that its training never drew from."""
    import torch
    from transformers import AutoTokenizer

    from tests import factmodels

    generator = torch.Generator().manual_seed(seed + MODELS.index(model))
    kind = {"digit": {"digits": 0.3}, "first-sentence": {"stops": True}}.get(model, {})
    input_ids, attention_mask = factmodels.random_batch(generator, count, **kind)
    if model == "word-swap":
        input_ids = factmodels.with_pair_words(generator, input_ids, attention_mask)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    return [tokenizer.decode(ids[mask.bool()], skip_special_tokens=True) for ids, mask in zip(input_ids, attention_mask)]


def child(payload: dict) -> dict:
    """One CPU class: every model, config and beam count, in this process's environment."""
    import ctranslate2

    from summarise.models.engines import GenerationRequest, build_engine, runnable_spec
    from summarise.models.engines._ctranslate2 import CTranslate2Engine
    from summarise.models.engines._transformers import TransformersEngine
    from summarise.models import ModelSpec

    supported = set(ctranslate2.get_supported_compute_types("cpu"))
    outputs: dict[str, dict[str, dict[str, list[str]]]] = {}
    ran: dict[str, str] = {}
    for model, source in payload["models"].items():
        texts = payload["inputs"][model]
        spec = ModelSpec(name=model, task="translation", source=source, languages=("fr",), max_input_tokens=64)
        rows = {"PyTorch fp32": ("transformers", "none"), **CONFIGS} if payload["reference"] else CONFIGS
        outputs[model] = {}
        for name, (backend, precision) in rows.items():
            if precision == "int16" and "int16" not in supported:
                continue
            if name == "default":
                engine = build_engine(spec, device="cpu")
                ran["default"] = f"{engine.spec.backend} {engine.spec.quantization}"
            elif backend == "ctranslate2":  # the engine itself: the precision exactly as asked, no CPU rule
                engine = CTranslate2Engine(replace(spec, backend=backend, quantization=precision), device="cpu")
            else:
                engine = TransformersEngine(runnable_spec(replace(spec, backend=backend, quantization=precision), "cpu"), device="cpu")
            outputs[model][name] = {
                str(beams): [g.text for g in engine.generate(texts, GenerationRequest(num_beams=beams, max_new_tokens=48))]
                for beams in BEAMS
            }
    return {"cpu": cpu_int8().to_dict(), "int16": "int16" in supported, "ran": ran, "outputs": outputs}


def run_class(name: str, changes: dict[str, str], payload: dict) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in ("MKL_ENABLE_INSTRUCTIONS", "ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA", "CT2_FORCE_CPU_ISA")}
    env.update(changes)
    command = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(payload)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"class {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(HERE / "results"), help="where the JSON and markdown go")
    parser.add_argument("--inputs", type=int, default=200, help="inputs per model")
    parser.add_argument("--smoke", action="store_true", help="16 inputs, the copy and digit models: checks that it still runs (CI)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return 0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SUMMARISE_HOME", str(out / "home"))  # conversions: the benchmark's own cache
    count = 16 if args.smoke else args.inputs
    wall = time.perf_counter()
    models = build_models(out / ("agreement-models-smoke" if args.smoke else "agreement-models"), args.smoke)
    inputs = {name: make_inputs(name, folder, count) for name, folder in models.items()}
    native = cpu_int8()
    classes = {native.name: {}}
    for name, (changes, below) in EMULATED.items():
        if native.native.name in below:
            classes[name] = changes
    payload = {"models": {k: str(v) for k, v in models.items()}, "inputs": inputs}
    results = {}
    for index, (name, changes) in enumerate(classes.items()):
        results[name] = run_class(name, changes, {**payload, "reference": index == 0})
        print(f"class {name}: done ({results[name]['cpu']['class']}, default {results[name]['ran'].get('default')})", file=sys.stderr, flush=True)
    reference = results[native.name]["outputs"]
    table: dict[str, dict[str, dict[str, dict[str, float]]]] = {}
    for cls, result in results.items():
        for model, rows in result["outputs"].items():
            for config, by_beams in rows.items():
                if config == "PyTorch fp32":
                    continue
                label = "default: int8 with VNNI, float32 without" if config == "default" else config
                for beams, texts in by_beams.items():
                    wanted = reference[model]["PyTorch fp32"][beams]
                    same = sum(a == b for a, b in zip(texts, wanted)) / len(wanted)
                    table.setdefault(cls, {}).setdefault(model, {}).setdefault(label, {})[beams] = same
    report = {
        "command": "python benchmarks/agreement.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": {"cpu": platform.processor() or platform.machine(), "cpus": os.cpu_count(), "class": native.to_dict()},
        "inputs_per_model": count,
        "classes": {name: result["cpu"] for name, result in results.items()},
        "defaults": {name: result["ran"]["default"] for name, result in results.items()},
        "wall_s": time.perf_counter() - wall,
        "identical_to_fp32_pytorch": table,
    }
    stem = "agreement-smoke" if args.smoke else "agreement"
    (out / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (out / f"{stem}.md").write_text(markdown(report) + "\n", encoding="utf-8")
    print(markdown(report))
    return 0


def markdown(report: dict) -> str:
    table = report["identical_to_fp32_pytorch"]
    classes = list(table)
    models = list(next(iter(table.values())))
    head = "| model | engine, precision | " + " | ".join(f"{cls} greedy | {cls} beam 4" for cls in classes) + " |"
    lines = [
        f"Share of outputs identical to fp32 PyTorch, {report['inputs_per_model']} inputs per model; "
        f"CPU: {report['machine']['cpu']} ({report['machine']['class']['native']}), lower classes emulated by capping MKL and oneDNN.",
        "",
        head,
        "|---|---|" + "---:|" * (2 * len(classes)),
    ]
    for model in models:
        configs = list(dict.fromkeys(config for cls in classes for config in table[cls][model]))
        for config in configs:
            cells = []
            for cls in classes:
                row = table[cls][model].get(config)
                cells += [f"{row[str(b)] * 100:.1f} %" if row else "–" for b in BEAMS]
            lines.append(f"| {model} | {config} | " + " | ".join(cells) + " |")
    lines += ["", "The default on each class: " + "; ".join(f"{cls}: {ran}" for cls, ran in report["defaults"].items()) + "."]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
