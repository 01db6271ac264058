"""The fact checks and protection end to end, with tiny trained models that get facts right or wrong on purpose.

* the copy model (fr): exact copies raise no numbers/names/urls/placeholder flag, and
  placeholders come through it, so links and kept terms need no re-insertion;
* the digit model (de): every digit changed, so ``numbers`` fires on every sentence with digits;
* the random model (es, the fallback): protection and --keep hold all the same;
* the first-sentence summariser: staged summaries keep the article's order, supported summaries pass,
  and the digit model as a summariser states figures the translation never had.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from summarise import Summariser
from summarise.cli import app
from summarise.cli._common import ExitCode
from summarise.pipeline import Options
from summarise.checks import is_flagged
from tests import factmodels
from tests.support.registry import COPY_WINDOW, window_summariser
from tests.tinymodels import normalise

# Model outputs that depend on the int8 kernels: CI runs these again on the AVX2 ones (.ci/run).
pytestmark = pytest.mark.numerics

FACT_FLAGS = {"numbers", "names", "urls", "placeholder", "glossary"}
URL = "https://www.nato.int/cps/fr/natohq.htm"

# Vocabulary words only (the copy model reproduces them token for token), with figures and names.
COPIED = [
    "Le budget est de 2,5 milliards d'euros en 2024.",
    "Hier, 12 345 soldats de l'Otan étaient à la frontière.",
    "Le président a annoncé une aide militaire à l'Ukraine.",
    "Le sommet de Bruxelles aura lieu le 14 mars.",
    "La Russie et les États-Unis négocient à Washington.",
]
# A long article for the staged summary: each sentence short, together beyond the 31-token window.
ARTICLE = [
    "Le président a annoncé une aide militaire.",
    "Le ministre condamne les frappes.",
    "La Russie annonce des sanctions.",
    "Les drones attaquent la ville de Kiev.",
    "Le sommet aura lieu à Bruxelles.",
    "Les dirigeants européens appellent à la paix.",
]


@pytest.fixture(scope="module")
def fact_registry(tmp_path_factory, model_dirs):
    root = tmp_path_factory.mktemp("fact-models")
    digit = factmodels.train_digit_marian(root / "digit", model_dirs["copy"])
    first = factmodels.train_first_sentence_marian(root / "first", model_dirs["copy"])

    def write(summariser: str) -> str:
        path = root / f"models-{summariser}.toml"
        path.write_text(
            f"""
[defaults]
summariser = "{summariser}"
translation_fallback = "tiny-random"

[models.tiny-copy]
task = "translation"
source = "{model_dirs['copy']}"
languages = ["fr"]
max_input_tokens = {COPY_WINDOW}
num_beams = 2

[models.tiny-digit]
task = "translation"
source = "{digit}"
languages = ["de"]
max_input_tokens = {COPY_WINDOW}
num_beams = 2

