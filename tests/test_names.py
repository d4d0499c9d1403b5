"""Name resolution: aliases and from-imports resolve, shadowing names do not."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from mldebt.engine.config import Settings
from mldebt.engine.linter import Linter
from mldebt.engine.rule import Rule


class RecordCalls(Rule):
    """Records the qualified name of every call (test helper)."""

    code = "MLD998"
    name = "record-calls"
    category = "unseeded-randomness"
    message = "call"
    triggers = ("(",)

    def visit_Call(self, node: cst.Call) -> None:
        self.report(node, str(self.ctx.qualified_name(node.func)))


def resolved(code: str) -> list[str]:
    """Qualified names of the calls in ``code``, in source order."""
    settings = Settings(root=".", config_path=None, selected=("MLD998",))
    linter = Linter(settings, [RecordCalls])
    findings, parsed = linter.lint_text("t.py", textwrap.dedent(code))
    assert parsed
    return [finding.message for finding in findings]


@pytest.mark.parametrize(
    "code",
    [
        "import numpy as np\nnp.random.rand()",
        "import numpy\nnumpy.random.rand()",
        "import numpy.random\nnumpy.random.rand()",
        "from numpy.random import rand\nrand()",
        "import numpy.random as npr\nnpr.rand()",
        "from numpy import random as nr\nnr.rand()",
        "from numpy.random import rand as r\nr()",
        "def f():\n    import numpy as np\n    np.random.rand()",
        "import numpy as np\ndef f():\n    def g():\n        np.random.rand()",
        "import numpy as np\nclass A:\n    def m(self):\n        np.random.rand()",
        "import numpy as np\nx = [np.random.rand() for _ in range(3)]",
    ],
)
def test_every_import_form_resolves_to_numpy_random_rand(code: str) -> None:
    assert "numpy.random.rand" in resolved(code)


@pytest.mark.parametrize(
    "code",
    [
        "import random\ndef f(random):\n    random.rand()",
        "import random\ndef f():\n    random = Mine()\n    random.rand()",
        "import random\nrandom = Mine()\nrandom.rand()",
        "import random\nfor random in items:\n    random.rand()",
        "import random\nwith open('f') as random:\n    random.rand()",
        "import random\nx = [random.rand() for random in items]",
        "import random\nlambda random: random.rand()",
        "import random\ntry:\n    pass\nexcept E as random:\n    random.rand()",
        "import random\nif (random := Mine()):\n    random.rand()",
        "import random\nclass random:\n    pass\nrandom.rand()",
    ],
)
def test_shadowing_names_do_not_resolve(code: str) -> None:
    assert resolved(code)[-1] == "None"


def test_class_scope_is_not_visible_from_methods() -> None:
    code = """
    import random
    class A:
        random = Mine()
        def m(self):
            random.rand()
    """
    assert resolved(code)[-1] == "random.rand"


def test_global_declaration_binds_the_module_name() -> None:
    code = """
    import random
    def f():
        global random
        random = Mine()
    random.rand()
    """
    assert resolved(code)[-1] == "None"


def test_builtins_and_unknown_names() -> None:
    assert resolved("open('x')\nundefined_thing()") == ["builtins.open", "None"]


def test_relative_imports_keep_their_dots() -> None:
    assert resolved("from . import utils\nutils.seed()") == [".utils.seed"]
    assert resolved("from ..pkg import f\nf()") == ["..pkg.f"]


def test_rebinding_uses_the_old_binding_on_the_right_hand_side() -> None:
    assert resolved("import numpy as np\nnp = np.asarray(1)\nnp.sum()") == [
        "numpy.asarray",
        "None",
    ]


def test_import_fallbacks_keep_the_import() -> None:
    code = """
    try:
        import torch
    except (ImportError, OSError):
        torch = None
    torch.randn(3)
    """
    assert resolved(code)[-1] == "torch.randn"


def test_module_aliases_through_assignment() -> None:
    assert resolved("import numpy as np\nR = np.random\nR.shuffle(x)") == [
        "numpy.random.shuffle"
    ]
    assert resolved("x = len\nx([])") == ["None"]


def test_an_unbound_name_comes_from_the_files_only_star_import() -> None:
    assert resolved("from numpy.random import *\nrand(3)\nlen([])\n") == [
        "numpy.random.rand",
        "builtins.len",
    ]
    # a name bound in the file is its own; two star imports: nobody knows which
    assert resolved("from random import *\ndef shuffle(x): pass\nshuffle(1)\n") == [
        "None"
    ]
    assert resolved("from random import *\nfrom mylib import *\nshuffle(1)\n") == [
        "None"
    ]
    assert resolved("from .local import *\nshuffle(1)\n") == ["None"]
