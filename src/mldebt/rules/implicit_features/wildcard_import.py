"""MLD404 wildcard-import: `from module import *` outside a package's `__init__.py`."""

from __future__ import annotations

import os

import libcst as cst

from mldebt.engine.rule import Invalid, Rule, Valid


class WildcardImport(Rule):
    """`from module import *` outside a package's `__init__.py`.

    ## What it does
    Flags star imports in any module except `__init__.py` (where re-exporting a
    subpackage's names is the usual way to build a package's API). If Ruff's
    F403 already runs on the project, select one of the two.

    ## Why is this bad?
    A star import hides where feature functions, constants and column lists come
    from: a reader cannot tell which `FEATURES` or `clean()` the code uses, and a
    new name in the imported module silently shadows a local one and changes the
    features the model gets.

    ## Example
    ```python
    from features.engineering import *
    ```

    ## Use instead
    ```python
    from features.engineering import FEATURES, add_ratios
    ```
    """

    code = "MLD404"
    name = "wildcard-import"
    category = "implicit-features"
    message = "star import hides which names this module uses: import them by name"
    triggers = ("import *", "import  *")

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        """Flag ``from m import *`` unless the file is an ``__init__``."""
        if not isinstance(node.names, cst.ImportStar):
            return
        stem = os.path.splitext(os.path.basename(self.ctx.path))[0]
        if stem == "__init__":
            return
        module = ""
        if node.module is not None:
            module = self.ctx.module.code_for_node(node.module)
        module = "." * len(node.relative) + module
        self.report(
            node,
            f"`from {module} import *` hides which names this module uses: import "
            "them by name",
        )

    valid = (
        Valid("from features.engineering import FEATURES, add_ratios\n"),
        Valid("import numpy as np\nimport pandas as pd\n"),
        Valid("from . import models\n"),
        Valid("text = 'from x import *'  # a string, not an import\n"),
        Valid("# from legacy import *\nfrom typing import Any\n"),
        Valid("from os.path import join as join_path\n"),
    )
    invalid = (
        Invalid("from features.engineering import *\n", line=1, column=1),
        Invalid("from .models import *\n"),
        Invalid("from torch.nn import *\nfrom numpy import *\n", count=2),
        Invalid("def helper():\n    pass\nfrom sklearn.metrics import *\n"),
        Invalid("try:\n    from fast import *\nexcept ImportError:\n    pass\n"),
        Invalid("from ..config import  *\n"),
    )
