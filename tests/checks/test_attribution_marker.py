"""Summary attribution with the marker summariser: the sentence the marker opens is the support, wherever it sits.

The marker summariser (``tests/factmodels.py``) writes the sentence that the word *Météo* opens and
nothing for a chunk without it, so the right support is known wherever the sentence sits and however
many stages the summary takes.  Its training takes minutes, so this module is not one of the numerics
tests that ``.ci/run`` runs a second time on the AVX2 kernels: the first-sentence summariser's tests
(``test_attribution.py``) check the same attribution on both.  It holds on either class: it asserts
the support only where the summary is the marked sentence, and that it is on most articles.
"""

from __future__ import annotations

import random

import pytest

from summarise import Summariser
from summarise.pipeline import Options
from tests.factmodels import MARKER
from tests.support.registry import window_summariser, write_registry
from tests.tinymodels import VOCAB_WORDS, normalise


@pytest.fixture(scope="module")
def marker_registry(tmp_path_factory, model_dirs, marker_summariser):
    root = tmp_path_factory.mktemp("marker-registry")
    extra = window_summariser("marker", marker_summariser)
    return write_registry(root / "models.toml", model_dirs, extra=extra, summariser="marker", fallback="tiny-copy")


def marked_article(sentences: int, marked: int, seed: int) -> list[str]:
    """Sentences of three to six vocabulary words, no word twice (as the marker summariser was trained),
    the one at ``marked`` opened by the marker."""
    rng = random.Random(seed)
    words = rng.sample([w for w in VOCAB_WORDS if w.isalpha() and w.islower()], 6 * sentences)
    openers = rng.sample([w for w in VOCAB_WORDS if w.isalpha() and w[0].isupper() and w[1:].islower() and w != MARKER], sentences)
    openers[marked] = MARKER
    return [" ".join([opener] + [words.pop() for _ in range(rng.randint(2, 5))]) + "." for opener in openers]


@pytest.mark.parametrize("backend", ["ctranslate2", "transformers"])
def test_marker_summary_rests_on_the_marked_sentence_wherever_it_sits(marker_registry, backend):
    """Eight-sentence articles, staged by the 31-token window, the marker on each sentence in turn.

    The marker summariser is right on 98 % of its held-out sequences, not all: where its summary is
    the marked sentence, that sentence is the support and the only one; and it is, on most.
    """
    summariser = Summariser(marker_registry, device="cpu", backend=backend, options=Options(max_tokens=30))
    right = []
    for marked in range(8):
        article = marked_article(8, marked, seed=marked)
        result = summariser.summarise(" ".join(article), source_lang="fr")
        assert result.summary_stages >= 2
        if result.summary != normalise(article[marked]):
            continue
        right.append(marked)
        [sentence] = result.summary_sentences
        assert sentence.pairs == [marked] and sentence.flags == [], (marked, sentence)
    assert len(right) >= 7, right
