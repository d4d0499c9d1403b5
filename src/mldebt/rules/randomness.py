"""Unseeded randomness (MLD1xx): randomness the program does not pin."""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass

import libcst as cst

from mldebt.engine.helpers import argument, calls_in, has_star_args, is_none
from mldebt.engine.rule import Fix, Invalid, Option, Rule, Valid
from mldebt.engine.traversal import FileContext
from mldebt.rules.randomness_api import (
    ALL_FAMILIES,
    ENTROPY_PREFIXES,
    ENTROPY_RESEEDS,
    ENTROPY_SOURCES,
    GLOBAL_RNG_CALLS,
    NUMPY,
    RANDOM,
    RNG_CONSTRUCTORS,
    SEEDED_BY_METHOD,
    SEEDERS,
    TORCH,
    Seeder,
)

_SEED_LIKE = re.compile(
    r"^(set|fix|init|seed)?_?(all_?|global_?)?(random_?)?seeds?(_all|_everything)?$",
    re.IGNORECASE,
)
_FAMILY_LABEL = {
    NUMPY: "numpy's global RNG",
    RANDOM: "the `random` module's global RNG",
    TORCH: "torch's global RNG",
}
# The fix seeds only `random` and torch: for numpy the advice (as in Ruff's NPY002 and
# numpy's docs) is a seeded `np.random.default_rng(seed)`, which is a rewrite of the
# calls, not one inserted line.
_SEED_CALL = {RANDOM: "{alias}.seed({seed})", TORCH: "{alias}.manual_seed({seed})"}
# Their seeding calls are listed exactly in SEEDERS; a name like `torch.seed` there
# is not a project helper.
_KNOWN_LIBRARIES = frozenset({"numpy", "random", "torch", "tensorflow", "keras", "jax"})
_FAMILY_MODULE = {NUMPY: "numpy", RANDOM: "random", TORCH: "torch"}


def entropy_source(
    ctx: FileContext, expr: cst.BaseExpression, depth: int = 2
) -> str | None:
    """The qualified name of a call inside ``expr`` whose value differs on every run
    (the clock, the OS, an unseeded RNG), following a plain name to the value it was
    assigned, ``depth`` levels deep; None when ``expr`` looks deterministic."""
    for call in calls_in(expr):
        name = ctx.qualified_name(call.func)
        if name is None:
            continue
        if name in ENTROPY_SOURCES or name.startswith(ENTROPY_PREFIXES):
            return name
        if name in GLOBAL_RNG_CALLS:
            return name
    if depth > 0 and isinstance(expr, cst.Name):
        binding = ctx.names.lookup(expr.value)
        if (
            binding is not None
            and binding.kind == "assign"
            and binding.value is not None
        ):
            return entropy_source(ctx, binding.value, depth - 1)
    return None


def seed_argument(call: cst.Call, seeder: Seeder) -> cst.Arg | None:
    """The argument that carries the seed of a seeding call."""
    return argument(call, seeder.keyword, seeder.position)


@dataclass
class _Draw:
    call: cst.Call
    anchor: cst.CSTNode
    qualname: str
    family: str
    module_level: bool
    statement: cst.CSTNode  # the top-level statement the draw runs in


