"""What a file seeds, where, and with what: shared by the randomness rules."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import libcst as cst

from mldebt.engine.helpers import argument, calls_in, has_star_args, is_none
from mldebt.engine.names import dotted_name
from mldebt.engine.project import ProjectIndex
from mldebt.engine.traversal import FileContext
from mldebt.rules.unseeded_randomness._programs import PROGRAM, program_role
from mldebt.rules.unseeded_randomness._project_seeds import HELPER_SEEDS, SEED_LIKE
from mldebt.rules.unseeded_randomness.api import (
    ALL_FAMILIES,
    ENTROPY_PREFIXES,
    ENTROPY_SOURCES,
    GLOBAL_RNG_CALLS,
    SEEDERS,
    Seeder,
)

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


@dataclass(frozen=True)
class Seed:
    """One seeding call: what it pins, when the walk met it, where it is."""

    family: str
    sequence: int
    function: cst.CSTNode | None  # the innermost ``def`` around it; None: module level
    shown: str  # the call as a reader knows it (``np.random.seed``)


@dataclass(frozen=True)
class Site:
    """Where a draw (or a use that draws) is: its place in the walk and its ``def``."""

    sequence: int
    function: cst.CSTNode | None
    in_main: bool = False  # directly in the ``if __name__ == "__main__":`` block

    @property
    def module_level(self) -> bool:
        """Run when the module runs (outside any function and ``__main__`` block)."""
        return self.function is None and not self.in_main


@dataclass
class SeedTracker:
    """Seeds found so far in one file, in the order the program runs them.

    Each call the traversal visits gets a sequence number. A seed counts for a draw
    when it runs first: at module level (and in notebooks, cell after cell) it must
    come before the draw; in a function, a seed in the same function must come
    before the draw, a module-level seed before the module-level call that first
    reaches the function (``main()`` after ``torch.manual_seed(0)``); a seed in
    another function is taken to run first.
    """

    ctx: FileContext
    seed_functions: frozenset[str] = frozenset()
    trust_seed_like_names: bool = True
    sequence: int = 0
    seeds: list[Seed] = field(default_factory=list)
    module_imports: list[cst.SimpleStatementLine] = field(default_factory=list)
    seed_statement: cst.SimpleStatementLine | None = None
    # calls of functions by name: (calling def or None, callee name, sequence)
    local_calls: list[tuple[cst.CSTNode | None, str, int]] = field(default_factory=list)
    # Several rules feed the same tracker the same node: count each node once.
    _last_call: cst.Call | None = None
    _last_qualname: str | None = None
    _last_line: cst.SimpleStatementLine | None = None
    _reach: dict[int, int | None] | None = None
    _role: str | None = None

    @property
    def role(self) -> str:
        """What the file's ``__main__`` block makes it: see ``program_role``."""
        if self._role is None:
            self._role = program_role(self.ctx.text)
        return self._role

    @property
    def is_program(self) -> bool:
        """Whether the file's ``__main__`` block runs a program (not a demo)."""
        return self.role == PROGRAM

    # ---- fed by the rule's visitor methods ---------------------------------------

    def visit_call(self, node: cst.Call) -> str | None:
        """Record the seeds ``node`` sets; return its qualified name (or None)."""
        if node is self._last_call:
            return self._last_qualname
        self._last_call = node
        self.sequence += 1
        qualname = self.ctx.qualified_name(node.func)
        function = self.function()
        families = self.families_seeded_by(node, qualname)
        if families:
            shown = dotted_name(node.func) or qualname or "a seeder"
            for family in sorted(families):
                self.seeds.append(Seed(family, self.sequence, function, shown))
        if isinstance(node.func, cst.Name):
            self.local_calls.append((function, node.func.value, self.sequence))
        self._last_qualname = qualname
        return qualname

    def function(self) -> cst.CSTNode | None:
        """The innermost ``def`` around the current point of the walk."""
        for node in reversed(self.ctx.ancestors):
            if isinstance(node, cst.FunctionDef):
                return node
        return None

    def site(self) -> Site:
        """Where the walk is now, as a draw's site."""
        function = self.function()
        ancestors = self.ctx.ancestors
        in_main = (
            function is None
            and len(ancestors) > 1
            and isinstance(ancestors[1], cst.If)
            and is_main_guard(ancestors[1])
        )
        return Site(self.sequence, function, in_main)

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
            seed.family == family and (sequence is None or seed.sequence < sequence)
            for seed in self.seeds
        )

    def seeded_for(self, family: str, site: Site) -> bool:
        """Whether a seed of ``family`` runs before a draw at ``site``."""
        for seed in self.seeds:
            if seed.family != family:
                continue
            if site.function is None or seed.function is site.function:
                if seed.sequence < site.sequence:
                    return True
            elif seed.function is None:
                reached = self.first_reach(site.function)
                if reached is None or seed.sequence < reached:
                    return True
            else:
                return True  # a seed in another function: taken to run first
        return False

    def late_seed(self, family: str) -> str | None:
        """A seed of ``family`` in the file (found too late for some draw)."""
        return next((s.shown for s in self.seeds if s.family == family), None)

    def other_seeds(self, family: str) -> list[str]:
        """The seeding calls of the file that pin other generators, not ``family``."""
        pins = {s.shown for s in self.seeds if s.family == family}
        return list(dict.fromkeys(s.shown for s in self.seeds if s.shown not in pins))

    def first_reach(self, function: cst.CSTNode) -> int | None:
        """The sequence number of the first module-level call that reaches
        ``function`` through the file's functions; None when none does."""
        if self._reach is None:
            self._reach = self._reaches()
        return self._reach.get(id(function))

    def _reaches(self) -> dict[int, int | None]:
        defs = {
            name: binding.node
            for name, binding in self.ctx.names.module_scope.names.items()
            if binding.kind == "def" and isinstance(binding.node, cst.FunctionDef)
        }
        callees: dict[int, set[str]] = {}
        for caller, name, _ in self.local_calls:
            if caller is not None and name in defs:
                callees.setdefault(id(caller), set()).add(name)
        reach: dict[int, int | None] = {}
        for caller, name, sequence in self.local_calls:
            if caller is not None or name not in defs:
                continue
            pending, seen = [name], {name}
            while pending:
                node = defs[pending.pop()]
                known = reach.get(id(node))
                if known is None or sequence < known:
                    reach[id(node)] = sequence
                for callee in callees.get(id(node), ()):
                    if callee not in seen:
                        seen.add(callee)
                        pending.append(callee)
        return reach

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
                return self._helper_families(node, None)
            return frozenset()
        seeder = SEEDERS.get(qualname)
        if seeder is not None:
            return seeder.families if self.is_real_seed(node, seeder) else frozenset()
        short = qualname.rsplit(".", 1)[-1]
        if qualname in self.seed_functions or short in self.seed_functions:
            return self._helper_families(node, qualname)
        if self.is_seed_helper(node, qualname):
            return self._helper_families(node, qualname)
        return frozenset()

    def _helper_families(self, node: cst.Call, qualname: str | None) -> frozenset[str]:
        """A project seeding helper seeds what its body seeds (read through the
        project index), or everything when its body is not in the project; nothing
        when its seed is None or changes on every run."""
        first = node.args[0].value if node.args and not node.args[0].star else None
        if first is not None and (is_none(first) or self.entropy_source(first)):
            return frozenset()
        body = helper_body(self.ctx.project_index(), qualname) if qualname else None
        if body is None:
            return ALL_FAMILIES
        return families_seeded_by_names(
            body,
            self.seed_functions,
            self.trust_seed_like_names,
            lambda name: helper_body(self.ctx.project_index(), name),
        )

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


