"""Real-shaped tokenizer folders built in a test, and the corpus they are compared on.

* :func:`build_marian` trains a small SentencePiece model on :func:`corpus` and lays it out as an
  OPUS-MT folder (``source.spm``, ``target.spm``, ``vocab.json`` with ``</s>`` 0, ``<unk>`` 1 and
  ``<pad>`` last, some pieces left out of the vocabulary so that they read as ``<unk>``), loaded by
  transformers' ``MarianTokenizer``;
* :func:`build_bart` trains a byte-level BPE and loads it as transformers' ``BartTokenizer``.

Each folder is saved, loaded with ``AutoTokenizer`` and saved again, as a CTranslate2 conversion
saves the tokenizer it loaded.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from tests.support.articles import HEADLINE, PARAGRAPHS, long_sentence

SEED_ARTICLE = Path("/work/shared/seed/article_fr.txt")  # read where present; the repository's own articles always

#: Real-shaped text in every registry language and then some, with the things news text carries.
MULTILINGUAL = [
    "Президент России Владимир Путин заявил в понедельник, что переговоры продолжатся.",
    "Ο πρωθυπουργός της Ελλάδας συναντήθηκε με τους ηγέτες της ΕΕ στις Βρυξέλλες.",
    "قال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل في جنيف.",
    "北约秘书长周四表示，联盟将继续支持乌克兰。",
    "東京証券取引所の株価は、午前の取引で２％上昇した。",
    "서울에서 열린 회담에서 양국 정상은 협력을 약속했다.",
    "Der Bundeskanzler äußerte sich am Dienstag zur Lage in der Ukraine.",
    "El presidente español viajó a Kiev el 24 de febrero de 2023.",
    "O ministro português disse que «a situação é grave».",
    "Il presidente italiano ha parlato con l'ONU — e con la NATO.",
    "Prezydent Polski spotkał się z premierem Ukrainy w Rzeszowie.",
    "Türkiye Cumhurbaşkanı açıklama yaptı: “Barış görüşmeleri sürecek.”",
    "Emoji in the news: 🇺🇦 🕊️ 👍🏽 ❤️‍🔥 and a family 👨‍👩‍👧‍👦.",
    "Read more at https://www.euronews.com/2022/02/24/nato-chief?utm_source=x&id=42#top or http://example.org/a_b.",
    "Write to press.office@nato.int or jean-luc.dupont+news@example.co.uk before 18:30 CET.",
    "Le contrat porte sur 1 234 567,89 € (soit 1.2bn USD), +3,5 % sur un an; 10⁻³ mol/L, ½ tasse, 3² = 9.",
    "Protected: Le 7301 a rencontré 7302 à 7303, puis 7301 et 7304 ont parlé.",
    "The tokens </s>, <unk> and <pad> written in the text, and <s> too, and >>fra<< in the middle.",
    ">>fra<< Une phrase qui commence par un code de langue.",
    "Tabs\tand\u00a0non-breaking\u202fspaces, zero\u200bwidth, soft\u00adhyphen, and «guillemets».",
    "  leading and trailing spaces  ",
    "double  spaces   inside",
    "",
    " ",
    "\n",
    "\t \n ",
    ".",
    "a",
    "ÉCOLE ÉLÉMENTAIRE, Ça, Œuvre, æ, ß, ﬁ ligature, Ａ fullwidth, ｶﾀｶﾅ halfwidth.",
]


def fixture_texts(root: Path) -> list[str]:
    """Every string in the repository's fixture records, the test articles, and the seed article where present."""
    texts = [HEADLINE, *PARAGRAPHS, long_sentence()]
    for path in sorted((root / "tests" / "fixtures").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            texts.extend(_strings(json.loads(line)))
    if SEED_ARTICLE.is_file():
        seed = SEED_ARTICLE.read_text(encoding="utf-8")
        texts.append(seed)
        texts.extend(line for line in seed.splitlines())
    return list(dict.fromkeys(texts))


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def corpus(root: Path) -> list[str]:
    return fixture_texts(root) + MULTILINGUAL


def _training_lines(root: Path) -> list[str]:
    """What the tokenizers learn from: the corpus minus a few of its languages, so that some text is unseen."""
    lines = [text for text in corpus(root) if text.strip() and not any("\uac00" <= c <= "\ud7a3" for c in text)]
    rng = random.Random(3)
    words = " ".join(lines).split()
    lines += [" ".join(rng.choice(words) for _ in range(12)) for _ in range(400)]
    return lines


def build_marian(root: Path, out_dir: Path, *, separate_vocabs: bool = False) -> Path:
    import sentencepiece
    from transformers import AutoTokenizer, MarianTokenizer

    work = out_dir / "work"
    work.mkdir(parents=True)
    lines = _training_lines(root)
    models = {}
    for side, size in (("source", 600), ("target", 500)):
        sentencepiece.SentencePieceTrainer.train(
            sentence_iterator=iter(lines),
            model_prefix=str(work / side),
            vocab_size=size,
            hard_vocab_limit=False,
            character_coverage=0.9995,
            model_type="unigram",
            bos_id=-1,
            eos_id=2,
            unk_id=1,
            pad_id=-1,
            minloglevel=2,
        )
        models[side] = sentencepiece.SentencePieceProcessor(model_file=str(work / f"{side}.model"))
    vocabs = {side: _marian_vocab(model) for side, model in models.items()}
    shared = dict(vocabs["source"])
    for piece in vocabs["target"]:
        shared.setdefault(piece, len(shared))
    shared.pop("<pad>")
    shared["<pad>"] = len(shared)
    (work / "vocab.json").write_text(json.dumps(vocabs["source"] if separate_vocabs else shared, ensure_ascii=False), encoding="utf-8")
    (work / "target_vocab.json").write_text(json.dumps(vocabs["target"], ensure_ascii=False), encoding="utf-8")
    tokenizer = MarianTokenizer(
        str(work / "source.model"),
        str(work / "target.model"),
        str(work / "vocab.json"),
        target_vocab_file=str(work / "target_vocab.json") if separate_vocabs else None,
        separate_vocabs=separate_vocabs,
        source_lang="fr",
        target_lang="en",
    )
    return _round_trip(tokenizer, out_dir, AutoTokenizer)


def _marian_vocab(model: object) -> dict[str, int]:
    """``</s>`` 0, ``<unk>`` 1, the pieces (every 17th left out: it reads as ``<unk>``), ``<pad>`` last."""
    vocab = {"</s>": 0, "<unk>": 1}
    for index in range(model.get_piece_size()):  # type: ignore[attr-defined]
        piece = model.id_to_piece(index)  # type: ignore[attr-defined]
        if piece in vocab or model.is_control(index) or model.is_unknown(index) or index % 17 == 5:  # type: ignore[attr-defined]
            continue
        vocab[piece] = len(vocab)
    vocab["<pad>"] = len(vocab)
    return vocab


def build_bart(root: Path, out_dir: Path) -> Path:
    from tokenizers import ByteLevelBPETokenizer
    from transformers import AutoTokenizer, BartTokenizer

    work = out_dir / "work"
    work.mkdir(parents=True)
    trainer = ByteLevelBPETokenizer()
    trainer.train_from_iterator(_training_lines(root), vocab_size=900, min_frequency=2, special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"], show_progress=False)
    trainer.save_model(str(work))
    tokenizer = BartTokenizer(vocab=str(work / "vocab.json"), merges=str(work / "merges.txt"))
    return _round_trip(tokenizer, out_dir, AutoTokenizer)


def _round_trip(tokenizer: object, out_dir: Path, auto: object) -> Path:
    first, second = out_dir / "model", out_dir / "converted"
    tokenizer.save_pretrained(first)  # type: ignore[attr-defined]
    auto.from_pretrained(str(first), local_files_only=True).save_pretrained(second)  # type: ignore[attr-defined]
    return second
