"""Library manners (issue 23 item 9): a short repr, arguments checked at construction, no old forms."""

from __future__ import annotations

import warnings

import pytest

from summarise import Summariser
from summarise.errors import OptionsError
from summarise.pipeline._results import REPR_SUMMARY_CHARS

LONG = " ".join(["Le président condamne la guerre. Le ministre parle."] * 40)


def test_a_result_repr_is_one_short_line(summariser):
    result = summariser.summarise(LONG, source_lang="fr")
    text = repr(result)
    assert "\n" not in text and len(text) < 300, text
    assert text.startswith("<Summary fr->en, 80 sentences, ")
    assert result.quality.describe() in text
    assert repr(result.summary[:20])[1:-1] in text or result.summary[:20] in text
    translation = summariser.translate(LONG, source_lang="fr")
    assert repr(translation) == f"<Translation fr->en, 80 sentences, {translation.quality.describe()}>"
    assert len(repr(result)) < len(LONG) // 5


def test_the_summary_in_a_repr_is_cut_with_an_ellipsis(summariser):
    from dataclasses import replace

    result = summariser.summarise("Le président condamne la guerre.", source_lang="fr")
    long = replace(result, summary="x" * 500)
    assert repr(long).endswith(repr("x" * (REPR_SUMMARY_CHARS - 1) + "…") + ">")
    assert long.summary == "x" * 500  # the repr cuts, the result keeps all of it


@pytest.mark.parametrize("kwargs, names", [
    ({"models": "models.toml"}, "registry=PATH"),
    ({"registry": 3}, "registry must be a Registry or the path of a models.toml"),
    ({"options": {"length": "medium"}}, "options must be an Options"),
    ({"threads": "2"}, "threads must be a whole number"),
])
def test_a_wrong_argument_is_named_at_construction(kwargs, names):
    with pytest.raises(OptionsError, match=names.replace("(", r"\(").replace("=", "=")):
        Summariser(**kwargs)


def test_old_per_call_keywords_are_gone_not_deprecated():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError, match="length"):
            Summariser(length="medium")


# --------------------------------------------------------------------------- the report in notebooks


def _srcdoc(markup: str) -> str:
    import html
    import re

    found = re.fullmatch(r'<iframe srcdoc="([^"]*)"[^>]*></iframe>', markup)
    assert found, markup[:200]
    return html.unescape(found.group(1))


def test_a_result_shows_its_html_report_in_a_notebook(summariser):
    import summarise

    result = summariser.summarise("Le président condamne la guerre. Le ministre parle.", source_lang="fr")
    markup = result._repr_html_()
    page = _srcdoc(markup)  # in a frame: the report's styles (body, *) stay off the notebook's own page
    assert page == summarise.output.render_html(result)
    assert "Le président condamne la guerre." in page and "<title>" in page
    translation = summariser.translate("Le ministre parle.", source_lang="fr")
    assert _srcdoc(translation._repr_html_()) == summarise.output.render_html(translation)


def test_html_in_the_input_is_escaped_twice_in_the_frame(summariser):
    result = summariser.translate('Le titre <script>alert("x")</script> parle.', source_lang="fr")
    markup = result._repr_html_()
    assert markup.count("<") == 2  # <iframe ...></iframe>: everything else is inside srcdoc, escaped
    page = _srcdoc(markup)
    assert "<script>" not in page and "&lt;script&gt;" in page  # the report escapes the text, the frame its page


FACADE_PROBE = """
import sys
{imports}
loaded = 'summarise.output' in sys.modules
print(loaded, {expression})
"""


@pytest.mark.parametrize("imports, expression, expected", [
    ("import summarise.pipeline", "summarise.pipeline.Summary.__name__", "False Summary"),  # the layer alone: no output, no report
    ("import summarise.pipeline as r", "r.html_renderer()", "False None"),
    ("import summarise; summarise.Summariser", "summarise.pipeline.html_renderer().__name__", "True notebook_html"),
    ("import summarise; summarise.summarise", "summarise.pipeline.html_renderer().__name__", "True notebook_html"),
    ("import summarise; summarise.split_sentences", "'text only'", "False text only"),  # names that make no results load no output
])
def test_the_facade_installs_the_report_and_the_pipeline_alone_does_not_import_output(imports, expression, expected):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", FACADE_PROBE.format(imports=imports, expression=expression)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == expected


def test_without_a_renderer_a_notebook_falls_back_to_the_repr(summariser):
    from summarise.pipeline import html_renderer, set_html_renderer

    result = summariser.translate("Le ministre parle.", source_lang="fr")
    installed = html_renderer()
    set_html_renderer(None)
    try:
        assert result._repr_html_() is None  # IPython then shows repr(result)
        set_html_renderer(lambda r: f"<p>{len(r.pairs)} pairs</p>")
        assert result._repr_html_() == "<p>1 pairs</p>"
    finally:
        set_html_renderer(installed)


# --------------------------------------------------------------------------- third-party warnings

TOKEN_PROBE = """
import io, logging, sys, warnings
import summarise

logging.basicConfig(stream=sys.stdout, level=logging.DEBUG, format="LOG %(name)s %(message)s")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    summariser = summarise.Summariser(sys.argv[1], device="cpu", backend=sys.argv[2])
    text = " ".join(["Le président condamne la guerre et le ministre parle de la ville."] * 60)
    result = summariser.summarise(text, source_lang="fr")
    engine = summariser.summarizer().engine
    counted = engine.count_tokens([result.translation])[0]
for warning in caught:
    print("WARNING", warning.category.__name__, warning.message)
print("COUNTED", counted, len(result.pairs))
"""


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_a_text_longer_than_the_model_takes_brings_no_token_count_warning(registry_path, backend):
    """In a fresh process (the CLI's tests quiet transformers for the process they run in): the summariser counts
    the whole English of a 60-sentence article, far more tokens than the tiny BART's 512, without a word from
    transformers (issue 23 item 9)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", TOKEN_PROBE, str(registry_path), backend], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    counted, pairs = map(int, done.stdout.split("COUNTED ")[1].split())
    assert counted > 512 and pairs == 60  # past the tokenizer's model_max_length: where transformers would warn
    everything = done.stdout + done.stderr
    assert "Token indices" not in everything and "longer than the specified maximum" not in everything, everything
    assert "WARNING" not in done.stdout, done.stdout
