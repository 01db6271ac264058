"""The numbers / names / urls flags and the summary checks, on crafted sentence pairs."""

from __future__ import annotations

import pytest

from summarise.checks._facts import check_pair, check_summary, describe_details, describe_summary_details, number_diff

# Correct renderings: no flag.
CORRECT = [
    ("fr", "Le chômage est passé à 7,5 % au premier trimestre.", "Unemployment rose to 7.5% in the first quarter."),
    ("fr", "Quelque 40 000 manifestants ont défilé à Paris.", "Some 40,000 demonstrators marched in Paris."),
    ("fr", "Le budget atteint 2,5 milliards d'euros.", "The budget reaches 2.5 billion euros."),
    ("fr", "Le 14 mars 2024, à 14h30, Emmanuel Macron a parlé.", "On March 14, 2024, at 2:30 p.m., Emmanuel Macron spoke."),
    ("fr", "Le secrétaire général de l'Otan s'est rendu à Bruxelles et à Londres.", "The NATO Secretary General went to Brussels and London."),
    ("fr", "Trois soldats ont été blessés.", "3 soldiers were wounded."),
    ("fr", "Voir https://www.nato.int/cps/fr/natohq.htm pour plus.", "See https://www.nato.int/cps/fr/natohq.htm for more."),
    ("de", "Die Inflation lag im Mai bei 2,9 Prozent, teilte Destatis mit.", "Inflation was 2.9 percent in May, Destatis said."),
    ("de", "Die NATO hat 1.500 Soldaten entsandt.", "NATO has sent 1,500 soldiers."),
    ("es", "El Gobierno aprobó 3.000 millones de euros para Valencia.", "The government approved 3 billion euros for Valencia."),
    ("it", "Il PIL italiano è cresciuto dello 0,7 % secondo l'Istat.", "Italian GDP grew by 0.7% according to Istat."),
    ("nl", "Premier Mark Rutte sprak met de NAVO over 4 miljoen euro.", "Prime Minister Mark Rutte spoke with NATO about 4 million euros."),
    ("ru", "Владимир Путин встретился с президентом Германии в Москве.", "Vladimir Putin met with the President of Germany in Moscow."),
    ("ru", "Инфляция в России составила 7,4 %.", "Inflation in Russia was 7.4%."),
    ("zh", "北约秘书长Stoltenberg表示，增长了5万人。", "NATO Secretary General Stoltenberg said it grew by 50,000 people."),
    ("ar", "ارتفع التضخم إلى ٣٫٥ ٪ في مصر.", "Inflation rose to 3.5% in Egypt."),
    ("fr", "Le 2 0 2 4 copie", "Le 2 0 2 4 copie"),
    ("it", "Giorgia Meloni a Roma e alla Casa Bianca alle 20.10.", "Giorgia Meloni in Rome and at the White House at 8.10 pm."),
    ("nl", "Mark Rutte sprak met de NAVO-chef.", "Mark Rutte spoke with the NATO chief."),
    ("ru", "Путин встретился с Си Цзиньпином.", "Putin met Xi Jinping."),
    ("fr", "Voir https://www.nato.int/cps/fr/natohq/news_224113.htm.", "See https://www.nato.int/cps/fr/natohq/news_224113.htm."),
]


@pytest.mark.parametrize(("lang", "source", "translation"), CORRECT)
def test_no_flag_on_correct_renderings(lang, source, translation):
    check = check_pair(source, translation, lang)
    assert check.flags == [], check.details


def test_a_re_spaced_copy_is_not_a_number_error():
    assert number_diff("L'inflation est de 2,5 % en 2024.", "L ' inflation est de 2 , 5 % en 2 0 2 4 .", "fr") == ([], [])


