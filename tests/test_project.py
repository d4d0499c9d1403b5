"""Library modules are judged by the programs of the project that import them."""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Callable
from pathlib import Path

from mldebt.engine.cache_files import read_regular_file
from mldebt.engine.project import (
    MAX_SOURCE_BYTES,
    FactScanner,
    ProjectIndex,
    module_names,
    scan_module,
)
from mldebt.rules.unseeded_randomness._project_functions import SEEDED_FUNCTIONS
from mldebt.rules.unseeded_randomness._project_seeds import SEED_CALLS

from .conftest import CliResult, run_mldebt_child

Run = Callable[..., CliResult]
Project = Callable[..., Path]

LIB = (
    "import numpy as np\n\n\ndef jitter(x):\n    return x + np.random.normal(size=3)\n"
)


def codes(result: CliResult) -> list[tuple[str, str]]:
    return [(finding["path"], finding["code"]) for finding in json.loads(result.out)]


def test_module_names_cover_src_layouts() -> None:
    assert module_names("src/churn/features.py") == (
        "src.churn.features",
        "churn.features",
        "features",
    )
    assert module_names("pkg/__init__.py") == ("pkg",)


def test_scan_finds_imports_seeds_and_main_guard() -> None:
    text = (
        "import numpy as np, torch\n"
        "from .utils import (\n    helpers,\n    seed_all as seed_everything,\n)\n"
        "from churn import features\n"
        "np.random.seed(SEED)\n"
        "torch.manual_seed(None)  # not a seed\n"
        "seed_everything(3)\n"
        "if __name__ == '__main__':\n    main()\n"
    )
    info = scan_module("src/churn/train.py", text, [SEED_CALLS])
    assert info.has_main_guard
    assert {"numpy", "torch", "churn.features", "src.churn.utils"} <= set(info.imports)
    assert info.fact(SEED_CALLS) == ("numpy.random.seed", "src.churn.utils.seed_all")


def test_the_index_records_each_familys_facts_and_rebuilds_when_they_change(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.py").write_text("import torch\ntorch.manual_seed(1)\n")
    words = FactScanner(
        "words",
        1,
        "unseeded-randomness",
        lambda text, aliases, _: tuple(sorted(aliases)),
    )
    index = ProjectIndex.build(str(tmp_path), [SEED_CALLS, words])
    assert index.modules["a.py"].fact(SEED_CALLS) == ("torch.manual_seed",)
    assert index.modules["a.py"].fact(words) == ("torch",)
    # the cached index is not reused for another set of scanners
    counted = FactScanner(
        "words", 2, "unseeded-randomness", lambda text, aliases, _: (str(len(text)),)
    )
    again = ProjectIndex.build(str(tmp_path), [counted])
    assert again.modules["a.py"].fact(counted) == ("34",)
    assert again.modules["a.py"].fact(SEED_CALLS) == ()


def test_a_seeding_program_pins_the_library(run_cli: Run, project: Project) -> None:
    project(
        src__pkg__noise_py=LIB,
        src__pkg__model_py="from pkg.noise import jitter\n",
        scripts__train_py="import numpy as np\nfrom pkg import model\n\n"
        "if __name__ == '__main__':\n    np.random.seed(7)\n",
    )
    # pre-commit passes only the changed library file: the index reads the rest
    assert codes(run_cli("check", "--output-format", "json", "src/pkg/noise.py")) == []


def test_library_flagged_when_no_importing_program_seeds(
    run_cli: Run, project: Project
) -> None:
    root = project(
        lib_py=LIB,
        train_py="import torch\nimport lib\n\nif __name__ == '__main__':\n"
        "    torch.manual_seed(7)  # seeds torch, not numpy\n",
    )
    result = run_cli("check", "--output-format", "json", "lib.py")
    assert codes(result) == [("lib.py", "MLD101")]
    assert "`train.py`, a program importing this module, never seeds" in result.out
    # a library gets no fix: a seed there would be an import-time side effect
    assert [finding["fix"] for finding in json.loads(result.out)] == [None]
    assert (root / ".mldebt_cache" / "project-index.json").is_file()
    assert (root / ".mldebt_cache" / ".gitignore").read_text().endswith("*\n")


def test_a_library_no_program_of_the_project_runs_is_not_judged(
    run_cli: Run, project: Project
) -> None:
    # its users' programs, outside this project, are the ones that must seed
    root = project(lib_py=LIB, tests__test_lib_py="import lib\n\nlib.jitter(1)\n")
    assert codes(run_cli("check", "--output-format", "json")) == []
    # unless the project says to judge every module on its own
    (root / "pyproject.toml").write_text(
        "[tool.mldebt.unseeded-randomness]\ncheck-library-modules = true\n"
    )
    assert codes(run_cli("check", "--output-format", "json")) == [("lib.py", "MLD101")]


def test_a_seeding_notebook_pins_the_library_it_imports(
    run_cli: Run, project: Project
) -> None:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Train"]},
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": 1,
            "outputs": [],
            "source": ["%pip install numpy\n", "import numpy as np\n", "import lib\n"],
        },
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": 2,
            "outputs": [],
            "source": ["np.random.seed(0)\n", "lib.jitter(1)\n"],
        },
    ]
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    unseeded = json.loads(json.dumps(notebook))
    unseeded["cells"][2]["source"] = ["lib.jitter(1)\n"]
    project(lib_py=LIB, notebooks__train_ipynb=json.dumps(unseeded))
    result = run_cli("check", "--output-format", "json", "--select", "MLD101", "lib.py")
    assert codes(result) == [("lib.py", "MLD101")]
    assert "`notebooks/train.ipynb`, a program importing this module" in result.out
    project(notebooks__train_ipynb=json.dumps(notebook))
    result = run_cli("check", "--output-format", "json", "--select", "MLD101", "lib.py")
    assert codes(result) == []


