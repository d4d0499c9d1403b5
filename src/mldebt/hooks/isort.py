"""``isort``: sort imports the way black will leave them.

isort and black fight over imports unless isort uses black's profile *and* black's
line length. This hook runs isort with the settings of isort's ``black`` profile
and black's line length, read from the project's black settings (``[tool.black]``
in the ``pyproject.toml`` black itself would use; 88 when there is none), so
running black and isort in either order, any number of times, changes nothing
after the first run.

What wins: the wrapping settings that decide whether black accepts isort's output
come from black (``line_length``, ``multi_line_output``,
``include_trailing_comma``, ``force_grid_wrap``, ``use_parentheses``,
``ensure_newline_before_comments``, and ``split_on_trailing_comma`` unless black
skips magic trailing commas), given on isort's command line, where they override
any config file. Everything else in your isort config, including the other
settings of a ``profile`` you chose (sections, ``known_first_party``,
``force_single_line``, ``force_sort_within_sections``, ``skip``, ...), is used as
it is. Arguments given to the hook (``args:``) come last and so win over both.

Exit codes are isort's: 0 done (files may have been rewritten; pre-commit notices),
1 with ``--check-only`` and imports to sort, or on an isort error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from mldebt.hooks._argv import AmbiguousArgument, split_arguments
from mldebt.hooks._tool_config import BlackSettings, find_black_settings

PROG = "mldebt-isort"


def agreement_arguments(black: BlackSettings) -> list[str]:
    """The isort command-line settings that make its output black's output."""
    # The settings of isort's `black` profile, one by one: a `--profile` here
    # would also throw away the non-wrapping settings of the user's own profile.
    arguments = [
        f"--line-length={black.line_length}",
        "--multi-line=3",
        "--trailing-comma",
        "--force-grid-wrap=0",
        "--use-parentheses",
        "--ensure-newline-before-comments",
    ]
    if black.magic_trailing_comma:
        arguments.append("--split-on-trailing-comma")
    return arguments


def existing_paths(argv: Sequence[str]) -> list[str]:
    """The arguments that name existing files or folders.

    Black's settings are looked up from these; an option's value such as the
    ``build`` of ``--skip build`` counts only when such a path exists.
    """
    return [
        argument
        for argument in argv
        if not argument.startswith("-") and os.path.exists(argument)
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``mldebt-isort``; returns isort's exit code."""
    from isort.main import main as isort_main

    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        split = split_arguments(arguments)
    except AmbiguousArgument as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    files = [] if split.files is None else ["--", *split.files]
    black = find_black_settings(existing_paths(split.options) + (split.files or []))
    agreed = agreement_arguments(black) if arguments else []
    try:
        isort_main([*agreed, *split.options, *files])
    except SystemExit as exit_:
        if exit_.code is None or isinstance(exit_.code, int):
            return exit_.code or 0
        print(f"{PROG}: {exit_.code}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
