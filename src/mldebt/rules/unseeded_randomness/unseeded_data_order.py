"""MLD105 unseeded-data-order.

Shuffled data loading whose order the program does not pin.
"""

from __future__ import annotations

import libcst as cst

from mldebt.engine.helpers import (
    argument,
    has_star_args,
    is_none,
    with_keyword_argument,
)
from mldebt.engine.rule import Fix, Invalid, Valid
from mldebt.rules.unseeded_randomness._seed_aware import (
    FAMILY_LABEL,
    SeedAwareRule,
    keyword_names,
    literal_value,
    receiver_origin,
)
from mldebt.rules.unseeded_randomness._seeding import Site
from mldebt.rules.unseeded_randomness.api import TENSORFLOW, TORCH, TORCH_DATA_ORDER


class UnseededDataOrder(SeedAwareRule):
    """Shuffled data loading whose order the program does not pin.

    ## What it does
    Flags `DataLoader(..., shuffle=True)` (also when `shuffle` is passed by
    position), `RandomSampler`, `SubsetRandomSampler`, `WeightedRandomSampler` and
    `random_split` without `generator=`, when torch is not seeded with
    `torch.manual_seed` (or a framework seeder); and `tf.data` `.shuffle(...)`
    without `seed=` when `tf.random.set_seed` is never called. A `DataLoader` that
    does not shuffle is never flagged. Programs and library modules are judged as
    in MLD101 (a library module is pinned by the programs of the project that
    import it), with one difference: a loader or sampler does not draw when it is
    built but when it is used, so one assigned to a name is judged at the name's
    first use (iterated, passed on): built, then `torch.manual_seed(0)`, then
    iterated is seeded.

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
    `generator=torch.Generator().manual_seed(S)` when the module imports
    `torch`, with `S` chosen as for MLD104 (`self.seed` in a `LightningDataModule`,
    a `seed` parameter, ...), except that a parameter or attribute that defaults
    to None is skipped: `manual_seed` does not take None.
    """

    code = "MLD105"
    name = "unseeded-data-order"
    uses_project = True
    category = "unseeded-randomness"
    message = "shuffled data order that is never seeded"
    triggers = ("DataLoader", "Sampler", "random_split", "shuffle")
    fix_safety = "unsafe"

    def on_begin_file(self) -> None:
        super().on_begin_file()
        self.candidates: list[
            tuple[cst.Call, cst.CSTNode, str, str, Site, Fix | None]
        ] = []
        # a loader or sampler assigned to a name draws when the name is used
        self.assigned: dict[str, cst.Call] = {}
        self.first_uses: dict[cst.Call, Site] = {}

    def visit_Name(self, node: cst.Name) -> None:
        """Note the first use of a name a shuffling loader was assigned to."""
        call = self.assigned.get(node.value)
        if call is not None and call not in self.first_uses:
            seeds = self.seeds
            self.first_uses[call] = Site(seeds.sequence + 1, seeds.function())

    def first_use(self, node: cst.Call, made: Site) -> Site:
        """Where a loader or sampler first draws: where the name it was assigned
        to is first used (iterated, passed on), else where it is made."""
        return self.first_uses.get(node, made)

    def _note_assignment(self, node: cst.Call) -> None:
        parent = self.ctx.parent(node)
        if (
            isinstance(parent, cst.Assign)
            and len(parent.targets) == 1
            and isinstance(parent.targets[0].target, cst.Name)
        ):
            self.assigned[parent.targets[0].target.value] = node

    def check_call(self, node: cst.Call, qualname: str | None) -> None:
        if has_star_args(node):
            return
        ctx = self.ctx
        if qualname is None:
            func = node.func
            if (
                isinstance(func, cst.Attribute)
                and func.attr.value == "shuffle"
                and "seed" not in keyword_names(node)
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
                        self.seeds.site(),
                        None,
                    )
                )
                self._note_assignment(node)
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
            if arg is None or literal_value(arg.value) is not True:
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
                self.seeds.site(),
                self._generator_fix(node) if generator is None else None,
            )
        )
        self._note_assignment(node)

    def _generator_fix(self, node: cst.Call) -> Fix | None:
        torch_alias = next(
            (
                name
                for name, binding in self.ctx.names.module_scope.names.items()
                if binding.kind == "import" and binding.qualname == "torch"
            ),
            None,
        )
        seed = self.seed_here(for_generator=True)
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
        self.start_judging(c[4] for c in self.candidates)
        for node, anchor, shown, family, site, fix in self.candidates:
            who = self.unpinned(family, self.first_use(node, site))
            if who is None:
                continue
            keyword = "generator" if family == TORCH else "seed"
            self.report(
                node,
                f"`{shown}` shuffles with {FAMILY_LABEL[family]}, which {who}, "
                f"and gets no `{keyword}=`",
                fix=fix,
                anchor=anchor,
            )

    valid = (
        Valid("""
            import torch
            from torch.utils.data import DataLoader
            loader = DataLoader(ds, batch_size=8, shuffle=True)  # made, not drawn yet
            torch.manual_seed(0)
            for batch in loader:  # the first use: after the seed
                pass
            """),
        Valid(
            "from torch.utils.data import DataLoader\n"
            "def make_loader(ds):  # a library no program of this project runs\n"
            "    return DataLoader(ds, batch_size=8, shuffle=True)\n"
        ),
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
        Invalid(
            """
            import torch
            from torch.utils.data import DataLoader
            class DataModule:
                def __init__(self, ds, seed: int = 7):
                    self.ds = ds
                    self.seed = seed
                def train_dataloader(self):
                    return DataLoader(self.ds, batch_size=8, shuffle=True)
            """,
            fixed="""
            import torch
            from torch.utils.data import DataLoader
            class DataModule:
                def __init__(self, ds, seed: int = 7):
                    self.ds = ds
                    self.seed = seed
                def train_dataloader(self):
                    return DataLoader(self.ds, batch_size=8, shuffle=True, generator=torch.Generator().manual_seed(self.seed))
            """,
            options={"check-library-modules": True},
        ),
        Invalid(
            """
            import torch
            from torch.utils.data import DataLoader
            def loaders(train_ds, val_ds, seed=None):  # manual_seed(None) fails
                return DataLoader(train_ds, shuffle=True), DataLoader(val_ds)
            """,
            fixed="""
            import torch
            from torch.utils.data import DataLoader
            def loaders(train_ds, val_ds, seed=None):  # manual_seed(None) fails
                return DataLoader(train_ds, shuffle=True, generator=torch.Generator().manual_seed(0)), DataLoader(val_ds)
            """,
            options={"check-library-modules": True},
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
        Invalid("""
            import torch
            from torch.utils.data import DataLoader
            loader = DataLoader(ds, batch_size=8, shuffle=True)
            first = next(iter(loader))  # drawn before the seed
            torch.manual_seed(0)
            """),
        Invalid(
            "import torch\nfrom torch.utils.data import DataLoader\n"
            "loader = DataLoader(ds, batch_size=8, shuffle=True)\ntorch.manual_seed(0)  # too late\n"
        ),
    )
