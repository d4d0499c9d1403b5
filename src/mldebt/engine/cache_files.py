"""Plain files in ``.mldebt_cache/``: write and read JSON there, delete the folder.

The folder sits beside the config and carries its own ``.gitignore``. What is
stored in it (cached results, the project index) is up to the callers.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from typing import Any, BinaryIO

CACHE_FOLDER = ".mldebt_cache"
# ``results-<key>.json.<pid>.tmp``: a cache file being written (a killed run may
# leave one; the folder's .gitignore ignores it, the next write removes it).
_TEMP_FILE = re.compile(r".+\.json\.(\d+)\.tmp")


def linked_cache_folder(root: str) -> str | None:
    """A warning when ``root``'s ``.mldebt_cache`` is a symbolic link: the cache
    is written only into a real folder of the project, never where a link
    points (outside the project, or into a folder someone else chose)."""
    folder = os.path.join(root, CACHE_FOLDER)
    if not os.path.islink(folder):
        return None
    return (
        f"{folder} is a symbolic link, which mldebt does not follow: running "
        "without the cache (remove the link to have one)"
    )


def _made_cache_folder(folder: str) -> bool:
    """Make ``folder`` (if needed) with a ``.gitignore`` that ignores all of it;
    False when it cannot be made or is a symbolic link (never written through)."""
    if os.path.islink(folder):
        return False
    try:
        os.makedirs(folder, exist_ok=True)
        ignore = os.path.join(folder, ".gitignore")
        if not os.path.exists(ignore):
            with open(ignore, "w", encoding="utf-8") as handle:
                handle.write("# created by mldebt\n*\n")
    except OSError:
        return False
    return not os.path.islink(folder)


FIX_TEMP_FOLDER = "tmp"


def fix_temp_folder(root: str) -> str | None:
    """``<root>/.mldebt_cache/tmp``, made if needed: where a fix is written before
    it replaces its file, so that what a killed run leaves there is ignored by git
    (the cache folder's ``.gitignore``) and removed by the next fix run. None
    when the cache folder is a link or cannot be made."""
    cache = os.path.join(root, CACHE_FOLDER)
    folder = os.path.join(cache, FIX_TEMP_FOLDER)
    if not _made_cache_folder(cache) or os.path.islink(folder):
        return None
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return None
    return folder


def write_cache_file(folder: str, name: str, data: object) -> None:
    """Write ``data`` as JSON to ``folder/name`` atomically, creating the folder
    with a ``.gitignore`` that ignores it; a read-only checkout just has no cache,
    and nothing is written through a symbolic link in place of the folder."""
    path = os.path.join(folder, name)
    if not _made_cache_folder(folder):
        return
    try:
        temp = f"{path}.{os.getpid()}.tmp"
        with open(temp, "w", encoding="utf-8") as handle:
            json.dump(data, handle, separators=(",", ":"))
        os.replace(temp, path)
    except OSError:
        return
    remove_orphaned_temp_files(folder, _TEMP_FILE)


def remove_orphaned_temp_files(folder: str, name: re.Pattern[str]) -> None:
    """Delete the files in ``folder`` whose whole name matches ``name`` (its first
    group a process id) and whose process is gone: what a killed run left."""
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for entry in entries:
        match = name.fullmatch(entry)
        if match is not None and not _process_alive(int(match.group(1))):
            try:
                os.unlink(os.path.join(folder, entry))
            except OSError:
                pass


def _process_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill would end the process: assume it runs
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


# A cache file larger than this was not written by mldebt.
MAX_CACHE_BYTES = 256 * 1024 * 1024


def open_regular_file(path: str) -> BinaryIO | None:
    """``path`` opened for reading when it is a regular file (following
    symlinks), else None: a FIFO, a device or a symlink to one is never read.
    Raises ``OSError`` when it cannot be opened."""
    # O_NONBLOCK: a FIFO that appears between a check and the open does not block
    # the run (regular files ignore the flag)
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    handle = open(descriptor, "rb")
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        handle.close()
        return None
    return handle


def read_regular_file(path: str, limit: int) -> bytes | None:
    """The bytes of ``path`` when it is a regular file of at most ``limit`` bytes,
    else None (see ``open_regular_file``); nothing reads more than ``limit``."""
    try:
        handle = open_regular_file(path)
    except OSError:
        return None
    if handle is None:
        return None
    with handle:
        if os.fstat(handle.fileno()).st_size > limit:
            return None
        data = handle.read(limit + 1)
    return data if len(data) <= limit else None


def read_cache_file(folder: str, name: str) -> Any:
    """The JSON in ``folder/name``, or None when it is missing, unreadable, not a
    regular file (a FIFO put there) or not JSON."""
    data = read_regular_file(os.path.join(folder, name), MAX_CACHE_BYTES)
    if data is None:
        return None
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
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
