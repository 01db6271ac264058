"""The HTML report (and the plain renderers' share of the same facts), and --summary-lang."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarise.cli import app
from summarise.cli._common import ExitCode
from summarise.errors import LanguageError
from summarise.pipeline import Options, SentencePair, Summariser, Translation
from summarise.output._rendering import render, render_markdown, render_text
from summarise.output import render_html
from tests import tinymodels
from tests.support.registry import write_registry
from tests.support.report import SCRIPT, crafted_summary, parse_report, text_of

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()


def invoke(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def _classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


class _Balance(HTMLParser):
    """Tag balance as a browser's tokenizer sees it (void elements never open anything)."""

    VOID = {"meta", "br", "link", "img", "hr", "input"}

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        if tag not in self.VOID:
            self.errors.append(f"self-closed <{tag}/>")

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unbalanced </{tag}>")


# -- the HTML report, from a crafted result -------------------------------------------


def test_report_is_well_formed_xml_and_balanced_html():
    page = render_html(crafted_summary())
    root = parse_report(page)
    assert root.tag == "html"
    balance = _Balance()
    balance.feed(page)
    balance.close()
    assert balance.errors == [] and balance.stack == []


def test_script_in_the_input_is_escaped_and_nothing_is_fetched():
    page = render_html(crafted_summary())
    root = parse_report(page)
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert list(root.iter("script")) == []
    assert not [e for e in root.iter() if e.get("src") or e.tag in ("link", "img", "iframe")]
    assert "<b>" not in page and "<i>" not in page  # metadata is escaped too
    assert len(list(root.iter("style"))) == 1


def test_one_row_per_paragraph_with_sentences_aligned():
    result = crafted_summary()
    root = parse_report(render_html(result))
    rows = [tr for tr in root.iter("tr") if tr.get("id")]
    assert len(rows) == len(result.paragraphs()) == 3
    for row, members in zip(rows, ([result.pairs[0]], result.pairs[1:3], [result.pairs[3]])):
        source_td, english_td = row.findall("td")
        assert source_td.get("lang") == "fr" and english_td.get("lang") == "en"
        sources = [s for s in source_td if "s" in _classes(s)]
        englishes = [s for s in english_td if "s" in _classes(s)]
        assert len(sources) == len(englishes) == len(members)
        for source, english, pair in zip(sources, englishes, members):
            number = source.find("sup").text
            assert english.find("sup").text == number
            assert text_of(source) == number + pair.source
            assert text_of(english) == number + pair.translation
    # The line break inside the third paragraph is kept on both sides.
    assert len(rows[1].findall("td")[0].findall("br")) == len(rows[1].findall("td")[1].findall("br")) == 1


def test_flagged_sentences_carry_labelled_chips_and_their_reasons_as_text():
    root = parse_report(render_html(crafted_summary()))
    flagged = [s for s in root.iter("span") if "flag" in _classes(s)]
    assert len(flagged) == 4  # two flagged pairs, on both sides
    titles = [s.get("title") for s in flagged]
    assert all(titles)  # still there for a mouse
    assert any(t.startswith("Not translated: the translation is (nearly) a copy") and "Wrong language:" in t for t in titles)
    chips = [a for a in root.iter("a") if "chip" in _classes(a)]
    assert [text_of(a) for a in chips] == ["Not translated · Wrong language", "Repeats itself"]
    assert [a.get("href") for a in chips] == ["#r3", "#r4"]
    assert chips[0].get("aria-label") == "Sentence 3 flagged: Not translated, Wrong language. Go to the reasons."
    reasons = {li.get("id"): text_of(li) for li in root.iter("li") if (li.get("id") or "").startswith("r")}
    assert list(reasons) == ["r3", "r4"]
    assert reasons["r3"].startswith("3 Not translated: the translation is (nearly) a copy of the source; Wrong language: ")
    assert reasons["r4"].startswith("4 Repeats itself: the translation repeats itself")
    clean = [s for s in root.iter("span") if "s" in _classes(s) and "flag" not in _classes(s)]
    assert clean and all(s.get("title") is None for s in clean)
    quality = next(s for s in root.iter("section") if "quality" in _classes(s))
    assert "2 of 4 sentences flagged (50%)" in text_of(quality)
    assert "hover" not in text_of(root.find("body"))
    assert [text_of(dt) for dt in quality.iter("dt")] == ["Repeats itself · 1", "Not translated · 1", "Wrong language · 1"]
    assert [a.get("href") for a in quality.iter("a")] == ["#s3", "#s4"]
    assert {e.get("id") for e in root.iter("span")} >= {"s3", "s4"}


