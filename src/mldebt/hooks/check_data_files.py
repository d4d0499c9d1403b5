"""``check-data-files``: fail when a large data file is added to git directly.

Datasets, model weights and archives bloat a git history forever once committed:
every clone downloads them again. This hook reports data files (by extension)
larger than ``--max-kb`` that the commit adds, unless git-lfs (a ``filter=lfs``
attribute *and* a staged blob that is a git-lfs pointer) or DVC (a ``.dvc``
pointer, or an output of a ``dvc.yaml`` stage) already tracks them.

Exit codes: 0 nothing to report, 1 large data files added, 2 usage or environment
error.
"""

from __future__ import annotations

import argparse
import math
import os
import posixpath
import re
import shlex
import stat
import sys
from collections.abc import Iterable, Sequence

from mldebt.engine.git import GitError, git_output, repo_root, split_nul
from mldebt.engine.printing import printable
from mldebt.hooks._argv import parse_hook_arguments

PROG = "mldebt-check-data-files"
DEFAULT_MAX_KB = 500
# The first line of every git-lfs pointer file, and the spec's size limit for one.
LFS_POINTER_PREFIX = b"version https://git-lfs.github.com/spec/v1"
LFS_POINTER_MAX_BYTES = 1024

# Suffixes of files that hold data, weights or archives, compared in lower case.
# Several-part suffixes (tar.gz) are listed whole so the git-lfs hint names them.
DATA_SUFFIXES = frozenset(
    {
        # tables
        "csv",
        "tsv",
        "psv",
        "parquet",
        "pq",
        "feather",
        "arrow",
        "ipc",
        "orc",
        "avro",
        "jsonl",
        "ndjson",
        "xlsx",
        "xlsm",
        "xls",
        "ods",
        "sav",
        "dta",
        "sas7bdat",
        "dat",
        # arrays and scientific formats
        "npy",
        "npz",
        "h5",
        "hdf5",
        "hdf",
        "nc",
        "mat",
        "zarr",
        "tfrecord",
        "tfrecords",
        "lmdb",
        "mdb",
        "db",
        "sqlite",
        "sqlite3",
        "duckdb",
        # serialised objects and model weights
        "pkl",
        "pickle",
        "joblib",
        "pt",
        "pth",
        "ckpt",
        "safetensors",
        "onnx",
        "pb",
        "tflite",
        "keras",
        "bin",
        "gguf",
        "msgpack",
        # archives and compressed files
        "zip",
        "tar",
        "tar.gz",
        "tgz",
        "tar.bz2",
        "tbz2",
        "tar.xz",
        "txz",
        "tar.zst",
        "gz",
        "bz2",
        "xz",
        "zst",
        "lz4",
        "7z",
        "rar",
    }
)

# One entry of a stage's outs/metrics/plots list in dvc.yaml: "- path", "- path:"
# (with options below it) or "- path: {cache: false}", the path maybe quoted.
_DVC_SECTION = re.compile(r"^(outs|metrics|plots)\s*:\s*(.*)$")
_DVC_ITEM = re.compile(r"""^-\s+(?:"([^"]*)"|'([^']*)'|([^:#]*?))\s*(?::.*)?$""")


def data_suffix(path: str) -> str | None:
    """The longest data suffix ``path`` ends with (``tar.gz`` before ``gz``), or None."""
    name = posixpath.basename(path.replace(os.sep, "/")).lower()
    parts = name.split(".")
    for start in range(1, len(parts)):
        suffix = ".".join(parts[start:])
        if suffix in DATA_SUFFIXES:
            return suffix
    return None


def size_kb(path: str) -> int | None:
    """The size of the regular file at ``path`` in KB, rounded up, else None.

    A symlink is committed as its target's name, not its content, so it has no
    size here; neither has a file that is gone.
    """
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return math.ceil(info.st_size / 1024)


def staged_additions(root: str) -> set[str]:
    """Paths (relative to ``root``) of the files the index adds."""
    output = git_output(
        ["diff", "--cached", "--name-only", "--diff-filter=A", "-z", "--no-color"],
        cwd=root,
    )
    return set(split_nul(output))


