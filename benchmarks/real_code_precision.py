"""Precision of the randomness rules (MLD1xx) on real ML projects nobody here wrote.

Fetches pinned releases of public ML projects from PyPI (exact version, checked by
SHA-256; they are never committed here), runs ``mldebt check`` over each as a user
would (default settings, every rule), prints the findings per code per project, and
scores every MLD1xx finding against the hand-classified list committed beside this
script, ``real_code/mld1xx.tsv`` (one line per finding: TP or FP, the root cause,
a one-line reason).

    python benchmarks/real_code_precision.py                  # fetch, run, score
    python benchmarks/real_code_precision.py --json out.json  # also save the numbers
    python benchmarks/real_code_precision.py --list-unclassified > new.tsv

A finding the list does not classify is counted as unclassified (and printed); a
classified finding mldebt no longer reports is listed as gone. The script exits 1
when any MLD1xx finding is unclassified, so the list cannot silently fall behind.
It is a benchmark, not a test: the numbers are its output.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Project:
    name: str
    requirement: str  # pip's exact pin
    binary: bool  # a wheel (True) or the sdist (False)
    sha256: str
    role: str


PROJECTS = (
    Project(
        "yolov5",
        "yolov5==7.0.14",
        True,
        "67d0e3f7cb055cc7ff0c9d66fc993577f7394ca83a16ab097c0343ee4db3ca4b",
        "training scripts (train.py, val.py, segment/, classify/) of a YOLO repo",
    ),
    Project(
        "hummingbird",
        "hummingbird-ml==0.4.12",
        False,
        "0e3486ec5867631e3e86d092780ca7d4164999e7ea85cf7b6985b3aff21f193b",
        "notebook-heavy: 10 example notebooks, a library and its tests",
    ),
    Project(
        "rtdl",
        "rtdl==0.0.13",
        False,
        "f4ddbda92a955d9e5f0eaf5f6e0af705a41a8105e55a85b19877a3f7b177e4b5",
        "tabular deep-learning research; the example seeds through `zero`",
    ),
    Project(
        "tabm",
        "tabm==0.0.3",
        False,
        "1caaa70ccf7b31f57a133cac2216e2a52fea4ae8f5ad972163689bab7fab2bc1",
        "tabular deep-learning research; a notebook seeding by hand",
    ),
    Project(
        "lightning-bolts",
        "pytorch-lightning-bolts==0.3.2.post1",
        False,
        "b2e19c014986141fb8cc49fb92ef78fc05c9bc68618625068602aa985a285a86",
        "research models whose cli_main() seeds through `seed_everything`",
    ),
)

HERE = Path(__file__).resolve().parent
CLASSIFIED = HERE / "real_code" / "mld1xx.tsv"
COLUMNS = ("project", "path", "where", "code", "verdict", "cause", "reason")


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mldebt-bench" / "real-code"


def fetch(project: Project, cache: Path) -> Path:
    """The project's files, unpacked (downloaded and checked once)."""
    unpacked = cache / f"{project.name}-{project.sha256[:12]}"
    if (unpacked / ".complete").exists():
        return root_of(unpacked)
    downloads = cache / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    kind = ["--only-binary", ":all:"] if project.binary else ["--no-binary", ":all:"]
    completed = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", *kind]
        + ["--dest", str(downloads), project.requirement],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        sys.exit(f"pip could not fetch {project.requirement}: {completed.stderr}")
    archive = next(
        path for path in downloads.iterdir() if sha256(path) == project.sha256
    )
    unpacked.mkdir(parents=True, exist_ok=True)
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as wheel:
            wheel.extractall(unpacked)
    else:
        with tarfile.open(archive) as sdist:
            sdist.extractall(unpacked, filter="data")
    (unpacked / ".complete").write_text(project.requirement + "\n")
    return root_of(unpacked)


