"""Tiny models that get facts wrong (or right) on purpose, for the fact checks' end-to-end tests.

All start from the copy circuit of :mod:`tests.tinymodels` and are trained, in counted steps, until
every held-out token is right by a margin (``tinymodels.MARGIN``):

* :func:`train_digit_marian` copies its input but writes every digit d as (d + 1) mod 10,
  so every figure it "translates" is wrong: the ``numbers`` flag must fire on each
  sentence with digits.
* :func:`train_word_swap_marian` swaps French and English words of a small dictionary, a
  task model for beam search whose output differs from its input in many places.
* :func:`train_first_sentence_marian` outputs its input's first sentence (up to and
  including the first "."), a stand-in extractive summariser whose output can be predicted,
  so staged summaries and the summary checks can be tested exactly.
* :func:`train_marker_marian` outputs the sentence that a marker word opens, wherever it sits,
  and nothing for a text without it: summary attribution must name that sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import torch
from transformers import MarianMTModel

from tests import tinymodels
from tests.tinymodels import EOS_ID, PAD_ID, SPECIAL_TOKENS, _VOCAB

DIGIT_IDS = [_VOCAB[str(d)] for d in range(10)]
SHIFTED = {DIGIT_IDS[d]: DIGIT_IDS[(d + 1) % 10] for d in range(10)}
FULL_STOP = _VOCAB["."]

_Batch = tuple[torch.Tensor, torch.Tensor, torch.Tensor]


def shift_digits(text: str) -> str:
    """What the digit model makes of a normalised text: every digit one up, 9 to 0."""
    return "".join(str((int(c) + 1) % 10) if c.isdigit() else c for c in text)


def random_batch(generator: torch.Generator, size: int, width: int = 31, digits: float = 0.0, stops: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-padded random token sequences plus </s>; some tokens digits, some full stops when asked."""
    lengths = torch.randint(1, width, (size, 1), generator=generator)
    positions = torch.arange(width).unsqueeze(0)
    input_ids = torch.randint(len(SPECIAL_TOKENS), len(_VOCAB), (size, width), generator=generator)
    if digits:
        pick = torch.rand((size, width), generator=generator) < digits
        choice = torch.tensor(DIGIT_IDS)[torch.randint(0, 10, (size, width), generator=generator)]
        input_ids = torch.where(pick, choice, input_ids)
    if stops:
        pick = torch.rand((size, width), generator=generator) < 0.15
        input_ids = torch.where(pick, torch.full_like(input_ids, FULL_STOP), input_ids)
    input_ids[positions == lengths] = EOS_ID
    input_ids[positions > lengths] = PAD_ID
    attention_mask = (positions <= lengths).long()
    return input_ids, attention_mask


