"""MLD406 get-dummies-without-schema.

`pd.get_dummies` output fed to a model without a fixed column schema.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from mldebt.engine.helpers import argument, has_star_args
from mldebt.engine.rule import Invalid, Valid
from mldebt.rules.implicit_features._flow import (
    PASS_THROUGH,
    FlowRule,
    boundary_args,
    first_arg,
    index_value,
    method_and_receiver,
    snippet,
    subscript_elements,
)
from mldebt.rules.implicit_features.api import GET_DUMMIES, SCHEMA_METHODS


@dataclass(frozen=True)
class _Dummies:
    """A `pd.get_dummies` output whose columns are not pinned yet."""

    origin: cst.Call
    anchor: cst.CSTNode | None = None


class GetDummiesWithoutSchema(FlowRule[_Dummies]):
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
            if name in PASS_THROUGH:
                first = first_arg(node)
                return self.dummies(first, depth - 1) if first is not None else None
            method = method_and_receiver(node)
            if method is None or method[0] in SCHEMA_METHODS:
                return None
            return self.dummies(method[1], depth - 1)
        if isinstance(node, cst.Attribute):
            if node.attr.value in ("values", "T"):
                return self.dummies(node.value, depth - 1)
            return None
        if isinstance(node, cst.Subscript):
            elements = subscript_elements(node)
            if len(elements) == 1:
                value = index_value(elements[0])
                if value is None or isinstance(
                    value, (cst.Comparison, cst.BooleanOperation)
                ):
                    return self.dummies(node.value, depth - 1)  # rows
            return None
        return None

    def visit_Call(self, node: cst.Call) -> None:
        """Flag unpinned dummies reaching a model."""
        for value in boundary_args(self, node):
            found = self.dummies(value)
            if found is None or id(found.origin) in self.reported:
                continue
            self.reported.add(id(found.origin))
            self.report(
                found.origin,
                f"`{snippet(self.ctx.module, found.origin, 40)}` reaches a model "
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
