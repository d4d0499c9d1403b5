"""Unseeded randomness (MLD1xx): randomness the program does not pin."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from mldebt.engine.helpers import (
    argument,
    has_star_args,
    is_none,
    with_keyword_argument,
)
from mldebt.engine.project import importing_programs
from mldebt.engine.rule import Fix, Invalid, Option, Rule, Valid
from mldebt.engine.traversal import FileContext
from mldebt.rules.randomness_api import (
    ENTROPY_RESEEDS,
    GLOBAL_RNG_CALLS,
    NUMPY,
    OTHER_RANDOM_STATE,
    OWN_RNG_KEYWORD,
    OWN_SEED_PREFIXES,
    RANDOM,
    RNG_CONSTRUCTORS,
    SEEDERS,
    SKLEARN_ALWAYS_RANDOM,
    SKLEARN_RANDOM_WHEN,
    TENSORFLOW,
    TORCH,
    TORCH_DATA_ORDER,
)
from mldebt.rules.seeding import SeedTracker, families_seeded_by_names, names_none

_FAMILY_LABEL = {
    NUMPY: "numpy's global RNG",
    RANDOM: "the `random` module's global RNG",
    TORCH: "torch's global RNG",
    TENSORFLOW: "TensorFlow's global seed",
}
# The fix seeds only `random` and torch: for numpy the advice (as in Ruff's NPY002 and
# numpy's docs) is a seeded `np.random.default_rng(seed)`, which is a rewrite of the
# calls, not one inserted line.
_SEED_CALL = {
    RANDOM: "{alias}.seed({seed})",
    TORCH: "{alias}.manual_seed({seed})",
    TENSORFLOW: "{alias}.random.set_seed({seed})",
}
_FAMILY_MODULE = {
    NUMPY: "numpy",
    RANDOM: "random",
    TORCH: "torch",
    TENSORFLOW: "tensorflow",
}

SEED_FUNCTIONS_OPTION = Option(
    "seed-functions",
    list,
    ["set_seed", "seed_everything", "set_random_seed", "seed_all"],
    "Qualified or bare names of functions that seed every RNG when called with a "
    "seed (e.g. `myproject.utils.seed_all`); bare names match any call of that name.",
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
    "by the programs of the project that import it.",
)
# The options of the rules that judge programs and library modules.
PROGRAM_OPTIONS = (
    SEED_FUNCTIONS_OPTION,
    ENTRYPOINTS_OPTION,
    TRUST_OPTION,
    SEED_OPTION,
    LIBRARY_OPTION,
)
_NO_IMPORTER = "no program importing this module seeds"
_NUMPY_HINT = "; draw from a seeded `np.random.default_rng(seed)` instead"
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SeedAwareRule(Rule):
    """Base of the rules that need to know what the file seeds (not a rule itself).

    It feeds a ``SeedTracker`` from the traversal; subclasses extend ``visit_Call``.
    """

    def on_begin_file(self) -> None:
        """Use the file's tracker: one for all the rules that see seeds alike."""
        options = {option.name for option in self.options}
        seed_functions: list[str] = (
            self.option("seed-functions")
            if "seed-functions" in options
            else SEED_FUNCTIONS_OPTION.default
        )
        trust = (
            self.option("trust-seed-like-names")
            if "trust-seed-like-names" in options
            else TRUST_OPTION.default
        )
        key = ("seed-tracker", frozenset(seed_functions), trust)
        tracker = self.ctx.shared.get(key)
        if not isinstance(tracker, SeedTracker):
            tracker = SeedTracker(self.ctx, frozenset(seed_functions), trust)
            self.ctx.shared[key] = tracker
        self.seeds = tracker

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
        names = {option.name for option in self.options}
        return (
            self.seeds.is_program
            or module_level_draws
            or self.ctx.notebook is not None
            or (
                "check-library-modules" in names
                and self.option("check-library-modules")
            )
            or (
                "entrypoints" in names
                and _matches_any(self.ctx.relative_path, self.option("entrypoints"))
            )
        )

    def seeded_by_importers(self) -> frozenset[str]:
        """RNG families that some program importing this library module (directly
        or through other project modules) seeds."""
        index = self.ctx.project_index()
        if index is None:
            return frozenset()
        names = {option.name for option in self.options}
        patterns: list[str] = (
            self.option("entrypoints")
            if "entrypoints" in names
            else ENTRYPOINTS_OPTION.default
        )
        entrypoints = [path for path in index.modules if _matches_any(path, patterns)]
        calls = [
            call
            for program in importing_programs(index, self.ctx.path, entrypoints)
            for call in program.seed_calls
        ]
        return families_seeded_by_names(
            calls, self.seeds.seed_functions, self.seeds.trust_seed_like_names
        )

    def seed_here(self) -> str | None:
        """The seed a fix at the current point of the walk writes: the ``seed``
        option, else a deterministic ``SEED`` bound here, else ``0``; None when the
        option names something the module does not define."""
        bound = self.ctx.names.lookup("SEED") is not None
        return self.seed_code(
            lambda name: self.ctx.names.lookup(name) is not None, bound
        )

    def seed_code(
        self, is_defined: Callable[[str], bool], seed_defined: bool
    ) -> str | None:
        """The ``seed`` option as code (an integer, or a name ``is_defined``
        accepts; None for any other name); unset: ``SEED`` when ``seed_defined``
        and it is deterministic, else ``0``."""
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
        return "0"


