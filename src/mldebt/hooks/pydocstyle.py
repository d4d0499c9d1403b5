"""``pydocstyle``: check docstrings against one convention, ``numpy`` unless told.

pydocstyle alone checks the ``pep257`` set, which no project follows exactly. This
hook runs it with a convention: the one your pydocstyle config names
(``convention``, or your own ``select``/``ignore``, in ``[tool.pydocstyle]`` or any
file pydocstyle reads), else ``--convention`` given to the hook, else ``numpy``.
``--convention`` given to the hook wins over the config, as a pydocstyle flag does.
When the convention comes from here, the config's ``add-select``/``add-ignore``
are passed along so they still apply.

pydocstyle is archived upstream (PyCQA/pydocstyle, November 2023, in favour of
Ruff's ``D`` rules): it gets no fixes any more. Turn the hook off by removing its
``- id: pydocstyle`` line.

Exit codes are pydocstyle's: 0 no violations, 1 violations, 2 invalid options.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from mldebt.hooks._argv import AmbiguousArgument, split_arguments
from mldebt.hooks._tool_config import SectionFound, common_base, find_section

PROG = "mldebt-pydocstyle"
DEFAULT_CONVENTION = "numpy"
CONVENTIONS = ("pep257", "numpy", "google")
# pydocstyle's own search order for its config files within a folder.
CONFIG_FILES = (
    "setup.cfg",
    "tox.ini",
    ".pydocstyle",
    ".pydocstyle.ini",
    ".pydocstylerc",
    ".pydocstylerc.ini",
    "pyproject.toml",
    ".pep257",
)
SELECTION_KEYS = ("convention", "select", "ignore")


def find_config(paths: Sequence[str]) -> SectionFound | None:
    """The pydocstyle section that applies to ``paths``, as pydocstyle finds it."""
    return find_section(
        common_base(paths), CONFIG_FILES, ("pydocstyle", "pep257"), "pydocstyle"
    )


def _option(values: dict[str, object], name: str) -> object:
    """A config value by its dashed or underscored name."""
    for key in (name, name.replace("-", "_")):
        if key in values:
            return values[key]
    return None


def _as_codes(value: object) -> str:
    """A config value that lists codes (a TOML list or a comma-separated string)."""
    if isinstance(value, (list, tuple)):
        return ",".join(str(part).strip() for part in value)
    return ",".join(part.strip() for part in str(value).split(",") if part.strip())


def pydocstyle_arguments(
    convention: str | None, config: SectionFound | None
) -> list[str]:
    """The selection arguments to give pydocstyle, given the hook's and config's.

    The config's own selection stands unless the hook was given ``--convention``.
    Otherwise a command-line convention replaces the config's selection, and with
    it the config's ``add-select``/``add-ignore``, so those are passed on too.
    """
    values = config.values if config is not None else {}
    if convention is None and any(key in values for key in SELECTION_KEYS):
        return []
    arguments = [f"--convention={convention or DEFAULT_CONVENTION}"]
    for name in ("add-select", "add-ignore"):
        value = _option(values, name)
        if value is not None and _as_codes(value):
            arguments.append(f"--{name}={_as_codes(value)}")
    return arguments


def build_parser() -> argparse.ArgumentParser:
    """The options this hook reads itself; the rest go to pydocstyle."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        allow_abbrev=False,
        description="Run pydocstyle with a docstring convention "
        f"(default: {DEFAULT_CONVENTION}, or the one your pydocstyle config sets). "
        "Other options are passed to pydocstyle.",
    )
    parser.add_argument(
        "--convention",
        choices=CONVENTIONS,
        help="the convention to check (wins over the config's selection)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``mldebt-pydocstyle``; returns pydocstyle's exit code."""
    parser = build_parser()
    try:
        try:
            split = split_arguments(sys.argv[1:] if argv is None else argv)
        except AmbiguousArgument as error:
            parser.error(str(error))
        args, rest = parser.parse_known_args(split.options)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    files = [] if split.files is None else ["--", *split.files]
    paths = [
        argument
        for argument in rest
        if not argument.startswith("-") and Path(argument).exists()
    ] + (split.files or [])
    if args.convention is None and any(
        argument.split("=", 1)[0] in ("--select", "--ignore") for argument in rest
    ):
        selection = []  # the hook's args choose the codes themselves
    else:
        selection = pydocstyle_arguments(args.convention, find_config(paths))
    sys.stdout.flush()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pydocstyle", *selection, *rest, *files],
            check=False,
        )
    except OSError as error:
        print(f"{PROG}: error: cannot run pydocstyle: {error}", file=sys.stderr)
        return 2
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
