"""Hostile input: every odd file gets a clear finding or message, and the run goes on.

Each case puts one hostile file next to ``ok.py`` (one known MLD101 finding) and
runs the CLI; ``ok.py`` must still be reported. First the files' contents (empty,
BOM only, coding cookies, CRLF/CR/mixed line endings, NUL bytes, invalid UTF-8,
50,000 lines, deep nesting, broken notebooks), then the file system (symlink
loops, unreadable files and folders, folders named ``x.py``, a FIFO). Last,
fixes on files with CRLF, CR, mixed line endings, BOMs, coding cookies, tabs and
trailing whitespace: the written bytes must be exactly the original with the
announced edits made, nothing else.
"""

from __future__ import annotations

import builtins
import codecs
import json
import multiprocessing
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mldebt.engine import parse_limits

from .conftest import UNSEEDED, CliResult, run_mldebt_child
from .source_ranges import (
    apply_json_edits,
    decode_source,
    encode_source,
    range_problems,
    source_lines,
)

Run = Callable[..., CliResult]
Project = Callable[..., Path]

OK_FINDING = "ok.py:2:5: MLD101 "
SHUFFLE = "import random\nrandom.shuffle(rows)\n"


def findings_of(result: CliResult) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(result.out)
    return data


def assert_clean_messages(result: CliResult) -> None:
    """No traceback, no internal error, each message on a line of its own."""
    assert "Traceback" not in result.out + result.err
    assert "internal error" not in result.err
    for line in result.err.splitlines():
        assert line.startswith(("mldebt: warning: ", "mldebt: error: ")), line


def assert_ranges_inside(root: Path, result: CliResult) -> None:
    for finding in findings_of(result):
        lines = source_lines(root / finding["path"])
        assert range_problems(finding, lines) == [], finding


def check_json(run_cli: Run, *args: str) -> CliResult:
    return run_cli("check", "--no-cache", "--output-format", "json", *args)


def codes_by_path(result: CliResult) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in findings_of(result):
        found.setdefault(finding["path"], []).append(finding["code"])
    return found


# ---- one hostile file at a time --------------------------------------------------

# name -> (bytes, the codes its findings must have, text in each finding's message,
# where the first finding starts or None where the Python version decides)
HOSTILE_FILES: dict[str, tuple[bytes, list[str], str, tuple[int, int] | None]] = {
    "empty": (b"", [], "", None),
    "bom_only": (codecs.BOM_UTF8, [], "", None),
    "bom_and_newline": (codecs.BOM_UTF8 + b"\r\n", [], "", None),
    "latin1_cookie": (
        b"# -*- coding: latin-1 -*-\nimport random\nname = 'caf\xe9'\n"
        b"random.shuffle(rows)\n",
        ["MLD101"],
        "random.shuffle",
        (4, 1),
    ),
    "crlf": (b"import random\r\n\r\nrandom.shuffle(rows)\r\n", ["MLD101"], "", (3, 1)),
    "cr_only": (b"import random\r\rrandom.shuffle(rows)\r", ["MLD101"], "", (3, 1)),
    "mixed_endings": (
        b"import random\r\nx = 1\ry = 2\n\x0c\nrandom.shuffle(rows)\r\n",
        ["MLD101"],
        "",
        (5, 1),
    ),
    "nul_byte": (
        b"import random\nx = 1\x00\nrandom.shuffle(rows)\n",
        ["MLD001"],
        "null",
        None,
    ),
    "invalid_utf8": (
        b"import random\nx = '\xff\xfe'\nrandom.shuffle(rows)\n",
        ["MLD001"],
        "decode",
        (1, 1),
    ),
    "unknown_cookie": (
        b"# -*- coding: no-such-codec -*-\nimport random\n",
        ["MLD001"],
        "no-such-codec",
        (1, 1),
    ),
    "cookie_lies": (
        b"# -*- coding: ascii -*-\nimport random\nx = '\xc3\xa9'\n",
        ["MLD001"],
        "decode",
        (1, 1),
    ),
    "utf16_bytes": ("import random\n".encode("utf-16"), ["MLD001"], "", (1, 1)),
    "deep_lists": (
        b"import random\nx = " + b"[" * 200 + b"1" + b"]" * 200 + b"\n"
        b"random.shuffle(x)\n",
        ["MLD101"],
        "",
        (3, 1),
    ),
    "deep_ifs": (
        b"import random\n"
        + b"".join(b"    " * depth + b"if x:\n" for depth in range(98))
        + b"    " * 98
        + b"random.shuffle(x)\n",
        ["MLD101"],
        "",
        (100, 393),
    ),
    "deep_unary": (b"import random\nx = " + b"-" * 5000 + b"1\n", ["MLD001"], "", None),
    "long_attribute_chain": (
        b"import random\nx = a" + b".b" * 20000 + b"\n",
        ["MLD001"],
        "",
        None,
    ),
    "long_call_chain": (
        b"import random\nx = f" + b"(1)" * 5000 + b"\n",
        ["MLD001"],
        "",
        None,
    ),
    "deep_lambdas": (
        b"import random\nx = " + b"lambda: " * 500 + b"1\nrandom.shuffle(x)\n",
        ["MLD101"],
        "",
        (3, 1),
    ),
    "long_line": (
        b"import random\nx = [" + b"1, " * 10_000 + b"]\nrandom.shuffle(x)\n",
        ["MLD101"],
        "",
        (3, 1),
    ),
    "only_comment_no_newline": (b"# random", [], "", None),
    "form_feeds": (
        b"\x0cimport random\n\x0c\nrandom.shuffle(x)\n",
        ["MLD101"],
        "",
        (3, 1),
    ),
    # libcst drops form feeds that start a statement's line: columns stay the file's
    "form_feeds_before_code": (
        b"\x0c\x0cimport random; random.shuffle(x)\nif x:\n  \x0c  random.shuffle(x)\n",
        ["MLD101", "MLD101"],
        "",
        (1, 18),
    ),
}


