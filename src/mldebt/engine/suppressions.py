"""``# noqa`` comments: line-level (``# noqa``, ``# noqa: MLD101, name``) and
file-level (``# mldebt: noqa``, ``# mldebt: noqa: MLD101``)."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

# `# noqa`, `# noqa: A, B`, `# noqa : A` -- but not `# noqa-ish` or `# noqaxyz`.
_CODES = r"(?P<codes>[A-Za-z][\w-]*(?:\s*,\s*[A-Za-z][\w-]*|\s+[A-Za-z][\w-]*)*)"
_LINE = re.compile(r"#\s*noqa(?![\w-])(?:\s*:\s*" + _CODES + r")?", re.IGNORECASE)
# File level, on a line of its own; text after the codes (a reason) is allowed.
_FILE = re.compile(
    r"^#\s*mldebt\s*:\s*noqa(?![\w-])(?:\s*:\s*" + _CODES + r")?", re.IGNORECASE
)
ALL = "*"


def _split_codes(codes: str | None) -> frozenset[str]:
    if codes is None:
        return frozenset({ALL})
    return frozenset(part.upper() for part in re.split(r"[\s,]+", codes) if part)


@dataclass
class Suppressions:
    """What the comments of one file silence: per line, and for the whole file."""

    by_line: dict[int, frozenset[str]] = field(default_factory=dict)
    whole_file: frozenset[str] = frozenset()

    def silences(self, code: str, name: str, first_line: int, last_line: int) -> bool:
        """Whether a finding of rule ``code``/``name`` on these lines is suppressed."""
        keys = {code.upper(), name.upper()}
        if ALL in self.whole_file or keys & self.whole_file:
            return True
        for line in range(first_line, last_line + 1):
            codes = self.by_line.get(line)
            if codes is not None and (ALL in codes or keys & codes):
                return True
        return False


def _comments(text: str) -> list[tuple[int, str, bool]]:
    """``(line, comment, alone on its line)`` for every comment token of ``text``."""
    comments: list[tuple[int, str, bool]] = []
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    try:
        for token in tokens:
            if token.type == tokenize.COMMENT:
                alone = not token.line[: token.start[1]].strip()
                comments.append((token.start[0], token.string, alone))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass  # the file parsed with libcst; keep what was read before the odd spot
    return comments


def find_suppressions(text: str) -> Suppressions:
    """Read the suppression comments of a file (only real comments, not strings)."""
    result = Suppressions()
    if "noqa" not in text.lower():
        return result
    whole: set[str] = set()
    for line, comment, alone in _comments(text):
        file_match = _FILE.match(comment) if alone else None
        if file_match is not None:
            whole |= _split_codes(file_match.group("codes"))
            continue
        match = _LINE.search(comment)
        if match is not None:
            codes = _split_codes(match.group("codes"))
            result.by_line[line] = result.by_line.get(line, frozenset()) | codes
    result.whole_file = frozenset(whole)
    return result
