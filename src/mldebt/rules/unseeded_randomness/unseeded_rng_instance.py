"""MLD102 unseeded-rng-instance: random generator objects created without a seed."""

from __future__ import annotations

import libcst as cst

from mldebt.engine.helpers import argument, has_star_args, is_none
from mldebt.engine.rule import Invalid, Rule, Valid
from mldebt.rules.unseeded_randomness._seeding import names_none
from mldebt.rules.unseeded_randomness.api import RNG_CONSTRUCTORS

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
