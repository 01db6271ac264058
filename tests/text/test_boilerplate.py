"""Boilerplate lines of scraped articles: what goes, what stays, and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarise.text._boilerplate import (
    PACKAGED_RULES,
    BoilerplateRules,
    RemovedLine,
    remove_boilerplate,
    table_language,
)
from summarise.errors import SummariseError
from summarise.inputs import read_document

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NBSP = "\u00a0"

SCRAPED_REMOVED = [
    ("repeated headline", "Sécheresse : les agriculteurs du Sud-Ouest réclament un plan d'urgence pour l'irrigation"),
    ("credit line", f"Tous droits réservés{NBSP}Claire Martin/Copyright 2024 Agence Exemple. All rights reserved"),
    ("byline", f"Par{NBSP}Julien MercierEuronews"),
    ("share widget", "Partager cet articleDiscussion"),
    ("share widget", "Partager cet articleClose Button"),
    ("share widget", "Copier/coller le lien embed de la vidéo de l'article :Copy to clipboardLien copié"),
    ("ad marker", "PUBLICITÉ"),
    ("share widget", "Partager cet articleDiscussion"),
    ("related links", "À découvrir également"),
    ("related links", "Canicule : vigilance orange dans douze départements du Sud"),
    ("related links", "Les nappes phréatiques encore sous les normales de saison, selon un rapport régional"),
    ("related links", "Prix de l'eau : les collectivités face à la hausse des coûts de traitement"),
]
SCRAPED_KEPT_STARTS = [
    "Sécheresse : les agriculteurs du Sud-Ouest",
    "Face à des nappes phréatiques au plus bas",
    "Les représentants des exploitants du Gers",
    '"Nous ne demandons pas l\'impossible',
    "Le ministre a promis une réponse",
    "Les hydrologues rappellent",
]


@pytest.fixture(scope="module")
def scraped() -> str:
    return read_document(EXAMPLES / "scraped_fr.txt").text


def test_scraped_article_loses_every_boilerplate_line(scraped):
    text, removed = remove_boilerplate(scraped, "fr")
    assert [(r.reason, r.text) for r in removed] == SCRAPED_REMOVED
    for r in removed:
        assert scraped[r.start:r.end] == r.text
    assert [r.start for r in removed] == sorted(r.start for r in removed)

    paragraphs = text.split("\n\n")
    assert len(paragraphs) == len(SCRAPED_KEPT_STARTS)
    for paragraph, start in zip(paragraphs, SCRAPED_KEPT_STARTS, strict=True):
        assert paragraph.startswith(start)
        assert paragraph in scraped  # kept text is untouched
    assert "\n\n\n" not in text
    assert "publicité nationale" in text  # "publicité" mid-sentence stays


def test_nothing_is_lost(scraped):
    text, removed = remove_boilerplate(scraped, "fr")
    kept_lines = [line for line in text.split("\n") if line]
    original_lines = [line.strip() for line in scraped.split("\n") if line.strip()]
    assert sorted(kept_lines + [r.text for r in removed]) == sorted(original_lines)


def test_clean_article_is_unchanged():
    article = read_document(EXAMPLES / "article_fr.txt").text
    assert remove_boilerplate(article, "fr") == (article, [])


def test_seed_style_headline_only_repeats_near_the_top():
    body = "\n\n".join(f"Paragraphe {i} du corps de l'article." for i in range(8))
    text = f"Titre du jour\n\n{body}\n\nTitre du jour"
    cleaned, removed = remove_boilerplate(text, "fr")
    assert removed == []
    assert cleaned == text


@pytest.mark.parametrize(
    "line",
    [
        "Le ministre a annoncé une campagne de publicité pour encourager les économies d'eau.",
        "Publicité mensongère : l'enseigne condamnée",
        "Par ailleurs, le ministre a rappelé les règles.",
        "Partager les richesses : le débat revient à l'Assemblée",
        "Tous droits réservés " + "x" * 200,  # too long to be a credit line
    ],
)
def test_body_lines_that_look_like_boilerplate_stay(line):
    text = f"Titre\n\n{line}\n\nFin de l'article."
    assert remove_boilerplate(text, "fr") == (text, [])


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Publicité", "ad marker"),
        ("PUBLICITE", "ad marker"),
        ("Par Marie Dupont avec AFP", "byline"),
        ("Par J.-P. Martin, Euronews", "byline"),
        ("Crédit photo : Jean Petit", "credit line"),
        ("© Agence Exemple", "credit line"),
        ("Partager sur Facebook", "share widget"),
        ("Lien copié", "share widget"),
        ("Advertisement", "ad marker"),  # from [any]
    ],
)
def test_french_lines_and_their_reasons(line, reason):
    text = f"Titre\n\nPremier paragraphe.\n{line}\nDeuxième paragraphe."
    cleaned, removed = remove_boilerplate(text, "fr")
    assert cleaned == "Titre\n\nPremier paragraphe.\nDeuxième paragraphe."
    assert removed == [RemovedLine(line, text.index(line), text.index(line) + len(line), reason)]


def test_trailer_followed_by_body_text_removes_only_the_heading():
    body = "Cette phrase est un paragraphe du corps de l'article qui continue après l'encadré."
    text = f"Titre\n\nDébut.\n\nLire aussi\n\nUn autre titre\n\n{body}"
    cleaned, removed = remove_boilerplate(text, "fr")
    assert [(r.reason, r.text) for r in removed] == [("related links", "Lire aussi")]
    assert cleaned == f"Titre\n\nDébut.\n\nUn autre titre\n\n{body}"


ENGLISH = """Storm closes ports along the Channel coast

