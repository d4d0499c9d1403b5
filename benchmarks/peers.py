"""Time mldebt against its peers on a corpus anyone can rebuild from PyPI.

The corpus is the ``*.py`` files of a pinned scikit-learn wheel (downloaded with
``pip download --no-deps``, tests included) plus the standard library of the running
interpreter (without ``site-packages`` and, unless ``--stdlib-tests``, without its
``test`` package). Peers (Fixit, Ruff, pylint) are pip-installed into a virtualenv of
their own. Everything lands in a cache folder outside the repository (``--workdir``,
default ``$XDG_CACHE_HOME/mldebt-bench``). Run it with the interpreter mldebt is
installed in::

    python benchmarks/peers.py [--quick] [--repeat N] [--workdir DIR]

Every tool runs as a whole process on the same explicit list of files, in turn
(A B C A B C ...) so that machine drift cancels; the table shows medians. The
script imports nothing outside the standard library. It asserts nothing: it exits
0 unless setting up failed (pip, network, arguments), then 2 with one line on
stderr.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import hashlib
import json
import os
import platform
import random
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import warnings
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

SKLEARN_VERSION = "1.5.2"
PEER_PINS = ("fixit==2.2.1", "ruff==0.17.6", "pylint==4.1.4")
PEER_DISTS = ("fixit", "libcst", "ruff", "pylint", "astroid")
# Folders every tool skips when it walks a tree (mldebt's and ruff's defaults);
# the corpus leaves them out so that every tool sees exactly the same files.
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".venv",
        "venv",
        "__pycache__",
        "__pypackages__",
        "_build",
        "build",
        "dist",
        "node_modules",
        "site-packages",
        "dist-packages",
    }
)
LATENCY_LINES = 300
PRECOMMIT_FILES = 5
TARGETS = {
    "parse": 2.0,  # mldebt --jobs 1 CPU <= 2x libcst parse CPU
    "fixit": 8.0,  # Fixit CPU >= 8x mldebt --jobs 1 CPU
    "scaling": 1.7,  # wall --jobs 1 / wall --jobs N >= 1.7
    "warm": 0.10,  # warm re-run wall <= 10 % of the cold run
    "one_file": 0.35,  # mldebt check ONE_FILE <= 0.35 s wall
    "precommit": 0.4,  # pre-commit run, mldebt hook - no-op hook <= 0.4 s wall
}

PARSE_SCRIPT = """\
import sys
import libcst

failed = 0
with open(sys.argv[1], encoding="utf-8") as listing:
    paths = [line for line in listing.read().split("\\n") if line]
for path in paths:
    with open(path, "rb") as handle:
        raw = handle.read()
    try:
        libcst.parse_module(raw)
    except Exception:
        failed += 1
print(f"parsed {len(paths)} files, {failed} failed")
"""


class SetupError(Exception):
    """Setting up failed (pip, network, files); the message is one line."""


@dataclass(frozen=True)
class Sample:
    """One whole-process run: wall and CPU seconds, peak RSS, exit code."""

    wall: float
    cpu: float
    peak_mib: float
    code: int
    load: float


@dataclass
class Tool:
    """One row of a table: a command and the samples taken of it."""

    label: str
    argv: list[str]
    procs: str
    files: int
    lines: int
    cwd: str
    env: dict[str, str] | None = None
    samples: list[Sample] = field(default_factory=list)
    before: Callable[[], None] | None = None  # run (untimed) before each sample

    def median(self, attribute: str) -> float | None:
        """The median of one ``Sample`` attribute, None without samples."""
        if not self.samples:
            return None
        return float(statistics.median(getattr(s, attribute) for s in self.samples))


@dataclass
class Target:
    """A performance goal (``TARGETS``) and how the measurement compares with it."""

    name: str
    goal: str
    value: str
    met: bool | None
    how: str


@dataclass
class Corpus:
    """The corpus folder and the files (relative to it) with their line counts."""

    root: Path
    files: list[str]
    lines: dict[str, int]

    def total_lines(self, files: Iterable[str] | None = None) -> int:
        """Lines (``wc -l`` style) of ``files``, or of the whole corpus."""
        return sum(
            self.lines[name] for name in (self.files if files is None else files)
        )


# ---- small helpers -----------------------------------------------------------------


def progress(message: str) -> None:
    """Print a progress line to stderr (the tables go to stdout)."""
    stamp = time.strftime("%H:%M:%S")
    print(f"[peers {stamp}] {message}", file=sys.stderr, flush=True)


def count_lines(raw: bytes) -> int:
    """Return the number of lines in ``raw`` (a last line without newline counts)."""
    if not raw:
        return 0
    return raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1)


def run_quiet(argv: Sequence[str], what: str, cwd: Path | None = None) -> str:
    """Run a set-up command; return its stdout or raise ``SetupError``."""
    try:
        done = subprocess.run(
            list(argv), cwd=cwd, capture_output=True, text=True, check=False
        )
    except OSError as error:
        raise SetupError(f"{what}: cannot run {argv[0]}: {error.strerror}") from error
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).splitlines() if line]
        last = lines[-1].strip() if lines else "no output"
        raise SetupError(f"{what} failed (exit {done.returncode}): {last}")
    return str(done.stdout)


def venv_bin(venv: Path, name: str) -> Path:
    """The path of the executable ``name`` inside the virtualenv ``venv``."""
    folder = "Scripts" if os.name == "nt" else "bin"
    suffix = ".exe" if os.name == "nt" else ""
    return venv / folder / f"{name}{suffix}"


def versions(python: str, dists: Sequence[str]) -> dict[str, str]:
    """Installed versions of ``dists`` in the environment of ``python``."""
    code = (
        "import importlib.metadata as m, json, sys\n"
        "out = {}\n"
        "for name in sys.argv[1:]:\n"
        "    try:\n"
        "        out[name] = m.version(name)\n"
        "    except m.PackageNotFoundError:\n"
        "        out[name] = 'not installed'\n"
        "print(json.dumps(out))\n"
    )
    found = json.loads(run_quiet([python, "-c", code, *dists], "version lookup"))
    return {str(key): str(value) for key, value in found.items()}


# ---- corpus ------------------------------------------------------------------------


def parses(raw: bytes) -> bool:
    """Whether the running CPython parses ``raw`` (drops Python 2 and bad test data)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ast.parse(raw)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def keep(relative: str) -> bool:
    """Whether a path (relative, with ``/``) avoids every folder tools skip."""
    return not any(part in SKIPPED_DIRS for part in relative.split("/")[:-1])


