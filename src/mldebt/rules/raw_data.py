"""Raw data overwritten (MLD2xx): code that writes over, moves or deletes input data."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from mldebt.engine.config import is_raw_data
from mldebt.engine.helpers import argument, string_value
from mldebt.engine.rule import Invalid, Rule, Valid
from mldebt.engine.traversal import FileContext
from mldebt.rules.raw_data_api import (
    IN_PLACE_MODES,
    MODE_OPENERS,
    PATH_CONSTRUCTORS,
    PATH_JOINS,
    PATH_READ_METHODS,
    PATH_WRITE_METHODS,
    READS,
    SAME_PATH_FUNCTIONS,
    TRUNCATING_MODES,
    WRITE_DESTINATIONS,
    WRITE_METHODS,
    WRITES,
    PathArg,
)

UNKNOWN = "*"
_SAME_PATH_METHODS = frozenset({"resolve", "absolute", "expanduser"})


def static_path(
    ctx: FileContext, node: cst.BaseExpression, depth: int = 4
) -> str | None:
    """The path an expression names, as far as it can be known without running
    the code: literals, f-strings (unknown parts become ``*``), ``Path(a) / b``,
    ``os.path.join``, ``with_suffix``, ``.parent``, and names assigned such values
    (module constants included). None when nothing about it is known."""
    if depth < 0:
        return None
    if isinstance(node, cst.SimpleString):
        return string_value(node)
    if isinstance(node, cst.ConcatenatedString):
        left = static_path(ctx, node.left, depth)
        right = static_path(ctx, node.right, depth)
        return None if left is None or right is None else left + right
    if isinstance(node, cst.FormattedString):
        parts = [
            part.value if isinstance(part, cst.FormattedStringText) else UNKNOWN
            for part in node.parts
        ]
        return "".join(parts)
    if isinstance(node, cst.Name):
        binding = ctx.names.lookup(node.value)
        if (
            binding is not None
            and binding.kind == "assign"
            and binding.value is not None
        ):
            return static_path(ctx, binding.value, depth - 1)
        return None
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide):
        return _join(
            static_path(ctx, node.left, depth), static_path(ctx, node.right, depth)
        )
    if isinstance(node, cst.Attribute) and node.attr.value == "parent":
        inner = static_path(ctx, node.value, depth)
        return posixpath.dirname(inner.rstrip("/")) if inner else None
    if isinstance(node, cst.Call):
        return _static_call(ctx, node, depth)
    return None


def _static_call(ctx: FileContext, node: cst.Call, depth: int) -> str | None:
    qualname = ctx.qualified_name(node.func)
    values = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
    if qualname in PATH_CONSTRUCTORS or qualname in PATH_JOINS:
        result: str | None = None
        for value in values:
            result = _join(result, static_path(ctx, value, depth) or UNKNOWN)
        return result
    if qualname in SAME_PATH_FUNCTIONS and values:
        return static_path(ctx, values[0], depth)
    func = node.func
    if not isinstance(func, cst.Attribute):
        return None
    method = func.attr.value
    receiver = static_path(ctx, func.value, depth)
    if receiver is None:
        return None
    if method in _SAME_PATH_METHODS:
        return receiver
    if method == "joinpath":
        for value in values:
            receiver = _join(receiver, static_path(ctx, value, depth) or UNKNOWN)
        return receiver
    if method in ("with_suffix", "with_name") and values:
        new = static_path(ctx, values[0], depth) or UNKNOWN
        head, tail = posixpath.split(receiver)
        if method == "with_name":
            return posixpath.join(head, new)
        stem = tail.rsplit(".", 1)[0] if "." in tail else tail
        return posixpath.join(head, stem + new)
    return None


def _join(left: str | None, right: str | None) -> str | None:
    if right is None:
        return left
    if left is None or right.startswith("/"):
        return right
    return posixpath.join(left, right)


def _normal(path: str) -> str:
    normal = posixpath.normpath(path) if path else path
    return normal[2:] if normal.startswith("./") else normal


def under_raw(ctx: FileContext, path: str) -> bool:
    """Whether ``path`` lies in (or is) one of the project's ``raw-data-dirs``."""
    normal = _normal(path).lstrip("/")
    if not normal or normal == UNKNOWN:
        return False
    return is_raw_data(ctx.raw_data_dirs, normal)


def _arg(node: cst.Call, where: PathArg) -> cst.BaseExpression | None:
    arg = argument(node, where.keyword, where.position)
    return arg.value if arg is not None else None


@dataclass(frozen=True)
class FileOp:
    """One thing a call does to a file."""

    action: str  # "reads", "writes", "moves", "deletes", "opens in place"
    target: cst.BaseExpression


