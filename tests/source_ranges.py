"""Read source files the way Python does, and check findings against them.

Shared by the reliability tests (corpus sweep, hostile input, fuzzing): a finding's
``line``/``column`` are 1-based, columns count characters, and lines end at
``\\r\\n``, ``\\r`` or ``\\n`` -- the same line breaks CPython's tokenizer knows.
"""

from __future__ import annotations

import codecs
import io
import re
import tokenize
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

NEWLINE = re.compile(r"\r\n|\r|\n")


def decode_source(raw: bytes) -> tuple[str, str, bool] | None:
    """``(text, encoding, bom)`` per PEP 263, or None when it is not text."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError:
        return None
    bom = raw.startswith(codecs.BOM_UTF8)
    if bom:
        raw, encoding = raw[len(codecs.BOM_UTF8) :], "utf-8"
    try:
        return raw.decode(encoding), encoding, bom
    except (UnicodeDecodeError, LookupError):
        return None


def encode_source(text: str, encoding: str, bom: bool) -> bytes:
    """``text`` encoded back the way ``decode_source`` found it."""
    data = text.encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data


def source_lines(path: Path) -> list[str]:
    """The lines of a file without their line endings (one empty line when the
    file is not text: a finding about it can only sit at 1:1)."""
    decoded = decode_source(path.read_bytes())
    return NEWLINE.split(decoded[0]) if decoded is not None else [""]


def _inside(lines: list[str], line: int, column: int) -> bool:
    return 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]) + 1


def range_problems(finding: Mapping[str, Any], lines: list[str]) -> list[str]:
    """What is wrong with a JSON finding's range and its fix's edit ranges."""
    points = [
        ("start", finding["line"], finding["column"]),
        ("end", finding["end_line"], finding["end_column"]),
    ]
    fix = finding.get("fix")
    for number, edit in enumerate(fix["edits"] if fix else ()):
        start, end = edit["location"], edit["end_location"]
        points.append((f"edit {number} start", start["line"], start["column"]))
        points.append((f"edit {number} end", end["line"], end["column"]))
        if (start["line"], start["column"]) > (end["line"], end["column"]):
            points.append((f"edit {number} ends before it starts", 0, 0))
    problems = [
        f"{what} {line}:{column} outside the file ({len(lines)} lines)"
        for what, line, column in points
        if not _inside(lines, line, column)
    ]
    if (finding["line"], finding["column"]) > (
        finding["end_line"],
        finding["end_column"],
    ):
        problems.append("the range ends before it starts")
    return problems


def offset(text: str, line: int, column: int) -> int:
    """The character offset of a 1-based line and column in ``text``."""
    starts = [0] + [match.end() for match in NEWLINE.finditer(text)]
    return starts[line - 1] + column - 1


def apply_json_edits(text: str, edits: Iterable[Mapping[str, Any]]) -> str:
    """``text`` with the (non-overlapping) edits of JSON findings made."""
    spans = sorted(
        (
            (
                offset(text, edit["location"]["line"], edit["location"]["column"]),
                offset(
                    text, edit["end_location"]["line"], edit["end_location"]["column"]
                ),
                edit["content"],
            )
            for edit in edits
        ),
        key=lambda span: (span[0], span[1]),  # insertions at one point keep order
    )
    pieces: list[str] = []
    cursor = 0
    for start, end, content in spans:
        assert start >= cursor, f"overlapping edits at offset {start}"
        pieces += [text[cursor:start], content]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