@dataclass
class _Draw:
    call: cst.Call
    anchor: cst.CSTNode
    qualname: str
    family: str
    module_level: bool
    sequence: int


class UnseededGlobalRng(SeedAwareRule):
    """Calls to a library's global random number generator in a program that never seeds it.

    ## What it does
    Flags calls that draw from a global RNG — numpy's legacy `np.random.*` API, the
    stdlib `random` module functions, and PyTorch's `torch.rand*`/`torch.normal`/
    `nn.init.*_`, TensorFlow's `tf.random.*` and Keras 3's `keras.random.*` ops
    without an op-level `seed=` — when nothing seeds that generator first.
    Names are resolved, so `np.random.rand`,
    `from numpy.random import rand` and `import numpy.random as npr; npr.rand` are
    the same call, and a local variable named `random` is not the module.

    A seed counts when it is deterministic: `np.random.seed(None)`, `random.seed()`
    or a seed taken from the clock is not a seed (see MLD103). Framework seeders
    (`transformers.set_seed`, `lightning.seed_everything`,
    `keras.utils.set_random_seed`), project helpers listed in `seed-functions`, and
    imported helpers named like `set_seed`/`seed_everything` count for every
    library they cover. A torch call given `generator=` is not a global draw.

    Who must seed: a program (a file with an `if __name__ == "__main__":` block,
    module-level random draws, or a path matching the `entrypoints` option) is
    judged on its own seeding; a seed only counts for a module-level draw when it
    comes before it. A library module (only functions and classes) is judged by the
    project: its draws are pinned when a program of the project that imports it,
    directly or through other modules, seeds that generator. mldebt reads the other
    modules for this even when pre-commit passes only the changed files (a small
    import/seed index, cached in `.mldebt_cache/`; `--no-cache` turns the cache off).

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
    Unsafe (it changes the numbers drawn), for `random`, torch and TensorFlow draws
    in a program: inserts `random.seed(S)` / `torch.manual_seed(S)` /
    `tf.random.set_seed(S)` after the imports that precede the first draw, with
    `S` the `seed` option, else a deterministic module-level `SEED` defined before,
    else `0`. There is no automatic fix for numpy draws (move them to a seeded
    `default_rng`) nor for library modules (seed in the program that runs them).
    """

    code = "MLD101"
    name = "unseeded-global-rng"
    uses_project = True
    category = "unseeded-randomness"
    message = "random draw from an unseeded global RNG"
    fix_safety = "unsafe"
    triggers = ("random", "torch")
    options = PROGRAM_OPTIONS

    def on_begin_file(self) -> None:
        super().on_begin_file()
        self.draws: list[_Draw] = []

    def check_call(self, node: cst.Call, qualname: str | None) -> None:
        family = GLOBAL_RNG_CALLS.get(qualname or "")
        if family is None or qualname is None:
            return
        own = OWN_RNG_KEYWORD.get(family)
        if qualname.startswith(OWN_SEED_PREFIXES):
            own = "seed"
        if own is not None:  # `generator=` (torch) or an op-level `seed=` (tf, keras)
            given = argument(node, own)
            if given is not None and not is_none(given.value):
                return
        ctx = self.ctx
        self.draws.append(
            _Draw(
                node,
                ctx.anchor_for(node),
                qualname,
                family,
                not ctx.names.in_function(),
                self.seeds.sequence,
            )
        )

    def end_file(self) -> None:
        if not self.draws:
            return
        alone = self.is_program(any(draw.module_level for draw in self.draws))
        by_importers = frozenset() if alone else self.seeded_by_importers()
        fixes: dict[str, Fix | None] = {}
        for draw in self.draws:
            sequence = draw.sequence if draw.module_level else None
            if self.seeds.seeded(draw.family, sequence) or draw.family in by_importers:
                continue
            if draw.family not in fixes:
                fixes[draw.family] = self._seed_fix(draw.family) if alone else None
            hint = _NUMPY_HINT if draw.family == NUMPY else ""
            who = "this program never seeds" if alone else _NO_IMPORTER
            if alone and self.seeds.seeded(draw.family):
                who = "this program only seeds after this draw"
            self.report(
                draw.call,
                f"`{draw.qualname}` draws from {_FAMILY_LABEL[draw.family]}, "
                f"which {who}{hint}",
                fix=fixes[draw.family],
                anchor=draw.anchor,
            )

    def _seed_expression(self, before: int) -> str | None:
        """The seed the fix writes: the ``seed`` option, else a deterministic
        module-level ``SEED`` defined before statement ``before``, else ``0``."""
        statement = self.seeds.seed_statement
        body: list[cst.CSTNode] = list(self.ctx.module.body)
        module_names = self.ctx.names.module_scope.names
        return self.seed_code(
            lambda name: name in module_names,
            statement is not None and body.index(statement) < before,
        )

    def _seed_fix(self, family: str) -> Fix | None:
        """Insert a seed call after the module's imports, before the first draw."""
        if family not in _SEED_CALL:
            return None
        module_name = _FAMILY_MODULE[family]
        body: list[cst.CSTNode] = list(self.ctx.module.body)
        alias = None
        for name, binding in self.ctx.names.module_scope.names.items():
            if binding.kind == "import" and binding.qualname == module_name:
                if any(binding.node in line.body for line in self.seeds.module_imports):
                    alias = name
        if alias is None:
            return None
        first_draw = min(
            (
                _top_index(body, draw)
                for draw in self.draws
                if draw.family == family and draw.module_level
            ),
            default=len(body),
        )
        imports = [
            line for line in self.seeds.module_imports if body.index(line) < first_draw
        ]
        if not imports:
            return None
        anchor: cst.CSTNode = imports[-1]
        seed = self._seed_expression(first_draw)
        if seed is None:
            return None
        statement = self.seeds.seed_statement
        if seed == "SEED" and statement is not None:
            if body.index(statement) > body.index(anchor):
                anchor = statement
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
            import torch
            from utils import setup_seed
            setup_seed(1)  # an imported project helper named like a seeder
            x = torch.randn(3)
            """),
        Valid("""
            import random
            import keras
            random.seed(42)  # Keras 3 seeds its default generator from `random`
            noise = keras.random.normal((32, 8))
            """),
        Valid("""
            import numpy as np
            import torch
            def set_everything(seed):
                np.random.seed(seed)
                torch.manual_seed(seed)
            set_everything(3)  # a helper in the same file that seeds
            x, w = np.random.rand(3), torch.randn(3)
            """),
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
            np.random.seed(5)
            def jitter(x):  # a library function of a module that seeds numpy itself
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
        Invalid("""
            import numpy as np
            x = np.random.rand(3)
            np.random.seed(0)  # too late for the draw above
            """),
        Invalid("""
            import numpy as np
            def jitter(x):  # a library module: no program of the project seeds it
                return x + np.random.normal(size=x.shape)
            """),
        Invalid("""
            import numpy as np
            SEED = None
            np.random.seed(SEED)
            x = np.random.rand(3)
            """),
        Invalid("""
            import numpy as np
            from utils.config import get_seed
            seed = get_seed("cfg.yaml")  # reads a seed, seeds nothing
            x = np.random.rand(3)
            """),
        Invalid("""
            try:
                import torch
            except ImportError:
                torch = None
            if __name__ == "__main__":
                x = torch.randn(3)
            """),
        Invalid(
            """
            import random
            import numpy as np
            from tools import load
            rows = load()
            random.shuffle(rows)
            """,
            fixed="""
            import random
            import numpy as np
            from tools import load
            random.seed(0)
            rows = load()
            random.shuffle(rows)
            """,
        ),
        Invalid(
            """
            import random
            import time
            SEED = int(time.time())  # not deterministic: the fix does not use it
            if __name__ == "__main__":
                random.shuffle([1, 2])
            """,
            fixed="""
            import random
            import time
            random.seed(0)
            SEED = int(time.time())  # not deterministic: the fix does not use it
            if __name__ == "__main__":
                random.shuffle([1, 2])
            """,
        ),
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
        Invalid(
            """
            import torch.nn as nn
            layer = nn.Linear(3, 4)  # random initial weights
            nn.init.xavier_uniform_(layer.weight)
            """,
            count=2,
        ),
        Invalid(
            """
            import torch
            from torch import nn
            net = nn.Linear(3, 4)
            x = torch.randn(8, 3)
            """,
            count=2,
            options={"seed": 1234},
            fixed="""
            import torch
            from torch import nn
            torch.manual_seed(1234)
            net = nn.Linear(3, 4)
            x = torch.randn(8, 3)
            """,
        ),
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


def _top_index(body: list[cst.CSTNode], draw: _Draw) -> int:
    """Index in the module body of the top-level statement a draw runs in."""
    anchor = draw.anchor
    for index, statement in enumerate(body):
        if statement is anchor or (
            isinstance(statement, cst.SimpleStatementLine) and anchor in statement.body
        ):
            return index
        if isinstance(statement, cst.BaseCompoundStatement) and _contains(
            statement, anchor
        ):
            return index
    return len(body)


def _contains(root: cst.CSTNode, node: cst.CSTNode) -> bool:
    from mldebt.engine.traversal import iter_nodes

    return any(inner is node for inner in iter_nodes(root))


def _matches_any(path: str, patterns: list[str]) -> bool:
    name = os.path.basename(path)
    return any(
        fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(path, pattern)
        for pattern in patterns
    )


_DISCARDED = (
    "a seeded generator object seeds nothing else; keep it and draw from it "
    "(`rng = np.random.default_rng(SEED)`)"
)


class UnseededRngInstance(Rule):
    """Random generator objects created without a seed.

    ## What it does
    Flags `np.random.default_rng()`, `np.random.RandomState()`, numpy bit generators
    (`PCG64()`, `MT19937()`, ...) and `SeedSequence()` created without a seed (or
    with `None`), and `random.Random()` without a seed. (An unseeded `torch.Generator()` is not
    flagged: it starts from a fixed default seed, so it is reproducible.)

    It also flags a seeded generator that is created and thrown away
    (`np.random.default_rng(42)` or `torch.Generator().manual_seed(0)` as a
    statement of its own): that looks like seeding but pins nothing.

    ## Why is this bad?
    A generator without a seed starts from fresh operating-system entropy: each
    run draws different numbers, even though passing a generator around looks like
    careful, reproducible code. A generator that is thrown away leaves every global
    RNG exactly as unseeded as before.

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

    def visit_Call(self, node: cst.Call) -> None:
        qualname = self.ctx.qualified_name(node.func)
        if qualname is None:
            self._check_discarded_torch_generator(node)
            return
        parameter = RNG_CONSTRUCTORS.get(qualname)
        if parameter is None or has_star_args(node):
            return
        arg = argument(node, *parameter)
        if arg is None or is_none(arg.value) or names_none(self.ctx, arg.value):
            self.report(
                node,
                f"`{qualname}()` without a seed starts from fresh OS entropy "
                "on every run",
            )
        elif self._discarded(node):
            self.report(
                node, f"`{qualname}(...)` is created and thrown away: {_DISCARDED}"
            )

    def _check_discarded_torch_generator(self, node: cst.Call) -> None:
        """``torch.Generator().manual_seed(0)`` as a statement of its own."""
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "manual_seed"
            and isinstance(func.value, cst.Call)
            and self.ctx.qualified_name(func.value.func) == "torch.Generator"
            and self._discarded(node)
        ):
            self.report(
                node,
                f"`torch.Generator().manual_seed(...)` is thrown away: {_DISCARDED}",
            )

    def _discarded(self, node: cst.Call) -> bool:
        """Whether the call is a whole expression statement (its value unused)."""
        parent = self.ctx.parent(node)
        return isinstance(parent, cst.Expr)

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
        Invalid("import numpy as np\nSEED = None\nrng = np.random.default_rng(SEED)\n"),
        Invalid("import numpy as np\nnp.random.default_rng(42)  # seeds nothing\n"),
        Invalid("import torch\ntorch.Generator().manual_seed(0)\nx = torch.rand(3)\n"),
        Invalid("""
            import numpy as np
            def subsample(df):
                rng = np.random.default_rng()
                return df.iloc[rng.choice(len(df), size=500, replace=False)]
            """),
    )


