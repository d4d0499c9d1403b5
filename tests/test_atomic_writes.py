"""Atomic writes: a fix interrupted at any moment never leaves a partial file.

``mldebt check --fix --unsafe-fixes`` runs as a child process on a file big enough
(a 2 MB string literal: cheap to parse, slow to write and fsync) that the write
itself takes a while, and is killed with SIGKILL:

- at fixed fractions of a full run's duration (before, during and after the
  write), and
- the instant its temporary file appears in the folder, i.e. in mid-write.

After every kill the file is byte-for-byte the original or the fully fixed text.
A temporary file may survive a SIGKILL (nothing can clean up after it); it must
be recognisable as mldebt's (``.mldebt-*.tmp``), never be linted itself, and the
next run must still fix the file.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mldebt.engine import writing
from mldebt.engine.cache_files import write_cache_file
from mldebt.engine.config import Settings
from mldebt.engine.findings import Finding
from mldebt.engine.linter import Linter
from mldebt.engine.notebook_io import Notebook, notebook_from_script

from .conftest import CliResult

Run = Callable[..., CliResult]
Project = Callable[..., Path]

TEMP_NAME = re.compile(r"^\.mldebt-[^/]+\.tmp$")
FRACTIONS = (0.3, 0.7, 0.85, 0.9, 0.95, 1.0)
WATCHED_KILLS = 3
FIX = [sys.executable, "-m", "mldebt", "check", "--no-cache", "--fix", "--unsafe-fixes"]


def big_program() -> bytes:
    literal = "abcdefghij" * 200_000  # 2 MB in one token
    return f'import random\nBLOB = "{literal}"\nrandom.shuffle(rows)\n'.encode()


def start_fix(folder: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*FIX, "train.py"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def kill(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # it had finished already
    process.wait(timeout=60)


def leftovers(folder: Path, names: tuple[str, ...] = ("train.py",)) -> list[str]:
    """What a run left beside its files, or as a temp file in the cache's tmp/
    (the cache folder itself and its caches are no leftover)."""
    found = [
        path.name
        for path in folder.iterdir()
        if path.name not in names and path.name != ".mldebt_cache"
    ]
    temp = folder / ".mldebt_cache" / "tmp"
    if temp.is_dir():
        found += [f"{temp.name}/{path.name}" for path in temp.iterdir()]
    return sorted(found)


@pytest.fixture(scope="module")
def fixed_program(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, float]:
    """The fully fixed bytes, and how long an uninterrupted run takes."""
    folder = tmp_path_factory.mktemp("reference")
    (folder / "train.py").write_bytes(big_program())
    started = time.monotonic()
    completed = subprocess.run(
        [*FIX, "train.py"], cwd=folder, capture_output=True, timeout=300
    )
    duration = time.monotonic() - started
    assert completed.returncode == 0, completed.stderr
    fixed = (folder / "train.py").read_bytes()
    assert fixed == big_program().replace(
        b"import random\n", b"import random\nrandom.seed(0)\n"
    )
    return fixed, duration


def test_sigkill_at_any_moment_leaves_the_original_or_the_fixed_file(
    tmp_path: Path, fixed_program: tuple[bytes, float]
) -> None:
    fixed, duration = fixed_program
    original = big_program()
    for fraction in FRACTIONS:
        (tmp_path / "train.py").write_bytes(original)
        process = start_fix(tmp_path)
        time.sleep(duration * fraction)
        kill(process)
        content = (tmp_path / "train.py").read_bytes()
        assert content in (original, fixed), (
            f"killed after {fraction:.0%} of a run: {len(content)} bytes, "
            f"neither the original ({len(original)}) nor the fix ({len(fixed)})"
        )
        stray = leftovers(tmp_path)
        assert all(TEMP_NAME.match(name) for name in stray), stray
        for name in stray:
            (tmp_path / name).unlink()


def test_sigkill_in_mid_write_keeps_the_original(
    tmp_path: Path, fixed_program: tuple[bytes, float]
) -> None:
    fixed, _ = fixed_program
    original = big_program()
    for attempt in range(WATCHED_KILLS):
        (tmp_path / "train.py").write_bytes(original)
        process = start_fix(tmp_path)
        caught = False
        while process.poll() is None:
            if leftovers(tmp_path):  # the temporary file exists: the write began
                kill(process)
                caught = True
                break
            time.sleep(0.0005)
        process.wait(timeout=60)
        content = (tmp_path / "train.py").read_bytes()
        assert content in (original, fixed), f"attempt {attempt}: {len(content)} bytes"
        stray = leftovers(tmp_path)
        assert all(TEMP_NAME.match(name) for name in stray), stray
        if caught and content == original:
            assert stray, "killed in mid-write, yet no temporary file is left"
        if attempt == 0:
            assert_next_run_ignores_leftovers(tmp_path, fixed)
        for name in leftovers(tmp_path):
            (tmp_path / name).unlink()


def assert_next_run_ignores_leftovers(folder: Path, fixed: bytes) -> None:
    """What a SIGKILL leaves is inert: never linted, and the next run fixes."""
    lint = subprocess.run(
        [*FIX, "."], cwd=folder, capture_output=True, text=True, timeout=300
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert ".mldebt-" not in lint.stdout + lint.stderr
    assert (folder / "train.py").read_bytes() == fixed


@pytest.mark.parametrize(
    "where", ["write", "fsync", "chmod", "replace", "interrupt-in-write"]
)
def test_a_failed_write_leaves_the_original_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    path = tmp_path / "train.py"
    original = b"import random\r\nrandom.shuffle(rows)\r\n"
    path.write_bytes(original)

    def no_space(*args: object) -> None:
        raise OSError(28, "No space left on device")

    if where == "write":
        real_fdopen = os.fdopen

        class FullDisk:
            def __init__(self, fd: int, mode: str) -> None:
                self.handle = real_fdopen(fd, mode)

            def __enter__(self) -> FullDisk:
                return self

            def __exit__(self, *exc: object) -> None:
                self.handle.close()

            def write(self, data: bytes) -> int:
                self.handle.write(data[: len(data) // 2])
                raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fdopen", FullDisk)
    elif where == "interrupt-in-write":

        def interrupted(*args: object) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(os, "fsync", interrupted)
    else:
        monkeypatch.setattr(os, where, no_space)
    engine = Linter(
        Settings(root=str(tmp_path), config_path=None, selected=("MLD101",))
    )
    if where == "interrupt-in-write":
        with pytest.raises(KeyboardInterrupt):
            engine.check_file(str(path), "unsafe", True, False)
    else:
        result = engine.check_file(str(path), "unsafe", True, False)
        assert result.errors == [
            f"{path}: cannot write the fixes: [Errno 28] No space left on device"
        ]
        assert result.fixed == 0 and [f.code for f in result.findings] == ["MLD101"]
    assert path.read_bytes() == original
    assert leftovers(tmp_path) == []


# ---- an edit saved while mldebt fixes the file is kept -----------------------------

SHUFFLE = b"import random\nrandom.shuffle(rows)\n"
# what the user saves meanwhile: a longer file, or one of the same size whose mtime
# the file system cannot tell apart (restored here)
EDITS = {
    "longer": b"import random\nrandom.shuffle(rows)  # mine\n",
    "same_size_and_mtime": b"import random\nrandom.shuffle(cols)\n",
}


def save_meanwhile(path: Path, edit: bytes) -> None:
    before = path.stat()
    path.write_bytes(edit)
    if len(edit) == before.st_size:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_edit_saved_during_the_fix_is_not_overwritten(
    run_cli: Run, project: Project, monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    path = project() / "train.py"
    path.write_bytes(SHUFFLE)
    original = Linter.fix_text

    def slow_fix(self: Linter, *args: Any) -> tuple[str, list[Finding]]:
        fixed = original(self, *args)
        save_meanwhile(path, EDITS[edit])  # after the lint, before the write
        return fixed

    monkeypatch.setattr(Linter, "fix_text", slow_fix)
    result = run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", "train.py")
    assert path.read_bytes() == EDITS[edit]
    assert result.err == (
        "mldebt: warning: train.py: not fixed: the file changed while mldebt was "
        "fixing it (the new version is kept); run mldebt again\n"
    )
    # the finding of the version it read is still reported: exit 1, as for any
    # finding left, so pre-commit fails and the next run fixes the new version
    assert result.code == 1 and "train.py:2:1: MLD101" in result.out
    assert leftovers(path.parent) == []


def test_a_notebook_saved_during_the_fix_is_not_overwritten(
    run_cli: Run, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = project() / "train.ipynb"
    path.write_text(notebook_from_script("# In[1]:\n" + SHUFFLE.decode()))
    edited = notebook_from_script("# In[1]:\nimport random\nrandom.seed(7)\n")
    original = Notebook.render

    def slow_render(self: Notebook, *args: Any) -> bytes:
        path.write_text(edited)  # saved in Jupyter after the lint
        return original(self, *args)

    monkeypatch.setattr(Notebook, "render", slow_render)
    result = run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", "train.ipynb")
    assert path.read_text() == edited
    assert "train.ipynb: not fixed: the file changed" in result.err
    assert result.code == 1


# ---- killing mldebt's main process stops its workers ---------------------------------


def children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in found]


def running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return status.rpartition(")")[2].split()[0] not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_the_main_process_and_write_nothing_after_it(
    tmp_path: Path, how: signal.Signals
) -> None:
    original = big_program()
    names = [f"train_{number:02}.py" for number in range(24)]  # enough for a pool
    for name in names:
        (tmp_path / name).write_bytes(original)
    process = subprocess.Popen(
        [*FIX, "--jobs", "2", "."],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not children(process.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        workers = children(process.pid)
        assert workers, "no worker process started"
        os.kill(process.pid, how)  # the main process alone, not its group
        process.wait(timeout=60)
        deadline = time.monotonic() + 10
        while any(map(running, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(running, workers)), "workers outlived their parent"
        after = {name: (tmp_path / name).read_bytes() for name in names}
        time.sleep(0.5)
        assert after == {name: (tmp_path / name).read_bytes() for name in names}
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    # what the kill left: inert, and removed by the next run that fixes there
    assert all(TEMP_NAME.match(name) for name in leftovers_of(tmp_path, names))
    again = subprocess.run(
        [*FIX, "."], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert leftovers_of(tmp_path, names) == []


def leftovers_of(folder: Path, names: list[str]) -> list[str]:
    return leftovers(folder, tuple(names))


def test_a_worker_whose_parent_is_gone_never_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "train.py"
    path.write_bytes(SHUFFLE)

    class Exited(Exception):
        pass

    def exit_(code: int) -> None:
        raise Exited(code)

    monkeypatch.setattr(os, "_exit", exit_)
    monkeypatch.setattr(writing, "_parent", os.getppid() + 1)  # not ours any more
    engine = Linter(
        Settings(root=str(tmp_path), config_path=None, selected=("MLD101",))
    )
    with pytest.raises(Exited):
        engine.check_file(str(path), "unsafe", True, False)
    assert path.read_bytes() == SHUFFLE
    assert leftovers(tmp_path) == []


def test_leftover_temporary_files_of_dead_runs_are_removed(tmp_path: Path) -> None:
    gone = subprocess.run(  # a process id that no process has now
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    stale = [f".mldebt-{gone}-abc123.tmp", f"results-1.json.{gone}.tmp"]
    live = [f".mldebt-{os.getpid()}-def456.tmp", "notes.tmp"]
    cache = tmp_path / ".mldebt_cache"
    cache.mkdir()
    for name in (*stale, *live):
        (tmp_path / name).write_text("partial")
        (cache / name).write_text("partial")
    (tmp_path / "train.py").write_bytes(SHUFFLE)
    writing.write_atomically(str(tmp_path / "train.py"), SHUFFLE)
    write_cache_file(str(cache), "results-2.json", {})
    assert leftovers(tmp_path) == sorted([*live, stale[1]])
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        ["results-2.json", ".gitignore", *live, stale[0]]
    )


def test_a_fix_run_writes_its_temp_files_into_the_ignored_cache_folder(
    tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # where a killed run's leftover lands: git ignores it, the next fix run removes it
    monkeypatch.chdir(tmp_path)
    (tmp_path / "train.py").write_bytes(SHUFFLE)
    used: list[str] = []
    real_mkstemp = writing.tempfile.mkstemp

    def recording_mkstemp(**kwargs: Any) -> tuple[int, str]:
        used.append(kwargs["dir"])
        return real_mkstemp(**kwargs)

    monkeypatch.setattr(writing.tempfile, "mkstemp", recording_mkstemp)
    assert run_cli("fix", "--unsafe-fixes", "train.py").code == 0
    temp = tmp_path / ".mldebt_cache" / "tmp"
    assert used == [str(temp)]
    assert (tmp_path / ".mldebt_cache" / ".gitignore").read_text().endswith("*\n")
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (temp / f".mldebt-{gone}-abc.tmp").write_text("partial")
    (tmp_path / "other.py").write_text("x = 1\n")
    run_cli("fix", "other.py")  # a fix run that writes nothing still sweeps
    assert list(temp.iterdir()) == []
    # without the cache, beside the file as before
    used.clear()
    (tmp_path / "train.py").write_bytes(SHUFFLE)
    assert run_cli("fix", "--unsafe-fixes", "--no-cache", "train.py").code == 0
    assert used == [str(tmp_path)]