def root_of(unpacked: Path) -> Path:
    """An sdist unpacks into one folder: lint from inside it."""
    entries = [p for p in unpacked.iterdir() if p.name != ".complete"]
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else unpacked


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def findings(root: Path) -> list[dict[str, Any]]:
    """Every finding of the default rule set, as a user's first run gives them."""
    completed = subprocess.run(
        [sys.executable, "-m", "mldebt", "check", ".", "--output-format", "json"]
        + ["--no-cache", "--exit-zero"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        sys.exit(f"mldebt failed on {root}: {completed.stderr.strip()}")
    result: list[dict[str, Any]] = json.loads(completed.stdout)
    return result


def where(finding: dict[str, Any]) -> str:
    """Where a finding is, as the list writes it: ``line:column``, in a notebook
    ``cell N line:column``."""
    at = f"{finding['line']}:{finding['column']}"
    return f"cell {finding['cell']} {at}" if finding.get("cell") else at


def read_classified() -> dict[tuple[str, str, str, str], dict[str, str]]:
    if not CLASSIFIED.exists():
        return {}
    with CLASSIFIED.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return {(r["project"], r["path"], r["where"], r["code"]): r for r in rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument(
        "--list-unclassified",
        action="store_true",
        help="print the unclassified MLD1xx findings as rows for the list, only",
    )
    parser.add_argument("--cache", type=Path, default=cache_folder())
    args = parser.parse_args()
    classified = read_classified()
    seen: set[tuple[str, str, str, str]] = set()
    report: dict[str, Any] = {}
    unclassified_rows: list[list[str]] = []
    totals: Counter[str] = Counter()
    for project in PROJECTS:
        root = fetch(project, args.cache)
        found = findings(root)
        per_code = Counter(finding["code"] for finding in found)
        verdicts: Counter[tuple[str, str]] = Counter()
        causes: Counter[tuple[str, str]] = Counter()
        for finding in found:
            if not finding["code"].startswith("MLD1"):
                continue
            key = (project.name, finding["path"], where(finding), finding["code"])
            seen.add(key)
            row = classified.get(key)
            if row is None:
                verdicts[(finding["code"], "?")] += 1
                unclassified_rows.append([*key, "?", "?", finding["message"]])
                continue
            verdicts[(finding["code"], row["verdict"])] += 1
            causes[(finding["code"], row["cause"])] += 1
        report[project.name] = {
            "requirement": project.requirement,
            "findings": dict(sorted(per_code.items())),
            "mld1xx": {
                code: {v: verdicts[(code, v)] for v in ("TP", "FP", "?")}
                for code in sorted(c for c in per_code if c.startswith("MLD1"))
            },
            "largest cause": max(causes.items(), key=lambda kv: kv[1], default=None),
        }
        for (_, verdict), count in verdicts.items():
            totals[verdict] += count
    gone = sorted(key for key in classified if key not in seen)
    if args.list_unclassified:
        writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
        writer.writerows(unclassified_rows)
        return 0
    print_report(report, totals, gone, unclassified_rows)
    if args.json:
        args.json.write_text(json.dumps({"projects": report, "totals": totals}))
    return 1 if unclassified_rows else 0


def print_report(
    report: dict[str, Any],
    totals: Counter[str],
    gone: list[tuple[str, str, str, str]],
    unclassified: list[list[str]],
) -> None:
    print("## Findings per code per project (default rules)\n")
    for name, entry in report.items():
        counts = ", ".join(f"{code} {n}" for code, n in entry["findings"].items())
        print(f"- {name} ({entry['requirement']}): {counts or 'none'}")
    print("\n## MLD1xx, hand-classified\n")
    print("| project | code | findings | TP | FP | unclassified | precision |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for name, entry in report.items():
        for code, v in entry["mld1xx"].items():
            judged = v["TP"] + v["FP"]
            precision = f"{v['TP'] / judged:.2f}" if judged else "-"
            print(
                f"| {name} | {code} | {sum(v.values())} | {v['TP']} | {v['FP']} "
                f"| {v['?']} | {precision} |"
            )
    judged = totals["TP"] + totals["FP"]
    precision = f"{totals['TP'] / judged:.3f}" if judged else "-"
    print(
        f"\nMLD1xx overall: {judged + totals['?']} findings, {totals['TP']} TP, "
        f"{totals['FP']} FP, {totals['?']} unclassified; precision {precision}"
    )
    print("\nLargest root cause per project (code, cause): findings")
    for name, entry in report.items():
        largest = entry["largest cause"]
        if largest is not None:
            (code, cause), count = largest
            print(f"- {name}: {code} {cause}: {count}")
    if gone:
        print(f"\n{len(gone)} classified findings are no longer reported:")
        for key in gone:
            print("  " + "  ".join(key))
    if unclassified:
        print(f"\n{len(unclassified)} findings are not in {CLASSIFIED.name}:")
        for row in unclassified:
            print("  " + "  ".join(row[:4]) + "  " + row[-1])


if __name__ == "__main__":
    sys.exit(main())
