"""Protect-and-replace: placeholders in, terms back out, verbatim, whatever the model did."""

from __future__ import annotations

import random

import pytest

from summarise.errors import InputError
from summarise.text._protecting import Glossary, GlossaryEntry, Protection, keep_terms, restore

URL = "https://www.nato.int/cps/fr/natohq.htm"
SENTENCE = f"Le parti Renaissance a perdu à l'Assemblée nationale, voir {URL}."


@pytest.fixture
def protection():
    return Protection.of(keep=["Renaissance"], glossary={"Assemblée nationale": "National Assembly"})


def test_protect_replaces_links_kept_terms_and_glossary_terms(protection):
    protected = protection.protect(SENTENCE, "fr")
    assert protected.text == "Le parti 7301 a perdu à l'7302, voir 7303."
    assert [(s.kind, s.source, s.output) for s in protected.slots] == [
        ("keep", "Renaissance", "Renaissance"),
        ("glossary", "Assemblée nationale", "National Assembly"),
        ("link", URL, URL),
    ]


def test_placeholders_skip_numbers_the_sentence_holds():
    protected = Protection.of(keep=["Otan"]).protect("En 7301, l'Otan avait 7302 membres.", "fr")
    assert protected.slots[0].placeholder == "7303"


@pytest.mark.parametrize(
    "output",
    [
        "The 7301 party lost in the 7302, see 7303.",
        "The 7 3 0 1 party lost in the 7 3 0 2 , see 7 3 0 3 .",  # a word-level tokenizer's spacing
        "The 7,301 party lost in the 7302 7302, see 7303.",  # a separator, a repeat
    ],
)
def test_restore_puts_the_terms_back(protection, output):
    restored = restore(output, protection.protect(SENTENCE, "fr"))
    assert "Renaissance" in restored.text and "National Assembly" in restored.text and URL in restored.text
    assert "730" not in restored.text.replace(" ", "")
    assert restored.reinserted == ()
    assert restored.flags() == ([], {})


def test_lost_placeholders_are_reinserted_next_to_their_anchor_and_flagged(protection):
    protected = protection.protect(SENTENCE, "fr")
    restored = restore("The parti lost, see voir.", protected)
    assert restored.text.startswith("The parti Renaissance lost")
    assert restored.text.index("voir") < restored.text.index(URL)
    flags, details = restored.flags()
    assert flags == ["placeholder", "glossary"]
    assert details == {"placeholder": {"reinserted": ["Renaissance", URL]}, "glossary": {"reinserted": ["Assemblée nationale → National Assembly"]}}


@pytest.mark.parametrize("seed", range(20))
def test_any_output_keeps_every_protected_term_verbatim(protection, seed):
    """What a random model might write: noise, fragments of placeholders, nothing at all."""
    rng = random.Random(seed)
    protected = protection.protect(SENTENCE, "fr")
    vocabulary = ["the", "7", "3", "0", "1", "73", ",", ".", "party", "voir", "parti", "7301", "L", "'"]
    output = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 12)))
    restored = restore(output, protected)
    for slot in protected.slots:
        assert restored.text.count(slot.output) >= 1


def test_keep_is_case_sensitive_and_whole_word():
    protection = Protection.of(keep=["Apple"])
    assert protection.protect("Apple vend des pommes, pas Applesauce ni apple.", "fr").text == "7301 vend des pommes, pas Applesauce ni apple."


def test_keep_terms_dedupes_and_puts_longer_first():
    assert keep_terms(["New York", " New York Times ", "", "New York"]) == ("New York Times", "New York")
    assert keep_terms("Otan") == ("Otan",)
    assert keep_terms(None) == ()


