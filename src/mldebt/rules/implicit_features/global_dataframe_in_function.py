"""MLD405 global-dataframe-in-function.

Functions that read a module-level DataFrame instead of taking it as a parameter.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import libcst as cst

from mldebt.engine.rule import Invalid, Rule, Valid
from mldebt.rules.implicit_features._flow import (
    enclosing_function,
    last_names,
    method_and_receiver,
    snippet,
)
from mldebt.rules.implicit_features.api import FRAME_PRESERVING_METHODS, FRAME_SOURCES

_FRAME_SOURCE_LAST = last_names(FRAME_SOURCES)


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
                return snippet(self.ctx.module, node.func, 32)
            method = method_and_receiver(node)
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
            function = enclosing_function(self)
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
