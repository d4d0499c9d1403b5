"""Which keywords of which ML APIs are hyperparameters (MLD304), and where a
literal is already configuration.

Data only. A call is matched by its resolved qualified name against the prefixes
below (the first match wins); its keywords are then looked up in that library's
set. Seeds (``random_state``, ``seed``), resources (``n_jobs``, ``num_workers``,
``device``), logging (``verbose``, ``logging_steps``) and evaluation protocol
(``test_size``, ``cv``) are deliberately absent: they are not tuned.
"""

from __future__ import annotations

import re

_SKLEARN = frozenset(
    {
        "n_estimators",
        "max_depth",
        "min_samples_split",
        "min_samples_leaf",
        "min_weight_fraction_leaf",
        "max_features",
        "max_leaf_nodes",
        "min_impurity_decrease",
        "ccp_alpha",
        "max_samples",
        "learning_rate",
        "learning_rate_init",
        "subsample",
        "C",
        "alpha",
        "alpha_1",
        "alpha_2",
        "l1_ratio",
        "gamma",
        "degree",
        "coef0",
        "nu",
        "epsilon",
        "n_neighbors",
        "n_clusters",
        "n_components",
        "perplexity",
        "hidden_layer_sizes",
        "batch_size",
        "momentum",
        "beta_1",
        "beta_2",
        "max_bins",
        "max_leaf_nodes",
        "l2_regularization",
        "min_df",
        "max_df",
        "ngram_range",
        "eps",
        "min_samples",
        "bandwidth",
        "n_iter_no_change",
        "validation_fraction",
    }
)
_BOOSTING = frozenset(
    {
        "n_estimators",
        "max_depth",
        "learning_rate",
        "subsample",
        "gamma",
        "eta",
        "colsample_bytree",
        "colsample_bylevel",
        "colsample_bynode",
        "min_child_weight",
        "min_split_loss",
        "reg_alpha",
        "reg_lambda",
        "scale_pos_weight",
        "max_delta_step",
        "max_leaves",
        "max_bin",
        "num_boost_round",
        "early_stopping_rounds",
        "num_leaves",
        "num_iterations",
        "min_child_samples",
        "min_data_in_leaf",
        "bagging_fraction",
        "bagging_freq",
        "subsample_freq",
        "feature_fraction",
        "lambda_l1",
        "lambda_l2",
        "min_split_gain",
        "iterations",
        "depth",
        "l2_leaf_reg",
        "border_count",
        "bagging_temperature",
        "random_strength",
        "od_wait",
    }
)
_TORCH_OPTIM = frozenset(
    {
        "lr",
        "momentum",
        "weight_decay",
        "betas",
        "eps",
        "dampening",
        "alpha",
        "lr_decay",
        "rho",
        "lambd",
        "max_lr",
        "initial_accumulator_value",
    }
)
_TORCH_SCHEDULER = frozenset(
    {
        "step_size",
        "gamma",
        "milestones",
        "T_max",
        "T_0",
        "T_mult",
        "eta_min",
        "max_lr",
        "base_lr",
        "total_steps",
        "pct_start",
        "factor",
        "patience",
        "warmup_steps",
        "num_warmup_steps",
        "num_training_steps",
        "step_size_up",
        "power",
    }
)
_KERAS = frozenset(
    {
        "learning_rate",
        "momentum",
        "beta_1",
        "beta_2",
        "epsilon",
        "weight_decay",
        "rho",
        "rate",
        "patience",
        "min_delta",
        "factor",
        "decay_steps",
        "decay_rate",
        "initial_learning_rate",
        "l1",
        "l2",
    }
)
_TRAINING_ARGUMENTS = frozenset(
    {
        "learning_rate",
        "num_train_epochs",
        "per_device_train_batch_size",
        "per_device_eval_batch_size",
        "weight_decay",
        "warmup_steps",
        "warmup_ratio",
        "gradient_accumulation_steps",
        "max_steps",
        "adam_beta1",
        "adam_beta2",
        "adam_epsilon",
        "max_grad_norm",
        "label_smoothing_factor",
    }
)
_LIGHTNING_TRAINER = frozenset(
    {
        "max_epochs",
        "min_epochs",
        "max_steps",
        "accumulate_grad_batches",
        "gradient_clip_val",
    }
)
_PEFT = frozenset({"r", "lora_alpha", "lora_dropout"})