def helper_body(index: ProjectIndex | None, qualname: str) -> tuple[str, ...] | None:
    """The seeding calls in the body of the project function ``qualname`` (as the
    index recorded them), or None when the project does not define it."""
    module, _, name = qualname.removesuffix("()").rpartition(".")
    info = index.module_named(module) if index is not None and module else None
    if info is None:
        return None
    for entry in info.fact(HELPER_SEEDS):
        defined, _, calls = entry.partition("=")
        if defined == name:
            return tuple(call for call in calls.split(";") if call)
    return None


def families_seeded_by_names(
    qualnames: Iterable[str],
    seed_functions: frozenset[str],
    trust_seed_like: bool,
    body_of: Callable[[str], tuple[str, ...] | None] = lambda name: None,
    depth: int = 3,
) -> frozenset[str]:
    """The RNG families a list of seeding calls (by qualified name, each given a
    value) covers: library seeders, configured ``seed-functions`` and, if trusted,
    imported helpers named like seeders; a project helper whose body ``body_of``
    knows covers what that body seeds."""
    families: set[str] = set()
    for call in qualnames:
        qualname = call.removesuffix("()")
        seeder = SEEDERS.get(qualname)
        if seeder is not None and call.endswith("()") and seeder.missing_is_entropy:
            continue  # np.random.seed(): fresh OS entropy
        short = qualname.rsplit(".", 1)[-1]
        if seeder is not None:
            families |= seeder.families
            continue
        helper = (qualname in seed_functions or short in seed_functions) or (
            trust_seed_like
            and SEED_LIKE.search(short) is not None
            and not NOT_A_SEEDER.match(short)
            and qualname.split(".", 1)[0] not in KNOWN_LIBRARIES
        )
        if not helper:
            continue
        body = body_of(qualname) if depth > 0 else None
        if body is None:
            families |= ALL_FAMILIES
        else:
            families |= families_seeded_by_names(
                body, seed_functions, trust_seed_like, body_of, depth - 1
            )
    return frozenset(families)
