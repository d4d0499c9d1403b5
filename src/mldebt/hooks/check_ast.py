"""``check-ast``: fail when a Python file does not parse.

Each file is parsed with :func:`ast.parse` by the Python that runs the hook (set
``language_version`` in ``.pre-commit-config.yaml`` to choose another), so the
check answers "does this interpreter accept this file?". A file that fails is
reported as ``path:line:column: SyntaxError: message (CPython 3.11.7)``, followed
by the offending line and a caret, as Python itself shows it.

Exit codes: 0 every file parses, 1 a file does not parse or cannot be read,
2 usage error.
"""

from __future__ import annotations

import argparse
import ast
import platform
import sys
import warnings
from collections.abc import Sequence

from mldebt.engine.printing import printable
from mldebt.hooks._argv import parse_hook_arguments

PROG = "mldebt-check-ast"


def interpreter() -> str:
    """The running Python, as ``CPython 3.11.7``."""
    return f"{platform.python_implementation()} {platform.python_version()}"


def _caret_lines(error: SyntaxError) -> list[str]:
    """The offending source line and a caret under the column, when known."""
    if not error.text:
        return []
    text = error.text.rstrip("\r\n")
    stripped = text.lstrip()
    lines = [f"    {stripped}"]
    if error.offset is not None and error.offset >= 1:
        column = error.offset - 1 - (len(text) - len(stripped))
        if 0 <= column <= len(stripped):
            lines.append("    " + " " * column + "^")
    return lines


def describe_syntax_error(path: str, error: SyntaxError) -> list[str]:
    """The report for one file that does not parse: a headline, then context."""
    where = printable(path)
    if error.lineno is not None:
        where += f":{error.lineno}"
        if error.offset is not None and error.offset >= 1:
            where += f":{error.offset}"
    headline = f"{where}: {type(error).__name__}: {error.msg} ({interpreter()})"
    return [headline, *_caret_lines(error)]


def check_file(path: str) -> list[str]:
    """Parse ``path``; return the report lines, empty when it parses."""
    try:
        with open(path, "rb") as handle:
            source = handle.read()
    except OSError as error:
        return [f"{printable(path)}: cannot read: {error.strerror or error}"]
    try:
        with warnings.catch_warnings():
            # SyntaxWarnings (invalid escapes, `is` with a literal) are not errors.
            warnings.simplefilter("ignore")
            ast.parse(source, filename=path)
    except SyntaxError as error:
        return describe_syntax_error(path, error)
    except ValueError as error:  # null bytes, before Python 3.12
        return [f"{printable(path)}: SyntaxError: {error} ({interpreter()})"]
    except (RecursionError, MemoryError):
        return [
            f"{printable(path)}: SyntaxError: too deeply nested for "
            f"{interpreter()} to parse"
        ]
    return []


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface of the hook."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        allow_abbrev=False,
        description="Fail when a Python file does not parse with this Python "
        f"({interpreter()}).",
    )
    parser.add_argument("filenames", nargs="*", help="files to check")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``mldebt-check-ast``; returns the exit code."""
    try:
        args = parse_hook_arguments(
            build_parser(), sys.argv[1:] if argv is None else argv, "filenames"
        )
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    failed = False
    for filename in args.filenames:
        report = check_file(filename)
        for line in report:
            print(line)
        failed = failed or bool(report)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