def lfs_tracked(root: str, paths: Iterable[str]) -> set[str]:
    """The ``paths`` (relative to ``root``) whose ``filter`` attribute is ``lfs``."""
    paths = list(paths)
    if not paths:
        return set()
    stdin = b"".join(os.fsencode(path) + b"\0" for path in paths)
    fields = split_nul(
        git_output(["check-attr", "filter", "-z", "--stdin"], cwd=root, stdin=stdin)
    )
    # The output is path, attribute, value triplets.
    return {
        fields[index]
        for index in range(0, len(fields) - 2, 3)
        if fields[index + 2] == "lfs"
    }


def is_lfs_pointer(root: str, path: str) -> bool:
    """Whether the staged blob of ``path`` is a git-lfs pointer, not the file.

    A ``filter=lfs`` attribute only asks for git-lfs: where git-lfs is not
    installed, or its filter is not set up in this clone, git stores the whole
    file. Only the staged blob tells, so its size and first line are read from git.
    """
    spec = f":{path}"
    try:
        size = int(git_output(["cat-file", "-s", spec], cwd=root))
        if size > LFS_POINTER_MAX_BYTES:
            return False
        blob = git_output(["cat-file", "blob", spec], cwd=root)
    except (GitError, ValueError):
        return False  # not in the index: git does not store it at all yet
    return blob.startswith(LFS_POINTER_PREFIX)


def parse_dvc_yaml_outputs(text: str) -> list[str]:
    """The outputs listed under ``outs``, ``metrics`` and ``plots`` of dvc.yaml stages.

    A text scan, not a YAML parser: it reads block lists (``- path``, ``- path:``
    with options, quoted paths) and flow lists (``outs: [a, b]``). Paths with
    ``${...}`` templates are skipped, since only DVC can expand them. Top-level
    ``plots``/``metrics`` sections list plot and metric definitions, not stage
    outputs, and are skipped too.
    """
    outputs: list[str] = []
    section_indent: int | None = None
    item_indent: int | None = None
    for raw_line in text.splitlines():
        line = raw_line.split(" #", 1)[0].rstrip()
        content = line.lstrip()
        if not content or content.startswith("#"):
            continue
        indent = len(line) - len(content)
        if section_indent is not None:
            is_item = content.startswith("- ") or content == "-"
            if item_indent is None and is_item and indent >= section_indent:
                item_indent = indent
            if is_item and indent == item_indent:
                match = _DVC_ITEM.match(content)
                if match:
                    outputs.append(next(group for group in match.groups() if group))
                continue
            if indent > (item_indent if item_indent is not None else section_indent):
                continue  # the options of the entry above
            section_indent = item_indent = None
        section = _DVC_SECTION.match(content)
        if section is None or indent == 0:
            continue
        rest = section.group(2).strip()
        if rest.startswith("[") and rest.endswith("]"):
            outputs.extend(
                entry.strip().strip("\"'")
                for entry in rest[1:-1].split(",")
                if entry.strip()
            )
        elif not rest:
            section_indent = indent
    return [path for path in outputs if path and "${" not in path]


def dvc_outputs(root: str) -> list[str]:
    """Every output (relative to ``root``, normalised) of the repo's dvc.yaml files."""
    listing = git_output(
        [
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
            "--",
            "dvc.yaml",
            "*/dvc.yaml",
        ],
        cwd=root,
    )
    outputs: list[str] = []
    for dvc_yaml in sorted(set(split_nul(listing))):
        try:
            with open(os.path.join(root, dvc_yaml), encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError):
            continue  # listed but deleted in the work tree, or not text
        folder = posixpath.dirname(dvc_yaml)
        for output in parse_dvc_yaml_outputs(text):
            outputs.append(posixpath.normpath(posixpath.join(folder, output)))
    return outputs