# ---- valid Python that libcst cannot parse ------------------------------------------

# CPython accepts each; libcst's parser rejects it, or would crash the process
# (SIGSEGV, exit 139, nothing printed) or stall on it, so it is not given to
# libcst (engine/parse_limits.py). Never MLD001: one warning naming the file.
BEYOND_LIBCST: dict[str, bytes] = {
    "and_chain": b"import random\nx = " + b" and ".join([b"a"] * 8000) + b"\n",
    "or_chain": b"import random\nx = " + b" or ".join([b"a"] * 8000) + b"\n",
    "and_or_chain": b"import random\nx = " + b"a or a and " * 8000 + b"a\n",
    "dotted_import": b"import random\nimport a" + b".b" * 8000 + b"\n",
    "dotted_from_import": b"import random\nfrom a" + b".b" * 8000 + b" import c\n",
    # not crashes, but libcst would take tens of seconds or more
    "plus_chain": b"import random\nx = " + b" + ".join([b"a"] * 2500) + b"\n",
    "method_chain": b"import random\nx = a" + b".b()" * 1400 + b"\n",
    # rejected by libcst (not MLD001: CPython accepts them)
    "adjacent_strings": b"import random\nx = (" + b'"a" ' * 4000 + b")\n",
    "adjacent_strings_one_line": b"import random\nx = " + b'"a" ' * 4000 + b"\n",
    "adjacent_fstrings": b"import random\nx = " + b'f"a" ' * 4000 + b"\n",
    "backslash_line_before_block": b"import random\nif True:\n\\\n\tpass\n",
    "backslash_line_before_def_body": b"import random\ndef f():\n\\\n    pass\n",
    "parenthesized_annotation_target": b"import random\n(pars): bool = True\n",
    "many_comprehension_fors": b"import random\nx = [a "
    + b"for a in a " * 4000
    + b"]\n",
}
NOT_LINTED = "mldebt: warning: {}: not linted: libcst cannot parse this file, "


