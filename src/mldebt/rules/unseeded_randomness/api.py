"""What the randomness rules know about libraries, as data.

Sources: numpy's legacy ``numpy.random`` module API (the list Ruff's NPY002 uses),
the stdlib ``random`` module, PyTorch's global-RNG functions, and the seeding calls
of each library with the RNG families they really cover (verified against the
libraries).
"""

from __future__ import annotations

from dataclasses import dataclass

NUMPY, RANDOM, TORCH, TENSORFLOW = "numpy", "random", "torch", "tensorflow"
ALL_FAMILIES = frozenset({NUMPY, RANDOM, TORCH, TENSORFLOW})

_NUMPY_LEGACY = """
beta binomial bytes chisquare choice dirichlet exponential f gamma geometric gumbel
hypergeometric laplace logistic lognormal logseries multinomial multivariate_normal
negative_binomial noncentral_chisquare noncentral_f normal pareto permutation poisson
power rand randint randn random random_integers random_sample ranf rayleigh sample
shuffle standard_cauchy standard_exponential standard_gamma standard_normal standard_t
triangular uniform vonmises wald weibull zipf
""".split()

_STDLIB_RANDOM = """
random uniform randint randrange choice choices sample shuffle gauss normalvariate
lognormvariate expovariate vonmisesvariate gammavariate betavariate paretovariate
weibullvariate triangular getrandbits randbytes binomialvariate
""".split()

_TORCH_GLOBAL = """
rand rand_like randn randn_like randint randint_like randperm normal bernoulli
multinomial poisson
""".split()

_TORCH_INIT = """
uniform_ normal_ xavier_uniform_ xavier_normal_ kaiming_uniform_ kaiming_normal_
trunc_normal_ orthogonal_ sparse_
""".split()

# Layers whose constructor initialises weights at random (or that drop at random).
_TORCH_RANDOM_LAYERS = """
Linear Bilinear LazyLinear Conv1d Conv2d Conv3d ConvTranspose1d ConvTranspose2d
ConvTranspose3d Embedding EmbeddingBag RNN LSTM GRU RNNCell LSTMCell GRUCell
MultiheadAttention Transformer TransformerEncoderLayer TransformerDecoderLayer
Dropout Dropout1d Dropout2d Dropout3d AlphaDropout
""".split()

_TF_RANDOM = "uniform normal truncated_normal categorical gamma poisson shuffle".split()
_KERAS_RANDOM = (
    "normal uniform truncated_normal randint shuffle dropout categorical".split()
)

# TensorFlow 1.x names (and tf.compat.v1's), seeded by `tf.set_random_seed`.
_TF1_RANDOM = """
random_uniform random_normal truncated_normal random_shuffle random_crop multinomial
random_gamma random_poisson
""".split()
_TF1_INITIALIZERS = """
contrib.layers.xavier_initializer contrib.layers.variance_scaling_initializer
glorot_uniform_initializer glorot_normal_initializer random_normal_initializer
random_uniform_initializer truncated_normal_initializer orthogonal_initializer
""".split()
# scipy.stats distributions: `.rvs()` without `random_state` draws from numpy's global
# RandomState (np.random.seed pins it).
_SCIPY_DISTRIBUTIONS = """
norm uniform expon gamma beta poisson binom bernoulli t chi2 lognorm randint
truncnorm geom nbinom laplace logistic cauchy weibull_min pareto rayleigh triang
multivariate_normal dirichlet multinomial
""".split()

