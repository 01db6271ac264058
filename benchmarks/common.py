"""Random-init models with the exact published architectures, for benchmarks that need no download.

Speed depends on the architecture (layers, widths, heads, vocabulary), not on
the trained weights, so a randomly initialised model of the same shape runs at
the same speed as the real one, provided every run generates the same number
of tokens (the benchmarks force it).

Both builders save a ``save_pretrained`` folder: the model in safetensors, its
generation config as published, and a word-level tokenizer with exactly the
model's vocabulary size and its special tokens at their published ids, so that
``AutoTokenizer``/``AutoModelForSeq2SeqLM`` and CTranslate2's converter treat
it as they treat the real model.  One pseudo-word is one token, which lets a
benchmark ask for sentences of an exact token length (:func:`make_text`).

Sources of the configurations (checked against the published ``config.json``
through fine-tunes that copy it unchanged, the hub being unreachable here):

* Helsinki-NLP/opus-mt-fr-en:
  https://huggingface.co/krame-aims/AIMS-NLP-ASS3-FinetuneMarian-fr-en/blame/main/config.json
  (``_name_or_path: Helsinki-NLP/opus-mt-fr-en``): MarianMTModel, d_model 512,
  6 + 6 layers, 8 + 8 heads, FFN 2048, swish, vocab 59514, pad = decoder start =
  59513, eos 0, scale_embedding, static (sinusoidal) positions, 512 positions,
  shared encoder/decoder embeddings tied to the output layer, bad_words_ids [[59513]].
* sshleifer/distilbart-cnn-12-6:
  https://huggingface.co/datien228/distilbart-cnn-12-6-ftn-multi_news/raw/refs%2Fpr%2F4/config.json
  (``_name_or_path: sshleifer/distilbart-cnn-12-6``): BartForConditionalGeneration,
  d_model 1024, 12 encoder + 6 decoder layers, 16 heads, FFN 4096, gelu, 1024
  positions, bos 0, pad 1, eos = decoder start 2, forced bos 0 / eos 2, no
  scale_embedding, post-norm with layernorm_embedding; generation: beam 4,
  length_penalty 2.0, min 56 / max 142, no_repeat_ngram_size 3.  vocab_size
  50264 as in the issue and in copies of that config in public code.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch: idle OpenMP threads spin on small machines

import json
import random
from pathlib import Path

OPUS_MT_FR_EN = {
    "vocab_size": 59514,
    "d_model": 512,
    "encoder_layers": 6,
    "decoder_layers": 6,
    "encoder_attention_heads": 8,
    "decoder_attention_heads": 8,
    "encoder_ffn_dim": 2048,
    "decoder_ffn_dim": 2048,
    "activation_function": "swish",
    "max_position_embeddings": 512,
    "scale_embedding": True,
    "static_position_embeddings": True,
    "share_encoder_decoder_embeddings": True,
    "tie_word_embeddings": True,
    "normalize_before": False,
    "normalize_embedding": False,
    "add_bias_logits": False,
    "add_final_layer_norm": False,
    "pad_token_id": 59513,
    "eos_token_id": 0,
    "bos_token_id": 0,
    "decoder_start_token_id": 59513,
    "forced_eos_token_id": 0,
}

DISTILBART_CNN_12_6 = {
    "vocab_size": 50264,
    "d_model": 1024,
    "encoder_layers": 12,
    "decoder_layers": 6,
    "encoder_attention_heads": 16,
    "decoder_attention_heads": 16,
    "encoder_ffn_dim": 4096,
    "decoder_ffn_dim": 4096,
    "activation_function": "gelu",
    "max_position_embeddings": 1024,
    "scale_embedding": False,
    "normalize_before": False,
    "normalize_embedding": True,
    "add_bias_logits": False,
    "add_final_layer_norm": False,
    "extra_pos_embeddings": 2,
    "bos_token_id": 0,
    "pad_token_id": 1,
    "eos_token_id": 2,
    "decoder_start_token_id": 2,
    "forced_bos_token_id": 0,
    "forced_eos_token_id": 2,
}

_CONSONANTS = "bcdfghjklmnprstvz"
_VOWELS = "aeiou"
_SYLLABLES = [c + v for c in _CONSONANTS for v in _VOWELS]  # 85 syllables


def pseudo_words(count: int) -> list[str]:
    """``count`` distinct pronounceable lowercase words, the same list every time."""
    words: list[str] = []
    n = len(_SYLLABLES)
    index = 0
    while len(words) < count:
        value, parts = index, []
        while True:
            parts.append(_SYLLABLES[value % n])
            value //= n
            if value == 0:
                break
        words.append("".join(parts))
        index += 1
    return words


def _tokenizer(vocab: dict[str, int], *, bos: str | None, eos: str, pad: str, unk: str, max_length: int):
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    raw = Tokenizer(models.WordLevel(vocab=vocab, unk_token=unk))
    raw.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    if bos is None:  # Marian: "text </s>"
        raw.post_processor = processors.TemplateProcessing(single=f"$A {eos}", pair=f"$A {eos} $B {eos}", special_tokens=[(eos, vocab[eos])])
    else:  # BART: "<s> text </s>"
        raw.post_processor = processors.TemplateProcessing(
            single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}", special_tokens=[(bos, vocab[bos]), (eos, vocab[eos])]
        )
    extra = {"bos_token": bos} if bos else {}
    return PreTrainedTokenizerFast(
        tokenizer_object=raw,
        eos_token=eos,
        pad_token=pad,
        unk_token=unk,
        clean_up_tokenization_spaces=False,
        model_max_length=max_length,
        **extra,
    )


# --smoke: the same vocabularies, tokenizers and generation configs, tiny layers: checks that a benchmark still
# runs against the product's current names in seconds (tests/test_benchmarks.py), never what it measures.
SMOKE_DIMS = {
    "d_model": 16,
    "encoder_layers": 1,
    "decoder_layers": 1,
    "encoder_attention_heads": 2,
    "decoder_attention_heads": 2,
    "encoder_ffn_dim": 32,
    "decoder_ffn_dim": 32,
}


def _save(model, tokenizer, out_dir: Path, meta: dict) -> Path:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    (out_dir / "benchmark.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return out_dir


def _built(out_dir: Path, name: str) -> bool:
    meta = Path(out_dir) / "benchmark.json"
    return meta.is_file() and json.loads(meta.read_text(encoding="utf-8")).get("architecture") == name


def build_opus_mt_fr_en(out_dir: str | os.PathLike, *, seed: int = 0, smoke: bool = False) -> Path:
    """opus-mt-fr-en's architecture with random weights (about 75 M parameters); reused if already built.

    ``smoke``: the same vocabulary and tokenizer with :data:`SMOKE_DIMS` layers."""
    out_dir = Path(out_dir)
    name = "opus-mt-fr-en" + ("-smoke" if smoke else "")
    if _built(out_dir, name):
        return out_dir
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel

    config = dict(OPUS_MT_FR_EN, **(SMOKE_DIMS if smoke else {}))
    size = config["vocab_size"]
    # Published ids: </s> 0, <unk> 1, ... <pad> 59513 (the last).
    vocab = {"</s>": 0, "<unk>": 1}
    for word in pseudo_words(size - 3):
        vocab[word] = len(vocab)
    vocab["<pad>"] = size - 1
    tokenizer = _tokenizer(vocab, bos=None, eos="</s>", pad="<pad>", unk="<unk>", max_length=512)
    torch.manual_seed(seed)
    model = MarianMTModel(MarianConfig(decoder_vocab_size=size, **config)).eval()
    model.generation_config = GenerationConfig(
        bad_words_ids=[[size - 1]],
        bos_token_id=0,
        decoder_start_token_id=size - 1,
        eos_token_id=0,
        forced_eos_token_id=0,
        max_length=512,
        num_beams=4,
        pad_token_id=size - 1,
    )
    return _save(model, tokenizer, out_dir, {"architecture": name, "seed": seed, "config": config})


def build_distilbart_cnn_12_6(out_dir: str | os.PathLike, *, seed: int = 0, smoke: bool = False) -> Path:
    """distilbart-cnn-12-6's architecture with random weights (about 306 M parameters); reused if already built.

    ``smoke``: the same vocabulary and tokenizer with :data:`SMOKE_DIMS` layers."""
    out_dir = Path(out_dir)
    name = "distilbart-cnn-12-6" + ("-smoke" if smoke else "")
    if _built(out_dir, name):
        return out_dir
    import torch
    from transformers import BartConfig, BartForConditionalGeneration, GenerationConfig

    config = dict(DISTILBART_CNN_12_6, **(SMOKE_DIMS if smoke else {}))
    size = config["vocab_size"]
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for word in pseudo_words(size - len(vocab)):
        vocab[word] = len(vocab)
    tokenizer = _tokenizer(vocab, bos="<s>", eos="</s>", pad="<pad>", unk="<unk>", max_length=1024)
    torch.manual_seed(seed)
    model = BartForConditionalGeneration(BartConfig(**config)).eval()
    model.generation_config = GenerationConfig(
        bos_token_id=0,
        decoder_start_token_id=2,
        early_stopping=True,
        eos_token_id=2,
        forced_bos_token_id=0,
        forced_eos_token_id=2,
        length_penalty=2.0,
        max_length=142,
        min_length=56,
        no_repeat_ngram_size=3,
        num_beams=4,
        pad_token_id=1,
    )
    return _save(model, tokenizer, out_dir, {"architecture": name, "seed": seed, "config": config})


# Words both tokenizers know: the first pseudo-words of either vocabulary.
SHARED_WORDS = 50_000


def make_text(lengths: list[int], *, special: int, seed: int) -> list[str]:
    """One sentence per entry of ``lengths``, each exactly that many tokens once the tokenizer
    adds its special tokens (``special``: 1 for Marian's ``</s>``, 2 for BART's ``<s> … </s>``)."""
    words = pseudo_words(SHARED_WORDS)
    rng = random.Random(seed)
    return [" ".join(rng.choice(words) for _ in range(max(1, length - special))) for length in lengths]
