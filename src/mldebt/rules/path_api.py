"""Path-building functions, as data: known to the raw-data and the hardcoded-config
families alike (the one module of ``mldebt.rules`` that two categories share)."""

from __future__ import annotations

# Objects that make a path from a string.
PATH_CONSTRUCTORS = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath"})
# Functions that join path parts, and functions that return the path they are given
# (as far as where it points is concerned).
PATH_JOINS = frozenset({"os.path.join", "posixpath.join"})
SAME_PATH_FUNCTIONS = frozenset(
    {"builtins.str", "os.fspath", "os.path.abspath", "os.path.normpath"}
)