def run_mldebt(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process, without the cache: if libcst's parser
    crashes, the test fails instead of the test run."""
    return run_mldebt_child(root, "--no-cache", *args)


@pytest.mark.parametrize("name", sorted(BEYOND_LIBCST))
def test_valid_python_libcst_cannot_parse_is_a_warning_not_mld001(
    project: Project, name: str
) -> None:
    root = project(ok_py=UNSEEDED)
    (root / "hostile.py").write_bytes(BEYOND_LIBCST[name])
    for args in (["-j1", "."], ["hostile.py", "ok.py"]):
        completed = run_mldebt(root, *args)
        assert completed.returncode == 1, completed.stderr
        assert completed.stdout.startswith(OK_FINDING)
        assert "MLD001" not in completed.stdout
        [warning] = completed.stderr.splitlines()
        assert warning.startswith(NOT_LINTED.format("hostile.py"))


def test_valid_python_libcst_cannot_parse_through_the_worker_pool(
    project: Project,
) -> None:
    files = {f"ok{index}_py": UNSEEDED for index in range(16)}
    root = project(**files)
    for name, raw in BEYOND_LIBCST.items():
        (root / f"{name}.py").write_bytes(raw)
    completed = run_mldebt(root, "--jobs", "2", ".")
    assert completed.returncode == 1, completed.stderr
    assert completed.stdout.count(" MLD101 ") == 16
    assert "MLD001" not in completed.stdout
    warnings = sorted(completed.stderr.splitlines())
    assert len(warnings) == len(BEYOND_LIBCST)
    for warning, name in zip(warnings, sorted(BEYOND_LIBCST)):
        assert warning.startswith(NOT_LINTED.format(f"{name}.py"))


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(),
    reason="the workers must inherit the lifted limit",
)
def test_a_worker_killed_by_libcst_costs_only_its_file(
    run_cli: Run, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash nobody predicted: without the depth limit libcst's parser kills its
    worker (SIGSEGV). That file is one error line; every other file is linted."""
    monkeypatch.setattr(parse_limits, "EXPRESSION_DEPTH_LIMIT", 10**9)
    files = {f"ok{index}_py": UNSEEDED for index in range(20)}
    root = project(**files)
    (root / "crash.py").write_bytes(BEYOND_LIBCST["and_chain"])
    result = run_cli("check", "--no-cache", "--jobs", "2", ".")
    assert result.code == 2
    assert result.out.count(" MLD101 ") == 20
    assert result.err.splitlines() == [
        "mldebt: error: crash.py: internal error: the worker process died while "
        "linting this file (a crash of libcst's native parser?); it was not "
        "linted (please report this at the mldebt issue tracker)"
    ]


def test_chains_within_the_limit_are_linted(project: Project) -> None:
    chain = " and ".join(["a"] * 1500) + " or " + ".b".join(["a"] * 400)
    root = project(long_py=f"import random\nx = {chain}\nrandom.shuffle(x)\n")
    completed = run_mldebt(root, "long.py")
    assert completed.stdout.startswith("long.py:3:1: MLD101 "), completed.stderr
    assert completed.stderr == ""


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_hostile_file_gets_a_clear_finding_and_the_run_continues(
    run_cli: Run, project: Project, name: str
) -> None:
    raw, codes, message, position = HOSTILE_FILES[name]
    root = project(ok_py=UNSEEDED)
    (root / "hostile.py").write_bytes(raw)
    for args in (["."], ["hostile.py", "ok.py"]):
        result = check_json(run_cli, *args)
        assert_clean_messages(result)
        assert result.code == 1, result.err
        found = codes_by_path(result)
        assert found.pop("ok.py") == ["MLD101"]
        assert found.get("hostile.py", []) == codes
        mine = [f for f in findings_of(result) if f["path"] == "hostile.py"]
        assert all(message in finding["message"] for finding in mine)
        if position is not None:
            assert (mine[0]["line"], mine[0]["column"]) == position
        assert_ranges_inside(root, result)


HOSTILE_NOTEBOOKS = {
    "empty": b"",
    "truncated": b'{"cells": [',
    "not_utf8": b"\xff\xfe{}",
    "a_list": b"[]",
    "cells_not_a_list": b'{"cells": 3}',
    "cell_not_an_object": b'{"cells": [null]}',
    "source_not_text": b'{"cells": [{"cell_type": "code", "source": 5}]}',
}


@pytest.mark.parametrize("name", sorted(HOSTILE_NOTEBOOKS))
def test_hostile_notebook_is_a_syntax_finding(
    run_cli: Run, project: Project, name: str
) -> None:
    root = project(ok_py=UNSEEDED)
    (root / "book.ipynb").write_bytes(HOSTILE_NOTEBOOKS[name])
    result = check_json(run_cli, "--fix", "--unsafe-fixes", ".")
    assert_clean_messages(result)
    assert codes_by_path(result) == {"book.ipynb": ["MLD001"], "ok.py": ["MLD101"]}
    assert (root / "book.ipynb").read_bytes() == HOSTILE_NOTEBOOKS[name]


def test_hostile_files_all_together_through_the_worker_pool(
    run_cli: Run, project: Project
) -> None:
    root = project(ok_py=UNSEEDED)
    for name, (raw, *_) in HOSTILE_FILES.items():
        (root / f"{name}.py").write_bytes(raw)
    result = check_json(run_cli, "--jobs", "2", ".")
    assert_clean_messages(result)
    assert result.code == 1
    found = codes_by_path(result)
    assert found.pop("ok.py") == ["MLD101"]
    assert found == {
        f"{name}.py": codes for name, (_, codes, *_) in HOSTILE_FILES.items() if codes
    }
    assert_ranges_inside(root, result)


def test_fifty_thousand_line_generated_file(run_cli: Run, project: Project) -> None:
    root = project(ok_py=UNSEEDED)
    rows = "".join(f"    {index},\n" for index in range(50_000 - 4))
    text = f"import random\nDATA = [\n{rows}]\nrandom.shuffle(DATA)\n"
    (root / "generated.py").write_text(text, encoding="utf-8")
    assert text.count("\n") == 50_000
    result = run_cli("check", "--no-cache", ".")
    assert_clean_messages(result)
    assert result.code == 1
    assert result.out.startswith("generated.py:50000:1: MLD101 ")
    assert OK_FINDING in result.out


def test_syntax_warnings_are_neither_printed_nor_errors(
    project: Project,
) -> None:
    """``"\\d"`` is valid Python that warns when compiled (a DeprecationWarning up
    to 3.11, a SyntaxWarning from 3.12 on): the user's warning filters must not
    turn it into an MLD001 nor print the warning in the middle of the report."""
    root = project(
        ok_py=UNSEEDED,
        pattern_py="import random\nimport re\nDIGITS = re.compile('\\d+')\n"
        "random.shuffle(rows)\n",
    )
    for warnings_filter in ("error", "default"):
        completed = subprocess.run(
            [sys.executable, "-m", "mldebt", "check", "--no-cache", "."],
            cwd=root,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONWARNINGS": warnings_filter},
            timeout=120,
        )
        assert completed.returncode == 1, completed.stderr
        assert completed.stderr == "", warnings_filter
        reported = [line.split(" ")[:2] for line in completed.stdout.splitlines()]
        assert reported[:2] == [
            ["ok.py:2:5:", "MLD101"],
            ["pattern.py:4:1:", "MLD101"],
        ], completed.stdout


# ---- the file system ---------------------------------------------------------------


def test_symlink_loop_in_a_folder_walk_is_skipped(
    run_cli: Run, project: Project
) -> None:
    root = project(ok_py=UNSEEDED)
    (root / "loop_a.py").symlink_to("loop_b.py")
    (root / "loop_b.py").symlink_to("loop_a.py")
    (root / "self.py").symlink_to("self.py")
    result = run_cli("check", "--no-cache", ".")
    assert_clean_messages(result)
    assert result.code == 1
    assert result.out.startswith(OK_FINDING)


def test_symlink_loop_named_on_the_command_line(run_cli: Run, project: Project) -> None:
    root = project(ok_py=UNSEEDED)
    (root / "loop_a.py").symlink_to("loop_b.py")
    (root / "loop_b.py").symlink_to("loop_a.py")
    result = run_cli("check", "--no-cache", "loop_a.py", "ok.py")
    assert_clean_messages(result)
    assert OK_FINDING in result.out, "the other files are still linted"
    [message] = [line for line in result.err.splitlines() if "loop_a.py" in line]
    assert "symbolic links" in message and "no such file" not in message


def test_symlinked_folder_loop_is_not_followed(run_cli: Run, project: Project) -> None:
    root = project(ok_py=UNSEEDED, sub__inner_py=SHUFFLE)
    (root / "sub" / "up").symlink_to("..")
    (root / "sub" / "again").symlink_to(root / "sub")
    result = check_json(run_cli, ".")
    assert_clean_messages(result)
    assert codes_by_path(result) == {"ok.py": ["MLD101"], "sub/inner.py": ["MLD101"]}


def test_dangling_symlink_is_skipped(run_cli: Run, project: Project) -> None:
    root = project(ok_py=UNSEEDED)
    (root / "gone.py").symlink_to("nowhere.py")
    result = run_cli("check", "--no-cache", ".")
    assert_clean_messages(result)
    assert result.code == 1 and result.out.startswith(OK_FINDING)


def _denied(path: object, bits: int) -> bool:
    """Whether an unprivileged user would be refused ``path`` (mode has no ``bits``)."""
    if isinstance(path, int):
        return False
    try:
        mode = os.stat(os.fsdecode(path)).st_mode  # type: ignore[arg-type]
    except (OSError, TypeError, ValueError):
        return False
    return stat.S_IMODE(mode) & bits == 0


@pytest.fixture
def as_unprivileged_user(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Under root the kernel ignores mode bits: refuse what it would refuse anyone
    else, so ``chmod 000`` means the same in every CI container."""
    if os.geteuid() == 0:
        real_open, real_scandir, real_os_open = builtins.open, os.scandir, os.open

        def guarded_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if _denied(file, 0o444 if "r" in mode or "+" in mode else 0o222):
                raise PermissionError(13, "Permission denied", file)
            return real_open(file, mode, *args, **kwargs)

        def guarded_scandir(path: Any = ".") -> Any:
            if _denied(path, 0o444):
                raise PermissionError(13, "Permission denied", path)
            return real_scandir(path)

        def guarded_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            reading = flags & os.O_ACCMODE == os.O_RDONLY
            if _denied(path, 0o444 if reading else 0o222):
                raise PermissionError(13, "Permission denied", path)
            return real_os_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", guarded_open)
        monkeypatch.setattr(os, "scandir", guarded_scandir)
        monkeypatch.setattr(os, "open", guarded_os_open)
    yield


def test_unreadable_file_is_an_error_line_and_the_run_continues(
    run_cli: Run, project: Project, as_unprivileged_user: None
) -> None:
    root = project(ok_py=UNSEEDED, secret_py=SHUFFLE)
    (root / "secret.py").chmod(0)
    try:
        for args in (["."], ["secret.py", "ok.py"]):
            result = run_cli("check", "--no-cache", *args)
            assert_clean_messages(result)
            assert result.code == 2
            assert OK_FINDING in result.out
            assert result.err == (
                "mldebt: error: secret.py: cannot read: Permission denied\n"
            )
    finally:
        (root / "secret.py").chmod(0o644)


def test_unreadable_folder_is_a_warning_and_the_run_continues(
    run_cli: Run, project: Project, as_unprivileged_user: None
) -> None:
    root = project(ok_py=UNSEEDED, locked__inner_py=SHUFFLE)
    (root / "locked").chmod(0)
    try:
        result = run_cli("check", "--no-cache", ".")
        assert_clean_messages(result)
        assert result.code == 1 and result.out.startswith(OK_FINDING)
        assert "locked: cannot list folder: Permission denied" in result.err
    finally:
        (root / "locked").chmod(0o755)


def test_folder_named_like_a_python_file(run_cli: Run, project: Project) -> None:
    root = project(ok_py=UNSEEDED)
    (root / "pkg.py").mkdir()
    (root / "pkg.py" / "inner.py").write_text(SHUFFLE)
    (root / "empty.py").mkdir()
    (root / "book.ipynb").mkdir()
    for args in (["."], ["empty.py", "book.ipynb", "pkg.py", "ok.py"]):
        result = check_json(run_cli, *args)
        assert_clean_messages(result)
        assert result.code == 1
        assert codes_by_path(result) == {
            "ok.py": ["MLD101"],
            "pkg.py/inner.py": ["MLD101"],
        }


def test_fifo_named_like_a_python_file_does_not_hang(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text(UNSEEDED)
    os.mkfifo(tmp_path / "pipe.py")
    for args in (["."], ["pipe.py", "ok.py"]):
        completed = subprocess.run(
            [sys.executable, "-m", "mldebt", "check", "--no-cache", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert OK_FINDING in completed.stdout
        assert "Traceback" not in completed.stderr
        if args != ["."]:  # named explicitly: say why it is not linted
            assert "pipe.py" in completed.stderr


# ---- --fix keeps every byte it does not fix ----------------------------------------

# name -> (bytes, extra CLI flags); each file has exactly one fixable finding.
PRESERVED: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "crlf_tabs_trailing_spaces": (
        b"import random\t\r\n\r\ndef f():\r\n\treturn 1  \r\n"
        b"random.shuffle(rows)   \r\n",
        ("--unsafe-fixes",),
    ),
    "latin1_cookie": (
        b"# -*- coding: latin-1 -*-\nimport random\nname = 'caf\xe9'  \n"
        b"random.shuffle(rows)\n",
        ("--unsafe-fixes",),
    ),
    "shift_jis_cookie": (
        "# -*- coding: shift_jis -*-\nimport random\nname = '表示'\n"
        "random.shuffle(rows)\n".encode("shift_jis"),
        ("--unsafe-fixes",),
    ),
    "bom_crlf": (
        codecs.BOM_UTF8 + b"import random\r\nrandom.shuffle(rows)\r\n",
        ("--unsafe-fixes",),
    ),
    "mixed_endings": (
        b"import random\r\nx = 1\ry = 2\n\x0c\nrandom.shuffle(rows)\r\n",
        ("--unsafe-fixes",),
    ),
    "cr_only": (b"import random\rrandom.shuffle(rows)\r", ("--unsafe-fixes",)),
    "no_final_newline": (b"import random\nrandom.shuffle(rows)", ("--unsafe-fixes",)),
    "keyword_after_non_ascii_latin1": (
        b"# coding: latin-1\nfrom sklearn.model_selection import train_test_split\n"
        b"nom = '\xe9t\xe9'; parts = train_test_split(X, y)  \r\n",
        ("--unsafe-fixes",),
    ),
    "safe_constant_crlf_tabs": (
        b"import torch\r\n\r\ndef fit(model):\r\n"
        b"\topt = torch.optim.AdamW(model.parameters(), lr=3e-4)\t\r\n"
        b"\treturn opt\r\n",
        (),
    ),
    "deep_lists": (
        b"import random\nx = " + b"[" * 200 + b"1" + b"]" * 200 + b"\n"
        b"random.shuffle(x)\n",
        ("--unsafe-fixes",),
    ),
    "leading_form_feeds": (
        b"\x0c\x0cfrom sklearn.svm import SVC\nclf = SVC(C=0.5)\n",
        (),
    ),
    "form_feeds_before_statements": (
        b"from sklearn.svm import SVC\n\x0cclf = SVC(C=0.5)\nif clf:\n"
        b"    \x0c    clf.fit(X, y)\n",
        (),
    ),
}


@pytest.mark.parametrize("name", sorted(PRESERVED))
def test_fix_changes_only_the_announced_spans(
    run_cli: Run, project: Project, name: str
) -> None:
    raw, flags = PRESERVED[name]
    root = project()
    path = root / "train.py"
    path.write_bytes(raw)
    announced = check_json(run_cli, *flags, "train.py")
    assert_clean_messages(announced)
    fixable = [finding for finding in findings_of(announced) if finding["fix"]]
    assert len(fixable) == 1, announced.out
    decoded = decode_source(raw)
    assert decoded is not None
    text, encoding, bom = decoded
    expected = encode_source(
        apply_json_edits(text, fixable[0]["fix"]["edits"]), encoding, bom
    )

    result = run_cli("check", "--no-cache", "--fix", *flags, "train.py")
    assert_clean_messages(result)
    assert result.code == 0, result.out
    assert path.read_bytes() == expected
    assert sorted(p.name for p in root.iterdir()) == ["train.py"]
    again = run_cli("check", "--no-cache", "--fix", *flags, "train.py")
    assert again.code == 0 and path.read_bytes() == expected


def test_files_without_fixes_are_not_rewritten(run_cli: Run, project: Project) -> None:
    root = project(ok_py=UNSEEDED)
    for name, (raw, *_) in HOSTILE_FILES.items():
        (root / f"{name}.py").write_bytes(raw)
        os.utime(root / f"{name}.py", ns=(1_000_000_000, 1_000_000_000))
    fixed = {"latin1_cookie", "crlf", "cr_only", "mixed_endings", "deep_lists"}
    fixed |= {"deep_ifs", "deep_lambdas", "long_line", "form_feeds"}
    run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", ".")
    for name, (raw, *_) in HOSTILE_FILES.items():
        path = root / f"{name}.py"
        if name not in fixed:
            assert path.read_bytes() == raw, name
            assert path.stat().st_mtime_ns == 1_000_000_000, name
        else:
            assert path.read_bytes() != raw, name


# ---- --diff output that patch applies ------------------------------------------------

# Characters str.splitlines() ends lines at (and a lone \r, where Python does),
# inside comments and strings of files with one fixable finding each.
ODD_LINE_ENDS = (
    "# section\x0c break\x0b here\n"
    's = "a\x1cb\x85c\u2028d\u2029e"\n'
    "from sklearn.svm import SVC\n"
    "clf = SVC(C=0.5)  # \x0c\n"
)
DIFFED: dict[str, bytes] = {
    "odd_line_ends": ODD_LINE_ENDS.encode(),
    "odd_line_ends_no_final_newline": ODD_LINE_ENDS.rstrip("\n").encode(),
    "leading_form_feed_lone_cr": (
        "\x0cx = 1\ry = 2\r\nfrom sklearn.svm import SVC\nclf = SVC(C=0.5)"
    ).encode(),
}


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs patch(1)")
@pytest.mark.parametrize("name", sorted(DIFFED))
def test_diff_applies_with_patch(run_cli: Run, project: Project, name: str) -> None:
    root = project()
    path = root / "train.py"
    path.write_bytes(DIFFED[name])
    diff = run_cli("check", "--no-cache", "--diff", "train.py")
    assert diff.code == 1 and diff.out.startswith("--- train.py\n"), diff.err
    fixed = run_cli("check", "--no-cache", "--fix", "train.py")
    assert fixed.code == 0, fixed.out + fixed.err
    expected = path.read_bytes()
    assert expected != DIFFED[name]

    path.write_bytes(DIFFED[name])
    (root / "fix.diff").write_bytes(diff.out.encode())
    patched = subprocess.run(
        ["patch", "--force", "-p0", "-i", "fix.diff"], cwd=root, capture_output=True
    )
    assert patched.returncode == 0, patched.stdout + patched.stderr
    assert path.read_bytes() == expected


# ---- the cache folder ----------------------------------------------------------------


def test_a_symlinked_cache_folder_is_not_followed(
    run_cli: Run, project: Project, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = project(ok_py=UNSEEDED, lib_py=SHUFFLE)
    outside = tmp_path_factory.mktemp("outside")
    (root / ".mldebt_cache").symlink_to(outside, target_is_directory=True)
    for args in (["check"], ["check"], ["fix", "--unsafe-fixes"]):
        result = run_cli(*args, ".")
        assert_clean_messages(result)
        assert result.err.count("warning") == 1, result.err
        assert "mldebt_cache is a symbolic link" in result.err
        assert result.code == 1 and OK_FINDING in result.out
    assert list(outside.iterdir()) == []
    assert (root / "lib.py").read_text().startswith("import random\nrandom.seed(")
