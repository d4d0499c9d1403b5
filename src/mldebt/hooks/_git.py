"""Small git helpers shared by the repo-level hooks: run git, read its ``-z`` output."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence


class GitError(Exception):
    """git is missing, failed, or was run outside a work tree; the message is one line."""


def _first_line(stderr: bytes) -> str:
    for line in stderr.decode("utf-8", "replace").splitlines():
        if line.strip():
            return line.strip()
    return ""


def git_output(
    args: Sequence[str], cwd: str | None = None, stdin: bytes | None = None
) -> bytes:
    """Run ``git args`` and return its standard output as bytes.

    Raises
    ------
    GitError
        When git cannot be started or exits with a non-zero status.
    """
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    except OSError as error:
        raise GitError(f"cannot run git: {error.strerror or error}") from None
    if result.returncode != 0:
        detail = _first_line(result.stderr) or f"exit status {result.returncode}"
        raise GitError(f"git {args[0]} failed: {detail}")
    return result.stdout


def repo_root(cwd: str | None = None) -> str:
    """The top folder of the git work tree that ``cwd`` (default: here) is in.

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


def printable(path: str) -> str:
    """Return ``path`` in a form that can always be printed.

    Undecodable bytes and characters the terminal cannot show become backslash
    escapes instead of a ``UnicodeEncodeError``.
    """
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    return text.encode(encoding, "backslashreplace").decode(encoding)
