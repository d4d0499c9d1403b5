"""Plain data that flows out of the engine: findings, their fixes and text edits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Applicability = Literal["safe", "unsafe"]
# Which fixes a run applies (or counts as fixable): none, the safe ones, or all.
FixMode = Literal["none", "safe", "unsafe"]


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based line and 1-based column in a file."""

    line: int
    column: int


@dataclass(frozen=True)
class TextEdit:
    """Replace ``source[start:end]`` (character offsets) with ``content``.

    In a notebook the offsets are in the module the code cells are joined into;
    ``cell`` and the locations say where the edit is in the cell's own text.
    """

    start: int
    end: int
    content: str
    location: Location
    end_location: Location
    cell: int | None = None


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """``text`` with non-overlapping ``edits`` made; insertions at one point keep
    the order in which they are given."""
    pieces: list[str] = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        pieces.append(text[cursor : edit.start])
        pieces.append(edit.content)
        cursor = edit.end
    pieces.append(text[cursor:])
    return "".join(pieces)


@dataclass(frozen=True)
class TextFix:
    """A fix resolved to text edits, ready to be applied or shown."""

    applicability: Applicability
    message: str
    edits: tuple[TextEdit, ...]

    def allowed_in(self, mode: FixMode) -> bool:
        """Whether a run in ``mode`` applies this fix: safe fixes unless fixing is
        off, unsafe ones only with ``--unsafe-fixes``."""
        return mode == "unsafe" or (mode == "safe" and self.applicability == "safe")

    def overlaps(self, other: TextFix) -> bool:
        """Whether any edit of ``self`` touches any edit of ``other``.

        Edits that merely share a boundary count as overlapping (as in Ruff), except
        two identical edits, which are the same change and are applied once, and two
        insertions at one point (new lines after the imports, say), which are both
        made, in the order of their fixes.
        """
        for mine in self.edits:
            for theirs in other.edits:
                if mine == theirs:
                    continue
                if mine.start == mine.end == theirs.start == theirs.end:
                    continue
                if mine.start <= theirs.end and theirs.start <= mine.end:
                    return True
        return False


@dataclass(frozen=True)
class Finding:
    """One reported piece of debt, with a 1-based range and an optional fix."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    category: str
    message: str
    fix: TextFix | None = None
    # Lines on which a `# noqa` comment suppresses this finding (inclusive).
    suppression_lines: tuple[int, int] = field(default=(0, 0), compare=False)
    # In a notebook: the 1-based index of the cell in its `cells` list (markdown
    # cells counted); `line` and `column` are then inside that cell.
    cell: int | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, int, str]:
        """Deterministic output order: path, cell, line, column, code."""
        return (self.path, self.cell or 0, self.line, self.column, self.code)

    @property
    def position(self) -> str:
        """``line:column``, or ``cell N:line:column`` in a notebook."""
        where = f"{self.line}:{self.column}"
        return where if self.cell is None else f"cell {self.cell}:{where}"

    def to_json(self) -> dict[str, object]:
        """The finding as the JSON object documented in the README."""
        fix: dict[str, object] | None = None
        if self.fix is not None:
            fix = {
                "applicability": self.fix.applicability,
                "message": self.fix.message,
                "edits": [_edit_json(edit) for edit in self.fix.edits],
            }
        data: dict[str, object] = {"path": self.path}
        if self.cell is not None:
            data["cell"] = self.cell
        data.update(
            {
                "line": self.line,
                "column": self.column,
                "end_line": self.end_line,
                "end_column": self.end_column,
                "code": self.code,
                "name": self.name,
                "category": self.category,
                "message": self.message,
                "fix": fix,
            }
        )
        return data


def _edit_json(edit: TextEdit) -> dict[str, object]:
    data: dict[str, object] = {"content": edit.content}
    if edit.cell is not None:
        data["cell"] = edit.cell
    data["location"] = {"line": edit.location.line, "column": edit.location.column}
    data["end_location"] = {
        "line": edit.end_location.line,
        "column": edit.end_location.column,
    }
    return data
