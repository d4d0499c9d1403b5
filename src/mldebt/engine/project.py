"""A small index of the project's modules: who imports whom, which are programs, and
the facts each rule family records about every file.

pre-commit passes only the changed files, but some findings depend on other files
(whether a library module's random draws are pinned depends on the programs that
import it). This index is built from the raw text of every Python file (and the
code cells of every notebook: a notebook runs as a program) under the
config's folder with a few regular expressions (no parsing), once per process and
before worker processes fork; an on-disk cache keyed by each file's content skips
the scan of unchanged files. Only regular files of at most ``MAX_SOURCE_BYTES``
are read: FIFOs, devices and symlinks to them are passed over.

The engine knows imports and ``__main__`` blocks. What else a family needs from
every file it declares as a ``FactScanner`` on its rules (``project_facts``): a
name, a version and a function from a file's text (and its import aliases) to a
tuple of strings, kept per file under that name.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mldebt import __version__
from mldebt.engine.cache_files import (
    CACHE_FOLDER,
    read_cache_file,
    read_regular_file,
    write_cache_file,
)
from mldebt.engine.git import git_visible_files, nearest_git_work_tree

_CACHE_NAME = "project-index.json"
MAX_WALKED_FILES = 50_000
# A source file larger than this is generated code, not a module people import.
MAX_SOURCE_BYTES = 4 * 1024 * 1024
# Notebooks carry their outputs (plots, tables): they may be larger.
MAX_NOTEBOOK_BYTES = 32 * 1024 * 1024
# Bumped when what the cache records changes shape or meaning.
_CACHE_FORMAT = 2
_INDEXED = (".py", ".ipynb")
_MAGIC = re.compile(r"^([ \t]*)([%!])", re.MULTILINE)
_SKIPPED_FOLDERS = frozenset(
    {
        ".git",
        ".hg",
        ".venv",
        "venv",
        "__pycache__",
        "node_modules",
        "build",
        "dist",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        CACHE_FOLDER,
        "site-packages",
    }
)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n#;]+)", re.MULTILINE)
_FROM = re.compile(
    r"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+)", re.MULTILINE
)
_MAIN = re.compile(r"""^if[ \t]+__name__[ \t]*==[ \t]*['"]__main__['"]""", re.MULTILINE)


@dataclass(frozen=True)
class FactScanner:
    """What one rule family records about every project file, from its text.

    ``scan(text, aliases, options)`` gets the file's text, its imports (local
    name -> qualified name) and the resolved options of the family ``category``
    (``[tool.mldebt.<category>]``), and returns the facts as strings; bump
    ``version`` whenever what it returns changes, so cached indexes are rebuilt
    (a change of the options rebuilds them too).
    """

    name: str
    version: int
    category: str
    scan: Callable[[str, Mapping[str, str], Mapping[str, Any]], tuple[str, ...]]


@dataclass
class ModuleInfo:
    """What the index knows about one project file."""

    path: str  # relative to the project root, with "/"
    names: tuple[str, ...]  # dotted module names it can be imported as
    imports: tuple[str, ...]  # module names it imports (candidates, absolute)
    has_main_guard: bool  # runs as a program: a `__main__` block, or a notebook
    # FactScanner.name -> what that scanner found in the file
    facts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def fact(self, scanner: FactScanner) -> tuple[str, ...]:
        """What ``scanner`` recorded about this file (nothing if it did not run)."""
        return self.facts.get(scanner.name, ())


def module_names(relative: str) -> tuple[str, ...]:
    """``src/pkg/mod.py`` -> (``src.pkg.mod``, ``pkg.mod``); packages drop
    ``__init__``."""
    parts = relative[: -len(".py")].split("/") if relative.endswith(".py") else []
    if not parts:
        return ()
    if parts[-1] == "__init__":
        parts = parts[:-1]
    names = [".".join(parts[index:]) for index in range(len(parts)) if parts[index:]]
    return tuple(dict.fromkeys(names))


