"""Reading inputs: encodings, formats, cleaning and every refusal."""

from __future__ import annotations

import codecs
import random
import subprocess
import sys
from pathlib import Path

import pytest

from summarise.errors import InputError
from summarise.inputs._reading import (
    MAX_INPUT_BYTES,
    Document,
    clean_text,
    decode_bytes,
    markdown_to_text,
    read_document,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# Characters that differ between cp1252 and latin-1 (’ œ € …) and ones they share (é à ç « »).
FRENCH = (
    "L’Assemblée a voté « à l’unanimité » la réforme du cœur de réseau.\n"
    "\n"
    "Mme Lefèvre s’interroge : coût estimé à 1 000,5 € — est-ce raisonnable ? Œuvre, façade, déjà."
)
FRENCH_LATIN1 = (
    "L'Assemblée a voté « à l'unanimité » la réforme du réseau.\n"
    "\n"
    "Mme Lefèvre s'interroge : coût estimé à 1 000,5 euros, est-ce raisonnable ? Façade, déjà, là-bas."
)

HEADLINE = "Réforme des retraites : le gouvernement cède"


@pytest.mark.parametrize(
    ("text", "data", "encoding"),
    [
        (FRENCH, FRENCH.encode("utf-8"), "utf-8"),
        (FRENCH, codecs.BOM_UTF8 + FRENCH.encode("utf-8"), "utf-8-sig"),
        (FRENCH, FRENCH.encode("cp1252"), "cp1252"),
        (FRENCH, codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le"), "utf-16-le"),
        (FRENCH, codecs.BOM_UTF16_BE + FRENCH.encode("utf-16-be"), "utf-16-be"),
        (FRENCH, codecs.BOM_UTF32_LE + FRENCH.encode("utf-32-le"), "utf-32-le"),
        (FRENCH, FRENCH.encode("utf-16-le"), "utf-16-le"),  # no BOM
        (FRENCH_LATIN1, FRENCH_LATIN1.encode("latin-1"), "cp1252"),
        (FRENCH_LATIN1, FRENCH_LATIN1.encode("cp1252"), "cp1252"),
        (HEADLINE, HEADLINE.encode("cp1252"), "cp1252"),
        ("Été", "Été".encode("cp1252"), "cp1252"),
    ],
    ids=["utf8", "utf8-bom", "cp1252", "utf16le-bom", "utf16be-bom", "utf32-bom", "utf16le-nobom",
         "latin1", "cp1252-latin1-text", "short-headline", "tiny"],
)
def test_encodings_decode_to_the_same_text(text, data, encoding):
    doc = read_document(data)
    assert doc.text == text
    assert doc.encoding == encoding
    assert doc.format == "text"


def test_decode_bytes_returns_raw_text_and_encoding():
    assert decode_bytes("Noël\r\n".encode("cp1252")) == ("Noël\r\n", "cp1252")
    assert decode_bytes(codecs.BOM_UTF8 + b"abc") == ("abc", "utf-8-sig")


def test_files_are_read_from_paths(tmp_path):
    path = tmp_path / "article.txt"
    path.write_bytes(FRENCH.replace("\n", "\r\n").encode("cp1252"))
    doc = read_document(path)
    assert doc == Document(text=FRENCH, encoding="cp1252", format="text")


def test_a_plain_str_is_text_not_a_path():
    name = str(EXAMPLES / "article_fr.txt")
    assert read_document(name).text == name
    assert read_document(Path(name)).text.startswith("Le conseil de la métropole de Valmont")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\r\nb\rc\n", "a\nb\nc"),
        ("\ufeffBonjour", "Bonjour"),
        ("e\u0301te\u0301", "été"),  # NFC
        ("un\x00 deux\x07\x1b trois\x7f\x85quatre", "un deux trois\nquatre"),
        ("tab\tstays\t  \nnext  ", "tab\tstays\nnext"),
        ("\n\n\nun\n\n\n\n\ndeux\n \n\t\n \ntrois\n\n", "un\n\ndeux\n\ntrois"),
        ("inter\u00adnational\u200b", "international"),
        ("para\u2029next\u2028line\x0cpage", "para\n\nnext\nline\npage"),
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_crlf_input_is_normalised():
    doc = read_document(b"Titre\r\n\r\n\r\n\r\nPremier paragraphe.  \r\nSuite.\r\n")
    assert doc.text == "Titre\n\nPremier paragraphe.\nSuite."


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00",
        b"\x01\x02\x03\x04\x05\x06 texte \x10\x11\x12\x13\x14\x15\x16\x17\x18\x19",
    ],
    ids=["png-nul", "control-bytes"],
)
def test_binary_input_is_refused(data):
    with pytest.raises(InputError, match=r"^image\.png looks binary \(.+\): pass a UTF-8 text, Markdown or HTML file$"):
        read_document(data, name="image.png")


