"""length_limit only when something may be missing: a piece that fills the decoder still has room for its </s>."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarise.models.engines import GenerationRequest
from summarise.models.engines._transformers import TransformersEngine
from summarise.checks import flag_pair
from summarise.models import ModelSpec
from tests import tinymodels

POSITIONS = 16


@pytest.fixture(scope="module")
def eager_to_stop(tmp_path_factory) -> Path:
    """A Marian model that always wants to write </s> next: its length is whatever min_new_tokens forces."""
    from transformers import MarianMTModel

    folder = tinymodels.build_random_marian(tmp_path_factory.mktemp("eager") / "marian", max_positions=POSITIONS)
    model = MarianMTModel.from_pretrained(folder)
    model.final_logits_bias[0, tinymodels.EOS_ID] = 1e4
    model.save_pretrained(folder)
    return folder


def test_output_that_ends_exactly_at_the_decoders_cap_is_complete(eager_to_stop):
    spec = ModelSpec(name="eager", task="translation", source=str(eager_to_stop), max_input_tokens=POSITIONS, num_beams=1, languages=("fr",))
    engine = TransformersEngine(spec, device="cpu")
    assert engine.max_output_tokens == POSITIONS
    # The longest output that still ends with </s>: POSITIONS - 1 tokens, then </s> as the last one written.
    request = GenerationRequest(num_beams=1, max_new_tokens=10_000, min_new_tokens=POSITIONS - 1)
    (output,) = engine.generate(["le chat dort"], request)
    assert output.tokens == POSITIONS - 1
    assert not output.hit_limit
    assert "length_limit" not in flag_pair("le chat dort", output.text, "fr", hit_limit=output.hit_limit)
    # Past the cap nothing can end: the flag is honest there.
    (cut,) = engine.generate(["le chat dort"], GenerationRequest(num_beams=1, max_new_tokens=10_000, min_new_tokens=POSITIONS))
    assert cut.hit_limit and cut.tokens == POSITIONS
