"""The outcome of linting one file: the findings left, the fixes made, what went
wrong."""

from __future__ import annotations

from dataclasses import dataclass, field

from mldebt.engine.findings import Finding


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
    # Whether a rule asked the project index about other files (the result then
    # depends on them, not only on this file's bytes).
    used_project: bool = False
    # The SHA-256 of the bytes that were linted (None: none were read): a result is
    # cached under it, never under a digest taken before the file changed.
    digest: str | None = None
