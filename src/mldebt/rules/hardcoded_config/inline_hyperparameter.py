"""MLD304 inline-hyperparameter.

A hyperparameter written as a number inside training code.
"""

from __future__ import annotations

import re

import libcst as cst

from mldebt.engine.helpers import argument, has_star_args, matches_path_globs
from mldebt.engine.options import Option
from mldebt.engine.rule import Invalid, Valid
from mldebt.rules.hardcoded_config._constants import ExtractsConstants
from mldebt.rules.hardcoded_config.hyperparameters_api import (
    CONFIG_MODULES,
    EPOCH_VARIABLE,
    HYPERPARAMETER_APIS,
    HYPERPARAMETER_TRIGGERS,
    KERAS_FIT_KEYWORDS,
    KERAS_FIT_METHODS,
    LIBRARY_DEFAULTS,
    PLOTTING_VALUES,
    POSITIONAL_HYPERPARAMETERS,
    PROGRESS_RANGES,
    PROGRESS_WRAPPERS,
    TRAINING_FUNCTIONS,
)

_KERAS_ALIASES = ("tensorflow.keras.", "tf_keras.", "keras.src.")


def normal_api_name(qualname: str) -> str:
    """``tensorflow.keras.optimizers.Adam`` -> ``keras.optimizers.Adam``."""
    for alias in _KERAS_ALIASES:
        if qualname.startswith(alias):
            return "keras." + qualname[len(alias) :]
    return qualname


def hyperparameter_keywords(qualname: str) -> frozenset[str]:
    """The hyperparameter keywords of the API ``qualname`` names (empty if none)."""
    for prefix, keywords in HYPERPARAMETER_APIS:
        if prefix.endswith("."):
            if qualname.startswith(prefix):
                # In a module, the classes (estimators, optimizers) and the
                # training functions; helpers such as sklearn's private functions
                # take the same keywords without being the model's choice.
                last = qualname.rsplit(".", 1)[-1]
                if last[:1].isupper() or last in TRAINING_FUNCTIONS:
                    return keywords
                return frozenset()
        elif qualname == prefix:
            return keywords
    return frozenset()


def is_number(node: cst.BaseExpression) -> bool:
    """An int or float literal, optionally signed."""
    if isinstance(node, cst.UnaryOperation) and isinstance(
        node.operator, (cst.Minus, cst.Plus)
    ):
        node = node.expression
    return isinstance(node, (cst.Integer, cst.Float))


def is_numeric_literal(node: cst.BaseExpression) -> bool:
    """A number, or a non-empty tuple or list of numbers (``betas=(0.9, 0.999)``)."""
    if isinstance(node, (cst.Tuple, cst.List)):
        return bool(node.elements) and all(
            isinstance(element, cst.Element) and is_number(element.value)
            for element in node.elements
        )
    return is_number(node)