# qualified name -> the RNG family whose global state it draws from.
GLOBAL_RNG_CALLS: dict[str, str] = {
    **{f"numpy.random.{name}": NUMPY for name in _NUMPY_LEGACY},
    **{f"random.{name}": RANDOM for name in _STDLIB_RANDOM},
    **{f"torch.{name}": TORCH for name in _TORCH_GLOBAL},
    **{f"torch.nn.init.{name}": TORCH for name in _TORCH_INIT},
    **{f"torch.nn.{name}": TORCH for name in _TORCH_RANDOM_LAYERS},
    **{f"tensorflow.random.{name}": TENSORFLOW for name in _TF_RANDOM},
    **{f"tensorflow.{name}": TENSORFLOW for name in _TF1_RANDOM},
    **{f"tensorflow.compat.v1.{name}": TENSORFLOW for name in _TF1_RANDOM},
    **{f"tensorflow.compat.v1.random.{name}": TENSORFLOW for name in _TF_RANDOM},
    **{f"tensorflow.{name}": TENSORFLOW for name in _TF1_INITIALIZERS},
    **{f"tensorflow.compat.v1.{name}": TENSORFLOW for name in _TF1_INITIALIZERS},
    **{f"scipy.stats.{name}.rvs": NUMPY for name in _SCIPY_DISTRIBUTIONS},
    # Keras 3 seeds its default SeedGenerator from Python's `random` module.
    **{f"keras.random.{name}": RANDOM for name in _KERAS_RANDOM},
    **{f"tensorflow.keras.random.{name}": RANDOM for name in _KERAS_RANDOM},
}
# Draws a program makes without asking for randomness: constructing a layer. One
# missing seed makes every one of them irreproducible, so MLD101 reports them once.
IMPLICIT_DRAWS = frozenset(f"torch.nn.{name}" for name in _TORCH_RANDOM_LAYERS)
# The keyword that, given a value, makes a call of that family not use global state.
OWN_RNG_KEYWORD = {TORCH: "generator", TENSORFLOW: "seed"}
# Calls that take their own seed under another keyword than their family's: Keras
# ops take `seed=` (they fall back on `random`), scipy.stats `random_state=`.
OWN_SEED_KEYWORDS: dict[str, str] = {
    "keras.random.": "seed",
    "tensorflow.keras.random.": "seed",
    "scipy.stats.": "random_state",
}


def own_seed_keyword(qualname: str, family: str) -> str | None:
    """The keyword that, given a value, makes the call ``qualname`` (a draw of
    ``family``) not use its family's global state."""
    for prefix, keyword in OWN_SEED_KEYWORDS.items():
        if qualname.startswith(prefix):
            return keyword
    return OWN_RNG_KEYWORD.get(family)


@dataclass(frozen=True)
class Seeder:
    """A call that seeds global RNG state, and where its seed argument is."""

    families: frozenset[str]
    keyword: str
    position: int = 0
    # True when a call without the seed argument draws a seed from the OS.
    missing_is_entropy: bool = False


