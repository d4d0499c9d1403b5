"""``mldebt init`` on fresh and existing projects, then real pre-commit on it.

A fresh project, an existing pyproject.toml with comments and other tools'
sections, an existing pre-commit config, a second run; then real git and real
pre-commit on what init wrote.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from mldebt import __version__
from mldebt.project_setup import HOOK_IDS, REPO_URL, render_config

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .conftest import CliResult, path_without_virtualenvs, venv_with_typed_package
from .gitrepo import isolate_git

CHECKOUT = Path(__file__).resolve().parents[1]
REV = f"v{__version__}"
Run = Callable[..., CliResult]


def write(folder: Path, name: str, text: str) -> Path:
    """Write a dedented file under ``folder`` and return its path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8", newline="")
    return path


def only_additions(before: str, after: str) -> bool:
    """Whether ``after`` is ``before`` with lines added and none changed or lost."""
    diff = difflib.ndiff(before.splitlines(keepends=True), after.splitlines(True))
    return not any(line.startswith("- ") for line in diff)


def files(folder: Path) -> list[Path]:
    """The files (not folders such as ``.git``) directly in ``folder``."""
    return [path for path in folder.iterdir() if path.is_file()]


def hook_order(config_text: str) -> list[str]:
    """Every hook id of a config, in the order pre-commit runs them."""
    data = yaml.safe_load(config_text)
    return [hook["id"] for repo in data["repos"] for hook in repo["hooks"]]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder at the top of a git work tree; the current folder."""
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    isolate_git(tmp_path, monkeypatch)
    if shutil.which("git") is not None:
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


# --- a fresh project -----------------------------------------------------------------


def test_fresh_project_gets_both_files(folder: Path, run_cli: Run) -> None:
    result = run_cli("init")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        f"wrote .pre-commit-config.yaml: {len(HOOK_IDS)} hooks, rev {REV}",
        "wrote pyproject.toml: added [tool.black], [tool.isort], [tool.pydocstyle], "
        "[tool.mypy], [tool.mldebt]",
        "next: pre-commit install && pre-commit run --all-files",
    ]
    config = (folder / ".pre-commit-config.yaml").read_text()
    assert config == render_config(REPO_URL, REV)
    assert hook_order(config) == [
        "isort",
        "black",
        "check-ast",
        "mldebt",
        "pydocstyle",
        "mypy",
        "raw-data-immutable",
        "check-data-files",
    ]
    assert yaml.safe_load(config)["repos"][0]["rev"] == REV
    tool = tomllib.loads((folder / "pyproject.toml").read_text())["tool"]
    assert tool["black"] == {"line-length": 88}
    assert tool["isort"] == {"profile": "black", "line_length": 88}
    assert tool["pydocstyle"] == {"convention": "numpy"}
    assert tool["mypy"] == {"warn_unused_configs": True, "check_untyped_defs": True}
    assert tool["mldebt"] == {
        "raw-data-overwrite": {"raw-data-dirs": ["data/raw", "raw"]}
    }


def test_second_run_changes_nothing(folder: Path, run_cli: Run) -> None:
    assert run_cli("init").code == 0
    written = {path.name: path.read_bytes() for path in files(folder)}
    result = run_cli("init")
    assert result.code == 0
    assert result.out.splitlines() == [
        ".pre-commit-config.yaml: unchanged",
        "pyproject.toml: unchanged",
    ]
    assert {path.name: path.read_bytes() for path in files(folder)} == written
    assert run_cli("init", "--merge").out == result.out


def test_every_added_mldebt_key_is_valid_config(folder: Path, run_cli: Run) -> None:
    assert run_cli("init").code == 0
    write(folder, "train.py", "import random\n\nrandom.seed(3)\nx = random.random()\n")
    result = run_cli("check", "--no-cache", "train.py")
    assert result.code == 0, result.err


def test_repo_and_rev_can_be_overridden(folder: Path, run_cli: Run) -> None:
    local = str(folder.parent / "hook repo: local")
    assert run_cli("init", "--repo", local, "--rev", "1.0").code == 0
    repo = yaml.safe_load((folder / ".pre-commit-config.yaml").read_text())["repos"][0]
    assert repo["repo"] == local
    assert repo["rev"] == "1.0"  # a string, as pre-commit wants, not a float


def test_a_path_argument_names_the_project(tmp_path: Path, run_cli: Run) -> None:
    (tmp_path / "elsewhere").mkdir()
    assert run_cli("init", str(tmp_path / "elsewhere")).code == 0
    assert (tmp_path / "elsewhere" / ".pre-commit-config.yaml").is_file()
    result = run_cli("init", str(tmp_path / "missing"))
    assert result.code == 2
    assert result.err == f"mldebt init: error: {tmp_path / 'missing'}: not a folder\n"
    assert run_cli("init", "--no-such-flag").code == 2


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_notes_when_the_folder_is_not_the_top_of_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Run
) -> None:
    isolate_git(tmp_path, monkeypatch)
    plain = tmp_path / "plain"
    plain.mkdir()
    result = run_cli("init", "--dry-run", str(plain))
    assert "note: this folder is not a git repository yet: `git init` first" in (
        result.err
    )
    subprocess.run(["git", "init", "-q"], cwd=plain, check=True)
    (plain / "sub").mkdir()
    result = run_cli("init", "--dry-run", str(plain / "sub"))
    assert (
        f"note: pre-commit reads .pre-commit-config.yaml at the top of the "
        f"repository ({plain.resolve()}), not here" in result.err
    )


# --- an existing pyproject.toml -------------------------------------------------------

EXISTING_PYPROJECT = """\
    # The churn model. Keep this comment.
    [build-system]
    requires = ["setuptools>=68"]
    build-backend = "setuptools.build_meta"

    [project]
    name = "churn"   # the distribution name
    version = "0.1.0"
    dependencies = [
        "numpy>=1.24",  # pinned below 2 elsewhere
        "pandas",
    ]

    [tool.black]
    line-length = 100  # we like it wide
    target-version = ["py310"]

    [tool.ruff]
    select = ["E", "F"]

    [tool.ruff.per-file-ignores]
    "tests/*" = ["E501"]

    [tool.coverage.run]
    branch = true
    """


def test_existing_pyproject_keeps_everything_and_gains_the_rest(
    folder: Path, run_cli: Run
) -> None:
    before = write(folder, "pyproject.toml", EXISTING_PYPROJECT).read_text()
    result = run_cli("init")
    assert result.code == 0, result.err
    assert (
        "updated pyproject.toml: added [tool.isort], [tool.pydocstyle], [tool.mypy], "
        "[tool.mldebt]" in result.out
    )
    after = (folder / "pyproject.toml").read_text()
    assert only_additions(before, after)
    assert after.startswith(before.split("[tool.coverage.run]")[0])
    document = tomllib.loads(after)
    assert document["tool"]["black"] == {
        "line-length": 100,
        "target-version": ["py310"],
    }
    assert document["tool"]["isort"]["line_length"] == 100  # black's, not 88
    assert document["tool"]["coverage"] == {"run": {"branch": True}}
    assert document["project"]["dependencies"] == ["numpy>=1.24", "pandas"]
    assert "\n\n[tool.isort]\n" in after  # new tables are separated as usual
    assert run_cli("init").out.splitlines()[1] == "pyproject.toml: unchanged"


def test_existing_tool_sections_only_get_the_agreement_keys(
    folder: Path, run_cli: Run
) -> None:
    before = write(
        folder,
        "pyproject.toml",
        """\
        [tool.isort]
        known_first_party = ["churn"]  # ours

        [tool.pydocstyle]
        match_dir = "^(?!tests).*"

        [tool.mypy]
        strict = true

        [tool.mldebt]
        extend-exclude = ["notebooks"]
        """,
    ).read_text()
    result = run_cli("init")
    assert result.code == 0, result.err
    assert result.out.splitlines()[1] == (
        "updated pyproject.toml: added [tool.black], [tool.isort] profile, "
        "[tool.isort] line_length, [tool.pydocstyle] convention"
    )
    after = (folder / "pyproject.toml").read_text()
    assert only_additions(before, after)
    tool = tomllib.loads(after)["tool"]
    assert tool["isort"] == {
        "known_first_party": ["churn"],
        "profile": "black",
        "line_length": 88,
    }
    assert tool["pydocstyle"] == {"match_dir": "^(?!tests).*", "convention": "numpy"}
    assert tool["mypy"] == {"strict": True}  # not made stricter or looser
    assert tool["mldebt"] == {"extend-exclude": ["notebooks"]}


def test_disagreeing_values_are_kept_and_explained(folder: Path, run_cli: Run) -> None:
    before = write(
        folder,
        "pyproject.toml",
        """\
        [tool.isort]
        profile = "google"
        line_length = 120

        [tool.pydocstyle]
        select = ["D1"]
        """,
    ).read_text()
    result = run_cli("init")
    assert result.code == 0, result.err
    after = (folder / "pyproject.toml").read_text()
    assert only_additions(before, after)
    tool = tomllib.loads(after)["tool"]
    assert tool["isort"] == {"profile": "google", "line_length": 120}
    assert tool["black"] == {"line-length": 120}  # black follows isort when new
    assert tool["pydocstyle"] == {"select": ["D1"]}
    assert (
        "note: [tool.isort] profile = 'google' is not black's; mldebt's isort hook "
        "wraps imports the black way regardless" in result.out
    )


def test_isort_line_length_that_differs_from_black_is_noted(
    folder: Path, run_cli: Run
) -> None:
    write(
        folder,
        "pyproject.toml",
        """\
        [tool.black]
        line-length = 100

        [tool.isort]
        profile = "black"
        line_length = 79
        """,
    )
    result = run_cli("init")
    assert "[tool.isort] line_length = 79 differs from black's 100" in result.out


@pytest.mark.parametrize(
    "layout",
    [
        "tool.black.line-length = 100\n",
        '[tool.black]\nline-length = 100\n\n[project]\nname = "x"\n\n'
        '[tool.isort]\nprofile = "black"\n\n[tool.coverage.run]\nbranch = true\n',
    ],
    ids=["dotted-keys", "tool-tables-apart"],
)
def test_unusual_tool_layouts_are_kept_and_stay_idempotent(
    folder: Path, run_cli: Run, layout: str
) -> None:
    (folder / "pyproject.toml").write_text(layout)
    assert run_cli("init").code == 0
    after = (folder / "pyproject.toml").read_text()
    assert only_additions(layout, after)
    tool = tomllib.loads(after)["tool"]
    assert tool["black"]["line-length"] == 100
    assert tool["isort"]["line_length"] == 100
    assert set(tool) >= {"black", "isort", "pydocstyle", "mypy", "mldebt"}
    result = run_cli("init")
    assert result.code == 0, result.err
    assert result.out.splitlines()[1] == "pyproject.toml: unchanged"


def test_crlf_pyproject_stays_crlf(folder: Path, run_cli: Run) -> None:
    (folder / "pyproject.toml").write_bytes(b'[project]\r\nname = "x"\r\n')
    assert run_cli("init").code == 0
    data = (folder / "pyproject.toml").read_bytes()
    assert data.startswith(b'[project]\r\nname = "x"\r\n')
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_invalid_pyproject_is_an_error_and_nothing_is_written(
    folder: Path, run_cli: Run
) -> None:
    write(folder, "pyproject.toml", "[tool.black\nline-length = 100\n")
    result = run_cli("init")
    assert result.code == 2
    assert result.err.startswith("mldebt init: error: pyproject.toml: not valid TOML")
    assert len(result.err.splitlines()) == 1
    assert not (folder / ".pre-commit-config.yaml").exists()


# --- an existing .pre-commit-config.yaml --------------------------------------------

USER_CONFIG = """\
    # Our hooks. Keep this comment.
    default_language_version:
      python: python3.11
    repos:
    # whitespace first
    -   repo: https://github.com/pre-commit/pre-commit-hooks
        rev: v4.6.0
        hooks:
        -   id: trailing-whitespace
        -   id: end-of-file-fixer
            # exclude: ^data/
    -   repo: https://github.com/PyCQA/flake8
        rev: 7.0.0
        hooks:
        -   id: flake8
            args: [--max-line-length=100]  # keep in sync with black
    ci:
      autofix_prs: false
    """


def test_existing_config_is_not_overwritten(folder: Path, run_cli: Run) -> None:
    before = write(folder, ".pre-commit-config.yaml", USER_CONFIG).read_text()
    result = run_cli("init")
    assert result.code == 1
    assert result.err == (
        "mldebt init: error: .pre-commit-config.yaml already exists and lacks "
        "mldebt's isort, black, check-ast, mldebt, pydocstyle, mypy, "
        "raw-data-immutable, check-data-files hooks; rerun with --merge to add them "
        "(nothing was written)\n"
    )
    assert (folder / ".pre-commit-config.yaml").read_text() == before
    assert not (folder / "pyproject.toml").exists()


def test_merge_adds_fixers_first_and_checkers_last(folder: Path, run_cli: Run) -> None:
    before = write(folder, ".pre-commit-config.yaml", USER_CONFIG).read_text()
    result = run_cli("init", "--merge")
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == (
        "updated .pre-commit-config.yaml: added isort, black, check-ast, mldebt, "
        "pydocstyle, mypy, raw-data-immutable, check-data-files"
    )
    after = (folder / ".pre-commit-config.yaml").read_text()
    assert only_additions(before, after)
    assert hook_order(after) == [
        "isort",
        "black",
        "trailing-whitespace",
        "end-of-file-fixer",
        "flake8",
        "check-ast",
        "mldebt",
        "pydocstyle",
        "mypy",
        "raw-data-immutable",
        "check-data-files",
    ]
    data = yaml.safe_load(after)
    assert data["ci"] == {"autofix_prs": False}
    assert [repo["rev"] for repo in data["repos"]] == [REV, "v4.6.0", "7.0.0", REV]
    # the new entries follow the file's own indentation; comments stay put
    assert f"# mldebt's checkers\n-   repo: {REPO_URL}\n    rev: {REV}\n" in after
    assert "    hooks:\n    -   id: isort\n    -   id: black\n" in after
    assert "black\n# whitespace first\n-   repo: https://github.com/pre-commit" in after
    second = run_cli("init", "--merge")
    assert second.out.splitlines()[0] == (
        ".pre-commit-config.yaml: unchanged (has every hook)"
    )
    assert (folder / ".pre-commit-config.yaml").read_text() == after


def test_merge_keeps_the_users_own_black_and_mypy(folder: Path, run_cli: Run) -> None:
    before = write(
        folder,
        ".pre-commit-config.yaml",
        """\
        repos:
          - repo: https://github.com/psf/black
            rev: 24.4.2
            hooks:
              - id: black
          - repo: https://github.com/pre-commit/mirrors-mypy
            rev: v1.10.0
            hooks:
              - id: mypy
                additional_dependencies: [numpy]
        """,
    ).read_text()
    result = run_cli("init", "--merge")
    assert result.code == 0, result.err
    after = (folder / ".pre-commit-config.yaml").read_text()
    assert only_additions(before, after)
    assert hook_order(after) == [
        "isort",
        "black",
        "mypy",
        "check-ast",
        "mldebt",
        "pydocstyle",
        "raw-data-immutable",
        "check-data-files",
    ]
    assert (
        "note: kept your `black` hook from https://github.com/psf/black; mldebt's "
        "pre-agreed `black` was not added" in result.out
    )
    assert "kept your `mypy` hook from https://github.com/pre-commit/mirrors-mypy" in (
        result.out
    )


def test_merge_fills_in_an_existing_mldebt_entry(folder: Path, run_cli: Run) -> None:
    before = write(
        folder,
        ".pre-commit-config.yaml",
        f"""\
        repos:
          - repo: {REPO_URL}.git
            rev: v0.0.9
            hooks:
              - id: mldebt
              - id: raw-data-immutable
          - repo: local
            hooks:
              - id: pytest
                name: pytest
                entry: pytest
                language: system
                pass_filenames: false
        """,
    ).read_text()
    result = run_cli("init", "--merge")
    assert result.code == 0, result.err
    after = (folder / ".pre-commit-config.yaml").read_text()
    assert only_additions(before, after)
    data = yaml.safe_load(after)
    assert len(data["repos"]) == 2
    assert [hook["id"] for hook in data["repos"][0]["hooks"]] == [
        "isort",
        "black",
        "mldebt",
        "raw-data-immutable",
        "check-ast",
        "pydocstyle",
        "mypy",
        "check-data-files",
    ]
    assert f"your mldebt entry pins rev v0.0.9, this mldebt is {REV}" in result.out


def test_merge_keeps_crlf_line_ends(folder: Path, run_cli: Run) -> None:
    text = "repos:\r\n- repo: local\r\n  hooks:\r\n  - id: x\r\n    name: x\r\n"
    text += "    entry: x\r\n    language: system\r\n"
    (folder / ".pre-commit-config.yaml").write_bytes(text.encode())
    assert run_cli("init", "--merge").code == 0
    data = (folder / ".pre-commit-config.yaml").read_bytes()
    assert data.startswith(b"repos:\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert hook_order(data.decode())[:3] == ["isort", "black", "x"]


def test_merge_refuses_a_flow_list(folder: Path, run_cli: Run) -> None:
    write(folder, ".pre-commit-config.yaml", "repos: []\n")
    result = run_cli("init", "--merge")
    assert result.code == 1
    assert "`repos:` is empty or a flow list" in result.err
    assert (folder / ".pre-commit-config.yaml").read_text() == "repos: []\n"


def test_merge_reports_invalid_yaml(folder: Path, run_cli: Run) -> None:
    write(folder, ".pre-commit-config.yaml", "repos:\n  - repo: [unclosed\n")
    result = run_cli("init", "--merge")
    assert result.code == 2
    assert result.err.startswith(
        "mldebt init: error: .pre-commit-config.yaml: not valid YAML"
    )
    assert len(result.err.splitlines()) == 1


def test_a_config_with_every_hook_needs_no_merge(folder: Path, run_cli: Run) -> None:
    write(folder, ".pre-commit-config.yaml", render_config(REPO_URL, "v0.0.1"))
    result = run_cli("init")
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == (
        ".pre-commit-config.yaml: unchanged (has every hook)"
    )


# --- --dry-run ---------------------------------------------------------------------


def test_dry_run_prints_a_diff_that_applies(folder: Path, run_cli: Run) -> None:
    write(folder, "pyproject.toml", EXISTING_PYPROJECT)
    result = run_cli("init", "--dry-run")
    assert result.code == 0, result.err
    assert result.out.startswith(
        "--- /dev/null\n+++ b/.pre-commit-config.yaml\n@@ -0,0 +1,15 @@\n"
    )
    assert "--- a/pyproject.toml\n+++ b/pyproject.toml\n" in result.out
    assert result.err.splitlines()[0] == (
        f"would write .pre-commit-config.yaml: {len(HOOK_IDS)} hooks, rev {REV}"
    )
    assert sorted(path.name for path in files(folder)) == ["pyproject.toml"]
    # the diff, applied, gives exactly what a real run writes
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    applied = folder.parent / "applied"
    shutil.copytree(folder, applied)
    (applied / "changes.diff").write_text(result.out)
    subprocess.run(["git", "apply", "-p1", "changes.diff"], cwd=applied, check=True)
    assert run_cli("init").code == 0
    for name in (".pre-commit-config.yaml", "pyproject.toml"):
        assert (applied / name).read_text() == (folder / name).read_text()


def test_dry_run_refuses_like_a_real_run(folder: Path, run_cli: Run) -> None:
    write(folder, ".pre-commit-config.yaml", USER_CONFIG)
    result = run_cli("init", "--dry-run")
    assert result.code == 1
    assert result.out == ""


# --- the README shows the config init writes --------------------------------------


def test_readme_shows_exactly_what_init_writes() -> None:
    readme = (CHECKOUT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The recommended hooks", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, flags=re.DOTALL)
    assert blocks and blocks[0] == render_config(REPO_URL, REV)
    toml_block = re.findall(r"```toml\n(.*?)```", section, flags=re.DOTALL)[0]
    from mldebt.project_setup import plan_pyproject

    with_tables = plan_pyproject(Path("/nonexistent-folder")).changes[0].after
    assert toml_block == with_tables


# --- end to end: real git, real pre-commit --------------------------------------------

GIT = shutil.which("git")
e2e = pytest.mark.skipif(GIT is None, reason="git is not installed")


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` with a throwaway identity; return its output."""
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This working tree, committed to a throwaway repo and tagged with our rev.

    Like ``pre-commit try-repo``, it takes the files as they are now (tracked and
    untracked, not ignored), so uncommitted work is what gets tested.
    """
    if GIT is None:
        pytest.skip("git is not installed")
    target = tmp_path_factory.mktemp("hook-repo")
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=CHECKOUT,
        capture_output=True,
        check=True,
    ).stdout
    for name in filter(None, listing.decode().split("\0")):
        source = CHECKOUT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "--no-verify", "-m", "mldebt under test")
    git(target, "tag", REV)
    return target


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache: the hook environment is built once for the module."""
    return tmp_path_factory.mktemp("pre-commit-home")


