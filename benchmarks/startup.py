"""Start-up cost of ``mldebt check`` on unchanged files, the per-commit case.

Builds a throwaway git repository with five small ML modules, then times (median
of ``--repeat`` runs, after one warm-up):

- ``python -c pass``: the interpreter's own floor;
- ``python -c "import libcst"``: what a run that parses anything pays on top;
- ``mldebt check FILE --no-cache``: one file, linted;
- ``mldebt check FILE``: one unchanged file, answered from the result cache
  (no libcst, no rule imported);
- ``pre-commit run`` of a hook that runs ``true``: pre-commit's own floor, on the
  five files;
- ``pre-commit run`` of the mldebt hook on the five unchanged files.

The hooks are ``language: system`` entries of this interpreter, so pre-commit builds
no environment. Prints a table and the goal's ratio: the warm one-file run over
``python -c pass`` plus pre-commit's overhead (the floor minus ``python -c pass``).
It asserts nothing.

    python benchmarks/startup.py --repeat 15
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODULES = {
    "train.py": (
        "import numpy as np\nimport pandas as pd\n\n\n"
        "def main():\n    df = pd.read_csv('data/processed/train.csv')\n"
        "    return df.sample(frac=0.5, random_state=0), np.arange(3)\n\n\n"
        "if __name__ == '__main__':\n    main()\n"
    ),
    "features.py": "FEATURES = ['age', 'income']\n\n\ndef select(df):\n"
    "    return df[FEATURES]\n",
    "model.py": "from sklearn.linear_model import LogisticRegression\n\n\n"
    "def build(c):\n    return LogisticRegression(C=c)\n",
    "evaluate.py": "def accuracy(y, p):\n    return (y == p).mean()\n",
    "utils.py": "import random\n\n\ndef seed_all(seed):\n    random.seed(seed)\n",
}


def median_seconds(command: list[str], cwd: Path, repeat: int) -> float:
    """The median wall time of ``command`` over ``repeat`` runs (one warm-up,
    which must exit 0 or 1: findings are fine, an error is not)."""
    warm_up = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, check=False
    )
    if warm_up.returncode not in (0, 1):
        raise SystemExit(f"{command}: exit {warm_up.returncode}\n{warm_up.stdout}")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def make_repository(folder: Path) -> None:
    """Five modules, committed, and a pre-commit config with two local hooks."""
    for name, text in MODULES.items():
        (folder / name).write_text(text, encoding="utf-8")
    python = sys.executable
    (folder / ".pre-commit-config.yaml").write_text(
        "repos:\n  - repo: local\n    hooks:\n"
        "      - id: floor\n        name: floor\n        entry: 'true'\n"
        "        language: system\n        types: [python]\n"
        f"      - id: mldebt\n        name: mldebt\n        entry: {python} -m mldebt check\n"
        "        language: system\n        types: [python]\n",
        encoding="utf-8",
    )
    environment = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull}
    for command in (
        ["git", "init", "-q"],
        ["git", "add", "-A"],
        [
            "git",
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@example.invalid",
            "commit",
            "-qm",
            "init",
        ],
    ):
        subprocess.run(command, cwd=folder, check=True, env=environment)


def main() -> int:
    """Time each row and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=11)
    args = parser.parse_args()
    pre_commit = shutil.which("pre-commit") or str(
        Path(sys.executable).with_name("pre-commit")
    )
    python = sys.executable
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        make_repository(folder)
        files = sorted(MODULES)
        rows = [
            ("python -c pass", [python, "-c", "pass"]),
            ('python -c "import libcst"', [python, "-c", "import libcst"]),
            (
                "mldebt check train.py --no-cache",
                [python, "-m", "mldebt", "check", "train.py", "--no-cache"],
            ),
            (
                "mldebt check train.py (unchanged, cached)",
                [python, "-m", "mldebt", "check", "train.py"],
            ),
            (
                "pre-commit run floor (entry: true), 5 files",
                [pre_commit, "run", "floor", "--files", *files],
            ),
            (
                "pre-commit run mldebt, 5 unchanged files",
                [pre_commit, "run", "mldebt", "--files", *files],
            ),
        ]
        results = {}
        print(f"{'what':<46} {'median s':>9}")
        for label, command in rows:
            results[label] = median_seconds(command, folder, args.repeat)
            print(f"{label:<46} {results[label]:>9.3f}")
    python_floor = results["python -c pass"]
    pre_commit_overhead = (
        results["pre-commit run floor (entry: true), 5 files"] - python_floor
    )
    warm = results["mldebt check train.py (unchanged, cached)"]
    goal = 2 * (python_floor + pre_commit_overhead)
    print()
    print(
        f"warm one-file run {warm:.3f} s vs goal 2 x (python -c pass "
        f"{python_floor:.3f} s + pre-commit overhead {pre_commit_overhead:.3f} s) = "
        f"{goal:.3f} s: {'met' if warm <= goal else 'NOT met'} "
        f"({warm / (python_floor + pre_commit_overhead):.2f}x)"
    )
    hook = results["pre-commit run mldebt, 5 unchanged files"]
    floor = results["pre-commit run floor (entry: true), 5 files"]
    print(f"the mldebt hook adds {hook - floor:.3f} s to pre-commit's floor")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