def file_ops(ctx: FileContext, node: cst.Call) -> list[FileOp]:
    """What a call reads, writes, moves or deletes (as path expressions)."""
    ops: list[FileOp] = []
    qualname = ctx.qualified_name(node.func)
    if qualname is not None:
        if qualname in READS:
            target = _arg(node, READS[qualname])
            if target is not None:
                ops.append(FileOp("reads", target))
        if qualname in WRITES:
            where, action = WRITES[qualname]
            target = _arg(node, where)
            if target is not None:
                ops.append(FileOp(action, target))
        if qualname in WRITE_DESTINATIONS:
            target = _arg(node, WRITE_DESTINATIONS[qualname])
            if target is not None:
                ops.append(FileOp("writes", target))
        if qualname in MODE_OPENERS:
            where, mode_at, default = MODE_OPENERS[qualname]
            target = _arg(node, where)
            mode_node = _arg(node, mode_at)
            mode = default
            if mode_node is not None:
                value = static_path(ctx, mode_node, 0)
                mode = value if value is not None else "?"
            if target is not None:
                ops.append(FileOp(_mode_action(mode), target))
        return ops
    func = node.func
    if not isinstance(func, cst.Attribute):
        return ops
    method = func.attr.value
    if method in WRITE_METHODS or method == "save":
        target = _arg(node, PathArg("path", 0))
        if target is not None:
            ops.append(FileOp("writes", target))
    elif method in PATH_WRITE_METHODS and static_path(ctx, func.value) is not None:
        ops.append(FileOp(PATH_WRITE_METHODS[method], func.value))
    elif method in PATH_READ_METHODS:
        ops.append(FileOp("reads", func.value))
    return ops


def _mode_action(mode: str) -> str:
    if mode in IN_PLACE_MODES:
        return "opens in place"
    if mode[:1] in TRUNCATING_MODES:
        return "writes"
    if mode[:1] == "r":
        return "reads"
    return "opens"  # a mode only known at run time


def _same_file_key(
    ctx: FileContext, node: cst.BaseExpression
) -> tuple[object, ...] | None:
    """What identifies a path expression: its static value when fully known, else
    the binding of the plain name it is, unchanged since (told apart by the node
    that made it, which lives as long as the tree)."""
    path = static_path(ctx, node)
    if path is not None and UNKNOWN not in path:
        return ("path", _normal(path))
    if isinstance(node, cst.Name):
        binding = ctx.names.lookup(node.value)
        made_at = id(binding.node) if binding is not None else 0
        return ("name", node.value, made_at)
    return None


class _FileTracker(Rule):
    """Base of the raw-data rules: reads seen so far, per scope (not a rule)."""

    def on_begin_file(self) -> None:
        """Start with no file read."""
        self.reads: dict[tuple[object, ...], cst.BaseExpression] = {}

    def visit_Call(self, node: cst.Call) -> None:
        """Record reads; let the rule judge every other file operation."""
        for op in file_ops(self.ctx, node):
            key = _same_file_key(self.ctx, op.target)
            # the scope's node, alive as long as the tree, identifies it
            scoped = None if key is None else (id(self.ctx.names.scope.node), *key)
            if op.action == "reads":
                if scoped is not None:
                    self.reads.setdefault(scoped, op.target)
            else:
                self.check(node, op, scoped in self.reads if scoped else False)

    def check(self, node: cst.Call, op: FileOp, was_read: bool) -> None:
        """Judge a write, move, delete or in-place open (``was_read``: the same
        file was read earlier in this scope)."""


def _shown(ctx: FileContext, op: FileOp) -> str:
    path = static_path(ctx, op.target)
    if path is not None:
        return f"`{_normal(path)}`"
    return f"`{ctx.module.code_for_node(op.target).strip()}`"


