"""What the hardcoded-config rules (MLD3xx) know about paths, secrets and hosts.

Data only: patterns, API names and keyword names, kept in one place so that a reader
can check them against the libraries' docs and a user's report can be answered by
editing a table, not the rules. The hyperparameter tables live in
``hyperparameters_api``.
"""

from __future__ import annotations

import re

# ---- MLD301: paths tied to one machine ------------------------------------------

# Strong prefixes name one person's machine or one mount: flagged in any
# assignment, default or call argument. (label, pattern)
MACHINE_PATHS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a home directory", re.compile(r"^/(home|Users|root)/[\w.@-]+(/|$)")),
    # ~/.cache, ~/.kaggle/kaggle.json, ~/Library, ~\AppData are each tool's standard
    # place in every user's home, not one person's layout.
    (
        "a home directory",
        re.compile(r"^(~[\w.-]*|\$HOME|\$\{HOME\})[/\\](?![.]|Library\b|AppData\b)"),
    ),
    ("a home directory", re.compile(r"^%(USERPROFILE|HOMEPATH|APPDATA)%[/\\]", re.I)),
    ("a mounted volume", re.compile(r"^/(mnt|media|Volumes)/[\w.@ -]+")),
    ("a Colab/Drive path", re.compile(r"^/content/(drive|gdrive)/[^/]")),
    ("a Kaggle path", re.compile(r"^/kaggle/(input|working|temp)(/|$)")),
    (
        "a Windows drive path",
        re.compile(r"^[A-Za-z]:[\\/](?!(temp|tmp|windows)\b)[^\\/]", re.I),
    ),
    ("a network (UNC) path", re.compile(r"^\\\\[\w.$-]+\\[^\\]")),
)

# Weak prefixes are also common URL routes and in-container layouts: flagged only
# in path positions (a path API's argument, a path-named keyword or variable).
MOUNT_PATHS = re.compile(
    r"^/(data|datasets|scratch|storage|nfs|gpfs|lustre|srv|opt|workspace|shared"
    r"|projects|net|content)/[\w.@ -]+"
)

# Where the rule may find machine paths cheaply: a file without any is not parsed.
PATH_TRIGGERS = (
    "/home/",
    "/Users/",
    "/root/",
    "~/",
    "$HOME",
    "%USERPROFILE%",
    "%HOMEPATH%",
    "%APPDATA%",
    "/mnt/",
    "/media/",
    "/Volumes/",
    "/content/",
    "/kaggle/",
    ":\\",
    ":/",
    "\\\\",
    "/data/",
    "/datasets/",
    "/scratch/",
    "/storage/",
    "/nfs/",
    "/gpfs/",
    "/lustre/",
    "/srv/",
    "/opt/",
    "/workspace/",
    "/shared/",
    "/projects/",
    "/net/",
)

# Calls whose positional arguments are paths (qualified names; a trailing dot
# means "anything in this module").
PATH_FUNCTION_PREFIXES = (
    "builtins.open",
    "io.open",
    "codecs.open",
    "pathlib.",
    "os.",
    "shutil.",
    "glob.",
    "fnmatch.",
    "tarfile.",
    "zipfile.",
    "sqlite3.connect",
    "pandas.read_",
    "pandas.ExcelFile",
    "pandas.HDFStore",
    "polars.read_",
    "polars.scan_",
    "pyarrow.parquet.",
    "numpy.load",
    "numpy.save",
    "numpy.loadtxt",
    "numpy.savetxt",
    "numpy.genfromtxt",
    "numpy.fromfile",
    "numpy.memmap",
    "torch.load",
    "torch.save",
    "torch.jit.load",
    "torch.jit.save",
    "joblib.load",
    "joblib.dump",
    "h5py.File",
    "cv2.imread",
    "cv2.imwrite",
    "PIL.Image.open",
    "imageio.",
    "skimage.io.",
    "datasets.load_dataset",
    "datasets.load_from_disk",
    "keras.models.load_model",
    "keras.saving.load_model",
    "tensorflow.keras.models.load_model",
    "tensorflow.saved_model.",
    "sys.path.append",
    "sys.path.insert",
    "mlflow.set_tracking_uri",
    "yaml.",
    "json.",
)

