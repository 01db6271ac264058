"""Per-call options: checked values, carried in results, and a Summariser that keeps only model settings."""

from __future__ import annotations

import dataclasses
import warnings

import pytest

from summarise import Summariser
from summarise.errors import LanguageError, OptionsError
from summarise.pipeline import Options

TEXT = "Le président condamne la guerre. Le ministre appelle à la paix."


@pytest.mark.parametrize(
    "changes, error, message",
    [
        ({"num_beams": 0}, OptionsError, "num_beams must be a whole number from 1 to 16"),
        ({"num_beams": -2}, OptionsError, "from 1 to 16"),
        ({"num_beams": 17}, OptionsError, "from 1 to 16"),
        ({"num_beams": 2.5}, OptionsError, "not 2.5"),
        ({"num_beams": True}, OptionsError, "not True"),
        ({"length": "huge"}, OptionsError, "unknown summary length 'huge', expected one of: short, medium, long"),
        ({"min_tokens": -1}, OptionsError, "min_tokens must be a whole number of at least 0"),
        ({"max_tokens": 0}, OptionsError, "max_tokens must be a whole number of at least 1"),
        ({"min_tokens": 50, "max_tokens": 10}, OptionsError, "min_tokens 50 is above max_tokens 10: swap them"),
        ({"summary_lang": "french!"}, LanguageError, "is not a language code"),
        ({"summary_lang": 3}, OptionsError, "summary_lang must be a language code"),
        ({"keep_boilerplate": "yes"}, OptionsError, "keep_boilerplate must be True or False"),
    ],
)
def test_bad_options_say_what_is_wrong(changes, error, message):
    with pytest.raises(error, match=message):
        Options(**changes)
    with pytest.raises(error, match=message):
        Options().replace(**changes)


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, {"num_beams": None, "length": "short", "min_tokens": None, "max_tokens": None, "summary_lang": None, "keep_boilerplate": False}),
        ({"num_beams": 1, "length": "long"}, {"num_beams": 1, "length": "long"}),
        ({"summary_lang": " FR "}, {"summary_lang": "fr"}),
        ({"summary_lang": "en"}, {"summary_lang": None}),  # the summary is English already
        ({"min_tokens": 0, "max_tokens": 5}, {"min_tokens": 0, "max_tokens": 5}),
    ],
)
def test_good_options_and_their_dict(changes, expected):
    options = Options(**changes)
    data = options.to_dict()
    assert {key: data[key] for key in expected} == expected
    assert Options.from_dict(data) == options
    assert list(data) == [f.name for f in dataclasses.fields(Options)]


def test_options_are_frozen_and_unknown_keys_are_named():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Options().length = "long"  # type: ignore[misc]
    with pytest.raises(OptionsError, match="unknown option\\(s\\) beams: expected some of"):
        Options.from_dict({"beams": 2})


def test_signature_parts_come_from_one_method():
    assert Options().signature_parts() == [("bp", "removed")]
    assert Options(keep_boilerplate=True).signature_parts() == [("bp", "kept")]


def test_per_call_options_travel_in_the_result(summariser):
    long = Options(length="long", num_beams=1)
    result = summariser.summarise(TEXT, long, source_lang="fr")
    assert result.options == long
    assert result.to_dict()["options"] == long.to_dict()
    assert "len:long" in result.signature and "beams:1" in result.signature and "sbeams:1" in result.signature
    default = summariser.summarise(TEXT, source_lang="fr")
    assert default.options == summariser.options == Options()
    assert "len:short" in default.signature and "beams:2" in default.signature  # the registry's beams
    translated = summariser.translate(TEXT, Options(keep_boilerplate=True), source_lang="fr")
    assert translated.options.keep_boilerplate and translated.signature.endswith("|bp:kept|v:0.1.0")


def test_per_call_settings_are_options_not_summariser_arguments(registry_path):
    with pytest.raises(TypeError, match="unexpected keyword argument 'num_beams'"):
        Summariser(registry_path, device="cpu", num_beams=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        summariser = Summariser(registry_path, device="cpu", options=Options(length="long", num_beams=1))
    assert summariser.options == Options(length="long", num_beams=1)


def test_translators_are_cached_by_the_whole_spec_and_settings(summariser):
    spec = summariser.translation_spec("fr")
    one = summariser.translator("fr", Options(num_beams=1))
    assert summariser.translator("fr", Options(num_beams=1)) is one
    two = summariser.translator("fr", Options(num_beams=2))
    assert two is not one and two.settings.num_beams == 2 and one.settings.num_beams == 1
    narrower = dataclasses.replace(spec, max_input_tokens=spec.max_input_tokens - 8)  # same source, another window
    other = summariser.translator_for(narrower, Options(num_beams=1))
    assert other is not one and other.engine.spec.max_input_tokens == spec.max_input_tokens - 8


def test_with_cache_leaves_the_original_alone(summariser):
    from summarise import MemoryCache

    cache = MemoryCache(100)
    before = summariser.cache
    twin = summariser.with_cache(cache)
    assert twin.cache is cache and summariser.cache is before
    assert twin.models is summariser.models and twin.options == summariser.options
    twin.translate(TEXT, source_lang="fr")
    assert cache.misses > 0 and twin.translator("fr").cache is cache
    assert summariser.translator("fr").cache is before
