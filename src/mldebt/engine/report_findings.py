"""A rule's reports made findings: positioned (only the reported nodes get
positions), filtered by ``per-file-ignores`` and ``# noqa``, their fixes resolved
from node edits to text edits; in a notebook, in cell coordinates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import libcst as cst

from mldebt.engine.findings import Finding, Location, TextEdit, TextFix
from mldebt.engine.notebook_io import JoinedCells
from mldebt.engine.positions import (
    NodeSpan,
    code_for_node,
    compute_spans,
    spans_in_source,
)
from mldebt.engine.rule import NodeEdit, Report
from mldebt.engine.source import LineIndex
from mldebt.engine.suppressions import find_suppressions


def reports_to_findings(
    path: str,
    module: cst.Module,
    text: str,
    reports: Sequence[Report],
    ignored: frozenset[str],
    notebook: JoinedCells | None = None,
) -> list[Finding]:
    """The findings of the rules' ``reports`` on ``module`` (parsed from ``text``):
    positioned, without the ``ignored`` codes and what ``# noqa`` silences, fixes
    resolved to text edits; in a notebook, in cell coordinates."""
    wanted: list[cst.CSTNode] = []
    for report in reports:
        wanted.append(report.node)
        wanted.append(report.anchor)
        if report.fix is not None:
            wanted.extend(edit.node for edit in report.fix.edits)
    spans = compute_spans(module, wanted)
    if "\f" in text:  # libcst may have dropped some: offsets into the text itself
        spans = spans_in_source(spans, module.code, text)
    index = LineIndex(text)
    suppressions = find_suppressions(text)
    findings: list[Finding] = []
    for report in reports:
        rule = report.rule
        if rule.code in ignored:
            continue
        span = spans[id(report.node)]
        line, column = index.location(span.syntax_start)
        end_line, end_column = index.location(span.syntax_end)
        anchor = spans[id(report.anchor)]
        first = min(line, index.location(anchor.syntax_start)[0])
        last = max(end_line, index.location(anchor.syntax_end)[0])
        if suppressions.silences(rule.code, rule.name, first, last):
            continue
        fix = None
        if report.fix is not None:
            resolved = [
                _resolve_edit(module, spans, index, edit, notebook)
                for edit in report.fix.edits
            ]
            edits = [edit for edit in resolved if edit is not None]
            # In a notebook, a fix that would change a magic line or two cells
            # at once is not offered.
            if len(edits) == len(resolved):
                fix = TextFix(
                    report.fix.applicability, report.fix.message, tuple(edits)
                )
        cell = None
        if notebook is not None:
            cell, line, column, end_line, end_column = notebook.locate_range(
                line, column, end_line, end_column
            )
            first, last = notebook.locate(first, 1)[1], notebook.locate(last, 1)[1]
        findings.append(
            Finding(
                path,
                line,
                column,
                end_line,
                end_column,
                rule.code,
                rule.name,
                rule.category,
                report.message,
                fix,
                (first, last),
                cell,
            )
        )
    findings.sort(key=lambda finding: finding.sort_key)
    return findings


def _resolve_edit(
    module: cst.Module,
    spans: Mapping[int, NodeSpan],
    index: LineIndex,
    edit: NodeEdit,
    notebook: JoinedCells | None,
) -> TextEdit | None:
    """A rule's node edit as a text edit of the module (None: a notebook edit that
    cannot be written back to one cell)."""
    node_span = spans[id(edit.node)]
    content = edit.content
    if isinstance(content, cst.CSTNode):
        content = code_for_node(module, content, node_span.indent)
    start, end = node_span.start, node_span.end
    if edit.kind == "insert_before":
        end = start
    elif edit.kind == "insert_after":
        start = end
    if notebook is None:
        return TextEdit(
            start,
            end,
            content,
            Location(*index.location(start)),
            Location(*index.location(end)),
        )
    in_cell = notebook.edit_cell(start, end, content, after=edit.kind == "insert_after")
    if in_cell is None:
        return None
    cell, line, column, end_line, end_column = in_cell
    return TextEdit(
        start,
        end,
        content,
        Location(line, column),
        Location(end_line, end_column),
        cell,
    )
