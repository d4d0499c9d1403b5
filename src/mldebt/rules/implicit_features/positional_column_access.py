"""MLD401 positional-column-access.

Columns of tabular data selected by their position instead of their name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from mldebt.engine.helpers import argument
from mldebt.engine.rule import Invalid, Rule, Valid
from mldebt.rules.implicit_features._flow import (
    COMPOSE_LAST,
    FlowRule,
    accessor,
    bound_value,
    first_arg,
    index_value,
    last_name,
    last_names,
    method_and_receiver,
    snippet,
    str_literal,
    subscript_elements,
    truthy_keyword,
)
from mldebt.rules.implicit_features.api import (
    ARRAY_METHODS,
    ARRAY_MODULES,
    COLUMN_TRANSFORMER,
    DISPLAY_FUNCTIONS,
    DISPLAY_METHODS,
    FRAME_PRESERVING_METHODS,
    FRAME_SOURCES,
    MAKE_COLUMN_TRANSFORMER,
    SKLEARN_TABULAR_LOADERS,
    TABULAR_ARRAY_LOADERS,
    USECOLS_KEYWORDS,
    USECOLS_READERS,
)

_EXCEL_LETTERS = re.compile(
    r"^\s*[A-Za-z]+(\s*:\s*[A-Za-z]+)?(\s*,\s*[A-Za-z]+(\s*:\s*[A-Za-z]+)?)*\s*$"
)


def _int_literal(node: cst.BaseExpression) -> bool:
    """Whether ``node`` is an integer literal, possibly negative."""
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        node = node.expression
    return isinstance(node, cst.Integer)


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
        return _positional(rule, bound_value(rule, node), depth - 1)
    return False


def _positional_slice(rule: Rule, node: cst.BaseSlice) -> bool:
    """Whether a subscript element selects by position (``1:-1``, ``3``, ``[0, 2]``)."""
    if isinstance(node, cst.Slice):
        bounds = [node.lower, node.upper, node.step]
        given = [bound for bound in bounds if bound is not None]
        if isinstance(node.upper, cst.Integer) and node.upper.value == "0":
            return False  # `[:0]` selects no column: an empty frame of the same rows
        return bool(given) and not any(str_literal(bound) for bound in given)
    return _positional(rule, index_value(node))


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
            method = method_and_receiver(call)
            return method is not None and method[0] in DISPLAY_METHODS
    return False


_USECOLS_LAST = last_names(USECOLS_READERS)

_FRAME, _NAMED, _TABULAR, _ARRAY, _BUNCH = "frame", "named", "tabular", "array", "bunch"


@dataclass(frozen=True)
class _Kind:
    """What a value is, for positional access: a DataFrame, an explicit named
    selection, an array of tabular data (and where it came from), another array,
    or a scikit-learn dataset bunch."""

    kind: str
    source: str = ""


class PositionalColumnAccess(FlowRule[_Kind]):
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
        if name in SKLEARN_TABULAR_LOADERS and truthy_keyword(value, "return_X_y"):
            if index != 0:
                return _Kind(_ARRAY)
            if truthy_keyword(value, "as_frame"):
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
                if truthy_keyword(node, "names"):
                    return None  # a structured array: fields have names
                return _Kind(_TABULAR, _short(name))
            if name in SKLEARN_TABULAR_LOADERS:
                if truthy_keyword(node, "return_X_y"):
                    return None  # a tuple: see derive_unpacked
                return _Kind(_BUNCH, _short(name))
            if name in ("numpy.asarray", "numpy.array"):
                first = first_arg(node)
                inner = self.kind_of(first, depth - 1) if first is not None else None
                if inner is not None and inner.kind in (_FRAME, _TABULAR, _NAMED):
                    if inner.kind == _FRAME:
                        return _Kind(_TABULAR, _short(name))
                    return inner
                return _Kind(_ARRAY)
            if name.split(".", 1)[0] in ARRAY_MODULES:
                return _Kind(_ARRAY)
            return None
        method = method_and_receiver(node)
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
        elements = subscript_elements(node)
        base = node.value
        if accessor(base, ("loc", "iloc")):
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
            key = index_value(elements[0]) if len(elements) == 1 else None
            if isinstance(key, cst.SimpleString) and key.evaluated_value == "data":
                return _Kind(_TABULAR, inner.source)
            return None
        return inner  # rows or columns of a table or an array: still that

    def _named(self, element: cst.BaseSlice) -> bool:
        """Whether a subscript element selects columns by name: a string, a list
        of strings or names, a constant, ``FEATURES + [TARGET]``."""
        value = index_value(element)
        if value is None:
            return False
        if str_literal(value) or isinstance(
            value, (cst.Attribute, cst.BinaryOperation)
        ):
            return True
        if isinstance(value, (cst.List, cst.Tuple)):
            return bool(value.elements) and all(
                str_literal(item.value) or isinstance(item.value, cst.Name)
                for item in value.elements
            )
        if isinstance(value, cst.Name):
            return not _positional(self, value)
        return False

    # ---- checks -----------------------------------------------------------------

    def visit_Subscript(self, node: cst.Subscript) -> None:
        """Check ``.iloc``, ``.iat``, ``.columns[k]`` and 2-D positional slices."""
        base = node.value
        elements = subscript_elements(node)
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
                self.report(node, f"`{snippet(self.ctx.module, node)}` picks {what}")
            return
        if len(elements) >= 2 and _positional_slice(self, elements[1]):
            kind = self.kind_of(base)
            if kind is None or kind.kind != _TABULAR:
                return
            code = snippet(self.ctx.module, node)
            if accessor(base, ("values",)) or method_and_receiver(base) is not None:
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
            return node.attr.value == "values" and accessor(node.value, ("columns",))
        if isinstance(node, cst.Call):
            method = method_and_receiver(node)
            if method is not None and method[0] in ("tolist", "to_list"):
                return self._column_index(method[1])
            if self.ctx.qualified_name(node.func) == "builtins.list":
                first = first_arg(node)
                return first is not None and accessor(first, ("columns",))
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
            f"`{snippet(self.ctx.module, node)}` selects columns by position: select "
            "them by name (`df[FEATURES]`, `df.loc[:, FEATURES]`)",
        )

    def visit_Call(self, node: cst.Call) -> None:
        """Check ``usecols=`` of readers and ``ColumnTransformer`` column specs."""
        if not node.args:
            return
        last = last_name(node.func)
        if last not in _USECOLS_LAST and last not in COMPOSE_LAST:
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
                    f"`{keyword}={snippet(self.ctx.module, value)}` reads columns by "
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
                f"column spec `{snippet(self.ctx.module, spec)}` selects columns by "
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
