"""Lint one file: parse once, walk once, position what was reported, fix if asked.

A ``Linter`` is built once per process for one ``Settings``: the rules are
instantiated and their visitor methods grouped by node type here, not per file.
"""

from __future__ import annotations

import ast
import difflib
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import libcst as cst
from libcst.metadata import MetadataWrapper

from mldebt.engine.config import Settings
from mldebt.engine.discovery import repo_root
from mldebt.engine.findings import Finding, Location, TextEdit, TextFix
from mldebt.engine.positions import code_for_node, compute_spans
from mldebt.engine.project import ProjectIndex
from mldebt.engine.registry import rules_by_key
from mldebt.engine.rule import Report, Rule
from mldebt.engine.source import (
    LineIndex,
    SourceDecodeError,
    SourceText,
    write_atomically,
)
from mldebt.engine.suppressions import find_suppressions
from mldebt.engine.traversal import DispatchTable, FileContext, rule_handlers, walk

FixMode = Literal["none", "safe", "unsafe"]
MAX_FIX_PASSES = 10
# libcst generates code recursively; CPython has already bounded the nesting.
_RECURSION_LIMIT = 20_000
_SYNTAX_MESSAGE = re.compile(r"^(?:parser error: )?(?:error at \d+:\d+: )?")


@dataclass
class FileResult:
    """The outcome for one file: what is left, what was fixed, what went wrong."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    fixed: int = 0
    diff: str = ""
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    parsed: bool = False


class Linter:
    """Lints files with the rules one ``Settings`` selects; built once per process."""

    def __init__(
        self,
        settings: Settings,
        rule_classes: Sequence[type[Rule]] | None = None,
        project: bool = True,
    ) -> None:
        """Instantiate the selected rules with their options and build the dispatch.

        ``rule_classes`` replaces the registry (for testing rules outside
        ``mldebt.rules``); by default the selected codes are looked up there.
        ``project=False`` lints text on its own, without indexing the project.
        """
        self.settings = settings
        if rule_classes is None:
            by_key = rules_by_key()
            rule_classes = [by_key[code] for code in settings.selected]
        self.rules: list[Rule] = []
        for rule_class in rule_classes:
            if rule_class.engine_rule:
                continue
            options = settings.rule_options.get(rule_class.code, {})
            self.rules.append(rule_class(options))
        self.table = DispatchTable(rule_handlers(rule) for rule in self.rules)
        self.triggers = tuple(
            {
                trigger.encode()
                for rule in self.rules
                for trigger in rule.trigger_words(settings.raw_data_dirs)
            }
        )
        self.report_syntax_errors = "MLD001" in settings.selected
        self._wants_project = project and any(rule.uses_project for rule in self.rules)
        self._projects: dict[str, ProjectIndex] = {}
        providers = {provider for rule in self.rules for provider in rule.metadata}
        self.metadata_providers = tuple(sorted(providers, key=lambda p: p.__name__))

    def project_root(self, path: str) -> str:
        """The folder whose files form ``path``'s project: the config's folder;
        without a config, the git work tree the file is in, else the current
        folder when the file lies below it, else the file's own folder."""
        if self.settings.config_path is not None:
            return self.settings.root
        folder = os.path.dirname(os.path.abspath(path))
        found = repo_root(folder)
        if found is not None:
            return found
        cwd = os.getcwd()
        return (
            cwd if folder.startswith(os.path.join(cwd, "")) or folder == cwd else folder
        )

    def project_index(self, path: str) -> ProjectIndex | None:
        """The index of ``path``'s project, built once per process and root."""
        if not self._wants_project:
            return None
        root = self.project_root(path)
        index = self._projects.get(root)
        if index is None:
            # A folder inside a project already indexed is part of that project.
            for known, existing in self._projects.items():
                if root.startswith(os.path.join(known, "")):
                    return existing
            index = ProjectIndex.build(root, self.settings.cache)
            self._projects[root] = index
        return index

    def prepare(self, paths: Iterable[str]) -> None:
        """Do the per-process work now (before worker processes fork): index the
        projects the files belong to, when that is a config's folder or a git work
        tree (loose files elsewhere are indexed only if a rule asks)."""
        if not self._wants_project:
            return
        roots = {self.project_root(path) for path in paths}
        for root in sorted(roots, key=len):
            if root == self.settings.root or repo_root(root) == root:
                self.project_index(os.path.join(root, "_"))

    # ---- linting text ----------------------------------------------------------

    def could_fire(self, raw: bytes) -> bool:
        """Whether any selected rule's trigger substring occurs in ``raw``."""
        return any(trigger in raw for trigger in self.triggers)

    def lint_text(self, path: str, text: str) -> tuple[list[Finding], bool]:
        """Findings for ``text`` (suppressions and per-file ignores applied) and
        whether it parsed."""
        # CPython's parser first (several times faster than libcst): it names the
        # line and cause of a syntax error exactly, and it rejects the pathological
        # nesting that can crash libcst's native parser.
        syntax = self._python_syntax_error(path, text)
        if syntax is not None:
            return syntax, False
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, _RECURSION_LIMIT))
        try:
            return self._lint_parsed(path, text)
        finally:
            sys.setrecursionlimit(limit)

    def _lint_parsed(self, path: str, text: str) -> tuple[list[Finding], bool]:
        try:
            module = cst.parse_module(text)
        except cst.ParserSyntaxError as error:
            return self._syntax_error(path, text, error), False
        except RecursionError:
            message = "file is nested too deeply for the parser"
            return self._syntax_finding(path, 1, 1, message), False
        ctx = FileContext(
            path,
            module,
            text,
            self.settings.relative(path),
            lambda: self.project_index(path),
            self.settings.raw_data_dirs,
        )
        if self.metadata_providers:
            wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
            ctx.resolved_metadata = wrapper.resolve_many(self.metadata_providers)
        for rule in self.rules:
            rule.begin_file(ctx)
        walk(module, ctx, self.table)
        reports: list[Report] = []
        for rule in self.rules:
            rule.end_file()
            reports.extend(rule.reports)
            rule.reports = []
            rule._ctx = None
        if not reports:
            return [], True
        return self._to_findings(path, module, text, reports), True

    def _python_syntax_error(self, path: str, text: str) -> list[Finding] | None:
        """MLD001 (or [] if it is ignored) when CPython cannot parse ``text``,
        None when it can."""
        try:
            compile(text, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
        except SyntaxError as error:
            line, column = max(1, error.lineno or 1), max(1, error.offset or 1)
            return self._syntax_finding(path, line, column, f"SyntaxError: {error.msg}")
        except (ValueError, RecursionError, MemoryError) as error:
            return self._syntax_finding(path, 1, 1, f"SyntaxError: {error}")
        return None

    def _syntax_error(
        self, path: str, text: str, error: cst.ParserSyntaxError
    ) -> list[Finding]:
        # CPython accepted the file but libcst does not (newer syntax than libcst
        # knows): report libcst's own message.
        detail = _SYNTAX_MESSAGE.sub("", error.message.strip())
        return self._syntax_finding(
            path, error.raw_line, error.raw_column + 1, f"SyntaxError: {detail}"
        )

    def _syntax_finding(
        self, path: str, line: int, column: int, message: str
    ) -> list[Finding]:
        if not self.report_syntax_errors or "MLD001" in self.settings.ignored_codes(
            path
        ):
            return []
        return [
            Finding(
                path,
                line,
                column,
                line,
                column,
                "MLD001",
                "syntax-error",
                "syntax",
                message,
            )
        ]

    def _to_findings(
        self, path: str, module: cst.Module, text: str, reports: Sequence[Report]
    ) -> list[Finding]:
        wanted: list[cst.CSTNode] = []
        for report in reports:
            wanted.append(report.node)
            wanted.append(report.anchor)
            if report.fix is not None:
                wanted.extend(edit.node for edit in report.fix.edits)
        spans = compute_spans(module, wanted)
        index = LineIndex(text)
        ignored = self.settings.ignored_codes(path)
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
                edits = []
                for edit in report.fix.edits:
                    node_span = spans[id(edit.node)]
                    content = edit.content
                    if isinstance(content, cst.CSTNode):
                        content = code_for_node(module, content, node_span.indent)
                    start, end = node_span.start, node_span.end
                    if edit.kind == "insert_before":
                        end = start
                    elif edit.kind == "insert_after":
                        start = end
                    edits.append(
                        TextEdit(
                            start,
                            end,
                            content,
                            Location(*index.location(start)),
                            Location(*index.location(end)),
                        )
                    )
                fix = TextFix(
                    report.fix.applicability, report.fix.message, tuple(edits)
                )
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
                )
            )
        findings.sort(key=lambda finding: finding.sort_key)
        return findings

    # ---- fixing ----------------------------------------------------------------

    def fix_text(
        self, path: str, text: str, mode: FixMode, result: FileResult
    ) -> tuple[str, list[Finding]]:
        """Apply fixes allowed by ``mode`` until none is left (bounded); return the
        new text and the findings that remain in it."""
        findings, parsed = self.lint_text(path, text)
        result.parsed = parsed
        if mode == "none" or not parsed:
            return text, findings
        applied_before: set[tuple[str, tuple[str, ...]]] = set()
        for _ in range(MAX_FIX_PASSES):
            # A fix proposed again after it was applied did not remove its finding:
            # applying it again would only repeat the same edit.
            candidates = [
                f
                for f in findings
                if f.fix is not None
                and _allowed(f.fix, mode)
                and _fix_key(f) not in applied_before
            ]
            if not candidates:
                break
            new_text, applied = self._apply_parsable(path, text, candidates, result)
            if not applied:
                break
            applied_before.update(_fix_key(f) for f in applied)
            result.fixed += len(applied)
            text = new_text
            findings, parsed = self.lint_text(path, text)
            if not parsed:  # cannot happen: _apply_parsable checked it
                break
        return text, findings

    def _apply_parsable(
        self, path: str, text: str, candidates: list[Finding], result: FileResult
    ) -> tuple[str, list[Finding]]:
        chosen = _non_overlapping(candidates)
        new_text = _apply(text, [finding.fix for finding in chosen if finding.fix])
        if _parses(new_text):
            return new_text, chosen
        # One of them breaks the code: keep the ones that do not, one at a time.
        for finding in chosen:
            assert finding.fix is not None
            attempt = _apply(text, [finding.fix])
            if _parses(attempt):
                # Later fixes' offsets are stale now; they are retried in the next pass.
                return attempt, [finding]
            result.warnings.append(
                f"{path}:{finding.line}:{finding.column}: fix for {finding.code} "
                "would produce code that does not parse; not applied"
            )
        return text, []

    # ---- one file from disk ------------------------------------------------------

    def check_file(
        self, path: str, mode: FixMode, write: bool, diff: bool
    ) -> FileResult:
        """Lint (and optionally fix) the file at ``path``; never raises for bad input."""
        result = FileResult(path)
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
        except OSError as error:
            result.errors.append(f"{path}: cannot read: {error.strerror}")
            return result
        try:
            source = SourceText.decode(raw)
        except SourceDecodeError as error:
            result.findings = self._syntax_finding(
                path, 1, 1, f"cannot decode file: {error}"
            )
            return result
        if not self.could_fire(raw):
            # No rule can fire: skip libcst. CPython's parser (several times faster)
            # still checks that the file parses, so MLD001 is reported everywhere.
            if self.report_syntax_errors:
                result.findings = self._python_syntax_error(path, source.text) or []
            return result
        try:
            new_text, findings = self.fix_text(path, source.text, mode, result)
        except RecursionError:
            result.warnings.append(f"{path}: skipped: nested too deeply to analyse")
            return result
        except Exception as error:  # a bug in a rule must not stop the run
            result.errors.append(
                f"{path}: internal error: {type(error).__name__}: {error} "
                "(please report this at the mldebt issue tracker)"
            )
            return result
        result.findings = findings
        if new_text != source.text:
            if diff:
                result.diff = "".join(
                    difflib.unified_diff(
                        source.text.splitlines(keepends=True),
                        new_text.splitlines(keepends=True),
                        fromfile=path,
                        tofile=path,
                    )
                )
            if write:
                try:
                    write_atomically(path, source.encode(new_text))
                except OSError as error:
                    result.errors.append(f"{path}: cannot write the fixes: {error}")
                    # Nothing was fixed on disk: report what the file still has.
                    result.fixed = 0
                    result.findings = self.lint_text(path, source.text)[0]
        return result


