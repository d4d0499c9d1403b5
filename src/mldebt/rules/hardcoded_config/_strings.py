"""String literals where a program keeps settings: the base of MLD301-MLD303."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from mldebt.engine.helpers import string_value
from mldebt.engine.rule import Rule

# Stands for the parts of an f-string only known at run time.
UNKNOWN = "\x00"

ENV_LOOKUPS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})


def leading_text(node: cst.BaseExpression) -> str | None:
    """The text a string expression starts with, as far as it is known without
    running the code: a literal's value, or an f-string's literal parts up to its
    first replacement field (followed by ``UNKNOWN``)."""
    if isinstance(node, cst.FormattedString):
        text = ""
        for part in node.parts:
            if not isinstance(part, cst.FormattedStringText):
                return text + UNKNOWN
            text += part.value
        return text
    if isinstance(node, cst.ConcatenatedString):
        left = leading_text(node.left)
        if left is None or left.endswith(UNKNOWN):
            return left
        right = leading_text(node.right)
        return None if right is None else left + right
    return string_value(node)


def _qualified(ctx_qualname: str | None, func: cst.BaseExpression) -> tuple[str, str]:
    """(qualified name or "", the called attribute or plain name or "") of a call's
    function: ``np.load`` -> ("numpy.load", "load"), ``MyError`` -> ("", "MyError")."""
    if isinstance(func, cst.Attribute):
        return ctx_qualname or "", func.attr.value
    if isinstance(func, cst.Name) and ctx_qualname is None:
        return "", func.value
    return ctx_qualname or "", ""


def target_names(node: cst.BaseExpression) -> Iterator[str]:
    """The names an assignment target binds or sets: ``x``, ``self.x``,
    ``cfg["x"]``, ``os.environ["X"]``; tuple targets give each of theirs."""
    if isinstance(node, cst.Name):
        yield node.value
    elif isinstance(node, cst.Attribute):
        yield node.attr.value
    elif isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        if isinstance(index, cst.Index):
            key = string_value(index.value)
            if key is not None:
                yield key
    elif isinstance(node, (cst.Tuple, cst.List)):
        for element in node.elements:
            yield from target_names(element.value)


def assignment_targets(
    node: cst.Assign | cst.AnnAssign,
) -> list[cst.BaseExpression]:
    """The target expressions of an assignment statement."""
    if isinstance(node, cst.Assign):
        return [target.target for target in node.targets]
    return [node.target]


class StringRule(Rule):
    """Shared bookkeeping: every string literal is reported at most once."""

    def on_begin_file(self) -> None:
        """Forget the literals reported in the previous file."""
        self._reported: set[int] = set()

    def report_once(self, node: cst.CSTNode, message: str) -> None:
        """Report ``node`` unless this rule already did."""
        if id(node) not in self._reported:
            self._reported.add(id(node))
            self.report(node, message)

    def call_names(self, node: cst.Call) -> tuple[str, str]:
        """The call's (qualified name or "", method name or "")."""
        return _qualified(self.ctx.qualified_name(node.func), node.func)


def is_exception(qualname: str, method: str) -> bool:
    last = qualname.rsplit(".", 1)[-1] if qualname else method
    return last.endswith(("Error", "Exception", "Warning"))
