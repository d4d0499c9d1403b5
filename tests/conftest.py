"""Shared helpers: run the CLI in-process, write throwaway projects."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import venv
from collections.abc import Callable
from pathlib import Path

import pytest

from mldebt.cli import main

from .gitrepo import GitRepo, isolate_git


@pytest.fixture(autouse=True, scope="session")
def _user_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The rule catalog (``engine/catalog.py``) goes to a folder of the test run,
    not the developer's ``~/.cache`` (child processes inherit it too)."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))


class CliResult:
    """Exit code and captured output of one ``mldebt`` invocation."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


def run_mldebt_child(
    root: Path, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``mldebt check ARGS`` in a child process run in ``root``: a crash or a hang
    fails the test instead of the test run."""
    return subprocess.run(
        [sys.executable, "-m", "mldebt", "check", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Call ``mldebt`` with arguments; return its exit code, stdout and stderr."""

    def run(*args: str) -> CliResult:
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Write files (path -> dedented text) under a temp folder that becomes the cwd."""
    monkeypatch.chdir(tmp_path)

    def write(**files: str) -> Path:
        for name, text in files.items():
            path = tmp_path / _file_name(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return tmp_path

    return write


def _file_name(keyword: str) -> str:
    """``src__train_py`` -> ``src/train.py``; ``gitignore`` -> ``.gitignore``."""
    name = keyword.replace("__", "/")
    for suffix in ("py", "pyi", "ipynb", "toml", "yaml", "txt"):
        if name.endswith("_" + suffix):
            return name[: -len(suffix) - 1] + "." + suffix
    if name.endswith("gitignore"):
        return name[: -len("gitignore")] + ".gitignore"
    return name


@pytest.fixture
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the user's git config and any enclosing hook's git state out."""
    isolate_git(tmp_path, monkeypatch)


@pytest.fixture
def git_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, git_env: None) -> Path:
    """An empty git repository (no commit yet) that is the current folder."""
    path = tmp_path / "project"
    path.mkdir()
    monkeypatch.chdir(path)
    GitRepo(path).git("init", "-q")
    return path


UNSEEDED = "import numpy as np\nx = np.random.rand(3)\n"
SHUFFLED = "import random\nrandom.shuffle(rows)\n"


def path_without_virtualenvs(path: str) -> str:
    """``$PATH`` without the ``bin`` folders of virtualenvs: the test runner's own
    (CI puts it on ``PATH``) would look like the user's activated one."""
    kept = [
        entry
        for entry in path.split(os.pathsep)
        if not (entry and (Path(entry).parent / "pyvenv.cfg").is_file())
    ]
    return os.pathsep.join(kept)


def venv_with_typed_package(project: Path) -> None:
    """A ``.venv`` in ``project`` holding a typed package ``typedpkg`` (with
    ``def answer() -> int``): what the mypy hook must find to see its types."""
    venv.create(project / ".venv", with_pip=False)
    site_packages = subprocess.run(
        [
            str(project / ".venv" / "bin" / "python"),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    package = Path(site_packages) / "typedpkg"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("def answer() -> int: ...\n")
    (package / "py.typed").write_text("")