def _fix_key(finding: Finding) -> tuple[str, tuple[str, ...]]:
    """What a fix does, independent of where the text has moved to since."""
    assert finding.fix is not None
    return finding.code, tuple(edit.content for edit in finding.fix.edits)


def _allowed(fix: TextFix, mode: FixMode) -> bool:
    return mode == "unsafe" or fix.applicability == "safe"


def _non_overlapping(candidates: list[Finding]) -> list[Finding]:
    """Greedily keep fixes in source order that do not overlap an earlier one."""
    chosen: list[Finding] = []
    for finding in sorted(
        candidates, key=lambda f: min(e.start for e in f.fix.edits) if f.fix else 0
    ):
        assert finding.fix is not None
        if all(not finding.fix.overlaps(other.fix) for other in chosen if other.fix):
            chosen.append(finding)
    return chosen


def _apply(text: str, fixes: Sequence[TextFix]) -> str:
    edits = sorted(
        {edit for fix in fixes for edit in fix.edits}, key=lambda e: (e.start, e.end)
    )
    pieces: list[str] = []
    cursor = 0
    for edit in edits:
        pieces.append(text[cursor : edit.start])
        pieces.append(edit.content)
        cursor = edit.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _parses(text: str) -> bool:
    try:
        cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError):
        return False
    return True
