"""How mldebt scales with the number of findings in one file.

A program with N unseeded module-level draws (``x_i = random.random()``) gives N
MLD101 findings that share one fix; the time to lint it must grow linearly with N
(it once grew with N squared: the fix's placement search scanned the module once
per draw). Prints seconds and findings per N; asserts nothing.

    python benchmarks/many_findings.py              # N = 5000, 20000, 40000
    python benchmarks/many_findings.py 1000 2000
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from mldebt.engine.config import CliOverrides, settings_from_table  # noqa: E402
from mldebt.engine.linter import Linter  # noqa: E402


def program(draws: int, seeded: bool = False) -> str:
    """A module that imports random and draws ``draws`` times (seeding first when
    ``seeded``: the same work without findings)."""
    lines = ["import random", *(["random.seed(0)"] if seeded else [])]
    lines += [f"x_{index} = random.random()" for index in range(draws)]
    return "\n".join(lines) + "\n"


def main() -> int:
    """Lint programs of growing size with MLD101 and print the timings."""
    sizes = [int(arg) for arg in sys.argv[1:]] or [5_000, 20_000, 40_000]
    settings = settings_from_table({"select": ["MLD101"]}, ".", None, CliOverrides())
    linter = Linter(settings, project=False)
    print(
        f"{'draws':>8} {'findings':>9} {'seconds':>8} {'us/draw':>8} "
        f"{'seeded (no findings) s':>23}"
    )
    for size in sizes:
        start = time.perf_counter()
        findings, _ = linter.lint_text("bench.py", program(size))
        elapsed = time.perf_counter() - start
        start = time.perf_counter()
        clean, _ = linter.lint_text("bench.py", program(size, seeded=True))
        baseline = time.perf_counter() - start
        assert not clean
        print(
            f"{size:>8} {len(findings):>9} {elapsed:>8.2f} "
            f"{elapsed / size * 1e6:>8.1f} {baseline:>23.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
