"""The CTranslate2 backend keeps the PyTorch path's promises: same sentences, same offsets, nothing cut.

The tiny self-built models are converted with CTranslate2's own converter inside
the fixtures; the copy model makes every translation checkable against its source.
Tests that need CTranslate2 skip cleanly without it; the others check what a user
without it sees.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from summarise import Summariser
from summarise.models.engines import GenerationRequest, _ctranslate2 as ct2
from summarise.models.engines._transformers import TransformersEngine
from summarise.errors import DependencyError, SummariseError
from summarise.models import ModelSpec
from summarise.text import split_sentences
from tests import tinymodels
from tests.support.articles import article
from tests.support.registry import COPY_WINDOW, write_registry

# Model outputs that depend on the int8 kernels: CI runs these again on the AVX2 ones (.ci/run).
pytestmark = pytest.mark.numerics

needs_ct2 = pytest.mark.skipif(importlib.util.find_spec("ctranslate2") is None, reason="ctranslate2 is not installed (the [ct2] extra)")


@pytest.fixture(scope="module")
def ct2_home(tmp_path_factory):
    """Conversions land in a cache of this module's own, never the user's."""
    home = tmp_path_factory.mktemp("summarise-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SUMMARISE_HOME", str(home))
        yield home


@pytest.fixture(scope="module")
def converted(model_dirs, tmp_path_factory, ct2_home) -> dict[str, Path]:
    """The tiny copy Marian and random BART, converted by CTranslate2's converter, in float32 and int8."""
    root = tmp_path_factory.mktemp("ct2-models")
    return {
        "copy": ct2.convert(str(model_dirs["copy"]), quantization="none", output=root / "copy-f32"),
        "copy-int8": ct2.convert(str(model_dirs["copy"]), quantization="int8", output=root / "copy-int8"),
        "bart": ct2.convert(str(model_dirs["bart"]), quantization="none", output=root / "bart-f32"),
    }


@pytest.fixture(scope="module")
def ct2_registry(model_dirs, converted, tmp_path_factory) -> Path:
    """The conftest registry with the translator and the summariser on CTranslate2."""
    path = tmp_path_factory.mktemp("ct2-registry") / "models.toml"
    write_registry(path, {**model_dirs, "copy": converted["copy"], "bart": converted["bart"]})
    text = path.read_text(encoding="utf-8").replace('num_beams = 2\n', 'num_beams = 2\nbackend = "ctranslate2"\n')
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def torch_summariser(registry_path):
    """The reference: the conftest registry run by PyTorch fp32."""
    return Summariser(registry_path, device="cpu", backend="transformers")


@pytest.fixture(scope="module")
def ct2_summariser(ct2_registry):
    return Summariser(ct2_registry, device="cpu")


def _spec(source: Path, *, window: int = COPY_WINDOW, quantization: str | None = None, task: str = "translation") -> ModelSpec:
    return ModelSpec(name="tiny", task=task, source=str(source), max_input_tokens=window, num_beams=2,
                     backend="ctranslate2", quantization=quantization, languages=("fr",))


# -- conversion --------------------------------------------------------------


@needs_ct2
def test_conversion_writes_the_model_its_tokenizer_and_its_window(converted):
    folder = converted["copy"]
    assert ct2.is_converted(folder)
    metadata = json.loads((folder / ct2.METADATA).read_text(encoding="utf-8"))
    assert metadata["model_type"] == "marian" and metadata["max_position_embeddings"] == 128
    assert metadata["quantization"] == "float32"
    assert ct2.load_tokenizer(folder)("la guerre").input_ids == tinymodels._cached_tokenizer()("la guerre").input_ids


@needs_ct2
def test_conversion_is_cached_once_and_reused(model_dirs, ct2_home):
    first = ct2.convert(str(model_dirs["marian"]), quantization="int8")
    assert first.parent == ct2_home / "ct2" and first.name.endswith(f"-int8-{ct2.converter_version()}")
    stamp = (first / "model.bin").stat().st_mtime_ns
    assert ct2.convert(str(model_dirs["marian"]), quantization="int8") == first
    assert (first / "model.bin").stat().st_mtime_ns == stamp
    assert not [p for p in first.parent.iterdir() if p.name.startswith(".")], "no scratch folder left behind"


