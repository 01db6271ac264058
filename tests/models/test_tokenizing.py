"""Our tokenizers (``tokenizers`` / ``sentencepiece`` alone) give transformers' ids, tokens and text, on a corpus.

Both families, as a CTranslate2 conversion saves them: a real SentencePiece model in OPUS-MT's layout
(shared and separate vocabularies), a byte-level BPE as BART's, and the word-level test tokenizer.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from summarise.models.engines import _tokenizing as tokenizing
from summarise.models.engines._transformers import load_tokenizer as load_transformers_tokenizer
from summarise.text import split_sentences
from tests import tinymodels
from tests.support import tokenizerfolders

ROOT = Path(__file__).resolve().parents[2]


WINDOW = 512  # the OPUS-MT and test models' window


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """The corpus, each of its texts' sentences as the pipeline sends them, and the whole corpus as one text."""
    corpus = tokenizerfolders.corpus(ROOT)
    sentences = [s.text for text in corpus for s in split_sentences(text, "fr")]
    return list(dict.fromkeys(corpus + sentences)) + [" ".join(corpus)]


def _at_window_edge(tokenizer: tokenizing.Tokenizer, texts: list[str]) -> list[str]:
    """Prefixes of the corpus that encode to WINDOW - 1, WINDOW and WINDOW + 1 ids, where such exist."""
    joined = " ".join(texts)
    low, high = 1, len(joined)
    while low < high:  # the shortest prefix of at least WINDOW - 1 ids
        middle = (low + high) // 2
        if len(tokenizer.encode([joined[:middle]])[0]) >= WINDOW - 1:
            high = middle
        else:
            low = middle + 1
    found: dict[int, str] = {}
    for end in range(low, min(low + 400, len(joined))):
        found.setdefault(len(tokenizer.encode([joined[:end]])[0]), joined[:end])
    return [found[n] for n in (WINDOW - 1, WINDOW, WINDOW + 1) if n in found]


FAMILIES = ["marian", "marian-separate", "bart", "word-level"]


@pytest.fixture(scope="module", params=FAMILIES)
def folder(request, tmp_path_factory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp(request.param)
    if request.param == "marian":
        return request.param, tokenizerfolders.build_marian(ROOT, out)
    if request.param == "marian-separate":
        return request.param, tokenizerfolders.build_marian(ROOT, out, separate_vocabs=True)
    if request.param == "bart":
        return request.param, tokenizerfolders.build_bart(ROOT, out)
    tinymodels.build_tokenizer(out)
    return request.param, out


def test_the_folder_loads_as_its_family(folder) -> None:
    family, path = folder
    ours = tokenizing.load_tokenizer(path)
    expected = tokenizing.MarianTokenizer if family.startswith("marian") else tokenizing.FastTokenizer
    assert type(ours) is expected
    assert ours.eos_token == load_transformers_tokenizer(path).eos_token


def test_ids_tokens_and_text_equal_transformers(folder, texts) -> None:
    family, path = folder
    ours, theirs = tokenizing.load_tokenizer(path), load_transformers_tokenizer(path)
    edge = _at_window_edge(ours, texts)
    assert len(edge) >= 2, family  # two at least of WINDOW - 1, WINDOW, WINDOW + 1 ids
    texts = texts + edge
    ids = ours.encode(texts)
    expected = theirs(texts, add_special_tokens=True, truncation=False)["input_ids"]
    unknown = theirs.convert_tokens_to_ids(theirs.unk_token)
    if family == "marian-separate":  # transformers names ids by the target vocabulary only: name them by the source one
        by_id = {index: token for token, index in theirs.encoder.items()}
        source_names = lambda ids: [by_id[i] for i in ids]  # noqa: E731
    else:
        source_names = theirs.convert_ids_to_tokens
    seen_unknown = 0
    for text, got, want in zip(texts, ids, expected):
        assert got == want, (family, text)
        tokens = ours.source_tokens([got])[0]
        assert tokens == source_names(want), (family, text)
        assert ours.tokens_to_ids(tokens) == theirs.convert_tokens_to_ids(tokens), (family, text)
        if family != "marian-separate":  # source ids mean nothing to a separate target vocabulary (transformers raises)
            assert ours.decode(got) == theirs.decode(want, skip_special_tokens=True, clean_up_tokenization_spaces=False), (family, text)
        seen_unknown += unknown in got
    assert len(texts) > 100
    if family != "bart":  # byte-level BPE has no unknown piece; the others must meet some in this corpus
        assert seen_unknown > 0


def test_decoding_model_output_equals_transformers(folder) -> None:
    """What a model writes need not be what encoding gives: random id runs with specials anywhere."""
    family, path = folder
    ours, theirs = tokenizing.load_tokenizer(path), load_transformers_tokenizer(path)
    size = len(theirs.decoder) if family.startswith("marian") else len(theirs.get_vocab())  # the ids a model can write: its target vocabulary
    rng = random.Random(11)
    for _ in range(300):
        ids = [rng.randrange(size) for _ in range(rng.randrange(0, 40))]
        assert ours.decode(ids) == theirs.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=False), (family, ids)
        tokens = theirs.convert_ids_to_tokens(ids)
        assert ours.ids_to_tokens(ids) == tokens, (family, ids)
        assert ours.tokens_to_ids(tokens) == theirs.convert_tokens_to_ids(tokens), (family, ids)


