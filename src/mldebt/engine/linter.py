"""Lint one file: parse once, walk once, position what was reported, fix if asked.

A ``Linter`` is built once per process for one ``Settings``: the rules are
instantiated and their visitor methods grouped by node type here, not per file.
"""

from __future__ import annotations

import ast
import os
import warnings
from collections.abc import Iterable, Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper

from mldebt.engine.cache_files import fix_temp_folder, open_regular_file
from mldebt.engine.config import Settings
from mldebt.engine.findings import Finding, FixMode
from mldebt.engine.fixing import apply_if_parses, fix_until_stable
from mldebt.engine.guards import LibcstCannotParse, guarded, recursion_room
from mldebt.engine.notebook_io import (
    NOTEBOOK_SUFFIX,
    JoinedCells,
    NotebookView,
    parser_error_message,
    parser_error_position,
)
from mldebt.engine.notebook_lint import NotebookLinter
from mldebt.engine.parse_limits import too_deep_for_libcst
from mldebt.engine.project import ProjectIndex, ProjectIndexes, project_indexes
from mldebt.engine.registry import rules_by_key
from mldebt.engine.report_findings import reports_to_findings
from mldebt.engine.results import FileResult
from mldebt.engine.rule import Report, Rule
from mldebt.engine.source import SourceDecodeError, SourceText
from mldebt.engine.stamps import bytes_digest
from mldebt.engine.traversal import DispatchTable, FileContext, rule_handlers, walk
from mldebt.engine.writing import FileStamp, text_diff, write_fixes


