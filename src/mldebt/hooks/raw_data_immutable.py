"""``raw-data-immutable``: fail when a commit modifies, deletes or renames raw data.

Raw data is the one input nobody can regenerate. This hook reads the staged change
(``git diff --cached``) and reports every file under a raw-data folder that the
commit modifies, deletes or moves. Adding new files there passes. The folders are
the ``raw-data-dirs`` option of ``[tool.mldebt.raw-data-overwrite]`` (or its older
spelling at the top of ``[tool.mldebt]``; default ``data/raw`` and any folder named
``raw``) of the ``pyproject.toml`` files in git (staged or committed, never the
work tree's), or ``--raw-dir`` on the command line.

Exit codes: 0 nothing raw changed, 1 raw data changed, 2 usage or environment error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from mldebt.engine.config import CliOverrides, ConfigError, settings_from_table
from mldebt.engine.git import GitError, git_output, repo_root, split_nul
from mldebt.engine.printing import printable
from mldebt.hooks._argv import parse_hook_arguments
from mldebt.hooks._tool_config import parse_toml, tool_table
from mldebt.rules.raw_data_overwrite import DEFAULT_RAW_DATA_DIRS, is_raw_data

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


def has_head(root: str) -> bool:
    """Whether HEAD names a commit; not on the first commit or an orphan branch."""
    try:
        git_output(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], cwd=root)
    except GitError:
        return False
    return True


def ignores_case(root: str) -> bool:
    """Whether the repository's file system treats ``Raw`` and ``raw`` as one name.

    git sets ``core.ignorecase`` when it creates a repository on such a file
    system; the folder itself is asked too (does ``.GIT`` open ``.git``?), so that
    unsetting the option does not turn the case folding off.
    """
    try:
        setting = git_output(["config", "--type=bool", "core.ignorecase"], cwd=root)
    except GitError:
        setting = b""  # unset
    if setting.strip() == b"true":
        return True
    dot_git, upper = os.path.join(root, ".git"), os.path.join(root, ".GIT")
    try:
        return os.path.samefile(dot_git, upper)
    except OSError:
        return False


def unborn_head_changes(root: str) -> list[StagedChange]:
    """What a new root commit changes in files the repository already holds.

    On an orphan branch (``git checkout --orphan``) the index usually still holds
    the files of the branch it came from, and ``git diff --cached`` shows every
    one of them as added. A file counts as modified here when some local branch
    has it and the staged content matches none of their versions. Leaving files
    out of a new root commit deletes nothing, so that is not reported.
    """
    refs = git_output(
        ["for-each-ref", "--format=%(objectname)", "refs/heads"], cwd=root
    )
    tips = set(refs.decode("ascii").split())
    known: dict[str, set[str]] = {}
    for tip in sorted(tips):
        listing = git_output(["ls-tree", "-r", "-z", "--full-tree", tip], cwd=root)
        for entry in split_nul(listing):
            meta, _, path = entry.partition("\t")
            known.setdefault(path, set()).add(meta.split(" ")[-1])
    changes = []
    for entry in split_nul(git_output(["ls-files", "-s", "-z"], cwd=root)):
        meta, _, path = entry.partition("\t")
        blob = meta.split(" ")[1]
        if path in known and blob not in known[path]:
            changes.append(StagedChange("M", path))
    return changes


class CommittedSettings:
    """``raw-data-dirs`` as the ``pyproject.toml`` files in git set them.

    A commit guard must not take its settings from files the commit leaves out:
    an untracked ``data/pyproject.toml`` with ``raw-data-dirs = []`` would switch
    it off. So the files are read from the index (``revision`` None: what is
    staged) or from a commit (``"HEAD"``), never from the work tree. Each path is
    judged by the nearest such file above it that has ``[tool.mldebt]``, within
    the repository; without one the defaults apply at the repository root.
    """

    def __init__(self, root: str, revision: str | None) -> None:
        """Read the ``pyproject.toml`` files of ``revision`` (None: the index)."""
        self.root = root
        self.revision = revision
        if revision is None:
            listing = git_output(["ls-files", "-z", "--cached"], cwd=root)
        else:
            listing = git_output(
                ["ls-tree", "-r", "-z", "--name-only", "--full-tree", revision],
                cwd=root,
            )
        self._configs = {
            path
            for path in split_nul(listing)
            if path.rsplit("/", 1)[-1] == "pyproject.toml"
        }
        self._by_folder: dict[str, tuple[str, tuple[str, ...]]] = {}

    def _shown(self, path: str) -> str:
        return path if self.revision is None else f"{self.revision}:{path}"

    def _table(self, path: str) -> dict[str, object] | None:
        """``[tool.mldebt]`` of one stored ``pyproject.toml``, or None."""
        spec = f"{self.revision or ''}:{path}"
        data = git_output(["cat-file", "blob", spec], cwd=self.root)
        try:
            document = parse_toml(data)
        except ValueError as error:
            raise ConfigError(f"{self._shown(path)}: invalid TOML: {error}") from None
        tool = document.get("tool")
        if isinstance(tool, dict) and "mldebt" in tool:
            table = tool_table(document, "mldebt")
            if table is None:
                raise ConfigError(f"{self._shown(path)}: [tool.mldebt] must be a table")
            return table
        return None

    def for_folder(self, folder: str) -> tuple[str, tuple[str, ...]]:
        """The config's folder and its ``raw-data-dirs``, for a repository folder.

        Raises
        ------
        ConfigError
            When that config is invalid.
        """
        cached = self._by_folder.get(folder)
        if cached is not None:
            return cached
        candidate = f"{folder}/pyproject.toml" if folder else "pyproject.toml"
        table = self._table(candidate) if candidate in self._configs else None
        if table is not None:
            settings = settings_from_table(
                table, folder, self._shown(candidate), CliOverrides()
            )
            found = (
                folder,
                tuple(settings.family_value("raw-data-overwrite", "raw-data-dirs")),
            )
        elif folder:
            found = self.for_folder(folder.rsplit("/", 1)[0] if "/" in folder else "")
        else:
            found = ("", DEFAULT_RAW_DATA_DIRS)
        self._by_folder[folder] = found
        return found


class RawDataMatcher:
    """Decides whether a repository path lies under a raw-data folder.

    Each file is judged by the ``[tool.mldebt]`` config nearest above it, as the
    linter does, so a subproject with its own ``pyproject.toml`` keeps its own
    ``raw-data-dirs``. The configs are the staged ones and, when there is a HEAD,
    the committed ones too: a path is raw when either says so, so that a commit
    cannot loosen the guard for itself. ``--raw-dir`` globs replace every config
    and are relative to the repository root. With ``ignore_case`` (a file system
    where ``data/Raw`` is ``data/raw``) names match whatever their case.
    """

    def __init__(
        self,
        root: str,
        override: Sequence[str] | None = None,
        committed: bool = False,
        ignore_case: bool = False,
    ) -> None:
        """Match paths relative to ``root``, with ``override`` globs if given.

        ``committed`` adds HEAD's configs to the staged ones.
        """
        self.root = root
        self.ignore_case = ignore_case
        self._override = tuple(override) if override else None
        self._sources = [CommittedSettings(root, None)]
        if committed and self._override is None:
            self._sources.append(CommittedSettings(root, "HEAD"))

    def _matches(self, globs: Sequence[str], relative: str) -> bool:
        if self.ignore_case:
            return is_raw_data(tuple(g.lower() for g in globs), relative.lower())
        return is_raw_data(tuple(globs), relative)

    def is_raw(self, path: str) -> bool:
        """Whether ``path`` (relative to the repository root, with ``/``) is raw.

        Raises
        ------
        ConfigError
            When a config that applies to ``path`` is invalid.
        """
        if self._override is not None:
            return self._matches(self._override, path)
        folder = path.rsplit("/", 1)[0] if "/" in path else ""
        for source in self._sources:
            try:
                base, globs = source.for_folder(folder)
            except ConfigError:
                if source.revision is None:
                    raise
                # HEAD's config is broken: this commit may be the one that mends it.
                base, globs = "", DEFAULT_RAW_DATA_DIRS
            relative = path[len(base) + 1 :] if base else path
            if self._matches(globs, relative):
                return True
        return False


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
        args = parse_hook_arguments(
            build_parser(), sys.argv[1:] if argv is None else argv, "filenames"
        )
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        root = repo_root()
        committed = has_head(root)
        changes = staged_changes(root)
        if not committed:
            changes += unborn_head_changes(root)
        matcher = RawDataMatcher(root, args.raw_dir, committed, ignores_case(root))
        violations = find_raw_data_changes(changes, matcher)
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