def test_a_folder_of_another_shape_is_left_to_transformers(tmp_path) -> None:
    (tmp_path / "tokenizer_config.json").write_text("{}", encoding="utf-8")
    assert tokenizing.load_tokenizer(tmp_path) is None


def _random_model(family: str, tokenizer, out: Path) -> Path:
    """A random seq2seq model over ``tokenizer``'s vocabulary, saved with it: its output is noise, but varied noise."""
    import torch
    from transformers import BartConfig, BartForConditionalGeneration, MarianConfig, MarianMTModel

    torch.manual_seed(0)
    size = dict(d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2, decoder_attention_heads=2,
                encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=WINDOW, dropout=0.0, forced_eos_token_id=None, init_std=1.0)
    if family == "marian":
        config = MarianConfig(vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
                              decoder_start_token_id=tokenizer.pad_token_id, share_encoder_decoder_embeddings=True, **size)
        model = MarianMTModel(config)
    else:
        config = BartConfig(vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
                            eos_token_id=tokenizer.eos_token_id, decoder_start_token_id=tokenizer.eos_token_id, **size)
        model = BartForConditionalGeneration(config)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("family", ["marian", "bart"])
def test_a_converted_model_writes_the_same_with_our_tokenizer_as_with_transformers(family, texts, tmp_path):
    """The engine end to end: one converted model, run once on our tokenizer and once on transformers'."""
    from summarise.models.engines import _ctranslate2 as ct2, GenerationRequest
    from summarise.models import ModelSpec

    build = tokenizerfolders.build_marian if family == "marian" else tokenizerfolders.build_bart
    tokenizer = load_transformers_tokenizer(build(ROOT, tmp_path / "tokenizer"))
    converted = ct2.convert(str(_random_model(family, tokenizer, tmp_path / "model")), quantization="none", output=tmp_path / "ct2")
    spec = ModelSpec(name="tiny", task="translation", source=str(converted), max_input_tokens=WINDOW, num_beams=2, backend="ctranslate2")
    ours = ct2.CTranslate2Engine(spec, device="cpu")
    theirs = ct2.CTranslate2Engine(spec, device="cpu")
    theirs.tokenizer = tokenizing.LoadedTokenizer(load_transformers_tokenizer(converted))
    assert type(ours.tokenizer) is (tokenizing.MarianTokenizer if family == "marian" else tokenizing.FastTokenizer)
    sample = [text for text, n in zip(texts, theirs.count_tokens(texts)) if n <= 120][:60]
    assert len(sample) >= 40
    assert ours.count_tokens(sample) == theirs.count_tokens(sample)
    request = GenerationRequest(num_beams=2, max_new_tokens=24)
    written = ours.generate(sample, request)
    assert written == theirs.generate(sample, request)
    assert len({generated.text for generated in written}) > len(sample) // 2  # varied output, not one string repeated
