"""Hardcoded configuration (MLD301-MLD303): machine paths, secrets and hosts in code.

All three rules look at string literals in the places a program keeps settings:
assignments, parameter defaults, dict values and call arguments. What differs is
which strings count and which positions make them suspicious; the tables live in
``hardcoded_api``. Messages never repeat a secret.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlsplit

import libcst as cst

from mldebt.engine.helpers import string_value
from mldebt.engine.rule import Invalid, Option, Rule, Valid
from mldebt.rules.hardcoded_api import (
    CREDENTIAL_TRIGGERS,
    DEV_PASSWORDS,
    DSN_WITH_PASSWORD,
    FILE_NAME_VALUE,
    HOST_CALLS,
    HOST_KEYWORD,
    HOST_NAME,
    HOST_TRIGGERS,
    INTERNAL_SUFFIXES,
    LIBPQ_PASSWORD,
    LOCAL_HOSTS,
    MACHINE_PATHS,
    MOUNT_PATHS,
    NOT_A_POSITION_FUNCTIONS,
    NOT_A_POSITION_METHODS,
    NOT_PATH_FUNCTIONS,
    NOT_PATH_NAME,
    NOT_SECRET_NAME,
    PATH_FUNCTION_PREFIXES,
    PATH_KEYWORD,
    PATH_METHODS,
    PATH_NAME,
    PATH_TRIGGERS,
    PLACEHOLDER,
    RESERVED_SUFFIXES,
    ROUTE_METHODS,
    SECRET_ARGUMENTS,
    SECRET_NAME,
    SHAPE_ONLY_LABELS,
    STANDARD_PORTS,
    TOKEN_PATTERNS,
    TOKENIZER_CALL,
)
from mldebt.rules.raw_data_api import (
    PATH_CONSTRUCTORS,
    PATH_JOINS,
    SAME_PATH_FUNCTIONS,
)

# Stands for the parts of an f-string only known at run time.
UNKNOWN = "\x00"

_ENV_LOOKUPS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})
_ENV_SETTERS = frozenset({"os.environ.setdefault", "os.putenv"})
# Calls whose first argument starts the path they return: Path("/home/a") / "b".
_PATH_WRAPPERS = (
    PATH_CONSTRUCTORS
    | PATH_JOINS
    | SAME_PATH_FUNCTIONS
    | {"pathlib.WindowsPath", "os.path.expanduser", "os.path.realpath"}
)


# ---- what a string is ---------------------------------------------------------------


def leading_text(node: cst.BaseExpression) -> str | None:
    """The text a string expression starts with, as far as it is known without
    running the code: a literal's value, or an f-string's literal parts up to its
    first replacement field (followed by ``UNKNOWN``)."""
    if isinstance(node, cst.FormattedString):
        text = ""
        for part in node.parts:
            if not isinstance(part, cst.FormattedStringText):
                return text + UNKNOWN
            text += part.value
        return text
    if isinstance(node, cst.ConcatenatedString):
        left = leading_text(node.left)
        if left is None or left.endswith(UNKNOWN):
            return left
        right = leading_text(node.right)
        return None if right is None else left + right
    return string_value(node)


def _qualified(ctx_qualname: str | None, func: cst.BaseExpression) -> tuple[str, str]:
    """(qualified name or "", the called attribute or plain name or "") of a call's
    function: ``np.load`` -> ("numpy.load", "load"), ``MyError`` -> ("", "MyError")."""
    if isinstance(func, cst.Attribute):
        return ctx_qualname or "", func.attr.value
    if isinstance(func, cst.Name) and ctx_qualname is None:
        return "", func.value
    return ctx_qualname or "", ""


def target_names(node: cst.BaseExpression) -> Iterator[str]:
    """The names an assignment target binds or sets: ``x``, ``self.x``,
    ``cfg["x"]``, ``os.environ["X"]``; tuple targets give each of theirs."""
    if isinstance(node, cst.Name):
        yield node.value
    elif isinstance(node, cst.Attribute):
        yield node.attr.value
    elif isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        if isinstance(index, cst.Index):
            key = string_value(index.value)
            if key is not None:
                yield key
    elif isinstance(node, (cst.Tuple, cst.List)):
        for element in node.elements:
            yield from target_names(element.value)


def assignment_targets(
    node: cst.Assign | cst.AnnAssign,
) -> list[cst.BaseExpression]:
    """The target expressions of an assignment statement."""
    if isinstance(node, cst.Assign):
        return [target.target for target in node.targets]
    return [node.target]


def entropy(text: str) -> float:
    """Shannon entropy of ``text`` in bits per character."""
    counts = Counter(text)
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


class _StringRule(Rule):
    """Shared bookkeeping: every string literal is reported at most once."""

    def on_begin_file(self) -> None:
        """Forget the literals reported in the previous file."""
        self._reported: set[int] = set()

    def report_once(self, node: cst.CSTNode, message: str) -> None:
        """Report ``node`` unless this rule already did."""
        if id(node) not in self._reported:
            self._reported.add(id(node))
            self.report(node, message)

    def call_names(self, node: cst.Call) -> tuple[str, str]:
        """The call's (qualified name or "", method name or "")."""
        return _qualified(self.ctx.qualified_name(node.func), node.func)