class NondeterministicSeed(SeedAwareRule):
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

    def check_call(self, node: cst.Call, qualname: str | None) -> None:
        if qualname is None:
            self._check_generator_method(node)
            return
        if qualname in ENTROPY_RESEEDS:
            self.report(
                node, f"`{qualname}()` re-seeds from OS entropy: it pins nothing"
            )
            return
        seeder = SEEDERS.get(qualname)
        if seeder is not None:
            arg = argument(node, seeder.keyword, seeder.position)
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
            return
        if self.seeds.is_seed_helper(node, qualname) and node.args:
            if not node.args[0].star and node.args[0].keyword is None:
                self._check_value(node, qualname, node.args[0].value)

    def _check_generator_method(self, node: cst.Call) -> None:
        """``g.manual_seed(time.time())`` on a generator object."""
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "manual_seed"
            and node.args
            and not node.args[0].star
        ):
            self._check_value(node, "manual_seed", node.args[0].value)

    def _check_value(
        self,
        node: cst.Call,
        qualname: str,
        value: cst.BaseExpression,
        allow_none: bool = False,
    ) -> None:
        if is_none(value) or names_none(self.ctx, value):
            if not allow_none:  # constructors with None are MLD102's
                self.report(node, f"`{qualname}(None)` re-seeds from OS entropy")
            return
        source = self.seeds.entropy_source(value)
        if source is not None:
            self.report(
                node,
                f"seed for `{qualname}` comes from `{source}()`, which changes on "
                "every run",
            )

    valid = (
        Valid("""
            import random
            import numpy as np
            random.seed(42)
            np.random.seed(random.randint(0, 2**32 - 1))  # drawn from a seeded RNG
            """),
        Valid("import numpy as np\nnp.random.seed(42)\n"),
        Valid("import random\nSEED = 13\nrandom.seed(SEED)\n"),
        Valid("import torch\ntorch.manual_seed(args.seed)\n"),
        Valid("import numpy as np\nrng = np.random.default_rng(cfg.seed)\n"),
        Valid("import time\nstarted = time.time()\n"),
        Valid("def seed():\n    pass\nseed()\n"),
        Valid("import numpy as np\nnp.random.seed(*seeds)\n"),
    )
    invalid = (
        Invalid('import numpy as np\nnp.random.seed(hash("exp") % 2**32)\n'),
        Invalid(
            "import time\nfrom utils import seed_everything\n"
            "seed_everything(int(time.time()))\n"
        ),
        Invalid(
            "import time, torch\ng = torch.Generator()\ng.manual_seed(int(time.time()))\n"
        ),
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
        Invalid("from lightning import seed_everything\nseed_everything(None)\n"),
    )


