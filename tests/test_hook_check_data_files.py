"""The ``check-data-files`` hook on real git repositories in temporary folders."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mldebt.hooks.check_data_files import data_suffix, main, parse_dvc_yaml_outputs

from .gitrepo import GitRepo

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

KB = 1024


class Repo(GitRepo):
    """A throwaway git work tree that can also write data files of a given size."""

    def data(self, name: str, kb: float) -> str:
        """Write a file of ``kb`` kilobytes and return its name."""
        path = self.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * int(kb * KB))
        return name


@pytest.fixture
def repo(git_project: Path) -> Repo:
    """An empty repository (no commit yet) that is the current folder."""
    return Repo(git_project)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Call the hook in-process; return exit code, stdout and stderr."""
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def message(path: str, kb: int, pattern: str, max_kb: int = 500) -> str:
    """The line the hook prints for one file."""
    return (
        f"{path} ({kb} KB) exceeds {max_kb} KB: track it with DVC "
        f'(dvc add {shlex.quote(path)}) or git-lfs (git lfs track "{pattern}")'
    )


# -- size and kind ---------------------------------------------------------------


def test_small_data_file_passes(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    name = repo.data("data/sample.csv", 499.5)
    repo.add()
    assert run(capsys, name) == (0, "", "")


def test_large_data_file_fails_in_the_first_commit(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    name = repo.data("data/train.csv", 600)
    repo.add()
    code, out, err = run(capsys, name)
    assert code == 1
    assert out == message("data/train.csv", 600, "*.csv") + "\n"
    assert err == ""


def test_max_kb_is_inclusive_and_configurable(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    exact = repo.data("exact.parquet", 500)
    above = repo.data("above.parquet", 500.01)
    repo.add()
    code, out, _ = run(capsys, exact, above)
    assert code == 1
    assert out.splitlines() == [message("above.parquet", 501, "*.parquet")]
    assert run(capsys, "--max-kb", "501", exact, above) == (0, "", "")
    code, out, _ = run(capsys, "--max-kb=0", exact)
    assert out.splitlines() == [message("exact.parquet", 500, "*.parquet", max_kb=0)]


def test_large_files_that_are_not_data_pass(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    names = [repo.data(name, 800) for name in ("notes.txt", "big.py", "csv", "a.csvx")]
    repo.add()
    assert run(capsys, *names) == (0, "", "")


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("data/corpus.tar.gz", "*.tar.gz"),
        ("data/table.csv.gz", "*.gz"),
        ("models/model.safetensors", "*.safetensors"),
        ("data/records.tfrecords", "*.tfrecords"),
        ("data/events.jsonl", "*.jsonl"),
        ("data/EXPORT.CSV", "*.CSV"),
        ("weights/pytorch_model.bin", "*.bin"),
    ],
)
def test_suffixes_case_and_multi_part(
    repo: Repo, capsys: pytest.CaptureFixture[str], name: str, pattern: str
) -> None:
    repo.data(name, 501)
    repo.add()
    code, out, _ = run(capsys, name)
    assert code == 1
    assert out == message(name, 501, pattern) + "\n"


def test_data_suffix_table() -> None:
    assert data_suffix("a/b/Model.CKPT") == "ckpt"
    assert data_suffix("x.tar.gz") == "tar.gz"
    assert data_suffix("release.v1.npz") == "npz"
    assert data_suffix("train.py") is None
    assert data_suffix("Makefile") is None


# -- only what the commit adds ---------------------------------------------------


def test_only_staged_additions_are_checked(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    committed = repo.data("old.npy", 700)
    repo.commit()
    repo.data("old.npy", 900)  # modified, not added
    unstaged = repo.data("new.npy", 700)  # not staged at all
    repo.git("add", "old.npy")
    assert run(capsys, committed, unstaged) == (0, "", "")


def test_only_the_files_passed_are_checked(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.data("big.pkl", 700)
    small = repo.data("small.pkl", 1)
    repo.add()
    assert run(capsys, small) == (0, "", "")


def test_enforce_all_checks_every_file_passed(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    name = repo.data("models/model.pt", 2048)
    repo.commit()
    assert run(capsys, name) == (0, "", "")
    code, out, _ = run(capsys, "--enforce-all", name)
    assert code == 1
    assert out == message("models/model.pt", 2048, "*.pt") + "\n"


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges")
def test_a_symlink_to_a_large_file_passes(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    target = repo.data("../outside.csv", 900)
    os.symlink(target, repo.path / "link.csv")
    repo.add()
    assert run(capsys, "link.csv") == (0, "", "")


def test_paths_with_spaces_and_non_ascii_are_quoted_for_the_shell(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    name = repo.data("data/raw/résumé données.csv", 600)
    repo.add()
    code, out, _ = run(capsys, name)
    assert code == 1
    assert out == message(name, 600, "*.csv") + "\n"
    assert "(dvc add 'data/raw/résumé données.csv')" in out


def test_run_from_a_subfolder_with_relative_names(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.data("data/train.feather", 600)
    repo.add()
    monkeypatch.chdir(repo.path / "data")
    code, out, _ = run(capsys, "train.feather")
    assert code == 1
    assert out == message("train.feather", 600, "*.feather") + "\n"


# -- git-lfs and DVC -------------------------------------------------------------


# git-lfs's clean filter, in miniature: the blob git stores is a pointer.
FAKE_LFS_CLEAN = (
    "import hashlib, sys; data = sys.stdin.buffer.read(); "
    "sys.stdout.write('version https://git-lfs.github.com/spec/v1\\n'"
    " f'oid sha256:{hashlib.sha256(data).hexdigest()}\\nsize {len(data)}\\n')"
)


def set_up_git_lfs(repo: Repo) -> None:
    """What ``git lfs install`` configures, with a stand-in for git-lfs."""
    clean = f"{shlex.quote(sys.executable)} -c {shlex.quote(FAKE_LFS_CLEAN)}"
    repo.git("config", "filter.lfs.clean", clean)
    repo.git("config", "filter.lfs.required", "true")


def test_files_tracked_by_git_lfs_pass(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    set_up_git_lfs(repo)
    repo.write(".gitattributes", "*.bin filter=lfs diff=lfs merge=lfs -text\n")
    weights = repo.data("weights/model.bin", 4096)
    other = repo.data("weights/model.onnx", 4096)
    repo.add()
    code, out, _ = run(capsys, weights, other)
    assert code == 1
    assert out == message("weights/model.onnx", 4096, "*.onnx") + "\n"


def test_an_lfs_attribute_without_git_lfs_is_not_enough(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # no filter.lfs.clean: as on a machine without git-lfs, git stores the file
    repo.write(".gitattributes", "*.bin filter=lfs diff=lfs merge=lfs -text\n")
    weights = repo.data("weights/model.bin", 600)
    repo.add()
    assert len(repo.git("cat-file", "-s", f":{weights}").strip()) == 6  # the whole file
    code, out, _ = run(capsys, weights)
    assert code == 1
    assert out.startswith(
        "weights/model.bin (600 KB) exceeds 500 KB: it has filter=lfs, but git "
        "staged the whole file, not a git-lfs pointer: install git-lfs"
    )


def test_files_with_a_dvc_pointer_pass(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    tracked = repo.data("data/train.csv", 600)
    repo.write("data/train.csv.dvc", "outs:\n- path: train.csv\n")
    inside = repo.data("data/images/batch1.npz", 600)
    repo.write("data/images.dvc", "outs:\n- path: images\n")
    loose = repo.data("data/test.csv", 600)
    repo.add()
    code, out, _ = run(capsys, tracked, inside, loose)
    assert code == 1
    assert out == message("data/test.csv", 600, "*.csv") + "\n"


def test_outputs_of_dvc_yaml_stages_pass(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(
        "dvc.yaml",
        """\
        stages:
          prepare:
            cmd: python prepare.py
            deps:
              - data/raw/input.csv
            outs:
              - data/prepared  # a whole folder
              - "models/model v1.pkl":
                  cache: true
        """,
    )
    repo.write(
        "pipelines/eval/dvc.yaml",
        """\
        stages:
          evaluate:
            cmd: python eval.py
            outs: [predictions.parquet, '../shared/scores.npy']
        """,
    )
    names = [
        repo.data("data/prepared/train.parquet", 600),
        repo.data("models/model v1.pkl", 600),
        repo.data("pipelines/eval/predictions.parquet", 600),
        repo.data("pipelines/shared/scores.npy", 600),
        repo.data("data/raw/input.csv", 600),
    ]
    repo.add()
    code, out, _ = run(capsys, *names)
    assert code == 1
    assert out == message("data/raw/input.csv", 600, "*.csv") + "\n"


def test_dvc_yaml_text_scan() -> None:
    text = """\
stages:
  train:
    cmd: python train.py ${epochs}
    deps:
    - data/features
    outs:
    - models/model.pkl:
        cache: false
        persist: true
    - 'models/encoder.pt'   # quoted
    - models/${item}.pt
    metrics:
    - metrics.json:
        cache: false
    plots:
    - plots/roc.csv
  report:
    outs: ["report.zip"]
plots:
  - plots/roc.csv:
      x: fpr
metrics:
  - summary.json
"""
    assert parse_dvc_yaml_outputs(text) == [
        "models/model.pkl",
        "models/encoder.pt",
        "metrics.json",
        "plots/roc.csv",
        "report.zip",
    ]


# -- file names that read as options ------------------------------------------


@pytest.mark.parametrize("trap", ["-h", "--max-kb=99999999", "--enforce-all"])
def test_a_file_named_like_an_option_is_never_obeyed(
    repo: Repo, capsys: pytest.CaptureFixture[str], trap: str
) -> None:
    big = repo.data("big.csv", 600)
    repo.write(trap, "x\n")
    repo.add()
    code, out, _ = run(capsys, "--", trap, big)  # after `--`: a file
    assert (code, out) == (1, message("big.csv", 600, "*.csv") + "\n")
    code, out, err = run(capsys, trap, big)  # without `--`: refused, not obeyed
    assert (code, out) == (2, "")
    assert f"{trap!r} is a file whose name reads as an option" in err


def test_options_before_the_separator_still_apply(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    big = repo.data("big.csv", 600)
    repo.add()
    assert run(capsys, "--max-kb=700", "--", big) == (0, "", "")


# -- errors ----------------------------------------------------------------------


def test_outside_a_git_repository_is_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    git_env: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    monkeypatch.chdir(outside)
    (outside / "big.csv").write_bytes(b"x" * 600 * KB)
    assert run(capsys, "big.csv") == (
        2,
        "",
        "mldebt-check-data-files: error: not inside a git repository\n",
    )


@pytest.mark.parametrize("value", ["-1", "big"])
def test_bad_max_kb_is_a_usage_error(
    repo: Repo, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    code, out, err = run(capsys, f"--max-kb={value}", "x.csv")
    assert (code, out) == (2, "")
    assert "argument --max-kb" in err


# -- under pre-commit ------------------------------------------------------------


def test_under_pre_commit(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = f"{shlex.quote(sys.executable)} -m mldebt.hooks.check_data_files"
    repo.write(
        ".pre-commit-config.yaml",
        f"""\
        repos:
          - repo: local
            hooks:
              - id: check-data-files
                name: no large data files in git
                entry: {entry}
                language: system
                pass_filenames: true
                stages: [pre-commit, pre-push, manual]
                minimum_pre_commit_version: "3.2.0"
        """,
    )
    repo.write("train.py", "print(1)\n")
    repo.commit()
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

    repo.data("data/sample.csv", 10)
    repo.add()
    result = pre_commit()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no large data files in git" in result.stdout and "Passed" in result.stdout

    repo.data("data/full dataset.csv", 700)
    repo.add()
    result = pre_commit()
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Failed" in result.stdout
    assert message("data/full dataset.csv", 700, "*.csv") in result.stdout