def test_boilerplate_is_folded_where_it_stood():
    root = parse_report(render_html(crafted_summary()))
    rows = [tr for tr in root.iter("tr") if tr.find("td") is not None]
    kinds = [tr.get("id") or tr.get("class") for tr in rows]
    assert kinds == ["p0", "removed", "p2", "why", "p3", "why"]
    details = rows[1].find("td/details")
    assert details.find("summary").text == "1 line set aside as boilerplate"
    assert text_of(details.find("ul")) == "share Partager cet article"


def test_summary_metadata_languages_models_and_signature():
    result = crafted_summary()
    root = parse_report(render_html(result))
    assert root.find("head/title").text == "Un <b>titre</b>"
    assert text_of(root.find(".//h1")) == "Un <b>titre</b>"
    body = text_of(root.find("body"))
    assert "By Camille <i>R.</i>" in body and "2024-03-14" in body
    assert "French (fr) (detected, 97% confidence)" in body
    summary = next(s for s in root.iter("section") if "summary" in _classes(s))
    paragraphs = summary.findall(".//p")
    assert [p.get("lang") for p in paragraphs] == ["en", "fr"]
    assert [text_of(p) for p in paragraphs] == [result.summary, "Le ministre promet."]
    footer = text_of(root.find("body/div/footer"))
    assert "/models/copy@unpinned" in footer and "/models/bart@unpinned" in footer
    assert result.signature in footer


def test_a_translation_without_summary_or_flags_or_detection():
    result = crafted_summary()
    plain = Translation(
        original=result.original,
        source_lang="fr",
        pairs=[SentencePair(p.source, p.translation, p.start, p.end, p.paragraph) for p in result.pairs],
        models=[],
        signature="mt:none|bp:kept|v:0.1.0",
        metadata={},
    )
    root = parse_report(render_html(plain))
    assert not [s for s in root.iter("section") if "summary" in _classes(s)]
    assert "All 4 sentences passed the checks." in text_of(root)
    assert "(as given)" in text_of(root)
    assert root.find("head/title").text == "Translation report"


def test_characters_xml_forbids_are_dropped():
    result = crafted_summary()
    result.pairs[0].translation = "Bell\x07 and\x00 null"
    root = parse_report(render_html(result))
    assert "Bell and null" in text_of(root)


def test_render_dispatches_html():
    result = crafted_summary()
    assert render(result, "html") == render_html(result)


# -- the plain renderers carry the same facts ------------------------------------------


def test_markdown_has_quality_flags_boilerplate_and_the_translated_summary():
    out = render_markdown(crafted_summary())
    assert "Source language: fr (detected, 97% confidence)" in out
    assert "## Summary (fr)\n\nLe ministre promet." in out
    assert "## Quality checks\n\n2 of 4 sentences flagged (50%): repetition 1, copy 1, wrong_language 1." in out
    assert "- `copy` (1): the translation is (nearly) a copy of the source" in out
    assert "- **copy, wrong_language**: La pluie arrive demain. → La pluie arrive demain." in out
    assert "## Set aside as boilerplate\n\n- _share_: Partager cet article" in out
    assert "Camille \\<i\\>R.\\</i\\> · 2024-03-14" in out
    assert SCRIPT not in out


def test_text_has_the_translated_summary_and_the_quality_line():
    out = render_text(crafted_summary(), width=100)
    assert out.index("SUMMARY\n") < out.index("SUMMARY (fr)\n\nLe ministre promet.") < out.index("ORIGINAL (fr)")
    assert "FLAGGED: 2 of 4 sentences flagged (50%): repetition 1, copy 1, wrong_language 1" in out


def test_json_has_the_summary_language_fields():
    data = json.loads(render(crafted_summary(), "json"))
    assert list(data)[:3] == ["summary", "summary_lang", "summary_translated"]
    assert (data["summary_lang"], data["summary_translated"]) == ("fr", "Le ministre promet.")
    assert data["quality"] == {"flagged": 2, "sentences": 4, "share": 0.5, "by_flag": {"repetition": 1, "copy": 1, "wrong_language": 1}}


# -- through the pipeline and the CLI, with tiny models -----------------------------