# ---- MLD301 --------------------------------------------------------------------------


def _is_path_call(qualname: str, method: str) -> bool:
    if qualname in NOT_PATH_FUNCTIONS:
        return False
    if qualname and any(
        qualname == prefix
        or (prefix.endswith((".", "_")) and qualname.startswith(prefix))
        or qualname.startswith(prefix + ".")
        for prefix in PATH_FUNCTION_PREFIXES
    ):
        return True
    return bool(method) and method in PATH_METHODS


def _is_exception(qualname: str, method: str) -> bool:
    last = qualname.rsplit(".", 1)[-1] if qualname else method
    return last.endswith(("Error", "Exception", "Warning"))


def is_path_name(name: str) -> bool:
    """Whether a variable, key or parameter named ``name`` holds a file path."""
    return bool(PATH_NAME.search(name)) and not NOT_PATH_NAME.search(name)


def _is_message_call(qualname: str, method: str) -> bool:
    """Calls whose arguments are not file paths the program uses: messages (print,
    logging, exceptions), patterns, string methods, web routes, and env lookups
    (whose defaults are configuration by design)."""
    if qualname in NOT_A_POSITION_FUNCTIONS or qualname in _ENV_LOOKUPS:
        return True
    if method in ROUTE_METHODS and not qualname.startswith(("os.", "shutil.")):
        return True
    if qualname.startswith("logging."):
        return True
    if _is_exception(qualname, method):
        return True
    return bool(method) and method in NOT_A_POSITION_METHODS and not qualname


