"""What the implicit-feature rules (MLD4xx) know about libraries, as data.

Sources: the pandas and polars reader APIs, scikit-learn's ``sklearn.compose`` and
``sklearn.datasets``, and the entry points through which a feature matrix reaches a
model (estimator methods, splitters, boosting-library dataset constructors, tensor
constructors).
"""

from __future__ import annotations

# Modules with a pandas-like API (`read_*`, `DataFrame`).
FRAME_MODULES = ("pandas", "modin.pandas", "polars")

_READERS = """
read_csv read_table read_fwf read_excel read_json read_parquet read_feather
read_pickle read_hdf read_orc read_sas read_spss read_stata read_xml read_html
read_sql read_sql_query read_sql_table read_clipboard read_gbq read_ipc
read_ipc_stream read_avro read_delta read_ndjson read_database scan_csv
scan_parquet scan_ipc scan_ndjson
""".split()

# Calls that return a DataFrame read from data or built in memory (qualified names).
FRAME_SOURCES: frozenset[str] = frozenset(
    {f"{module}.{name}" for module in FRAME_MODULES for name in _READERS}
    | {f"{module}.{name}" for module in FRAME_MODULES for name in ("DataFrame",)}
    | {"pandas.concat", "pandas.merge", "polars.concat", "polars.from_pandas"}
)

# pandas readers that take `usecols=` (ints there are column positions).
USECOLS_READERS: frozenset[str] = frozenset(
    f"{module}.{name}"
    for module in ("pandas", "modin.pandas")
    for name in ("read_csv", "read_table", "read_excel", "read_fwf", "read_hdf")
) | frozenset({"polars.read_csv", "polars.read_excel"})
# The keyword each reader family uses for its column subset.
USECOLS_KEYWORDS = ("usecols", "columns")

# DataFrame methods that return a frame with the same columns (provenance of
# module-level DataFrames: `df = pd.read_csv(p).dropna()` is still that frame).
FRAME_PRESERVING_METHODS = frozenset("""
    dropna fillna drop drop_duplicates rename reset_index set_index sort_values
    sort_index astype copy assign query merge join head tail sample pipe
    infer_objects convert_dtypes replace where mask clip round interpolate
    ffill bfill reindex filter select_dtypes loc iloc
    """.split())

# numpy loaders whose rows and columns are a CSV's (positional by construction).
TABULAR_ARRAY_LOADERS = frozenset({"numpy.loadtxt", "numpy.genfromtxt"})

_SKLEARN_TABULAR = """
load_iris load_wine load_breast_cancer load_diabetes load_linnerud
fetch_california_housing fetch_covtype fetch_kddcup99 fetch_openml
""".split()
# scikit-learn dataset loaders whose `.data` / `X` has named feature columns
# (`feature_names`); image and text loaders (digits, faces, newsgroups) are not here.
SKLEARN_TABULAR_LOADERS = frozenset(f"sklearn.datasets.{n}" for n in _SKLEARN_TABULAR)

# Methods whose result is not a table: model outputs and torch named tuples
# (`x.topk(3).values` is a tensor, not `DataFrame.values`).
ARRAY_METHODS = frozenset("""
    predict predict_proba predict_log_proba decision_function transform
    fit_transform inverse_transform forward encode embed topk max min sort median
    mode kthvalue cummax cummin svd eig eigh qr lu argsort detach cpu cuda numpy
    """.split())
# Libraries whose arrays and tensors are not DataFrame columns.
ARRAY_MODULES = (
    "numpy",
    "torch",
    "tensorflow",
    "jax",
    "cv2",
    "PIL",
    "scipy",
    "skimage",
)

# sklearn.compose entry points with column specifications.
COLUMN_TRANSFORMER = "sklearn.compose.ColumnTransformer"
MAKE_COLUMN_TRANSFORMER = "sklearn.compose.make_column_transformer"
MAKE_COLUMN_SELECTOR = "sklearn.compose.make_column_selector"

# Where features reach a model: estimator methods (any receiver) ...
BOUNDARY_METHODS = frozenset("""
    fit fit_transform partial_fit fit_predict fit_resample predict predict_proba
    predict_log_proba decision_function score transform train_on_batch
    """.split())