class RawDataOverwrite(_FileTracker):
    """Writing over the file the code read its input from.

    ## What it does
    Flags a write (pandas `to_*`, `np.save*`, `open(p, "w")`, `Path.write_text`,
    `joblib.dump`, `torch.save`, `cv2.imwrite`, `img.save`, copies and moves),
    a move or a delete of the same file the code read earlier in the same function
    or module: the same literal path, the same `Path` expression, or the same
    variable not reassigned in between.

    ## Why is this bad?
    The input is gone: the next run reads already-processed data, a bug in the
    processing cannot be undone, and no result can be traced back to the data it
    came from.

    ## Example
    ```python
    import pandas as pd

    df = pd.read_csv("data/customers.csv")
    df = df.dropna()
    df.to_csv("data/customers.csv", index=False)
    ```

    ## Use instead
    ```python
    df.to_csv("data/processed/customers.csv", index=False)
    ```
    and track the raw file with DVC or git-lfs so it stays as it arrived.
    """

    code = "MLD201"
    name = "write-over-input"
    category = "raw-data-overwrite"
    message = "writes over the file it read as input"
    # a read API must occur for a write to be over the input
    triggers = (
        "read_",
        "load(",
        "open(",
        "imread",
        "fromfile",
        "loadtxt",
        "genfromtxt",
    )

    def check(self, node: cst.Call, op: FileOp, was_read: bool) -> None:
        if was_read and op.action in ("writes", "moves", "deletes"):
            self.report(
                node,
                f"{op.action} {_shown(self.ctx, op)}, the file this code read as "
                "input: write derived data to a new file",
            )

    valid = (
        Valid(
            "import pandas as pd\ndf = pd.read_csv('data/raw/a.csv')\n"
            "df.to_csv('data/processed/a.csv')\n"
        ),
        Valid(
            "import pandas as pd\npath = 'a.csv'\ndf = pd.read_csv(path)\n"
            "path = 'b.csv'  # rebound before the write\ndf.to_csv(path)\n"
        ),
        Valid(
            "import pandas as pd\ndef clean(src, dst):\n    df = pd.read_csv(src)\n"
            "    df.to_csv(dst)\n"
        ),
        Valid("with open('notes.txt') as f:\n    text = f.read()\nprint(text)\n"),
        Valid("import numpy as np\nx = np.load('a.npy')\nnp.save('b.npy', x * 2)\n"),
        Valid(
            "import pandas as pd\nsrc = pick_input()\ndf = pd.read_csv(src)\n"
            "src = pick_output()  # a new value, not the input any more\ndf.to_csv(src)\n"
        ),
        Valid(
            "import pandas as pd\ndef load():\n    return pd.read_csv('a.csv')\n"
            "def save(df):\n    df.to_csv('a.csv')  # another function: not the same flow\n"
        ),
    )
    invalid = (
        Invalid(
            """
            import pandas as pd
            df = pd.read_csv("data/customers.csv")
            df.to_csv("data/customers.csv", index=False)
            """,
            line=3,
            column=1,
        ),
        Invalid("""
            import pandas as pd
            def clean(path):
                df = pd.read_csv(path)
                df.dropna().to_parquet(path)
            """),
        Invalid("""
            from pathlib import Path
            import numpy as np
            DATA = Path("data")
            x = np.load(DATA / "x.npy")
            np.save(DATA / "x.npy", x - x.mean())
            """),
        Invalid("""
            from PIL import Image
            def fix(p):
                img = Image.open(p)
                img.rotate(90).save(p)
            """),
        Invalid("""
            from pathlib import Path
            p = Path("config.json")
            text = p.read_text()
            p.write_text(text.replace("a", "b"))
            """),
        Invalid("""
            import os
            import pandas as pd
            src = "exports/latest.csv"
            frame = pd.read_csv(src)
            os.remove(src)
            """),
        Invalid("""
            with open("labels.txt") as f:
                labels = f.read().split()
            with open("labels.txt", "w") as f:
                f.write("\\n".join(sorted(labels)))
            """),
    )


class RawDataWrite(_FileTracker):
    """Writing, moving or deleting files in a raw-data folder.

    ## What it does
    Flags writes, moves and deletes whose target lies in a raw-data folder: the
    project's `raw-data-dirs` setting (default `data/raw` and any folder named
    `raw`). Paths are resolved as far as the code allows: literals, f-strings with
    literal parts, `Path(...) / "x"`, `os.path.join(...)`, module constants
    (`RAW_DIR = DATA / "raw"`), `.with_suffix(...)`, `.parent`. Reading from raw
    data is fine, and so is writing to `interim/`, `processed/` or `models/`.

    ## Why is this bad?
    Raw data is the one thing an ML project cannot regenerate. Once it is changed
    in place, no experiment can be reproduced from the data it really started from.

    ## Example
    ```python
    import shutil

    shutil.move("data/raw/2024.csv", "archive/2024.csv")
    df.to_csv("data/raw/customers_clean.csv")
    ```

    ## Use instead
    ```python
    df.to_csv("data/processed/customers_clean.csv")
    ```
    and version raw data with DVC or git-lfs instead of moving it around.
    """

    code = "MLD202"
    name = "raw-data-write"
    category = "raw-data-overwrite"
    message = "changes a file in a raw-data folder"
    triggers = ("raw",)

    def trigger_words(self, raw_data_dirs: Sequence[str]) -> tuple[str, ...]:
        """A file must mention one of the raw-data folders' names to be parsed."""
        names = {
            name
            for name in (p.strip("!/").rsplit("/", 1)[-1] for p in raw_data_dirs)
            if name and not set(name) & set("*?[")
        }
        return tuple(sorted(names | set(self.triggers)))

    def check(self, node: cst.Call, op: FileOp, was_read: bool) -> None:
        if op.action == "reads":
            return
        path = static_path(self.ctx, op.target)
        if path is None or not under_raw(self.ctx, path):
            return
        self.report(
            node,
            f"{op.action} {_shown(self.ctx, op)} in a raw-data folder (raw-data-dirs)",
        )

    valid = (
        Valid("import pandas as pd\ndf = pd.read_csv('data/raw/customers.csv')\n"),
        Valid("import pandas as pd\ndf.to_csv('data/processed/customers.csv')\n"),
        Valid("import shutil\nshutil.copy('data/raw/a.csv', 'data/interim/a.csv')\n"),
        Valid(
            "import numpy as np\nnp.save('models/raw_scores.npy', x)  # 'raw' only in a name\n"
        ),
        Valid("with open('data/raw/a.csv') as f:\n    rows = f.readlines()\n"),
        Valid("import os\nos.remove('tmp/rawness.txt')\n"),
    )
    invalid = (
        Invalid(
            "import pandas as pd\ndf.to_csv('data/raw/customers_clean.csv')\n",
            line=2,
            column=1,
        ),
        Invalid(
            """
            import os
            import shutil
            RAW_DIR = os.path.join("data", "raw")
            os.remove(os.path.join(RAW_DIR, "old.csv"))
            shutil.move(os.path.join(RAW_DIR, "new.csv"), "archive/")
            """,
            count=2,
        ),
        Invalid("""
            from pathlib import Path
            DATA = Path("data")
            RAW = DATA / "raw"
            (RAW / "images.zip").unlink()
            """),
        Invalid("import numpy as np\nnp.save(f'data/raw/{name}.npy', arr)\n"),
        Invalid("with open('datasets/raw/labels.csv', 'w') as f:\n    f.write('')\n"),
        Invalid(
            "import shutil\nshutil.copy('downloads/a.csv', 'data/raw/a.csv')  # overwrites raw\n"
        ),
        Invalid("import shutil\nshutil.rmtree('data/raw')\n"),
    )


