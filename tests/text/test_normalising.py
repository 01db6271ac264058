"""Numbers, names and links read the way each shipped language writes them (tables, no models)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from summarise.text._normalising import fold, links, names, numbers, parse_number


def hard_values(text: str, lang: str) -> list[set[Decimal]]:
    return [set(q.values) for q in numbers(text, lang) if not q.soft]


def D(*values) -> set[Decimal]:
    return {Decimal(str(v)) for v in values}


@pytest.mark.parametrize(
    ("token", "values"),
    [
        ("3,5", D(3.5)),
        ("3.5", D(3.5)),
        ("40 000", D(40000)),
        ("40\u202f000", D(40000)),
        ("40\u00a0000", D(40000)),
        ("40,000", D(40000, 40)),  # "40,000" is 40 in decimal-comma languages
        ("1.500", D(1500, 1.5)),
        ("1.234.567", D(1234567)),
        ("1,234,567", D(1234567)),
        ("1.234,5", D(1234.5)),
        ("1,234.5", D(1234.5)),
        ("1'000", D(1000)),
        ("0,25", D(0.25)),
        ("2024", D(2024)),
        ("٣٫٥", D(3.5)),
        ("١٢٬٠٠٠", D(12000, 12)),
    ],
)
def test_parse_number(token, values):
    assert set(parse_number(token)) == values


@pytest.mark.parametrize(
    ("token", "lang", "values"),
    [("1.500", "de", D(1500)), ("1.500", "en", D(1.5)), ("1,500", "en", D(1500)), ("1,500", "fr", D(1.5)), ("1.500", "xx", D(1500, 1.5)), ("3,25", "en", D(3.25))],
)
def test_parse_number_follows_the_language_convention(token, lang, values):
    assert set(parse_number(token, lang)) == values


# (language, text, the hard values in order): every shipped language's way of writing figures.
NUMBER_TABLE = [
    ("fr", "Le chômage est de 7,5 % et 40 000 emplois.", [D(7.5), D(40000)]),
    ("fr", "Le 14.03.2024 à 14h30.", [D(14, 1914, 2014), D(3, 1903, 2003), D(2024, 24), D(14, 2), D(30)]),
    ("fr", "Un budget de 2,5 milliards d'euros.", [D(2.5, 2500000000)]),
    ("fr", "En 2024 1 200 personnes.", [D(2024), D(1200)]),
    ("en", "Unemployment is 7.5% and 40,000 jobs.", [D(7.5), D(40000)]),
    ("en", "At 2:30 pm, $2.5bn was spent.", [D(2, 14), D(30), D(2.5, 2500000000)]),
    ("de", "Die Inflation lag bei 2,9 Prozent, 1.234,5 Euro und 3 Mio. Menschen.", [D(2.9), D(1234.5), D(3, 3000000)]),
    ("es", "El paro bajó al 11,8 % y costó 3.000 millones.", [D(11.8), D(3000, 3000000000)]),
    ("es", "Costó 2 mil millones.", [D(2, 2000000000)]),
    ("it", "Il PIL è cresciuto dello 0,7 % con 1,2 miliardi.", [D(0.7), D(1.2, 1200000000)]),
    ("nl", "De werkloosheid is 3,6 procent, 4 miljoen mensen.", [D(3.6), D(4, 4000000)]),
    ("ru", "Инфляция составила 7,4 %, 3 млн человек.", [D(7.4), D(3, 3000000)]),
    ("zh", "增长5万人，增长率为3.5%。", [D(5, 50000), D(3.5)]),
    ("ar", "ارتفع التضخم إلى ٣٫٥ ٪ و ٢ مليون.", [D(3.5), D(2, 2000000)]),
    ("ja", "2024年3月5日に12,000人。", [D(2024), D(3), D(5), D(12000)]),
    ("it", "Il sisma alle 20.10 di magnitudo 4.4.", [D(20, 8), D(10), D(4.4)]),
]


@pytest.mark.parametrize(("lang", "text", "expected"), NUMBER_TABLE)
def test_numbers_per_language(lang, text, expected):
    assert hard_values(text, lang) == expected


@pytest.mark.parametrize(
    ("lang", "text", "value"),
    [
        ("en", "three soldiers", 3),
        ("fr", "trois soldats", 3),
        ("de", "drei Soldaten", 3),
        ("es", "tres soldados", 3),
        ("it", "tre soldati", 3),
        ("nl", "drie soldaten", 3),
        ("ru", "три солдата", 3),
        ("zh", "三千五百名士兵", 3500),
        ("fr", "le 10 mars", 3),
        ("ru", "10 марта", 3),
        ("en", "on 10 March", 3),
        ("fr", "au XXIe siècle", 21),
        ("fr", "vingt-cinq soldats", 25),
        ("fr", "deux mille personnes", 2000),
        ("es", "dos mil personas", 2000),
        ("en", "twenty-five thousand people", 25000),
        ("en", "three hundred and twenty", 320),
    ],
)
def test_number_and_month_words_are_soft(lang, text, value):
    soft = [q for q in numbers(text, lang) if q.soft]
    assert any(Decimal(value) in q.values for q in soft)


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("fr", "Le secrétaire général de l'Otan, Jens Stoltenberg, a rencontré M. Macron à Bruxelles.", ["Otan", "Jens", "Stoltenberg", "Macron", "Bruxelles"]),
        ("fr", "« Nous soutenons l'Ukraine », a déclaré Emmanuel Macron.", ["Ukraine", "Emmanuel", "Macron"]),
        ("fr", "Selon l'ONU, Jean-Luc Mélenchon conteste.", ["ONU", "Jean-Luc", "Mélenchon"]),
        ("en", "The meeting in Brussels with NATO allies ended.", ["Brussels", "NATO"]),
        ("de", "Die Bundesregierung und die NATO trafen Olaf Scholz in Berlin.", ["NATO"]),  # German capitalises every noun
        ("es", "El Gobierno de Pedro Sánchez negocia con la UE.", ["Gobierno", "Pedro", "Sánchez", "UE"]),
        ("it", "Il premier Giorgia Meloni ha incontrato dell'Ue i leader.", ["Giorgia", "Meloni", "Ue"]),
        ("nl", "Premier Mark Rutte sprak met de NAVO.", ["Mark", "Rutte", "NAVO"]),
        ("ru", "Президент Владимир Путин прибыл в Москву.", ["Владимир", "Путин", "Москву"]),
        ("zh", "北约秘书长Jens Stoltenberg在布鲁塞尔表示。", ["Jens", "Stoltenberg"]),
        ("ar", "قال الأمين العام لحلف NATO إن", ["NATO"]),
        ("fr", "Au XXIe siècle. Puis.", []),
    ],
)
def test_names_per_language(lang, text, expected):
    assert names(text, lang) == expected


@pytest.mark.parametrize(
    ("name", "key"),
    [("États-Unis", "etats unis"), ("Путина", "putina"), ("Зеленский", "zelenskii"), ("MÉLENCHON", "melenchon"), ("O'Brien", "o brien"), ("Αθήνα", "athina")],
)
def test_fold(name, key):
    assert fold(name) == key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Voir https://www.nato.int/cps/fr/natohq.htm.", [("url", "https://www.nato.int/cps/fr/natohq.htm")]),
        ("(https://fr.wikipedia.org/wiki/Otan_(organisation))", [("url", "https://fr.wikipedia.org/wiki/Otan_(organisation)")]),
        ("Écrire à presse@nato.int, ou @NATO.", [("email", "presse@nato.int"), ("handle", "@NATO")]),
        ("#Ukraine et #JO2024 mais pas #1 ni C#", [("hashtag", "#Ukraine"), ("hashtag", "#JO2024")]),
        ("selon lemonde.fr et www.bbc.co.uk/news.", [("url", "lemonde.fr"), ("url", "www.bbc.co.uk/news")]),
        ("Смотрите https://kremlin.ru/events, пишите info@mid.ru.", [("url", "https://kremlin.ru/events"), ("email", "info@mid.ru")]),
        ("详情见https://www.gov.cn/。", [("url", "https://www.gov.cn/")]),
        ("Il a dit 3.5 et M. Dupont.", []),
    ],
)
def test_links(text, expected):
    assert [(link.kind, link.text) for link in links(text)] == expected
