"""Plain data that flows out of the engine: findings, their fixes and text edits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Applicability = Literal["safe", "unsafe"]


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based line and 1-based column in a file."""

    line: int
    column: int


@dataclass(frozen=True)
class TextEdit:
    """Replace ``source[start:end]`` (character offsets) with ``content``."""

    start: int
    end: int
    content: str
    location: Location
    end_location: Location


@dataclass(frozen=True)
class TextFix:
    """A fix resolved to text edits, ready to be applied or shown."""

    applicability: Applicability
    message: str
    edits: tuple[TextEdit, ...]

    def overlaps(self, other: TextFix) -> bool:
        """Whether any edit of ``self`` touches any edit of ``other``.

        Edits that merely share a boundary count as overlapping (as in Ruff), except
        two identical edits, which are the same change and are applied once.
        """
        for mine in self.edits:
            for theirs in other.edits:
                if mine == theirs:
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

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        """Deterministic output order: path, line, column, code."""
        return (self.path, self.line, self.column, self.code)

    def to_json(self) -> dict[str, object]:
        """The finding as the JSON object documented in the README."""
        fix: dict[str, object] | None = None
        if self.fix is not None:
            fix = {
                "applicability": self.fix.applicability,
                "message": self.fix.message,
                "edits": [
                    {
                        "content": edit.content,
                        "location": {
                            "line": edit.location.line,
                            "column": edit.location.column,
                        },
                        "end_location": {
                            "line": edit.end_location.line,
                            "column": edit.end_location.column,
                        },
                    }
                    for edit in self.fix.edits
                ],
            }
        return {
            "path": self.path,
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