def run_tool(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m ARGS`` in ``repo`` the way a user's shell would."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    for name in ("VIRTUAL_ENV", "CONDA_PREFIX", "PRE_COMMIT"):
        env.pop(name, None)
    env["PATH"] = path_without_virtualenvs(env.get("PATH", ""))
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


HOOK_NAMES = {
    "isort": "isort (black's profile and line length)",
    "black": "black",
    "check-ast": "check python ast",
    "mldebt": "mldebt (ML technical debt)",
    "pydocstyle": "pydocstyle",
    "mypy": "mypy",
    "raw-data-immutable": "raw data is immutable",
    "check-data-files": "no large data files in git",
}


def hook_status(output: str) -> dict[str, str]:
    """Hook id -> Passed/Failed/Skipped, from pre-commit's summary lines."""
    status = {}
    for hook_id, name in HOOK_NAMES.items():
        match = re.search(
            rf"^{re.escape(name)}\.+\s*(?:\(no files to check\))?(Passed|Failed|Skipped)$",
            output,
            flags=re.MULTILINE,
        )
        if match:
            status[hook_id] = match.group(1)
    return status


def init_project(project: Path, hook_repo: Path, home: Path) -> None:
    """``git init``, stage everything, ``mldebt init --repo``, stage again."""
    git(project, "init", "-q")
    result = run_tool(project, home, "mldebt", "init", "--repo", str(hook_repo))
    assert result.returncode == 0, result.stderr
    git(project, "add", "-A")


CLEAN_PROJECT = {
    ".gitignore": ".venv/\n",
    "src/sample/__init__.py": '"""A small, clean sample project."""\n',
    "src/sample/train.py": '''\
        """Train a tiny model with seeded randomness."""

        import random

        import numpy as np


        def train(size: int) -> float:
            """Return the mean of a seeded random sample.

            Parameters
            ----------
            size : int
                How many numbers to draw.

            Returns
            -------
            float
                Their mean.
            """
            rng = np.random.default_rng(2024)
            return float(rng.random(size).mean())


        if __name__ == "__main__":
            random.seed(7)
            print(train(10), random.random())
        ''',
    "data/raw/customers.csv": "id,churned\n1,0\n",
}


@e2e
def test_every_hook_passes_on_a_clean_project(
    tmp_path: Path, hook_repo: Path, pre_commit_home: Path
) -> None:
    project = tmp_path / "clean"
    for name, text in CLEAN_PROJECT.items():
        write(project, name, text)
    init_project(project, hook_repo, pre_commit_home)
    result = run_tool(project, pre_commit_home, "pre_commit", "run", "--all-files")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert hook_status(output) == {hook_id: "Passed" for hook_id in HOOK_NAMES}

    # mypy sees the project's .venv under pre-commit (where $VIRTUAL_ENV is the
    # hook's own environment): a typed package there makes a type error visible.
    venv_with_typed_package(project)
    write(
        project,
        "src/sample/report.py",
        '''\
        """Report the answer."""

        import typedpkg

        LABEL: str = typedpkg.answer()
        ''',
    )
    git(project, "add", "-A")
    result = run_tool(project, pre_commit_home, "pre_commit", "run", "mypy")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert (
        "src/sample/report.py:5: error: Incompatible types in assignment (expression "
        'has type "int", variable has type "str")' in output
    )


FINDING = re.compile(r"^(\S+:\d+:\d+: MLD\d+) ", flags=re.MULTILINE)


@e2e
def test_on_the_examples_mldebt_fails_and_the_others_do_their_job(
    tmp_path: Path, hook_repo: Path, pre_commit_home: Path
) -> None:
    project = tmp_path / "examples"
    listing = git(CHECKOUT, "ls-files", "--cached", "--others", "--exclude-standard")
    for name in listing.splitlines():
        if name.startswith("examples/") and (CHECKOUT / name).is_file():
            target = project / name[len("examples/") :]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(CHECKOUT / name, target)
    init_project(project, hook_repo, pre_commit_home)

    first = run_tool(project, pre_commit_home, "pre_commit", "run", "--all-files")
    output = first.stdout + first.stderr
    assert first.returncode == 1, output
    status = hook_status(output)
    assert set(status) == set(HOOK_NAMES), output
    assert status["mldebt"] == "Failed"
    assert status["check-ast"] == "Passed"
    assert "- exit code: 2" not in output and "Traceback" not in output
    if status["isort"] == "Failed":  # isort fixes files, and so fails the run
        assert "- hook id: isort\n- files were modified by this hook" in output
    reported = set(FINDING.findall(output))
    codes = {finding.rsplit(" ", 1)[1] for finding in reported}
    assert {"MLD101", "MLD102", "MLD103", "MLD104", "MLD201", "MLD202"} <= codes
    # the hook reports what `mldebt check` reports on the same (fixed) files
    check = run_tool(project, pre_commit_home, "mldebt", "check", "--no-cache", "src")
    assert set(FINDING.findall(check.stdout)) == reported

    # a second run: the fixers find nothing left to fix, mldebt the same debt
    second = run_tool(project, pre_commit_home, "pre_commit", "run", "--all-files")
    output = second.stdout + second.stderr
    status = hook_status(output)
    assert status["isort"] == status["black"] == "Passed", output
    assert status["mldebt"] == "Failed"
    assert set(FINDING.findall(output)) == reported
