"""The CPU's int8 class, and 7-bit int8 weights where int8 sums saturate (issue 28).

CTranslate2's int8 products are summed exactly on VNNI CPUs and in saturating 16-bit pairs on
AVX2 ones.  These tests check the class table, the precision each class runs, that 7-bit weights
really are 7-bit, and, on a model built to saturate, that the AVX2 environment reaches the
saturating kernels and that 7-bit weights give the very same numbers on both kernel families.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from summarise.models.engines import runnable_spec, _ctranslate2 as ct2
from summarise.models.engines._isa import (
    AVX2_ENVIRONMENT,
    INT8_CLASSES,
    CpuInt8,
    classify,
    cpu_int8,
    native_class,
    precision_for_cpu,
)
from summarise.models import ModelSpec
from summarise.pipeline._signature import ModelIdentity

# Model outputs that depend on the int8 kernels: CI runs these again on the AVX2 ones (.ci/run).
pytestmark = pytest.mark.numerics

FLAGS = {
    "avx512-vnni": "fpu sse4_2 avx avx2 avx512f avx512bw avx512_vnni",
    "avx-vnni": "fpu sse4_2 avx avx2 avx_vnni",
    "avx512": "fpu sse4_2 avx avx2 avx512f avx512bw",
    "avx2": "fpu sse4_2 avx avx2 fma",
    "other": "fpu sse4_2 avx",
}


def cpuinfo(flags: str) -> str:
    return f"processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: {flags}\n\nprocessor\t: 1\nflags\t\t: {flags}\n"


@pytest.mark.parametrize("name", list(FLAGS))
def test_each_x86_class_is_read_from_the_cpu_flags(name):
    assert native_class(cpuinfo(FLAGS[name]), "x86_64").name == name
    assert classify(cpuinfo(FLAGS[name]), "x86_64", {}).capped_by == ()


def test_arm_and_unknown_cpus():
    assert native_class("", "aarch64").name == "arm64" and INT8_CLASSES["arm64"].exact
    assert native_class("", "x86_64").name == "other" and not INT8_CLASSES["other"].exact  # no flags: the safe class


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"MKL_ENABLE_INSTRUCTIONS": "AVX2"}, "avx2"),
        ({"ONEDNN_MAX_CPU_ISA": "avx2"}, "avx2"),
        ({"DNNL_MAX_CPU_ISA": "AVX512_CORE"}, "avx512"),
        ({"MKL_ENABLE_INSTRUCTIONS": "AVX512"}, "avx512"),  # MKL's AVX512 has no VNNI; AVX512_E1 has
        ({"CT2_FORCE_CPU_ISA": "AVX2"}, "avx512-vnni"),  # CTranslate2's own kernels only: the GEMM keeps VNNI
        ({"DNNL_MAX_CPU_ISA": "AVX512_CORE", "MKL_ENABLE_INSTRUCTIONS": "AVX2"}, "avx2"),  # the lowest cap wins
        ({"MKL_ENABLE_INSTRUCTIONS": "AVX512_E1", "ONEDNN_MAX_CPU_ISA": "AVX512_CORE_VNNI"}, "avx512-vnni"),
        ({"ONEDNN_MAX_CPU_ISA": "ALL"}, "avx512-vnni"),
        (AVX2_ENVIRONMENT, "avx2"),
    ],
)
def test_caps_in_the_environment_lower_the_class(environ, expected):
    found = classify(cpuinfo(FLAGS["avx512-vnni"]), "x86_64", environ)
    assert found.native.name == "avx512-vnni"
    assert found.name == expected
    assert bool(found.capped_by) == (expected != "avx512-vnni")
    assert found.to_dict()["int8_exact"] is INT8_CLASSES[expected].exact
    if found.capped_by:
        assert "capped by" in found.describe() and "saturating" in found.describe()


def test_caps_never_raise_a_class():
    found = classify(cpuinfo(FLAGS["avx2"]), "x86_64", {"MKL_ENABLE_INSTRUCTIONS": "AVX512_E1", "ONEDNN_MAX_CPU_ISA": "AVX512_CORE"})
    assert found.name == "avx2" and found.capped_by == ()


def test_int8_runs_as_float32_where_sums_saturate_unless_7_bits_are_asked_for():
    exact = classify(cpuinfo(FLAGS["avx512-vnni"]), "x86_64", {})
    saturating = classify(cpuinfo(FLAGS["avx2"]), "x86_64", {})
    for precision, on_avx2 in (("int8", "float32"), ("int8_float32", "float32"), ("int8_w7", "int8_w7"), ("float32", "float32"), (None, None), ("none", "none")):
        assert precision_for_cpu(precision, saturating) == on_avx2
        assert precision_for_cpu(precision, exact) == precision
    assert ct2.weight_type("int8_w7") == "int8" and ct2.weight_bits("int8_w7") == 7
    assert ct2.weight_bits("int8") == 8 and ct2.weight_bits("float32") is None
    assert ct2.stored_name("int8_float32_w7") == "int8_float32_w7" and ct2.stored_name("fp16") == "float16"
    assert ct2.cache_name("org/model", "abc", "int8_w7", version="v") != ct2.cache_name("org/model", "abc", "int8", version="v")


needs_x86 = pytest.mark.skipif(cpu_int8().native.name == "arm64", reason="the caps name x86 instruction sets")


@needs_x86
def test_the_default_path_runs_float32_under_the_avx2_environment(monkeypatch, model_dirs):
    spec = ModelSpec(name="tiny", task="translation", source=str(model_dirs["copy"]), languages=("fr",))
    for variable, value in AVX2_ENVIRONMENT.items():
        monkeypatch.setenv(variable, value)
    capped = runnable_spec(spec, "cpu")
    assert capped.backend == "ctranslate2" and capped.quantization == "float32"
    assert ModelIdentity.of(capped).label.endswith("+ctranslate2+float32")  # the signature says so: it changes the numbers
    assert runnable_spec(replace(spec, quantization="int8_w7"), "cpu").quantization == "int8_w7"  # asked for by name
    assert runnable_spec(replace(spec, backend="transformers", quantization="int8"), "cpu").quantization == "int8"  # PyTorch keeps its own
    for variable in AVX2_ENVIRONMENT:
        monkeypatch.delenv(variable)
    assert runnable_spec(spec, "cpu").quantization == ("int8" if cpu_int8().exact else "float32")


def test_7_bit_weights_are_7_bit_and_dequantise_within_half_a_step(model_dirs):
    """narrow_int8 on the converter's own spec: every int8 weight in [-63, 63], each row reaching 63."""
    converter = ct2.make_converter(str(model_dirs["copy"]), revision=None, local_files_only=True, bits=7)
    spec = converter._load()
    spec.validate()  # as convert() does: the weights become CTranslate2 variables
    originals = {}

    def keep(layer, name, value):
        if hasattr(layer, name.rsplit("/", 1)[-1] + "_scale") and hasattr(value, "numpy") and not value.is_scalar():
            originals[name] = value.to("float32").numpy().copy()

    spec._visit(keep)
    ct2.narrow_int8(spec, "int8", 7)
    checked = 0

    def check(layer, name, value):
        nonlocal checked
        if name not in originals or isinstance(value, str):  # a string: an alias of a variable checked under its own name
            return
        weights = value.numpy()
        scale = getattr(layer, name.rsplit("/", 1)[-1] + "_scale").numpy()
        assert weights.dtype == np.int8 and np.abs(weights).max() <= 63
        rows = weights.reshape(weights.shape[0], -1)
        assert (np.abs(rows).max(axis=1)[np.abs(originals[name]).reshape(len(rows), -1).max(axis=1) > 0] == 63).all()
        error = np.abs(rows / scale[:, None] - originals[name].reshape(len(rows), -1))
        assert (error <= 0.5 / scale[:, None] + 1e-6).all()
        checked += 1

    spec._visit(check)
    assert checked >= 8  # every projection of both stacks, and the embeddings