class UnseededGlobalRng(Rule):
    """Calls to a library's global random number generator in a program that never seeds it.

    ## What it does
    Flags calls that draw from a global RNG — numpy's legacy `np.random.*` API, the
    stdlib `random` module functions, and PyTorch's `torch.rand*`/`torch.normal`/
    `nn.init.*_` — in a program (a file with an `if __name__ == "__main__":` block,
    module-level random draws, or a name matching the `entrypoints` option) that
    never seeds that generator. Names are resolved, so `np.random.rand`,
    `from numpy.random import rand` and `import numpy.random as npr; npr.rand` are
    the same call, and a local variable named `random` is not the module.

    A seed counts when it is deterministic: `np.random.seed(None)`, `random.seed()`
    or a seed taken from the clock is not a seed (see MLD103). Framework seeders
    (`transformers.set_seed`, `lightning.seed_everything`,
    `keras.utils.set_random_seed`), project helpers listed in `seed-functions`, and
    imported helpers named like `set_seed`/`seed_everything` count for every
    library they cover. A torch call given `generator=` is not a global draw.

    ## Why is this bad?
    Without a seed every run draws different numbers: a different train/test split,
    different initial weights, a different shuffle. Results cannot be reproduced,
    compared between runs, or debugged.

    ## Example
    ```python
    import numpy as np

    if __name__ == "__main__":
        noise = np.random.normal(0.0, 0.1, size=100)
    ```

    ## Use instead
    Create a seeded generator and pass it where randomness is needed (what Ruff's
    NPY002 and numpy's own documentation recommend over the legacy global API):
    ```python
    import numpy as np

    SEED = 42

    if __name__ == "__main__":
        rng = np.random.default_rng(SEED)
        noise = rng.normal(0.0, 0.1, size=100)
    ```
    For the stdlib use `random.Random(SEED)` (or `random.seed(SEED)` once at
    start-up); for PyTorch call `torch.manual_seed(SEED)` before drawing, or pass a
    seeded `generator=`.

    ## Fix
    Unsafe (it changes the numbers drawn), for `random` and torch draws: inserts
    `random.seed(SEED)` / `torch.manual_seed(SEED)` after the module's imports, with
    the `seed` option, else a module-level `SEED` when there is one, else `0`. There
    is no automatic fix for numpy draws: move them to a seeded `default_rng`.
    """

    code = "MLD101"
    name = "unseeded-global-rng"
    category = "unseeded-randomness"
    message = "random draw from an unseeded global RNG"
    triggers = ("random", "torch")
    options = (
        Option(
            "seed-functions",
            list,
            [],
            "Qualified or bare names of project functions that seed every RNG "
            "(e.g. `myproject.utils.seed_all`).",
        ),
        Option(
            "entrypoints",
            list,
            ["train*.py", "*_train.py", "main.py", "run_*.py"],
            "File-name globs of programs checked even without a `__main__` block.",
        ),
        Option(
            "trust-seed-like-names",
            bool,
            True,
            "Count calls to imported functions named like `set_seed` or "
            "`seed_everything` as seeding every RNG.",
        ),
        Option(
            "seed",
            str,
            "",
            "The seed the fix inserts: a literal or a constant's name. Empty: a "
            "module-level `SEED` if there is one, else `0`.",
        ),
        Option(
            "check-library-modules",
            bool,
            False,
            "Also flag modules that are not programs (only functions and classes; "
            "normally the caller seeds).",
        ),
    )

    def on_begin_file(self) -> None:
        self.draws: list[_Draw] = []
        self.seeded: set[str] = set()
        self.is_program = False
        self.module_imports: list[cst.SimpleStatementLine] = []
        self.seed_statement: cst.SimpleStatementLine | None = None
        seed_functions: list[str] = self.option("seed-functions")
        self.seed_functions = set(seed_functions)

    def visit_If(self, node: cst.If) -> None:
        test = node.test
        if (
            isinstance(test, cst.Comparison)
            and isinstance(test.left, cst.Name)
            and test.left.value == "__name__"
            and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].comparator, cst.SimpleString)
            and test.comparisons[0].comparator.evaluated_value == "__main__"
        ):
            self.is_program = True

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        if len(self.ctx.ancestors) != 2:  # only statements directly in the module
            return
        for statement in node.body:
            if isinstance(statement, (cst.Import, cst.ImportFrom)):
                self.module_imports.append(node)
            elif isinstance(statement, (cst.Assign, cst.AnnAssign)):
                targets = (
                    [t.target for t in statement.targets]
                    if isinstance(statement, cst.Assign)
                    else [statement.target]
                )
                if any(isinstance(t, cst.Name) and t.value == "SEED" for t in targets):
                    self.seed_statement = node

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        qualname = ctx.qualified_name(node.func)
        if qualname is None:
            self._maybe_project_seeder(node)
            return
        family = GLOBAL_RNG_CALLS.get(qualname)
        if family is not None:
            if family == TORCH:
                generator = argument(node, "generator")
                if generator is not None and not is_none(generator.value):
                    return
            self.draws.append(
                _Draw(
                    node,
                    ctx.anchor_for(node),
                    qualname,
                    family,
                    not ctx.names.in_function(),
                    ctx.ancestors[1],
                )
            )
            return
        seeder = SEEDERS.get(qualname)
        if seeder is not None:
            if self._is_real_seed(node, seeder):
                self.seeded |= seeder.families
            return
        short = qualname.rsplit(".", 1)[-1]
        if qualname in self.seed_functions or short in self.seed_functions:
            self.seeded |= ALL_FAMILIES
        elif (
            self.option("trust-seed-like-names")
            and _SEED_LIKE.match(short)
            and qualname.split(".", 1)[0] not in _KNOWN_LIBRARIES
        ):
            binding = ctx.names.lookup(dotted_root(node.func))
            if binding is not None and binding.kind == "import":
                self.seeded |= ALL_FAMILIES

    def _maybe_project_seeder(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Name) and func.value in self.seed_functions:
            self.seeded |= ALL_FAMILIES

    def _is_real_seed(self, call: cst.Call, seeder: Seeder) -> bool:
        arg = seed_argument(call, seeder)
        if arg is None:
            return has_star_args(call) or not seeder.missing_is_entropy
        if is_none(arg.value):
            return False
        return entropy_source(self.ctx, arg.value) is None

    def end_file(self) -> None:
        if not self.draws:
            return
        if not (
            self.is_program
            or self.option("check-library-modules")
            or any(draw.module_level for draw in self.draws)
            or _matches_any(self.ctx.path, self.option("entrypoints"))
        ):
            return
        fixes: dict[str, Fix | None] = {}
        for draw in self.draws:
            if draw.family in self.seeded:
                continue
            if draw.family not in fixes:
                fixes[draw.family] = self._seed_fix(draw.family)
            self.report(
                draw.call,
                f"`{draw.qualname}` draws from {_FAMILY_LABEL[draw.family]}, "
                "which this program never seeds",
                fix=fixes[draw.family],
                anchor=draw.anchor,
            )

    def _seed_fix(self, family: str) -> Fix | None:
        """Insert a seed call right after the module imports the library (or after
        ``SEED = ...`` when that still comes before the first draw)."""
        if family not in _SEED_CALL:
            return None
        module_name = _FAMILY_MODULE[family]
        body: list[cst.CSTNode] = list(self.ctx.module.body)
        alias, anchor = None, None
        for name, binding in self.ctx.names.module_scope.names.items():
            if binding.kind == "import" and binding.qualname == module_name:
                for line in self.module_imports:
                    if binding.node in line.body:
                        alias, anchor = name, line
        if alias is None or anchor is None:
            return None
        first_draw = min(
            (
                body.index(draw.statement)
                for draw in self.draws
                if draw.family == family and draw.module_level
            ),
            default=len(body),
        )
        seed: str = self.option("seed") or "0"
        seed_line = self.seed_statement
        if not self.option("seed") and seed_line is not None:
            if body.index(seed_line) < first_draw:
                seed = "SEED"
                if body.index(seed_line) > body.index(anchor):
                    anchor = seed_line
        call = _SEED_CALL[family].format(alias=alias, seed=seed)
        newline = self.ctx.module.default_newline
        content = call + newline
        if anchor is body[-1] and not self.ctx.module.has_trailing_newline:
            content = newline + call
        return Fix.insert_after(
            anchor,
            content,
            message=f"Seed {_FAMILY_LABEL[family]} with `{call}`",
            applicability="unsafe",
        )

    valid = (
        Valid("""
            import numpy as np
            SEED = 13
            np.random.seed(SEED)
            noise = np.random.normal(0.0, 0.1, size=100)
            """),
        Valid("""
            import numpy as np
            rng = np.random.default_rng(2024)
            noise = rng.normal(0.0, 0.1, size=100)
            """),
        Valid("""
            import random
            def pick(random, items):
                return random.choice(items)  # a parameter, not the module
            if __name__ == "__main__":
                pick(None, [1, 2])
            """),
        Valid("""
            import torch
            from transformers import set_seed
            set_seed(13)  # seeds random, numpy and torch
            weights = torch.randn(8, 3)
            """),
        Valid("""
            import torch
            g = torch.Generator().manual_seed(0)
            x = torch.rand(3, generator=g)
            """),
        Valid("""
            import numpy as np
            def jitter(x):  # a library function: the calling program seeds
                return x + np.random.normal(size=x.shape)
            """),
        Valid("""
            import random
            from myproject.utils import seed_everything
            seed_everything(7)
            random.shuffle([1, 2, 3])
            """),
        Valid("""
            import random
            random = MyRng()
            random.shuffle([1, 2, 3])  # rebound to a local object
            """),
    )
    invalid = (
        Invalid(
            """
            import numpy as np
            noise = np.random.normal(0.0, 0.1, size=100)
            """,
            line=2,
            column=9,
        ),
        Invalid("""
            from numpy.random import rand
            x = rand(3)
            """),
        Invalid(
            """
            import numpy.random as npr
            x = npr.rand(3)
            """,
        ),
        Invalid("""
            from numpy import random as nr
            x = nr.permutation(10)
            """),
        Invalid(
            """
            import random
            SEED = 7
            def main(rows):
                random.shuffle(rows)
                return random.sample(rows, 2)
            if __name__ == "__main__":
                main([1, 2, 3])
            """,
            count=2,
            fixed="""
            import random
            SEED = 7
            random.seed(SEED)
            def main(rows):
                random.shuffle(rows)
                return random.sample(rows, 2)
            if __name__ == "__main__":
                main([1, 2, 3])
            """,
        ),
        Invalid(
            """
            import random, time, torch
            random.seed(time.time())  # not a seed: different on every run
            torch.seed()
            weights = torch.randn(8, 3)
            """,
            fixed="""
            import random, time, torch
            torch.manual_seed(0)
            random.seed(time.time())  # not a seed: different on every run
            torch.seed()
            weights = torch.randn(8, 3)
            """,
        ),
        Invalid("""
            import numpy as np
            np.random.seed(None)
            idx = np.random.permutation(10)
            """),
        Invalid("""
            import torch.nn as nn
            layer = nn.Linear(3, 4)
            nn.init.xavier_uniform_(layer.weight)
            """),
        Invalid("""
            import numpy as np
            np.random.seed(0)  # seeds numpy only
            import random
            random.shuffle([1, 2])
            """),
        Invalid(
            """
            import random
            rows = random.sample(range(10), 3)
            import numpy as np
            SEED = 5
            """,
            fixed="""
            import random
            random.seed(0)
            rows = random.sample(range(10), 3)
            import numpy as np
            SEED = 5
            """,
        ),
    )


