"""The Moses non-breaking prefixes shipped as package data: the same lines sacremoses serves, read without it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from summarise.text import _splitting as splitting


def _sacremoses_words():
    corpus = pytest.importorskip("sacremoses.corpus")
    return corpus.NonbreakingPrefixes()


def test_every_shipped_list_equals_sacremoses_list() -> None:
    source = _sacremoses_words()
    codes = sorted({code for code in source.available_langs.values()})
    assert sorted(splitting.prefix_languages()) == codes
    for code in codes:
        assert splitting.moses_prefix_lines(code) == list(source.words(code)), code


@pytest.mark.parametrize("lang", ["xx", "", "../../etc/passwd", "en/../fr", "README"])
def test_a_language_without_a_list_reads_english(lang: str) -> None:
    assert splitting.moses_prefix_lines(lang) == splitting.moses_prefix_lines("en")
    assert "Mr" in splitting.moses_prefix_lines(lang)


def test_splitting_imports_no_sacremoses() -> None:
    """Splitting reads the lists directly: sacremoses' reader would import joblib, tqdm and its regex tables."""
    code = (
        "import sys\n"
        "from summarise.text._splitting import split_sentences\n"
        "assert [s.text for s in split_sentences('M. Dupont est là. Il part.', 'fr')] == ['M. Dupont est là.', 'Il part.']\n"
        "loaded = sorted(m for m in ('sacremoses', 'joblib', 'tqdm', 'regex', 'torch', 'transformers') if m in sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_installed_distribution_ships_the_lists() -> None:
    """.ci/run installs the wheel: every list and the licence must be in it (an editable install lists no files)."""
    from importlib.metadata import distribution

    installed = {str(path) for path in distribution("summarise-news").files or ()}
    if "summarise/__init__.py" not in installed:
        pytest.skip("an editable install (pip install -e) lists no package files; .ci/run installs the wheel")
    wanted = [f"summarise/text/prefixes/{code}.txt" for code in sorted(splitting.prefix_languages())]
    assert [name for name in [*wanted, "summarise/text/prefixes/LICENCE.md"] if name not in installed] == []
