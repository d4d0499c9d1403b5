"""``raw-data-immutable``: fail when a commit modifies, deletes or renames raw data.

Raw data is the one input nobody can regenerate. This hook reads the staged change
(``git diff --cached``) and reports every file under a raw-data folder that the
commit modifies, deletes or moves. Adding new files there passes. The folders are
``raw-data-dirs`` from ``[tool.mldebt]`` (default ``data/raw`` and any folder named
``raw``), or ``--raw-dir`` on the command line.

Exit codes: 0 nothing raw changed, 1 raw data changed, 2 usage or environment error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import pathspec

from mldebt.engine.config import (
    CliOverrides,
    ConfigError,
    SettingsResolver,
    is_raw_data,
)
from mldebt.engine.git import GitError, git_output, repo_root, split_nul
from mldebt.engine.printing import printable

PROG = "mldebt-raw-data-immutable"
HINT = (
    "hint: raw data is immutable: write derived data to data/processed/ instead, "
    "and version raw data with DVC or git-lfs"
)


@dataclass(frozen=True)
class StagedChange:
    """One entry of ``git diff --cached --name-status``: a status letter and paths.

    ``path`` is the path before the change (the source of a rename or copy);
    ``new_path`` is the destination of a rename or copy, else None.
    """

    status: str
    path: str
    new_path: str | None = None


def parse_name_status(output: bytes) -> list[StagedChange]:
    """Parse the NUL-separated output of ``git diff --name-status -z``.

    Renames and copies (``R100``, ``C75``) carry two paths, every other status one.
    """
    fields = split_nul(output)
    changes: list[StagedChange] = []
    index = 0
    while index < len(fields):
        letter = fields[index][:1]
        if letter in ("R", "C") and index + 2 < len(fields):
            changes.append(StagedChange(letter, fields[index + 1], fields[index + 2]))
            index += 3
        elif index + 1 < len(fields):
            changes.append(StagedChange(letter, fields[index + 1]))
            index += 2
        else:
            break
    return changes


def describe_change(change: StagedChange) -> str | None:
    """What the change does to the file at ``change.path``, or None for an addition.

    A rename counts against its source: moving a file out of or within a raw-data
    folder loses the original, while moving one into it only adds. A copy leaves
    its source untouched.
    """
    if change.status in ("A", "C"):
        return None
    if change.status == "D":
        return "deleted"
    if change.status == "R":
        return f"renamed to {printable(change.new_path or '?')}"
    if change.status == "T":
        return "modified (file type changed)"
    return "modified"  # M, and the rare U (unmerged), X (unknown), B (broken pair)


def staged_changes(root: str) -> list[StagedChange]:
    """The changes staged in the index of the work tree at ``root``.

    Without a HEAD (the first commit) ``git diff --cached`` compares against the
    empty tree, so every file shows as added.
    """
    output = git_output(
        ["diff", "--cached", "--name-status", "-z", "--find-renames", "--no-color"],
        cwd=root,
    )
    return parse_name_status(output)


class RawDataMatcher:
    """Decides whether a repository path lies under a raw-data folder.

    Each file is judged by the ``[tool.mldebt]`` config nearest above it, as the
    linter does, so a subproject with its own ``pyproject.toml`` keeps its own
    ``raw-data-dirs``; ``--raw-dir`` globs replace every config and are relative
    to the repository root.
    """

    def __init__(self, root: str, override: Sequence[str] | None = None) -> None:
        """Match paths relative to ``root``, with ``override`` globs if given."""
        self.root = root
        self._resolver = SettingsResolver(CliOverrides())
        self._override = (
            pathspec.GitIgnoreSpec.from_lines(override) if override else None
        )

    def is_raw(self, path: str) -> bool:
        """Whether ``path`` (relative to the repository root, with ``/``) is raw.

        Raises
        ------
        ConfigError
            When the config that applies to ``path`` is invalid.
        """
        if self._override is not None:
            return self._override.match_file(path)
        absolute = os.path.join(self.root, *path.split("/"))
        settings = self._resolver.for_directory(os.path.dirname(absolute))
        # Without any config the resolver anchors the defaults at the current
        # folder; the repository root is the folder the defaults mean.
        base = settings.root if settings.config_path is not None else self.root
        relative = os.path.relpath(absolute, base).replace(os.sep, "/")
        return is_raw_data(settings.raw_data_dirs, relative)


def find_raw_data_changes(
    changes: Sequence[StagedChange], matcher: RawDataMatcher
) -> list[tuple[str, str]]:
    """``(path, what happened)`` for each change that alters existing raw data."""
    violations: list[tuple[str, str]] = []
    for change in changes:
        what = describe_change(change)
        if what is not None and matcher.is_raw(change.path):
            violations.append((change.path, what))
    return violations


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface of the hook."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        allow_abbrev=False,
        description="Fail when the staged change modifies, deletes or renames a "
        "file under a raw-data folder.",
    )
    parser.add_argument(
        "--raw-dir",
        action="append",
        metavar="GLOB",
        help="a raw-data folder glob in .gitignore syntax, relative to the "
        "repository root (repeatable; replaces raw-data-dirs from the config)",
    )
    # pre-commit passes no file names to this hook (pass_filenames: false), but a
    # user who overrides that must not get a usage error.
    parser.add_argument("filenames", nargs="*", help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``mldebt-raw-data-immutable``; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        root = repo_root()
        matcher = RawDataMatcher(root, args.raw_dir)
        violations = find_raw_data_changes(staged_changes(root), matcher)
    except (GitError, ConfigError) as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    for path, what in violations:
        print(f"{printable(path)}: {what}")
    if violations:
        print(HINT)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