def _literal(node: cst.BaseExpression) -> object:
    """The value of a literal ``True``/``False``/string/number, or a sentinel."""
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value
    if isinstance(node, cst.Integer):
        return int(node.value)
    return _UNKNOWN


_UNKNOWN = object()


def _sklearn_is_random(node: cst.Call, name: str) -> bool:
    """Whether an sklearn call draws random numbers with these arguments."""
    if name in SKLEARN_ALWAYS_RANDOM:
        return True
    when = SKLEARN_RANDOM_WHEN.get(name)
    if when is None:
        return False
    arg = argument(node, when.keyword, when.position)
    if arg is None:
        return when.default_random
    value = _literal(arg.value)
    if value is _UNKNOWN:
        return False  # decided at run time: do not guess
    return value in when.values


class MissingRandomState(SeedAwareRule):
    """Randomised estimators, splitters and samplers called without `random_state`.

    ## What it does
    Flags scikit-learn estimators, splitters and functions whose result is random
    (`train_test_split`, `ShuffleSplit`, `KFold(shuffle=True)`, `RandomForest*`,
    `GradientBoosting*`, `KMeans`, `TSNE`, `make_classification`, ... and the ones
    random only with some arguments, such as `LogisticRegression(solver="saga")` or
    `SVC(probability=True)`), imbalanced-learn samplers, `umap.UMAP`, pandas
    `.sample(...)` and Hugging Face `datasets` `.shuffle()`/`.train_test_split()`
    when no seed is passed (`random_state=`, or `seed=` for `datasets`).
    Deterministic ones (`LinearRegression`, `StandardScaler`, `KFold()` without
    shuffling, lbfgs `LogisticRegression`) are never flagged, and XGBoost/LightGBM
    are not either: they are repeatable without a seed.

    With `random_state=None`, scikit-learn, pandas and map-style `datasets`
    shuffles draw from numpy's global RNG, so a deterministic `np.random.seed(k)`
    also pins them: one that runs before a module-level call, one anywhere in the
    file for calls inside functions, or, for a library module, one in a program of
    the project that imports it (as in MLD101). A `.sample(...)` counts as pandas'
    only with a pandas keyword (`n=`, `frac=`, `replace=`, `weights=`, `axis=`),
    and a `.shuffle()` as `datasets`' only on a dataset the code got from
    `datasets` (`load_dataset(...)["train"]`).

    ## Why is this bad?
    Every run splits, samples and initialises differently: the same code gives a
    different score each time, and a change cannot be told apart from noise.

    ## Example
    ```python
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import train_test_split

    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
    model = RandomForestClassifier(n_estimators=200)
    ```

    ## Use instead
    ```python
    SEED = 42
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=SEED
    )
    model = RandomForestClassifier(n_estimators=200, random_state=SEED)
    ```

    ## Fix
    Unsafe (it changes the results): adds `random_state=SEED` (`seed=` for
    `datasets`) using the `seed` option, else a deterministic `SEED` defined before
    the call, else `0`.
    """

    code = "MLD104"
    name = "missing-random-state"
    uses_project = True
    category = "unseeded-randomness"
    message = "random result without `random_state`"
    triggers = ("sklearn", "imblearn", "umap", "sample", "shuffle", "train_test_split")
    fix_safety = "unsafe"
    options = (SEED_FUNCTIONS_OPTION, TRUST_OPTION, SEED_OPTION)

    def check_call(self, node: cst.Call, qualname: str | None) -> None:
        if has_star_args(node):
            return  # **params may carry the seed
        if qualname is None:
            self._check_method(node)
            return
        parts = qualname.split(".")
        name = parts[-1]
        if parts[0] == "sklearn":
            random = _sklearn_is_random(node, name)
        else:
            random = any(
                qualname.startswith(prefix) and name in names
                for prefix, names in OTHER_RANDOM_STATE.items()
            )
        if random:
            self._require(node, "random_state", None, qualname)

    def on_begin_file(self) -> None:
        super().on_begin_file()
        self.pending: list[_Pending] = []

    def _check_method(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        if self.ctx.qualified_name(func.value) is not None:
            return  # a module's function, not a DataFrame or Dataset method
        method = func.attr.value
        keywords = _keywords(node)
        if (
            method == "sample"
            and keywords & _PANDAS_SAMPLE_KEYWORDS  # not random.sample / dist.sample
            and self.ctx.names.is_imported("pandas")
        ):
            self._require(node, "random_state", 4, "DataFrame.sample")
        elif method in ("shuffle", "train_test_split"):
            origin = receiver_origin(self.ctx, func.value)
            if origin is None or not origin.startswith("datasets."):
                return
            shuffle = argument(node, "shuffle")
            if shuffle is not None and _literal(shuffle.value) is False:
                return
            if not {"seed", "generator"} & keywords:
                self._require(node, "seed", None, f"Dataset.{method}")

    def _require(
        self, node: cst.Call, keyword: str, position: int | None, shown: str
    ) -> None:
        arg = argument(node, keyword, position)
        if (
            arg is not None
            and not is_none(arg.value)
            and not names_none(self.ctx, arg.value)
        ):
            return
        fix = None
        seed = self.seed_here()
        if seed is not None and arg is None:
            fix = Fix.replace(
                node,
                with_keyword_argument(node, keyword, seed),
                message=f"Pass `{keyword}={seed}`",
                applicability="unsafe",
            )
        self.pending.append(
            _Pending(
                node,
                self.ctx.anchor_for(node),
                f"`{shown}` is random and gets no `{keyword}`",
                self.seeds.sequence,
                not self.ctx.names.in_function(),
                fix,
            )
        )

    def end_file(self) -> None:
        # With `random_state=None` scikit-learn, pandas and `datasets` draw from
        # numpy's global RNG: a numpy seed in effect pins them, as for MLD101.
        if not self.pending:
            return
        alone = self.is_program(any(item.module_level for item in self.pending))
        by_importers = frozenset() if alone else self.seeded_by_importers()
        for item in self.pending:
            sequence = item.sequence if item.module_level else None
            if self.seeds.seeded(NUMPY, sequence) or NUMPY in by_importers:
                continue
            self.report(item.node, item.message, fix=item.fix, anchor=item.anchor)

    valid = (
        Valid("from sklearn.model_selection import KFold\ncv = KFold(n_splits=5)\n"),
        Valid(
            "from sklearn.linear_model import LogisticRegression\n"
            "from xgboost import XGBClassifier\n"
            "clf = LogisticRegression(max_iter=500)\nmodel = XGBClassifier(n_estimators=9)\n"
        ),
        Valid(
            "from sklearn.model_selection import train_test_split\n"
            "X_tr, X_te = train_test_split(X, shuffle=False)\n"
        ),
        Valid(
            "from sklearn.ensemble import RandomForestClassifier as RF\n"
            "def build(seed):\n    return RF(n_estimators=10, random_state=seed)\n"
        ),
        Valid(
            "import numpy as np\nfrom sklearn.cluster import KMeans\n"
            "np.random.seed(0)  # random_state=None falls back on numpy's global RNG\n"
            "km = KMeans(n_clusters=3)\n"
        ),
        Valid(
            "from sklearn.preprocessing import StandardScaler\nscaler = StandardScaler()\n"
        ),
        Valid(
            "import random\nrows = random.sample(range(10), 3)  # stdlib, not pandas\n"
        ),
        Valid("from sklearn.svm import SVC\nclf = SVC(kernel='rbf')\n"),
        Valid(
            "from sklearn.ensemble import RandomForestClassifier\nm = RandomForestClassifier(**params)\n"
        ),
        Valid("import pandas as pd\nholdout = df.sample(frac=0.2, random_state=7)\n"),
        Valid("""
            import numpy as np
            from sklearn.model_selection import train_test_split
            def split(X, y):
                return train_test_split(X, y, test_size=0.2)
            if __name__ == "__main__":
                np.random.seed(42)  # runs before split(): random_state=None uses it
                split(X, y)
            """),
        Valid("""
            import pandas as pd
            import random
            def pick(items, rng: random.Random):
                return rng.sample(items, 2)  # not pandas: no pandas keyword
            def latents(q):
                return q.sample()
            """),
        Valid("""
            from datasets import load_dataset
            import random
            ds = load_dataset("imdb")
            split = ds["train"].train_test_split(test_size=0.1, shuffle=False)
            files = ["a", "b"]
            random.Random(3).shuffle(files)  # not a Dataset
            """),
    )
    invalid = (
        Invalid(
            """
            from sklearn.model_selection import train_test_split
            def split(df, X, y):
                return train_test_split(X, y, test_size=0.25, stratify=y)
            """,
            line=3,
            column=12,
            fixed="""
            from sklearn.model_selection import train_test_split
            def split(df, X, y):
                return train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
            """,
        ),
        Invalid(
            """
            from sklearn.model_selection import StratifiedKFold, cross_val_score
            from sklearn.ensemble import ExtraTreesClassifier
            SEED = 3
            cv = StratifiedKFold(n_splits=5, shuffle=True)
            scores = cross_val_score(ExtraTreesClassifier(), X, y, cv=cv)
            """,
            count=2,
            fixed="""
            from sklearn.model_selection import StratifiedKFold, cross_val_score
            from sklearn.ensemble import ExtraTreesClassifier
            SEED = 3
            cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
            scores = cross_val_score(ExtraTreesClassifier(random_state=SEED), X, y, cv=cv)
            """,
        ),
        Invalid(
            "import sklearn.cluster as skc\nkm = skc.KMeans(n_clusters=3, random_state=None)\n"
        ),
        Invalid(
            "from sklearn.linear_model import LogisticRegression\n"
            "clf = LogisticRegression(solver='saga')\n"
        ),
        Invalid(
            "import pandas as pd\ndef split(df):\n    return df.sample(frac=0.2)\n"
        ),
        Invalid(
            "from sklearn.datasets import make_classification\nX, y = make_classification(100)\n"
        ),
        Invalid("from imblearn.over_sampling import SMOTE\nsm = SMOTE()\n"),
        Invalid(
            "from datasets import load_dataset\nds = load_dataset('imdb')\n"
            "train = ds['train'].shuffle()\n"
        ),
    )


@dataclass
class _Pending:
    node: cst.Call
    anchor: cst.CSTNode
    message: str
    sequence: int
    module_level: bool
    fix: Fix | None


# Keywords only pandas' DataFrame/Series.sample takes (not random.sample,
# torch distributions or a Generator): the sign a `.sample(...)` is pandas'.
_PANDAS_SAMPLE_KEYWORDS = frozenset({"frac", "n", "replace", "weights", "axis"})


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


def _keywords(node: cst.Call) -> set[str]:
    return {arg.keyword.value for arg in node.args if arg.keyword is not None}


class UnseededDataOrder(SeedAwareRule):
    """Shuffled data loading whose order the program does not pin.

    ## What it does
    Flags `DataLoader(..., shuffle=True)` (also when `shuffle` is passed by
    position), `RandomSampler`, `SubsetRandomSampler`, `WeightedRandomSampler` and
    `random_split` without `generator=`, when torch is not seeded with
    `torch.manual_seed` (or a framework seeder); and `tf.data` `.shuffle(...)`
    without `seed=` when `tf.random.set_seed` is never called. A `DataLoader` that
    does not shuffle is never flagged. Programs and library modules are judged as
    in MLD101: a library module is pinned by the programs of the project that
    import it.

    ## Why is this bad?
    The order of batches changes every run, and so do the gradients, the learned
    weights and the metrics, even with everything else seeded.

    ## Example
    ```python
    from torch.utils.data import DataLoader

    if __name__ == "__main__":
        loader = DataLoader(train_ds, batch_size=64, shuffle=True)
    ```

    ## Use instead
    ```python
    import torch
    from torch.utils.data import DataLoader

    SEED = 42
    if __name__ == "__main__":
        loader = DataLoader(
            train_ds, batch_size=64, shuffle=True,
            generator=torch.Generator().manual_seed(SEED),
        )
    ```
    or call `torch.manual_seed(SEED)` once at start-up.

    ## Fix
    Unsafe (it changes the order): adds
    `generator=torch.Generator().manual_seed(SEED)` when the module imports
    `torch`, with the seed chosen as for MLD104.
    """

    code = "MLD105"
    name = "unseeded-data-order"
    uses_project = True
    category = "unseeded-randomness"
    message = "shuffled data order that is never seeded"
    triggers = ("DataLoader", "Sampler", "random_split", "shuffle")
    fix_safety = "unsafe"
    options = PROGRAM_OPTIONS

    def on_begin_file(self) -> None:
        super().on_begin_file()
        self.candidates: list[
            tuple[cst.Call, cst.CSTNode, str, str, int, bool, Fix | None]
        ] = []

    def check_call(self, node: cst.Call, qualname: str | None) -> None:
        if has_star_args(node):
            return
        ctx = self.ctx
        module_level = not ctx.names.in_function()
        if qualname is None:
            func = node.func
            if (
                isinstance(func, cst.Attribute)
                and func.attr.value == "shuffle"
                and "seed" not in _keywords(node)
                and (receiver_origin(ctx, func.value) or "").startswith(
                    "tensorflow.data."
                )
            ):
                self.candidates.append(
                    (
                        node,
                        ctx.anchor_for(node),
                        "Dataset.shuffle",
                        TENSORFLOW,
                        self.seeds.sequence,
                        module_level,
                        None,
                    )
                )
            return
        parts = qualname.split(".")
        if parts[:3] != ["torch", "utils", "data"]:
            return
        spec = TORCH_DATA_ORDER.get(parts[-1])
        if spec is None:
            return
        switch, generator_position = spec
        if switch is not None:
            arg = argument(node, *switch)
            if arg is None or _literal(arg.value) is not True:
                return
        generator = argument(node, "generator", generator_position)
        if generator is not None and not is_none(generator.value):
            return
        self.candidates.append(
            (
                node,
                ctx.anchor_for(node),
                qualname,
                TORCH,
                self.seeds.sequence,
                module_level,
                self._generator_fix(node) if generator is None else None,
            )
        )

    def _generator_fix(self, node: cst.Call) -> Fix | None:
        torch_alias = next(
            (
                name
                for name, binding in self.ctx.names.module_scope.names.items()
                if binding.kind == "import" and binding.qualname == "torch"
            ),
            None,
        )
        seed = self.seed_here()
        if torch_alias is None or seed is None:
            return None
        value = f"{torch_alias}.Generator().manual_seed({seed})"
        return Fix.replace(
            node,
            with_keyword_argument(node, "generator", value),
            message=f"Pass `generator={value}`",
            applicability="unsafe",
        )

    def end_file(self) -> None:
        if not self.candidates:
            return
        alone = self.is_program(any(c[5] for c in self.candidates))
        by_importers = frozenset() if alone else self.seeded_by_importers()
        for node, anchor, shown, family, sequence, module_level, fix in self.candidates:
            if self.seeds.seeded(family, sequence if module_level else None):
                continue
            if family in by_importers:
                continue
            keyword = "generator" if family == TORCH else "seed"
            who = "this program never seeds" if alone else _NO_IMPORTER
            self.report(
                node,
                f"`{shown}` shuffles with {_FAMILY_LABEL[family]}, which {who}, "
                f"and gets no `{keyword}=`",
                fix=fix,
                anchor=anchor,
            )

    valid = (
        Valid(
            "from torch.utils.data import DataLoader\n"
            "if __name__ == '__main__':\n    val_loader = DataLoader(val_ds, batch_size=64)\n"
        ),
        Valid(
            "import torch\nfrom torch.utils.data import DataLoader\ntorch.manual_seed(0)\n"
            "loader = DataLoader(ds, batch_size=8, shuffle=True)\n"
        ),
        Valid(
            "import torch\nfrom torch.utils.data import DataLoader\n"
            "g = torch.Generator().manual_seed(0)\n"
            "loader = DataLoader(ds, 8, True, generator=g)\n"
        ),
        Valid(
            "from torch.utils.data import DataLoader\n"
            "def make_loader(ds, generator):  # the caller passes the generator\n"
            "    return DataLoader(ds, batch_size=8, shuffle=True, generator=generator)\n"
        ),
        Valid(
            "from torch.utils.data import DataLoader\n"
            "loader = DataLoader(ds, batch_size=8, shuffle=cfg.shuffle)  # decided at run time\n"
        ),
        Valid(
            "import tensorflow as tf\ntf.random.set_seed(1)\n"
            "ds = tf.data.Dataset.range(10).shuffle(10)\n"
        ),
        Valid(
            "from lightning import seed_everything\nfrom torch.utils.data import random_split\n"
            "seed_everything(3)\ntrain, val = random_split(ds, [0.8, 0.2])\n"
        ),
    )
    invalid = (
        Invalid(
            """
            from torch.utils.data import DataLoader
            def main(train_ds):
                return DataLoader(train_ds, 64, True)
            if __name__ == "__main__":
                main([])
            """,
            line=3,
            column=12,
        ),
        Invalid(
            """
            import torch
            from torch.utils.data import DataLoader
            SEED = 5
            loader = DataLoader(ds, batch_size=8, shuffle=True)
            """,
            fixed="""
            import torch
            from torch.utils.data import DataLoader
            SEED = 5
            loader = DataLoader(ds, batch_size=8, shuffle=True, generator=torch.Generator().manual_seed(SEED))
            """,
        ),
        Invalid("import torch.utils.data as tud\nsampler = tud.RandomSampler(ds)\n"),
        Invalid(
            "from torch.utils.data import random_split\ntrain, val = random_split(ds, [0.8, 0.2])\n"
        ),
        Invalid(
            "import torch\nfrom torch.utils.data import DataLoader\n"
            "loader = DataLoader(ds, batch_size=8, shuffle=True, generator=None)\n"
        ),
        Invalid(
            "import tensorflow as tf\nds = tf.data.Dataset.range(10).shuffle(10)\n"
        ),
        Invalid(
            "from torch.utils.data import DataLoader\n"
            "def make_loader(ds):  # library code that no program of the project seeds\n"
            "    return DataLoader(ds, batch_size=8, shuffle=True)\n"
        ),
        Invalid(
            "import torch\nfrom torch.utils.data import DataLoader\n"
            "loader = DataLoader(ds, batch_size=8, shuffle=True)\ntorch.manual_seed(0)  # too late\n"
        ),
    )


class LegacyNumpyRandom(Rule):
    """Any use of numpy's legacy global random API (opt-in).

    ## What it does
    Flags every call of the legacy `np.random.*` module API — the draws and
    `np.random.seed` itself — even in a program that seeds it. Off by default:
    select `MLD107` if your team wants all randomness to go through explicit
    generators (the same advice as Ruff's NPY002).

    ## Why is this bad?
    The global state is shared by every library that uses it: any import or call
    that draws from it shifts every later number, so seeding once at start-up is
    fragile. An explicit `Generator` is passed where it is needed and cannot be
    disturbed from outside.

    ## Example
    ```python
    import numpy as np

    np.random.seed(42)
    noise = np.random.normal(size=10)
    ```

    ## Use instead
    ```python
    import numpy as np

    rng = np.random.default_rng(42)
    noise = rng.normal(size=10)
    ```
    """

    code = "MLD107"
    name = "numpy-legacy-random"
    category = "unseeded-randomness"
    message = "numpy's legacy global random API"
    triggers = ("random",)
    default_enabled = False

    def visit_Call(self, node: cst.Call) -> None:
        qualname = self.ctx.qualified_name(node.func)
        if qualname is None:
            return
        if GLOBAL_RNG_CALLS.get(qualname) == NUMPY or qualname in (
            "numpy.random.seed",
            "numpy.random.get_state",
            "numpy.random.set_state",
        ):
            self.report(
                node,
                f"`{qualname}` uses numpy's legacy global RNG; "
                "use a `np.random.default_rng(seed)` generator",
            )

    valid = (
        Valid(
            "import numpy as np\nrng = np.random.default_rng(42)\nx = rng.normal()\n"
        ),
        Valid("import numpy as np\ng = np.random.Generator(np.random.PCG64(1))\n"),
        Valid("import random\nrandom.seed(1)\n"),
        Valid("def f(np):\n    return np.random.rand()\n"),
        Valid("import numpy as np\nx = np.random.default_rng(1).random()\n"),
        Valid("from numpy.random import default_rng\nrng = default_rng(3)\n"),
    )
    invalid = (
        Invalid("import numpy as np\nnp.random.seed(42)\n", line=2, column=1),
        Invalid(
            "import numpy as np\nnp.random.seed(1)\nx = np.random.normal(size=3)\n",
            count=2,
        ),
        Invalid("from numpy.random import shuffle\nshuffle(items)\n"),
        Invalid("import numpy.random as npr\nstate = npr.get_state()\n"),
        Invalid("from numpy import random as nr\nx = nr.rand(3)\n"),
        Invalid("import numpy\nnumpy.random.permutation(10)\n"),
    )
