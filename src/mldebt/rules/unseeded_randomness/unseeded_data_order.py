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
from mldebt.rules.unseeded_randomness._kwargs_dicts import Entry, star_kwargs_entries
from mldebt.rules.unseeded_randomness._seed_aware import (
    FAMILY_LABEL,
    SeedAwareRule,
    keyword_names,
    literal_value,
    receiver_origin,
)
from mldebt.rules.unseeded_randomness._seeding import Site
from mldebt.rules.unseeded_randomness.api import (
    KERAS_DATA_ORDER,
    KERAS_GENERATOR_METHODS,
    KERAS_IMAGE_GENERATOR,
    KERAS_PREFIXES,
    NUMPY,
    TENSORFLOW,
    TORCH,
    TORCH_DATA_ORDER,
    KerasShuffle,
)


class UnseededDataOrder(SeedAwareRule):
    """Shuffled data loading whose order the program does not pin.

    ## What it does
    Flags `DataLoader(..., shuffle=True)` (also when `shuffle` is passed by
    position), `RandomSampler`, `SubsetRandomSampler`, `WeightedRandomSampler` and
    `random_split` without `generator=`, when torch is not seeded with
    `torch.manual_seed` (or a framework seeder); and `tf.data` `.shuffle(...)`
    without `seed=` when `tf.random.set_seed` is never called. A `DataLoader` that
    does not shuffle is never flagged. `shuffle=True` that reaches a `DataLoader`
    through a `**kwargs` dict the code builds (`kwargs = {"shuffle": True}`,
    `dict(shuffle=True)`, `kwargs["shuffle"] = True`, `kwargs.update(...)`) is
    reported at the `True`; a dict of unknown content (a parameter, one passed to
    another function first, one that may hold `generator`) is not.

    Keras loaders that shuffle without `seed=` are flagged too:
    `ImageDataGenerator().flow(...)`, `.flow_from_directory(...)`,
    `.flow_from_dataframe(...)`, `keras.utils.image_dataset_from_directory`,
    `text_dataset_from_directory` and `audio_dataset_from_directory` (all shuffle
    by default), and `timeseries_dataset_from_array(..., shuffle=True)` (off by
    default). Without a seed they shuffle with (or draw their seed from) numpy's
    global RNG, so `np.random.seed` or `keras.utils.set_random_seed` pins them and
    `tf.random.set_seed` does not.

    Programs and library modules are judged as in MLD101 (a library module is
    pinned by the programs of the project that import it), with one difference: a
    loader or sampler does not draw when it is built but when it is used, so one
    assigned to a name is judged at the name's first use (iterated, passed on):
    built, then `torch.manual_seed(0)`, then iterated is seeded.

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
    or call `torch.manual_seed(SEED)` once at start-up. For Keras loaders pass
    `seed=SEED`.

    ## Fix
    Unsafe (it changes the order): adds
    `generator=torch.Generator().manual_seed(S)` when the module imports
    `torch`, with `S` chosen as for MLD104 (`self.seed` in a `LightningDataModule`,
    a `seed` parameter, ...), except that a parameter or attribute that defaults
    to None is skipped: `manual_seed` does not take None. No fix when
    `shuffle=True` comes from a kwargs dict, nor for Keras loaders.
    """

    code = "MLD105"
    name = "unseeded-data-order"
    uses_project = True
    category = "unseeded-randomness"
    message = "shuffled data order that is never seeded"
    triggers = (
        "DataLoader",
        "Sampler",
        "random_split",
        "shuffle",
        "_dataset_from_",
        "ImageDataGenerator",
    )
    fix_safety = "unsafe"

    def on_begin_file(self) -> None:
        super().on_begin_file()
        self.candidates: list[
            tuple[cst.CSTNode, cst.CSTNode, str, str, Site, Fix | None, cst.Call]
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
        entries: dict[str, Entry] = {}
        if has_star_args(node):
            known = star_kwargs_entries(self.ctx, node)
            if known is None:
                return  # `**params` of unknown content may carry the generator
            entries = known
        if qualname is None:
            self._check_method(node, entries)
            return
        parts = qualname.split(".")
        if qualname.startswith(KERAS_PREFIXES) and parts[-1] in KERAS_DATA_ORDER:
            self._check_keras(node, qualname, KERAS_DATA_ORDER[parts[-1]], entries)
            return
        if parts[:3] != ["torch", "utils", "data"]:
            return
        spec = TORCH_DATA_ORDER.get(parts[-1])
        if spec is None:
            return
        switch, generator_position = spec
        reported: cst.CSTNode = node
        anchor = self.ctx.anchor_for(node)
        if switch is not None:
            shuffle, entry = _effective(node, *switch, entries)
            if shuffle is None or literal_value(shuffle) is not True:
                return
            if entry is not None:  # `shuffle=True` came in a kwargs dict
                reported, anchor = entry.value, entry.statement
        generator, _ = _effective(node, "generator", generator_position, entries)
        if generator is not None and not is_none(generator):
            return
        fix = self._generator_fix(node) if generator is None and not entries else None
        self._add(node, reported, anchor, qualname, TORCH, fix)

    def _check_method(self, node: cst.Call, entries: dict[str, Entry]) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        origin = receiver_origin(self.ctx, func.value) or ""
        if method == "shuffle":
            if origin.startswith("tensorflow.data.") and not (
                "seed" in keyword_names(node) or "seed" in entries
            ):
                self._add(
                    node, node, self.ctx.anchor_for(node), "Dataset.shuffle", TENSORFLOW
                )
            return
        spec = KERAS_GENERATOR_METHODS.get(method)
        if (
            spec is not None
            and origin.startswith(KERAS_PREFIXES)
            and origin.endswith("." + KERAS_IMAGE_GENERATOR)
        ):
            self._check_keras(node, f"{KERAS_IMAGE_GENERATOR}.{method}", spec, entries)

    def _check_keras(
        self,
        node: cst.Call,
        shown: str,
        spec: KerasShuffle,
        entries: dict[str, Entry],
    ) -> None:
        """A Keras loader shuffles unless `shuffle` is off; without `seed` it
        draws its order (or its seed) from numpy's global RNG."""
        shuffle, entry = _effective(node, "shuffle", spec.shuffle_position, entries)
        if shuffle is None:
            if not spec.default_shuffle:
                return
        elif literal_value(shuffle) is not True:
            return  # off, or decided at run time
        seed, _ = _effective(node, "seed", spec.seed_position, entries)
        if seed is not None and not is_none(seed):
            return
        if entry is not None:
            self._add(node, entry.value, entry.statement, shown, NUMPY)
        else:
            self._add(node, node, self.ctx.anchor_for(node), shown, NUMPY)

    def _add(
        self,
        call: cst.Call,
        reported: cst.CSTNode,
        anchor: cst.CSTNode,
        shown: str,
        family: str,
        fix: Fix | None = None,
    ) -> None:
        self.candidates.append(
            (
                reported,
                anchor,
                shown,
                family,
                self.seeds.site(),
                fix,
                call,
            )
        )
        self._note_assignment(call)

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
        for node, anchor, shown, family, site, fix, call in self.candidates:
            who = self.unpinned(family, self.first_use(call, site))
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
        Valid(
            "from keras.preprocessing.image import ImageDataGenerator\n"
            "gen = ImageDataGenerator(rescale=1 / 255)\n"
            "batches = gen.flow(x, y, shuffle=False)\n"
            "more = gen.flow_from_directory('data/train', seed=3)\n"
        ),
        Valid(
            "import tensorflow as tf\n"
            "ds = tf.keras.utils.image_dataset_from_directory('data/train', seed=1)\n"
        ),
        Valid(
            "import keras\n"
            "windows = keras.utils.timeseries_dataset_from_array(data, targets, 10)"
            "  # shuffle defaults to False\n"
        ),
        Valid(
            "import keras\nkeras.utils.set_random_seed(0)  # seeds numpy too\n"
            "ds = keras.utils.text_dataset_from_directory('reviews')\n"
        ),
        Valid(
            "from torch.utils.data import DataLoader\n"
            "def make_loader(ds, **kwargs):  # the caller decides\n"
            "    return DataLoader(ds, **kwargs)\n"
        ),
        Valid("""
            import torch
            from torch.utils.data import DataLoader
            kwargs = {"batch_size": 8, "shuffle": True}
            kwargs["generator"] = torch.Generator().manual_seed(0)
            loader = DataLoader(ds, **kwargs)
            """),
        Valid("""
            from torch.utils.data import DataLoader
            kwargs = dict(batch_size=8, shuffle=True)
            configure(kwargs)  # may add a generator
            loader = DataLoader(ds, **kwargs)
            """),
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
        Invalid(
            "import tensorflow as tf\ntf.random.set_seed(0)  # does not pin it: numpy draws the seed\n"
            "ds = tf.keras.utils.image_dataset_from_directory('data/train')\n"
        ),
        Invalid(
            "from tensorflow.keras.preprocessing.image import ImageDataGenerator\n"
            "gen = ImageDataGenerator(horizontal_flip=True)\n"
            "train = gen.flow_from_directory('data/train', target_size=(64, 64))\n",
            line=3,
            column=9,
        ),
        Invalid(
            "from keras.preprocessing.image import ImageDataGenerator\n"
            "batches = ImageDataGenerator().flow(x, y, batch_size=32)\n"
            "frames = ImageDataGenerator().flow_from_dataframe(df, x_col='path')\n",
            count=2,
        ),
        Invalid(
            "import keras\n"
            "windows = keras.utils.timeseries_dataset_from_array(data, None, 10, shuffle=True)\n"
        ),
        Invalid(
            """
            from torch.utils.data import DataLoader
            kwargs = {"batch_size": 8, "shuffle": True}
            loader = DataLoader(ds, **kwargs)
            """,
            line=2,
            column=39,
        ),
        Invalid(
            """
            from torch.utils.data import DataLoader
            kwargs = {"batch_size": 8}
            kwargs.update({"shuffle": True})
            kwargs.update(num_workers=2)
            loader = DataLoader(ds, **kwargs)
            """,
            line=3,
            column=27,
        ),
        Invalid(
            """
            from torch.utils.data import DataLoader
            def loaders(train_ds):
                kwargs = dict(batch_size=8)
                kwargs["shuffle"] = True
                return DataLoader(train_ds, **kwargs)
            """,
            line=4,
            column=25,
            options={"check-library-modules": True},
        ),
        Invalid(
            """
            from torch.utils.data import DataLoader
            kwargs = dict(shuffle=True)
            loader = DataLoader(ds, **kwargs)
            """,
            line=2,
            column=23,
        ),
    )


def _effective(
    node: cst.Call,
    keyword: str,
    position: int | None,
    entries: dict[str, Entry],
) -> tuple[cst.BaseExpression | None, Entry | None]:
    """The value passed for ``keyword`` (by keyword, position or in a known
    ``**kwargs`` dict), and the dict entry when it came from one."""
    arg = argument(node, keyword, position)
    if arg is not None:
        return arg.value, None
    entry = entries.get(keyword)
    if entry is not None:
        return entry.value, entry
    return None, None
