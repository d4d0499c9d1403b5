"""The recommended quality hooks, each through its wrapper's ``main``.

check-ast, isort agreeing with black, pydocstyle with a convention, mypy with the
project's interpreter; and the manifest that publishes them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mldebt.hooks import check_ast
from mldebt.hooks import isort as isort_hook
from mldebt.hooks import mypy as mypy_hook
from mldebt.hooks import pydocstyle as pydocstyle_hook
from mldebt.hooks._argv import AmbiguousArgument
from mldebt.hooks._tool_config import BlackSettings, find_black_settings

from .conftest import path_without_virtualenvs, venv_with_typed_package

CHECKOUT = Path(__file__).resolve().parents[1]


def write(folder: Path, name: str, text: str) -> Path:
    """Write a dedented file under ``folder`` and return its path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder that is a repository root and the current folder."""
    root = tmp_path / "project"
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)
    for name in ("VIRTUAL_ENV", "CONDA_PREFIX", "PRE_COMMIT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATH", path_without_virtualenvs(os.environ.get("PATH", "")))
    return root


# --- check-ast -----------------------------------------------------------------


def test_check_ast_passes_files_that_parse(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "ok.py", "import os\n\nprint(os.sep)\n")
    write(repo, "escape.py", 'pattern = "\\d+"\n')  # a SyntaxWarning, not an error
    assert check_ast.main(["ok.py", "escape.py"]) == 0
    assert capsys.readouterr().out == ""


def test_check_ast_names_the_file_line_and_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "ok.py", "x = 1\n")
    write(repo, "broken.py", "def f():\n    return (1,\n")
    assert check_ast.main(["ok.py", "broken.py"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        f"broken.py:2:12: SyntaxError: '(' was never closed ({check_ast.interpreter()})"
    )
    assert lines[1:] == ["    return (1,", "           ^"]


def test_check_ast_reports_every_broken_file_and_unreadable_ones(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "indent.py", "if True:\nx = 1\n")
    (repo / "nul.py").write_bytes(b"x = 1\0\n")
    assert check_ast.main(["indent.py", "nul.py", "missing.py"]) == 1
    out = capsys.readouterr().out
    assert "indent.py:2:1: IndentationError: expected an indented block" in out
    assert "nul.py" in out and "null bytes" in out
    assert "missing.py: cannot read: No such file or directory" in out


def test_check_ast_usage_error_exits_2() -> None:
    assert check_ast.main(["--no-such-flag"]) == 2


# --- isort agrees with black -----------------------------------------------------


def test_black_settings_are_found_the_way_black_finds_them(repo: Path) -> None:
    assert find_black_settings([]) == BlackSettings()
    write(repo, "pyproject.toml", "[tool.black]\nline-length = 100\n")
    write(repo, "pkg/pyproject.toml", "[tool.ruff]\nline-length = 70\n")
    write(repo, "pkg/mod.py", "x = 1\n")
    settings = find_black_settings(["pkg/mod.py"])
    assert settings.line_length == 100
    assert settings.source == repo / "pyproject.toml"
    # a nested pyproject with [tool.black] is the project root for its files
    write(
        repo,
        "sub/pyproject.toml",
        "[tool.black]\nline_length = 72\nskip-magic-trailing-comma = true\n",
    )
    write(repo, "sub/mod.py", "x = 1\n")
    assert find_black_settings(["sub/mod.py"]) == BlackSettings(
        72, False, repo / "sub" / "pyproject.toml"
    )
    # files from both: their common folder decides, as for black
    assert find_black_settings(["sub/mod.py", "pkg/mod.py"]).line_length == 100


def test_black_settings_stop_at_the_repository_root(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.black]\nline-length = 120\n")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    write(tmp_path, "repo/mod.py", "x = 1\n")
    assert find_black_settings([str(tmp_path / "repo" / "mod.py")]).line_length == 88


def test_agreement_arguments_follow_black() -> None:
    arguments = isort_hook.agreement_arguments(BlackSettings(100, True))
    assert "--line-length=100" in arguments
    assert "--multi-line=3" in arguments
    assert "--split-on-trailing-comma" in arguments
    assert not any(argument.startswith("--profile") for argument in arguments)
    skipping = isort_hook.agreement_arguments(BlackSettings(88, False))
    assert "--split-on-trailing-comma" not in skipping


LONG_IMPORTS = """\
import sys, os
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Container
from mypackage.models import Model as M, Trainer
import numpy as np
"""


def test_isort_uses_black_line_length_over_its_own_config(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        repo,
        "pyproject.toml",
        """\
        [tool.black]
        line-length = 100

        [tool.isort]
        line_length = 40          # loses: black's line length wins
        multi_line_output = 7     # loses: black's wrapping wins
        known_first_party = ["mypackage"]   # kept
        force_single_line = true  # kept
        """,
    )
    path = write(repo, "train.py", LONG_IMPORTS)
    assert isort_hook.main([str(path)]) == 0
    assert path.read_text() == textwrap.dedent("""\
        import os
        import sys
        from collections.abc import AsyncIterator
        from collections.abc import Awaitable
        from collections.abc import Callable
        from collections.abc import Collection
        from collections.abc import Container

        import numpy as np

        from mypackage.models import Model as M
        from mypackage.models import Trainer
        """)
    capsys.readouterr()


def test_isort_check_only_and_filter_files(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "pyproject.toml", '[tool.isort]\nskip = ["vendored.py"]\n')
    write(repo, "vendored.py", "import sys, os\n")
    write(repo, "mine.py", "import sys, os\n")
    assert isort_hook.main(["--check-only", "--filter-files", "vendored.py"]) == 0
    assert isort_hook.main(["--check-only", "mine.py"]) == 1
    assert "mine.py Imports are incorrectly sorted" in capsys.readouterr().err
    assert (repo / "mine.py").read_text() == "import sys, os\n"


# Files whose imports isort and black could fight over: long from-imports, comments
# inside and after import lists, magic trailing commas, aliases, conditional,
# nested and __future__ imports, isort's skip markers, a stub file.
AWKWARD_FILES = {
    "long_from.py": """\
        from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Awaitable, Callable, Collection, Container
        from os.path import join as join_path, exists as path_exists, isdir as is_directory, basename
        import os, sys
        import numpy as np, pandas as pd
        from typing import *
        x = join_path(os.sep, sys.prefix)
        """,
    "comments.py": """\
        # leading comment
        from typing import (  # the typing names
            Optional,  # maybe
            # a comment line inside the list
            Any,
        )
        import json # json, with a short comment gap
        # a comment right after the imports
        value = json.dumps({})
        """,
    "magic_comma.py": """\
        from typing import (Any, Dict,)
        from math import (pi,
            tau)
        from a_very_long_package_name.with_a_submodule import first_name, second_name, third
        def f() -> Dict[str, Any]: return {"pi": pi, "tau": tau}
        """,
    "nested.py": '''\
        """Imports in odd places."""
        from __future__ import annotations
        import sys
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from collections.abc import Sequence, Mapping
        try:
            import tomllib
        except ImportError:  # pragma: no cover
            import tomli as tomllib
        import os  # after code
        class Loader:
            def load(self, path):
                import json, csv
                return json, csv, tomllib, os, sys
        ''',
    "skips.py": """\
        import sys
        import b_module  # isort: skip
        import a_module
        # isort: off
        import zzz
        import aaa
        # isort: on
        import os
        """,
    "stub.pyi": """\
        import sys
        from typing import Any, overload
        import os
        @overload
        def f(x: int) -> int: ...
        @overload
        def f(x: Any) -> os.PathLike[str]: ...
        class C:
            x: int
        """,
}
IMPORTS_ONLY = {
    "imports_only.py": """\
        from __future__ import annotations
        import sys, os
        from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Awaitable, Callable
        from typing import (Any, Dict,)
        from os.path import join as join_path, exists as path_exists, isdir as is_directory
        import numpy as np  # numbers
        """,
}


def run_black(folder: Path, *names: str) -> None:
    """Run black, as its hook does, on ``names`` in ``folder``."""
    env = {**os.environ, "BLACK_CACHE_DIR": str(folder.parent / "black-cache")}
    subprocess.run(
        [sys.executable, "-m", "black", "-q", *names],
        cwd=folder,
        env=env,
        check=True,
    )


def snapshot(folder: Path, names: list[str]) -> dict[str, str]:
    """The text of each of ``names`` in ``folder``."""
    return {name: (folder / name).read_text() for name in names}


@pytest.mark.parametrize(
    "black_config",
    [
        "",
        "[tool.black]\nline-length = 100\n",
        "[tool.black]\nline-length = 60\nskip-magic-trailing-comma = true\n",
    ],
    ids=["default", "line-length-100", "60-skip-magic-trailing-comma"],
)
def test_isort_then_black_twice_changes_nothing_the_second_time(
    repo: Path, black_config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        repo, "pyproject.toml", black_config + "[tool.isort]\nskip_gitignore = false\n"
    )
    names = sorted(AWKWARD_FILES)
    for name, text in AWKWARD_FILES.items():
        write(repo, name, text)
    originals = snapshot(repo, names)
    isort_hook.main(["--filter-files", *names])
    run_black(repo, *names)
    first = snapshot(repo, names)
    assert first != originals
    isort_hook.main(["--filter-files", *names])
    run_black(repo, *names)
    assert snapshot(repo, names) == first
    # and in the other order: black, then isort
    run_black(repo, *names)
    isort_hook.main(["--filter-files", *names])
    assert snapshot(repo, names) == first
    capsys.readouterr()


@pytest.mark.parametrize("line_length", [88, 100, 60])
def test_black_accepts_isort_output_as_it_is(
    repo: Path, line_length: int, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "pyproject.toml", f"[tool.black]\nline-length = {line_length}\n")
    names = sorted(IMPORTS_ONLY)
    for name, text in IMPORTS_ONLY.items():
        write(repo, name, text)
    isort_hook.main(names)
    sorted_by_isort = snapshot(repo, names)
    run_black(repo, *names)
    assert snapshot(repo, names) == sorted_by_isort
    capsys.readouterr()


# --- pydocstyle with a convention --------------------------------------------------

DOCSTRINGS = '''\
    """A module."""


    class Model:
        """A model."""

        def __init__(self):
            self.size = 1


    def fit(x):
        """Fit the model"""
        return x
    '''


def test_pydocstyle_defaults_to_numpy(
    repo: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    write(repo, "model.py", DOCSTRINGS)
    assert pydocstyle_hook.main(["model.py"]) == 1
    out = capfd.readouterr().out
    assert "D400: First line should end with a period" in out
    assert "D107" not in out  # numpy does not ask for __init__ docstrings
    write(repo, "model.py", DOCSTRINGS.replace("Fit the model", "Fit the model."))
    assert pydocstyle_hook.main(["model.py"]) == 0


def test_pydocstyle_convention_from_the_config_or_the_hook(
    repo: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    write(repo, "model.py", DOCSTRINGS)
    write(repo, "pyproject.toml", '[tool.pydocstyle]\nconvention = "google"\n')
    assert pydocstyle_hook.main(["model.py"]) == 1
    out = capfd.readouterr().out
    assert "D415" in out and "D400" not in out  # google's wording of the rule
    assert pydocstyle_hook.main(["--convention=pep257", "model.py"]) == 1
    out = capfd.readouterr().out
    assert "D400" in out and "D107" in out  # the hook's flag wins over the config


def test_pydocstyle_keeps_the_configs_own_selection(
    repo: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    write(repo, "model.py", DOCSTRINGS)
    write(repo, "setup.cfg", "[pydocstyle]\nselect = D107\n")
    assert pydocstyle_hook.main(["model.py"]) == 1
    out = capfd.readouterr().out
    assert "D107" in out and "D400" not in out


def test_pydocstyle_passes_add_ignore_on_with_the_default_convention(
    repo: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    write(repo, "model.py", DOCSTRINGS)
    write(repo, "pyproject.toml", '[tool.pydocstyle]\nadd-ignore = ["D400"]\n')
    assert pydocstyle_hook.main(["model.py"]) == 0
    assert pydocstyle_hook.pydocstyle_arguments(
        None, pydocstyle_hook.find_config(["model.py"])
    ) == ["--convention=numpy", "--add-ignore=D400"]
    capfd.readouterr()


def test_pydocstyle_bad_convention_is_a_usage_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert pydocstyle_hook.main(["--convention=nope", "x.py"]) == 2
    assert "invalid choice: 'nope'" in capsys.readouterr().err


# --- mypy with the project's interpreter -------------------------------------------


def fake_venv(folder: Path) -> Path:
    """A folder that looks like a virtualenv: pyvenv.cfg and an executable python."""
    python = folder / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\n")
    python.chmod(0o755)
    (folder / "pyvenv.cfg").write_text("home = /usr/bin\n")
    return python


def test_interpreter_search_order(repo: Path, tmp_path: Path) -> None:
    active = fake_venv(tmp_path / "active")
    dot_venv = fake_venv(repo / ".venv")
    plain_venv = fake_venv(repo / "venv")
    conda = fake_venv(tmp_path / "conda")
    hook_env = tmp_path / "hook-env"
    fake_venv(hook_env)
    find = mypy_hook.find_interpreter
    environ = {"VIRTUAL_ENV": str(tmp_path / "active"), "CONDA_PREFIX": str(conda)}
    assert find(environ, repo, None).executable == str(active)  # type: ignore[union-attr]
    # under pre-commit $VIRTUAL_ENV is the hook's own env: the user's comes from PATH
    path = os.pathsep.join([str(hook_env / "bin"), "/usr/bin", str(active.parent)])
    under_pre_commit = {"VIRTUAL_ENV": str(hook_env), "PATH": path}
    found = find(under_pre_commit, repo, hook_env)
    assert found is not None and found.executable == str(active)
    assert find({"VIRTUAL_ENV": str(hook_env)}, repo, hook_env).executable == str(  # type: ignore[union-attr]
        dot_venv
    )
    (repo / ".venv" / "bin" / "python").unlink()
    assert find({}, repo / "src", None).executable == str(plain_venv)  # type: ignore[union-attr]
    (repo / "venv" / "bin" / "python").unlink()
    assert find({"CONDA_PREFIX": str(conda.parent.parent)}, repo, None).executable == str(  # type: ignore[union-attr]
        conda
    )
    assert find({}, repo, None) is None


def test_mypy_arguments_respect_an_explicit_interpreter(repo: Path) -> None:
    fake_venv(repo / ".venv")
    explicit = ["--python-executable=/opt/py/bin/python", "a.py"]
    assert mypy_hook.mypy_arguments(explicit) == (explicit, None, None)
    write(repo, "mypy.ini", "[mypy]\npython_executable = /opt/py/bin/python\n")
    assert mypy_hook.mypy_arguments(["a.py"]) == (["a.py"], None, None)
    (repo / "mypy.ini").unlink()
    arguments, interpreter, note = mypy_hook.mypy_arguments(["a.py"])
    python = str(repo / ".venv" / "bin" / "python")
    assert arguments == ["--python-executable", python, "a.py"]
    assert interpreter == mypy_hook.Interpreter(python, "the project's .venv/")
    assert note is None


def test_mypy_arguments_fall_back_with_one_line(repo: Path) -> None:
    arguments, interpreter, note = mypy_hook.mypy_arguments(["a.py"])
    assert arguments == ["--ignore-missing-imports", "a.py"]
    assert interpreter is None
    assert note is not None and "\n" not in note
    assert note.startswith("mldebt-mypy: no project virtualenv found")


USES_TYPED_PACKAGE = """\
    import typedpkg

    label: str = typedpkg.answer()
    """


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One mypy cache for the module: the standard library is analysed once."""
    return str(tmp_path_factory.mktemp("mypy-cache"))