class MachineSpecificPath(_StringRule):
    """An absolute path that exists on one machine only.

    ## What it does
    Flags string literals that name one person's or one host's file system: home
    directories (`/home/alice/`, `/Users/bob/`, `/root/`, `~/`, `$HOME/`,
    `%USERPROFILE%`), mounted volumes (`/mnt/`, `/media/`, `/Volumes/`), notebook
    hosts (`/content/drive`, `/kaggle/input`), Windows drives (`C:\\`) and network
    shares (`\\\\server\\share`). They are flagged in assignments, parameter defaults,
    dict values and call arguments. Cluster-style mounts (`/data/`, `/scratch/`,
    `/nfs/`, `/opt/`, ...) are flagged only where the string is clearly a path: an
    argument of a file API (`open`, `Path`, `pd.read_*`, `np.load`, `.to_csv`, ...),
    a keyword such as `output_dir=` or a variable such as `DATA_DIR`.

    System paths (`/dev/null`, `/proc`, `/etc`, `/usr`, `/tmp`), relative paths,
    URLs and URL routes, MIME types, dates, regular expressions, messages (`print`,
    logging, exceptions) and environment lookups with a default
    (`os.environ.get("DATA_DIR", "/mnt/data")`) are never flagged.

    ## Why is this bad?
    The code runs only where that path exists. Colleagues, CI and the training
    cluster each have to edit the source to run it, and every such edit is a change
    nobody reviews as a change to the experiment.

    ## Example
    ```python
    import pandas as pd

    train = pd.read_csv("/home/alice/projects/churn/data/train.csv")
    ```

    ## Use instead
    A path relative to the project, or one read from config or the environment:
    ```python
    import os
    from pathlib import Path

    DATA_DIR = Path(os.environ.get("DATA_DIR", Path(__file__).parent / "data"))
    train = pd.read_csv(DATA_DIR / "train.csv")
    ```
    """

    code = "MLD301"
    name = "machine-specific-path"
    category = "hardcoded-config"
    message = "absolute path tied to one machine"
    triggers = PATH_TRIGGERS
    options = (
        Option(
            "allowed-prefixes",
            list,
            ["/opt/ml/"],
            "path prefixes that are the same on every machine the code runs on "
            "(the default is SageMaker's container layout)",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        """Arguments of file APIs are paths; other calls' arguments may be."""
        qualname, method = self.call_names(node)
        if _is_message_call(qualname, method):
            return
        path_call = _is_path_call(qualname, method)
        for arg in node.args:
            if arg.keyword is not None:
                in_path = path_call or bool(PATH_KEYWORD.search(arg.keyword.value))
            else:
                in_path = path_call
            self._check(arg.value, in_path)

    def visit_Assign(self, node: cst.Assign) -> None:
        """``DATA_DIR = "/mnt/..."``: the target's name says whether it is a path."""
        self._check_assignment(node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        """``data_dir: str = "/mnt/..."``."""
        self._check_assignment(node)

    def visit_Param(self, node: cst.Param) -> None:
        """``def load(path="/home/alice/x.csv")``."""
        if node.default is not None:
            self._check(node.default, is_path_name(node.name.value))

    def visit_DictElement(self, node: cst.DictElement) -> None:
        """``{"data_dir": "/mnt/..."}``."""
        key = string_value(node.key) or ""
        self._check(node.value, is_path_name(key))

    def _check_assignment(self, node: cst.Assign | cst.AnnAssign) -> None:
        if node.value is None:
            return
        names = [n for t in assignment_targets(node) for n in target_names(t)]
        if any(NOT_PATH_NAME.search(name) for name in names):
            return  # DATA_URL_PATH = "/data/v2/query": a route, not a file
        self._check(node.value, any(is_path_name(name) for name in names))

    def _check(self, value: cst.BaseExpression, in_path: bool) -> None:
        for node, in_path_here in self._path_strings(value, in_path):
            text = leading_text(node)
            if text is None or id(node) in self._reported:
                continue
            label = self._machine_label(text, in_path_here)
            if label is not None:
                shown = text.split(UNKNOWN, 1)[0]
                if len(shown) > 48:
                    shown = shown[:45] + "..."
                self.report_once(
                    node,
                    f"hardcoded path '{shown}' is {label}: it exists on one machine "
                    "only; read it from config, the environment or a CLI argument",
                )

    def _path_strings(
        self, value: cst.BaseExpression, in_path: bool
    ) -> Iterator[tuple[cst.BaseExpression, bool]]:
        """The string literals whose text starts the path ``value`` builds:
        ``"/a" / "b"`` -> ``"/a"``; ``Path("/a", "b")`` -> ``"/a"``; each element of
        a list or tuple; both branches of a conditional expression."""
        if isinstance(
            value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)
        ):
            yield value, in_path
        elif isinstance(value, cst.BinaryOperation) and isinstance(
            value.operator, (cst.Divide, cst.Add)
        ):
            yield from self._path_strings(value.left, in_path)
        elif isinstance(value, (cst.List, cst.Tuple, cst.Set)):
            for element in value.elements:
                yield from self._path_strings(element.value, in_path)
        elif isinstance(value, cst.IfExp):
            yield from self._path_strings(value.body, in_path)
            yield from self._path_strings(value.orelse, in_path)
        elif isinstance(value, cst.Call):
            qualname = self.ctx.qualified_name(value.func)
            if qualname in _PATH_WRAPPERS and value.args:
                first = value.args[0]
                if first.keyword is None and not first.star:
                    yield from self._path_strings(first.value, True)

    def _machine_label(self, text: str, in_path: bool) -> str | None:
        allowed: list[str] = self.option("allowed-prefixes")
        if any(text.startswith(prefix) for prefix in allowed):
            return None
        for label, pattern in MACHINE_PATHS:
            if pattern.search(text):
                return label
        if in_path and MOUNT_PATHS.search(text):
            return "a machine-specific mount"
        return None

    valid = (
        Valid("""
            import os
            import tempfile
            NULL = open(os.devnull, "w")
            CPUINFO = open("/proc/cpuinfo").read()
            CERTS = "/etc/ssl/certs/ca-certificates.crt"
            SCRATCH = tempfile.mkdtemp(dir="/tmp")
            PYTHON = "/usr/bin/python3"
            """),
        Valid("""
            from pathlib import Path
            import pandas as pd
            DATA_DIR = Path(__file__).resolve().parent / "data"
            train = pd.read_csv(DATA_DIR / "train.csv")
            test = pd.read_csv("data/processed/test.csv")
            """),
        Valid("""
            import os
            DATA_DIR = os.environ.get("DATA_DIR", "/mnt/datasets/churn")
            CACHE = os.getenv("HF_HOME", "/home/shared/hf-cache")
            """),
        Valid("""
            from fastapi import FastAPI
            app = FastAPI()
            @app.get("/data/{item_id}")
            def read(item_id: int):
                return {"mime": "application/json", "route": "/users/me"}
            @app.get("/home/feed")
            def feed():
                return client.get("/home/feed")
            DATA_URL_PATH = "/data/v2/query"
            """),
        Valid("""
            from google.colab import drive
            drive.mount("/content/drive")
            """),
        Valid("""
            import logging
            import re
            HOME_RE = re.compile(r"^/home/[^/]+/")
            log = logging.getLogger(__name__)
            log.info("copy your data to /home/<user>/data first")
            print("expected a path like /Users/you/data")
            if path.startswith("/home/"):
                raise ValueError("paths under /home/alice are not allowed")
            """),
        Valid("""
            START = "2024/01/31"
            RATIO = "3/4"
            MODEL_DIR = "/opt/ml/model"  # SageMaker's layout, the same everywhere
            url = "https://example.com/home/alice/data.csv"
            user_dir = f"/home/{user}/projects"
            """),
        Valid("""
            from pathlib import Path
            CACHE_DIR = Path.home() / ".cache" / "churn"
            mime = "text/csv"
            """),
    )
    invalid = (
        Invalid(
            """
            import pandas as pd
            def load():
                train = pd.read_csv("/home/alice/projects/churn/train.csv")
                test = pd.read_excel(r"C:\\Users\\bob\\Desktop\\test.xlsx")
                return train, test
            """,
            count=2,
            line=3,
            column=25,
        ),
        Invalid("""
            DATA_ROOT = "/Users/carol/Documents/datasets"
            """),
        Invalid(
            """
            from pathlib import Path
            import os
            CKPT = Path("/mnt/nas/checkpoints") / "resnet50.pt"
            os.makedirs(os.path.expanduser("~/experiments/run1"), exist_ok=True)
            """,
            count=2,
        ),
        Invalid(
            """
            import pandas as pd
            df = pd.read_csv("/content/drive/MyDrive/churn.csv")
            sub = pd.read_csv("/kaggle/input/churn/test.csv")
            df.to_parquet(r"\\\\fileserver\\ml\\churn.parquet")
            """,
            count=3,
        ),
        Invalid(
            """
            import torch
            from transformers import TrainingArguments
            args = TrainingArguments(output_dir="/scratch/bob/runs/bert")
            torch.save(model.state_dict(), "/data/models/bert.pt")
            """,
            count=2,
        ),
        Invalid(
            """
            import argparse
            parser = argparse.ArgumentParser()
            parser.add_argument("--data", default="/home/dave/data/train.csv")
            def train(data_path=f"/home/dave/data/{VERSION}/train.csv"):
                ...
            """,
            count=2,
        ),
        Invalid(
            """
            import pandas as pd
            df = pd.read_csv("/srv/shared/churn.csv")
            """,
            options={"allowed-prefixes": []},
        ),
        Invalid(
            """
            import pandas as pd
            df = pd.read_csv("/content/diabetes.csv")
            """,
        ),
    )


# ---- MLD302 --------------------------------------------------------------------------


def token_label(value: str) -> str | None:
    """What kind of issued credential ``value`` contains, if any."""
    for label, pattern in TOKEN_PATTERNS:
        match = pattern.search(value)
        if match is None:
            continue
        token = match.group()
        if label in SHAPE_ONLY_LABELS:
            return label
        if looks_random(token) and not _is_placeholder_token(token):
            return label
    match = DSN_WITH_PASSWORD.match(value)
    if match is not None and _is_real_password(
        match.group("password"), match.group("user")
    ):
        return "a URL with a password in it"
    match = LIBPQ_PASSWORD.search(value)
    if match is not None and _is_real_password(match.group("password"), ""):
        return "a connection string with a password in it"
    return None


def _is_real_password(password: str, user: str) -> bool:
    """Not a placeholder, not a local stack's stock password (guest:guest)."""
    if UNKNOWN in password or PLACEHOLDER.match(password):
        return False
    return password != user and password.lower() not in DEV_PASSWORDS


def _is_placeholder_token(token: str) -> bool:
    lowered = token.lower()
    return any(word in lowered for word in ("example", "xxxx", "fake", "dummy", "your"))


def looks_random(token: str) -> bool:
    """Whether ``token`` looks generated: letters and digits, high entropy."""
    return (
        any(ch.isdigit() for ch in token)
        and any(ch.isalpha() for ch in token)
        and entropy(token) >= 3.0
    )


_IDENTIFIER_ONLY = re.compile(r"^[A-Za-z_][\w.-]*$")
_ENV_VAR_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


def looks_like_secret(value: str) -> bool:
    """Whether a value given to a secret-named target is plausibly a secret: not a
    placeholder, the name of a secret or a variable, a file name, a path, a URL or
    a sentence. Weak passwords count (``"Summer2024"``): the name says what it is."""
    if len(value) < 6 or any(ch.isspace() for ch in value):
        return False
    if PLACEHOLDER.match(value) or _ENV_VAR_NAME.match(value):
        return False
    if _IDENTIFIER_ONLY.match(value) and is_secret_name(value):
        return False  # the *name* of a secret: "db_password", "OPENAI_API_KEY"
    if FILE_NAME_VALUE.search(value):
        return False  # "credentials.json", "key.pem"
    if value.startswith(("/", "./", "~", "http:", "https:")) or "://" in value:
        return False
    return len(set(value)) >= 4


def snake_case(name: str) -> str:
    """``apiKey`` -> ``api_key``; ``x-api-key`` -> ``x_api_key``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).replace("-", "_")


def is_secret_name(name: str) -> bool:
    """Whether a variable, keyword, key or environment variable named ``name``
    holds a secret."""
    name = snake_case(name)
    return bool(SECRET_NAME.search(name)) and not NOT_SECRET_NAME.search(name)


class HardcodedCredential(_StringRule):
    """A password, API key or token written into the code.

    ## What it does
    Flags string literals that are credentials:
    - tokens in their issuers' published shapes anywhere in the code: AWS access
      keys, GitHub, OpenAI, Anthropic, Hugging Face, Slack, Google and Stripe keys,
      PEM private keys and JSON Web Tokens;
    - URLs with a password (`postgresql://user:pw@host/db`);
    - secret-looking values given to secret-named targets: variables, attributes,
      keyword arguments, dict keys and environment variables named like `password`,
      `api_key`, `client_secret`, `hf_token`, ... (`os.environ["X"] = "..."`,
      `os.environ.setdefault`, `os.putenv`, `wandb.login(key=...)`).

    Tokenizer vocabulary (`pad_token="[PAD]"`, `eos_token="</s>"`, arguments of
    `*Tokenizer*` calls), the *names* of secrets (`PASSWORD_ENV = "DB_PASSWORD"`),
    placeholders (`"changeme"`, `"<your-key>"`, `"${VAR}"`, `"xxxx"`), sentences and
    short or low-entropy values are never flagged. The message never repeats the
    secret.

    ## Why is this bad?
    Anything committed stays in git history, in every clone and fork, and in every
    notebook export. A leaked cloud or model-hub key is abused within minutes. It
    also ties the code to one account: nobody else can run it unchanged.

    ## Example
    ```python
    import os, wandb

    os.environ["OPENAI_API_KEY"] = "sk-proj-4f9aQz7LmN2xT8vR1kP6sW3yB0cD5eH"
    wandb.login(key="3f2b9c1d4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c")
    ```

    ## Use instead
    Read secrets from the environment or a secret store, and rotate any key that was
    ever committed:
    ```python
    import os, wandb

    wandb.login(key=os.environ["WANDB_API_KEY"])
    ```
    """

    code = "MLD302"
    name = "hardcoded-credential"
    category = "hardcoded-config"
    message = "credential written into the code"
    triggers = CREDENTIAL_TRIGGERS

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        """Issued-token shapes and URLs with passwords, wherever they are."""
        if len(node.value) < 12:
            return
        value = string_value(node)
        if value is None:
            return
        label = token_label(value)
        if label is not None:
            self._flag(node, label)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        """``f"postgresql://admin:pw@{host}/db"``: the literal part has a password."""
        text = leading_text(node)
        if text is not None and len(text) >= 12:
            label = token_label(text)
            if label is not None:
                self._flag(node, label)

    def visit_Assign(self, node: cst.Assign) -> None:
        """``api_key = "..."``, ``os.environ["HF_TOKEN"] = "..."``."""
        self._check_assignment(node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        """``password: str = "..."``."""
        self._check_assignment(node)

    def visit_Param(self, node: cst.Param) -> None:
        """``def connect(password="...")``."""
        if node.default is not None and is_secret_name(node.name.value):
            self._check_value(node.default, node.name.value)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        """``{"api_key": "..."}``."""
        key = string_value(node.key)
        if key is not None and is_secret_name(key):
            self._check_value(node.value, key)

    def visit_Call(self, node: cst.Call) -> None:
        """Secret-named keywords, env setters and calls known to take a secret."""
        qualname, method = self.call_names(node)
        called = qualname.rsplit(".", 1)[-1] if qualname else method
        if not called and isinstance(node.func, cst.Name):
            called = node.func.value
        if TOKENIZER_CALL.search(called or "") or TOKENIZER_CALL.search(qualname):
            return
        if qualname in _ENV_SETTERS and len(node.args) >= 2:
            key = string_value(node.args[0].value)
            if key is not None and is_secret_name(key):
                self._check_value(node.args[1].value, key)
        for arg in node.args:
            if arg.keyword is None:
                continue
            keyword = arg.keyword.value
            if (qualname, keyword) in SECRET_ARGUMENTS or is_secret_name(keyword):
                self._check_value(arg.value, keyword)

    def _check_assignment(self, node: cst.Assign | cst.AnnAssign) -> None:
        if node.value is None:
            return
        for target in assignment_targets(node):
            for name in target_names(target):
                if is_secret_name(name):
                    self._check_value(node.value, name)
                    return

    def _check_value(self, value: cst.BaseExpression, name: str) -> None:
        text = string_value(value)
        if text is None:
            return
        label = token_label(text)
        if label is None and looks_like_secret(text):
            label = f"a secret given to '{name}'"
        if label is not None:
            self._flag(value, label)

    def _flag(self, node: cst.CSTNode, label: str) -> None:
        self.report_once(
            node,
            f"hardcoded credential ({label}); load it from the environment or a "
            "secret store, and rotate it: it is in git history now",
        )

    valid = (
        Valid("""
            from transformers import AutoTokenizer
            tok = AutoTokenizer.from_pretrained(MODEL, pad_token="[PAD]", revision=REV)
            eos_token = "</s>"
            special = {"mask_token": "<mask>", "unk_token": "<unk>", "sep_token": "[SEP]"}
            tok.add_special_tokens({"additional_special_tokens": ["<|im_start|>"]})
            """),
        Valid("""
            import os
            API_KEY = os.environ["OPENAI_API_KEY"]
            password = os.getenv("DB_PASSWORD")
            token = os.environ.get("HF_TOKEN", "")
            PASSWORD_ENV = "DB_PASSWORD"
            api_key_header = "X-Api-Key"
            """),
        Valid("""
            password = "changeme"
            api_key = "<your-api-key>"
            secret = "${APP_SECRET}"
            DB_PASSWORD = "xxxxxxxxxxxx"
            client_secret = "your_client_secret_here"
            auth_token = "{{ auth_token }}"
            """),
        Valid("""
            password_prompt = "Please enter your password:"
            SECRET_PATH = "/run/secrets/db_password"
            api_key_file = "~/.config/openai/key"
            key = "learning_rate"
            secret_len = 32
            """),
        Valid("""
            import sqlalchemy
            engine = sqlalchemy.create_engine("postgresql://analyst@localhost/features")
            url = f"postgresql://{user}:{password}@{host}/db"
            stripe_example = "sk_live_EXAMPLEKEY00000000000000000"
            """),
        Valid("""
            AWS_DOCS_KEY = "AKIAIOSFODNN7EXAMPLE"
            title = "sk-learn-compatible-estimators-with-grid-search"
            """),
        Valid("""
            import os
            bypass = "skip-the-cache-layer"
            forward_pass = "fused_attention_v2"
            os.environ["GOOGLE_APPLICATION_CREDENTIALS"] = "credentials.json"
            PEM_HEADER = "-----BEGIN PRIVATE KEY-----"
            if text.startswith("-----BEGIN RSA PRIVATE KEY-----"):
                pass
            """),
        Valid("""
            import os
            DATABASE_URL = os.getenv("DATABASE_URL", "postgresql://mlflow:mlflow@localhost/mlflow")
            BROKER = "amqp://guest:guest@localhost//"
            """),
    )
    invalid = (
        Invalid(
            """
            import os
            os.environ["OPENAI_API_KEY"] = "sk-proj-4f9aQz7LmN2xT8vR1kP6sW3yB0cD5eH"
            """,
            line=2,
            column=32,
        ),
        Invalid("""
            import wandb
            wandb.login(key="3f2b9c1d4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c")
            """),
        Invalid("""
            from sqlalchemy import create_engine
            engine = create_engine("postgresql://admin:hunter2@db.internal:5432/features")
            """),
        Invalid(
            """
            DB_PASSWORD = "Tr0ub4dor&3xample!"
            config = {"client_secret": "9f8e7d6c5b4a39281706f5e4"}
            """,
            count=2,
        ),
        Invalid("""
            from huggingface_hub import login
            login(token="hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789")
            """),
        Invalid(
            """
            import boto3
            s3 = boto3.client(
                "s3",
                aws_access_key_id="AKIA2OGYBAH4VXQ7M3ZD",
                aws_secret_access_key="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",
            )
            """,
            count=2,
        ),
        Invalid("""
            import os
            os.environ.setdefault("SLACK_BOT_TOKEN", "xoxb-2938475610-9f8e7d6c5b4a")
            """),
        Invalid('''
            KEY = """-----BEGIN RSA PRIVATE KEY-----
            MIIEpAIBAAKCAQEA7bq98zHk3LKZp2Jt0vXh5Yc8QwErTy1UiOpAsDfGhJkLzXcVbNm
            -----END RSA PRIVATE KEY-----"""
            '''),
        Invalid(
            """
            from fastapi.middleware.sessions import SessionMiddleware
            SECRET_KEY = "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7"
            DB_PASSWORD_PROD = "Summer2024"
            app.add_middleware(SessionMiddleware, secret_key="a8f5f167f44f4964e6c998dee827110c")
            headers = {"x-api-key": "Zx81kQ2mP0aLw9"}
            """,
            count=4,
        ),
        Invalid(
            """
            import psycopg2
            conn = psycopg2.connect("host=db user=etl password=Xk9#trQ2 dbname=features")
            url = f"postgresql://admin:Hunt3r2Xq9@{host}/db"
            cache = "redis://:s3cretPw9@cache:6379/0"
            """,
            count=3,
        ),
    )


# ---- MLD303 --------------------------------------------------------------------------


def _split_host(text: str) -> tuple[str, int | None, bool] | None:
    """(host, port, was a URL) of a URL or a ``host[:port]`` string, else None."""
    if "://" in text:
        try:
            parts = urlsplit(text)
            port = parts.port
        except ValueError:
            return None
        host = parts.hostname
        return (host, port, True) if host else None
    match = re.match(r"^\[?([A-Za-z0-9_.:-]+?)\]?(?::(\d{1,5}))?(/.*)?$", text)
    if match is None:
        return None
    digits = match.group(2)
    return match.group(1), (int(digits) if digits else None), False


def _host_problem(
    host: str, port: int | None, is_url: bool, services: bool
) -> str | None:
    """Why a host ties the code to one network, or None."""
    host = host.lower().rstrip(".")
    if host in LOCAL_HOSTS or host.startswith("127.") or "example" in host:
        return None
    if host.endswith(RESERVED_SUFFIXES):
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        if address.is_loopback or address.is_unspecified:
            return None
        if address.is_private or address.is_link_local:
            return "a private IP address"
        return "an IP address" if is_url or port is not None else None
    if "." not in host and (port is None or not services):
        # a bare word: a docker-compose or k8s service name, the same in every
        # deployment of the stack (flag-service-names turns these on)
        return None
    if host.endswith(INTERNAL_SUFFIXES):
        return "an internal hostname"
    if port is not None and port not in STANDARD_PORTS:
        return "an explicit port"
    return None


def host_problems(text: str, services: bool = False) -> Iterator[tuple[str, str]]:
    """(host as shown, problem) for each host in a URL, DSN or ``host:port`` list;
    ``services``: also dotless hosts with a port (``mlflow:5000``)."""
    for item in text.split(","):
        item = item.strip()
        if not item or UNKNOWN in item.split("/", 3)[2 if "://" in item else 0]:
            continue
        parsed = _split_host(item)
        if parsed is None:
            continue
        host, port, is_url = parsed
        problem = _host_problem(host, port, is_url, services)
        if problem is not None:
            yield (f"{host}:{port}" if port is not None else host), problem


class HardcodedHost(_StringRule):
    """A private IP address, an internal hostname or a fixed port in the code.

    ## What it does
    Flags hosts in the places that connect to services: MLflow tracking and
    registry URIs, database engines and DSNs, Redis, MongoDB, Kafka, Ray and Dask
    clients, HTTP calls, keywords such as `host=`, `url=`, `endpoint=`,
    `tracking_uri=`, `bootstrap_servers=`, and variables or environment variables
    named like `MLFLOW_TRACKING_URI` or `db_host`. A host is flagged when it is a
    private IP address (`10.x`, `172.16-31.x`, `192.168.x`), any IP address in a
    URL, a name only one network resolves (`*.internal`, `*.local`, `*.corp`,
    `*.lan`), or a host with an explicit non-standard port.

    Public URLs (`https://huggingface.co`), `localhost` and `0.0.0.0`, bare service
    names and environment lookups with a default
    (`os.environ.get("DB_HOST", "localhost")`) are not flagged.

    ## Why is this bad?
    The code runs only inside one network, against one server. Moving the tracking
    server, running in CI or sharing the project means editing source, and an
    internal address in a public repository maps your infrastructure for others.

    ## Example
    ```python
    import mlflow

    mlflow.set_tracking_uri("http://10.0.3.17:5000")
    ```

    ## Use instead
    ```python
    import os

    import mlflow

    mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])
    ```
    (MLflow also reads `MLFLOW_TRACKING_URI` by itself when nothing is set.)
    """

    code = "MLD303"
    name = "hardcoded-host"
    category = "hardcoded-config"
    message = "host of one network written into the code"
    triggers = HOST_TRIGGERS
    options = (
        Option(
            "flag-service-names",
            bool,
            False,
            "also flag dotless hosts with a port (`http://mlflow:5000`), which are "
            "usually docker-compose or Kubernetes service names",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        """Known clients' first argument and host-like keywords of any call."""
        qualname, method = self.call_names(node)
        if qualname in _ENV_LOOKUPS or _is_exception(qualname, method):
            return
        if qualname in HOST_CALLS and node.args:
            first = node.args[0]
            if first.keyword is None and not first.star:
                self._check(first.value)
        for arg in node.args:
            if arg.keyword is not None and HOST_KEYWORD.search(arg.keyword.value):
                self._check(arg.value)
        if qualname == "os.putenv" and len(node.args) >= 2:
            key = string_value(node.args[0].value)
            if key is not None and HOST_NAME.search(key):
                self._check(node.args[1].value)

    def visit_Assign(self, node: cst.Assign) -> None:
        """``TRACKING_URI = "http://10.0.0.5:5000"``, ``os.environ["X_HOST"] = ...``."""
        self._check_assignment(node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        """``db_host: str = "db.internal"``."""
        self._check_assignment(node)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        """``{"host": "10.1.2.3"}``."""
        key = string_value(node.key)
        if key is not None and (HOST_KEYWORD.search(key) or HOST_NAME.search(key)):
            self._check(node.value)

    def visit_Param(self, node: cst.Param) -> None:
        """``def connect(host="10.1.2.3")``."""
        if node.default is not None and HOST_NAME.search(node.name.value):
            self._check(node.default)

    def _check_assignment(self, node: cst.Assign | cst.AnnAssign) -> None:
        if node.value is None:
            return
        names = [n for t in assignment_targets(node) for n in target_names(t)]
        if any(HOST_NAME.search(name) for name in names):
            self._check(node.value)

    def _check(self, value: cst.BaseExpression) -> None:
        if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
            if isinstance(value, cst.Tuple) and len(value.elements) == 2:
                self._check(value.elements[0].value)  # (host, port)
                return
            for element in value.elements:
                self._check(element.value)
            return
        text = leading_text(value)
        if text is None:
            return
        services: bool = self.option("flag-service-names")
        for shown, problem in host_problems(text, services):
            self.report_once(
                value,
                f"hardcoded host '{shown}' ({problem}) ties the code to one "
                "network; read it from config or the environment",
            )
            return

    valid = (
        Valid("""
            import os
            DB_HOST = os.environ.get("DB_HOST", "localhost")
            TRACKING_URI = os.getenv("MLFLOW_TRACKING_URI", "http://10.0.0.5:5000")
            """),
        Valid("""
            import requests
            resp = requests.get("https://huggingface.co/api/models", timeout=10)
            API_URL = "https://api.openai.com/v1"
            """),
        Valid("""
            import mlflow
            mlflow.set_tracking_uri("http://localhost:5000")
            app.run(host="0.0.0.0", port=8080)
            redis_url = "redis://127.0.0.1:6379/0"
            """),
        Valid("""
            VERSION = "1.2.3.4"
            ADDRESS_LINE = "10 Downing Street"
            server = "mlflow"
            """),
        Valid("""
            import mlflow
            mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])
            url = f"http://{HOST}:{PORT}/predict"
            """),
        Valid("""
            EXAMPLE_URL = "http://api.example.com:8080/v1"
            docs_host = "docs.python.org"
            """),
        Valid("""
            import requests
            META = requests.get("http://169.254.169.254/latest/meta-data/instance-id")
            MLFLOW_TRACKING_URI = "http://mlflow:5000"  # a docker-compose service
            raise EndpointConnectionError(endpoint_url="http://unreachable.invalid:9000")
            """),
    )
    invalid = (
        Invalid(
            """
            import mlflow
            mlflow.set_tracking_uri("http://10.0.3.17:5000")
            """,
            line=2,
            column=25,
        ),
        Invalid("""
            from sqlalchemy import create_engine
            engine = create_engine("postgresql://admin:hunter2@db.internal:5432/features")
            """),
        Invalid("""
            import redis
            cache = redis.Redis(host="192.168.1.40", port=6379)
            """),
        Invalid("""
            MLFLOW_TRACKING_URI = "http://mlflow.corp:5000"
            """),
        Invalid("""
            import os
            os.environ["MLFLOW_TRACKING_URI"] = "http://172.20.4.9"
            """),
        Invalid("""
            from kafka import KafkaProducer
            producer = KafkaProducer(bootstrap_servers="kafka-1.lan:9092,kafka-2.lan:9092")
            """),
        Invalid("""
            import requests
            def predict(rows):
                return requests.post("http://ml-serving.mycompany.com:8501/v1/predict", json=rows)
            """),
        Invalid(
            """
            import socket
            from elasticsearch import Elasticsearch
            es = Elasticsearch(hosts=["http://10.0.0.20:9200", "http://10.0.0.21:9200"])
            conn = socket.create_connection(("10.0.0.40", 9000))
            llm = ChatOpenAI(openai_api_base="http://10.1.1.9:8000/v1")
            """,
            count=4,
        ),
        Invalid(
            """
            MLFLOW_TRACKING_URI = "http://mlflow:5000"
            """,
            options={"flag-service-names": True},
        ),
    )
