"""Benchmark mldebt against a bare libcst parse on a corpus anyone has offline.

The default corpus is the standard library of the running interpreter (every
``*.py`` file under ``sysconfig.get_paths()["stdlib"]`` except ``site-packages``).
The script prints a plain aligned text table to stdout. Run it from the repository
root with the interpreter mldebt is installed in::

    python benchmarks/bench.py [--limit N] [--repeat K] [--corpus DIR] [--no-tests]

This is a benchmark, not a test: it asserts nothing and always exits 0 unless the
arguments are wrong.
"""

from __future__ import annotations

import argparse
import collections
import os
import platform
import statistics
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import libcst

import mldebt
from mldebt.engine.config import CliOverrides, Settings, SettingsResolver
from mldebt.engine.discovery import collect_files
from mldebt.engine.linter import Linter
from mldebt.engine.registry import all_rules
from mldebt.engine.source import SourceDecodeError, SourceText

try:
    import resource
except ImportError:  # pragma: no cover - Windows has no ``resource``
    resource = None  # type: ignore[assignment]

T = TypeVar("T")

EXCLUDED_DIRS = frozenset({"site-packages", "dist-packages", "__pycache__"})
TEST_DIRS = frozenset({"test", "tests"})
TARGET_LINES = 300
TARGET_RATIO = 3.0


@dataclass(frozen=True)
class CorpusFile:
    """One file of the corpus and its number of lines."""

    path: str
    lines: int


@dataclass(frozen=True)
class Timing:
    """CPU and wall seconds of one measured run (medians over repeats)."""

    cpu: float | None
    wall: float


@dataclass
class Row:
    """One line of the output table."""

    label: str
    files: int | None
    lines: int | None
    timing: Timing
    findings: int | None = None
    rate: bool = True


