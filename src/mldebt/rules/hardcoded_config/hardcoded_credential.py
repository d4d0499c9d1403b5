"""MLD302 hardcoded-credential: a password, API key or token written into the code."""

from __future__ import annotations

import math
import re
from collections import Counter

import libcst as cst

from mldebt.engine.helpers import string_value
from mldebt.engine.rule import Invalid, Valid
from mldebt.rules.hardcoded_config._strings import (
    UNKNOWN,
    StringRule,
    assignment_targets,
    leading_text,
    target_names,
)
from mldebt.rules.hardcoded_config.api import (
    CREDENTIAL_TRIGGERS,
    DEV_PASSWORDS,
    DSN_WITH_PASSWORD,
    FILE_NAME_VALUE,
    LIBPQ_PASSWORD,
    NOT_SECRET_NAME,
    PLACEHOLDER,
    SECRET_ARGUMENTS,
    SECRET_NAME,
    SHAPE_ONLY_LABELS,
    TOKEN_PATTERNS,
    TOKENIZER_CALL,
)

_ENV_SETTERS = frozenset({"os.environ.setdefault", "os.putenv"})


def entropy(text: str) -> float:
    """Shannon entropy of ``text`` in bits per character."""
    counts = Counter(text)
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


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


class HardcodedCredential(StringRule):
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