def test_undecodable_input_is_refused():
    # High bytes in no order: not UTF-8, and charset-normalizer finds no charset it trusts.
    rng = random.Random(0)
    garbage = bytes(rng.randrange(0x80, 0x100) for _ in range(300))
    with pytest.raises(InputError, match=r"^could not decode stdin as text: save it as UTF-8 and retry$"):
        read_document(garbage, name="stdin")


@pytest.mark.parametrize("source", [b"", b"   \n\t \r\n", "  \n\n ", codecs.BOM_UTF8 + b"\n"])
def test_empty_input_is_refused(source):
    with pytest.raises(InputError, match=r"^input\.txt is empty: nothing to translate$"):
        read_document(source, name="input.txt")


def test_empty_file_is_refused_by_name(tmp_path):
    (tmp_path / "vide.txt").write_bytes(b"\n\n")
    with pytest.raises(InputError, match=r"^vide\.txt is empty"):
        read_document(tmp_path / "vide.txt")


def test_oversized_input_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 3 * 1024 * 1024)
    with pytest.raises(InputError) as info:
        read_document(path, max_bytes=2 * 1024 * 1024)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("big.txt is 3.0 MiB, over the 2.0 MiB input limit")
    assert "max_bytes" in message
    # The same message reaches bulk's records, where "use summarise bulk" would send the user in a circle.
    assert "summarise bulk" not in message
    with pytest.raises(InputError, match=r"^stdin is 11 bytes, over the 10 bytes input limit"):
        read_document(b"0123456789!", name="stdin", max_bytes=10)
    with pytest.raises(InputError, match="over the"):
        read_document("é" * 6, max_bytes=10)  # str size counts UTF-8 bytes
    assert MAX_INPUT_BYTES == 20 * 1024 * 1024


def test_missing_file_and_bad_format_are_refused(tmp_path):
    with pytest.raises(InputError, match="does not exist: check the path"):
        read_document(tmp_path / "absent.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_document(tmp_path)
    with pytest.raises(InputError, match=r"unknown input format 'pdf': expected one of auto, text, markdown, html"):
        read_document("texte", format="pdf")


# --------------------------------------------------------------------------- html

def test_html_page_keeps_the_article_and_drops_the_page_around_it():
    doc = read_document(EXAMPLES / "page_fr.html")
    assert doc.format == "html"
    assert doc.encoding == "utf-8"
    assert doc.title == "Un village alpin mise sur la géothermie pour chauffer ses écoles"
    assert doc.metadata == {
        "title": doc.title,
        "author": "Camille Rousseau",
        "date": "2024-03-14",
        "sitename": "Le Journal de Valmont",
        "url": "https://journal-valmont.example/regions/geothermie-saint-brevin",
    }
    paragraphs = doc.text.split("\n\n")
    assert paragraphs[0] == doc.title
    assert paragraphs[1].startswith("La commune de Saint-Brévin-les-Monts, 1 200 habitants")
    assert paragraphs[-1].startswith("La région prévoit de soutenir une vingtaine de projets")
    assert len(paragraphs) == 6
    for absent in ("alert", "dataLayer", "querySelectorAll", "font-family",   # scripts, styles
                   "Politique", "Abonnez-vous", "Économie",                    # nav
                   "L'actualité de la vallée",                                 # header
                   "Mentions légales", "redaction@",                           # footer
                   "À lire aussi", "Neige artificielle"):                      # aside
        assert absent not in doc.text, absent


SMALL_PAGE = (
    b"<!DOCTYPE html><html><head><title>Petit titre</title>"
    b'<meta name="author" content="A. Auteur"><script>alert("x")</script></head>'
    b"<body><nav><a href='/'>Accueil</a> <a href='/menu'>Menu</a></nav>"
    b"<p>Bonjour &amp; bienvenue au march\xc3\xa9.</p><footer>Pied de page</footer></body></html>"
)


def test_small_html_page_from_bytes_is_sniffed_and_menus_are_dropped():
    doc = read_document(SMALL_PAGE)
    assert doc.format == "html"
    assert doc.text == "Petit titre\n\nBonjour & bienvenue au marché."
    assert doc.metadata["title"] == "Petit titre"


def test_html_is_sniffed_after_decoding_and_without_a_suffix(tmp_path):
    utf16 = read_document(SMALL_PAGE.decode("utf-8").encode("utf-16"))
    assert (utf16.format, utf16.encoding) == ("html", "utf-16-le")
    assert utf16.text == "Petit titre\n\nBonjour & bienvenue au marché."
    page = tmp_path / "page"  # no suffix
    page.write_bytes(b"\n  " + SMALL_PAGE)
    assert read_document(page).format == "html"
    assert read_document(page, format="text").text.lstrip().startswith("<!DOCTYPE html>")


def test_html_fallback_parser_when_trafilatura_finds_nothing(monkeypatch):
    import trafilatura

    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *args, **kwargs: None)
    doc = read_document(EXAMPLES / "page_fr.html")
    assert doc.title == "Un village alpin mise sur la géothermie pour chauffer ses écoles"
    assert doc.metadata["author"] == "Camille Rousseau"
    assert doc.metadata["date"].startswith("2024-03-14")
    assert "Six forages de deux cents mètres" in doc.text
    for absent in ("alert", "Politique", "Mentions légales", "Neige artificielle", "tagline"):
        assert absent not in doc.text
    small = read_document(SMALL_PAGE)
    assert small.text == "Petit titre\n\nBonjour & bienvenue au marché."
    assert small.metadata == {"title": "Petit titre", "author": "A. Auteur"}