def _aliases(text: str, package: str) -> tuple[dict[str, str], list[str]]:
    """Local name -> qualified name for the file's imports, and the modules imported."""
    aliases: dict[str, str] = {}
    modules: list[str] = []
    for match in _IMPORT.finditer(text):
        for item in match.group(1).split(","):
            words = item.split()
            if not words:
                continue
            name = words[0]
            modules.append(name)
            if len(words) == 3 and words[1] == "as":
                aliases[words[2]] = name
            else:
                aliases[name.split(".")[0]] = name.split(".")[0]
    for match in _FROM.finditer(text):
        base = match.group(1)
        if base.startswith("."):
            dots = len(base) - len(base.lstrip("."))
            parent = package.split(".")
            parent = parent[: len(parent) - (dots - 1)] if dots > 1 else parent
            base = ".".join(filter(None, [*parent, base.lstrip(".")]))
        modules.append(base)
        names = match.group(2).strip("() \n")
        for item in names.split(","):
            words = item.split()
            if not words or words[0] == "*":
                continue
            qualified = f"{base}.{words[0]}" if base else words[0]
            modules.append(qualified)  # `from pkg import module` imports a module
            local = words[2] if len(words) == 3 and words[1] == "as" else words[0]
            aliases[local] = qualified
    return aliases, modules


def notebook_code(text: str) -> str:
    """A notebook's code cells joined in order (IPython magics and shell lines
    commented out), or ``""`` for a file that is not a notebook."""
    try:
        cells = json.loads(text).get("cells", [])
        sources = [
            (
                "".join(cell["source"])
                if isinstance(cell["source"], list)
                else cell["source"]
            )
            for cell in cells
            if isinstance(cell, dict) and cell.get("cell_type") == "code"
        ]
    except (ValueError, AttributeError, KeyError, TypeError, RecursionError):
        return ""
    code = "\n".join(str(source) for source in sources)
    return _MAGIC.sub(r"\1#\2", code)