def download_sklearn(workdir: Path, version: str) -> Path:
    """Download the scikit-learn wheel for this interpreter; return its path."""
    folder = workdir / "downloads"
    wheels = sorted(folder.glob(f"scikit_learn-{version}-*.whl"))
    if wheels:
        return wheels[0]
    folder.mkdir(parents=True, exist_ok=True)
    progress(f"pip download scikit-learn=={version} (wheel for this Python)")
    run_quiet(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--dest",
            str(folder),
            f"scikit-learn=={version}",
        ],
        f"pip download scikit-learn=={version}",
    )
    wheels = sorted(folder.glob(f"scikit_learn-{version}-*.whl"))
    if not wheels:
        raise SetupError(f"pip download scikit-learn=={version}: no wheel in {folder}")
    return wheels[0]


def build_corpus(workdir: Path, version: str, stdlib_tests: bool) -> Corpus:
    """Build (once) and load the corpus folder: ``sklearn/`` and ``stdlib/``."""
    python = f"py{sys.version_info[0]}{sys.version_info[1]}"
    name = f"corpus-sklearn{version}-{python}" + ("-tests" if stdlib_tests else "")
    root = workdir / name
    manifest = root / "files.txt"
    if not manifest.is_file():
        wheel = download_sklearn(workdir, version)
        partial = workdir / f"{name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        progress(f"building the corpus in {root}")
        kept: list[str] = []
        with zipfile.ZipFile(wheel) as archive:
            for member in sorted(archive.namelist()):
                if not member.startswith("sklearn/") or not member.endswith(".py"):
                    continue
                raw = archive.read(member)
                if keep(member) and parses(raw):
                    target = partial / member
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(raw)
                    kept.append(member)
        stdlib = Path(sysconfig.get_paths()["stdlib"])
        for folder, subfolders, names in os.walk(stdlib):
            relative_folder = Path(folder).relative_to(stdlib).as_posix()
            subfolders[:] = sorted(
                sub
                for sub in subfolders
                if sub not in SKIPPED_DIRS
                and (stdlib_tests or relative_folder != "." or sub != "test")
            )
            for filename in sorted(names):
                if not filename.endswith(".py"):
                    continue
                source = Path(folder) / filename
                relative = "stdlib/" + source.relative_to(stdlib).as_posix()
                try:
                    raw = source.read_bytes()
                except OSError:
                    continue
                if keep(relative) and parses(raw):
                    target = partial / relative
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(raw)
                    kept.append(relative)
        kept.sort()
        (partial / "files.txt").write_text("\n".join(kept) + "\n", encoding="utf-8")
        shutil.rmtree(root, ignore_errors=True)
        partial.rename(root)
    files = [line for line in manifest.read_text(encoding="utf-8").split("\n") if line]
    lines = {name: count_lines((root / name).read_bytes()) for name in files}
    return Corpus(root, files, lines)


def sample_files(files: Sequence[str], count: int) -> list[str]:
    """A fixed random subset of ``count`` files (seed 0), in path order."""
    if count <= 0 or count >= len(files):
        return list(files)
    return sorted(random.Random(0).sample(list(files), count))


def pick_near(corpus: Corpus, count: int, lines: int) -> list[str]:
    """``count`` library (non-test) sklearn files importing numpy, nearest ``lines``."""
    candidates = [
        name
        for name in corpus.files
        if name.startswith("sklearn/")
        and "/tests/" not in name
        and not name.endswith("__init__.py")
        and b"import numpy" in (corpus.root / name).read_bytes()
    ]
    candidates.sort(key=lambda name: (abs(corpus.lines[name] - lines), name))
    return candidates[:count]


# ---- peers -------------------------------------------------------------------------


def ensure_peers(workdir: Path) -> Path:
    """Create (once) the peers' virtualenv with the pinned tools; return it."""
    venv = workdir / "peers-venv"
    stamp = venv / "mldebt-bench-pins.txt"
    wanted = "\n".join(PEER_PINS) + "\n"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == wanted:
        return venv
    progress(f"creating the peers' virtualenv {venv} ({', '.join(PEER_PINS)})")
    shutil.rmtree(venv, ignore_errors=True)
    run_quiet([sys.executable, "-m", "venv", str(venv)], "python -m venv")
    python = str(venv_bin(venv, "python"))
    run_quiet(
        [python, "-m", "pip", "install", "--quiet", *PEER_PINS],
        "pip install " + " ".join(PEER_PINS),
    )
    stamp.write_text(wanted, encoding="utf-8")  # noqa: MLD201 (a stamp, not data)
    return venv


# ---- measuring ---------------------------------------------------------------------


