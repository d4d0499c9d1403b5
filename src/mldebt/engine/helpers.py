"""Small questions rules ask about nodes: a call's arguments, the nodes inside one."""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterable, Iterator

import libcst as cst

from mldebt.engine.traversal import iter_nodes

__all__ = [
    "argument",
    "has_star_args",
    "is_none",
    "iter_nodes",
    "calls_in",
    "string_value",
]


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


def string_value(node: cst.BaseExpression) -> str | None:
    """The value of a plain (or implicitly concatenated) string literal, else None;
    f-strings and bytes are None."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = string_value(node.left), string_value(node.right)
        return None if left is None or right is None else left + right
    return None


def calls_in(node: cst.CSTNode) -> Iterator[cst.Call]:
    """Every call inside ``node`` (``node`` included)."""
    for inner in iter_nodes(node):
        if isinstance(inner, cst.Call):
            yield inner


def with_keyword_argument(call: cst.Call, keyword: str, value: str) -> cst.Call:
    """``call`` with ``keyword=value`` appended, keeping its layout.

    In a call laid out one argument per line with a trailing comma, the new
    argument goes on its own line with the same indentation.
    """
    new_arg = cst.Arg(
        value=cst.parse_expression(value),
        keyword=cst.Name(keyword),
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""),
            whitespace_after=cst.SimpleWhitespace(""),
        ),
    )
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new_arg])
    last = args[-1]
    if isinstance(last.comma, cst.Comma):  # a trailing comma: keep it at the end
        separator = (
            _without_comments(args[-2].comma)
            if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma)
            else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        )
        args[-1] = last.with_changes(comma=separator)
        new_arg = new_arg.with_changes(comma=last.comma)
    else:
        # What followed the last argument (a comment, a line break before ")")
        # now follows the new one.
        args[-1] = last.with_changes(
            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
            whitespace_after_arg=cst.SimpleWhitespace(""),
        )
        new_arg = new_arg.with_changes(whitespace_after_arg=last.whitespace_after_arg)
    return call.with_changes(args=[*args, new_arg])


def _without_comments(comma: cst.Comma) -> cst.Comma:
    """The same line break and indentation as ``comma``, without the comment (or
    blank lines) that followed it: copying a separator must not copy a comment."""
    after = comma.whitespace_after
    if isinstance(after, cst.ParenthesizedWhitespace):
        after = after.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
    return comma.with_changes(whitespace_after=after)


def matches_path_globs(path: str, globs: Iterable[str]) -> bool:
    """Whether ``path`` (relative, with ``/``) or its file name matches one of
    ``globs``: how every option that names files (``entrypoints``,
    ``config-modules``) is read."""
    name = posixpath.basename(path)
    return any(
        fnmatch.fnmatch(path, glob) or fnmatch.fnmatch(name, glob) for glob in globs
    )
