"""MLD001 syntax-error: reports a file that Python cannot parse."""

from __future__ import annotations

from mldebt.engine.rule import Invalid, Rule, Valid


class SyntaxErrorRule(Rule):
    """Reports a file that Python cannot parse.

    ## What it does
    Reports Python files that Python's own parser (of the Python that runs
    mldebt) rejects, with its message and the line of the error. The run goes on
    with the other files. A file Python accepts is never MLD001: if libcst,
    mldebt's parser, cannot parse it, mldebt warns that it was not linted.

    ## Why is this bad?
    Code that does not parse cannot run, and no other rule can look at it: every
    debt inside it goes unseen.

    ## Example
    ```python
    def train(:
        pass
    ```

    ## Use instead
    ```python
    def train():
        pass
    ```
    """

    code = "MLD001"
    name = "syntax-error"
    category = "syntax"
    message = "SyntaxError"
    engine_rule = True
    valid = (Valid("def train():\n    pass\n"), Valid("x = [1,\n     2]\n"))
    invalid = (
        Invalid("def train(:\n    pass\n", line=1),
        Invalid("x = (1,\n", line=1),
        Invalid("import numpy as np\nfor i in range(3)\n    print(i)\n", line=2),
    )
