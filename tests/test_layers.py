"""Imports point one way: app.py -> rxflow -> programs -> dspy; evals -> rxflow, programs; and no
cycles. Every import counts, including those inside functions and under `if TYPE_CHECKING:`."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("rxflow", "programs", "evals")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    files = {"app": ROOT / "app.py"}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            files[_module_name(path)] = path
    return files


SOURCES = _sources()


def _imports(name: str, path: Path) -> set[str]:
    """Every module `name` imports, anywhere in the file: `from x import y` is x.y when that is a
    module of the project, else x; relative imports are resolved against the package."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            for alias in node.names:
                sub = f"{module}.{alias.name}" if module else alias.name
                found.add(sub if sub in SOURCES else module)
    return found


def _project(module: str) -> str | None:
    """The project module an imported name lands in (its nearest enclosing one), or None."""
    parts = module.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in SOURCES:
            return candidate
        parts.pop()
    return None


IMPORTS = {name: _imports(name, path) for name, path in SOURCES.items()}
GRAPH = {name: {m for m in map(_project, found) if m and m != name} for name, found in IMPORTS.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _offenders(prefix: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    bad: dict[str, list[str]] = defaultdict(list)
    for name, found in IMPORTS.items():
        if name == prefix or name.startswith(prefix + "."):
            bad[name] += sorted(m for m in found if m.split(".")[0] in forbidden)
    return {k: v for k, v in bad.items() if v}


def test_the_walk_sees_every_kind_of_import():
    assert {"app", "rxflow", "programs", "evals"} <= set(SOURCES)
    assert "programs.modules" in GRAPH["programs"]  # imported inside load()
    assert "programs.offline" in GRAPH["rxflow.assistant"]  # `from programs.offline import Vocabulary`
    assert "rxflow.flow.dialogue" in GRAPH["rxflow.assistant"]  # `from rxflow.flow import dialogue`: a module
    assert "rxflow.flow.turn" in GRAPH["rxflow.flow.stage"]  # under `if TYPE_CHECKING:` counts too


def test_no_import_cycles():
    cycles = _cycles(GRAPH)
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_programs_import_neither_the_runtime_nor_the_evals():
    assert _offenders("programs", ("rxflow", "evals")) == {}


def test_the_runtime_does_not_import_the_evals():
    assert _offenders("rxflow", ("evals",)) == {}


def test_the_app_imports_only_the_runtime():
    assert _offenders("app", ("programs", "evals")) == {}