def scan_module(
    relative: str,
    text: str,
    scanners: Sequence[FactScanner] = (),
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> ModuleInfo:
    """Index one file from its text, with each family's ``scanners`` and the
    families' ``options`` (by category; a family without an entry gets none)."""
    options = options or {}
    # a notebook is not importable; it runs as a program
    names = () if relative.endswith(".ipynb") else module_names(relative)
    # relative imports resolve against the longest name (the path from the root)
    package = names[0].rpartition(".")[0] if names else ""
    if relative.endswith("__init__.py") and names:
        package = names[0]
    aliases, modules = _aliases(text, package)
    return ModuleInfo(
        path=relative,
        names=names,
        imports=tuple(dict.fromkeys(modules)),
        has_main_guard=relative.endswith(".ipynb") or bool(_MAIN.search(text)),
        facts={
            scanner.name: scanner.scan(text, aliases, options.get(scanner.category, {}))
            for scanner in scanners
        },
    )


@dataclass
class ProjectIndex:
    """The modules under one root and the import graph between them."""

    root: str
    scanners: tuple[FactScanner, ...] = ()
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    modules: dict[str, ModuleInfo] = field(default_factory=dict)
    _by_name: dict[str, str] = field(default_factory=dict)
    _importers: dict[str, set[str]] = field(default_factory=dict)
    _digest: str | None = None

    @classmethod
    def build(
        cls,
        root: str,
        scanners: Sequence[FactScanner] = (),
        use_cache: bool = True,
        options: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> ProjectIndex:
        """Index every Python file under ``root`` with the families' ``scanners``
        and options (by category); a cache makes reruns cheap."""
        index = cls(os.path.abspath(root), tuple(scanners), dict(options or {}))
        cached = index._read_cache() if use_cache else {}
        fresh: dict[str, tuple[str, ModuleInfo]] = {}
        for relative, absolute in index._files():
            notebook = relative.endswith(".ipynb")
            limit = MAX_NOTEBOOK_BYTES if notebook else MAX_SOURCE_BYTES
            data = read_regular_file(absolute, limit)
            if data is None:
                continue
            # keyed on content: an edit that keeps the size and restores the
            # mtime (`touch -r`, tar, `rsync -t`) is still seen
            digest = hashlib.blake2b(data, digest_size=16).hexdigest()
            entry = cached.get(relative)
            if entry is not None and entry[0] == digest:
                info = entry[1]
            else:
                text = data.decode("utf-8", errors="replace")
                if notebook:
                    text = notebook_code(text)
                info = scan_module(relative, text, index.scanners, index.options)
            fresh[relative] = (digest, info)
            index.modules[relative] = info
        index._link()
        if use_cache and fresh != cached:
            index._write_cache(fresh)
        return index

    def _files(self) -> Iterator[tuple[str, str]]:
        # Tracked and staged files only: a local scratch script must not make a
        # library pass here and fail in CI's clean checkout.
        listed = git_visible_files(self.root, untracked=False)
        if listed is not None:
            for relative in sorted(listed):
                if relative.endswith(_INDEXED):
                    yield relative, os.path.join(self.root, relative)
            return
        seen = 0
        for folder, subfolders, files in os.walk(self.root):
            subfolders[:] = sorted(
                d
                for d in subfolders
                if d not in _SKIPPED_FOLDERS and not d.startswith(".")
            )
            seen += len(files)
            if seen > MAX_WALKED_FILES:
                return  # not a project folder (a home directory?): index what we have
            for name in sorted(files):
                if name.endswith(_INDEXED):
                    absolute = os.path.join(folder, name)
                    relative = os.path.relpath(absolute, self.root).replace(os.sep, "/")
                    yield relative, absolute

    def _link(self) -> None:
        for relative, info in self.modules.items():
            for name in info.names:
                self._by_name.setdefault(name, relative)
        for relative, info in self.modules.items():
            for imported in info.imports:
                target = self._by_name.get(imported)
                if target is not None and target != relative:
                    self._importers.setdefault(target, set()).add(relative)

    def relative(self, path: str) -> str | None:
        """``path`` relative to the root, or None outside it."""
        relative = os.path.relpath(os.path.abspath(path), self.root)
        if relative.startswith(".."):
            return None
        return relative.replace(os.sep, "/")

    def module_named(self, name: str) -> ModuleInfo | None:
        """The project module importable as ``name`` (``pkg.utils``), or None."""
        relative = self._by_name.get(name)
        return self.modules[relative] if relative is not None else None

    def importers(self, path: str) -> list[ModuleInfo]:
        """Every project module that imports ``path``, directly or through others."""
        start = self.relative(path)
        if start is None:
            return []
        seen: set[str] = {start}
        pending = [start]
        found: list[ModuleInfo] = []
        while pending:
            current = pending.pop()
            for importer in sorted(self._importers.get(current, ())):
                if importer not in seen:
                    seen.add(importer)
                    pending.append(importer)
                    found.append(self.modules[importer])
        return found

    # ---- cache ------------------------------------------------------------------

    def digest(self) -> str:
        """A digest of what the index knows: cached results that asked it are
        valid only while it is unchanged."""
        if self._digest is None:
            text = repr(sorted(self.modules.items()))
            self._digest = hashlib.sha256(text.encode()).hexdigest()[:20]
        return self._digest

    def _scanner_stamp(self) -> list[str]:
        options = json.dumps(
            {
                scanner.category: self.options.get(scanner.category, {})
                for scanner in self.scanners
            },
            sort_keys=True,
            default=repr,
        )
        digest = hashlib.sha256(options.encode()).hexdigest()[:16]
        stamps = [f"{scanner.name}:{scanner.version}" for scanner in self.scanners]
        return [*sorted(stamps), f"options:{digest}"]

    def _read_cache(self) -> dict[str, tuple[str, ModuleInfo]]:
        try:
            data = read_cache_file(os.path.join(self.root, CACHE_FOLDER), _CACHE_NAME)
            if data.get("version") != __version__:
                return {}
            if data.get("format") != _CACHE_FORMAT:
                return {}
            if data.get("scanners") != self._scanner_stamp():
                return {}
            return {
                relative: (
                    str(entry["digest"]),
                    ModuleInfo(
                        path=relative,
                        names=tuple(entry["names"]),
                        imports=tuple(entry["imports"]),
                        has_main_guard=bool(entry["main"]),
                        facts={
                            name: tuple(values)
                            for name, values in entry["facts"].items()
                        },
                    ),
                )
                for relative, entry in data["files"].items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}

    def _write_cache(self, entries: dict[str, tuple[str, ModuleInfo]]) -> None:
        data = {
            "version": __version__,
            "format": _CACHE_FORMAT,
            "scanners": self._scanner_stamp(),
            "files": {
                relative: {
                    "digest": digest,
                    "names": list(info.names),
                    "imports": list(info.imports),
                    "main": info.has_main_guard,
                    "facts": {
                        name: list(values) for name, values in info.facts.items()
                    },
                }
                for relative, (digest, info) in entries.items()
            },
        }
        write_cache_file(os.path.join(self.root, CACHE_FOLDER), _CACHE_NAME, data)


class ProjectIndexes:
    """The project indexes of the files under one config, built once per process
    and project root, and shared by everyone who asks (the runner's cache lookups,
    the linter's rules)."""

    def __init__(
        self,
        config_root: str | None,
        scanners: Sequence[FactScanner],
        use_cache: bool = True,
        options: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        """``config_root`` is the config's folder (None without a config);
        ``scanners`` are the facts the selected rules need of every file, and
        ``options`` the resolved options of their families, by category."""
        self.config_root = config_root
        self.scanners = tuple(scanners)
        self.use_cache = use_cache
        self.options = dict(options or {})
        self._indexes: dict[str, ProjectIndex] = {}

    def root_of(self, path: str) -> str:
        """The folder whose files form ``path``'s project: the config's folder;
        without a config, the git work tree the file is in, else the current
        folder when the file lies below it, else the file's own folder."""
        if self.config_root is not None:
            return self.config_root
        folder = os.path.dirname(os.path.abspath(path))
        found = nearest_git_work_tree(folder)
        if found is not None:
            return found
        cwd = os.getcwd()
        return (
            cwd if folder.startswith(os.path.join(cwd, "")) or folder == cwd else folder
        )

    def index_for(self, path: str) -> ProjectIndex:
        """The index of ``path``'s project."""
        root = self.root_of(path)
        index = self._indexes.get(root)
        if index is None:
            # A folder inside a project already indexed is part of that project.
            for known, existing in self._indexes.items():
                if root.startswith(os.path.join(known, "")):
                    return existing
            index = ProjectIndex.build(
                root, self.scanners, self.use_cache, self.options
            )
            self._indexes[root] = index
        return index

    def prepare(self, paths: Iterable[str]) -> None:
        """Index now (before worker processes fork) the projects the files belong
        to, when that is the config's folder or a git work tree (loose files
        elsewhere are indexed only if a rule asks)."""
        roots = {self.root_of(path) for path in paths}
        for root in sorted(roots, key=len):
            if root == self.config_root or nearest_git_work_tree(root) == root:
                self.index_for(os.path.join(root, "_"))


def project_indexes(
    config_root: str | None,
    scanners: Iterable[FactScanner],
    use_cache: bool,
    family_values: Callable[[str], Mapping[str, Any]],
) -> ProjectIndexes:
    """The indexes of one config's projects, with the distinct ``scanners`` and
    their families' options (``family_values(category)``)."""
    distinct = {scanner.name: scanner for scanner in scanners}
    chosen = [distinct[name] for name in sorted(distinct)]
    options = {scanner.category: family_values(scanner.category) for scanner in chosen}
    return ProjectIndexes(config_root, chosen, use_cache, options)


def importing_programs(
    index: ProjectIndex | None, path: str, is_program: Iterable[str] = ()
) -> list[ModuleInfo]:
    """The modules importing ``path`` that are programs (a ``__main__`` block, or
    a path in ``is_program``)."""
    if index is None:
        return []
    extra = set(is_program)
    return [
        info
        for info in index.importers(path)
        if info.has_main_guard or info.path in extra
    ]
