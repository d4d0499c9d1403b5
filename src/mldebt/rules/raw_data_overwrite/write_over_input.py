"""MLD201 write-over-input: writing over the file the code read its input from."""

from __future__ import annotations

import libcst as cst

from mldebt.engine.rule import Invalid, Valid
from mldebt.rules.raw_data_overwrite._file_ops import FileOp, FileTracker, shown


class WriteOverInput(FileTracker):
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
                f"{op.action} {shown(self.ctx, op)}, the file this code read as "
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
