"""The result cache: unchanged files are not linted again, anything a result
depends on invalidates it, ``--no-cache`` and ``mldebt clean``; the progress line."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from mldebt.engine import runner
from mldebt.engine.linter import Linter

from .conftest import UNSEEDED, CliResult, run_mldebt_child

Run = Callable[..., CliResult]
Project = Callable[..., Path]

LIB = (
    "import numpy as np\n\n\ndef jitter(x):\n    return x + np.random.normal(size=3)\n"
)


@pytest.fixture
def linted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the linter really checks (cache misses), in order."""
    seen: list[str] = []
    original = Linter.check_file

    def spy(self: Linter, path: str, *args: object) -> object:
        seen.append(Path(path).name)
        return original(self, path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Linter, "check_file", spy)
    return seen


def findings(result: CliResult) -> list[tuple[str, str, int]]:
    return [(f["path"], f["code"], f["line"]) for f in json.loads(result.out)]


def test_a_second_run_reuses_the_results(
    run_cli: Run, project: Project, linted: list[str]
) -> None:
    project(a_py=UNSEEDED, b_py="x = 1\n", c_py="import pandas as pd\n")
    first = run_cli("check", "--output-format", "json", ".")
    assert sorted(linted) == ["a.py", "b.py", "c.py"]
    linted.clear()
    second = run_cli("check", "--output-format", "json", ".")
    assert linted == []
    assert second.out == first.out and second.code == first.code == 1
    assert (Path(".mldebt_cache") / ".gitignore").read_text().endswith("*\n")


def test_fixes_and_text_output_survive_the_cache(
    run_cli: Run, project: Project, linted: list[str]
) -> None:
    project(train_py="import torch\nopt = torch.optim.SGD(p, lr=0.1)\n")
    first = run_cli("check", "train.py")
    second = run_cli("check", "train.py")
    assert linted == ["train.py"]
    assert second.out == first.out and "[*]" in second.out
    assert run_cli("check", "--fix", "train.py").code == 0
    assert "LR = 0.1" in Path("train.py").read_text()


def test_changed_bytes_and_changed_settings_are_linted_again(
    run_cli: Run, project: Project, linted: list[str]
) -> None:
    project(a_py=UNSEEDED)
    run_cli("check", ".")
    Path("a.py").write_text(UNSEEDED + "y = 2\n")
    assert run_cli("check", ".").code == 1
    assert run_cli("check", "--select", "MLD3", ".").code == 0
    Path("pyproject.toml").write_text('[tool.mldebt]\nignore = ["MLD101"]\n')
    assert run_cli("check", ".").code == 0
    assert linted == ["a.py", "a.py", "a.py", "a.py"]


def test_a_result_that_asked_the_project_index_follows_the_other_files(
    run_cli: Run, project: Project, linted: list[str]
) -> None:
    project(
        pkg__noise_py=LIB,
        run_py="from pkg import noise\n\nif __name__ == '__main__':\n    noise.main()\n",
    )
    assert findings(run_cli("check", "--output-format", "json", "pkg/noise.py")) == [
        ("pkg/noise.py", "MLD101", 5)
    ]
    # a program that imports the library and seeds numpy now pins it
    (Path("run.py")).unlink()
    project(
        train_py="import numpy as np\nfrom pkg import noise\n\n"
        "if __name__ == '__main__':\n    np.random.seed(7)\n"
    )
    assert findings(run_cli("check", "--output-format", "json", "pkg/noise.py")) == []
    assert findings(run_cli("check", "--output-format", "json", "pkg/noise.py")) == []
    assert linted == ["noise.py", "noise.py"]


def test_no_cache_and_clean(run_cli: Run, project: Project, linted: list[str]) -> None:
    project(a_py=UNSEEDED)
    run_cli("check", "--no-cache", ".")
    run_cli("check", "--no-cache", ".")
    assert linted == ["a.py", "a.py"]
    assert not Path(".mldebt_cache").exists()
    run_cli("check", ".")
    assert Path(".mldebt_cache").is_dir()
    result = run_cli("clean")
    assert result.code == 0 and "Removed" in result.err
    assert not Path(".mldebt_cache").exists()
    assert run_cli("clean", "missing-folder").code == 2


def test_a_corrupt_cache_is_ignored(
    run_cli: Run, project: Project, linted: list[str]
) -> None:
    project(a_py=UNSEEDED)
    run_cli("check", ".")
    for cache_file in Path(".mldebt_cache").glob("results-*.json"):
        cache_file.write_text("{not json")
    assert run_cli("check", ".").code == 1
    assert linted == ["a.py", "a.py"]


