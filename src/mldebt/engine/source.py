"""Source text: decoding bytes the way Python does, and mapping offsets to lines."""

from __future__ import annotations

import bisect
import codecs
import io
import re
import tokenize
from dataclasses import dataclass

_NEWLINE = re.compile(r"\r\n|\r|\n")


class SourceDecodeError(Exception):
    """The file's bytes are not text in the encoding it declares."""


@dataclass(frozen=True)
class SourceText:
    """A decoded Python file: the text without BOM, and how to write it back."""

    text: str
    encoding: str
    bom: bool

    @classmethod
    def decode(cls, raw: bytes) -> SourceText:
        """Decode ``raw`` per PEP 263 (BOM, coding cookie, default UTF-8)."""
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        except SyntaxError as error:
            raise SourceDecodeError(str(error)) from None
        bom = raw.startswith(codecs.BOM_UTF8)
        if bom:
            raw = raw[len(codecs.BOM_UTF8) :]
            encoding = "utf-8"
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise SourceDecodeError(f"cannot decode as {encoding}: {error}") from None
        return cls(text=text, encoding=encoding, bom=bom)

    def encode(self, text: str) -> bytes:
        """Encode ``text`` back with this file's encoding and BOM."""
        data = text.encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.bom else data


def split_lines(text: str) -> list[str]:
    """``text``'s lines, each with its line ending (``\\n``, ``\\r\\n`` or ``\\r``)."""
    lines: list[str] = []
    start = 0
    for match in _NEWLINE.finditer(text):
        lines.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


class LineIndex:
    """Maps character offsets in a text to 1-based lines and columns."""

    def __init__(self, text: str) -> None:
        """Index the line starts of ``text`` (``\\n``, ``\\r\\n`` and ``\\r`` end lines)."""
        self.starts = [0] + [match.end() for match in _NEWLINE.finditer(text)]

    def location(self, offset: int) -> tuple[int, int]:
        """The 1-based (line, column) of a character offset."""
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1