# (qualified-name prefix, hyperparameter keywords); a prefix ending in "." matches
# everything in that module, otherwise the name must match exactly.
HYPERPARAMETER_APIS: tuple[tuple[str, frozenset[str]], ...] = (
    ("torch.optim.lr_scheduler.", _TORCH_SCHEDULER),
    ("torch.optim.swa_utils.", frozenset({"swa_lr", "anneal_epochs"})),
    ("torch.optim.", _TORCH_OPTIM),
    # Dropout layers are left out: like layer sizes they are the architecture,
    # set where the model is defined (nn.Dropout(0.1) in __init__).
    ("torch.utils.data.DataLoader", frozenset({"batch_size"})),
    ("torch.nn.utils.clip_grad_norm_", frozenset({"max_norm"})),
    ("keras.optimizers.schedules.", _KERAS),
    ("keras.optimizers.", _KERAS),
    ("keras.callbacks.EarlyStopping", frozenset({"patience", "min_delta"})),
    ("keras.callbacks.ReduceLROnPlateau", frozenset({"patience", "factor"})),
    ("keras.regularizers.", frozenset({"l1", "l2"})),
    ("transformers.TrainingArguments", _TRAINING_ARGUMENTS),
    ("transformers.Seq2SeqTrainingArguments", _TRAINING_ARGUMENTS),
    ("transformers.training_args.TrainingArguments", _TRAINING_ARGUMENTS),
    (
        "transformers.training_args_seq2seq.Seq2SeqTrainingArguments",
        _TRAINING_ARGUMENTS,
    ),
    ("trl.SFTConfig", _TRAINING_ARGUMENTS),
    ("trl.DPOConfig", _TRAINING_ARGUMENTS | frozenset({"beta"})),
    ("trl.GRPOConfig", _TRAINING_ARGUMENTS | frozenset({"beta"})),
    ("trl.PPOConfig", _TRAINING_ARGUMENTS),
    ("trl.RewardConfig", _TRAINING_ARGUMENTS),
    ("transformers.get_linear_schedule_with_warmup", _TORCH_SCHEDULER),
    ("transformers.get_cosine_schedule_with_warmup", _TORCH_SCHEDULER),
    ("transformers.get_scheduler", _TORCH_SCHEDULER),
    ("transformers.optimization.", _TORCH_SCHEDULER | _TORCH_OPTIM),
    ("transformers.AdamW", _TORCH_OPTIM),
    ("lightning.Trainer", _LIGHTNING_TRAINER),
    ("lightning.pytorch.Trainer", _LIGHTNING_TRAINER),
    ("pytorch_lightning.Trainer", _LIGHTNING_TRAINER),
    ("peft.LoraConfig", _PEFT),
    ("xgboost.", _BOOSTING),
    ("lightgbm.", _BOOSTING),
    ("catboost.", _BOOSTING),
    ("umap.UMAP", frozenset({"n_neighbors", "min_dist", "n_components", "spread"})),
    ("sklearn.", _SKLEARN),
    ("imblearn.", _SKLEARN),
)

# Functions (in the modules matched by prefix above) that train a model.
TRAINING_FUNCTIONS = frozenset(
    {"train", "cv", "fit", "get_scheduler", "l1", "l2", "l1_l2"}
)

# Positional parameters that are hyperparameters: (qualified name, index, keyword).
# sklearn's, xgboost's and lightgbm's estimators take them by keyword only.
POSITIONAL_HYPERPARAMETERS: dict[str, tuple[tuple[int, str], ...]] = {
    "torch.optim.SGD": ((1, "lr"),),
    "torch.optim.Adam": ((1, "lr"),),
    "torch.optim.AdamW": ((1, "lr"),),
    "torch.optim.RMSprop": ((1, "lr"),),
    "torch.optim.Adagrad": ((1, "lr"),),
    "torch.optim.lr_scheduler.StepLR": ((1, "step_size"), (2, "gamma")),
    "torch.optim.lr_scheduler.MultiStepLR": ((1, "milestones"), (2, "gamma")),
    "torch.optim.lr_scheduler.ExponentialLR": ((1, "gamma"),),
    "torch.optim.lr_scheduler.CosineAnnealingLR": ((1, "T_max"),),
    "torch.utils.data.DataLoader": ((1, "batch_size"),),
    "torch.nn.utils.clip_grad_norm_": ((1, "max_norm"),),
    "transformers.get_linear_schedule_with_warmup": ((1, "num_warmup_steps"),),
    "transformers.get_cosine_schedule_with_warmup": ((1, "num_warmup_steps"),),
    "keras.optimizers.Adam": ((0, "learning_rate"),),
    "keras.optimizers.AdamW": ((0, "learning_rate"),),
    "keras.optimizers.SGD": ((0, "learning_rate"),),
    "keras.optimizers.RMSprop": ((0, "learning_rate"),),
    "keras.regularizers.l1": ((0, "l1"),),
    "keras.regularizers.l2": ((0, "l2"),),
}

