"""Fingerprint mldebt's findings on real code, to prove a change kept behaviour.

Sweeps three corpora with ``mldebt check --output-format json --no-cache`` (every
rule selected, the opt-in ones included): the standard library's modules, its test
suites, and scikit-learn 1.5.2 (the wheel pinned by hash in the corpus sweep test,
fetched with pip). For each corpus it prints how many findings each rule code gave
and one SHA-256 over all findings (path, range, code, message, fix), sorted.

    python benchmarks/sweep_findings.py --save before.json   # on the old commit
    python benchmarks/sweep_findings.py --compare before.json  # on the new one

``--compare`` prints every finding that appears on only one side and exits 1 when
any corpus differs. It is a script, not a test: the corpus sweep tests already
check that the sweeps run clean.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_corpus_sweep import copy_stdlib, download_sklearn  # noqa: E402

Finding = dict[str, Any]


def sweep(root: Path) -> list[Finding]:
    """Every finding of every rule over ``root``, as mldebt's JSON gives them."""
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "mldebt",
            "check",
            ".",
            "--select",
            "ALL",
            "--jobs",
            "2",
            "--output-format",
            "json",
            "--no-cache",
            "--exit-zero",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"mldebt failed on {root}: {completed.stderr.strip()}")
    findings: list[Finding] = json.loads(completed.stdout)
    return findings


def key(finding: Finding) -> str:
    """One finding as a stable line of text."""
    return json.dumps(finding, sort_keys=True)


def corpora(work: Path) -> dict[str, Path]:
    """The three corpora, laid out under ``work``."""
    stdlib = work / "stdlib"
    copy_stdlib(stdlib, test_suites=False)
    suites = work / "stdlib-tests"
    copy_stdlib(suites, test_suites=True)
    sklearn = work / "sklearn"
    wheels = work / "wheels"
    wheels.mkdir()
    with zipfile.ZipFile(download_sklearn(wheels)) as archive:
        sources = [name for name in archive.namelist() if name.endswith(".py")]
        archive.extractall(sklearn, sources)
    return {"stdlib": stdlib, "stdlib-tests": suites, "scikit-learn-1.5.2": sklearn}


def main() -> int:
    """Sweep, print the fingerprints, and save or compare them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--save", type=Path, help="write all findings to this file")
    parser.add_argument("--compare", type=Path, help="compare with a saved file")
    args = parser.parse_args()
    results: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, root in corpora(Path(folder)).items():
            results[name] = sorted(key(finding) for finding in sweep(root))
    different = False
    saved: dict[str, list[str]] = {}
    if args.compare:
        saved = json.loads(args.compare.read_text(encoding="utf-8"))
    for name, lines in results.items():
        digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
        codes = Counter(json.loads(line)["code"] for line in lines)
        counts = " ".join(f"{code}={codes[code]}" for code in sorted(codes))
        print(f"{name}: {len(lines)} findings, sha256 {digest}  {counts}")
        if args.compare:
            before = saved.get(name, [])
            only_before = sorted(set(before) - set(lines))
            only_after = sorted(set(lines) - set(before))
            verdict = "identical" if before == lines else "DIFFERENT"
            print(f"  vs {args.compare}: {verdict}")
            for line in only_before[:20]:
                print(f"  - {line}")
            for line in only_after[:20]:
                print(f"  + {line}")
            different = different or before != lines
    if args.save:
        args.save.write_text(json.dumps(results), encoding="utf-8")
    return 1 if different else 0


if __name__ == "__main__":
    raise SystemExit(main())