# Calls that look like ``os.*`` but take no paths, or take a default on purpose.
NOT_PATH_FUNCTIONS = frozenset(
    {
        "os.getenv",
        "os.environ.get",
        "os.environ.setdefault",
        "os.environ.pop",
        "os.putenv",
        "os.path.expandvars",
        "json.dumps",
        "json.loads",
        "yaml.dump",
        "yaml.safe_dump",
    }
)

# Methods (on any receiver) whose positional arguments are paths.
PATH_METHODS = frozenset(
    {
        "to_csv",
        "to_parquet",
        "to_json",
        "to_pickle",
        "to_excel",
        "to_feather",
        "to_hdf",
        "to_orc",
        "to_stata",
        "write_csv",
        "write_parquet",
        "savefig",
        "save",
        "load",
        "save_model",
        "load_model",
        "save_weights",
        "load_weights",
        "save_pretrained",
        "from_pretrained",
        "save_to_disk",
        "load_from_disk",
        "joinpath",
        "read_text",
        "write_text",
        "read_bytes",
        "write_bytes",
        "chdir",
        "add_artifact",
        "log_artifact",
        "log_artifacts",
    }
)

# Keyword names that hold a path, in any call: output_dir=, cache_dir=, path=...
PATH_KEYWORD = re.compile(
    r"(?i)(^|_)(path|paths|dir|dirs|directory|file|files|filename|filepath|fname"
    r"|root|folder|location|ckpt|checkpoint|logdir)($|_)"
)

# Variable names that hold a path: data_dir, MODEL_PATH, output_root, ...
PATH_NAME = re.compile(
    r"(?i)(^|_)(path|paths|dir|dirs|directory|file|files|filename|filepath|fname"
    r"|root|folder|location|ckpt|checkpoint|logdir|data|dataset|output|input|cache)"
    r"($|_)"
)

# Names that hold a URL or a route, even when they mention data: DATA_URL_PATH.
NOT_PATH_NAME = re.compile(r"(?i)(url|uri|endpoint|route|api|prefix)(_path)?$")

# Methods that register or request web routes: their strings are URL paths.
ROUTE_METHODS = frozenset(
    {
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "head",
        "options",
        "route",
        "api_route",
        "add_api_route",
        "add_url_rule",
        "add_route",
        "websocket",
        "mount",
    }
)

# Calls whose arguments are messages or patterns, never paths the program uses.
NOT_A_POSITION_FUNCTIONS = frozenset(
    {
        "builtins.print",
        "builtins.repr",
        "builtins.isinstance",
        "warnings.warn",
        "re.compile",
        "re.match",
        "re.search",
        "re.fullmatch",
        "re.sub",
        "re.split",
        "re.findall",
        "re.finditer",
    }
)
NOT_A_POSITION_METHODS = frozenset(
    {
        "startswith",
        "endswith",
        "replace",
        "split",
        "rsplit",
        "strip",
        "lstrip",
        "rstrip",
        "removeprefix",
        "removesuffix",
        "format",
        "match",
        "fullmatch",
        "search",
        "sub",
        "find",
        "index",
        "count",
        "debug",
        "info",
        "warning",
        "warn",
        "error",
        "exception",
        "critical",
        "log",
        "write",
        "echo",
        "secho",
        "assertEqual",
        "assertIn",
    }
)

# ---- MLD302: credentials ----------------------------------------------------------

