"""MLD103 nondeterministic-seed: seeding calls that do not pin anything."""

from __future__ import annotations

import libcst as cst

from mldebt.engine.helpers import argument, has_star_args, is_none
from mldebt.engine.rule import Invalid, Valid
from mldebt.rules.unseeded_randomness._seed_aware import SeedAwareRule
from mldebt.rules.unseeded_randomness._seeding import names_none
from mldebt.rules.unseeded_randomness.api import (
    ENTROPY_RESEEDS,
    RNG_CONSTRUCTORS,
    SEEDERS,
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
