"""Plain files in ``.mldebt_cache/``: write and read JSON there, delete the folder.

The folder sits beside the config and carries its own ``.gitignore``. What is
stored in it (cached results, the project index) is up to the callers.
"""

from __future__ import annotations

import json
import os
import shutil
from typing import Any

CACHE_FOLDER = ".mldebt_cache"


def write_cache_file(folder: str, name: str, data: object) -> None:
    """Write ``data`` as JSON to ``folder/name`` atomically, creating the folder
    with a ``.gitignore`` that ignores it; a read-only checkout just has no cache."""
    path = os.path.join(folder, name)
    try:
        os.makedirs(folder, exist_ok=True)
        ignore = os.path.join(folder, ".gitignore")
        if not os.path.exists(ignore):
            with open(ignore, "w", encoding="utf-8") as handle:
                handle.write("# created by mldebt\n*\n")
        temp = f"{path}.{os.getpid()}.tmp"
        with open(temp, "w", encoding="utf-8") as handle:
            json.dump(data, handle, separators=(",", ":"))
        os.replace(temp, path)
    except OSError:
        pass


def read_cache_file(folder: str, name: str) -> Any:
    """The JSON in ``folder/name``, or None when it is missing or unreadable."""
    try:
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def clean(folders: list[str]) -> list[str]:
    """Delete the ``.mldebt_cache`` folders directly in ``folders``; return them."""
    removed = []
    for folder in dict.fromkeys(os.path.abspath(f) for f in folders):
        target = os.path.join(folder, CACHE_FOLDER)
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target, ignore_errors=True)
            removed.append(target)
    return removed