_EVERYTHING = Seeder(ALL_FAMILIES, "seed")
# The PyTorch stack's helpers seed `random`, numpy and torch, never TensorFlow.
_TORCH_STACK = frozenset({NUMPY, RANDOM, TORCH})
SEEDERS: dict[str, Seeder] = {
    "numpy.random.seed": Seeder(frozenset({NUMPY}), "seed", missing_is_entropy=True),
    "random.seed": Seeder(frozenset({RANDOM}), "a", missing_is_entropy=True),
    "torch.manual_seed": Seeder(frozenset({TORCH}), "seed"),
    "torch.random.manual_seed": Seeder(frozenset({TORCH}), "seed"),
    "transformers.set_seed": _EVERYTHING,
    "transformers.trainer_utils.set_seed": _EVERYTHING,
    "transformers.enable_full_determinism": _EVERYTHING,
    "accelerate.utils.set_seed": _EVERYTHING,
    "lightning.seed_everything": Seeder(ALL_FAMILIES, "seed"),
    "lightning.pytorch.seed_everything": Seeder(ALL_FAMILIES, "seed"),
    "lightning.fabric.seed_everything": Seeder(ALL_FAMILIES, "seed"),
    "pytorch_lightning.seed_everything": Seeder(ALL_FAMILIES, "seed"),
    "keras.utils.set_random_seed": _EVERYTHING,
    "tensorflow.keras.utils.set_random_seed": _EVERYTHING,
    "tensorflow.random.set_seed": Seeder(frozenset({TENSORFLOW}), "seed"),
    "tensorflow.compat.v1.set_random_seed": Seeder(frozenset({TENSORFLOW}), "seed"),
    "tensorflow.set_random_seed": Seeder(frozenset({TENSORFLOW}), "seed"),
    # fastai's `set_seed(s, reproducible=False)`
    "fastai.torch_core.set_seed": Seeder(_TORCH_STACK, "s"),
    # delu (formerly zero): `delu.random.seed(base_seed)`, `zero.set_randomness`
    "delu.random.seed": Seeder(_TORCH_STACK, "base_seed"),
    "delu.random.init": Seeder(_TORCH_STACK, "base_seed"),
    "zero.set_randomness": Seeder(_TORCH_STACK, "seed"),
    # their older names: `improve_reproducibility(seed)` (None draws a seed)
    "zero.improve_reproducibility": Seeder(_TORCH_STACK, "seed"),
    "zero.random.improve_reproducibility": Seeder(_TORCH_STACK, "seed"),
    "delu.improve_reproducibility": Seeder(_TORCH_STACK, "base_seed"),
    "delu.random.improve_reproducibility": Seeder(_TORCH_STACK, "base_seed"),
    "zero.random.set_randomness": Seeder(_TORCH_STACK, "seed"),
    # MONAI: `set_determinism(seed=...)` has a fixed default seed; None turns it off
    "monai.utils.set_determinism": Seeder(_TORCH_STACK, "seed"),
    "monai.utils.misc.set_determinism": Seeder(_TORCH_STACK, "seed"),
    # OpenMMLab and detectron2: without a seed they draw one (from the OS or time)
    "mmengine.runner.set_random_seed": Seeder(
        _TORCH_STACK, "seed", missing_is_entropy=True
    ),
    "mmengine.runner.utils.set_random_seed": Seeder(
        _TORCH_STACK, "seed", missing_is_entropy=True
    ),
    "mmcv.runner.set_random_seed": Seeder(_TORCH_STACK, "seed"),
    "mmdet.apis.set_random_seed": Seeder(_TORCH_STACK, "seed"),
    "detectron2.utils.env.seed_all_rng": Seeder(
        _TORCH_STACK, "seed", missing_is_entropy=True
    ),
}

# Calls that re-seed from OS entropy whatever they are given.
ENTROPY_RESEEDS = frozenset(
    {"torch.seed", "torch.random.seed", "torch.cuda.seed", "torch.cuda.seed_all"}
)

# Calls whose value changes on every run: a seed derived from them pins nothing.
ENTROPY_SOURCES = frozenset(
    {
        "time.time",
        "time.time_ns",
        "time.perf_counter",
        "time.perf_counter_ns",
        "time.monotonic",
        "time.monotonic_ns",
        "time.process_time",
        "datetime.datetime.now",
        "datetime.datetime.utcnow",
        "datetime.datetime.today",
        "datetime.date.today",
        "os.urandom",
        "os.getpid",
        "uuid.uuid1",
        "uuid.uuid4",
        "random.SystemRandom",
        # str hashes differ per process unless PYTHONHASHSEED is set
        "builtins.hash",
        "builtins.id",
    }
)
ENTROPY_PREFIXES = ("secrets.",)

# Generator constructors that must be given a seed: name -> (keyword, position).
RNG_CONSTRUCTORS: dict[str, tuple[str, int]] = {
    "numpy.random.default_rng": ("seed", 0),
    "numpy.random.RandomState": ("seed", 0),
    "numpy.random.PCG64": ("seed", 0),
    "numpy.random.PCG64DXSM": ("seed", 0),
    "numpy.random.MT19937": ("seed", 0),
    "numpy.random.SFC64": ("seed", 0),
    "numpy.random.Philox": ("seed", 0),
    "numpy.random.SeedSequence": ("entropy", 0),
    "random.Random": ("x", 0),
}
# Not here: `torch.Generator()`. An unseeded torch Generator starts from a fixed
# default seed (67280421310721 in c10's GeneratorImpl.h), so it is reproducible.

# ---- scikit-learn and friends: where `random_state` matters (sklearn 1.9 signatures) --