def dotted_root(node: cst.BaseExpression) -> str:
    """The leftmost name of ``a.b.c`` (``a``), or ``""``."""
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else ""


def _matches_any(path: str, patterns: list[str]) -> bool:
    name = os.path.basename(path)
    normalized = path.replace(os.sep, "/")
    return any(
        fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(normalized, pattern)
        for pattern in patterns
    )


class UnseededRngInstance(Rule):
    """Random generator objects created without a seed.

    ## What it does
    Flags `np.random.default_rng()`, `np.random.RandomState()`, numpy bit generators
    (`PCG64()`, `MT19937()`, ...) and `SeedSequence()` created without a seed (or
    with `None`), `random.Random()` without a seed, and a `torch.Generator()` that
    is never given `.manual_seed(k)`.

    ## Why is this bad?
    A generator without a seed starts from fresh operating-system entropy: each
    run draws different numbers, even though passing a generator around looks like
    careful, reproducible code.

    ## Example
    ```python
    import numpy as np

    rng = np.random.default_rng()
    sample = rng.choice(1000, size=10)
    ```

    ## Use instead
    ```python
    import numpy as np

    SEED = 42
    rng = np.random.default_rng(SEED)
    sample = rng.choice(1000, size=10)
    ```
    """

    code = "MLD102"
    name = "unseeded-rng-instance"
    category = "unseeded-randomness"
    message = "random generator created without a seed"
    triggers = ("random", "Generator")

    def on_begin_file(self) -> None:
        self.torch_generators: dict[str, tuple[cst.Call, cst.CSTNode, str]] = {}
        self.seeded_names: set[str] = set()

    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            if func.attr.value in SEEDED_BY_METHOD.values():
                self.seeded_names.add(func.value.value)
        qualname = ctx.qualified_name(func)
        if qualname is None:
            return
        parameter = RNG_CONSTRUCTORS.get(qualname)
        if parameter is not None:
            if has_star_args(node):
                return
            arg = argument(node, *parameter)
            if arg is None or is_none(arg.value):
                self.report(
                    node,
                    f"`{qualname}()` without a seed starts from fresh OS entropy "
                    "on every run",
                )
            return
        method = SEEDED_BY_METHOD.get(qualname)
        if method is None:
            return
        parent = ctx.parent(node)
        if isinstance(parent, cst.Attribute) and parent.attr.value == method:
            return  # torch.Generator().manual_seed(k)
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            target = parent.targets[0].target
            if isinstance(target, cst.Name):
                self.torch_generators[target.value] = (
                    node,
                    ctx.anchor_for(node),
                    qualname,
                )
                return
        self.report(node, f"`{qualname}()` is never seeded with `.{method}(k)`")

    def end_file(self) -> None:
        for name, (call, anchor, qualname) in self.torch_generators.items():
            if name not in self.seeded_names:
                method = SEEDED_BY_METHOD[qualname]
                self.report(
                    call,
                    f"`{qualname}()` bound to `{name}` is never seeded with `.{method}(k)`",
                    anchor=anchor,
                )

    valid = (
        Valid("import numpy as np\nrng = np.random.default_rng(2024)\n"),
        Valid("import numpy as np\nrng = np.random.default_rng(seed=SEED)\n"),
        Valid("import random\npicker = random.Random(2024)\n"),
        Valid("import torch\ng = torch.Generator()\ng.manual_seed(0)\n"),
        Valid("import torch\nloader_gen = torch.Generator().manual_seed(0)\n"),
        Valid("import numpy as np\nrng = np.random.default_rng(*args)\n"),
        Valid(
            "import secrets, uuid\nrun_id, token = uuid.uuid4().hex, secrets.token_hex(16)\n"
        ),
        Valid("from mylib import default_rng\nrng = default_rng()\n"),
    )
    invalid = (
        Invalid(
            "import numpy as np\nrng = np.random.default_rng()\n", line=2, column=7
        ),
        Invalid("from numpy.random import default_rng\nrng = default_rng(None)\n"),
        Invalid("import numpy as np\nstate = np.random.RandomState()\n"),
        Invalid("import numpy as np\nrng = np.random.Generator(np.random.PCG64())\n"),
        Invalid("import random\npicker = random.Random()\n"),
        Invalid(
            "import torch\ng = torch.Generator()\nx = torch.rand(3, generator=g)\n"
        ),
        Invalid("""
            import numpy as np
            def subsample(df):
                rng = np.random.default_rng()
                return df.iloc[rng.choice(len(df), size=500, replace=False)]
            """),
    )


