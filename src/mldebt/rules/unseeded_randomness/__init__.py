"""Unseeded randomness (MLD1xx): randomness the program does not pin.

Randomness is judged the way it runs. A program (a file whose
``if __name__ == "__main__":`` block runs the program's work, a run script, a
notebook, or a path matching ``entrypoints``) must seed each generator it draws
from before the draw runs. A library module is pinned when a program of the
project that imports it, directly or through other modules, seeds that generator;
it is reported only when such programs exist and none seeds. Off in test files.
"""

from __future__ import annotations

from mldebt.engine.options import Option

# For rule writers: the seed tracking is ``_seeding.py``, the program/library
# judgement ``_seed_aware.py``, the random APIs (as data) ``api.py``.


TITLE = "Randomness the program does not pin"

# Tests draw random inputs on purpose, and the test runner, not a program of the
# project, runs them: the family is off in test files unless a project turns it on.
OFF_IN_TESTS = True

SEED_FUNCTIONS_OPTION = Option(
    "seed-functions",
    list,
    ["set_seed", "seed_everything", "set_random_seed", "seed_all"],
    "Qualified or bare names of functions that seed when called with a seed (e.g. "
    "`myproject.utils.seed_all`); bare names match any call of that name. One the "
    "project defines counts for what its body seeds; others seed every RNG.",
)

ENTRYPOINTS_OPTION = Option(
    "entrypoints",
    list,
    ["train.py", "main.py", "run_*.py"],
    "Globs (on the path relative to the config's folder, or the file name) "
    "of programs checked even without a `__main__` block.",
)

TRUST_OPTION = Option(
    "trust-seed-like-names",
    bool,
    True,
    "Count calls to imported functions named like `set_seed`, `seed_everything` "
    "or `setup_seed` as seeding every RNG.",
)

SEED_OPTION = Option(
    "seed",
    (int, str),
    "",
    "The seed the fix writes: an integer or the name of a module-level "
    "constant. Empty: a deterministic module-level `SEED` defined before it if "
    "there is one, else `0`.",
)

LIBRARY_OPTION = Option(
    "check-library-modules",
    bool,
    False,
    "Judge every module on its own seeding, as if it were a program, instead of "
    "by the programs of the project that import it (a module no program of the "
    "project imports is then reported too).",
)

# Read by every rule of the family and by its project index.
OPTIONS = (
    SEED_FUNCTIONS_OPTION,
    ENTRYPOINTS_OPTION,
    TRUST_OPTION,
    SEED_OPTION,
    LIBRARY_OPTION,
)
