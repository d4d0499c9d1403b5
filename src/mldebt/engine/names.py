"""What a name refers to: imports, bindings and scopes, tracked during the one traversal.

libcst's ScopeProvider and QualifiedNameProvider answer this too, but compute it for
every node of every file at several times the cost of the parse. Rules only ask about
a handful of names, so the engine keeps a scope stack while it walks the tree and
answers questions about the names bound *so far* (source order), which is what a
straight-line ML script needs: ``import numpy as np`` followed by ``np.random.rand()``.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from typing import Literal

import libcst as cst

BindingKind = Literal["import", "assign", "def", "class", "param", "other"]

_BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True)
class Binding:
    """What a name was last bound to in a scope.

    ``qualname`` is set for imports (``np`` -> ``numpy``); ``value`` is the assigned
    expression for a plain ``name = value`` (the provenance of the name).
    """

    kind: BindingKind
    qualname: str | None = None
    value: cst.BaseExpression | None = None
    node: cst.CSTNode | None = None


ScopeKind = Literal["module", "function", "class", "comprehension"]


@dataclass
class Scope:
    """One Python scope and the names bound in it so far."""

    kind: ScopeKind
    node: cst.CSTNode
    names: dict[str, Binding] = field(default_factory=dict)
    global_names: set[str] = field(default_factory=set)
    nonlocal_names: set[str] = field(default_factory=set)


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a chain of Name/Attribute nodes, else None."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def _relative_prefix(node: cst.ImportFrom) -> str:
    return "." * len(node.relative)


class NameTracker:
    """A scope stack with import and assignment bindings, fed by the traversal."""

    def __init__(self, module: cst.Module) -> None:
        """Start with the module scope of ``module``."""
        self.module_scope = Scope("module", module)
        self.stack: list[Scope] = [self.module_scope]
        # Inside `except ImportError:` a fallback (`torch = None`) must not hide
        # the import the rest of the file relies on.
        self.import_fallback_depth = 0
        # The modules of the file's `from m import *` lines, in order.
        self.star_modules: list[str] = []

    # ---- queries used by rules -------------------------------------------------

    @property
    def scope(self) -> Scope:
        """The innermost scope at the current point of the traversal."""
        return self.stack[-1]

    def in_function(self) -> bool:
        """Whether the traversal is inside a function or lambda body."""
        return any(scope.kind == "function" for scope in self.stack)

    def lookup(self, name: str) -> Binding | None:
        """The binding ``name`` refers to here, following Python's LEGB order.

        Class scopes are seen only from their own body, not from methods.
        """
        innermost = self.stack[-1]
        for scope in reversed(self.stack):
            if scope.kind == "class" and scope is not innermost:
                continue
            if name in scope.global_names:
                return self.module_scope.names.get(name)
            binding = scope.names.get(name)
            if binding is not None:
                return binding
        return None

    def qualified_name(self, node: cst.BaseExpression) -> str | None:
        """The fully qualified name an expression refers to, or None if unknown.

        ``np.random.rand`` -> ``numpy.random.rand`` after ``import numpy as np``;
        an unbound builtin ``open`` -> ``builtins.open``; an unbound ``rand``
        after ``from numpy.random import *`` (the file's only star import) ->
        ``numpy.random.rand``; a local variable, a parameter or any non-import
        binding -> None.
        """
        attrs: list[str] = []
        while isinstance(node, cst.Attribute):
            attrs.append(node.attr.value)
            node = node.value
        if not isinstance(node, cst.Name):
            return None
        binding = self.lookup(node.value)
        if binding is None:
            if node.value in _BUILTINS:
                base = "builtins." + node.value
            elif len(self.star_modules) == 1:
                # an unbound name in a file with one star import comes from it
                base = f"{self.star_modules[0]}.{node.value}"
            else:
                return None
        elif binding.kind == "import" and binding.qualname is not None:
            base = binding.qualname
        else:
            return None
        if attrs:
            return base + "." + ".".join(reversed(attrs))
        return base

    def is_imported(self, module: str) -> bool:
        """Whether the file imported ``module`` or something inside it at module level."""
        prefix = module + "."
        for binding in self.module_scope.names.values():
            qualname = binding.qualname
            if binding.kind == "import" and qualname is not None:
                if qualname == module or qualname.startswith(prefix):
                    return True
        return False

    # ---- updates made by the traversal -------------------------------------------

    def push(self, kind: ScopeKind, node: cst.CSTNode) -> None:
        """Enter a new scope."""
        self.stack.append(Scope(kind, node))

    def pop(self, node: cst.CSTNode) -> None:
        """Leave the scope opened for ``node`` (no-op if it was not opened)."""
        if len(self.stack) > 1 and self.stack[-1].node is node:
            self.stack.pop()

    def bind(self, name: str, binding: Binding) -> None:
        """Bind ``name`` in the current scope, honouring ``global``/``nonlocal``."""
        if self.import_fallback_depth and binding.kind != "import":
            current = self.lookup(name)
            if current is not None and current.kind == "import":
                return
        scope = self.stack[-1]
        if name in scope.global_names:
            self.module_scope.names[name] = binding
            return
        if name in scope.nonlocal_names:
            for outer in reversed(self.stack[:-1]):
                if outer.kind == "function" and name in outer.names:
                    outer.names[name] = binding
                    return
        scope.names[name] = binding

    def bind_target(
        self,
        target: cst.BaseExpression,
        value: cst.BaseExpression | None,
        node: cst.CSTNode,
    ) -> None:
        """Bind every name an assignment target introduces (unpacking included)."""
        if isinstance(target, cst.Name):
            alias = self._alias_of(value)
            if alias is not None:  # `R = np.random` makes R another name for it
                self.bind(
                    target.value, Binding("import", alias, value=value, node=node)
                )
            else:
                self.bind(target.value, Binding("assign", value=value, node=node))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.bind_target(element.value, None, node)
        elif isinstance(target, cst.StarredElement):
            self.bind_target(target.value, None, node)
        # Attribute and Subscript targets bind no name.

    def _alias_of(self, value: cst.BaseExpression | None) -> str | None:
        """The imported module or object ``value`` names (``np.random``), if any."""
        if not isinstance(value, (cst.Name, cst.Attribute)):
            return None
        qualname = self.qualified_name(value)
        if qualname is None or qualname.startswith("builtins."):
            return None
        return qualname

    def add_import(self, node: cst.Import) -> None:
        """Bind the names ``import a.b`` / ``import a.b as c`` introduce."""
        for alias in node.names:
            full = dotted_name(alias.name)
            if full is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.bind(alias.asname.name.value, Binding("import", full, node=node))
            else:
                top = full.split(".", 1)[0]
                self.bind(top, Binding("import", top, node=node))

    def add_import_from(self, node: cst.ImportFrom) -> None:
        """Bind the names ``from a import b [as c]`` introduces."""
        if isinstance(node.names, cst.ImportStar):
            module = dotted_name(node.module) if node.module is not None else None
            if module is not None and not node.relative:
                self.star_modules.append(module)
            return
        base = dotted_name(node.module) if node.module is not None else ""
        base = _relative_prefix(node) + (base or "")
        for alias in node.names:
            imported = dotted_name(alias.name)
            if imported is None:
                continue
            joiner = "" if base.endswith(".") or not base else "."
            qualname = base + joiner + imported
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            else:
                local = imported
            self.bind(local, Binding("import", qualname, node=node))