@dataclass
class LintOutcome:
    """What a linting pass over the corpus produced, besides its timing."""

    findings: int = 0
    by_code: collections.Counter[str] = field(default_factory=collections.Counter)
    skipped: int = 0
    errors: int = 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command-line options of the benchmark."""
    parser = argparse.ArgumentParser(
        description="Benchmark mldebt against libcst parsing on the stdlib.",
    )
    parser.add_argument(
        "--corpus",
        metavar="DIR",
        help="lint this folder instead of the running interpreter's stdlib",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=0,
        metavar="N",
        help="only the first N files in sorted path order (default: all)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="K",
        help="median of K runs for the in-process rows (default: 1)",
    )
    parser.add_argument(
        "--no-tests",
        action="store_true",
        help="skip folders named test or tests",
    )
    parser.add_argument(
        "--latency-runs",
        type=int,
        default=10,
        metavar="R",
        help="runs (after one warm-up) for the one-file latency rows (default: 10)",
    )
    args = parser.parse_args(argv)
    if args.limit < 0 or args.repeat < 1 or args.latency_runs < 1:
        parser.error("--limit must be >= 0, --repeat and --latency-runs >= 1")
    if args.corpus is not None and not os.path.isdir(args.corpus):
        parser.error(f"--corpus: {args.corpus}: not a directory")
    return args


def count_lines(raw: bytes) -> int:
    """Return the number of lines in ``raw`` (a last line without newline counts)."""
    if not raw:
        return 0
    return raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1)


def discover(root: str, include_tests: bool) -> list[str]:
    """Return every ``*.py`` file under ``root`` in sorted path order."""
    skipped = EXCLUDED_DIRS if include_tests else EXCLUDED_DIRS | TEST_DIRS
    found: list[str] = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if name not in skipped]
        found.extend(os.path.join(folder, n) for n in names if n.endswith(".py"))
    return sorted(found)


def load_corpus(paths: Sequence[str]) -> list[CorpusFile]:
    """Read every file once to count its lines (this also warms the page cache)."""
    corpus: list[CorpusFile] = []
    for path in paths:
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
        except OSError:
            continue
        corpus.append(CorpusFile(path, count_lines(raw)))
    return corpus


def measure(run: Callable[[], T], repeat: int) -> tuple[Timing, T]:
    """Time ``run`` ``repeat`` times; return median CPU and wall and the last result."""
    cpus: list[float] = []
    walls: list[float] = []
    result: T | None = None
    for _ in range(repeat):
        cpu_start = time.process_time()
        wall_start = time.perf_counter()
        result = run()
        walls.append(time.perf_counter() - wall_start)
        cpus.append(time.process_time() - cpu_start)
    assert result is not None
    return Timing(statistics.median(cpus), statistics.median(walls)), result


def parse_all(corpus: Sequence[CorpusFile]) -> int:
    """Read and ``libcst.parse_module`` every file; return how many failed."""
    failed = 0
    for item in corpus:
        try:
            with open(item.path, "rb") as handle:
                raw = handle.read()
            libcst.parse_module(raw)
        except Exception:  # syntax, decoding or recursion errors alike
            failed += 1
    return failed


def check_all(linter: Linter, corpus: Sequence[CorpusFile]) -> LintOutcome:
    """Run ``Linter.check_file`` (pre-filter included) on every file."""
    outcome = LintOutcome()
    for item in corpus:
        result = linter.check_file(item.path, "none", False, False)
        outcome.findings += len(result.findings)
        outcome.by_code.update(finding.code for finding in result.findings)
        outcome.errors += len(result.errors) + len(result.warnings)
    return outcome


def lint_all(linter: Linter, corpus: Sequence[CorpusFile]) -> LintOutcome:
    """Decode and ``Linter.lint_text`` every file, without the pre-filter."""
    outcome = LintOutcome()
    for item in corpus:
        with open(item.path, "rb") as handle:
            raw = handle.read()
        try:
            text = SourceText.decode(raw).text
        except SourceDecodeError:
            outcome.skipped += 1
            continue
        try:
            findings, _ = linter.lint_text(item.path, text)
        except Exception:  # check_file turns these into errors/warnings too
            outcome.errors += 1
            continue
        outcome.findings += len(findings)
        outcome.by_code.update(finding.code for finding in findings)
    return outcome


def children_cpu() -> float | None:
    """Return the CPU seconds used so far by waited-for child processes."""
    if resource is None:
        return None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_process(command: Sequence[str]) -> tuple[Timing, int]:
    """Run ``command`` with its output discarded; return its timing and exit code."""
    cpu_start = children_cpu()
    wall_start = time.perf_counter()
    completed = subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    wall = time.perf_counter() - wall_start
    cpu_end = children_cpu()
    cpu = None if cpu_start is None or cpu_end is None else cpu_end - cpu_start
    return Timing(cpu, wall), completed.returncode


def latency(command: Sequence[str], runs: int) -> tuple[Timing, int]:
    """Return the median timing of ``runs`` runs of ``command`` after one warm-up."""
    _, code = run_process(command)
    timings = [run_process(command)[0] for _ in range(runs)]
    cpus = [timing.cpu for timing in timings if timing.cpu is not None]
    cpu = statistics.median(cpus) if len(cpus) == len(timings) else None
    return Timing(cpu, statistics.median(timing.wall for timing in timings)), code


def cli_files(paths: Sequence[str]) -> list[str]:
    """Return the files the CLI itself would lint out of ``paths`` (its excludes)."""
    resolver = SettingsResolver(CliOverrides())
    return [path for path, _ in collect_files(paths, resolver)]


def read_bytes(path: str) -> bytes:
    """Return the bytes of the file at ``path``."""
    with open(path, "rb") as handle:
        return handle.read()


def pick_latency_file(corpus: Sequence[CorpusFile], linter: Linter) -> CorpusFile:
    """Return the parseable file closest to 300 lines, preferring pre-filter hits."""
    near = sorted(corpus, key=lambda item: abs(item.lines - TARGET_LINES))[:50]

    def key(item: CorpusFile) -> tuple[bool, int, str]:
        missed = not linter.could_fire(read_bytes(item.path))
        return missed, abs(item.lines - TARGET_LINES), item.path

    for item in sorted(near, key=key):
        try:
            libcst.parse_module(read_bytes(item.path))
        except Exception:
            continue
        return item
    return near[0]


def progress(message: str) -> None:
    """Print a progress line to stderr (the table goes to stdout)."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def make_settings(selected: Sequence[str]) -> Settings:
    """Return default settings that select exactly the rule codes ``selected``."""
    return Settings(root=".", config_path=None, selected=tuple(selected))


