"""Implicit features (MLD4xx): model inputs implied by position, exclusion or order.

The rules follow values through assignments with a provenance map: when an
assignment is left (before the engine rebinds its targets) the rule derives what
the value is — a DataFrame read from a file, an array of tabular data, a feature
set defined by exclusion, a set-ordered column list — and files that fact under
the assignment node. A later ``Name`` looks up the binding it refers to and reads
the fact filed for it, so a rebinding starts afresh and nothing is walked twice.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import libcst as cst

from mldebt.engine.helpers import argument, has_star_args
from mldebt.engine.rule import Fix, Invalid, Option, Rule, Valid
from mldebt.rules.features_api import (
    ARRAY_METHODS,
    ARRAY_MODULES,
    BOUNDARY_FUNCTIONS,
    BOUNDARY_METHODS,
    COLUMN_LIST_KEYWORDS,
    COLUMN_TRANSFORMER,
    DISPLAY_FUNCTIONS,
    DISPLAY_METHODS,
    FEATURE_FUNCTION_NAME,
    FEATURE_LIST_WORDS,
    FEATURE_NAMES,
    FILTER_PATTERN_KEYWORDS,
    FRAME_MODULES,
    FRAME_PRESERVING_METHODS,
    FRAME_SOURCES,
    GET_DUMMIES,
    INDEX_EXCLUSION_METHODS,
    INDEX_PATTERN_METHODS,
    MAKE_COLUMN_SELECTOR,
    MAKE_COLUMN_TRANSFORMER,
    ORDER_FREE_METHODS,
    ORDER_FREE_NAME,
    PATTERN_METHODS,
    READER_NAMES_KEYWORD,
    SCHEMA_METHODS,
    SKLEARN_TABULAR_LOADERS,
    TABULAR_ARRAY_LOADERS,
    USECOLS_KEYWORDS,
    USECOLS_READERS,
)

T = TypeVar("T")

_FEATURE_FUNCTION = re.compile(FEATURE_FUNCTION_NAME)
_EXCEL_LETTERS = re.compile(
    r"^\s*[A-Za-z]+(\s*:\s*[A-Za-z]+)?(\s*,\s*[A-Za-z]+(\s*:\s*[A-Za-z]+)?)*\s*$"
)
# Calls that hand their first argument through unchanged as far as columns go.
_PASS_THROUGH = frozenset(
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
# Row masks: a frame indexed by one of these keeps all its columns.
_ROW_MASK_METHODS = frozenset(
    {"notna", "isna", "notnull", "isnull", "isin", "between", "duplicated"}
)


# ---- small questions about syntax ----------------------------------------------


def _snippet(module: cst.Module, node: cst.CSTNode, limit: int = 48) -> str:
    """The code of ``node`` on one line, shortened to ``limit`` characters."""
    code = " ".join(module.code_for_node(node).split())
    return code if len(code) <= limit else code[: limit - 3] + "..."


def _int_literal(node: cst.BaseExpression) -> bool:
    """Whether ``node`` is an integer literal, possibly negative."""
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        node = node.expression
    return isinstance(node, cst.Integer)


def _str_literal(node: cst.BaseExpression) -> bool:
    return isinstance(
        node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)
    )


def _method(node: cst.BaseExpression) -> tuple[str, cst.BaseExpression] | None:
    """``("drop", df)`` for a call ``df.drop(...)``; None for other nodes."""
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        return node.func.attr.value, node.func.value
    return None


def _first_arg(call: cst.Call) -> cst.BaseExpression | None:
    """The first argument when it is positional (``list(x)`` -> ``x``)."""
    if call.args and call.args[0].keyword is None and not call.args[0].star:
        return call.args[0].value
    return None


def _elements(node: cst.Subscript) -> list[cst.BaseSlice]:
    return [element.slice for element in node.slice]


def _index_value(node: cst.BaseSlice) -> cst.BaseExpression | None:
    return node.value if isinstance(node, cst.Index) and node.star is None else None


def _is_full_slice(node: cst.BaseSlice) -> bool:
    return (
        isinstance(node, cst.Slice)
        and node.lower is None
        and node.upper is None
        and node.step is None
    )


def _truthy_keyword(call: cst.Call, keyword: str) -> bool:
    """Whether ``keyword=`` is given a value other than ``False``/``None``."""
    arg = argument(call, keyword)
    if arg is None:
        return False
    value = arg.value
    return not (isinstance(value, cst.Name) and value.value in ("False", "None"))


def _accessor(node: cst.BaseExpression, names: Sequence[str]) -> bool:
    """Whether ``node`` is ``<something>.<one of names>``."""
    return isinstance(node, cst.Attribute) and node.attr.value in names


def _bound_value(rule: Rule, name: cst.Name) -> cst.BaseExpression | None:
    """The value a plain ``name = value`` last bound ``name`` to, here."""
    binding = rule.ctx.names.lookup(name.value)
    if binding is None or binding.kind != "assign":
        return None
    return binding.value


def _positional(rule: Rule, node: cst.BaseExpression | None, depth: int = 2) -> bool:
    """Whether ``node`` picks columns by position: an int, an int list, a range,
    or a name bound to one of those."""
    if node is None or depth < 0:
        return False
    if _int_literal(node):
        return True
    if isinstance(node, (cst.List, cst.Tuple)):
        values = [element.value for element in node.elements]
        return bool(values) and all(_int_literal(value) for value in values)
    if isinstance(node, cst.Call):
        name = rule.ctx.qualified_name(node.func)
        return name in ("builtins.range", "builtins.slice", "numpy.arange")
    if isinstance(node, cst.BinaryOperation) and isinstance(
        node.operator, (cst.Add, cst.Subtract)
    ):
        return _int_literal(node.left) or _int_literal(node.right)
    if isinstance(node, cst.Name):
        return _positional(rule, _bound_value(rule, node), depth - 1)
    return False


def _positional_slice(rule: Rule, node: cst.BaseSlice) -> bool:
    """Whether a subscript element selects by position (``1:-1``, ``3``, ``[0, 2]``)."""
    if isinstance(node, cst.Slice):
        bounds = [node.lower, node.upper, node.step]
        given = [bound for bound in bounds if bound is not None]
        if isinstance(node.upper, cst.Integer) and node.upper.value == "0":
            return False  # `[:0]` selects no column: an empty frame of the same rows
        return bool(given) and not any(_str_literal(bound) for bound in given)
    return _positional(rule, _index_value(node))


def _in_display(rule: Rule, node: cst.CSTNode) -> bool:
    """Whether ``node`` is only shown or compared: ``print(df.columns[0])``,
    ``df.columns[0] == "id"``, an f-string."""
    parent = rule.ctx.parent(node)
    if isinstance(parent, (cst.Comparison, cst.ComparisonTarget)):
        return True
    if isinstance(parent, cst.FormattedStringExpression):
        return True
    if isinstance(parent, cst.Arg):
        call = rule.ctx.parent(parent)
        if isinstance(call, cst.Call):
            if rule.ctx.qualified_name(call.func) in DISPLAY_FUNCTIONS:
                return True
            method = _method(call)
            return method is not None and method[0] in DISPLAY_METHODS
    return False


def _last_name(func: cst.BaseExpression) -> str:
    """``read_csv`` for ``pd.read_csv`` or ``read_csv``: what a call's callee is
    called, to skip resolving names no API table mentions."""
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else ""


def _last_names(qualnames: Iterable[str]) -> frozenset[str]:
    return frozenset(name.rsplit(".", 1)[-1] for name in qualnames)


_BOUNDARY_LAST = _last_names(BOUNDARY_FUNCTIONS)
_USECOLS_LAST = _last_names(USECOLS_READERS)
_COMPOSE_LAST = _last_names(
    (COLUMN_TRANSFORMER, MAKE_COLUMN_TRANSFORMER, MAKE_COLUMN_SELECTOR)
)
_FRAME_SOURCE_LAST = _last_names(FRAME_SOURCES)


def _boundary_args(rule: Rule, node: cst.Call) -> list[cst.BaseExpression]:
    """The arguments of a call through which data reaches a model (``fit(X, y)``,
    ``train_test_split(X)``, ``xgb.DMatrix(X)``); [] for other calls."""
    last = _last_name(node.func)
    if last in BOUNDARY_METHODS and isinstance(node.func, cst.Attribute):
        return [arg.value for arg in node.args if not arg.star]
    if last in _BOUNDARY_LAST and (
        rule.ctx.qualified_name(node.func) in BOUNDARY_FUNCTIONS
    ):
        return [arg.value for arg in node.args if not arg.star]
    return []


def _enclosing_function(rule: Rule) -> cst.FunctionDef | None:
    """The innermost ``def`` around the current point of the walk."""
    for scope in reversed(rule.ctx.names.stack):
        if scope.kind == "function" and isinstance(scope.node, cst.FunctionDef):
            return scope.node
    return None


def _chain_root(rule: Rule, node: cst.BaseExpression) -> cst.BaseExpression:
    """``df`` for ``df.drop(...).fillna(0)[cols].values``; the call for
    ``pd.read_csv(p).dropna()`` (a function of an imported module is a root)."""
    while True:
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            if rule.ctx.qualified_name(node.func) is not None:
                return node
            node = node.func.value
        elif isinstance(node, (cst.Attribute, cst.Subscript)):
            node = node.value
        else:
            return node


def _glob_pattern(globs: Iterable[str]) -> re.Pattern[str]:
    """One case-insensitive pattern matching a whole name against any glob
    (``fnmatch`` makes a valid expression of any glob, even ``[z-a]``)."""
    alternatives = "|".join(fnmatch.translate(glob) for glob in globs) or "(?!)"
    return re.compile(f"(?i:{alternatives})")


def _word_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """A case-insensitive pattern for names with one of ``words`` between ``_``s
    (``num_cols`` has the word ``cols``)."""
    alternatives = "|".join(re.escape(word) for word in words) or "(?!)"
    return re.compile(rf"(?i)^(?:\w*_)?(?:{alternatives})(?:_\w*)?$")


# ---- the shared provenance map ---------------------------------------------------


class _FlowRule(Rule, Generic[T]):
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


# ---- MLD401 ------------------------------------------------------------------------

_FRAME, _NAMED, _TABULAR, _ARRAY, _BUNCH = "frame", "named", "tabular", "array", "bunch"


@dataclass(frozen=True)
class _Kind:
    """What a value is, for positional access: a DataFrame, an explicit named
    selection, an array of tabular data (and where it came from), another array,
    or a scikit-learn dataset bunch."""

    kind: str
    source: str = ""


class PositionalColumnAccess(_FlowRule[_Kind]):
    """Columns of tabular data selected by their position instead of their name.

    ## What it does
    Flags columns picked by position: `df.iloc[rows, cols]` and `df.iat[r, c]`
    with an integer, slice or integer-list column; `df.values[:, k]` and
    `df.to_numpy()[:, k]`; `df.columns[k]` / `df.columns[a:b]` used to select
    (not when only printed or compared); `pd.read_csv(usecols=[0, 3])` (and Excel
    letter ranges); integer column specs in `ColumnTransformer` /
    `make_column_transformer`; and 2-D positional slicing (`X[:, 0]`) of arrays
    that come from tabular data in the same scope: `np.loadtxt`, `np.genfromtxt`,
    `df.values`, `df.to_numpy()`, `load_iris().data`, `load_iris(return_X_y=True)`.

    Row-only access (`df.iloc[:100]`, `df.iloc[idx]`), model outputs
    (`predict_proba(X)[:, 1]`), images and tensors (`img[:, :, 0]`) and arrays
    built from an explicit named selection (`df[FEATURES].to_numpy()[:, 0]`) are
    not flagged.

    ## Why is this bad?
    A column's position is an accident of the file: a new column in the export,
    a reordered query or a different pandas version silently shifts every
    feature, and the model trains on the wrong inputs without any error.

    ## Example
    ```python
    import pandas as pd

    df = pd.read_csv("data/processed/train.csv")
    X, y = df.iloc[:, 1:-1], df.iloc[:, -1]
    ```

    ## Use instead
    ```python
    FEATURES = ["age", "income", "tenure_months"]
    TARGET = "churned"
    X, y = df[FEATURES], df[TARGET]
    ```
    """

    code = "MLD401"
    name = "positional-column-access"
    category = "implicit-features"
    message = "columns selected by position: select them by name"
    triggers = (
        "iloc",
        ".iat",
        "to_numpy",
        ".values[",
        "pandas",
        "columns[",
        "ColumnTransformer",
        "make_column_transformer",
        "loadtxt",
        "genfromtxt",
        "sklearn.datasets",
        "datasets.load_",
        "datasets.fetch_",
    )

    def derive(self, node: cst.BaseExpression) -> _Kind | None:
        """What a value is for column positions (see ``kind_of``)."""
        return self.kind_of(node)

    def derive_unpacked(self, value: cst.BaseExpression, index: int) -> _Kind | None:
        """Unpacking ``X, y = load_iris(return_X_y=True)`` or ``train_test_split``."""
        if not isinstance(value, cst.Call):
            return None
        name = self.ctx.qualified_name(value.func)
        if name in SKLEARN_TABULAR_LOADERS and _truthy_keyword(value, "return_X_y"):
            if index != 0:
                return _Kind(_ARRAY)
            if _truthy_keyword(value, "as_frame"):
                return _Kind(_FRAME)
            return _Kind(_TABULAR, _short(name))
        if name == "sklearn.model_selection.train_test_split":
            arrays = [arg.value for arg in value.args if arg.keyword is None]
            if index // 2 < len(arrays) and not any(arg.star for arg in value.args):
                return self.kind_of(arrays[index // 2])
        return None

    def kind_of(self, node: cst.BaseExpression, depth: int = 8) -> _Kind | None:
        """What ``node`` is as far as column positions go (None: unknown)."""
        if depth < 0:
            return None
        if isinstance(node, cst.Name):
            return self.fact(node.value)
        if isinstance(node, cst.Call):
            return self._call_kind(node, depth)
        if isinstance(node, cst.Attribute):
            inner = self.kind_of(node.value, depth - 1)
            attr = node.attr.value
            if attr == "values":
                if inner is not None and inner.kind in (_NAMED, _ARRAY):
                    return inner
                return _Kind(_TABULAR, inner.source if inner else "DataFrame.values")
            if inner is not None and inner.kind == _BUNCH:
                if attr == "data":
                    return _Kind(_TABULAR, inner.source)
                if attr == "frame":
                    return _Kind(_FRAME)
            return None
        if isinstance(node, cst.Subscript):
            return self._subscript_kind(node, depth)
        return None

    def _call_kind(self, node: cst.Call, depth: int) -> _Kind | None:
        name = self.ctx.qualified_name(node.func)
        if name is not None:
            if name in FRAME_SOURCES:
                return _Kind(_FRAME)
            if name in TABULAR_ARRAY_LOADERS:
                if _truthy_keyword(node, "names"):
                    return None  # a structured array: fields have names
                return _Kind(_TABULAR, _short(name))
            if name in SKLEARN_TABULAR_LOADERS:
                if _truthy_keyword(node, "return_X_y"):
                    return None  # a tuple: see derive_unpacked
                return _Kind(_BUNCH, _short(name))
            if name in ("numpy.asarray", "numpy.array"):
                first = _first_arg(node)
                inner = self.kind_of(first, depth - 1) if first is not None else None
                if inner is not None and inner.kind in (_FRAME, _TABULAR, _NAMED):
                    if inner.kind == _FRAME:
                        return _Kind(_TABULAR, _short(name))
                    return inner
                return _Kind(_ARRAY)
            if name.split(".", 1)[0] in ARRAY_MODULES:
                return _Kind(_ARRAY)
            return None
        method = _method(node)
        if method is None:
            return None
        attr, receiver = method
        if attr in ("to_numpy", "as_matrix", "get_values"):
            inner = self.kind_of(receiver, depth - 1)
            if inner is not None and inner.kind in (_NAMED, _ARRAY):
                return inner
            return _Kind(_TABULAR, inner.source if inner else "DataFrame.to_numpy()")
        if attr in ARRAY_METHODS:
            return _Kind(_ARRAY)
        if attr in FRAME_PRESERVING_METHODS:
            inner = self.kind_of(receiver, depth - 1)
            if inner is not None and inner.kind in (_FRAME, _NAMED):
                return inner
        return None

    def _subscript_kind(self, node: cst.Subscript, depth: int) -> _Kind | None:
        elements = _elements(node)
        base = node.value
        if _accessor(base, ("loc", "iloc")):
            assert isinstance(base, cst.Attribute)
            inner = self.kind_of(base.value, depth - 1)
            if len(elements) >= 2 and self._named(elements[1]):
                return _Kind(_NAMED)
            return inner  # rows (or positions) of a frame: still that frame
        inner = self.kind_of(base, depth - 1)
        if inner is None:
            return None
        if inner.kind == _FRAME:
            if len(elements) == 1 and self._named(elements[0]):
                return _Kind(_NAMED)
            return inner
        if inner.kind == _BUNCH:
            key = _index_value(elements[0]) if len(elements) == 1 else None
            if isinstance(key, cst.SimpleString) and key.evaluated_value == "data":
                return _Kind(_TABULAR, inner.source)
            return None
        return inner  # rows or columns of a table or an array: still that

    def _named(self, element: cst.BaseSlice) -> bool:
        """Whether a subscript element selects columns by name: a string, a list
        of strings or names, a constant, ``FEATURES + [TARGET]``."""
        value = _index_value(element)
        if value is None:
            return False
        if _str_literal(value) or isinstance(
            value, (cst.Attribute, cst.BinaryOperation)
        ):
            return True
        if isinstance(value, (cst.List, cst.Tuple)):
            return bool(value.elements) and all(
                _str_literal(item.value) or isinstance(item.value, cst.Name)
                for item in value.elements
            )
        if isinstance(value, cst.Name):
            return not _positional(self, value)
        return False

    # ---- checks -----------------------------------------------------------------

    def visit_Subscript(self, node: cst.Subscript) -> None:
        """Check ``.iloc``, ``.iat``, ``.columns[k]`` and 2-D positional slices."""
        base = node.value
        elements = _elements(node)
        if isinstance(base, cst.Attribute):
            attr = base.attr.value
            if attr in ("iloc", "iat"):
                self._check_iloc(node, base, elements)
                return
            if attr == "loc":
                return
        if len(elements) == 1 and self._column_index(base):
            if _positional_slice(self, elements[0]) and not _in_display(self, node):
                what = (
                    "column names by position: list the columns by name"
                    if isinstance(elements[0], cst.Slice)
                    else "a column name by its position: name the column"
                )
                self.report(node, f"`{_snippet(self.ctx.module, node)}` picks {what}")
            return
        if len(elements) >= 2 and _positional_slice(self, elements[1]):
            kind = self.kind_of(base)
            if kind is None or kind.kind != _TABULAR:
                return
            code = _snippet(self.ctx.module, node)
            if _accessor(base, ("values",)) or _method(base) is not None:
                where = "of the DataFrame's array"
            else:
                where = f"of tabular data (from `{kind.source}`)"
            self.report(
                node,
                f"`{code}` picks columns {where} by position: select the columns "
                "by name first (`df[FEATURES].to_numpy()`)",
            )

    def _column_index(self, node: cst.BaseExpression) -> bool:
        """Whether ``node`` is a frame's column labels: ``df.columns``,
        ``df.columns.values``, ``df.columns.tolist()``, ``list(df.columns)``."""
        if isinstance(node, cst.Attribute):
            if node.attr.value == "columns":
                inner = self.kind_of(node.value)
                return inner is None or inner.kind != _NAMED
            return node.attr.value == "values" and _accessor(node.value, ("columns",))
        if isinstance(node, cst.Call):
            method = _method(node)
            if method is not None and method[0] in ("tolist", "to_list"):
                return self._column_index(method[1])
            if self.ctx.qualified_name(node.func) == "builtins.list":
                first = _first_arg(node)
                return first is not None and _accessor(first, ("columns",))
        return False

    def _check_iloc(
        self, node: cst.Subscript, base: cst.Attribute, elements: list[cst.BaseSlice]
    ) -> None:
        if len(elements) < 2 or not _positional_slice(self, elements[1]):
            return
        inner = self.kind_of(base.value)
        if inner is not None and inner.kind in (_NAMED, _ARRAY):
            return
        self.report(
            node,
            f"`{_snippet(self.ctx.module, node)}` selects columns by position: select "
            "them by name (`df[FEATURES]`, `df.loc[:, FEATURES]`)",
        )

    def visit_Call(self, node: cst.Call) -> None:
        """Check ``usecols=`` of readers and ``ColumnTransformer`` column specs."""
        if not node.args:
            return
        last = _last_name(node.func)
        if last not in _USECOLS_LAST and last not in _COMPOSE_LAST:
            return
        name = self.ctx.qualified_name(node.func)
        if name is None:
            return
        if name in USECOLS_READERS:
            self._check_usecols(node, name)
        elif name == COLUMN_TRANSFORMER:
            given = argument(node, "transformers", 0)
            if given is not None:
                self._check_specs(given.value, 2)
        elif name == MAKE_COLUMN_TRANSFORMER:
            for arg in node.args:
                if arg.keyword is None and not arg.star:
                    self._check_spec_tuple(arg.value, 1)

    def _check_usecols(self, node: cst.Call, name: str) -> None:
        for keyword in USECOLS_KEYWORDS:
            given = argument(node, keyword)
            if given is None:
                continue
            value = given.value
            letters = (
                name.endswith("read_excel")
                and isinstance(value, cst.SimpleString)
                and isinstance(value.evaluated_value, str)
                and _EXCEL_LETTERS.match(value.evaluated_value) is not None
            )
            if letters or _positional(self, value):
                self.report(
                    value,
                    f"`{keyword}={_snippet(self.ctx.module, value)}` reads columns by "
                    "position: pass their names",
                )

    def _check_specs(self, node: cst.BaseExpression, at: int) -> None:
        """Check the ``(name, transformer, columns)`` tuples of a transformer
        list, written here or bound to a name earlier (``# noqa`` goes there)."""
        anchor: cst.CSTNode | None = None
        if isinstance(node, cst.Name):
            binding = self.ctx.names.lookup(node.value)
            if binding is None or binding.kind != "assign" or binding.value is None:
                return
            node, anchor = binding.value, binding.node
        if isinstance(node, (cst.List, cst.Tuple)):
            for element in node.elements:
                self._check_spec_tuple(element.value, at, anchor)

    def _check_spec_tuple(
        self, node: cst.BaseExpression, at: int, anchor: cst.CSTNode | None = None
    ) -> None:
        if not isinstance(node, (cst.Tuple, cst.List)) or len(node.elements) <= at:
            return
        spec = node.elements[at].value
        if _positional(self, spec):
            self.report(
                spec,
                f"column spec `{_snippet(self.ctx.module, spec)}` selects columns by "
                "position: list the column names",
                anchor=anchor,
            )

    valid = (
        Valid("""
            import pandas as pd
            FEATURES = ["age", "income", "tenure_months"]
            TARGET = "churned"
            df = pd.read_csv("data/processed/train.csv", usecols=FEATURES + [TARGET])
            X, y = df[FEATURES], df[TARGET]
            """),
        Valid("""
            proba = model.predict_proba(X_test)[:, 1]
            red = img[:, :, 0]
            emb = model_output[:, 0]
            """),
        Valid("""
            def batches(df, size):
                for start in range(0, len(df), size):
                    yield df.iloc[start:start + size]
            first_row = df.iloc[0]
            train = df.iloc[train_idx]
            whole = df.iloc[10:20, :]
            """),
        Valid("""
            import pandas as pd
            FEATURES = ["age", "income"]
            df = pd.read_csv("train.csv")
            X = df[FEATURES].to_numpy()
            age = X[:, 0]  # an explicit, ordered selection
            income = df.loc[:, FEATURES].values[:, 1]
            """),
        Valid("""
            import torch
            scores = torch.randn(8, 5)
            best = scores.topk(2, dim=1).values[:, 0]  # a tensor, not DataFrame.values
            img = torch.zeros(3, 32, 32)
            red = img[0, :, :]
            """),
        Valid("""
            import pandas as pd
            df = pd.read_csv("train.csv")
            for i, col in enumerate(df.columns):
                print(i, col)
            print(df.columns[0])
            assert df.columns[-1] == "label"
            """),
        Valid("""
            from sklearn.compose import ColumnTransformer
            from sklearn.preprocessing import OneHotEncoder, StandardScaler
            ct = ColumnTransformer(
                [("num", StandardScaler(), ["age", "income"]), ("cat", OneHotEncoder(), ["city"])]
            )
            """),
        Valid("""
            import numpy as np
            from sklearn.datasets import load_digits
            images = load_digits().images
            X = np.random.default_rng(0).normal(size=(10, 3))
            first = X[:, 0]  # synthetic data has no column names to use
            """),
    )
    invalid = (
        Invalid(
            """
            import pandas as pd
            df = pd.read_csv("data/processed/train.csv")
            X, y = df.iloc[:, 1:-1], df.iloc[:, -1]
            X2, age = df.values[:, 2:10], df.to_numpy()[:, 3]
            target_col = df.columns[-1]
            """,
            count=5,
            line=3,
            column=8,
        ),
        Invalid("""
            from sklearn.compose import ColumnTransformer
            from sklearn.preprocessing import StandardScaler
            ct = ColumnTransformer([("num", StandardScaler(), [0, 1, 4])], remainder="drop")
            """),
        Invalid(
            """
            import numpy as np
            data = np.loadtxt("data/processed/train.csv", delimiter=",")
            X, y = data[:, :-1], data[:, -1]
            """,
            count=2,
        ),
        Invalid(
            """
            from sklearn.datasets import load_iris
            iris = load_iris()
            petal = iris.data[:, 2:4]
            X, y = load_iris(return_X_y=True)
            sepal_length = X[:, 0]
            """,
            count=2,
        ),
        Invalid(
            """
            import pandas as pd
            raw = pd.read_csv("export.csv", usecols=[0, 3, 5])
            sheet = pd.read_excel("book.xlsx", usecols="A:D")
            """,
            count=2,
        ),
        Invalid(
            """
            import pandas as pd
            TARGET_INDEX = -1
            def split(df):
                X = df[df.columns[:-1]]
                y = df.iloc[:, TARGET_INDEX]
                cell = df.iat[0, 2]
                return X, y, cell
            """,
            count=3,
        ),
        Invalid("""
            import pandas as pd
            df = pd.read_csv("train.csv")
            X = df.drop(columns=["id"]).values
            first_feature = X[:, 0]
            """),
        Invalid(
            """
            from sklearn.compose import make_column_transformer
            from sklearn.preprocessing import OneHotEncoder
            ct = make_column_transformer((OneHotEncoder(), slice(0, 3)), (OneHotEncoder(), range(5, 8)))
            """,
            count=2,
        ),
        Invalid(
            """
            from sklearn.compose import ColumnTransformer
            from sklearn.preprocessing import StandardScaler
            steps = [("num", StandardScaler(), [0, 1])]
            ct = ColumnTransformer(steps)
            """,
            line=3,
            column=36,
        ),
    )


def _short(qualname: str | None) -> str:
    """``numpy.loadtxt`` -> ``np.loadtxt``, ``sklearn.datasets.load_iris`` ->
    ``load_iris``: how users write them."""
    if qualname is None:
        return ""
    if qualname.startswith("numpy."):
        return "np." + qualname[len("numpy.") :]
    if qualname.startswith("pandas."):
        return "pd." + qualname[len("pandas.") :]
    return qualname.rsplit(".", 1)[-1]


# ---- MLD402 ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Implicit:
    """Where a feature set was defined by exclusion or pattern, and how."""

    origin: cst.CSTNode
    what: str  # "exclusion", "dtype", "name pattern", ...
    anchor: cst.CSTNode | None = None


_FEATURE_NAME_OPTION = Option(
    "feature-names",
    list,
    list(FEATURE_NAMES),
    "Names (case-insensitive globs) a feature matrix or feature list is bound "
    "to; binding an implicit feature set to one is flagged even before it "
    "reaches a model.",
)


class ImplicitFeatureSet(_FlowRule[_Implicit]):
    """Model features defined by what they are not, or by a pattern.

    ## What it does
    Flags feature sets defined by exclusion — `df.drop(target, axis=1)`,
    `df.drop(columns=[...])`, `df.pop(t)` (the rest of `df`),
    `df.loc[:, df.columns != t]`, `df.columns.difference(...)`,
    `set(df.columns) - {...}`, `[c for c in df.columns if ...]` — or by pattern —
    `select_dtypes(...)`, `filter(like=/regex=)`, `df.columns.str.startswith(...)`,
    `df.loc[:, "a":"z"]` — when the result reaches a model in the same scope (`fit`,
    `fit_transform`, `partial_fit`, `predict*`, `score`, `transform`,
    `train_test_split`, `cross_val_*`, `xgb.DMatrix`, `lgb.Dataset`,
    `torch.tensor`/`from_numpy`), is bound to a feature-like name (`X`, `X_train`,
    `features`, `feature_cols`, ...), or is returned by a function named like
    `make_features`. Also flags `make_column_selector(...)` and `ColumnTransformer`
    /`make_column_transformer` with a `remainder` other than `"drop"`, which feed
    "whatever other columns there are" to the model.

    Clean-up drops (`df.drop(columns=["Unnamed: 0"])`) whose result never reaches a
    model, and explicit selections (`df[FEATURES]`) after them, are not flagged.

    ## Why is this bad?
    "Every column except the target" changes meaning whenever the data does: a new
    ID column, a leaked label, or a column only present at training time silently
    becomes a feature. Nobody can tell from the code what the model consumes, and
    serving code cannot rebuild the same inputs.

    ## Example
    ```python
    def train(df):
        X = df.drop(columns=["churned"])
        return GradientBoostingClassifier().fit(X, df["churned"])
    ```

    ## Use instead
    ```python
    FEATURES = ["age", "income", "tenure_months"]

    def train(df):
        return GradientBoostingClassifier().fit(df[FEATURES], df["churned"])
    ```
    """

    code = "MLD402"
    name = "implicit-feature-set"
    category = "implicit-features"
    message = "features defined by exclusion or pattern: list them explicitly"
    triggers = (
        "pandas",
        "polars",
        "drop(",
        "select_dtypes",
        ".filter(",
        "_get_numeric_data",
        "make_column_selector",
        "ColumnTransformer",
        "make_column_transformer",
        ".columns",
        "loc[",
    )
    options = (_FEATURE_NAME_OPTION,)

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        """Compile the ``feature-names`` option."""
        super().__init__(options)
        self.feature_name = _glob_pattern(self.option("feature-names"))

    # ---- what is implicit ----------------------------------------------------------

    def derive(self, node: cst.BaseExpression) -> _Implicit | None:
        """Where the value's feature set was defined implicitly, anchored here."""
        found = self.implicit(node)
        if found is not None and found.anchor is None:
            found = _Implicit(found.origin, found.what, self.ctx.anchor_for(node))
        return found

    def implicit(self, node: cst.BaseExpression, depth: int = 12) -> _Implicit | None:
        """Where ``node``'s columns were defined by exclusion or pattern, if so."""
        if depth < 0:
            return None
        if isinstance(node, cst.Name):
            return self.fact(node.value)
        if isinstance(node, cst.Call):
            return self._call(node, depth)
        if isinstance(node, cst.Attribute):
            if node.attr.value in ("values", "T", "columns", "array"):
                return self.implicit(node.value, depth - 1)
            return None
        if isinstance(node, cst.Subscript):
            return self._subscript(node, depth)
        if isinstance(node, cst.BinaryOperation):
            if isinstance(node.operator, cst.Subtract) and self._all_columns(node.left):
                return _Implicit(node, "exclusion")
            if isinstance(node.operator, (cst.Subtract, cst.BitOr, cst.Add)):
                return self.implicit(node.left, depth - 1) or (
                    None
                    if isinstance(node.operator, cst.Subtract)
                    else self.implicit(node.right, depth - 1)
                )
            return None
        if isinstance(node, cst.Comparison):
            excluding = any(
                isinstance(target.operator, (cst.NotEqual, cst.NotIn))
                for target in node.comparisons
            )
            if excluding and self._all_columns(node.left):
                return _Implicit(node, "exclusion")
            return None
        if isinstance(node, cst.UnaryOperation) and isinstance(
            node.operator, cst.BitInvert
        ):
            method = _method(node.expression)
            if method is not None and method[0] == "isin":
                if self._all_columns(method[1]):
                    return _Implicit(node, "exclusion")
            return None
        if isinstance(node, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
            loop = node.for_in
            if self._all_columns(loop.iter) and loop.ifs:
                return _Implicit(node, "a filter over `df.columns`")
            return self.implicit(loop.iter, depth - 1)
        return None

    def _call(self, node: cst.Call, depth: int) -> _Implicit | None:
        method = _method(node)
        if method is None:
            name = self.ctx.qualified_name(node.func)
            if name == "builtins.filter" and len(node.args) >= 2:
                if self._all_columns(node.args[1].value):
                    return _Implicit(node, "a filter over `df.columns`")
            if name in _PASS_THROUGH:
                first = _first_arg(node)
                return self.implicit(first, depth - 1) if first is not None else None
            return None
        attr, receiver = method
        if attr == "drop":
            if self._drops_columns(node):
                return _Implicit(node, "exclusion")
            if self._all_columns(receiver):  # Index.drop
                return _Implicit(node, "exclusion")
            return self.implicit(receiver, depth - 1)
        if attr in INDEX_EXCLUSION_METHODS and self._all_columns(receiver):
            return _Implicit(node, "exclusion")
        if attr in PATTERN_METHODS:
            return _Implicit(node, "dtype")
        if attr == "filter":
            keywords = {arg.keyword.value for arg in node.args if arg.keyword}
            if keywords & FILTER_PATTERN_KEYWORDS:
                return _Implicit(node, "name pattern")
            return None
        if attr in INDEX_PATTERN_METHODS and _accessor(receiver, ("str",)):
            assert isinstance(receiver, cst.Attribute)
            if self._all_columns(receiver.value):
                return _Implicit(node, "name pattern")
            return None
        if attr in SCHEMA_METHODS or attr in ("pop", "get", "isin", "filter"):
            return None
        return self.implicit(receiver, depth - 1)

    def _subscript(self, node: cst.Subscript, depth: int) -> _Implicit | None:
        base = node.value
        elements = _elements(node)
        if _accessor(base, ("loc", "iloc")):
            assert isinstance(base, cst.Attribute)
            if len(elements) < 2:
                return self.implicit(base.value, depth - 1)
            columns = elements[1]
            if isinstance(columns, cst.Slice):
                if _is_full_slice(columns):
                    return self.implicit(base.value, depth - 1)
                bounds = [columns.lower, columns.upper]
                if base.attr.value == "loc" and any(
                    bound is not None and _str_literal(bound) for bound in bounds
                ):
                    return _Implicit(node, "a label range")
                return None
            value = _index_value(columns)
            return self.implicit(value, depth - 1) if value is not None else None
        if _accessor(base, ("columns",)):
            value = _index_value(elements[0]) if len(elements) == 1 else None
            return self.implicit(value, depth - 1) if value is not None else None
        if len(elements) != 1:
            return None
        element = elements[0]
        if isinstance(element, cst.Slice):
            return self.implicit(base, depth - 1)  # rows
        value = _index_value(element)
        if value is None:
            return None
        found = self.implicit(value, depth - 1)
        if found is not None:
            return found  # df[implicit columns]
        if self._row_mask(value):
            return self.implicit(base, depth - 1)
        return None  # an explicit selection (or unknown): the columns are named

    def _row_mask(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, (cst.Comparison, cst.BooleanOperation, cst.UnaryOperation)):
            return True
        method = _method(node)
        return method is not None and method[0] in _ROW_MASK_METHODS

    def _drops_columns(self, node: cst.Call) -> bool:
        """Whether ``x.drop(...)`` drops columns: ``columns=``, or ``axis=1``."""
        if argument(node, "columns") is not None:
            return True
        axis = argument(node, "axis", 1)
        if axis is None:
            return False
        value = axis.value
        if isinstance(value, cst.Integer):
            return value.value == "1"
        return (
            isinstance(value, cst.SimpleString) and value.evaluated_value == "columns"
        )

    def _all_columns(self, node: cst.BaseExpression, depth: int = 3) -> bool:
        """Whether ``node`` is a frame's full column list: ``df.columns``,
        ``set(df.columns)``, ``df.columns.tolist()``, ``list(df)``, ``df.keys()``."""
        if depth < 0:
            return False
        if isinstance(node, cst.Attribute):
            if node.attr.value == "columns":
                return True
            return node.attr.value == "values" and self._all_columns(node.value, depth)
        if isinstance(node, cst.Call):
            method = _method(node)
            if method is not None:
                if method[0] in ("tolist", "to_list", "copy"):
                    return self._all_columns(method[1], depth - 1)
                return False
            if self.ctx.qualified_name(node.func) in (
                "builtins.list",
                "builtins.set",
                "builtins.tuple",
                "builtins.sorted",
            ):
                first = _first_arg(node)
                return first is not None and self._all_columns(first, depth - 1)
            return False
        if isinstance(node, cst.Name):
            value = _bound_value(self, node)
            return value is not None and self._all_columns(value, depth - 1)
        return False

    # ---- where it is flagged ---------------------------------------------------------

    def flag(self, found: _Implicit | None) -> None:
        """Report the definition of an implicit feature set (once)."""
        if found is None or id(found.origin) in self.reported:
            return
        self.reported.add(id(found.origin))
        code = _snippet(self.ctx.module, found.origin)
        self.report(
            found.origin,
            f"features defined by {found.what} (`{code}`): list the feature columns "
            "explicitly (`df[FEATURES]`)",
            anchor=found.anchor,
        )

    def bound(
        self,
        name: str,
        target: cst.BaseExpression,
        value: cst.BaseExpression,
        fact: _Implicit | None,
        node: cst.CSTNode,
    ) -> None:
        """Flag an implicit set bound to a feature-like name."""
        if fact is None or not self.feature_name.match(name):
            return
        root = _chain_root(self, value)
        if isinstance(root, cst.Name) and self.feature_name.match(root.value):
            if not self._loaded_here(root):
                # `def transform(self, X): X = X.drop(...)` refines a feature
                # matrix its caller chose; it is judged where it reaches a model.
                return
        self.flag(fact)

    def _loaded_here(self, name: cst.Name, depth: int = 4) -> bool:
        """Whether ``name`` holds a DataFrame this code read (``pd.read_csv``)
        rather than one it was given (a parameter, another function's result)."""
        value = _bound_value(self, name)
        if value is None or depth < 0:
            return False
        root = _chain_root(self, value)
        if isinstance(root, cst.Call):
            return self.ctx.qualified_name(root.func) in FRAME_SOURCES
        if isinstance(root, cst.Name) and root.value != name.value:
            return self._loaded_here(root, depth - 1)
        return False

    def visit_Call(self, node: cst.Call) -> None:
        """Flag implicit sets reaching a model; note in-place drops and pops;
        flag column selectors and ``remainder=``."""
        for value in _boundary_args(self, node):
            self.flag(self.implicit(value))
        method = _method(node)
        if method is not None:
            attr, receiver = method
            if isinstance(receiver, cst.Name) and (
                attr == "pop"
                or (
                    attr == "drop"
                    and _truthy_keyword(node, "inplace")
                    and self._drops_columns(node)
                )
            ):
                if attr == "pop" and not self._is_frame_pop(node):
                    return
                what = "exclusion (`pop`)" if attr == "pop" else "exclusion"
                self.set_fact(
                    receiver.value, _Implicit(node, what, self.ctx.anchor_for(node))
                )
            return
        if _last_name(node.func) not in _COMPOSE_LAST:
            return
        name = self.ctx.qualified_name(node.func)
        if name == MAKE_COLUMN_SELECTOR:
            self.flag(_Implicit(node, "a dtype or name pattern"))
        elif name in (COLUMN_TRANSFORMER, MAKE_COLUMN_TRANSFORMER):
            remainder = argument(node, "remainder")
            if remainder is None:
                return
            value = remainder.value
            if isinstance(value, cst.Name):
                bound = _bound_value(self, value)
                if bound is None:
                    return  # a value only known at run time (a parameter)
                value = bound
            if isinstance(value, cst.SimpleString) and value.evaluated_value == "drop":
                return
            if id(node) not in self.reported:
                self.reported.add(id(node))
                self.report(
                    node,
                    f"`remainder={_snippet(self.ctx.module, value, 24)}` feeds every "
                    "column not listed to the model: list them, or keep "
                    '`remainder="drop"`',
                )

    def _is_frame_pop(self, node: cst.Call) -> bool:
        """``df.pop("target")``: one string (or name) argument, as DataFrame.pop
        takes; ``d.pop(key, default)`` and ``lst.pop()`` are not frames."""
        args = [arg for arg in node.args if not arg.star]
        if len(args) != 1 or args[0].keyword is not None:
            return False
        return _str_literal(args[0].value)

    def visit_Return(self, node: cst.Return) -> None:
        """Flag an implicit set returned by a function named like ``make_features``."""
        if node.value is None:
            return
        function = _enclosing_function(self)
        if function is not None and _FEATURE_FUNCTION.search(function.name.value):
            self.flag(self.implicit(node.value))

    def leave_Del(self, node: cst.Del) -> None:
        """``del df["id"]`` leaves "all other columns" in ``df``."""
        targets = (
            [element.value for element in node.target.elements]
            if isinstance(node.target, (cst.Tuple, cst.List))
            else [node.target]
        )
        for target in targets:
            if isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
                key = _elements(target)
                if len(key) == 1 and _str_literal(
                    _index_value(key[0]) or cst.Name("_")
                ):
                    self.set_fact(
                        target.value.value,
                        _Implicit(
                            target, "exclusion (`del`)", self.ctx.anchor_for(node)
                        ),
                    )

    valid = (
        Valid("""
            import pandas as pd
            FEATURES = ["age", "income", "tenure_months"]
            df = pd.read_csv("data/processed/train.csv")
            df = df.drop(columns=["Unnamed: 0"])  # clean-up, then an explicit selection
            X, y = df[FEATURES], df["churned"]
            model.fit(X, y)
            """),
        Valid("""
            import pandas as pd
            df = pd.read_csv("raw_export.csv")
            df = df.drop(columns=["Unnamed: 0"])
            df.to_csv("data/interim/export.csv", index=False)
            """),
        Valid("""
            import pandas as pd
            df = pd.read_csv("train.csv")
            numeric = df.select_dtypes(include="number")
            print(numeric.describe())  # exploration, not model input
            """),
        Valid("""
            def make_features(df, columns):
                return df[columns].astype("float32")
            for i, col in enumerate(df.columns):
                print(i, col)
            """),
        Valid("""
            from sklearn.compose import ColumnTransformer
            from sklearn.preprocessing import StandardScaler
            ct = ColumnTransformer([("num", StandardScaler(), ["age"])], remainder="drop")
            ct2 = ColumnTransformer([("num", StandardScaler(), ["age"])])
            """),
        Valid("""
            import pandas as pd
            df = pd.read_csv("train.csv")
            rows = df.drop(index=[0, 1])  # drops rows, not columns
            y = df.pop("label")
            X = df[["age", "income"]]
            model.fit(X, y)
            """),
        Valid("""
            class DropOriginal:
                def transform(self, X):
                    X = self.check(X)
                    X = X.drop(columns=self.variables_)  # refines the caller's features
                    return X
            """),
        Valid("""
            config = {"lr": 0.1}
            lr = config.pop("lr")
            X = build(config)
            features = [c for c in names if c.startswith("f_")]  # not DataFrame columns
            """),
    )
    invalid = (
        Invalid(
            """
            from sklearn.ensemble import GradientBoostingClassifier
            def train(df):
                X = df.drop(columns=["churned"])
                return GradientBoostingClassifier(random_state=0).fit(X, df["churned"])
            """,
            line=3,
            column=9,
        ),
        Invalid("""
            import pandas as pd
            df = pd.read_csv("data/processed/train.csv")
            feature_cols = list(set(df.columns) - {"id", "label"})
            X = df[feature_cols]
            """),
        Invalid(
            """
            from sklearn.compose import ColumnTransformer, make_column_selector
            from sklearn.preprocessing import StandardScaler
            ct = ColumnTransformer([("num", StandardScaler(), ["age"])], remainder="passthrough")
            ct2 = ColumnTransformer([("num", StandardScaler(), make_column_selector(dtype_include="number"))])
            """,
            count=2,
        ),
        Invalid("""
            import pandas as pd
            raw = pd.read_csv("data/processed/customers.csv")
            def make_features():
                return raw.select_dtypes(include="number")
            """),
        Invalid("""
            import pandas as pd
            from sklearn.model_selection import train_test_split
            df = pd.read_csv("train.csv")
            target = "label"
            data = df.loc[:, df.columns != target]
            X_train, X_test, y_train, y_test = train_test_split(data, df[target], random_state=0)
            """),
        Invalid("""
            import pandas as pd
            df = pd.read_csv("train.csv")
            y = df.pop("label")
            df.drop("id", axis=1, inplace=True)
            model.fit(df, y)
            """),
        Invalid(
            """
            import pandas as pd
            import xgboost as xgb
            df = pd.read_csv("train.csv")
            cols = [c for c in df.columns if c.startswith("f_")]
            dtrain = xgb.DMatrix(df[cols].values, label=df["y"])
            inputs = df.filter(regex="^sensor_")
            """,
            count=2,
        ),
        Invalid("""
            import pandas as pd
            df = pd.read_csv("train.csv")
            model.fit(df.drop("label", axis=1).fillna(0).to_numpy(), df["label"])
            """),
        Invalid(
            """
            import pandas as pd
            design = df.drop(columns=["y"])
            """,
            options={"feature-names": ["design"]},
        ),
        Invalid("""
            import pandas as pd
            X = pd.read_csv("train.csv").dropna()
            X = X.drop(columns=["id", "label"])  # loaded here: this defines the features
            """),
    )


# ---- MLD403 ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unordered:
    """A value whose order is a set's: where it was made and how to fix it."""

    origin: cst.CSTNode
    fix: Fix | None
    is_set: bool
    anchor: cst.CSTNode | None = None


_SET_METHODS = frozenset(
    {"union", "difference", "intersection", "symmetric_difference", "copy"}
)


class UnorderedFeatureList(_FlowRule[_Unordered]):
    """Column lists whose order is a set's iteration order.

    ## What it does
    Flags `list(set(...))`, `tuple(set(...))`, set arithmetic
    (`set(df.columns) - {"id"}`, `a | b`, `a & b`), `dict.fromkeys(a_set)` and
    comprehensions over a set when the result is used as a column list
    (`df[...]`, `df.loc[:, ...]`, `columns=`, `feature_names=`, a reader's `names=`)
    or bound to a column-list name (`features`, `feature_cols`, `num_cols`, ...).
    `sorted(set(...))` is not flagged. `usecols=` is not flagged either: pandas
    keeps the file's column order whatever order `usecols` lists.

    ## Why is this bad?
    Python randomizes string hashing per process (`PYTHONHASHSEED`), so the order
    of a set of column names changes from run to run. The model's input columns
    come out in a different order each time: a saved model or scaler is applied
    to shuffled features, and results are not reproducible.

    ## Example
    ```python
    feature_cols = list(set(df.columns) - {"id", "label"})
    X = df[feature_cols]
    ```

    ## Use instead
    ```python
    feature_cols = sorted(set(df.columns) - {"id", "label"})
    X = df[feature_cols]
    ```
    or, better, list the features explicitly (see MLD402).

    ## Fix
    Unsafe (it changes the column order the code produces): `list(set(x))` becomes
    `sorted(set(x))`; set arithmetic `s` becomes `sorted(s)`.
    """

    code = "MLD403"
    name = "unordered-feature-list"
    category = "implicit-features"
    message = "column list in set order, which changes between runs: sort it"
    fix_safety = "unsafe"
    # A finding needs a column context: `columns=`/`feature_names=`, pandas code,
    # or a column-list name (`set(` alone would parse a quarter of all files).
    triggers = (
        "columns",
        "cols",
        "features",
        "feature_",
        "feats",
        "predictor",
        "pandas",
        "polars",
        ".loc[",
    )
    options = (
        Option(
            "feature-list-words",
            list,
            list(FEATURE_LIST_WORDS),
            "Words that make a name a column list's (`num_cols` has `cols`): "
            "binding a list in set order to such a name is flagged.",
        ),
    )

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        """Compile the name patterns."""
        super().__init__(options)
        self.list_name = _word_pattern(self.option("feature-list-words"))
        self.set_name = _glob_pattern(FEATURE_NAMES)
        self.order_free = re.compile(ORDER_FREE_NAME)

    def on_begin_file(self) -> None:
        """Start with no pending name bindings."""
        super().on_begin_file()
        # name bindings to report at the end unless sorted in place meanwhile
        self.pending: dict[tuple[int, str], _Unordered] = {}
        self._frame_file: bool | None = None

    def frame_file(self) -> bool:
        """Whether the file imports a DataFrame library (so that ``x[cols]`` is
        probably a column selection, not array indexing)."""
        if self._frame_file is None:
            names = self.ctx.names
            self._frame_file = any(names.is_imported(m) for m in FRAME_MODULES)
        return self._frame_file

    def derive(self, node: cst.BaseExpression) -> _Unordered | None:
        """Where the value got a set's order, anchored here."""
        found = self.unordered(node)
        if found is not None:
            return _Unordered(
                found.origin, found.fix, found.is_set, self.ctx.anchor_for(node)
            )
        return None

    def is_set(self, node: cst.BaseExpression, depth: int = 6) -> bool:
        """Whether ``node`` is a set (or iterates in a set's order)."""
        if depth < 0:
            return False
        if isinstance(node, (cst.Set, cst.SetComp)):
            return True
        if isinstance(node, cst.Name):
            fact = self.fact(node.value)
            return fact is not None and fact.is_set
        if isinstance(node, cst.BinaryOperation):
            left = self.is_set(node.left, depth - 1) or _is_keys(node.left)
            if isinstance(node.operator, cst.Subtract):
                return left  # the elements (and their type) are the left side's
            if isinstance(node.operator, (cst.BitOr, cst.BitAnd, cst.BitXor)):
                return left or self.is_set(node.right, depth - 1)
            return False
        if isinstance(node, cst.Call):
            name = self.ctx.qualified_name(node.func)
            if name in ("builtins.set", "builtins.frozenset"):
                first = _first_arg(node)
                # a set of ints iterates in a fixed order (ints hash to themselves)
                return not (
                    isinstance(first, cst.Call)
                    and self.ctx.qualified_name(first.func) == "builtins.range"
                )
            if name == "builtins.dict.fromkeys" or (
                isinstance(node.func, cst.Attribute)
                and node.func.attr.value == "fromkeys"
            ):
                first = _first_arg(node)
                return first is not None and self.is_set(first, depth - 1)
            method = _method(node)
            if method is not None and method[0] in _SET_METHODS:
                return self.is_set(method[1], depth - 1)
        return False

    def unordered(self, node: cst.BaseExpression) -> _Unordered | None:
        """Where ``node`` got a set's order, with the fix that sorts it there."""
        if isinstance(node, cst.Name):
            return self.fact(node.value)
        if isinstance(node, cst.Call):
            name = self.ctx.qualified_name(node.func)
            if name in ("builtins.list", "builtins.tuple") and len(node.args) == 1:
                arg = node.args[0]
                if arg.keyword is None and not arg.star and self.is_set(arg.value):
                    if name == "builtins.list":
                        fix = Fix.replace(
                            node.func,
                            "sorted",
                            message="Sort the columns: `sorted(...)`",
                            applicability="unsafe",
                        )
                    else:
                        fix = self._wrap(arg.value)
                    return _Unordered(node, fix, False)
            return None
        if isinstance(node, (cst.ListComp, cst.GeneratorExp)):
            loop = node.for_in
            if self.is_set(loop.iter):
                return _Unordered(node, self._wrap(loop.iter), False)
            return None
        if self.is_set(node):
            return _Unordered(node, self._wrap(node), True)
        return None

    def _sorted_in_place(self, name: str) -> None:
        binding = self.ctx.names.lookup(name)
        if binding is None or binding.node is None:
            return
        self.pending.pop((id(binding.node), name), None)
        facts = self.facts.get(id(binding.node))
        if facts is not None:
            facts.pop(name, None)

    def _wrap(self, node: cst.BaseExpression) -> Fix:
        sorted_call = cst.Call(func=cst.Name("sorted"), args=[cst.Arg(value=node)])
        return Fix.replace(
            node,
            sorted_call,
            message="Sort the columns: `sorted(...)`",
            applicability="unsafe",
        )

    def flag(self, found: _Unordered | None, sets_too: bool) -> None:
        """Report a set-ordered column list (once per place it was made)."""
        if found is None or (found.is_set and not sets_too):
            return
        if id(found.origin) in self.reported:
            return
        self.reported.add(id(found.origin))
        code = _snippet(self.ctx.module, found.origin, 40)
        self.report(
            found.origin,
            f"`{code}` orders columns by string hash, which changes between runs "
            "(PYTHONHASHSEED): use `sorted(...)`",
            fix=found.fix,
            anchor=found.anchor,
        )

    def bound(
        self,
        name: str,
        target: cst.BaseExpression,
        value: cst.BaseExpression,
        fact: _Unordered | None,
        node: cst.CSTNode,
    ) -> None:
        """Note a set-ordered list bound to a column-list name (reported at the end)."""
        if fact is None or self.order_free.search(name):
            return
        if fact.is_set:
            # A set bound to a name is used as a set (membership, iteration)
            # unless it comes from arithmetic on column sets: `set(a) - {"y"}`.
            if not (_set_arithmetic(fact.origin) and self.set_name.match(name)):
                return
        elif not self.list_name.match(name):
            return
        if isinstance(target, cst.Name):
            self.pending[(id(node), name)] = fact
        else:
            self.flag(fact, sets_too=True)

    def end_file(self) -> None:
        """Report the column lists bound to feature-like names and never sorted."""
        for fact in self.pending.values():
            self.flag(fact, sets_too=True)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        """``df[list(set(...))]``, ``df.loc[:, cols]``."""
        elements = _elements(node)
        if _accessor(node.value, ("loc", "iloc")):
            if len(elements) != 2:
                return
            column = elements[1]
        elif len(elements) == 1 and self.frame_file():
            column = elements[0]
        else:
            return
        value = _index_value(column)
        if value is not None:
            self.flag(self.unordered(value), sets_too=False)

    def visit_Call(self, node: cst.Call) -> None:
        """``columns=``/``feature_names=``/a reader's ``names=`` given a set order;
        ``cols.sort()`` puts a list in a fixed order."""
        method = _method(node)
        if method is not None and method[0] == "sort":
            receiver = method[1]
            if isinstance(receiver, cst.Name):
                self._sorted_in_place(receiver.value)
            return
        if not node.args:
            return
        if method is not None and method[0] in ORDER_FREE_METHODS:
            return
        for arg in node.args:
            keyword = arg.keyword
            if keyword is None:
                continue
            if keyword.value in COLUMN_LIST_KEYWORDS or (
                keyword.value == READER_NAMES_KEYWORD
                and self.ctx.qualified_name(node.func) in FRAME_SOURCES
            ):
                self.flag(self.unordered(arg.value), sets_too=False)

    valid = (
        Valid("""
            import pandas as pd
            df = pd.read_csv("train.csv")
            feature_cols = sorted(set(df.columns) - {"id", "label"})
            X = df[feature_cols]
            """),
        Valid("""
            FEATURES = ["age", "income", "tenure_months"]
            X = df[FEATURES]
            """),
        Valid("""
            tags = list(set(raw_tags))  # not a column list
            unique_ids = set(ids) - seen
            """),
        Valid("""
            import pandas as pd
            drop_cols = list(set(df.columns) & set(LEAKY))
            df = df.drop(columns=drop_cols)  # dropping: order does not matter
            mask = df.columns.isin(list(set(keep)))
            """),
        Valid("""
            import pandas as pd
            wanted = set(FEATURES)
            df = pd.read_csv("train.csv", usecols=list(wanted))  # pandas keeps file order
            """),
        Valid("""
            seen = set()
            cols = [c for c in df.columns if c not in seen]  # iterates the columns, not the set
            X = df[cols]
            """),
        Valid("""
            import numpy as np
            import pandas as pd
            unexpected_feature_names = list(set(given) - set(feature_names_in))
            feature_names = list(set(given) | set(extra))
            feature_names.sort()  # sorted in place: a fixed order
            clean_idx = list(set(range(200)) - set(outliers))  # ints: a fixed order
            model.fit(X[clean_idx])
            """),
        Valid("""
            import pandas as pd
            feature_group_types = {type(i) for group in groups for i in group}
            object_cols = {col for col in df.columns if df[col].dtype == object}
            invalid_features = set(features) - set(SUPPORTED)  # sets used as sets
            for col in object_cols:
                df[col] = df[col].astype("category")
            """),
    )
    invalid = (
        Invalid(
            """
            import pandas as pd
            df = pd.read_csv("data/processed/train.csv")
            feature_cols = list(set(df.columns) - {"id", "label"})
            X = df[feature_cols]
            """,
            line=3,
            column=16,
            fixed="""
            import pandas as pd
            df = pd.read_csv("data/processed/train.csv")
            feature_cols = sorted(set(df.columns) - {"id", "label"})
            X = df[feature_cols]
            """,
        ),
        Invalid(
            """
            import pandas as pd
            X = df[list(set(numeric) | set(categorical))]
            """,
            fixed="""
            import pandas as pd
            X = df[sorted(set(numeric) | set(categorical))]
            """,
        ),
        Invalid(
            """
            features = set(df.columns) - {"label"}
            """,
            fixed="""
            features = sorted(set(df.columns) - {"label"})
            """,
        ),
        Invalid(
            """
            import pandas as pd
            frame = pd.DataFrame(matrix, columns=list(dict.fromkeys(set(names))))
            """,
            fixed="""
            import pandas as pd
            frame = pd.DataFrame(matrix, columns=sorted(dict.fromkeys(set(names))))
            """,
        ),
        Invalid(
            """
            keep = set(a) & set(b)
            subset = df.loc[:, [c for c in keep]]
            cols = list(set(a) - set(b))  # a column-list name
            """,
            count=2,
            fixed="""
            keep = set(a) & set(b)
            subset = df.loc[:, [c for c in sorted(keep)]]
            cols = sorted(set(a) - set(b))  # a column-list name
            """,
        ),
        Invalid(
            """
            cat_cols = tuple(set(df.select_dtypes("object").columns))
            """,
            fixed="""
            cat_cols = tuple(sorted(set(df.select_dtypes("object").columns)))
            """,
        ),
        Invalid(
            """
            import pandas as pd
            regressors = list(set(df.columns) - {"y"})
            """,
            options={"feature-list-words": ["regressors"]},
            fixed="""
            import pandas as pd
            regressors = sorted(set(df.columns) - {"y"})
            """,
        ),
        Invalid(
            """
            import xgboost as xgb
            names = set(raw.columns) - {"y"}
            dtrain = xgb.DMatrix(data, feature_names=list(names))
            """,
            fixed="""
            import xgboost as xgb
            names = set(raw.columns) - {"y"}
            dtrain = xgb.DMatrix(data, feature_names=sorted(names))
            """,
        ),
    )


def _set_arithmetic(node: cst.CSTNode) -> bool:
    """``a - b``, ``a | b``, ``a.union(b)``, ``dict.fromkeys(s)``: a set computed
    from others (not ``set(x)`` or a set comprehension)."""
    if isinstance(node, cst.BinaryOperation):
        return True
    method = _method(node) if isinstance(node, cst.Call) else None
    return method is not None and (
        method[0] in _SET_METHODS - {"copy"} or method[0] == "fromkeys"
    )


def _is_keys(node: cst.BaseExpression) -> bool:
    """``d.keys()``: a keys view, whose ``-``/``|``/``&`` give sets."""
    method = _method(node)
    return method is not None and method[0] == "keys"


# ---- MLD404 ------------------------------------------------------------------------


class WildcardImport(Rule):
    """`from module import *` outside a package's `__init__.py`.

    ## What it does
    Flags star imports in any module except `__init__.py` (where re-exporting a
    subpackage's names is the usual way to build a package's API). If Ruff's
    F403 already runs on the project, select one of the two.

    ## Why is this bad?
    A star import hides where feature functions, constants and column lists come
    from: a reader cannot tell which `FEATURES` or `clean()` the code uses, and a
    new name in the imported module silently shadows a local one and changes the
    features the model gets.

    ## Example
    ```python
    from features.engineering import *
    ```

    ## Use instead
    ```python
    from features.engineering import FEATURES, add_ratios
    ```
    """

    code = "MLD404"
    name = "wildcard-import"
    category = "implicit-features"
    message = "star import hides which names this module uses: import them by name"
    triggers = ("import *", "import  *")

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """Flag ``from m import *`` unless the file is an ``__init__``."""
        if not isinstance(node.names, cst.ImportStar):
            return
        stem = os.path.splitext(os.path.basename(self.ctx.path))[0]
        if stem == "__init__":
            return
        module = ""
        if node.module is not None:
            module = self.ctx.module.code_for_node(node.module)
        module = "." * len(node.relative) + module
        self.report(
            node,
            f"`from {module} import *` hides which names this module uses: import "
            "them by name",
        )

    valid = (
        Valid("from features.engineering import FEATURES, add_ratios\n"),
        Valid("import numpy as np\nimport pandas as pd\n"),
        Valid("from . import models\n"),
        Valid("text = 'from x import *'  # a string, not an import\n"),
        Valid("# from legacy import *\nfrom typing import Any\n"),
        Valid("from os.path import join as join_path\n"),
    )
    invalid = (
        Invalid("from features.engineering import *\n", line=1, column=1),
        Invalid("from .models import *\n"),
        Invalid("from torch.nn import *\nfrom numpy import *\n", count=2),
        Invalid("def helper():\n    pass\nfrom sklearn.metrics import *\n"),
        Invalid("try:\n    from fast import *\nexcept ImportError:\n    pass\n"),
        Invalid("from ..config import  *\n"),
    )


# ---- MLD405 ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Read:
    """A function's read of a name it does not bind."""

    node: cst.CSTNode
    anchor: cst.CSTNode
    function: str


class GlobalDataFrameInFunction(Rule):
    """Functions that read a module-level DataFrame instead of taking it as a parameter.

    ## What it does
    Flags a function (or method) that reads a module-level name bound to
    `pd.read_*(...)`, `pd.DataFrame(...)`, `pd.concat(...)` or `pl.read_*(...)`
    (names are resolved, so `from pandas import read_csv` counts), or to a
    frame-preserving method chain on one (`pd.read_csv(p).dropna()`). A parameter
    or local variable of the same name shadows it; a `global df` statement counts
    as a read. UPPER_CASE names are exempt: they declare constants on purpose.

    ## Why is this bad?
    The function's real input is hidden: its result depends on whichever
    DataFrame happens to sit in the module (or notebook) when it runs. It cannot
    be tested with a small frame, reused on new data, or run in a pipeline, and
    re-running cells in another order changes what it computes.

    ## Example
    ```python
    import pandas as pd

    raw = pd.read_csv("data/processed/customers.csv")

    def make_features():
        return raw[["age", "income"]]
    ```

    ## Use instead
    ```python
    def make_features(raw: pd.DataFrame) -> pd.DataFrame:
        return raw[["age", "income"]]
    ```
    """

    code = "MLD405"
    name = "global-dataframe-in-function"
    category = "implicit-features"
    message = "function reads a module-level DataFrame: pass it as a parameter"
    triggers = ("pandas", "polars")

    def on_begin_file(self) -> None:
        """Start with no frames and no reads; find the names the module binds."""
        text = self.ctx.text
        # the engine runs this rule only in files with one of its triggers
        self.active = any(word in text for word in _FRAME_SOURCE_LAST)
        # Only names bound at module level (or declared `global`) can be the
        # module's DataFrames: the reads of every other name are not recorded.
        self.candidates: frozenset[str] | None = None
        if self.active and "global " not in text:
            self.candidates = frozenset(_module_level_names(self.ctx.module.body))
        self.frames: dict[str, str] = {}  # module-level name -> shown source
        self.pending: dict[int, dict[str, _Read]] = {}  # function -> free reads
        self.reads: list[tuple[str, _Read]] = []  # reads that reach the module

    def _frame_source(self, node: cst.BaseExpression, depth: int = 8) -> str | None:
        """The call a module-level DataFrame came from (``pd.read_csv``), if any."""
        if depth < 0:
            return None
        if isinstance(node, cst.Call):
            name = self.ctx.qualified_name(node.func)
            if name in FRAME_SOURCES:
                return _snippet(self.ctx.module, node.func, 32)
            method = _method(node)
            if method is not None and method[0] in FRAME_PRESERVING_METHODS:
                return self._frame_source(method[1], depth - 1)
            return None
        if isinstance(node, cst.Subscript):
            return self._frame_source(node.value, depth - 1)
        if isinstance(node, cst.Attribute) and node.attr.value in ("loc", "iloc"):
            return self._frame_source(node.value, depth - 1)
        if isinstance(node, cst.Name):
            return (
                self.frames.get(node.value)
                if self._module_binding(node.value)
                else None
            )
        return None

    def _module_binding(self, name: str) -> bool:
        stack = self.ctx.names.stack
        for scope in reversed(stack[1:]):
            if scope.kind == "class" and scope is not stack[-1]:
                continue
            if name in scope.global_names:
                return True
            if name in scope.names:
                return False
        return True

    def _note_binding(
        self, target: cst.BaseExpression, value: cst.BaseExpression
    ) -> None:
        if isinstance(target, cst.Name):
            scope = self.ctx.names.scope
            if scope.kind == "module" or target.value in scope.global_names:
                source = self._frame_source(value)
                if source is not None:
                    self.frames.setdefault(target.value, source)
        elif isinstance(target, (cst.Tuple, cst.List)) and isinstance(
            value, (cst.Tuple, cst.List)
        ):
            if len(target.elements) == len(value.elements):
                for element, item in zip(target.elements, value.elements):
                    self._note_binding(element.value, item.value)

    def leave_Assign(self, node: cst.Assign) -> None:
        """Note module-level names bound to a DataFrame."""
        if self.active:
            for target in node.targets:
                self._note_binding(target.target, node.value)

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        """As ``leave_Assign``."""
        if self.active and node.value is not None:
            self._note_binding(node.target, node.value)

    def _function_scope_id(self) -> int | None:
        """The innermost ``def`` scope's node id, when inside one."""
        for scope in reversed(self.ctx.names.stack):
            if scope.kind == "function" and isinstance(scope.node, cst.FunctionDef):
                return id(scope.node)
        return None

    def _record(self, name: str, node: cst.CSTNode) -> None:
        key = self._function_scope_id()
        if key is None:
            return
        reads = self.pending.setdefault(key, {})
        if name not in reads:
            function = _enclosing_function(self)
            label = function.name.value if function is not None else "?"
            reads[name] = _Read(node, self.ctx.anchor_for(node), label)

    def visit_Name(self, node: cst.Name) -> None:
        """Record names a function reads without binding them (so far)."""
        if not self.active or len(self.ctx.names.stack) == 1:
            return
        name = node.value
        if self.candidates is not None and name not in self.candidates:
            return
        if name.isupper() or not self._module_binding(name):
            return
        parent = self.ctx.parent(node)
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return
        if isinstance(parent, cst.Arg) and parent.keyword is node:
            return
        if isinstance(
            parent,
            (
                cst.Param,
                cst.FunctionDef,
                cst.ClassDef,
                cst.ImportAlias,
                cst.AsName,
                cst.NameItem,
            ),
        ):
            return
        self._record(name, node)

    def visit_Global(self, node: cst.Global) -> None:
        """``global df`` in a function is a read of the module's ``df``."""
        if not self.active:
            return
        for item in node.names:
            if not item.name.value.isupper():
                self._record(item.name.value, item.name)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        """Keep the reads of names the function never bound; hand them to the
        enclosing function, or to the module."""
        if not self.active:
            return
        reads = self.pending.pop(id(node), None)
        if not reads:
            return
        scope = self.ctx.names.scope
        free = {
            name: read
            for name, read in reads.items()
            if name not in scope.names or name in scope.global_names
        }
        outer = None
        for enclosing in reversed(self.ctx.names.stack[:-1]):
            if enclosing.kind == "function" and isinstance(
                enclosing.node, cst.FunctionDef
            ):
                outer = enclosing
                break
        if outer is not None:
            inherited = self.pending.setdefault(id(outer.node), {})
            for name, read in free.items():
                if name in scope.global_names:
                    self.reads.append((name, read))
                elif name not in outer.names:
                    inherited.setdefault(name, read)
            return
        self.reads.extend(free.items())

    def end_file(self) -> None:
        """Report the reads of names the module bound to a DataFrame."""
        if not self.active:
            return
        for name, read in self.reads:
            source = self.frames.get(name)
            if source is None:
                continue
            self.report(
                read.node,
                f"`{read.function}` reads the module-level DataFrame `{name}` "
                f"(from `{source}`): pass it as a parameter",
                anchor=read.anchor,
            )

    valid = (
        Valid("""
            import pandas as pd
            def make_features(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
                return df[columns].astype("float32")
            df = pd.read_csv("train.csv")
            features = make_features(df, ["age"])
            """),
        Valid("""
            import pandas as pd
            TRAIN = pd.read_csv("train.csv")  # an UPPER_CASE constant, on purpose
            def size():
                return len(TRAIN)
            """),
        Valid("""
            import pandas as pd
            df = pd.read_csv("train.csv")
            def clean(df):
                return df.dropna()  # the parameter shadows the global
            def load():
                df = pd.read_csv("test.csv")  # a local
                return df
            """),
        Valid("""
            import pandas as pd
            config = load_config()
            def threshold():
                return config["threshold"]  # not a DataFrame
            """),
        Valid("""
            import pandas as pd
            def load(path):
                return pd.read_csv(path)
            class Loader:
                def __init__(self, df):
                    self.df = df
                def rows(self):
                    return len(self.df)
            """),
        Valid("""
            import pandas as pd
            df = pd.read_csv("train.csv")
            def outer():
                frame = df_factory()
                def inner():
                    return frame.shape  # a closure over a local, not the module
                return inner
            summary = [len(df[c]) for c in df.columns]  # module level
            """),
    )
    invalid = (
        Invalid(
            """
            import pandas as pd
            raw = pd.read_csv("data/processed/customers.csv")
            def make_features():
                return raw.select_dtypes(include="number")
            """,
            line=4,
            column=12,
        ),
        Invalid("""
            from pandas import read_csv
            def train(model):
                model.fit(train_df[["a"]], train_df["y"])
            train_df = read_csv("train.csv").dropna()  # bound after the def, read at call time
            """),
        Invalid("""
            import polars as pl
            events = pl.read_parquet("events.parquet")
            class Report:
                def count(self):
                    return events.height
            """),
        Invalid(
            """
            import pandas as pd
            df = None
            def load():
                global df
                df = pd.read_csv("train.csv")
            def mean_age():
                return df["age"].mean()
            """,
            count=2,
        ),
        Invalid("""
            import pandas as pd
            df = pd.DataFrame({"a": [1, 2]})
            def total():
                def inner():
                    return df["a"].sum()
                return inner()
            """),
        Invalid(
            """
            import pandas as pd
            left, right = pd.read_csv("a.csv"), pd.read_csv("b.csv")
            def joined(key):
                return left.merge(right, on=key)
            """,
            count=2,
        ),
    )


def _module_level_names(body: Sequence[cst.CSTNode]) -> Iterator[str]:
    """The names assigned by the module's own statements (in ``if``/``try``/
    ``with``/``for`` blocks too, not in functions or classes): a shallow walk."""
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign):
                    for target in small.targets:
                        yield from _target_names(target.target)
                elif isinstance(small, cst.AnnAssign):
                    yield from _target_names(small.target)
        elif isinstance(
            statement, (cst.If, cst.Try, cst.With, cst.For, cst.While, cst.Else)
        ):
            blocks: list[cst.BaseSuite] = [statement.body]
            orelse = getattr(statement, "orelse", None)
            if isinstance(orelse, (cst.If, cst.Else)):
                yield from _module_level_names([orelse])
            if isinstance(statement, cst.Try):
                blocks.extend(handler.body for handler in statement.handlers)
                if statement.finalbody is not None:
                    blocks.append(statement.finalbody.body)
            for block in blocks:
                if isinstance(block, cst.IndentedBlock):
                    yield from _module_level_names(block.body)
                elif isinstance(block, cst.SimpleStatementSuite):
                    yield from _module_level_names(
                        [cst.SimpleStatementLine(body=block.body)]
                    )


def _target_names(target: cst.BaseExpression) -> Iterator[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _target_names(element.value)


# ---- MLD406 ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Dummies:
    """A `pd.get_dummies` output whose columns are not pinned yet."""

    origin: cst.Call
    anchor: cst.CSTNode | None = None


class GetDummiesWithoutSchema(_FlowRule[_Dummies]):
    """`pd.get_dummies` output fed to a model without a fixed column schema.

    ## What it does
    Flags `pd.get_dummies(...)` without `columns=` whose result reaches a model
    (`fit`, `predict*`, `transform`, `score`, `train_test_split`, `cross_val_*`,
    `xgb.DMatrix`, ...) in the same scope without first being pinned to a column
    list with `.reindex(columns=...)`, `.align(...)` or an explicit selection
    (`X[COLUMNS]`). Off by default: select it with `--select MLD406`.

    ## Why is this bad?
    `get_dummies` makes one column per category *present in the data*. A batch
    at prediction time that lacks a category, or has a new one, gets a different
    number or order of columns than the model was trained on: predictions fail,
    or silently use the wrong columns.

    ## Example
    ```python
    X_test = pd.get_dummies(test_df)
    predictions = model.predict(X_test)
    ```

    ## Use instead
    ```python
    X_test = pd.get_dummies(test_df, columns=CATEGORICAL)
    X_test = X_test.reindex(columns=TRAIN_COLUMNS, fill_value=0)
    predictions = model.predict(X_test)
    ```
    or use scikit-learn's `OneHotEncoder(handle_unknown="ignore")` in a pipeline.
    """

    code = "MLD406"
    name = "get-dummies-without-schema"
    category = "implicit-features"
    message = "get_dummies output reaches a model without a fixed column schema"
    default_enabled = False
    triggers = ("get_dummies",)

    def derive(self, node: cst.BaseExpression) -> _Dummies | None:
        """The ``get_dummies`` call whose columns the value carries, anchored here."""
        found = self.dummies(node)
        if found is not None and found.anchor is None:
            return _Dummies(found.origin, self.ctx.anchor_for(node))
        return found

    def dummies(self, node: cst.BaseExpression, depth: int = 10) -> _Dummies | None:
        """The ``get_dummies`` call whose unpinned columns ``node`` carries."""
        if depth < 0:
            return None
        if isinstance(node, cst.Name):
            return self.fact(node.value)
        if isinstance(node, cst.Call):
            name = self.ctx.qualified_name(node.func)
            if name in GET_DUMMIES:
                if argument(node, "columns") is not None or has_star_args(node):
                    return None
                return _Dummies(node)
            if name in _PASS_THROUGH:
                first = _first_arg(node)
                return self.dummies(first, depth - 1) if first is not None else None
            method = _method(node)
            if method is None or method[0] in SCHEMA_METHODS:
                return None
            return self.dummies(method[1], depth - 1)
        if isinstance(node, cst.Attribute):
            if node.attr.value in ("values", "T"):
                return self.dummies(node.value, depth - 1)
            return None
        if isinstance(node, cst.Subscript):
            elements = _elements(node)
            if len(elements) == 1:
                value = _index_value(elements[0])
                if value is None or isinstance(
                    value, (cst.Comparison, cst.BooleanOperation)
                ):
                    return self.dummies(node.value, depth - 1)  # rows
            return None
        return None

    def visit_Call(self, node: cst.Call) -> None:
        """Flag unpinned dummies reaching a model."""
        for value in _boundary_args(self, node):
            found = self.dummies(value)
            if found is None or id(found.origin) in self.reported:
                continue
            self.reported.add(id(found.origin))
            self.report(
                found.origin,
                f"`{_snippet(self.ctx.module, found.origin, 40)}` reaches a model "
                "with data-dependent columns: pass `columns=` and "
                "`.reindex(columns=TRAIN_COLUMNS, fill_value=0)`",
                anchor=found.anchor,
            )

    valid = (
        Valid("""
            import pandas as pd
            X = pd.get_dummies(df, columns=["city"])
            model.fit(X, y)
            """),
        Valid("""
            import pandas as pd
            X_test = pd.get_dummies(test_df)
            X_test = X_test.reindex(columns=TRAIN_COLUMNS, fill_value=0)
            model.predict(X_test)
            """),
        Valid("""
            import pandas as pd
            X_train = pd.get_dummies(train_df)
            X_test = pd.get_dummies(test_df)
            X_train, X_test = X_train.align(X_test, join="left", axis=1, fill_value=0)
            model.fit(X_train, y)
            model.predict(X_test)
            """),
        Valid("""
            import pandas as pd
            encoded = pd.get_dummies(df)
            print(encoded.head())  # never reaches a model
            """),
        Valid("""
            import pandas as pd
            X = pd.get_dummies(df)[COLUMNS]  # an explicit selection pins the schema
            model.fit(X, y)
            """),
        Valid("""
            def get_dummies(frame):
                return frame
            model.fit(get_dummies(df), y)  # not pandas
            """),
    )
    invalid = (
        Invalid("""
            import pandas as pd
            X_test = pd.get_dummies(test_df)
            predictions = model.predict(X_test)
            """),
        Invalid("""
            import pandas as pd
            model.fit(pd.get_dummies(df).fillna(0), y)
            """),
        Invalid("""
            from pandas import get_dummies
            from sklearn.model_selection import train_test_split
            encoded = get_dummies(df)
            X_train, X_test, y_train, y_test = train_test_split(encoded.values, y)
            """),
        Invalid("""
            import pandas as pd
            import xgboost as xgb
            dtrain = xgb.DMatrix(pd.get_dummies(df), label=y)
            """),
        Invalid("""
            import pandas as pd
            def predict(model, batch):
                X = pd.get_dummies(batch)
                return model.predict_proba(X)
            """),
        Invalid(
            """
            import pandas as pd
            train = pd.get_dummies(train_df)
            test = pd.get_dummies(test_df)
            model.fit(train, y)
            score = model.score(test, y_test)
            """,
            count=2,
        ),
    )


__all__ = [
    "GetDummiesWithoutSchema",
    "GlobalDataFrameInFunction",
    "ImplicitFeatureSet",
    "PositionalColumnAccess",
    "UnorderedFeatureList",
    "WildcardImport",
]
