"""Throwaway git work trees for the hook tests."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

import pytest


class GitRepo:
    """A git work tree in a temp folder: write files and run git."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str) -> str:
        """Run git in the repository; return its output."""
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=self.path,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def write(self, name: str, text: str = "a,b\n1,2\n") -> Path:
        """Write a text file (creating its folders) and return its path."""
        path = self.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def add(self) -> None:
        """Stage everything."""
        self.git("add", "-A")

    def commit(self, *names: str) -> None:
        """Write the named files, stage everything and commit."""
        for name in names:
            self.write(name)
        self.add()
        self.git("commit", "-q", "--no-verify", "-m", "setup")


def isolate_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the user's git config and any enclosing hook's git state out."""
    for name in (
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_COMMON_DIR",
        "GIT_PREFIX",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