def dvc_tracked(root: str, paths: Iterable[str]) -> set[str]:
    """The ``paths`` (relative to ``root``) that DVC tracks.

    A file is tracked when it or a folder above it has a ``.dvc`` pointer beside
    it (``dvc add data/images`` writes ``data/images.dvc``), or when it is, or
    lies inside, an output of a ``dvc.yaml`` stage.
    """
    tracked: set[str] = set()
    remaining: list[str] = []
    for path in paths:
        current = path
        while current:
            if os.path.isfile(os.path.join(root, current + ".dvc")):
                tracked.add(path)
                break
            current = posixpath.dirname(current)
        else:
            remaining.append(path)
    if remaining:
        outputs = dvc_outputs(root)
        for path in remaining:
            if any(path == out or path.startswith(out + "/") for out in outputs):
                tracked.add(path)
    return tracked


def _relative_to_root(filename: str, root: str, prefix: str) -> str:
    """A path given on the command line, made relative to the repository root.

    ``prefix`` is the current folder's path inside the repository (``git
    rev-parse --show-prefix``); the result uses ``/`` on every platform.
    """
    if os.path.isabs(filename):
        relative = os.path.relpath(filename, root)
    else:
        relative = os.path.join(prefix, filename)
    return posixpath.normpath(os.path.normpath(relative).replace(os.sep, "/"))


def find_large_data_files(
    filenames: Sequence[str], max_kb: int, enforce_all: bool
) -> list[str]:
    """One message for each data file over ``max_kb`` that git would store as is.

    Raises
    ------
    GitError
        Outside a git work tree, or when a git command fails.
    """
    root = repo_root()
    prefix = os.fsdecode(git_output(["rev-parse", "--show-prefix"]).rstrip(b"\r\n"))
    added = None if enforce_all else staged_additions(root)
    candidates: dict[str, tuple[str, int, str]] = {}
    for filename in filenames:
        suffix = data_suffix(filename)
        if suffix is None:
            continue
        relative = _relative_to_root(filename, root, prefix)
        if added is not None and relative not in added:
            continue
        kb = size_kb(filename)
        if kb is not None and kb > max_kb:
            candidates[relative] = (filename, kb, suffix)
    if not candidates:
        return []
    lfs_attribute = lfs_tracked(root, candidates)
    skipped = {path for path in lfs_attribute if is_lfs_pointer(root, path)}
    skipped |= dvc_tracked(root, (path for path in candidates if path not in skipped))
    messages = []
    for relative, (filename, kb, suffix) in candidates.items():
        if relative in skipped:
            continue
        shown = printable(filename)
        if relative in lfs_attribute:
            messages.append(
                f"{shown} ({kb} KB) exceeds {max_kb} KB: it has filter=lfs, but git "
                "staged the whole file, not a git-lfs pointer: install git-lfs "
                f"(git lfs install), then stage it again (git rm --cached "
                f"{shlex.quote(shown)} && git add {shlex.quote(shown)})"
            )
            continue
        # The hint keeps the file's own case: git-lfs patterns are case-sensitive.
        pattern = (
            "*." + posixpath.basename(filename.replace(os.sep, "/"))[-len(suffix) :]
        )
        messages.append(
            f"{shown} ({kb} KB) exceeds {max_kb} KB: track it with DVC "
            f'(dvc add {shlex.quote(shown)}) or git-lfs (git lfs track "{pattern}")'
        )
    return messages


def _non_negative(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {number}")
    return number


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface of the hook."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        allow_abbrev=False,
        description="Fail when a large data file is added to git instead of "
        "git-lfs or DVC.",
    )
    parser.add_argument("filenames", nargs="*", help="files to check")
    parser.add_argument(
        "--max-kb",
        type=_non_negative,
        default=DEFAULT_MAX_KB,
        help=f"largest data file allowed in git, in KB (default: {DEFAULT_MAX_KB})",
    )
    parser.add_argument(
        "--enforce-all",
        action="store_true",
        help="check every file given, not only the ones the commit adds",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``mldebt-check-data-files``; returns the exit code."""
    try:
        args = parse_hook_arguments(
            build_parser(), sys.argv[1:] if argv is None else argv, "filenames"
        )
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        messages = find_large_data_files(args.filenames, args.max_kb, args.enforce_all)
    except GitError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    for message in messages:
        print(message)
    return 1 if messages else 0


if __name__ == "__main__":
    raise SystemExit(main())
