"""What cached data is keyed on besides its input: mldebt's own code and libcst's.

Both are read from the files on disk, without importing anything, so that a run
whose results are all cached never imports libcst or the rules.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os


def bytes_digest(data: bytes) -> str:
    """The SHA-256 of ``data``: what a file's cached results are keyed on."""
    return hashlib.sha256(data).hexdigest()


def _files_stamp(folder: str) -> str:
    stamps = []
    for root, _, files in os.walk(folder):
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(root, name)
                stat = os.stat(path)
                relative = os.path.relpath(path, folder)
                stamps.append(f"{relative}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("|".join(sorted(stamps)).encode()).hexdigest()[:20]


@functools.lru_cache(maxsize=1)
def code_stamp() -> str:
    """The size and mtime of every module of mldebt: a development checkout
    changes its rules without changing its version."""
    return _files_stamp(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@functools.lru_cache(maxsize=1)
def parser_stamp() -> str:
    """libcst's version file (size and mtime), found without importing libcst:
    syntax errors and positions come from the parser."""
    spec = importlib.util.find_spec("libcst")
    if spec is None or spec.origin is None:
        return "no libcst"
    folder = os.path.dirname(spec.origin)
    parts = []
    for name in ("__init__.py", "_version.py"):
        try:
            stat = os.stat(os.path.join(folder, name))
        except OSError:
            continue
        parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256(f"{folder}|{'|'.join(parts)}".encode()).hexdigest()[:20]