# Values that are the library's own default: writing them out is not a choice
# anyone tuned. (keyword, literal code)
LIBRARY_DEFAULTS = frozenset(
    {
        ("eps", "1e-8"),
        ("eps", "1e-08"),
        ("epsilon", "1e-7"),
        ("epsilon", "1e-07"),
        ("betas", "(0.9, 0.999)"),
        ("beta_1", "0.9"),
        ("beta_2", "0.999"),
        ("accumulate_grad_batches", "1"),
        ("gradient_accumulation_steps", "1"),
        ("momentum", "0"),
        ("dampening", "0"),
    }
)
# Keywords whose small values are a plotting choice, not a tuned one (PCA to 2-D).
PLOTTING_VALUES = {"n_components": frozenset({"2", "3"})}

# Keras's ``model.fit(...)``: the receiver is a model the file built, so only the
# keywords (and a file that imports keras or tensorflow) identify it.
KERAS_FIT_METHODS = frozenset({"fit", "fit_generator"})
KERAS_FIT_KEYWORDS = frozenset({"epochs", "batch_size"})

# Names an epoch loop's variable goes by.
EPOCH_VARIABLE = re.compile(r"(?i)^_?(epoch|epochs|ep|i_?epoch|epoch_?(i|idx|num|no))$")
# Wrappers around ``range(n)`` in a for loop: ``tqdm(range(n))``, ``trange(n)``.
PROGRESS_WRAPPERS = frozenset({"tqdm.tqdm", "tqdm.auto.tqdm", "tqdm.notebook.tqdm"})
PROGRESS_RANGES = frozenset({"tqdm.trange", "tqdm.auto.trange", "tqdm.notebook.trange"})

# ---- accepted config positions ------------------------------------------------------

# Module-level variables whose literal values are declared configuration.
CONFIG_NAME = re.compile(
    r"(?i)(^|_)(config|configs|cfg|conf|params?|hparams|hyperparams|hyperparameters"
    r"|settings|defaults|grid|space|search_space|distributions?)($|_)"
)
# Classes whose fields are configuration: by decorator or base (last name) ...
CONFIG_CLASS_DECORATORS = frozenset(
    {
        "dataclass",
        "dataclasses.dataclass",
        "attr.s",
        "attr.define",
        "attr.frozen",
        "attrs.define",
        "attrs.frozen",
        "attrs.mutable",
        "pydantic.dataclasses.dataclass",
        "chz.chz",
        "flax.struct.dataclass",
        "gin.configurable",
    }
)
CONFIG_CLASS_BASES = frozenset(
    {
        "BaseModel",
        "BaseSettings",
        "NamedTuple",
        "TypedDict",
        "PretrainedConfig",
        "PreTrainedConfig",
        "Config",
        "ConfigDict",
        "Serializable",
        "Params",
        "Namespace",
    }
)
# ... or by name.
CONFIG_CLASS_NAME = re.compile(
    r"(Config|Configuration|Settings|Params|Parameters|Args|Arguments|HParams"
    r"|Hyperparameters|Options)$"
)
# Calls whose arguments are configuration: CLI defaults, config objects, search spaces.
CONFIG_CALL_SUFFIXES = (
    "add_argument",
    "add_option",
    "click.option",
    "click.argument",
    "typer.Option",
    "typer.Argument",
    "absl.flags.DEFINE_integer",
    "absl.flags.DEFINE_float",
    "absl.flags.DEFINE_string",
    "absl.flags.DEFINE_list",
    "absl.flags.DEFINE_enum",
    "absl.flags.DEFINE_bool",
    "absl.flags.DEFINE_boolean",
    "pydantic.Field",
    "dataclasses.field",
    "attr.ib",
    "attrs.field",
    "omegaconf.OmegaConf.create",
    "omegaconf.DictConfig",
    "ml_collections.ConfigDict",
    "ml_collections.config_dict.ConfigDict",
    "hydra.compose",
    "hydra.utils.instantiate",
    "optuna.distributions.",
    "scipy.stats.",
    "ray.tune.",
    "hyperopt.hp.",
    # the estimator a search tunes: its values are the starting point of the search
    "GridSearchCV",
    "RandomizedSearchCV",
    "HalvingGridSearchCV",
    "HalvingRandomSearchCV",
    "BayesSearchCV",
)
# Modules that are configuration themselves (globs on the path relative to the
# project, or on the file name).
CONFIG_MODULES = [
    "config.py",
    "configs.py",
    "settings.py",
    "*_config.py",
    "config_*.py",
    "configs/*.py",
    "config/*.py",
    "conf/*.py",
]
# Keywords whose values are search spaces, not chosen values.
SEARCH_SPACE_KEYWORDS = frozenset(
    {"param_grid", "param_distributions", "search_space", "param_space", "space"}
)
# Names of accepted module-level constants.
UPPER_CASE = re.compile(r"^_*[A-Z][A-Z0-9_]*$")

HYPERPARAMETER_TRIGGERS = (
    "sklearn",
    "torch",
    "keras",
    "tensorflow",
    "xgboost",
    "lightgbm",
    "catboost",
    "transformers",
    "lightning",
    "imblearn",
    "umap",
    "peft",
    "epoch",
)