# Token shapes published by their issuers. (label, pattern); each is searched for
# as a whole token inside the string.
TOKEN_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", re.compile(r"\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b")),
    ("a GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("a GitHub token", re.compile(r"\bgithub_pat_\w{20,}")),
    ("an Anthropic API key", re.compile(r"\bsk-ant-[\w-]{20,}")),
    (
        "an OpenAI API key",
        re.compile(r"\bsk-(proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
    ),
    ("a Hugging Face token", re.compile(r"\bhf_[A-Za-z0-9]{30,}\b")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Google API key", re.compile(r"\bAIza[\w-]{35}\b")),
    ("a Stripe secret key", re.compile(r"\b[sr]k_live_[A-Za-z0-9]{24,}\b")),
    # the header alone (a constant to compare against) carries no key material
    (
        "a private key",
        re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----\s*[A-Za-z0-9+/=\s]{40,}"),
    ),
    ("a JSON Web Token", re.compile(r"\beyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}")),
)
# Tokens recognised by their framing (a PEM block), not by their randomness.
SHAPE_ONLY_LABELS = frozenset({"a private key"})

# A URL whose user-info carries a password: scheme://user:password@host (the user
# may be empty: redis://:password@host).
DSN_WITH_PASSWORD = re.compile(
    r"^[a-zA-Z][\w+.-]*://(?P<user>[^\s:/@]*):(?P<password>[^\s/@]+)@"
    r"(?P<host>[^\s/:?]*)"
)
# A libpq key/value connection string: "host=db user=x password=..."
LIBPQ_PASSWORD = re.compile(r"(^|\s)password\s*=\s*(?P<password>[^\s'\"]+)")
# Passwords that local development stacks ship with (docker images, tutorials).
DEV_PASSWORDS = frozenset(
    {
        "guest",
        "postgres",
        "password",
        "mlflow",
        "admin",
        "root",
        "secret",
        "test",
        "pass",
    }
)

CREDENTIAL_TRIGGERS = (
    "AKIA",
    "ASIA",
    "ABIA",
    "ACCA",
    "gh",
    "github_pat_",
    "sk-",
    "hf_",
    "xox",
    "AIza",
    "_live_",
    "PRIVATE KEY",
    "eyJ",
    "@",
    "ass",
    "ASS",
    "pwd",
    "PWD",
    "ecret",
    "ECRET",
    "key",
    "KEY",
    "Key",
    "oken",
    "OKEN",
    "earer",
    "EARER",
    "redential",
    "REDENTIAL",
)

# Names (variables, keywords, dict keys, environment variables) that hold secrets,
# matched on the snake_case form of the name (``apiKey`` -> ``api_key``,
# ``x-api-key`` -> ``x_api_key``): the secret word starts the name or follows an
# underscore, and may be followed by a qualifier (``API_KEY_PROD``, ``password1``).
SECRET_NAME = re.compile(
    r"(?i)(^|_)(pass(word|wd|phrase)?|pwd|secret|secret_?key|api_?key|apikey"
    r"|access_?key|private_?key|signing_?key|encryption_?key|client_?secret"
    r"|jwt_?secret|credentials?|bearer"
    r"|(access|api|auth|bearer|refresh|session|hf|huggingface|github|gh|slack|bot"
    r"|wandb|openai|anthropic|hub|kaggle|cohere|replicate|comet|neptune|mistral"
    r"|groq|pinecone)_?(token|key))(_?(prod|dev|test|staging|live|local|v\d+)|\d+)?$"
)
# Names that contain a secret word but hold something else: tokenizer vocabulary,
# the *name* of a secret (an env variable, a header, a form field), its length...
NOT_SECRET_NAME = re.compile(
    r"(?i)(^|_)((pad|bos|eos|unk|sep|cls|mask|additional_special|special|start|end"
    r"|image|audio|video|pred|begin|eot|eom|fim_\w+)_tokens?|chat_template"
    r"|tokens?_id|tokens?_ids|\w*_(env|var|name|names|field|header|prompt|label"
    r"|col|column|len|length|size|type|mode|regex|pattern|policy|param|arg|hint"
    r"|help|url|uri|path|file|dir|id|hash|prefix|suffix|format|schema|count|num"
    r"|index|idx|salt)"
    r"|(forward|backward|render|first|second|single|num|n|eval|train|each|one|two"
    r"|multi|sub|extra|final|by|com|over|under)_?pass(es)?)$"
)
# Calls whose arguments are tokenizer vocabulary, never secrets.
TOKENIZER_CALL = re.compile(r"(Tokenizer|Processor|tokenizer|processor)\w*$")

# A value that names a file (a credentials file, a key file) rather than a secret.
FILE_NAME_VALUE = re.compile(
    r"\.(json|pem|p12|pfx|key|crt|cer|txt|ya?ml|toml|env|ini)$"
)

# Values that stand for a secret rather than being one.
PLACEHOLDER = re.compile(
    r"(?i)^(\s*|none|null|nil|undefined|changeme|change_?me|replace_?me|todo|tbd|fixme"
    r"|dummy\w*|fake\w*|test\w*|example\w*|sample\w*|secret|password|passwd|pass"
    r"|token|key|api_?key|\*+|x{3,}|\.{3,}|-+|<[^>]*>|\[[^\]]*\]|\{[^}]*\}"
    r"|\$\{?\w+\}?|\{\{[^}]*\}\}|%\(?\w+\)?s?|your[-_ ]?\S*|my[-_ ]?\S*|insert\S*"
    r"|\S*example\S*|\S*EXAMPLE\S*|\S*placeholder\S*|\S*xxxx\S*|\S*XXXX\S*)$"
)

# Keywords of specific calls that take a secret. (qualified name, keyword)
SECRET_ARGUMENTS = frozenset(
    {
        ("wandb.login", "key"),
        ("huggingface_hub.login", "token"),
        ("huggingface_hub.HfApi", "token"),
        ("huggingface_hub.hf_hub_download", "token"),
        ("huggingface_hub.snapshot_download", "token"),
        ("boto3.client", "aws_secret_access_key"),
        ("boto3.Session", "aws_secret_access_key"),
        ("jwt.encode", "key"),
    }
)

# ---- MLD303: hosts -------------------------------------------------------------------

# Keyword names that hold a host or a URL to a service.
HOST_KEYWORD = re.compile(
    r"(?i)(^|_)(host|hostname|hosts|server|servers|endpoint|endpoint_url|url|uri"
    r"|base_url|api_base|api_url|tracking_uri|registry_uri|bootstrap_servers|broker"
    r"|broker_url|dsn|address|addr|connection_string|conn_str|db_url|database_url)$"
)
# Variable and environment names that hold one: MLFLOW_TRACKING_URI, db_host...
HOST_NAME = re.compile(
    r"(?i)(^|_)(host|hostname|hosts|server|servers|endpoint|url|uri|dsn|broker"
    r"|address|addr|conn_str|connection_string|api_base|base_url)$"
)
# Calls whose first positional argument is a host, URL or DSN.
HOST_CALLS = frozenset(
    {
        "mlflow.set_tracking_uri",
        "mlflow.set_registry_uri",
        "mlflow.MlflowClient",
        "mlflow.tracking.MlflowClient",
        "sqlalchemy.create_engine",
        "sqlalchemy.ext.asyncio.create_async_engine",
        "redis.Redis",
        "redis.StrictRedis",
        "redis.from_url",
        "redis.Redis.from_url",
        "pymongo.MongoClient",
        "motor.motor_asyncio.AsyncIOMotorClient",
        "psycopg2.connect",
        "psycopg.connect",
        "pymysql.connect",
        "mysql.connector.connect",
        "requests.get",
        "requests.post",
        "requests.put",
        "requests.patch",
        "requests.delete",
        "requests.head",
        "requests.request",
        "httpx.get",
        "httpx.post",
        "httpx.Client",
        "httpx.AsyncClient",
        "urllib.request.urlopen",
        "urllib.request.Request",
        "socket.create_connection",
        "ray.init",
        "dask.distributed.Client",
        "distributed.Client",
        "elasticsearch.Elasticsearch",
        "kafka.KafkaProducer",
        "kafka.KafkaConsumer",
        "tritonclient.http.InferenceServerClient",
        "tritonclient.grpc.InferenceServerClient",
        "qdrant_client.QdrantClient",
        "chromadb.HttpClient",
        "huggingface_hub.InferenceClient",
        "openai.OpenAI",
    }
)
# Host suffixes that only resolve inside one network.
INTERNAL_SUFFIXES = (
    ".internal",
    ".local",
    ".localdomain",
    ".corp",
    ".lan",
    ".intranet",
    ".intra",
    ".home.arpa",
    ".private",
)
# Hosts that are the same everywhere: the local machine, and the cloud metadata
# services every VM reaches at one address.
LOCAL_HOSTS = frozenset(
    {
        "localhost",
        "127.0.0.1",
        "0.0.0.0",
        "::1",
        "::",
        "host.docker.internal",
        "169.254.169.254",
        "metadata.google.internal",
        "metadata",
    }
)
# Reserved names that never resolve (RFC 2606/6761): placeholders in docs and tests.
RESERVED_SUFFIXES = (".invalid", ".test", ".example", ".localhost")
STANDARD_PORTS = frozenset({80, 443})
HOST_TRIGGERS = (
    "://",
    "host",
    "HOST",
    "Host",
    "server",
    "SERVER",
    "endpoint",
    "ENDPOINT",
    "uri",
    "URI",
    "url",
    "URL",
    "dsn",
    "DSN",
    "ddr",
    "DDR",
    "broker",
    "BROKER",
    "connect",
    "Client",
    "Redis",
    "create_engine",
    "ray.init",
)
