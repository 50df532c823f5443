"""The package's layers: no import circles, among subpackages or among modules.

Imports are read from the source with :mod:`ast` (every ``import`` and ``from ... import``,
also inside functions; not those under ``if TYPE_CHECKING:``, which never run). ``from pkg
import mod`` counts as an import of ``pkg.mod``. A circle is what makes a module half-built
when another one needs it, and a layer impossible to read on its own.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

import sourcetrace

PACKAGE = Path(sourcetrace.__file__).resolve().parent
NAME = "sourcetrace"


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in PACKAGE.rglob("*.py")}


def _resolve(name: str) -> str | None:
    """The module an imported name is, or is in."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name if name in MODULES and name != NAME else None


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    hidden = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for n in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {m for m in map(_resolve, found) if m is not None and m != module}


def _graph(depth: int | None) -> dict[str, set[str]]:
    """Who imports whom: modules (``depth`` None) or the packages ``depth`` names deep."""
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        for imported in _imports(path):
            a, b = (
                (module, imported)
                if depth is None
                else (".".join(module.split(".")[:depth]), ".".join(imported.split(".")[:depth]))
            )
            if a != b:
                graph.setdefault(a, set()).add(b)
    return graph


def _circle(depth: int | None) -> list[str]:
    """A circle of imports, or [] when there is none."""
    try:
        TopologicalSorter(_graph(depth)).prepare()
    except CycleError as exc:
        return list(exc.args[1])
    return []


def test_the_reader_sees_imports() -> None:
    """Not vacuous: the edges the layers are made of are found."""
    graph = _graph(None)
    assert "sourcetrace.tracing" in graph["sourcetrace.cli.trace"]
    assert "sourcetrace.store.migrations" in graph["sourcetrace.store.engine"]
    assert "sourcetrace.tracing" in graph["sourcetrace.workspace.maps"]
    assert "sourcetrace.workspace" in _graph(2)["sourcetrace.web"]
    # A circle is found when there is one: the engines importing screening.py, put in.
    circle = {"sourcetrace.engines", "sourcetrace.screening"}
    with_it = {**_graph(2), "sourcetrace.engines": {"sourcetrace.screening"}}
    with pytest.raises(CycleError) as caught:
        TopologicalSorter(with_it).prepare()
    assert circle <= set(caught.value.args[1])


@pytest.mark.parametrize("depth", [2, None], ids=["subpackages", "modules"])
def test_no_import_circles(depth: int | None) -> None:
    assert _circle(depth) == []


def test_the_adapters_reach_the_store_and_the_graph_through_use_cases() -> None:
    """cli/ parses and prints, web/ answers HTTP: the trace, watch and db commands and the chains
    routes call the use cases and the store's public functions, not the store's or the graph's
    modules."""
    for adapter in (
        "sourcetrace.cli.trace",
        "sourcetrace.cli.watch",
        "sourcetrace.cli.db",
        "sourcetrace.web.routes.chains",
    ):
        inner = {m for m in _imports(MODULES[adapter])
                 if m.startswith(("sourcetrace.graph.", "sourcetrace.store."))}  # fmt: skip
        assert inner == set(), adapter


def test_one_metadata() -> None:
    """Every table is on the store's one MetaData."""
    from sqlalchemy import MetaData

    from sourcetrace.store.migrations import models

    declared = [
        node
        for path in MODULES.values()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and ast.unparse(node.func) in ("MetaData", "sa.MetaData")
    ]
    assert len(declared) == 1
    assert isinstance(models(), MetaData) and {"list_versions", "users", "graphs", "chains",
                                               "watch_portfolios", "audit_log"} <= set(models().tables)  # fmt: skip