def format_seconds(value: float | None) -> str:
    """Format seconds for the table, ``-`` when unknown."""
    return "-" if value is None else f"{value:.3f}"


def format_table(rows: Sequence[Row]) -> str:
    """Render ``rows`` as a plain text table with aligned columns."""
    header = ("benchmark", "files", "lines", "CPU s", "wall s", "lines/s", "findings")
    body: list[tuple[str, ...]] = []
    for row in rows:
        rate = None
        if row.rate and row.lines is not None and row.timing.wall:
            rate = row.lines / row.timing.wall
        body.append(
            (
                row.label,
                "-" if row.files is None else str(row.files),
                "-" if row.lines is None else str(row.lines),
                format_seconds(row.timing.cpu),
                format_seconds(row.timing.wall),
                "-" if rate is None else f"{rate:,.0f}",
                "-" if row.findings is None else str(row.findings),
            )
        )
    widths = [max(len(line[i]) for line in (header, *body)) for i in range(len(header))]

    def render(cells: tuple[str, ...]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:]))
        return "  ".join((first, *rest)).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([render(header), rule, *(render(cells) for cells in body)])


def ratio(numerator: float | None, denominator: float | None) -> str:
    """Format ``numerator / denominator`` as ``N.NNx``, ``-`` when unknown."""
    if numerator is None or not denominator:
        return "-"
    return f"{numerator / denominator:.2f}x"


