"""What the randomness family records about every project file: its seeding calls.

A library module's draws are pinned when a program importing it seeds; the project
index keeps, for each file, the qualified names of the calls that look like seeding
(their last name mentions ``seed`` or ``determinism``) and are given a value that
does not change from run to run. Read from the raw text, without parsing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mldebt.engine.project import FactScanner

# Calls, with their (first line of) arguments.
_CALL = re.compile(r"(?<![\w.])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)[ \t]*\(([^\n]*)")
_COMMENT = re.compile(r"#[^\n]*")
# Seeds that change on every run do not pin anything (MLD103 reports them).
_ENTROPY = re.compile(r"\b(time|urandom|getpid|uuid\d?|secrets|hash|datetime|now)\b")


def seed_calls(
    text: str, aliases: Mapping[str, str], options: Mapping[str, Any]
) -> tuple[str, ...]:
    """Qualified names of the file's seeding-like calls (named like a seeder, or
    one of the family's ``seed-functions``) given a deterministic value;
    ``name()`` marks a call without arguments (a helper's default seed)."""
    configured = {name.rsplit(".", 1)[-1] for name in options.get("seed-functions", [])}
    words = ("seed", "determinism", *configured)
    if not any(word in text for word in words):
        return ()
    found: list[str] = []
    code = _COMMENT.sub("", text)  # a commented-out seed pins nothing
    for match in _CALL.finditer(code):
        dotted, arguments = match.group(1), match.group(2).strip()
        short = dotted.rsplit(".", 1)[-1]
        last = short.lower()
        if "seed" not in last and "determinism" not in last and short not in configured:
            continue
        if arguments.startswith("None") or _ENTROPY.search(arguments):
            continue
        head, _, rest = dotted.partition(".")
        qualified = aliases.get(head, head) + ("." + rest if rest else "")
        found.append(qualified + ("()" if arguments.startswith(")") else ""))
    return tuple(dict.fromkeys(found))


SEED_CALLS = FactScanner("seed-calls", 2, "unseeded-randomness", seed_calls)
