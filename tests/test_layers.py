"""The engine's modules import one way: the import graph of ``mldebt.engine.*``,
read from the sources with ``ast``, has no cycle.

Module-level and function-level imports both count (a function-level import is
a cycle put off until the call, not removed); ``if TYPE_CHECKING:`` blocks do
not, since they never run.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

import mldebt

ENGINE = "mldebt.engine"
ENGINE_FOLDER = Path(mldebt.__file__).parent / "engine"


def engine_modules() -> dict[str, Path]:
    """Every module of ``mldebt.engine`` by its dotted name."""
    return {
        f"{ENGINE}.{path.stem}": path
        for path in sorted(ENGINE_FOLDER.glob("*.py"))
        if path.stem != "__init__"
    }


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _ImportCollector(ast.NodeVisitor):
    """The ``mldebt.engine`` modules one module imports, wherever the import is."""

    def __init__(self, module: str, known: set[str]) -> None:
        self.package = module.rpartition(".")[0]
        self.known = known
        self.found: set[str] = set()

    def _add(self, name: str) -> None:
        if name in self.known:
            self.found.add(name)

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            for statement in node.orelse:  # the else branch does run
                self.visit(statement)
        else:
            self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            parts = self.package.split(".")
            base = ".".join(parts[: len(parts) - node.level + 1])
            source = f"{base}.{node.module}" if node.module else base
        else:
            source = node.module or ""
        self._add(source)
        for alias in node.names:  # `from mldebt.engine import linter`
            self._add(f"{source}.{alias.name}")


def imports_of(module: str, source: str, known: set[str]) -> set[str]:
    """The modules in ``known`` that ``source`` (the text of ``module``) imports."""
    collector = _ImportCollector(module, known)
    collector.visit(ast.parse(source))
    collector.found.discard(module)
    return collector.found


def engine_import_graph() -> dict[str, set[str]]:
    """Each ``mldebt.engine`` module and the engine modules it imports."""
    modules = engine_modules()
    known = set(modules)
    return {
        name: imports_of(name, path.read_text(encoding="utf-8"), known)
        for name, path in modules.items()
    }


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """One import cycle as ``[a, b, ..., a]``, or None when there is none."""
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        # An explicit stack (module, its remaining imports) keeps the current path.
        path = [start]
        on_path = {start}
        stack = [(start, sorted(graph[start]))]
        while stack:
            module, pending = stack[-1]
            if not pending:
                stack.pop()
                path.pop()
                on_path.discard(module)
                done.add(module)
                continue
            target = pending.pop(0)
            if target in on_path:
                return path[path.index(target) :] + [target]
            if target not in done:
                path.append(target)
                on_path.add(target)
                stack.append((target, sorted(graph.get(target, ()))))
    return None


def reachable(graph: Mapping[str, set[str]], start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others."""
    seen: set[str] = set()
    pending = [start]
    while pending:
        for target in graph.get(pending.pop(), ()):
            if target not in seen:
                seen.add(target)
                pending.append(target)
    return seen


def test_the_engine_imports_form_no_cycle() -> None:
    cycle = find_cycle(engine_import_graph())
    assert cycle is None, "import cycle in the engine: " + " -> ".join(cycle or [])


def test_reporting_does_not_depend_on_the_linter() -> None:
    graph = engine_import_graph()
    assert f"{ENGINE}.linter" not in reachable(graph, f"{ENGINE}.reporting")


def test_the_notebook_lint_asks_the_linter_through_a_protocol() -> None:
    graph = engine_import_graph()
    assert f"{ENGINE}.linter" not in graph[f"{ENGINE}.notebook_lint"]


def test_function_level_imports_count_and_type_checking_ones_do_not() -> None:
    known = {f"{ENGINE}.a", f"{ENGINE}.b", f"{ENGINE}.c", f"{ENGINE}.d"}
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from mldebt.engine.b import B\n"
        "else:\n"
        "    import mldebt.engine.d\n"
        "def later():\n"
        "    from mldebt.engine.c import C\n"
        "from . import a\n"
    )
    assert imports_of(f"{ENGINE}.a", source, known) == {
        f"{ENGINE}.c",
        f"{ENGINE}.d",
    }


def test_a_cycle_is_named_module_by_module() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


RULES_FOLDER = Path(mldebt.__file__).parent / "rules"


def rules_imports() -> dict[str, set[str]]:
    """Each module under ``mldebt.rules`` and the ``mldebt`` modules it imports."""
    modules = {
        "mldebt.rules."
        + ".".join(path.relative_to(RULES_FOLDER).with_suffix("").parts): path
        for path in sorted(RULES_FOLDER.rglob("*.py"))
    }
    found: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
        found[name.removesuffix(".__init__")] = {
            module for module in imported if module.startswith("mldebt.")
        }
    return found


def category_of(module: str) -> str | None:
    """``mldebt.rules.<category>...`` -> ``<category>``; None for shared modules."""
    parts = module.split(".")
    if len(parts) > 3 or (RULES_FOLDER / parts[-1]).is_dir():
        return parts[2] if len(parts) > 2 else None
    return None


def test_no_category_package_imports_another() -> None:
    crossings = [
        f"{module} imports {target}"
        for module, targets in rules_imports().items()
        for target in targets
        if target.startswith("mldebt.rules.")
        and category_of(target) is not None
        and category_of(target) != category_of(module)
    ]
    assert crossings == []


def test_rules_import_only_the_engine_their_family_and_shared_modules() -> None:
    outside = [
        f"{module} imports {target}"
        for module, targets in rules_imports().items()
        for target in targets
        if not target.startswith(("mldebt.engine.", "mldebt.rules."))
    ]
    assert outside == []
    # and the engine knows no family: it imports no rule module
    engine = {
        f"{name} imports {target}"
        for name, path in engine_modules().items()
        for target in imports_of(
            name,
            path.read_text(encoding="utf-8"),
            set(rules_imports()),
        )
    }
    assert engine == set()
