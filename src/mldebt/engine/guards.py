"""What keeps one file from stopping the run: room for libcst's recursion, and a
guard that records a crash as a warning or an error on the file's result."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from mldebt.engine.results import FileResult

# libcst generates code recursively; CPython has already bounded the nesting.
RECURSION_LIMIT = 20_000
Outcome = TypeVar("Outcome")


class LibcstCannotParse(Exception):
    """A file CPython accepts that libcst cannot parse (or must not be given: its
    parser would crash): valid Python, so not MLD001, but it cannot be linted."""


@contextmanager
def recursion_room() -> Iterator[None]:
    """Raise the recursion limit to ``RECURSION_LIMIT`` (never lower it) for the
    block, and restore it afterwards."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, RECURSION_LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def guarded(
    path: str, result: FileResult, work: Callable[[], Outcome]
) -> Outcome | None:
    """``work()``, or None with a warning (too deeply nested, or beyond libcst) or
    an error (a bug in a rule) recorded on ``result``: one file never stops the
    run."""
    try:
        return work()
    except RecursionError:
        result.warnings.append(f"{path}: skipped: nested too deeply to analyse")
    except LibcstCannotParse as error:
        result.warnings.append(
            f"{path}: not linted: libcst cannot parse this file, which CPython "
            f"accepts: {error}"
        )
    except Exception as error:
        result.errors.append(
            f"{path}: internal error: {type(error).__name__}: {error} "
            "(please report this at the mldebt issue tracker)"
        )
    return None