class RawOpenedWritable(_FileTracker):
    """Opening input data for in-place changes.

    ## What it does
    Flags files opened to be changed in place — `open(p, "r+")`, `open(p, "a")`,
    `h5py.File(p, "a")`, `np.memmap(p)` (whose default mode is `r+`),
    `pd.HDFStore(p)` (default `a`) — when `p` is a file the code read as input, or
    lies in a raw-data folder. Kept apart from MLD201/MLD202 so teams can choose.

    ## Why is this bad?
    In-place changes mix the raw input with derived results in one file: the
    original cannot be recovered, and a crash halfway leaves a file that is
    neither.

    ## Example
    ```python
    import h5py

    with h5py.File("data/raw/scans.h5", "a") as f:
        f["normalized"] = normalize(f["raw"][:])
    ```

    ## Use instead
    ```python
    with h5py.File("data/raw/scans.h5", "r") as src, h5py.File(
        "data/processed/scans.h5", "w"
    ) as dst:
        dst["normalized"] = normalize(src["raw"][:])
    ```
    """

    code = "MLD203"
    name = "raw-opened-writable"
    category = "raw-data-overwrite"
    message = "opens input data to change it in place"
    triggers = ("open(", "File(", "memmap", "HDFStore")

    def check(self, node: cst.Call, op: FileOp, was_read: bool) -> None:
        if op.action != "opens in place":
            return
        path = static_path(self.ctx, op.target)
        raw = path is not None and under_raw(self.ctx, path)
        if raw or was_read:
            where = "in a raw-data folder" if raw else "that this code read as input"
            self.report(
                node, f"opens {_shown(self.ctx, op)} {where} to change it in place"
            )

    valid = (
        Valid(
            "import h5py\nf = h5py.File('data/raw/scans.h5')  # default mode: read\n"
        ),
        Valid("import h5py\nf = h5py.File('data/processed/scans.h5', 'a')\n"),
        Valid("log = open('logs/train.log', 'a')\n"),
        Valid("import numpy as np\nm = np.memmap('data/raw/x.dat', mode='r')\n"),
        Valid("with open('data/raw/a.csv', 'r') as f:\n    rows = f.read()\n"),
        Valid("import pandas as pd\nstore = pd.HDFStore('cache/features.h5')\n"),
    )
    invalid = (
        Invalid(
            "import h5py\nf = h5py.File('data/raw/scans.h5', 'a')\n", line=2, column=5
        ),
        Invalid("f = open('data/raw/labels.csv', 'r+')\n"),
        Invalid(
            "import numpy as np\nm = np.memmap('data/raw/x.dat', dtype='float32')\n"
        ),
        Invalid("import pandas as pd\nstore = pd.HDFStore('data/raw/store.h5')\n"),
        Invalid("""
            import pandas as pd
            def append_rows(path, rows):
                old = pd.read_csv(path)
                with open(path, "a") as handle:
                    handle.write(rows)
            """),
        Invalid(
            "import h5py\nwith h5py.File('raw/scans.h5', mode='r+') as f:\n    pass\n"
        ),
    )
