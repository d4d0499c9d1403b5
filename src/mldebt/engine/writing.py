"""Putting fixes on disk: atomic writes that keep a file's mode and owner, and the
diff shown instead of writing."""

from __future__ import annotations

import difflib
import os
import re
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from mldebt.engine.cache_files import remove_orphaned_temp_files
from mldebt.engine.findings import Finding
from mldebt.engine.results import FileResult
from mldebt.engine.stamps import bytes_digest


@dataclass(frozen=True)
class FileStamp:
    """What a file was when it was read: a fix replaces it only if it still is."""

    size: int
    mtime_ns: int
    digest: str  # of its bytes (``bytes_digest``)

    def still_matches(self, path: str) -> bool:
        """Whether ``path`` has this size, mtime and content now (an edit saved
        within the file system's mtime resolution changes the content)."""
        try:
            info = os.stat(path)
            if (info.st_size, info.st_mtime_ns) != (self.size, self.mtime_ns):
                return False
            with open(path, "rb") as handle:
                return bytes_digest(handle.read()) == self.digest
        except OSError:
            return False  # deleted or replaced by something unreadable


# A temporary file of a fix: ``.mldebt-<pid of the writer>-<random>.tmp``, in the
# cache's ``tmp/`` folder or beside the file it replaces (a rename works only
# within one file system).
_TEMP_FILE = re.compile(r"\.mldebt-(\d+)-[^/]*\.tmp")
# In a pool worker: the process that asked for the fixes. Process-wide by nature
# (as the kernel's parent-death signal is), set once when the worker starts.
_parent: int | None = None


def die_with_parent(parent: int) -> None:
    """Make this pool worker end when ``parent`` does, and never write a fix
    after it has: killing mldebt's main process stops its workers too.

    Linux delivers SIGKILL to the worker the moment its parent dies
    (``PR_SET_PDEATHSIG``); elsewhere a thread watches ``os.getppid()``. Either
    way every write checks the parent again right before it replaces a file.
    """
    global _parent
    _parent = parent
    if not _kill_on_parent_death():
        threading.Thread(target=_exit_when_orphaned, daemon=True).start()
    if os.getppid() != parent:  # it died before the signal was armed
        os._exit(1)


def _kill_on_parent_death() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    import ctypes  # here: a run of cache hits does not pay for it

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return False


def _exit_when_orphaned() -> None:
    while os.getppid() == _parent:
        time.sleep(0.2)
    os._exit(1)


def _orphaned() -> bool:
    return _parent is not None and os.getppid() != _parent


class FileChanged(Exception):
    """The file changed after it was read: writing the fixes would lose that edit."""


def write_fixes(
    path: str,
    render: Callable[[], bytes],
    result: FileResult,
    unfixed: Callable[[], list[Finding]],
    failures: tuple[type[Exception], ...] = (OSError,),
    read: FileStamp | None = None,
    temp_folder: str | None = None,
) -> None:
    """Write ``render()`` over the file at ``path`` atomically, unless it is no
    longer what was ``read``.

    When that fails with one of ``failures``, the error is recorded on ``result``;
    when the file changed meanwhile, a warning (the edit is kept, not
    overwritten). Either way nothing was fixed on disk, so its findings become
    ``unfixed()``: what the file had when it was read.
    """
    try:
        write_atomically(path, render(), read, temp_folder)
    except FileChanged:
        result.warnings.append(
            f"{path}: not fixed: the file changed while mldebt was fixing it "
            "(the new version is kept); run mldebt again"
        )
    except failures as error:
        result.errors.append(f"{path}: cannot write the fixes: {error}")
    else:
        return
    result.fixed = 0
    result.findings = unfixed()


def text_diff(path: str, before: str, after: str) -> str:
    """A unified diff of a file's text ``before`` and ``after`` its fixes that
    ``patch`` applies.

    Lines end at ``\\n`` only, as ``patch`` reads them: a form feed, ``\\v``,
    ``\\x1c``, U+0085 or U+2028 (where ``str.splitlines`` ends a line) and a
    lone ``\\r`` (where Python does) stay inside their line, and a last line
    without ``\\n`` is marked ``\\ No newline at end of file``.
    """
    lines = difflib.unified_diff(
        _patch_lines(before), _patch_lines(after), fromfile=path, tofile=path
    )
    return "".join(
        line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n"
        for line in lines
    )


def _patch_lines(text: str) -> list[str]:
    """``text``'s lines as ``patch`` reads them: each up to and with a ``\\n``."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def write_atomically(
    path: str,
    data: bytes,
    read: FileStamp | None = None,
    temp_folder: str | None = None,
) -> None:
    """Replace the file at ``path`` with ``data`` via a temp file and a rename.

    A symlink is followed (its target is rewritten), the file's permission bits and,
    where allowed, its owner are kept; a crash leaves either the old or the new file.
    With ``read``, raises ``FileChanged`` (and writes nothing) when the file is no
    longer what was read, checked just before the rename. The temp file goes in
    ``temp_folder`` (the cache's, which git ignores) when that is on the file's
    file system, else beside the file (a rename works only within one).
    """
    path = os.path.realpath(path)
    directory = os.path.dirname(path)
    stat = os.stat(path)
    mode = stat.st_mode & 0o7777
    prefix = f".mldebt-{os.getpid()}-"
    if temp_folder is not None and _same_file_system(temp_folder, directory):
        directory = temp_folder
    fd, temp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        if hasattr(os, "chown") and (stat.st_uid, stat.st_gid) != _owner(temp):
            try:
                os.chown(temp, stat.st_uid, stat.st_gid)
            except OSError:
                pass  # not allowed to give the file away: it keeps our ownership
        if read is not None and not read.still_matches(path):
            raise FileChanged(path)
        if _orphaned():
            os.unlink(temp)
            os._exit(1)  # nobody waits for this fix any more: never write it
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    remove_orphaned_temp_files(directory, _TEMP_FILE)


def _same_file_system(folder: str, other: str) -> bool:
    try:
        return os.stat(folder).st_dev == os.stat(other).st_dev
    except OSError:
        return False


def remove_leftover_fix_files(folder: str) -> None:
    """Delete the temp files of fixes in ``folder`` whose run was killed."""
    remove_orphaned_temp_files(folder, _TEMP_FILE)


def _owner(path: str) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_uid, stat.st_gid
