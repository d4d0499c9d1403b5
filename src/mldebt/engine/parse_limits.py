"""What libcst's parser cannot take, predicted from CPython's tree of the file.

libcst's native parser builds one level of its tree per operator of a chain and
recurses through them on the C stack. Measured on libcst 1.9 and Python 3.11
(8 MB stack; README, Reliability): a chain of about 7,000 ``and``/``or``
operands, or a dotted module name of about 6,000 parts (``import a.b.c...``),
crashes the whole process with SIGSEGV, and chains of binary operators,
calls, subscripts, attributes, unary operators, conditional expressions or
lambdas deeper than about 2,500 levels take it from tens of seconds to minutes.
CPython's parser, which runs first, rejects the other deep nesting itself
(brackets past 200 levels, indentation past 100, right-recursive chains past
about 4,000-8,000). So a file whose expressions nest deeper than
``EXPRESSION_DEPTH_LIMIT`` is not given to libcst at all.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

# The deepest nesting libcst is trusted with: 3.5 times below the crash, and below
# the depths where its parse time explodes.
EXPRESSION_DEPTH_LIMIT = 2_000

_LINE_END = re.compile(r"\r\n|\r|\n")

# The expressions that make libcst nest one level (a boolean operation: one per
# operand after the first; a dotted module name: one per dot).
_NESTING = (
    ast.BinOp,
    ast.UnaryOp,
    ast.Call,
    ast.Attribute,
    ast.Subscript,
    ast.IfExp,
    ast.Lambda,
)


@dataclass(frozen=True)
class TooDeep:
    """An expression nested deeper than libcst can parse safely."""

    depth: int
    line: int

    def describe(self) -> str:
        """Why the file is not given to libcst, for a warning."""
        return (
            f"line {self.line} nests {self.depth:,} levels deep (libcst's parser "
            f"crashes or stalls on chains that long; mldebt gives it at most "
            f"{EXPRESSION_DEPTH_LIMIT:,})"
        )


def too_deep_for_libcst(tree: ast.AST, text: str) -> TooDeep | None:
    """The deepest expression of ``tree`` (CPython's tree of ``text``) if it
    nests deeper than ``EXPRESSION_DEPTH_LIMIT``, else None.

    Every level takes at least one character of source, so a statement or
    expression whose source spans fewer characters than the limit is never
    entered: on ordinary code only the long compound statements (classes,
    functions) are, down to their short statements."""
    if len(text) <= EXPRESSION_DEPTH_LIMIT:
        return None
    # the lines CPython numbers: split at \n, \r\n and \r only
    line_starts = [0, *(match.end() for match in _LINE_END.finditer(text)), len(text)]
    found: TooDeep | None = None
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if hasattr(node, "end_lineno"):
            if _span_bound(node, line_starts) <= EXPRESSION_DEPTH_LIMIT:
                continue  # too short to hold a chain that long
            if isinstance(node, (ast.expr, ast.Import, ast.ImportFrom)):
                deep = _deepest(node)
                if deep is not None and (found is None or deep.depth > found.depth):
                    found = deep
                continue
        stack.extend(ast.iter_child_nodes(node))
    return found


def _span_bound(node: ast.AST, line_starts: list[int]) -> int:
    """At least the number of characters ``node``'s source spans (column offsets
    are UTF-8 bytes, never fewer than the characters)."""
    first = getattr(node, "lineno", None)
    last = getattr(node, "end_lineno", None)
    if not isinstance(first, int) or not isinstance(last, int):
        return line_starts[-1]
    if first == last:
        end = getattr(node, "end_col_offset", None)
        start = getattr(node, "col_offset", None)
        if isinstance(end, int) and isinstance(start, int):
            return end - start
    last = min(last, len(line_starts) - 1)
    return line_starts[last] - line_starts[max(first - 1, 0)]


def _deepest(root: ast.AST) -> TooDeep | None:
    """The deepest nesting inside one expression or import, if over the limit."""
    deepest, line = 0, getattr(root, "lineno", 1)
    stack: list[tuple[ast.AST, int, int]] = [(root, 0, line)]
    while stack:
        node, depth, at = stack.pop()
        if isinstance(node, ast.BoolOp):
            depth += len(node.values) - 1
        elif isinstance(node, _NESTING):
            depth += 1
        elif isinstance(node, ast.alias):
            depth += node.name.count(".")
        elif isinstance(node, ast.ImportFrom):
            depth += (node.module or "").count(".")
        at = getattr(node, "lineno", at)
        if depth > deepest:
            deepest, line = depth, at
        stack.extend((child, depth, at) for child in ast.iter_child_nodes(node))
    if deepest <= EXPRESSION_DEPTH_LIMIT:
        return None
    return TooDeep(deepest, line)
