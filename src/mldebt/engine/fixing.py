"""The fix loop: apply the non-overlapping fixes a mode allows, lint again, and
repeat until no fix is left; never keep a change that does not parse.

It works on any state it is given a lint and an apply function for: a file's
text here, a notebook's joined cells in ``notebook_lint``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import libcst as cst

from mldebt.engine.findings import Finding, FixMode, TextFix, apply_edits
from mldebt.engine.results import FileResult

MAX_FIX_PASSES = 10
# What the fix loop works on: a file's text, or a notebook's joined cells.
State = TypeVar("State")


def fix_until_stable(
    path: str,
    state: State,
    findings: list[Finding],
    mode: FixMode,
    result: FileResult,
    lint: Callable[[State], tuple[list[Finding], bool]],
    apply: Callable[[State, Sequence[TextFix]], State | None],
) -> tuple[State, list[Finding]]:
    """Apply fixes to ``state`` (a text, or a notebook's cells) and lint it
    again until no fix is left; ``apply`` returns None for a result that does
    not parse. Counts the fixes and warns about rejected ones on ``result``."""
    applied_before: set[tuple[str, tuple[str, ...]]] = set()
    rejected: set[tuple[str, tuple[str, ...]]] = set()  # would not parse
    for _ in range(MAX_FIX_PASSES):
        # A fix proposed again after it was applied did not remove its finding:
        # applying it again would only repeat the same edit.
        candidates = [
            f
            for f in findings
            if f.fix is not None
            and f.fix.allowed_in(mode)
            and _fix_key(f) not in applied_before
            and _fix_key(f) not in rejected
        ]
        if not candidates:
            break
        new_state, applied = _apply_parsable(
            path, state, candidates, result, apply, rejected
        )
        if not applied:
            break
        applied_before.update(_fix_key(f) for f in applied)
        result.fixed += len(applied)
        state = new_state
        findings, parsed = lint(state)
        if not parsed:  # cannot happen: _apply_parsable checked it
            break
    return state, findings


def _apply_parsable(
    path: str,
    state: State,
    candidates: list[Finding],
    result: FileResult,
    apply: Callable[[State, Sequence[TextFix]], State | None],
    rejected: set[tuple[str, tuple[str, ...]]],
) -> tuple[State, list[Finding]]:
    chosen = _non_overlapping(candidates)
    new_state = apply(state, [finding.fix for finding in chosen if finding.fix])
    if new_state is not None:
        return new_state, chosen
    # One of them breaks the code: keep the ones that do not, one at a time.
    for finding in chosen:
        assert finding.fix is not None
        attempt = apply(state, [finding.fix])
        if attempt is not None:
            # Later fixes' offsets are stale now; they are retried in the next pass.
            return attempt, [finding]
        rejected.add(_fix_key(finding))  # warned once, never retried
        result.warnings.append(
            f"{path}:{finding.position}: fix for {finding.code} "
            "would produce code that does not parse; not applied"
        )
    return state, []


def _fix_key(finding: Finding) -> tuple[str, tuple[str, ...]]:
    """What a fix does, independent of where the text has moved to since."""
    assert finding.fix is not None
    return finding.code, tuple(edit.content for edit in finding.fix.edits)


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


def _apply_fixes(text: str, fixes: Sequence[TextFix]) -> str:
    """``text`` with the edits of ``fixes`` made (which must not overlap)."""
    # Identical edits are made once; insertions at one point keep their fixes' order.
    unique = dict.fromkeys(edit for fix in fixes for edit in fix.edits)
    return apply_edits(text, unique)


def apply_if_parses(text: str, fixes: Sequence[TextFix]) -> str | None:
    """``text`` with ``fixes`` made, or None when the result would not parse."""
    new_text = _apply_fixes(text, fixes)
    return new_text if _parses(new_text) else None


def _parses(text: str) -> bool:
    try:
        cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError):
        return False
    return True
