"""Program or library module: the base of the randomness rules that judge a draw
by what the file, or the programs importing it, seed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import libcst as cst

from mldebt.engine.helpers import matches_path_globs
from mldebt.engine.project import ModuleInfo, importing_programs
from mldebt.engine.rule import Rule
from mldebt.engine.traversal import FileContext
from mldebt.rules.unseeded_randomness._fix_seed import seed_in_scope
from mldebt.rules.unseeded_randomness._programs import DEMO, PROGRAM
from mldebt.rules.unseeded_randomness._project_seeds import (
    HELPER_SEEDS,
    PROGRAM_ROLE,
    SEED_CALLS,
)
from mldebt.rules.unseeded_randomness._seeding import (
    SeedTracker,
    Site,
    families_seeded_by_names,
    helper_body,
    names_none,
)
from mldebt.rules.unseeded_randomness.api import NUMPY, RANDOM, TENSORFLOW, TORCH

FAMILY_LABEL = {
    NUMPY: "numpy's global RNG",
    RANDOM: "the `random` module's global RNG",
    TORCH: "torch's global RNG",
    TENSORFLOW: "TensorFlow's global seed",
}


@dataclass(frozen=True)
class _Importers:
    families: frozenset[str]  # seeded by at least one of them
    programs: tuple[str, ...]  # their paths, relative to the project's root


def runs_as_program(info: ModuleInfo) -> bool:
    """Whether an indexed file runs as a program: a notebook, or a ``__main__``
    block that is not a demo of the module's classes."""
    if info.path.endswith(".ipynb"):
        return True
    role = info.fact(PROGRAM_ROLE)
    return role[0] == PROGRAM if role else info.has_main_guard


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SeedAwareRule(Rule):
    """Base of the rules that need to know what the file seeds (not a rule itself).

    It feeds a ``SeedTracker`` from the traversal; subclasses extend ``visit_Call``.
    Subclasses that judge library modules by their importers set ``uses_project``;
    the project index then records every file's seeding calls for them.
    """

    project_facts = (SEED_CALLS, PROGRAM_ROLE, HELPER_SEEDS)

    def on_begin_file(self) -> None:
        """Use the file's tracker: one for all the rules that see seeds alike."""
        seed_functions: list[str] = self.option("seed-functions")
        trust: bool = self.option("trust-seed-like-names")
        key = ("seed-tracker", frozenset(seed_functions), trust)
        self.seeds = self.ctx.file_fact(
            key, lambda: SeedTracker(self.ctx, frozenset(seed_functions), trust)
        )

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        """Feed the tracker."""
        self.seeds.visit_line(node)

    def visit_Call(self, node: cst.Call) -> None:
        """Feed the tracker, then let the rule look at the call."""
        self.check_call(node, self.seeds.visit_call(node))

    def check_call(self, node: cst.Call, qualname: str | None) -> None:
        """What the rule does with each call (``qualname`` is resolved already)."""

    def is_program(self, module_level_draws: bool) -> bool:
        """Whether the file is judged on its own seeding: its ``__main__`` block
        runs a program (not a demo of its classes), it draws at module level, is a
        notebook, matches ``entrypoints``, or the ``check-library-modules`` option
        says to judge every module alone."""
        return (
            self.seeds.is_program
            or module_level_draws
            or self.ctx.notebook is not None
            or self.option("check-library-modules")
            or matches_path_globs(self.ctx.relative_path, self.option("entrypoints"))
        )

    def start_judging(self, sites: Iterable[Site]) -> None:
        """Decide, once per file, whether it is a program (``sites`` are where the
        rule's draws are: one at module level, or in a function that module-level
        code calls, makes a run script of it) before asking ``unpinned``."""
        seeds = self.seeds
        self._alone = self.is_program(
            any(
                site.module_level
                or (site.function is not None and seeds.first_reach(site.function))
                for site in sites
            )
        )
        self._importers: _Importers | None = None

    def unpinned(self, family: str, site: Site) -> str | None:
        """None when a seed of ``family`` runs before a draw at ``site``; else who
        fails to seed it, as the end of "..., which {who}"."""
        seeds = self.seeds
        if seeds.seeded_for(family, site):
            return None
        if site.in_main and seeds.role == DEMO:
            return None  # a demo of the module's classes, not a run of the program
        if self._alone:
            who = "this program never seeds"
            late = seeds.late_seed(family)
            others = seeds.other_seeds(family)
            if late is not None:
                who = f"this program only seeds after this draw runs (`{late}`)"
            elif others:
                listed = ", ".join(f"`{name}`" for name in others[:2])
                who += (
                    f" ({listed} pin{'s' if len(others) == 1 else ''} other generators)"
                )
            return who
        importers = self._importing()
        if family in importers.families or not importers.programs:
            return None  # no program of this project runs it unseeded
        return (
            f"`{importers.programs[0]}`, a program importing this module, never seeds"
        )

    def _importing(self) -> _Importers:
        if self._importers is None:
            self._importers = self._importing_programs()
        return self._importers

    def _importing_programs(self) -> _Importers:
        """The programs importing this module (directly or through other project
        modules) and the RNG families one of them seeds."""
        index = self.ctx.project_index()
        if index is None:
            return _Importers(frozenset(), ())
        patterns: list[str] = self.option("entrypoints")
        entrypoints = {
            path for path in index.modules if matches_path_globs(path, patterns)
        }
        programs = [
            info
            for info in importing_programs(index, self.ctx.path, entrypoints)
            if info.path in entrypoints or runs_as_program(info)
        ]
        families: set[str] = set()
        for program in programs:
            families |= families_seeded_by_names(
                program.fact(SEED_CALLS),
                self.seeds.seed_functions,
                self.seeds.trust_seed_like_names,
                lambda name: helper_body(index, name),
            )
        return _Importers(frozenset(families), tuple(p.path for p in programs))

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
