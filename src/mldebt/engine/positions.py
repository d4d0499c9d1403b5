"""Positions for the few nodes that were reported, from one code-generation pass.

libcst's PositionProvider records a range for every node of the tree and updates a
line/column pair on every token, which costs more than the parse itself. Only the
nodes in a finding or a fix need a position, so this state records offsets for those
nodes alone; the character offset is the length of the code generated so far, which
is summed lazily and only when a wanted node is reached.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import libcst as cst
from libcst._nodes.internal import CodegenState


@dataclass(frozen=True)
class NodeSpan:
    """Character offsets of a node: with its own whitespace, and the syntax alone."""

    start: int  # first character the node generates (owned whitespace included)
    end: int
    syntax_start: int  # what a reader calls the node: no leading/trailing whitespace
    syntax_end: int
    indent: tuple[str, ...] = ()  # indentation in force where the node starts


def code_for_node(
    module: cst.Module, node: cst.CSTNode, indent: tuple[str, ...] = ()
) -> str:
    """The code ``node`` generates at a place indented by ``indent`` (as measured by
    ``compute_spans``), so a replacement statement keeps its block's indentation."""
    state = CodegenState(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        indent_tokens=list(indent),
    )
    node._codegen(state)
    return "".join(state.tokens)


class _TargetedCodegenState(CodegenState):
    """A codegen state that measures offsets of the wanted nodes only."""

    def __init__(self, module: cst.Module, wanted: set[int]) -> None:
        super().__init__(
            default_indent=module.default_indent,
            default_newline=module.default_newline,
        )
        self._wanted = wanted
        self._counted_tokens = 0
        self._offset = 0
        self._open: dict[int, tuple[int, tuple[str, ...]]] = {}
        self._syntax: dict[int, tuple[int, int]] = {}
        self.spans: dict[int, NodeSpan] = {}

    def _current_offset(self) -> int:
        tokens = self.tokens
        count = len(tokens)
        if count != self._counted_tokens:
            self._offset += sum(map(len, tokens[self._counted_tokens : count]))
            self._counted_tokens = count
        return self._offset

    def total_length(self) -> int:
        """Length of all the code generated so far."""
        return self._current_offset()

    def pop_trailing_newline(self) -> None:
        # The module removes its final newline token after all nodes are generated;
        # keep the running offset consistent if that token was already counted.
        if self.tokens and self._counted_tokens == len(self.tokens):
            self._offset -= len(self.tokens[-1])
            self._counted_tokens -= 1
        super().pop_trailing_newline()

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self._wanted:
            self._open[id(node)] = (self._current_offset(), tuple(self.indent_tokens))

    def after_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key in self._wanted and key in self._open:
            start, indent = self._open.pop(key)
            end = self._current_offset()
            syntax_start, syntax_end = self._syntax.get(key, (start, end))
            self.spans[key] = NodeSpan(start, end, syntax_start, syntax_end, indent)

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Iterator[None]:
        if id(node) not in self._wanted:
            yield
            return
        # Some nodes take their syntactic bounds from a child (a block from its
        # first and last statement): measure those children too.
        for bound in (start_node, end_node):
            if bound is not None:
                self._wanted.add(id(bound))
        start = self._current_offset()
        try:
            yield
        finally:
            end = self._current_offset()
            if start_node is not None and id(start_node) in self.spans:
                start = self.spans[id(start_node)].syntax_start
            if end_node is not None and id(end_node) in self.spans:
                end = self.spans[id(end_node)].syntax_end
            self._syntax[id(node)] = (start, end)


def compute_spans(
    module: cst.Module, nodes: Iterable[cst.CSTNode]
) -> dict[int, NodeSpan]:
    """Offsets of ``nodes`` (keyed by ``id``) in the code ``module`` generates."""
    wanted = {id(node) for node in nodes}
    if not wanted:
        return {}
    state = _TargetedCodegenState(module, wanted)
    module._codegen(state)
    # A file without a final newline: the module drops that token at the very end.
    total = state.total_length()
    return {
        key: NodeSpan(
            min(span.start, total),
            min(span.end, total),
            min(span.syntax_start, total),
            min(span.syntax_end, total),
            span.indent,
        )
        for key, span in state.spans.items()
    }


def spans_in_source(
    spans: dict[int, NodeSpan], generated: str, source: str
) -> dict[int, NodeSpan]:
    """``spans`` (offsets in ``generated``, the code libcst generates for a module)
    moved to offsets in ``source``, the text it parsed.

    libcst drops the form feeds (and the whitespace before them) that start a
    statement's line, and keeps every other character: ``generated`` is ``source``
    with such runs left out. Matching from the end gives each kept character its
    place; a start moves to its character, an end to just after the character
    before it, so an edit never covers a dropped run and fixing keeps its bytes.
    """
    if generated == source:
        return spans
    places = _places_in_source(generated, source)
    if places is None:  # not what libcst is known to do: keep its offsets
        return spans

    def start(offset: int) -> int:
        return places[offset]

    def end(offset: int) -> int:
        return places[offset - 1] + 1 if offset > 0 else 0

    return {
        key: NodeSpan(
            start(span.start),
            end(span.end) if span.end > span.start else start(span.start),
            start(span.syntax_start),
            (
                end(span.syntax_end)
                if span.syntax_end > span.syntax_start
                else start(span.syntax_start)
            ),
            span.indent,
        )
        for key, span in spans.items()
    }


def _places_in_source(generated: str, source: str) -> list[int] | None:
    """For each offset of ``generated`` (and its end), the offset in ``source`` of
    the same character; None when ``generated`` is not ``source`` with runs of
    whitespace and form feeds left out."""
    places = [0] * (len(generated) + 1)
    places[len(generated)] = len(source)
    position = len(source)
    for offset in range(len(generated) - 1, -1, -1):
        char = generated[offset]
        position -= 1
        while position >= 0 and source[position] != char:
            if source[position] not in " \t\f":
                return None
            position -= 1
        if position < 0:
            return None
        places[offset] = position
    if source[:position].strip(" \t\f"):
        return None
    return places
