"""Sentence/paragraph splitting and cutting of over-long text (pure text logic, no models)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from summarise.text import split_long
from summarise.text._splitting import Paragraph, is_space, split_paragraphs, split_sentences

NBSP, NNBSP = "\u00a0", "\u202f"

CASES = [
    # --- French -------------------------------------------------------------------------------
    ("M. Dupont est arrivé. Il a parlé.", "fr", ["M. Dupont est arrivé.", "Il a parlé."]),
    ("MM. Dupont et Durand sont venus. Mme Durand a voté.", "fr", ["MM. Dupont et Durand sont venus.", "Mme Durand a voté."]),
    ("Mme. Martin a voté. Elle est partie.", "fr", ["Mme. Martin a voté.", "Elle est partie."]),
    ("Selon l'art. 4 du code, c'est interdit. Art. 5 : voir plus bas.", "fr",
     ["Selon l'art. 4 du code, c'est interdit.", "Art. 5 : voir plus bas."]),
    ("Le n° 5 est sorti. Le n° 6 aussi.", "fr", ["Le n° 5 est sorti.", "Le n° 6 aussi."]),
    ("J.-P. Sartre a écrit. J. Dupont a lu.", "fr", ["J.-P. Sartre a écrit.", "J. Dupont a lu."]),
    ("Le budget atteint 1 000,5 euros. Il augmente de 3.5 % par an.", "fr",
     ["Le budget atteint 1 000,5 euros.", "Il augmente de 3.5 % par an."]),
    ("Rendez-vous à 12 h 30. Soyez à l'heure.", "fr", ["Rendez-vous à 12 h 30.", "Soyez à l'heure."]),
    ("Le vote était prévu à 18 h. Il a été reporté. Voir la p. 5 et la fig. 2. Merci.", "fr",
     ["Le vote était prévu à 18 h.", "Il a été reporté.", "Voir la p. 5 et la fig. 2.", "Merci."]),
    ("La ville compte 1.000.000 habitants. Il est né en 1990. 2000 personnes sont venues.", "fr",
     ["La ville compte 1.000.000 habitants.", "Il est né en 1990.", "2000 personnes sont venues."]),
    ("Il a dit : « Nous défendrons tous les Alliés. » Puis il est parti.", "fr",
     ["Il a dit : « Nous défendrons tous les Alliés. »", "Puis il est parti."]),
    ('"un acte délibéré, de sang froid et prévu depuis longtemps." Il accuse le gouvernement.', "fr",
     ['"un acte délibéré, de sang froid et prévu depuis longtemps."', "Il accuse le gouvernement."]),
    ("« Bonjour ! » a-t-il dit. Vraiment ? Oui.", "fr", ["« Bonjour ! » a-t-il dit.", "Vraiment ?", "Oui."]),
    (f"Vraiment{NBSP}? Oui{NNBSP}! Attention{NBSP}: danger.", "fr",
     [f"Vraiment{NBSP}?", f"Oui{NNBSP}!", f"Attention{NBSP}: danger."]),
    (f"« Qui paiera la facture si les coûts dérapent{NBSP}? », a-t-il lancé. Silence.", "fr",
     [f"« Qui paiera la facture si les coûts dérapent{NBSP}? », a-t-il lancé.", "Silence."]),
    ("Elle s'interroge : « Pourquoi si peu ? » Elle attend une réponse.", "fr",
     ["Elle s'interroge : « Pourquoi si peu ? »", "Elle attend une réponse."]),
    ("Sécheresse : les agriculteurs réclament un plan\nPar Julien Mercier\nIls ont été reçus jeudi. Ils attendent.", "fr",
     ["Sécheresse : les agriculteurs réclament un plan", "Par Julien Mercier", "Ils ont été reçus jeudi.", "Ils attendent."]),
    ("Il hésite… puis il part. Et après... Rien. Enfin… Bon.", "fr",
     ["Il hésite… puis il part.", "Et après...", "Rien.", "Enfin…", "Bon."]),
    ("Lisez www.euronews.com pour plus d'infos. Écrivez à contact@euronews.com. Le site est www.euronews.com. Merci.", "fr",
     ["Lisez www.euronews.com pour plus d'infos.", "Écrivez à contact@euronews.com.", "Le site est www.euronews.com.", "Merci."]),
    ("Voir la p. 12 et le vol. 3 du rapport, cf. Le Monde. Fin.", "fr",
     ["Voir la p. 12 et le vol. 3 du rapport, cf. Le Monde.", "Fin."]),
    ("Le texte dit : « La loi […] Elle s'applique à tous. » Fin.", "fr",
     ["Le texte dit : « La loi […] Elle s'applique à tous. »", "Fin."]),
    ("Il partit. — Bonjour, dit-elle. — Au revoir.", "fr", ["Il partit.", "— Bonjour, dit-elle.", "— Au revoir."]),
    ("Le ministre a promis une réponse \"dans les prochains jours\". Les associations jugent autrement.", "fr",
     ['Le ministre a promis une réponse "dans les prochains jours".', "Les associations jugent autrement."]),
    # --- English ------------------------------------------------------------------------------
    ("Mr. Smith met U.S. officials on Monday. They talked.", "en", ["Mr. Smith met U.S. officials on Monday.", "They talked."]),
    ("Bring fruit, e.g. apples and pears. Then leave.", "en", ["Bring fruit, e.g. apples and pears.", "Then leave."]),
    ('He asked, "Are you sure?" She nodded.', "en", ['He asked, "Are you sure?"', "She nodded."]),
    ('He left. "Goodbye," she said.', "en", ["He left.", '"Goodbye," she said.']),
    ("See No. 5 for details. What?! No way! Really?", "en", ["See No. 5 for details.", "What?!", "No way!", "Really?"]),
    ("It costs $3.50 (approx.). Buy it.", "en", ["It costs $3.50 (approx.).", "Buy it."]),
    ("Dr. Jones arrived (see Fig. 2). Gen. Lee agreed.", "en", ["Dr. Jones arrived (see Fig. 2).", "Gen. Lee agreed."]),
    # --- German -------------------------------------------------------------------------------
    ("Das ist z.B. ein Test. Nr. 5 ist fertig.", "de", ["Das ist z.B. ein Test.", "Nr. 5 ist fertig."]),
    ("Am 3. Oktober feiern wir. Wir sahen ihn z. B. gestern. Das ist schön.", "de",
     ["Am 3. Oktober feiern wir.", "Wir sahen ihn z. B. gestern.", "Das ist schön."]),
    ("Im 20. Jahrhundert, d.h. früher, war es anders. Lesen Sie Art. 5 GG. Danach sprechen wir.", "de",
     ["Im 20. Jahrhundert, d.h. früher, war es anders.", "Lesen Sie Art. 5 GG.", "Danach sprechen wir."]),
    ("„Wir schaffen das.“ Dann ging sie. »Gut.« Er nickte.", "de",
     ["„Wir schaffen das.“", "Dann ging sie.", "»Gut.«", "Er nickte."]),
    # --- Spanish ------------------------------------------------------------------------------
    ("¿Qué pasa? ¡Hola! Sr. García, bienvenido.", "es", ["¿Qué pasa?", "¡Hola!", "Sr. García, bienvenido."]),
    ("EE.UU. anunció sanciones. El art. 5 dice otra cosa.", "es", ["EE.UU. anunció sanciones.", "El art. 5 dice otra cosa."]),
    # --- Chinese / Japanese -------------------------------------------------------------------
    ("两句话。第二句！第三句？", "zh", ["两句话。", "第二句！", "第三句？"]),
    ("他说：“我们会赢。”然后他走了。价格是３．５元。", "zh", ["他说：“我们会赢。”", "然后他走了。", "价格是３．５元。"]),
    ("今日は晴れです。明日は雨でしょう！本当？", "ja", ["今日は晴れです。", "明日は雨でしょう！", "本当？"]),
    ("「行きます。」と彼は言った。すごい!本当?", "ja", ["「行きます。」と彼は言った。", "すごい!", "本当?"]),
    ("Hello。你好！", "en", ["Hello。", "你好！"]),  # CJK stops work whatever the language
    # --- Arabic / Urdu / Russian --------------------------------------------------------------
    ("هل هذا صحيح؟ نعم.", "ar", ["هل هذا صحيح؟", "نعم."]),
    ("قال الرئيس. ثم غادر! انتهى", "ar", ["قال الرئيس.", "ثم غادر!", "انتهى"]),
    ("یہ اچھا ہے۔ وہ آیا۔", "ur", ["یہ اچھا ہے۔", "وہ آیا۔"]),
    ("Г. Иванов приехал. Он устал.", "ru", ["Г. Иванов приехал.", "Он устал."]),
    # --- language code forms ------------------------------------------------------------------
    ("M. Dupont est arrivé. Il a parlé.", "fr-FR", ["M. Dupont est arrivé.", "Il a parlé."]),
    ("Mr. Smith left. Ms. Jones stayed.", "xx", ["Mr. Smith left.", "Ms. Jones stayed."]),  # English fallback
]


def _check_invariants(text: str, sentences) -> None:
    position = 0
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.start >= position and sentence.start < sentence.end
        assert not is_space(sentence.text[0]) and not is_space(sentence.text[-1])
        position = sentence.end
    covered = set()
    for sentence in sentences:
        covered.update(range(sentence.start, sentence.end))
    for index, char in enumerate(text):
        if not is_space(char):
            assert index in covered, f"character {char!r} at {index} lost"


@pytest.mark.parametrize(("text", "lang", "expected"), CASES, ids=[f"{i}-{c[1]}" for i, c in enumerate(CASES)])
def test_sentence_table(text: str, lang: str, expected: list[str]) -> None:
    sentences = split_sentences(text, lang)
    assert [s.text for s in sentences] == expected
    _check_invariants(text, sentences)


def test_paragraphs_crlf_bom() -> None:
    text = "\ufeffTitre du jour\r\n\r\nPremière phrase. Deuxième phrase.\r\nLigne suivante\r\n \t\r\n\r\n  Dernier paragraphe.  \r\n"
    paragraphs = split_paragraphs(text)
    assert [text[p.start : p.end] for p in paragraphs] == [
        "Titre du jour",
        "Première phrase. Deuxième phrase.\r\nLigne suivante",
        "Dernier paragraphe.",
    ]
    assert [p.index for p in paragraphs] == [0, 1, 2]
    assert isinstance(paragraphs[0], Paragraph)
    sentences = split_sentences(text, "fr")
    assert [(s.text, s.paragraph) for s in sentences] == [
        ("Titre du jour", 0),
        ("Première phrase.", 1),
        ("Deuxième phrase.", 1),
        ("Ligne suivante", 1),
        ("Dernier paragraphe.", 2),
    ]
    _check_invariants(text, sentences)
    for sentence in sentences:  # each sentence lies inside its paragraph
        paragraph = paragraphs[sentence.paragraph]
        assert paragraph.start <= sentence.start and sentence.end <= paragraph.end


def test_empty_and_blank() -> None:
    assert split_sentences("", "fr") == []
    assert split_sentences(" \r\n\ufeff\n\t", "fr") == []
    assert split_paragraphs("\n\n") == []
    assert split_sentences("\r\rSeul\r", "fr")[0].text == "Seul"  # lone CR is a line break too


def test_example_article() -> None:
    path = Path(__file__).resolve().parents[2] / "examples" / "article_fr.txt"
    if not path.exists():
        pytest.skip("example article not present")
    text = path.read_text(encoding="utf-8")
    sentences = split_sentences(text, "fr")
    _check_invariants(text, sentences)
    texts = [s.text for s in sentences]
    assert not any(t.endswith((" M.", " J.-P.", " l'art.")) for t in texts)


_ALPHABET = list("aBcM. !?…»«\"'“”()0123,:;-—") + ["\n", "\r\n", "\u00a0", "\ufeff", "。", "؟", "J.-P.", "www.a.com", "  ", "\n\n", "etc"]


@settings(max_examples=150, deadline=None, database=None)
@given(st.lists(st.sampled_from(_ALPHABET), max_size=40), st.sampled_from(["fr", "en", "de", "zh", "ar"]))
def test_sentences_cover_everything(parts: list[str], lang: str) -> None:
    text = "".join(parts)
    sentences = split_sentences(text, lang)
    _check_invariants(text, sentences)
    paragraphs = split_paragraphs(text)
    assert [s.paragraph for s in sentences] == sorted(s.paragraph for s in sentences)
    assert {s.paragraph for s in sentences} == set(range(len(paragraphs)))


def test_import_is_light() -> None:
    """The module imports neither torch nor sacremoses until sentences are split."""
    module = Path(__file__).resolve().parents[2] / "summarise" / "text" / "_splitting.py"
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('splitting_probe', {str(module)!r})\n"
        "m = importlib.util.module_from_spec(spec); sys.modules['splitting_probe'] = m; spec.loader.exec_module(m)\n"
        "assert 'torch' not in sys.modules and 'sacremoses' not in sys.modules, sorted(sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ----------------------------------------------------------------------------------------------
# split_long


class CountingCounter:
    """A token counter that records how it is called."""

    def __init__(self, count) -> None:
        self.count = count
        self.calls: list[list[str]] = []

    def __call__(self, texts: list[str]) -> list[int]:
        assert isinstance(texts, list)
        self.calls.append(texts)
        return [self.count(t) for t in texts]


def words(text: str) -> int:
    return len(text.split())


def _non_space(text: str) -> str:
    return "".join(c for c in text if not is_space(c))


def _check_spans(text: str, spans: list[tuple[int, int]], counter, budget: int) -> None:
    position = 0
    for start, end in spans:
        assert position <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        assert counter([text[start:end]])[0] <= budget
        position = end
    assert "".join(_non_space(text[s:e]) for s, e in spans) == _non_space(text)


def _french_sentence(words_wanted: int = 300) -> str:
    base = ("le conseil a adopté mardi soir un plan d'investissement destiné à moderniser le réseau de tramway et de bus "
            "après une longue suspension de séance selon le président de la métropole").split()
    clauses, used, size = [], 0, 5
    while used < words_wanted:
        take = min(size, words_wanted - used)
        clauses.append(" ".join(base[(used + k) % len(base)] for k in range(take)))
        used += take
        size = 5 + (size * 7) % 16  # clause lengths between 5 and 20 words
    return "Le " + ", ".join(clauses) + "."


def test_split_long_french_commas() -> None:
    text = _french_sentence()
    assert 300 <= words(text) <= 302
    counter = CountingCounter(words)
    spans = split_long(text, 40, counter)
    assert len(counter.calls) <= 5  # batched, not one call per clause
    _check_spans(text, spans, counter, 40)
    assert len(spans) > 1
    for start, end in spans[:-1]:
        assert text[start:end].endswith(",")  # every cut falls at a comma


def test_split_long_prefers_semicolons() -> None:
    half = "un, deux, trois, quatre, cinq, six, sept, huit"
    text = f"{half}; {half}; {half}"
    spans = split_long(text, 20, CountingCounter(words))
    assert [text[s:e] for s, e in spans] == [f"{half}; {half};", half]
    spans = split_long(text, 10, CountingCounter(words))
    assert [text[s:e] for s, e in spans] == [f"{half};"] * 2 + [half]


def test_split_long_colon_then_dash() -> None:
    text = "alpha beta gamma delta : epsilon zeta eta theta — iota kappa lambda mu"
    spans = split_long(text, 5, CountingCounter(words))
    assert [text[s:e] for s, e in spans] == ["alpha beta gamma delta :", "epsilon zeta eta theta —", "iota kappa lambda mu"]


def test_split_long_fits_whole() -> None:
    assert split_long("Une phrase courte.", 10, CountingCounter(words)) == [(0, 18)]
    assert split_long("  \n ", 10, CountingCounter(words)) == []
    with pytest.raises(ValueError):
        split_long("x", 0, CountingCounter(words))


def test_split_long_falls_back_to_words() -> None:
    text = " ".join(f"mot{i}" for i in range(100))
    counter = CountingCounter(words)
    spans = split_long(text, 7, counter)
    _check_spans(text, spans, counter, 7)
    assert all(words(text[s:e]) == 7 for s, e in spans[:-1])  # packed to the budget
    assert [w for s, e in spans for w in text[s:e].split()] == text.split()  # words never cut


def test_split_long_falls_back_to_characters() -> None:
    text = "court " + "x" * 100 + " fin, " + "y" * 7
    counter = CountingCounter(len)
    spans = split_long(text, 30, counter)
    assert len(counter.calls) < 20
    _check_spans(text, spans, counter, 30)
    assert "x" * 30 in [text[s:e] for s, e in spans]  # windows use the full budget


def test_split_long_with_special_tokens_overhead() -> None:
    """Like a seq2seq tokenizer that adds </s>: every text costs one extra token."""
    text = _french_sentence(200)
    counter = CountingCounter(lambda t: words(t) + 1)
    spans = split_long(text, 30, counter)
    _check_spans(text, spans, counter, 30)


def test_split_long_non_additive_counter() -> None:
    """Counting characters is not additive across joined clauses; the result must still fit."""
    text = ", ".join(["abc def"] * 30)
    counter = CountingCounter(len)
    spans = split_long(text, 20, counter)
    _check_spans(text, spans, counter, 20)


def test_split_long_cjk_without_spaces() -> None:
    text = "这是一个非常长的句子没有任何标点符号" * 5 + "，然后还有更多的文字"
    counter = CountingCounter(len)
    spans = split_long(text, 16, counter)
    _check_spans(text, spans, counter, 16)


@settings(max_examples=80, deadline=None, database=None)
@given(st.text(alphabet="ab ,;:—\n.xyz", max_size=120), st.integers(min_value=1, max_value=25))
def test_split_long_property(text: str, budget: int) -> None:
    counter = CountingCounter(len)
    spans = split_long(text, budget, counter)
    _check_spans(text, spans, counter, budget)
