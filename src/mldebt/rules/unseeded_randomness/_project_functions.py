"""Project functions that mirror seeded APIs: ``def split(X, y, random_state=None)``.

A module-level function that takes a seed-like parameter defaulting to None and
draws randomness in its body is, to its callers, one more ``train_test_split``:
called without the seed it gives another result on every run. The project index
records these functions for every file (``name:parameter:position``, the position
empty for a keyword-only parameter), read from the raw text without parsing, so a
caller is judged when pre-commit passes only the caller.

"Draws randomness": the body calls a global-RNG API (``np.random.*``, ``random.*``,
``torch.rand*``, ...), builds a generator from the parameter
(``np.random.default_rng(seed)``, ``check_random_state(random_state)``), or forwards
the parameter to a randomised library call (``RandomForestClassifier(...,
random_state=random_state)``, ``df.sample(..., random_state=random_state)``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mldebt.engine.project import FactScanner

SEED_PARAMETERS = ("seed", "random_state", "rng", "random_seed")

_DEF = re.compile(r"^(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)[ \t]*\(", re.MULTILINE)
# A line that starts at column 0 with code ends the function before it.
_TOP_LEVEL_LINE = re.compile(r"\n(?=[^\s#)\]])")
_CALL = re.compile(r"(?<![\w.])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)[ \t]*\(")
_COMMENT = re.compile(r"#[^\n]*")
_PARAMETER = re.compile(r"^([A-Za-z_]\w*)\s*(?::[^=]*)?=\s*None$", re.DOTALL)
_OPENING, _CLOSING = "([{", ")]}"
# Methods that take the seed under these keywords: pandas' `.sample`, `datasets`'
# `.shuffle`/`.train_test_split`.
_SEEDED_METHODS = frozenset({"sample", "shuffle", "train_test_split"})


def _balanced(text: str, start: int) -> int:
    """The index of the bracket closing the one just before ``start`` (or the
    end of ``text``)."""
    depth = 1
    for index in range(start, len(text)):
        char = text[index]
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth -= 1
            if depth == 0:
                return index
    return len(text)


def _split_top_level(text: str) -> list[str]:
    parts: list[str] = []
    depth, begin = 0, 0
    for index, char in enumerate(text):
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[begin:index])
            begin = index + 1
    parts.append(text[begin:])
    return [part.strip() for part in parts if part.strip()]


def _seed_parameter(signature: str) -> tuple[str, str] | None:
    """The first seed-like parameter defaulting to None, with its position (empty
    when keyword-only)."""
    position, keyword_only = 0, False
    for part in _split_top_level(signature):
        if part == "/":
            continue
        if part.startswith("**"):
            continue
        if part.startswith("*"):
            keyword_only = True
            continue
        match = _PARAMETER.match(part)
        if match is not None and match.group(1) in SEED_PARAMETERS:
            return match.group(1), "" if keyword_only else str(position)
        position += 1
    return None


def _is_random_library_call(qualname: str) -> bool:
    """Whether a call takes a seed that decides its result (sklearn's randomised
    estimators, imbalanced-learn, Optuna, ...)."""
    # Imported when a file is scanned: a run of cache hits loads the scanners
    # without the family's modules.
    from mldebt.rules.unseeded_randomness.api import (
        OTHER_RANDOM_STATE,
        OWN_SEED_CALLS,
        RNG_CONSTRUCTORS,
        SKLEARN_ALWAYS_RANDOM,
        SKLEARN_RANDOM_WHEN,
    )

    if qualname in OWN_SEED_CALLS or qualname in RNG_CONSTRUCTORS:
        return True
    parts = qualname.split(".")
    if parts[0] == "sklearn":
        return parts[-1] in SKLEARN_ALWAYS_RANDOM or parts[-1] in SKLEARN_RANDOM_WHEN
    return any(
        qualname.startswith(prefix) and parts[-1] in names
        for prefix, names in OTHER_RANDOM_STATE.items()
    )


def _draws(body: str, parameter: str, aliases: Mapping[str, str]) -> bool:
    """Whether ``body`` draws randomness, or turns ``parameter`` into a generator
    or seed of a randomised call."""
    from mldebt.rules.unseeded_randomness.api import GLOBAL_RNG_CALLS  # as above

    forwarded = re.compile(
        rf"(?:^|[(,])\s*(?:(?:{'|'.join(SEED_PARAMETERS)}|generator)\s*=\s*)?"
        rf"{re.escape(parameter)}\s*(?:[,)]|$)"
    )
    for match in _CALL.finditer(body):
        dotted = match.group(1)
        head, _, rest = dotted.partition(".")
        qualified = aliases.get(head)
        if qualified is None:
            if rest.rsplit(".", 1)[-1] not in _SEEDED_METHODS:
                continue  # not imported: a local function or an object's method
            qualified = dotted
        else:
            qualified += "." + rest if rest else ""
        if qualified in GLOBAL_RNG_CALLS:
            return True
        short = qualified.rsplit(".", 1)[-1]
        if (
            _is_random_library_call(qualified)
            or short == "check_random_state"
            or short in _SEEDED_METHODS
        ):
            arguments = body[match.end() - 1 : _balanced(body, match.end()) + 1]
            if forwarded.search(arguments):
                return True
    return False


def seeded_functions(
    text: str, aliases: Mapping[str, str], options: Mapping[str, Any]
) -> tuple[str, ...]:
    """``name:parameter:position`` for each module-level function of ``text``
    that takes a seed-like parameter defaulting to None and draws randomness."""
    if not any(parameter in text for parameter in SEED_PARAMETERS):
        return ()
    code = _COMMENT.sub("", text)
    found: list[str] = []
    for match in _DEF.finditer(code):
        close = _balanced(code, match.end())
        seed = _seed_parameter(code[match.end() : close])
        if seed is None:
            continue
        end = _TOP_LEVEL_LINE.search(code, close)
        body = code[close : end.start() if end is not None else len(code)]
        if _draws(body, seed[0], aliases):
            found.append(f"{match.group(1)}:{seed[0]}:{seed[1]}")
    return tuple(found)


def parse_fact(fact: str) -> tuple[str, str, int | None]:
    """``name:parameter:position`` -> (name, parameter, position or None)."""
    name, parameter, position = fact.split(":")
    return name, parameter, int(position) if position else None


SEEDED_FUNCTIONS = FactScanner(
    "seeded-functions", 1, "unseeded-randomness", seeded_functions
)
