"""What the randomness family records about every project file.

A library module's draws are pinned when a program importing it seeds; the project
index keeps, for each file:

- ``seed-calls``: the qualified names of the calls that look like seeding (a
  library seeder of ``api.SEEDERS``, a last name that mentions ``seed`` or
  ``determinism``, or a configured ``seed-functions`` name) given a value that
  does not change from run to run;
- ``program-role``: whether its ``__main__`` block makes it a program (see
  ``_programs.py``);
- ``helper-seeds``: for each top-level function whose body seeds, or that is named
  like a seeder, ``name=`` and the calls its body makes that seed (``;``-separated),
  so a call of the helper is credited with exactly what its body seeds.

Read from the raw text, without parsing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mldebt.engine.project import FactScanner
from mldebt.rules.unseeded_randomness._programs import (
    TOP_DEF,
    indented_block,
    program_role,
)

# Calls, with their (first line of) arguments.
_CALL = re.compile(r"(?<![\w.])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)[ \t]*\(([^\n]*)")
_COMMENT = re.compile(r"#[^\n]*")
# Seeds that change on every run do not pin anything (MLD103 reports them).
_ENTROPY = re.compile(r"\b(time|urandom|getpid|uuid\d?|secrets|hash|datetime|now)\b")
# Functions named like a seeding helper: set_seed, seed_everything, setup_seed,
# same_seeds, seed_torch, set_determinism, seed_all_rng, fix_seed ...
SEED_LIKE = re.compile(r"(^|_)(seeds?|determinism)(_|$)", re.IGNORECASE)


def seed_calls(
    text: str, aliases: Mapping[str, str], options: Mapping[str, Any]
) -> tuple[str, ...]:
    """Qualified names of the file's seeding-like calls (named like a seeder, or
    one of the family's ``seed-functions``) given a deterministic value;
    ``name()`` marks a call without arguments (a helper's default seed)."""
    configured = {name.rsplit(".", 1)[-1] for name in options.get("seed-functions", [])}
    words = ("seed", "determinism", "reproducib", *configured)
    if not any(word in text for word in words):
        return ()
    # imported here: a run whose files are all cached never loads the rules' tables
    from mldebt.rules.unseeded_randomness.api import SEEDERS

    found: list[str] = []
    code = _COMMENT.sub("", text)  # a commented-out seed pins nothing
    for match in _CALL.finditer(code):
        dotted, arguments = match.group(1), match.group(2).strip()
        head, _, rest = dotted.partition(".")
        qualified = aliases.get(head, head) + ("." + rest if rest else "")
        short = dotted.rsplit(".", 1)[-1]
        last = short.lower()
        if (
            "seed" not in last
            and "determinism" not in last
            and short not in configured
            and qualified not in SEEDERS
        ):
            continue
        if code.endswith("def ", 0, match.start()):
            continue  # the helper's own definition, not a call
        if arguments.startswith("None") or _ENTROPY.search(arguments):
            continue
        found.append(qualified + ("()" if arguments.startswith(")") else ""))
    return tuple(dict.fromkeys(found))


def helper_seeds(
    text: str, aliases: Mapping[str, str], options: Mapping[str, Any]
) -> tuple[str, ...]:
    """``name=call;call`` for each top-level function that seeds in its body or is
    named like a seeder (an empty list: it seeds nothing)."""
    configured = {name.rsplit(".", 1)[-1] for name in options.get("seed-functions", [])}
    matches = list(TOP_DEF.finditer(text))
    found: list[str] = []
    for index, match in enumerate(matches):
        name = match.group(1)
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        first, _, rest = text[match.end() : end].partition("\n")
        body = first + "\n" + indented_block(rest)
        calls = seed_calls(body, aliases, options)
        if calls or SEED_LIKE.search(name) or name in configured:
            found.append(f"{name}={';'.join(calls)}")
    return tuple(found)


def role(
    text: str, aliases: Mapping[str, str], options: Mapping[str, Any]
) -> tuple[str, ...]:
    """``(program_role(text),)``."""
    return (program_role(text),)


SEED_CALLS = FactScanner("seed-calls", 4, "unseeded-randomness", seed_calls)
PROGRAM_ROLE = FactScanner("program-role", 2, "unseeded-randomness", role)
HELPER_SEEDS = FactScanner("helper-seeds", 1, "unseeded-randomness", helper_seeds)
