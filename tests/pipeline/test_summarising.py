"""Summary bounds, staged summaries of long text, and batched final passes."""

from __future__ import annotations

import pytest

from summarise.errors import SummariseError
from summarise.models.engines._transformers import TransformersEngine
from summarise.models import Registry
from summarise.pipeline._summarising import SummarySettings, Summarizer, length_bounds
from tests.support.articles import PARAGRAPHS, long_sentence


@pytest.mark.parametrize(
    "tokens, length, expected",
    [
        (40, "short", (4, 10)),  # a short article is not padded out to the model's minimum of 56
        (100, "short", (10, 25)),
        (100, "long", (35, 60)),
        (700, "short", (56, 142)),  # long input: the model's own bounds
        (2000, "medium", (56, 142)),
        (10, "short", (1, 8)),  # never below a title-length floor, never min >= max
    ],
)
def test_length_bounds_scale_with_the_input(tokens, length, expected):
    assert length_bounds(tokens, SummarySettings(length=length), model_min=56, model_max=142) == expected


def test_explicit_bounds_override_the_preset():
    assert length_bounds(700, SummarySettings(min_tokens=5, max_tokens=30), 56, 142) == (5, 30)
    with pytest.raises(SummariseError, match="swap them"):
        SummarySettings(min_tokens=30, max_tokens=5)
    with pytest.raises(SummariseError, match="expected one of: short, medium, long"):
        SummarySettings(length="tiny")


class CountingEngine:
    """The real engine, counting generate() calls: batching must not change what comes out."""

    def __init__(self, engine):
        self.engine, self.spec, self.device, self.calls = engine, engine.spec, engine.device, 0

    max_input_tokens = property(lambda self: self.engine.max_input_tokens)
    max_output_tokens = property(lambda self: self.engine.max_output_tokens)

    def count_tokens(self, texts):
        return self.engine.count_tokens(texts)

    def generate(self, texts, request):
        self.calls += 1
        return self.engine.generate(texts, request)


@pytest.fixture(scope="module")
def engine(forced_registry):
    return TransformersEngine(Registry.load(forced_registry).get("tiny-bart"), device="cpu")


def test_long_text_is_summarised_in_stages_without_truncation(engine):
    sentences = [long_sentence(120, seed=s) for s in range(3)]  # ~400 tokens against a 64-token window
    outcome = Summarizer(engine, SummarySettings(num_beams=1)).summarise(sentences)
    assert outcome.stages >= 2 and outcome.chunks >= 6
    assert outcome.text


def test_final_passes_of_many_documents_share_batches(engine):
    documents = [[sentence] for sentence in PARAGRAPHS * 3]  # same bounds: one batch
    alone = CountingEngine(engine)
    singles = [Summarizer(alone, SummarySettings(num_beams=1)).summarise(d).text for d in documents]
    together = CountingEngine(engine)
    batched = [o.text for o in Summarizer(together, SummarySettings(num_beams=1)).summarise_many(documents)]
    assert batched == singles
    assert alone.calls == len(documents) and together.calls < alone.calls


def test_empty_documents_keep_their_place(engine):
    outcomes = Summarizer(engine, SummarySettings(num_beams=1)).summarise_many([["  "], [PARAGRAPHS[0]], []])
    assert [o.stages for o in outcomes] == [0, 1, 0]
    assert outcomes[0].text == "" and outcomes[1].text and outcomes[2].text == ""