def test_a_helper_is_credited_with_what_its_body_seeds(
    run_cli: Run, project: Project
) -> None:
    project(
        lib_py=LIB,
        utils_py="import torch\n\n\ndef set_seed(seed):\n    torch.manual_seed(seed)\n",
        train_py="import lib\nfrom utils import set_seed\n\n"
        "if __name__ == '__main__':\n    set_seed(0)\n    lib.jitter(1)\n",
    )
    # the helper seeds torch only: numpy, which lib.py draws from, stays unseeded
    result = run_cli("check", "--output-format", "json", "lib.py")
    assert codes(result) == [("lib.py", "MLD101")]
    project(
        utils_py="import numpy as np\n\n\ndef set_seed(seed):\n    np.random.seed(seed)\n"
    )
    assert codes(run_cli("check", "--output-format", "json", "lib.py")) == []


def test_a_demo_main_block_is_not_a_program(run_cli: Run, project: Project) -> None:
    project(
        model_py="import torch\n\n\nclass Net(torch.nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n"
        "        self.w = torch.nn.Parameter(torch.randn(3))\n\n\n"
        "if __name__ == '__main__':\n    print(Net()(torch.randn(1, 3)).shape)\n",
        train_py="import torch\nfrom model import Net\n\n"
        "if __name__ == '__main__':\n    torch.manual_seed(0)\n    Net()\n",
    )
    # the demo's own draw is a demo; the class's draw is pinned by train.py
    assert codes(run_cli("check", "--output-format", "json", "model.py")) == []


def test_index_cache_is_refreshed_and_optional(run_cli: Run, project: Project) -> None:
    root = project(
        lib_py=LIB, train_py="import lib\n\nif __name__ == '__main__':\n    pass\n"
    )
    assert len(codes(run_cli("check", "--output-format", "json"))) == 1
    (root / "train.py").write_text(
        "import numpy as np\nimport lib\n\nif __name__ == '__main__':\n"
        "    np.random.seed(3)\n"
    )
    assert codes(run_cli("check", "--output-format", "json")) == []
    index = ProjectIndex.build(str(root))
    assert [info.path for info in index.importers(str(root / "lib.py"))] == ["train.py"]


def test_no_cache_writes_nothing(run_cli: Run, project: Project) -> None:
    root = project(lib_py=LIB)
    run_cli("check", "--no-cache")
    assert not (root / ".mldebt_cache").exists()


def test_index_ignores_commented_and_nondeterministic_seeds() -> None:
    text = (
        "import numpy as np, time\n"
        "# np.random.seed(42)  # TODO: re-enable\n"
        "np.random.seed(int(time.time()))\n"
        "np.random.seed(None)\n"
        "from utils import seed_everything\n"
        "seed_everything()  # the helper's default seed\n"
    )
    info = scan_module("train.py", text, [SEED_CALLS])
    assert info.fact(SEED_CALLS) == ("utils.seed_everything()",)


