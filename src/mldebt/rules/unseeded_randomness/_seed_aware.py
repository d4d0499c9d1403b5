"""Program or library module: the base of the randomness rules that judge a draw
by what the file, or the programs importing it, seed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import libcst as cst

from mldebt.engine.helpers import matches_path_globs
from mldebt.engine.project import importing_programs
from mldebt.engine.rule import Rule
from mldebt.engine.traversal import FileContext
from mldebt.rules.unseeded_randomness._fix_seed import seed_in_scope
from mldebt.rules.unseeded_randomness._project_seeds import SEED_CALLS
from mldebt.rules.unseeded_randomness._seeding import (
    SeedTracker,
    families_seeded_by_names,
    names_none,
)
from mldebt.rules.unseeded_randomness.api import NUMPY, RANDOM, TENSORFLOW, TORCH

FAMILY_LABEL = {
    NUMPY: "numpy's global RNG",
    RANDOM: "the `random` module's global RNG",
    TORCH: "torch's global RNG",
    TENSORFLOW: "TensorFlow's global seed",
}

NO_IMPORTER = "no program importing this module seeds"

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SeedAwareRule(Rule):
    """Base of the rules that need to know what the file seeds (not a rule itself).

    It feeds a ``SeedTracker`` from the traversal; subclasses extend ``visit_Call``.
    Subclasses that judge library modules by their importers set ``uses_project``;
    the project index then records every file's seeding calls for them.
    """

    project_facts = (SEED_CALLS,)

    def on_begin_file(self) -> None:
        """Use the file's tracker: one for all the rules that see seeds alike."""
        seed_functions: list[str] = self.option("seed-functions")
        trust: bool = self.option("trust-seed-like-names")
        key = ("seed-tracker", frozenset(seed_functions), trust)
        self.seeds = self.ctx.file_fact(
            key, lambda: SeedTracker(self.ctx, frozenset(seed_functions), trust)
        )

    def visit_If(self, node: cst.If) -> None:
        """Feed the tracker."""
        self.seeds.visit_if(node)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        """Feed the tracker."""
        self.seeds.visit_line(node)

    def visit_Call(self, node: cst.Call) -> None:
        """Feed the tracker, then let the rule look at the call."""
        self.check_call(node, self.seeds.visit_call(node))

    def check_call(self, node: cst.Call, qualname: str | None) -> None:
        """What the rule does with each call (``qualname`` is resolved already)."""

    def is_program(self, module_level_draws: bool) -> bool:
        """Whether the file is judged on its own seeding: it has a ``__main__``
        block, draws at module level, is a notebook, matches ``entrypoints``, or
        the ``check-library-modules`` option says to judge every module alone."""
        return (
            self.seeds.is_program
            or module_level_draws
            or self.ctx.notebook is not None
            or self.option("check-library-modules")
            or matches_path_globs(self.ctx.relative_path, self.option("entrypoints"))
        )

    def seeded_by_importers(self) -> frozenset[str]:
        """RNG families that some program importing this library module (directly
        or through other project modules) seeds."""
        index = self.ctx.project_index()
        if index is None:
            return frozenset()
        patterns: list[str] = self.option("entrypoints")
        entrypoints = [
            path for path in index.modules if matches_path_globs(path, patterns)
        ]
        calls = [
            call
            for program in importing_programs(index, self.ctx.path, entrypoints)
            for call in program.fact(SEED_CALLS)
        ]
        return families_seeded_by_names(
            calls, self.seeds.seed_functions, self.seeds.trust_seed_like_names
        )

    def seed_here(self, for_generator: bool = False) -> str | None:
        """The seed a fix at the current point of the walk writes: a seed the
        enclosing function or method has (``seed_in_scope``), else the ``seed``
        option, else a deterministic ``SEED`` bound here, else ``0``; None when
        the option names something the module does not define. ``for_generator``:
        the seed goes to ``manual_seed``, which does not take None."""
        in_scope = seed_in_scope(self.ctx.names, self.seeds, for_generator)
        if in_scope is not None:
            return in_scope
        bound = self.ctx.names.lookup("SEED") is not None
        return self.seed_code(
            lambda name: self.ctx.names.lookup(name) is not None, bound
        )

    def seed_code(
        self, is_defined: Callable[[str], bool], seed_defined: bool, fallback: str = "0"
    ) -> str | None:
        """The ``seed`` option as code (an integer, or a name ``is_defined``
        accepts; None for any other name); unset: ``SEED`` when ``seed_defined``
        and it is deterministic, else ``fallback``."""
        configured = self.option("seed")
        if isinstance(configured, int) and not isinstance(configured, bool):
            return str(configured)
        if configured:
            if re.fullmatch(r"-?[0-9]+", configured, re.ASCII):
                return str(int(configured))
            if _IDENTIFIER.match(configured) and is_defined(configured):
                return str(configured)
            return None  # a name the module does not define: no fix
        seed = cst.Name("SEED")
        if seed_defined and self.seeds.entropy_source(seed) is None:
            if not names_none(self.ctx, seed):
                return "SEED"
        return fallback


def literal_value(node: cst.BaseExpression) -> object:
    """The value of a literal ``True``/``False``/string/number, or a sentinel."""
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value
    if isinstance(node, cst.Integer):
        return int(node.value)
    return UNKNOWN


UNKNOWN = object()


def receiver_origin(
    ctx: FileContext, node: cst.BaseExpression, depth: int = 3
) -> str | None:
    """The qualified name of the call a method's receiver comes from:
    ``load_dataset(...)["train"]`` -> ``datasets.load_dataset``; a name is followed
    to the value it was assigned, ``depth`` levels deep."""
    while True:
        if isinstance(node, cst.Subscript):
            node = node.value
        elif isinstance(node, cst.Call):
            name = ctx.qualified_name(node.func)
            if name is not None:
                return name
            if not isinstance(node.func, cst.Attribute):
                return None
            node = node.func.value
        elif isinstance(node, cst.Attribute):
            node = node.value
        elif isinstance(node, cst.Name) and depth > 0:
            binding = ctx.names.lookup(node.value)
            if binding is None or binding.value is None:
                return None
            node, depth = binding.value, depth - 1
        else:
            return None


def keyword_names(node: cst.Call) -> set[str]:
    return {arg.keyword.value for arg in node.args if arg.keyword is not None}