def _digit_labels(input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    return _substituted(input_ids, attention_mask, SHIFTED)


def _first_sentence_labels(input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Tokens up to and including the first full stop, then </s>; a sequence without one is copied whole."""
    labels = input_ids.masked_fill(attention_mask == 0, -100)
    for row in range(labels.shape[0]):
        stops = (input_ids[row] == FULL_STOP).nonzero()
        if len(stops):
            end = int(stops[0]) + 1
            labels[row, end] = EOS_ID
            labels[row, end + 1 :] = -100
    return labels


def _train(model: MarianMTModel, make: Callable[[torch.Generator, int], _Batch], max_steps: int, seed: int, name: str) -> MarianMTModel:
    torch.set_num_threads(2)
    generator = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.Adam(model.parameters(), lr=2e-3)
    tinymodels.train_to_margin(model, make, generator, optimiser, name=name, max_steps=max_steps)
    return model


def _train_substitution(out_dir: Path, copy_dir: Path, mapping: dict[int, int], make: Callable[[torch.Generator, int], _Batch], max_steps: int, seed: int, name: str) -> Path:
    """The copy model with its output layer untied and rows permuted by ``mapping``, then trained to a margin."""
    model = MarianMTModel.from_pretrained(copy_dir)
    with torch.no_grad():
        head = model.model.shared.weight.detach().clone()
        rotated = head.clone()
        for source, target in mapping.items():
            rotated[target] = head[source]
        model.config.tie_word_embeddings = False
        model.lm_head = torch.nn.Linear(head.shape[1], head.shape[0], bias=False)
        model.lm_head.weight = torch.nn.Parameter(rotated)

    _train(model, make, max_steps, seed, name)
    with torch.no_grad():
        # Untied, transformers no longer re-ties the encoder's and decoder's embeddings to the shared
        # matrix on load, and saving keeps only one copy of shared storage: give each its own.
        shared = model.model.shared.weight.detach()
        model.model.encoder.embed_tokens.weight = torch.nn.Parameter(shared.clone())
        model.model.decoder.embed_tokens.weight = torch.nn.Parameter(shared.clone())
    return tinymodels.save(model, out_dir)


def _substituted(input_ids: torch.Tensor, attention_mask: torch.Tensor, mapping: dict[int, int]) -> torch.Tensor:
    labels = input_ids.clone()
    for source, target in mapping.items():
        labels[input_ids == source] = target
    return labels.masked_fill(attention_mask == 0, -100)


def train_digit_marian(out_dir: Path, copy_dir: Path, *, max_steps: int = 3000, seed: int = 1) -> Path:
    """Copies its input but writes every digit one up: trained until every held-out digit is shifted."""

    def make(generator: torch.Generator, size: int) -> _Batch:
        input_ids, attention_mask = random_batch(generator, size, digits=0.3)
        return input_ids, attention_mask, _digit_labels(input_ids, attention_mask)

    return _train_substitution(out_dir, copy_dir, SHIFTED, make, max_steps, seed, "digit")


# A word-for-word "translator": each French word of a pair written as its English one and back.
WORD_PAIRS = [
    ("le", "the"), ("président", "president"), ("ministre", "minister"), ("guerre", "war"), ("paix", "peace"),
    ("armée", "army"), ("sommet", "summit"), ("Russie", "Russia"), ("Moscou", "Moscow"), ("Bruxelles", "Brussels"),
    ("et", "and"), ("mais", "but"), ("pour", "for"), ("avec", "with"), ("dans", "in"), ("est", "is"),
    ("sont", "are"), ("hier", "yesterday"), ("frontière", "border"), ("soldats", "soldiers"),
]
SWAPPED = {_VOCAB[a]: _VOCAB[b] for a, b in WORD_PAIRS} | {_VOCAB[b]: _VOCAB[a] for a, b in WORD_PAIRS}


def swap_words(text: str) -> str:
    """What the word-swap model makes of a normalised text."""
    words = {a: b for a, b in WORD_PAIRS} | {b: a for a, b in WORD_PAIRS}
    return " ".join(words.get(token, token) for token in text.split(" "))


def with_pair_words(generator: torch.Generator, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """About 30 % of the words replaced by words of :data:`WORD_PAIRS`, so that most sequences swap several."""
    pair_ids = torch.tensor(sorted(SWAPPED))
    pick = (torch.rand(input_ids.shape, generator=generator) < 0.3) & (attention_mask == 1) & (input_ids != EOS_ID)
    choice = pair_ids[torch.randint(0, len(pair_ids), input_ids.shape, generator=generator)]
    return torch.where(pick, choice, input_ids)


def train_word_swap_marian(out_dir: Path, copy_dir: Path, *, max_steps: int = 3000, seed: int = 3) -> Path:
    """Swaps the words of :data:`WORD_PAIRS` between French and English and copies the rest, to a margin.

    A task model for beam search whose output differs from its input in many places.
    """

    def make(generator: torch.Generator, size: int) -> _Batch:
        input_ids, attention_mask = random_batch(generator, size)
        input_ids = with_pair_words(generator, input_ids, attention_mask)
        return input_ids, attention_mask, _substituted(input_ids, attention_mask, SWAPPED)

    return _train_substitution(out_dir, copy_dir, SWAPPED, make, max_steps, seed, "word-swap")


def train_first_sentence_marian(out_dir: Path, copy_dir: Path, *, max_steps: int = 3000, seed: int = 2) -> Path:
    """The copy model trained to stop after the first full stop."""
    model = MarianMTModel.from_pretrained(copy_dir)

    def make(generator: torch.Generator, size: int) -> _Batch:
        input_ids, attention_mask = random_batch(generator, size, stops=True)
        return input_ids, attention_mask, _first_sentence_labels(input_ids, attention_mask)

    _train(model, make, max_steps, seed, "first-sentence")
    return tinymodels.save(model, out_dir)


# The marker summariser's marker: a vocabulary word that random batches never hold otherwise.
MARKER = "Météo"  # capitalised: the sentence splitter starts a sentence at it
MARKER_ID = _VOCAB[MARKER]
MARKER_WIDTH = 128  # d_model: finding the marker and then following it needs more room than copying
MARKER_SCHEDULE = 6000  # steps over which the learning rate falls linearly to 5 % of 2e-3
# Trained until 98 % of held-out sequences are right by the margin, not all: a handful of word
# arrangements stay below it for 12,000 steps and more.  The marker summariser is measured
# (benchmarks/attribution.py), and tests assert on its attribution where its summary is right.
MARKER_SHARE = 0.98


def distinct_batch(generator: torch.Generator, size: int, width: int = 31) -> tuple[torch.Tensor, torch.Tensor]:
    """Like :func:`random_batch` with stops, but no word twice in a sequence and a full stop before ``</s>``.

    The marker summariser follows the sentence it copies word by word (which source word comes after
    the one it just wrote): a word that came twice would make that ambiguous.  Articles end with a
    full stop, so the sentences here do too.
    """
    lengths = torch.randint(2, width, (size, 1), generator=generator)
    positions = torch.arange(width).unsqueeze(0)
    pool = torch.tensor([i for i in range(len(SPECIAL_TOKENS), len(_VOCAB)) if i not in (FULL_STOP, MARKER_ID)])
    input_ids = pool[torch.rand((size, len(pool)), generator=generator).argsort(-1)[:, :width]]
    stops = torch.rand((size, width), generator=generator) < 0.15
    input_ids = torch.where(stops | (positions == lengths - 1), torch.full_like(input_ids, FULL_STOP), input_ids)
    input_ids[positions == lengths] = EOS_ID
    input_ids[positions > lengths] = PAD_ID
    return input_ids, (positions <= lengths).long()


def _marked(generator: torch.Generator, size: int) -> _Batch:
    """Sentences with one marker opening one of them, anywhere; the label is that sentence, marker first, up to its full stop.

    A quarter of the rows hold no marker and their label is empty (``</s>`` alone): a chunk of a staged
    summary without the marked sentence summarises to nothing, so the next stage sees only that sentence.
    """
    input_ids, attention_mask = distinct_batch(generator, size)
    labels = torch.full_like(input_ids, -100)
    unmarked = torch.rand(size, generator=generator) < 0.25
    for row in range(size):
        if unmarked[row]:
            labels[row, 0] = EOS_ID
            continue
        length = int(attention_mask[row].sum()) - 1  # tokens before </s>
        stops = (input_ids[row, :length] == FULL_STOP).nonzero().flatten().tolist()
        starts = [0] + [stop + 1 for stop in stops if stop + 2 < length]  # a sentence of a word at least
        start = starts[int(torch.randint(0, len(starts), (1,), generator=generator))]
        input_ids[row, start] = MARKER_ID
        end = next(stop for stop in stops if stop > start) + 1
        span = input_ids[row, start:end]
        labels[row, : len(span)] = span
        labels[row, len(span)] = EOS_ID
    return input_ids, attention_mask, labels


def train_marker_marian(out_dir: Path, *, max_steps: int = 12000, seed: int = 4) -> Path:
    """A wider copy model (:data:`MARKER_WIDTH`) trained to write only the sentence that the marker opens.

    A stand-in abstractive summariser whose right answer sits anywhere in the article: it must find
    the marker, then follow the sentence to its full stop.  The linear decay and the averaged weights
    are what let it get there: at a constant rate, and judged on the last step's weights, the share
    of held-out sequences right by the margin keeps swinging.
    """
    model = tinymodels.copy_marian(d_model=MARKER_WIDTH, seed=seed)
    torch.set_num_threads(2)
    generator = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.Adam(model.parameters(), lr=2e-3)
    decay = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda step: max(0.05, 1 - step / MARKER_SCHEDULE))
    tinymodels.train_to_margin(model, _marked, generator, optimiser, name="marker", max_steps=max_steps, schedule=decay,
                               share=MARKER_SHARE, average=0.995, check_every=50)
    return tinymodels.save(model, out_dir)
