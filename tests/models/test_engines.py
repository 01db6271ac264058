"""The engine seam: which backend runs, the fallbacks, and the conversion cache's promises.

GPUs and a broken CTranslate2 are simulated by patching the probes the seam itself
calls (``devices.cuda_device_count``, ``importable``, ``ctranslate2_runs_on_cuda``);
everything else runs the real tiny models.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

import summarise.models.engines as engines
from summarise import Summariser
from summarise.cli import app
from summarise.models.engines import _devices as devices, _select as select, _ctranslate2 as ct2
from summarise.errors import RegistryError, SummariseError
from summarise.models import ModelSpec, Registry
from tests import tinymodels
from tests.support.articles import article

# Model outputs that depend on the int8 kernels: CI runs these again on the AVX2 ones (.ci/run).
pytestmark = pytest.mark.numerics


@pytest.fixture
def fresh_probes():
    """The seam caches its import probe and its warnings per process: start each test clean."""
    engines.reset_probes()
    yield
    engines.reset_probes()


@pytest.fixture
def no_ctranslate2(monkeypatch, fresh_probes):
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # import ctranslate2 -> ImportError


@pytest.fixture
def gpu(monkeypatch):
    monkeypatch.setattr(devices, "cuda_device_count", lambda: 1)


def _spec(source: str = "owner/model", **changes) -> ModelSpec:
    return replace(ModelSpec(name="m", task="translation", source=source, languages=("fr",)), **changes)


# -- choosing the backend ---------------------------------------------------------


def test_the_table_feeds_the_registry_and_the_cli():
    assert set(engines.BACKEND_NAMES) == {"transformers", "ctranslate2"}
    with pytest.raises(RegistryError, match="backend must be one of \\['ctranslate2', 'transformers'\\]"):
        Registry.from_dict({"models": {"x": {"task": "summarisation", "source": "a/b", "backend": "onnx"}}}, Path("m.toml"))
    with pytest.raises(RegistryError, match="quantization 'int16' is not one the transformers backend runs"):
        Registry.from_dict({"models": {"x": {"task": "summarisation", "source": "a/b", "backend": "transformers", "quantization": "int16"}}}, Path("m.toml"))
    result = CliRunner().invoke(app, ["translate", "-", "--backend", "onnx"])
    assert result.exit_code != 0 and "ctranslate2" in result.output and "transformers" in result.output


@pytest.mark.parametrize(
    ("registry_backend", "run_backend", "expected"),
    [
        (None, None, "ctranslate2"),  # the CPU default
        (None, "transformers", "transformers"),  # --backend / Summariser(backend=)
        ("transformers", None, "transformers"),  # the registry entry
        ("transformers", "ctranslate2", "transformers"),  # the registry entry wins over the run's flag
        ("ctranslate2", "transformers", "ctranslate2"),
    ],
)
def test_backend_on_a_cpu(registry_backend, run_backend, expected, registry_path, fresh_probes):
    registry = Registry.load(registry_path)
    models = dict(registry.models)
    models["tiny-copy"] = replace(models["tiny-copy"], backend=registry_backend)
    s = Summariser(replace(registry, models=models), device="cpu", backend=run_backend)
    assert engines.runnable_spec(s.translation_spec("fr"), "cpu").backend == expected
    assert f"+{expected}" in s.signature_for("fr", summary=False)


def test_without_ctranslate2_pytorch_runs_with_one_warning(registry_path, no_ctranslate2, caplog):
    caplog.set_level(logging.WARNING, logger="summarise")
    s = Summariser(registry_path, device="cpu")
    result = s.translate("Le président condamne la guerre.", source_lang="fr")
    s.summarise("Le président condamne la guerre. Il appelle à la paix.", source_lang="fr")
    assert result.models[0].backend == "transformers"
    assert "+transformers" in result.signature and "ctranslate2" not in result.signature
    warnings = [r for r in caplog.records if "ctranslate2" in r.getMessage().lower()]
    assert len(warnings) == 1 and "PyTorch" in warnings[0].getMessage()


def test_an_explicit_ctranslate2_also_falls_back_when_it_cannot_import(no_ctranslate2):
    assert engines.runnable_spec(_spec(backend="ctranslate2"), "cpu").backend == "transformers"


def test_a_gpu_defaults_to_pytorch_fp16(gpu, fresh_probes):
    assert engines.resolve_device("auto") == "cuda"
    spec = engines.runnable_spec(_spec(quantization="int8"), "auto")
    assert (spec.backend, spec.quantization) == ("transformers", None)  # dynamic int8 is a CPU kernel


def test_ctranslate2_on_a_gpu_without_its_cuda_libraries_falls_back(gpu, fresh_probes, monkeypatch, caplog):
    monkeypatch.setattr(select, "ctranslate2_runs_on_cuda", lambda: False)
    with caplog.at_level(logging.WARNING, logger="summarise"):
        assert engines.runnable_spec(_spec(backend="ctranslate2"), "cuda").backend == "transformers"
        assert engines.runnable_spec(_spec(backend="ctranslate2"), "cuda").backend == "transformers"
    assert len([r for r in caplog.records if "CUDA 12" in r.getMessage()]) == 1
    monkeypatch.setattr(select, "ctranslate2_runs_on_cuda", lambda: True)
    spec = engines.runnable_spec(_spec(backend="ctranslate2", quantization="int8"), "cuda")
    assert (spec.backend, spec.quantization) == ("ctranslate2", "int8")  # CTranslate2 computes it as int8_float16


def test_no_gpu_no_torch_import():
    """Without an NVIDIA driver, device resolution and the CTranslate2 path never import torch."""
    code = textwrap.dedent(
        """
        import sys
        from summarise.models.engines import configured_threads, _devices as devices, resolve_device, set_threads
        devices.NVIDIA_MARKERS = ("/nonexistent/nvidia",)
        set_threads(1)
        print(resolve_device("auto"), configured_threads(), "torch" in sys.modules)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["cpu", "1", "False"]