# A small launcher process (``python -S``, ~9 MiB) starts every measured command.
# A child's peak RSS (ru_maxrss) can never be below the size of the process that
# forked it (Linux records the pre-exec memory), so spawning from this script,
# which holds the corpus listing, would put a floor of ~35 MiB under every figure.
LAUNCHER = """\
import json, os, signal, sys, time
current = []
def stop(signum, frame):
    for pid in current:  # the measured command leads its own process group
        try:
            os.killpg(pid, signal.SIGTERM)
        except OSError:
            pass
    os._exit(1)
signal.signal(signal.SIGTERM, stop)
for line in sys.stdin:
    job = json.loads(line)
    os.chdir(job["cwd"])
    out = os.open(job["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    null = os.open(os.devnull, os.O_RDONLY)
    actions = [
        (os.POSIX_SPAWN_DUP2, null, 0),
        (os.POSIX_SPAWN_DUP2, out, 1),
        (os.POSIX_SPAWN_DUP2, out, 2),
    ]
    start = time.perf_counter()
    try:
        argv, env = job["argv"], job["env"]
        pid = os.posix_spawnp(argv[0], argv, env, file_actions=actions, setsid=True)
    except OSError as error:
        print(json.dumps({"error": str(error)}), flush=True)
        continue
    finally:
        os.close(out)
        os.close(null)
    current[:] = [pid]
    _, status, usage = os.wait4(pid, 0)
    current.clear()
    wall = time.perf_counter() - start
    print(json.dumps({
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "maxrss": usage.ru_maxrss,
        "code": os.waitstatus_to_exitcode(status),
    }), flush=True)
"""


class Launcher:
    """The launcher process; ``run`` measures one command through it."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._scratch = tempfile.mkdtemp(prefix="mldebt-bench-")
        self.output = os.path.join(self._scratch, "output.txt")

    def run(self, argv: Sequence[str], cwd: str, env: dict[str, str] | None) -> Sample:
        """Run ``argv`` once, its output to a scratch file; see ``measure``."""
        if self._process is None:
            self._process = subprocess.Popen(
                [sys.executable, "-S", "-u", "-c", LAUNCHER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        assert self._process.stdin is not None and self._process.stdout is not None
        job = {
            "argv": list(argv),
            "cwd": cwd,
            "env": dict(os.environ if env is None else env),
            "out": self.output,
        }
        load = os.getloadavg()[0]
        self._process.stdin.write(json.dumps(job) + "\n")
        self._process.stdin.flush()
        answer = json.loads(self._process.stdout.readline() or "{}")
        if "wall" not in answer:
            reason = answer.get("error", "the launcher died")
            raise SetupError(f"cannot run {argv[0]}: {reason}")
        peak = float(answer["maxrss"]) / 1024  # KiB on Linux
        return Sample(answer["wall"], answer["cpu"], peak, int(answer["code"]), load)

    def close(self) -> None:
        """Stop the launcher and remove the scratch folder."""
        if self._process is not None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:  # interrupted while measuring
                self._process.terminate()  # the launcher stops its command
                self._process.wait()
            self._process = None
        shutil.rmtree(self._scratch, ignore_errors=True)


_LAUNCHER = Launcher()


def measure(argv: Sequence[str], cwd: str, env: dict[str, str] | None) -> Sample:
    """Run ``argv`` once (output to a scratch file) and return its figures.

    CPU is user + system of the process and every descendant it waited for (pool
    workers included); peak is the largest single process RSS of that tree, both
    from ``os.wait4`` in the launcher.
    """
    return _LAUNCHER.run(argv, cwd, env)


def run_rounds(tools: Sequence[Tool], repeat: int, what: str) -> None:
    """Run every tool ``repeat`` times, interleaved (A B C A B C ...)."""
    for round_ in range(repeat):
        for tool in tools:
            progress(f"{what} {round_ + 1}/{repeat}: {tool.label}")
            if tool.before is not None:
                tool.before()
            sample = measure(tool.argv, tool.cwd, tool.env)
            tool.samples.append(sample)
            progress(f"  {sample.wall:.2f} s wall, {sample.cpu:.2f} s CPU")


def paired_ratio(
    numerator: Tool, denominator: Tool, attribute: str = "cpu"
) -> float | None:
    """Median of the per-round ratios (same round index), None without samples."""
    pairs = list(zip(numerator.samples, denominator.samples))
    values = [
        getattr(top, attribute) / getattr(bottom, attribute)
        for top, bottom in pairs
        if getattr(bottom, attribute)
    ]
    return float(statistics.median(values)) if values else None


def median_ratio(numerator: Tool, denominator: Tool, attribute: str) -> float | None:
    """Quotient of the medians (for tools measured in different loops)."""
    top, bottom = numerator.median(attribute), denominator.median(attribute)
    if top is None or not bottom:
        return None
    return top / bottom


# ---- the warm-cache and pre-commit rows --------------------------------------------


def result_cache_available(mldebt: str) -> bool:
    """Whether this mldebt has a result cache (a ``clean`` command or such help)."""
    clean = subprocess.run(
        [mldebt, "clean", "--help"], capture_output=True, text=True, check=False
    )
    if clean.returncode == 0:
        return True
    helped = subprocess.run(
        [mldebt, "check", "--help"], capture_output=True, text=True, check=False
    )
    text = " ".join(helped.stdout.split()).lower()
    return bool(re.search(r"result[s]? cache|cache[sd]? (of )?results", text))


def clear_cache(mldebt: str, root: Path) -> None:
    """Remove mldebt's cache under ``root`` (``mldebt clean`` when it exists)."""
    subprocess.run(
        [mldebt, "clean", str(root)],
        cwd=root,
        capture_output=True,
        check=False,
    )
    shutil.rmtree(root / ".mldebt_cache", ignore_errors=True)