@pytest.mark.parametrize(
    ("lang", "source", "translation", "flag", "details"),
    [
        ("fr", "Le chômage est passé à 7,5 %.", "Unemployment rose to 75%.", "numbers", {"missing": ["7,5"], "added": ["75"]}),
        ("fr", "Quelque 40 000 manifestants.", "Some 4,000 demonstrators.", "numbers", {"missing": ["40 000"], "added": ["4,000"]}),
        ("fr", "Le bilan est de 12 morts.", "The toll is dead.", "numbers", {"missing": ["12"]}),
        ("fr", "Le bilan est lourd.", "The toll is 12 dead.", "numbers", {"added": ["12"]}),
        ("fr", "Une aide de 2,5 milliards.", "Aid of 2.5 million.", "numbers", {"missing": ["2,5"], "added": ["2.5"]}),
        ("es", "Costó 3.000 millones.", "It cost 3,000 billion.", "numbers", {"missing": ["3.000"], "added": ["3,000"]}),
        ("zh", "约有3万人。", "About 3,000 people.", "numbers", {"missing": ["3"], "added": ["3,000"]}),
        ("fr", "Jens Stoltenberg a parlé.", "Jens Stoltenburg spoke.", "names", {"missing": ["Stoltenberg"]}),
        ("es", "La cumbre de la UE terminó.", "The summit ended.", "names", {"missing": ["UE"]}),
        ("de", "Die NATO hat 1.500 Soldaten entsandt.", "NATO has sent 15,000 soldiers.", "numbers", {"missing": ["1.500"], "added": ["15,000"]}),
        ("fr", "Le secrétaire général Jens Stoltenberg a parlé.", "The secretary general spoke.", "names", {"missing": ["Jens", "Stoltenberg"]}),
        ("ru", "Об этом заявил Сергей Лавров.", "This was stated by the minister.", "names", {"missing": ["Сергей", "Лавров"]}),
        ("fr", "Voir https://www.nato.int/cps/fr/natohq.htm.", "See https:cf hwww.nato.intcpcpslfr:natohq.htm.", "urls", {"missing": ["https://www.nato.int/cps/fr/natohq.htm"]}),
        ("es", "Escriba a prensa@gobierno.es o a @Moncloa.", "Write to press@government.es or @Moncloa.", "urls", {"missing": ["prensa@gobierno.es"]}),
    ],
)
def test_typical_errors_are_flagged_with_details(lang, source, translation, flag, details):
    check = check_pair(source, translation, lang)
    assert check.flags == [flag]
    assert check.details[flag] == details


def test_glossary_renderings_count_for_names():
    source, translation = "Le parti Renaissance a gagné.", "The Revival party won."
    assert check_pair(source, translation, "fr").flags == ["names"]
    assert check_pair(source, translation, "fr", renderings={"Renaissance": ["Revival"]}).flags == []


def test_untranslated_and_empty_pairs_are_not_judged():
    assert check_pair("Jens Stoltenberg said 3.", "nothing", "en", "en").flags == []
    assert check_pair("Jens Stoltenberg a dit 3.", "  ", "fr").flags == []


def test_describe_details():
    details = {"numbers": {"missing": ["7,5"], "added": ["75"]}, "names": {"missing": ["Stoltenberg"]}}
    assert describe_details(details) == "numbers: missing 7,5; added 75 · names: missing Stoltenberg"


TRANSLATION = "NATO allies met in Brussels on March 14. Jens Stoltenberg said 3 soldiers were wounded. Nobody else spoke."


def test_summary_supported_by_the_translation_passes():
    assert check_summary("NATO allies met in Brussels. Three soldiers were wounded, Jens Stoltenberg said.", TRANSLATION).flags == []


def test_summary_unsupported_numbers_and_names_per_sentence():
    check = check_summary("NATO allies met in Brussels on March 14. It was said by Boris Johnson that 7 soldiers died.", TRANSLATION)
    assert check.flags == ["unsupported"]
    assert check.details == [{"sentence": "It was said by Boris Johnson that 7 soldiers died.", "numbers": ["7"], "names": ["Boris", "Johnson"]}]
    assert describe_summary_details(check.details) == ["\u201cIt was said by Boris Johnson that 7 soldiers died.\u201d: numbers 7; names Boris, Johnson"]


def test_empty_and_looping_summaries():
    assert check_summary("", TRANSLATION).flags == ["empty"]
    assert check_summary("", "").flags == []
    looping = "NATO allies met met met met in Brussels."
    assert check_summary(looping, TRANSLATION).flags == ["repetition"]


def test_flag_quality_on_the_benchmark_table_meets_the_targets():
    """benchmarks/facts.py's table: every flag at precision >= 0.95 and recall >= 0.9."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "facts.py"
    spec = importlib.util.spec_from_file_location("facts_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.read_table(module.TABLE)
    assert len(rows) >= 100 and len({lang for lang, *_ in rows}) >= 6
    for flag in ("numbers", "names", "urls"):
        tp = fp = fn = 0
        for lang, expected, source, translation in rows:
            raised = flag in check_pair(source, translation, lang).flags
            tp += raised and flag in expected
            fp += raised and flag not in expected
            fn += not raised and flag in expected
        assert tp / (tp + fp) >= 0.95 and tp / (tp + fn) >= 0.9, (flag, tp, fp, fn)
