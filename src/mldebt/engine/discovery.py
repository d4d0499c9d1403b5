"""Which files to lint: explicit paths and directory walks, excludes and .gitignore."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import pathspec

from mldebt.engine.config import ConfigError, Settings, SettingsResolver
from mldebt.engine.git import git_visible_files, nearest_git_work_tree

PYTHON_SUFFIXES = (".py", ".pyi")
# What mldebt lints: Python files and Jupyter notebooks.
LINTED_SUFFIXES = (*PYTHON_SUFFIXES, ".ipynb")
# Jupyter's autosaved copies of notebooks: never linted when walking folders.
CHECKPOINTS = ".ipynb_checkpoints"


@dataclass
class _GitIgnore:
    """The .gitignore files in force in a folder, each with the folder it sits in."""

    specs: list[tuple[str, pathspec.GitIgnoreSpec]] = field(default_factory=list)

    def with_folder(self, folder: str) -> _GitIgnore:
        path = os.path.join(folder, ".gitignore")
        if not os.path.isfile(path):
            return self
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                spec = pathspec.GitIgnoreSpec.from_lines(handle)
        except OSError:
            return self
        return _GitIgnore([*self.specs, (folder, spec)])

    def ignores(self, path: str, is_dir: bool) -> bool:
        for folder, spec in self.specs:
            relative = os.path.relpath(path, folder).replace(os.sep, "/")
            if relative.startswith(".."):
                continue
            if spec.match_file(relative + "/" if is_dir else relative):
                return True
        return False


def _ignores_above(folder: str) -> _GitIgnore:
    """The .gitignore files from the repository root down to ``folder``'s parent."""
    root = nearest_git_work_tree(folder)
    ignore = _GitIgnore()
    if root is None:
        return ignore
    chain: list[str] = []
    current = os.path.abspath(folder)
    while current != root:
        current = os.path.dirname(current)
        chain.append(current)
    for above in reversed(chain):
        ignore = ignore.with_folder(above)
    return ignore


def _git_visible(folder: str) -> tuple[set[str], set[str]] | None:
    """Visible files under ``folder`` and the folders holding them."""
    files = git_visible_files(folder)
    if files is None:
        return None
    folders = {""}
    for name in files:
        parts = name.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folders.add("/".join(parts[:depth]))
    return files, folders


def _walk(
    folder: str,
    resolver: SettingsResolver,
    found: list[tuple[str, Settings]],
    warnings: list[str],
) -> None:
    settings = resolver.for_directory(os.path.abspath(folder))
    visible = _git_visible(folder) if settings.respect_gitignore else None
    pending = [(folder, _ignores_above(folder))]
    while pending:
        current, ignore = pending.pop()
        if settings.respect_gitignore and visible is None:
            ignore = ignore.with_folder(current)
        try:
            entries = sorted(os.scandir(current), key=lambda entry: entry.name)
        except OSError as error:
            warnings.append(f"{current}: cannot list folder: {error.strerror}")
            continue
        subfolders: list[tuple[str, _GitIgnore]] = []
        for entry in entries:
            path = entry.path
            try:
                is_dir = entry.is_dir()
                if not is_dir and not entry.is_file():
                    continue  # a dangling symlink, a socket, ...
            except OSError as error:  # a symlink loop
                warnings.append(f"{path}: skipped: {error.strerror}")
                continue
            local = resolver.for_directory(os.path.abspath(path if is_dir else current))
            if local.is_excluded(path, is_dir=is_dir):
                continue
            if local.respect_gitignore:
                if visible is not None:
                    relative = os.path.relpath(path, folder).replace(os.sep, "/")
                    if relative not in (visible[1] if is_dir else visible[0]):
                        continue
                elif ignore.ignores(path, is_dir):
                    continue
            if is_dir:
                if not entry.is_symlink() and entry.name != CHECKPOINTS:
                    subfolders.append((path, ignore))
            elif entry.name.endswith(LINTED_SUFFIXES):
                found.append((path, local))
        pending.extend(reversed(subfolders))


def _has_python_shebang(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            first = handle.readline(200)
    except OSError:
        return False
    return first.startswith(b"#!") and b"python" in first


def collect_files(
    paths: Sequence[str],
    resolver: SettingsResolver,
    warnings: list[str] | None = None,
) -> list[tuple[str, Settings]]:
    """``(file, settings)`` for every Python file and notebook to lint under
    ``paths``.

    Explicit files are linted unless ``exclude``/``extend-exclude`` match them
    (pre-commit passes every staged file by name). A path that does not exist is a
    ``ConfigError``.
    """
    notes: list[str] = [] if warnings is None else warnings
    found: list[tuple[str, Settings]] = []
    for path in paths:
        if not os.path.exists(path):
            if not os.path.lexists(path):
                raise ConfigError(f"{path}: no such file or directory")
            try:  # a symlink that leads nowhere, or to itself
                os.stat(path)
            except OSError as error:
                notes.append(f"{path}: skipped: {error.strerror}")
            continue
        if os.path.isdir(path):
            _walk(path, resolver, found, notes)
            continue
        settings = resolver.for_path(path)
        if settings.is_excluded(path):
            continue
        # pre-commit's `python` type includes scripts with a python shebang
        if path.endswith(LINTED_SUFFIXES) or _has_python_shebang(path):
            found.append((path, settings))
        else:
            notes.append(f"{path}: skipped: not a Python file")
    unique: dict[str, tuple[str, Settings]] = {}
    for path, settings in found:
        unique.setdefault(os.path.abspath(path), (os.path.normpath(path), settings))
    return sorted(unique.values(), key=lambda item: item[0])