def test_mypy_sees_the_project_virtualenv(
    repo: Path, mypy_cache: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "app.py", USES_TYPED_PACKAGE)
    # without a virtualenv the import is unresolved and ignored: no error found
    assert mypy_hook.main(["--cache-dir", mypy_cache, "app.py"]) == 0
    assert "no project virtualenv found" in capsys.readouterr().err
    venv_with_typed_package(repo)
    assert mypy_hook.main(["--cache-dir", mypy_cache, "app.py"]) == 1
    captured = capsys.readouterr()
    assert (
        'app.py:3: error: Incompatible types in assignment (expression has type "int"'
        in (captured.out)
    )
    assert "no project virtualenv found" not in captured.err
    assert captured.err.endswith(
        f"mldebt-mypy: checked against the packages of {repo}/.venv/bin/python "
        "(the project's .venv/)\n"
    )


# --- file names that read as options ------------------------------------------


def test_check_ast_reads_every_argument_after_the_separator_as_a_file(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "-h", "def f(:\n")
    assert check_ast.main(["--", "-h"]) == 1
    assert capsys.readouterr().out.startswith("-h:1:7: SyntaxError")
    assert check_ast.main(["-h"]) == 2
    assert "'-h' is a file whose name reads as an option" in capsys.readouterr().err


