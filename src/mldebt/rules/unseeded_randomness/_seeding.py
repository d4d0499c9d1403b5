"""What a file seeds, where, and with what: shared by the randomness rules."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import libcst as cst

from mldebt.engine.helpers import argument, calls_in, has_star_args, is_none
from mldebt.engine.traversal import FileContext
from mldebt.rules.unseeded_randomness.api import (
    ALL_FAMILIES,
    ENTROPY_PREFIXES,
    ENTROPY_SOURCES,
    GLOBAL_RNG_CALLS,
    SEEDERS,
    Seeder,
)

# Imported project helpers named like a seeding function: set_seed, seed_everything,
# setup_seed, same_seeds, seed_torch, set_determinism, seed_all_rng, fix_seed ...
SEED_LIKE = re.compile(r"(^|_)(seeds?|determinism)(_|$)", re.IGNORECASE)
# ... but not getters and loggers of a seed: get_seed, log_seed, load_seed, ...
NOT_A_SEEDER = re.compile(
    r"^(get|log|load|read|parse|print|save|show|str|format|make|new)_", re.IGNORECASE
)
# Their seeding calls are listed exactly in SEEDERS; `torch.seed` is not a helper.
KNOWN_LIBRARIES = frozenset({"numpy", "random", "torch", "tensorflow", "keras", "jax"})


def dotted_root(node: cst.BaseExpression) -> str:
    """The leftmost name of ``a.b.c`` (``a``), or ``""``."""
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else ""


def is_main_guard(node: cst.If) -> bool:
    """Whether ``node`` is ``if __name__ == "__main__":``."""
    test = node.test
    return (
        isinstance(test, cst.Comparison)
        and isinstance(test.left, cst.Name)
        and test.left.value == "__name__"
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].comparator, cst.SimpleString)
        and test.comparisons[0].comparator.evaluated_value == "__main__"
    )


@dataclass
class SeedTracker:
    """Seeds found so far in one file, in source order.

    Each call the traversal visits gets a sequence number; a seed counts for a
    module-level draw only if it came before it (a seed inside a function defined
    earlier counts: the function is normally called before the draw), and for a
    draw inside a function wherever it is.
    """

    ctx: FileContext
    seed_functions: frozenset[str] = frozenset()
    trust_seed_like_names: bool = True
    sequence: int = 0
    seeds: list[tuple[str, int]] = field(default_factory=list)
    is_program: bool = False
    module_imports: list[cst.SimpleStatementLine] = field(default_factory=list)
    seed_statement: cst.SimpleStatementLine | None = None
    # Several rules feed the same tracker the same node: count each node once.
    _last_call: cst.Call | None = None
    _last_qualname: str | None = None
    _last_line: cst.SimpleStatementLine | None = None

    # ---- fed by the rule's visitor methods ---------------------------------------

    def visit_call(self, node: cst.Call) -> str | None:
        """Record the seeds ``node`` sets; return its qualified name (or None)."""
        if node is self._last_call:
            return self._last_qualname
        self._last_call = node
        self.sequence += 1
        qualname = self.ctx.qualified_name(node.func)
        for family in self.families_seeded_by(node, qualname):
            self.seeds.append((family, self.sequence))
        self._last_qualname = qualname
        return qualname

    def visit_if(self, node: cst.If) -> None:
        """Note an ``if __name__ == "__main__":`` block: the file is a program."""
        if is_main_guard(node):
            self.is_program = True

    def visit_line(self, node: cst.SimpleStatementLine) -> None:
        """Note module-level imports and the ``SEED = ...`` constant."""
        if node is self._last_line or len(self.ctx.ancestors) != 2:
            return  # seen already, or not directly in the module
        self._last_line = node
        for statement in node.body:
            if isinstance(statement, (cst.Import, cst.ImportFrom)):
                self.module_imports.append(node)
            elif isinstance(statement, (cst.Assign, cst.AnnAssign)):
                targets = (
                    [target.target for target in statement.targets]
                    if isinstance(statement, cst.Assign)
                    else [statement.target]
                )
                if any(isinstance(t, cst.Name) and t.value == "SEED" for t in targets):
                    self.seed_statement = node

    # ---- questions -----------------------------------------------------------------

    def seeded(self, family: str, sequence: int | None = None) -> bool:
        """Whether ``family`` is seeded: anywhere, or before call number ``sequence``."""
        return any(
            seeded == family and (sequence is None or at < sequence)
            for seeded, at in self.seeds
        )

    def families_seeded_by(
        self, node: cst.Call, qualname: str | None
    ) -> frozenset[str]:
        """The RNG families a call really pins (a deterministic seed, not None)."""
        func = node.func
        if qualname is None:
            if isinstance(func, cst.Name) and func.value in self.seed_functions:
                binding = self.ctx.names.lookup(func.value)
                if binding is not None and binding.kind == "def":
                    # defined in this file: its own body's seed calls are what count
                    return frozenset()
                return self._helper_families(node)
            return frozenset()
        seeder = SEEDERS.get(qualname)
        if seeder is not None:
            return seeder.families if self.is_real_seed(node, seeder) else frozenset()
        short = qualname.rsplit(".", 1)[-1]
        if qualname in self.seed_functions or short in self.seed_functions:
            return self._helper_families(node)
        if self.is_seed_helper(node, qualname):
            return self._helper_families(node)
        return frozenset()

    def _helper_families(self, node: cst.Call) -> frozenset[str]:
        """A project seeding helper seeds everything, unless its seed is None or
        changes on every run."""
        first = node.args[0].value if node.args and not node.args[0].star else None
        if first is not None and (is_none(first) or self.entropy_source(first)):
            return frozenset()
        return ALL_FAMILIES

    def is_seed_helper(self, node: cst.Call, qualname: str) -> bool:
        """An imported project function named like a seeding helper."""
        if not self.trust_seed_like_names:
            return False
        if qualname.split(".", 1)[0] in KNOWN_LIBRARIES:
            return False
        short = qualname.rsplit(".", 1)[-1]
        if not SEED_LIKE.search(short) or NOT_A_SEEDER.match(short):
            return False
        binding = self.ctx.names.lookup(dotted_root(node.func))
        return binding is not None and binding.kind == "import"

    def is_real_seed(self, call: cst.Call, seeder: Seeder) -> bool:
        """Whether a seeding call is given a deterministic seed."""
        arg = argument(call, seeder.keyword, seeder.position)
        if arg is None:
            return has_star_args(call) or not seeder.missing_is_entropy
        if is_none(arg.value) or names_none(self.ctx, arg.value):
            return False
        return self.entropy_source(arg.value) is None

    def entropy_source(self, expr: cst.BaseExpression, depth: int = 2) -> str | None:
        """The qualified name of a call inside ``expr`` whose value differs on every
        run (the clock, the OS, per-process string hashes, a global RNG nobody has
        seeded yet), following a plain name to the value it was assigned; None when
        ``expr`` looks deterministic."""
        for call in calls_in(expr):
            name = self.ctx.qualified_name(call.func)
            if name is None:
                continue
            if name in ENTROPY_SOURCES or name.startswith(ENTROPY_PREFIXES):
                return name
            family = GLOBAL_RNG_CALLS.get(name)
            if family is not None and not self.seeded(family, self.sequence):
                return name
        if depth > 0 and isinstance(expr, cst.Name):
            binding = self.ctx.names.lookup(expr.value)
            value = binding.value if binding is not None else None
            if binding is not None and binding.kind == "assign" and value is not None:
                return self.entropy_source(value, depth - 1)
        return None


def names_none(ctx: FileContext, expr: cst.BaseExpression) -> bool:
    """Whether ``expr`` is a name last assigned the literal ``None``."""
    if not isinstance(expr, cst.Name):
        return False
    binding = ctx.names.lookup(expr.value)
    return (
        binding is not None
        and binding.kind == "assign"
        and binding.value is not None
        and is_none(binding.value)
    )


def families_seeded_by_names(
    qualnames: Iterable[str], seed_functions: frozenset[str], trust_seed_like: bool
) -> frozenset[str]:
    """The RNG families a list of seeding calls (by qualified name, each given a
    value) covers: library seeders, configured ``seed-functions`` and, if trusted,
    imported helpers named like seeders."""
    families: set[str] = set()
    for call in qualnames:
        qualname = call.removesuffix("()")
        seeder = SEEDERS.get(qualname)
        if seeder is not None and call.endswith("()") and seeder.missing_is_entropy:
            continue  # np.random.seed(): fresh OS entropy
        short = qualname.rsplit(".", 1)[-1]
        if seeder is not None:
            families |= seeder.families
        elif qualname in seed_functions or short in seed_functions:
            families |= ALL_FAMILIES
        elif (
            trust_seed_like
            and SEED_LIKE.search(short)
            and not NOT_A_SEEDER.match(short)
            and qualname.split(".", 1)[0] not in KNOWN_LIBRARIES
        ):
            families |= ALL_FAMILIES
    return frozenset(families)
