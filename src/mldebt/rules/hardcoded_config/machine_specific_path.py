"""MLD301 machine-specific-path: an absolute path that exists on one machine only."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from mldebt.engine.helpers import string_value
from mldebt.engine.options import Option
from mldebt.engine.rule import Invalid, Valid
from mldebt.rules.hardcoded_config._strings import (
    ENV_LOOKUPS,
    UNKNOWN,
    StringRule,
    assignment_targets,
    is_exception,
    leading_text,
    target_names,
)
from mldebt.rules.hardcoded_config.api import (
    MACHINE_PATHS,
    MOUNT_PATHS,
    NOT_A_POSITION_FUNCTIONS,
    NOT_A_POSITION_METHODS,
    NOT_PATH_FUNCTIONS,
    NOT_PATH_NAME,
    PATH_FUNCTION_PREFIXES,
    PATH_KEYWORD,
    PATH_METHODS,
    PATH_NAME,
    PATH_TRIGGERS,
    ROUTE_METHODS,
)
from mldebt.rules.path_api import (
    PATH_CONSTRUCTORS,
    PATH_JOINS,
    SAME_PATH_FUNCTIONS,
)

# Calls whose first argument starts the path they return: Path("/home/a") / "b".
_PATH_WRAPPERS = (
    PATH_CONSTRUCTORS
    | PATH_JOINS
    | SAME_PATH_FUNCTIONS
    | {"pathlib.WindowsPath", "os.path.expanduser", "os.path.realpath"}
)


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


def is_path_name(name: str) -> bool:
    """Whether a variable, key or parameter named ``name`` holds a file path."""
    return bool(PATH_NAME.search(name)) and not NOT_PATH_NAME.search(name)


def _is_message_call(qualname: str, method: str) -> bool:
    """Calls whose arguments are not file paths the program uses: messages (print,
    logging, exceptions), patterns, string methods, web routes, and env lookups
    (whose defaults are configuration by design)."""
    if qualname in NOT_A_POSITION_FUNCTIONS or qualname in ENV_LOOKUPS:
        return True
    if method in ROUTE_METHODS and not qualname.startswith(("os.", "shutil.")):
        return True
    if qualname.startswith("logging."):
        return True
    if is_exception(qualname, method):
        return True
    return bool(method) and method in NOT_A_POSITION_METHODS and not qualname


class MachineSpecificPath(StringRule):
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