def main(argv: Sequence[str] | None = None) -> int:
    """Run every benchmark and print the table; return the exit code."""
    args = parse_args(argv)
    root = os.path.abspath(args.corpus or sysconfig.get_paths()["stdlib"])
    paths = discover(root, include_tests=not args.no_tests)
    if args.limit:
        paths = paths[: args.limit]
    corpus = load_corpus(paths)
    total_lines = sum(item.lines for item in corpus)
    lines_of = {item.path: item.lines for item in corpus}
    if not corpus:
        print(f"no *.py files under {root}", file=sys.stderr)
        return 0

    all_codes = tuple(rule.code for rule in all_rules())
    linter_all = Linter(make_settings(all_codes))
    linter_one = Linter(make_settings(("MLD101",)))
    hits_all = sum(linter_all.could_fire(read_bytes(item.path)) for item in corpus)
    hits_one = sum(linter_one.could_fire(read_bytes(item.path)) for item in corpus)
    files, lines = len(corpus), total_lines

    progress(f"{files} files, {lines} lines under {root}")
    progress("libcst parse alone")
    parse_timing, parse_failed = measure(lambda: parse_all(corpus), args.repeat)
    progress("mldebt, all rules")
    all_timing, all_outcome = measure(
        lambda: check_all(linter_all, corpus), args.repeat
    )
    progress("mldebt, all rules, no pre-filter")
    full_timing, full_outcome = measure(
        lambda: lint_all(linter_all, corpus), args.repeat
    )
    progress("mldebt, one rule")
    one_timing, one_outcome = measure(
        lambda: check_all(linter_one, corpus), args.repeat
    )
    rows = [
        Row("libcst parse alone", files, lines, parse_timing),
        Row("mldebt, all rules", files, lines, all_timing, all_outcome.findings),
        Row(
            "mldebt, all rules, no pre-filter",
            files,
            lines,
            full_timing,
            full_outcome.findings,
        ),
        Row(
            "mldebt, one rule (MLD101)", files, lines, one_timing, one_outcome.findings
        ),
    ]

    linted = cli_files([item.path for item in corpus])
    linted_lines = sum(lines_of[path] for path in linted)
    cli_codes: dict[int, int] = {}
    cpus = os.cpu_count() or 1
    for jobs in sorted({1, cpus}):
        command = [sys.executable, "-m", "mldebt", "check", "--exit-zero"]
        command += ["--jobs", str(jobs), *(item.path for item in corpus)]
        progress(f"mldebt CLI, --jobs {jobs}")
        timing, code = run_process(command)
        cli_codes[jobs] = code
        label = f"mldebt CLI, --jobs {jobs}"
        rows.append(Row(label, len(linted), linted_lines, timing))

    target = pick_latency_file(corpus, linter_all)
    progress(f"one-file latency: {target.path}")
    one_file = [sys.executable, "-m", "mldebt", "check", target.path]
    file_timing, file_code = latency(one_file, args.latency_runs)
    libcst_timing, _ = latency(
        [sys.executable, "-c", "import libcst"], args.latency_runs
    )
    bare_timing, _ = latency([sys.executable, "-c", "pass"], args.latency_runs)
    rows += [
        Row("one-file latency, mldebt check", 1, target.lines, file_timing, rate=False),
        Row("one-file floor, import libcst", None, None, libcst_timing),
        Row("one-file floor, python -c pass", None, None, bare_timing),
    ]

    print(f"python   {platform.python_version()} ({sys.executable})")
    print(f"libcst   {libcst_version()}, mldebt {mldebt.__version__}")
    print(f"machine  {platform.machine()} {platform.system()}, {cpus} CPUs")
    tests = "without test/tests folders" if args.no_tests else "all folders"
    print(f"corpus   {root} ({tests}, no site-packages)")
    print(f"         {files} files, {lines} lines; repeat {args.repeat} (median)")
    print()
    print(format_table(rows))
    print()
    print("mldebt all rules / libcst parse (target <= 3x):")
    for label, timing in (
        ("with pre-filter", all_timing),
        ("no pre-filter", full_timing),
    ):
        cpu_ratio = ratio(timing.cpu, parse_timing.cpu)
        wall_ratio = ratio(timing.wall, parse_timing.wall)
        print(f"  {label:<16} CPU {cpu_ratio}, wall {wall_ratio}")
    print()
    print("notes:")
    print(f"  libcst failed to parse or decode {parse_failed} of {files} files")
    print(
        f"  pre-filter lets through {hits_all} of {files} files (all rules), "
        f"{hits_one} (MLD101)"
    )
    for label, outcome in (
        ("all rules", all_outcome),
        ("no pre-filter", full_outcome),
        ("one rule", one_outcome),
    ):
        codes = ", ".join(f"{code} {n}" for code, n in sorted(outcome.by_code.items()))
        extra = f"; skipped (decode) {outcome.skipped}" if outcome.skipped else ""
        print(
            f"  findings, {label}: {codes or 'none'}; "
            f"errors/warnings {outcome.errors}{extra}"
        )
    print(
        f"  CLI rows: the CLI lints {len(linted)} of the {files} files passed "
        "(its default excludes); CPU is that of the child processes"
    )
    codes_text = ", ".join(f"--jobs {jobs}: {code}" for jobs, code in cli_codes.items())
    print(f"  CLI exit codes: {codes_text}; one-file run: {file_code}")
    hit = "passes" if linter_all.could_fire(read_bytes(target.path)) else "fails"
    print(f"  latency file: {target.path} ({target.lines} lines, {hit} the pre-filter)")
    print(f"  latency rows: median of {args.latency_runs} runs after 1 warm-up")
    return 0


def libcst_version() -> str:
    """Return the installed libcst version, or ``unknown``."""
    try:
        from importlib.metadata import version

        return version("libcst")
    except Exception:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