def test_index_sees_a_same_size_edit_with_the_mtime_put_back(tmp_path: Path) -> None:
    program = tmp_path / "train.py"
    program.write_text("import torch\ntorch.manual_seed(1)\n")
    before = program.stat()
    assert ProjectIndex.build(str(tmp_path), [SEED_CALLS]).modules["train.py"].fact(
        SEED_CALLS
    ) == ("torch.manual_seed",)
    # as `touch -r`, tar or `rsync -t` leave it: same size, same mtime
    program.write_text("import torch\ntorch.manual_xxxx(1)\n")
    os.utime(program, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert program.stat().st_size == before.st_size
    index = ProjectIndex.build(str(tmp_path), [SEED_CALLS])
    assert index.modules["train.py"].fact(SEED_CALLS) == ()


def test_index_reads_only_bounded_regular_files(tmp_path: Path) -> None:
    (tmp_path / "lib.py").write_text("x = 1\n")
    os.mkfifo(tmp_path / "pipe.py")  # opening it for reading would block forever
    (tmp_path / "zeros.py").symlink_to("/dev/zero")  # reading it never ends
    (tmp_path / "huge.py").write_bytes(b"#" * (MAX_SOURCE_BYTES + 1))
    assert read_regular_file(str(tmp_path / "pipe.py"), MAX_SOURCE_BYTES) is None
    assert read_regular_file(str(tmp_path / "zeros.py"), MAX_SOURCE_BYTES) is None
    assert read_regular_file(str(tmp_path / "huge.py"), MAX_SOURCE_BYTES) is None
    assert read_regular_file(str(tmp_path / "lib.py"), MAX_SOURCE_BYTES) == b"x = 1\n"
    assert sorted(ProjectIndex.build(str(tmp_path)).modules) == ["lib.py"]


def test_checking_one_file_beside_a_fifo_and_a_device_link_finishes(
    tmp_path: Path,
) -> None:
    # `mkfifo pipe.py; mldebt check lib.py` used to hang in the project index
    (tmp_path / "lib.py").write_text(LIB)
    (tmp_path / "train.py").write_text(
        "import lib\n\nif __name__ == '__main__':\n    main()\n"
    )
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "zeros.py").symlink_to("/dev/zero")
    completed = run_mldebt_child(tmp_path, "lib.py", "--output-format", "json")
    assert completed.returncode == 1, completed.stderr
    assert [f["code"] for f in json.loads(completed.stdout)] == ["MLD101"]


def test_the_familys_seed_functions_reach_the_project_index(
    run_cli: Run, project: Project
) -> None:
    # a helper not named like a seeder, declared once for the whole family
    project(
        lib_py=LIB,
        utils_py="import numpy as np\n\n\ndef init_rng(n):\n    np.random.seed(n)\n",
        train_py="import lib\nfrom utils import init_rng\n\n"
        "if __name__ == '__main__':\n    init_rng(0)\n",
    )
    assert codes(run_cli("check", "--output-format", "json", "lib.py")) == [
        ("lib.py", "MLD101")
    ]
    project(
        pyproject_toml='[tool.mldebt.unseeded-randomness]\nseed-functions = ["utils.init_rng"]\n'
    )
    assert codes(run_cli("check", "--output-format", "json", "lib.py")) == []


def test_layer_constructions_share_one_finding_that_counts_them(
    run_cli: Run, project: Project
) -> None:
    project(
        model_py="import torch\nfrom torch import nn\n\n"
        "if __name__ == '__main__':\n"
        "    enc = nn.Linear(8, 16)\n    drop = nn.Dropout(0.1)\n"
        "    head = nn.Linear(16, 1)\n    x = torch.randn(4, 8)\n"
    )
    result = run_cli("check", "--output-format", "json")
    findings = json.loads(result.out)
    assert [(f["line"], f["code"]) for f in findings] == [(5, "MLD101"), (8, "MLD101")]
    assert findings[0]["message"].startswith(
        "`torch.nn.Linear` and 2 more layers in this file initialise their weights "
        "at random from torch's global RNG, which this program never seeds"
    )
    assert findings[1]["message"].startswith("`torch.randn` draws from")


SPLITS = """
    import numpy as np
    from sklearn.model_selection import train_test_split


    def make_split(X, y, test_size=0.2, random_state=None):
        return train_test_split(X, y, test_size=test_size, random_state=random_state)


    def noisy(x, *, seed: int | None = None):
        return x + np.random.default_rng(seed).normal(size=3)


    def load(path, seed=None):
        return path
    """


def test_the_index_records_functions_that_mirror_seeded_apis() -> None:
    info = scan_module("src/pkg/splits.py", textwrap.dedent(SPLITS), [SEEDED_FUNCTIONS])
    assert info.fact(SEEDED_FUNCTIONS) == ("make_split:random_state:3", "noisy:seed:")


def test_a_seeded_project_function_is_judged_where_another_file_calls_it(
    run_cli: Run, project: Project
) -> None:
    project(
        src__pkg__splits_py=SPLITS,
        # (a caller is checked when it names numpy, torch or random, as ML code
        # does: MLD104's pre-filter does not parse every file that imports)
        src__pkg__cli_py="import numpy as np\nfrom .splits import noisy\n\ndef main(x):\n"
        "    return noisy(x)\n",
        scripts__train_py="import numpy as np\nfrom pkg.splits import load, make_split\n"
        "if __name__ == '__main__':\n"
        "    parts = make_split(X, y)\n"
        "    pinned = make_split(X, y, 0.2, 7)\n"
        "    data = load('a.csv')\n",
    )
    # pre-commit passes only the callers: the index reads the helpers' file
    result = run_cli(
        "check", "--output-format", "json", "scripts/train.py", "src/pkg/cli.py"
    )
    findings = json.loads(result.out)
    # cli.py is a library no program of the project runs: not judged
    assert [(f["path"], f["code"], f["line"]) for f in findings] == [
        ("scripts/train.py", "MLD104", 4),
    ]
    assert "`pkg.splits.make_split` is random and gets no `random_state`" in result.out
