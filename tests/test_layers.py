"""The layers hold: import-linter's contracts pass and bite, no import cycle at all, a text file loads only what it needs."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import imports

ROOT = imports.ROOT
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree)}  # the copy, ahead of the editable install's path
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True, timeout=300)


def _copy(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "summarise", tree / "summarise", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def _plant(tree: Path, module: str, code: str) -> None:
    path = tree / module
    path.write_text(path.read_text(encoding="utf-8") + "\n\n" + code + "\n", encoding="utf-8")


def test_the_contracts_hold():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 7 kept, 0 broken." in result.stdout


# (where, what, the contract that must break): each a function-level or type-only import, which counts as much as any.
PLANTED = [
    ("summarise/text/_splitting.py", "def _planted():\n    from ..cli import run  # noqa", "Layers: each imports only the layers below it"),
    ("summarise/inputs/_reading.py", "def _planted():\n    from ..bulk import _sources  # noqa", "Layers: each imports only the layers below it"),
    ("summarise/pipeline/_translating.py", "def _planted():\n    import torch  # noqa", "torch, transformers, ctranslate2 only in the engine backends"),
    ("summarise/output/_report.py", "def _planted():\n    import fastapi  # noqa", "fastapi, starlette and uvicorn only in serve"),
    ("summarise/serve/_app.py", "def _planted():\n    import typer  # noqa", "typer only in cli"),
    ("summarise/output/_writing.py", "def _planted():\n    from .. import __version__  # noqa", "No module imports the package root"),
]


@pytest.mark.slow
@pytest.mark.parametrize("where,code,contract", PLANTED, ids=lambda v: str(v)[:40])
def test_a_planted_edge_breaks_its_contract(tmp_path, where, code, contract):
    tree = _copy(tmp_path)
    _plant(tree, where, code)
    result = _lint(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = [line for line in result.stdout.splitlines() if " BROKEN" in line]
    assert any(line.startswith(contract) for line in broken), result.stdout  # an upward edge is a cycle too


@pytest.mark.slow
def test_a_planted_cycle_of_sibling_modules_breaks_the_acyclic_contract_and_the_ast_search(tmp_path):
    """protecting -> cutting in a function, cutting -> protecting only for a type: a cycle both checks must see."""
    tree = _copy(tmp_path)
    _plant(tree, "summarise/text/_cutting.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ._protecting import Protection  # noqa")
    _plant(tree, "summarise/text/_protecting.py", "def _planted():\n    from ._cutting import split_long  # noqa")
    result = _lint(tree)
    assert result.returncode == 1
    assert "No cycles among siblings, at any depth BROKEN" in result.stdout, result.stdout
    found = imports.cycles(imports.graph(tree / "summarise"))
    assert found == [["summarise.text._cutting", "summarise.text._protecting"]]


def test_no_import_cycle_counting_every_import():
    """An ast walk over every import: module level, inside functions and under TYPE_CHECKING."""
    edges = imports.graph()
    assert len(edges) > 60 and sum(map(len, edges.values())) > 200  # it sees the package
    # it sees the imports that hide: a function-level one, and one made only for type checking
    assert "summarise.models.engines._backends" in edges["summarise.models.engines._devices"]
    assert "summarise.bulk._records" in edges["summarise.bulk._store"]  # only under TYPE_CHECKING
    found = imports.cycles(edges)
    assert not found, "\n".join(imports.describe(edges, component) for component in found)


def test_the_cycle_search_finds_cycles():
    edges = {"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}, "e": {}}
    assert imports.cycles(edges) == [["a", "b", "c"]]
    assert imports.cycles({"a": {"b": 1}, "b": {}}) == []


def test_reading_a_text_file_loads_only_inputs_and_text(tmp_path):
    """read_document on a .txt used to import bulk, and with it the pipeline, the engines and the registry."""
    article = tmp_path / "a.txt"
    article.write_text("Le président condamne la guerre.\n", encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; from summarise import read_document\n"
        f"assert read_document(Path({str(article)!r})).text.startswith('Le président')\n"
        "print('\\n'.join(sorted(m for m in sys.modules if m == 'summarise' or m.startswith('summarise.'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout.split()
    allowed = ("summarise.inputs", "summarise.text", "summarise.support")
    outside = [m for m in loaded if m not in ("summarise", "summarise._version", "summarise.errors") and not m.startswith(allowed)]
    assert "summarise.inputs._reading" in loaded and "summarise.inputs._kinds" in loaded
    assert outside == []


SUBPACKAGES = ["text", "inputs", "models", "models.engines", "checks", "pipeline", "output", "bulk", "serve", "cli", "support"]


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_every_subpackage_says_what_its_api_is(name):
    import importlib

    package = importlib.import_module(f"summarise.{name}")
    assert package.__all__ and len(set(package.__all__)) == len(package.__all__)
    assert [attr for attr in package.__all__ if not hasattr(package, attr)] == []


def test_the_root_exports_every_error_a_user_can_catch():
    import summarise
    from summarise import errors

    classes = sorted(name for name, value in vars(errors).items() if isinstance(value, type) and issubclass(value, errors.SummariseError))
    assert len(classes) >= 12 and [name for name in classes if name not in summarise.__all__] == []
    assert all(getattr(summarise, name) is getattr(errors, name) for name in classes)


def test_no_test_module_imports_another_test_module():
    """Shared helpers live in tests/support/ (and the fixtures' tinymodels/factmodels); a test module is no library."""
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            if any(name.startswith(("tests.test_", "tests.conftest")) for name in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