@pytest.fixture(scope="module")
def random_registry(tmp_path_factory) -> Path:
    """fr and every other language through the random Marian; no copy model needed."""
    root = tmp_path_factory.mktemp("report-models")
    dirs = {"marian": tinymodels.build_random_marian(root / "marian"), "bart": tinymodels.build_random_bart(root / "bart")}
    return write_registry(root / "models.toml", dirs, fr_model="marian")


@pytest.fixture(scope="module")
def summary_lang_registry(tmp_path_factory, model_dirs) -> Path:
    extra = f'\n[models.tiny-en-fr]\ntask = "translation"\nsource = "{model_dirs["copy"]}"\nlanguages = ["en"]\ntarget = "fr"\nmax_input_tokens = 32\nnum_beams = 2\n'
    return write_registry(tmp_path_factory.mktemp("summary-lang") / "models.toml", model_dirs, extra=extra)


def test_a_script_in_the_article_text_reaches_the_report_escaped(random_registry):
    text = f"Le ministre a parlé. {SCRIPT} La pluie arrive demain.\n\nFin de l'article.\n"
    result = Summariser(random_registry, device="cpu").summarise(text, source_lang="fr")
    page = render_html(result)
    root = parse_report(page)
    assert SCRIPT not in page and list(root.iter("script")) == []
    sources = "".join(text_of(td) for td in root.iter("td") if "src" in _classes(td))
    assert SCRIPT in sources  # shown as text, in the original's column


def test_cli_writes_an_html_report_of_a_scraped_page(random_registry, tmp_path):
    target = tmp_path / "report.html"
    result = invoke("run", EXAMPLES / "scraped_fr.txt", "--models", random_registry, "--format", "html", "-o", target, "--device", "cpu")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    root = parse_report(target.read_text(encoding="utf-8"))
    assert [d.find("summary").text for d in root.iter("details")]  # the share widgets and the like, folded
    assert len([tr for tr in root.iter("tr") if tr.get("id")]) >= 5


def test_cli_strict_fails_on_flagged_documents_only(random_registry, tmp_path):
    french = tmp_path / "fr.txt"
    french.write_text("Le ministre de la défense a déclaré mardi que l'aide militaire à l'Ukraine va continuer.\n", encoding="utf-8")
    flagged = invoke("translate", french, "--models", random_registry, "-f", "json", "--strict", "-s", "fr")
    assert flagged.exit_code == ExitCode.FLAGGED, flagged.output
    assert json.loads(flagged.stdout)["quality"]["flagged"] == 1  # the output is still written
    assert "Flagged:" in flagged.stderr
    lenient = invoke("translate", french, "--models", random_registry, "-f", "json", "-s", "fr")
    assert lenient.exit_code == 0
    english = invoke("translate", "-", "--models", random_registry, "-f", "json", "--strict", "-s", "en", input="The minister spoke on Tuesday.\n")
    assert english.exit_code == 0, english.output


def test_summary_lang_translates_the_summary_through_the_en_xx_model(summary_lang_registry, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text("Le secrétaire général de l'Otan condamne la guerre. Il appelle les dirigeants à la paix.\n", encoding="utf-8")
    result = invoke("run", article, "--models", summary_lang_registry, "-f", "json", "--summary-lang", "fr", "--device", "cpu")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["summary_lang"] == "fr"
    assert [m["role"] for m in data["models"]] == ["translation", "summarisation", "summary_translation"]
    assert "|slang:fr:" in data["signature"]
    # The en-fr model is the copy model: the summary comes back as itself, token for token.
    assert data["summary"].strip()
    assert data["summary_translated"].split() == tinymodels.normalise(data["summary"]).split()


def test_summary_lang_without_a_model_is_a_one_line_error(summary_lang_registry):
    with pytest.raises(LanguageError, match=r"no translation model for en-de in .*models\.toml"):
        Summariser(summary_lang_registry, options=Options(summary_lang="de"))
    result = invoke("run", "-", "--models", summary_lang_registry, "--summary-lang", "de", input="Le ministre parle.\n")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no translation model for en-de") and result.stderr.count("\n") == 1


def test_summary_lang_en_is_the_summary_itself(summary_lang_registry):
    summariser = Summariser(summary_lang_registry, options=Options(summary_lang="en"), device="cpu")
    assert summariser.summary_translation_spec(summariser.options) is None