# Always random unless `random_state` is given (matched on the last name component of
# a qualified name under `sklearn.`, so `sklearn.ensemble._forest.X` matches too).
SKLEARN_ALWAYS_RANDOM = frozenset("""
    RandomForestClassifier RandomForestRegressor ExtraTreesClassifier ExtraTreesRegressor
    BaggingClassifier BaggingRegressor IsolationForest RandomTreesEmbedding
    GradientBoostingClassifier GradientBoostingRegressor AdaBoostClassifier
    AdaBoostRegressor HistGradientBoostingClassifier HistGradientBoostingRegressor
    DecisionTreeClassifier DecisionTreeRegressor ExtraTreeClassifier ExtraTreeRegressor
    MLPClassifier MLPRegressor BernoulliRBM KMeans MiniBatchKMeans BisectingKMeans
    SpectralClustering SpectralBiclustering SpectralCoclustering GaussianMixture
    BayesianGaussianMixture TSNE MDS SpectralEmbedding LocallyLinearEmbedding
    TruncatedSVD FastICA LatentDirichletAllocation DictionaryLearning
    MiniBatchDictionaryLearning SparsePCA MiniBatchSparsePCA MiniBatchNMF FactorAnalysis
    Nystroem RBFSampler SkewedChi2Sampler PolynomialCountSketch
    GaussianRandomProjection SparseRandomProjection RANSACRegressor TheilSenRegressor
    MinCovDet EllipticEnvelope OutputCodeClassifier RandomizedSearchCV ParameterSampler
    SGDClassifier SGDRegressor SGDOneClassSVM Perceptron PassiveAggressiveClassifier
    PassiveAggressiveRegressor ShuffleSplit StratifiedShuffleSplit GroupShuffleSplit
    RepeatedKFold RepeatedStratifiedKFold
    shuffle resample permutation_importance permutation_test_score
    mutual_info_classif mutual_info_regression k_means fastica randomized_svd
    dict_learning dict_learning_online
    make_classification make_regression make_blobs make_moons make_circles
    make_multilabel_classification make_hastie_10_2 make_friedman1 make_friedman2
    make_friedman3 make_gaussian_quantiles make_low_rank_matrix make_sparse_coded_signal
    make_sparse_spd_matrix make_sparse_uncorrelated make_spd_matrix make_swiss_roll
    make_s_curve make_biclusters make_checkerboard
    """.split())


@dataclass(frozen=True)
class RandomWhen:
    """A call that is random only with some argument values.

    The call is random when keyword ``keyword`` is one of ``values`` (literal
    strings or ``True``); ``default_random`` says whether it is random when the
    keyword is absent; ``position`` is its positional index when it has one.
    """

    keyword: str
    values: frozenset[object]
    default_random: bool = False
    position: int | None = None


_TRUE = frozenset({True})
SKLEARN_RANDOM_WHEN: dict[str, RandomWhen] = {
    "train_test_split": RandomWhen("shuffle", _TRUE, default_random=True),
    "KFold": RandomWhen("shuffle", _TRUE, position=1),
    "StratifiedKFold": RandomWhen("shuffle", _TRUE, position=1),
    "GroupKFold": RandomWhen("shuffle", _TRUE),
    "StratifiedGroupKFold": RandomWhen("shuffle", _TRUE, position=1),
    "learning_curve": RandomWhen("shuffle", _TRUE),
    "LogisticRegression": RandomWhen("solver", frozenset({"sag", "saga", "liblinear"})),
    "Ridge": RandomWhen("solver", frozenset({"sag", "saga"})),
    "RidgeClassifier": RandomWhen("solver", frozenset({"sag", "saga"})),
    "Lasso": RandomWhen("selection", frozenset({"random"})),
    "ElasticNet": RandomWhen("selection", frozenset({"random"})),
    "MultiTaskLasso": RandomWhen("selection", frozenset({"random"})),
    "MultiTaskElasticNet": RandomWhen("selection", frozenset({"random"})),
    "LassoCV": RandomWhen("selection", frozenset({"random"})),
    "ElasticNetCV": RandomWhen("selection", frozenset({"random"})),
    "SVC": RandomWhen("probability", _TRUE),
    "NuSVC": RandomWhen("probability", _TRUE),
    "PCA": RandomWhen("svd_solver", frozenset({"randomized", "arpack"})),
    "KernelPCA": RandomWhen("eigen_solver", frozenset({"randomized", "arpack"})),
    "NMF": RandomWhen("init", frozenset({"random", "nndsvdar"})),
    "DummyClassifier": RandomWhen("strategy", frozenset({"stratified", "uniform"})),
    "ClassifierChain": RandomWhen("order", frozenset({"random"})),
}