def warm_cache_rows(
    mldebt: str, corpus: Corpus, files: Sequence[str], jobs: int, repeat: int
) -> tuple[Tool, Tool]:
    """Cold (cache cleared) and warm (unchanged files) runs, in pairs."""
    argv = [mldebt, "check", "--exit-zero", "--jobs", str(jobs), *files]
    lines = corpus.total_lines(files)
    cold = Tool(
        f"mldebt --jobs {jobs}, cache cold",
        argv,
        str(jobs),
        len(files),
        lines,
        str(corpus.root),
    )
    warm = Tool(
        f"mldebt --jobs {jobs}, cache warm",
        argv,
        str(jobs),
        len(files),
        lines,
        str(corpus.root),
    )
    for round_ in range(repeat):
        progress(f"warm cache {round_ + 1}/{repeat}: cold, then warm")
        clear_cache(mldebt, corpus.root)
        cold.samples.append(measure(argv, str(corpus.root), None))
        warm.samples.append(measure(argv, str(corpus.root), None))
    clear_cache(mldebt, corpus.root)
    return cold, warm


PRECOMMIT_CONFIG = """\
repos:
  - repo: local
    hooks:
      - id: noop
        name: no-op
        entry: "true"
        language: system
        types_or: [python, pyi]
        require_serial: true
      - id: mldebt
        name: mldebt
        entry: {entry}
        language: system
        types_or: [python, pyi]
        require_serial: true
"""


@dataclass
class ScratchRepo:
    """A throwaway git repository holding copies of a few corpus modules."""

    root: Path
    names: list[str]  # the copies, relative to root
    chosen: list[str]  # the corpus files they were copied from
    lines: int
    originals: dict[str, bytes]
    edits: int = 0

    def edit(self) -> None:
        """Change every copy (a new last comment line): no cached result applies."""
        self.edits += 1
        for name, raw in self.originals.items():
            tail = f"# edited for the benchmark ({self.edits})\n".encode()
            (self.root / name).write_bytes(raw + tail)


def make_repo(workdir: Path, corpus: Corpus) -> ScratchRepo:
    """``git init`` a scratch repository with 5 scikit-learn modules (~300 lines)."""
    repo = workdir / "scratch-repo"
    shutil.rmtree(repo, ignore_errors=True)
    (repo / "src").mkdir(parents=True)
    chosen = pick_near(corpus, PRECOMMIT_FILES, LATENCY_LINES)
    originals: dict[str, bytes] = {}
    for index, name in enumerate(chosen):
        relative = f"src/module_{index}.py"
        originals[relative] = (corpus.root / name).read_bytes()
        (repo / relative).write_bytes(originals[relative])
    run_quiet(["git", "init", "--quiet", str(repo)], "git init")
    run_quiet(["git", "add", "-A"], "git add", cwd=repo)
    lines = sum(corpus.lines[name] for name in chosen)
    return ScratchRepo(repo, list(originals), chosen, lines, originals)


