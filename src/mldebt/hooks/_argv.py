"""Keep file names apart from options: a file named ``-h`` is a file, never a flag.

pre-commit runs a hook as ``entry + args + file names``. A staged file named ``-h``,
``--max-kb=99999999`` or ``--config=cfg.py`` would otherwise be read as an option
and switch the check off. So each manifest entry's ``args`` end with ``--``, and a
hook reads every argument after the first ``--`` as a file name.

A user's ``args:`` replaces the manifest's. When they leave out the ``--``, an
argument that looks like an option but names an existing file is refused instead
of guessed at: the hook fails and says to end ``args:`` with ``--``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from dataclasses import dataclass

END_OF_OPTIONS = "--"


class AmbiguousArgument(Exception):
    """An option-like argument that is also a file, with no ``--`` to tell them apart."""


@dataclass(frozen=True)
class SplitArguments:
    """A hook's arguments: those before the first ``--``, and the files after it.

    ``files`` is None when there is no ``--``: then ``options`` holds everything,
    options and file names mixed, as the user typed them.
    """

    options: list[str]
    files: list[str] | None


def option_like_files(arguments: Sequence[str]) -> list[str]:
    """The arguments that start with ``-`` and name an existing path."""
    return [
        argument
        for argument in arguments
        if argument.startswith("-") and argument != "-" and os.path.lexists(argument)
    ]


def ambiguity_message(argument: str) -> str:
    """What to do about a file whose name reads as an option."""
    return (
        f"{argument!r} is a file whose name reads as an option; put '--' before "
        "the file names (under pre-commit: end the hook's args: with '--')"
    )


def split_arguments(arguments: Sequence[str]) -> SplitArguments:
    """Split at the first ``--``; without one, refuse option-like file names.

    Raises
    ------
    AmbiguousArgument
        When there is no ``--`` and an argument starting with ``-`` names an
        existing file, so that it cannot be told apart from an option.
    """
    arguments = list(arguments)
    if END_OF_OPTIONS in arguments:
        index = arguments.index(END_OF_OPTIONS)
        return SplitArguments(arguments[:index], arguments[index + 1 :])
    ambiguous = option_like_files(arguments)
    if ambiguous:
        raise AmbiguousArgument(ambiguity_message(ambiguous[0]))
    return SplitArguments(arguments, None)


def parse_hook_arguments(
    parser: argparse.ArgumentParser, arguments: Sequence[str], files_dest: str
) -> argparse.Namespace:
    """Parse a hook's options; every argument after ``--`` joins ``files_dest``.

    Exits through ``parser.error`` (status 2) on a file name that reads as an
    option and has no ``--`` before it.
    """
    try:
        split = split_arguments(arguments)
    except AmbiguousArgument as error:
        parser.error(str(error))
    namespace = parser.parse_args(split.options)
    if split.files is not None:
        given = getattr(namespace, files_dest) or []
        setattr(namespace, files_dest, [*given, *split.files])
    return namespace
