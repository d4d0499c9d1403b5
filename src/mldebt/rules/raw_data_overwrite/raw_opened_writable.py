"""MLD203 raw-opened-writable: opening input data for in-place changes."""

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


class RawOpenedWritable(FileTracker):
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
        raw = path is not None and under_raw(self.option("raw-data-dirs"), path)
        if raw or was_read:
            where = "in a raw-data folder" if raw else "that this code read as input"
            self.report(
                node, f"opens {shown(self.ctx, op)} {where} to change it in place"
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