# A script run in a child process, so that the math libraries read the environment at their start.
_SCORES = """
import json, sys
import ctranslate2
from transformers import AutoTokenizer
path, compute_type = sys.argv[1], sys.argv[2]
tokenizer = AutoTokenizer.from_pretrained(path)
texts = ["Le président a annoncé une aide militaire à l'Ukraine .", "Les drones attaquent la ville de Kiev .", "La Russie annonce des sanctions contre les pays membres ."]
tokens = [tokenizer.convert_ids_to_tokens(tokenizer(t)["input_ids"]) for t in texts]
translator = ctranslate2.Translator(path, device="cpu", compute_type=compute_type, intra_threads=1)
print(json.dumps([r.log_probs for r in translator.score_batch(tokens, [t[:-1] for t in tokens])]))
"""


def _scores(path: Path, compute_type: str, environ: dict[str, str]) -> list[list[float]]:
    env = {k: v for k, v in os.environ.items() if k not in AVX2_ENVIRONMENT} | environ
    done = subprocess.run([sys.executable, "-c", _SCORES, str(path), compute_type], env=env, capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def saturating(tmp_path_factory, model_dirs):
    """The random Marian with every feed-forward input row constant: each weight quantises to the row's
    maximum, so neighbouring products of positive activations overflow a 16-bit pair sum."""
    import torch
    from transformers import MarianMTModel

    from tests import tinymodels

    model = MarianMTModel.from_pretrained(model_dirs["marian"])
    with torch.no_grad():
        for layer in [*model.model.encoder.layers, *model.model.decoder.layers]:
            layer.fc1.weight.fill_(0.05)
            layer.fc1.bias.zero_()
    source = tinymodels.save(model, tmp_path_factory.mktemp("saturating") / "hf")
    root = tmp_path_factory.mktemp("saturating-ct2")
    return {q: ct2.convert(str(source), quantization=q, output=root / q) for q in ("float32", "int8", "int8_w7")}


@needs_x86
@pytest.mark.slow
def test_7_bit_weights_give_the_same_numbers_on_both_kernel_families(saturating):
    native = _scores(saturating["int8_w7"], "int8", {})
    avx2 = _scores(saturating["int8_w7"], "int8", AVX2_ENVIRONMENT)
    assert native == avx2  # no sum saturates, so the integer products are exact on both
    reference = _scores(saturating["float32"], "float32", {})
    worst = max(abs(a - b) for x, y in zip(native, reference) for a, b in zip(x, y))
    assert worst < 0.5


@pytest.mark.skipif(not cpu_int8().native.exact or cpu_int8().native.name == "arm64", reason="needs a CPU with VNNI to compare against its AVX2 kernels")
@pytest.mark.slow
def test_the_avx2_environment_reaches_the_saturating_kernels(saturating):
    """What CI's second pass relies on: with AVX2_ENVIRONMENT, 8-bit int8 sums saturate on a VNNI machine too."""
    vnni = _scores(saturating["int8"], "int8", {})
    avx2 = _scores(saturating["int8"], "int8", AVX2_ENVIRONMENT)
    reference = _scores(saturating["float32"], "float32", {})

    def worst(scores):
        return max(abs(a - b) for x, y in zip(scores, reference) for a, b in zip(x, y))

    assert vnni != avx2
    assert worst(avx2) > 2 * worst(vnni)
    # CTranslate2's own switch moves its own kernels, not the GEMM: no cap of the int8 class.
    assert _scores(saturating["int8"], "int8", {"CT2_FORCE_CPU_ISA": "AVX2"}) == vnni


@needs_x86
def test_models_list_names_the_cpu_class_and_what_int8_runs_as(monkeypatch, registry_path):
    from typer.testing import CliRunner

    from summarise.cli import app

    monkeypatch.setenv("MKL_ENABLE_INSTRUCTIONS", "AVX2")
    listed = CliRunner().invoke(app, ["models", "list", "--models", str(registry_path)])
    assert listed.exit_code == 0
    assert "# CPU int8 class avx2" in listed.stdout and "CTranslate2 int8 runs here as float32" in listed.stdout


@needs_x86
def test_models_convert_writes_what_the_default_path_runs_without_vnni(monkeypatch, model_dirs, tmp_path):
    from typer.testing import CliRunner

    from summarise.cli import app

    monkeypatch.setenv("SUMMARISE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MKL_ENABLE_INSTRUCTIONS", "AVX2")
    result = CliRunner().invoke(app, ["models", "convert", str(model_dirs["copy"]), "--quantization", "int8"])
    assert result.exit_code == 0, result.output
    assert "int8 runs here as float32" in result.stderr
    folder = Path(result.stdout.strip())
    assert json.loads((folder / ct2.METADATA).read_text(encoding="utf-8"))["quantization"] == "float32"
    spec = ModelSpec(name="tiny", task="translation", source=str(model_dirs["copy"]), languages=("fr",), max_input_tokens=31)
    assert ct2.converted_path(runnable_spec(spec, "cpu")) == folder  # the default path finds the conversion
    # 7-bit int8, asked for by name, is converted with 7-bit weights and computes in int8.
    narrow = CliRunner().invoke(app, ["models", "convert", str(model_dirs["copy"]), "--quantization", "int8_w7"])
    assert narrow.exit_code == 0, narrow.output
    metadata = json.loads((Path(narrow.stdout.strip()) / ct2.METADATA).read_text(encoding="utf-8"))
    assert (metadata["quantization"], metadata["weight_bits"]) == ("int8_w7", 7)
    engine = ct2.CTranslate2Engine(runnable_spec(replace(spec, quantization="int8_w7"), "cpu"), device="cpu")
    assert engine.compute_type == "int8" and engine.path == Path(narrow.stdout.strip())


def test_a_folder_with_8_bit_weights_warns_on_a_cpu_without_vnni(monkeypatch, model_dirs, tmp_path, caplog):
    folder = ct2.convert(str(model_dirs["copy"]), quantization="int8", output=tmp_path / "eight")
    monkeypatch.setenv("MKL_ENABLE_INSTRUCTIONS", "AVX2")
    spec = ModelSpec(name="shipped", task="translation", source=str(folder), languages=("fr",), max_input_tokens=31)
    with caplog.at_level("WARNING", logger="summarise"):
        ct2.CTranslate2Engine(runnable_spec(spec, "cpu"), device="cpu")
    assert any("8-bit int8 weights" in r.getMessage() and "summarise models convert shipped" in r.getMessage() for r in caplog.records)
