"""mldebt over real code: no internal error, and every range inside its file.

Three corpora, each linted by the CLI as a child process (``--jobs 2``, JSON):

- the standard library's own modules (its test suites left out), copied from the
  running interpreter (``sysconfig.get_paths()["stdlib"]``) into a temp folder:
  the stdlib may sit in a git checkout that ignores it (pyenv) or under a folder
  the default excludes skip. Offline; runs with every ``pytest``.
- the standard library's test suites (``test/``, ``tests/``, ``idle_test/``): full
  of deliberately broken files (bad encodings, bad syntax, odd grammar);
- scikit-learn 1.5.2, downloaded from PyPI with pip (one wheel pinned by its
  hash: the same bytes on every platform and Python).

The last two are marked ``corpus``. They run with every ``pytest``, CI's included;
``pytest -m "not corpus"`` leaves them out of a quick local loop. A failed
download fails the test: it never passes without having swept.

Together the two stdlib halves are the whole standard library. On two cores each
sweep takes well under a minute.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path
from typing import Any

import pytest

from .source_ranges import range_problems, source_lines

SKLEARN_WHEEL = (
    "scikit_learn-1.5.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
)
SKLEARN_SHA256 = "f8b0ccd4a902836493e026c03256e8b206656f91fbcc4fde28c57a5b752561f1"
TEST_FOLDERS = frozenset({"test", "tests", "idle_test"})
SWEEP_TIMEOUT = 600


def copy_stdlib(destination: Path, test_suites: bool) -> int:
    """Copy the stdlib's ``.py`` files (library or test suites); return how many."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    copied = 0
    for folder, subfolders, files in os.walk(stdlib):
        subfolders[:] = [
            name
            for name in subfolders
            if name not in ("site-packages", "dist-packages", "__pycache__")
        ]
        relative_folder = Path(folder).relative_to(stdlib)
        in_tests = bool(TEST_FOLDERS & set(relative_folder.parts))
        if in_tests != test_suites:
            continue
        for name in files:
            if name.endswith(".py"):
                target = destination / relative_folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(Path(folder) / name, target)
                copied += 1
    return copied


def sweep(root: Path) -> list[dict[str, Any]]:
    """Run ``mldebt check`` over ``root``; assert it ran clean; return the findings."""
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "mldebt",
            "check",
            ".",
            "--jobs",
            "2",
            "--output-format",
            "json",
            "--no-cache",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=SWEEP_TIMEOUT,
    )
    assert "Traceback" not in completed.stderr, completed.stderr
    errors = [
        line
        for line in completed.stderr.splitlines()
        if not line.startswith("mldebt: warning: ")
    ]
    assert errors == [], "\n".join(errors)
    assert completed.returncode in (0, 1), completed.stderr
    findings: list[dict[str, Any]] = json.loads(completed.stdout)
    return findings


def assert_ranges_inside_files(root: Path, findings: list[dict[str, Any]]) -> None:
    lines_of: dict[str, list[str]] = {}
    problems = []
    for finding in findings:
        path = root / finding["path"]
        assert path.is_file() and root.resolve() in path.resolve().parents, path
        if finding["path"] not in lines_of:
            lines_of[finding["path"]] = source_lines(path)
        for problem in range_problems(finding, lines_of[finding["path"]]):
            problems.append(
                f"{finding['path']}:{finding['line']}:{finding['column']} "
                f"{finding['code']}: {problem}"
            )
    assert problems == [], "\n".join(problems)


def test_stdlib_modules_sweep(tmp_path: Path) -> None:
    assert copy_stdlib(tmp_path, test_suites=False) > 500
    findings = sweep(tmp_path)
    assert {finding["code"] for finding in findings} >= {"MLD101"}
    assert_ranges_inside_files(tmp_path, findings)


@pytest.mark.corpus
def test_stdlib_test_suites_sweep(tmp_path: Path) -> None:
    assert copy_stdlib(tmp_path, test_suites=True) > 500
    findings = sweep(tmp_path)
    # the suites hold files that are not valid Python on purpose
    assert "MLD001" in {finding["code"] for finding in findings}
    assert_ranges_inside_files(tmp_path, findings)


def download_sklearn(cache: Path) -> Path:
    """The pinned scikit-learn wheel, fetched with pip (its HTTP cache helps)."""
    wheel = cache / SKLEARN_WHEEL
    if not wheel.exists():
        requirement = cache / "requirements.txt"
        requirement.write_text(
            f"scikit-learn==1.5.2 --hash=sha256:{SKLEARN_SHA256}\n", encoding="utf-8"
        )
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                "--platform",
                "manylinux2014_x86_64",
                "--python-version",
                "3.11",
                "--implementation",
                "cp",
                "--abi",
                "cp311",
                "--require-hashes",
                "-r",
                str(requirement),
                "--dest",
                str(cache),
            ],
            check=True,
            timeout=SWEEP_TIMEOUT,
        )
    assert wheel.is_file()
    return wheel


@pytest.mark.corpus
def test_sklearn_sweep(tmp_path_factory: pytest.TempPathFactory) -> None:
    wheel = download_sklearn(tmp_path_factory.mktemp("wheels"))
    root = tmp_path_factory.mktemp("sklearn")
    with zipfile.ZipFile(wheel) as archive:
        sources = [name for name in archive.namelist() if name.endswith(".py")]
        archive.extractall(root, sources)
    assert len(sources) > 500
    findings = sweep(root)
    codes = {finding["code"] for finding in findings}
    # a library's modules are judged by the project's programs, and sklearn's
    # wheel has none: what remains are module-level draws
    assert "MLD101" in codes
    assert_ranges_inside_files(root, findings)
