"""End to end through the library, on self-built models loaded by the real from_pretrained path."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from summarise import SentencePair, Summariser, Summary, Translation, summarise, translate
from summarise.errors import InputError, LanguageError, ModelLoadError
from summarise.pipeline import Options
from summarise.text import split_sentences
from tests import tinymodels
from tests.support.articles import article
from tests.support.registry import COPY_WINDOW

# Model outputs that depend on the int8 kernels: CI runs these again on the AVX2 ones (.ci/run).
pytestmark = pytest.mark.numerics


def test_test_article_uses_only_words_the_copy_model_knows():
    tokenizer = tinymodels._cached_tokenizer()
    words = {w for w, _ in tokenizer.backend_tokenizer.pre_tokenizer.pre_tokenize_str(article())}
    assert words - set(tokenizer.get_vocab()) == set()


def test_every_sentence_comes_out_in_order_and_uncut(summariser):
    text = article()
    result = summariser.translate(text, source_lang="fr")
    expected = split_sentences(text, "fr")
    assert [(p.start, p.end) for p in result.pairs] == [(s.start, s.end) for s in expected]
    for pair in result.pairs:
        assert text[pair.start : pair.end] == pair.source
        # The copy model copies: anything dropped, merged or truncated shows up here.
        assert pair.translation == tinymodels.normalise(pair.source), pair.source[:80]
        assert "length_limit" not in pair.flags


def test_a_300_word_sentence_is_resplit_not_truncated(summariser):
    text = article()
    result = summariser.translate(text, source_lang="fr")
    longest = max(result.pairs, key=lambda p: len(p.source))
    assert len(longest.source.split()) >= 300
    assert longest.pieces > 300 // COPY_WINDOW
    assert longest.translation.split() == tinymodels.normalise(longest.source).split()


def test_offsets_cover_every_character_of_the_article(summariser):
    text = article()
    result = summariser.translate(text, source_lang="fr")
    covered = set()
    for pair in result.pairs:
        covered.update(range(pair.start, pair.end))
    assert all(i in covered for i, char in enumerate(text) if not char.isspace())


def test_paragraphs_survive_into_the_output(summariser):
    text = article()
    result = summariser.translate(text, source_lang="fr")
    assert len(result.paragraphs()) == text.strip().count("\n\n") + 1
    assert result.translation.count("\n\n") == text.strip().count("\n\n")


def test_summary_result_carries_everything(summariser):
    result = summariser.summarise(article(), source_lang="fr")
    assert isinstance(result, Summary)
    data = json.loads(json.dumps(result.to_dict()))
    assert list(data)[0] == "summary"
    assert {"source", "translation", "start", "end"} <= set(data["pairs"][0])
    assert [m["role"] for m in data["models"]] == ["translation", "summarisation"]
    assert data["signature"].startswith("mt:") and "|sum:" in data["signature"] and "|len:short" in data["signature"]
    assert data["summary_stages"] >= 2  # the article is longer than the tiny summariser's 64-token window
    assert set(data["timings"]) >= {"prepare", "translate", "summarise"}


def test_language_is_detected_with_its_confidence(summariser):
    result = summariser.translate(article(with_long_sentence=False))
    assert result.source_lang == "fr"
    assert result.detection.confidence > 0.8


def test_unsure_language_asks_for_source_lang(summariser):
    with pytest.raises(LanguageError, match=r"^cannot tell the source language for sure .*: pass source_lang='fr'$") as refused:
        summariser.translate("Otan 2024 : 12 , 5 .")
    assert (refused.value.option, refused.value.example) == ("source_lang", "fr")  # each front end names it its own way


def test_english_source_is_not_translated(summariser):
    text = "The secretary general condemns the war. He calls for peace."
    result = summariser.translate(text, source_lang="en")
    assert [p.translation for p in result.pairs] == [p.source for p in result.pairs]
    assert result.models == [] and result.signature.startswith("mt:none")


def test_language_without_a_model_uses_the_registry_fallback(summariser):
    result = summariser.translate("Der Krieg ist vorbei. Die Leute feiern.", source_lang="de")
    assert result.models[0].name == "tiny-random"
    assert len(result.pairs) == 2


def test_empty_input_is_an_input_error(summariser):
    with pytest.raises(InputError, match="empty"):
        summariser.translate("  \n\n ")


def test_summary_length_scales_with_the_input(registry_path):
    short = Summariser(registry_path, device="cpu", options=Options(length="short"))
    long = Summariser(registry_path, device="cpu", options=Options(length="long"), models=short.models)
    assert short.summary_settings_for(short.options).signature() != long.summary_settings_for(long.options).signature()
    assert len(short.models) == 0  # nothing is loaded until a call needs it


def test_models_are_loaded_once_per_summariser(registry_path):
    s = Summariser(registry_path, device="cpu")
    s.translate("Le président condamne la guerre.", source_lang="fr")
    s.translate("Le ministre appelle à la paix.", source_lang="fr")
    assert len(s.models) == 1


def test_one_shot_functions_take_summariser_options(registry_path):
    result = translate("Le président condamne la guerre.", source_lang="fr", registry=registry_path, device="cpu")
    assert isinstance(result, Translation) and isinstance(result.pairs[0], SentencePair)
    summary = summarise("Le président condamne la guerre.", source_lang="fr", registry=registry_path, device="cpu")
    assert isinstance(summary, Summary)


def test_mt_model_override_takes_a_local_directory(registry_path, model_dirs):
    s = Summariser(registry_path, device="cpu", mt_model=str(model_dirs["marian"]))
    result = s.translate("Le président condamne la guerre.", source_lang="fr")
    assert result.models[0].source == str(model_dirs["marian"].resolve())


def test_missing_model_offline_names_the_pull_command(tmp_path):
    s = Summariser(device="cpu", local_files_only=True)  # the shipped registry, an empty HF cache
    with pytest.raises(ModelLoadError, match="summarise models pull opus-mt-fr-en"):
        s.translate("Le président condamne la guerre.", source_lang="fr")


def test_importing_the_package_loads_no_torch():
    code = "import summarise, sys; summarise.Summariser; print('torch' in sys.modules, 'transformers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_signature_names_what_really_runs_not_only_what_was_asked(registry_path, monkeypatch):
    """int8 is a CPU kernel: on a GPU the model runs fp16, and results and bulk resume must agree on that."""
    from summarise.models.engines import _devices as devices

    from summarise.models.engines import precision_for_cpu

    s = Summariser(registry_path, device="cpu", quantization="int8")
    runs = precision_for_cpu("int8")  # float32 on a CPU whose int8 sums saturate (engines.isa)
    assert f"+ctranslate2+{runs}|" in s.signature_for("fr", summary=True)
    monkeypatch.setattr(devices, "cuda_device_count", lambda: 1)
    gpu = Summariser(registry_path, device="cuda", quantization="int8")
    signature = gpu.signature_for("fr", summary=True)
    assert "+int8" not in signature and signature.startswith("mt:")
