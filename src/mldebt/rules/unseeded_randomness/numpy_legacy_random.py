"""MLD107 numpy-legacy-random: any use of numpy's legacy global random API (opt-in)."""

from __future__ import annotations

import libcst as cst

from mldebt.engine.rule import Invalid, Rule, Valid
from mldebt.rules.unseeded_randomness.api import GLOBAL_RNG_CALLS, NUMPY


class NumpyLegacyRandom(Rule):
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
        legacy = qualname.startswith("numpy.random.")  # not scipy's `.rvs()`
        if (legacy and GLOBAL_RNG_CALLS.get(qualname) == NUMPY) or qualname in (
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
            "from scipy import stats\nx = stats.norm.rvs(size=3)  # scipy's API, MLD101's\n"
        ),
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
