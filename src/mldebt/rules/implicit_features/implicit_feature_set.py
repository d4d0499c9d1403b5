"""MLD402 implicit-feature-set.

Model features defined by what they are not, or by a pattern.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import libcst as cst

from mldebt.engine.helpers import argument
from mldebt.engine.options import Option
from mldebt.engine.rule import Invalid, Rule, Valid
from mldebt.rules.implicit_features._flow import (
    COMPOSE_LAST,
    PASS_THROUGH,
    FlowRule,
    accessor,
    bound_value,
    boundary_args,
    enclosing_function,
    first_arg,
    glob_pattern,
    index_value,
    last_name,
    method_and_receiver,
    snippet,
    str_literal,
    subscript_elements,
    truthy_keyword,
)
from mldebt.rules.implicit_features.api import (
    COLUMN_TRANSFORMER,
    FEATURE_FUNCTION_NAME,
    FEATURE_NAMES,
    FILTER_PATTERN_KEYWORDS,
    FRAME_SOURCES,
    INDEX_EXCLUSION_METHODS,
    INDEX_PATTERN_METHODS,
    MAKE_COLUMN_SELECTOR,
    MAKE_COLUMN_TRANSFORMER,
    PATTERN_METHODS,
    SCHEMA_METHODS,
)

_FEATURE_FUNCTION = re.compile(FEATURE_FUNCTION_NAME)

# Row masks: a frame indexed by one of these keeps all its columns.
_ROW_MASK_METHODS = frozenset(
    {"notna", "isna", "notnull", "isnull", "isin", "between", "duplicated"}
)


def _is_full_slice(node: cst.BaseSlice) -> bool:
    return (
        isinstance(node, cst.Slice)
        and node.lower is None
        and node.upper is None
        and node.step is None
    )


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


class ImplicitFeatureSet(FlowRule[_Implicit]):
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
        self.feature_name = glob_pattern(self.option("feature-names"))

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
            method = method_and_receiver(node.expression)
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
        method = method_and_receiver(node)
        if method is None:
            name = self.ctx.qualified_name(node.func)
            if name == "builtins.filter" and len(node.args) >= 2:
                if self._all_columns(node.args[1].value):
                    return _Implicit(node, "a filter over `df.columns`")
            if name in PASS_THROUGH:
                first = first_arg(node)
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
        if attr in INDEX_PATTERN_METHODS and accessor(receiver, ("str",)):
            assert isinstance(receiver, cst.Attribute)
            if self._all_columns(receiver.value):
                return _Implicit(node, "name pattern")
            return None
        if attr in SCHEMA_METHODS or attr in ("pop", "get", "isin", "filter"):
            return None
        return self.implicit(receiver, depth - 1)

    def _subscript(self, node: cst.Subscript, depth: int) -> _Implicit | None:
        base = node.value
        elements = subscript_elements(node)
        if accessor(base, ("loc", "iloc")):
            assert isinstance(base, cst.Attribute)
            if len(elements) < 2:
                return self.implicit(base.value, depth - 1)
            columns = elements[1]
            if isinstance(columns, cst.Slice):
                if _is_full_slice(columns):
                    return self.implicit(base.value, depth - 1)
                bounds = [columns.lower, columns.upper]
                if base.attr.value == "loc" and any(
                    bound is not None and str_literal(bound) for bound in bounds
                ):
                    return _Implicit(node, "a label range")
                return None
            value = index_value(columns)
            return self.implicit(value, depth - 1) if value is not None else None
        if accessor(base, ("columns",)):
            value = index_value(elements[0]) if len(elements) == 1 else None
            return self.implicit(value, depth - 1) if value is not None else None
        if len(elements) != 1:
            return None
        element = elements[0]
        if isinstance(element, cst.Slice):
            return self.implicit(base, depth - 1)  # rows
        value = index_value(element)
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
        method = method_and_receiver(node)
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
            method = method_and_receiver(node)
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
                first = first_arg(node)
                return first is not None and self._all_columns(first, depth - 1)
            return False
        if isinstance(node, cst.Name):
            value = bound_value(self, node)
            return value is not None and self._all_columns(value, depth - 1)
        return False

    # ---- where it is flagged ---------------------------------------------------------

    def flag(self, found: _Implicit | None) -> None:
        """Report the definition of an implicit feature set (once)."""
        if found is None or id(found.origin) in self.reported:
            return
        self.reported.add(id(found.origin))
        code = snippet(self.ctx.module, found.origin)
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
        value = bound_value(self, name)
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
        for value in boundary_args(self, node):
            self.flag(self.implicit(value))
        method = method_and_receiver(node)
        if method is not None:
            attr, receiver = method
            if isinstance(receiver, cst.Name) and (
                attr == "pop"
                or (
                    attr == "drop"
                    and truthy_keyword(node, "inplace")
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
        if last_name(node.func) not in COMPOSE_LAST:
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
                bound = bound_value(self, value)
                if bound is None:
                    return  # a value only known at run time (a parameter)
                value = bound
            if isinstance(value, cst.SimpleString) and value.evaluated_value == "drop":
                return
            if id(node) not in self.reported:
                self.reported.add(id(node))
                self.report(
                    node,
                    f"`remainder={snippet(self.ctx.module, value, 24)}` feeds every "
                    "column not listed to the model: list them, or keep "
                    '`remainder="drop"`',
                )

    def _is_frame_pop(self, node: cst.Call) -> bool:
        """``df.pop("target")``: one string (or name) argument, as DataFrame.pop
        takes; ``d.pop(key, default)`` and ``lst.pop()`` are not frames."""
        args = [arg for arg in node.args if not arg.star]
        if len(args) != 1 or args[0].keyword is not None:
            return False
        return str_literal(args[0].value)

    def visit_Return(self, node: cst.Return) -> None:
        """Flag an implicit set returned by a function named like ``make_features``."""
        if node.value is None:
            return
        function = enclosing_function(self)
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
                key = subscript_elements(target)
                if len(key) == 1 and str_literal(index_value(key[0]) or cst.Name("_")):
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
