"""Which files to lint: explicit paths and directory walks, excludes and .gitignore."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import pathspec

from mldebt.engine.config import ConfigError, Settings, SettingsResolver

PYTHON_SUFFIXES = (".py", ".pyi")


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


def _repo_root(folder: str) -> str | None:
    current = os.path.abspath(folder)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _ignores_above(folder: str) -> _GitIgnore:
    """The .gitignore files from the repository root down to ``folder``'s parent."""
    root = _repo_root(folder)
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


def _walk(
    folder: str, resolver: SettingsResolver, found: list[tuple[str, Settings]]
) -> None:
    settings = resolver.for_directory(os.path.abspath(folder))
    pending = [(folder, _ignores_above(folder))]
    while pending:
        current, ignore = pending.pop()
        if settings.respect_gitignore:
            ignore = ignore.with_folder(current)
        try:
            entries = sorted(os.scandir(current), key=lambda entry: entry.name)
        except OSError:
            continue
        subfolders: list[tuple[str, _GitIgnore]] = []
        for entry in entries:
            path = entry.path
            is_dir = entry.is_dir()
            local = resolver.for_directory(os.path.abspath(path if is_dir else current))
            if local.is_excluded(path, is_dir=is_dir):
                continue
            if local.respect_gitignore and ignore.ignores(path, is_dir):
                continue
            if is_dir:
                if not entry.is_symlink():
                    subfolders.append((path, ignore))
            elif entry.name.endswith(PYTHON_SUFFIXES):
                found.append((path, local))
        pending.extend(reversed(subfolders))


def collect_files(
    paths: Sequence[str], resolver: SettingsResolver
) -> list[tuple[str, Settings]]:
    """``(file, settings)`` for every Python file to lint under ``paths``.

    Explicit files are linted unless ``exclude``/``extend-exclude`` match them
    (pre-commit passes every staged file by name). A path that does not exist is a
    ``ConfigError``.
    """
    found: list[tuple[str, Settings]] = []
    for path in paths:
        if not os.path.exists(path):
            raise ConfigError(f"{path}: no such file or directory")
        if os.path.isdir(path):
            _walk(path, resolver, found)
            continue
        settings = resolver.for_path(path)
        if settings.is_excluded(path):
            continue
        if path.endswith(PYTHON_SUFFIXES):
            found.append((path, settings))
    unique: dict[str, tuple[str, Settings]] = {}
    for path, settings in found:
        unique.setdefault(os.path.normpath(path), (os.path.normpath(path), settings))
    return sorted(unique.values(), key=lambda item: item[0])
