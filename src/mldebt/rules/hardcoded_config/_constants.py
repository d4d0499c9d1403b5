"""The safe fix of MLD304 and MLD306: a literal becomes a module-level constant,
and the config positions where a literal is already configuration.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from mldebt.engine.rule import Fix, NodeEdit, Rule
from mldebt.rules.hardcoded_config.hyperparameters_api import (
    CONFIG_CALL_SUFFIXES,
    CONFIG_CLASS_BASES,
    CONFIG_CLASS_DECORATORS,
    CONFIG_CLASS_NAME,
    CONFIG_NAME,
    SEARCH_SPACE_KEYWORDS,
    UPPER_CASE,
)


def _decorator_name(decorator: cst.Decorator) -> cst.BaseExpression:
    expression = decorator.decorator
    return expression.func if isinstance(expression, cst.Call) else expression


@dataclass(frozen=True)
class Extraction:
    """A literal to replace with a module constant: what it is and where it is."""

    literal: cst.BaseExpression
    anchor: cst.CSTNode  # the statement whose lines a noqa may sit on
    names: tuple[str, ...]  # candidate constant names, best first
    message: str
    fixable: bool


class ExtractsConstants(Rule):
    """Shared by rules whose fix names a literal: collects the findings during the
    walk and reports them at the end of the file, when every name in use is known
    and constants can be named without clashing."""

    def on_begin_file(self) -> None:
        """Forget the previous file's literals."""
        self._found: list[Extraction] = []

    def add(
        self,
        literal: cst.BaseExpression,
        names: Sequence[str],
        message: str,
        fixable: bool = True,
    ) -> None:
        """Record a literal that must become a named constant."""
        anchor = self.ctx.anchor_for(literal)
        self._found.append(Extraction(literal, anchor, tuple(names), message, fixable))

    def in_config_position(self) -> bool:
        """Whether the node being visited sits where literals are configuration:
        a parameter default, a CLI default or config call, a search space, a config
        class's body, or a module-level UPPER_CASE or config-named assignment."""
        ancestors = self.ctx.ancestors
        for index in range(len(ancestors) - 2, -1, -1):
            node = ancestors[index]
            if isinstance(node, cst.Param):
                return True
            if isinstance(node, cst.Arg) and node.keyword is not None:
                if node.keyword.value in SEARCH_SPACE_KEYWORDS:
                    return True
            elif isinstance(node, cst.Call) and self._is_config_call(node):
                return True
            elif isinstance(node, (cst.FunctionDef, cst.Lambda)):
                return False
            elif isinstance(node, cst.ClassDef):
                return self._is_config_class(node)
            elif isinstance(node, (cst.Assign, cst.AnnAssign)) and index <= 2:
                return self._is_config_assignment(node)
        return False

    def _is_config_call(self, node: cst.Call) -> bool:
        qualname = self.ctx.qualified_name(node.func) or ""
        if isinstance(node.func, cst.Attribute):
            method = node.func.attr.value
        elif isinstance(node.func, cst.Name):
            method = node.func.value
        else:
            method = ""
        for suffix in CONFIG_CALL_SUFFIXES:
            if suffix.endswith("."):
                if qualname.startswith(suffix):
                    return True
            elif qualname == suffix or (method and method == suffix):
                return True
        return False

    def _is_config_class(self, node: cst.ClassDef) -> bool:
        if CONFIG_CLASS_NAME.search(node.name.value):
            return True
        for decorator in node.decorators:
            expression = _decorator_name(decorator)
            qualname = self.ctx.qualified_name(expression) or ""
            if qualname in CONFIG_CLASS_DECORATORS:
                return True
            if isinstance(expression, cst.Name) and expression.value == "dataclass":
                return True
        for base in node.bases:
            value = base.value
            last = value.attr.value if isinstance(value, cst.Attribute) else None
            if isinstance(value, cst.Name):
                last = value.value
            if last in CONFIG_CLASS_BASES:
                return True
        return False

    @staticmethod
    def _is_config_assignment(node: cst.Assign | cst.AnnAssign) -> bool:
        if isinstance(node, cst.Assign):
            targets = [target.target for target in node.targets]
        else:
            targets = [node.target]
        names = [t.value for t in targets if isinstance(t, cst.Name)]
        if not names or len(names) != len(targets):
            return False
        return all(UPPER_CASE.match(name) or CONFIG_NAME.search(name) for name in names)

    def end_file(self) -> None:
        """Name the constants and report every literal with its fix."""
        if not self._found:
            return
        insertion = self._insertion_point()
        taken: dict[str, str] = {}  # constant name -> the literal's code
        text = self.ctx.text
        for found in self._found:
            fix = None
            if found.fixable and insertion is not None:
                code = self.ctx.module.code_for_node(found.literal)
                name = self._free_name(found.names, code, taken, text)
                taken[name] = code
                fix = self._extract(found.literal, name, code, insertion)
            self.report(found.literal, found.message, fix=fix, anchor=found.anchor)

    @staticmethod
    def _free_name(
        names: Sequence[str], code: str, taken: dict[str, str], text: str
    ) -> str:
        """The first candidate that is unused in the file (or already names the same
        literal); else the first with a number appended."""

        def usable(name: str) -> bool:
            if name in taken:
                return taken[name] == code
            return re.search(rf"\b{re.escape(name)}\b", text) is None

        for name in names:
            if usable(name):
                return name
        number = 2
        while not usable(f"{names[0]}_{number}"):
            number += 1
        return f"{names[0]}_{number}"

    def _insertion_point(self) -> tuple[str, cst.CSTNode] | None:
        """Where new constants go: after the docstring, ``__future__`` imports and
        the imports that open the module; before its first statement otherwise."""
        body = list(self.ctx.module.body)
        if not body:
            return None
        last: cst.CSTNode | None = None
        for index, statement in enumerate(body):
            if not isinstance(statement, cst.SimpleStatementLine):
                break
            small = statement.body
            is_docstring = (
                index == 0
                and len(small) == 1
                and isinstance(small[0], cst.Expr)
                and isinstance(
                    small[0].value, (cst.SimpleString, cst.ConcatenatedString)
                )
            )
            if not is_docstring and not all(
                isinstance(s, (cst.Import, cst.ImportFrom)) for s in small
            ):
                break
            last = statement
        if last is None:
            return "insert_before", body[0]
        return "insert_after", last

    def _extract(
        self,
        literal: cst.BaseExpression,
        name: str,
        code: str,
        insertion: tuple[str, cst.CSTNode],
    ) -> Fix:
        kind, where = insertion
        newline = self.ctx.module.default_newline
        definition = NodeEdit(where, kind, f"{name} = {code}{newline}")
        use = NodeEdit(literal, "replace", name)
        return Fix(
            "safe",
            f"Extract `{code}` to the module constant `{name}`",
            (use, definition),
        )