# Other libraries' random calls that take a seed under their own keyword:
# qualified name -> (keyword, whether an integer seed is what it takes). They draw
# from a fresh generator of their own, so no global seed pins them.
OWN_SEED_CALLS: dict[str, tuple[str, bool]] = {
    # hyperopt wants a numpy Generator (`rstate=np.random.default_rng(SEED)`)
    "hyperopt.fmin": ("rstate", False),
    **{
        f"optuna.samplers.{name}": ("seed", True)
        for name in (
            "TPESampler RandomSampler CmaEsSampler NSGAIISampler NSGAIIISampler "
            "QMCSampler GPSampler"
        ).split()
    },
}

# Other libraries whose objects take `random_state`: qualified-name prefix -> names.
OTHER_RANDOM_STATE: dict[str, frozenset[str]] = {
    "imblearn.": frozenset("""
        SMOTE ADASYN BorderlineSMOTE SVMSMOTE SMOTENC SMOTEN KMeansSMOTE
        RandomOverSampler RandomUnderSampler SMOTETomek SMOTEENN
        BalancedRandomForestClassifier BalancedBaggingClassifier EasyEnsembleClassifier
        RUSBoostClassifier ClusterCentroids NearMiss
        """.split()) - frozenset({"NearMiss"}),
    "umap.": frozenset({"UMAP"}),
}


# ---- data order: torch samplers and splits that shuffle with the global generator --

# name under torch.utils.data -> (the parameter that switches shuffling on, with its
# position, or None when the object always shuffles; the position of `generator`)
TORCH_DATA_ORDER: dict[str, tuple[tuple[str, int] | None, int]] = {
    "DataLoader": (("shuffle", 2), 11),
    "RandomSampler": (None, 3),
    "SubsetRandomSampler": (None, 1),
    "WeightedRandomSampler": (None, 3),
    "random_split": (None, 2),
}

# ---- data order: Keras loaders that shuffle unless given `seed=` ---------------------


@dataclass(frozen=True)
class KerasShuffle:
    """Where a Keras loader's ``shuffle`` and ``seed`` parameters are, and whether
    it shuffles when ``shuffle`` is not passed."""

    shuffle_position: int
    seed_position: int
    default_shuffle: bool = True


# Keras' own modules (Keras 3, tf.keras, the tf-keras package).
KERAS_PREFIXES = ("keras.", "tensorflow.keras.", "tf_keras.")
# Functions of `keras.utils` (older `keras.preprocessing`), matched on the last name
# of a qualified name under a Keras prefix. Without a seed each of them draws one with
# `np.random.randint` (tf.keras 2.x and Keras 3 alike): numpy's global seed pins the
# order, TensorFlow's (`tf.random.set_seed`) does not.
KERAS_DATA_ORDER: dict[str, KerasShuffle] = {
    "image_dataset_from_directory": KerasShuffle(7, 8),
    "text_dataset_from_directory": KerasShuffle(6, 7),
    "audio_dataset_from_directory": KerasShuffle(8, 9),
    "timeseries_dataset_from_array": KerasShuffle(6, 7, default_shuffle=False),
}
# `ImageDataGenerator` methods: their iterators shuffle with `np.random.permutation`
# (numpy's global RNG) when `seed` is None.
KERAS_GENERATOR_METHODS: dict[str, KerasShuffle] = {
    "flow": KerasShuffle(3, 5),
    "flow_from_directory": KerasShuffle(6, 7),
    "flow_from_dataframe": KerasShuffle(10, 11),
}
KERAS_IMAGE_GENERATOR = "ImageDataGenerator"
