"""What configuration needs to know of every rule, without importing the rules.

Reading and checking ``[tool.mldebt]`` needs each rule's code, name, category,
default and options; nothing more. Importing the rules (and with them libcst) for
that costs more than a whole cached run, so the engine keeps this catalog in a
small JSON file under the user's cache folder (``$XDG_CACHE_HOME/mldebt``, else
``~/.cache/mldebt``), keyed by the stamp of mldebt's own code: it is rebuilt from
the rule classes whenever a module of mldebt changes. A folder that cannot be
written just means the rules are imported each time.
"""

from __future__ import annotations

import functools
import importlib
import os
import platform
from dataclasses import dataclass
from typing import Any

from mldebt import __version__
from mldebt.engine.cache_files import read_cache_file, write_cache_file
from mldebt.engine.categories import family_options
from mldebt.engine.options import Option
from mldebt.engine.project import FactScanner
from mldebt.engine.stamps import code_stamp

_TYPES: dict[str, type] = {
    "list": list,
    "bool": bool,
    "int": int,
    "str": str,
    "float": float,
}
_FORMAT = 2


@dataclass(frozen=True)
class ScannerRef:
    """Where a rule's ``FactScanner`` lives (its module and attribute)."""

    module: str
    attribute: str


@dataclass(frozen=True)
class RuleInfo:
    """A rule as configuration sees it."""

    code: str
    name: str
    category: str
    default_enabled: bool
    fix_safety: str | None
    options: tuple[Option, ...]
    uses_project: bool
    project_facts: tuple[ScannerRef, ...] = ()

    def all_options(self) -> tuple[Option, ...]:
        """The options the rule reads: its family's, then its own."""
        return (*family_options(self.category), *self.options)


def _option_data(option: Option) -> dict[str, Any]:
    kinds = option.type if isinstance(option.type, tuple) else (option.type,)
    return {
        "name": option.name,
        "types": [kind.__name__ for kind in kinds],
        "default": option.default,
        "doc": option.doc,
        "globs": option.globs,
    }


def _option_from(data: dict[str, Any]) -> Option:
    kinds = tuple(_TYPES[name] for name in data["types"])
    kind: type | tuple[type, ...] = kinds[0] if len(kinds) == 1 else kinds
    return Option(data["name"], kind, data["default"], data["doc"], bool(data["globs"]))


def load_scanner(ref: ScannerRef) -> FactScanner:
    """The ``FactScanner`` ``ref`` names (its module imports no rule)."""
    scanner = getattr(importlib.import_module(ref.module), ref.attribute)
    if not isinstance(scanner, FactScanner):
        raise TypeError(f"{ref.module}.{ref.attribute} is not a FactScanner")
    return scanner


def _info_data(info: RuleInfo) -> dict[str, Any]:
    return {
        "code": info.code,
        "name": info.name,
        "category": info.category,
        "default_enabled": info.default_enabled,
        "fix_safety": info.fix_safety,
        "options": [_option_data(option) for option in info.options],
        "uses_project": info.uses_project,
        "project_facts": [[ref.module, ref.attribute] for ref in info.project_facts],
    }


def _info_from(data: dict[str, Any]) -> RuleInfo:
    return RuleInfo(
        code=str(data["code"]),
        name=str(data["name"]),
        category=str(data["category"]),
        default_enabled=bool(data["default_enabled"]),
        fix_safety=data["fix_safety"],
        options=tuple(_option_from(option) for option in data["options"]),
        uses_project=bool(data["uses_project"]),
        project_facts=tuple(ScannerRef(*ref) for ref in data["project_facts"]),
    )


def _scanner_ref(scanner: FactScanner) -> ScannerRef:
    """The module attribute that holds ``scanner`` (a module-level constant)."""
    module_name = scanner.scan.__module__
    module = importlib.import_module(module_name)
    for attribute, value in vars(module).items():
        if value is scanner:
            return ScannerRef(module_name, attribute)
    raise RuntimeError(f"{scanner!r} is not a module-level constant of {module_name}")


def _from_the_rules() -> tuple[RuleInfo, ...]:
    from mldebt.engine.registry import all_rules

    return tuple(
        RuleInfo(
            code=rule.code,
            name=rule.name,
            category=rule.category,
            default_enabled=rule.default_enabled,
            fix_safety=rule.fix_safety,
            options=tuple(rule.options),
            uses_project=rule.uses_project,
            project_facts=tuple(_scanner_ref(s) for s in rule.project_facts),
        )
        for rule in all_rules()
    )


def _cache_path() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(
        os.path.expanduser("~"), ".cache"
    )
    key = f"{__version__}-{platform.python_version()}-{code_stamp()}"
    return os.path.join(base, "mldebt", f"rules-{key}.json")


def _read(path: str) -> tuple[RuleInfo, ...] | None:
    folder, name = os.path.split(path)
    data = read_cache_file(folder, name)
    try:
        if data["format"] != _FORMAT:
            return None
        return tuple(_info_from(item) for item in data["rules"])
    except (OSError, ValueError, KeyError, TypeError, IndexError, RecursionError):
        return None  # missing, damaged or of another shape: rebuilt


def _write(path: str, infos: tuple[RuleInfo, ...]) -> None:
    # a read-only home: no file, and the rules are imported next time too
    data = {"format": _FORMAT, "rules": [_info_data(info) for info in infos]}
    folder, name = os.path.split(path)
    write_cache_file(folder, name, data)


@functools.lru_cache(maxsize=1)
def rule_catalog() -> tuple[RuleInfo, ...]:
    """Every rule mldebt ships, sorted by code, from the cached catalog when it
    matches this code, else from the rule classes (and then cached)."""
    path = _cache_path()
    infos = _read(path)
    if infos is None:
        infos = _from_the_rules()
        _write(path, infos)
    return infos


def catalog_by_key() -> dict[str, RuleInfo]:
    """The catalog keyed by code (upper case) and by name."""
    table: dict[str, RuleInfo] = {}
    for info in rule_catalog():
        table[info.code] = info
        table[info.name] = info
    return table
