"""git for the engine and the repo-level hooks: run git, read its ``-z`` output,
find the work tree a folder is in, list the files git would track."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence


class GitError(Exception):
    """git is missing, failed, or was run outside a work tree; the message is one line."""


def _first_line(stderr: bytes) -> str:
    for line in stderr.decode("utf-8", "replace").splitlines():
        if line.strip():
            return line.strip()
    return ""


def git_output(
    args: Sequence[str],
    cwd: str | None = None,
    stdin: bytes | None = None,
    timeout: float | None = None,
) -> bytes:
    """Run ``git args`` and return its standard output as bytes.

    Raises
    ------
    GitError
        When git cannot be started, exits with a non-zero status or takes longer
        than ``timeout`` seconds.
    """
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            check=False,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} timed out after {timeout} seconds") from None
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    except OSError as error:
        raise GitError(f"cannot run git: {error.strerror or error}") from None
    if result.returncode != 0:
        detail = _first_line(result.stderr) or f"exit status {result.returncode}"
        raise GitError(f"git {args[0]} failed: {detail}")
    return result.stdout


def repo_root(cwd: str | None = None) -> str:
    """The top folder of the git work tree that ``cwd`` (default: here) is in, as
    git itself says (``git rev-parse --show-toplevel``).

    Raises
    ------
    GitError
        Outside a git work tree, or when git is missing.
    """
    try:
        output = git_output(["rev-parse", "--show-toplevel"], cwd=cwd)
    except GitError as error:
        if "not a git repository" in str(error):
            raise GitError("not inside a git repository") from None
        raise
    root = os.fsdecode(output.rstrip(b"\r\n"))
    if not root:
        # A bare repository or the inside of .git: there are no files to check.
        raise GitError("not inside a git work tree")
    return root


def split_nul(output: bytes) -> list[str]:
    """The fields of git's ``-z`` output, decoded the way the OS decodes file names.

    ``os.fsdecode`` keeps bytes that are not valid UTF-8 as surrogates, so a name
    decoded here still opens the file it names.
    """
    fields = output.split(b"\0")
    if fields and fields[-1] == b"":
        fields.pop()
    return [os.fsdecode(field) for field in fields]


def nearest_git_work_tree(folder: str) -> str | None:
    """The nearest folder at or above ``folder`` that holds a ``.git``, or None.

    Looked up on disk without running git, so it is cheap enough to ask for every
    file; ``repo_root`` is the exact answer, from git, for the hooks.
    """
    current = os.path.abspath(folder)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def git_visible_files(folder: str, untracked: bool = True) -> set[str] | None:
    """Files under ``folder`` that git tracks or would track (relative, with ``/``),
    or None outside a git work tree or without git.

    Asking git itself honours every ignore source exactly: nested .gitignore files
    with negations, .git/info/exclude and the user's global excludes file.
    ``untracked=False`` keeps only what is tracked or staged.
    """
    if nearest_git_work_tree(folder) is None:
        return None
    try:
        listing = git_output(
            ["ls-files", "-z", "--cached", "--exclude-standard"]
            + (["--others"] if untracked else []),
            cwd=folder,
            timeout=60,
        )
    except GitError:
        return None
    return set(split_nul(listing))