class NondeterministicSeed(Rule):
    """Seeding calls that do not pin anything.

    ## What it does
    Flags calls that look like seeding but re-seed from operating-system entropy:
    `np.random.seed()` / `random.seed()` with no argument or `None`, `torch.seed()`,
    `torch.cuda.seed()`, `seed_everything()` with no seed, and seeds computed from
    the clock, `os.urandom`, process ids, uuids, `secrets` or an unseeded RNG —
    also through a variable (`SEED = int(time.time())`).

    ## Why is this bad?
    The code reads as reproducible, so nobody looks further, yet every run uses a
    different seed. Peer linters count these calls as seeding and so hide the very
    randomness they should report.

    ## Example
    ```python
    import time
    import numpy as np

    np.random.seed(int(time.time()))
    ```

    ## Use instead
    ```python
    import numpy as np

    SEED = 42
    np.random.seed(SEED)
    ```
    If you want a fresh seed per run, draw it once, log it, and pass it in
    (`--seed` on the command line) so any run can be repeated.
    """

    code = "MLD103"
    name = "nondeterministic-seed"
    category = "unseeded-randomness"
    message = "seed that changes on every run"
    triggers = ("seed", "random")

    def visit_Call(self, node: cst.Call) -> None:
        qualname = self.ctx.qualified_name(node.func)
        if qualname is None:
            return
        if qualname in ENTROPY_RESEEDS:
            self.report(
                node, f"`{qualname}()` re-seeds from OS entropy: it pins nothing"
            )
            return
        seeder = SEEDERS.get(qualname)
        if seeder is not None:
            arg = seed_argument(node, seeder)
            if arg is None:
                if seeder.missing_is_entropy and not has_star_args(node):
                    self.report(
                        node, f"`{qualname}()` without a seed re-seeds from OS entropy"
                    )
                return
            self._check_value(node, qualname, arg.value)
            return
        parameter = RNG_CONSTRUCTORS.get(qualname)
        if parameter is not None:
            arg = argument(node, *parameter)
            if arg is not None:
                self._check_value(node, qualname, arg.value, allow_none=True)

    def _check_value(
        self,
        node: cst.Call,
        qualname: str,
        value: cst.BaseExpression,
        allow_none: bool = False,
    ) -> None:
        if is_none(value):
            if not allow_none:  # constructors with None are MLD102's
                self.report(node, f"`{qualname}(None)` re-seeds from OS entropy")
            return
        source = entropy_source(self.ctx, value)
        if source is not None:
            self.report(
                node,
                f"seed for `{qualname}` comes from `{source}()`, which changes on every run",
            )

    valid = (
        Valid("import numpy as np\nnp.random.seed(42)\n"),
        Valid("import random\nSEED = 13\nrandom.seed(SEED)\n"),
        Valid("import torch\ntorch.manual_seed(args.seed)\n"),
        Valid("import numpy as np\nrng = np.random.default_rng(cfg.seed)\n"),
        Valid("import time\nstarted = time.time()\n"),
        Valid("def seed():\n    pass\nseed()\n"),
        Valid("import numpy as np\nnp.random.seed(*seeds)\n"),
    )
    invalid = (
        Invalid("import numpy as np\nnp.random.seed()\n", line=2, column=1),
        Invalid("import random\nrandom.seed(None)\n"),
        Invalid("import random, time\nrandom.seed(time.time())\n"),
        Invalid("import torch\ntorch.seed()\n"),
        Invalid(
            "import time\nimport numpy as np\nSEED = int(time.time())\nnp.random.seed(SEED)\n"
        ),
        Invalid("import os\nimport torch\ntorch.manual_seed(os.getpid())\n"),
        Invalid(
            "from datetime import datetime\nimport numpy as np\n"
            "rng = np.random.default_rng(int(datetime.now().timestamp()))\n"
        ),
        Invalid("from lightning import seed_everything\nseed_everything()\n"),
    )