class Linter:
    """Lints files with the rules one ``Settings`` selects; built once per process."""

    def __init__(
        self,
        settings: Settings,
        rule_classes: Sequence[type[Rule]] | None = None,
        project: bool = True,
        projects: ProjectIndexes | None = None,
    ) -> None:
        """Instantiate the selected rules with their options and build the dispatch.

        ``rule_classes`` replaces the registry (for testing rules outside
        ``mldebt.rules``); by default the selected codes are looked up there.
        ``project=False`` lints text on its own, without indexing the project;
        ``projects`` shares the project indexes another part of the run built.
        """
        self.settings = settings
        if rule_classes is None:
            by_key = rules_by_key()
            rule_classes = [by_key[code] for code in settings.selected]
        self.rules: list[Rule] = []
        for rule_class in rule_classes:
            if rule_class.engine_rule:
                continue
            self.rules.append(rule_class(settings.options_for(rule_class)))
        # Notebook-only rules are left out of a .py file's traversal and pre-filter.
        self.file_rules = [rule for rule in self.rules if not rule.notebook_only]
        self.triggers = _trigger_bytes(self.file_rules)
        self._rule_triggers = [tuple(rule.trigger_words()) for rule in self.rules]
        self._rule_trigger_bytes = [
            tuple(word.encode() for word in words) for words in self._rule_triggers
        ]
        self._tables: dict[tuple[int, ...], DispatchTable] = {}
        self.notebook_triggers = _trigger_bytes(self.rules)
        self.report_syntax_errors = "MLD001" in settings.selected
        wants_project = project and any(rule.uses_project for rule in self.rules)
        if wants_project and projects is None:
            scanners = [
                s
                for rule in self.rules
                if rule.uses_project
                for s in rule.project_facts
            ]
            projects = project_indexes(
                settings.config_root, scanners, settings.cache, settings.family_values
            )
        self.projects = projects if wants_project else None
        self.consulted_project = False  # by the file being checked
        providers = {provider for rule in self.rules for provider in rule.metadata}
        self.metadata_providers = tuple(sorted(providers, key=lambda p: p.__name__))
        self._fix_temp_folder: str | None = None
        # Notebooks: their cells are linted as one module with these rules.
        self.notebooks = NotebookLinter(self)

    def fix_temp_folder(self) -> str | None:
        """Where fixes are written before they replace their files: the cache's
        ``tmp/`` (git ignores it), or None (beside each file) with ``--no-cache``."""
        if self._fix_temp_folder is None:
            folder = (
                fix_temp_folder(self.settings.root) if self.settings.cache else None
            )
            self._fix_temp_folder = folder or ""
        return self._fix_temp_folder or None

    def project_index(self, path: str) -> ProjectIndex | None:
        """The index of ``path``'s project (None when no selected rule asks)."""
        if self.projects is None:
            return None
        return self.projects.index_for(path)

    def _consult_project(self, path: str) -> ProjectIndex | None:
        self.consulted_project = True
        return self.project_index(path)

    def prepare(self, paths: Iterable[str]) -> None:
        """Do the per-process work now (before worker processes fork): index the
        projects the files belong to."""
        if self.projects is not None:
            self.projects.prepare(paths)

    # ---- linting text ----------------------------------------------------------

    def could_fire(
        self, raw: bytes, notebook: bool = False, path: str | None = None
    ) -> bool:
        """Whether any selected rule's trigger substring occurs in ``raw`` (for a
        notebook: in its joined code cells); with ``path``, only the rules that
        ``per-file-ignores`` leaves on for it count."""
        triggers = self.notebook_triggers if notebook else self.triggers
        if not any(trigger in raw for trigger in triggers):
            return False
        ignored = self.settings.ignored_codes(path) if path is not None else None
        if not ignored or notebook:
            return True
        return any(
            rule.code not in ignored and any(word in raw for word in words)
            for rule, words in zip(self.rules, self._rule_trigger_bytes)
            if not rule.notebook_only
        )

    def lint_text(self, path: str, text: str) -> tuple[list[Finding], bool]:
        """Findings for ``text`` (suppressions and per-file ignores applied) and
        whether it parsed."""
        # CPython's parser first (several times faster than libcst): it names the
        # line and cause of a syntax error exactly, and it rejects most of the
        # pathological nesting that can crash libcst's native parser; its tree
        # shows the rest (parse_limits).
        tree = self._python_tree(path, text)
        if isinstance(tree, list):
            return tree, False
        too_deep = too_deep_for_libcst(tree, text)
        if too_deep is not None:
            raise LibcstCannotParse(too_deep.describe())
        with recursion_room():
            return self._lint_parsed(path, text)

    def _lint_parsed(self, path: str, text: str) -> tuple[list[Finding], bool]:
        # CPython accepted the text: whatever libcst says of it is libcst's
        # limit, not a syntax error of the file.
        try:
            module = cst.parse_module(text)
        except cst.ParserSyntaxError as error:
            line, column = parser_error_position(error, text)
            detail = parser_error_message(error)
            raise LibcstCannotParse(
                f"libcst reports {detail} at line {line}, column {column}"
            ) from None
        except RecursionError:
            raise LibcstCannotParse("libcst's parser ran out of recursion") from None
        return self.lint_module(path, module, text), True

    def lint_module(
        self,
        path: str,
        module: cst.Module,
        text: str,
        notebook: JoinedCells | None = None,
    ) -> list[Finding]:
        """The rules' findings in a parsed module (a file, or a notebook's joined
        cells), suppressions and per-file ignores applied."""
        rules, table = self._rules_that_could_fire(path, text, notebook is not None)
        ctx = FileContext(
            path,
            module,
            text,
            self.settings.relative(path),
            lambda: self._consult_project(path),
            NotebookView(notebook) if notebook is not None else None,
        )
        if self.metadata_providers:
            wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
            ctx.resolved_metadata = wrapper.resolve_many(self.metadata_providers)
        for rule in rules:
            rule.begin_file(ctx)
        walk(module, ctx, table)
        reports: list[Report] = []
        for rule in rules:
            rule.end_file()
            reports.extend(rule.reports)
            rule.reports = []
            rule._ctx = None
        if not reports:
            return []
        ignored = self.settings.ignored_codes(path)
        return reports_to_findings(path, module, text, reports, ignored, notebook)

    def _rules_that_could_fire(
        self, path: str, text: str, notebook: bool
    ) -> tuple[list[Rule], DispatchTable]:
        """The rules that ``per-file-ignores`` leaves on for ``path`` and whose own
        triggers occur in ``text`` (notebook-only rules: in notebooks only), and
        their dispatch table (built once per such set): a file parsed for one
        rule's sake is not walked by the others, and no rule checks its triggers
        itself."""
        ignored = self.settings.ignored_codes(path)
        active = tuple(
            index
            for index, (rule, words) in enumerate(zip(self.rules, self._rule_triggers))
            if (notebook or not rule.notebook_only)
            and rule.code not in ignored
            and any(word in text for word in words)
        )
        chosen = [self.rules[index] for index in active]
        table = self._tables.get(active)
        if table is None:
            table = DispatchTable(rule_handlers(rule) for rule in chosen)
            self._tables[active] = table
        return chosen, table

    def _python_syntax_error(self, path: str, text: str) -> list[Finding] | None:
        """MLD001 (or [] if it is ignored) when CPython cannot parse ``text``,
        None when it can."""
        tree = self._python_tree(path, text)
        return tree if isinstance(tree, list) else None

    def _python_tree(self, path: str, text: str) -> ast.AST | list[Finding]:
        """CPython's tree of ``text``, or MLD001 (or [] if it is ignored) when
        CPython cannot parse it."""
        try:
            with warnings.catch_warnings():
                # "invalid escape sequence" and friends are warnings, not errors:
                # neither print them nor report them
                warnings.simplefilter("ignore")
                tree = compile(
                    text, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True
                )
        except SyntaxError as error:
            line, column = max(1, error.lineno or 1), max(1, error.offset or 1)
            return self.syntax_finding(path, line, column, f"SyntaxError: {error.msg}")
        except (ValueError, RecursionError, MemoryError) as error:
            return self.syntax_finding(path, 1, 1, f"SyntaxError: {error}")
        return tree

    def syntax_finding(
        self, path: str, line: int, column: int, message: str, cell: int | None = None
    ) -> list[Finding]:
        """MLD001 at ``line``:``column`` (of ``cell`` in a notebook), or [] when it
        is not selected or ``per-file-ignores`` turns it off for ``path``."""
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
                cell=cell,
            )
        ]

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
        return fix_until_stable(
            path,
            text,
            findings,
            mode,
            result,
            lambda new_text: self.lint_text(path, new_text),
            apply_if_parses,
        )

    # ---- one file from disk ------------------------------------------------------

    def check_file(
        self, path: str, mode: FixMode, write: bool, diff: bool
    ) -> FileResult:
        """Lint (and optionally fix) the file at ``path``; never raises for bad input."""
        self.consulted_project = False
        result = self._check_file(path, mode, write, diff)
        result.used_project = self.consulted_project
        return result

    def _check_file(
        self, path: str, mode: FixMode, write: bool, diff: bool
    ) -> FileResult:
        result = FileResult(path)
        try:
            handle = open_regular_file(path)
            if handle is None:
                # a FIFO or a device named like a Python file: reading would block
                result.warnings.append(f"{path}: skipped: not a regular file")
                return result
            with handle:
                raw = handle.read()
                read_at = os.fstat(handle.fileno())
        except OSError as error:
            result.errors.append(f"{path}: cannot read: {error.strerror}")
            return result
        result.digest = bytes_digest(raw)
        read = FileStamp(read_at.st_size, read_at.st_mtime_ns, result.digest)
        if path.endswith(NOTEBOOK_SUFFIX):
            return self.notebooks.check(path, raw, mode, write, diff, read)
        try:
            source = SourceText.decode(raw)
        except SourceDecodeError as error:
            result.findings = self.syntax_finding(
                path, 1, 1, f"cannot decode file: {error}"
            )
            return result
        if not self.could_fire(raw, path=path):
            # No rule can fire: skip libcst. CPython's parser (several times faster)
            # still checks that the file parses, so MLD001 is reported everywhere.
            if self.report_syntax_errors:
                result.findings = self._python_syntax_error(path, source.text) or []
            return result
        outcome = guarded(
            path, result, lambda: self.fix_text(path, source.text, mode, result)
        )
        if outcome is None:
            return result
        new_text, findings = outcome
        result.findings = findings
        if new_text != source.text:
            if diff:
                result.diff = text_diff(path, source.text, new_text)
            if write:
                write_fixes(
                    path,
                    lambda: source.encode(new_text),
                    result,
                    lambda: self.lint_text(path, source.text)[0],
                    read=read,
                    temp_folder=self.fix_temp_folder(),
                )
        return result


def _trigger_bytes(rules: Sequence[Rule]) -> tuple[bytes, ...]:
    return tuple(
        {trigger.encode() for rule in rules for trigger in rule.trigger_words()}
    )
