"""MLD108 out-of-order-execution.

Notebook results that the saved execution order does not reproduce.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from mldebt.engine.helpers import argument, is_none
from mldebt.engine.notebook_io import CellInfo
from mldebt.engine.rule import Invalid, Valid
from mldebt.rules.unseeded_randomness._seed_aware import SeedAwareRule
from mldebt.rules.unseeded_randomness.api import (
    GLOBAL_RNG_CALLS,
    own_seed_keyword,
)

# Methods that fit a model when given data (scikit-learn, Keras, Lightning, ...).
TRAINING_METHODS = frozenset({"fit", "partial_fit", "fit_generator"})

# Functions that train a model.
TRAINING_FUNCTIONS = frozenset({"xgboost.train", "lightgbm.train", "catboost.train"})

_RESTART = "restart the kernel and run all cells"


@dataclass
class _Event:
    """A module-level call the rule cares about, and the top-level statement
    (hence the cell) it runs in."""

    call: cst.Call
    anchor: cst.CSTNode
    statement: cst.CSTNode
    name: str
    families: frozenset[str] = frozenset()


class OutOfOrderExecution(SeedAwareRule):
    """Notebook results that the saved execution order does not reproduce.

    ## What it does
    Reads the execution counts a notebook was saved with (`In [7]`) and flags
    two kinds of hidden state:

    - a seeding call (`np.random.seed`, `torch.manual_seed`, `set_seed`, ...) that
      ran *after* random draws from the same generator in later cells: in source
      order the draws look seeded, but the saved results came from an unseeded
      generator;
    - a training call (`.fit(X, y)`, `xgb.train`, a `Trainer`'s `.train()`,
      `loss.backward()`) that ran after cells executed out of notebook order: a
      cell above it ran after a cell below it, or a cell below it ran first.

    Only module-level calls count (a call inside a function runs when the
    function does). Cells without an execution count (never run, or outputs
    cleared) are ignored, so a notebook stripped of outputs is never flagged.
    The rule is off by default (an informational check): select it with
    `extend-select = ["MLD108"]`. It looks at notebooks only.

    ## Why is this bad?
    A notebook is read top to bottom, but its saved outputs record whatever order
    its cells were run in. When that order differs, the numbers in the notebook
    come from a kernel state that "Restart & Run All" does not recreate: the model
    was trained on variables from a cell that has since been edited or re-run, or
    the draws happened before the seed. Most public notebooks do not reproduce
    their own results, and out-of-order execution is a main cause (Pimentel et
    al., MSR 2019).

    ## Example
    ```python
    # In[5]:
    import numpy as np
    np.random.seed(0)

    # In[3]:
    sample = np.random.rand(10)
    ```

    ## Use instead
    Restart the kernel and run all cells, so the execution counts follow the
    notebook's order:
    ```python
    # In[1]:
    import numpy as np
    np.random.seed(0)

    # In[2]:
    sample = np.random.rand(10)
    ```
    """

    code = "MLD108"
    name = "out-of-order-execution"
    category = "unseeded-randomness"
    message = "this cell's results depend on cells run out of order"
    triggers = ("seed", "fit", "train", "backward")
    default_enabled = False
    notebook_only = True

    def on_begin_file(self) -> None:
        """Forget the previous notebook's calls."""
        super().on_begin_file()
        self.draws: list[_Event] = []
        self.seed_calls: list[_Event] = []
        self.trainings: list[_Event] = []

    def check_call(self, node: cst.Call, qualname: str | None) -> None:
        """Collect module-level seeds, global draws and training calls."""
        ctx = self.ctx
        if ctx.notebook is None or ctx.names.in_function() or len(ctx.ancestors) < 2:
            return
        seeds = self.seeds
        families = frozenset(
            seed.family for seed in seeds.seeds if seed.sequence == seeds.sequence
        )
        if families:
            self.seed_calls.append(self._event(node, qualname, families))
        elif self._is_global_draw(node, qualname):
            family = GLOBAL_RNG_CALLS[qualname or ""]
            self.draws.append(self._event(node, qualname, frozenset({family})))
        elif self._is_training(node, qualname):
            self.trainings.append(self._event(node, qualname))

    def _event(
        self,
        node: cst.Call,
        qualname: str | None,
        families: frozenset[str] = frozenset(),
    ) -> _Event:
        anchor = self.ctx.anchor_for(node)
        statement = self.ctx.ancestors[1]
        return _Event(node, anchor, statement, _callee(node, qualname), families)

    @staticmethod
    def _is_global_draw(node: cst.Call, qualname: str | None) -> bool:
        family = GLOBAL_RNG_CALLS.get(qualname or "")
        if family is None or qualname is None:
            return False
        own = own_seed_keyword(qualname, family)
        if own is not None:  # `generator=` (torch) or an op-level `seed=`
            given = argument(node, own)
            return given is None or is_none(given.value)
        return True

    def _is_training(self, node: cst.Call, qualname: str | None) -> bool:
        if qualname in TRAINING_FUNCTIONS:
            return True
        func = node.func
        if not isinstance(func, cst.Attribute):
            return False
        method = func.attr.value
        if method in TRAINING_METHODS:
            return bool(node.args)  # `fit()` without data is something else
        if method == "backward":
            return True
        if method == "train" and isinstance(func.value, cst.Name):
            # A Hugging Face-style `Trainer`; torch's `model.train()` only sets
            # the training mode.
            binding = self.ctx.names.lookup(func.value.value)
            value = binding.value if binding is not None else None
            if isinstance(value, cst.Call):
                maker = self.ctx.qualified_name(value.func) or ""
                return maker.rsplit(".", 1)[-1].endswith("Trainer")
        return False

    def end_file(self) -> None:
        """Judge the calls by the execution counts of the cells they are in."""
        notebook = self.ctx.notebook
        if notebook is None:
            return
        if not any(cell.execution_count is not None for cell in notebook.cells):
            return
        seeding = bool(self.seed_calls and self.draws)
        if not seeding and not self.trainings:
            return
        events = (self.seed_calls + self.draws if seeding else []) + self.trainings
        cells = dict(
            zip(
                map(id, events),
                notebook.cells_of([event.statement for event in events]),
            )
        )
        if seeding:
            self._report_late_seeds(cells)
        self._report_trainings(cells, notebook.cells)

    def _report_late_seeds(self, cells: dict[int, CellInfo]) -> None:
        for seed in self.seed_calls:
            seed_cell = cells[id(seed)]
            ran = seed_cell.execution_count
            if ran is None:
                continue
            earlier = [
                draw
                for draw in self.draws
                if draw.families & seed.families
                and cells[id(draw)].index > seed_cell.index
                and _ran_before(cells[id(draw)], ran)
            ]
            if not earlier:
                continue
            first = earlier[0]
            where = _cell_list(sorted({cells[id(draw)].index for draw in earlier}))
            self.report(
                seed.call,
                f"`{seed.name}` in cell {seed_cell.index} ran after the random draws "
                f"below it in {where} (`{first.name}` has execution count "
                f"{cells[id(first)].execution_count}, the seed {ran}): the saved "
                f"results do not come from this seed; {_RESTART}",
                anchor=seed.anchor,
            )

    def _report_trainings(
        self, cells: dict[int, CellInfo], all_cells: tuple[CellInfo, ...]
    ) -> None:
        reported: set[int] = set()
        for training in self.trainings:
            cell = cells[id(training)]
            ran = cell.execution_count
            if ran is None or cell.index in reported:
                continue
            # The cells that had run when it trained, in notebook order.
            before = [
                other
                for other in all_cells
                if other.execution_count is not None and other.execution_count <= ran
            ]
            for above, below in zip(before, before[1:]):
                assert above.execution_count is not None
                assert below.execution_count is not None
                if above.execution_count > below.execution_count:
                    reported.add(cell.index)
                    self.report(
                        training.call,
                        f"`{training.name}` in cell {cell.index} trains on state "
                        f"from cells run out of order: cell {above.index} ran after "
                        f"cell {below.index} (execution counts "
                        f"{above.execution_count} > {below.execution_count}); "
                        f"{_RESTART} before trusting its results",
                        anchor=training.anchor,
                    )
                    break

    valid = (
        Valid("""
            # In[1]:
            import numpy as np
            np.random.seed(0)

            # In[2]:
            sample = np.random.rand(10)
            """),
        Valid("""
            # In[ ]:
            import numpy as np
            np.random.seed(0)

            # In[ ]:
            sample = np.random.rand(10)  # never run: nothing to judge
            """),
        Valid("""
            # In[1]:
            import random
            x = random.random()  # above the seed: MLD101 reports it

            # In[2]:
            random.seed(0)
            """),
        Valid("""
            # In[1]:
            from sklearn.linear_model import LogisticRegression

            # In[2]:
            model = LogisticRegression().fit(X, y)

            # In[5]:
            plot_coefficients(model)  # re-run after training: harmless

            # In[4]:
            print(model.score(X_test, y_test))
            """),
        Valid("""
            # In[1]:
            import torch
            model = torch.nn.Linear(4, 1)

            # In[3]:
            summary = describe(model)

            # In[2]:
            model.train()  # torch's training mode, not training
            """),
        Valid("""
            # In[1]:
            import numpy as np
            import torch

            # In[5]:
            np.random.seed(0)

            # In[3]:
            weights = torch.randn(3)  # another generator
            """),
        Valid("""
            # In[4]:
            import torch
            torch.manual_seed(0)
            g = torch.Generator().manual_seed(1)

            # In[2]:
            x = torch.randn(3, generator=g)  # its own generator
            """),
        Valid("""
            # In[3]:
            from sklearn.linear_model import LogisticRegression

            def train(X, y):
                return LogisticRegression().fit(X, y)  # runs when called

            # In[1]:
            import pandas as pd
            """),
    )
    invalid = (
        Invalid(
            """
            # In[5]:
            import numpy as np
            np.random.seed(0)

            # In[3]:
            sample = np.random.rand(10)
            """,
            line=2,
            column=1,
        ),
        Invalid("""
            # In[1]:
            from sklearn.linear_model import LogisticRegression
            import pandas as pd

            # In[4]:
            df = pd.read_csv("train.csv")

            # In[3]:
            X, y = df.drop(columns="label"), df["label"]

            # In[5]:
            model = LogisticRegression().fit(X, y)
            """),
        Invalid(
            """
            # In[1]:
            from sklearn.ensemble import RandomForestClassifier

            # In[3]:
            clf = RandomForestClassifier(random_state=0)
            clf.fit(X_train, y_train)

            # In[2]:
            X_train, y_train = load_split("train")  # ran before the cell above
            """,
            line=2,
        ),
        Invalid("""
            # In[2]:
            import torch
            torch.manual_seed(0)

            # In[1]:
            weights = torch.randn(8, 1)
            """),
        Invalid("""
            # In[4]:
            %matplotlib inline
            import random
            random.seed(42)

            # In[2]:
            random.shuffle(rows)

            # In[3]:
            held_out = random.sample(rows, 10)
            """),
        Invalid("""
            # In[1]:
            from transformers import Trainer

            # In[4]:
            tokenized = dataset.map(tokenize)

            # In[3]:
            trainer = Trainer(model=model, train_dataset=tokenized)

            # In[5]:
            trainer.train()
            """),
        Invalid(
            """
            # In[2]:
            import xgboost as xgb

            # In[1]:
            dtrain = xgb.DMatrix(X, label=y)

            # In[3]:
            %%time
            booster = xgb.train(params, dtrain)
            """,
            line=2,
            column=11,
        ),
        Invalid(
            """
            # In[1]:
            import torch
            from utils import seed_everything

            # In[6]:
            seed_everything(7)

            # In[2]:
            model = torch.nn.Linear(8, 1)

            # In[7]:
            for xb, yb in batches:
                loss = ((model(xb) - yb) ** 2).mean()
                loss.backward()
            """,
            count=2,
        ),
    )


def _callee(node: cst.Call, qualname: str | None) -> str:
    """How a call is named in messages: its qualified name, else its code."""
    if qualname is not None:
        return qualname
    code = cst.Module(body=()).code_for_node(node.func)
    return code if len(code) <= 40 and "\n" not in code else "..." + code[-30:]


def _ran_before(cell: CellInfo, execution_count: int) -> bool:
    return cell.execution_count is not None and cell.execution_count < execution_count


def _cell_list(indexes: list[int]) -> str:
    if len(indexes) == 1:
        return f"cell {indexes[0]}"
    return "cells " + ", ".join(map(str, indexes))