@needs_ct2
def test_engine_converts_a_hugging_face_folder_on_first_use(model_dirs, ct2_home):
    engine = ct2.CTranslate2Engine(_spec(model_dirs["copy"], quantization="int8"), device="cpu")
    assert engine.path.parent == ct2_home / "ct2"
    assert engine.compute_type == "int8"
    text = "Le président condamne la guerre ."
    assert engine.generate([text], GenerationRequest(num_beams=2, max_new_tokens=20))[0].text == tinymodels.normalise(text)


def test_cache_name_changes_when_a_local_model_is_rebuilt(tmp_path):
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    before = ct2.cache_name(str(tmp_path), None, "int8")
    (tmp_path / "model.safetensors").write_bytes(b"weights")
    assert ct2.cache_name(str(tmp_path), None, "int8") != before
    assert ct2.cache_name("Helsinki-NLP/opus-mt-fr-en", "abc123", None, "c2-ct4.8.5") == "Helsinki-NLP--opus-mt-fr-en-abc123-float32-c2-ct4.8.5"


# -- the same guarantees as the PyTorch path ----------------------------------------


@needs_ct2
def test_same_sentences_offsets_and_text_as_pytorch(torch_summariser, ct2_summariser):
    text = article()
    reference = torch_summariser.translate(text, source_lang="fr")
    assert reference.models[0].backend == "transformers"
    result = ct2_summariser.translate(text, source_lang="fr")
    assert result.models[0].backend == "ctranslate2"
    assert len(result.pairs) == len(reference.pairs) == len(split_sentences(text, "fr"))
    for ours, theirs in zip(result.pairs, reference.pairs, strict=True):
        assert (ours.start, ours.end, ours.paragraph, ours.source) == (theirs.start, theirs.end, theirs.paragraph, theirs.source)
        assert ours.pieces == theirs.pieces
        assert ours.translation == theirs.translation
        # The copy model copies: a dropped, merged or truncated sentence shows up here.
        assert ours.translation == tinymodels.normalise(ours.source), ours.source[:80]
        assert "length_limit" not in ours.flags
    assert result.paragraphs() and [p for _, p in result.paragraphs()] == [p for _, p in reference.paragraphs()]


@needs_ct2
def test_a_sentence_longer_than_the_window_is_resplit_not_cut(ct2_summariser):
    result = ct2_summariser.translate(article(), source_lang="fr")
    longest = max(result.pairs, key=lambda p: len(p.source))
    assert len(longest.source.split()) >= 300
    assert longest.pieces > 300 // COPY_WINDOW
    assert longest.translation.split() == tinymodels.normalise(longest.source).split()


@needs_ct2
def test_int8_conversion_still_copies(converted):
    engine = ct2.CTranslate2Engine(_spec(converted["copy-int8"]), device="cpu")
    sentences = [s.text for s in split_sentences(article(with_long_sentence=False), "fr")]
    outputs = engine.generate(sentences, GenerationRequest(num_beams=2, max_new_tokens=40))
    assert [o.text for o in outputs] == [tinymodels.normalise(s) for s in sentences]
    assert not any(o.hit_limit for o in outputs)


@needs_ct2
def test_summary_through_ctranslate2_matches_pytorch(torch_summariser, ct2_summariser):
    """Longer than the tiny summariser's window: both paths summarise in the same stages, to the same text."""
    text = article()
    reference = torch_summariser.summarise(text, source_lang="fr")
    result = ct2_summariser.summarise(text, source_lang="fr")
    assert result.summary_stages == reference.summary_stages > 1
    assert result.summary == reference.summary
    assert result.summary.strip()


@needs_ct2
def test_the_output_budget_is_ours_and_reported(converted):
    engine = ct2.CTranslate2Engine(_spec(converted["copy"]), device="cpu")
    text = "Le président de la France condamne la guerre et appelle à la paix ."
    cut = engine.generate([text], GenerationRequest(num_beams=2, max_new_tokens=5))[0]
    assert cut.tokens == 5 and cut.hit_limit
    whole = engine.generate([text], GenerationRequest(num_beams=2, max_new_tokens=40))[0]
    assert whole.text == tinymodels.normalise(text) and not whole.hit_limit


