"""Lint (and fix) a Jupyter notebook: its code cells as one module, findings in
cell coordinates, fixes written back into the cells they change only.

Reading the notebook, masking IPython syntax and writing cells back is
``notebook_io``'s work; running the rules over a module is the linter's, asked
for through ``ModuleLinter``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import libcst as cst

from mldebt.engine.findings import Finding, FixMode, TextFix
from mldebt.engine.fixing import fix_until_stable
from mldebt.engine.guards import guarded, recursion_room
from mldebt.engine.notebook_io import (
    CodeCell,
    JoinedCells,
    Notebook,
    NotebookError,
    cells_diff,
)
from mldebt.engine.results import FileResult
from mldebt.engine.writing import FileStamp, write_fixes


class ModuleLinter(Protocol):
    """What a notebook's lint needs from the linter (``Linter`` provides it)."""

    def could_fire(
        self, raw: bytes, notebook: bool = False, path: str | None = None
    ) -> bool:
        """Whether any selected rule's trigger substring occurs in ``raw``."""

    def lint_module(
        self,
        path: str,
        module: cst.Module,
        text: str,
        notebook: JoinedCells | None = None,
    ) -> list[Finding]:
        """The rules' findings in a parsed module."""

    def syntax_finding(
        self, path: str, line: int, column: int, message: str, cell: int | None = None
    ) -> list[Finding]:
        """MLD001 at the given place, or [] when it is not selected for ``path``."""

    def fix_temp_folder(self) -> str | None:
        """Where fixes are written before they replace their files."""


class NotebookLinter:
    """Lints notebooks with the rules of one ``ModuleLinter``."""

    def __init__(self, linter: ModuleLinter) -> None:
        """Lint with ``linter``'s rules and settings."""
        self.linter = linter

    def check(
        self,
        path: str,
        raw: bytes,
        mode: FixMode = "none",
        write: bool = False,
        diff: bool = False,
        read: FileStamp | None = None,
    ) -> FileResult:
        """Lint (and optionally fix) a notebook from its bytes (``read`` from the
        file: fixes are written only while it still is); never raises for bad
        input. Fixes change only the sources of the cells they fix."""
        result = FileResult(path, digest=read.digest if read is not None else None)
        try:
            notebook = Notebook.load(raw)
        except NotebookError as error:
            result.findings = self.linter.syntax_finding(
                path, error.line, error.column, error.message
            )
            return result
        if not notebook.python:
            return result  # another kernel's language: nothing for mldebt
        with recursion_room():
            fixed = guarded(
                path, result, lambda: self._fix_cells(path, notebook, mode, result)
            )
        if fixed is None:
            return result
        cells, findings = fixed
        result.findings = findings
        sources = {
            cell.index: cell.source
            for cell, old in zip(cells, notebook.code_cells)
            if cell.source != old.source
        }
        if sources:
            if diff:
                result.diff = cells_diff(path, notebook.code_cells, cells)
            if write:

                def unfixed() -> list[Finding]:
                    return self._fix_cells(path, notebook, "none", FileResult(path))[1]

                write_fixes(
                    path,
                    lambda: notebook.render(sources),
                    result,
                    unfixed,
                    failures=(OSError, NotebookError),
                    read=read,
                    temp_folder=self.linter.fix_temp_folder(),
                )
        return result

    def _fix_cells(
        self, path: str, notebook: Notebook, mode: FixMode, result: FileResult
    ) -> tuple[tuple[CodeCell, ...], list[Finding]]:
        joined = JoinedCells.build(notebook.code_cells)
        if not self.linter.could_fire(joined.text.encode(), notebook=True):
            # As for a .py file: no rule can fire, so only syntax errors are reported.
            return notebook.code_cells, self._lint_cells(path, joined)[0]
        joined = joined.parse()
        findings, parsed = self._lint_cells(path, joined)
        result.parsed = parsed
        if mode == "none":
            return notebook.code_cells, findings
        joined, findings = fix_until_stable(
            path,
            joined,
            findings,
            mode,
            result,
            lambda state: self._lint_cells(path, state),
            _apply_to_cells,
        )
        return joined.cells, findings

    def _lint_cells(self, path: str, joined: JoinedCells) -> tuple[list[Finding], bool]:
        """Findings for a notebook's cells: MLD001 for each cell that does not
        parse, the rules' findings in the others."""
        findings = [
            finding
            for error in joined.errors
            for finding in self.linter.syntax_finding(
                path, error.line, error.column, error.message, error.cell
            )
        ]
        if joined.module is not None:
            findings.extend(
                self.linter.lint_module(path, joined.module, joined.text, joined)
            )
            findings.sort(key=lambda finding: finding.sort_key)
        return findings, True


def _apply_to_cells(
    joined: JoinedCells, fixes: Sequence[TextFix]
) -> JoinedCells | None:
    """The notebook's cells with ``fixes`` made; None if a fixed cell would no
    longer parse (or a fix cannot be written back to its cell)."""
    cells = joined.with_edits(dict.fromkeys(e for fix in fixes for e in fix.edits))
    if cells is None:
        return None
    fixed = joined.rebuilt(cells).parse()
    changed = {
        cell.index
        for cell, old in zip(cells, joined.cells)
        if cell.source != old.source
    }
    if any(error.cell in changed for error in fixed.errors):
        return None
    return fixed
