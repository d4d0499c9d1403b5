"""MLD101 unseeded-global-rng.

Calls to a library's global random number generator in a program that never seeds
it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from mldebt.engine.helpers import argument, is_none
from mldebt.engine.rule import Fix, Invalid, Valid
from mldebt.rules.unseeded_randomness import _fix_seed as fix_seed
from mldebt.rules.unseeded_randomness._seed_aware import FAMILY_LABEL, SeedAwareRule
from mldebt.rules.unseeded_randomness._seeding import Site
from mldebt.rules.unseeded_randomness.api import (
    GLOBAL_RNG_CALLS,
    IMPLICIT_DRAWS,
    NUMPY,
    RANDOM,
    TENSORFLOW,
    TORCH,
    own_seed_keyword,
)

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

# A draw that only gives an export or a trace an input of the right shape.
_TRACING_CALLS = frozenset(
    {
        "torch.onnx.export",
        "torch.jit.trace",
        "torch.jit.trace_module",
        "torch.export.export",
        "torch.fx.symbolic_trace",
    }
)
_DUMMY_INPUT = re.compile(
    r"(dummy|fake|example|sample|test|trace|tracing)_?(input|inputs|x|tensor|batch)s?",
    re.IGNORECASE,
)

# What to do, per library (the message's last words).
_ADVICE = {
    NUMPY: "; draw from a seeded `np.random.default_rng(seed)` instead",
    RANDOM: "; call `random.seed(seed)` at start-up, or draw from `random.Random(seed)`",
    TORCH: "; call `torch.manual_seed(seed)` at start-up, or pass a seeded `generator=`",
    TENSORFLOW: "; call `tf.random.set_seed(seed)` at start-up, or pass `seed=`",
}


@dataclass
class _Draw:
    call: cst.Call
    anchor: cst.CSTNode
    qualname: str
    family: str
    module_level: bool
    sequence: int
    # the module-level statement the draw runs in (None outside the walk)
    top: cst.CSTNode | None
    site: Site


class UnseededGlobalRng(SeedAwareRule):
    """Calls to a library's global random number generator in a program that never seeds it.

    ## What it does
    Flags calls that draw from a global RNG — numpy's legacy `np.random.*` API, the
    stdlib `random` module functions, and PyTorch's `torch.rand*`/`torch.normal`/
    `nn.init.*_`, TensorFlow's `tf.random.*` (and TensorFlow 1.x's
    `tf.random_uniform`, `tf.truncated_normal`, initialisers, `tf.compat.v1`) and
    Keras 3's `keras.random.*` ops without an op-level `seed=`, and scipy.stats'
    `.rvs()` without `random_state=` (numpy's global RandomState) — when nothing
    seeds that generator first.
    Names are resolved, so `np.random.rand`,
    `from numpy.random import rand` and `import numpy.random as npr; npr.rand` are
    the same call, and a local variable named `random` is not the module.

    A seed counts when it is deterministic: `np.random.seed(None)`, `random.seed()`
    or a seed taken from the clock is not a seed (see MLD103). Framework seeders
    (`transformers.set_seed`, `lightning.seed_everything`,
    `keras.utils.set_random_seed`), project helpers listed in `seed-functions`, and
    imported helpers named like `set_seed`/`seed_everything` count for every
    library they cover. A torch call given `generator=` is not a global draw.

    Layers that initialise their weights (or drop) at random — `nn.Linear`,
    `nn.Conv2d`, `nn.Embedding`, RNNs, `nn.Dropout`, ... — draw without asking:
    one missing seed makes all of them irreproducible, so they are reported once
    per generator and file, at the first construction, with how many more there
    are. Explicit draws (`torch.randn`, `nn.init.*_`, `np.random.*`) are one
    finding each.

    Who must seed: a program (a file whose `if __name__ == "__main__":` block runs
    the program's work, a run script with module-level draws or module-level calls
    of its functions that draw, a notebook, or a path matching the `entrypoints`
    option) is judged on its own seeding, in the order it runs: a seed counts for
    a module-level draw when it comes before it, for a draw in a function when it
    comes before it in that function, or at module level before the call that
    first reaches the function (`main()` then `torch.manual_seed(0)` is too late);
    a seed in another function is taken to run first. A `__main__` block that only
    builds the file's own classes (to print a shape, to profile them) or runs its
    tests, and calls none of the file's functions nor trains or writes anything,
    is a demo: its draws are not reported and the file is a library module.

    A library module is judged by the project: its draws are pinned when a program
    of the project that imports it, directly or through other modules (notebooks
    included), seeds that generator; they are reported, naming one such program,
    when none does; and not at all when no program of the project imports it (its
    users' programs must seed; `check-library-modules` judges it alone). mldebt
    reads the other modules for this even when pre-commit passes only the changed
    files (a small import/seed index, cached in `.mldebt_cache/`; `--no-cache`
    turns the cache off). A project helper such as `utils.set_seed(seed)` counts
    for the generators its body seeds.

    Each message ends with what to do for that library, and names the seed that
    came too late or the seeders that pin other generators only.

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
    in a program, never in a library module (seed in the program that runs it):
    inserts `random.seed(S)` / `torch.manual_seed(S)` / `tf.random.set_seed(S)`.

    Where: as the first statement of the `if __name__ == "__main__":` block (not
    inside the function it calls), unless a draw runs at module level before that
    block; then after the imports (`try:` import blocks, `from __future__` and the
    module docstring included) that precede the first draw.

    `S`, in this order: the `seed` option; a deterministic module-level `SEED`
    defined before; `args.seed` when the file declares `add_argument("--seed")`,
    with the seed call moved right after `args = parser.parse_args()` (whatever
    the target is named) when that line runs before any draw; the seed another
    generator is given (`np.random.seed(SEED_VAL)`, `np.random.seed(args.seed)` in
    `main()`: a number, name, attribute or item, never a call), with the seed call
    right after that one; else `0`. There is no automatic fix for numpy draws
    (move them to a seeded `default_rng`).
    """

    code = "MLD101"
    name = "unseeded-global-rng"
    uses_project = True
    category = "unseeded-randomness"
    message = "random draw from an unseeded global RNG"
    fix_safety = "unsafe"
    triggers = ("random", "torch", "tensorflow", ".rvs(")

    def on_begin_file(self) -> None:
        super().on_begin_file()
        self.draws: list[_Draw] = []

    def check_call(self, node: cst.Call, qualname: str | None) -> None:
        family = GLOBAL_RNG_CALLS.get(qualname or "")
        if family is None or qualname is None:
            return
        own = own_seed_keyword(qualname, family)
        if own is not None:  # `generator=` (torch), an op-level `seed=` (tf, keras)
            given = argument(node, own)
            if given is not None and not is_none(given.value):
                return
        if self._feeds_a_dummy_input():
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
                ctx.ancestors[1] if len(ctx.ancestors) > 1 else None,
                self.seeds.site(),
            )
        )

    def _feeds_a_dummy_input(self) -> bool:
        """Whether the draw at this point of the walk only makes an input of the
        right shape: passed to an export or trace call, or stored in a name like
        ``dummy_input`` (bound or appended to). Its values change nothing."""
        for node in reversed(self.ctx.ancestors):
            if isinstance(node, cst.Call):
                if self.ctx.qualified_name(node.func) in _TRACING_CALLS:
                    return True
                func = node.func
                if (
                    isinstance(func, cst.Attribute)
                    and func.attr.value in ("append", "extend")
                    and isinstance(func.value, cst.Name)
                    and _DUMMY_INPUT.fullmatch(func.value.value)
                ):
                    return True
            elif isinstance(node, (cst.Assign, cst.AnnAssign)):
                targets = (
                    [t.target for t in node.targets]
                    if isinstance(node, cst.Assign)
                    else [node.target]
                )
                return any(
                    isinstance(t, cst.Name) and _DUMMY_INPUT.fullmatch(t.value)
                    for t in targets
                )
            elif isinstance(node, cst.BaseStatement):
                return False
        return False

    def end_file(self) -> None:
        if not self.draws:
            return
        self.start_judging(draw.site for draw in self.draws)
        unseeded: list[tuple[_Draw, str]] = []
        for draw in self.draws:
            who = self.unpinned(draw.family, draw.site)
            if who is not None:
                unseeded.append((draw, who))
        # One missing seed, one finding: the layers that initialise (or drop) at
        # random are reported once per generator, at the first construction.
        implicit: dict[str, list[_Draw]] = {}
        for draw, _ in unseeded:
            if draw.qualname in IMPLICIT_DRAWS:
                implicit.setdefault(draw.family, []).append(draw)
        fixes: dict[str, Fix | None] = {}
        for draw, who in unseeded:
            layers = implicit.get(draw.family, [])
            if draw.qualname in IMPLICIT_DRAWS and draw is not layers[0]:
                continue
            if draw.family not in fixes:
                fixes[draw.family] = (
                    self._seed_fix(draw.family) if self._alone else None
                )
            hint = _ADVICE[draw.family]
            what = f"`{draw.qualname}` draws from"
            if draw.qualname in IMPLICIT_DRAWS:
                more = len(layers) - 1
                what = f"`{draw.qualname}` initialises its weights at random from"
                if more:
                    what = (
                        f"`{draw.qualname}` and {more} more layer"
                        f"{'s' if more > 1 else ''} in this file initialise their "
                        "weights at random from"
                    )
            self.report(
                draw.call,
                f"{what} {FAMILY_LABEL[draw.family]}, which {who}{hint}",
                fix=fixes[draw.family],
                anchor=draw.anchor,
            )

    def _seed_expression(self, before: int, position: dict[int, int]) -> str | None:
        """The seed the fix writes if the program states one: the ``seed`` option,
        else a deterministic module-level ``SEED`` defined before statement
        ``before``; ``""`` when neither (the fix then looks further)."""
        statement = self.seeds.seed_statement
        module_names = self.ctx.names.module_scope.names
        return self.seed_code(
            lambda name: name in module_names,
            statement is not None and position[id(statement)] < before,
            fallback="",
        )

    def _seed_fix(self, family: str) -> Fix | None:
        """Insert a seed call where the program starts: first in its ``__main__``
        block, else after the module's imports, before the first draw; with the
        seed the program already has (see the docs' Fix section)."""
        if family not in _SEED_CALL:
            return None
        module = self.ctx.module
        body: list[cst.CSTNode] = list(module.body)
        # each statement's index, once: a file with thousands of draws is not
        # scanned once per draw
        position = {id(statement): index for index, statement in enumerate(body)}
        imports = [line for line in body if fix_seed.is_import_statement(line)]
        import_ids = {
            id(node): position[id(line)]
            for line in imports
            for node in fix_seed.import_nodes(line)
        }
        module_name = _FAMILY_MODULE[family]
        alias, alias_at = None, len(body)
        for name, binding in self.ctx.names.module_scope.names.items():
            if binding.kind == "import" and binding.qualname == module_name:
                if id(binding.node) in import_ids:
                    alias, alias_at = name, import_ids[id(binding.node)]
        if alias is None:
            return None
        draws = [draw.call for draw in self.draws if draw.family == family]
        module_draws = [
            position.get(id(draw.top), len(body))
            for draw in self.draws
            if draw.family == family and draw.module_level
        ]
        first_draw = min(module_draws, default=len(body))
        main = fix_seed.main_block(module)
        anchor: cst.CSTNode
        # the statements after the anchor the seed may still move past
        following: list[cst.CSTNode]
        if main is not None and alias_at < position[id(main)] <= first_draw:
            assert isinstance(main.body, cst.IndentedBlock)
            anchor, following = main.body.header, list(main.body.body)
            indent, before = (
                fix_seed.block_indent(module, main.body),
                position[id(main)],
            )
        else:
            preceding = [line for line in imports if position[id(line)] < first_draw]
            if not preceding:
                return None
            anchor, indent, before = preceding[-1], "", first_draw
            following = body[position[id(anchor)] + 1 : first_draw]
        seed = self._seed_expression(before, position)
        if seed is None:
            return None
        statement = self.seeds.seed_statement
        if seed == "SEED" and statement is not None and not indent:
            if position[id(statement)] > position[id(anchor)]:
                anchor = statement
        if not seed:
            stop = min(first_draw, position[id(main)] if main else len(body))
            seed, anchor, indent = self._seed_the_program_has(
                family,
                following,
                indent,
                draws,
                body[alias_at + 1 : stop],
                bool(module_draws),
            ) or ("0", anchor, indent)
        call = _SEED_CALL[family].format(alias=alias, seed=seed)
        newline = module.default_newline
        content = indent + call + newline
        if not module.has_trailing_newline and fix_seed.ends_module(module, anchor):
            content = newline + indent + call
        return Fix.insert_after(
            anchor,
            content,
            message=f"Seed {FAMILY_LABEL[family]} with `{call}`",
            applicability="unsafe",
        )

    def _seed_the_program_has(
        self,
        family: str,
        following: list[cst.CSTNode],
        indent: str,
        draws: list[cst.Call],
        module_level: list[cst.CSTNode],
        module_draws: bool,
    ) -> tuple[str, cst.CSTNode, str] | None:
        """``args.seed`` after ``args = parser.parse_args()`` when the file has a
        ``--seed`` option, else the seed another generator is given; with the
        statement the seed call goes after and its indentation. Only statements
        that run before every draw of ``family`` and after its import are looked
        at (``module_level``: those of the module)."""
        module = self.ctx.module
        body = list(module.body)
        drawing = fix_seed.functions_containing(body, draws)
        attribute = fix_seed.argparse_seed_attribute(self.ctx.module, self.ctx.text)
        if attribute is not None:
            for statement in following:
                if fix_seed.may_draw(statement, draws, drawing):
                    break
                target = fix_seed.parse_args_target(statement)
                if target is not None:
                    return f"{target}.{attribute}", statement, indent
        names, seeds = self.ctx.names, self.seeds
        # module level, then the direct statements of the blocks that run first
        blocks = [(module_level, ""), (following, indent)]
        if not module_draws:  # every draw is in a function: so is a seed there
            blocks += [
                (
                    list(statement.body.body),
                    fix_seed.block_indent(module, statement.body),
                )
                for statement in body
                if isinstance(statement, cst.FunctionDef)
                and isinstance(statement.body, cst.IndentedBlock)
            ]
        for block, block_indent in blocks:
            for statement in block:
                if fix_seed.may_draw(statement, draws, drawing):
                    break
                seed = fix_seed.existing_seed(statement, names, seeds, family)
                if seed is not None:
                    return seed, statement, block_indent
        return None

    valid = (
        Valid("""
            import torch
            from utils import setup_seed
            setup_seed(1)  # an imported project helper named like a seeder
            x = torch.randn(3)
            """),
        Valid("""
            import torch
            from delu.random import seed
            seed(0)  # delu (and zero, fastai, MONAI, OpenMMLab, detectron2) helpers
            x = torch.randn(3)
            """),
        Valid("""
            import tensorflow as tf
            tf.set_random_seed(1)  # TensorFlow 1.x
            w = tf.truncated_normal([3, 3])
            """),
        Valid("""
            from scipy import stats
            sample = stats.norm.rvs(size=5, random_state=0)  # its own seed
            """),
        Valid("""
            import numpy as np
            from monai.utils import set_determinism
            set_determinism()  # MONAI's default seed is fixed
            x = np.random.rand(3)
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
            import numpy as np
            def jitter(x):  # a library module no program of this project runs:
                return x + np.random.normal(size=x.shape)  # its users' programs seed
            """),
        Valid("""
            import torch
            class Net(torch.nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = torch.nn.Linear(8, 2)
            if __name__ == "__main__":  # a demo of the module's class, not a program
                print(Net()(torch.randn(1, 8)).shape)
            """),
        Valid("""
            import torch
            from models import load_model
            if __name__ == "__main__":
                model = load_model("best.pt")
                dummy_input = torch.randn(1, 8)  # a shape to trace, not data
                traced = torch.jit.trace(model, dummy_input)
                torch.onnx.export(model, torch.randn(1, 8), "model.onnx")
            """),
        Valid("""
            import torch
            def main():
                return torch.randn(3)
            torch.manual_seed(0)
            main()  # the seed runs first
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
            import tensorflow as tf
            w = tf.random_uniform([3, 3])  # TensorFlow 1.x, never seeded
            """),
        Invalid("""
            import tensorflow.compat.v1 as tf
            init = tf.glorot_uniform_initializer()
            """),
        Invalid("""
            from scipy import stats
            noise = stats.norm.rvs(size=100)  # numpy's global RandomState
            """),
        Invalid("""
            from numpy.random import *
            x = rand(3)  # the file's only star import brings `rand`
            """),
        Invalid(
            """
            import tensorflow as tf
            from monai.utils import set_determinism
            set_determinism(seed=7)  # seeds random, numpy and torch: not TensorFlow
            x = tf.random.uniform([3])
            """,
            line=4,
        ),
        Invalid("""
            import torch
            from detectron2.utils.env import seed_all_rng
            seed_all_rng()  # without a seed it draws one from the OS and the clock
            x = torch.rand(3)
            """),
        Invalid("""
            import numpy as np
            x = np.random.rand(3)
            np.random.seed(0)  # too late for the draw above
            """),
        Invalid(
            """
            import torch
            def train():
                w = torch.randn(3)  # runs before the seed below
                torch.manual_seed(0)
                return w
            if __name__ == "__main__":
                train()
            """,
            line=3,
        ),
        Invalid(
            """
            import torch
            def main():
                return torch.randn(3)
            main()
            torch.manual_seed(0)  # after the call that draws
            """,
            line=3,
        ),
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
        Invalid(
            """
            try:
                import torch
            except ImportError:
                torch = None
            if __name__ == "__main__":
                x = torch.randn(3)
            """,
            fixed="""
            try:
                import torch
            except ImportError:
                torch = None
            if __name__ == "__main__":
                torch.manual_seed(0)
                x = torch.randn(3)
            """,
        ),
        Invalid(
            '''
            """Sample noise at import time: the seed goes after every import."""
            from __future__ import annotations
            import random
            try:
                import torch
            except ImportError:  # optional
                torch = None
            noise = torch.randn(3)
            if __name__ == "__main__":
                print(random.random())
            ''',
            count=2,
            fixed='''
            """Sample noise at import time: the seed goes after every import."""
            from __future__ import annotations
            import random
            try:
                import torch
            except ImportError:  # optional
                torch = None
            torch.manual_seed(0)
            noise = torch.randn(3)
            if __name__ == "__main__":
                random.seed(0)
                print(random.random())
            ''',
        ),
        Invalid(
            """
            import argparse
            import random
            def train(opt):
                random.shuffle(opt.rows)
            if __name__ == "__main__":
                parser = argparse.ArgumentParser()
                parser.add_argument("--seed", type=int, default=1)
                opt = parser.parse_args()  # the seed goes after this line
                train(opt)
            """,
            fixed="""
            import argparse
            import random
            def train(opt):
                random.shuffle(opt.rows)
            if __name__ == "__main__":
                parser = argparse.ArgumentParser()
                parser.add_argument("--seed", type=int, default=1)
                opt = parser.parse_args()  # the seed goes after this line
                random.seed(opt.seed)
                train(opt)
            """,
        ),
        Invalid(
            """
            import random
            import numpy as np
            SEED_VAL = 3
            np.random.seed(SEED_VAL)  # numpy only
            order = random.sample(range(10), 10)
            """,
            fixed="""
            import random
            import numpy as np
            SEED_VAL = 3
            np.random.seed(SEED_VAL)  # numpy only
            random.seed(SEED_VAL)
            order = random.sample(range(10), 10)
            """,
        ),
        Invalid(
            """
            import numpy as np
            import torch
            def main(args):
                np.random.seed(args.seed)
                return torch.randn(8, 3)
            if __name__ == "__main__":
                main(load_args())
            """,
            fixed="""
            import numpy as np
            import torch
            def main(args):
                np.random.seed(args.seed)
                torch.manual_seed(args.seed)
                return torch.randn(8, 3)
            if __name__ == "__main__":
                main(load_args())
            """,
        ),
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
            SEED = int(time.time())  # not deterministic: the fix does not use it
            if __name__ == "__main__":
                random.seed(0)
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
            def main(rows):
                random.shuffle(rows)
                return random.sample(rows, 2)
            if __name__ == "__main__":
                random.seed(SEED)
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
            from torch import nn
            model = nn.Sequential(  # one missing seed: one finding, not one per layer
                nn.Linear(8, 16),
                nn.Dropout(0.1),
                nn.Linear(16, 1),
            )
            """,
            line=3,
            column=5,
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