@needs_ct2
def test_an_input_over_the_window_is_a_bug_not_a_silent_cut(converted):
    engine = ct2.CTranslate2Engine(_spec(converted["copy"], window=8), device="cpu")
    with pytest.raises(SummariseError, match="exceeds"):
        engine.generate(["Le président de la France condamne la guerre ."], GenerationRequest(max_new_tokens=20))


@needs_ct2
def test_ctranslate2s_own_caps_are_lifted(tmp_path, ct2_home):
    """CTranslate2 cuts inputs at 1024 tokens and outputs at 256 unless told otherwise: we tell it."""
    source = tinymodels.build_random_marian(tmp_path / "long-marian", max_positions=2048)
    spec = _spec(source, window=1500)
    engine = ct2.CTranslate2Engine(spec, device="cpu")
    reference = TransformersEngine(replace(spec, backend="transformers"), device="cpu")
    words = [w for w in tinymodels.VOCAB_WORDS if w.isalpha()]
    long_input = " ".join(words[i % len(words)] for i in range(1200))
    assert engine.count_tokens([long_input])[0] > 1024
    forced = GenerationRequest(num_beams=1, min_new_tokens=300, max_new_tokens=300)
    ours = engine.generate([long_input], forced)[0]
    assert ours.tokens == 300
    # The same text as PyTorch reading all 1200 tokens: nothing was cut from the input either.
    short = GenerationRequest(num_beams=1, min_new_tokens=12, max_new_tokens=12)
    assert engine.generate([long_input], short)[0].text == reference.generate([long_input], short)[0].text


# -- without CTranslate2, and on a GPU ----------------------------------------------


def test_missing_ctranslate2_names_the_extra(monkeypatch, model_dirs):
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # import ctranslate2 -> ImportError
    with pytest.raises(DependencyError, match=r"pip install --force-reinstall 'summarise-news'"):
        ct2.CTranslate2Engine(_spec(model_dirs["copy"]), device="cpu")
    with pytest.raises(DependencyError, match=r"summarise-news"):
        ct2.convert(str(model_dirs["copy"]))


def test_compute_types_follow_the_device():
    cuda = {"float32", "float16", "int8", "int8_float16", "int8_float32", "bfloat16", "int8_bfloat16"}
    cpu = {"float32", "int8", "int8_float32"}
    assert ct2.compute_type("int8", "cuda", cuda) == "int8_float16"
    assert ct2.compute_type(None, "cuda", cuda) == "float16"
    assert ct2.compute_type("int8", "cpu", cpu) == "int8"
    assert ct2.compute_type("none", "cpu", cpu) == "float32"
    assert ct2.compute_type("float16", "cpu", cpu) == "float32"
    assert ct2.compute_type("int8_float16", "cpu", cpu) == "int8"
    with pytest.raises(SummariseError, match="int4"):
        ct2.compute_type("int4", "cpu", cpu)


def test_batches_are_sized_for_the_device(monkeypatch):
    import torch

    from summarise.models.engines import batch_limits, _transformers as torch_engine
    from summarise.pipeline._translating import TranslationSettings, Translator

    class Engine:
        spec = ModelSpec(name="x", task="translation", source="x", languages=("fr",))
        device = "cpu"

    assert Translator(Engine(), TranslationSettings(batch_tokens=None)).settings.batch_tokens == 4096
    assert Translator(Engine(), TranslationSettings(batch_tokens=1000)).settings.batch_tokens == 1000

    class Properties:
        total_memory = 80 * 2**30

    monkeypatch.setattr(torch.cuda, "get_device_properties", lambda index: Properties())
    assert torch_engine.cuda_memory() == 80 * 2**30
    assert batch_limits("cuda") == (32768, 512)
    Engine.device = "cuda"
    settings = Translator(Engine(), TranslationSettings(batch_tokens=None, max_batch_size=64)).settings
    assert (settings.batch_tokens, settings.max_batch_size) == (32768, 512)


@needs_ct2
def test_models_convert_command(model_dirs, tmp_path, ct2_home):
    from typer.testing import CliRunner

    from summarise.cli import app

    out = tmp_path / "converted"
    result = CliRunner().invoke(app, ["models", "convert", str(model_dirs["bart"]), "--quantization", "int8", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.stdout
    assert ct2.is_converted(out)
    assert json.loads((out / ct2.METADATA).read_text(encoding="utf-8"))["model_type"] == "bart"