[models.tiny-random]
task = "translation"
source = "{model_dirs['marian']}"
languages = ["*"]
max_input_tokens = 64
num_beams = 2
{window_summariser("first-sentence", first)}{window_summariser("digit-summary", digit)}""",
            encoding="utf-8",
        )
        return str(path)

    return {"first": write("first-sentence"), "digit": write("digit-summary")}


@pytest.fixture(scope="module")
def first(fact_registry):
    return Summariser(fact_registry["first"], device="cpu", options=Options(max_tokens=30))


def test_copy_model_exact_copies_raise_no_fact_flag(first):
    result = first.translate(" ".join(COPIED), source_lang="fr")
    assert [pair.translation for pair in result.pairs] == [normalise(s) for s in COPIED]
    for pair in result.pairs:
        assert not FACT_FLAGS & set(pair.flags), (pair.source, pair.flags, pair.details)
        assert not pair.details


def test_placeholders_come_through_the_copy_model(first):
    summariser = Summariser(first.registry, device="cpu", keep=["Bruxelles"], glossary={"Otan": "NATO"}, models=first.models)
    result = summariser.translate(f"Le sommet de Bruxelles et l'Otan : {URL} .", source_lang="fr")
    (pair,) = result.pairs
    assert URL in pair.translation and "Bruxelles" in pair.translation and "NATO" in pair.translation
    assert "Otan" not in pair.translation
    assert pair.translation.index("Bruxelles") < pair.translation.index("NATO") < pair.translation.index(URL)
    assert not FACT_FLAGS & set(pair.flags), pair.details
    assert "|keep:" in result.signature and "|keep:" not in first.translate("Le sommet.", source_lang="fr").signature


def test_digit_model_trips_numbers_on_every_sentence_with_digits(first):
    sentences = [
        "Le budget est de 2,5 milliards en 2024.",
        "Hier, 12 345 soldats.",
        "Le président a annoncé une aide militaire.",
        "Le 14 mars, 3 morts.",
        "La guerre et la paix.",
    ]
    result = first.translate(" ".join(sentences), source_lang="de")
    assert len(result.pairs) == len(sentences)
    for pair in result.pairs:
        has_digits = any(char.isdigit() for char in pair.source)
        assert ("numbers" in pair.flags) == has_digits, (pair.source, pair.translation, pair.flags)
        if has_digits:
            assert pair.details["numbers"]["missing"] and pair.details["numbers"]["added"]
    assert result.pairs[1].translation == "Hier , 2 3 4 5 6 soldats ."
    assert result.pairs[1].details["numbers"]["missing"] == ["12 345"]
    assert result.quality.by_flag["numbers"] == 3


def test_random_model_keeps_links_and_kept_terms(first):
    text = f"El partido Renaissance gana según Le Monde. Más información en {URL} o prensa@gobierno.es. Nada que proteger aquí."
    result = first.translate(text, Options(keep=("Renaissance", "Le Monde")), source_lang="es")
    assert [m.name for m in result.models] == ["tiny-random"]
    first_pair, second_pair, third_pair = result.pairs
    for term in ("Renaissance", "Le Monde"):
        assert first_pair.translation.count(term) == 1
    assert URL in second_pair.translation and "prensa@gobierno.es" in second_pair.translation
    assert "placeholder" in first_pair.flags and "placeholder" in second_pair.flags  # random weights lose them
    assert first_pair.details["placeholder"]["reinserted"] == ["Renaissance", "Le Monde"]
    assert "placeholder" not in third_pair.flags
    assert "urls" not in second_pair.flags  # put back verbatim, so the link check passes


def test_staged_first_sentence_summary_keeps_the_article_order(first):
    result = first.summarise(" ".join(ARTICLE), source_lang="fr")
    assert result.summary_stages >= 2  # the article does not fit the 31-token window at once
    assert result.summary == result.pairs[0].translation == normalise(ARTICLE[0])
    assert result.summary_flags == [] and result.summary_details == []


@pytest.mark.parametrize("beams", [1, 4])
def test_the_default_summary_path_writes_what_fp32_pytorch_writes(fact_registry, first, beams):
    """The summary's fast path (CTranslate2 int8; a stage's chunks in one batch) against fp32 PyTorch,
    on a trained summariser whose outputs are known, staged, at greedy and at the published beam 4."""
    options = Options(max_tokens=30, num_beams=beams)
    fast = Summariser(fact_registry["first"], device="cpu", options=options, models=first.models)
    slow = Summariser(fact_registry["first"], device="cpu", options=options, backend="transformers", quantization="none")
    text = " ".join(ARTICLE)
    ours, theirs = fast.summarise(text, source_lang="fr"), slow.summarise(text, source_lang="fr")
    assert [m.backend for m in ours.models] == ["ctranslate2"] * len(ours.models)
    assert {m.backend for m in theirs.models} == {"transformers"}
    assert ours.summary_stages == theirs.summary_stages >= 2
    assert ours.summary == theirs.summary
    if beams == 1:
        assert ours.summary == normalise(ARTICLE[0])


def test_digit_summariser_states_unsupported_figures(fact_registry, first):
    summariser = Summariser(fact_registry["digit"], device="cpu", options=Options(max_tokens=30), models=first.models)
    result = summariser.summarise("Le budget est de 2 milliards. Hier, 44 soldats.", source_lang="fr")
    assert result.summary_flags == ["unsupported"]
    figures = [figure for entry in result.summary_details for figure in entry.get("numbers", [])]
    assert figures and set("".join(figures)) <= {"3", "5"}
    assert is_flagged(result) and not any(pair.flags for pair in result.pairs if "numbers" in pair.flags)


def test_cli_shows_fact_flags_in_every_format_and_strict_counts_summary_flags(fact_registry, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text("Le budget est de 2 milliards. Hier, 44 soldats.", encoding="utf-8")
    runner = CliRunner()
    common = ["--models", fact_registry["digit"], "--device", "cpu", "-s", "de", "--max-tokens", "30", "--quiet"]
    data = json.loads(runner.invoke(app, ["run", str(article), "-f", "json", *common]).stdout)
    assert data["pairs"][0]["flags"][-1] == "numbers" and data["pairs"][0]["details"]["numbers"]["missing"] == ["2"]
    assert data["summary_flags"] == ["unsupported"]
    for fmt, marker in (("text", "numbers: missing 2"), ("markdown", "numbers: missing 2"), ("html", "numbers: missing 2")):
        out = runner.invoke(app, ["run", str(article), "-f", fmt, *common]).stdout
        assert marker in out, fmt
        assert ("Not in the article" if fmt == "html" else "unsupported") in out, fmt  # html: the flag's human label
    strict = runner.invoke(app, ["run", str(article), "-f", "json", "--strict", *common, "-s", "fr"])
    assert strict.exit_code == ExitCode.FLAGGED  # the copy translation is clean; the summary is not
    assert "summary: unsupported" in strict.stderr
    assert not any(pair.get("flags") for pair in json.loads(strict.stdout)["pairs"] if "numbers" in pair.get("flags", []))


def test_cli_keep_and_glossary(fact_registry, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text("Le sommet de Bruxelles et l'Otan.", encoding="utf-8")
    glossary = tmp_path / "glossary.tsv"
    glossary.write_text("Otan\tNATO\tfr\n", encoding="utf-8")
    runner = CliRunner()
    args = ["translate", str(article), "-f", "json", "--models", fact_registry["first"], "--device", "cpu", "-s", "fr", "--quiet"]
    result = runner.invoke(app, [*args, "--keep", "Bruxelles", "--keep", "sommet", "--glossary", str(glossary)])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert "NATO" in data["pairs"][0]["translation"] and "|keep:" in data["signature"]
    bad = tmp_path / "bad.tsv"
    bad.write_text("Otan NATO\n", encoding="utf-8")
    failed = runner.invoke(app, [*args, "--glossary", str(bad)])
    assert failed.exit_code == 1 and failed.stderr.startswith("Error:") and "line 1" in failed.stderr
    assert failed.stdout == ""