# ... and functions, by qualified name.
BOUNDARY_FUNCTIONS = frozenset(
    {
        "sklearn.model_selection.train_test_split",
        "sklearn.model_selection.cross_val_score",
        "sklearn.model_selection.cross_val_predict",
        "sklearn.model_selection.cross_validate",
        "sklearn.model_selection.learning_curve",
        "sklearn.model_selection.validation_curve",
        "sklearn.model_selection.permutation_test_score",
        "sklearn.inspection.permutation_importance",
        "xgboost.DMatrix",
        "xgboost.QuantileDMatrix",
        "xgboost.DeviceQuantileDMatrix",
        "lightgbm.Dataset",
        "catboost.Pool",
        "torch.tensor",
        "torch.as_tensor",
        "torch.from_numpy",
        "torch.Tensor",
        "torch.FloatTensor",
        "torch.utils.data.TensorDataset",
        "tensorflow.convert_to_tensor",
        "tensorflow.constant",
        "tensorflow.data.Dataset.from_tensor_slices",
    }
)

# DataFrame methods that define a feature set by dtype or name pattern.
PATTERN_METHODS = frozenset({"select_dtypes", "_get_numeric_data"})
# `DataFrame.filter` keywords that select by pattern (`items=` is an explicit list).
FILTER_PATTERN_KEYWORDS = frozenset({"like", "regex"})
# `Index` methods that remove names from the full column list.
INDEX_EXCLUSION_METHODS = frozenset({"difference", "drop", "symmetric_difference"})
# `Index.str` methods that pick columns by their name's pattern.
INDEX_PATTERN_METHODS = frozenset(
    {"startswith", "endswith", "contains", "match", "fullmatch"}
)
# Methods that pin a frame to a known column list (end of an implicit chain).
SCHEMA_METHODS = frozenset({"reindex", "reindex_like", "align"})

# Names a feature matrix or feature list is bound to (case-insensitive globs):
# `X`, `X_*`, `features`, `feats`, `inputs` and compounds such as `feature_cols` and
# `num_features`.
FEATURE_NAMES = (
    "X",
    "X_*",
    "feature",
    "features",
    "feat",
    "feats",
    "input",
    "inputs",
    "feature_*",
    "features_*",
    "feats_*",
    "*_feature",
    "*_features",
    "*_feats",
)
# Words (between `_`) that make a name a column list's (MLD403): broader than
# FEATURE_NAMES (`cat_cols`, `columns`), but used only for lists made from sets.
FEATURE_LIST_WORDS = (
    "feature",
    "features",
    "feat",
    "feats",
    "col",
    "cols",
    "column",
    "columns",
    "predictor",
    "predictors",
)
# Words in a name that say its order does not matter: columns to drop, ignore,
# check or report (`cols_to_drop`, `invalid_features`, `missing_cols`).
ORDER_FREE_NAME = (
    r"(?i)(^|_)(drop|dropped|remove|removed|exclude|excluded|ignore|ignored|skip"
    r"|skipped|missing|extra|unused|unexpected|unknown|invalid|bad|seen|leak\w*)"
    r"(_|$)"
)
# Functions whose return value is a feature matrix (`make_features`, `get_X`).
FEATURE_FUNCTION_NAME = r"(?i)(^|_)(features?|feats?|featuri[sz]e|x)(_|$)"

# Keywords whose value is a column list in the order the result uses it.
COLUMN_LIST_KEYWORDS = frozenset({"columns", "feature_names"})
# Reader keywords that name the file's columns by position.
READER_NAMES_KEYWORD = "names"
# Calls where a column list's order does not matter.
ORDER_FREE_METHODS = frozenset({"drop", "isin", "difference", "intersection"})

# Calls that print or log: a column shown there is not used to select.
DISPLAY_FUNCTIONS = frozenset({"builtins.print", "builtins.len", "builtins.repr"})
DISPLAY_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}
)

# `pd.get_dummies` (MLD406).
GET_DUMMIES = frozenset({"pandas.get_dummies", "modin.pandas.get_dummies"})
