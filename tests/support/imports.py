"""The package's import graph from its source, every import counted.

``lint-imports`` (import-linter, run by ``.ci/run``) enforces the layers; this is the second,
independent look the layering issue asked for: an ``ast`` walk that sees every ``import``
statement, at module level, inside functions and under ``TYPE_CHECKING`` alike, and a search
for cycles in the graph it gives.  Run it as a script to print the cycles of a tree::

    python -m tests.support.imports [PACKAGE_DIR]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "summarise"


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Dotted module name -> source file, for every module of ``package``."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_of(path: Path, module: str, known: dict[str, Path], *, module_level_only: bool = False) -> dict[str, int]:
    """The package's modules that ``module`` imports -> the first line doing so.

    ``from pkg import name`` counts as an import of ``pkg.name`` when that is a module, else of ``pkg``.
    """
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if module_level_only else ast.walk(tree)
    found: dict[str, int] = {}
    for node in nodes:
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            targets = [f"{target}.{alias.name}" if f"{target}.{alias.name}" in known else target for alias in node.names]
        for target in targets:
            if target in known and target != module:
                found.setdefault(target, node.lineno)
    return found


def graph(package: Path = PACKAGE, *, module_level_only: bool = False) -> dict[str, dict[str, int]]:
    known = modules(package)
    return {name: imports_of(path, name, known, module_level_only=module_level_only) for name, path in known.items()}


def cycles(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def describe(edges: dict[str, dict[str, int]], component: list[str]) -> str:
    members = set(component)
    return "\n".join(f"  {a} -> {b} (line {line})" for a in component for b, line in sorted(edges[a].items()) if b in members)


def main(argv: list[str]) -> int:
    package = Path(argv[0]) if argv else PACKAGE
    edges = graph(package)
    found = cycles(edges)
    for component in found:
        print(f"cycle among {', '.join(component)}:\n{describe(edges, component)}")
    print(f"{len(edges)} modules, {sum(map(len, edges.values()))} imports, {len(found)} cycles", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