def precommit_rows(
    workdir: Path, repo: ScratchRepo, pre_commit: str, mldebt: str, runs: int
) -> tuple[Tool, Tool]:
    """``pre-commit run HOOK --files F1..F5`` for the no-op and the mldebt hook,
    the files edited before each run."""
    entry = json.dumps(shlex.quote(mldebt) + " check")
    config = PRECOMMIT_CONFIG.format(entry=entry)
    (repo.root / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    run_quiet(["git", "add", "-A"], "git add", cwd=repo.root)
    env = dict(os.environ)
    env["PRE_COMMIT_HOME"] = str(workdir / "pre-commit-home")
    env["SKIP"] = ""
    tools = [
        Tool(
            f"pre-commit run {hook} --files ({len(repo.names)} files)",
            [pre_commit, "run", hook, "--files", *repo.names],
            "1",
            len(repo.names),
            repo.lines,
            str(repo.root),
            env,
            before=repo.edit,
        )
        for hook in ("noop", "mldebt")
    ]
    for tool in tools:  # warm-up (pre-commit creates its store) and a check
        done = subprocess.run(
            tool.argv,
            cwd=repo.root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        ran = re.search(r"\.(Passed|Failed)$", done.stdout, re.MULTILINE)
        if done.returncode not in (0, 1) or ran is None:
            said = (done.stdout + done.stderr).strip().splitlines() or ["no output"]
            command = " ".join(tool.argv[:3])
            raise SetupError(f"{command}: the hook did not run: {said[0]}")
    run_rounds(tools, runs, "pre-commit")
    return tools[0], tools[1]


# ---- output ------------------------------------------------------------------------


def fmt(value: float | None, digits: int = 2) -> str:
    """Format a number for a table, ``-`` when unknown."""
    return "-" if value is None else f"{value:,.{digits}f}"


def fmt_ratio(value: float | None) -> str:
    """Format a ratio as ``N.NNx``, ``-`` when unknown."""
    return "-" if value is None else f"{value:.2f}x"


def table(header: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    """A plain text table: first column left-aligned, the others right-aligned."""
    rows = [tuple(header), *(tuple(row) for row in body)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]

    def render(cells: tuple[str, ...]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:]))
        return "  ".join((first, *rest)).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([render(rows[0]), rule, *(render(row) for row in rows[1:])])


def throughput_table(tools: Sequence[Tool], base: Tool, same_loop: set[str]) -> str:
    """The whole-corpus table; ratios to ``base`` (paired when in the same loop)."""
    header = (
        "tool",
        "procs",
        "files",
        "lines",
        "n",
        "wall s",
        "CPU s",
        "lines/s",
        "peak MiB",
        "wall/mldebt j1",
        "CPU/mldebt j1",
    )
    body = []
    for tool in tools:
        wall, cpu = tool.median("wall"), tool.median("cpu")
        paired = tool.label in same_loop and base.label in same_loop
        ratio: Callable[[Tool, Tool, str], float | None] = (
            paired_ratio if paired else median_ratio
        )
        mark = "" if paired else " *"
        body.append(
            (
                tool.label,
                tool.procs,
                str(tool.files),
                f"{tool.lines:,}",
                str(len(tool.samples)),
                fmt(wall),
                fmt(cpu),
                "-" if not wall else f"{tool.lines / wall:,.0f}",
                fmt(tool.median("peak_mib"), 0),
                fmt_ratio(ratio(tool, base, "wall")) + mark,
                fmt_ratio(ratio(tool, base, "cpu")) + mark,
            )
        )
    return table(header, body)


def latency_table(tools: Sequence[Tool], base: Tool, base_name: str) -> str:
    """The one-invocation table (milliseconds); ratios paired with ``base``."""
    header = ("command", "lines", "n", "wall ms", "CPU ms", "peak MiB", base_name)
    body = []
    for tool in tools:
        wall, cpu = tool.median("wall"), tool.median("cpu")
        body.append(
            (
                tool.label,
                str(tool.lines) if tool.lines else "-",
                str(len(tool.samples)),
                fmt(None if wall is None else wall * 1000, 0),
                fmt(None if cpu is None else cpu * 1000, 0),
                fmt(tool.median("peak_mib"), 0),
                fmt_ratio(paired_ratio(tool, base, "wall")),
            )
        )
    return table(header, body)


def brief(tool: Tool) -> dict[str, object]:
    """``tool`` as a JSON-ready dict, its file arguments left out."""
    data = asdict(tool)
    data["argv"] = [arg for arg in tool.argv if not arg.endswith(".py")][:12]
    data.pop("env")
    data.pop("before")
    return data


def verdict(met: bool | None) -> str:
    """``met``, ``MISSED`` or ``n/a``."""
    return "n/a" if met is None else ("met" if met else "MISSED")


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, else platform.processor()."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gib() -> str:
    """Total memory from /proc/meminfo, ``?`` elsewhere."""
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return "?"


def git_state(folder: Path) -> str:
    """The commit of the mldebt checkout and how many files differ from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{head}" + (f" + {len(dirty)} uncommitted files in src/" if dirty else "")


SNAPSHOT_SCRIPT = """\
#!{python}
# mldebt from a frozen copy of its sources (peers.py --snapshot)
import sys

sys.path.insert(0, {folder!r})
from mldebt.cli import main

sys.exit(main())
"""


def snapshot_mldebt(workdir: Path) -> tuple[str, str]:
    """Copy the importable ``mldebt`` package into ``workdir`` and write a console
    script that runs that copy; return the script and a digest of the copy."""
    where = run_quiet(
        [
            sys.executable,
            "-c",
            "import mldebt, os; print(os.path.dirname(mldebt.__file__))",
        ],
        "import mldebt",
    ).strip()
    folder = workdir / "mldebt-snapshot"
    shutil.rmtree(folder, ignore_errors=True)
    source = folder / "src"
    shutil.copytree(
        where, source / "mldebt", ignore=shutil.ignore_patterns("__pycache__")
    )
    digest = hashlib.sha256()
    for path in sorted((source / "mldebt").rglob("*.py")):
        digest.update(path.relative_to(source).as_posix().encode())
        digest.update(path.read_bytes())
    (folder / "bin").mkdir()
    script = folder / "bin" / "mldebt"
    script.write_text(
        SNAPSHOT_SCRIPT.format(python=sys.executable, folder=str(source)),
        encoding="utf-8",
    )
    script.chmod(0o755)
    progress(f"mldebt snapshot of {where} in {folder}")
    return str(script), digest.hexdigest()[:12]


# ---- main --------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line options."""
    cache_home = os.environ.get("XDG_CACHE_HOME") or os.path.join(
        os.path.expanduser("~"), ".cache"
    )
    parser = argparse.ArgumentParser(
        description="Time mldebt, a bare libcst parse, Fixit, Ruff and pylint on "
        f"scikit-learn {SKLEARN_VERSION} + the standard library.",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(cache_home) / "mldebt-bench",
        help="cache folder for the wheel, corpus, peers' venv (default: %(default)s)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 150 files, --repeat 2, --latency-runs 5",
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs per fast tool (median; default 5)"
    )
    parser.add_argument(
        "--slow-repeat",
        type=int,
        default=1,
        help="runs of Fixit and pylint, which take minutes (default 1)",
    )
    parser.add_argument(
        "--slow-files",
        type=int,
        default=0,
        metavar="N",
        help="run Fixit and pylint on a fixed random N-file subset, paired with "
        "mldebt --jobs 1 on the same files (default: the whole corpus)",
    )
    parser.add_argument(
        "--files",
        type=int,
        default=0,
        metavar="N",
        help="use a fixed random N-file subset of the corpus (default: all)",
    )
    parser.add_argument(
        "--latency-runs",
        type=int,
        default=15,
        help="runs after warm-up for the one-file and pre-commit rows (default 15)",
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=("corpus", "fixit", "pylint", "ruff", "latency", "cache", "pre-commit"),
        help="leave a tool or a section out (repeatable; corpus: every "
        "whole-corpus row)",
    )
    parser.add_argument(
        "--stdlib-tests",
        action="store_true",
        help="include the standard library's test package (~460k more lines)",
    )
    parser.add_argument(
        "--sklearn-version",
        default=SKLEARN_VERSION,
        help="the scikit-learn release to download (default: %(default)s)",
    )
    parser.add_argument(
        "--mldebt",
        default=str(Path(sys.executable).parent / "mldebt"),
        help="the mldebt executable (default: next to this interpreter)",
    )
    parser.add_argument(
        "--snapshot",
        action="store_true",
        help="run a copy of mldebt's sources taken at the start (for a working "
        "tree that others edit while the benchmark runs)",
    )
    parser.add_argument(
        "--json", type=Path, help="also write every sample and the targets as JSON"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.files = args.files or 150
        args.repeat = min(args.repeat, 2)
        args.latency_runs = min(args.latency_runs, 5)
    if min(args.repeat, args.slow_repeat, args.latency_runs) < 1:
        parser.error("--repeat, --slow-repeat and --latency-runs must be >= 1")
    if args.files < 0 or args.slow_files < 0:
        parser.error("--files and --slow-files must be >= 0")
    return args


def interrupt(signum: int, frame: object) -> None:
    """SIGTERM: stop like Ctrl-C, so that the measured command is stopped too."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Build what is missing, measure, print the tables; return the exit code."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, interrupt)
    try:
        return benchmark(args)
    except SetupError as error:
        print(f"peers.py: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    finally:
        _LAUNCHER.close()


def benchmark(args: argparse.Namespace) -> int:
    """The body of ``main``."""
    started = datetime.datetime.now().astimezone()
    loads = [os.getloadavg()]
    workdir: Path = args.workdir.expanduser().resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    # Every tool runs from bytecode, as after a normal install: an environment that
    # says PYTHONDONTWRITEBYTECODE would make mldebt (an editable install, no .pyc)
    # compile its sources at every start while pip-installed peers do not. The
    # bytecode goes to the workdir, never next to the sources.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    mldebt = str(Path(args.mldebt).resolve()) if os.sep in args.mldebt else args.mldebt
    if shutil.which(mldebt) is None:
        raise SetupError(f"no mldebt executable at {args.mldebt} (give --mldebt)")
    checkout = git_state(Path(__file__).resolve().parent.parent)  # at the start
    snapshot = ""
    if args.snapshot:
        mldebt, digest = snapshot_mldebt(workdir)
        snapshot = f"; ran a snapshot taken at the start (sha256 {digest})"
    mine = versions(sys.executable, ("libcst", "mldebt"))
    if mine["libcst"] == "not installed":
        raise SetupError(f"libcst is not installed for {sys.executable}")
    corpus = build_corpus(workdir, args.sklearn_version, args.stdlib_tests)
    files = sample_files(corpus.files, args.files)
    lines = corpus.total_lines(files)
    cpus = os.cpu_count() or 1
    want = set(("fixit", "pylint", "ruff")) - set(args.skip)
    peers = ensure_peers(workdir) if want else None
    theirs = versions(str(venv_bin(peers, "python")), PEER_DISTS) if peers else {}
    cwd = str(corpus.root)
    progress(f"corpus: {len(files)} files, {lines:,} lines under {cwd}")

    listing = workdir / "filelist.txt"
    listing.write_text("\n".join(files) + "\n", encoding="utf-8")
    parse_script = workdir / "libcst_parse.py"
    parse_script.write_text(PARSE_SCRIPT, encoding="utf-8")

    def row(label: str, argv: list[str], procs: str, subset: Sequence[str]) -> Tool:
        return Tool(label, argv, procs, len(subset), corpus.total_lines(subset), cwd)

    check = [mldebt, "check", "--no-cache", "--exit-zero"]
    parse = row(
        "libcst parse alone",
        [sys.executable, str(parse_script), str(listing)],
        "1",
        files,
    )
    j1 = row("mldebt --jobs 1", [*check, "--jobs", "1", *files], "1", files)
    jn = row(
        f"mldebt --jobs {cpus}", [*check, "--jobs", str(cpus), *files], str(cpus), files
    )
    fast = [parse, j1, jn]
    slow: list[Tool] = []
    slow_files = sample_files(files, args.slow_files)
    if peers is not None:
        ruff = str(venv_bin(peers, "ruff"))
        ruff_args = ["check", "--no-cache", "--isolated", "--exit-zero"]
        ruff_args += ["--output-format", "concise"]
        if "ruff" in want:
            fast.append(
                row(
                    "ruff --select ALL",
                    [ruff, *ruff_args, "--select", "ALL", *files],
                    "thr",
                    files,
                )
            )
            fast.append(
                row(
                    "ruff --select NPY,PD,S",
                    [ruff, *ruff_args, "--select", "NPY,PD,S", *files],
                    "thr",
                    files,
                )
            )
        if slow_files != files and ("fixit" in want or "pylint" in want):
            slow.append(
                row(
                    "mldebt --jobs 1 (slow subset)",
                    [*check, "--jobs", "1", *slow_files],
                    "1",
                    slow_files,
                )
            )
        if "fixit" in want:
            slow.append(
                row(
                    "Fixit 2 (default rules)",
                    [str(venv_bin(peers, "fixit")), "lint", *slow_files],
                    str(cpus),
                    slow_files,
                )
            )
        if "pylint" in want:
            slow.append(
                row(
                    f"pylint -j {cpus} (default checks)",
                    [
                        str(venv_bin(peers, "pylint")),
                        "-j",
                        str(cpus),
                        "--score=n",
                        "--reports=n",
                        *slow_files,
                    ],
                    str(cpus),
                    slow_files,
                )
            )

    if "corpus" in args.skip:
        fast, slow = [], []
    # warm-up: bytecode, page cache, and a check that each command runs at all
    warm_files = files[:20]
    progress("warm-up")
    measure([*check, "--jobs", "1", *warm_files], cwd, None)
    measure([sys.executable, "-c", "import libcst"], cwd, None)
    run_rounds(fast, args.repeat, "round")
    run_rounds(slow, args.slow_repeat, "slow round")
    loads.append(os.getloadavg())

    # one file, then pre-commit: copies in a scratch git repository, edited
    # before each run (a changed file: no cached result applies)
    repo = make_repo(workdir, corpus)
    latency: list[Tool] = []
    latency_file = repo.names[0]
    if "latency" not in args.skip:
        here = str(repo.root)
        one = corpus.lines[repo.chosen[0]]

        def file_row(label: str, argv: list[str]) -> Tool:
            return Tool(label, argv, "1", 1, one, here, before=repo.edit)

        latency = [
            Tool("python -c pass", [sys.executable, "-c", "pass"], "1", 0, 0, here),
            Tool(
                'python -c "import libcst"',
                [sys.executable, "-c", "import libcst"],
                "1",
                0,
                0,
                here,
            ),
            file_row("mldebt check FILE", [mldebt, "check", latency_file]),
        ]
        if peers is not None and "fixit" in want:
            fixit = str(venv_bin(peers, "fixit"))
            latency.append(file_row("fixit lint FILE", [fixit, "lint", latency_file]))
        if peers is not None and "ruff" in want:
            ruff = str(venv_bin(peers, "ruff"))
            latency.append(
                file_row(
                    "ruff check FILE (default rules)",
                    [ruff, "check", "--no-cache", "--isolated", latency_file],
                )
            )
        for tool in latency:  # two warm-ups each
            for _ in range(2):
                if tool.before is not None:
                    tool.before()
                measure(tool.argv, tool.cwd, tool.env)
        run_rounds(latency, args.latency_runs, "one file")

    # warm cache
    cache_rows: tuple[Tool, Tool] | None = None
    has_cache = result_cache_available(mldebt)
    if "cache" not in args.skip and has_cache:
        cache_rows = warm_cache_rows(mldebt, corpus, files, cpus, min(args.repeat, 3))

    # pre-commit
    precommit: tuple[Tool, Tool] | None = None
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    pre_commit = pre_commit or shutil.which("pre-commit")
    if "pre-commit" not in args.skip and pre_commit and shutil.which("git"):
        precommit = precommit_rows(workdir, repo, pre_commit, mldebt, args.latency_runs)
    loads.append(os.getloadavg())

    # ---- report -----------------------------------------------------------------
    fixit_tool = next((t for t in slow if t.label.startswith("Fixit")), None)
    slow_base = next((t for t in slow if t.label.startswith("mldebt")), j1)
    targets: list[Target] = []
    value = paired_ratio(j1, parse, "cpu")
    targets.append(
        Target(
            "CPU vs libcst parse",
            f"mldebt --jobs 1 CPU <= {TARGETS['parse']:.0f}x libcst parse alone",
            fmt_ratio(value),
            None if value is None else value <= TARGETS["parse"],
            f"paired, median of {len(j1.samples)}",
        )
    )
    if fixit_tool is not None:
        paired = slow_base is not j1
        value = (paired_ratio if paired else median_ratio)(fixit_tool, slow_base, "cpu")
        targets.append(
            Target(
                "CPU vs Fixit",
                f"Fixit CPU >= {TARGETS['fixit']:.0f}x mldebt --jobs 1 CPU",
                fmt_ratio(value),
                None if value is None else value >= TARGETS["fixit"],
                "paired on the slow subset" if paired else "quotient of medians",
            )
        )
    value = paired_ratio(j1, jn, "wall")
    overhead = paired_ratio(jn, j1, "cpu")
    bound = "" if overhead is None else f"; CPU --jobs {cpus}/--jobs 1 {overhead:.2f}x"
    targets.append(
        Target(
            f"{cpus} processes vs 1",
            f"wall --jobs 1 / wall --jobs {cpus} >= {TARGETS['scaling']}",
            fmt_ratio(value),
            None if value is None or cpus < 2 else value >= TARGETS["scaling"],
            ("paired" if cpus >= 2 else "one CPU: not applicable") + bound,
        )
    )
    if cache_rows is not None:
        value = paired_ratio(cache_rows[1], cache_rows[0], "wall")
        targets.append(
            Target(
                "warm re-run",
                f"warm wall <= {TARGETS['warm']:.0%} of cold",
                "-" if value is None else f"{value:.1%}",
                None if value is None else value <= TARGETS["warm"],
                f"paired, --jobs {cpus}, median of {len(cache_rows[0].samples)}",
            )
        )
    else:
        why = "skipped" if "cache" in args.skip else "not implemented yet"
        targets.append(
            Target(
                "warm re-run",
                f"warm wall <= {TARGETS['warm']:.0%} of cold",
                why,
                None,
                (
                    "no result cache in this mldebt (no `mldebt clean`, no help text)"
                    if not has_cache
                    else "--skip cache"
                ),
            )
        )
    mine_one = next((t for t in latency if t.label == "mldebt check FILE"), None)
    if mine_one is not None:
        value = mine_one.median("wall")
        targets.append(
            Target(
                "one file",
                f"mldebt check FILE <= {TARGETS['one_file']} s wall",
                "-" if value is None else f"{value:.3f} s",
                None if value is None else value <= TARGETS["one_file"],
                f"median of {len(mine_one.samples)} after 2 warm-ups",
            )
        )
    if precommit is not None:
        noop, hook = precommit
        deltas = [b.wall - a.wall for a, b in zip(noop.samples, hook.samples)]
        value = statistics.median(deltas) if deltas else None
        targets.append(
            Target(
                "pre-commit",
                f"mldebt hook - no-op hook <= {TARGETS['precommit']} s wall",
                "-" if value is None else f"{value:.3f} s",
                None if value is None else value <= TARGETS["precommit"],
                f"paired, median of {len(deltas)}",
            )
        )

    out: list[str] = []
    out.append(f"date      {started:%Y-%m-%d %H:%M %Z}")
    out.append(
        f"machine   {cpus} CPUs ({cpu_model()}), {memory_gib()} RAM, "
        f"{platform.system()} {platform.release()} {platform.machine()}"
    )
    load_text = ", ".join(f"{a:.2f}/{b:.2f}/{c:.2f}" for a, b, c in loads)
    sampled = [s.load for t in [*fast, *slow, *latency] for s in t.samples]
    if sampled:
        load_text += (
            f"; 1-min load at each sample {min(sampled):.2f}-{max(sampled):.2f}"
        )
    out.append(f"load avg  start, after corpus rows, end: {load_text}")
    out.append(
        f"python    {platform.python_implementation()} {platform.python_version()} "
        f"(every tool from bytecode cached in {os.environ['PYTHONPYCACHEPREFIX']})"
    )
    out.append(
        f"mldebt    {mine['mldebt']} (checkout {checkout}{snapshot}), "
        f"libcst {mine['libcst']}"
    )
    if theirs:
        out.append(
            "peers     " + ", ".join(f"{name} {theirs[name]}" for name in PEER_DISTS)
        )
    stdlib_kind = "with" if args.stdlib_tests else "without"
    out.append(
        f"corpus    scikit-learn {args.sklearn_version} wheel (.py, tests included) + "
        f"the stdlib of Python {platform.python_version()} ({stdlib_kind} its test "
        "package, no site-packages)"
    )
    sk = [name for name in files if name.startswith("sklearn/")]
    out.append(
        f"          {len(files)} files, {lines:,} lines (sklearn {len(sk)} files, "
        f"{corpus.total_lines(sk):,} lines); {corpus.root}"
    )
    out.append("")
    if fast or slow:
        out.append(throughput_table([*fast, *slow], j1, {t.label for t in fast}))
    out.append("")
    out.append(
        "n = runs (median shown), interleaved A B C A B C; ratios marked * are "
        "quotients of medians from a different loop, the others medians of "
        "per-round ratios. CPU = user+sys of the process tree (os.wait4); peak = "
        "largest single process RSS. lines/s = lines / wall."
    )
    if slow:
        what = (
            f"a fixed random subset of {len(slow_files)} files"
            if slow_files != files
            else "the same files"
        )
        out.append(
            f"Fixit and pylint: {args.slow_repeat} run(s) each on {what}, after the "
            "fast rounds (page cache and bytecode warm, no warm-up run of their own). "
            "pylint ran without numpy/scipy installed, so astroid could not infer into "
            "them: a lower bound of its cost in a real ML project."
        )
    if latency:
        out.append("")
        out.append(
            f"one file: {repo.chosen[0]} ({corpus.lines[repo.chosen[0]]} lines), "
            f"copied to {repo.root / latency_file} (a git repository), edited before "
            "each run, so no cached result applies"
        )
        out.append(latency_table(latency, latency[2], "wall/mldebt"))
    if cache_rows is not None:
        out.append("")
        out.append(
            throughput_table(
                list(cache_rows), cache_rows[0], {t.label for t in cache_rows}
            )
        )
    if precommit is not None:
        noop, hook = precommit
        out.append("")
        out.append(
            f"pre-commit: {len(repo.names)} files copied from {', '.join(repo.chosen)} "
            "into a scratch git repository; every file edited before each run"
        )
        out.append(latency_table([noop, hook], noop, "wall/no-op"))
    out.append("")
    out.append(
        table(
            ("target", "goal", "measured", "verdict", "how"),
            [(t.name, t.goal, t.value, verdict(t.met), t.how) for t in targets],
        )
    )
    busy = [load for load in sampled if load > cpus]
    if busy:
        out.append(
            f"note: the 1-minute load average was above {cpus} (the CPU count) at "
            f"{len(busy)} of {len(sampled)} samples: other processes competed for the "
            "CPUs, so wall seconds and the wall-based targets (processes, one file, "
            "pre-commit) are pessimistic; CPU seconds and CPU ratios hold up better."
        )
    codes = {
        t.label: sorted({s.code for s in t.samples}) for t in [*fast, *slow, *latency]
    }
    out.append("")
    out.append(
        "exit codes: "
        + "; ".join(f"{label} {','.join(map(str, c))}" for label, c in codes.items())
    )
    print("\n".join(out))
    if args.json is not None:
        data = {
            "date": started.isoformat(),
            "loads": loads,
            "versions": {**mine, **{f"peer {k}": v for k, v in theirs.items()}},
            "corpus": {"root": str(corpus.root), "files": len(files), "lines": lines},
            "tools": [brief(t) for t in [*fast, *slow, *latency]],
            "cache": [brief(t) for t in cache_rows] if cache_rows else None,
            "precommit": [brief(t) for t in precommit[:2]] if precommit else None,
            "targets": [asdict(t) for t in targets],
        }
        args.json.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
