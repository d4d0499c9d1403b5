"""MLD403 unordered-feature-list.

Column lists whose order is a set's iteration order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import libcst as cst

from mldebt.engine.options import Option
from mldebt.engine.rule import Fix, Invalid, Valid
from mldebt.rules.implicit_features._flow import (
    FlowRule,
    accessor,
    first_arg,
    glob_pattern,
    index_value,
    method_and_receiver,
    snippet,
    subscript_elements,
)
from mldebt.rules.implicit_features.api import (
    COLUMN_LIST_KEYWORDS,
    FEATURE_LIST_WORDS,
    FEATURE_NAMES,
    FRAME_MODULES,
    FRAME_SOURCES,
    ORDER_FREE_METHODS,
    ORDER_FREE_NAME,
    READER_NAMES_KEYWORD,
)


def _word_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """A case-insensitive pattern for names with one of ``words`` between ``_``s
    (``num_cols`` has the word ``cols``)."""
    alternatives = "|".join(re.escape(word) for word in words) or "(?!)"
    return re.compile(rf"(?i)^(?:\w*_)?(?:{alternatives})(?:_\w*)?$")


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


class UnorderedFeatureList(FlowRule[_Unordered]):
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
        self.set_name = glob_pattern(FEATURE_NAMES)
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
                first = first_arg(node)
                # a set of ints iterates in a fixed order (ints hash to themselves)
                return not (
                    isinstance(first, cst.Call)
                    and self.ctx.qualified_name(first.func) == "builtins.range"
                )
            if name == "builtins.dict.fromkeys" or (
                isinstance(node.func, cst.Attribute)
                and node.func.attr.value == "fromkeys"
            ):
                first = first_arg(node)
                return first is not None and self.is_set(first, depth - 1)
            method = method_and_receiver(node)
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
        code = snippet(self.ctx.module, found.origin, 40)
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
        elements = subscript_elements(node)
        if accessor(node.value, ("loc", "iloc")):
            if len(elements) != 2:
                return
            column = elements[1]
        elif len(elements) == 1 and self.frame_file():
            column = elements[0]
        else:
            return
        value = index_value(column)
        if value is not None:
            self.flag(self.unordered(value), sets_too=False)

    def visit_Call(self, node: cst.Call) -> None:
        """``columns=``/``feature_names=``/a reader's ``names=`` given a set order;
        ``cols.sort()`` puts a list in a fixed order."""
        method = method_and_receiver(node)
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
    method = method_and_receiver(node) if isinstance(node, cst.Call) else None
    return method is not None and (
        method[0] in _SET_METHODS - {"copy"} or method[0] == "fromkeys"
    )


def _is_keys(node: cst.BaseExpression) -> bool:
    """``d.keys()``: a keys view, whose ``-``/``|``/``&`` give sets."""
    method = method_and_receiver(node)
    return method is not None and method[0] == "keys"