def test_isort_passes_files_after_the_separator_as_files(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trap = write(repo, "--check-only.py", "import sys, os\n")
    assert isort_hook.main(["--", trap.name]) == 0
    assert trap.read_text() == "import os\nimport sys\n"
    trap.write_text("import sys, os\n")
    assert isort_hook.main([trap.name]) == 2
    assert trap.read_text() == "import sys, os\n"
    assert "is a file whose name reads as an option" in capsys.readouterr().err


def test_pydocstyle_passes_files_after_the_separator_as_files(
    repo: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    write(repo, "--convention=pep257.py", "def f():\n    pass\n")
    write(repo, "--ignore=D100,D103.py", "def f():\n    pass\n")
    names = ["--convention=pep257.py", "--ignore=D100,D103.py"]
    assert pydocstyle_hook.main(["--", *names]) == 1
    out = capfd.readouterr().out
    assert "D100" in out and "D103" in out
    assert pydocstyle_hook.main(names) == 2


def test_mypy_reads_options_only_before_the_separator(repo: Path) -> None:
    fake_venv(repo / ".venv")
    write(repo, "--python-executable=python.py", "x: int = 1\n")
    trap = "--python-executable=python.py"
    arguments, interpreter, _ = mypy_hook.mypy_arguments(["--strict", "--", trap])
    python = str(repo / ".venv" / "bin" / "python")
    assert arguments == ["--python-executable", python, "--strict", "--", trap]
    assert interpreter is not None
    with pytest.raises(AmbiguousArgument):
        mypy_hook.mypy_arguments([trap])


def test_mypy_hook_refuses_an_ambiguous_file_name(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "--no-site-packages", "")
    assert mypy_hook.main(["--no-site-packages", "a.py"]) == 2
    assert "is a file whose name reads as an option" in capsys.readouterr().err


# --- the manifest and the core linter's imports ----------------------------------


def test_manifest_publishes_the_quality_hooks() -> None:
    import yaml

    hooks = {
        hook["id"]: hook
        for hook in yaml.safe_load((CHECKOUT / ".pre-commit-hooks.yaml").read_text())
    }
    assert hooks["black"]["entry"] == "black"
    assert hooks["black"]["types_or"] == ["python", "pyi"]
    assert hooks["isort"]["entry"] == "mldebt-isort"
    assert hooks["isort"]["types_or"] == ["cython", "pyi", "python"]
    assert hooks["isort"]["args"] == ["--filter-files", "--"]
    assert hooks["pydocstyle"]["types"] == ["python"]
    assert hooks["mypy"]["entry"] == "mldebt-mypy"
    assert hooks["mypy"]["types_or"] == ["python", "pyi"]
    assert hooks["check-ast"]["types"] == ["python"]
    for hook_id in ("black", "isort", "mypy"):
        assert hooks[hook_id]["require_serial"] is True
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["minimum_pre_commit_version"] == "3.2.0"
        # pre-commit appends the file names after the args: `--` keeps a file
        # named `-h` or `--config=x.py` from being read as an option.
        if hook.get("pass_filenames", True):
            assert hook["args"][-1] == "--", hook["id"]


def test_mldebt_check_imports_none_of_the_quality_tools(repo: Path) -> None:
    write(repo, "train.py", "import random\n\nrandom.seed(1)\nx = random.random()\n")
    probe = (
        "import sys\n"
        "from mldebt.cli import main\n"
        "main(['check', '--no-cache', 'train.py'])\n"
        "heavy = {'black', 'isort', 'mypy', 'pydocstyle', 'tomlkit', 'yaml'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "[]"
