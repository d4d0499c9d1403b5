"""Value flow for the implicit-features rules: facts filed per assignment and read
back through bindings, and the column-selection helpers they share.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

import libcst as cst

from mldebt.engine.helpers import argument
from mldebt.engine.rule import Rule
from mldebt.rules.implicit_features.api import (
    BOUNDARY_FUNCTIONS,
    BOUNDARY_METHODS,
    COLUMN_TRANSFORMER,
    MAKE_COLUMN_SELECTOR,
    MAKE_COLUMN_TRANSFORMER,
)

T = TypeVar("T")

# Calls that hand their first argument through unchanged as far as columns go.
PASS_THROUGH = frozenset(
    {
        "builtins.list",
        "builtins.tuple",
        "builtins.sorted",
        "builtins.set",
        "builtins.frozenset",
        "numpy.asarray",
        "numpy.array",
        "numpy.ascontiguousarray",
        "pandas.Index",
        "pandas.DataFrame",
        "pandas.get_dummies",
    }
)


def snippet(module: cst.Module, node: cst.CSTNode, limit: int = 48) -> str:
    """The code of ``node`` on one line, shortened to ``limit`` characters."""
    code = " ".join(module.code_for_node(node).split())
    return code if len(code) <= limit else code[: limit - 3] + "..."


def str_literal(node: cst.BaseExpression) -> bool:
    return isinstance(
        node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)
    )


def method_and_receiver(
    node: cst.BaseExpression,
) -> tuple[str, cst.BaseExpression] | None:
    """``("drop", df)`` for a call ``df.drop(...)``; None for other nodes."""
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        return node.func.attr.value, node.func.value
    return None


def first_arg(call: cst.Call) -> cst.BaseExpression | None:
    """The first argument when it is positional (``list(x)`` -> ``x``)."""
    if call.args and call.args[0].keyword is None and not call.args[0].star:
        return call.args[0].value
    return None


def subscript_elements(node: cst.Subscript) -> list[cst.BaseSlice]:
    return [element.slice for element in node.slice]


def index_value(node: cst.BaseSlice) -> cst.BaseExpression | None:
    return node.value if isinstance(node, cst.Index) and node.star is None else None


def truthy_keyword(call: cst.Call, keyword: str) -> bool:
    """Whether ``keyword=`` is given a value other than ``False``/``None``."""
    arg = argument(call, keyword)
    if arg is None:
        return False
    value = arg.value
    return not (isinstance(value, cst.Name) and value.value in ("False", "None"))


def accessor(node: cst.BaseExpression, names: Sequence[str]) -> bool:
    """Whether ``node`` is ``<something>.<one of names>``."""
    return isinstance(node, cst.Attribute) and node.attr.value in names


def bound_value(rule: Rule, name: cst.Name) -> cst.BaseExpression | None:
    """The value a plain ``name = value`` last bound ``name`` to, here."""
    binding = rule.ctx.names.lookup(name.value)
    if binding is None or binding.kind != "assign":
        return None
    return binding.value


def last_name(func: cst.BaseExpression) -> str:
    """``read_csv`` for ``pd.read_csv`` or ``read_csv``: what a call's callee is
    called, to skip resolving names no API table mentions."""
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else ""


def last_names(qualnames: Iterable[str]) -> frozenset[str]:
    return frozenset(name.rsplit(".", 1)[-1] for name in qualnames)


_BOUNDARY_LAST = last_names(BOUNDARY_FUNCTIONS)

COMPOSE_LAST = last_names(
    (COLUMN_TRANSFORMER, MAKE_COLUMN_TRANSFORMER, MAKE_COLUMN_SELECTOR)
)


def boundary_args(rule: Rule, node: cst.Call) -> list[cst.BaseExpression]:
    """The arguments of a call through which data reaches a model (``fit(X, y)``,
    ``train_test_split(X)``, ``xgb.DMatrix(X)``); [] for other calls."""
    last = last_name(node.func)
    if last in BOUNDARY_METHODS and isinstance(node.func, cst.Attribute):
        return [arg.value for arg in node.args if not arg.star]
    if last in _BOUNDARY_LAST and (
        rule.ctx.qualified_name(node.func) in BOUNDARY_FUNCTIONS
    ):
        return [arg.value for arg in node.args if not arg.star]
    return []


def enclosing_function(rule: Rule) -> cst.FunctionDef | None:
    """The innermost ``def`` around the current point of the walk."""
    for scope in reversed(rule.ctx.names.stack):
        if scope.kind == "function" and isinstance(scope.node, cst.FunctionDef):
            return scope.node
    return None


def glob_pattern(globs: Iterable[str]) -> re.Pattern[str]:
    """One case-insensitive pattern matching a whole name against any glob
    (``fnmatch`` makes a valid expression of any glob, even ``[z-a]``)."""
    alternatives = "|".join(fnmatch.translate(glob) for glob in globs) or "(?!)"
    return re.compile(f"(?i:{alternatives})")


class FlowRule(Rule, Generic[T]):
    """Base of the rules that follow values through assignments (not a rule).

    ``derive`` says what an expression is (``None``: nothing of interest);
    ``bound`` is told about every name or attribute an assignment binds.
    """

    def on_begin_file(self) -> None:
        """Start with an empty provenance map."""
        self.facts: dict[int, dict[str, T]] = {}
        self.reported: set[int] = set()

    def derive(self, node: cst.BaseExpression) -> T | None:
        """What ``node`` is, for this rule."""
        return None

    def derive_unpacked(self, value: cst.BaseExpression, index: int) -> T | None:
        """What element ``index`` of ``a, b = value`` is (``value`` not a tuple)."""
        return None

    def bound(
        self,
        name: str,
        target: cst.BaseExpression,
        value: cst.BaseExpression,
        fact: T | None,
        node: cst.CSTNode,
    ) -> None:
        """Hook: ``target`` (named ``name``) was just assigned ``value`` by the
        assignment ``node``."""

    def fact(self, name: str) -> T | None:
        """What the binding ``name`` refers to here was derived to be."""
        facts = self.facts.get(self._binding_key(name))
        return None if facts is None else facts.get(name)

    def set_fact(self, name: str, fact: T) -> None:
        """File ``fact`` under the binding ``name`` refers to now (a mutation such
        as ``df.pop(...)``)."""
        self.facts.setdefault(self._binding_key(name), {})[name] = fact

    def _binding_key(self, name: str) -> int:
        """What identifies the binding ``name`` refers to here: the node that
        made it (alive as long as the tree), or the module for unbound names."""
        binding = self.ctx.names.lookup(name)
        if binding is not None and binding.node is not None:
            return id(binding.node)
        return id(self.ctx.module)

    def leave_Assign(self, node: cst.Assign) -> None:
        """Derive the value and file it under the assignment (the engine binds the
        targets right after this, with this node as the binding's node)."""
        for target in node.targets:
            self._bind(target.target, node.value, node)

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        """As ``leave_Assign``."""
        if node.value is not None:
            self._bind(node.target, node.value, node)

    def _bind(
        self, target: cst.BaseExpression, value: cst.BaseExpression, node: cst.CSTNode
    ) -> None:
        if isinstance(target, cst.Name):
            fact = self.derive(value)
            if fact is not None:
                self.facts.setdefault(id(node), {})[target.value] = fact
            self.bound(target.value, target, value, fact, node)
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = target.elements
            if (
                isinstance(value, (cst.Tuple, cst.List))
                and len(value.elements) == len(elements)
                and not any(
                    isinstance(item, cst.StarredElement)
                    for item in (*elements, *value.elements)
                )
            ):
                for element, item in zip(elements, value.elements):
                    self._bind(element.value, item.value, node)
                return
            for index, element in enumerate(elements):
                if isinstance(element.value, cst.Name):
                    fact = self.derive_unpacked(value, index)
                    if fact is not None:
                        self.facts.setdefault(id(node), {})[element.value.value] = fact
        elif isinstance(target, cst.Attribute):
            self.bound(target.attr.value, target, value, self.derive(value), node)
