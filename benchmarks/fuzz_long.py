"""The long fuzz run: many random programs and configs instead of CI's small sample.

CI runs ``tests/test_fuzz.py`` and ``tests/test_config_fuzz.py`` with a few dozen
derandomized examples each. This script runs the same properties with
``--examples`` random examples per test (default 2000; hypothesis then draws new
programs on every run), and prints how long it took:

    python benchmarks/fuzz_long.py                    # 2000 examples per test
    python benchmarks/fuzz_long.py --examples 500 -k generated
    python benchmarks/fuzz_long.py --config           # the config fuzz as well

It is the same as ``MLDEBT_FUZZ_EXAMPLES=2000 python -m pytest -q tests/test_fuzz.py``.
A failure prints the program (or pyproject.toml) that caused it, shrunk; paste
it into a test to keep it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    """Run the fuzz tests with many examples; return pytest's exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="per test")
    parser.add_argument("--config", action="store_true", help="config fuzz too")
    parser.add_argument("-k", dest="keyword", help="pytest -k expression")
    args = parser.parse_args()
    modules = ["tests/test_fuzz.py"]
    if args.config:
        modules.append("tests/test_config_fuzz.py")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += ["--hypothesis-show-statistics", *modules]
    if args.keyword:
        command += ["-k", args.keyword]
    environment = {**os.environ, "MLDEBT_FUZZ_EXAMPLES": str(args.examples)}
    started = time.perf_counter()
    status = subprocess.call(command, cwd=ROOT, env=environment)
    elapsed = time.perf_counter() - started
    print(f"{args.examples} examples per test: {elapsed:.0f} s, exit {status}")
    return status


if __name__ == "__main__":
    sys.exit(main())