def test_html_without_article_text_is_refused():
    page = b"<html><body><nav>Menu Accueil</nav><script>var x = 1;</script><footer>Pied</footer></body></html>"
    with pytest.raises(InputError, match=r"^no article text found in page\.html: "):
        read_document(page, name="page.html")


def test_html_declared_latin1_is_read_as_cp1252():
    page = (
        '<html><head><meta charset="iso-8859-1"><title>Été</title></head><body><article>'
        "<p>L’été sera chaud : les prévisions annoncent 40 °C à Lyon dès la semaine prochaine.</p>"
        "</article></body></html>"
    ).encode("cp1252")
    doc = read_document(page, format="html")
    assert doc.encoding == "cp1252"
    assert "L’été sera chaud" in doc.text


# --------------------------------------------------------------------------- markdown

@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("# Titre\nPremier paragraphe.", "Titre\n\nPremier paragraphe."),
        ("Intro.\n## Sous-titre ##\nSuite.", "Intro.\n\nSous-titre\n\nSuite."),
        ("Voir [le rapport](https://ex.fr/r?a=1) et [ceci][ref].\n\n[ref]: https://x.fr", "Voir le rapport et ceci."),
        ("Une ![photo](img.png)image.", "Une image."),
        ("Un **mot** très __fort__ et *doux*.", "Un mot très fort et doux."),
        ("* élément un\n* élément deux", "* élément un\n* élément deux"),
        ("3 * 4 = 12 et 2*x*y", "3 * 4 = 12 et 2*x*y"),
        ("#hashtag n'est pas un titre", "#hashtag n'est pas un titre"),
        ("Titre\n=====\nTexte.\n\n---\n\n> Citation `code`.", "Titre\n\nTexte.\n\nCitation code."),
    ],
)
def test_markdown_to_text(markdown, text):
    assert clean_text(markdown_to_text(markdown)) == text


def test_markdown_files_by_suffix(tmp_path):
    path = tmp_path / "note.md"
    path.write_text("## Les **faits**\n\nLe [maire](https://v.fr) a parlé.\n", encoding="utf-8")
    doc = read_document(path)
    assert doc.format == "markdown"
    assert doc.text == "Les faits\n\nLe maire a parlé."


def test_to_dict_is_plain():
    doc = read_document("Bonjour.")
    assert doc.to_dict() == {"text": "Bonjour.", "encoding": "utf-8", "format": "text", "title": None, "metadata": {}, "warnings": []}


def test_importing_is_cheap():
    code = (
        "import sys, summarise.inputs._reading, summarise.text._boilerplate as b;"
        "heavy = {'trafilatura', 'charset_normalizer'} & set(sys.modules);"
        "assert not heavy, heavy; assert not b.PACKAGED_RULES.loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])
