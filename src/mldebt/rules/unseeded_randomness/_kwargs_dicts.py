"""What a ``**kwargs`` dict passed to a call holds, when the code shows it.

``kwargs = {"batch_size": 8, "shuffle": True}; DataLoader(ds, **kwargs)`` shuffles as
surely as ``shuffle=True`` does. The dict is known only when it is a local name bound
to a dict literal (or ``dict(...)`` with keywords) and, between that assignment and
the call, changed only in ways the code spells out: ``kwargs["k"] = v``,
``kwargs.update({...})``/``kwargs.update(k=v)``, ``kwargs.pop("k")``,
``kwargs.setdefault("k", v)``. Anything else (passed to a function, ``|=``, an update
from another mapping, a computed key, a ``**`` inside) makes it unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from mldebt.engine.helpers import iter_nodes, string_value
from mldebt.engine.traversal import FileContext


@dataclass(frozen=True)
class Entry:
    """One key of a known dict: its value and the statement that set it."""

    value: cst.BaseExpression
    statement: cst.CSTNode


# Methods that read a dict without changing it.
_READERS = frozenset({"get", "items", "keys", "values", "copy", "__contains__"})


class _Unknown(Exception):
    """The dict is changed in a way the code does not spell out."""


def star_kwargs_entries(ctx: FileContext, call: cst.Call) -> dict[str, Entry] | None:
    """The keys the ``**name`` dicts of ``call`` hold when it runs, or None when
    one of them is not known (or the call also passes ``*args``)."""
    entries: dict[str, Entry] = {}
    for arg in call.args:
        if arg.star == "*":
            return None
        if arg.star == "**":
            if not isinstance(arg.value, cst.Name):
                return None
            found = _dict_entries(ctx, arg.value.value, call)
            if found is None:
                return None
            entries.update(found)
    return entries


def _dict_entries(
    ctx: FileContext, name: str, call: cst.Call
) -> dict[str, Entry] | None:
    binding = ctx.names.lookup(name)
    if binding is None or binding.kind != "assign" or binding.value is None:
        return None
    statement = binding.node
    if statement is None:
        return None
    scope = next(
        (s for s in reversed(ctx.names.stack) if s.names.get(name) is binding), None
    )
    if scope is None:
        return None
    try:
        entries = _literal_entries(binding.value, statement)
        if entries is None:
            return None
        _apply_changes(scope.node, name, statement, call, entries)
    except _Unknown:
        return None
    return entries


def _literal_entries(
    value: cst.BaseExpression, statement: cst.CSTNode
) -> dict[str, Entry] | None:
    if isinstance(value, cst.Dict):
        return _dict_literal(value, statement)
    if (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Name)
        and value.func.value == "dict"
    ):
        return _keyword_entries(value, statement)
    return None


def _dict_literal(node: cst.Dict, statement: cst.CSTNode) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for element in node.elements:
        if not isinstance(element, cst.DictElement):
            raise _Unknown  # `**other`
        key = string_value(element.key)
        if key is None:
            raise _Unknown
        entries[key] = Entry(element.value, statement)
    return entries


def _keyword_entries(node: cst.Call, statement: cst.CSTNode) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for arg in node.args:
        if arg.keyword is None or arg.star:
            raise _Unknown
        entries[arg.keyword.value] = Entry(arg.value, statement)
    return entries


def _apply_changes(
    scope: cst.CSTNode,
    name: str,
    assignment: cst.CSTNode,
    call: cst.Call,
    entries: dict[str, Entry],
) -> None:
    """Follow the changes made to the dict ``name`` from ``assignment`` to ``call``,
    in source order (a change in a branch counts as made)."""
    started = False
    statement: cst.CSTNode = assignment
    handled = {id(node) for node in iter_nodes(assignment)}
    for node in iter_nodes(scope):
        if node is call:
            return
        if node is assignment:
            started = True
        if not started:
            continue
        if isinstance(node, cst.BaseSmallStatement):
            statement = node
        if id(node) in handled:
            continue
        if isinstance(node, cst.Assign):
            _assign(node, name, statement, entries, handled)
        elif isinstance(node, cst.Call):
            _method_call(node, name, statement, entries, handled)
        elif isinstance(node, cst.Name) and node.value == name:
            raise _Unknown  # passed on, rebound, `|=`, ...: anything may happen


def _assign(
    node: cst.Assign,
    name: str,
    statement: cst.CSTNode,
    entries: dict[str, Entry],
    handled: set[int],
) -> None:
    for target in node.targets:
        subscript = target.target
        if not (
            isinstance(subscript, cst.Subscript)
            and isinstance(subscript.value, cst.Name)
            and subscript.value.value == name
        ):
            continue
        key = _subscript_key(subscript)
        if key is None:
            raise _Unknown
        entries[key] = Entry(node.value, statement)
        handled.add(id(subscript.value))


def _subscript_key(node: cst.Subscript) -> str | None:
    if len(node.slice) != 1:
        return None
    index = node.slice[0].slice
    if not isinstance(index, cst.Index):
        return None
    return string_value(index.value)


def _method_call(
    node: cst.Call,
    name: str,
    statement: cst.CSTNode,
    entries: dict[str, Entry],
    handled: set[int],
) -> None:
    func = node.func
    if not (
        isinstance(func, cst.Attribute)
        and isinstance(func.value, cst.Name)
        and func.value.value == name
    ):
        return
    handled.add(id(func.value))
    method = func.attr.value
    if method in _READERS:
        return
    if method == "update":
        if len(node.args) == 1 and node.args[0].keyword is None:
            value = node.args[0].value
            if node.args[0].star or not isinstance(value, cst.Dict):
                raise _Unknown
            entries.update(_dict_literal(value, statement))
        else:
            entries.update(_keyword_entries(node, statement))
        return
    key = string_value(node.args[0].value) if node.args else None
    if key is None:
        raise _Unknown
    if method == "pop":
        entries.pop(key, None)
    elif method == "setdefault" and len(node.args) == 2:
        entries.setdefault(key, Entry(node.args[1].value, statement))
    else:
        raise _Unknown
