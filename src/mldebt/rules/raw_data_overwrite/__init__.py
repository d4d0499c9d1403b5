"""Raw data overwritten (MLD2xx): code that writes over, moves or deletes input data.

The rules resolve the paths of file operations statically (string literals,
joins, ``pathlib`` arithmetic, names bound to those) and flag writes, moves and
deletions of the file the code read, or of anything in a raw-data folder
(``raw-data-dirs``, which the ``raw-data-immutable`` hook reads too).
"""

from __future__ import annotations

import functools

import pathspec

from mldebt.engine.options import Option

# For rule writers: path resolution and file operations are ``_file_ops.py``; the
# calls that read, write, move, delete or open files (as data) ``api.py``.


TITLE = "Raw data written over, moved or deleted"

# Folders whose files are raw data: never overwritten, moved or deleted. Globs in
# .gitignore syntax, relative to the config's folder; "raw" matches any folder
# named raw at any depth.
DEFAULT_RAW_DATA_DIRS = ("data/raw", "raw")

RAW_DATA_DIRS_OPTION = Option(
    "raw-data-dirs",
    list,
    list(DEFAULT_RAW_DATA_DIRS),
    "Folders (globs in `.gitignore` syntax, relative to the config's folder) whose "
    "files are raw data: never written over, moved or deleted. Also read by the "
    "`raw-data-immutable` hook; `raw-data-dirs` at the top of `[tool.mldebt]` "
    "is the older spelling.",
    globs=True,
)

OPTIONS = (RAW_DATA_DIRS_OPTION,)
# `raw-data-dirs` at the top of [tool.mldebt] is still read.
OLDER_KEYS = {"raw-data-dirs": "raw-data-dirs"}


@functools.lru_cache(maxsize=32)
def _raw_data_spec(globs: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines(globs)


def is_raw_data(raw_data_dirs: tuple[str, ...], relative_path: str) -> bool:
    """Whether a path (relative to the config's folder, ``/``-separated) is in one
    of the ``raw-data-dirs`` folders, or is one of them. The one place the rules
    and the hooks decide what raw data is."""
    return _raw_data_spec(raw_data_dirs).match_file(relative_path)