def test_glossary_file_per_language(tmp_path):
    path = tmp_path / "glossary.tsv"
    path.write_text("# terms\nAssemblée nationale\tNational Assembly\tfr\nBundestag\tBundestag\n\nLa Moncloa\tthe Moncloa Palace\tes,fr\n", encoding="utf-8")
    glossary = Glossary.load(path)
    assert glossary.entries[0] == GlossaryEntry("Assemblée nationale", "National Assembly", ("fr",))
    assert [e.source for e in glossary.for_lang("fr")] == ["Assemblée nationale", "La Moncloa", "Bundestag"]
    assert [e.source for e in glossary.for_lang("de")] == ["Bundestag"]
    protected = Protection.of(glossary=path).protect("Le Bundestag et l'assemblée nationale.", "fr")
    assert [s.output for s in protected.slots] == ["Bundestag", "National Assembly"]  # case-insensitive match


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("only one column\n", "line 1"),
        ("a\tb\n\nc\t\n", "line 3"),
        ("a\tb\na\tc\n", "already translates as 'b'"),
        ("a\tb\txx-not-a-code\n", "line 1"),
    ],
)
def test_bad_glossary_lines_are_input_errors(text, message):
    with pytest.raises(InputError, match=message):
        Glossary.parse(text)


def test_missing_glossary_file(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        Glossary.load(tmp_path / "nope.tsv")


def test_digest_changes_with_the_lists_and_is_none_without():
    assert Protection.of().digest() is None
    a = Protection.of(keep=["Otan"]).digest()
    b = Protection.of(keep=["Otan"], glossary={"Otan": "NATO"}).digest()
    assert a and b and a != b and len(a) == 12
    assert Protection.of(keep=["B", "A"]).digest() == Protection.of(keep=["A", "B"]).digest()


def test_renderings_for_the_names_check():
    protection = Protection.of(keep=["Renaissance"], glossary=[("Otan", "NATO", "fr")])
    assert protection.renderings("fr") == {"Renaissance": ["Renaissance"], "Otan": ["NATO"]}
    assert protection.renderings("de") == {"Renaissance": ["Renaissance"]}


def _registry(keep):
    from pathlib import Path

    from summarise.models import Registry

    raw = {
        "defaults": {"keep": keep},
        "models": {"mt": {"task": "translation", "source": "/models/mt", "languages": ["fr"], "max_input_tokens": 64}},
    }
    return Registry.from_dict(raw, Path("/registry/models.toml"))


def test_registry_keep_list_joins_the_callers_and_changes_the_signature():
    from summarise import Summariser

    registry = _registry(["Le Monde"])
    assert registry.keep == ("Le Monde",)
    summariser = Summariser(registry, device="cpu", keep="Renaissance", glossary={"Otan": "NATO"})
    assert set(summariser.protection().keep) == {"Le Monde", "Renaissance"}
    plain = Summariser(_registry([]), device="cpu")
    assert "|keep:" in summariser.signature(None, summary=False) and "|keep:" not in plain.signature(None, summary=False)


@pytest.mark.parametrize("keep", ["Le Monde", [1, 2], [""]])
def test_registry_keep_must_be_a_list_of_terms(keep):
    from summarise.errors import RegistryError

    with pytest.raises(RegistryError, match="defaults.keep"):
        _registry(keep)


def test_keep_and_glossary_are_per_call_options(tmp_path):
    from summarise import Summariser
    from summarise.errors import OptionsError
    from summarise.pipeline import Options

    path = tmp_path / "glossary.tsv"
    path.write_text("Otan\tNATO\tfr\n", encoding="utf-8")
    options = Options(keep="Renaissance", glossary=str(path))
    assert options.keep == ("Renaissance",) and options.glossary.entries[0].target == "NATO"
    assert Options.from_dict(options.to_dict()) == options
    assert options.to_dict()["glossary"] == [["Otan", "NATO", ["fr"]]]
    summariser = Summariser(_registry(["Le Monde"]), device="cpu")
    plain = summariser.signature(None, summary=False)
    with_lists = summariser.signature(None, summary=False, options=options)
    assert with_lists != plain and "|keep:" in with_lists
    assert set(summariser.protection(options).keep) == {"Le Monde", "Renaissance"}
    assert Summariser(_registry([]), device="cpu", glossary={"Otan": "NATO"}).options.glossary.entries[0].source == "Otan"
    with pytest.raises(OptionsError, match="keep"):
        Options(keep=[1])
