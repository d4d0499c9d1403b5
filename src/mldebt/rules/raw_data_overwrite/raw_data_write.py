"""MLD202 raw-data-write: writing, moving or deleting files in a raw-data folder."""

from __future__ import annotations

import libcst as cst

from mldebt.engine.rule import Invalid, Valid
from mldebt.rules.raw_data_overwrite._file_ops import (
    FileOp,
    FileTracker,
    shown,
    static_path,
    under_raw,
)


class RawDataWrite(FileTracker):
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

    def trigger_words(self) -> tuple[str, ...]:
        """A file must mention one of the raw-data folders' names to be parsed."""
        folders: list[str] = self.option("raw-data-dirs")
        names = {
            name
            for name in (p.strip("!/").rsplit("/", 1)[-1] for p in folders)
            if name and not set(name) & set("*?[")
        }
        return tuple(sorted(names | set(self.triggers)))

    def check(self, node: cst.Call, op: FileOp, was_read: bool) -> None:
        if op.action == "reads":
            return
        path = static_path(self.ctx, op.target)
        if path is None or not under_raw(self.option("raw-data-dirs"), path):
            return
        self.report(
            node,
            f"{op.action} {shown(self.ctx, op)} in a raw-data folder (raw-data-dirs)",
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
