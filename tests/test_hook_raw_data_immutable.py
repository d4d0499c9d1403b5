"""The ``raw-data-immutable`` hook on real git repositories in temporary folders."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mldebt.hooks.raw_data_immutable import (
    HINT,
    describe_change,
    ignores_case,
    main,
    parse_name_status,
)

from .gitrepo import GitRepo

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


Repo = GitRepo


@pytest.fixture
def repo(git_project: Path) -> Repo:
    """An empty repository (no commit yet) that is the current folder."""
    return Repo(git_project)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Call the hook in-process; return exit code, stdout and stderr."""
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- the first commit and additions ---------------------------------------------


def test_first_commit_adding_raw_data_passes(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("data/raw/train.csv")
    repo.write("src/train.py", "print(1)\n")
    repo.git("add", "-A")
    with pytest.raises(subprocess.CalledProcessError):
        repo.git("rev-parse", "--verify", "HEAD")  # really no HEAD yet
    assert run(capsys) == (0, "", "")


def test_adding_a_raw_file_next_to_committed_ones_passes(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("data/raw/train.csv")
    repo.write("data/raw/test.csv")
    repo.git("add", "-A")
    assert run(capsys) == (0, "", "")


def test_nothing_staged_passes(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit("data/raw/train.csv")
    repo.write("data/raw/train.csv", "changed but not staged\n")
    assert run(capsys) == (0, "", "")


def test_changes_outside_raw_folders_pass(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("data/processed/x.csv", "raw.csv", "notraw/x.csv", "data/rawish/x.csv")
    for name in (
        "data/processed/x.csv",
        "raw.csv",
        "notraw/x.csv",
        "data/rawish/x.csv",
    ):
        repo.write(name, "changed\n")
    repo.git("add", "-A")
    assert run(capsys) == (0, "", "")


# -- modifying, deleting, renaming ----------------------------------------------


def test_modifying_raw_data_fails_with_hint(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("data/raw/train.csv")
    repo.write("data/raw/train.csv", "a,b\n1,3\n")
    repo.git("add", "-A")
    code, out, err = run(capsys)
    assert code == 1
    assert out == f"data/raw/train.csv: modified\n{HINT}\n"
    assert "data/processed" in HINT and "DVC" in HINT and "git-lfs" in HINT
    assert err == ""


def test_deleting_raw_data_fails(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("data/raw/train.csv", "data/raw/test.csv")
    repo.git("rm", "-q", "data/raw/test.csv")
    code, out, _ = run(capsys)
    assert code == 1
    assert out.splitlines()[0] == "data/raw/test.csv: deleted"


def test_renaming_out_of_a_raw_folder_fails(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("data/raw/train.csv")
    (repo.path / "data/processed").mkdir(parents=True)
    repo.git("mv", "data/raw/train.csv", "data/processed/train.csv")
    assert repo.git("diff", "--cached", "--name-status").startswith("R100")
    code, out, _ = run(capsys)
    assert code == 1
    assert out.splitlines()[0] == (
        "data/raw/train.csv: renamed to data/processed/train.csv"
    )


def test_renaming_within_a_raw_folder_fails(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("data/raw/train.csv")
    repo.git("mv", "data/raw/train.csv", "data/raw/train-v2.csv")
    code, out, _ = run(capsys)
    assert code == 1
    assert out.splitlines()[0] == "data/raw/train.csv: renamed to data/raw/train-v2.csv"


def test_renaming_into_a_raw_folder_is_an_addition(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("downloads/train.csv", "data/raw/.gitkeep")
    repo.git("mv", "downloads/train.csv", "data/raw/train.csv")
    assert repo.git("diff", "--cached", "--name-status").startswith("R100")
    assert run(capsys) == (0, "", "")


def test_name_status_parsing_of_renames_and_copies() -> None:
    output = b"R100\0data/raw/a.csv\0data/b.csv\0C75\0data/raw/a.csv\0x/a.csv\0M\0y z\0"
    changes = parse_name_status(output)
    assert [(c.status, c.path, c.new_path) for c in changes] == [
        ("R", "data/raw/a.csv", "data/b.csv"),
        ("C", "data/raw/a.csv", "x/a.csv"),
        ("M", "y z", None),
    ]
    # A copy leaves its source as it was: only the new file is added.
    assert [describe_change(change) for change in changes] == [
        "renamed to data/b.csv",
        None,
        "modified",
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges")
def test_a_type_change_counts_as_a_modification(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("data/raw/train.csv", "elsewhere.csv")
    (repo.path / "data/raw/train.csv").unlink()
    os.symlink("../../elsewhere.csv", repo.path / "data/raw/train.csv")
    repo.git("add", "-A")
    assert repo.git("diff", "--cached", "--name-status").startswith("T")
    code, out, _ = run(capsys)
    assert code == 1
    assert out.splitlines()[0] == "data/raw/train.csv: modified (file type changed)"


def test_every_offending_file_is_listed_once_with_one_hint(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("data/raw/a.csv", "data/raw/b.csv", "exp/raw/c.npy")
    repo.write("data/raw/a.csv", "changed\n")
    repo.git("rm", "-q", "data/raw/b.csv")
    repo.write("exp/raw/c.npy", "changed\n")
    repo.write("data/raw/new.csv", "x,y\n")
    repo.git("add", "-A")
    code, out, _ = run(capsys)
    assert code == 1
    assert out.splitlines() == [
        "data/raw/a.csv: modified",
        "data/raw/b.csv: deleted",
        "exp/raw/c.npy: modified",
        HINT,
    ]


# -- file names git would quote -------------------------------------------------


def test_paths_with_spaces_and_non_ascii(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "data/raw/résumé données.csv"
    repo.commit(name)
    repo.write(name, "changed\n")
    repo.git("add", "-A")
    code, out, _ = run(capsys)
    assert code == 1
    assert out.splitlines()[0] == f"{name}: modified"


@pytest.mark.skipif(sys.platform == "win32", reason="no tabs or quotes in names")
def test_paths_with_tabs_quotes_and_renames(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = 'data/raw/tab\there "quoted".csv'
    repo.commit(odd, "data/raw/naïve.csv")
    repo.git("rm", "-q", odd)
    repo.git("mv", "data/raw/naïve.csv", "data/raw/naïve v2.csv")
    code, out, _ = run(capsys)
    assert code == 1
    assert sorted(out.splitlines()[:2]) == sorted(
        [f"{odd}: deleted", "data/raw/naïve.csv: renamed to data/raw/naïve v2.csv"]
    )


# -- which folders are raw ------------------------------------------------------


def test_any_folder_named_raw_at_any_depth(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("experiments/2024/raw/sensor.parquet")
    repo.write("experiments/2024/raw/sensor.parquet", "changed\n")
    repo.git("add", "-A")
    code, out, _ = run(capsys)
    assert code == 1
    assert out.startswith("experiments/2024/raw/sensor.parquet: modified\n")


def test_raw_data_dirs_from_pyproject(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(
        "pyproject.toml",
        """\
        [tool.mldebt]
        raw-data-dirs = ["datasets/original"]
        """,
    )
    repo.commit("datasets/original/a.csv", "data/raw/b.csv")
    repo.write("data/raw/b.csv", "changed\n")
    repo.git("add", "-A")
    assert run(capsys) == (0, "", ""), "the config replaces the defaults"
    repo.write("datasets/original/a.csv", "changed\n")
    repo.git("add", "-A")
    code, out, _ = run(capsys)
    assert code == 1
    assert out.splitlines()[0] == "datasets/original/a.csv: modified"


def test_config_in_a_subproject_applies_to_its_folder(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(
        "models/vision/pyproject.toml", '[tool.mldebt]\nraw-data-dirs = ["inputs"]\n'
    )
    repo.commit("models/vision/inputs/img.npy", "inputs/other.csv", "data/raw/a.csv")
    for name in ("models/vision/inputs/img.npy", "inputs/other.csv", "data/raw/a.csv"):
        repo.write(name, "changed\n")
    repo.git("add", "-A")
    monkeypatch.chdir(repo.path / "models")  # the hook finds the root itself
    code, out, _ = run(capsys)
    assert code == 1
    assert out.splitlines() == [
        "data/raw/a.csv: modified",
        "models/vision/inputs/img.npy: modified",
        HINT,
    ]


def test_raw_dir_option_overrides_the_config(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("pyproject.toml", '[tool.mldebt]\nraw-data-dirs = ["data/raw"]\n')
    repo.commit("data/raw/a.csv", "vendor/x.csv", "vendor/README.md")
    for name in ("data/raw/a.csv", "vendor/x.csv", "vendor/README.md"):
        repo.write(name, "changed\n")
    repo.git("add", "-A")
    code, out, _ = run(capsys, "--raw-dir", "vendor", "--raw-dir", "!vendor/*.md")
    assert code == 1
    assert out.splitlines() == ["vendor/x.csv: modified", HINT]


def test_a_folder_glob_with_a_trailing_slash(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("raw", "sub/raw/x.csv")
    repo.write("raw", "a file named raw\n")
    repo.write("sub/raw/x.csv", "changed\n")
    repo.git("add", "-A")
    code, out, _ = run(capsys, "--raw-dir", "raw/")
    assert code == 1
    assert out.splitlines() == ["sub/raw/x.csv: modified", HINT]


# -- settings come from git, never from untracked files ------------------------


@pytest.mark.parametrize(
    ("config", "text"),
    [
        ("data/raw/pyproject.toml", '[tool.mldebt]\nraw-data-dirs = ["nothing"]\n'),
        ("data/pyproject.toml", "[tool.mldebt]\nraw-data-dirs = []\n"),
        ("pyproject.toml", "[tool.mldebt]\nraw-data-dirs = []\n"),
    ],
)
def test_an_untracked_config_does_not_switch_the_guard_off(
    repo: Repo, capsys: pytest.CaptureFixture[str], config: str, text: str
) -> None:
    repo.commit("data/raw/train.csv")
    repo.write(config, text)  # written, never staged
    repo.write("data/raw/train.csv", "changed\n")
    repo.git("add", "data/raw/train.csv")
    code, out, _ = run(capsys)
    assert (code, out.splitlines()[0]) == (1, "data/raw/train.csv: modified")


def test_the_staged_config_is_read_not_the_work_tree_copy(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("pyproject.toml", '[tool.mldebt]\nraw-data-dirs = ["inputs"]\n')
    repo.commit("inputs/a.csv", "data/raw/b.csv")
    # staged: "inputs"; the work tree copy (unstaged) would say "nothing"
    repo.write("pyproject.toml", '[tool.mldebt]\nraw-data-dirs = ["nothing"]\n')
    repo.write("inputs/a.csv", "changed\n")
    repo.git("add", "inputs/a.csv")
    code, out, _ = run(capsys)
    assert (code, out.splitlines()[0]) == (1, "inputs/a.csv: modified")


def test_a_commit_cannot_loosen_the_guard_for_itself(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("data/raw/train.csv")
    repo.write("data/pyproject.toml", "[tool.mldebt]\nraw-data-dirs = []\n")
    repo.write("data/raw/train.csv", "changed\n")
    repo.add()  # the looser config is staged in the same commit
    code, out, _ = run(capsys)
    assert (code, out.splitlines()[0]) == (1, "data/raw/train.csv: modified")
    repo.git("commit", "-q", "--no-verify", "-m", "looser")
    repo.write("data/raw/train.csv", "changed again\n")
    repo.add()  # once committed, the looser config is the project's decision
    assert run(capsys) == (0, "", "")


def test_a_broken_committed_config_can_be_mended(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("pyproject.toml", '[tool.mldebt]\nraw-data-dirs = "data/raw"\n')
    repo.commit("data/raw/a.csv", "src/x.py")
    repo.write("pyproject.toml", '[tool.mldebt]\nraw-data-dirs = ["data/raw"]\n')
    repo.write("src/x.py", "changed\n")
    repo.add()
    assert run(capsys) == (0, "", "")


# -- case-insensitive file systems and new root commits ---------------------------


def test_raw_folders_match_any_case_where_the_file_system_ignores_case(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("data/Raw/train.csv", "Data/RAW/test.csv")
    repo.write("data/Raw/train.csv", "changed\n")
    repo.write("Data/RAW/test.csv", "changed\n")
    repo.add()
    if not ignores_case(str(repo.path)):
        assert run(capsys) == (0, "", ""), "different folders on this file system"
    repo.git("config", "core.ignorecase", "true")
    code, out, _ = run(capsys)
    assert code == 1
    assert out.splitlines()[:2] == [
        "Data/RAW/test.csv: modified",
        "data/Raw/train.csv: modified",
    ]


def test_a_new_orphan_branch_is_checked_against_the_existing_ones(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("data/raw/train.csv", "data/raw/test.csv", "src/x.py")
    repo.git("checkout", "-q", "--orphan", "rewrite")
    repo.write("data/raw/train.csv", "rewritten history\n")
    repo.write("src/x.py", "changed\n")
    repo.git("rm", "-q", "--cached", "data/raw/test.csv")  # left out: not a loss
    repo.write("data/raw/new.csv")
    repo.git("add", "data/raw/train.csv", "data/raw/new.csv", "src/x.py")
    with pytest.raises(subprocess.CalledProcessError):
        repo.git("rev-parse", "--verify", "HEAD")  # really no HEAD
    code, out, _ = run(capsys)
    assert (code, out.splitlines()) == (1, ["data/raw/train.csv: modified", HINT])


def test_an_orphan_branch_that_keeps_raw_data_as_it_is_passes(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("data/raw/train.csv")
    repo.git("checkout", "-q", "--orphan", "docs")
    repo.write("README.md", "docs\n")
    repo.add()
    assert run(capsys) == (0, "", "")


# -- errors ---------------------------------------------------------------------


def test_invalid_config_is_one_line_and_exit_2(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("pyproject.toml", '[tool.mldebt]\nraw-data-dirs = "data/raw"\n')
    repo.commit("data/raw/a.csv")
    repo.write("data/raw/a.csv", "changed\n")
    repo.git("add", "-A")
    code, out, err = run(capsys)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith("mldebt-raw-data-immutable: error: pyproject.toml:")
    assert "'raw-data-dirs' must be" in err


def test_unknown_config_key_is_exit_2(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("pyproject.toml", '[tool.mldebt]\nraw-dirs = ["x"]\n')
    repo.commit("data/raw/a.csv")
    repo.write("data/raw/a.csv", "changed\n")
    repo.git("add", "-A")
    code, _, err = run(capsys)
    assert code == 2
    assert err.count("\n") == 1
    assert "unknown key 'raw-dirs'" in err


def test_outside_a_git_repository_is_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    git_env: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    monkeypatch.chdir(outside)
    assert run(capsys) == (
        2,
        "",
        "mldebt-raw-data-immutable: error: not inside a git repository\n",
    )


def test_unknown_option_is_a_usage_error(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--raw", "data/raw")
    assert code == 2
    assert "unrecognized arguments: --raw" in err


# -- under pre-commit -----------------------------------------------------------


def test_under_pre_commit(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = f"{shlex.quote(sys.executable)} -m mldebt.hooks.raw_data_immutable"
    repo.write(
        ".pre-commit-config.yaml",
        f"""\
        repos:
          - repo: local
            hooks:
              - id: raw-data-immutable
                name: raw data is immutable
                entry: {entry}
                language: system
                pass_filenames: false
                always_run: true
                stages: [pre-commit]
                minimum_pre_commit_version: "3.2.0"
        """,
    )
    repo.commit("data/raw/train.csv", "src/train.py")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PRE_COMMIT_COLOR": "never",
    }

    def pre_commit() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run"],
            cwd=repo.path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    repo.write("data/raw/extra.csv")
    repo.git("add", "-A")
    result = pre_commit()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "raw data is immutable" in result.stdout and "Passed" in result.stdout

    repo.write("data/raw/train.csv", "a,b\n9,9\n")
    repo.git("add", "-A")
    result = pre_commit()
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Failed" in result.stdout
    assert "data/raw/train.csv: modified" in result.stdout
    assert HINT in result.stdout
