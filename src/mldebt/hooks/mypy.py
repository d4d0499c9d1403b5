"""``mypy``: type-check against the project's own virtualenv.

pre-commit runs every hook in an isolated environment, where mypy cannot see the
project's dependencies: numpy, pandas or torch types do not resolve, and the usual
cure (``--ignore-missing-imports``) hides the problem. This hook finds the
project's interpreter and runs mypy with ``--python-executable`` pointing at it, so
mypy reads that interpreter's installed packages. It looks, in order, for

1. ``--python-executable`` given to the hook (``args:``), used as it is;
2. ``python_executable`` in your mypy config, which mypy then uses itself;
3. an active virtualenv: ``$VIRTUAL_ENV``, or, under pre-commit (which sets
   ``$VIRTUAL_ENV`` to its own hook environment), the virtualenv whose ``bin``
   folder comes first on ``$PATH``;
4. ``.venv/`` or ``venv/`` in the current folder or a parent, up to the
   repository root;
5. ``$CONDA_PREFIX``, an active conda environment.

When none is found it says so in one line and runs mypy with
``--ignore-missing-imports``.

Exit codes are mypy's: 0 no errors, 1 type errors, 2 a usage or config error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from mldebt.hooks._argv import AmbiguousArgument, split_arguments
from mldebt.hooks._tool_config import find_section, folders_up_to_repository_root

PROG = "mldebt-mypy"
VENV_FOLDERS = (".venv", "venv")
# mypy's own search order for its config file in a folder.
MYPY_CONFIG_FILES = ("mypy.ini", ".mypy.ini", "pyproject.toml", "setup.cfg")
FALLBACK = "--ignore-missing-imports"


@dataclass(frozen=True)
class Interpreter:
    """The project's Python for mypy, and how it was found (for the message)."""

    executable: str
    found_by: str


def venv_python(venv: Path) -> Path | None:
    """The interpreter of the virtualenv or conda environment at ``venv``."""
    for relative in ("bin/python", "Scripts/python.exe", "python.exe"):
        candidate = venv / relative
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _is_hook_env(folder: Path, hook_env: Path | None) -> bool:
    """Whether ``folder`` is pre-commit's environment for this hook."""
    if hook_env is None:
        return False
    try:
        return folder.resolve() == hook_env.resolve()
    except OSError:
        return False


def active_virtualenv(environ: Mapping[str, str], hook_env: Path | None) -> Path | None:
    """The virtualenv the user activated, if any, other than the hook's own.

    pre-commit sets ``$VIRTUAL_ENV`` to the hook's environment (``hook_env``);
    the user's activated virtualenv is then the first other virtualenv whose
    ``bin`` (or ``Scripts``) folder is on ``$PATH``.
    """
    declared = environ.get("VIRTUAL_ENV")
    if declared and not _is_hook_env(Path(declared), hook_env):
        return Path(declared)
    for entry in environ.get("PATH", "").split(os.pathsep):
        if not entry:
            continue
        folder = Path(entry)
        if folder.name not in ("bin", "Scripts"):
            continue
        venv = folder.parent
        if (venv / "pyvenv.cfg").is_file() and not _is_hook_env(venv, hook_env):
            return venv
    return None


def configured_python_executable(arguments: Sequence[str]) -> str | None:
    """``python_executable`` from the mypy config this run will read, if set."""
    config_file = None
    for index, argument in enumerate(arguments):
        if argument == "--config-file" and index + 1 < len(arguments):
            config_file = arguments[index + 1]
        elif argument.startswith("--config-file="):
            config_file = argument.split("=", 1)[1]
    if config_file is not None:
        path = Path(config_file)
        found = find_section(path.parent, (path.name,), ("mypy",), "mypy")
    else:
        found = find_section(Path.cwd(), MYPY_CONFIG_FILES, ("mypy",), "mypy")
    if found is None:
        return None
    value = found.values.get("python_executable")
    return str(value) if value else None


def find_interpreter(
    environ: Mapping[str, str], cwd: Path, hook_env: Path | None
) -> Interpreter | None:
    """The project's interpreter for mypy, or None when there is none to find.

    ``hook_env`` is pre-commit's environment for this hook (None when not run by
    pre-commit): it holds mldebt and mypy, not the project's dependencies, so it
    never counts.
    """
    active = active_virtualenv(environ, hook_env)
    if active is not None:
        python = venv_python(active)
        if python is not None:
            return Interpreter(str(python), "the active virtualenv")
    for folder in folders_up_to_repository_root(cwd):
        for name in VENV_FOLDERS:
            python = venv_python(folder / name)
            if python is not None and not _is_hook_env(folder / name, hook_env):
                return Interpreter(str(python), f"the project's {name}/")
    conda = environ.get("CONDA_PREFIX")
    if conda and not _is_hook_env(Path(conda), hook_env):
        python = venv_python(Path(conda))
        if python is not None:
            return Interpreter(str(python), "the active conda environment")
    return None


def names_python_executable(arguments: Sequence[str]) -> bool:
    """Whether the hook's arguments already choose the interpreter."""
    return any(
        argument.split("=", 1)[0] in ("--python-executable", "--no-site-packages")
        for argument in arguments
    )


def mypy_arguments(
    arguments: Sequence[str],
) -> tuple[list[str], Interpreter | None, str | None]:
    """The arguments to run mypy with, the interpreter found, and a note, if any.

    The note is one line for the user when no interpreter was found. Only the
    arguments before a ``--`` are options; the file names after it are never read
    as ``--python-executable`` or ``--config-file``.

    Raises
    ------
    AmbiguousArgument
        When there is no ``--`` and a file name reads as an option.
    """
    split = split_arguments(arguments)
    options = split.options
    if names_python_executable(options) or configured_python_executable(options):
        return list(arguments), None, None
    # pre-commit sets PRE_COMMIT=1; run by hand, mldebt may well be installed in
    # the project's own virtualenv, which then counts.
    hook_env = Path(sys.prefix) if os.environ.get("PRE_COMMIT") else None
    interpreter = find_interpreter(os.environ, Path.cwd(), hook_env)
    if interpreter is None:
        note = (
            f"{PROG}: no project virtualenv found ($VIRTUAL_ENV, .venv/, venv/); "
            f"third-party imports are not checked ({FALLBACK}); "
            "pass --python-executable to choose one"
        )
        return [FALLBACK, *arguments], None, note
    full = ["--python-executable", interpreter.executable, *arguments]
    return full, interpreter, None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``mldebt-mypy``; returns mypy's exit code."""
    from mypy import api

    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        full_arguments, interpreter, note = mypy_arguments(arguments)
    except AmbiguousArgument as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    if note is not None:
        print(note, file=sys.stderr)
    stdout, stderr, status = api.run(full_arguments)
    sys.stdout.write(stdout)
    sys.stderr.write(stderr)
    if status != 0 and interpreter is not None:
        # Shown only when mypy fails, to explain what it could and could not see.
        print(
            f"{PROG}: checked against the packages of {interpreter.executable} "
            f"({interpreter.found_by})",
            file=sys.stderr,
        )
    return status


if __name__ == "__main__":
    raise SystemExit(main())
