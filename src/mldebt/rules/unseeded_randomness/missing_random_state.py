"""MLD104 missing-random-state.

Randomised estimators, splitters and samplers called without `random_state`.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from mldebt.engine.helpers import (
    argument,
    has_star_args,
    is_none,
    with_keyword_argument,
)
from mldebt.engine.project import ProjectIndex, scan_module
from mldebt.engine.rule import Fix, Invalid, Valid
from mldebt.rules.unseeded_randomness._project_functions import (
    SEEDED_FUNCTIONS,
    parse_fact,
)
from mldebt.rules.unseeded_randomness._project_seeds import SEED_CALLS
from mldebt.rules.unseeded_randomness._seed_aware import (
    UNKNOWN,
    SeedAwareRule,
    keyword_names,
    literal_value,
    receiver_origin,
)
from mldebt.rules.unseeded_randomness._seeding import Site, names_none
from mldebt.rules.unseeded_randomness.api import (
    NUMPY,
    OTHER_RANDOM_STATE,
    OWN_SEED_CALLS,
    SKLEARN_ALWAYS_RANDOM,
    SKLEARN_RANDOM_WHEN,
)


def _sklearn_is_random(node: cst.Call, name: str) -> bool:
    """Whether an sklearn call draws random numbers with these arguments."""
    if name in SKLEARN_ALWAYS_RANDOM:
        return True
    when = SKLEARN_RANDOM_WHEN.get(name)
    if when is None:
        return False
    arg = argument(node, when.keyword, when.position)
    if arg is None:
        return when.default_random
    value = literal_value(arg.value)
    if value is UNKNOWN:
        return False  # decided at run time: do not guess
    return value in when.values


class MissingRandomState(SeedAwareRule):
    """Randomised estimators, splitters and samplers called without `random_state`.

    ## What it does
    Flags scikit-learn estimators, splitters and functions whose result is random
    (`train_test_split`, `ShuffleSplit`, `KFold(shuffle=True)`, `RandomForest*`,
    `GradientBoosting*`, `KMeans`, `TSNE`, `make_classification`, ... and the ones
    random only with some arguments, such as `LogisticRegression(solver="saga")` or
    `SVC(probability=True)`), imbalanced-learn samplers, `umap.UMAP`, pandas
    `.sample(...)`, Hugging Face `datasets` `.shuffle()`/`.train_test_split()`,
    Optuna samplers and `hyperopt.fmin` when no seed is passed (`random_state=`;
    `seed=` for `datasets` and Optuna; `rstate=` for hyperopt, which takes a numpy
    `Generator` and so gets no automatic fix).
    `sklearn.utils.shuffle` and `sklearn.utils.resample` count too.
    Deterministic ones (`LinearRegression`, `StandardScaler`, `KFold()` without
    shuffling, lbfgs `LogisticRegression`) are never flagged, and XGBoost/LightGBM
    are not either: they are repeatable without a seed.

    The project's own functions that mirror such an API are flagged the same way
    where they are called: a module-level function with a `seed=None`,
    `random_state=None`, `rng=None` (or `random_seed=None`) parameter whose body
    draws randomness (`np.random.*`, `random.*`, `torch.rand*`, ...), builds a
    generator from it (`np.random.default_rng(seed)`,
    `check_random_state(random_state)`) or forwards it to a randomised call
    (`RandomForestClassifier(random_state=random_state)`), called without that
    argument or with None. Functions of other project modules are found through
    the project index, so a caller is checked when it is linted alone. Methods
    and functions that only forward the seed to another project function are not
    followed.

    With `random_state=None`, scikit-learn, pandas and map-style `datasets`
    shuffles draw from numpy's global RNG, so a deterministic `np.random.seed(k)`
    also pins them: one that runs first in the program's order, or, for a library
    module, one in a program of the project that imports it (as in MLD101). A `.sample(...)` counts as pandas'
    only with a pandas keyword (`n=`, `frac=`, `replace=`, `weights=`, `axis=`),
    and a `.shuffle()` as `datasets`' only on a dataset the code got from
    `datasets` (`load_dataset(...)["train"]`).

    ## Why is this bad?
    Every run splits, samples and initialises differently: the same code gives a
    different score each time, and a change cannot be told apart from noise.

    ## Example
    ```python
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import train_test_split

    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
    model = RandomForestClassifier(n_estimators=200)
    ```

    ## Use instead
    ```python
    SEED = 42
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=SEED
    )
    model = RandomForestClassifier(n_estimators=200, random_state=SEED)
    ```

    ## Fix
    Unsafe (it changes the results): adds `random_state=S` (`seed=` for
    `datasets` and Optuna), reusing the seed in scope before inventing one. `S` is,
    in this order: a `random_state` parameter of the enclosing function;
    `self.random_state` (or `self.seed`) in a method of a class whose `__init__`
    assigns it; a parameter or local named `random_state`, `seed`, `SEED` or
    `rng_seed` of an enclosing function (a local only when deterministic); the
    `seed` option; a deterministic `SEED` defined before the call; `0`.
    """

    code = "MLD104"
    name = "missing-random-state"
    uses_project = True
    category = "unseeded-randomness"
    message = "random result without `random_state`"
    triggers = (
        "sklearn",
        "imblearn",
        "umap",
        "sample",
        "shuffle",
        "train_test_split",
        "hyperopt",
        "optuna",
        # a call of a project function that takes a seed (`make_split(X)`) may
        # mention nothing else; ML code that calls one names numpy, torch or random
        # (not "import": every file would be parsed, and per-commit latency counts)
        "numpy",
        "torch",
        "random",
        "random_state=None",
        "seed=None",
        "rng=None",
    )
    fix_safety = "unsafe"
    # SeedAwareRule's `project_facts` is inferred as a one-scanner tuple; annotating
    # it there as `ClassVar[tuple[FactScanner, ...]]` would make this ignore go.
    project_facts = (SEED_CALLS, SEEDED_FUNCTIONS)  # type: ignore[assignment]

    def check_call(self, node: cst.Call, qualname: str | None) -> None:
        if has_star_args(node):
            return  # **params may carry the seed
        if self._check_project_function(node, qualname):
            return
        if qualname is None:
            self._check_method(node)
            return
        own = OWN_SEED_CALLS.get(qualname)
        if own is not None:
            keyword, takes_an_int = own
            self._require(node, keyword, None, qualname, fixable=takes_an_int)
            return
        parts = qualname.split(".")
        name = parts[-1]
        if parts[0] == "sklearn":
            random = _sklearn_is_random(node, name)
        else:
            random = any(
                qualname.startswith(prefix) and name in names
                for prefix, names in OTHER_RANDOM_STATE.items()
            )
        if random:
            self._require(node, "random_state", None, qualname)

    def on_begin_file(self) -> None:
        super().on_begin_file()
        self.pending: list[_Pending] = []

    def _check_project_function(self, node: cst.Call, qualname: str | None) -> bool:
        """A project function that mirrors a seeded API (``def split(X,
        random_state=None)`` that draws): its seed is required like
        ``train_test_split``'s. Whether the call was one."""
        func = node.func
        found: tuple[str, str, int | None] | None = None
        if isinstance(func, cst.Name):
            binding = self.ctx.names.lookup(func.value)
            if binding is None or (
                binding.kind == "def"
                and self.ctx.names.module_scope.names.get(func.value) is binding
            ):
                found = self._seeded_functions_here().get(func.value)
        if found is None and qualname is not None:
            found = self._seeded_project_function(qualname)
        if found is None:
            return False
        name, parameter, position = found
        self._require(node, parameter, position, name)
        return True

    def _seeded_functions_here(self) -> dict[str, tuple[str, str, int | None]]:
        """This file's seeded functions, by name (read as the index reads any file)."""

        def scan() -> dict[str, tuple[str, str, int | None]]:
            info = scan_module(
                self.ctx.relative_path, self.ctx.text, [SEEDED_FUNCTIONS]
            )
            found = (parse_fact(fact) for fact in info.fact(SEEDED_FUNCTIONS))
            return {
                name: (name, parameter, position) for name, parameter, position in found
            }

        return self.ctx.file_fact("seeded-functions-here", scan)

    def _seeded_project_function(
        self, qualname: str
    ) -> tuple[str, str, int | None] | None:
        """The seeded function of another project module that ``qualname`` names."""
        module, _, function = qualname.rpartition(".")
        if not module:
            return None
        index, by_module = self.ctx.file_fact(
            "seeded-functions-by-module", self._seeded_functions_by_module
        )
        if index is None or not by_module:
            return None
        if module.startswith("."):
            module = self._absolute_module(index, module)
        for fact in by_module.get(module, ()):
            name, parameter, position = parse_fact(fact)
            if name == function:
                return qualname, parameter, position
        return None

    def _seeded_functions_by_module(
        self,
    ) -> tuple[ProjectIndex | None, dict[str, tuple[str, ...]]]:
        """The project index, and the seeded functions of its modules by module
        name (asked once per file: finding the index costs file-system lookups)."""
        index = self.ctx.project_index()
        if index is None:
            return None, {}
        return index, {
            name: info.fact(SEEDED_FUNCTIONS)
            for info in index.modules.values()
            if info.fact(SEEDED_FUNCTIONS)
            for name in info.names
        }

    def _absolute_module(self, index: ProjectIndex, relative: str) -> str:
        """``.helpers`` in ``pkg/train.py`` -> ``pkg.helpers``."""
        here = index.relative(self.ctx.path)
        info = index.modules.get(here) if here is not None else None
        if info is None or not info.names:
            return relative
        package = info.names[0]
        if not info.path.endswith("__init__.py"):
            package = package.rpartition(".")[0]
        dots = len(relative) - len(relative.lstrip("."))
        parts = package.split(".") if package else []
        parts = parts[: len(parts) - (dots - 1)] if dots > 1 else parts
        return ".".join(filter(None, [*parts, relative.lstrip(".")]))

    def _check_method(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        if self.ctx.qualified_name(func.value) is not None:
            return  # a module's function, not a DataFrame or Dataset method
        method = func.attr.value
        keywords = keyword_names(node)
        if (
            method == "sample"
            and keywords & _PANDAS_SAMPLE_KEYWORDS  # not random.sample / dist.sample
            and self.ctx.names.is_imported("pandas")
        ):
            self._require(node, "random_state", 4, "DataFrame.sample")
        elif method in ("shuffle", "train_test_split"):
            origin = receiver_origin(self.ctx, func.value)
            if origin is None or not origin.startswith("datasets."):
                return
            shuffle = argument(node, "shuffle")
            if shuffle is not None and literal_value(shuffle.value) is False:
                return
            if not {"seed", "generator"} & keywords:
                self._require(node, "seed", None, f"Dataset.{method}")

    def _require(
        self,
        node: cst.Call,
        keyword: str,
        position: int | None,
        shown: str,
        fixable: bool = True,
    ) -> None:
        arg = argument(node, keyword, position)
        if (
            arg is not None
            and not is_none(arg.value)
            and not names_none(self.ctx, arg.value)
        ):
            return
        fix = None
        seed = self.seed_here()
        if seed is not None and arg is None and fixable:
            fix = Fix.replace(
                node,
                with_keyword_argument(node, keyword, seed),
                message=f"Pass `{keyword}={seed}`",
                applicability="unsafe",
            )
        self.pending.append(
            _Pending(
                node,
                self.ctx.anchor_for(node),
                f"`{shown}` is random and gets no `{keyword}`",
                self.seeds.site(),
                fix,
            )
        )

    def end_file(self) -> None:
        # With `random_state=None` scikit-learn, pandas and `datasets` draw from
        # numpy's global RNG: a numpy seed in effect pins them, as for MLD101.
        if not self.pending:
            return
        self.start_judging(item.site for item in self.pending)
        for item in self.pending:
            if self.unpinned(NUMPY, item.site) is None:
                continue
            self.report(item.node, item.message, fix=item.fix, anchor=item.anchor)

    valid = (
        Valid("from sklearn.model_selection import KFold\ncv = KFold(n_splits=5)\n"),
        Valid(
            "import optuna\n"
            "study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=7))\n"
        ),
        Valid(
            "import numpy as np\nfrom hyperopt import fmin, tpe\n"
            "best = fmin(f, space, algo=tpe.suggest, max_evals=9,"
            " rstate=np.random.default_rng(7))\n"
        ),
        Valid(
            "from sklearn.linear_model import LogisticRegression\n"
            "from xgboost import XGBClassifier\n"
            "clf = LogisticRegression(max_iter=500)\nmodel = XGBClassifier(n_estimators=9)\n"
        ),
        Valid(
            "from sklearn.model_selection import train_test_split\n"
            "X_tr, X_te = train_test_split(X, shuffle=False)\n"
        ),
        Valid(
            "from sklearn.ensemble import RandomForestClassifier as RF\n"
            "def build(seed):\n    return RF(n_estimators=10, random_state=seed)\n"
        ),
        Valid(
            "import numpy as np\nfrom sklearn.cluster import KMeans\n"
            "np.random.seed(0)  # random_state=None falls back on numpy's global RNG\n"
            "km = KMeans(n_clusters=3)\n"
        ),
        Valid(
            "from sklearn.preprocessing import StandardScaler\nscaler = StandardScaler()\n"
        ),
        Valid(
            "import random\nrows = random.sample(range(10), 3)  # stdlib, not pandas\n"
        ),
        Valid("from sklearn.svm import SVC\nclf = SVC(kernel='rbf')\n"),
        Valid(
            "from sklearn.ensemble import RandomForestClassifier\nm = RandomForestClassifier(**params)\n"
        ),
        Valid("import pandas as pd\nholdout = df.sample(frac=0.2, random_state=7)\n"),
        Valid("""
            import numpy as np
            from sklearn.model_selection import train_test_split
            def split(X, y):
                return train_test_split(X, y, test_size=0.2)
            if __name__ == "__main__":
                np.random.seed(42)  # runs before split(): random_state=None uses it
                split(X, y)
            """),
        Valid("""
            import pandas as pd
            import random
            def pick(items, rng: random.Random):
                return rng.sample(items, 2)  # not pandas: no pandas keyword
            def latents(q):
                return q.sample()
            """),
        Valid("""
            from datasets import load_dataset
            import random
            ds = load_dataset("imdb")
            split = ds["train"].train_test_split(test_size=0.1, shuffle=False)
            files = ["a", "b"]
            random.Random(3).shuffle(files)  # not a Dataset
            """),
        Valid(
            "from sklearn.utils import shuffle, resample\n"
            "X, y = shuffle(X, y, random_state=0)\n"
            "boot = resample(X, n_samples=50, random_state=0)\n"
        ),
        Valid("""
            import numpy as np
            def jitter(x, seed=None):
                rng = np.random.default_rng(seed)
                return x + rng.normal(size=3)
            noisy = jitter(x, seed=3)
            again = jitter(x, 3)
            """),
        Valid("""
            import pandas as pd
            def load(path, seed=None):  # takes a seed, draws nothing
                return pd.read_csv(path)
            df = load("train.csv")
            """),
    )
    invalid = (
        Invalid(
            "import optuna\nsampler = optuna.samplers.TPESampler()\n",
            fixed="import optuna\nsampler = optuna.samplers.TPESampler(seed=0)\n",
        ),
        Invalid(
            # no fix: `rstate` takes a numpy Generator, not a seed
            "from hyperopt import fmin, tpe\n"
            "best = fmin(f, space, algo=tpe.suggest, max_evals=9)\n"
        ),
        Invalid(
            """
            from sklearn.model_selection import train_test_split
            def split(df, X, y):
                return train_test_split(X, y, test_size=0.25, stratify=y)
            if __name__ == "__main__":
                split(*load())
            """,
            line=3,
            column=12,
            fixed="""
            from sklearn.model_selection import train_test_split
            def split(df, X, y):
                return train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
            if __name__ == "__main__":
                split(*load())
            """,
        ),
        Invalid(
            """
            from sklearn.model_selection import StratifiedKFold, cross_val_score
            from sklearn.ensemble import ExtraTreesClassifier
            SEED = 3
            cv = StratifiedKFold(n_splits=5, shuffle=True)
            scores = cross_val_score(ExtraTreesClassifier(), X, y, cv=cv)
            """,
            count=2,
            fixed="""
            from sklearn.model_selection import StratifiedKFold, cross_val_score
            from sklearn.ensemble import ExtraTreesClassifier
            SEED = 3
            cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
            scores = cross_val_score(ExtraTreesClassifier(random_state=SEED), X, y, cv=cv)
            """,
        ),
        Invalid(
            """
            from sklearn.ensemble import RandomForestClassifier
            SEED = 3
            def fit(X, y, random_state=None):  # the caller's seed beats SEED
                return RandomForestClassifier(n_estimators=9).fit(X, y)
            """,
            fixed="""
            from sklearn.ensemble import RandomForestClassifier
            SEED = 3
            def fit(X, y, random_state=None):  # the caller's seed beats SEED
                return RandomForestClassifier(n_estimators=9, random_state=random_state).fit(X, y)
            """,
            options={"check-library-modules": True},
        ),
        Invalid(
            """
            from sklearn.cluster import KMeans
            class Clusterer:
                def __init__(self, k, random_state=None):
                    self.k = k
                    self.random_state = random_state
                def fit(self, X):
                    return KMeans(n_clusters=self.k).fit(X)
            """,
            fixed="""
            from sklearn.cluster import KMeans
            class Clusterer:
                def __init__(self, k, random_state=None):
                    self.k = k
                    self.random_state = random_state
                def fit(self, X):
                    return KMeans(n_clusters=self.k, random_state=self.random_state).fit(X)
            """,
            options={"check-library-modules": True},
        ),
        Invalid(
            """
            from sklearn.model_selection import train_test_split
            def split(X, y, rng_seed):
                return train_test_split(X, y, test_size=0.2)
            """,
            fixed="""
            from sklearn.model_selection import train_test_split
            def split(X, y, rng_seed):
                return train_test_split(X, y, test_size=0.2, random_state=rng_seed)
            """,
            options={"check-library-modules": True},
        ),
        Invalid(
            "import sklearn.cluster as skc\nkm = skc.KMeans(n_clusters=3, random_state=None)\n"
        ),
        Invalid(
            "from sklearn.linear_model import LogisticRegression\n"
            "clf = LogisticRegression(solver='saga')\n"
        ),
        Invalid(
            "import pandas as pd\ndef split(df):\n    return df.sample(frac=0.2)\n"
            "if __name__ == '__main__':\n    split(pd.read_csv('a.csv'))\n"
        ),
        Invalid(
            "from sklearn.datasets import make_classification\nX, y = make_classification(100)\n"
        ),
        Invalid("from imblearn.over_sampling import SMOTE\nsm = SMOTE()\n"),
        Invalid(
            "from datasets import load_dataset\nds = load_dataset('imdb')\n"
            "train = ds['train'].shuffle()\n"
        ),
        Invalid(
            "from sklearn.utils import shuffle, resample\n"
            "X, y = shuffle(X, y)\n"
            "boot = resample(X, n_samples=50, random_state=None)\n",
            count=2,
        ),
        Invalid(
            """
            from sklearn.ensemble import RandomForestClassifier
            def build(n, random_state=None):
                return RandomForestClassifier(n_estimators=n, random_state=random_state)
            model = build(100)
            """,
            line=4,
            column=9,
            fixed="""
            from sklearn.ensemble import RandomForestClassifier
            def build(n, random_state=None):
                return RandomForestClassifier(n_estimators=n, random_state=random_state)
            model = build(100, random_state=0)
            """,
        ),
        Invalid("""
            import numpy as np
            def jitter(x, seed=None):
                rng = np.random.default_rng(seed)
                return x + rng.normal(size=3)
            noisy = jitter(x, seed=None)
            """),
        Invalid(
            """
            import random
            def main(items):
                return pick(items)  # defined below: still this module's function
            def pick(items, *, rng=None):
                return random.Random(rng).choice(items)
            """,
            line=3,
            column=12,
            options={"check-library-modules": True},
        ),
    )


@dataclass
class _Pending:
    node: cst.Call
    anchor: cst.CSTNode
    message: str
    site: Site
    fix: Fix | None


# Keywords only pandas' DataFrame/Series.sample takes (not random.sample,
# torch distributions or a Generator): the sign a `.sample(...)` is pandas'.
_PANDAS_SAMPLE_KEYWORDS = frozenset({"frac", "n", "replace", "weights", "axis"})
