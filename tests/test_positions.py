"""Our targeted positions agree with libcst's PositionProvider on real code."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import libcst as cst
import pytest
from libcst._nodes.base import CSTCodegenError
from libcst.metadata import MetadataWrapper, PositionProvider

from mldebt.engine.positions import code_for_node, compute_spans
from mldebt.engine.source import LineIndex
from mldebt.engine.traversal import iter_nodes

STDLIB = Path(sysconfig.get_paths()["stdlib"])
TRICKY = '''\
# -*- coding: utf-8 -*-
"""Docstring."""
import numpy as np  # comment
x = (  # open
    np.random.rand(3)
)
y = 1  ;  z = [1,
  2]
@decorator
def f(a, /, b=1, *args, c: "int" = 2, **kw) -> None:
    """Doc."""
    return lambda q: q + 1 if a else f"{b!r:>{c}} é"
class C(Base, metaclass=M):
    async def m(self):
        async with ctx() as (u, v):
            await u
        match v:
            case [1, *rest] if rest:
                pass
            case {"k": w, **other}:
                pass
if x:
    pass
elif y:
    pass
else:
    z = 3'''


def _check(text: str) -> int:
    module = cst.parse_module(text)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    expected = wrapper.resolve(PositionProvider)
    nodes = [node for node in iter_nodes(module) if node is not module]
    spans = compute_spans(module, nodes)
    index = LineIndex(text)
    checked = 0
    for node in nodes:
        span = spans[id(node)]
        position = expected[node]
        assert index.location(span.syntax_start) == (
            position.start.line,
            position.start.column + 1,
        ), (type(node).__name__, module.code_for_node(node)[:60])
        if isinstance(node, (cst.BaseSmallStatement, cst.BaseExpression, cst.Arg)):
            assert index.location(span.syntax_end) == (
                position.end.line,
                position.end.column + 1,
            ), (type(node).__name__, module.code_for_node(node)[:60])
        if isinstance(node, cst.If):
            continue  # an `elif` is an If node that only its parent prints as `elif`
        try:
            code = code_for_node(module, node, span.indent)
        except CSTCodegenError:  # a few nodes cannot be generated on their own
            continue
        if span.end == len(text) and not text.endswith("\n"):
            code = code.rstrip("\n")  # the file's last line has no newline
        assert text[span.start : span.end] == code, type(node).__name__
        checked += 1
    return checked


def test_tricky_module() -> None:
    assert _check(TRICKY) > 100


@pytest.mark.parametrize("name", ["random.py", "json/decoder.py", "argparse.py"])
def test_stdlib_module(name: str) -> None:
    text = (STDLIB / name).read_text(encoding="utf-8")
    assert _check(text) > 1000
