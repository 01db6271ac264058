"""QA flags on sentence pairs, the loop retry, and the document-level summary."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest

from summarise.checks import _quality as quality
from summarise.text import LanguageDetector
from summarise.models.engines import Generated, GenerationRequest
from summarise.pipeline._summariser import LOOP_RETRY, SentencePair, Summariser
from summarise.checks import check_pair
from summarise.checks._quality import FLAGS, document_quality, flag_pair, has_loop, is_flagged, repetition_score
from summarise.models import ModelSpec
from summarise.pipeline._translating import RetryPolicy, TranslationSettings, Translator
from tests import tinymodels

SOURCE = "Le ministre a promis une réponse dans les prochains jours et annoncé une campagne nationale."
GOOD = "The minister promised an answer in the coming days and announced a national campaign."


@pytest.fixture(scope="module")
def detector():
    return LanguageDetector()


# -- one flag per constructed case ------------------------------------------------


def test_a_clean_pair_raises_no_flag(detector):
    assert flag_pair(SOURCE, GOOD, "fr", "en", detector) == []


def test_empty_output_of_a_real_source(detector):
    assert flag_pair(SOURCE, "", "fr", "en", detector) == ["empty"]
    assert flag_pair(SOURCE, "   ", "fr", "en", detector) == ["empty"]
    assert flag_pair("« … »", "", "fr", "en", detector) == []  # nothing to translate, nothing lost


def test_length_limit_comes_from_the_generator(detector):
    assert flag_pair(SOURCE, GOOD, "fr", "en", detector, hit_limit=True) == ["length_limit"]


def test_length_ratio_too_short_and_too_long(detector):
    assert flag_pair(SOURCE, "The minister promised.", "fr", "en", detector) == ["length_ratio"]
    padded = GOOD + " He also said many other things about water, farming, prices, the weather next year and the roads of the south-west."
    assert quality.length_ratio(SOURCE, padded) > 2.0
    assert flag_pair(SOURCE, padded, "fr", "en", detector) == ["length_ratio"]


def test_length_ratio_leaves_short_sentences_alone(detector):
    assert flag_pair("Oui, merci.", "Yes, thank you very much indeed, sir.", "fr", "en", detector) == []


def test_length_ratio_knows_that_chinese_runs_longer_in_english(detector):
    source = "习近平周二在北京会见了法国总统马克龙。"
    english = "Xi Jinping met French President Emmanuel Macron in Beijing on Tuesday."
    assert quality.length_ratio(source, english) > 2.0  # would be flagged with the Latin-script range
    assert flag_pair(source, english, "zh", "en", detector) == []
    assert flag_pair(source, "Xi met.", "zh", "en", detector) == ["length_ratio"]


@pytest.mark.parametrize(
    "looping",
    [
        "The minister promised an answer in the the the the coming days and a campaign.",  # one word four times
        "The minister promised, the minister promised, the minister promised an answer soon.",  # a phrase three times
        "In the coming days he said in the coming days that in the coming days it would rain.",  # a 4-gram three times
    ],
)
def test_repetition_flags_a_loop(looping, detector):
    assert has_loop(looping)
    assert flag_pair(SOURCE, looping, "fr", "en", detector) == ["repetition"]


def test_repetition_share_of_trigrams_catches_a_sentence_said_twice(detector):
    # No 4-gram three times and no unit three times in a row, but nearly half the trigrams come back.
    text = GOOD + " " + GOOD
    assert repetition_score(text) >= quality.REPEATED_TRIGRAM_SHARE
    assert has_loop(text)
    assert "repetition" in flag_pair(SOURCE, text, "fr", "en", detector)


def test_repetition_is_not_flagged_when_the_source_repeats_too(detector):
    source = "Non, non, non, non : le ministre refuse la réforme des retraites cette année."
    english = "No, no, no, no: the minister refuses the pension reform this year."
    assert has_loop(english) and has_loop(source)
    assert flag_pair(source, english, "fr", "en", detector) == []


def test_repetition_score_orders_texts_by_how_much_they_loop():
    assert repetition_score(GOOD) == 0.0
    assert repetition_score("") == 0.0
    mild = "the war the war the war and then peace came to the region at last"
    heavy = "the war the war the war the war the war the war the war the war"
    assert 0.0 < repetition_score(mild) < repetition_score(heavy) < 1.0


def test_copy_through_is_flagged_even_with_small_differences(detector):
    assert "copy" in flag_pair(SOURCE, SOURCE, "fr", "en", detector)
    tokenised = "le ministre a promis une reponse dans les prochains jours et annonce une campagne nationale"
    assert "copy" in flag_pair(SOURCE, tokenised, "fr", "en", detector)


def test_copy_ignores_names_and_numbers(detector):
    assert flag_pair("Emmanuel Macron", "Emmanuel Macron", "fr", "en", detector) == []
    assert flag_pair("Paris, 14 mars 2024 (AFP)", "Paris, 14 mars 2024 (AFP)", "fr", "en", detector) == []
    assert flag_pair("Otan, 2024 : 32 pays.", "Otan, 2024 : 32 pays.", "fr", "en", detector) == []


def test_wrong_language_when_confident(detector):
    german = "Der Minister hat in den kommenden Tagen eine Antwort versprochen und eine Kampagne angekündigt."
    assert flag_pair(SOURCE, german, "fr", "en", detector) == ["wrong_language"]
    # The same text is right when German is the target.
    assert flag_pair(SOURCE, german, "fr", "de", detector) == []


def test_wrong_language_leaves_short_outputs_alone(detector):
    assert quality.is_wrong_language("Ja, danke.", "en", detector) is False


def test_a_copy_is_also_in_the_wrong_language(detector):
    assert flag_pair(SOURCE, SOURCE, "fr", "en", detector) == ["copy", "wrong_language"]


def test_nothing_is_judged_when_nothing_was_translated(detector):
    assert flag_pair("The minister spoke.", "The minister spoke.", "en", "en", detector) == []


def test_flags_come_in_a_fixed_order(detector):
    flags = flag_pair(SOURCE, SOURCE + " " + SOURCE + " " + SOURCE, "fr", "en", detector, hit_limit=True)
    assert flags == [f for f in quality.FLAGS if f in flags]
    assert {"length_limit", "length_ratio", "repetition", "wrong_language"} <= set(flags)


def test_explanations_name_the_figures():
    assert "(3.00× the source's characters; expected 0.5–2 for fr→en)" in quality.explain("length_ratio", "abcdefghij" * 3, "x" * 90, "fr")
    assert "%" in quality.explain("repetition", "", "the the the the the", "fr")
    assert set(quality.FLAG_DESCRIPTIONS) == set(quality.FLAGS)


# -- documents ------------------------------------------------------------------


def _pair(flags):
    return SentencePair(source="s", translation="t", start=0, end=1, paragraph=0, flags=list(flags))


def test_document_quality_counts_flags_and_flagged_sentences():
    pairs = [_pair([]), _pair(["copy", "wrong_language"]), _pair(["repetition"]), _pair(["copy"])]
    summary = document_quality(pairs)
    assert (summary.sentences, summary.flagged) == (4, 3)
    assert summary.by_flag == {"repetition": 1, "copy": 2, "wrong_language": 1}
    assert list(summary.by_flag) == ["repetition", "copy", "wrong_language"]  # FLAGS order
    assert summary.share == 0.75
    assert json.loads(json.dumps(summary.to_dict())) == {
        "flagged": 3,
        "sentences": 4,
        "share": 0.75,
        "by_flag": {"repetition": 1, "copy": 2, "wrong_language": 1},
    }
    assert summary.describe() == "3 of 4 sentences flagged (75%): repetition 1, copy 2, wrong_language 1"


def test_document_quality_of_nothing():
    summary = document_quality([])
    assert (summary.sentences, summary.flagged, summary.share, summary.by_flag) == (0, 0, 0.0, {})


@dataclass
class _Result:
    pairs: list = field(default_factory=list)


def test_is_flagged_is_what_strict_counts():
    assert not is_flagged(_Result([_pair([]), _pair([])]))
    assert is_flagged(_Result([_pair([]), _pair(["length_limit"])]))
    assert not is_flagged(_Result([_pair(["length_limit"])]), flags=["copy", "repetition"])
    assert is_flagged(_Result([_pair(["copy"])]), flags=["copy", "repetition"])


# -- the loop retry -------------------------------------------------------------


class FakeEngine:
    """The Engine protocol, answering from a table: one answer for plain requests, one for retries."""

    def __init__(self, plain: dict[str, str], retried: dict[str, str]):
        self.spec = ModelSpec(name="fake", task="translation", source="fake/engine", languages=("fr",), num_beams=1)
        self.device = "cpu"
        self.plain, self.retried = plain, retried
        self.calls: list[tuple[list[str], GenerationRequest]] = []

    @property
    def max_input_tokens(self) -> int:
        return 64

    @property
    def max_output_tokens(self) -> int:
        return 128

    def count_tokens(self, texts):
        return [len(text.split()) + 1 for text in texts]

    def generate(self, texts, request):
        self.calls.append((list(texts), request))
        table = self.retried if request.no_repeat_ngram_size else self.plain
        return [Generated(text=table[text], tokens=len(table[text].split()), hit_limit=False) for text in texts]


LOOP = "The minister the minister the minister the minister the minister promised."
LESS = "The minister promised, the minister promised, the minister promised an answer."


def _translator(engine):
    return Translator(engine, TranslationSettings(num_beams=1), retry=LOOP_RETRY)


def test_a_looping_sentence_is_retried_once_with_anti_repetition_settings():
    engine = FakeEngine(plain={"a": LOOP, "b": GOOD}, retried={"a": GOOD + " (retry)", "b": "never asked"})
    out = _translator(engine).translate(["a", "b"])
    assert [o.text for o in out] == [GOOD + " (retry)", GOOD]
    assert [o.retried for o in out] == [True, False]
    assert len(engine.calls) == 2
    texts, request = engine.calls[1]
    assert texts == ["a"]  # only the flagged sentence goes again
    assert (request.no_repeat_ngram_size, request.repetition_penalty) == (3, 1.3)


def test_retries_of_many_sentences_share_one_batch():
    engine = FakeEngine(plain={"a": LOOP, "b": LOOP, "c": GOOD}, retried={"a": GOOD, "b": GOOD})
    _translator(engine).translate(["a", "b", "c"])
    assert len(engine.calls) == 2 and sorted(engine.calls[1][0]) == ["a", "b"]


def test_when_both_loop_the_less_repetitive_output_is_kept():
    assert has_loop(LESS) and repetition_score(LESS) < repetition_score(LOOP)
    engine = FakeEngine(plain={"a": LOOP, "b": LESS}, retried={"a": LESS, "b": LOOP})
    out = _translator(engine).translate(["a", "b"])
    assert [o.text for o in out] == [LESS, LESS]
    assert [o.retried for o in out] == [True, False]


def test_an_empty_retry_never_replaces_a_translation():
    engine = FakeEngine(plain={"a": LOOP}, retried={"a": ""})
    assert _translator(engine).translate(["a"])[0].text == LOOP


def test_without_a_policy_there_is_no_retry():
    engine = FakeEngine(plain={"a": LOOP}, retried={})
    assert Translator(engine, TranslationSettings(num_beams=1)).translate(["a"])[0].text == LOOP
    assert len(engine.calls) == 1


def test_a_custom_policy_decides_what_to_retry():
    policy = RetryPolicy(needs_retry=lambda source, output: "bad" in output, score=len, no_repeat_ngram_size=2)
    engine = FakeEngine(plain={"a": "bad output"}, retried={"a": "good output"})
    assert Translator(engine, TranslationSettings(num_beams=1), retry=policy).translate(["a"])[0].text == "good output"
    assert engine.calls[1][1].no_repeat_ngram_size == 2


# -- with a real (random, looping) tiny Marian ------------------------------------

FRENCH = (
    "Le secrétaire général de l'Otan condamne la guerre. Il appelle les dirigeants à la paix.\n\n"
    "Le ministre de la défense a déclaré mardi que l'aide militaire à l'Ukraine va continuer."
)


@pytest.fixture(scope="module")
def random_summariser(tmp_path_factory):
    root = tmp_path_factory.mktemp("quality-models")
    marian = tinymodels.build_random_marian(root / "marian")
    registry = root / "models.toml"
    registry.write_text(
        f'[defaults]\ntranslation_fallback = "noise"\n\n'
        f'[models.noise]\ntask = "translation"\nsource = "{marian}"\nlanguages = ["*"]\nmax_input_tokens = 64\nnum_beams = 2\n',
        encoding="utf-8",
    )
    return Summariser(registry, device="cpu")


def test_the_random_marian_loops_and_its_retry_does_not(random_summariser):
    translator = random_summariser.translator("fr")
    sentences = ["Le secrétaire général de l'Otan condamne la guerre.", "Il appelle les dirigeants à la paix."]
    plain = Translator(translator.engine, translator.settings).translate(sentences)
    assert all(has_loop(t.text) for t in plain)
    fixed = Translator(translator.engine, translator.settings, retry=LOOP_RETRY).translate(sentences)
    assert all(t.retried and not has_loop(t.text) for t in fixed)


def test_the_pipeline_fills_flags_and_the_quality_summary(random_summariser):
    result = random_summariser.translate(FRENCH, source_lang="fr")
    assert len(result.pairs) == 3
    for pair in result.pairs:
        found = flag_pair(pair.source, pair.translation, "fr", "en", random_summariser.detector)
        found += check_pair(pair.source, pair.translation, "fr", "en").flags  # the fact checks join in FLAGS order
        expected = [flag for flag in FLAGS if flag in found]
        assert [f for f in pair.flags if f != "length_limit"] == expected
        assert "repetition" not in pair.flags  # the retry took the loops away
    data = json.loads(json.dumps(result.to_dict()))
    assert data["quality"] == document_quality(result.pairs).to_dict()
    assert data["quality"]["sentences"] == 3
    assert result.flagged == is_flagged(result) == any(p.flags for p in result.pairs)
    assert [p.get("flags", []) for p in data["pairs"]] == [p.flags for p in result.pairs]
