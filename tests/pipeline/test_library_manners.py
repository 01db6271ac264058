"""Library manners (issue 23 item 9): a short repr, arguments checked at construction, no old forms."""

from __future__ import annotations

import warnings

import pytest

from summarise import Summariser
from summarise.errors import OptionsError
from summarise.pipeline._results import REPR_SUMMARY_CHARS

LONG = " ".join(["Le président condamne la guerre. Le ministre parle."] * 40)


def test_a_result_repr_is_one_short_line(summariser):
    result = summariser.summarise(LONG, source_lang="fr")
    text = repr(result)
    assert "\n" not in text and len(text) < 300, text
    assert text.startswith("<Summary fr->en, 80 sentences, ")
    assert result.quality.describe() in text
    assert repr(result.summary[:20])[1:-1] in text or result.summary[:20] in text
    translation = summariser.translate(LONG, source_lang="fr")
    assert repr(translation) == f"<Translation fr->en, 80 sentences, {translation.quality.describe()}>"
    assert len(repr(result)) < len(LONG) // 5


def test_the_summary_in_a_repr_is_cut_with_an_ellipsis(summariser):
    from dataclasses import replace

    result = summariser.summarise("Le président condamne la guerre.", source_lang="fr")
    long = replace(result, summary="x" * 500)
    assert repr(long).endswith(repr("x" * (REPR_SUMMARY_CHARS - 1) + "…") + ">")
    assert long.summary == "x" * 500  # the repr cuts, the result keeps all of it


@pytest.mark.parametrize("kwargs, names", [
    ({"models": "models.toml"}, "registry=PATH"),
    ({"registry": 3}, "registry must be a Registry or the path of a models.toml"),
    ({"options": {"length": "medium"}}, "options must be an Options"),
    ({"threads": "2"}, "threads must be a whole number"),
])
def test_a_wrong_argument_is_named_at_construction(kwargs, names):
    with pytest.raises(OptionsError, match=names.replace("(", r"\(").replace("=", "=")):
        Summariser(**kwargs)


def test_old_per_call_keywords_are_gone_not_deprecated():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError, match="length"):
            Summariser(length="medium")
