"""One language-detection policy for the library, the CLI, /translate and /v1: the same text is taken or refused
the same way everywhere, with the same confidence, and each front end names the fix in its own words."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from summarise.cli import app
from summarise.errors import LanguageError
from summarise.text._detecting import CLEAR_LEAD, MIN_CONFIDENCE, SHORT_TEXT_CHARS, LanguageDetector
from tests.support.registry import write_french_only_registry

SHORT_FRENCH = "Le président parle."  # 76 % French: not sure by the threshold, but a short text with a clear lead
SURE_FRENCH = "La guerre continue en Ukraine depuis des mois. Le président a annoncé une aide militaire."
NUMBERS = "Otan 2024 : 12 , 5 ."  # no language: Finnish 2 %, Serbian 2 %
SPANISH = "El presidente habla con los ministros sobre la guerra en Ucrania."
MIXED = ("Il presidente ha parlato ieri sera alla televisione nazionale. Le président a parlé hier soir à la télévision "
         "nationale. El presidente habló anoche en la televisión nacional. O presidente falou ontem à noite na televisão "
         "nacional. Der Präsident sprach gestern.")  # long, French at 58 %: a long text must be sure


def every_language(lang: str) -> bool:
    return True


def only_french(lang: str) -> bool:
    return lang in ("fr", "en")


@pytest.fixture(scope="module")
def detector():
    return LanguageDetector()


@pytest.mark.parametrize(
    ("text", "has_model", "taken"),
    [
        (SHORT_FRENCH, only_french, "fr"),
        (SURE_FRENCH, only_french, "fr"),
        ("Der Präsident spricht.", every_language, "de"),  # 72 %, Luxembourgish 18 %: a lead of 3.9
        (NUMBERS, every_language, "cannot tell the source language for sure (best guesses: fi 2%"),
        ("Bonjour", every_language, "cannot tell the source language for sure (best guesses: fr 15%"),  # creoles close behind
        (MIXED, every_language, "cannot tell the source language for sure (best guesses: fr 58%"),
        (SPANISH, only_french, "the text looks like es (83% sure), and no model here translates es"),
        ("   ", every_language, "cannot tell the source language for sure (best guesses: none)"),
    ],
)
def test_the_policy(detector, text, has_model, taken):
    detection = detector.detect(text)
    if len(taken) == 2:
        chosen = detector.source(text, has_model)
        assert chosen.lang == taken and chosen.confidence == detection.confidence  # the number reported is the detector's
        assert chosen.sure or (len(text) < SHORT_TEXT_CHARS and chosen.lead >= CLEAR_LEAD)
    else:
        with pytest.raises(LanguageError) as refused:
            detector.source(text, has_model)
        assert str(refused.value).startswith(taken) and refused.value.option == "source_lang"
        assert not (detection.sure and has_model(detection.lang)) or detection.lang == "und"


def test_the_threshold_is_what_a_long_text_needs(detector):
    assert not detector.detect(MIXED).sure and detector.detect(MIXED).lead >= CLEAR_LEAD and len(MIXED) >= SHORT_TEXT_CHARS
    assert detector.detect(SURE_FRENCH).confidence >= MIN_CONFIDENCE


@pytest.fixture(scope="module")
def french_only(tmp_path_factory, model_dirs):
    return write_french_only_registry(tmp_path_factory.mktemp("french-only") / "models.toml", model_dirs)


# -- and through the CLI ----------------------------------------------------------------------------------------------

runner = CliRunner()


def test_the_cli_takes_a_short_french_text_and_names_its_flag_when_unsure(tmp_path, registry_path):
    short = tmp_path / "short.txt"
    short.write_text(SHORT_FRENCH, encoding="utf-8")
    taken = runner.invoke(app, ["translate", str(short), "--models", str(registry_path), "--device", "cpu", "--format", "json"])
    assert taken.exit_code == 0, taken.stderr
    assert json.loads(taken.stdout)["detection"] == {"lang": "fr", "confidence": 0.7575, "sure": False}
    numbers = tmp_path / "numbers.txt"
    numbers.write_text(NUMBERS, encoding="utf-8")
    refused = runner.invoke(app, ["translate", str(numbers), "--models", str(registry_path), "--device", "cpu", "-s", "auto"])
    assert refused.exit_code == 1 and refused.stdout == ""
    assert "cannot tell the source language for sure" in refused.stderr
    assert refused.stderr.rstrip().endswith("pass --source-lang, e.g. --source-lang fr") and "source_lang" not in refused.stderr


def test_the_cli_names_its_flag_for_a_language_without_a_model(tmp_path, french_only):
    spanish = tmp_path / "es.txt"
    spanish.write_text(SPANISH, encoding="utf-8")
    refused = runner.invoke(app, ["translate", str(spanish), "--models", str(french_only), "--device", "cpu"])
    assert refused.exit_code == 1
    assert "the text looks like es (83% sure), and no model here translates es" in refused.stderr
    assert refused.stderr.rstrip().endswith("if it is another language, name it: pass --source-lang")


def test_an_errors_option_survives_pickling(detector):
    """Bulk work on Ray sends errors between processes: the fix must still be worded by the front end that shows it."""
    import pickle

    from summarise.errors import worded

    with pytest.raises(LanguageError) as refused:
        detector.source(NUMBERS, every_language)
    again = pickle.loads(pickle.dumps(refused.value))
    assert type(again) is LanguageError and str(again) == str(refused.value)
    assert (again.option, again.example, again.problem) == ("source_lang", "fr", refused.value.problem)
    assert worded(again, lambda option, example: f"use {option}") == f"{again.problem}: use source_lang"
    plain = pickle.loads(pickle.dumps(LanguageError("no model")))
    assert str(plain) == "no model" and plain.option is None and worded(plain, lambda *_: "never") == "no model"
