"""Static path resolution and the file operations a call performs: shared by the
raw-data rules.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from mldebt.engine.helpers import argument, string_value
from mldebt.engine.rule import Rule
from mldebt.engine.traversal import FileContext
from mldebt.rules.path_api import PATH_CONSTRUCTORS, PATH_JOINS, SAME_PATH_FUNCTIONS
from mldebt.rules.raw_data_overwrite import is_raw_data
from mldebt.rules.raw_data_overwrite.api import (
    IN_PLACE_MODES,
    MODE_OPENERS,
    PATH_READ_METHODS,
    PATH_WRITE_METHODS,
    READS,
    TRUNCATING_MODES,
    WRITE_DESTINATIONS,
    WRITE_METHODS,
    WRITES,
    PathArg,
)

UNKNOWN = "*"

_SAME_PATH_METHODS = frozenset({"resolve", "absolute", "expanduser"})


def static_path(
    ctx: FileContext, node: cst.BaseExpression, depth: int = 4
) -> str | None:
    """The path an expression names, as far as it can be known without running
    the code: literals, f-strings (unknown parts become ``*``), ``Path(a) / b``,
    ``os.path.join``, ``with_suffix``, ``.parent``, and names assigned such values
    (module constants included). None when nothing about it is known."""
    if depth < 0:
        return None
    if isinstance(node, cst.SimpleString):
        return string_value(node)
    if isinstance(node, cst.ConcatenatedString):
        left = static_path(ctx, node.left, depth)
        right = static_path(ctx, node.right, depth)
        return None if left is None or right is None else left + right
    if isinstance(node, cst.FormattedString):
        parts = [
            part.value if isinstance(part, cst.FormattedStringText) else UNKNOWN
            for part in node.parts
        ]
        return "".join(parts)
    if isinstance(node, cst.Name):
        binding = ctx.names.lookup(node.value)
        if (
            binding is not None
            and binding.kind == "assign"
            and binding.value is not None
        ):
            return static_path(ctx, binding.value, depth - 1)
        return None
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide):
        return _join(
            static_path(ctx, node.left, depth), static_path(ctx, node.right, depth)
        )
    if isinstance(node, cst.Attribute) and node.attr.value == "parent":
        inner = static_path(ctx, node.value, depth)
        return posixpath.dirname(inner.rstrip("/")) if inner else None
    if isinstance(node, cst.Call):
        return _static_call(ctx, node, depth)
    return None


def _static_call(ctx: FileContext, node: cst.Call, depth: int) -> str | None:
    qualname = ctx.qualified_name(node.func)
    values = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
    if qualname in PATH_CONSTRUCTORS or qualname in PATH_JOINS:
        result: str | None = None
        for value in values:
            result = _join(result, static_path(ctx, value, depth) or UNKNOWN)
        return result
    if qualname in SAME_PATH_FUNCTIONS and values:
        return static_path(ctx, values[0], depth)
    func = node.func
    if not isinstance(func, cst.Attribute):
        return None
    method = func.attr.value
    receiver = static_path(ctx, func.value, depth)
    if receiver is None:
        return None
    if method in _SAME_PATH_METHODS:
        return receiver
    if method == "joinpath":
        for value in values:
            receiver = _join(receiver, static_path(ctx, value, depth) or UNKNOWN)
        return receiver
    if method in ("with_suffix", "with_name") and values:
        new = static_path(ctx, values[0], depth) or UNKNOWN
        head, tail = posixpath.split(receiver)
        if method == "with_name":
            return posixpath.join(head, new)
        stem = tail.rsplit(".", 1)[0] if "." in tail else tail
        return posixpath.join(head, stem + new)
    return None


def _join(left: str | None, right: str | None) -> str | None:
    if right is None:
        return left
    if left is None or right.startswith("/"):
        return right
    return posixpath.join(left, right)


def _normal(path: str) -> str:
    normal = posixpath.normpath(path) if path else path
    return normal[2:] if normal.startswith("./") else normal


def under_raw(raw_data_dirs: Sequence[str], path: str) -> bool:
    """Whether ``path`` lies in (or is) one of the ``raw_data_dirs`` folders."""
    normal = _normal(path).lstrip("/")
    if not normal or normal == UNKNOWN:
        return False
    return is_raw_data(tuple(raw_data_dirs), normal)


def _arg(node: cst.Call, where: PathArg) -> cst.BaseExpression | None:
    arg = argument(node, where.keyword, where.position)
    return arg.value if arg is not None else None


@dataclass(frozen=True)
class FileOp:
    """One thing a call does to a file."""

    action: str  # "reads", "writes", "moves", "deletes", "opens in place"
    target: cst.BaseExpression


def file_ops(ctx: FileContext, node: cst.Call) -> list[FileOp]:
    """What a call reads, writes, moves or deletes (as path expressions)."""
    ops: list[FileOp] = []
    qualname = ctx.qualified_name(node.func)
    if qualname is not None:
        if qualname in READS:
            target = _arg(node, READS[qualname])
            if target is not None:
                ops.append(FileOp("reads", target))
        if qualname in WRITES:
            where, action = WRITES[qualname]
            target = _arg(node, where)
            if target is not None:
                ops.append(FileOp(action, target))
        if qualname in WRITE_DESTINATIONS:
            target = _arg(node, WRITE_DESTINATIONS[qualname])
            if target is not None:
                ops.append(FileOp("writes", target))
        if qualname in MODE_OPENERS:
            where, mode_at, default = MODE_OPENERS[qualname]
            target = _arg(node, where)
            mode_node = _arg(node, mode_at)
            mode = default
            if mode_node is not None:
                value = static_path(ctx, mode_node, 0)
                mode = value if value is not None else "?"
            if target is not None:
                ops.append(FileOp(_mode_action(mode), target))
        return ops
    func = node.func
    if not isinstance(func, cst.Attribute):
        return ops
    method = func.attr.value
    if method in WRITE_METHODS or method == "save":
        target = _arg(node, PathArg("path", 0))
        if target is not None:
            ops.append(FileOp("writes", target))
    elif method in PATH_WRITE_METHODS and static_path(ctx, func.value) is not None:
        ops.append(FileOp(PATH_WRITE_METHODS[method], func.value))
    elif method in PATH_READ_METHODS:
        ops.append(FileOp("reads", func.value))
    return ops


def _mode_action(mode: str) -> str:
    if mode in IN_PLACE_MODES:
        return "opens in place"
    if mode[:1] in TRUNCATING_MODES:
        return "writes"
    if mode[:1] == "r":
        return "reads"
    return "opens"  # a mode only known at run time


def _same_file_key(
    ctx: FileContext, node: cst.BaseExpression
) -> tuple[object, ...] | None:
    """What identifies a path expression: its static value when fully known, else
    the binding of the plain name it is, unchanged since (told apart by the node
    that made it, which lives as long as the tree)."""
    path = static_path(ctx, node)
    if path is not None and UNKNOWN not in path:
        return ("path", _normal(path))
    if isinstance(node, cst.Name):
        binding = ctx.names.lookup(node.value)
        made_at = id(binding.node) if binding is not None else 0
        return ("name", node.value, made_at)
    return None


class FileTracker(Rule):
    """Base of the raw-data rules: reads seen so far, per scope (not a rule)."""

    def on_begin_file(self) -> None:
        """Start with no file read."""
        self.reads: dict[tuple[object, ...], cst.BaseExpression] = {}

    def visit_Call(self, node: cst.Call) -> None:
        """Record reads; let the rule judge every other file operation."""
        for op in file_ops(self.ctx, node):
            key = _same_file_key(self.ctx, op.target)
            # the scope's node, alive as long as the tree, identifies it
            scoped = None if key is None else (id(self.ctx.names.scope.node), *key)
            if op.action == "reads":
                if scoped is not None:
                    self.reads.setdefault(scoped, op.target)
            else:
                self.check(node, op, scoped in self.reads if scoped else False)

    def check(self, node: cst.Call, op: FileOp, was_read: bool) -> None:
        """Judge a write, move, delete or in-place open (``was_read``: the same
        file was read earlier in this scope)."""


def shown(ctx: FileContext, op: FileOp) -> str:
    path = static_path(ctx, op.target)
    if path is not None:
        return f"`{_normal(path)}`"
    return f"`{ctx.module.code_for_node(op.target).strip()}`"