def test_cuda_asked_for_without_a_gpu_is_an_error(monkeypatch):
    monkeypatch.setattr(devices, "cuda_device_count", lambda: 0)
    with pytest.raises(SummariseError, match="--device cpu or auto"):
        engines.resolve_device("cuda")


# -- the default path equals PyTorch on the copy model ---------------------------------


def test_default_backend_equals_pytorch_on_the_copy_model(registry_path):
    text = article()
    default = Summariser(registry_path, device="cpu").translate(text, source_lang="fr")
    torch = Summariser(registry_path, device="cpu", backend="transformers").translate(text, source_lang="fr")
    assert default.models[0].backend == "ctranslate2" and torch.models[0].backend == "transformers"
    assert len(default.pairs) == len(torch.pairs) > 5
    for ours, theirs in zip(default.pairs, torch.pairs, strict=True):
        assert (ours.source, ours.start, ours.end, ours.paragraph, ours.pieces) == (theirs.source, theirs.start, theirs.end, theirs.paragraph, theirs.pieces)
        assert ours.translation == theirs.translation == tinymodels.normalise(ours.source)
    assert default.translation == torch.translation


def test_translation_splits_each_batch_between_two_ctranslate2_workers(registry_path, request):
    """Two one-thread workers on the halves of a batch (see ``cpu_layout``): the same text as one worker."""
    engines.reset_threads()  # Summariser(threads=...) sets it for the process
    request.addfinalizer(engines.reset_threads)
    assert ct2.cpu_layout("translation", 2) == (2, 1) and ct2.cpu_layout("translation", 8) == (2, 4)
    assert ct2.cpu_layout("translation", 1) == (1, 1) and ct2.cpu_layout("summarisation", 4) == (1, 4)

    class Recording:
        def __init__(self, translator):
            self.translator, self.calls = translator, []

        def translate_batch(self, source, *args, **kwargs):
            self.calls.append((len(source), kwargs["max_batch_size"]))
            return self.translator.translate_batch(source, *args, **kwargs)

    text, results = article(), {}
    for threads in (1, 2):
        summariser = Summariser(registry_path, device="cpu", threads=threads)
        summariser.translate(text[:40], source_lang="fr")  # loads the engine
        (engine,) = summariser.models.engines()
        assert engine.workers == threads
        engine.translator = recording = Recording(engine.translator)
        results[threads] = summariser.translate(text, source_lang="fr")
        sizes, limits = zip(*recording.calls, strict=True)
        assert max(sizes) > 2 and set(limits) == ({0} if threads == 1 else {-(-n // 2) for n in sizes})
    assert [p.translation for p in results[2].pairs] == [p.translation for p in results[1].pairs]
    assert all(p.translation == tinymodels.normalise(p.source) for p in results[2].pairs)


# -- the conversion cache ---------------------------------------------------------------


def test_cache_key_names_revision_precision_and_converter():
    names = {
        ct2.cache_name("a/b", "rev1", "int8", "c2-ct4.8.5"),
        ct2.cache_name("a/b", "rev2", "int8", "c2-ct4.8.5"),
        ct2.cache_name("a/b", "rev1", "none", "c2-ct4.8.5"),
        ct2.cache_name("a/b", "rev1", "int8", "c3-ct4.8.5"),
        ct2.cache_name("a/b", "rev1", "int8", "c2-ct4.9.0"),
    }
    assert len(names) == 5


def test_a_precision_change_converts_again_and_keeps_the_first(model_dirs, tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARISE_HOME", str(tmp_path))
    source = str(model_dirs["marian"])
    first = ct2.convert(source, quantization="int8")
    second = ct2.convert(source, quantization="none")
    assert first != second and ct2.is_converted(first) and ct2.is_converted(second)
    assert json.loads((second / ct2.METADATA).read_text())["quantization"] == "float32"
    assert ct2.convert(source, quantization="int8") == first


def test_a_crash_mid_conversion_leaves_nothing_to_load(model_dirs, tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARISE_HOME", str(tmp_path))
    real = ct2.make_converter

    def crashing(*args, **kwargs):
        converter = real(*args, **kwargs)

        def convert(output_dir, **options):
            Path(output_dir).mkdir(parents=True)
            (Path(output_dir) / "model.bin").write_bytes(b"half")
            raise OSError("disk full")

        converter.convert = convert
        return converter

    monkeypatch.setattr(ct2, "make_converter", crashing)
    with pytest.raises(SummariseError, match="disk full"):
        ct2.convert(str(model_dirs["marian"]), quantization="int8")
    assert list((tmp_path / "ct2").iterdir()) == []  # no target, no scratch
    monkeypatch.setattr(ct2, "make_converter", real)
    assert ct2.is_converted(ct2.convert(str(model_dirs["marian"]), quantization="int8"))


def test_two_processes_converting_at_once_share_one_conversion(model_dirs, tmp_path):
    code = textwrap.dedent(
        f"""
        import logging, sys
        logging.basicConfig(level=logging.WARNING, format="%(message)s")
        from summarise.models.engines import _ctranslate2 as ct2
        path = ct2.convert({str(model_dirs["bart"])!r}, quantization="int8")
        engine = ct2.CTranslate2Engine(ct2.ModelSpec(name="b", task="summarisation", source=str(path), max_input_tokens=64), device="cpu")
        print(path)
        """
    )
    env = {**os.environ, "SUMMARISE_HOME": str(tmp_path), "PYTHONPATH": os.pathsep.join(sys.path)}
    runs = [subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert all(run.returncode == 0 for run in runs), [err for _, err in outputs]
    paths = {out.strip().splitlines()[-1] for out, _ in outputs}
    assert len(paths) == 1 and ct2.is_converted(Path(paths.pop()))
    conversions = sum(err.count("converting ") for _, err in outputs)
    assert conversions == 1, [err for _, err in outputs]
    assert [p.name for p in (tmp_path / "ct2").iterdir() if p.name.startswith(".")] == []


def test_backend_flag_on_the_command_line(tmp_path, registry_path):
    path = tmp_path / "a.txt"
    path.write_text("Le président condamne la guerre.\n", encoding="utf-8")
    for flag, expected in ((), "ctranslate2"), (("--backend", "transformers"), "transformers"):
        result = CliRunner().invoke(app, ["translate", str(path), "-s", "fr", "--models", str(registry_path), "--device", "cpu", "-f", "json", *flag])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["models"][0]["backend"] == expected and f"+{expected}" in data["signature"]