def test_progress_line_is_drawn_and_erased(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter([0.0, 1.0, 2.0, 3.0])
    monkeypatch.setattr(runner.time, "monotonic", lambda: next(clock))
    stream = io.StringIO()
    progress = runner.Progress(stream, 3)
    progress.advance()
    progress.advance(2)
    progress.finish()
    assert stream.getvalue() == ("\r[mldebt] 1/3 files\r[mldebt] 3/3 files\r\033[K")


def test_no_progress_line_when_stderr_is_not_a_terminal(
    run_cli: Run, project: Project
) -> None:
    project(**{f"m{i}_py": UNSEEDED for i in range(20)})
    result = run_cli("check", "--exit-zero", ".")
    assert "[mldebt]" not in result.err


STARTUP_PROBE = """
import sys
from mldebt.cli import main
code = main(["check", *sys.argv[1:]])
# libcst, the linter, and any rule module (the category packages' light
# __init__ and their fact scanners do not count)
heavy = sorted(
    name for name in sys.modules
    if name == "libcst" or name.startswith("libcst.")
    or name in ("mldebt.engine.linter", "mldebt.engine.rule")
    or (name.startswith("mldebt.rules.") and name.count(".") == 3
        and not name.rsplit(".", 1)[1].startswith("_"))
)
print(code, heavy)
"""


def _probe(folder: Path, *args: str) -> str:
    completed = subprocess.run(
        [sys.executable, "-c", STARTUP_PROBE, *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.splitlines()[-1]


def test_a_run_of_cache_hits_imports_neither_libcst_nor_the_rules(
    project: Project,
) -> None:
    root = project(
        train_py="import numpy as np\nx = np.random.rand(3)\n",
        lib_py="import numpy as np\ndef f():\n    return np.random.rand(3)\n",
        clean_py="x = 1\n",
    )
    files = ("train.py", "lib.py", "clean.py")
    first = _probe(root, *files)
    assert first.startswith("1 [") and "'libcst'" in first
    # every file unchanged: the findings come from the cache, the project index
    # (lib.py is judged by its importers) from the rule catalog's fact scanners
    assert _probe(root, *files) == "1 []"
    # a changed file is linted: the rules are imported again
    (root / "clean.py").write_text("y = 2\n")
    assert "'libcst'" in _probe(root, *files)


@pytest.mark.parametrize(
    "content",
    [
        '{"format": 1}',
        '{"format": 1, "files": []}',
        '{"format": 1, "files": {"train.py": 7}}',
        '{"format": 1, "files": {"train.py": {"sha": null, "findings": 3}}}',
        "[1, 2]",
        "not json",
    ],
)
def test_a_damaged_results_cache_is_ignored_and_rebuilt(
    run_cli: Run, project: Project, content: str
) -> None:
    root = project(train_py=UNSEEDED)
    assert run_cli("check").code == 1
    (cache_file,) = (root / ".mldebt_cache").glob("results-*.json")
    cache_file.write_text(content)
    result = run_cli("check")
    assert result.code == 1 and "MLD101" in result.out and result.err == ""
    data = json.loads(cache_file.read_text())
    assert list(data["files"]) == ["train.py"]  # rebuilt
    assert run_cli("check").code == 1


def test_a_fifo_in_the_cache_folder_is_not_read(project: Project) -> None:
    root = project(
        train_py="import lib\n" + UNSEEDED,
        lib_py="import numpy as np\ndef f():\n    return np.random.rand()\n",
    )
    folder = root / ".mldebt_cache"
    folder.mkdir()
    os.mkfifo(folder / "project-index.json")
    completed = run_mldebt_child(root, "lib.py")
    assert completed.returncode == 1 and "MLD101" in completed.stdout


def test_a_file_saved_while_it_is_linted_is_cached_under_what_was_linted(
    run_cli: Run, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project(a_py=UNSEEDED)
    original = Linter.check_file

    def save_first(self: Linter, path: str, *args: object) -> object:
        # an editor saves between the cache lookup's digest and the linter's read
        Path(path).write_text("x = 1\n")
        return original(self, path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Linter, "check_file", save_first)
    assert findings(run_cli("check", "--output-format", "json", ".")) == []
    monkeypatch.setattr(Linter, "check_file", original)
    Path("a.py").write_text(UNSEEDED)  # reverted: the cached clean result is not its
    reverted = run_cli("check", "--output-format", "json", ".")
    assert findings(reverted) == [("a.py", "MLD101", 2)]
