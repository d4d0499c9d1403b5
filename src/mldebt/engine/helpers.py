"""Small questions rules ask about nodes: a call's arguments, the nodes inside one."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from mldebt.engine.traversal import iter_nodes

__all__ = ["argument", "has_star_args", "is_none", "iter_nodes", "calls_in"]


def has_star_args(call: cst.Call) -> bool:
    """Whether the call passes ``*args`` or ``**kwargs`` (its arguments are unknown)."""
    return any(arg.star for arg in call.args)


def argument(
    call: cst.Call, keyword: str, position: int | None = None
) -> cst.Arg | None:
    """The argument bound to parameter ``keyword``: by keyword, else by position."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg
    if position is not None:
        positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
        if position < len(positional):
            return positional[position]
    return None


def is_none(node: cst.BaseExpression) -> bool:
    """Whether ``node`` is the literal ``None``."""
    return isinstance(node, cst.Name) and node.value == "None"


def calls_in(node: cst.CSTNode) -> Iterator[cst.Call]:
    """Every call inside ``node`` (``node`` included)."""
    for inner in iter_nodes(node):
        if isinstance(inner, cst.Call):
            yield inner
