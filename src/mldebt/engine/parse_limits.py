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
from dataclasses import dataclass

# The deepest nesting libcst is trusted with: 3.5 times below the crash, and below
# the depths where its parse time explodes.
EXPRESSION_DEPTH_LIMIT = 2_000

# Each level counted below has one of these in the source text, so a file with
# fewer of them in all cannot be too deep and needs no walk of its tree.
_LEVEL_TOKENS = (
    *"+-*/%@&|^~<>.([",
    "and",
    "or",
    "not",
    "if",
    "lambda",
)

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
    nests deeper than ``EXPRESSION_DEPTH_LIMIT``, else None."""
    tokens = sum(text.count(token) for token in _LEVEL_TOKENS)
    if tokens <= EXPRESSION_DEPTH_LIMIT:
        return None
    deepest, line = 0, 1
    stack: list[tuple[ast.AST, int, int]] = [(tree, 0, 1)]
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
