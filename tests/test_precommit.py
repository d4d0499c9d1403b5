"""End to end: real git, real pre-commit, this checkout as the hook repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[1]
GIT = shutil.which("git")

pytestmark = pytest.mark.skipif(GIT is None, reason="git is not installed")


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module: the hook env is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def make_repo(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "ml-project"
    repo.mkdir()
    git(repo, "init", "-q")
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    return repo


def run_pre_commit(
    repo: Path, home: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


UNSEEDED = "import numpy as np\n\nx = np.random.rand(3)\n"


def test_try_repo_reports_the_finding_and_fails(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    repo = make_repo(tmp_path, {"train.py": UNSEEDED, "clean.py": "x = 1\n"})
    result = run_pre_commit(
        repo, pre_commit_home, "try-repo", str(CHECKOUT), "mldebt", "--all-files"
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert (
        "train.py:3:5: MLD101 `numpy.random.rand` draws from numpy's global RNG"
        in output
    )
    assert "clean.py:" not in output


def test_config_with_local_path_and_head_rev(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=CHECKOUT, capture_output=True, text=True
    )
    if head.returncode != 0:
        pytest.fail("this checkout has no commit; commit before running the suite")
    config = (
        "repos:\n"
        f"  - repo: {CHECKOUT}\n"
        f"    rev: {head.stdout.strip()}\n"
        "    hooks:\n"
        "      - id: mldebt\n"
    )
    pyproject = '[tool.mldebt]\nextend-exclude = ["vendored"]\n'
    repo = make_repo(
        tmp_path,
        {
            ".pre-commit-config.yaml": config,
            "pyproject.toml": pyproject,
            "src/train.py": "import numpy as np\n\nif __name__ == '__main__':\n"
            "    np.random.shuffle([1, 2])  # noqa: MLD101\n",
            "vendored/lib.py": UNSEEDED,
        },
    )
    result = run_pre_commit(repo, pre_commit_home, "run", "--all-files")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Passed" in output
    (repo / "src" / "prep.py").write_text("import random\nrandom.seed()\n")
    git(repo, "add", "-A")
    result = run_pre_commit(repo, pre_commit_home, "run")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert (
        "src/prep.py:2:1: MLD103 `random.seed()` without a seed re-seeds from OS entropy"
        in output
    )


def test_raw_data_immutable_hook_from_the_manifest(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    repo = make_repo(
        tmp_path, {"data/raw/customers.csv": "id\n1\n", "train.py": "x = 1\n"}
    )
    git(repo, "commit", "-q", "-m", "raw data")
    (repo / "data" / "raw" / "customers.csv").write_text("id\n1\n2\n")
    (repo / "data" / "raw" / "new.csv").write_text("id\n")
    git(repo, "add", "-A")
    # an untracked config (pre-commit leaves untracked files in place) changes nothing
    (repo / "data" / "pyproject.toml").write_text("[tool.mldebt]\nraw-data-dirs = []\n")
    result = run_pre_commit(
        repo, pre_commit_home, "try-repo", str(CHECKOUT), "raw-data-immutable"
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "data/raw/customers.csv: modified" in output
    assert "new.csv" not in output


# -- file names that read as options ----------------------------------------------


def test_check_data_files_reads_option_like_names_as_files(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    repo = make_repo(tmp_path, {"-h": "x\n", "--max-kb=99999999": "x\n"})
    (repo / "big.csv").write_bytes(b"x" * 600 * 1024)
    git(repo, "add", "-A")
    result = run_pre_commit(
        repo, pre_commit_home, "try-repo", str(CHECKOUT), "check-data-files"
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "big.csv (600 KB) exceeds 500 KB" in output


# Valid TOML and valid Python at once, so that the trap lints cleanly itself.
IGNORE_EVERYTHING = '[tool.mldebt]\nignore = ["unseeded-randomness"]\n'


def test_mldebt_reads_a_file_named_config_as_a_file(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    repo = make_repo(
        tmp_path,
        {"train.py": UNSEEDED, "cfg.py": IGNORE_EVERYTHING, "--config=cfg.py": ""},
    )
    result = run_pre_commit(
        repo, pre_commit_home, "try-repo", str(CHECKOUT), "mldebt", "--all-files"
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "train.py:3:5: MLD101" in output


def head_config(hook: str, args: str) -> str:
    """A .pre-commit-config.yaml using this checkout's HEAD with one hook's args."""
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=CHECKOUT, capture_output=True, text=True
    )
    if head.returncode != 0:
        pytest.fail("this checkout has no commit; commit before running the suite")
    return (
        "repos:\n"
        f"  - repo: {CHECKOUT}\n"
        f"    rev: {head.stdout.strip()}\n"
        "    hooks:\n"
        f"      - id: {hook}\n"
        f"        args: {args}\n"
    )


def test_users_args_still_apply_and_a_missing_separator_fails_safe(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    config = head_config("check-data-files", "[--max-kb=1000, --]")
    repo = make_repo(tmp_path, {".pre-commit-config.yaml": config, "-h": "x\n"})
    (repo / "big.csv").write_bytes(b"x" * 600 * 1024)
    git(repo, "add", "-A")
    result = run_pre_commit(repo, pre_commit_home, "run")
    assert result.returncode == 0, result.stdout + result.stderr
    # args without the `--`: the file `-h` cannot be told from an option
    (repo / ".pre-commit-config.yaml").write_text(
        head_config("check-data-files", "[--max-kb=1000]")
    )
    git(repo, "add", "-A")
    result = run_pre_commit(repo, pre_commit_home, "run")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "'-h' is a file whose name reads as an option" in output