Storm closes ports along the Channel coast
Photo: Jane Doe/Example Agency
By Tom Harris and Ana Lopez
Share this article
Advertisement

Ferry services between the two coasts were suspended on Tuesday as winds reached 120 km/h.

The port authority said an advertisement campaign would warn travellers before the next storm.

Read more
Council approves new harbour budget
Fishing fleet stays in port for a third day
"""


def test_english_rules():
    cleaned, removed = remove_boilerplate(ENGLISH, "en")
    assert [(r.reason, r.text) for r in removed] == [
        ("repeated headline", "Storm closes ports along the Channel coast"),
        ("credit line", "Photo: Jane Doe/Example Agency"),
        ("byline", "By Tom Harris and Ana Lopez"),
        ("share widget", "Share this article"),
        ("ad marker", "Advertisement"),
        ("related links", "Read more"),
        ("related links", "Council approves new harbour budget"),
        ("related links", "Fishing fleet stays in port for a third day"),
    ]
    assert all(ENGLISH[r.start:r.end] == r.text for r in removed)
    assert cleaned == (
        "Storm closes ports along the Channel coast\n\n"
        "Ferry services between the two coasts were suspended on Tuesday as winds reached 120 km/h.\n\n"
        "The port authority said an advertisement campaign would warn travellers before the next storm."
    )


def test_unknown_language_uses_only_the_rules_for_any():
    text = "Titre\nCopy to clipboard\nClose Button\nADVERTISEMENT\nPUBLICITÉ\nÀ découvrir également\nLe corps."
    cleaned, removed = remove_boilerplate(text, "xx")
    assert [(r.reason, r.text) for r in removed] == [
        ("share widget", "Copy to clipboard"),
        ("share widget", "Close Button"),
        ("ad marker", "ADVERTISEMENT"),
    ]
    assert cleaned == "Titre\nPUBLICITÉ\nÀ découvrir également\nLe corps."
    assert BoilerplateRules.load("xx").lang == "any"


@pytest.mark.parametrize(
    ("lang", "table"),
    [("fr", "fr"), ("FR", "fr"), ("fr-CA", "fr"), ("fra_Latn", "fr"), ("deu_Latn", "de"), ("nl", "nl"),
     ("zz", "any"), ("", "any"), ("settings", "any"), ("aliases", "any")],
)
def test_language_codes_pick_a_table(lang, table):
    assert table_language(PACKAGED_RULES.table(), lang) == table


@pytest.mark.parametrize(
    ("lang", "line", "reason"),
    [
        ("de", "Anzeige", "ad marker"),
        ("de", "Artikel teilen", "share widget"),
        ("es", "Publicidad", "ad marker"),
        ("es", "Compartir este artículo", "share widget"),
        ("it", "Pubblicità", "ad marker"),
        ("it", "Condividi", "share widget"),
        ("nl", "Advertentie", "ad marker"),
        ("nl", "Deel dit artikel", "share widget"),
    ],
)
def test_other_languages_have_tables(lang, line, reason):
    assert BoilerplateRules.load(lang).reason_for(line) == reason


def test_packaged_rules_are_cached():
    assert BoilerplateRules.load("fr") is BoilerplateRules.load("fr-FR")


def test_custom_table(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(
        '[any]\n[[any.lines]]\nreason = "promo"\npatterns = ["(?i)^offre spéciale"]\n'
        '[fr]\ntrailer_headings = ["^Voir$"]\n',
        encoding="utf-8",
    )
    rules = BoilerplateRules.load("fr", path)
    cleaned, removed = remove_boilerplate("Texte.\nOffre spéciale -50 %\nSuite.\nVoir\nLien", "fr", rules=rules)
    assert cleaned == "Texte.\nSuite."
    assert [r.reason for r in removed] == ["promo", "related links", "related links"]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[any]\n[[any.lines]]\nreason = "x"\npatterns = ["(unclosed"]\n', r"bad pattern '\(unclosed' in \[any\]"),
        ('[any]\n[[any.lines]]\npatterns = ["^x$"]\n', "has no reason"),
        ("[any\n", "is not valid TOML"),
    ],
)
def test_broken_tables_are_reported(tmp_path, toml, message):
    path = tmp_path / "rules.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(SummariseError, match=message):
        BoilerplateRules.load("fr", path)


def test_removed_line_to_dict():
    _, removed = remove_boilerplate("Titre\n  PUBLICITÉ  \nCorps.", "fr")
    assert [r.to_dict() for r in removed] == [{"text": "PUBLICITÉ", "start": 8, "end": 17, "reason": "ad marker"}]


# --- issue 9: credit lines in their other forms, "read also" headings with the title on the line ---

CREDITS_AND_RELATED = [
    ("fr", "Crédits photos : Jean Petit, Marie Durand", "credit line"),
    ("fr", "Crédit photo : AFP", "credit line"),
    ("fr", "Photo : Ludovic Marin / AFP", "credit line"),
    ("fr", "Photos : Reuters", "credit line"),
    ("fr", "© Ludovic Marin / AFP", "credit line"),
    ("fr", "Le président à l'Élysée, le 3 mai. © J. Dupont / AFP", "credit line"),
    ("fr", "AFP", "credit line"),
    ("fr", "(Reuters)", "credit line"),
    ("fr", "Photo AFP", "credit line"),
    ("fr", "Ludovic Marin / AFP", "credit line"),
    ("fr", "AFP / Getty Images", "credit line"),
    ("fr", "Avec AFP", "credit line"),
    ("fr", "Le Figaro avec AFP et Reuters", "credit line"),
    ("fr", "À lire aussi » Sécheresse : le gouvernement promet un plan pour l'eau", "related link"),
    ("fr", "Lire aussi : Les nappes phréatiques au plus bas", "related link"),
    ("fr", "LIRE AUSSI - Canicule : vigilance orange dans douze départements", "related link"),
    ("fr", "Sur le même sujet : Prix de l'eau, les collectivités face à la hausse", "related link"),
    ("fr", "> À voir aussi : notre carte des restrictions d'eau", "related link"),
    ("en", "Photograph: Michel Euler/AP", "credit line"),
    ("en", "AP Photo/Michel Euler", "credit line"),
    ("en", "Image source, Getty Images", "credit line"),
    ("en", "Photos: Reuters", "credit line"),
    ("en", "Photo by Jane Doe", "credit line"),
    ("en", "(Reuters)", "credit line"),
    ("en", "Read more: Storm closes ports along the Channel coast", "related link"),
    ("en", "READ MORE: Council approves new harbour budget", "related link"),
    ("en", "Related: Fishing fleet stays in port", "related link"),
    ("de", "Foto: dpa", "credit line"),
    ("de", "Fotos: Michael Kappeler/dpa", "credit line"),
    ("de", "Bild: Keystone", "credit line"),
    ("de", "Lesen Sie auch: Bahn streicht Verbindungen im Süden", "related link"),
    ("de", "Mehr zum Thema: Die Rente mit 70", "related link"),
    ("es", "Foto: EFE", "credit line"),
    ("es", "Imagen: Europa Press", "credit line"),
    ("es", "(EFE)", "credit line"),
    ("es", "Lee también: El Gobierno aprueba el nuevo plan hidrológico", "related link"),
    ("es", "Te puede interesar: La sequía en Cataluña", "related link"),
    ("it", "Foto ANSA", "credit line"),
    ("it", "Foto: LaPresse", "credit line"),
    ("it", "Leggi anche: Il governo approva il decreto siccità", "related link"),
    ("it", "LEGGI ANCHE Siccità, il piano del governo", "related link"),
    ("nl", "Foto: ANP", "credit line"),
    ("nl", "Beeld: ANP / Robin van Lonkhuijsen", "credit line"),
    ("nl", "Lees ook: Kabinet trekt extra geld uit voor dijken", "related link"),
    ("nl", "Lees ook | Droogte treft boeren in het oosten", "related link"),
    # languages without a table of their own: the rules for [any]
    ("ru", "Фото: Иван Петров / ТАСС", "credit line"),
    ("ru", "РИА Новости", "credit line"),
    ("ru", "Читайте также: В Архангельске открыли новый мост", "related link"),
    ("uk", "Читайте також: Львів відновить дерев'яні церкви", "related link"),
    ("pl", "Czytaj także: Szybsza kolej na Kaszuby", "related link"),
    ("sv", "Läs också: Ny bro över Umeälven invigd", "related link"),
    ("tr", "İlgili Haber: İzmir'de toplu ulaşıma yeni düzenleme", "related link"),
    ("zh", "相关阅读：杭州地铁新线路年底开通", "related link"),
    ("ja", "写真：北海道日日新聞社", "credit line"),
]


@pytest.mark.parametrize(("lang", "line", "reason"), CREDITS_AND_RELATED, ids=[f"{c[0]}-{i}" for i, c in enumerate(CREDITS_AND_RELATED)])
def test_credit_and_related_lines_are_removed_with_their_reason(lang, line, reason):
    text = f"Titre de l'article\n\nPremier paragraphe du corps.\n{line}\nDeuxième paragraphe du corps."
    cleaned, removed = remove_boilerplate(text, lang)
    assert removed == [RemovedLine(line, text.index(line), text.index(line) + len(line), reason)]
    assert cleaned == "Titre de l'article\n\nPremier paragraphe du corps.\nDeuxième paragraphe du corps."


RUNNING_TEXT = [
    ("fr", "Selon l'AFP, le bilan s'élève à douze morts."),
    ("fr", "Les photos publiées par l'AFP montrent les dégâts."),
    ("fr", "Reuters, AFP et d'autres médias ont rapporté la nouvelle."),
    ("fr", "Photo de famille : les dirigeants ont posé ensemble avant le sommet."),
    ("fr", "Lire aussi le rapport de la Cour des comptes, publié mardi, qui éclaire le débat."),
    ("fr", "Le symbole © figure sur chaque page du rapport."),
    ("fr", "AFP : l'agence a publié un démenti dans la soirée."),
    ("en", "Reuters reported that the talks had stalled."),
    ("en", "The photo, taken by an AFP photographer, went viral."),
    ("en", "Read more about the plan on the ministry's website."),
    ("de", "Wie dpa berichtet, ist die Lage ruhig."),
    ("de", "Lesen Sie auch den Bericht des Rechnungshofs, der am Dienstag erschien."),
    ("es", "Según EFE, el acuerdo se firmó ayer por la tarde."),
    ("it", "Secondo l'ANSA, il governo ha approvato il decreto."),
    ("nl", "Volgens ANP is de brug weer open voor verkeer."),
    ("ru", "По данным ТАСС, мост откроют в декабре."),
    ("ru", "Читайте также внимательно инструкцию к лекарству."),
    ("pl", "Czytaj także regulamin, zanim podpiszesz umowę."),
]


@pytest.mark.parametrize(("lang", "line"), RUNNING_TEXT, ids=[f"{c[0]}-{i}" for i, c in enumerate(RUNNING_TEXT)])
def test_running_text_about_agencies_and_photos_stays(lang, line):
    text = f"Titre de l'article\n\nPremier paragraphe du corps.\n{line}\nDeuxième paragraphe du corps."
    assert remove_boilerplate(text, lang) == (text, [])