def constant_name(text: str) -> str:
    """``XGBClassifier`` -> ``XGB_CLASSIFIER``; ``weight_decay`` -> ``WEIGHT_DECAY``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", text)
    return re.sub(r"\W+", "_", spaced).strip("_").upper()


def _shuffles(call: cst.Call) -> bool:
    """Whether a DataLoader call shuffles (a training loader): ``shuffle=True``."""
    shuffle = argument(call, "shuffle", 2)
    return (
        shuffle is not None
        and isinstance(shuffle.value, cst.Name)
        and shuffle.value.value == "True"
    )


class InlineHyperparameter(ExtractsConstants):
    """A hyperparameter written as a number inside training code.

    ## What it does
    Flags numeric literals passed as hyperparameters to the model, optimizer,
    scheduler, trainer and data-loader APIs of scikit-learn, PyTorch, Keras,
    XGBoost, LightGBM, CatBoost, Hugging Face `transformers` and PEFT, and Lightning
    (`n_estimators=850`, `lr=3e-4`, `betas=(0.9, 0.98)`, `batch_size=64`,
    `num_train_epochs=3`), and epoch loops with a literal count
    (`for epoch in range(40)`). Names are resolved, so `from torch.optim import
    AdamW` and `import xgboost as xgb; xgb.XGBClassifier` are recognised alike.

    Literals that already are configuration are not flagged: module-level
    UPPER_CASE constants and config dicts (`CONFIG = {...}`, `param_grid = {...}`),
    function parameter defaults, fields of dataclass / pydantic / attrs /
    NamedTuple / `*Config` classes, argparse / click / typer / absl defaults,
    Hydra / OmegaConf / ml_collections configs and search spaces. Seeds
    (`random_state`, `seed`), resources (`n_jobs`, `num_workers`, `device`),
    logging (`verbose`), evaluation settings (`test_size`, `cv`) and layer sizes
    (`nn.Linear(768, 128)`) are not hyperparameters here.

    ## Why is this bad?
    A value buried in a call is invisible to experiment tracking and code review:
    two runs differ and nobody can say why, a sweep has to edit code, and the
    value the paper reports is the one someone typed last. Named constants or
    config entries are logged, diffed and overridden.

    ## Example
    ```python
    from xgboost import XGBClassifier

    def fit(X, y):
        return XGBClassifier(n_estimators=850, max_depth=7).fit(X, y)
    ```

    ## Use instead
    ```python
    from xgboost import XGBClassifier

    N_ESTIMATORS = 850
    MAX_DEPTH = 7

    def fit(X, y):
        return XGBClassifier(n_estimators=N_ESTIMATORS, max_depth=MAX_DEPTH).fit(X, y)
    ```
    The fix does exactly this (safe: the value is the same number): the literal
    becomes a module constant named after its keyword, after the imports. Lists
    (`milestones=[30, 60]`) are flagged but not extracted, since a shared list could
    be mutated. Better still, load the values from a config file or the CLI.
    """

    code = "MLD304"
    name = "inline-hyperparameter"
    category = "hardcoded-config"
    message = "hyperparameter written inline"
    triggers = HYPERPARAMETER_TRIGGERS
    fix_safety = "safe"
    options = (
        Option(
            "ignore-keywords",
            list,
            [],
            "hyperparameter keywords never to flag (e.g. `batch_size`; `epoch` for "
            "epoch loops)",
        ),
        Option(
            "config-modules",
            list,
            CONFIG_MODULES,
            "modules that are configuration themselves: globs on the path relative "
            "to the project or on the file name",
        ),
    )

    def on_begin_file(self) -> None:
        """Config modules are skipped whole."""
        super().on_begin_file()
        globs: list[str] = self.option("config-modules")
        self._config_module = matches_path_globs(self.ctx.relative_path, globs)

    def visit_Call(self, node: cst.Call) -> None:
        """Numbers given to a resolved ML API's hyperparameter keywords."""
        if self._config_module:
            return
        qualname = self.ctx.qualified_name(node.func)
        if qualname is not None:
            api = normal_api_name(qualname)
            keywords = hyperparameter_keywords(api)
            callee = api.rsplit(".", 1)[-1]
        else:
            keywords, callee, api = self._keras_fit(node), "fit", ""
        if not keywords:
            return
        ignored = set(self.option("ignore-keywords"))
        flagged: list[tuple[str, cst.BaseExpression]] = []
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value in keywords:
                flagged.append((arg.keyword.value, arg.value))
        if not has_star_args(node):
            for position, keyword in POSITIONAL_HYPERPARAMETERS.get(api, ()):
                positional = argument(node, keyword, position)
                if positional is not None and positional.keyword is None:
                    flagged.append((keyword, positional.value))
        if api == "torch.utils.data.DataLoader" and not _shuffles(node):
            return  # an evaluation loader: its batch size does not change results
        flagged = [
            (keyword, value)
            for keyword, value in flagged
            if keyword not in ignored
            and is_numeric_literal(value)
            and not self._is_default_choice(keyword, value)
        ]
        if not flagged or self.in_config_position():
            return
        for keyword, value in flagged:
            code = self.ctx.module.code_for_node(value)
            qualified = constant_name(f"{callee}_{keyword}")
            # A one-letter constant (`P`, `C`) says nothing: name it after the call.
            names = (
                [qualified]
                if len(keyword) <= 1
                else [constant_name(keyword), qualified]
            )
            self.add(
                value,
                names,
                f"hyperparameter `{keyword}={code}` is written inline in "
                f"`{callee}(...)`; name it in config (a constant, a config file or a "
                "CLI argument) so runs can be compared",
                fixable=not isinstance(value, cst.List),
            )

    def _is_default_choice(self, keyword: str, value: cst.BaseExpression) -> bool:
        """Zero (a feature turned off), the library's own default, or a plotting
        dimension: not a tuned value."""
        if isinstance(value, (cst.Integer, cst.Float)):
            try:
                if float(value.value.replace("_", "")) == 0:
                    return True
            except ValueError:
                return False
        code = self.ctx.module.code_for_node(value)
        if (keyword, code) in LIBRARY_DEFAULTS:
            return True
        return code in PLOTTING_VALUES.get(keyword, frozenset())

    def _keras_fit(self, node: cst.Call) -> frozenset[str]:
        func = node.func
        if not isinstance(func, cst.Attribute):
            return frozenset()
        if func.attr.value not in KERAS_FIT_METHODS:
            return frozenset()
        names = self.ctx.names
        if names.is_imported("keras") or names.is_imported("tensorflow"):
            return KERAS_FIT_KEYWORDS
        return frozenset()

    def visit_For(self, node: cst.For) -> None:
        """``for epoch in range(40):`` (also through ``tqdm`` / ``trange``)."""
        if self._config_module:
            return
        target = node.target
        if not isinstance(target, cst.Name) or not EPOCH_VARIABLE.match(target.value):
            return
        if "epoch" in set(self.option("ignore-keywords")):
            return
        iterator = node.iter
        if not isinstance(iterator, cst.Call) or has_star_args(iterator):
            return
        qualname = self.ctx.qualified_name(iterator.func)
        if qualname in PROGRESS_WRAPPERS and iterator.args:
            inner = iterator.args[0].value
            if not isinstance(inner, cst.Call):
                return
            iterator, qualname = inner, self.ctx.qualified_name(inner.func)
        if qualname not in PROGRESS_RANGES and qualname != "builtins.range":
            return
        args = [arg for arg in iterator.args if arg.keyword is None and not arg.star]
        if not args or len(args) > 3:
            return
        stop = args[0].value if len(args) == 1 else args[1].value
        if not isinstance(stop, cst.Integer):
            return
        self.add(
            stop,
            ["NUM_EPOCHS", "EPOCHS"],
            f"the number of epochs (`{stop.value}`) is written into the training "
            "loop; name it in config (a constant, a config file or a CLI argument)",
            fixable=len(args) == 1,
        )

    valid = (
        Valid("""
            import argparse
            from dataclasses import dataclass
            import torch
            LEARNING_RATE = 3e-4
            parser = argparse.ArgumentParser()
            parser.add_argument("--weight-decay", type=float, default=0.01)
            @dataclass
            class TrainConfig:
                batch_size: int = 32
            def make_opt(model, args):
                return torch.optim.AdamW(
                    model.parameters(), lr=LEARNING_RATE, weight_decay=args.weight_decay
                )
            """),
        Valid("""
            from sklearn.ensemble import RandomForestClassifier
            def build(n_estimators: int = 500, max_depth: int | None = None):
                return RandomForestClassifier(
                    n_estimators=n_estimators, max_depth=max_depth,
                    random_state=42, n_jobs=-1, verbose=0,
                )
            """),
        Valid("""
            import torch.nn as nn
            from sklearn.model_selection import GridSearchCV, train_test_split
            from sklearn.svm import SVC
            head = nn.Sequential(nn.Linear(768, 128), nn.ReLU(), nn.Linear(128, 2))
            search = GridSearchCV(SVC(), param_grid={"C": [0.1, 1, 10]}, cv=5)
            X_train, X_test = train_test_split(X, test_size=0.2, random_state=0)
            """),
        Valid("""
            from xgboost import XGBClassifier
            CONFIG = {"model": XGBClassifier(n_estimators=300, max_depth=6)}
            MODEL = XGBClassifier(n_estimators=300)
            """),
        Valid("""
            import torch
            from torch.utils.data import DataLoader
            def loader(ds, batch_size=64):
                return DataLoader(ds, batch_size=batch_size, num_workers=4, pin_memory=True)
            df.head(10)
            for epoch in range(cfg.epochs):
                pass
            for i in range(10):
                pass
            """),
        Valid("""
            from pydantic import BaseModel
            from transformers import TrainingArguments
            class Hyperparameters(BaseModel):
                args: TrainingArguments = TrainingArguments(output_dir="out", learning_rate=2e-5)
            def main(cfg):
                return TrainingArguments(output_dir="out", learning_rate=cfg.lr, logging_steps=50)
            """),
        Valid("""
            import optuna
            from sklearn.ensemble import GradientBoostingRegressor
            def objective(trial):
                lr = trial.suggest_float("learning_rate", 1e-3, 0.3, log=True)
                return GradientBoostingRegressor(learning_rate=lr)
            """),
    )
    invalid = (
        Invalid(
            """
            import torch
            def train(model, loader):
                opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.01)
                for epoch in range(40):
                    for batch in loader:
                        ...
            """,
            count=3,
            line=3,
            column=52,
            fixed="""
            import torch
            LR = 3e-4
            WEIGHT_DECAY = 0.01
            NUM_EPOCHS = 40
            def train(model, loader):
                opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
                for epoch in range(NUM_EPOCHS):
                    for batch in loader:
                        ...
            """,
        ),
        Invalid(
            """
            \"\"\"Train the churn model.\"\"\"
            from xgboost import XGBClassifier
            def fit(X, y):
                clf = XGBClassifier(n_estimators=850, max_depth=7, learning_rate=0.05, subsample=0.8)
                return clf.fit(X, y)
            """,
            count=4,
            fixed="""
            \"\"\"Train the churn model.\"\"\"
            from xgboost import XGBClassifier
            N_ESTIMATORS = 850
            MAX_DEPTH = 7
            LEARNING_RATE = 0.05
            SUBSAMPLE = 0.8
            def fit(X, y):
                clf = XGBClassifier(n_estimators=N_ESTIMATORS, max_depth=MAX_DEPTH, learning_rate=LEARNING_RATE, subsample=SUBSAMPLE)
                return clf.fit(X, y)
            """,
        ),
        Invalid(
            """
            import torch
            opt = torch.optim.SGD(model.parameters(), 0.1, momentum=0.9)
            sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[30, 60], gamma=0.1)
            """,
            count=4,
            fixed="""
            import torch
            LR = 0.1
            MOMENTUM = 0.9
            GAMMA = 0.1
            opt = torch.optim.SGD(model.parameters(), LR, momentum=MOMENTUM)
            sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[30, 60], gamma=GAMMA)
            """,
        ),
        Invalid(
            """
            import tensorflow as tf
            LR = 1e-3  # already taken: the fix must not reuse it
            model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.001))
            model.fit(X, y, epochs=20, batch_size=128)
            """,
            count=3,
            fixed="""
            import tensorflow as tf
            LEARNING_RATE = 0.001
            EPOCHS = 20
            BATCH_SIZE = 128
            LR = 1e-3  # already taken: the fix must not reuse it
            model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=LEARNING_RATE))
            model.fit(X, y, epochs=EPOCHS, batch_size=BATCH_SIZE)
            """,
        ),
        Invalid(
            """
            from sklearn.linear_model import LogisticRegression
            from sklearn.svm import SVC
            a = LogisticRegression(C=0.5)
            b = SVC(C=10.0)
            c = SVC(C=0.5)
            """,
            count=3,
            fixed="""
            from sklearn.linear_model import LogisticRegression
            from sklearn.svm import SVC
            LOGISTIC_REGRESSION_C = 0.5
            SVC_C = 10.0
            SVC_C_2 = 0.5
            a = LogisticRegression(C=LOGISTIC_REGRESSION_C)
            b = SVC(C=SVC_C)
            c = SVC(C=SVC_C_2)
            """,
        ),
        Invalid(
            """
            from transformers import TrainingArguments
            from tqdm import trange
            args = TrainingArguments("out", learning_rate=2e-5, num_train_epochs=3)
            for epoch in trange(1, 11):
                pass
            """,
            count=3,
        ),
        Invalid(
            """
            import lightgbm as lgb
            import torch.optim as optim
            model = lgb.LGBMRegressor(num_leaves=63, reg_lambda=-1)
            opt = optim.Adam(net.parameters(), betas=(0.9, 0.98))
            """,
            count=3,
            fixed="""
            import lightgbm as lgb
            import torch.optim as optim
            NUM_LEAVES = 63
            REG_LAMBDA = -1
            BETAS = (0.9, 0.98)
            model = lgb.LGBMRegressor(num_leaves=NUM_LEAVES, reg_lambda=REG_LAMBDA)
            opt = optim.Adam(net.parameters(), betas=BETAS)
            """,
        ),
    )
