"""Turn findings into text, JSON or GitHub annotations. Never re-parses anything."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence

from mldebt.engine.findings import Finding, FixMode
from mldebt.engine.printing import printable


def display_path(path: str) -> str:
    """``path`` relative to the current directory when it lies below it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _fixable(finding: Finding, mode: FixMode) -> bool:
    return finding.fix is not None and finding.fix.allowed_in(mode)


def render_text(findings: Sequence[Finding], unsafe_shown: bool) -> str:
    """``path:line:col: CODE [*] message`` per finding (``[*]``: ``--fix`` can fix it);
    in a notebook ``path:cell N:line:col: ...``, the line within the cell.
    Control characters are shown as backslash escapes."""
    mode: FixMode = "unsafe" if unsafe_shown else "safe"
    lines = []
    for finding in findings:
        marker = " [*]" if _fixable(finding, mode) else ""
        # A file name (or a message quoting code) may hold control characters.
        lines.append(
            printable(
                f"{display_path(finding.path)}:{finding.position}: "
                f"{finding.code}{marker} {finding.message}"
            )
        )
    return "\n".join(lines) + ("\n" if lines else "")


def render_json(findings: Sequence[Finding]) -> str:
    """A JSON list of finding objects (see the README for the fields)."""
    objects = []
    for finding in findings:
        data = finding.to_json()
        data["path"] = display_path(finding.path)
        objects.append(data)
    return json.dumps(objects, indent=2, ensure_ascii=False) + "\n"


def _escape_property(value: str) -> str:
    return (
        value.replace("%", "%25")
        .replace("\r", "%0D")
        .replace("\n", "%0A")
        .replace(":", "%3A")
        .replace(",", "%2C")
    )


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def render_github(findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands: one ``::error`` annotation per finding.

    A notebook's lines are lines of a cell, not of the file GitHub shows (its
    JSON): the annotation goes on the file, and the cell and line are in its title
    and message.
    """
    lines = []
    for finding in findings:
        path = _escape_property(display_path(finding.path))
        if finding.cell is None:
            title = _escape_property(f"mldebt ({finding.code})")
            where = (
                f"line={finding.line},col={finding.column},"
                f"endLine={finding.end_line},endColumn={finding.end_column}"
            )
            message = f"{finding.code} {finding.message}"
        else:
            title = _escape_property(
                f"mldebt ({finding.code}) cell {finding.cell}, line {finding.line}"
            )
            where = ""
            message = f"{finding.position}: {finding.code} {finding.message}"
        lines.append(
            f"::error title={title},file={path}{',' if where else ''}{where}::"
            f"{_escape_data(message)}"
        )
    return "\n".join(lines) + ("\n" if lines else "")


def render_statistics(findings: Sequence[Finding], unsafe_shown: bool) -> str:
    """Counts per rule, most frequent first, as Ruff's ``--statistics`` shows them."""
    mode: FixMode = "unsafe" if unsafe_shown else "safe"
    counts = Counter(finding.code for finding in findings)
    names = {finding.code: finding.name for finding in findings}
    fixable = {finding.code for finding in findings if _fixable(finding, mode)}
    width = max((len(str(count)) for count in counts.values()), default=1)
    lines = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        marker = "[*]" if code in fixable else "   "
        lines.append(f"{count:>{width}}\t{code}\t{marker} {names[code]}")
    return "\n".join(lines) + ("\n" if lines else "")


def render_statistics_json(findings: Sequence[Finding], unsafe_shown: bool) -> str:
    """Counts per rule as a JSON list (``--statistics --output-format json``)."""
    mode: FixMode = "unsafe" if unsafe_shown else "safe"
    counts = Counter(finding.code for finding in findings)
    names = {finding.code: finding.name for finding in findings}
    fixable = Counter(finding.code for finding in findings if _fixable(finding, mode))
    rows = [
        {"code": code, "name": names[code], "count": count, "fixable": fixable[code]}
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return json.dumps(rows, indent=2) + "\n"


def summary(
    findings: Sequence[Finding], fixed: int, unsafe_shown: bool, errors: int = 0
) -> str:
    """The closing line(s) of the text output; ``errors``: how many errors (a
    file that could not be read, a rule's crash, ...) the run reported, so that
    "All checks passed!" is never said beside one."""
    mode: FixMode = "unsafe" if unsafe_shown else "safe"
    parts = []
    if findings:
        total = len(findings) + fixed
        noun = "finding" if total == 1 else "findings"
        fixed_note = f" ({fixed} fixed, {len(findings)} remaining)" if fixed else ""
        parts.append(f"Found {total} {noun}{fixed_note}.")
        fixable = sum(1 for finding in findings if _fixable(finding, mode))
        if fixable:
            parts.append(f"[*] {fixable} fixable with the `--fix` option.")
        hidden = sum(
            1
            for finding in findings
            if finding.fix is not None
            and finding.fix.applicability == "unsafe"
            and not unsafe_shown
        )
        if hidden:
            noun = "fix" if hidden == 1 else "fixes"
            parts.append(
                f"{hidden} hidden {noun} can be enabled with the `--unsafe-fixes` option."
            )
    elif fixed:
        noun = "finding" if fixed == 1 else "findings"
        parts.append(f"Found {fixed} {noun} ({fixed} fixed, 0 remaining).")
    elif not errors:
        parts.append("All checks passed!")
    if errors:
        noun = "error" if errors == 1 else "errors"
        lead = "" if findings or fixed else "No findings, but "
        parts.append(f"{lead}{errors} {noun} occurred.")
    return "\n".join(parts) + "\n"
