"""What an install must bring: declared dependencies, the installed command reading HTML, one-line import errors."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from summarise.support import DISTRIBUTION, install_hint, require
from summarise.errors import DependencyError
from tests.support.articles import HEADLINE, PARAGRAPHS

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Needed at run time without being imported by our code: lxml.html.clean (imported by justext,
# under trafilatura) lives in lxml_html_clean, which pip < 24 does not install from justext's extra.
TRANSITIVE = {"lxml-html-clean"}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    return _normalise(re.match(r"[A-Za-z0-9_.-]+", requirement).group(0))


def _imported_modules() -> set[str]:
    """Top-level modules that summarise/ imports, anywhere (lazy imports included), minus the standard library."""
    found = set()
    for path in (ROOT / "summarise").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "").startswith("require") and node.args:
                if isinstance(node.args[0], ast.Constant):  # support's require("trafilatura", …), inputs' require_archives("warcio", …)
                    found.add(node.args[0].value.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names and name != "summarise"}


def test_the_distribution_is_summarise_news_and_the_command_summarise():
    assert PYPROJECT["project"]["name"] == DISTRIBUTION == "summarise-news"
    assert PYPROJECT["project"]["scripts"] == {"summarise": "summarise.cli:main"}
    assert install_hint("ray") == "pip install 'summarise-news[ray]' (in a checkout: pip install '.[ray]')"


def test_every_library_the_code_imports_is_declared():
    declared = {_requirement_name(r) for r in PYPROJECT["project"]["dependencies"]}
    for requirements in PYPROJECT["project"]["optional-dependencies"].values():
        declared |= {_requirement_name(r) for r in requirements}
    owners = packages_distributions()
    modules = _imported_modules()
    assert {"torch", "transformers", "trafilatura", "huggingface_hub", "tqdm"} <= modules  # the walk finds lazy imports
    undeclared = {}
    for module in sorted(modules):
        distributions = {_normalise(d) for d in owners.get(module, [])}
        assert distributions, f"{module} is imported by summarise/ but not installed here"
        if not distributions & declared:
            undeclared[module] = sorted(distributions)
    assert undeclared == {}, f"imported but not declared in pyproject.toml: {undeclared}"
    core = {_requirement_name(r) for r in PYPROJECT["project"]["dependencies"]}
    assert TRANSITIVE <= core


def test_require_names_what_is_missing(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "absent_extra", None)
    with pytest.raises(DependencyError) as caught:
        require("absent_extra", purpose="the absent backend", install="pip install absent-extra")
    assert str(caught.value) == "the absent backend needs absent_extra, but absent_extra is not installed: pip install absent-extra"

    # A library that imports but whose own dependency fails without a module name (lxml's way).
    (tmp_path / "half_installed.py").write_text(
        "raise ImportError('lxml.html.clean module is now a separate project lxml_html_clean.\\nInstall lxml[html-clean]')\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(DependencyError) as caught:
        require("half_installed", purpose="reading HTML", install="pip install lxml_html_clean")
    message = str(caught.value)
    assert "\n" not in message
    assert message == (
        "reading HTML needs half_installed, but half_installed cannot be imported "
        "(lxml.html.clean module is now a separate project lxml_html_clean.): pip install lxml_html_clean"
    )


def _page() -> str:
    body = "".join(f"<p>{paragraph}</p>\n" for paragraph in PARAGRAPHS)
    return (
        "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>Otan</title>"
        "<script>trackPage('otan');</script></head><body>"
        "<nav><ul><li><a href='/a'>Politique</a></li><li><a href='/b'>Abonnez-vous</a></li></ul></nav>"
        f"<main><article><h1>{HEADLINE}</h1>\n{body}</article></main>"
        "<footer>Mentions légales · Contact</footer></body></html>"
    )


def _command(name: str = "summarise") -> Path:
    """The console script pip installed next to this interpreter (a venv's bin/)."""
    return Path(sys.executable).parent / name


def test_a_broken_html_stack_is_one_error_line_naming_the_package(tmp_path, registry_path):
    """The pip 23 install: lxml_html_clean absent, so importing trafilatura fails deep inside lxml."""
    page = tmp_path / "page.html"
    page.write_text(_page(), encoding="utf-8")
    code = (
        "import sys; sys.modules['lxml_html_clean'] = None\n"  # lxml.html.clean then raises its own ImportError
        "from summarise.cli import main; sys.argv = ['summarise', *sys.argv[1:]]; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "translate", str(page), "--models", str(registry_path), "-s", "fr", "-f", "json", "--device", "cpu"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Error: reading HTML needs trafilatura")
    assert "pip install trafilatura lxml_html_clean" in lines[0]


def test_the_installed_command_reads_an_html_page(tmp_path, registry_path):
    """The console script that pip wrote, run as a user runs it: the install brings the whole HTML stack."""
    command = _command()
    if not command.exists():
        pytest.fail(f"no installed `summarise` next to {sys.executable}: pip install '.[test]' into this environment first")
    page = tmp_path / "page.html"
    page.write_text(_page(), encoding="utf-8")
    done = subprocess.run(
        [str(command), "translate", str(page), "--models", str(registry_path), "-s", "fr", "-f", "json", "--device", "cpu", "-q"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    data = json.loads(done.stdout)
    assert data["original"].startswith(HEADLINE)
    assert PARAGRAPHS[1] in data["original"]
    for junk in ("trackPage", "Abonnez-vous", "Mentions légales"):
        assert junk not in data["original"]
    assert len(data["pairs"]) == 9  # the headline and the 8 sentences of the paragraphs


# Files the code reads with importlib.resources: each must be in the wheel (pyproject's [tool.hatch] decides).
PACKAGE_DATA = ["summarise/text/boilerplate.toml", "summarise/output/assets/report.css", "summarise/serve/assets/page.html",
                "summarise/serve/assets/page.css", "summarise/serve/assets/page.js", "summarise/models.toml"]


def test_the_package_data_is_in_the_tree():
    for name in PACKAGE_DATA[:-1]:
        assert (ROOT / name).is_file(), name  # models.toml joins the wheel from the repository root (force-include)


def test_the_installed_distribution_ships_the_package_data():
    """.ci/run installs the wheel pip builds from the checkout: its file list must hold every asset."""
    from importlib.metadata import distribution

    installed = {str(path) for path in distribution(DISTRIBUTION).files or ()}
    if "summarise/__init__.py" not in installed:
        pytest.skip("an editable install (pip install -e) lists no package files; .ci/run installs the wheel")
    assert [name for name in PACKAGE_DATA if name not in installed] == []
