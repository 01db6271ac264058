"""The tiny test models load through the Auto classes and behave as the rest of the suite expects."""

from __future__ import annotations

import pytest
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

from tests.tinymodels import (
    VOCAB_WORDS,
    build_random_bart,
    build_random_marian,
    build_tokenizer,
    normalise,
    train_copy_marian,
)

# Built only from VOCAB_WORDS, so the copy model must reproduce them token for token.
FRENCH = [
    "Le secrétaire général de l'Otan condamne la guerre en Ukraine.",
    "Hier soir, le président a annoncé de nouvelles sanctions contre la Russie.",
    "Météo : vigilance orange pour les orages dans le sud.",
    "L'inflation est en baisse de 2,5 % selon la banque centrale.",
    "Les dirigeants européens appellent à la paix.",
    "« Nous soutenons l'Ukraine », affirme le ministre.",
]


@pytest.fixture(scope="module")
def copy_model(tmp_path_factory):
    directory = train_copy_marian(tmp_path_factory.mktemp("copy"))
    return AutoTokenizer.from_pretrained(directory), AutoModelForSeq2SeqLM.from_pretrained(directory)


def test_tokenizer_round_trips_vocabulary_words_with_single_spaces(tmp_path):
    build_tokenizer(tmp_path)
    tokenizer = AutoTokenizer.from_pretrained(tmp_path)
    batch = tokenizer(["Le secrétaire général de l'Otan, « vendredi ».", "Hier"], padding=True)
    assert tokenizer.batch_decode(batch.input_ids, skip_special_tokens=True) == [
        "Le secrétaire général de l ' Otan , « vendredi » .",
        "Hier",
    ]
    assert tokenizer.unk_token_id not in tokenizer(" ".join(VOCAB_WORDS)).input_ids


def test_normalise_matches_decoding():
    assert normalise("  L'Otan  condamne,2024 zzz ") == "L ' Otan condamne , 2 0 2 4"


@pytest.mark.parametrize("build", [build_random_marian, build_random_bart])
def test_random_models_load_and_generate(tmp_path, build):
    directory = build(tmp_path, max_positions=64, seed=1)
    tokenizer = AutoTokenizer.from_pretrained(directory)
    model = AutoModelForSeq2SeqLM.from_pretrained(directory)
    assert model.config.d_model == 32
    batch = tokenizer(FRENCH[:2], return_tensors="pt", padding=True)
    output = model.generate(**batch, max_length=8)
    assert output.shape[0] == 2
    assert all(isinstance(text, str) for text in tokenizer.batch_decode(output, skip_special_tokens=True))


@pytest.mark.parametrize("num_beams", [1, 2])
def test_copy_model_copies_padded_batch(copy_model, num_beams):
    tokenizer, model = copy_model
    batch = tokenizer(FRENCH, return_tensors="pt", padding=True)
    assert tokenizer.unk_token_id not in batch.input_ids, "test sentences must use VOCAB_WORDS only"
    assert (batch.attention_mask == 0).any(), "the batch must exercise padding"
    output = model.generate(**batch, num_beams=num_beams, max_length=batch.input_ids.shape[1] + 5)
    assert tokenizer.batch_decode(output, skip_special_tokens=True) == [normalise(text) for text in FRENCH]


def test_copy_model_copies_thirty_tokens(copy_model):
    tokenizer, model = copy_model
    text = " ".join(VOCAB_WORDS[100:130])
    batch = tokenizer([text, "Kiev"], return_tensors="pt", padding=True)
    assert batch.input_ids.shape[1] == 31
    output = model.generate(**batch, max_length=40)
    assert tokenizer.batch_decode(output, skip_special_tokens=True) == [text, "Kiev"]


def test_training_is_counted_in_steps_and_reaches_its_margin(tmp_path, copy_model):
    """The same seed gives the same weights, and every held-out token is right by MARGIN, at greedy and beam 4."""
    import torch

    from tests.tinymodels import MARGIN, random_copy_batch, beam_search_writes_labels, worst_margin

    again = AutoModelForSeq2SeqLM.from_pretrained(train_copy_marian(tmp_path / "again"))
    _, model = copy_model
    for (name, ours), (_, theirs) in zip(model.state_dict().items(), again.state_dict().items(), strict=True):
        assert torch.equal(ours, theirs), name
    held_out = random_copy_batch(torch.Generator().manual_seed(12345), 256)  # not the training's own held-out set
    assert worst_margin(model, held_out) >= MARGIN / 2
    assert beam_search_writes_labels(model, held_out)


def test_training_short_of_its_margin_fails_clearly(tmp_path):
    with pytest.raises(RuntimeError, match=r"0\.0% of held-out sequences right by the margin after 0 steps .*worst -?\d+\.\d+.*raise max_steps"):
        train_copy_marian(tmp_path, max_steps=0)
